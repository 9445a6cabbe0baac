"""Tests for geo.places: the loader's validation, the era logic and the real data file."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

import pytest

from geo.errors import DataError
from geo.places import (
    PLACES_PATH,
    Place,
    PlaceName,
    exists_at,
    load_places,
    name_at,
    places_at,
)

WINDOW = (66.0, 36.0, 146.0, 60.5)  # west, south, east, north: the atlas window
REQUIRED = {
    "nerchinsk",
    "albazin",
    "aigun",
    "blagoveshchensk",
    "khabarovsk",
    "vladivostok",
    "harbin",
    "urga",
    "kyakhta",
    "beijing",
    "zhenbao",
}


def _feature(place_id: str = "fort_a", **overrides: object) -> dict:
    props = {
        "id": place_id,
        "kind": "fort",
        "founded": "1651-01-01",
        "abandoned": "1689-09-06",
        "names": [
            {"start": None, "end": "1700-01-01", "en": "Old", "ru": "Старый", "zh": "旧"},
            {"start": "1700-01-01", "end": None, "en": "New", "ru": "Новый", "zh": "新"},
        ],
        "source": "test",
        "note": None,
    }
    props.update(overrides)
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [124.0, 53.0]},
        "properties": props,
    }


META = {"source": "hand-made", "license": "CC0-1.0", "note": "for the tests"}


def _write(tmp_path: Path, features: list, **top: object) -> Path:
    doc = {"type": "FeatureCollection", **META, "features": features, **top}
    path = tmp_path / "places.geojson"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def _name(start: date | None, end: date | None, en: str) -> PlaceName:
    return PlaceName(start, end, en, en, en, None)


def _place(
    names: tuple[PlaceName, ...],
    founded: date | None = None,
    abandoned: date | None = None,
) -> Place:
    return Place("p", "town", 120.0, 50.0, founded, abandoned, names, "test", None)


# ---------------------------------------------------------------- loader


def test_load_minimal_file(tmp_path: Path) -> None:
    (place,) = load_places(_write(tmp_path, [_feature()]))
    assert place.id == "fort_a"
    assert (place.lon, place.lat) == (124.0, 53.0)
    assert place.founded == date(1651, 1, 1)
    assert place.abandoned == date(1689, 9, 6)
    assert [n.en for n in place.names] == ["Old", "New"]
    assert place.names[1].start == date(1700, 1, 1)


def test_accepts_single_open_period(tmp_path: Path) -> None:
    names = [{"start": None, "end": None, "en": "A", "ru": "А", "zh": "甲", "note": "x"}]
    (place,) = load_places(_write(tmp_path, [_feature(names=names)]))
    assert place.names[0].note == "x"


DELETE = object()  # marks a key to remove rather than set


def _broken(feature: dict, path: list, value: object) -> dict:
    out = copy.deepcopy(feature)
    target = out
    for key in path[:-1]:
        target = target[key]
    if value is DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return out


@pytest.mark.parametrize(
    ("path", "value", "reason"),
    [
        (["geometry", "type"], "LineString", "geometry.type: 'LineString' is not 'Point'"),
        (["geometry", "coordinates"], [200.0, 53.0], "longitude"),
        (["geometry", "coordinates"], [124.0, -91.0], "latitude"),
        (["geometry", "coordinates"], ["124", 53.0], "coordinates"),
        (["geometry", "coordinates"], [True, 53.0], "coordinates"),
        (["properties", "names"], [], "properties.names: has 0 items"),
        (["properties", "names"], DELETE, "properties: missing 'names'"),
        (["properties", "founded"], "1651", "ISO date"),
        (["properties", "founded"], "16510101", "ISO date"),
        (["properties", "abandoned"], "1689-02-30", "does not exist"),
        (["properties", "abandoned"], "1600-01-01", "not after founded"),
        (["properties", "names", 1, "start"], "1701-01-01", "gap"),
        (["properties", "names", 1, "start"], "1699-01-01", "overlap"),
        (["properties", "names", 0, "end"], None, "overlap"),
        (["properties", "names", 1, "start"], None, "overlap"),
        (["properties", "names", 1, "end"], "1650-01-01", "not after start"),
        (["properties", "names", 0, "zh"], "", "names[0].zh: '' is not a non-blank string"),
        (["properties", "names", 1, "start"], "1700-1-1", "ISO date"),
        (["properties", "kind"], "city", "kind"),
        (["properties", "id"], "Fort A", "snake_case"),
        (["properties", "source"], DELETE, "source"),
    ],
)
def test_malformed_feature_names_file_and_feature(
    tmp_path: Path, path: list, value: object, reason: str
) -> None:
    good = _feature("good_one")
    bad = _broken(_feature("fort_a"), path, value)
    file = _write(tmp_path, [good, bad])
    with pytest.raises(DataError) as info:
        load_places(file)
    err = info.value
    assert err.file == str(file)
    assert err.feature.startswith("feature 1")
    assert reason in err.reason
    assert str(file) in str(err) and "feature 1" in str(err)


def test_feature_label_carries_id(tmp_path: Path) -> None:
    bad = _broken(_feature("fort_a"), ["geometry", "type"], "Polygon")
    with pytest.raises(DataError) as info:
        load_places(_write(tmp_path, [bad]))
    assert info.value.feature == "feature 0 (fort_a)"


def test_duplicate_id(tmp_path: Path) -> None:
    file = _write(tmp_path, [_feature("twin"), _feature("twin")])
    with pytest.raises(DataError, match="duplicate id 'twin'") as info:
        load_places(file)
    assert info.value.feature == "feature 1 (twin)"


@pytest.mark.parametrize(
    "doc",
    [
        {"type": "Feature", "features": []},
        {"type": "FeatureCollection"},
        [1, 2, 3],
    ],
)
def test_not_a_feature_collection(tmp_path: Path, doc: object) -> None:
    path = tmp_path / "x.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_places(path)
    assert info.value.file == str(path)


def test_not_json(tmp_path: Path) -> None:
    path = tmp_path / "x.geojson"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(DataError, match="x.geojson: file: not valid JSON"):
        load_places(path)


def test_feature_that_is_not_a_feature(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="missing 'properties', 'geometry'") as info:
        load_places(_write(tmp_path, [_feature(), {"type": "Point"}]))
    assert info.value.feature == "feature 1"


# ---------------------------------------------------------------- era logic


def test_name_at_boundaries_are_half_open() -> None:
    a, b, c = date(1858, 5, 31), date(1893, 1, 1), date(1900, 1, 1)
    place = _place((_name(a, b, "one"), _name(b, c, "two")))
    assert name_at(place, date(1700, 1, 1)).en == "one"  # before the first start
    assert name_at(place, a).en == "one"
    assert name_at(place, date(1892, 12, 31)).en == "one"
    assert name_at(place, b).en == "two"
    assert name_at(place, c).en == "two"  # after the last end
    assert name_at(place, date(2100, 1, 1)).en == "two"


def test_exists_at_bounds() -> None:
    names = (_name(None, None, "x"),)
    assert exists_at(_place(names), date(1, 1, 1))
    fort = _place(names, founded=date(1651, 1, 1), abandoned=date(1689, 9, 6))
    assert not exists_at(fort, date(1650, 12, 31))
    assert exists_at(fort, date(1651, 1, 1))
    assert exists_at(fort, date(1689, 9, 5))
    assert not exists_at(fort, date(1689, 9, 6))
    assert exists_at(_place(names, abandoned=date(1689, 9, 6)), date(1000, 1, 1))


def test_places_at_filters_and_keeps_order() -> None:
    early = Place("early", "fort", 1.0, 1.0, None, date(1700, 1, 1), (_name(None, None, "E"),), "s")
    late = Place("late", "town", 2.0, 2.0, date(1800, 1, 1), None, (_name(None, None, "L"),), "s")
    assert [p.id for p, _ in places_at([early, late], date(1650, 1, 1))] == ["early"]
    assert places_at([early, late], date(1750, 1, 1)) == ()
    assert [(p.id, n.en) for p, n in places_at((late, early), date(1900, 1, 1))] == [("late", "L")]


# ---------------------------------------------------------------- real data


@pytest.fixture(scope="module")
def places() -> dict[str, Place]:
    """The places of the real data file, by id."""
    return {p.id: p for p in load_places(PLACES_PATH)}


def test_real_file_metadata() -> None:
    doc = json.loads(PLACES_PATH.read_text(encoding="utf-8"))
    for key in ("source", "license", "note", "interval_rule"):
        assert isinstance(doc.get(key), str) and doc[key].strip(), key
    assert "CC0" in doc["license"]
    assert "[start, end)" in doc["interval_rule"]


def test_required_places_present(places: dict[str, Place]) -> None:
    missing = REQUIRED - set(places)
    assert not missing, missing


def test_every_point_inside_window(places: dict[str, Place]) -> None:
    assert places
    west, south, east, north = WINDOW
    for place in places.values():
        assert west <= place.lon <= east and south <= place.lat <= north, place.id


def test_every_place_has_source_and_note(places: dict[str, Place]) -> None:
    assert places
    for place in places.values():
        assert place.source.strip(), place.id
        assert place.note and place.note.strip(), place.id


@pytest.mark.parametrize(
    ("place_id", "on", "en", "zh"),
    [
        ("vladivostok", date(1860, 7, 1), "Haishenwai", "海参崴"),
        ("vladivostok", date(1860, 7, 2), "Vladivostok", "海参崴"),
        ("urga", date(1900, 1, 1), "Urga", "库伦"),
        ("urga", date(1950, 1, 1), "Ulaanbaatar", "乌兰巴托"),
        ("beijing", date(1900, 1, 1), "Peking", "北京"),
        ("beijing", date(1935, 1, 1), "Beiping", "北平"),
        ("beijing", date(1955, 1, 1), "Beijing", "北京"),
        ("khabarovsk", date(1850, 1, 1), "Boli", "伯力"),
        ("khabarovsk", date(1880, 1, 1), "Khabarovka", "伯力"),
        ("khabarovsk", date(1900, 1, 1), "Khabarovsk", "伯力"),
        ("blagoveshchensk", date(1850, 1, 1), "Hailanpao", "海兰泡"),
        ("blagoveshchensk", date(1860, 1, 1), "Blagoveshchensk", "海兰泡"),
        ("harbin", date(1930, 1, 1), "Harbin", "哈尔滨"),
        ("albazin", date(1680, 1, 1), "Albazin", "雅克萨"),
        ("nerchinsk", date(1689, 9, 6), "Nerchinsk", "尼布楚"),
        ("aigun", date(1858, 5, 28), "Aigun", "瑷珲"),
        ("kyakhta", date(1727, 11, 1), "Kyakhta", "恰克图"),
    ],
)
def test_names_follow_the_era(
    places: dict[str, Place], place_id: str, on: date, en: str, zh: str
) -> None:
    name = name_at(places[place_id], on)
    assert (name.en, name.zh) == (en, zh)


@pytest.mark.parametrize(
    ("place_id", "on", "ru"),
    [
        ("khabarovsk", date(1880, 1, 1), "Хабаровка"),
        ("khabarovsk", date(1900, 1, 1), "Хабаровск"),
        ("blagoveshchensk", date(1857, 1, 1), "Усть-Зейский пост"),
        ("blagoveshchensk", date(1860, 1, 1), "Благовещенск"),
        ("urga", date(1950, 1, 1), "Улан-Батор"),
    ],
)
def test_russian_names_follow_the_era(
    places: dict[str, Place], place_id: str, on: date, ru: str
) -> None:
    assert name_at(places[place_id], on).ru == ru


def test_founding_dates(places: dict[str, Place]) -> None:
    assert places["vladivostok"].founded == date(1860, 7, 2)
    assert places["khabarovsk"].founded == date(1858, 5, 31)
    assert places["blagoveshchensk"].founded.year == 1856
    assert places["harbin"].founded.year == 1898
    assert places["albazin"].founded.year == 1651


def test_albazin_gone_by_1700(places: dict[str, Place]) -> None:
    albazin = places["albazin"]
    assert exists_at(albazin, date(1685, 1, 1))
    assert not exists_at(albazin, date(1700, 1, 1))
    assert "albazin" not in {p.id for p, _ in places_at(places.values(), date(1700, 1, 1))}


def test_markers_appear_with_their_towns(places: dict[str, Place]) -> None:
    at_nerchinsk_treaty = {p.id for p, _ in places_at(places.values(), date(1689, 9, 5))}
    assert {"nerchinsk", "albazin", "aigun", "urga", "beijing"} <= at_nerchinsk_treaty
    assert not {"harbin", "kyakhta"} & at_nerchinsk_treaty
    # sites known by a Chinese name before the Russian posts are shown under it
    at_1689 = {p.id: n.en for p, n in places_at(places.values(), date(1689, 9, 5))}
    assert (at_1689["vladivostok"], at_1689["khabarovsk"]) == ("Haishenwai", "Boli")
    assert at_1689["blagoveshchensk"] == "Hailanpao"
    at_peking = {p.id: n.en for p, n in places_at(places.values(), date(1860, 11, 14))}
    assert at_peking["vladivostok"] == "Vladivostok"
    assert at_peking["khabarovsk"] == "Khabarovka"
    assert "harbin" not in at_peking


def test_zhenbao_site(places: dict[str, Place]) -> None:
    zhenbao = places["zhenbao"]
    assert zhenbao.kind == "site"
    assert abs(zhenbao.lat - 46.486) <= 0.05
    assert abs(zhenbao.lon - 133.844) <= 0.05
    name = name_at(zhenbao, date(1969, 3, 2))
    assert "珍宝" in name.zh and "Даманский" in name.ru


def test_kinds(places: dict[str, Place]) -> None:
    assert places["albazin"].kind == "fort"
    assert places["beijing"].kind == places["urga"].kind == "capital"
