"""Tests for geo.assets (the static files the map loads) and geo.sources (the data catalogue)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import DATA

from geo.assets import BASE_FILES, WEB_DIR, WEB_FILES, install_static, leaflet_dir
from geo.sources import FileSource, catalogue

LEAFLET_IMAGES = sorted(
    p.relative_to(leaflet_dir() / "images").as_posix()
    for p in (leaflet_dir() / "images").rglob("*")
    if p.is_file()
)


@pytest.fixture
def base(tmp_path) -> Path:
    """A copy of data/base that the test may change."""
    out = tmp_path / "base"
    out.mkdir()
    for name in BASE_FILES:
        shutil.copy2(DATA / "base" / name, out / name)
    return out


def _tree(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def test_leaflet_package_is_installed():
    assert (leaflet_dir() / "leaflet.js").is_file()
    assert (leaflet_dir() / "leaflet.css").is_file()
    assert "marker-icon.png" in LEAFLET_IMAGES


def test_install_static_copies_leaflet_and_base_layers(tmp_path, base):
    assert BASE_FILES and WEB_FILES
    static = tmp_path / "static"
    written = install_static(static, base)
    expected = (
        {"leaflet/leaflet.js", "leaflet/leaflet.css"}
        | {f"leaflet/images/{name}" for name in LEAFLET_IMAGES}
        | {f"base/{name}" for name in BASE_FILES}
        | {f"atlas/{name}" for name in WEB_FILES}
    )
    assert _tree(static) == expected
    assert {p.relative_to(static).as_posix() for p in written} == expected
    assert len(written) == len(expected)
    for rel in ("leaflet/leaflet.js", "leaflet/leaflet.css", "leaflet/images/marker-icon.png"):
        src = leaflet_dir() / rel.removeprefix("leaflet/")
        assert (static / rel).read_bytes() == src.read_bytes(), rel
    for name in BASE_FILES:
        assert (static / "base" / name).read_bytes() == (base / name).read_bytes()
        assert json.loads((static / "base" / name).read_text())["type"] == "FeatureCollection"
    for name in WEB_FILES:
        assert (static / "atlas" / name).read_bytes() == (WEB_DIR / name).read_bytes()


def test_install_static_is_idempotent(tmp_path, base):
    static = tmp_path / "static"
    assert install_static(static, base)
    before = {p: p.stat().st_mtime_ns for p in static.rglob("*") if p.is_file()}
    assert install_static(static, base) == []
    assert {p: p.stat().st_mtime_ns for p in static.rglob("*") if p.is_file()} == before


def test_install_static_recopies_a_changed_source(tmp_path, base):
    static = tmp_path / "static"
    install_static(static, base)
    lakes = base / "lakes.geojson"
    doc = json.loads(lakes.read_text())
    doc["features"] = doc["features"][:1]
    lakes.write_text(json.dumps(doc))
    later = lakes.stat().st_mtime + 5
    os.utime(lakes, (later, later))
    assert install_static(static, base) == [static / "base" / "lakes.geojson"]
    assert (static / "base" / "lakes.geojson").read_bytes() == lakes.read_bytes()
    assert install_static(static, base) == []


def test_install_static_recopies_a_same_size_source_that_is_newer(tmp_path, base):
    static = tmp_path / "static"
    install_static(static, base)
    rivers = base / "rivers.geojson"
    text = rivers.read_text()
    rivers.write_text(text.replace('"type"', '"TYPE"', 1))
    assert len(rivers.read_text()) == len(text)
    later = (static / "base" / "rivers.geojson").stat().st_mtime + 5
    os.utime(rivers, (later, later))
    assert install_static(static, base) == [static / "base" / "rivers.geojson"]
    assert (static / "base" / "rivers.geojson").read_text() == rivers.read_text()


def test_install_static_replaces_a_damaged_copy(tmp_path, base):
    static = tmp_path / "static"
    install_static(static, base)
    copied = static / "leaflet" / "leaflet.js"
    copied.write_text("truncated")
    assert install_static(static, base) == [copied]
    assert copied.read_bytes() == (leaflet_dir() / "leaflet.js").read_bytes()


def test_install_static_without_base_layers(tmp_path):
    static = tmp_path / "static"
    written = install_static(static, tmp_path / "no-base")
    assert written
    assert (static / "leaflet" / "leaflet.js").is_file()
    assert not (static / "base").exists()
    assert all("base" not in p.relative_to(static).parts for p in written)


# ------------------------------------------------------------------ sources


def _data_files(folder: Path) -> list[str]:
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.suffix in (".json", ".geojson", ".csv") and not p.name.endswith(".meta.json")
    )


def test_catalogue_lists_every_data_file_with_source_and_licence():
    entries = catalogue(DATA)
    assert [e.file for e in entries] == _data_files(DATA)
    for name in ("periods.csv", "territories.geojson", "base/land.geojson", "areas.json"):
        assert name in [e.file for e in entries]
    for e in entries:
        assert e.source.strip(), e.file
        assert e.license.strip(), e.file


def test_catalogue_csv_metadata_comes_from_the_sidecar(tmp_path):
    (tmp_path / "t.csv").write_text("a,b\n1,2\n")
    (tmp_path / "t.meta.json").write_text(
        json.dumps({"source": {"a": "S1", "b": "S2"}, "license": "L", "note": "N"})
    )
    (tmp_path / "orphan.csv").write_text("a\n1\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "x.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": [], "source": "G", "license": "GL"})
    )
    (tmp_path / "broken.json").write_text("{")
    (tmp_path / "readme.txt").write_text("not data")
    assert catalogue(tmp_path) == [
        FileSource("broken.json", "", "", ""),
        FileSource("orphan.csv", "", "", ""),
        FileSource("sub/x.geojson", "G", "GL", ""),
        FileSource("t.csv", "S1; S2", "L", "N"),
    ]
