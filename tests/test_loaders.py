"""The map element of ``geo.loaders`` sends what ``st_folium`` sends, the base map made once."""

from __future__ import annotations

import gc
import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
import streamlit_folium
from conftest import run
from streamlit_folium import st_folium

from geo import loaders
from geo.atlas import Atlas
from geo.mapdata import line_atoms, map_update
from geo.mapview import base_map, map_options, unit_focus, year_layer
from geo.session import MAP_PAGE

if TYPE_CHECKING:
    from streamlit.testing.v1 import AppTest

# folium names every element with a random hex suffix (map_1f2e…, feature_group_…)
_RANDOM_ID = re.compile(r"_[0-9a-f]{32}")


def _component_args(monkeypatch: pytest.MonkeyPatch, draw: Any, **options: Any) -> dict[str, Any]:
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kw: sent.append(kw))
    draw(**options)
    (args,) = sent
    args.pop("on_change")
    return {k: _RANDOM_ID.sub("_ID", v) if isinstance(v, str) else v for k, v in args.items()}


@pytest.mark.parametrize(
    ("year", "unit"), [(1700, None), (1860, "primorye"), (2008, "heixiazi_east")]
)
def test_atlas_map_sends_what_st_folium_sends(
    monkeypatch: pytest.MonkeyPatch, atlas: Atlas, year: int, unit: str | None
) -> None:
    atoms = line_atoms(atlas.edges, atlas.treaty_lines)
    update = map_update(atlas, atoms, year, unit, "control", "en")
    options = map_options(unit_focus(atlas, unit))
    ours = _component_args(
        monkeypatch, loaders.atlas_map, layer=year_layer(update), key="map", **options
    )
    theirs = _component_args(
        monkeypatch,
        st_folium,
        fig=base_map(),
        key="map",
        feature_group_to_add=year_layer(update),
        use_container_width=True,
        **options,
    )
    assert ours == theirs
    assert f'"selected": {json.dumps(unit)}' in ours["feature_group"]


def test_atlas_map_base_is_the_same_on_every_run(
    monkeypatch: pytest.MonkeyPatch, atlas: Atlas
) -> None:
    atoms = line_atoms(atlas.edges, atlas.treaty_lines)
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kw: sent.append(kw))
    for year in (1850, 1860):
        layer = year_layer(map_update(atlas, atoms, year, None, "control", "en"))
        loaders.atlas_map(layer, key="map", **map_options(None))
    first, second = sent
    for name in ("script", "header", "html", "id", "key", "css_links", "js_links"):
        assert first[name] == second[name], name
    assert first["feature_group"] != second["feature_group"]
    assert second["feature_group"].count("window.feature_group.push") == 1


def test_what_a_page_loads_is_frozen_out_of_the_collectors_walk(
    load_page: Callable[[str], AppTest],
) -> None:
    # Streamlit's collection after every run walks every object the collector tracks
    loaders.frozen_heap.clear()  # as in a new process, whatever other tests have loaded
    run(load_page(MAP_PAGE))
    tracked = {id(o) for o in gc.get_objects()}
    loaded = loaders.atlas()
    assert loaders.frozen_heap() >= len(loaded.units)
    for obj in (loaded, loaded.units, loaded.units[0], loaders.map_atoms(), loaders._base_map()):
        assert id(obj) not in tracked, type(obj).__name__
    made_after = [object()]
    assert id(made_after) in {id(o) for o in gc.get_objects()}
