"""AppTest tests of the Tour page (pages/tour.py): every stop by Next, Back, progress, the link."""

from __future__ import annotations

import json
import shutil
from urllib.parse import parse_qs

import pytest
from conftest import DATA, run, unescape
from streamlit.testing.v1 import AppTest

from geo.atlas import last_year
from geo.mapdata import VIEWS
from geo.mapview import unit_focus
from geo.tour import KEYS, load_tour

PAGE = "pages/tour.py"


@pytest.fixture(scope="module")
def stops(atlas):
    return load_tour(DATA / "tour.json", atlas.unit_ids, last_year()).stops


def _map_args(at: AppTest) -> dict:
    (component,) = at.get("component_instance")
    return json.loads(component.proto.json_args)


def _progress(at: AppTest) -> tuple[int, str]:
    (bar,) = at.get("progress")
    return bar.proto.value, bar.proto.text


def _link(at: AppTest) -> dict[str, list[str]]:
    (link,) = at.get("page_link")
    assert link.proto.label == "Open on the map"
    return parse_qs(link.proto.query_string)


def _notices(at: AppTest) -> list[str]:
    return [unescape(w.value) for w in at.get_by_key("tour_notices").warning]


def _heading(at: AppTest) -> str:
    return unescape(at.subheader[0].value)


def test_next_walks_through_every_stop_and_back_returns(load_page, atlas, stops):
    at = run(load_page(PAGE))
    count = len(stops)
    for number, stop in enumerate(stops, start=1):
        assert _heading(at) == f"{stop.year}: {stop.title}"
        value, text = _progress(at)
        assert text == f"Stop {number} of {count}"
        assert abs(value - 100 * number / count) < 1
        assert at.query_params["stop"] == str(number)
        assert at.button(key=KEYS.back).disabled == (number == 1)
        assert at.button(key=KEYS.next).disabled == (number == count)
        # the map of the stop: its year's update, its unit selected, its centre and zoom
        args = _map_args(at)
        center, zoom = stop.focus or unit_focus(atlas, stop.unit)
        assert (args["center"], args["zoom"]) == (list(center), zoom)
        assert args["returned_objects"] == []
        assert f'"title": "{VIEWS[stop.view]}"' in args["feature_group"]
        assert _link(at) == {"year": [str(stop.year)], "unit": [stop.unit]} | (
            {} if stop.view == "control" else {"view": [stop.view]}
        )
        if number < count:
            at.button(key=KEYS.next).click()
            run(at)
    assert at.button(key=KEYS.next).disabled  # the last stop: Next is off
    at.button(key=KEYS.back).click()
    run(at)
    assert _heading(at) == f"{stops[-2].year}: {stops[-2].title}"
    assert _progress(at)[1] == f"Stop {count - 1} of {count}"


def test_each_stop_quotes_its_passage_and_names_its_source(load_page, stops):
    at = load_page(PAGE)
    at.query_params["stop"] = "4"
    run(at)
    text = [unescape(m.value) for m in at.main.get("markdown")]
    assert "**The article, “Russian encroachment”**" in text
    quoted = [t for t in text if t.startswith("> ")]
    assert quoted and "Treaty of Aigun" in quoted[0]
    assert stops[3].narration in text
    captions = [unescape(c.value) for c in at.caption]
    assert f"Source: {stops[3].source}" in captions


def test_the_link_opens_a_stop_and_a_bad_one_is_clamped_with_a_notice(load_page, stops):
    at = load_page(PAGE)
    at.query_params["stop"] = "3"
    run(at)
    assert _progress(at)[1] == f"Stop 3 of {len(stops)}"
    assert not _notices(at)

    at = load_page(PAGE)
    at.query_params["stop"] = "99"
    run(at)
    assert _progress(at)[1] == f"Stop {len(stops)} of {len(stops)}"
    (warning,) = _notices(at)
    assert warning == (f"The tour has {len(stops)} stops; showing stop {len(stops)} instead of 99.")
    # it stays on the map's reply, and goes once the reader moves on
    run(at)
    assert len(_notices(at)) == 1
    at.button(key=KEYS.back).click()
    run(at)
    assert not _notices(at)

    at = load_page(PAGE)
    at.query_params["stop"] = "<b>x</b>"
    run(at)
    assert _progress(at)[1] == f"Stop 1 of {len(stops)}"
    (warning,) = _notices(at)
    assert "'<b>x</b>' in the link is not a number; showing stop 1 instead" in warning


def test_a_broken_tour_file_gives_an_error_page(load_page, monkeypatch, tmp_path):
    import geo.config

    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    doc = json.loads((data / "tour.json").read_text(encoding="utf-8"))
    doc["stops"][1]["view"] = "satellite"
    (data / "tour.json").write_text(json.dumps(doc), encoding="utf-8")
    monkeypatch.setattr(geo.config, "DATA_DIR", data)
    at = run(load_page(PAGE))
    (error,) = at.error
    assert "The tour cannot be shown." in error.value
    assert "tour.json: stops[1] (nerchinsk-1689): view 'satellite'" in unescape(error.value)
    assert str(tmp_path) not in error.value
    assert not at.get("component_instance")
