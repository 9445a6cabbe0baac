"""Territory units and groups: geometry, names, areas and checks.

Geometry is EPSG:4326 (RFC 7946 GeoJSON). Areas are computed in a Lambert
azimuthal equal-area projection centred on each geometry, so they are true
areas on the WGS 84 ellipsoid to well under 0.1 %.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from shapely.errors import ShapelyError
from shapely.geometry import Polygon, shape
from shapely.geometry.base import BaseGeometry

from geo.dataio import item_label, read_checked
from geo.errors import DataError

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

    Parameters
    ----------
    geometry : BaseGeometry
        A (multi)polygon in EPSG:4326.

    Returns
    -------
    float
        The area in km²; 0 for an empty geometry.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> round(area_km2(box(0, 0, 1, 1)))  # one degree square at the equator
    12308
    """
    if geometry.is_empty:
        return 0.0
    return areas_km2([geometry])[0]


def areas_km2(geometries: Sequence[BaseGeometry]) -> list[float]:
    """Areas in km² of many geometries, projected together in one call.

    The projection is a Lambert azimuthal equal-area one centred on the
    area-weighted mean of the centroids: for one geometry that is its own
    centroid, as in :func:`area_km2`. Being equal-area everywhere, a common
    centre changes only the error of the densified edges, by well under
    0.1 km² for the atlas's units.

    Parameters
    ----------
    geometries : Sequence[BaseGeometry]
        (Multi)polygons in EPSG:4326.

    Returns
    -------
    list[float]
        The area of each geometry in km², in order; 0 for an empty one.

    Examples
    --------
    >>> from shapely.geometry import Polygon, box
    >>> [round(a) for a in areas_km2([box(120, 45, 121, 46), Polygon(), box(130, 60, 131, 61)])]
    [8686, 0, 6123]
    """
    # imported here, not at the top: pandas comes with geopandas and costs about
    # half a second, which merely importing geo.atlas should not pay
    import geopandas as gpd

    geoms = np.empty(len(geometries), dtype=object)
    geoms[:] = list(geometries)
    if not len(geoms):
        return []
    full = ~shapely.is_empty(geoms)
    if not full.any():
        return [0.0] * len(geoms)
    centroids = shapely.centroid(geoms[full])
    weights = shapely.area(geoms[full])
    # lines and points have no area; their centroids then count alike
    w = weights if weights.sum() > 0 else None
    lon = float(np.average(shapely.get_x(centroids), weights=w))
    lat = float(np.average(shapely.get_y(centroids), weights=w))
    laea = f"+proj=laea +lat_0={lat:.6f} +lon_0={lon:.6f} +datum=WGS84 +units=m +no_defs"
    # densify first: a long edge along a parallel is a curve in LAEA
    dense = gpd.GeoSeries(shapely.segmentize(geoms, DENSIFY_DEG), crs="EPSG:4326")
    return (dense.to_crs(laea).area / 1e6).tolist()


def load_units(path: Path) -> tuple[Unit, ...]:
    """Read and check ``territories.geojson``.

    Parameters
    ----------
    path : Path
        The file; its shape is that of ``geo/schemas/territories.schema.json``.

    Returns
    -------
    tuple of Unit
        In file order.

    Raises
    ------
    DataError
        Naming the file, the feature and the reason: a file that does not have
        the schema's shape (not a FeatureCollection, no features, a missing
        name, a geometry that is not a (multi)polygon), two different ids for
        one feature, a duplicate id, a geometry that shapely cannot read or
        finds invalid, or coordinates outside EPSG:4326.

    Examples
    --------
    >>> from geo.config import DATA_DIR
    >>> units = load_units(DATA_DIR / "territories.geojson")
    >>> next(u for u in units if u.id == "zhenbao").name_zh
    '珍宝岛'
    """
    doc = read_checked(path, "territories")
    units: list[Unit] = []
    seen: set[str] = set()
    for i, feat in enumerate(doc["features"]):
        props = feat["properties"]
        where = item_label("features", i, feat)
        # the schema asks for one of the two; with both, they must agree
        uid = props.get("id") or feat["id"]
        if feat.get("id", uid) != uid:
            raise DataError(path, where, f"id {feat['id']!r} but properties.id {uid!r}")
        if uid in seen:
            raise DataError(path, where, "duplicate id")
        seen.add(uid)
        try:
            geom = shape(feat["geometry"])
        except (TypeError, ValueError, AttributeError, ShapelyError) as exc:
            # the schema stops at the outer coordinate lists (see areaGeometry, common.schema.json)
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
    return tuple(units)


def load_groups(path: Path, unit_ids: Iterable[str]) -> tuple[Group, ...]:
    """Read the groups of ``units.json`` and check that their units exist.

    Parameters
    ----------
    path : Path
        The file; its shape is that of ``geo/schemas/units.schema.json``.
    unit_ids : Iterable[str]
        The ids of the units of ``territories.geojson``.

    Returns
    -------
    tuple of Group
        In file order.

    Raises
    ------
    DataError
        Naming the file, the group and the reason: a file without the schema's
        shape (a missing name, no units), or a unit that is not known.

    Examples
    --------
    >>> from geo.config import DATA_DIR
    >>> ids = [u.id for u in load_units(DATA_DIR / "territories.geojson")]
    >>> groups = load_groups(DATA_DIR / "units.json", ids)
    >>> groups[0].id, groups[0].units[0]
    ('outer_manchuria', 'amur_left_bank')
    """
    doc = read_checked(path, "units")
    known = set(unit_ids)
    groups = []
    for i, g in enumerate(doc["groups"]):
        where = item_label("groups", i, g)
        missing = [u for u in g["units"] if u not in known]
        if missing:
            raise DataError(path, where, f"unknown units: {missing}")
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
    # the schema has seen to the geometry type; the positions it leaves to this
    if geom.is_empty:
        raise DataError(path, where, "empty geometry")
    if not geom.is_valid:
        raise DataError(path, where, f"invalid geometry: {shapely.is_valid_reason(geom)}")
    west, south, east, north = geom.bounds
    if west < -180 or east > 180 or south < -90 or north > 90:
        raise DataError(path, where, "coordinates outside EPSG:4326 (lon, lat) ranges")


def overlaps(
    units: Iterable[Unit], tolerance_km2: float = OVERLAP_TOLERANCE_KM2
) -> list[tuple[str, str, float]]:
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
        # a notch in the coast touches one unit; a gap between neighbours, two or
        # more (asked first: it is cheap, and leaves few areas to project)
        if g.area <= 1e-12 or len(tree.query(g, predicate="dwithin", distance=1e-9)) < 2:
            continue
        if area_km2(g) < max_km2:
            found.append(g)
    return found
