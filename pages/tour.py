"""The guided tour: stop by stop through the story, each with its map, passage and source."""

from __future__ import annotations

import streamlit as st

from geo import loaders, tour
from geo.atlas import last_year
from geo.config import DATA_DIR
from geo.errors import DataError
from geo.mapdata import map_update
from geo.mapview import CENTER, HEIGHT, ZOOM, unit_focus, year_layer
from geo.session import MAP_PAGE, map_link
from geo.text import md_escape

atlas, _ = loaders.atlas_or_stop()
try:
    the_tour = tour.load_tour(DATA_DIR / tour.TOUR_FILE, atlas.unit_ids, last_year())
except DataError as exc:
    st.error(f"The tour cannot be shown.\n\n{md_escape(str(exc).replace(f'{DATA_DIR}/', ''))}")
    st.stop()
count = len(the_tour.stops)
state = st.session_state
SHOW = {"markdown": st.markdown, "caption": st.caption, "info": st.info, "warning": st.warning}
SHOW["fact_check"] = lambda text: st.container(border=True, key="tour_fact_check").markdown(text)
tour.open_stop(state, st.query_params.to_dict(), count)

st.title("Tour")
st.caption(tour.INTRO)
with st.container(key="tour_notices"):
    for notice in tour.notices(state):
        st.warning(md_escape(notice, links=False))

number = state[tour.KEYS.stop]
stop = the_tour.stops[number - 1]
page = tour.stop_page(atlas, the_tour, number)
st.query_params[tour.STOP_PARAM] = str(number)

st.progress(page.progress, text=page.progress_text)
# one row on a phone too, Back at the left and Next at the right
with st.container(horizontal=True, horizontal_alignment="distribute", key="tour_buttons"):
    st.button(
        "◀ Back",
        key=tour.KEYS.back,
        on_click=tour.step,
        args=(state, count, False),
        disabled=number == 1,
    )
    st.button(
        "Next ▶",
        key=tour.KEYS.next,
        on_click=tour.step,
        args=(state, count, True),
        disabled=number == count,
        type="primary",
    )

# the text first, so that a phone shows it above the map
col_text, col_map = st.columns([2, 3], gap="medium")
with col_text, st.container(key="tour_stop_text"):
    st.subheader(page.heading, anchor=False)
    st.markdown(page.narration)
    st.caption(page.source)
    st.page_link(
        MAP_PAGE, label="Open on the map", query_params=map_link(stop.year, stop.unit, stop.view)
    )
    with st.container(key="tour_passage"):
        st.markdown(f"**{page.passage_heading}**")
        for style, text in page.passage:
            SHOW[style](text)

with col_map:
    center, zoom = stop.focus or unit_focus(atlas, stop.unit) or (CENTER, ZOOM)
    loaders.atlas_map(
        year_layer(map_update(atlas, loaders.map_atoms(), stop.year, stop.unit, stop.view)),
        key=tour.KEYS.map,
        height=HEIGHT,
        returned_objects=[],
        center=center,
        zoom=zoom,
    )
