"""Territory units and groups: geometry, names, areas and checks.

Geometry is EPSG:4326 (RFC 7946 GeoJSON). Areas are computed in a Lambert
azimuthal equal-area projection centred on each geometry, so they are true
areas on the WGS 84 ellipsoid to well under 0.1 %.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import shapely
from pyproj import CRS, Transformer
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry

from geo.dataio import read_json, require_meta
from geo.errors import DataError

NAME_KEYS = ("name_en", "name_ru", "name_zh")
OVERLAP_TOLERANCE_KM2 = 0.01
SLIVER_KM2 = 1.0
DENSIFY_DEG = 0.05
SLIVER_WIDTH_DEG = 0.0005


@dataclass(frozen=True)
class Unit:
    """A unit of land whose holder changes over time."""

    id: str
    name_en: str
    name_ru: str
    name_zh: str
    geometry: BaseGeometry
    note: str = ""


@dataclass(frozen=True)
class Group:
    """A named set of units, such as Outer Manchuria."""

    id: str
    name_en: str
    name_ru: str
    name_zh: str
    units: tuple[str, ...]
    note: str = ""


def area_km2(geometry: BaseGeometry) -> float:
    """Area in km² in an equal-area projection centred on the geometry.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> round(area_km2(box(0, 0, 1, 1)))  # one degree square at the equator
    12308
    """
    if geometry.is_empty:
        return 0.0
    c = geometry.centroid
    # project densified edges: a long edge along a parallel is a curve in LAEA
    geometry = shapely.segmentize(geometry, DENSIFY_DEG)
    laea = CRS.from_proj4(
        f"+proj=laea +lat_0={c.y:.6f} +lon_0={c.x:.6f} +datum=WGS84 +units=m +no_defs"
    )
    to_laea = Transformer.from_crs("EPSG:4326", laea, always_xy=True)
    projected = shapely.transform(geometry, lambda xy: _stack(to_laea.transform(*xy.T)))
    return projected.area / 1e6


def _stack(xy):
    import numpy as np

    return np.column_stack(xy)


def load_units(path: Path) -> tuple[Unit, ...]:
    """Read and check ``territories.geojson``.

    Raises
    ------
    DataError
        Naming the file, the feature and the reason: not a FeatureCollection,
        a missing name, a duplicate id, a geometry that is not a valid
        (multi)polygon, or coordinates outside EPSG:4326.
    """
    doc = read_json(path)
    if doc.get("type") != "FeatureCollection":
        raise DataError(path, "file", "not a GeoJSON FeatureCollection")
    require_meta(path, doc)
    units: list[Unit] = []
    seen: set[str] = set()
    for i, feat in enumerate(doc.get("features", [])):
        props = feat.get("properties") or {}
        uid = props.get("id") or feat.get("id")
        where = f"feature {i} ({uid})"
        if not uid:
            raise DataError(path, where, "no id")
        if uid in seen:
            raise DataError(path, where, "duplicate id")
        seen.add(uid)
        for key in NAME_KEYS:
            if not props.get(key):
                raise DataError(path, where, f"missing {key}")
        try:
            geom = shape(feat["geometry"])
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise DataError(path, where, f"unreadable geometry: {exc}") from exc
        _check_geometry(path, where, geom)
        units.append(
            Unit(
                uid,
                props["name_en"],
                props["name_ru"],
                props["name_zh"],
                geom,
                props.get("note", ""),
            )
        )
    if not units:
        raise DataError(path, "file", "no features")
    return tuple(units)


def load_groups(path: Path, unit_ids: Iterable[str]) -> tuple[Group, ...]:
    """Read the groups of ``units.json`` and check that their units exist."""
    doc = read_json(path)
    known = set(unit_ids)
    groups = []
    for i, g in enumerate(doc.get("groups", [])):
        where = f"groups[{i}] ({g.get('id')})"
        missing = [u for u in g.get("units", []) if u not in known]
        if missing or not g.get("units"):
            raise DataError(path, where, f"unknown or no units: {missing}")
        for key in ("id", *NAME_KEYS):
            if not g.get(key):
                raise DataError(path, where, f"missing {key}")
        groups.append(
            Group(
                g["id"],
                g["name_en"],
                g["name_ru"],
                g["name_zh"],
                tuple(g["units"]),
                g.get("note", ""),
            )
        )
    return tuple(groups)


def _check_geometry(path: Path, where: str, geom: BaseGeometry) -> None:
    if not isinstance(geom, Polygon | MultiPolygon):
        raise DataError(path, where, f"{geom.geom_type} is not a (multi)polygon")
    if geom.is_empty:
        raise DataError(path, where, "empty geometry")
    if not geom.is_valid:
        raise DataError(path, where, f"invalid geometry: {shapely.is_valid_reason(geom)}")
    west, south, east, north = geom.bounds
    if west < -180 or east > 180 or south < -90 or north > 90:
        raise DataError(path, where, "coordinates outside EPSG:4326 (lon, lat) ranges")


def overlaps(units: Iterable[Unit], tolerance_km2: float = OVERLAP_TOLERANCE_KM2):
    """Pairs of units whose interiors overlap by more than ``tolerance_km2``.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> a, b = Unit("a", "A", "A", "A", box(0, 0, 1, 1)), Unit("b", "B", "B", "B", box(1, 0, 2, 1))
    >>> overlaps([a, b])
    []
    >>> overlaps([a, Unit("c", "C", "C", "C", box(0.5, 0, 2, 1))])
    [('a', 'c', 6154.2)]
    """
    units = list(units)
    tree = shapely.STRtree([u.geometry for u in units])
    out = []
    for i, j in zip(*tree.query([u.geometry for u in units], predicate="intersects"), strict=True):
        if i < j:
            inter = units[i].geometry.intersection(units[j].geometry)
            a = area_km2(inter) if inter.area > 0 else 0.0
            if a > tolerance_km2:
                out.append((units[i].id, units[j].id, round(a, 1)))
    return out


def slivers(units: Iterable[Unit], max_km2: float = SLIVER_KM2) -> list[BaseGeometry]:
    """Small holes in the union of all units: gaps left between neighbours.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> a = Unit("a", "A", "A", "A", box(0, 0, 1, 1))
    >>> b = Unit("b", "B", "B", "B", box(1.00001, 0, 2, 1))
    >>> len(slivers([a, b])), len(slivers([a, Unit("b", "B", "B", "B", box(1, 0, 2, 1))]))
    (1, 0)
    """
    units = list(units)
    union = shapely.union_all([u.geometry for u in units])
    # a morphological closing fills gaps narrower than 2 * SLIVER_WIDTH_DEG,
    # whether they are enclosed holes or strips open to the outside
    closed = union.buffer(SLIVER_WIDTH_DEG, join_style="mitre").buffer(
        -SLIVER_WIDTH_DEG, join_style="mitre"
    )
    gaps = closed.difference(union)
    # small enclosed holes of any width count too
    holes = [Polygon(r) for p in shapely.get_parts(union) for r in p.interiors]
    gaps = shapely.union_all([gaps, *holes])
    tree = shapely.STRtree([u.geometry for u in units])
    found = []
    for g in shapely.get_parts(gaps):
        if g.area <= 1e-12 or area_km2(g) >= max_km2:
            continue
        # a notch in the coast touches one unit; a gap between neighbours, two or more
        if len(tree.query(g, predicate="dwithin", distance=1e-9)) >= 2:
            found.append(g)
    return found
