"""Cached loaders for the app: the only module of ``geo`` that imports Streamlit.

Each loader runs once per server process; the pages share what it returns and
treat it as read-only. :func:`atlas_or_stop` is how a page asks for the data: if
the data fail their checks, the page shows why and stops, with no traceback.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from geo.areas import Comparison, compare, load_figures
from geo.assets import install_static
from geo.atlas import Atlas, load_atlas
from geo.config import DATA_DIR, REPO
from geo.errors import DataError
from geo.mapdata import (
    Atom,
    atom_geometry,
    clause_notes,
    line_atoms,
    place_geometry,
    unit_geometry,
)
from geo.text import md_escape

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"
FAILED = "The atlas data failed its checks, so nothing can be shown."


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
def map_atoms() -> tuple[Atom, ...]:
    """The pieces of border the map restyles each year, cut once per process."""
    data = atlas()
    return line_atoms(data.edges, data.treaty_lines)


@st.cache_resource(show_spinner=False)
def static_files() -> int:
    """Put Leaflet, the map's files, the units, the borders and the base layers in place."""
    generated = {
        "units.geojson": unit_geometry(atlas()),
        "lines.geojson": atom_geometry(map_atoms()),
        "places.geojson": place_geometry(atlas()),
        "clauses.json": clause_notes(atlas()),
    }
    return len(install_static(STATIC_DIR, DATA_DIR / "base", generated))


def atlas_or_stop() -> tuple[Atlas, tuple[Comparison, ...]]:
    """The atlas and its area figures, with the static files in place; or an error page.

    On a :class:`~geo.errors.DataError` (or a missing file) the page shows the
    problem, escaped, and stops the script.
    """
    try:
        static_files()
        return atlas(), figures()
    except (DataError, OSError) as exc:
        # paths relative to the project: a reader has no use for the server's folders
        st.error(f"{FAILED}\n\n{md_escape(str(exc).replace(f'{REPO}/', ''))}")
        st.stop()
        raise  # st.stop() raises; this keeps the type checker honest
