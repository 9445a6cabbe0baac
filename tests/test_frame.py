"""The frame of the map: neighbours beside the story, and the fade along the region's edges."""

from __future__ import annotations

import json

import pytest
import shapely
from conftest import DATA
from shapely.geometry import box

from geo.config import REGION
from geo.errors import DataError
from geo.frame import (
    FADE_OUTSET_DEG,
    fade_bands,
    land_geometry,
    load_neighbours,
    neighbour_shapes,
)


@pytest.fixture(scope="module")
def land():
    return land_geometry(json.loads((DATA / "base" / "land.geojson").read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def shapes(atlas, land):
    neighbours = load_neighbours(DATA / "neighbours.json")
    return neighbour_shapes(neighbours, land, [u.geometry for u in atlas.units])


def test_every_neighbour_has_land_and_none_covers_a_territory(atlas, shapes):
    assert set(shapes) == {"korea", "japan", "central_asia"}
    units = shapely.union_all([u.geometry for u in atlas.units])
    for nid, shape in shapes.items():
        assert shape.area > 1, nid
        assert shape.intersection(units).area < 1e-6, nid


def test_the_neighbours_are_where_they_are_named(shapes):
    assert shapes["korea"].contains(shapely.Point(127.0, 39.0))  # Pyongyang's country
    assert shapes["japan"].contains(shapely.Point(142.5, 43.5))  # Hokkaido
    assert shapes["central_asia"].contains(shapely.Point(71.4, 51.2))  # Astana


def test_the_neighbours_and_the_territories_fill_the_regions_land(atlas, land, shapes):
    # no hole of bare land inside the region where the eye would look for a colour
    covered = shapely.union_all([*(u.geometry for u in atlas.units), *shapes.values()])
    bare = land.intersection(box(*REGION)).difference(covered)
    big = [p for p in shapely.get_parts(bare) if p.area > 1.0]
    assert big == []


def test_the_fade_runs_along_each_edge_inside_the_region_and_on_land(land):
    bands = fade_bands(land, REGION)
    assert set(bands) == {"north", "south", "west", "east"}
    # a little past the edge too, so that an outline along it is covered
    region = box(*REGION).buffer(FADE_OUTSET_DEG, join_style="mitre")
    for edge, band in bands.items():
        assert band.within(region.buffer(1e-9)), edge
        assert band.intersection(box(*REGION)).area > 0.5 * band.area, edge
        assert band.difference(land).area < 1e-6, edge
        assert {g.geom_type for g in shapely.get_parts(band)} == {"Polygon"}, edge


def test_a_bad_neighbours_file_names_the_neighbour(tmp_path):
    doc = json.loads((DATA / "neighbours.json").read_text(encoding="utf-8"))
    doc["neighbours"][1]["box"] = [146.0, 36.0, 135.0, 45.6]
    path = tmp_path / "neighbours.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(DataError, match="neighbour 'japan'.*empty"):
        load_neighbours(path)
    doc["neighbours"][1] = doc["neighbours"][0]
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(DataError, match="repeated id"):
        load_neighbours(path)
