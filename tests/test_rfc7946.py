"""Polygon winding of every committed GeoJSON file, as RFC 7946 (section 3.1.6) asks.

Exterior rings run counter-clockwise and holes clockwise. The atlas reads its
files with shapely, which does not care, but other GeoJSON readers (d3, some
web maps) fill the outside of a clockwise ring instead of its inside.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import shapely
from shapely.geometry import Polygon, shape

from geo.validate import wrongly_wound

DATA = Path(__file__).resolve().parents[1] / "data"
FILES = sorted(DATA.rglob("*.geojson"))


def _problems(doc: dict[str, Any]) -> list[str]:
    out = []
    for n, feature in enumerate(doc.get("features", [])):
        name = feature.get("id", n)
        out += [f"{name}: {p}" for p in wrongly_wound(shape(feature["geometry"]))]
    return out


def test_there_are_files_with_polygons() -> None:
    names = {path.relative_to(DATA).as_posix() for path in FILES}
    assert {"territories.geojson", "base/land.geojson", "base/lakes.geojson"} <= names


@pytest.mark.parametrize("path", FILES, ids=[p.relative_to(DATA).as_posix() for p in FILES])
def test_polygons_wind_as_rfc_7946_asks(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert _problems(doc) == []


def test_a_clockwise_exterior_is_rejected() -> None:
    clockwise = Polygon([(0, 0), (0, 1), (1, 1), (1, 0)])
    doc = {"features": [{"id": "sq", "geometry": clockwise.__geo_interface__}]}
    assert _problems(doc) == [
        "sq: polygon 0: the exterior ring is clockwise; RFC 7946 asks for anticlockwise"
    ]


def test_a_counter_clockwise_hole_is_rejected() -> None:
    square = [(0, 0), (4, 0), (4, 4), (0, 4)]
    hole = [(1, 1), (2, 1), (2, 2), (1, 2)]  # counter-clockwise
    multi = shapely.MultiPolygon([Polygon([(5, 0), (6, 0), (6, 1)]), Polygon(square, [hole])])
    assert wrongly_wound(multi) == [
        "polygon 1: hole 0 is anticlockwise; RFC 7946 asks for clockwise"
    ]
    assert wrongly_wound(shapely.orient_polygons(multi)) == []
