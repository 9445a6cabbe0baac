"""The borders the map draws follow the rivers the map draws.

Issue 3: where a treaty puts the border on a river, the edge between the
units follows the river's course, so that a reader who zooms in sees the
border run down the river, not across it. These tests measure, in a local
equidistant projection, how far each river stretch strays from the border of
the year, using the very layers the app shows: ``data/base/rivers.geojson``,
``data/base/lakes.geojson`` and the borders of :func:`geo.atlas.year_view`.
The stretches are given by points from ``history-facts.md`` and the base
rivers' own ends, not by the build's construction data.
"""

from __future__ import annotations

import json

import pytest
import shapely
import shapely.ops
from conftest import DATA
from pyproj import Transformer
from shapely.geometry import LineString, Point, shape

from geo.atlas import year_view

# the base layers are generalised to about 1 km; the border may not stray further
# from the river than a fraction of that
MAX_STRAY_KM = 0.5
SAMPLE_KM = 0.5

SHILKA_ARGUN = (121.477, 53.333)  # history-facts.md §2
GORBITSA_MOUTH = (119.22, 53.095)  # where the Nerchinsk line leaves the Shilka
KYAKHTA_ARGUN = (117.87, 49.51)  # where the Kyakhta line reaches the Argun
ABOVE_ISLANDS = (134.3, 48.38)  # the Amur just above the islands at the Ussuri mouth
SUNGACHA_MOUTH = (133.416, 45.571)
KHANKA_OUTFLOW = (132.837, 45.058)
ABOVE_USSURI_MOUTH = (134.678, 48.208)  # history-facts.md §2: the mouth is at 48.274, 134.714
TUMEN_TRIPOINT = (130.639, 42.420)  # history-facts.md §2 (marker No. 423)


def _layer(name: str) -> dict[str, object]:
    doc = json.loads((DATA / "base" / f"{name}.geojson").read_text(encoding="utf-8"))
    return {f["properties"]["id"]: shape(f["geometry"]) for f in doc["features"]}


@pytest.fixture(scope="module")
def rivers():
    """The base map's rivers by id."""
    return _layer("rivers")


@pytest.fixture(scope="module")
def lakes():
    """The base map's lakes by id."""
    return _layer("lakes")


def _border(atlas, year: int, sides: set[str]):
    (line,) = [b.line for b in year_view(atlas, year).borders if set(b.sides) == sides]
    return line


def _stretch(river: LineString, start, end) -> LineString:
    return shapely.ops.substring(river, river.project(Point(start)), river.project(Point(end)))


def _strays(stretch: LineString, border) -> list[tuple[float, float, float]]:
    """Points of the stretch farther than MAX_STRAY_KM from the border: (km, lon, lat)."""
    c = stretch.centroid
    fwd = Transformer.from_crs(
        4326, f"+proj=aeqd +lat_0={c.y} +lon_0={c.x}", always_xy=True
    ).transform
    s = shapely.transform(stretch, fwd, interleaved=False)
    b = shapely.transform(border, fwd, interleaved=False)
    out = []
    steps = int(s.length // (SAMPLE_KM * 1000)) + 1
    for k in range(steps + 1):
        p = s.interpolate(k / steps, normalized=True)
        km = b.distance(p) / 1000
        if km > MAX_STRAY_KM:
            g = stretch.interpolate(k / steps, normalized=True)
            out.append((round(km, 2), round(g.x, 3), round(g.y, 3)))
    return out


# the river stretches the border follows: from Nerchinsk (1689), and from Peking (1860) on
NERCHINSK_RIVERS = (
    ("shilka", GORBITSA_MOUTH, SHILKA_ARGUN),
    ("argun", KYAKHTA_ARGUN, SHILKA_ARGUN),
)
PEKING_RIVERS = (
    ("argun", KYAKHTA_ARGUN, SHILKA_ARGUN),
    ("amur", SHILKA_ARGUN, ABOVE_ISLANDS),
    ("sungacha", KHANKA_OUTFLOW, SUNGACHA_MOUTH),
    ("ussuri", SUNGACHA_MOUTH, ABOVE_USSURI_MOUTH),
)
RIVER_BORDERS = [
    *(pytest.param(1700, *r, id=f"1700-{r[0]}") for r in NERCHINSK_RIVERS),
    *(pytest.param(y, *r, id=f"{y}-{r[0]}") for y in (1900, 1995, 2010) for r in PEKING_RIVERS),
]


@pytest.mark.parametrize(("year", "river", "start", "end"), RIVER_BORDERS)
def test_the_border_runs_on_the_rivers(atlas, rivers, year, river, start, end):
    stretch = _stretch(rivers[river], start, end)
    assert stretch.length > 0.5
    assert _strays(stretch, _border(atlas, year, {"china", "russia"})) == []


def test_the_amur_is_no_border_before_aigun(atlas, rivers):
    stretch = _stretch(rivers["amur"], (127.5, 50.2), (130.0, 49.0))
    borders = [b.line for b in year_view(atlas, 1700).borders]
    assert borders
    assert all(b.distance(stretch) > 1 for b in borders)


@pytest.mark.parametrize("year", [1900, 2010])
def test_the_border_crosses_lake_khanka(atlas, lakes, year):
    border = _border(atlas, year, {"china", "russia"})
    khanka = lakes["khanka"]
    inside = border.intersection(khanka)
    # the lake is about 90 km across from the Sungacha outflow to the Tur mouth
    km = inside.length * 111.32 * 0.71
    assert 40 < km < 150, km
    assert Point(KHANKA_OUTFLOW).distance(inside) < 0.05


@pytest.mark.parametrize("year", [1900, 2010])
def test_the_border_runs_on_to_the_tumen(atlas, year):
    border = _border(atlas, year, {"china", "russia"})
    assert border.distance(Point(TUMEN_TRIPOINT)) < 0.05  # about 5 km
