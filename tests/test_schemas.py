"""The JSON Schemas of the data files, and the messages their errors give.

Every way of breaking every data file, and what the checks make of it, is in
``tests/test_mutations.py``; here are the schemas themselves, :func:`read_json`
and the wording of shape errors.
"""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from geo.atlas import load_atlas
from geo.dataio import SCHEMA_OF, check_shape, read_json, shape_errors
from geo.errors import DataError
from geo.validate import validate

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SCHEMA_DIR = resources.files("geo") / "schemas"
META_KEYS = ["source", "license", "note"]


def _raw(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def _schema_files() -> list[str]:
    return sorted(e.name for e in SCHEMA_DIR.iterdir() if e.name.endswith(".schema.json"))


# ------------------------------------------------------------------ the schemas


def test_every_json_data_file_has_a_schema():
    # base/ and the inputs of the builds included: python -m geo validate reads them all
    names = {
        p.relative_to(DATA).as_posix() for ext in ("*.json", "*.geojson") for p in DATA.rglob(ext)
    }
    assert names == set(SCHEMA_OF)


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


# ------------------------------------------------------------------ a broken copy of data/


@pytest.fixture
def data(tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    return copy


def _label(name: str, collection: str, index: int) -> str:
    item = _raw(name)[collection][index]
    if collection == "features":
        return f"feature {index} ({item.get('id') or item['properties']['id']})"
    if collection == "sections":
        return f"section {item['id']!r}"
    return f"{collection}[{index}] ({item['id']})"


def _write_doc(path: Path, doc: object) -> None:
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


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
