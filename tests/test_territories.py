"""Tests for geo.territories on hand-made boxes and tiny GeoJSON files."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path

import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon, box, mapping

from geo.errors import DataError
from geo.territories import (
    Unit,
    area_km2,
    load_groups,
    load_units,
    overlaps,
    slivers,
)

# WGS 84
A_KM = 6378.137
F = 1 / 298.257223563
E2 = F * (2 - F)
E = math.sqrt(E2)


def _q(lat_deg: float) -> float:
    """The authalic q function of the ellipsoid (Snyder 1987, eq. 3-12)."""
    s = math.sin(math.radians(lat_deg))
    return (1 - E2) * (s / (1 - E2 * s * s) - math.log((1 - E * s) / (1 + E * s)) / (2 * E))


def cell_km2(west: float, south: float, east: float, north: float) -> float:
    """Exact area of a latitude/longitude cell on the WGS 84 ellipsoid."""
    return A_KM**2 / 2 * math.radians(east - west) * (_q(north) - _q(south))


def sphere_cell_km2(west, south, east, north, r_km=6371.0072):
    """Area of the same cell on the authalic sphere (a cross-check of ``cell_km2``)."""
    return (
        r_km**2
        * math.radians(east - west)
        * (math.sin(math.radians(north)) - math.sin(math.radians(south)))
    )


def _unit(uid: str, geom) -> Unit:
    return Unit(uid, uid.upper(), uid.upper(), uid.upper(), geom)


# ------------------------------------------------------------------ area_km2


def test_the_ellipsoid_formula_agrees_with_the_sphere():
    # guards the oracle itself: the whole ellipsoid equals the authalic sphere
    assert cell_km2(-180, -90, 180, 90) == pytest.approx(4 * math.pi * 6371.0072**2, rel=1e-6)
    assert cell_km2(120, 45, 121, 46) == pytest.approx(sphere_cell_km2(120, 45, 121, 46), rel=5e-3)


@pytest.mark.parametrize(
    "bounds",
    [
        (0, 0, 1, 1),
        (120, 45, 121, 46),
        (130, 69, 131, 70),
        (-75, -40, -73, -38),
        (100, 40, 102, 42),
        (120, 45, 125, 50),
    ],
)
def test_area_of_a_box_matches_the_cell_area(bounds):
    assert area_km2(box(*bounds)) == pytest.approx(cell_km2(*bounds), rel=5e-3)


def test_area_of_a_densified_large_box_matches_the_cell_area():
    # edges sampled every 0.05 degrees follow the parallels, as the map draws them
    bounds = (100, 50, 145, 60)
    dense = shapely.segmentize(box(*bounds), 0.05)
    assert area_km2(dense) == pytest.approx(cell_km2(*bounds), rel=5e-3)


def test_area_of_a_wide_box_matches_the_cell_area():
    bounds = (100, 50, 145, 60)
    assert area_km2(box(*bounds)) == pytest.approx(cell_km2(*bounds), rel=5e-3)


def test_area_is_additive_and_ignores_the_hole():
    outer = box(120, 45, 122, 47)
    hole = box(120.5, 45.5, 121.5, 46.5)
    with_hole = Polygon(outer.exterior.coords, [hole.exterior.coords])
    expected = cell_km2(120, 45, 122, 47) - cell_km2(120.5, 45.5, 121.5, 46.5)
    assert area_km2(with_hole) == pytest.approx(expected, rel=5e-3)
    two = MultiPolygon([box(120, 45, 121, 46), box(130, 60, 131, 61)])
    expected = cell_km2(120, 45, 121, 46) + cell_km2(130, 60, 131, 61)
    assert area_km2(two) == pytest.approx(expected, rel=5e-3)


def test_area_of_an_empty_geometry_is_zero():
    assert area_km2(Polygon()) == 0.0


# ------------------------------------------------------------------ load_units

META = {"source": "hand-made", "license": "CC0-1.0", "note": "for the tests"}


def _feature(uid: str, geom) -> dict:
    return {
        "type": "Feature",
        "properties": {
            "id": uid,
            "name_en": f"Unit {uid}",
            "name_ru": f"Единица {uid}",
            "name_zh": f"单元{uid}",
        },
        "geometry": geom if isinstance(geom, dict) or geom is None else mapping(geom),
    }


def _doc() -> dict:
    return {
        "type": "FeatureCollection",
        **META,
        "features": [_feature("a", box(120, 45, 121, 46)), _feature("b", box(121, 45, 122, 46))],
    }


def _write(tmp_path: Path, doc: dict, name: str = "territories.geojson") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def test_load_units_valid(tmp_path):
    units = load_units(_write(tmp_path, _doc()))
    assert [u.id for u in units] == ["a", "b"]
    assert units[0].name_ru == "Единица a" and units[1].name_zh == "单元b"
    assert units[0].geometry.equals(box(120, 45, 121, 46))


def test_load_units_takes_the_feature_id_when_properties_have_none(tmp_path):
    doc = _doc()
    del doc["features"][1]["properties"]["id"]
    doc["features"][1]["id"] = "b"
    assert [u.id for u in load_units(_write(tmp_path, doc))] == ["a", "b"]


def _bad(mutate):
    doc = _doc()
    mutate(doc)
    return doc


BOWTIE = {
    "type": "Polygon",
    "coordinates": [[[121, 45], [122, 46], [122, 45], [121, 46], [121, 45]]],
}


@pytest.mark.parametrize(
    "mutate, feature, reason",
    [
        (lambda d: d.update(type="Feature"), "type", "'Feature' is not 'FeatureCollection'"),
        (lambda d: d.pop("license"), "file", "missing 'license'"),
        (lambda d: d.update(features=[]), "features", "has 0 items, needs at least 1"),
        (
            lambda d: d["features"][1]["properties"].pop("name_ru"),
            "feature 1 (b)",
            "properties: missing 'name_ru'",
        ),
        (
            lambda d: d["features"][1]["properties"].update(name_zh=""),
            "feature 1 (b)",
            "properties.name_zh: '' is not a non-blank string",
        ),
        (
            lambda d: d["features"][1]["properties"].update(id="a"),
            "feature 1 (a)",
            "duplicate id",
        ),
        (lambda d: d["features"][1].update(geometry=BOWTIE), "feature 1 (b)", "Self-intersection"),
        (
            lambda d: d["features"][1].update(
                geometry={"type": "Point", "coordinates": [121.5, 45.5]}
            ),
            "feature 1 (b)",
            "geometry.type: 'Point' is not 'Polygon' or 'MultiPolygon'",
        ),
        (
            lambda d: d["features"][1].update(geometry=mapping(box(179.5, 45, 181, 46))),
            "feature 1 (b)",
            "outside EPSG:4326",
        ),
        (
            # latitude and longitude swapped: 120 is no latitude
            lambda d: d["features"][1].update(geometry=mapping(box(45, 120, 46, 121))),
            "feature 1 (b)",
            "outside EPSG:4326",
        ),
        (
            lambda d: d["features"][1].update(geometry=None),
            "feature 1 (b)",
            "geometry: null is not an object",
        ),
        (
            lambda d: d["features"][1].update(geometry={"type": "Polygon"}),
            "feature 1 (b)",
            "geometry: missing 'coordinates'",
        ),
        (
            lambda d: d["features"][1].update(id="c"),
            "feature 1 (c)",
            "id 'c' but properties.id 'b'",
        ),
    ],
    ids=[
        "not-feature-collection",
        "missing-license",
        "no-features",
        "missing-name_ru",
        "empty-name_zh",
        "duplicate-id",
        "self-intersecting",
        "point",
        "lon-out-of-range",
        "lat-out-of-range",
        "null-geometry",
        "no-coordinates",
        "two-ids",
    ],
)
def test_load_units_errors_name_file_and_feature(tmp_path, mutate, feature, reason):
    path = _write(tmp_path, _bad(mutate))
    with pytest.raises(DataError) as err:
        load_units(path)
    assert err.value.file == str(path)
    assert err.value.feature == feature
    assert reason in err.value.reason
    assert str(path) in str(err.value)


def test_load_units_unreadable_json(tmp_path):
    path = tmp_path / "territories.geojson"
    path.write_text('{"type": "FeatureCollection",', encoding="utf-8")
    with pytest.raises(DataError, match="not valid JSON") as err:
        load_units(path)
    assert err.value.file == str(path)


# ------------------------------------------------------------------ overlaps and slivers


def test_adjacent_boxes_do_not_overlap():
    units = [_unit("a", box(0, 0, 1, 1)), _unit("b", box(1, 0, 2, 1)), _unit("c", box(0, 1, 2, 2))]
    assert overlaps(units) == []


def test_overlapping_boxes_are_found_with_their_shared_area():
    units = [_unit("a", box(120, 45, 121, 46)), _unit("b", box(120.5, 45, 122, 46))]
    found = overlaps(units)
    assert [(a, b) for a, b, _ in found] == [("a", "b")]
    assert found[0][2] == pytest.approx(cell_km2(120.5, 45, 121, 46), rel=5e-3)


def test_an_overlap_below_the_tolerance_is_ignored():
    # a 1e-7 degree wide strip, about 0.001 km2: less than the 0.01 km2 tolerance
    units = [_unit("a", box(120, 45, 121, 46)), _unit("b", box(120.9999999, 45, 122, 46))]
    assert overlaps(units) == []
    assert overlaps(units, tolerance_km2=0.0) != []


def test_a_contained_unit_is_an_overlap():
    units = [_unit("big", box(120, 45, 122, 47)), _unit("small", box(120.5, 45.5, 121, 46))]
    assert [(a, b) for a, b, _ in overlaps(units)] == [("big", "small")]


def test_adjacent_boxes_leave_no_sliver():
    units = [_unit("a", box(0, 0, 1, 1)), _unit("b", box(1, 0, 2, 1)), _unit("c", box(0, 1, 2, 2))]
    assert slivers(units) == []


def test_a_thin_enclosed_gap_is_found():
    # a and b leave a 0.00005 degree strip (4 m x 111 km, about 0.4 km2) closed off by
    # top and bottom
    units = [
        _unit("a", box(120, 45, 121, 46)),
        _unit("b", box(121.00005, 45, 122, 46)),
        _unit("top", box(120, 46, 122, 47)),
        _unit("bottom", box(120, 44, 122, 45)),
    ]
    found = slivers(units)
    assert len(found) == 1
    assert found[0].equals(box(121, 45, 121.00005, 46))
    assert area_km2(found[0]) == pytest.approx(cell_km2(121, 45, 121.00005, 46), rel=5e-3)


def test_a_large_hole_is_not_a_sliver():
    # a one-degree hole (about 8,700 km2) is a lake or a missing unit, not a sliver
    ring = [
        _unit("w", box(120, 45, 121, 48)),
        _unit("e", box(122, 45, 123, 48)),
        _unit("s", box(121, 45, 122, 46)),
        _unit("n", box(121, 47, 122, 48)),
    ]
    assert slivers(ring) == []


def _ring_around(width: float) -> list[Unit]:
    """Four units around an empty square of ``width`` degrees at (121 E, 45.5 N)."""
    x, y = 121, 45.5
    return [
        _unit("w", box(120, 45, x, 47)),
        _unit("e", box(x + width, 45, 123, 47)),
        _unit("s", box(x, 45, x + width, y)),
        _unit("n", box(x, y + width, x + width, 47)),
    ]


@pytest.mark.parametrize("width", [0.0001, 0.0009])
def test_a_tiny_enclosed_hole_is_found(width):
    (found,) = slivers(_ring_around(width))
    assert found.equals(box(121, 45.5, 121 + width, 45.5 + width))


@pytest.mark.parametrize("width", [0.002, 0.005])
def test_a_small_but_not_thin_enclosed_hole_is_found(width):
    # 0.002 and 0.005 degree squares are about 0.03 and 0.2 km2: well under SLIVER_KM2
    assert area_km2(box(121, 45.5, 121 + width, 45.5 + width)) < 1.0
    assert len(slivers(_ring_around(width))) == 1


@pytest.mark.parametrize(
    "units",
    [
        # the function's own doctest: a 0.00001 degree strip (about 0.1 km2) between two boxes
        [_unit("a", box(0, 0, 1, 1)), _unit("b", box(1.00001, 0, 2, 1))],
        [_unit("a", box(120, 45, 121, 45.1)), _unit("b", box(121.0001, 45, 122, 45.1))],
        [
            _unit("a", box(120, 45, 121, 45.1)),
            _unit("b", box(121.0001, 45, 122, 45.1)),
            _unit("top", box(120, 45.1, 122, 46)),
        ],
    ],
    ids=["doctest-gap", "gap-across", "gap-open-at-one-end"],
)
def test_a_thin_gap_reaching_the_outside_is_found(units):
    # at commit 70accfb slivers found only enclosed holes and missed these
    (found,) = slivers(units)
    assert 0 < area_km2(found) < 1.0


def test_a_notch_in_one_unit_is_not_a_gap_between_units():
    # a narrow inlet cut into a single unit's coast is geography, not a sliver
    notched = box(120, 45, 122, 46).difference(box(120.9999, 45, 121.0001, 45.5))
    assert slivers([_unit("a", notched), _unit("b", box(122, 45, 123, 46))]) == []


# ------------------------------------------------------------------ load_groups


def _groups_file(tmp_path: Path, groups: list[dict]) -> Path:
    path = tmp_path / "units.json"
    path.write_text(json.dumps({**META, "units": [], "groups": groups}), encoding="utf-8")
    return path


GROUP = {
    "id": "pair",
    "name_en": "The pair",
    "name_ru": "Пара",
    "name_zh": "一对",
    "units": ["a", "b"],
}


def test_load_groups_valid(tmp_path):
    (g,) = load_groups(_groups_file(tmp_path, [GROUP]), ["a", "b", "c"])
    assert (g.id, g.units, g.name_zh) == ("pair", ("a", "b"), "一对")


def test_load_groups_unknown_unit(tmp_path):
    path = _groups_file(tmp_path, [GROUP, dict(GROUP, id="bad", units=["a", "zz"])])
    with pytest.raises(DataError) as err:
        load_groups(path, ["a", "b"])
    assert err.value.file == str(path)
    assert err.value.feature == "groups[1] (bad)"
    assert "zz" in err.value.reason


def test_load_groups_without_units(tmp_path):
    path = _groups_file(tmp_path, [dict(GROUP, units=[])])
    with pytest.raises(DataError, match=r"groups\[0\] \(pair\): units: has 0 items") as err:
        load_groups(path, ["a", "b"])
    assert err.value.file == str(path)


def test_load_groups_missing_name(tmp_path):
    group = copy.deepcopy(GROUP)
    del group["name_ru"]
    path = _groups_file(tmp_path, [group])
    with pytest.raises(DataError, match=r"groups\[0\] \(pair\): missing 'name_ru'") as err:
        load_groups(path, ["a", "b"])
    assert err.value.file == str(path)
