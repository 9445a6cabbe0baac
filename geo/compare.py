"""Two years side by side: the units whose holder or sovereign differs, and the area by side.

:func:`changes_between` lists every unit whose controller or sovereign by
treaty differs between 31 December of one year and of the other, with the
events in between that name it; :func:`direction_totals` adds up the area
by the sides the land went from and to. The Compare page only lays them out.
Its two maps follow the last one the reader panned (:func:`follow_pan`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from datetime import date

from geo.atlas import Atlas
from geo.mapdata import DEFAULT_VIEW
from geo.periods import Period, history, state_at, year_date
from geo.text import km2, md_escape

# (first year, second year): the changes a reader most often asks about
PRESETS = ((1688, 1690), (1857, 1861), (1910, 1925), (1944, 1947), (2003, 2009))
DEFAULT_PAIR = (1857, 1861)
MAP_HEIGHT = 460
CONTROL = "control"
SOVEREIGNTY = "sovereignty"
INTRO = (
    "Two years side by side, each as it stood on 31 December. Pan or zoom either map and the "
    "other follows."
)
TABLE_NOTE = (
    "Every territory whose controller, or sovereign by treaty, differs between the two years; "
    "the events are those dated in between that name it."
)
TOTALS_NOTE = (
    "“Within” a side: a new state or government (the Russian Empire to the Soviet Union, "
    "say). “Sovereign only”: the same holder under another sovereign by treaty."
)
SAME = "No territory had another holder or sovereign: the two maps are the same."
# a map's centre that moved less than this (degrees) has not been panned
_STILL_DEGREES = 1e-4
# a preset frames the land that changed in a box of about this many pixels,
# between the map's lowest zoom and a zoom that still shows an island's banks
FRAME_PX = 420
FRAME_ZOOMS = (4, 11)


@dataclass(frozen=True)
class CompareKeys:
    """The names of the Compare page's widgets and session-state entries."""

    preset: str = "compare_preset"
    first: str = "compare_first"
    second: str = "compare_second"
    first_map: str = "compare_map_first"
    second_map: str = "compare_map_second"
    colour: str = "compare_colour"
    view: str = "compare_view"
    seen: str = "compare_seen"
    reframe: str = "compare_reframe"


KEYS = CompareKeys()


@dataclass(frozen=True)
class UnitChange:
    """One unit whose holder or sovereign differs between two years.

    ``kind`` is :data:`CONTROL` when who controls the unit differs, or
    :data:`SOVEREIGNTY` when only its sovereign by treaty does; the sides are
    then those of the sovereigns. ``events`` are ``(date, title)`` pairs.
    """

    unit: str
    before: str
    after: str
    from_side: str
    to_side: str
    kind: str
    area_km2: float
    events: tuple[tuple[date, str], ...]


@dataclass(frozen=True)
class DirectionTotal:
    """The land that went from one side to another (or changed hands within one)."""

    kind: str
    from_side: str
    to_side: str
    units: tuple[str, ...]
    area_km2: float


@dataclass(frozen=True)
class MapView:
    """Where a map looks: its centre (latitude, longitude) and zoom."""

    center: tuple[float, float]
    zoom: int


def changes_between(atlas: Atlas, first: int, second: int) -> tuple[UnitChange, ...]:
    """Every unit whose holder or sovereign differs between two years, in the atlas's order.

    Each year is read on 31 December. The events are those of ``atlas.events``
    dated between the two days that name the unit, and the events that began
    its periods in between when no such event falls on their day.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> changes = changes_between(load_atlas(), 1857, 1861)
    >>> [c.unit for c in changes][:3]
    ['amur_left_bank', 'uda', 'primorye']
    >>> changes[0].after, changes[0].to_side
    ('Russian Empire', 'russia')
    >>> changes_between(load_atlas(), 1900, 1900)
    ()
    """
    before = state_at(atlas.unit_ids, atlas.periods, year_date(first))
    after = state_at(atlas.unit_ids, atlas.periods, year_date(second))
    low, high = sorted((year_date(first), year_date(second)))
    out = []
    for uid in atlas.unit_ids:
        was, now = before[uid], after[uid]
        if was.holder != now.holder:
            kind, sides = CONTROL, (_side(atlas, was.holder), _side(atlas, now.holder))
        elif was.sovereign_holder != now.sovereign_holder:
            kind = SOVEREIGNTY
            sides = (_side(atlas, was.sovereign_holder), _side(atlas, now.sovereign_holder))
        else:
            continue
        out.append(
            UnitChange(
                unit=uid,
                before=standing(atlas, was),
                after=standing(atlas, now),
                from_side=sides[0],
                to_side=sides[1],
                kind=kind,
                area_km2=atlas.areas[uid],
                events=_events_between(atlas, uid, low, high),
            )
        )
    return tuple(out)


def standing(atlas: Atlas, period: Period) -> str:
    """Who holds a unit in a period, in words: the holder, its sovereign, the claimants.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> from geo.periods import state_at, year_date
    >>> atlas = load_atlas()
    >>> state = state_at(atlas.unit_ids, atlas.periods, year_date(1857))
    >>> standing(atlas, state["amur_left_bank"])
    'Contested (claimed by Qing dynasty, Russian Empire)'
    >>> standing(atlas, state_at(atlas.unit_ids, atlas.periods, year_date(1910))["kwantung"])
    'Empire of Japan / Japan (lease; sovereign: Qing dynasty)'
    """
    text = atlas.holders[period.holder].name_en
    if period.divided:
        sovereign = atlas.holders[period.sovereign_holder].name_en
        text += f" ({period.status}; sovereign: {sovereign})"
    # a claimant already named as the sovereign is not named twice
    others = [c for c in period.claimants if not (period.divided and c == period.sovereign_holder)]
    if others:
        text += f" (claimed by {', '.join(atlas.holders[c].name_en for c in others)})"
    return text


def direction_totals(changes: Sequence[UnitChange]) -> tuple[DirectionTotal, ...]:
    """The changed area added up by kind and by the sides it went from and to.

    Land that went from one side to another comes first, largest first; then
    the changes within one side (a new state or government).

    Examples
    --------
    >>> a = UnitChange("a", "", "", "china", "russia", CONTROL, 600.0, ())
    >>> b = UnitChange("b", "", "", "china", "russia", CONTROL, 300.0, ())
    >>> (total,) = direction_totals([a, b])
    >>> total.units, total.area_km2
    (('a', 'b'), 900.0)
    """
    grouped: dict[tuple[str, str, str], list[UnitChange]] = {}
    for c in changes:
        grouped.setdefault(direction(c), []).append(c)
    totals = [
        DirectionTotal(kind, a, b, tuple(c.unit for c in items), sum(c.area_km2 for c in items))
        for (kind, a, b), items in grouped.items()
    ]
    # land that went from one side to another first, then the changes within one side
    return tuple(sorted(totals, key=lambda t: (t.from_side == t.to_side, -t.area_km2)))


def direction(change: UnitChange) -> tuple[str, str, str]:
    """The kind of a change and the sides it went from and to: how totals are grouped.

    Examples
    --------
    >>> direction(UnitChange("a", "", "", "china", "russia", CONTROL, 1.0, ()))
    ('control', 'china', 'russia')
    """
    return change.kind, change.from_side, change.to_side


def direction_label(atlas: Atlas, kind: str, from_side: str, to_side: str) -> str:
    """A direction in words, e.g. ``China → Russia``, or ``Within Russia`` for a succession.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> atlas = load_atlas()
    >>> direction_label(atlas, CONTROL, "china", "russia")
    'China → Russia'
    >>> direction_label(atlas, SOVEREIGNTY, "china", "china")
    'Within China (sovereign only)'
    """
    a, b = atlas.sides[from_side].name_en, atlas.sides[to_side].name_en
    text = f"Within {a}" if from_side == to_side else f"{a} → {b}"
    return f"{text} (sovereign only)" if kind == SOVEREIGNTY else text


def change_rows(atlas: Atlas, changes: Sequence[UnitChange], first: int, second: int) -> list[dict]:
    r"""The rows of the Compare table: unit, the two standings, direction, area and events.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> atlas = load_atlas()
    >>> row = change_rows(atlas, changes_between(atlas, 1857, 1861), 1857, 1861)[0]
    >>> row["Unit"], row["In 1861"], row["Area"]
    ('Left bank of the Amur (Priamurye)', 'Russian Empire', '683,551\xa0km²')
    """
    return [
        {
            "Unit": atlas.unit(c.unit).name_en,
            f"In {first}": c.before,
            f"In {second}": c.after,
            "Change": direction_label(atlas, *direction(c)),
            # kept on one line in a narrow column
            "Area": km2(c.area_km2).replace(" ", "\u00a0"),
            "Treaties and events between": "; ".join(
                f"{on.day} {on:%b %Y} {title}" for on, title in c.events
            ),
        }
        for c in changes
    ]


def total_lines(atlas: Atlas, totals: Sequence[DirectionTotal]) -> list[str]:
    """Each direction's total as escaped Markdown, e.g. ``**China → Russia**: 1,000 km²``.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> total_lines(load_atlas(), [DirectionTotal(CONTROL, "china", "russia", ("a",), 1e6)])
    ['**China → Russia**: 1,000,000 km² (1 territory)']
    """
    return [
        f"**{md_escape(direction_label(atlas, t.kind, t.from_side, t.to_side))}**: "
        f"{km2(t.area_km2)} ({len(t.units)} territor{'y' if len(t.units) == 1 else 'ies'})"
        for t in totals
    ]


def preset_label(pair: tuple[int, int]) -> str:
    """The label of a preset pair of years.

    Examples
    --------
    >>> preset_label((1857, 1861))
    '1857 vs 1861'
    """
    return f"{pair[0]} vs {pair[1]}"


def open_compare(state: MutableMapping) -> None:
    """Give the page its first pair of years, :data:`DEFAULT_PAIR`, when it opens.

    Streamlit forgets a page's widgets when the reader goes to another page,
    so this runs again when they come back.

    Examples
    --------
    >>> state = {}
    >>> open_compare(state)
    >>> state["compare_first"], state["compare_second"], state["compare_preset"]
    (1857, 1861, (1857, 1861))
    """
    if KEYS.first not in state:
        state[KEYS.first], state[KEYS.second] = DEFAULT_PAIR
        state[KEYS.preset] = DEFAULT_PAIR
        state[KEYS.reframe] = True
        # the maps are drawn anew: what they reported before is no pan
        state[KEYS.seen] = {}
        for key in (KEYS.first_map, KEYS.second_map):
            state.pop(key, None)
    state.setdefault(KEYS.colour, DEFAULT_VIEW)


def apply_preset(state: MutableMapping) -> None:
    """Set both years from the chosen preset; run as the preset control's callback.

    Examples
    --------
    >>> state = {"compare_preset": (1944, 1947), "compare_first": 1, "compare_second": 2}
    >>> apply_preset(state)
    >>> state["compare_first"], state["compare_second"]
    (1944, 1947)
    """
    pair = state.get(KEYS.preset)
    if pair:
        state[KEYS.first], state[KEYS.second] = pair
        state[KEYS.reframe] = True


def clear_preset(state: MutableMapping) -> None:
    """Unmark the preset once the reader types a year of their own; a year input's callback.

    Examples
    --------
    >>> state = {"compare_preset": (1944, 1947), "compare_first": 1950, "compare_second": 1947}
    >>> clear_preset(state)
    >>> state["compare_preset"] is None
    True
    """
    if tuple(state.get(KEYS.preset) or ()) != (state.get(KEYS.first), state.get(KEYS.second)):
        state[KEYS.preset] = None


def frame(atlas: Atlas, units: Sequence[str], width_px: int = FRAME_PX) -> MapView | None:
    """The centre and zoom that show the given units whole, or None for no units.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> atlas = load_atlas()
    >>> frame(atlas, ["amur_left_bank", "primorye"])
    MapView(center=(49.49742, 130.27292), zoom=4)
    >>> frame(atlas, []) is None
    True
    >>> frame(atlas, ["tarabarov"]).zoom
    11
    """
    if not units:
        return None
    boxes = [atlas.unit(u).geometry.bounds for u in units]
    west, south = min(b[0] for b in boxes), min(b[1] for b in boxes)
    east, north = max(b[2] for b in boxes), max(b[3] for b in boxes)
    # a degree of latitude takes about 1.5 times the pixels of one of longitude here
    span = max(east - west, (north - south) * 1.5, 1e-6)
    # at zoom z a degree of longitude is 256 * 2**z / 360 pixels wide
    zoom = int(math.floor(math.log2(width_px * 360 / (256 * span))))
    low, high = FRAME_ZOOMS
    center = (round((south + north) / 2, 5), round((west + east) / 2, 5))
    return MapView(center, max(low, min(high, zoom)))


def reframed(state: MutableMapping, view: MapView | None) -> MapView | None:
    """The shared view after a preset was chosen: the land that changed; else as it was.

    Examples
    --------
    >>> state = {"compare_reframe": True, "compare_view": None}
    >>> reframed(state, MapView((49.0, 130.0), 5)), state["compare_reframe"]
    (MapView(center=(49.0, 130.0), zoom=5), False)
    >>> reframed(state, MapView((1.0, 1.0), 9))  # no preset chosen since
    MapView(center=(49.0, 130.0), zoom=5)
    """
    if state.get(KEYS.reframe):
        state[KEYS.reframe] = False
        if view is not None:
            state[KEYS.view] = view
    return state.get(KEYS.view)


def map_view(value: Mapping | None) -> MapView | None:
    """Where a map looks, from the value ``st_folium`` returns; None if it has not said.

    Examples
    --------
    >>> map_view({"center": {"lat": 48.2, "lng": 130.5}, "zoom": 6})
    MapView(center=(48.2, 130.5), zoom=6)
    >>> map_view({"zoom": 4}) is None
    True
    """
    value = value or {}
    center, zoom = value.get("center"), value.get("zoom")
    if not isinstance(center, Mapping) or not isinstance(zoom, int | float):
        return None
    lat, lng = center.get("lat"), center.get("lng")
    if not isinstance(lat, int | float) or not isinstance(lng, int | float):
        return None
    return MapView((float(lat), float(lng)), int(zoom))


def follow_pan(
    view: MapView | None,
    seen: Mapping[str, MapView | None],
    values: Mapping[str, Mapping | None],
) -> tuple[MapView | None, dict[str, MapView | None]]:
    """The view both maps show: that of the map the reader panned last.

    ``values`` are what each map (by key) last returned, and ``seen`` where
    each one looked at the previous run. A map counts as panned when it moved
    since then to somewhere else than the shared view: a map that only
    followed the other, and so reports the shared view back, changes nothing,
    and neither does a map's first report, the view it opened on.
    Returns the new shared view and the views to pass as ``seen`` next time.

    Examples
    --------
    >>> opened = {"center": {"lat": 48.0, "lng": 104.0}, "zoom": 4}
    >>> shared, seen = follow_pan(None, {}, {"a": opened, "b": None})
    >>> shared is None
    True
    >>> panned = {"center": {"lat": 50.0, "lng": 120.0}, "zoom": 5}
    >>> shared, seen = follow_pan(shared, seen, {"a": panned, "b": None})
    >>> shared
    MapView(center=(50.0, 120.0), zoom=5)
    >>> follow_pan(shared, seen, {"a": panned, "b": panned})[0] == shared
    True
    """
    now = {key: map_view(value) for key, value in values.items()}
    shared = view
    for key, where in now.items():
        before = seen.get(key)
        moved = where is not None and before is not None and where != before
        if moved and not _same_view(where, view):
            shared = where
    return shared, now


def _same_view(a: MapView, b: MapView | None) -> bool:
    return (
        b is not None
        and a.zoom == b.zoom
        and all(abs(x - y) < _STILL_DEGREES for x, y in zip(a.center, b.center, strict=True))
    )


def _side(atlas: Atlas, holder: str) -> str:
    return atlas.holders[holder].side


def _events_between(atlas: Atlas, unit: str, low: date, high: date) -> tuple[tuple[date, str], ...]:
    # the dated events that name the unit, then the causes its periods record
    # on days without such an event
    found = {(e.date, e.title) for e in atlas.events if unit in e.units and low < e.date <= high}
    days = {on for on, _ in found}
    found |= {
        (p.start, p.event)
        for p in history(atlas.periods, unit)
        if low < p.start <= high and p.event and p.start not in days
    }
    return tuple(sorted(found))
