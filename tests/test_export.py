"""Tests for geo.export: the year's situation as a GeoDataFrame, GeoJSON and GeoPackage."""

from __future__ import annotations

import json
import os
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import shape

from geo.areas import compare, load_figures
from geo.atlas import Atlas, situation, situation_json
from geo.config import DATA_DIR
from geo.export import CLAIMANT_SEPARATOR, FORMATS, situation_frame, write_situation
from geo.territories import DENSIFY_DEG, area_km2, areas_km2


@pytest.fixture(scope="module")
def frame_1859(atlas: Atlas) -> gpd.GeoDataFrame:
    return situation_frame(atlas, 1859)


def _properties(doc: dict) -> list[str]:
    (keys,) = {tuple(f["properties"]) for f in doc["features"]}
    return list(keys)


# ------------------------------------------------------------------ situation_frame


def test_frame_has_every_unit_in_order_in_epsg_4326(
    atlas: Atlas, frame_1859: gpd.GeoDataFrame
) -> None:
    assert list(frame_1859["id"]) == list(atlas.unit_ids)
    assert frame_1859.crs.to_epsg() == 4326
    assert frame_1859.geometry.name == "geometry"
    assert frame_1859.attrs["date"] == "1859-12-31"


def test_frame_columns_are_the_geojson_properties(
    atlas: Atlas, frame_1859: gpd.GeoDataFrame
) -> None:
    assert list(frame_1859.columns) == [*_properties(situation(atlas, 1859)), "geometry"]


def test_frame_rows_match_the_geojson_features(atlas: Atlas, frame_1859: gpd.GeoDataFrame) -> None:
    rows = frame_1859.set_index("id", drop=False)
    features = situation(atlas, 1859)["features"]
    assert features
    for f in features:
        row = rows.loc[f["id"]]
        props = f["properties"]
        for key, value in props.items():
            if key == "claimants":
                assert row[key] == CLAIMANT_SEPARATOR.join(value), f["id"]
            elif value is None:
                assert pd.isna(row[key]), (f["id"], key)
            else:
                assert row[key] == value, (f["id"], key)
        assert row.geometry.equals(shape(f["geometry"])), f["id"]


def test_frame_joins_the_claimants_into_one_string(frame_1859: gpd.GeoDataFrame) -> None:
    claimants = frame_1859.set_index("id")["claimants"]
    assert claimants["primorye"] == "Qing dynasty; Russian Empire"
    assert claimants["siberia"] == ""


# ------------------------------------------------------------------ GeoPackage


def test_gpkg_round_trip_reads_back_every_unit(
    atlas: Atlas, frame_1859: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    out = write_situation(atlas, 1859, tmp_path / "situation.gpkg", "gpkg")
    assert pyogrio.list_layers(out).tolist() == [["situation_1859", "MultiPolygon"]]
    back = gpd.read_file(out)
    assert back.crs.to_epsg() == 4326
    assert list(back["id"]) == list(atlas.unit_ids)
    pd.testing.assert_frame_equal(
        back.drop(columns="geometry"), frame_1859.drop(columns="geometry"), check_dtype=False
    )
    for uid, a, b in zip(back["id"], back.geometry, frame_1859.geometry, strict=True):
        assert a.equals(b), uid
    assert pyogrio.read_info(out)["layer_metadata"]["date"] == "1859-12-31"


def test_gpkg_replaces_an_existing_file_whole(atlas: Atlas, tmp_path: Path) -> None:
    out = tmp_path / "situation.gpkg"
    write_situation(atlas, 1859, out, "gpkg")
    write_situation(atlas, 1860, out, "gpkg")
    assert pyogrio.list_layers(out)[:, 0].tolist() == ["situation_1860"]
    # nothing is left of the file built beside it
    assert sorted(p.name for p in tmp_path.iterdir()) == ["situation.gpkg"]


@pytest.mark.parametrize("kind", ["folder", "fifo"])
def test_gpkg_onto_a_folder_or_a_fifo_is_refused(atlas: Atlas, tmp_path: Path, kind: str) -> None:
    out = tmp_path / "situation.gpkg"
    if kind == "folder":
        out.mkdir()
    else:
        os.mkfifo(out)
    with pytest.raises(OSError):
        write_situation(atlas, 1860, out, "gpkg")
    assert [p.name for p in tmp_path.iterdir()] == ["situation.gpkg"]


def test_an_unknown_format_is_refused(atlas: Atlas, tmp_path: Path) -> None:
    assert FORMATS == ("geojson", "gpkg")
    with pytest.raises(ValueError, match="unknown format 'shp'"):
        write_situation(atlas, 1860, tmp_path / "x.shp", "shp")
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------ GeoJSON


def test_geojson_file_is_the_situation_json(atlas: Atlas, tmp_path: Path) -> None:
    out = write_situation(atlas, 1860, tmp_path / "1860.geojson")
    assert out.read_text(encoding="utf-8") == situation_json(atlas, 1860) + "\n"


def test_geojson_rings_follow_rfc_7946(atlas: Atlas, tmp_path: Path) -> None:
    doc = json.loads(write_situation(atlas, 1860, tmp_path / "1860.geojson").read_text("utf-8"))
    holes = 0
    for f in doc["features"]:
        for polygon in shapely.get_parts(shape(f["geometry"])):
            assert shapely.is_ccw(polygon.exterior), f["id"]
            assert not any(shapely.is_ccw(ring) for ring in polygon.interiors), f["id"]
            holes += len(polygon.interiors)
    # the holes are checked, not merely absent
    assert holes > 0


# ------------------------------------------------------------------ areas


def test_exported_areas_pass_the_published_checks_as_the_atlas_does(
    atlas: Atlas, frame_1859: gpd.GeoDataFrame
) -> None:
    exported = dict(zip(frame_1859["id"], frame_1859["area_km2"], strict=True))
    figures = load_figures(DATA_DIR / "areas.json", atlas.unit_ids)
    assert [c.status for c in compare(figures, exported)] == [
        c.status for c in compare(figures, atlas.areas)
    ]
    for uid, value in exported.items():
        assert value == pytest.approx(atlas.areas[uid], abs=0.05), uid


def test_areas_in_one_projection_match_each_unit_in_its_own(atlas: Atlas) -> None:
    # one projection for all units (load_atlas) against one centred on each unit
    together = areas_km2([u.geometry for u in atlas.units])
    assert together
    for u, a in zip(atlas.units, together, strict=True):
        assert a == pytest.approx(area_km2(u.geometry), abs=0.05), u.id
        assert atlas.areas[u.id] == a


def test_areas_agree_with_geodesic_areas(atlas: Atlas) -> None:
    # an independent oracle: pyproj's geodesic area on the WGS 84 ellipsoid,
    # within the tolerance of the box tests in test_territories.py
    geod = Geod(ellps="WGS84")
    assert atlas.units
    for u in atlas.units:
        dense = shapely.segmentize(u.geometry, DENSIFY_DEG)
        geodesic = abs(geod.geometry_area_perimeter(dense)[0]) / 1e6
        assert atlas.areas[u.id] == pytest.approx(geodesic, rel=5e-3), u.id


def test_areas_of_nothing() -> None:
    assert areas_km2([]) == []
    assert areas_km2([shapely.Polygon(), shapely.Polygon()]) == [0.0, 0.0]
