"""What the map draws, split into geometry sent once and the styles of each situation.

The units' polygons and the pieces of border never change shape; only who
holds them, and so their colours and which pieces are drawn, changes with the
year. So the geometry is written once to static files
(:func:`unit_geometry`, :func:`atom_geometry`), and each year sends only a
small :class:`MapUpdate` that restyles them by id (:func:`map_update`).

A border is cut into *atoms*: the stretches of an edge that two units share,
split wherever a treaty line along that edge starts or ends. In any year an
atom is either not a border (both units on one side) or a border of one
certainty along its whole length, so the year's border lines are a choice of
atoms, with no geometry computed on the slider's path. The tests check this
against :func:`geo.treaties.border_pieces`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import shapely
from shapely.geometry import LineString, MultiLineString, Point, mapping
from shapely.geometry.base import BaseGeometry

from geo.atlas import CERTAINTY_ORDER, Atlas, local_name
from geo.borders import edge_sides
from geo.config import DEFAULT_LANG, FIRST_YEAR, LANGS
from geo.periods import Period, state_at, year_date
from geo.places import places_at
from geo.text import html_text
from geo.treaties import DE_FACTO, TreatyLine

# what the map colours: who controlled the land, who was its sovereign, or what each side claimed
VIEWS = {
    "control": "Held by",
    "sovereign": "Sovereign by treaty",
    "china": "Claimed by China",
    "russia": "Claimed by Russia",
}
DEFAULT_VIEW = "control"
# the switch's short labels, so that the four fit across a phone
VIEW_LABELS = {
    "control": "Control",
    "sovereign": "Sovereignty",
    "china": "China's claim",
    "russia": "Russia's claim",
}
# the property of a unit's feature that holds its name in each language
_NAME_KEY = {lang: "name" if lang == DEFAULT_LANG else f"name_{lang}" for lang in LANGS}
# pieces shorter than this (degrees) are rounding noise from cutting a line by itself
_MIN_LENGTH = 1e-9


@dataclass(frozen=True)
class Atom:
    """A stretch of the edge two units share, covered by the same treaty lines throughout.

    ``treaties`` holds the positions of those lines in the atlas's treaty lines
    (their ids name a treaty, which has several segments).
    """

    id: str
    units: tuple[str, str]
    treaties: frozenset[int]
    geometry: BaseGeometry


@dataclass(frozen=True)
class UnitStyle:
    """How one unit is drawn in a situation.

    ``side`` and ``color`` are those of the holder, who controls the unit.
    Where the sovereign by treaty is another (a lease, an occupation),
    ``sovereign`` names it, ``hatch`` is its side's colour and ``status`` the
    kind of control; the map hatches the unit in that colour.
    """

    side: str
    color: str
    holder: str
    selected: bool
    sovereign: str = ""
    hatch: str = ""
    status: str = ""
    changed: bool = False


@dataclass(frozen=True)
class MapUpdate:
    """Everything about the units and borders that changes with the year, by id."""

    units: Mapping[str, UnitStyle]
    lines: Mapping[str, tuple[str, str, str]]
    places: Mapping[str, str]
    ghosts: tuple[str, ...] = ()
    title: str = VIEWS[DEFAULT_VIEW]
    lang: str = DEFAULT_LANG

    def to_json(self) -> dict:
        """The update as the map's script reads it (see ``update`` in web/atlas.js).

        Units drawn alike, and border pieces drawn alike, are sent as one
        group with the ids it applies to: a year has a few holders and line
        styles but dozens of units and pieces, and the update travels with
        every step that changes the map. Every string in it is already
        escaped for HTML.

        Examples
        --------
        >>> update = MapUpdate(
        ...     {"a": UnitStyle("china", "#f00", "Qing", False),
        ...      "b": UnitStyle("china", "#f00", "Qing", True)},
        ...     {"e1": ("described", "china-russia", "aigun")}, {})
        >>> data = update.to_json()
        >>> data["styles"], data["selected"]
        ([['china', '#f00', 'Qing', '', '', '', ['a', 'b']]], 'b')
        >>> data["lines"]
        [['described', 'china-russia', 'aigun', ['e1']]]
        """
        styles: dict[tuple, list[str]] = {}
        for uid, u in self.units.items():
            look = (u.side, u.color, html_text(u.holder), u.hatch)
            styles.setdefault((*look, html_text(u.status), html_text(u.sovereign)), []).append(uid)
        lines: dict[tuple[str, str, str], list[str]] = {}
        for aid, style in self.lines.items():
            lines.setdefault(tuple(style), []).append(aid)
        return {
            "styles": [[*look, ids] for look, ids in styles.items()],
            "selected": next((uid for uid, u in self.units.items() if u.selected), None),
            "changed": [uid for uid, u in self.units.items() if u.changed],
            "lines": [[*style, ids] for style, ids in lines.items()],
            "ghosts": list(self.ghosts),
            "title": html_text(self.title),
            "lang": self.lang,
            "places": {pid: html_text(label) for pid, label in self.places.items()},
        }


def line_atoms(
    edges: Mapping[tuple[str, str], BaseGeometry], treaty_lines: Iterable[TreatyLine]
) -> tuple[Atom, ...]:
    """Cut every shared edge wherever a treaty line along it starts or ends.

    Examples
    --------
    >>> from datetime import date
    >>> edge = {("a", "b"): LineString([(0, 0), (3, 0)])}
    >>> t = TreatyLine("t1", "T", "T", date(1860, 1, 1), None, "demarcated", ("a", "b"),
    ...                LineString([(1, 0), (2, 0)]))
    >>> sorted((sorted(a.treaties), round(a.geometry.length, 6)) for a in line_atoms(edge, [t]))
    [([], 1.0), ([], 1.0), ([0], 1.0)]
    """
    by_edge: dict[tuple[str, str], list[tuple[int, TreatyLine]]] = {}
    for index, line in enumerate(treaty_lines):
        by_edge.setdefault(tuple(sorted(line.edge)), []).append((index, line))
    atoms = []
    for (a, b), edge in sorted(edges.items()):
        pieces: list[tuple[BaseGeometry, frozenset[str]]] = [(edge, frozenset())]
        for index, line in by_edge.get((a, b), ()):
            pieces = [
                part
                for geom, covered in pieces
                for part in (
                    (_lines(geom.intersection(line.geometry)), covered | {index}),
                    (_lines(geom.difference(line.geometry)), covered),
                )
                if not part[0].is_empty
            ]
        for geom, covered in pieces:
            for part in shapely.get_parts(shapely.line_merge(geom)):
                atoms.append(Atom(f"e{len(atoms)}", (a, b), covered, part))
    return tuple(atoms)


def atom_geometry(atoms: Iterable[Atom], ndigits: int = 5) -> dict:
    """The atoms as a GeoJSON FeatureCollection, for the map to load once.

    Examples
    --------
    >>> atom = Atom("e0", ("a", "b"), frozenset(), LineString([(0, 0), (1, 1)]))
    >>> atom_geometry([atom])["features"][0]["id"]
    'e0'
    """
    return _collection(
        (a.id, shapely.set_precision(a.geometry, 10.0**-ndigits), {"units": list(a.units)})
        for a in atoms
    )


def unit_geometry(atlas: Atlas, ndigits: int = 5) -> dict:
    """The units' polygons as a GeoJSON FeatureCollection, for the map to load once.

    Each feature carries its id and its names in every language of
    :data:`geo.config.LANGS` (``name`` in English, ``name_ru``, ``name_zh``),
    escaped for HTML; who holds it comes with each update, which also says
    which name the map shows.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> props = unit_geometry(load_atlas())["features"][0]["properties"]
    >>> sorted(props)
    ['id', 'name', 'name_ru', 'name_zh']
    """
    return _collection(
        (
            u.id,
            shapely.set_precision(u.geometry, 10.0**-ndigits),
            {_NAME_KEY[lang]: html_text(local_name(u, lang)) for lang in LANGS},
        )
        for u in atlas.units
    )


def border_geometry(atlas: Atlas, atoms: Sequence[Atom], year: int) -> dict:
    """The borders between sides drawn in a year, as one GeoJSON line feature per atom.

    The map loads this for the last year as its overlay of today's borders.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> atlas = load_atlas()
    >>> atoms = line_atoms(atlas.edges, atlas.treaty_lines)
    >>> doc = border_geometry(atlas, atoms, 2009)
    >>> doc["features"][0]["geometry"]["type"], doc["features"][0]["properties"]["year"]
    ('LineString', 2009)
    """
    on = year_date(year)
    drawn = _drawn(atlas, atoms, on, state_at(atlas.unit_ids, atlas.periods, on))
    return _collection(
        (a.id, shapely.set_precision(a.geometry, 1e-5), {"sides": drawn[a.id][1], "year": year})
        for a in atoms
        if a.id in drawn
    )


def place_geometry(atlas: Atlas) -> dict:
    """Every place's position as GeoJSON points, for the map to load once.

    Which places are shown, and under which names, comes with each update.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> place_geometry(load_atlas())["features"][0]["geometry"]["type"]
    'Point'
    """
    return _collection((p.id, Point(p.lon, p.lat), {}) for p in atlas.places)


def clause_notes(atlas: Atlas) -> dict[str, str]:
    """The clause of each treaty line as the map's tooltip shows it: HTML, escaped.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> notes = clause_notes(load_atlas())
    >>> all(html.startswith("<b>") for html in notes.values())
    True
    """
    return {
        line: (
            f"<b>{html_text(c.treaty)}</b>, {html_text(c.article)}:<br>“{html_text(c.text)}”"
            + (f"<br>{html_text(c.translation)}" if c.translation else "")
            + f"<br><i>{html_text(c.source)}</i>"
        )
        for line, c in atlas.clauses.items()
    }


def map_update(
    atlas: Atlas,
    atoms: Sequence[Atom],
    year: int,
    selected: str | None = None,
    view: str = DEFAULT_VIEW,
    lang: str = DEFAULT_LANG,
) -> MapUpdate:
    """The units' styles and the border atoms drawn in a year, as it stood on 31 December.

    ``view`` (a key of :data:`VIEWS`) chooses what the units are coloured by:
    who controlled them (hatched where the sovereign is another), who was
    their sovereign by treaty (hatched where another controlled them), or
    every unit China (or Russia) held or claimed, in that side's colour.
    ``lang`` (a key of :data:`geo.config.LANGS`) is the language of the
    holders' and the places' names, each place under its name of the year.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> atlas = load_atlas()
    >>> update = map_update(atlas, line_atoms(atlas.edges, atlas.treaty_lines), 1860)
    >>> update.units["primorye"].side, len(update.lines) > 0, update.places["vladivostok"]
    ('russia', True, 'Vladivostok')
    >>> map_update(atlas, (), 1859, lang="zh").places["vladivostok"]
    '海参崴'
    """
    on = year_date(year)
    state = state_at(atlas.unit_ids, atlas.periods, on)
    # what the map showed a year before: the units that changed hands since are
    # outlined, and the borders no longer drawn are shown as a dashed ghost
    first = year <= FIRST_YEAR
    before = state if first else state_at(atlas.unit_ids, atlas.periods, year_date(year - 1))
    units = {}
    for u in atlas.units:
        period = state[u.id]
        holder = atlas.holders[period.holder]
        sovereign = atlas.holders[period.sovereign_holder] if period.divided else None
        was = before[u.id]
        side, hatch_side = _coloured_sides(atlas, period, view)
        units[u.id] = UnitStyle(
            side=side,
            color=atlas.sides[side].color,
            holder=local_name(holder, lang),
            selected=u.id == selected,
            sovereign=local_name(sovereign, lang) if sovereign else "",
            hatch=atlas.sides[hatch_side].color if hatch_side else "",
            status=period.status if sovereign else "",
            changed=(was.holder, was.sovereign_holder) != (period.holder, period.sovereign_holder),
        )
    lines = _drawn(atlas, atoms, on, state)
    previous = lines if first else _drawn(atlas, atoms, year_date(year - 1), before)
    ghosts = tuple(
        aid for aid, style in previous.items() if lines.get(aid, ("", ""))[:2] != style[:2]
    )
    places = {p.id: getattr(n, lang) for p, n in places_at(atlas.places, on)}
    return MapUpdate(units, lines, places, ghosts, VIEWS[view], lang)


def _coloured_sides(atlas: Atlas, period: Period, view: str) -> tuple[str, str]:
    # the side whose colour fills the unit, and the side of its hatching ("" for none)
    holder = atlas.holders[period.holder].side
    sovereign = atlas.holders[period.sovereign_holder].side
    if view == "sovereign":
        return sovereign, holder if period.divided else ""
    if view in ("china", "russia"):
        sides = {holder, sovereign, *(atlas.holders[c].side for c in period.claimants)}
        return (view, "") if view in sides else (holder, "")
    return holder, sovereign if period.divided else ""


def _drawn(
    atlas: Atlas, atoms: Sequence[Atom], on: date, state: Mapping[str, Period]
) -> dict[str, tuple[str, str, str]]:
    # the pieces of border drawn on a date: (certainty, sides, treaty line)
    side_of = {uid: atlas.holders[p.holder].side for uid, p in state.items()}
    sovereign_of = {uid: atlas.holders[p.sovereign_holder].side for uid, p in state.items()}
    certainty = {i: t.certainty for i, t in enumerate(atlas.treaty_lines) if t.in_force(on)}
    lines = {}
    for atom in atoms:
        sides = edge_sides(*atom.units, side_of, sovereign_of)
        if sides is None:
            continue
        found = {certainty[t]: atlas.treaty_lines[t].id for t in atom.treaties if t in certainty}
        kind = next((c for c in CERTAINTY_ORDER if c in found), DE_FACTO)
        # the treaty line that drew the piece, whose clause the map shows on hover
        lines[atom.id] = (kind, "-".join(sides), found.get(kind, ""))
    return lines


def _lines(geom: BaseGeometry) -> BaseGeometry:
    parts = [
        g for g in shapely.get_parts(geom) if isinstance(g, LineString) and g.length > _MIN_LENGTH
    ]
    return shapely.union_all(parts) if parts else MultiLineString()


def _collection(rows: Iterable[tuple[str, BaseGeometry, dict]]) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": fid,
                "properties": {"id": fid, **props},
                "geometry": mapping(geom),
            }
            for fid, geom, props in rows
        ],
    }
