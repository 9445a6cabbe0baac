"""AppTest tests of the Data page (pages/data.py), and of the table and file functions it shows.

The page lists the territories and periods, offers the data as files (a
year's once asked for), names the source and licence of every data file, runs the checks of
``python -m geo validate``, says how to cite the atlas and how to embed it.
The download buttons hand their files to Streamlit's media file manager; a
spy keeps them, so that the tests open the real files.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import date
from pathlib import Path

import pyogrio
import pytest
from conftest import run, table_under, unescape
from streamlit.runtime.media_file_manager import MediaFileManager

from geo import tables
from geo.atlas import Atlas
from geo.validate import Problem, Report

PAGE = "pages/data.py"
FORMATS = ("geojson", "gpkg", "csv")


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple]:
    """Every download the page sends: file name -> (a maker of its bytes, MIME type)."""
    made: dict[str, tuple] = {}
    real = MediaFileManager.add

    def spy(self, data, mimetype, coordinates, file_name=None, *args, **kwargs):
        if file_name is not None:
            made[file_name] = (lambda: data, mimetype)
        return real(self, data, mimetype, coordinates, file_name, *args, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add", spy)
    return made


@pytest.fixture
def page(load_page, downloads):
    """The Data page, run once with the year's files prepared, with its downloads kept."""
    at = run(load_page(PAGE))
    at.button(key="prepare_situation").click()
    return run(at)


def _gpkg_layers(data: bytes, tmp_path: Path) -> dict[str, int]:
    path = tmp_path / "file.gpkg"
    path.write_bytes(data)
    return {
        name: len(pyogrio.read_dataframe(path, layer=name)) for name, _ in pyogrio.list_layers(path)
    }


# ------------------------------------------------------------------ the page


def test_territories_table_lists_every_unit_and_group_with_three_names(page, atlas: Atlas):
    table = table_under(page, "Territories")
    assert list(table.columns) == [
        "Id",
        "Kind",
        "Name",
        "Russian",
        "Chinese",
        "Area (km²)",
        "Held by",
    ]
    assert list(table["Id"]) == [u.id for u in atlas.units] + [g.id for g in atlas.groups]
    row = table.set_index("Id").loc["outer_manchuria"]
    assert (row["Kind"], row["Name"], row["Russian"], row["Chinese"]) == (
        "group",
        "Outer Manchuria",
        atlas.groups[0].name_ru,
        atlas.groups[0].name_zh,
    )
    assert row["Held by"] == "Russian Federation"
    assert table.set_index("Id").loc["primorye", "Area (km²)"] == round(atlas.areas["primorye"])


def test_periods_table_lists_every_period_with_its_source(page, atlas: Atlas):
    table = table_under(page, "Periods of control")
    assert len(table) == len(atlas.periods)
    assert table["Source"].str.len().min() > 0
    assert {"Territory", "From", "Until", "Held by", "Sovereign", "Status"} <= set(table.columns)


def test_every_download_has_a_button_by_key(page):
    keys = {b.key for b in page.get("download_button")}
    assert keys == {f"download_{w}_{f}" for w in ("all", "situation") for f in FORMATS}
    labels = {b.proto.label for b in page.get("download_button")}
    assert {"All data (GeoPackage)", "Situation in 1860 (CSV)"} <= labels


def test_the_full_data_downloads_are_real_files(page, downloads, atlas: Atlas, tmp_path: Path):
    make, mime = downloads["sino-russian-border-atlas-all.geojson"]
    assert mime == "application/geo+json"
    doc = json.loads(make())
    assert [f["id"] for f in doc["features"]] == list(atlas.unit_ids)
    assert sum(len(f["properties"]["periods"]) for f in doc["features"]) == len(atlas.periods)
    make, _ = downloads["sino-russian-border-atlas-all.gpkg"]
    assert _gpkg_layers(make(), tmp_path) == {
        "units": len(atlas.units),
        "periods": len(atlas.periods),
    }
    make, mime = downloads["sino-russian-border-atlas-all.csv"]
    rows = list(csv.DictReader(io.StringIO(make().decode("utf-8-sig"))))
    assert mime == "text/csv" and len(rows) == len(atlas.periods)
    assert rows[0]["unit"] == atlas.units[0].id and rows[0]["name_zh"] == atlas.units[0].name_zh


def test_the_situation_downloads_follow_the_year(page, downloads, atlas: Atlas, tmp_path: Path):
    page.slider(key="data_year").set_value(1905)
    run(page)
    # another year: its files are not made until they are asked for
    assert {b.key for b in page.get("download_button")} == {f"download_all_{f}" for f in FORMATS}
    assert not any("situation-1905" in name for name in downloads)
    page.button(key="prepare_situation").click()
    run(page)
    make, _ = downloads["sino-russian-border-atlas-situation-1905.geojson"]
    assert json.loads(make())["date"] == "1905-12-31"
    make, _ = downloads["sino-russian-border-atlas-situation-1905.gpkg"]
    assert _gpkg_layers(make(), tmp_path) == {"situation_1905": len(atlas.units)}
    make, _ = downloads["sino-russian-border-atlas-situation-1905.csv"]
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(make().decode("utf-8-sig")))}
    assert rows["kwantung"]["holder"] == "Empire of Japan / Japan"
    assert "Situation in 1905 (GeoJSON)" in {b.proto.label for b in page.get("download_button")}


def test_every_data_file_names_its_source_and_licence(page):
    text = unescape(" ".join(m.value for m in page.markdown))
    assert "CC BY-SA 3.0 / GFDL" in text
    table = table_under(page, "Data files")
    files = set(table["File"])
    assert {"periods.csv", "territories.geojson", "sections.json", "base/rivers.geojson"} <= files
    assert table["Licence"].str.len().min() > 0
    assert "Matplotlib" in set(table_under(page, "Software")["Component"])


def test_the_checks_of_validate_run_on_the_page(page):
    assert [s.value for s in page.success] == ["All checks passed."]
    [output] = [c.value for c in page.code if "all checks passed" in c.value]
    assert output.splitlines()[-1] == "data: all checks passed"
    assert page.button(key="rerun_checks").label == "Run the checks again"


def test_the_citation_and_the_embedding_snippet(page):
    headers = [h.value for h in page.header]
    assert headers.index("How to cite") < headers.index("Embed the map")
    codes = [c for c in page.code if c.language == "html"]
    assert [c.value for c in codes] == [
        '<iframe src="http://localhost:8501/?year=1860&embed=true" width="100%" height="760" '
        'style="border:0" title="Sino-Russian Border Atlas, 1860" loading="lazy"></iframe>'
    ]
    page.slider(key="data_year").set_value(1991)
    run(page)
    assert "?year=1991&embed=true" in [c for c in page.code if c.language == "html"][0].value
    assert any(c.value.startswith("Sino-Russian Border Atlas (accessed") for c in page.code)


# ------------------------------------------------------------------ the functions


def test_territory_rows_name_the_holders_of_a_group_once_each(atlas: Atlas):
    rows = {r["Id"]: r for r in tables.territory_rows(atlas, date(1900, 12, 31))}
    assert rows["kwantung"]["Held by"] == "Russian Empire"
    assert rows["sakhalin"]["Held by"] == "Russian Empire"
    # Sakhalin in 1906: the north Russian, the south Japanese
    later = {r["Id"]: r for r in tables.territory_rows(atlas, date(1906, 12, 31))}
    assert later["sakhalin"]["Held by"] == "Russian Empire; Empire of Japan / Japan"
    group = next(g for g in atlas.groups if g.id == "sakhalin")
    assert rows["sakhalin"]["Area (km²)"] == round(sum(atlas.areas[u] for u in group.units))


def test_period_rows_follow_the_units_in_date_order(atlas: Atlas):
    rows = tables.period_rows(atlas)
    assert len(rows) == len(atlas.periods)
    kwantung = [r for r in rows if r["Territory"].startswith("Kwantung")]
    assert [r["From"] for r in kwantung] == sorted(r["From"] for r in kwantung)
    lease = next(r for r in kwantung if r["Status"] == "lease")
    assert lease["Sovereign"] == "Qing dynasty"
    assert rows[-1]["Until"] == "" or rows[-1]["Until"] > rows[-1]["From"]


def test_full_data_gpkg_is_a_geopackage(atlas: Atlas):
    data = tables.full_data(atlas, "gpkg")
    assert data.startswith(b"SQLite format 3\x00")
    with sqlite3.connect(":memory:") as db:
        db.deserialize(data)
        names = {r[0] for r in db.execute("select table_name from gpkg_contents")}
    assert names == {"units", "periods"}


@pytest.mark.parametrize("make", [tables.full_data, lambda a, f: tables.situation_data(a, 1860, f)])
def test_an_unknown_download_format_is_refused(atlas: Atlas, make):
    with pytest.raises(
        ValueError, match="unknown format 'shp'; expected one of geojson, gpkg, csv"
    ):
        make(atlas, "shp")


def test_validation_lines_are_what_validate_prints():
    report = Report((Problem("data/a.json", "x", "bad"), Problem("data/b.csv", "row 2", "worse")))
    assert tables.validation_lines(report, "data") == (
        False,
        ["data/a.json: x: bad", "data/b.csv: row 2: worse", "2 problem(s) found"],
    )
    passed = Report((), ("one note",))
    assert tables.validation_lines(passed, "data") == (
        True,
        ["note: one note", "data: all checks passed"],
    )
