"""The Timeline page's data and charts: who held each unit when, the area of each side, the events.

The rows are made from the atlas by pure functions; :func:`control_chart` and
:func:`area_chart` turn them into Altair (Vega-Lite) charts. Years on the
charts are decimal years (1858.41 is late May 1858), so that dates before
1677, which pandas timestamps cannot hold, plot as well as later ones. A click
on a bar or on a treaty's mark opens the map at a year: :func:`picked` reads
the year (and the unit) from the selection Streamlit returns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

import altair as alt
import pandas as pd

from geo.atlas import Atlas
from geo.changes import change_years
from geo.config import FIRST_YEAR
from geo.events import KINDS, Event
from geo.periods import Period, state_at, year_date
from geo.text import span_label

# statuses under which control and sovereignty differ, or sovereignty is shared or in dispute
MARKED_STATUSES = ("lease", "occupation", "joint", "contested")
STATUS_LABELS = {
    "lease": "Lease",
    "occupation": "Occupation",
    "joint": "Held jointly",
    "contested": "Contested",
}
STATUS_DASHES = {"lease": [7, 3], "occupation": [2, 2], "joint": [10, 2, 2, 2], "contested": [1, 4]}
# the inner bar of a marked period with no other sovereign (joint, contested)
NO_SOVEREIGN_FILL = "#ffffff"
MARK_LEGEND = ["Inner bar: control and", "sovereignty differ"]
# Vega-Lite allows a selection on one layer only: the inner bars have their own
PERIOD_PICK = "period"
INNER_PICK = "inner_period"
TREATY_PICK = "treaty"
PICKS = (PERIOD_PICK, INNER_PICK, TREATY_PICK)
ROW_PX = 24
AREA_PX = 260
TREATY_FILL = "#333333"
LABEL_CHARS = 30
LABEL_LIMIT_PX = 160
# legends below the plot, one under the other, in one column on a narrow screen
LEGEND = {
    "orient": "bottom",
    "direction": "horizontal",
    "columns": {"expr": "width < 500 ? 1 : 4"},
    "titleLimit": 0,
    # no limit, but on a phone (a narrow plot) short enough to stay on the screen
    "labelLimit": {"expr": "width < 300 ? 140 : 0"},
}
LEGEND_LAYOUT = {"expr": "{bottom: {anchor: 'start', direction: 'vertical', margin: 16}}"}
# the plot fills the page's width; its height is its own (Streamlit's "fit" would squeeze
# the plot to make room for the legends)
AUTOSIZE = {"type": "fit-x", "contains": "padding"}
# the event strip under the map's slider: one row of marks, a shape and a colour per kind
STRIP_PICK = "event"
STRIP_PX = 64
KIND_SHAPES = {
    "treaty": "triangle-down",
    "war": "cross",
    "transfer": "diamond",
    "state": "square",
    "diplomacy": "circle",
}
# Okabe-Ito colours, apart under colour-vision deficiencies; the shapes carry the kind as well
KIND_COLORS = {
    "treaty": "#0072B2",
    "war": "#D55E00",
    "transfer": "#009E73",
    "state": "#CC79A7",
    "diplomacy": "#999999",
}


def decimal_year(on: date) -> float:
    """A date as a decimal year: the year plus the part of it gone by.

    Examples
    --------
    >>> decimal_year(date(1858, 1, 1)), round(decimal_year(date(1858, 7, 2)), 3)
    (1858.0, 1858.499)
    """
    first = date(on.year, 1, 1).toordinal()
    days = date(on.year + 1, 1, 1).toordinal() - first
    return on.year + (on.toordinal() - first) / days


def marked(period: Period) -> bool:
    """True when the chart marks the period: control and sovereignty differ, are shared or disputed.

    Examples
    --------
    >>> marked(Period("kwantung", date(1898, 3, 27), None, "russian_empire",
    ...               sovereign="qing", status="lease"))
    True
    >>> marked(Period("a", date(1640, 1, 1), None, "qing"))
    False
    """
    return period.divided or period.status in MARKED_STATUSES


def standing(atlas: Atlas, period: Period) -> str:
    """How the holder of a period stands: its status, with the sovereign or the claimants.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> atlas = load_atlas()
    >>> standing(atlas, Period("kwantung", date(1898, 3, 27), None, "russian_empire",
    ...                        sovereign="qing", status="lease"))
    'lease; sovereign: Qing dynasty'
    >>> standing(atlas, Period("a", date(1640, 1, 1), None, "contested",
    ...                        ("qing", "tsardom"), status="contested"))
    'contested; claimants: Qing dynasty, Tsardom of Russia'
    """
    parts = [period.status]
    if period.divided:
        parts.append(f"sovereign: {atlas.holders[period.sovereign_holder].name_en}")
    if period.claimants:
        names = ", ".join(atlas.holders[c].name_en for c in period.claimants)
        parts.append(f"claimants: {names}")
    return "; ".join(parts)


def control_frame(atlas: Atlas, last: int) -> pd.DataFrame:
    """One row per period of control, for the bars of :func:`control_chart`.

    A period still in force runs to the end of ``last``. ``year`` is the year
    the map opens at on a click: the period's first year, as the map shows it
    on 31 December.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> rows = control_frame(load_atlas(), 2026)
    >>> lease = rows[(rows.unit == "kwantung") & (rows.status == "lease")]
    >>> lease[["holder", "sovereign", "year"]].to_dict("records")[0]
    {'holder': 'Russian Empire', 'sovereign': 'Qing dynasty', 'year': 1898}
    """
    rows = []
    order = {uid: i for i, uid in enumerate(atlas.unit_ids)}
    labels = row_labels(atlas)
    for p in sorted(atlas.periods, key=lambda p: (order[p.unit], p.start)):
        holder, sovereign = atlas.holders[p.holder], atlas.holders[p.sovereign_holder]
        is_marked = marked(p)
        rows.append(
            {
                "unit": p.unit,
                "territory": atlas.unit(p.unit).name_en,
                "label": labels[p.unit],
                "start": decimal_year(p.start),
                "end": decimal_year(p.end) if p.end else float(last + 1),
                "dates": span_label(p.start, p.end),
                "holder": holder.name_en,
                "side": atlas.sides[holder.side].name_en,
                "sovereign": sovereign.name_en if p.divided else "",
                "status": p.status,
                "standing": standing(atlas, p),
                "marked": is_marked,
                "mark": STATUS_LABELS[p.status] if is_marked else "",
                "inner": atlas.sides[sovereign.side].color if p.divided else NO_SOVEREIGN_FILL,
                "event": p.event or "—",
                "year": max(p.start.year, FIRST_YEAR),
            }
        )
    return pd.DataFrame(rows)


def row_labels(atlas: Atlas) -> dict[str, str]:
    """The label of each unit's row: its English name, shortened for the axis.

    The part in brackets goes; a name still longer than :data:`LABEL_CHARS`
    that gives two names (``Russian / Chinese``) keeps the second. A unit keeps
    its full name when the short one would be another unit's too.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> labels = row_labels(load_atlas())
    >>> labels["amur_left_bank"], labels["heixiazi_west"]
    ('Left bank of the Amur', 'Heixiazi Island, western part')
    """
    short = {}
    for u in atlas.units:
        label = u.name_en.split(" (")[0]
        if len(label) > LABEL_CHARS and " / " in label:
            label = label.split(" / ", 1)[1]
        short[u.id] = label
    taken = list(short.values())
    return {u.id: short[u.id] if taken.count(short[u.id]) == 1 else u.name_en for u in atlas.units}


def treaty_frame(atlas: Atlas) -> pd.DataFrame:
    """One row per treaty that drew a line of the atlas, on the date its line came into force.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> rows = treaty_frame(load_atlas())
    >>> rows[["treaty", "date", "year"]].to_dict("records")[0]
    {'treaty': 'Treaty of Nerchinsk', 'date': '1689-09-06', 'year': 1689}
    """
    treaties = sorted({(t.start, t.treaty) for t in atlas.treaty_lines})
    return pd.DataFrame(
        [
            {"treaty": name, "date": on.isoformat(), "x": decimal_year(on), "year": on.year}
            for on, name in treaties
        ],
        columns=["treaty", "date", "x", "year"],
    )


def area_years(atlas: Atlas, last: int) -> tuple[int, ...]:
    """The years the area chart is computed for: the first, every change year, and the last.

    Between two of them nobody's holdings change, on any 31 December.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> years = area_years(load_atlas(), 2026)
    >>> years[0], 1858 in years, years[-1]
    (1640, True, 2026)
    """
    return tuple(sorted({FIRST_YEAR, *(y for y in change_years(atlas) if y <= last), last}))


def area_frame(atlas: Atlas, years: Iterable[int]) -> pd.DataFrame:
    """The km² each side holds on 31 December of each year: one row per year and side.

    Every side appears in every year (with 0 when it holds nothing), so the
    stacked areas have no gaps; sides that never hold land are left out.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> rows = area_frame(load_atlas(), [1850, 1861])
    >>> russia = rows[rows.side == "Russia"].km2.tolist()
    >>> russia[1] - russia[0] > 900_000
    True
    """
    held: dict[tuple[int, str], float] = {}
    for year in years:
        state = state_at(atlas.unit_ids, atlas.periods, year_date(year))
        for side in atlas.sides:
            held[(year, side)] = 0.0
        for uid, p in state.items():
            held[(year, atlas.holders[p.holder].side)] += atlas.areas[uid]
    used = {side for (_, side), km2 in held.items() if km2 > 0}
    order = {side: i for i, side in enumerate(atlas.sides)}
    return pd.DataFrame(
        [
            {
                "year": year,
                "side": atlas.sides[side].name_en,
                "order": order[side],
                "km2": round(km2, 1),
            }
            for (year, side), km2 in held.items()
            if side in used
        ],
        columns=["year", "side", "order", "km2"],
    )


def side_scale(atlas: Atlas) -> alt.Scale:
    """The colour scale of the sides: their names, in their colours from the data.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> atlas = load_atlas()
    >>> side_scale(atlas).to_dict()["range"][1] == atlas.sides["russia"].color
    True
    """
    sides = list(atlas.sides.values())
    return alt.Scale(domain=[s.name_en for s in sides], range=[s.color for s in sides])


def control_chart(atlas: Atlas, last: int) -> alt.LayerChart:
    """Bars of control, one row per unit, with marked periods and the treaties on the axis.

    The bars carry the point selection :data:`PERIOD_PICK` and the inner bars
    :data:`INNER_PICK` (fields ``unit`` and ``year``); the treaty marks carry
    :data:`TREATY_PICK` (field ``year``).

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> spec = control_chart(load_atlas(), 2026).to_dict()
    >>> sorted(p["name"] for p in spec["params"])
    ['inner_period', 'period', 'treaty']
    """
    rows = control_frame(atlas, last)
    x_scale = alt.Scale(domain=[FIRST_YEAR, last + 1], nice=False)
    x = alt.X("start:Q", title="Year", scale=x_scale, axis=alt.Axis(format="d", tickMinStep=1))
    y = alt.Y(
        "label:N",
        title=None,
        sort=list(row_labels(atlas).values()),
        axis=alt.Axis(labelLimit=LABEL_LIMIT_PX, labelOverlap=False),
    )
    tooltip = [
        alt.Tooltip("territory:N", title="Territory"),
        alt.Tooltip("holder:N", title="Held by"),
        alt.Tooltip("dates:N", title="Dates"),
        alt.Tooltip("standing:N", title="Status"),
        alt.Tooltip("event:N", title="Event"),
    ]
    period, inner_period = (
        alt.selection_point(name=name, fields=["unit", "year"], on="click")
        for name in (PERIOD_PICK, INNER_PICK)
    )
    base = alt.Chart(rows).encode(x=x, x2="end:Q", y=y, tooltip=tooltip)
    bars = base.mark_bar(stroke="white", strokeWidth=0.5).encode(
        color=alt.Color("side:N", title="Held by", scale=side_scale(atlas), legend=LEGEND)
    )
    statuses = list(STATUS_LABELS)
    inner = (
        base.transform_filter("datum.marked")
        .mark_bar(height=alt.RelativeBandSize(0.4), stroke="#222222", strokeWidth=1)
        .encode(
            fill=alt.Fill("inner:N", scale=None),
            strokeDash=alt.StrokeDash(
                "mark:N",
                title=MARK_LEGEND,
                legend={
                    "symbolType": "stroke",
                    "symbolStrokeWidth": 2,
                    "symbolSize": 400,
                    **LEGEND,
                },
                scale=alt.Scale(
                    domain=[STATUS_LABELS[s] for s in statuses],
                    range=[STATUS_DASHES[s] for s in statuses],
                ),
            ),
        )
    )
    treaty = alt.selection_point(name=TREATY_PICK, fields=["year"], on="click")
    treaties = alt.Chart(treaty_frame(atlas)).encode(
        x=alt.X("x:Q", scale=x_scale),
        tooltip=[alt.Tooltip("treaty:N", title="Treaty"), alt.Tooltip("date:N", title="In force")],
    )
    rules = treaties.mark_rule(color=TREATY_FILL, strokeDash=[2, 3], opacity=0.5)
    marks = treaties.mark_point(shape="triangle-down", size=140, filled=True, opacity=1).encode(
        y=alt.value(-7), color=alt.value(TREATY_FILL)
    )
    chart = alt.layer(
        bars.add_params(period),
        inner.add_params(inner_period),
        rules,
        marks.add_params(treaty),
    ).properties(height=alt.Step(ROW_PX), autosize=AUTOSIZE)
    return chart.configure_legend(layout=LEGEND_LAYOUT)


def area_chart(atlas: Atlas, last: int) -> alt.Chart:
    """A stacked area of the km² each side holds, year by year (steps at the changes).

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> area_chart(load_atlas(), 2026).to_dict()["mark"]["interpolate"]
    'step-after'
    """
    rows = area_frame(atlas, area_years(atlas, last))
    return (
        alt.Chart(rows)
        .mark_area(interpolate="step-after")
        .encode(
            x=alt.X(
                "year:Q",
                title="Year",
                scale=alt.Scale(domain=[FIRST_YEAR, last], nice=False),
                axis=alt.Axis(format="d"),
            ),
            y=alt.Y(
                "km2:Q",
                title="Million km²",
                stack="zero",
                axis=alt.Axis(labelExpr="format(datum.value / 1e6, '~g')"),
            ),
            color=alt.Color("side:N", title="Held by", scale=side_scale(atlas), legend=LEGEND),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("year:Q", title="From 31 Dec", format="d"),
                alt.Tooltip("side:N", title="Side"),
                alt.Tooltip("km2:Q", title="km²", format=",.0f"),
            ],
        )
        .properties(height=AREA_PX, autosize=AUTOSIZE)
        .configure_legend(layout=LEGEND_LAYOUT)
    )


def chart_specs(atlas: Atlas, last: int) -> tuple[dict, dict]:
    """The Vega-Lite specs of :func:`control_chart` and :func:`area_chart`, with their data.

    Building and checking the charts takes a second or two; the page makes the
    specs once per process and hands them to ``st.vega_lite_chart``.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> control, area = chart_specs(load_atlas(), 2026)
    >>> "layer" in control, area["mark"]["type"]
    (True, 'area')
    """
    return control_chart(atlas, last).to_dict(), area_chart(atlas, last).to_dict()


def picked(selection: Mapping[str, Sequence[Mapping]]) -> tuple[int, str | None] | None:
    """The year (and unit) a click on :func:`control_chart` asks the map for, or None.

    ``selection`` is the ``selection`` of the state ``st.vega_lite_chart`` returns.

    Examples
    --------
    >>> picked({"period": [{"unit": "primorye", "year": 1860}], "treaty": []})
    (1860, 'primorye')
    >>> picked({"treaty": [{"year": 1689.0}]}), picked({"period": [], "treaty": []})
    ((1689, None), None)
    """
    for name in PICKS:
        for point in selection.get(name) or ():
            if point.get("year") is not None:
                return int(point["year"]), point.get("unit")
    return None


def filter_events(
    atlas: Atlas, text: str = "", years: tuple[int, int] | None = None, unit: str | None = None
) -> tuple[Event, ...]:
    """The events that match a text, fall in a range of years and concern a unit, earliest first.

    The text is looked for, ignoring case, in the title, the note, the source
    and the names of the units; each filter left empty lets every event through.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> [e.title for e in filter_events(load_atlas(), "aigun", (1850, 1860))]
    ['Treaty of Aigun']
    """
    needle = text.strip().casefold()
    out = []
    for e in sorted(atlas.events, key=lambda e: e.date):
        if years and not years[0] <= e.date.year <= years[1]:
            continue
        if unit and unit not in e.units:
            continue
        names = " ".join(atlas.unit(u).name_en for u in e.units)
        if needle and needle not in f"{e.title} {e.note} {e.source} {names}".casefold():
            continue
        out.append(e)
    return tuple(out)


def event_rows(atlas: Atlas, events: Iterable[Event]) -> list[dict]:
    """One row per event for the table: date, title, territories, source and note.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> atlas = load_atlas()
    >>> event_rows(atlas, filter_events(atlas, "Treaty of Kyakhta"))[0]["Territories"]
    'Outer Mongolia (Khalkha), Siberia'
    """
    return [
        {
            "Date": e.date.isoformat(),
            "Event": e.title,
            "Territories": ", ".join(atlas.unit(u).name_en for u in e.units),
            "Source": e.source,
            "Note": e.note,
        }
        for e in events
    ]


def event_target(event: Event, unit: str | None = None) -> tuple[int, str | None]:
    """The year and territory the map opens at for an event.

    The territory is ``unit`` (the table's filter) when the event concerns it,
    else the event's first territory, else none.

    Examples
    --------
    >>> e = Event(date(1858, 5, 28), "Aigun", ("amur_left_bank", "primorye"), "s", "src", "")
    >>> event_target(e), event_target(e, "primorye"), event_target(e, "tuva")
    ((1858, 'amur_left_bank'), (1858, 'primorye'), (1858, 'amur_left_bank'))
    """
    if unit and unit in event.units:
        return event.date.year, unit
    return event.date.year, event.units[0] if event.units else None


def strip_spec(events: Iterable[Event], first: int, last: int) -> dict:
    """The event strip: one mark per event along the years, its kind by shape and colour.

    Hovering a mark names the event and its date; a click selects its year
    (the selection ``event``, read by :func:`geo.session.jump_to_event`). The
    spec holds no chosen year, so it is the same on every step of the slider.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> spec = strip_spec(load_atlas().events, 1640, 2026)
    >>> spec["params"][0]["name"], spec["height"]
    ('event', 64)
    """
    rows = [
        {
            "year": e.date.year,
            "at": round(decimal_year(e.date), 3),
            "title": e.title,
            "date": f"{e.date:%-d %b %Y}",
            "kind": e.kind,
        }
        for e in events
    ]
    kinds = list(KINDS)
    chart = (
        alt.Chart(pd.DataFrame(rows))
        .mark_point(filled=True, size=90, opacity=0.9, cursor="pointer")
        .encode(
            x=alt.X(
                "at:Q",
                title=None,
                scale=alt.Scale(domain=[first, last], nice=False),
                axis=alt.Axis(format="d", tickCount=8, grid=False),
            ),
            color=alt.Color(
                "kind:N",
                scale=alt.Scale(domain=kinds, range=[KIND_COLORS[k] for k in kinds]),
                legend=alt.Legend(title=None, orient="top", direction="horizontal"),
            ),
            shape=alt.Shape(
                "kind:N", scale=alt.Scale(domain=kinds, range=[KIND_SHAPES[k] for k in kinds])
            ),
            tooltip=[alt.Tooltip("title:N", title="Event"), alt.Tooltip("date:N", title="Date")],
        )
        .add_params(alt.selection_point(name=STRIP_PICK, fields=["year"], on="click"))
        .properties(height=STRIP_PX, width="container", autosize=AUTOSIZE)
    )
    return chart.to_dict()
