"""``python -m geo validate``: check every data file and report each problem once.

Unlike the loaders, which stop at the first problem, this runs every check it
can and lists all problems, each with the file, the feature and the reason.
The app runs the same checks when it loads the data (:func:`checked_atlas`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.errors import ShapelyError
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from geo.areas import Comparison, compare, load_figures
from geo.atlas import Atlas, load_atlas
from geo.config import FIRST_YEAR
from geo.dataio import (
    SCHEMA_OF,
    item_label,
    missing_meta,
    read_csv_text,
    read_json,
    read_shaped,
)
from geo.errors import DataError
from geo.passages import passage_at
from geo.territories import Unit, area_km2, overlaps, slivers
from geo.tour import TOUR_FILE, load_tour
from geo.treaties import off_edges

NEAR_MISS_DEG = 0.002
# the tables the loaders read; the JSON files are those of geo.dataio.SCHEMA_OF
TABLES = ("holders.csv", "periods.csv", "events.csv")
# the layers the map shows as they are: nothing but this reads their geometry
BASE_LAYERS = ("base/land.geojson", "base/lakes.geojson", "base/rivers.geojson")
RIVERS = "base/rivers.geojson"
WAYPOINTS = "base/river_waypoints.json"
CONSTRUCTION = "construction.json"
# a source must name something a reader can open: not the project's notes, not memory
_NOTES_FILE = re.compile(r"history-facts|[\w./-]+\.md\b", re.IGNORECASE)
_MEMORY = frozenset({"m", "memory", "from memory"})
_RFC_7946 = "RFC 7946 asks for"


@dataclass(frozen=True)
class Problem:
    """One problem in one data file."""

    file: str
    feature: str
    reason: str

    def __str__(self) -> str:
        """The problem as one line: file, feature, reason."""
        return f"{self.file}: {self.feature}: {self.reason}"


@dataclass(frozen=True)
class Report:
    """The problems found, notes that need no fix (recorded deviations), and the atlas.

    ``atlas`` is the atlas as loaded, or None if the loaders stopped at a problem.
    """

    problems: tuple[Problem, ...]
    notes: tuple[str, ...] = ()
    atlas: Atlas | None = field(default=None, compare=False, repr=False)


def validate(data_dir: Path, *, last_year: int) -> Report:
    """Run every check on the files in ``data_dir``; no problems means all is well.

    Each problem is listed once, in the order found: the files one by one
    (present, readable, of their schema's shape, sources), the base layers,
    then what the loaders find, then the checks across the loaded atlas
    (overlaps, gaps, treaty lines off their edges, the article's years, the
    published areas).

    Examples
    --------
    >>> import tempfile
    >>> report = validate(Path(tempfile.mkdtemp()), last_year=2026)
    >>> report.problems[0].reason.startswith("cannot read")
    True
    """
    if not data_dir.is_dir() or not any(data_dir.iterdir()):
        what = "no data files" if data_dir.is_dir() else "not a folder"
        return Report((Problem(str(data_dir), "folder", f"cannot read: {what}"),))
    read = _read_documents(data_dir)
    problems = _files(data_dir, read)
    # the documents that read and have their shape, for the checks that follow
    docs = {n: d[0] for n, d in read.items() if not isinstance(d, DataError) and not d[1]}
    problems += _vague_sources(data_dir, docs)
    problems += _base_layers(data_dir, docs)
    problems += _build_inputs(data_dir, docs)
    try:
        atlas = load_atlas(data_dir)
    except DataError as exc:
        # the loaders stop at the first problem; nothing else can be checked
        return Report(_once([*problems, _problem(exc)]))
    problems += _atlas_checks(data_dir, atlas, docs, last_year)
    try:
        figures = load_figures(data_dir / "areas.json", atlas.unit_ids)
    except DataError as exc:
        return Report(_once([*problems, _problem(exc)]), atlas=atlas)
    comparisons = compare(figures, atlas.areas)
    problems += _area_problems(comparisons, str(data_dir / "areas.json"))
    notes = [
        f"{c.figure.id}: {c.computed_km2:,.1f} km² against {c.figure.published} "
        f"(recorded deviation: {c.figure.deviation})"
        for c in comparisons
        if c.status == "recorded deviation"
    ]
    return Report(_once(problems), tuple(notes), atlas=atlas)


def checked_atlas(data_dir: Path, *, last_year: int) -> Atlas:
    """The atlas of ``data_dir`` once every check of :func:`validate` has passed.

    Raises
    ------
    DataError
        For the first problem :func:`validate` finds; its reason says how many
        more there are.

    Examples
    --------
    >>> from geo.config import DATA_DIR
    >>> len(checked_atlas(DATA_DIR, last_year=2026).units) > 20
    True
    """
    report = validate(data_dir, last_year=last_year)
    if report.problems:
        first, more = report.problems[0], len(report.problems) - 1
        also = f" (and {more} more: python -m geo validate lists them all)" if more else ""
        raise DataError(first.file, first.feature, first.reason + also)
    assert report.atlas is not None  # no problem means the loaders ran
    return report.atlas


def _problem(exc: DataError) -> Problem:
    return Problem(exc.file, exc.feature, exc.reason)


def _once(problems: Sequence[Problem]) -> tuple[Problem, ...]:
    # a loader stops at the first problem of its file, which the checks of the
    # files one by one have often listed already
    return tuple(dict.fromkeys(problems))


# ------------------------------------------------------------------ the files one by one


def _read_documents(data_dir: Path) -> dict[str, Any]:
    # every JSON file there is or should be, parsed once: path relative to
    # data_dir -> the document and its shape errors, or the DataError that
    # reading it gave
    names = {p.relative_to(data_dir).as_posix() for p in _found(data_dir, (".json", ".geojson"))}
    names |= set(SCHEMA_OF) | {_sidecar(name) for name in _tables(data_dir)}
    docs: dict[str, Any] = {}
    for name in sorted(names):
        path = data_dir / name
        try:
            if name in SCHEMA_OF:
                docs[name] = read_shaped(path, SCHEMA_OF[name])
            else:
                doc = read_json(path)
                docs[name] = (
                    doc,
                    [DataError(path, "file", f"missing {k!r}") for k in missing_meta(doc)],
                )
        except DataError as exc:
            docs[name] = exc
    return docs


def _found(data_dir: Path, suffixes: tuple[str, ...]) -> list[Path]:
    return sorted(p for p in data_dir.rglob("*") if p.is_file() and p.suffix in suffixes)


def _tables(data_dir: Path) -> list[str]:
    found = {p.relative_to(data_dir).as_posix() for p in _found(data_dir, (".csv",))}
    return sorted(found | set(TABLES))


def _sidecar(table: str) -> str:
    # the provenance of periods.csv is in periods.meta.json
    return table.removesuffix(".csv") + ".meta.json"


def _files(data_dir: Path, docs: Mapping[str, Any]) -> list[Problem]:
    # each file there should be is there and readable, and has its schema's
    # shape (every error of it), or, without a schema, its provenance
    out = []
    for name in _tables(data_dir):
        try:
            read_csv_text(data_dir / name)
        except DataError as exc:
            out.append(_problem(exc))
    for found in docs.values():
        errors = [found] if isinstance(found, DataError) else found[1]
        out += [_problem(e) for e in errors]
    return out


def _vague_sources(data_dir: Path, docs: Mapping[str, Any]) -> list[Problem]:
    # every source field of the event and period tables and of the JSON files,
    # each labelled as its loader labels it, so that a problem both find is one
    out = []
    for name, rows in (("periods.csv", _period_rows), ("events.csv", _event_rows)):
        path = data_dir / name
        try:
            text = read_csv_text(path)
            found = list(rows(text))
        except (DataError, csv.Error):
            continue  # reported by _files or by the loader
        for feature, source in found:
            out += _vague(str(path), feature, source, blank=True)
    for name, doc in docs.items():
        for feature, value in _sources_in(doc, "file"):
            # a blank or missing source is for the schema to report
            out += _vague(str(data_dir / name), feature, value, blank=False)
    return out


def _period_rows(text: str) -> Iterator[tuple[str, str]]:
    # as geo.periods labels a row
    for line, row in enumerate(csv.DictReader(io.StringIO(text, newline="")), start=2):
        unit, start = (row.get("unit") or "").strip(), (row.get("start") or "").strip()
        yield f"row {line} ({unit} from {start})", (row.get("source") or "")


def _event_rows(text: str) -> Iterator[tuple[str, str]]:
    # as geo.events labels a row: by its line in the file, and its title
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    if "source" not in header or "title" not in header:
        return
    for row in reader:
        if len(row) == len(header):
            cells = dict(zip(header, (c.strip() for c in row), strict=True))
            yield f"line {reader.line_num} ({cells['title']})", cells["source"]


def _sources_in(node: object, where: str) -> Iterator[tuple[str, object]]:
    if isinstance(node, dict):
        if "source" in node and not isinstance(node["source"], dict | list):
            yield where, node["source"]
        for key, value in node.items():
            if isinstance(value, dict | list) and key != "geometry":
                yield from _sources_in(value, where if key == "properties" else f"{where}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            ident = None
            if isinstance(item, dict):
                ident = item.get("id") or (item.get("properties") or {}).get("id")
            yield from _sources_in(item, str(ident) if ident else f"{where}[{i}]")


def _vague(file: str, feature: str, value: object, *, blank: bool) -> list[Problem]:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        return [Problem(file, feature, "no source")] if blank else []
    if _NOTES_FILE.search(text):
        return [Problem(file, feature, "the source cites a notes file, not a published source")]
    if text.strip(" .()[]").lower() in _MEMORY:
        return [Problem(file, feature, f"the source {text!r} is memory, not a published source")]
    return []


def _base_layers(data_dir: Path, docs: Mapping[str, Any]) -> list[Problem]:
    out = []
    for name in BASE_LAYERS:
        doc = docs.get(name)
        if doc is None:
            continue
        file = str(data_dir / name)
        read: list[tuple[str, BaseGeometry]] = []
        for i, feat in enumerate(doc["features"]):
            where = item_label("features", i, feat)
            try:
                read.append((where, shape(feat["geometry"])))
            except (TypeError, ValueError, AttributeError, IndexError, ShapelyError) as exc:
                out.append(Problem(file, where, f"unreadable geometry: {exc}"))
        out += _geometry_problems(file, read)
    return out


def _geometry_problems(file: str, read: Sequence[tuple[str, BaseGeometry]]) -> list[Problem]:
    # validity and winding asked of all the features at once; the reasons of the few that fail
    geoms = np.empty(len(read), dtype=object)
    geoms[:] = [geom for _, geom in read]
    valid = shapely.is_valid(geoms)
    wound = shapely.equals_exact(geoms, shapely.orient_polygons(geoms), tolerance=0)
    out = []
    for (where, geom), ok, well in zip(read, valid, wound, strict=True):
        if not ok:
            out.append(Problem(file, where, f"invalid geometry: {shapely.is_valid_reason(geom)}"))
        elif not well:
            out += [Problem(file, where, reason) for reason in wrongly_wound(geom)]
    return out


def wrongly_wound(geometry: BaseGeometry) -> list[str]:
    """How the rings of a (multi)polygon depart from the winding RFC 7946 asks for.

    Exterior rings run anticlockwise, holes clockwise (RFC 7946, 3.1.6);
    other geometry types have no rings.

    Examples
    --------
    >>> from shapely.geometry import Polygon
    >>> wrongly_wound(Polygon([(0, 0), (1, 0), (1, 1)]))
    []
    >>> wrongly_wound(Polygon([(0, 0), (1, 1), (1, 0)]))
    ['polygon 0: the exterior ring is clockwise; RFC 7946 asks for anticlockwise']
    """
    if geometry.geom_type not in ("Polygon", "MultiPolygon"):
        return []
    out = []
    for i, polygon in enumerate(shapely.get_parts(geometry)):
        if not shapely.is_ccw(polygon.exterior):
            out.append(f"polygon {i}: the exterior ring is clockwise; {_RFC_7946} anticlockwise")
        for k, hole in enumerate(polygon.interiors):
            if shapely.is_ccw(hole):
                out.append(f"polygon {i}: hole {k} is anticlockwise; {_RFC_7946} clockwise")
    return out


def _build_inputs(data_dir: Path, docs: Mapping[str, Any]) -> list[Problem]:
    # the rivers the builds name are rivers of the base layer, and the base
    # layer's rivers are those python -m geo build-base was asked for
    rivers, waypoints = docs.get(RIVERS), docs.get(WAYPOINTS)
    construction = docs.get(CONSTRUCTION)
    out = []
    if rivers is not None and waypoints is not None:
        asked = {r["id"] for r in waypoints["rivers"]}
        for i, feat in enumerate(rivers["features"]):
            if feat["properties"]["id"] not in asked:
                reason = f"the river {feat['properties']['id']!r} is not in {WAYPOINTS}"
                out.append(Problem(str(data_dir / RIVERS), item_label("features", i, feat), reason))
    if rivers is not None and construction is not None:
        known = {f["properties"]["id"] for f in rivers["features"]}
        for collection in ("rivers", "river_borders"):
            for i, item in enumerate(construction.get(collection, [])):
                if item["river"] not in known:
                    reason = f"river: {item['river']!r} is not a river of {RIVERS}"
                    where = item_label(collection, i, item)
                    out.append(Problem(str(data_dir / CONSTRUCTION), where, reason))
    return out


# ------------------------------------------------------------------ the atlas as a whole


def _atlas_checks(
    data_dir: Path, atlas: Atlas, docs: Mapping[str, Any], last_year: int
) -> list[Problem]:
    territories = str(data_dir / "territories.geojson")
    out = _geometry_problems(
        territories, [(f"feature {i} ({u.id})", u.geometry) for i, u in enumerate(atlas.units)]
    )
    out += _declared_units(data_dir, atlas, docs)
    for a, b, km2 in overlaps(atlas.units):
        out.append(Problem(territories, f"{a} / {b}", f"overlap of {km2} km²"))
    for gap in slivers(atlas.units):
        c = gap.representative_point()
        out.append(
            Problem(territories, f"near {c.x:.3f}, {c.y:.3f}", f"gap of {area_km2(gap):.3f} km²")
        )
    out += _near_misses(atlas.units, atlas.edges, territories)
    for line in off_edges(atlas.treaty_lines, atlas.edges):
        out.append(
            Problem(str(data_dir / "treaty_lines.geojson"), line.id, f"not on the edge {line.edge}")
        )
    for year in range(FIRST_YEAR, last_year + 1):
        try:
            passage_at(atlas.article, year)
        except ValueError as exc:
            out.append(Problem(str(data_dir / "sections.json"), f"year {year}", str(exc)))
    if TOUR_FILE in docs:
        # the tour names units and years of the atlas
        try:
            load_tour(data_dir / TOUR_FILE, atlas.unit_ids, last_year)
        except DataError as exc:
            out.append(_problem(exc))
    return out


def _declared_units(data_dir: Path, atlas: Atlas, docs: Mapping[str, Any]) -> list[Problem]:
    # units.json declares the units python -m geo build-territories makes; the
    # two files must name the same ones
    doc = docs.get("units.json")
    if doc is None:
        return []
    built = set(atlas.unit_ids)
    declared = {u["id"] for u in doc["units"]}
    out = [
        Problem(
            str(data_dir / "units.json"),
            item_label("units", i, u),
            "not a unit of territories.geojson (python -m geo build-territories builds them)",
        )
        for i, u in enumerate(doc["units"])
        if u["id"] not in built
    ]
    out += [
        Problem(str(data_dir / "territories.geojson"), f"feature {i} ({u.id})", "not in units.json")
        for i, u in enumerate(atlas.units)
        if u.id not in declared
    ]
    return out


def _area_problems(comparisons: list[Comparison], path: str) -> list[Problem]:
    # a figure outside its range is an error unless the data says why; a reason
    # kept for a figure that is back in range would mislead, so it is one too
    out = []
    for c in comparisons:
        f = c.figure
        if c.status == "outside":
            reason = (
                f"computed {c.computed_km2:,.1f} km² is outside {_num(f.low)} to {_num(f.high)} "
                f"(published {f.published})"
            )
            out.append(Problem(path, f.id, reason))
        elif c.within and f.deviation:
            out.append(Problem(path, f.id, "within its range, but a deviation is recorded"))
    return out


def _num(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _near_misses(
    units: Sequence[Unit], edges: Mapping[tuple[str, str], BaseGeometry], file: str
) -> list[Problem]:
    # neighbours must share their edges exactly: two units that come within
    # a few hundred metres of each other without sharing an edge have a gap
    geoms = [u.geometry for u in units]
    tree = shapely.STRtree(geoms)
    out = []
    for i, j in zip(*tree.query(geoms, predicate="dwithin", distance=NEAR_MISS_DEG), strict=True):
        if i < j:
            key = tuple(sorted((units[i].id, units[j].id)))
            if key not in edges and not units[i].geometry.touches(units[j].geometry):
                out.append(Problem(file, " / ".join(key), "near each other but share no edge"))
    return out
