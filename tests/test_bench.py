"""Benchmarks of the hot paths (pytest-benchmark), each also checking its result.

What the app does on every move of the year slider: take the year's view,
build the feature group and turn it into the JavaScript streamlit-folium sends
(replicated here with streamlit-folium's own functions, as ``st_folium`` calls
them), and make the GeoJSON download. Loading the atlas happens once per
server process.

Rounds are kept small so the file runs in a few seconds; with
``--benchmark-disable`` each benchmark runs its function once.
"""

from __future__ import annotations

import json
import re

import pytest
from conftest import expand_update

from geo.atlas import Atlas, load_atlas, situation_json, year_view
from geo.mapdata import line_atoms, map_update
from geo.mapview import base_map, year_layer

# streamlit-folium's helpers behind st_folium(); private, so imported defensively
sf = pytest.importorskip("streamlit_folium")
for _name in ("_get_feature_group_string", "_get_map_string", "_get_header", "_get_html"):
    if not hasattr(sf, _name):
        pytest.skip(f"streamlit_folium.{_name} is gone: update this file", allow_module_level=True)


def test_bench_load_atlas(benchmark):
    atlas = benchmark.pedantic(load_atlas, rounds=3, iterations=1)
    assert len(atlas.units) >= 16
    assert set(atlas.areas) == set(atlas.unit_ids) == set(atlas.geometries)
    assert ("manchuria", "primorye") in atlas.edges
    assert {ln.id for ln in atlas.treaty_lines} >= {"nerchinsk", "kyakhta", "peking"}


def test_bench_year_view(benchmark, atlas):
    view = benchmark.pedantic(year_view, args=(atlas, 1860), rounds=10, iterations=1)
    units = {u.id: u for u in view.units}
    assert view.on.isoformat() == "1860-12-31"
    assert units["primorye"].holder == "Russian Empire"
    assert units["manchuria"].side == "china"
    assert any(b.sides == ("china", "russia") for b in view.borders)
    assert {ln.kind for ln in view.lines} >= {"described", "demarcated"}


def _st_folium_map(atlas: Atlas):
    """The base map as st_folium renders it before adding the feature group."""
    m = base_map()
    m.get_root().render()
    m.render()
    return m, sf._get_html(m), sf._get_header(m), sf._get_map_string(m)


def test_bench_base_map_render(benchmark, atlas):
    m, _, header, script = benchmark.pedantic(_st_folium_map, args=(atlas,), rounds=5, iterations=1)
    assert "var map_div = L.map(" in script
    # the settings, the base layers and the units are fetched by atlas.js from the static
    # server, so the script resent with each year's update is a few lines
    assert 'atlasMap.start(map_div, "/app/static");' in script
    assert len(script.encode()) < 1500
    # constant on every run: streamlit-folium keeps the iframe, zoom and pan
    assert _st_folium_map(atlas)[3] == script
    # Leaflet and atlas.js are served locally; st_folium strips <script src> from the header
    assert [src for _, src in m.default_js] == [
        "/app/static/leaflet/leaflet.js",
        "/app/static/atlas/atlas.js",
    ]
    assert "<script src=" not in header


def test_bench_year_layer_to_js(benchmark, atlas):
    atoms = line_atoms(atlas.edges, atlas.treaty_lines)
    view = year_view(atlas, 1860)

    def setup():
        # st_folium adds the group to a freshly rendered map on every run
        return (_st_folium_map(atlas)[0],), {}

    def layer_js(m) -> str:
        fg = year_layer(map_update(atlas, atoms, 1860))
        return sf._get_feature_group_string(fg, map=m, idx=0)

    js = benchmark.pedantic(layer_js, setup=setup, rounds=5, iterations=1)
    assert js.lstrip().startswith("var feature_group_feature_group_0 = L.featureGroup(")
    assert "map_div.addLayer(feature_group_feature_group_0);" in js
    assert "window.feature_group.push(feature_group_feature_group_0);" in js
    # every unit is styled by its side, primorye Russian in 1860
    update = json.loads(re.search(r"atlasMap\.update\((\{.*\})\);", js).group(1))
    units, lines = expand_update(update)
    styled = {uid: u[0] for uid, u in units.items()}
    assert set(styled) == set(atlas.unit_ids)
    assert styled["primorye"] == "russia"
    assert styled["manchuria"] == "china"
    # border pieces by certainty, and every place of the year
    assert "described" in {kind for kind, _, _ in lines.values()}
    assert view.places
    assert sorted(update["places"]) == sorted(p.id for p in view.places)
    # the map id is rewritten to the div streamlit-folium creates
    assert not re.search(r"\bmap_[0-9a-f]{32}\b", js)


def test_bench_situation_json(benchmark, atlas):
    text = benchmark.pedantic(situation_json, args=(atlas, 2009), rounds=10, iterations=1)
    doc = json.loads(text)
    assert doc["date"] == "2009-12-31"
    props = {f["id"]: f["properties"] for f in doc["features"]}
    assert set(props) == set(atlas.unit_ids)
    assert props["heixiazi_west"]["holder"] == "People's Republic of China"
    assert props["tarabarov"]["side"] == "china"
    assert props["heixiazi_east"]["holder"] == "Russian Federation"
    assert props["heixiazi_west"]["since"] == "2008-10-14"
