"""The western sector: the Chuguchak cession, the Ili valley and the Pamirs."""

from __future__ import annotations

from datetime import date

import pytest
import shapely
from shapely.geometry import Point, shape

from geo.periods import state_at

WEST = ("tarbagatai_cession", "issyk_kul", "ili_west", "ili", "pamirs")

# (unit, year, holder, status) on 31 December, either side of each change
HOLDERS = [
    ("tarbagatai_cession", 1863, "contested", "contested"),
    ("tarbagatai_cession", 1865, "russian_empire", "sovereign"),
    ("issyk_kul", 1863, "contested", "contested"),
    ("issyk_kul", 1865, "russian_empire", "sovereign"),
    ("ili", 1870, "qing", "sovereign"),
    ("ili", 1872, "russian_empire", "occupation"),
    ("ili_west", 1870, "qing", "sovereign"),
    ("ili_west", 1872, "russian_empire", "occupation"),
    ("ili", 1880, "russian_empire", "occupation"),
    ("ili", 1882, "qing", "sovereign"),
    ("ili_west", 1880, "russian_empire", "occupation"),
    ("ili_west", 1882, "russian_empire", "sovereign"),
    ("pamirs", 1891, "contested", "contested"),
    ("pamirs", 1893, "russian_empire", "contested"),
    ("tarbagatai_cession", 1990, "soviet_union", "sovereign"),
    ("tarbagatai_cession", 1992, "kazakhstan", "sovereign"),
    ("issyk_kul", 1992, "kyrgyzstan", "sovereign"),
    ("ili_west", 1992, "kazakhstan", "sovereign"),
    ("ili", 1990, "prc", "sovereign"),
    ("ili", 1992, "prc", "sovereign"),
    ("pamirs", 1990, "soviet_union", "contested"),
    ("pamirs", 1992, "tajikistan", "contested"),
    ("pamirs", 2010, "tajikistan", "contested"),
    ("pamirs", 2012, "tajikistan", "sovereign"),
]


@pytest.mark.parametrize(("unit", "year", "holder", "status"), HOLDERS)
def test_holder_either_side_of_each_change(atlas, unit, year, holder, status):
    period = state_at([unit], atlas.periods, date(year, 12, 31))[unit]
    assert (period.holder, period.status) == (holder, status)


def test_occupations_keep_the_qing_as_sovereign(atlas):
    for unit in ("ili", "ili_west"):
        period = state_at([unit], atlas.periods, date(1875, 12, 31))[unit]
        assert period.sovereign == "qing"


def test_pamirs_claimed_by_china_until_2011(atlas):
    for year, claimant in ((1900, "qing"), (1930, "roc"), (1980, "prc"), (2000, "prc")):
        period = state_at(["pamirs"], atlas.periods, date(year, 12, 31))["pamirs"]
        assert claimant in period.claimants


def test_western_units_are_named_in_three_languages(atlas):
    for unit in WEST:
        u = atlas.unit(unit)
        assert u.name_en and u.name_ru and u.name_zh


@pytest.mark.parametrize(
    ("unit", "point"),
    [
        ("tarbagatai_cession", (84.0, 48.0)),  # Lake Zaysan
        ("tarbagatai_cession", (81.7, 46.1)),  # Lake Alakol
        ("tarbagatai_cession", (76.9, 43.25)),  # Almaty (Verny)
        ("issyk_kul", (77.3, 42.45)),  # Issyk-Kul
        ("ili", (81.32, 43.92)),  # Yining (Kulja)
        ("ili_west", (80.0, 44.2)),  # Zharkent, west of the Khorgos
        ("pamirs", (73.97, 38.17)),  # Murghab
        ("dzungaria", (75.99, 39.47)),  # Kashgar
    ],
)
def test_places_lie_in_their_units(atlas, unit, point):
    assert atlas.unit(unit).geometry.contains(Point(point))


def test_balkhash_south_shore_is_in_the_cession_and_its_north_shore_is_not(atlas):
    cession = atlas.unit("tarbagatai_cession").geometry
    assert cession.contains(Point(77.7, 46.4)) and not cession.contains(Point(77.7, 46.63))


def test_the_ili_river_crosses_from_the_ili_unit_into_the_western_ili(atlas):
    import json

    from geo.config import BASE_DIR

    rivers = json.loads((BASE_DIR / "rivers.geojson").read_text())
    ili = next(shape(f["geometry"]) for f in rivers["features"] if f["id"] == "ili")
    for unit in ("ili", "ili_west", "tarbagatai_cession"):
        assert ili.intersects(atlas.unit(unit).geometry), unit
    assert shapely.length(ili) > 5
