"""Sino-Russian Border Atlas: the map, the year slider, the passage and the context panel."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from geo import loaders
from geo.areas import figures_for
from geo.atlas import (
    change_years,
    last_year,
    legend_rows,
    situation_json,
    unit_context,
    year_view,
)
from geo.config import FIRST_YEAR
from geo.errors import DataError
from geo.mapview import HEIGHT, base_map, focus, unit_collection, year_layer
from geo.params import parse_unit, parse_year
from geo.passages import breadcrumb
from geo.text import km2, md_escape, span_label, with_unit

DEFAULT_YEAR = 1860

st.set_page_config(
    page_title="Sino-Russian Border Atlas",
    layout="wide",
    initial_sidebar_state="collapsed",
)

try:
    atlas = loaders.atlas()
    figures = loaders.figures()
    loaders.static_files()
except (DataError, OSError) as exc:
    st.error(f"The atlas data failed its checks, so nothing can be shown.\n\n{md_escape(str(exc))}")
    st.stop()

LAST_YEAR = last_year()
unit_ids = atlas.unit_ids

# a shared link sets the first view; bad values are clamped or dropped, with a notice
if "year" not in st.session_state:
    parsed = parse_year(st.query_params.get("year"), FIRST_YEAR, LAST_YEAR, DEFAULT_YEAR)
    st.session_state["year"] = parsed.value
    if parsed.notice:
        st.session_state["notices"] = [parsed.notice]
    picked = parse_unit(st.query_params.get("unit"), unit_ids)
    st.session_state["selected"] = picked.value
    if picked.notice:
        st.session_state.setdefault("notices", []).append(picked.notice)

# a click on the map arrives as the map's value; it becomes the selection
# before the selection widget is drawn. The click counter is part of the key,
# so clicking the same territory again after choosing another in the list
# still selects it.
map_value = st.session_state.get("map") or {}
clicked = ((map_value.get("last_active_drawing") or {}).get("properties") or {}).get("id")
click_key = (clicked, map_value.get("last_object_clicked_count"))
if clicked and click_key != st.session_state.get("last_click"):
    st.session_state["last_click"] = click_key
    if clicked in unit_ids:
        st.session_state["selected"] = clicked

st.title("Sino-Russian Border Atlas")
st.caption(
    "Who held the lands between Russia and China, from the first Russian forts on the Amur "
    "to the 2008 hand-over of Heixiazi Island. Drag the year; click a territory."
)
links = st.columns([1, 1, 6])
links[0].page_link("pages/1_Sources.py", label="Sources and licences")
links[1].page_link("pages/2_Areas.py", label="Areas and treaties")
for notice in st.session_state.pop("notices", []):
    st.warning(notice)


def _jump() -> None:
    # runs before the rerun, so the slider can still be moved; the pill is
    # cleared again so that it does not stay lit once the slider moves on
    if st.session_state.get("jump"):
        st.session_state["year"] = st.session_state["jump"]
    st.session_state["jump"] = None


year = st.slider(
    "Year", FIRST_YEAR, LAST_YEAR, key="year", help="Shown as it stood on 31 December."
)
st.pills(
    "Years in which land changed hands",
    change_years(atlas),
    key="jump",
    on_change=_jump,
    label_visibility="collapsed",
)
selected = st.session_state.get("selected")
st.query_params["year"] = str(year)
if selected:
    st.query_params["unit"] = selected
elif "unit" in st.query_params:
    del st.query_params["unit"]

view = year_view(atlas, year)
col_map, col_text = st.columns([2, 1], gap="medium")

with col_map:
    layer = year_layer(
        unit_collection(atlas.geometries, view.units, selected), view.lines, view.places
    )
    # small units (the islands) are zoomed to when selected; None leaves the view alone
    view_focus = (
        focus(atlas.unit(selected).geometry.bounds, atlas.areas[selected]) if selected else None
    )
    st_folium(
        base_map(legend_rows(atlas)),
        key="map",
        feature_group_to_add=layer,
        height=HEIGHT,
        use_container_width=True,
        returned_objects=["last_active_drawing", "last_object_clicked_count"],
        center=view_focus[0] if view_focus else None,
        zoom=view_focus[1] if view_focus else None,
    )
    st.selectbox(
        "Territory",
        [None, *unit_ids],
        key="selected",
        placeholder="Click the map or choose a territory",
        format_func=lambda uid: "None" if uid is None else atlas.unit(uid).name_en,
    )
    st.download_button(
        f"Download {year} as GeoJSON",
        data=situation_json(atlas, year),
        file_name=f"sino-russian-border-{year}.geojson",
        mime="application/geo+json",
        key="download",
    )

with col_text, st.container(key="passage"):
    passage = view.passage
    trail = breadcrumb(atlas.article, passage.section)
    st.caption(md_escape(" › ".join(trail[:-1])) if len(trail) > 1 else "")
    st.subheader(passage.section.heading, anchor=False)
    if passage.span.kind == "status_quo" and passage.span.note:
        st.info(passage.span.note)
    if passage.after_snapshot:
        st.warning(
            f"The article was captured in early {atlas.article.snapshot_date.year}: it cannot know "
            f"what happened later, in {year}. The map follows the later record.",
        )
    for paragraph in passage.section.text:
        st.markdown(md_escape(paragraph))
    if passage.section.main_article:
        st.caption(f"Main article: {md_escape(passage.section.main_article)}")
    if view.events:
        st.markdown(f"**In {year}**")
        st.markdown("\n".join(f"- {e.date:%-d %b}: {md_escape(e.title)}" for e in view.events))
    st.caption(md_escape(atlas.article.attribution))

with st.container(key="context"):
    if selected:
        ctx = unit_context(atlas, selected, year)
        st.subheader(ctx.name_en, anchor=False)
        st.markdown(f"Russian: {md_escape(ctx.name_ru)} · Chinese: {md_escape(ctx.name_zh)}")
        claim = f"also claimed by {', '.join(ctx.claimants)}" if ctx.claimants else "no rival claim"
        st.markdown(f"**In {year}:** held by **{md_escape(ctx.holder)}**; {md_escape(claim)}.")
        facts = f"**Area:** {km2(ctx.area_km2)} (equal-area projection)"
        if ctx.groups:
            facts += f" · **Part of:** {md_escape(', '.join(ctx.groups))}"
        st.markdown(facts)
        if ctx.note:
            st.caption(md_escape(ctx.note))
        published = []
        for c in figures_for(figures, selected):
            record = md_escape(with_unit(c.figure.published, "km²"))
            text = (
                f"- {md_escape(c.figure.label)}: **{record}** "
                f"({md_escape(c.figure.source)}); the atlas: {km2(c.computed_km2)}"
            )
            if not c.within:
                text += f", {c.verdict}: see the Areas page"
            published.append(text)
        if published:
            st.markdown("**Published areas that count it**")
            st.markdown("\n".join(published))
        st.markdown("**History of control**")
        lines = []
        for row in ctx.history:
            text = f"{span_label(row.start, row.end)}: **{md_escape(row.holder)}**"
            if row.event:
                text += f" — {md_escape(row.event)}"
            if row.claimants:
                text += f" (claimed by {md_escape(row.claimants)})"
            if row.current:
                text += f" ◀ in {year}"
            lines.append(f"- {text}")
        st.markdown("\n".join(lines))
        if ctx.events:
            st.markdown("**Events**")
            st.markdown(
                "\n".join(f"- {e.date:%-d %b %Y}: {md_escape(e.title)}" for e in ctx.events)
            )
        if ctx.sections:
            st.markdown("**Passages about it**")
            for section in ctx.sections:
                with st.expander(section.heading):
                    for paragraph in section.text:
                        st.markdown(md_escape(paragraph))
    else:
        st.caption("Click a territory on the map to see its names, holders and history.")
