"""Sino-Russian Border Atlas: the entry point, which sets up the page and its navigation.

Each page lives in ``pages/``; the map is the default page, at ``/``.
"""

from __future__ import annotations

import streamlit as st

from geo import loaders
from geo.session import PAGES

# The page's icon is an emoji, which the browser draws from a data: address. Streamlit sets the
# page's title again on every run, and with the default icon (a file) the browser then fetched
# /favicon.png from the server on every step of the slider.
st.set_page_config(
    page_title="Sino-Russian Border Atlas",
    page_icon="🗺️",
    layout="wide",
    initial_sidebar_state="collapsed",
)
loaders.page_style()
navigation = st.navigation(
    [
        st.Page(path, title=title, url_path=url or None, default=not url)
        for path, title, url in PAGES
    ],
    position="top",
)
navigation.run()
