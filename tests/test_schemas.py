"""The JSON Schemas of the data files, and what the loaders make of broken files.

Every broken file is made in a copy of ``data/`` and read the way the atlas
reads it; the error must be a :class:`DataError` that names the file, the
feature and the reason, never a traceback from deeper down.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from geo.areas import load_figures
from geo.atlas import load_atlas
from geo.dataio import SCHEMA_OF, check_shape, read_json, shape_errors
from geo.errors import DataError
from geo.validate import validate

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SCHEMA_DIR = resources.files("geo") / "schemas"
META_KEYS = ["source", "license", "note"]
# JSON files in data/ that nothing reads at run time, so no schema holds them
BUILD_ONLY = {"construction.json": "read by python -m geo build-territories only"}
# the CSV sidecars: nothing at run time reads them, python -m geo validate does
SIDECARS = ("periods.meta.json", "events.meta.json")


def _raw(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def _schema_files() -> list[str]:
    return sorted(e.name for e in SCHEMA_DIR.iterdir() if e.name.endswith(".schema.json"))


# ------------------------------------------------------------------ the schemas


def test_every_json_data_file_has_a_schema():
    names = {p.name for ext in ("*.json", "*.geojson") for p in DATA.glob(ext)}
    assert names - set(BUILD_ONLY) == set(SCHEMA_OF)


@pytest.mark.parametrize("name", _schema_files())
def test_schema_is_valid_draft_2020_12(name):
    schema = json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"urn:geo:schema:{name.removesuffix('.schema.json')}"


@pytest.mark.parametrize("schema", sorted(set(SCHEMA_OF.values())))
def test_every_file_schema_requires_provenance(schema):
    doc = json.loads((SCHEMA_DIR / f"{schema}.schema.json").read_text(encoding="utf-8"))
    assert doc["type"] == "object"
    assert set(META_KEYS) <= set(doc["required"])


@pytest.mark.parametrize("name", sorted(SCHEMA_OF))
def test_committed_file_passes_its_schema(name):
    path = DATA / name
    assert shape_errors(path, read_json(path), SCHEMA_OF[name]) == []


def test_an_unknown_schema_is_a_programming_error():
    with pytest.raises(ValueError, match="no schema 'nowhere'"):
        check_shape("x.json", {}, "nowhere")


# ------------------------------------------------------------------ broken copies of data/


def _load(data: Path, name: str) -> None:
    """Read ``data/`` as the atlas does, and ``name`` with it."""
    if name in SIDECARS:
        path = data / name
        check_shape(path, read_json(path), SCHEMA_OF[name])
        return
    atlas = load_atlas(data)
    load_figures(data / "areas.json", atlas.unit_ids)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    return copy


def _edit(doc: Any, path: list, value: object) -> None:
    target = doc
    for step in path[:-1]:
        target = target[step]
    if value is DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value


DELETE = object()  # marks a key to remove rather than set


def _label(name: str, collection: str, index: int) -> str:
    item = _raw(name)[collection][index]
    if collection == "features":
        return f"feature {index} ({item.get('id') or item['properties']['id']})"
    if collection == "sections":
        return f"section {item['id']!r}"
    return f"{collection}[{index}] ({item['id']})"


# file -> (the item, or None for the top level; a key to drop; a key to mistype, with its value)
ITEM_EDITS: dict[str, tuple[tuple[str, int] | None, list, list, object]] = {
    "territories.geojson": (
        ("features", 2),
        ["properties", "name_ru"],
        ["properties", "name_en"],
        3,
    ),
    "units.json": (("groups", 1), ["name_zh"], ["units"], "amur_left_bank"),
    "sections.json": (("sections", 2), ["spans"], ["level"], "2"),
    "places.geojson": (("features", 1), ["properties", "kind"], ["geometry", "coordinates"], "1,2"),
    "treaty_lines.json": (("certainties", 0), ["color"], ["weight"], "3"),
    "treaty_lines.geojson": (
        ("features", 4),
        ["properties", "certainty"],
        ["properties", "edge"],
        "a",
    ),
    "areas.json": (("figures", 2), ["tolerance"], ["low"], "600000"),
    "corrections.json": (("corrections", 1), ["quote"], ["source"], 7),
    "holders.meta.json": (("sides", 1), ["color"], ["name_en"], ["Russia"]),
    "periods.meta.json": (None, ["note"], ["license"], 0),
    "events.meta.json": (None, ["source"], ["note"], {"text": "x"}),
}
assert set(ITEM_EDITS) == set(SCHEMA_OF)


def _write_doc(path: Path, doc: object) -> None:
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def _drop_license(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    del doc["license"]
    _write_doc(path, doc)


def _edit_item(name: str, which: int) -> Callable[[Path], None]:
    item, drop, retype, value = ITEM_EDITS[name]

    def mutate(path: Path) -> None:
        doc = json.loads(path.read_text(encoding="utf-8"))
        target = doc if item is None else doc[item[0]][item[1]]
        if which == 0:
            _edit(target, drop, DELETE)
        else:
            _edit(target, retype, value)
        _write_doc(path, doc)

    return mutate


def _bad_utf8(path: Path) -> None:
    raw = path.read_bytes()
    middle = len(raw) // 2
    path.write_bytes(raw[:middle] + b"\xff\xfe" + raw[middle:])


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _first_half(path: Path) -> None:
    raw = path.read_bytes()
    cut = len(raw) // 2
    # back to the start of a character, so the cut shows as cut JSON, not as bad UTF-8
    while raw[cut] & 0xC0 == 0x80:
        cut -= 1
    path.write_bytes(raw[:cut])


# mutation -> (how, the feature the error must name, a fragment of its reason);
# a feature of None is that of the edited item (see _expected)
MUTATIONS: dict[str, tuple[Callable[[str], Callable[[Path], None]], str | None, str]] = {
    "top-level-list": (lambda name: lambda p: _write_doc(p, []), "file", "[] is not an object"),
    "no-license": (lambda name: _drop_license, "file", "missing 'license'"),
    "item-key-removed": (lambda name: _edit_item(name, 0), None, "missing "),
    "item-wrong-type": (lambda name: _edit_item(name, 1), None, " is not "),
    "bad-utf8": (lambda name: _bad_utf8, "file", "not valid UTF-8: byte 0xff"),
    "empty": (lambda name: _empty, "file", "empty file"),
    "first-half": (lambda name: _first_half, "file", "not valid JSON"),
}


def _expected(name: str, mutation: str) -> tuple[str, str]:
    _, feature, reason = MUTATIONS[mutation]
    if feature is not None:
        return feature, reason
    item, drop, retype, _ = ITEM_EDITS[name]
    key = drop if mutation == "item-key-removed" else retype
    if item is None:
        # a key of the top level: a missing one is missing from the file
        return ("file" if mutation == "item-key-removed" else key[-1]), reason
    return _label(name, *item), reason


@pytest.mark.parametrize("mutation", list(MUTATIONS))
@pytest.mark.parametrize("name", sorted(SCHEMA_OF))
def test_broken_json_file_gives_a_data_error_naming_it(data, name, mutation):
    path = data / name
    MUTATIONS[mutation][0](name)(path)
    with pytest.raises(DataError) as info:
        _load(data, name)
    err = info.value
    feature, reason = _expected(name, mutation)
    assert err.file == str(path)
    assert err.feature == feature, str(err)
    assert reason in err.reason, str(err)
    assert str(err).startswith(f"{path}: {feature}: ")
    assert "Traceback" not in str(err) and "\n" not in str(err)


@pytest.mark.parametrize("name", sorted(n for n, (item, *_) in ITEM_EDITS.items() if item))
def test_item_error_names_the_item_id_and_the_key(data, name):
    item, drop, retype, value = ITEM_EDITS[name]
    _edit_item(name, 1)(data / name)
    with pytest.raises(DataError) as info:
        _load(data, name)
    ident = _raw(name)[item[0]][item[1]]
    ident = ident.get("id") or ident["properties"]["id"]
    assert f"{ident}" in info.value.feature
    # the key inside the item, as a JSON path, then what is wrong with it
    assert info.value.reason.startswith(".".join(retype) + ": ")


def test_a_feature_error_is_reported_with_the_feature_id(data):
    path = data / "places.geojson"
    doc = _raw("places.geojson")
    index = next(i for i, f in enumerate(doc["features"]) if f["properties"]["id"] == "albazin")
    doc["features"][index]["properties"]["kind"] = "city"
    _write_doc(path, doc)
    with pytest.raises(DataError) as info:
        load_atlas(data)
    assert str(info.value) == (
        f"{path}: feature {index} (albazin): properties.kind: 'city' is not a kind of place: "
        "'capital', 'fort', 'site' or 'town'"
    )


@pytest.mark.parametrize("name", ["periods.csv", "events.csv", "holders.csv"])
@pytest.mark.parametrize("mutation", ["bad-utf8", "empty"])
def test_broken_csv_file_gives_a_data_error_naming_it(data, name, mutation):
    path = data / name
    (_bad_utf8 if mutation == "bad-utf8" else _empty)(path)
    with pytest.raises(DataError) as info:
        load_atlas(data)
    assert info.value.file == str(path)
    assert str(info.value).startswith(f"{path}: ")
    if mutation == "bad-utf8":
        assert "UTF-8" in info.value.reason


# ------------------------------------------------------------------ read_json


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"low": NaN}', "not valid JSON: NaN is not a JSON number"),
        ('{"low": -Infinity}', "not valid JSON: -Infinity is not a JSON number"),
        ('{"note": "a", "note": "b"}', "not valid JSON: key 'note' appears twice in one object"),
        (" \n\t", "empty file"),
        ('{"note": [1, 2', "(the file ends too early)"),
        ('{"note": 1} x', "Extra data (line 1, column 13)"),
    ],
)
def test_read_json_rejects_what_json_does_not_allow(tmp_path, text, reason):
    path = tmp_path / "x.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_json(path)
    assert (info.value.file, info.value.feature) == (str(path), "file")
    assert reason in info.value.reason


# ------------------------------------------------------------------ messages


def test_the_cause_comes_before_what_follows_from_it():
    # a Point given for a polygon also has coordinates of the wrong depth
    doc = _raw("territories.geojson")
    doc["features"][0]["geometry"] = {"type": "Point", "coordinates": [120.0, 50.0]}
    errors = shape_errors("t.geojson", doc, "territories")
    assert errors[0].reason == "geometry.type: 'Point' is not 'Polygon' or 'MultiPolygon'"


def test_missing_keys_of_one_object_come_as_one_error():
    doc = _raw("areas.json")
    for key in ("label", "published"):
        del doc["figures"][0][key]
    (error,) = shape_errors("areas.json", doc, "areas")
    assert error.reason == "missing 'label', 'published'"


def test_a_long_value_is_cut_short():
    doc = _raw("units.json")
    doc["groups"][0]["units"] = {"name": "x" * 500}
    (error,) = shape_errors("units.json", doc, "units")
    assert len(error.reason) < 100 and error.reason.endswith("… is not a list")


def test_validate_lists_every_shape_error_once(data):
    path = data / "territories.geojson"
    doc = _raw("territories.geojson")
    del doc["features"][0]["properties"]["name_ru"]
    doc["features"][5]["geometry"]["type"] = "LineString"
    _write_doc(path, doc)
    meta = data / "periods.meta.json"
    _write_doc(meta, {"source": "s", "license": "l"})
    report = validate(data, last_year=2026)
    listed = [str(p) for p in report.problems]
    assert listed == [
        f"{meta}: file: missing 'note'",
        f"{path}: {_label('territories.geojson', 'features', 0)}: properties: missing 'name_ru'",
        f"{path}: {_label('territories.geojson', 'features', 5)}: "
        "geometry.type: 'LineString' is not 'Polygon' or 'MultiPolygon'",
    ]
