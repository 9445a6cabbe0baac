"""The frame of the map: the neighbours outside the story, and the fade at the region's edge.

The atlas's territories are cut to the region (:data:`geo.config.REGION`), a
rectangle. Drawn as they are, they would end in straight edges of colour
inside the map. So the map fades them out over a band along each edge of the
region that lies on land (:func:`fade_bands`), and gives the lands beside the
story that are not territories of the atlas, such as Korea and Japan, a
neutral fill with their names (:func:`neighbour_shapes`). Both are computed
from the base land and the units' polygons, so they follow the coast and the
territories exactly.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

import shapely
from shapely.geometry import Polygon, box, mapping, shape
from shapely.geometry.base import BaseGeometry

from geo.dataio import check_shape, read_json
from geo.errors import DataError
from geo.text import html_text

# how far into the region the territories fade out, in degrees, and how far past its edge
# the fade stays opaque, so that an outline drawn along the edge is covered too
FADE_DEG = 2.0
FADE_OUTSET_DEG = 0.3
EDGES = ("north", "south", "west", "east")
# neighbour polygons smaller than this (square degrees) are slivers between units and coast
_MIN_PART_DEG2 = 0.05


@dataclass(frozen=True)
class Neighbour:
    """A land beside the story, drawn in a neutral fill with its name.

    ``box`` (west, south, east, north) bounds where it is looked for: the land
    in the box that no territory of the atlas covers.
    """

    id: str
    name_en: str
    name_ru: str
    name_zh: str
    box: tuple[float, float, float, float]
    note: str


def load_neighbours(path: Path) -> tuple[Neighbour, ...]:
    """The neighbours in ``data/neighbours.json``, checked against its schema.

    Raises
    ------
    DataError
        For a file that cannot be read or fails its schema, a repeated id, or
        a box whose west is not west of its east (or south of its north).

    Examples
    --------
    >>> from geo.config import DATA_DIR
    >>> [n.id for n in load_neighbours(DATA_DIR / "neighbours.json")][:2]
    ['korea', 'japan']
    """
    doc = read_json(path)
    check_shape(path, doc, "neighbours")
    seen: set[str] = set()
    out = []
    for item in doc["neighbours"]:
        nid = item["id"]
        if nid in seen:
            raise DataError(path, f"neighbour {nid!r}", "repeated id")
        seen.add(nid)
        west, south, east, north = item["box"]
        if not (west < east and south < north):
            raise DataError(path, f"neighbour {nid!r}", f"box {item['box']} is empty")
        out.append(
            Neighbour(
                nid,
                item["name_en"],
                item["name_ru"],
                item["name_zh"],
                (west, south, east, north),
                item.get("note", ""),
            )
        )
    return tuple(out)


def land_geometry(land: dict) -> BaseGeometry:
    """The base land as one geometry, from the GeoJSON of ``data/base/land.geojson``.

    Examples
    --------
    >>> doc = {"features": [{"geometry": {"type": "Polygon",
    ...        "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}}]}
    >>> land_geometry(doc).area
    1.0
    """
    return shapely.union_all([shape(f["geometry"]) for f in land["features"]])


def neighbour_shapes(
    neighbours: Iterable[Neighbour], land: BaseGeometry, units: Collection[BaseGeometry]
) -> dict[str, BaseGeometry]:
    """Each neighbour's land: the land in its box that no unit covers.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> n = Neighbour("n", "N", "Н", "北", (0, 0, 4, 4), "")
    >>> neighbour_shapes([n], box(0, 0, 4, 2), [box(0, 0, 2, 2)])["n"].bounds
    (2.0, 0.0, 4.0, 2.0)
    """
    covered = shapely.union_all(list(units))
    out = {}
    for n in neighbours:
        left = _areas(land.intersection(box(*n.box)).difference(covered))
        parts = [p for p in shapely.get_parts(left) if p.area >= _MIN_PART_DEG2]
        if parts:
            out[n.id] = shapely.union_all(parts)
    return out


def fade_bands(
    land: BaseGeometry, region: tuple[float, float, float, float], width: float = FADE_DEG
) -> dict[str, BaseGeometry]:
    """The band inside each edge of the region, on land, where the territories fade out.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> bands = fade_bands(box(0, 0, 10, 10), (0, 0, 10, 5), width=1)
    >>> {edge: band.bounds for edge, band in bands.items()}["north"]
    (0.0, 4.0, 10.0, 5.3)
    >>> fade_bands(box(0, 0, 10, 4), (0, 0, 10, 5), width=1)["north"].is_empty  # touches only
    Traceback (most recent call last):
    KeyError: 'north'
    """
    west, south, east, north = region
    out = FADE_OUTSET_DEG
    rects = {
        "north": box(west - out, north - width, east + out, north + out),
        "south": box(west - out, south - out, east + out, south + width),
        "west": box(west - out, south - out, west + width, north + out),
        "east": box(east - width, south - out, east + out, north + out),
    }
    out = {}
    for edge in EDGES:
        band = _areas(land.intersection(rects[edge]))
        if not band.is_empty:
            out[edge] = band
    return out


def _areas(geom: BaseGeometry) -> BaseGeometry:
    # an intersection along a coast also gives points and lines, which a map would draw as markers
    polygons = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon"]
    return shapely.union_all(polygons) if polygons else Polygon()


def neighbour_geojson(neighbours: Iterable[Neighbour], shapes: dict[str, BaseGeometry]) -> dict:
    """The neighbours as GeoJSON for the map: their land, their names (escaped) and a label point.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> n = Neighbour("n", "<N>", "Н", "北", (0, 0, 4, 4), "")
    >>> f = neighbour_geojson([n], {"n": box(0, 0, 2, 2)})["features"][0]
    >>> f["properties"]["name"], f["properties"]["label"]
    ('&lt;N&gt;', [1.0, 1.0])
    """
    features = []
    for n in neighbours:
        if n.id not in shapes:
            continue
        geom = shapely.set_precision(shapes[n.id], 1e-4)
        # the label sits in the largest piece, so that it is not out at sea
        largest = max(shapely.get_parts(geom), key=lambda p: p.area)
        point = largest.representative_point()
        features.append(
            {
                "type": "Feature",
                "id": n.id,
                "properties": {
                    "id": n.id,
                    "name": html_text(n.name_en),
                    "name_ru": html_text(n.name_ru),
                    "name_zh": html_text(n.name_zh),
                    "label": [round(point.x, 3), round(point.y, 3)],
                },
                "geometry": mapping(shapely.orient_polygons(geom)),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def fade_geojson(bands: dict[str, BaseGeometry]) -> dict:
    """The fade bands as GeoJSON for the map, one feature per edge of the region.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> fade_geojson({"north": box(0, 4, 10, 5)})["features"][0]["id"]
    'north'
    """
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": edge,
                "properties": {"edge": edge},
                "geometry": mapping(shapely.orient_polygons(shapely.set_precision(band, 1e-4))),
            }
            for edge, band in bands.items()
        ],
    }
