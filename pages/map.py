"""Sino-Russian Border Atlas: the map, the year slider, the passage and the context panel."""

from __future__ import annotations

from functools import partial

import streamlit as st

from geo import loaders, session
from geo.atlas import last_year, local_name
from geo.changes import change_years
from geo.cite import cited_situation
from geo.config import FIRST_YEAR, LANGS
from geo.mapdata import VIEW_LABELS, VIEWS, map_update
from geo.mapview import map_options, unit_focus, year_layer
from geo.panels import change_caption, context_panel, passage_panel, text_version
from geo.session import KEYS
from geo.text import md_escape

atlas, figures = loaders.atlas_or_stop()
state = st.session_state


session.open_link(state, st.query_params.to_dict(), FIRST_YEAR, last_year(), atlas.unit_ids)
clicked = session.apply_click(state, atlas.unit_ids)  # before the selection widget is drawn
st.title("Sino-Russian Border Atlas")
st.caption(session.INTRO)
notices = st.container()  # filled once the slider and the selection are known
# on a phone the columns stack: the map first, then its controls, then the passage
col_map, col_text = st.columns([2, 1], gap="medium")
map_slot = col_map.container(key="map_slot")
context_slot = st.container(key="context")  # under both columns
with col_map.container(key="controls"):
    year = st.slider("Year", FIRST_YEAR, last_year(), key=KEYS.year, help=session.YEAR_HELP)
    jump = session.event_jumper(state, FIRST_YEAR, last_year())
    if session.strip_due(state):
        st.vega_lite_chart(loaders.event_strip(last_year()), key=KEYS.strip, on_select=jump)
    else:  # its place, kept until the map has painted
        st.container(height=session.STRIP_SLOT_PX, border=False, key="event_strip_slot")
    with st.container(horizontal=True, key="time_controls"):
        for label, key, forward in session.CHANGE_BUTTONS:
            args = (state, change_years(atlas), forward)
            st.button(label, key=key, on_click=session.step_to_change, args=args)
        st.toggle("Play", key=KEYS.playing, help="Step a year on every second or so.")
        st.checkbox("Stop at changes", key=KEYS.stop_at_changes)
    with st.container(horizontal=True, key="view_controls"):
        switch = partial(st.segmented_control, required=True, wrap=True)
        view = switch("Colour the map by", VIEWS, key=KEYS.view, format_func=VIEW_LABELS.get)
        lang = switch("Names", LANGS, key=KEYS.lang, format_func=LANGS.get)
tick = partial(session.play_tick, state, change_years(atlas), last_year())
st.fragment(run_every=session.play_interval(state))(lambda: tick() and st.rerun())()
selected = state.get(KEYS.selected)
session.write_link(st.query_params, year, selected, view, lang)
for notice in session.standing_notices(state[KEYS.first_view], year, selected):
    notices.warning(md_escape(notice, links=False))


def _map() -> None:
    focus = unit_focus(atlas, selected)
    update = map_update(atlas, loaders.map_atoms(), year, selected, view, lang)
    with map_slot:
        layer = year_layer(update, fit=focus is not None)
        loaders.atlas_map(layer, key=KEYS.map, **map_options(focus))


def _passage() -> None:
    with col_text, st.container(key="passage"):
        st.container(key="change").markdown(change_caption(atlas, year, lang))
        passage = passage_panel(atlas, year)
        st.caption(passage.trail)
        loaders.show_panel(passage.heading, passage.blocks())


def _context() -> None:
    with context_slot:
        if not selected:
            st.caption("Click a territory on the map to see its names, holders and history.")
            return
        ctx = context_panel(atlas, figures, selected, year, lang)
        loaders.show_panel(ctx.heading, ctx.blocks(), ctx.sections)


# What a step or a click changes is written first, and the controls under the map after:
# Streamlit sends elements as the script reaches them, and the browser shows them as they come.
# A step shows the map, then the passage; a click on the map, the territory's context first.
for part in (_context, _map, _passage) if clicked else (_map, _passage, _context):
    part()
with col_map:
    name = {None: session.NO_TERRITORY, **{u.id: local_name(u, lang) for u in atlas.units}}
    st.selectbox(session.TERRITORY_CHOICE, list(name), key=KEYS.selected, format_func=name.get)
    st.container(key="text_version").markdown(text_version(atlas, year, view, lang))
    with st.container(horizontal=True, key="cite_controls"):
        # sent with the page once asked for: a file made on click can vanish under load
        prepare = st.button("Prepare the download", key=KEYS.prepare)
        if session.download_ready(state, prepare, (year, view, lang)):
            file = cited_situation(atlas, loaders.citation(year, view, lang))
            st.download_button(**session.download(year), data=file, key=KEYS.download)
        if st.button("Cite this view", key=KEYS.cite):
            loaders.cite_dialog(loaders.citation(year, view, lang))
