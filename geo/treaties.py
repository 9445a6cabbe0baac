"""Border and treaty lines with their periods and the certainty of each segment.

``data/treaty_lines.json`` says which shared unit edges each treaty line
follows, when it was in force, and how certain each segment was; the build
(:func:`geo.build.treaty_lines.build_lines`) turns that into
``data/treaty_lines.geojson`` (one feature per segment). On the map, the
border between two sides in a year is drawn in the style of the treaty line
in force along it, or as a de facto line where no treaty line runs
(:func:`border_pieces`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import shapely
from shapely.errors import ShapelyError
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from geo.dataio import item_label, parse_iso_date, read_checked
from geo.errors import DataError

DE_FACTO = "de_facto"
ON_EDGE_TOLERANCE_DEG = 1e-7


@dataclass(frozen=True)
class Certainty:
    """How sure a line is, and how the map draws it."""

    id: str
    label: str
    dash: str | None
    weight: float
    color: str


@dataclass(frozen=True)
class Clause:
    """The article of a treaty that drew a line, quoted from a published text.

    ``translation`` is the atlas's own English where only the original is quoted.
    """

    line: str
    treaty: str
    article: str
    text: str
    source: str
    translation: str = ""


@dataclass(frozen=True)
class TreatyLine:
    """One segment of a treaty line over ``[start, end)``."""

    id: str
    name: str
    treaty: str
    start: date
    end: date | None
    certainty: str
    edge: tuple[str, str]
    geometry: BaseGeometry
    note: str = ""

    def in_force(self, on: date) -> bool:
        """True when ``start <= on < end``."""
        return self.start <= on and (self.end is None or on < self.end)


@dataclass(frozen=True)
class LineSpec:
    """A treaty line as ``treaty_lines.json`` declares it: its dates and its segments.

    ``start`` and ``end`` are as the file writes them; ``segments`` pairs the
    sorted edge of each segment with its certainty.
    """

    id: str
    start: str
    end: str | None
    segments: tuple[tuple[tuple[str, str], str], ...]


@dataclass(frozen=True)
class BorderPiece:
    """A part of a border between two sides, with the certainty it is drawn in."""

    sides: tuple[str, str]
    certainty: str
    geometry: BaseGeometry


def load_clauses(spec_path: Path) -> dict[str, Clause]:
    """The clause behind each treaty line of ``treaty_lines.json`` that names one, by line id.

    Examples
    --------
    >>> from geo.config import DATA_DIR
    >>> clauses = load_clauses(DATA_DIR / "treaty_lines.json")
    >>> all(c.text and c.source for c in clauses.values())
    True
    """
    doc = read_checked(spec_path, "treaty_lines")
    return {
        line["id"]: Clause(
            line["id"],
            line["treaty"],
            line["clause"]["article"],
            line["clause"]["text"],
            line["clause"]["source"],
            line["clause"].get("translation", ""),
        )
        for line in doc["lines"]
        if "clause" in line
    }


def load_certainties(spec_path: Path) -> dict[str, Certainty]:
    """The certainty classes declared in ``treaty_lines.json``.

    Parameters
    ----------
    spec_path : Path
        The file; its shape is that of ``geo/schemas/treaty_lines.schema.json``.

    Returns
    -------
    dict[str, Certainty]
        By id, in file order.

    Raises
    ------
    DataError
        Naming the file, the feature and the reason: a file without the
        schema's shape, or no ``de_facto`` class. (The schema could ask for it
        with ``contains``, but would only say that no item matches.)

    Examples
    --------
    >>> from geo.config import DATA_DIR
    >>> list(load_certainties(DATA_DIR / "treaty_lines.json"))
    ['demarcated', 'described', 'undetermined', 'de_facto']
    """
    spec = read_checked(spec_path, "treaty_lines")
    out = {}
    for c in spec["certainties"]:
        out[c["id"]] = Certainty(c["id"], c["label"], c["dash"], float(c["weight"]), c["color"])
    if DE_FACTO not in out:
        raise DataError(spec_path, "certainties", f"missing the {DE_FACTO!r} class")
    return out


def load_line_specs(
    spec_path: Path, certainties: Iterable[str], unit_ids: Iterable[str]
) -> dict[str, LineSpec]:
    """The treaty lines declared in ``treaty_lines.json``, by id.

    Raises
    ------
    DataError
        Naming the file, the line and the reason: a file without the schema's
        shape, an id used twice, a date that does not exist, an end not after
        the start, or a segment whose edge names a unit that is not in
        ``territories.geojson`` or whose certainty is not declared.

    Examples
    --------
    >>> from geo.config import DATA_DIR
    >>> from geo.territories import load_units
    >>> ids = [u.id for u in load_units(DATA_DIR / "territories.geojson")]
    >>> path = DATA_DIR / "treaty_lines.json"
    >>> load_line_specs(path, load_certainties(path), ids)["nerchinsk"].start
    '1689-09-06'
    """
    doc = read_checked(spec_path, "treaty_lines")
    known_c, known_u = set(certainties), set(unit_ids)
    out: dict[str, LineSpec] = {}
    for i, line in enumerate(doc["lines"]):
        where = item_label("lines", i, line)
        if line["id"] in out:
            raise DataError(spec_path, where, "the id is used twice")
        start = parse_iso_date(spec_path, where, line["start"], "start")
        end = parse_iso_date(spec_path, where, line["end"], "end") if line["end"] else None
        if end is not None and end <= start:
            raise DataError(spec_path, where, "end is not after start")
        segments = []
        for k, seg in enumerate(line["segments"]):
            unknown = sorted(set(seg["edge"]) - known_u)
            if unknown:
                reason = f"segments[{k}].edge: unknown units {unknown}"
                raise DataError(spec_path, where, reason)
            if seg["certainty"] not in known_c:
                reason = f"segments[{k}].certainty: unknown certainty {seg['certainty']!r}"
                raise DataError(spec_path, where, reason)
            segments.append((_edge(seg["edge"]), seg["certainty"]))
        out[line["id"]] = LineSpec(line["id"], line["start"], line["end"], tuple(segments))
    return out


def _edge(units: Sequence[str]) -> tuple[str, str]:
    a, b = sorted(units)
    return a, b


def load_lines(
    path: Path,
    certainties: Iterable[str],
    unit_ids: Iterable[str],
    specs: Mapping[str, LineSpec] | None = None,
) -> tuple[TreatyLine, ...]:
    """Read ``treaty_lines.geojson``.

    Parameters
    ----------
    path : Path
        The file, built from ``treaty_lines.json`` by ``python -m geo build-territories``.
    certainties, unit_ids : Iterable[str]
        The declared certainty classes and the ids of the units.
    specs : Mapping[str, LineSpec], optional
        The lines of ``treaty_lines.json`` (:func:`load_line_specs`); if given,
        each segment must be one of its line's, with the line's dates.

    Raises
    ------
    DataError
        Naming the file, the feature and the reason: a file without the shape
        of ``geo/schemas/treaty_segments.schema.json`` (a missing property, a
        date not written ``YYYY-MM-DD``, an edge that is not two ids, a geometry
        that is not a line), a date that does not exist, an end not after the
        start, an unknown certainty or unit, a line shapely cannot read, or a
        segment that ``treaty_lines.json`` does not declare.
    """
    doc = read_checked(path, "treaty_segments")
    known_c, known_u = set(certainties), set(unit_ids)
    out = []
    for i, feat in enumerate(doc["features"]):
        p = feat["properties"]
        where = item_label("features", i, feat)
        start = parse_iso_date(path, where, p["start"], "start")
        end = parse_iso_date(path, where, p["end"], "end") if p["end"] is not None else None
        try:
            geom = shape(feat["geometry"])
        except (TypeError, ValueError, AttributeError, ShapelyError) as exc:
            # the schema stops at the outer coordinate list (see lineGeometry there)
            raise DataError(path, where, f"unreadable geometry: {exc}") from exc
        if end is not None and end <= start:
            raise DataError(path, where, "end is not after start")
        if p["certainty"] not in known_c:
            raise DataError(path, where, f"unknown certainty {p['certainty']!r}")
        if not set(p["edge"]) <= known_u:
            raise DataError(path, where, f"edge {p['edge']} does not name two known units")
        if geom.is_empty:
            raise DataError(path, where, f"empty {geom.geom_type}")
        if specs is not None:
            _check_declared(path, where, p, specs)
        out.append(
            TreatyLine(
                p["id"],
                p["name"],
                p["treaty"],
                start,
                end,
                p["certainty"],
                tuple(p["edge"]),
                geom,
                p.get("note", ""),
            )
        )
    return tuple(out)


def _check_declared(
    path: Path, where: str, props: Mapping[str, object], specs: Mapping[str, LineSpec]
) -> None:
    spec = specs.get(str(props["id"]))
    if spec is None:
        raise DataError(path, where, f"treaty line {props['id']!r} is not in treaty_lines.json")
    edge = props["edge"]
    segment = (_edge(edge), props["certainty"]) if isinstance(edge, list) else None
    if segment not in spec.segments or (props["start"], props["end"]) != (spec.start, spec.end):
        reason = (
            f"not a segment of the line {spec.id!r} of treaty_lines.json "
            "(python -m geo build-territories rebuilds this file)"
        )
        raise DataError(path, where, reason)


def off_edges(
    lines: Iterable[TreatyLine], edges: Mapping[tuple[str, str], BaseGeometry]
) -> list[TreatyLine]:
    """Segments that do not lie on the shared edge they name (for validation).

    Examples
    --------
    >>> from shapely.geometry import LineString
    >>> edge = {("a", "b"): LineString([(0, 0), (4, 0)])}
    >>> on = TreatyLine("x", "X", "T", date(1860, 1, 1), None, "described", ("a", "b"),
    ...                 LineString([(1, 0), (2, 0)]))
    >>> off = TreatyLine("y", "Y", "T", date(1860, 1, 1), None, "described", ("a", "b"),
    ...                  LineString([(1, 0.1), (2, 0.1)]))
    >>> [ln.id for ln in off_edges([on, off], edge)]
    ['y']
    """
    bad = []
    for ln in lines:
        edge = edges.get(tuple(sorted(ln.edge)))
        if edge is None:
            bad.append(ln)
            continue
        # one segment per quarter circle at the joins: the default eight make the
        # buffer eight times as slow, for a band of 1e-7 degrees
        outside = ln.geometry.difference(edge.buffer(ON_EDGE_TOLERANCE_DEG, quad_segs=1))
        if outside.length > ON_EDGE_TOLERANCE_DEG * 10:
            bad.append(ln)
    return bad


def border_pieces(
    borders: Iterable, lines: Sequence[TreatyLine], on: date, order: Sequence[str]
) -> list[BorderPiece]:
    """Split each border between sides by the certainty of the treaty line along it.

    Where lines of several certainties run along the same stretch, the first
    in ``order`` wins; what no treaty line covers is drawn as de facto.

    Examples
    --------
    >>> from shapely.geometry import LineString
    >>> from geo.borders import Border
    >>> b = Border(("china", "russia"), LineString([(0, 0), (2, 0)]))
    >>> t = TreatyLine("x", "X", "T", date(1860, 1, 1), None, "demarcated", ("a", "b"),
    ...                LineString([(0, 0), (1, 0)]))
    >>> [(p.certainty, p.geometry.length) for p in border_pieces([b], [t], date(1900, 1, 1),
    ...     ["demarcated", "described", "undetermined"])]
    [('demarcated', 1.0), ('de_facto', 1.0)]
    """
    active = [ln for ln in lines if ln.in_force(on)]
    by_cert = {
        c: shapely.union_all([ln.geometry for ln in active if ln.certainty == c]) for c in order
    }
    pieces = []
    for border in borders:
        rest = border.line
        for c in order:
            cover = by_cert[c]
            if cover.is_empty or rest.is_empty:
                continue
            part = _linear(rest.intersection(cover))
            if not part.is_empty:
                pieces.append(BorderPiece(border.sides, c, part))
                rest = _linear(rest.difference(cover))
        if not rest.is_empty:
            pieces.append(BorderPiece(border.sides, DE_FACTO, rest))
    return pieces


def _linear(geom: BaseGeometry) -> BaseGeometry:
    parts = [g for g in shapely.get_parts(geom) if g.geom_type == "LineString" and g.length > 0]
    return shapely.line_merge(shapely.union_all(parts)) if parts else shapely.MultiLineString()
