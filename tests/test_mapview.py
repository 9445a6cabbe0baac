"""Tests for geo.mapview: escaping, an offline base map, and the year's feature group."""

from __future__ import annotations

import json
import re

import folium
import pytest
from shapely.geometry import LineString, MultiLineString, box, mapping

from geo.atlas import LegendRow, LineView, PlaceView, UnitView
from geo.config import REPO
from geo.mapview import (
    BORDER_COLOR,
    base_map,
    place_collection,
    legend_html,
    unit_collection,
    year_layer,
)

EVIL = "<script>alert(1)</script>"
WEB_JS = (REPO / "geo" / "web" / "atlas.js").read_text(encoding="utf-8")
GEOMETRIES = {
    "a": mapping(box(120, 45, 121, 46)),
    "b": mapping(box(121, 45, 122, 46)),
    "c": mapping(box(120, 46, 122, 47)),
}
VIEWS = (
    UnitView("a", EVIL, f"Holder {EVIL}", "china", f"Claimant & {EVIL}", "#d9534f"),
    UnitView("b", "Plain B", "Russian Empire", "russia", "", "#4a7bb7"),
    UnitView("c", "Plain C", "Held jointly", "joint", "Qing dynasty, Russian Empire", "#5fa88e"),
)


def _render(fg: folium.FeatureGroup) -> str:
    m = folium.Map(tiles=None)
    fg.add_to(m)
    return m.get_root().render()


# ------------------------------------------------------------------ unit_collection


def test_unit_collection_escapes_names_holders_and_claimants():
    fc = unit_collection(GEOMETRIES, VIEWS)
    props = fc["features"][0]["properties"]
    assert props["name"] == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert props["holder"] == "Holder &lt;script&gt;alert(1)&lt;/script&gt;"
    assert props["claimants"].startswith("Claimant &amp; &lt;script&gt;")
    assert "<script>" not in json.dumps(fc)


def test_unit_collection_features_and_selection():
    fc = unit_collection(GEOMETRIES, VIEWS, selected="b")
    assert fc["type"] == "FeatureCollection"
    assert [f["id"] for f in fc["features"]] == ["a", "b", "c"]
    assert [f["properties"]["selected"] for f in fc["features"]] == [False, True, False]
    assert fc["features"][1]["geometry"] == GEOMETRIES["b"]
    assert fc["features"][1]["properties"]["claimants"] == "none"
    assert fc["features"][2]["properties"]["side"] == "joint"
    assert fc["features"][2]["properties"]["color"] == "#5fa88e"


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
    m = base_map([LegendRow("China <b>", "#d9534f"), LegendRow("Border", "#111", line=True)])
    return m, m.get_root().render()


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


def test_rendered_base_map_has_no_cdn_script_or_stylesheet(base):
    _, page = base
    tags = [t.group(0) for t in TAG.finditer(page)]
    urls = [u for t in tags for u in URL.findall(t)]
    assert urls, "Leaflet itself should be loaded"
    for url in urls:
        assert url.startswith("/app/static/"), url
    lowered = page.lower()
    assert "cdn" not in lowered
    assert "https://" not in lowered and "http://" not in lowered


def test_base_map_fetches_base_layers_from_the_static_server(base):
    _, page = base
    call = re.search(r"atlasMap\.addBaseLayers\(map_\w+, (\{.*\})\);", page)
    settings = json.loads(call.group(1))
    assert settings["url"] == "/app/static"
    assert settings["layers"] == ["land", "lakes", "rivers"]
    assert set(settings["styles"]) == {"land", "lakes", "rivers"}
    assert '"/base/" + name + ".geojson"' in WEB_JS


def test_base_map_legend_is_escaped(base):
    _, page = base
    assert "China &lt;b&gt;" in page
    assert "China <b>" not in page


def test_base_map_static_url_is_configurable():
    m = base_map([], static_url="/elsewhere")
    assert [url for _, url in m.default_js] == [
        "/elsewhere/leaflet/leaflet.js",
        "/elsewhere/atlas/atlas.js",
    ]
    assert "/app/static" not in m.get_root().render()


# ------------------------------------------------------------------ year_layer


@pytest.fixture(scope="module")
def layer_page():
    units = unit_collection(GEOMETRIES, VIEWS, selected="a")
    lines = [
        LineView(
            "china-russia",
            "China / Russia",
            LineString([(121, 45), (121, 46)]),
            "border",
            None,
            2.6,
            BORDER_COLOR,
        ),
        LineView("empty", "Nothing", MultiLineString(), "border", None, 2.6, BORDER_COLOR),
    ]
    places = [PlaceView("aigun", 127.5, 50.0, f"Aigun {EVIL}", "Айгунь", "瑷珲")]
    return _render(year_layer(units, lines, places))


def test_year_layer_gives_each_territory_its_class(layer_page):
    for uid, side in (("a", "china"), ("b", "russia"), ("c", "joint")):
        assert f"territory territory-{uid} side-{side}" in layer_page


def test_year_layer_draws_the_border_lines(layer_page):
    assert "line line-border line-china-russia" in layer_page
    assert "line-empty" not in layer_page


def test_year_layer_prunes_old_feature_groups(layer_page):
    assert "atlasMap.pruneFeatureGroups(" in layer_page
    assert "window.feature_group = (window.feature_group || []).filter(" in WEB_JS
    assert "map.hasLayer(l)" in WEB_JS


def test_year_layer_escapes_data_in_the_page(layer_page):
    assert "<script>alert(1)" not in layer_page
    # folium writes the escaped text as JSON, with & as \u0026
    assert "Aigun \\u0026lt;script\\u0026gt;" in layer_page
    assert "place place-aigun" in layer_page


def test_places_and_territories_share_one_escaping_path():
    places = place_collection([PlaceView("x", 1.0, 2.0, EVIL, "<ru>", "<zh>")])
    units = unit_collection(GEOMETRIES, VIEWS[:1])
    assert places["features"][0]["properties"]["label"] == (
        "&lt;script&gt;alert(1)&lt;/script&gt; · &lt;ru&gt; · &lt;zh&gt;"
    )
    assert units["features"][0]["properties"]["name"] == "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_year_layer_without_units_or_lines_still_prunes():
    page = _render(year_layer({"type": "FeatureCollection", "features": []}, [], []))
    assert "territory territory-" not in page
    assert "atlasMap.pruneFeatureGroups(" in page


def test_a_place_name_cannot_break_out_of_the_tooltip_script():
    evil = PlaceView("x", 130.0, 45.0, "a`;alert(1);`", "${alert(2)}", "\\`")
    fg = year_layer({"type": "FeatureCollection", "features": []}, [], [evil])
    m = folium.Map(tiles=None)
    fg.add_to(m)
    page = m.get_root().render()
    # the names travel as JSON data, never inside a template literal
    assert "bindTooltip(`" not in page and "`;alert(1);`" not in page.split("addData")[0]
    data = re.search(r"_add\((\{.*\})\);", page).group(1)
    assert (
        json.loads(data)["features"][0]["properties"]["label"]
        == "a`;alert(1);` · ${alert(2)} · \\`"
    )
