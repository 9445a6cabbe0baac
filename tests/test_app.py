"""AppTest tests of app.py: the slider, the passage, what the map is sent, the context panel, URLs.

AppTest runs the script in-process without a browser: the map's component is only inspected
through its arguments (``json_args``), and a click is simulated by seeding its session value.
"""

from __future__ import annotations

import html
import json
import re
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
DEFAULT_YEAR = 1860  # app.DEFAULT_YEAR
SNAPSHOT_WARNING = "The article was captured in early"

SECTIONS = json.loads((DATA / "sections.json").read_text())["sections"]
HEADINGS = {s["id"]: s["heading"] for s in SECTIONS}
UNITS = {u["id"]: u for u in json.loads((DATA / "units.json").read_text())["units"]}

# year -> (section id of the passage, {unit id: holder the map must be sent})
YEARS = {
    1688: ("initial-contact", {"amur_left_bank": "Contested"}),
    1859: (
        "russian-encroachment",
        {"primorye": "Held jointly", "amur_left_bank": "Russian Empire"},
    ),
    1861: ("russian-encroachment", {"primorye": "Russian Empire"}),
    1912: ("xinhai-and-october-revolutions", {"outer_mongolia": "Bogd Khanate of Mongolia"}),
    1925: ("kmt-cpc-and-the-chinese-civil-war", {"outer_mongolia": "Mongolian People's Republic"}),
    1933: ("second-sino-japanese-war-and-wwii", {"manchuria": "Manchukuo"}),
    1946: (
        "war-of-liberation-and-the-peoples-republic-of-china",
        {"manchuria": "Republic of China"},
    ),
    2007: ("settling-the-disputes", {"heixiazi_west": "Russian Federation"}),
    2009: ("settling-the-disputes", {"heixiazi_west": "People's Republic of China"}),
}
EXPECTED_HEADINGS = {
    1688: "Initial contact",
    1859: "Russian encroachment",
    1861: "Russian encroachment",
    1912: "Xinhai and October Revolutions",
    1925: "KMT, CPC, and the Chinese Civil War",
    1933: "Second Sino-Japanese War and WWII",
    1946: "War of Liberation and the People's Republic of China",
    2007: "Settling the disputes",
    2009: "Settling the disputes",
}

_PROPERTIES = re.compile(r'"properties":\s*(\{[^{}]*\})')
_MD_ESCAPE = re.compile(r"\\(.)")


# ---------------------------------------------------------------- helpers


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """A fresh AppTest of app.py, not yet run, with the cwd at the repo root."""
    monkeypatch.chdir(ROOT)
    # a relative path would be taken relative to this test file, not the cwd
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def at_year(at: AppTest, year: int) -> AppTest:
    """Run once (the first run reads the URL), then move the slider to ``year``."""
    if "year" not in at.session_state:
        run(at)
    at.slider(key="year").set_value(year)
    return run(at)


def map_args(at: AppTest) -> dict:
    components = at.get("component_instance")
    assert len(components) == 1, f"expected one map component, got {len(components)}"
    return json.loads(components[0].proto.json_args)


def holders_sent(at: AppTest) -> dict[str, str]:
    """``{unit id: holder}`` from the territories' GeoJSON embedded in the feature-group JS.

    Fails if no territory properties are found (e.g. if the JS format changed).
    """
    js = map_args(at)["feature_group"]
    found = {}
    for match in _PROPERTIES.finditer(js):
        props = json.loads(match.group(1))
        if "holder" in props and "id" in props:
            # strings are HTML-escaped for the tooltips (geo.mapview.unit_collection)
            found[props["id"]] = html.unescape(props["holder"])
    assert found, f"no territory properties found in the feature group JS: {js[:300]!r}"
    return found


def unescape(text: str) -> str:
    """Undo geo.text.md_escape (backslash before Markdown specials)."""
    return _MD_ESCAPE.sub(r"\1", text)


def text_of(at: AppTest, key: str) -> str:
    """All the text inside the keyed container, Markdown escapes removed."""
    block = at.get_by_key(key)
    parts = []
    for node in block:
        value = getattr(node, "value", None)
        if isinstance(value, str):
            parts.append(value)
        label = getattr(node, "label", None)
        if isinstance(label, str):
            parts.append(label)
    # drop Markdown bold markers first: escaped ones (\\*) survive as literal stars
    return unescape(re.sub(r"(?<!\\)\*\*", "", "\n".join(parts)))


def subheaders_in(at: AppTest, key: str) -> list[str]:
    return [unescape(s.value) for s in at.get_by_key(key).subheader]


def warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning]


# ---------------------------------------------------------------- years


def test_headings_match_sections_json():
    for year, (section, _) in YEARS.items():
        assert HEADINGS[section] == EXPECTED_HEADINGS[year]


@pytest.mark.parametrize("year", sorted(YEARS))
def test_year_passage_and_holders(app: AppTest, year: int):
    at = at_year(app, year)
    section, expected = YEARS[year]
    assert at.slider(key="year").value == year
    assert subheaders_in(at, "passage") == [EXPECTED_HEADINGS[year]]
    sent = holders_sent(at)
    assert set(sent) == set(UNITS), "every unit is sent to the map"
    for unit, holder in expected.items():
        assert sent[unit] == holder, (year, unit)


@pytest.mark.parametrize(("year", "shown"), [(1859, False), (2007, True), (2009, True)])
def test_after_snapshot_warning(app: AppTest, year: int, shown: bool):
    at = at_year(app, year)
    in_passage = [w.value for w in at.get_by_key("passage").warning]
    assert any(SNAPSHOT_WARNING in w for w in in_passage) is shown
    if shown:
        assert any(str(year) in w for w in in_passage)


def test_status_quo_note(app: AppTest):
    at = at_year(app, 1700)
    span = next(
        s
        for sec in SECTIONS
        for s in sec["spans"]
        if s["kind"] == "status_quo" and s["start"] <= 1700 <= s["end"]
    )
    assert span["note"].startswith("The border set in 1689 holds until 1858")
    notes = [unescape(i.value) for i in at.get_by_key("passage").info]
    assert notes == [span["note"]]
    assert subheaders_in(at, "passage") == ["Initial contact"]


def test_narrated_year_has_no_status_quo_note(app: AppTest):
    at = at_year(app, 1859)
    assert not at.get_by_key("passage").info


def test_base_map_is_constant(app: AppTest):
    at = at_year(app, 1859)
    before = map_args(at)
    at = at_year(at, 2009)
    after = map_args(at)
    assert before["script"] == after["script"]
    assert before["feature_group"] != after["feature_group"]
    # Leaflet is self-hosted, nothing from a CDN
    assert after["js_links"] == ["/app/static/leaflet/leaflet.js", "/app/static/atlas/atlas.js"]
    assert after["css_links"] == [
        "/app/static/leaflet/leaflet.css",
        "/app/static/atlas/atlas.css",
    ]


def test_download_button_follows_year(app: AppTest):
    at = at_year(app, 1933)
    button = at.get_by_key("download")
    assert "1933" in button.label


# ---------------------------------------------------------------- context panel


def assert_primorye_context(text: str) -> None:
    unit = UNITS["primorye"]
    assert unit["name_ru"] == "Уссурийский край (Приморье)"
    assert unit["name_zh"] == "乌苏里江以东地区"
    for name in (unit["name_en"], unit["name_ru"], unit["name_zh"]):
        assert name in text
    assert "held by Held jointly" in text
    assert "claimed by Qing dynasty, Russian Empire" in text
    assert "History of control" in text
    assert "Convention of Peking" in text
    area = re.search(r"Area: ([\d,.]+) km²", text)
    assert area, text
    assert float(area.group(1).replace(",", "")) > 10_000


def test_context_empty_by_default(app: AppTest):
    at = run(app)
    assert at.selectbox(key="selected").value is None
    assert "Click a territory" in text_of(at, "context")
    assert not subheaders_in(at, "context")


def test_context_from_session_state(app: AppTest):
    at = at_year(app, 1859)
    at.session_state["selected"] = "primorye"
    run(at)
    assert subheaders_in(at, "context") == [UNITS["primorye"]["name_en"]]
    assert_primorye_context(text_of(at, "context"))
    sent = json.loads(
        re.search(
            r'"properties":\s*(\{[^{}]*"id": "primorye"[^{}]*\})', map_args(at)["feature_group"]
        ).group(1)
    )
    assert sent["selected"] is True


def test_context_from_selectbox(app: AppTest):
    at = at_year(app, 1859)
    at.selectbox(key="selected").set_value("primorye")
    run(at)
    assert_primorye_context(text_of(at, "context"))


def test_context_shows_the_published_areas_that_count_the_unit(app: AppTest):
    at = at_year(app, 1900)
    at.selectbox(key="selected").set_value("primorye")
    text = text_of(run(at), "context")
    assert "Published areas that count it" in text
    published = text.split("Published areas that count it", 1)[1]
    # the Peking cession before Outer Manchuria, the smaller figure first
    assert published.index("Peking cession") < published.index("Outer Manchuria")
    assert "about 400,000 km²" in text
    assert "short of the record" not in text

    at.selectbox(key="selected").set_value("heixiazi_east")
    text = text_of(run(at), "context")
    assert "327 to 350 km²" in text
    assert "short of the record: see the Areas page" in text

    at.selectbox(key="selected").set_value("siberia")
    assert "Published areas" not in text_of(run(at), "context")


def test_context_from_map_click(app: AppTest):
    at = at_year(app, 1859)
    at.session_state["map"] = {
        "last_active_drawing": {"type": "Feature", "properties": {"id": "tarabarov"}}
    }
    run(at)
    assert at.selectbox(key="selected").value == "tarabarov"
    text = text_of(at, "context")
    assert "Tarabarov" in text
    assert UNITS["tarabarov"]["name_ru"] in text
    assert subheaders_in(at, "context") == [UNITS["tarabarov"]["name_en"]]


def test_click_then_selectbox_wins(app: AppTest):
    """After a click, choosing another unit in the selectbox is not overridden by the old click."""
    at = at_year(app, 1859)
    at.session_state["map"] = {
        "last_active_drawing": {"type": "Feature", "properties": {"id": "tarabarov"}}
    }
    run(at)
    at.selectbox(key="selected").set_value("zhenbao")
    run(at)
    assert subheaders_in(at, "context") == [UNITS["zhenbao"]["name_en"]]


def test_click_on_unknown_id_is_ignored(app: AppTest):
    at = at_year(app, 1859)
    at.session_state["map"] = {
        "last_active_drawing": {"type": "Feature", "properties": {"id": "nope"}}
    }
    run(at)
    assert at.selectbox(key="selected").value is None


# ---------------------------------------------------------------- URL parameters


def test_url_year_too_late_is_clamped(app: AppTest):
    app.query_params["year"] = "3000"
    at = run(app)
    this_year = date.today().year
    assert at.slider(key="year").value == this_year
    assert any("3000" in w and str(this_year) in w for w in warnings(at)), warnings(at)


def test_url_year_too_early_is_clamped(app: AppTest):
    app.query_params["year"] = "1000"
    at = run(app)
    assert at.slider(key="year").value == 1640
    assert any("1000" in w for w in warnings(at)), warnings(at)


def test_url_year_not_a_number(app: AppTest):
    app.query_params["year"] = "abc"
    at = run(app)
    assert at.slider(key="year").value == DEFAULT_YEAR
    assert any("abc" in w and "not a year" in w for w in warnings(at)), warnings(at)


def test_url_year_valid(app: AppTest):
    app.query_params["year"] = "1933"
    at = run(app)
    assert at.slider(key="year").value == 1933
    assert not warnings(at)
    assert subheaders_in(at, "passage") == [EXPECTED_HEADINGS[1933]]


def test_url_unit_unknown(app: AppTest):
    app.query_params["unit"] = "nope"
    at = run(app)
    assert any("nope" in w for w in warnings(at)), warnings(at)
    assert at.selectbox(key="selected").value is None
    assert not subheaders_in(at, "context")


def test_url_unit_and_year(app: AppTest):
    app.query_params["unit"] = "zhenbao"
    app.query_params["year"] = "1969"
    at = run(app)
    assert not warnings(at)
    assert at.slider(key="year").value == 1969
    assert at.selectbox(key="selected").value == "zhenbao"
    assert subheaders_in(at, "context") == [UNITS["zhenbao"]["name_en"]]
    text = text_of(at, "context")
    assert "Zhenbao" in text
    assert "Zhenbao Island incident" in text


def test_url_notice_shown_once(app: AppTest):
    """The URL is read once per session: the notice does not come back on the next run."""
    app.query_params["year"] = "abc"
    at = run(app)
    assert warnings(at)
    at = at_year(at, 1859)
    assert not [w for w in warnings(at) if "abc" in w]
    assert at.slider(key="year").value == 1859


def test_url_written_back(app: AppTest):
    at = run(app)
    assert at.query_params["year"] == str(DEFAULT_YEAR)
    assert "unit" not in at.query_params
    at.slider(key="year").set_value(1900)
    at.selectbox(key="selected").set_value("tuva")
    run(at)
    assert at.query_params["year"] == "1900"
    assert at.query_params["unit"] == "tuva"
    at.selectbox(key="selected").set_value(None)
    run(at)
    assert "unit" not in at.query_params


# ------------------------------------------------------------------ the other pages


def _page(monkeypatch: pytest.MonkeyPatch, name: str) -> AppTest:
    monkeypatch.chdir(ROOT)
    return run(AppTest.from_file(str(ROOT / "pages" / name), default_timeout=60))


def test_sources_page_lists_every_data_file_and_the_article_licence(monkeypatch):
    at = _page(monkeypatch, "1_Sources.py")
    text = _MD_ESCAPE.sub(r"\1", " ".join(m.value for m in at.markdown))
    assert "CC BY-SA 3.0 / GFDL" in text
    files = {row for row in at.dataframe[0].value["File"]}
    assert {"periods.csv", "territories.geojson", "sections.json", "base/rivers.geojson"} <= files
    assert "How to cite" in [h.value for h in at.header]


def test_areas_page_shows_published_beside_computed_and_the_transfers(monkeypatch):
    at = _page(monkeypatch, "2_Areas.py")
    figures = at.dataframe[0].value
    assert "Outer Manchuria (Aigun and Peking cessions, mainland)" in list(figures["Area"])
    within = dict(zip(figures["Area"], figures["Within"], strict=True))
    assert within["Outer Manchuria (Aigun and Peking cessions, mainland)"] == "yes"
    assert within["Bolshoy Ussuriysky / Heixiazi Island"] == "no (see below)"
    assert "NO" not in within.values()
    (warning,) = at.warning
    assert "Bolshoy Ussuriysky" in warning.value and "not stretched" in warning.value
    transfers = at.dataframe[2].value
    assert "Treaty of Aigun" in list(transfers["Event"])
    assert "Convention of Peking" in list(transfers["Event"])


def test_a_small_selected_unit_is_zoomed_to_and_a_large_one_is_not(app):
    at = at_year(app, 2009)
    at.selectbox(key="selected").set_value("tarabarov")
    args = map_args(run(at))
    assert args["zoom"] >= 10
    lat, lng = args["center"]
    assert abs(lat - 48.379) < 0.1 and abs(lng - 134.52) < 0.1  # history-facts.md §2
    at.selectbox(key="selected").set_value("manchuria")
    args = map_args(run(at))
    assert args["zoom"] is None and args["center"] is None


def test_place_markers_carry_the_name_of_the_era(app):
    old = map_args(at_year(app, 1700))["feature_group"]
    assert "Haishenwai" in old and "Boli" in old and "Urga" in old
    assert "Vladivostok" not in old
    new = map_args(at_year(app, 1950))["feature_group"]
    assert "Vladivostok" in new and "Khabarovsk" in new and "Ulaanbaatar" in new
    assert "Haishenwai" not in new


def test_a_change_year_pill_moves_the_slider_there(app):
    at = at_year(app, 1700)
    at.button_group(key="jump").set_value(1858)
    run(at)
    assert at.slider(key="year").value == 1858
    assert at.button_group(key="jump").value is None  # cleared, so it does not stay lit
    holders = holders_sent(at)
    assert holders["amur_left_bank"] == "Russian Empire"
    assert holders["primorye"] == "Held jointly"
