"""Tests for geo.mapview: escaping, an offline base map, and the year's feature group."""

from __future__ import annotations

import json
import re

import folium
import pytest
from conftest import ROOT, expand_update

from geo.atlas import LegendRow
from geo.mapdata import MapUpdate, UnitStyle
from geo.mapview import (
    ONLINE_TILES,
    SELECTED_COLOR,
    base_map,
    legend_html,
    map_settings,
    year_layer,
)
from geo.treaties import Certainty

EVIL = "<script>alert(1)</script>"
WEB_JS = (ROOT / "geo" / "web" / "atlas.js").read_text(encoding="utf-8")
STYLES = {
    "demarcated": Certainty("demarcated", "Demarcated", None, 2.6, "#1d1d1d"),
    "de_facto": Certainty("de_facto", "De facto", "8 4 2 4", 2.0, "#444444"),
}
UPDATE = MapUpdate(
    units={
        "a": UnitStyle("china", "#d9534f", f"Holder {EVIL}", True),
        "b": UnitStyle(
            "russia", "#4a7bb7", "Russian Empire", False, f"Qing {EVIL}", "#d9534f", "lease"
        ),
    },
    lines={"e0": ("demarcated", "china-russia", "aigun")},
    places={"aigun": f"Aigun {EVIL} · Айгунь · 瑷珲"},
)


def _render(fg: folium.FeatureGroup) -> str:
    m = folium.Map(tiles=None)
    fg.add_to(m)
    return m.get_root().render()


def _call(page: str, function: str) -> dict:
    match = re.search(rf"atlasMap\.{function}\((?:map_\w+, )?(\{{.*\}})\);", page)
    assert match, f"no call of atlasMap.{function} in the page"
    return json.loads(match.group(1))


# ------------------------------------------------------------------ legend_html


def test_legend_html_escapes_title_labels_colours_and_dashes():
    rows = [
        LegendRow(EVIL, "#fff"),
        LegendRow("Border", "red' onmouseover='x", line=True, dash="4 <b>"),
    ]
    out = legend_html(rows, f"Held by {EVIL}")
    assert "<script>" not in out
    assert out.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2
    assert "onmouseover='x" not in out
    assert "&lt;b&gt;" in out


def test_legend_html_draws_a_swatch_or_a_line():
    out = legend_html([LegendRow("China", "#d9534f"), LegendRow("Border", "#111", line=True)], "T")
    assert out.count("atlas-legend-row") == 2
    assert "background:#d9534f" in out
    assert "<svg" in out and "stroke='#111'" in out
    assert "stroke-dasharray" not in out


# ------------------------------------------------------------------ base_map

TAG = re.compile(r"<(script|link)\b[^>]*>", re.IGNORECASE)
URL = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


@pytest.fixture(scope="module")
def base():
    """The base map and its rendered page."""
    m = base_map()
    return m, m.get_root().render()


@pytest.fixture(scope="module")
def settings():
    """The map's settings with a two-row legend, as written to settings.json."""
    rows = [LegendRow("China <b>", "#d9534f"), LegendRow("Border", "#111", line=True)]
    return map_settings(rows, STYLES)


def test_base_map_loads_only_leaflet_and_its_own_files_from_the_static_server(base):
    m, _ = base
    assert [url for _, url in m.default_js] == [
        "/app/static/leaflet/leaflet.js",
        "/app/static/atlas/atlas.js",
    ]
    assert [url for _, url in m.default_css] == [
        "/app/static/leaflet/leaflet.css",
        "/app/static/atlas/atlas.css",
    ]
    for _, url in [*m.default_js, *m.default_css]:
        assert "http" not in url


def test_rendered_base_map_has_no_cdn_script_or_stylesheet(base, settings):
    _, page = base
    tags = [t.group(0) for t in TAG.finditer(page)]
    urls = [u for t in tags for u in URL.findall(t)]
    assert urls, "Leaflet itself should be loaded"
    for url in urls:
        assert url.startswith("/app/static/"), url
    text = (page + json.dumps(settings)).lower()
    assert "cdn" not in text
    # the only web addresses are the optional online bases' tiles and attribution links,
    # which load only when a reader chooses one
    online = set()
    for _, provider in ONLINE_TILES:
        online.add(provider.build_url().lower())
        online |= {u.lower() for u in re.findall(r'href="([^"]+)"', provider.html_attribution)}
    found = set(re.findall(r'https?://[^"\\ ]+', text.replace('\\"', '"')))
    assert found <= online, found - online


def test_base_map_script_is_one_call_that_reads_the_settings_file(base):
    _, page = base
    assert re.search(r'atlasMap\.start\(map_\w+, "/app/static"\);', page)
    assert '"/atlas/settings.json"' in WEB_JS
    for call in ("addBaseLayers", "addUnits", "addFrame", "addLayerControl", "addLegend"):
        assert f"atlasMap.{call}(" not in page


def test_settings_fetch_the_base_layers_from_the_static_server(settings):
    assert settings["base"]["layers"] == ["land", "lakes", "rivers"]
    assert set(settings["base"]["styles"]) == {"land", "lakes", "rivers"}
    assert '"/base/" + name + ".geojson"' in WEB_JS


def test_settings_legend_is_escaped_and_explains_the_change_outlines(settings):
    assert "China &lt;b&gt;" in settings["legend"]
    assert "China <b>" not in settings["legend"]
    assert "changed hands" in settings["legend"]
    assert "year before" in settings["legend"]


def test_settings_panes_take_no_pointer_and_sit_above_the_land(settings):
    panes = dict(settings["panes"])
    assert panes["borders"] > panes["water"] > panes["neighbours"]
    assert 'pane.style.pointerEvents = "none"' in WEB_JS


def test_base_map_static_url_is_configurable():
    m = base_map(static_url="/elsewhere")
    assert [url for _, url in m.default_js] == [
        "/elsewhere/leaflet/leaflet.js",
        "/elsewhere/atlas/atlas.js",
    ]
    page = m.get_root().render()
    assert "/app/static" not in page
    assert '"/elsewhere"' in page


# ------------------------------------------------------------------ the units and borders


def test_settings_style_the_units_borders_and_places_loaded_once(settings):
    units = settings["units"]
    assert units["lines"]["de_facto"] == {"color": "#444444", "weight": 2.0, "dash": "8 4 2 4"}
    assert units["unit"]["selectedColor"] == SELECTED_COLOR
    for name in ("units", "lines", "places"):
        assert f'"/atlas/{name}.geojson"' in WEB_JS


def test_base_map_is_the_same_whatever_the_year():
    first = base_map().get_root().render()
    again = base_map().get_root().render()
    strip = re.compile(r"_[0-9a-f]{32}")
    assert strip.sub("", first) == strip.sub("", again)


# ------------------------------------------------------------------ year_layer


@pytest.fixture(scope="module")
def layer_page():
    """The page of a map with the year layer of a small update."""
    return _render(year_layer(UPDATE))


def test_year_layer_sends_the_update_and_no_geometry(layer_page):
    data = _call(layer_page, "update")
    units, lines = expand_update(data)
    assert units["a"] == [
        "china",
        "#d9534f",
        "Holder &lt;script&gt;alert(1)&lt;/script&gt;",
        True,
        "",
        "",
        "",
        False,
    ]
    assert lines == {"e0": ["demarcated", "china-russia", "aigun"]}
    assert "coordinates" not in layer_page.split("atlasMap.update(")[1]


def test_a_divided_unit_is_hatched_in_its_sovereigns_colour(layer_page):
    unit = expand_update(_call(layer_page, "update"))[0]["b"]
    assert unit[4:] == ["#d9534f", "lease", "Qing &lt;script&gt;alert(1)&lt;/script&gt;", False]
    assert "hatchFill(s[1], s[4])" in WEB_JS


def test_year_layer_escapes_data_in_the_page(layer_page):
    assert "<script>alert(1)" not in layer_page
    assert _call(layer_page, "update")["places"]["aigun"].startswith("Aigun &lt;script&gt;")


def test_year_layer_prunes_old_feature_groups(layer_page):
    assert "atlasMap.pruneFeatureGroups(" in layer_page
    assert "window.feature_group = (window.feature_group || []).filter(" in WEB_JS
    assert "map.hasLayer(l)" in WEB_JS


def test_an_empty_update_still_prunes():
    page = _render(year_layer(MapUpdate({}, {}, {})))
    expected = {
        "styles": [],
        "selected": None,
        "changed": [],
        "lines": [],
        "places": {},
        "ghosts": [],
        "title": "Held by",
        "lang": "en",
        "fit": False,
    }
    assert _call(page, "update") == expected
    assert "atlasMap.pruneFeatureGroups(" in page


def test_an_update_for_a_focused_unit_asks_the_map_to_show_it_whole():
    page = _render(year_layer(MapUpdate({}, {}, {}), fit=True))
    assert _call(page, "update")["fit"] is True


def test_the_script_draws_classes_the_tests_and_styles_rely_on():
    for hook in ('"territory territory-"', '"side-"', '"line line-"', '"place place-"'):
        assert hook in WEB_JS, hook
