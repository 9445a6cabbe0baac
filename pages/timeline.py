"""Timeline: who held each territory when, the area each side held, and the dated events."""

from __future__ import annotations

import streamlit as st

from geo import loaders
from geo.atlas import last_year
from geo.config import FIRST_YEAR
from geo.session import MAP_PAGE, map_link
from geo.timeline import PICKS, chart_specs, event_rows, event_target, filter_events, picked

atlas, _ = loaders.atlas_or_stop()
LAST = last_year()


@st.cache_data(show_spinner=False)
def specs(last: int) -> tuple[dict, dict]:
    """The charts, made once per process and year (the atlas does not change while it runs)."""
    return chart_specs(loaders.atlas(), last)


control_spec, area_spec = specs(LAST)

st.title("Timeline")
st.caption(
    f"Who held each territory, year by year, from {FIRST_YEAR} to today; click a bar, a treaty's ▼ "
    "or an event to open the map at that year."
)

st.header("Control", anchor=False)
st.caption(
    "One row per territory, one bar per period of control, in the colour of the side that held "
    "it. An inner bar with a dashed border marks a lease, an occupation, joint rule or a "
    "contested hold; it is in the colour of the sovereign by treaty, or white where there is "
    "none. Each ▼ and dotted line is a treaty coming into force."
)
control = st.vega_lite_chart(
    spec=control_spec,
    key="control_chart",
    on_select="rerun",
    selection_mode=list(PICKS),
    width="stretch",
)
if target := picked(control["selection"]):
    st.switch_page(MAP_PAGE, query_params=map_link(*target))

st.header("Area held by each side", anchor=False)
st.caption(
    "The km² of the atlas's territories each side held on 31 December, computed from the "
    "periods of control and the territories' polygons."
)
st.vega_lite_chart(spec=area_spec, key="area_chart", width="stretch")

st.header("Events", anchor=False)
search, territory = st.columns(2)
text = search.text_input("Search", key="event_text", placeholder="A treaty, a place, a source")
unit = territory.selectbox(
    "Territory",
    atlas.unit_ids,
    index=None,
    key="event_unit",
    placeholder="All territories",
    format_func=lambda uid: atlas.unit(uid).name_en,
)
years = st.slider("Years", FIRST_YEAR, LAST, (FIRST_YEAR, LAST), key="event_years")
events = filter_events(atlas, text, years, unit)
st.caption(f"{len(events)} of {len(atlas.events)} events. Select a row to open the map there.")
table = st.dataframe(
    event_rows(atlas, events),
    key="events_table",
    on_select="rerun",
    selection_mode="single-row",
    hide_index=True,
    width="stretch",
    column_config={
        name: st.column_config.TextColumn(width=width)
        for name, width in (("Event", "large"), ("Territories", "medium"), ("Source", "large"))
    },
)
if table["selection"]["rows"]:
    chosen = events[table["selection"]["rows"][0]]
    st.switch_page(MAP_PAGE, query_params=map_link(*event_target(chosen, unit)))
