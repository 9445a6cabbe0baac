"""AppTest tests of the Compare page (pages/compare.py): presets, two maps in step, the table."""

from __future__ import annotations

import html
import json
import re

import pytest
from conftest import expand_update, run, unescape
from streamlit.testing.v1 import AppTest

from geo.compare import KEYS, SAME

UNITS = {
    "amur_left_bank": "Left bank of the Amur (Priamurye)",
    "primorye": "Ussuri-Pacific coast (Primorye)",
}
_UPDATE = re.compile(r"atlasMap\.update\((\{.*\})\);")


@pytest.fixture
def page(load_page) -> AppTest:
    """The Compare page, run once."""
    return run(load_page("pages/compare.py"))


def maps(at: AppTest) -> list[dict]:
    """The arguments of the page's map components, in order."""
    return [json.loads(c.proto.json_args) for c in at.get("component_instance")]


def holders(args: dict) -> dict[str, str]:
    match = _UPDATE.search(args["feature_group"])
    assert match, args["feature_group"][:300]
    units, _ = expand_update(json.loads(match.group(1)))
    return {uid: html.unescape(u[2]) for uid, u in units.items()}


def table(at: AppTest):
    (frame,) = at.get_by_key("compare_changes").table
    return frame.value


def choose(at: AppTest, pair: tuple[int, int]) -> AppTest:
    at.pills(key=KEYS.preset).set_value(pair)
    return run(at)


def test_the_1857_1861_preset_lists_the_amur_left_bank_and_the_ussuri_region(page, atlas):
    choose(page, (2003, 2009))
    assert page.number_input(key=KEYS.first).value == 2003
    assert UNITS["amur_left_bank"] not in list(table(page)["Unit"])
    choose(page, (1857, 1861))
    assert (page.number_input(key=KEYS.first).value, page.number_input(key=KEYS.second).value) == (
        1857,
        1861,
    )
    rows = table(page).set_index("Unit")
    for uid, name in UNITS.items():
        assert rows.loc[name, "Area"] == f"{atlas.areas[uid]:,.0f}\u00a0km²"
        assert rows.loc[name, "In 1861"] == "Russian Empire"
        assert "Treaty of Aigun" in rows.loc[name, "Treaties and events between"]
    totals = unescape(page.get_by_key("compare_totals").markdown[0].value)
    expected = sum(atlas.areas[u] for u in ("amur_left_bank", "uda", "primorye"))
    assert f"**Contested or undetermined → Russia**: {expected:,.0f} km²" in totals


def test_each_map_shows_its_own_year_and_links_to_the_map_page(page):
    first, second = maps(page)
    assert holders(first)["primorye"] == "Contested"
    assert holders(second)["primorye"] == "Russian Empire"
    # the same base map, so that the two keep their frames across runs
    assert first["script"] == second["script"]
    links = {link.proto.label: link.proto.query_string for link in page.get("page_link")}
    assert links == {"Open 1857 on the map": "year=1857", "Open 1861 on the map": "year=1861"}


def test_the_maps_load_their_scripts_from_the_app_and_are_not_a_dual_map(page):
    for args in maps(page):
        assert all(src.startswith("/app/static/") for src in args["js_links"] + args["css_links"])
        assert "map_div2" not in args["script"]


def report(at: AppTest, key: str, lat: float, lng: float, zoom: int) -> AppTest:
    """What st_folium stores when the reader pans the map ``key``."""
    at.session_state[key] = {"center": {"lat": lat, "lng": lng}, "zoom": zoom}
    return run(at)


def views(at: AppTest) -> list[tuple]:
    return [(tuple(a["center"]), a["zoom"]) for a in maps(at)]


def test_the_maps_open_on_the_land_that_changed(page, atlas):
    ((lat, lng), zoom), second = views(page)
    assert second == ((lat, lng), zoom)
    # the Amur and Ussuri lands, in the Far East
    assert 45 < lat < 54 and 125 < lng < 136
    choose(page, (2003, 2009))
    ((lat, lng), zoom), _ = views(page)
    assert zoom >= 9 and 134 < lng < 135


def test_a_pan_of_either_map_moves_both(page):
    opened = views(page)[0]
    # each map's first report is where it opened
    report(page, KEYS.first_map, *opened[0], opened[1])
    report(page, KEYS.second_map, *opened[0], opened[1])
    assert views(page) == [opened] * 2
    report(page, KEYS.second_map, 46.5, 134.0, 6)
    assert views(page) == [((46.5, 134.0), 6)] * 2
    # the first map follows and says so: nothing moves
    report(page, KEYS.first_map, 46.5, 134.0, 6)
    assert views(page) == [((46.5, 134.0), 6)] * 2
    report(page, KEYS.first_map, 42.0, 80.0, 5)
    assert views(page) == [((42.0, 80.0), 5)] * 2


def test_a_year_of_ones_own_unmarks_the_preset_and_the_table_follows(page):
    page.number_input(key=KEYS.first).set_value(1900)
    run(page)
    assert page.pills(key=KEYS.preset).value is None
    assert [h.value for h in page.header] == ["What differs between 1900 and 1861"]
    assert holders(maps(page)[0])["manchuria"] == "Russian Empire"


def test_the_same_year_twice_gives_no_table(page):
    page.number_input(key=KEYS.first).set_value(1861)
    run(page)
    assert [i.value for i in page.info] == [SAME]
    assert not page.table


def test_the_colour_switch_recolours_both_maps_and_the_links(page):
    page.segmented_control(key=KEYS.colour).set_value("sovereign")
    run(page)
    assert all('"title": "Sovereign by treaty"' in a["feature_group"] for a in maps(page))
    assert all("view=sovereign" in link.proto.query_string for link in page.get("page_link"))
