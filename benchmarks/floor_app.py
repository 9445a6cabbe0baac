"""The floor of a slider step: a bare Streamlit slider and one paragraph that follows it.

Whatever a step of the atlas's slider costs beyond this app's step is the
atlas's own work; the rest is Streamlit's round trip.
"""

from __future__ import annotations

import streamlit as st

year = st.slider("Year", 1640, 2026, 1855, key="year")
with st.container(key="passage"):
    st.markdown(f"In {year} the slider moved; this paragraph follows it.")
