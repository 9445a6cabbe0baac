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
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from geo.dataio import check_shape, item_label, parse_iso_date, read_json
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
    doc = read_json(spec_path)
    check_shape(spec_path, doc, "treaty_lines")
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
    spec = read_json(spec_path)
    check_shape(spec_path, spec, "treaty_lines")
    out = {}
    for c in spec["certainties"]:
        out[c["id"]] = Certainty(c["id"], c["label"], c["dash"], float(c["weight"]), c["color"])
    if DE_FACTO not in out:
        raise DataError(spec_path, "certainties", f"missing the {DE_FACTO!r} class")
    return out


def load_lines(
    path: Path, certainties: Iterable[str], unit_ids: Iterable[str]
) -> tuple[TreatyLine, ...]:
    """Read ``treaty_lines.geojson``.

    Raises
    ------
    DataError
        Naming the file, the feature and the reason: a file without the shape
        of ``geo/schemas/treaty_segments.schema.json`` (a missing property, a
        date not written ``YYYY-MM-DD``, an edge that is not two ids, a geometry
        that is not a line), a date that does not exist, an end not after the
        start, an unknown certainty or unit, or a line shapely cannot read.
    """
    doc = read_json(path)
    check_shape(path, doc, "treaty_segments")
    known_c, known_u = set(certainties), set(unit_ids)
    out = []
    for i, feat in enumerate(doc["features"]):
        p = feat["properties"]
        where = item_label("features", i, feat)
        start = parse_iso_date(path, where, p["start"], "start")
        end = parse_iso_date(path, where, p["end"], "end") if p["end"] is not None else None
        try:
            geom = shape(feat["geometry"])
        except (TypeError, ValueError, AttributeError) as exc:
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
        outside = ln.geometry.difference(edge.buffer(ON_EDGE_TOLERANCE_DEG))
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
