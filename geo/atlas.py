"""The whole atlas: every data file loaded, cross-checked, and the views made from it.

:func:`load_atlas` reads ``data/`` once; the functions below are pure and
take the :class:`Atlas` and a year (or a unit) as arguments. The app, the
export command and the tests all go through them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from geo.borders import Border, shared_edges, side_borders
from geo.config import DATA_DIR, DEFAULT_LANG
from geo.corrections import Correction, load_corrections
from geo.errors import DataError
from geo.events import Event, events_about, events_in, load_events
from geo.passages import Article, Passage, Section, load_article, passage_at, sections_about
from geo.periods import (
    Holder,
    Period,
    Side,
    history,
    load_periods,
    load_sides_and_holders,
    state_at,
    year_date,
)
from geo.places import Place, load_places, places_at
from geo.territories import Group, Unit, areas_km2, load_groups, load_units
from geo.treaties import (
    Certainty,
    Clause,
    TreatyLine,
    border_pieces,
    load_certainties,
    load_clauses,
    load_line_specs,
    load_lines,
)

HATCH_LABEL = "Hatched: controlled by one side, sovereign another (lease, occupation)"
CERTAINTY_ORDER = ("demarcated", "described", "undetermined")


@dataclass(frozen=True)
class UnitView:
    """What the map shows of one unit in the chosen year."""

    id: str
    name: str
    holder: str
    side: str
    claimants: str
    color: str


@dataclass(frozen=True)
class PlaceView:
    """A place marker: its name in the chosen year, in three languages."""

    id: str
    lon: float
    lat: float
    name_en: str
    name_ru: str
    name_zh: str


@dataclass(frozen=True)
class LineView:
    """A line drawn for the year: a border between sides, or a treaty line."""

    id: str
    label: str
    geometry: BaseGeometry
    kind: str
    dash: str | None
    weight: float
    color: str


@dataclass(frozen=True)
class LegendRow:
    """One row of the legend: a fill swatch or a line sample."""

    label: str
    color: str
    line: bool = False
    dash: str | None = None
    hatch: bool = False


@dataclass(frozen=True)
class Atlas:
    """Everything in ``data/``, loaded and checked."""

    units: tuple[Unit, ...]
    groups: tuple[Group, ...]
    sides: dict[str, Side]
    holders: dict[str, Holder]
    periods: tuple[Period, ...]
    article: Article
    events: tuple[Event, ...]
    places: tuple[Place, ...]
    certainties: dict[str, Certainty]
    treaty_lines: tuple[TreatyLine, ...]
    edges: dict[tuple[str, str], object]
    geometries: dict[str, dict]
    areas: dict[str, float]
    corrections: tuple[Correction, ...] = ()
    clauses: dict[str, Clause] = field(default_factory=dict)

    @property
    def unit_ids(self) -> tuple[str, ...]:
        """The ids of the units, in the order of ``territories.geojson``."""
        return tuple(u.id for u in self.units)

    def unit(self, unit_id: str) -> Unit:
        """The unit with this id; KeyError if there is none."""
        for u in self.units:
            if u.id == unit_id:
                return u
        raise KeyError(unit_id)


@dataclass(frozen=True)
class YearView:
    """What the app shows for one year."""

    year: int
    on: date
    units: tuple[UnitView, ...]
    borders: tuple[Border, ...]
    lines: tuple[LineView, ...]
    places: tuple[PlaceView, ...]
    passage: Passage
    events: tuple[Event, ...]


@dataclass(frozen=True)
class ControlRow:
    """One line of a unit's history of control."""

    start: date
    end: date | None
    holder: str
    side: str
    claimants: str
    event: str
    note: str
    current: bool
    sovereign: str = ""
    status: str = "sovereign"


@dataclass(frozen=True)
class UnitContext:
    """The context panel of a clicked unit."""

    id: str
    name_en: str
    name_ru: str
    name_zh: str
    note: str
    holder: str
    side: str
    claimants: tuple[str, ...]
    area_km2: float
    groups: tuple[str, ...]
    history: tuple[ControlRow, ...]
    sections: tuple[Section, ...]
    events: tuple[Event, ...]
    sovereign: str = ""
    status: str = "sovereign"


def load_atlas(data_dir: Path = DATA_DIR) -> Atlas:
    """Read and check every file in ``data_dir``.

    Raises
    ------
    DataError
        For the first problem found, naming the file, the feature and the reason.
    """
    units = load_units(data_dir / "territories.geojson")
    ids = [u.id for u in units]
    groups = load_groups(data_dir / "units.json", ids)
    sides, holders = load_sides_and_holders(
        data_dir / "holders.csv", data_dir / "holders.meta.json"
    )
    article = load_article(data_dir / "sections.json")
    section_ids = {s.id for s in article.sections}
    periods = load_periods(
        data_dir / "periods.csv", units=ids, holders=holders, sections=section_ids
    )
    events = load_events(data_dir / "events.csv", sections=section_ids, unit_ids=frozenset(ids))
    for s in article.sections:
        unknown = set(s.units) - set(ids)
        if unknown:
            where = f"section {s.id!r}"
            raise DataError(data_dir / "sections.json", where, f"unknown units {sorted(unknown)}")
    places = load_places(data_dir / "places.geojson")
    certainties = load_certainties(data_dir / "treaty_lines.json")
    specs = load_line_specs(data_dir / "treaty_lines.json", certainties, ids)
    treaty_lines = load_lines(data_dir / "treaty_lines.geojson", certainties, ids, specs)
    return Atlas(
        units=units,
        groups=groups,
        sides=sides,
        holders=holders,
        periods=periods,
        article=article,
        events=events,
        places=places,
        certainties=certainties,
        treaty_lines=treaty_lines,
        edges=shared_edges(units),
        # RFC 7946 ring order (exterior counter-clockwise), for the map and the export alike
        geometries={u.id: mapping(shapely.orient_polygons(u.geometry)) for u in units},
        # one projection call for all units: a GeoSeries per unit would cost 0.2 s
        areas=dict(zip([u.id for u in units], areas_km2([u.geometry for u in units]), strict=True)),
        corrections=load_corrections(data_dir / "corrections.json", article),
        clauses=load_clauses(data_dir / "treaty_lines.json"),
    )


def legend_rows(atlas: Atlas) -> list[LegendRow]:
    """Legend rows: one per side, then the line styles."""
    rows = [LegendRow(s.name_en, s.color) for s in atlas.sides.values()]
    rows.append(LegendRow(HATCH_LABEL, "#555555", hatch=True))
    rows += [
        LegendRow(c.label, c.color, line=True, dash=c.dash) for c in atlas.certainties.values()
    ]
    return rows


def year_view(atlas: Atlas, year: int) -> YearView:
    """The map layers, the passage and the events of one year.

    The situation is taken on 31 December of the year (:func:`geo.periods.year_date`).
    """
    on = year_date(year)
    state = state_at(atlas.unit_ids, atlas.periods, on)
    side_by_unit = {uid: atlas.holders[p.holder].side for uid, p in state.items()}
    sovereign_by_unit = {uid: atlas.holders[p.sovereign_holder].side for uid, p in state.items()}
    views = tuple(
        UnitView(
            id=u.id,
            name=u.name_en,
            holder=atlas.holders[state[u.id].holder].name_en,
            side=side_by_unit[u.id],
            claimants=", ".join(atlas.holders[c].name_en for c in state[u.id].claimants),
            color=atlas.sides[side_by_unit[u.id]].color,
        )
        for u in atlas.units
    )
    borders = tuple(side_borders(atlas.edges, side_by_unit, sovereign_by_unit))
    lines = tuple(
        LineView(
            id="-".join(piece.sides),
            label=" / ".join(atlas.sides[s].name_en for s in piece.sides),
            geometry=piece.geometry,
            kind=piece.certainty,
            dash=atlas.certainties[piece.certainty].dash,
            weight=atlas.certainties[piece.certainty].weight,
            color=atlas.certainties[piece.certainty].color,
        )
        for piece in border_pieces(borders, atlas.treaty_lines, on, CERTAINTY_ORDER)
    )
    places = place_views(atlas, on)
    return YearView(
        year=year,
        on=on,
        units=views,
        borders=borders,
        lines=lines,
        places=places,
        passage=passage_at(atlas.article, year),
        events=events_in(atlas.events, year),
    )


def place_views(atlas: Atlas, on: date) -> tuple[PlaceView, ...]:
    """The places shown on a date, each under its name then.

    Examples
    --------
    >>> atlas = load_atlas()
    >>> [p.name_en for p in place_views(atlas, date(1700, 12, 31)) if p.id == "vladivostok"]
    ['Haishenwai']
    """
    return tuple(
        PlaceView(p.id, p.lon, p.lat, n.en, n.ru, n.zh) for p, n in places_at(atlas.places, on)
    )


def local_name(record: object, lang: str = DEFAULT_LANG) -> str:
    """The name of a unit, group or holder in a language of :data:`geo.config.LANGS`.

    Examples
    --------
    >>> atlas = load_atlas()
    >>> local_name(atlas.holders["qing"], "zh"), local_name(atlas.unit("primorye"), "en")
    ('清朝', 'Ussuri-Pacific coast (Primorye)')
    """
    return str(getattr(record, f"name_{lang}"))


def unit_context(atlas: Atlas, unit_id: str, year: int, lang: str = DEFAULT_LANG) -> UnitContext:
    """Everything the context panel shows about one unit in one year.

    The names of holders and groups are in ``lang``; the unit's own name is
    given in all three languages.
    """

    def name(holder_id: str) -> str:
        return local_name(atlas.holders[holder_id], lang)

    unit = atlas.unit(unit_id)
    on = year_date(year)
    rows = []
    current = None
    for p in history(atlas.periods, unit_id):
        h = atlas.holders[p.holder]
        is_now = p.in_force(on)
        if is_now:
            current = p
        rows.append(
            ControlRow(
                start=p.start,
                end=p.end,
                holder=name(h.id),
                side=h.side,
                claimants=", ".join(name(c) for c in p.claimants),
                event=p.event,
                note=p.note,
                current=is_now,
                sovereign=name(p.sovereign_holder) if p.divided else "",
                status=p.status,
            )
        )
    if current is None:
        raise ValueError(f"no period of {unit_id} in force on {on}")
    by_id = {s.id: s for s in atlas.article.sections}
    wanted = {s.id for s in sections_about(atlas.article, unit_id)}
    wanted |= {p.section for p in history(atlas.periods, unit_id)}
    sections = tuple(s for s in atlas.article.sections if s.id in wanted and s.text)
    return UnitContext(
        id=unit.id,
        name_en=unit.name_en,
        name_ru=unit.name_ru,
        name_zh=unit.name_zh,
        note=unit.note,
        holder=name(current.holder),
        side=atlas.holders[current.holder].side,
        claimants=tuple(name(c) for c in current.claimants),
        area_km2=atlas.areas[unit_id],
        groups=tuple(local_name(g, lang) for g in atlas.groups if unit_id in g.units),
        history=tuple(rows),
        sections=tuple(by_id[s.id] for s in sections),
        events=events_about(atlas.events, unit_id),
        sovereign=name(current.sovereign_holder) if current.divided else "",
        status=current.status,
    )


def situation(atlas: Atlas, year: int) -> dict:
    """The situation in one year as a GeoJSON FeatureCollection, one feature per unit.

    ``holder`` (with ``holder_id`` and ``side``) is who controls the unit;
    ``sovereign`` (with ``sovereign_id`` and ``sovereign_side``) its lawful
    holder by treaty, and ``status`` how the two stand (see
    :class:`geo.periods.Period`). The date is 31 December of the year, as in
    the app. Geometries follow RFC 7946: exterior rings counter-clockwise,
    holes clockwise. ``claimants`` is a list of holder names (empty when
    nobody else claims the unit); ``until`` is None while the period is still
    in force.

    Parameters
    ----------
    atlas : Atlas
        The loaded atlas.
    year : int
        The year, read on 31 December.

    Returns
    -------
    dict
        A FeatureCollection with ``name``, ``date``, ``note`` and ``source``.

    Examples
    --------
    >>> doc = situation(load_atlas(), 1860)
    >>> doc["date"], {f["id"]: f["properties"]["side"] for f in doc["features"]}["primorye"]
    ('1860-12-31', 'russia')
    """
    on = year_date(year)
    state = state_at(atlas.unit_ids, atlas.periods, on)
    features = []
    for u in atlas.units:
        p = state[u.id]
        h = atlas.holders[p.holder]
        sovereign = atlas.holders[p.sovereign_holder]
        features.append(
            {
                "type": "Feature",
                "id": u.id,
                "geometry": atlas.geometries[u.id],
                "properties": {
                    "id": u.id,
                    "name": u.name_en,
                    "name_ru": u.name_ru,
                    "name_zh": u.name_zh,
                    "holder": h.name_en,
                    "holder_id": h.id,
                    "side": h.side,
                    "sovereign": sovereign.name_en,
                    "sovereign_id": sovereign.id,
                    "sovereign_side": sovereign.side,
                    "status": p.status,
                    "claimants": [atlas.holders[c].name_en for c in p.claimants],
                    "since": p.start.isoformat(),
                    "until": p.end.isoformat() if p.end else None,
                    "event": p.event,
                    "area_km2": round(atlas.areas[u.id], 1),
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "name": f"sino-russian-border-{year}",
        "date": on.isoformat(),
        "note": "Situation on 31 December of the year; periods are [start, end).",
        "source": "Sino-Russian Border Atlas; see its data/ folder for the sources of each file",
        "features": features,
    }


def situation_json(atlas: Atlas, year: int) -> str:
    """:func:`situation` as a JSON string, with non-ASCII names kept as they are.

    Examples
    --------
    >>> situation_json(load_atlas(), 1860).startswith('{"type": "FeatureCollection"')
    True
    """
    return json.dumps(situation(atlas, year), ensure_ascii=False)


def last_year(today: date | None = None) -> int:
    """The last year the slider offers: the current year."""
    return (today or date.today()).year
