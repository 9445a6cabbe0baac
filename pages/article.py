"""The 2007 article whole, section by section, with its years, its fact checks and a search."""

from __future__ import annotations

import streamlit as st

from geo import loaders
from geo.reader import INTRO, MAX_QUERY, about_article, read_article
from geo.session import MAP_PAGE, map_link
from geo.text import md_escape

atlas, _ = loaders.atlas_or_stop()

st.title("The article")
st.caption(INTRO)
query = st.text_input(
    "Search the text",
    key="article_search",
    max_chars=MAX_QUERY,
    placeholder="A word or a phrase, e.g. Aigun",
)
reading = read_article(atlas, query)
if reading.searched:
    st.container(key="article_found").markdown(reading.summary)

for view in reading.sections:
    with st.container(key=f"section_{view.id}"):
        heading = st.header if view.level <= 2 else st.subheader
        heading(view.heading, anchor=view.id)
        # the text in a column a reader's eye can follow; the years and the link beside it
        text, side = st.columns([3, 1], gap="medium")
        for paragraph in view.paragraphs:
            text.markdown(paragraph)
        if view.caption:
            text.caption(f"Poster caption: {view.caption}")
        if view.main_article:
            text.caption(view.main_article)
        if view.fact_check:
            text.container(border=True).markdown(view.fact_check)
        where = [view.trail] if reading.searched and view.trail else []
        if view.years or where:
            side.caption(" · ".join([*where, view.years] if view.years else where))
        if view.first_year is not None:
            side.page_link(
                MAP_PAGE,
                label=f"Open {view.first_year} on the map",
                icon=":material/map:",
                query_params=map_link(view.first_year),
            )
        if view.span_notes:
            with side.expander("How the atlas reads these years"):
                for note in view.span_notes:
                    st.markdown(note)

st.divider()
st.header("About the text", anchor=False)
with st.container(key="article_about"):
    for line in about_article(atlas.article):
        st.markdown(line)
    st.caption(md_escape(atlas.article.note))
st.page_link("pages/data.py", label="All sources and licences", icon=":material/menu_book:")
