"""AppTest tests of the map page (pages/map.py): slider, passage, map, context, link.

AppTest runs the script in-process without a browser: the map's component is only inspected
through its arguments (``json_args``), and a click is simulated by seeding its session value.
"""

from __future__ import annotations

import html
import json
import re
from datetime import date

import pytest
from conftest import DATA, expand_update, run, unescape
from streamlit.testing.v1 import AppTest

from geo.session import DEFAULT_YEAR, KEYS

SNAPSHOT_WARNING = "The article was captured in early"

SECTIONS = json.loads((DATA / "sections.json").read_text())["sections"]
HEADINGS = {s["id"]: s["heading"] for s in SECTIONS}
UNITS = {u["id"]: u for u in json.loads((DATA / "units.json").read_text())["units"]}

# year -> (section of the passage, its heading, {unit id: holder the map must be sent})
YEARS = {
    1688: ("initial-contact", "Initial contact", {"amur_left_bank": "Contested"}),
    1859: (
        "russian-encroachment",
        "Russian encroachment",
        {"primorye": "Held jointly", "amur_left_bank": "Russian Empire"},
    ),
    1861: ("russian-encroachment", "Russian encroachment", {"primorye": "Russian Empire"}),
    1912: (
        "xinhai-and-october-revolutions",
        "Xinhai and October Revolutions",
        {"outer_mongolia": "Bogd Khanate of Mongolia"},
    ),
    1925: (
        "kmt-cpc-and-the-chinese-civil-war",
        "KMT, CPC, and the Chinese Civil War",
        {"outer_mongolia": "Mongolian People's Republic"},
    ),
    1933: (
        "second-sino-japanese-war-and-wwii",
        "Second Sino-Japanese War and WWII",
        {"manchuria": "Manchukuo"},
    ),
    1946: (
        "war-of-liberation-and-the-peoples-republic-of-china",
        "War of Liberation and the People's Republic of China",
        {"manchuria": "Republic of China"},
    ),
    2007: (
        "settling-the-disputes",
        "Settling the disputes",
        {"heixiazi_west": "Russian Federation"},
    ),
    2009: (
        "settling-the-disputes",
        "Settling the disputes",
        {"heixiazi_west": "People's Republic of China"},
    ),
}

_UPDATE = re.compile(r"atlasMap\.update\((\{.*\})\);")


# ---------------------------------------------------------------- helpers


@pytest.fixture
def app(load_page) -> AppTest:
    """A fresh AppTest of the map page, not yet run."""
    return load_page("app.py")


def at_year(at: AppTest, year: int) -> AppTest:
    """Run once (the first run reads the URL), then move the slider to ``year``."""
    if KEYS.year not in at.session_state:
        run(at)
    at.slider(key=KEYS.year).set_value(year)
    return run(at)


def map_args(at: AppTest) -> dict:
    """The arguments the page sends its one map component."""
    components = at.get("component_instance")
    assert len(components) == 1, f"expected one map component, got {len(components)}"
    (component,) = components
    return json.loads(component.proto.json_args)


def update_sent(at: AppTest) -> dict:
    """The year's update (units, border pieces, places) in the feature-group JS.

    Its groups are expanded by id (``units`` and ``lines``), as the map reads
    them. Fails if there is none (e.g. if the JS format changed).
    """
    js = map_args(at)["feature_group"]
    match = _UPDATE.search(js)
    assert match, f"no map update found in the feature group JS: {js[:300]!r}"
    data = json.loads(match.group(1))
    units, lines = expand_update(data)
    return {**data, "units": units, "lines": lines}


def holders_sent(at: AppTest) -> dict[str, str]:
    """``{unit id: holder}`` as the map is told to show them."""
    # strings are HTML-escaped for the tooltips (geo.mapdata.MapUpdate.to_json)
    found = {uid: html.unescape(u[2]) for uid, u in update_sent(at)["units"].items()}
    assert found
    return found


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


@pytest.mark.parametrize("year", sorted(YEARS))
def test_year_passage_and_holders(app: AppTest, year: int):
    section, heading, expected = YEARS[year]
    assert HEADINGS[section] == heading, "the heading is the section's in sections.json"
    at = at_year(app, year)
    assert at.slider(key=KEYS.year).value == year
    assert subheaders_in(at, "passage") == [heading]
    sent = holders_sent(at)
    assert set(sent) == set(UNITS), "every unit is sent to the map"
    assert expected
    assert {unit: sent[unit] for unit in expected} == expected


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


def test_download_is_offered_once_prepared_and_follows_the_view(app: AppTest):
    at = at_year(app, 1933)
    assert not at.get("download_button")
    at.button(key=KEYS.prepare).click()
    run(at)
    (button,) = at.get("download_button")
    assert "1933" in button.proto.label
    # a step drops the file again, so that stepping sends none
    at = at_year(at, 1934)
    assert not at.get("download_button")


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
    assert at.selectbox(key=KEYS.selected).value is None
    assert "Click a territory" in text_of(at, "context")
    assert not subheaders_in(at, "context")


def test_context_from_session_state(app: AppTest):
    at = at_year(app, 1859)
    at.session_state[KEYS.selected] = "primorye"
    run(at)
    assert subheaders_in(at, "context") == [UNITS["primorye"]["name_en"]]
    assert_primorye_context(text_of(at, "context"))
    units = update_sent(at)["units"]
    assert units["primorye"][3] is True
    assert not [uid for uid, u in units.items() if u[3] and uid != "primorye"]


def test_context_from_selectbox(app: AppTest):
    at = at_year(app, 1859)
    at.selectbox(key=KEYS.selected).set_value("primorye")
    run(at)
    assert_primorye_context(text_of(at, "context"))


def test_context_shows_the_published_areas_that_count_the_unit(app: AppTest):
    at = at_year(app, 1900)
    at.selectbox(key=KEYS.selected).set_value("primorye")
    text = text_of(run(at), "context")
    assert "Published areas that count it" in text
    published = text.split("Published areas that count it", 1)[1]
    # the Peking cession before Outer Manchuria, the smaller figure first
    assert published.index("Peking cession") < published.index("Outer Manchuria")
    assert "about 400,000 km²" in text
    assert "short of the record" not in text

    at.selectbox(key=KEYS.selected).set_value("heixiazi_east")
    text = text_of(run(at), "context")
    assert "327 to 350 km²" in text
    assert "short of the record: see the Areas page" in text

    at.selectbox(key=KEYS.selected).set_value("siberia")
    assert "Published areas" not in text_of(run(at), "context")


def test_context_from_map_click(app: AppTest):
    at = at_year(app, 1859)
    at.session_state[KEYS.map] = {
        "last_active_drawing": {"type": "Feature", "properties": {"id": "tarabarov"}}
    }
    run(at)
    assert at.selectbox(key=KEYS.selected).value == "tarabarov"
    text = text_of(at, "context")
    assert "Tarabarov" in text
    assert UNITS["tarabarov"]["name_ru"] in text
    assert subheaders_in(at, "context") == [UNITS["tarabarov"]["name_en"]]


def test_click_then_selectbox_wins(app: AppTest):
    """After a click, choosing another unit in the selectbox is not overridden by the old click."""
    at = at_year(app, 1859)
    at.session_state[KEYS.map] = {
        "last_active_drawing": {"type": "Feature", "properties": {"id": "tarabarov"}}
    }
    run(at)
    at.selectbox(key=KEYS.selected).set_value("zhenbao")
    run(at)
    assert subheaders_in(at, "context") == [UNITS["zhenbao"]["name_en"]]


def test_click_on_unknown_id_is_ignored(app: AppTest):
    at = at_year(app, 1859)
    at.session_state[KEYS.map] = {
        "last_active_drawing": {"type": "Feature", "properties": {"id": "nope"}}
    }
    run(at)
    assert at.selectbox(key=KEYS.selected).value is None


# ---------------------------------------------------------------- URL parameters


THIS_YEAR = date.today().year


@pytest.mark.parametrize(
    ("raw", "year", "notice"),
    [
        pytest.param("3000", THIS_YEAR, ("3000", str(THIS_YEAR)), id="too-late-is-clamped"),
        pytest.param("1000", 1640, ("1000", "1640"), id="too-early-is-clamped"),
        pytest.param("abc", DEFAULT_YEAR, ("abc", "not a year"), id="not-a-number-is-the-default"),
    ],
)
def test_url_year_out_of_range_or_not_a_number_opens_with_a_notice(
    app: AppTest, raw: str, year: int, notice: tuple[str, ...]
):
    app.query_params["year"] = raw
    at = run(app)
    assert at.slider(key=KEYS.year).value == year
    assert any(all(part in w for part in notice) for w in warnings(at)), warnings(at)


def test_url_year_in_range_opens_that_year_silently(app: AppTest):
    app.query_params["year"] = "1933"
    at = run(app)
    assert at.slider(key=KEYS.year).value == 1933
    assert not warnings(at)
    _, heading, _ = YEARS[1933]
    assert subheaders_in(at, "passage") == [heading]


def test_url_unit_unknown(app: AppTest):
    app.query_params["unit"] = "nope"
    at = run(app)
    assert any("nope" in w for w in warnings(at)), warnings(at)
    assert at.selectbox(key=KEYS.selected).value is None
    assert not subheaders_in(at, "context")


def test_url_unit_and_year(app: AppTest):
    app.query_params["unit"] = "zhenbao"
    app.query_params["year"] = "1969"
    at = run(app)
    assert not warnings(at)
    assert at.slider(key=KEYS.year).value == 1969
    assert at.selectbox(key=KEYS.selected).value == "zhenbao"
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
    assert at.slider(key=KEYS.year).value == 1859


def test_url_written_back(app: AppTest):
    at = run(app)
    assert at.query_params["year"] == str(DEFAULT_YEAR)
    assert "unit" not in at.query_params
    at.slider(key=KEYS.year).set_value(1900)
    at.selectbox(key=KEYS.selected).set_value("tuva")
    run(at)
    assert at.query_params["year"] == "1900"
    assert at.query_params["unit"] == "tuva"
    at.selectbox(key=KEYS.selected).set_value(None)
    run(at)
    assert "unit" not in at.query_params


def test_a_small_selected_unit_is_zoomed_to_and_a_large_one_is_not(app):
    at = at_year(app, 2009)
    at.selectbox(key=KEYS.selected).set_value("tarabarov")
    args = map_args(run(at))
    assert args["zoom"] >= 10
    lat, lng = args["center"]
    assert abs(lat - 48.379) < 0.1 and abs(lng - 134.52) < 0.1  # history-facts.md §2
    # and the map, whatever its width, shows it whole
    assert update_sent(at)["fit"] is True
    at.selectbox(key=KEYS.selected).set_value("manchuria")
    args = map_args(run(at))
    assert args["zoom"] is None and args["center"] is None
    assert update_sent(at)["fit"] is False


def test_place_markers_carry_the_name_of_the_era(app):
    old = map_args(at_year(app, 1700))["feature_group"]
    assert "Haishenwai" in old and "Boli" in old and "Urga" in old
    assert "Vladivostok" not in old
    new = map_args(at_year(app, 1950))["feature_group"]
    assert "Vladivostok" in new and "Khabarovsk" in new and "Ulaanbaatar" in new
    assert "Haishenwai" not in new


def test_a_step_sends_styles_not_geometry(app: AppTest):
    """The polygons and border pieces are static files; a year only restyles them by id."""
    args = map_args(at_year(app, 1860))
    assert '"coordinates"' not in args["feature_group"]
    update = update_sent(app)
    assert update["lines"] and update["places"]
    # the whole component message, base map included, stays far below 20 KB: the base
    # map's script is one call, its settings a static file
    assert len(json.dumps(args)) < 10_000


def test_broken_data_give_a_clear_error_page_with_paths_in_the_project(app, monkeypatch):
    from conftest import ROOT

    from geo import loaders
    from geo.errors import DataError

    def broken() -> None:
        raise DataError(str(ROOT / "data" / "units.json"), "groups[1] (aigun_cession)", "no units")

    monkeypatch.setattr(loaders, "atlas", broken)
    monkeypatch.setattr(loaders, "static_files", lambda: 0)
    at = app.run()
    assert not at.exception
    (error,) = at.error
    assert "data/units.json: groups[1] (aigun_cession): no units" in unescape(error.value)
    assert str(ROOT) not in error.value


@pytest.mark.parametrize(
    ("start", "key", "expected"),
    [(1861, KEYS.next_change, 1864), (1861, KEYS.previous_change, 1860)],
    ids=["next", "previous"],
)
def test_the_change_buttons_step_to_the_nearest_change(app, start, key, expected):
    from geo.atlas import load_atlas
    from geo.changes import change_years, next_change_year, previous_change_year

    years = change_years(load_atlas())
    find = next_change_year if key == KEYS.next_change else previous_change_year
    assert find(years, start) == expected
    at = at_year(app, start)
    at.button(key=key).click()
    run(at)
    assert at.slider(key=KEYS.year).value == expected


def test_a_change_year_shows_what_changed(app):
    at = at_year(app, 1860)
    caption = unescape(at.get_by_key("change").markdown[0].value)
    assert caption.startswith("**What changed in 1860.** Convention of Peking, 14 Nov 1860")
    assert "km²" in caption and "→ **Russian Empire**" in caption
    assert not at_year(at, 1700).get_by_key("change").markdown[0].value
    units = update_sent(at_year(at, 1860))["units"]
    assert units["primorye"][7] is True and units["manchuria"][7] is False


def test_the_view_switch_recolours_the_map_and_goes_into_the_link(app):
    at = at_year(app, 1903)
    assert update_sent(at)["units"]["manchuria"][0] == "russia"
    at.segmented_control(key=KEYS.view).set_value("sovereign")
    run(at)
    sent = update_sent(at)
    assert sent["units"]["manchuria"][0] == "china" and sent["title"] == "Sovereign by treaty"
    assert at.query_params["view"] == "sovereign"


@pytest.mark.parametrize(
    ("raw", "view", "notice"),
    [("china", "china", False), ("<b>x</b>", "control", True), ("", "control", False)],
    ids=["known", "markup", "empty"],
)
def test_a_view_in_the_link(app, raw, view, notice):
    app.query_params["year"] = "1903"
    app.query_params["view"] = raw
    at = run(app)
    assert at.segmented_control(key=KEYS.view).value == view
    assert any("There is no view" in w for w in warnings(at)) is notice


def test_the_map_in_words_changes_with_the_year_and_the_view(app):
    at = at_year(app, 1903)
    words = text_of(at, "text_version")
    assert words.startswith("The map in words.")
    at.segmented_control(key=KEYS.view).set_value("sovereign")
    run(at)
    assert "Sovereign by treaty Qing dynasty" in text_of(at, "text_version")
    assert text_of(at_year(at, 1899), "text_version") != text_of(at_year(at, 1903), "text_version")


def test_the_event_strip_keeps_its_place_on_the_first_run_and_is_drawn_on_the_next(app):
    at = run(app)
    # the first run leaves the strip's place empty, so the map's scripts load first
    assert not at.get("vega_lite_chart")
    assert len(at.get_by_key("event_strip_slot")) == 0
    at = run(at)  # the map's first reply brings this run
    (chart,) = at.get("vega_lite_chart")
    assert json.loads(chart.proto.spec)["params"][0]["name"] == "event"
