"""Cached loaders for the app: the only module of ``geo`` that imports streamlit."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from geo.areas import Comparison, compare, load_figures
from geo.assets import install_static
from geo.atlas import Atlas, load_atlas
from geo.config import DATA_DIR

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"


@st.cache_resource(show_spinner=False)
def atlas() -> Atlas:
    """The atlas, loaded and checked once per server process (shared, read-only)."""
    return load_atlas(DATA_DIR)


@st.cache_resource(show_spinner=False)
def figures() -> tuple[Comparison, ...]:
    """The published areas beside the atlas's own, computed once per process."""
    data = atlas()
    return tuple(compare(load_figures(DATA_DIR / "areas.json", data.unit_ids), data.areas))


@st.cache_resource(show_spinner=False)
def static_files() -> int:
    """Put Leaflet and the base layers where Streamlit serves them; once per process."""
    return len(install_static(STATIC_DIR, DATA_DIR / "base"))
