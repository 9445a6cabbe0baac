"""AppTest tests of the Timeline page (pages/timeline.py): the charts, the events, the links."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from conftest import run
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

PAGE = "pages/timeline.py"


@pytest.fixture
def timeline(load_page) -> AppTest:
    """The Timeline page, run once."""
    return run(load_page(PAGE))


def charts(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


def chart_data(at: AppTest, index: int) -> dict[str, pd.DataFrame]:
    """The data sets of a chart, by name: Streamlit sends them beside the spec, as Arrow."""
    chart = at.get("vega_lite_chart")[index]
    return {d.name: convert_arrow_bytes_to_pandas_df(d.data.data) for d in chart.proto.datasets}


def events_table(at: AppTest):
    (table,) = at.dataframe
    return table.value


def test_the_page_shows_both_charts_and_every_event(timeline: AppTest, atlas):
    assert [h.value for h in timeline.header] == ["Control", "Area held by each side", "Events"]
    control, area = charts(timeline)
    assert {p["name"] for p in control["params"]} == {"period", "inner_period", "treaty"}
    assert area["mark"]["interpolate"] == "step-after"
    colours = [s.color for s in atlas.sides.values()]
    assert control["layer"][0]["encoding"]["color"]["scale"]["range"] == colours
    table = events_table(timeline)
    assert len(table) == len(atlas.events)
    assert list(table.columns) == ["Date", "Event", "Territories", "Source", "Note"]
    assert table["Source"].str.len().min() > 0


def test_the_bars_are_the_periods_and_the_marks_the_treaties(timeline: AppTest, atlas):
    control, _ = charts(timeline)
    data = chart_data(timeline, 0)
    bars = data[control["layer"][0]["data"]["name"]]
    assert len(bars) == len(atlas.periods)
    treaties = data[control["layer"][3]["data"]["name"]]
    assert "Treaty of Aigun" in set(treaties["treaty"])


def test_the_search_filters_the_events(timeline: AppTest):
    timeline.text_input(key="event_text").input("aigun")
    run(timeline)
    assert list(events_table(timeline)["Event"]) == ["Treaty of Aigun"]
    assert f"1 of {len(timeline_atlas().events)} events" in timeline.caption[-1].value


def test_the_territory_and_the_years_filter_the_events(timeline: AppTest):
    timeline.selectbox(key="event_unit").select("zhenbao")
    run(timeline)
    table = events_table(timeline)
    assert len(table) >= 3
    assert table["Territories"].str.contains("Damansky").all()
    timeline.slider(key="event_years").set_value((1900, 1970))
    run(timeline)
    assert list(events_table(timeline)["Date"]) == ["1969-03-02", "1969-03-15"]


def test_choosing_an_event_opens_the_map_at_its_year(timeline: AppTest):
    timeline.text_input(key="event_text").input("cedes the Ussuri")
    run(timeline)
    timeline.session_state["events_table"] = {"selection": {"rows": [0], "columns": []}}
    at = run(timeline)
    assert at.slider(key="year").value == 1860
    assert at.session_state["selected"] == "primorye"
    assert at.query_params["year"] == "1860"


@pytest.mark.parametrize(
    ("selection", "year", "unit"),
    [
        ({"period": [{"unit": "kwantung", "year": 1898}]}, 1898, "kwantung"),
        ({"inner_period": [{"unit": "amur_left_bank", "year": 1858}]}, 1858, "amur_left_bank"),
        ({"treaty": [{"year": 1689}]}, 1689, None),
    ],
)
def test_a_click_on_the_chart_opens_the_map_at_its_year(timeline: AppTest, selection, year, unit):
    timeline.session_state["control_chart"] = {"selection": selection}
    at = run(timeline)
    assert at.slider(key="year").value == year
    assert at.session_state["selected"] == unit


def test_the_map_reads_the_year_again_after_a_visit(load_page):
    at = run(load_page("pages/map.py"))
    at.slider(key="year").set_value(1700)
    run(at)
    at.switch_page(PAGE)
    run(at)
    at.session_state["control_chart"] = {"selection": {"treaty": [{"year": 1860}]}}
    run(at)
    assert at.slider(key="year").value == 1860


def timeline_atlas():
    from geo.atlas import load_atlas

    return load_atlas()
