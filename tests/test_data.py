"""Validation of every file in data/.

Files are found with glob, so a file added later is checked too. Where a check
can be made on the raw file it is, rather than through the loader it would
otherwise share a bug with.
"""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon, shape

from geo.atlas import load_atlas
from geo.passages import load_article, passage_at
from geo.territories import load_units, overlaps, slivers

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
META_KEYS = ("source", "license", "note")
FIRST_YEAR = 1640
THIS_YEAR = date.today().year

# JSON files that need not carry source/license/note themselves: path relative to
# data/ -> why. Every entry must name an existing file and give a reason.
META_EXEMPT: dict[str, str] = {}

JSON_FILES = sorted(p for ext in ("*.json", "*.geojson") for p in DATA.rglob(ext))
CSV_FILES = sorted(DATA.rglob("*.csv"))


def _rel(path: Path) -> str:
    return path.relative_to(DATA).as_posix()


def _non_empty(value) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, dict):
        return bool(value) and all(_non_empty(v) for v in value.values())
    return False


def _read_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def _read_csv(name: str) -> list[dict[str, str]]:
    with open(DATA / name, newline="", encoding="utf-8") as fh:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


@pytest.fixture(scope="module")
def territories() -> dict:
    return _read_json(DATA / "territories.geojson")


@pytest.fixture(scope="module")
def territory_ids(territories) -> list[str]:
    return [f["properties"].get("id") or f.get("id") for f in territories["features"]]


@pytest.fixture(scope="module")
def periods() -> list[dict[str, str]]:
    return _read_csv("periods.csv")


@pytest.fixture(scope="module")
def holders() -> list[dict[str, str]]:
    return _read_csv("holders.csv")


@pytest.fixture(scope="module")
def sections() -> dict:
    return _read_json(DATA / "sections.json")


# ------------------------------------------------------------------ every file


def test_the_data_folder_holds_the_known_files():
    names = {_rel(p) for p in JSON_FILES + CSV_FILES}
    expected = {"territories.geojson", "units.json", "holders.csv", "periods.csv"}
    expected |= {"sections.json", "events.csv", "places.geojson"}
    assert expected <= names


@pytest.mark.parametrize("path", JSON_FILES, ids=_rel)
def test_json_file_parses_and_names_source_license_note(path):
    doc = _read_json(path)
    if _rel(path) in META_EXEMPT:
        return
    assert isinstance(doc, dict), f"{_rel(path)}: top level is not an object"
    missing = [k for k in META_KEYS if not _non_empty(doc.get(k))]
    assert not missing, f"{_rel(path)}: missing or empty {missing}"


def test_meta_exemptions_are_real_files_with_reasons():
    for name, reason in META_EXEMPT.items():
        assert (DATA / name).is_file(), name
        assert reason.strip(), name


@pytest.mark.parametrize("path", CSV_FILES, ids=_rel)
def test_csv_file_has_a_meta_sidecar(path):
    sidecar = path.with_name(path.stem + ".meta.json")
    assert sidecar.is_file(), f"{_rel(path)} has no {sidecar.name}"
    meta = _read_json(sidecar)
    missing = [k for k in META_KEYS if not _non_empty(meta.get(k))]
    assert not missing, f"{sidecar.name}: missing or empty {missing}"


@pytest.mark.parametrize("path", CSV_FILES, ids=_rel)
def test_csv_file_parses_with_a_full_header_and_rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], [r for r in rows[1:] if any(c.strip() for c in r)]
    assert all(h.strip() for h in header) and len(set(header)) == len(header)
    assert body, f"{_rel(path)} has no rows"
    bad = [i for i, r in enumerate(body, start=2) if len(r) != len(header)]
    assert not bad, f"{_rel(path)}: rows {bad} do not have {len(header)} fields"


# ------------------------------------------------------------------ territories


def _all_points(geom):
    for poly in shapely.get_parts(geom):
        yield from poly.exterior.coords
        for ring in poly.interiors:
            yield from ring.coords


def test_every_territory_geometry_is_a_valid_polygon_in_epsg4326(territories):
    assert territories["type"] == "FeatureCollection"
    assert territories["features"]
    for f in territories["features"]:
        uid = f["properties"]["id"]
        geom = shape(f["geometry"])
        assert isinstance(geom, Polygon | MultiPolygon), f"{uid}: {geom.geom_type}"
        assert not geom.is_empty, uid
        assert geom.is_valid, f"{uid}: {shapely.is_valid_reason(geom)}"
        assert not geom.has_z, uid
        for lon, lat in _all_points(geom):
            assert -180 <= lon <= 180 and -90 <= lat <= 90, f"{uid}: ({lon}, {lat})"


def test_every_territory_has_three_names(territories):
    for f in territories["features"]:
        props = f["properties"]
        for key in ("id", "name_en", "name_ru", "name_zh"):
            assert isinstance(props.get(key), str) and props[key].strip(), (props.get("id"), key)


def test_territory_ids_are_unique(territory_ids):
    assert [i for i, n in Counter(territory_ids).items() if n > 1] == []


@pytest.fixture(scope="module")
def units():
    return load_units(DATA / "territories.geojson")


def test_units_do_not_overlap(units):
    assert overlaps(units) == []


def test_units_leave_no_slivers(units):
    assert [g.wkt[:80] for g in slivers(units)] == []


def test_units_json_and_territories_name_the_same_units(territory_ids):
    doc = _read_json(DATA / "units.json")
    listed = [u["id"] for u in doc["units"]]
    assert len(set(listed)) == len(listed)
    assert sorted(set(listed) - set(territory_ids)) == [], "in units.json only"
    assert sorted(set(territory_ids) - set(listed)) == [], "in territories.geojson only"


def test_units_json_names_match_territories(territories):
    by_id = {f["properties"]["id"]: f["properties"] for f in territories["features"]}
    for u in _read_json(DATA / "units.json")["units"]:
        for key in ("name_en", "name_ru", "name_zh"):
            assert u[key] == by_id[u["id"]][key], (u["id"], key)


def test_group_units_exist(territory_ids):
    for g in _read_json(DATA / "units.json")["groups"]:
        assert g["units"], g["id"]
        assert set(g["units"]) <= set(territory_ids), g["id"]


# ------------------------------------------------------------------ periods and holders


def _dates_to_check():
    for year in range(FIRST_YEAR, THIS_YEAR + 1):
        yield date(year, 1, 1)
        yield date(year, 12, 31)


def _in_force(row: dict[str, str], on: date) -> bool:
    start = date.fromisoformat(row["start"])
    end = date.fromisoformat(row["end"]) if row["end"] else None
    return start <= on and (end is None or on < end)


def test_every_unit_has_exactly_one_period_on_every_new_year_and_year_end(periods, territory_ids):
    by_unit = defaultdict(list)
    for row in periods:
        by_unit[row["unit"]].append(row)
    problems = []
    for uid in territory_ids:
        for on in _dates_to_check():
            n = sum(_in_force(row, on) for row in by_unit[uid])
            if n != 1:
                problems.append((uid, on.isoformat(), n))
    assert problems[:10] == []


def test_every_period_names_known_units(periods, territory_ids):
    assert sorted({r["unit"] for r in periods} - set(territory_ids)) == []


def test_every_period_has_a_known_section_holder_and_claimants(periods, holders, sections):
    holder_ids = {h["id"] for h in holders}
    section_ids = {s["id"] for s in sections["sections"]}
    for line, row in enumerate(periods, start=2):
        where = f"periods.csv row {line}"
        assert row["section"] in section_ids, where
        assert row["holder"] in holder_ids, where
        claimants = [c for c in row["claimants"].split(";") if c]
        assert set(claimants) <= holder_ids, where
        assert row["holder"] not in claimants, f"{where}: the holder claims its own land"
        assert len(set(claimants)) == len(claimants), f"{where}: a claimant twice"
        assert row["source"], where


def test_every_holder_side_is_declared(holders):
    meta = _read_json(DATA / "holders.meta.json")
    side_ids = [s["id"] for s in meta["sides"]]
    assert len(set(side_ids)) == len(side_ids)
    assert sorted({h["side"] for h in holders} - set(side_ids)) == []
    assert len({h["id"] for h in holders}) == len(holders)


# ------------------------------------------------------------------ passages and events


def test_every_year_falls_in_exactly_one_span(sections):
    spans = [(s["id"], sp) for s in sections["sections"] for sp in s["spans"]]
    for year in range(FIRST_YEAR, THIS_YEAR + 1):
        holding = [
            sid
            for sid, sp in spans
            if sp["start"] <= year and (sp["end"] is None or year <= sp["end"])
        ]
        assert len(holding) == 1, (year, holding)


def test_every_year_maps_to_one_passage():
    article = load_article(DATA / "sections.json")
    for year in range(FIRST_YEAR, THIS_YEAR + 1):
        passage = passage_at(article, year)
        assert passage.span.contains(year), year
        assert passage.span in passage.section.spans
        assert passage.section.text, year


def test_every_event_names_known_units_and_sections(territory_ids, sections):
    section_ids = {s["id"] for s in sections["sections"]}
    for line, row in enumerate(_read_csv("events.csv"), start=2):
        units = [u.strip() for u in row["units"].split(";") if u.strip()]
        assert set(units) <= set(territory_ids), f"events.csv row {line}: {units}"
        assert row["section"] in section_ids, f"events.csv row {line}"


def test_every_section_names_known_units(sections, territory_ids):
    for s in sections["sections"]:
        assert set(s["units"]) <= set(territory_ids), s["id"]


# ------------------------------------------------------------------ the whole atlas


def test_the_atlas_loads():
    atlas = load_atlas(DATA)
    declared = json.loads((DATA / "units.json").read_text(encoding="utf-8"))["units"]
    assert [u.id for u in atlas.units] == [u["id"] for u in declared]
    assert atlas.periods and atlas.holders and atlas.article.sections


# ------------------------------------------------------------------ corrections and sources


def test_every_correction_quotes_its_section_word_for_word(sections):
    doc = _read_json(DATA / "corrections.json")
    texts = {s["id"]: s["text"] for s in sections["sections"]}
    assert doc["corrections"]
    ids = [c["id"] for c in doc["corrections"]]
    assert len(set(ids)) == len(ids)
    for c in doc["corrections"]:
        assert c["section"] in texts, c["id"]
        assert any(c["quote"] in paragraph for paragraph in texts[c["section"]]), c["id"]
        assert c["correction"].strip() and c["source"].strip(), c["id"]


@pytest.mark.parametrize(
    "topic, section",
    [
        ("1660s", "initial-contact"),
        ("Sakhalin", "russian-encroachment"),
        ("in 1920", "russian-civil-war-and-mongolia"),
        ("Kuningtou", "war-of-liberation-and-the-peoples-republic-of-china"),
        ("Gang of Four", "post-mao-era-and-stabalizing-relations"),
        ("Sino-Russian Border Agreement", "refound-common-interests"),
        ("ratified", "settling-the-disputes"),
        ("yet to be carried out", "settling-the-disputes"),
    ],
)
def test_the_known_errors_of_the_article_are_corrected(topic, section):
    doc = _read_json(DATA / "corrections.json")
    assert any(c["section"] == section and topic in c["quote"] for c in doc["corrections"])


_NOTES = ("history-facts", "history-audit", ".md")


def _sources(node):
    if isinstance(node, dict):
        if isinstance(node.get("source"), str):
            yield node["source"]
        for value in node.values():
            yield from _sources(value)
    elif isinstance(node, list):
        for item in node:
            yield from _sources(item)


@pytest.mark.parametrize("name", ["periods.csv", "events.csv"])
def test_no_table_row_cites_a_notes_file(name):
    bad = [
        (line, row["source"][:60])
        for line, row in enumerate(_read_csv(name), start=2)
        if not row["source"] or any(n in row["source"] for n in _NOTES)
    ]
    assert bad == []


@pytest.mark.parametrize("path", JSON_FILES, ids=_rel)
def test_no_json_source_cites_a_notes_file_or_memory(path):
    bad = [
        s[:60]
        for s in _sources(_read_json(path))
        if any(n in s for n in _NOTES) or s.strip(" .()").lower() in {"m", "memory", "from memory"}
    ]
    assert bad == []


def test_validate_reports_a_source_that_cites_notes_or_memory(tmp_path):
    from geo.validate import validate

    rows = _read_csv("periods.csv")
    header = list(rows[0])
    rows[0]["source"] = "history-facts.md §3"
    rows[1]["source"] = "from memory"
    with open(tmp_path / "periods.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, header, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    reasons = {(p.feature, p.reason) for p in validate(tmp_path, last_year=2026).problems}
    assert any(f.startswith("row 2 ") and "notes file" in r for f, r in reasons)
    assert any(f.startswith("row 3 ") and "memory" in r for f, r in reasons)


def test_periods_meta_states_the_transfer_rule():
    rule = _read_json(DATA / "periods.meta.json")["transfer_rule"]
    assert "enters into force" in rule and "handed over" in rule


# ------------------------------------------------------------------ the corrected history


def _at(periods, unit: str, on: str) -> dict[str, str]:
    (row,) = [r for r in periods if r["unit"] == unit and _in_force(r, date.fromisoformat(on))]
    return row


def _claimants(row) -> set[str]:
    return {c for c in row["claimants"].split(";") if c}


def _control(row) -> tuple[str, str, str]:
    return row["holder"], row["status"], row["sovereign"]


def test_state_at_agrees_with_the_raw_rows():
    from geo.periods import state_at

    atlas = load_atlas(DATA)
    on = date(1922, 12, 31)
    p = state_at(["sakhalin_north"], atlas.periods, on)["sakhalin_north"]
    assert (p.holder, p.status, p.sovereign) == ("japan", "occupation", "soviet_union")
    p = state_at(["manchuria"], atlas.periods, date(1902, 12, 31))["manchuria"]
    assert (p.holder, p.status, p.sovereign) == ("russian_empire", "occupation", "qing")


def test_japan_occupies_northern_sakhalin_1920_to_1925(periods):
    for on, sovereign in [
        ("1920-12-31", "far_eastern_republic"),
        ("1922-12-31", "soviet_union"),
        ("1925-05-14", "soviet_union"),
    ]:
        row = _at(periods, "sakhalin_north", on)
        assert _control(row) == ("japan", "occupation", sovereign)
        assert sovereign in _claimants(row)
    assert _at(periods, "sakhalin_north", "1920-04-20")["holder"] == "white_russia"
    assert _at(periods, "sakhalin_north", "1925-05-15")["holder"] == "soviet_union"


def test_the_lower_amur_and_the_coast_are_contested_before_aigun(periods):
    for unit, first in [("amur_left_bank", "1850-08-13"), ("primorye", "1853-01-01")]:
        row = _at(periods, unit, "1855-12-31")
        assert row["holder"] == "contested" and row["start"] == first
        assert _claimants(row) == {"qing", "russian_empire"}
        assert _at(periods, unit, "1849-12-31")["holder"] == "qing"


def test_the_islands_are_claimed_by_russia_from_1860(periods):
    for unit in ("heixiazi_west", "heixiazi_east", "tarabarov"):
        assert _claimants(_at(periods, unit, "1860-12-31")) == {"russian_empire"}
        assert _claimants(_at(periods, unit, "1925-12-31")) == {"soviet_union"}
        assert _at(periods, unit, "1925-12-31")["holder"] == "roc"
        assert _at(periods, unit, "1859-12-31")["claimants"] == ""
        for row in (r for r in periods if r["unit"] == unit):
            assert "Kanchazu" not in row["note"], row["start"]


def test_outer_mongolia_is_claimed_by_the_qing_until_the_abdication(periods):
    row = _at(periods, "outer_mongolia", "1911-12-31")
    assert "qing" in _claimants(row) and "roc" not in _claimants(row)
    assert _claimants(_at(periods, "outer_mongolia", "1912-12-31")) == {"roc"}


def test_no_far_eastern_unit_is_soviet_in_1919(periods):
    units = ("amur_left_bank", "uda", "primorye", "sakhalin_north", "zhenbao", "siberia")
    holders = {u: _at(periods, u, "1919-12-31")["holder"] for u in units}
    assert "soviet_russia" not in holders.values(), holders
    assert _at(periods, "primorye", "1921-12-31")["holder"] == "priamurye_government"
    assert _at(periods, "primorye", "1920-06-30")["holder"] == "primorye_zemstvo"


def test_zhenbao_claimed_before_1969_and_chinese_by_treaty_from_1992(periods):
    for on in ("1950-12-31", "1968-12-31"):
        row = _at(periods, "zhenbao", on)
        assert row["holder"] == "soviet_union" and "prc" in _claimants(row)
    row = _at(periods, "zhenbao", "1970-12-31")
    assert (row["holder"], row["sovereign"]) == ("prc", "soviet_union")
    row = _at(periods, "zhenbao", "1991-12-31")
    assert (row["holder"], row["sovereign"]) == ("prc", "russian_federation")
    assert _at(periods, "zhenbao", "1992-03-16")["start"] == "1992-03-16"
    assert _at(periods, "zhenbao", "1992-12-31")["sovereign"] == ""


def test_one_transfer_rule_for_the_2004_agreement(periods):
    # sovereignty with the entry into force, control with the hand-over
    for unit in ("heixiazi_west", "tarabarov"):
        row = _at(periods, unit, "2006-12-31")
        assert (row["holder"], row["sovereign"], row["start"]) == (
            "russian_federation",
            "prc",
            "2005-06-02",
        )
        assert _at(periods, unit, "2008-10-14")["holder"] == "prc"


def test_sakhalin_claimants_before_shimoda(periods):
    assert _claimants(_at(periods, "sakhalin_south", "1800-12-31")) == {"qing", "japan"}
    assert "russian_empire" in _claimants(_at(periods, "sakhalin_south", "1854-12-31"))
    assert "russian_empire" in _claimants(_at(periods, "sakhalin_north", "1854-12-31"))


def test_manchuria_occupations(periods):
    row = _at(periods, "manchuria", "1902-12-31")
    assert _control(row) == ("russian_empire", "occupation", "qing")
    row = _at(periods, "manchuria", "1945-12-31")
    assert _control(row) == ("soviet_union", "occupation", "roc")
    assert _at(periods, "manchuria", "1946-05-03")["holder"] == "roc"
    assert _at(periods, "manchuria", "1899-12-31")["holder"] == "qing"


def test_events_agree_with_the_periods():
    events = {r["title"]: r for r in _read_csv("events.csv")}
    tuva = next(r for t, r in events.items() if "Tuva" in t and "protectorate" in t)
    assert tuva["date"] == "1914-04-17"
    treaty = next(r for t, r in events.items() if "Mutual Assistance" in t)
    assert "1980" in treaty["note"]


def test_the_passages_hold_the_right_years(sections):
    article = load_article(DATA / "sections.json")
    assert passage_at(article, 1918).section.id == "russian-civil-war-and-mongolia"
    assert passage_at(article, 1989).section.id == "post-mao-era-and-stabalizing-relations"
    note = passage_at(article, 1855).span.note
    assert "1850" in note and "contested" in note
