"""``python -m geo validate``: check every data file and report each problem.

Unlike the loaders, which stop at the first problem, this runs every check it
can and lists all problems, each with the file, the feature and the reason.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from geo.areas import Comparison, compare, load_figures
from geo.atlas import load_atlas
from geo.config import FIRST_YEAR
from geo.dataio import SCHEMA_OF, missing_meta, read_json, shape_errors
from geo.errors import DataError
from geo.passages import passage_at
from geo.territories import Unit, area_km2, overlaps, slivers
from geo.treaties import off_edges

NEAR_MISS_DEG = 0.002
# a source must name something a reader can open: not the project's notes, not memory
_NOTES_FILE = re.compile(r"history-facts|[\w./-]+\.md\b", re.IGNORECASE)
_MEMORY = frozenset({"m", "memory", "from memory"})


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
    """The problems found, and notes that need no fix (recorded deviations)."""

    problems: tuple[Problem, ...]
    notes: tuple[str, ...] = ()


def validate(data_dir: Path, *, last_year: int) -> Report:
    """Run every check on the files in ``data_dir``; no problems means all is well.

    Examples
    --------
    >>> import tempfile
    >>> report = validate(Path(tempfile.mkdtemp()), last_year=2026)
    >>> report.problems[0].reason.startswith("cannot read")
    True
    """
    problems: list[Problem] = []
    problems += _metadata(data_dir)
    problems += _vague_sources(data_dir)
    try:
        atlas = load_atlas(data_dir)
    except DataError as exc:
        # the loaders stop at the first problem; nothing else can be checked
        return Report(_with(problems, exc))
    territories = str(data_dir / "territories.geojson")
    for a, b, km2 in overlaps(atlas.units):
        problems.append(Problem(territories, f"{a} / {b}", f"overlap of {km2} km²"))
    for gap in slivers(atlas.units):
        c = gap.representative_point()
        problems.append(
            Problem(territories, f"near {c.x:.3f}, {c.y:.3f}", f"gap of {area_km2(gap):.3f} km²")
        )
    problems += _near_misses(atlas.units, atlas.edges, territories)
    for line in off_edges(atlas.treaty_lines, atlas.edges):
        problems.append(
            Problem(str(data_dir / "treaty_lines.geojson"), line.id, f"not on the edge {line.edge}")
        )
    for year in range(FIRST_YEAR, last_year + 1):
        try:
            passage_at(atlas.article, year)
        except ValueError as exc:
            problems.append(Problem(str(data_dir / "sections.json"), f"year {year}", str(exc)))
    try:
        figures = load_figures(data_dir / "areas.json", atlas.unit_ids)
    except DataError as exc:
        return Report(_with(problems, exc))
    comparisons = compare(figures, atlas.areas)
    problems += _area_problems(comparisons, str(data_dir / "areas.json"))
    problems += _base_layers(data_dir / "base")
    notes = [
        f"{c.figure.id}: {c.computed_km2:,.1f} km² against {c.figure.published} "
        f"(recorded deviation: {c.figure.deviation})"
        for c in comparisons
        if c.status == "recorded deviation"
    ]
    return Report(tuple(problems), tuple(notes))


def _with(problems: list[Problem], exc: DataError) -> tuple[Problem, ...]:
    # a loader stops at the first shape error of its file, which _metadata has
    # listed already with all the others
    found = Problem(exc.file, exc.feature, exc.reason)
    return tuple(problems) if found in problems else (*problems, found)


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


def _metadata(data_dir: Path) -> list[Problem]:
    # every shape error of every JSON file with a schema; provenance for the others
    out = []
    for path in sorted(data_dir.rglob("*")):
        if path.suffix in (".json", ".geojson") and not path.name.endswith(".meta.json"):
            out += _shape(path, data_dir)
        elif path.suffix == ".csv":
            meta = path.with_suffix(".meta.json")
            if meta.exists():
                out += _shape(meta, data_dir)
            else:
                out.append(Problem(str(path), "file", f"no {meta.name} with source and license"))
    if not any(data_dir.glob("*")):
        out.append(Problem(str(data_dir), "folder", "cannot read: no data files"))
    return out


def _shape(path: Path, data_dir: Path) -> list[Problem]:
    try:
        doc = read_json(path)
    except DataError as exc:
        return [Problem(exc.file, exc.feature, exc.reason)]
    schema = SCHEMA_OF.get(path.relative_to(data_dir).as_posix())
    if schema is None:
        return [Problem(str(path), "file", f"missing {k!r}") for k in missing_meta(doc)]
    return [Problem(e.file, e.feature, e.reason) for e in shape_errors(path, doc, schema)]


def _vague_sources(data_dir: Path) -> list[Problem]:
    # every source field of the event and period tables and of the JSON files
    out = []
    for name, label in (("periods.csv", ("unit", "start")), ("events.csv", ("date", "title"))):
        path = data_dir / name
        try:
            with open(path, newline="", encoding="utf-8") as fh:
                rows = list(csv.DictReader(fh))
        except (OSError, UnicodeDecodeError, csv.Error):
            continue  # an unreadable table is reported by its loader
        for line, row in enumerate(rows, start=2):
            feature = f"row {line} ({' '.join(row.get(k) or '' for k in label)})"
            out += _vague(str(path), feature, row.get("source"))
    for path in sorted(data_dir.rglob("*")):
        if path.suffix in (".json", ".geojson"):
            try:
                doc = read_json(path)
            except DataError:
                continue  # reported by _metadata
            for feature, value in _sources_in(doc, "file"):
                out += _vague(str(path), feature, value)
    return out


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


def _vague(file: str, feature: str, value: object) -> list[Problem]:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        return [Problem(file, feature, "no source")]
    if _NOTES_FILE.search(text):
        return [Problem(file, feature, "the source cites a notes file, not a published source")]
    if text.strip(" .()[]").lower() in _MEMORY:
        return [Problem(file, feature, f"the source {text!r} is memory, not a published source")]
    return []


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


def _base_layers(base_dir: Path) -> list[Problem]:
    out = []
    for name in ("land.geojson", "lakes.geojson", "rivers.geojson"):
        path = base_dir / name
        try:
            doc = read_json(path)
        except DataError as exc:
            out.append(Problem(exc.file, exc.feature, exc.reason))
            continue
        for i, feat in enumerate(doc.get("features", [])):
            geom = shape(feat["geometry"])
            if not geom.is_valid:
                out.append(Problem(str(path), f"feature {i}", shapely.is_valid_reason(geom)))
    return out
