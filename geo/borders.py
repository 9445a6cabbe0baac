"""Border lines between sides, derived from the units and who holds them.

The border between two sides in a year is the shared boundary of the
side's dissolved territories. Because units share their edges exactly, the
same lines come from the edges shared by each pair of neighbouring units
held by different sides; :func:`shared_edges` computes those once, and
:func:`side_borders` only picks from them, which is cheap enough to run on
every move of the year slider.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import shapely
from shapely.geometry import LineString, MultiLineString
from shapely.geometry.base import BaseGeometry

from geo.territories import Unit


@dataclass(frozen=True)
class Border:
    """The border between two sides: ``sides`` is sorted, ``line`` is linear."""

    sides: tuple[str, str]
    line: BaseGeometry


def shared_edges(units: Iterable[Unit]) -> dict[tuple[str, str], BaseGeometry]:
    """The boundary shared by each pair of touching units, keyed by sorted ids.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> a = Unit("a", "A", "A", "A", box(0, 0, 1, 1))
    >>> b = Unit("b", "B", "B", "B", box(1, 0, 2, 1))
    >>> shared_edges([a, b])[("a", "b")].length
    1.0
    """
    units = list(units)
    geoms = [u.geometry for u in units]
    tree = shapely.STRtree(geoms)
    out: dict[tuple[str, str], BaseGeometry] = {}
    for i, j in zip(*tree.query(geoms, predicate="intersects"), strict=True):
        if i >= j:
            continue
        line = _linear(units[i].geometry.boundary.intersection(units[j].geometry.boundary))
        if not line.is_empty:
            key = tuple(sorted((units[i].id, units[j].id)))
            out[key] = line
    return out


def side_borders(
    edges: Mapping[tuple[str, str], BaseGeometry],
    side_by_unit: Mapping[str, str],
    sovereign_by_unit: Mapping[str, str] | None = None,
) -> list[Border]:
    """Borders between sides, from the shared edges of units held by different sides.

    With ``sovereign_by_unit`` (the side of each unit's sovereign by treaty), an
    edge is a border where the sovereigns differ, named by their sides, or
    else where the holders differ: an occupation does not erase the treaty
    border, and a lease still has its edge.

    Examples
    --------
    >>> from shapely.geometry import LineString
    >>> edges = {("a", "b"): LineString([(1, 0), (1, 1)])}
    >>> side_borders(edges, {"a": "china", "b": "russia"})[0].sides
    ('china', 'russia')
    >>> side_borders(edges, {"a": "russia", "b": "russia"})
    []
    """
    pieces: dict[tuple[str, str], list[BaseGeometry]] = {}
    for (a, b), line in edges.items():
        sides = edge_sides(a, b, side_by_unit, sovereign_by_unit)
        if sides is not None:
            pieces.setdefault(sides, []).append(line)
    return [
        Border(key, shapely.line_merge(shapely.union_all(lines)))
        for key, lines in sorted(pieces.items())
    ]


def edge_sides(
    a: str,
    b: str,
    side_by_unit: Mapping[str, str],
    sovereign_by_unit: Mapping[str, str] | None = None,
) -> tuple[str, str] | None:
    """The sorted pair of sides an edge between units ``a`` and ``b`` divides, or None.

    Examples
    --------
    >>> holders, sovereigns = {"a": "russia", "b": "russia"}, {"a": "china", "b": "russia"}
    >>> edge_sides("a", "b", holders), edge_sides("a", "b", holders, sovereigns)
    (None, ('china', 'russia'))
    """
    for by_unit in (sovereign_by_unit, side_by_unit):
        if by_unit is None:
            continue
        sa, sb = by_unit.get(a), by_unit.get(b)
        if sa is not None and sb is not None and sa != sb:
            return (sa, sb) if sa < sb else (sb, sa)
    return None


def _linear(geom: BaseGeometry) -> BaseGeometry:
    # touching at a single point is not a border
    parts = [p for p in shapely.get_parts(geom) if isinstance(p, LineString) and p.length > 0]
    return shapely.union_all(parts) if parts else MultiLineString()
