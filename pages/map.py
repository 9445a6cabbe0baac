"""Sino-Russian Border Atlas: the map, the year slider, the passage and the context panel."""

from __future__ import annotations

import time
from functools import partial

import streamlit as st
from streamlit_folium import st_folium

from geo import loaders, session
from geo.atlas import last_year, legend_rows, situation_json
from geo.changes import change_years
from geo.config import FIRST_YEAR
from geo.mapdata import VIEW_LABELS, VIEWS, map_update
from geo.mapview import HEIGHT, base_map, unit_focus, year_layer
from geo.panels import change_caption, context_panel, passage_panel, text_version
from geo.session import KEYS
from geo.text import md_escape

atlas, figures = loaders.atlas_or_stop()

state = st.session_state
SHOW = {"markdown": st.markdown, "caption": st.caption, "info": st.info, "warning": st.warning}
SHOW["fact_check"] = lambda text: st.container(border=True, key="fact_check").markdown(text)
session.open_link(state, st.query_params.to_dict(), FIRST_YEAR, last_year(), atlas.unit_ids)
session.apply_click(state, atlas.unit_ids)  # before the selection widget is drawn

st.title("Sino-Russian Border Atlas")
st.caption(session.INTRO)
notices = st.container()  # filled once the slider and the selection are known

back, slider, ahead = st.columns([2, 11, 2], vertical_alignment="bottom")
for where, (label, key, forward) in zip((back, ahead), session.CHANGE_BUTTONS, strict=True):
    args = (state, change_years(atlas), forward)
    where.button(label, key=key, on_click=session.step_to_change, args=args)
year = slider.slider(
    "Year", FIRST_YEAR, last_year(), key=KEYS.year, help="Shown as it stood on 31 December."
)
play, stop, views = st.columns([1, 2, 6], vertical_alignment="center")
play.toggle("Play", key=KEYS.playing, help="Step a year on every second or so.")
stop.checkbox("Stop at changes", key=KEYS.stop_at_changes)
view = views.segmented_control(
    "Colour the map by", list(VIEWS), key=KEYS.view, format_func=VIEW_LABELS.get, required=True
)


# a tick of Play reruns the page only when the year moved on
st.fragment(run_every=session.PLAY_SECONDS / 4 if state.get(KEYS.playing) else None)(
    lambda: (
        session.advance_play(state, change_years(atlas), last_year(), time.monotonic())
        and st.rerun()
    )
)()
selected = state.get(KEYS.selected)
session.write_link(st.query_params, year, selected, view)
for notice in session.standing_notices(state[KEYS.first_view], year, selected):
    notices.warning(md_escape(notice, links=False))

col_map, col_text = st.columns([2, 1], gap="medium")
# the passage is written before the map: Streamlit sends elements as the script reaches them
with col_text, st.container(key="passage"):
    st.container(key="change").markdown(change_caption(atlas, year))
    passage = passage_panel(atlas, year)
    st.caption(passage.trail)
    st.subheader(passage.heading, anchor=False)
    for style, text in passage.blocks():
        SHOW[style](text)

with col_map:
    focus = unit_focus(atlas, selected)
    st_folium(
        base_map(legend_rows(atlas), atlas.certainties),
        key=KEYS.map,
        feature_group_to_add=year_layer(
            map_update(atlas, loaders.map_atoms(), year, selected, view)
        ),
        height=HEIGHT,
        use_container_width=True,
        returned_objects=["last_active_drawing", "last_object_clicked_count"],
        center=focus[0] if focus else None,
        zoom=focus[1] if focus else None,
    )
    st.selectbox(
        "Territory",
        [None, *atlas.unit_ids],
        key=KEYS.selected,
        placeholder="Click the map or choose a territory",
        format_func=lambda uid: "None" if uid is None else atlas.unit(uid).name_en,
    )
    st.container(key="text_version").markdown(text_version(atlas, year, view))
    # made on click only, so a step of the slider costs nothing here
    st.download_button(
        f"Download {year} as GeoJSON",
        data=partial(situation_json, atlas, year),
        file_name=f"sino-russian-border-{year}.geojson",
        mime="application/geo+json",
        key=KEYS.download,
    )

with st.container(key="context"):
    if not selected:
        st.caption("Click a territory on the map to see its names, holders and history.")
    else:
        ctx = context_panel(atlas, figures, selected, year)
        st.subheader(ctx.heading, anchor=False)
        for style, text in ctx.blocks():
            SHOW[style](text)
        for section in ctx.sections:
            with st.expander(section.heading):
                for paragraph in section.paragraphs:
                    st.markdown(paragraph)
