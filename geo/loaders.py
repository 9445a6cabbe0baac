"""Cached loaders for the app: the only module of ``geo`` that imports Streamlit.

Each loader runs once per server process; the pages share what it returns and
treat it as read-only. :func:`atlas_or_stop` is how a page asks for the data: if
the data fail their checks, the page shows why and stops, with no traceback.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from geo.areas import Comparison, compare, load_figures
from geo.assets import install_map
from geo.atlas import Atlas, last_year
from geo.cite import Citation, cite_view, dataset_version
from geo.config import DATA_DIR, FIRST_YEAR, REPO, STATIC_DIR
from geo.errors import DataError
from geo.mapdata import Atom, line_atoms
from geo.sources import catalogue
from geo.text import md_escape
from geo.timeline import strip_spec
from geo.validate import checked_atlas

FAILED = "The atlas data failed its checks, so nothing can be shown."


@st.cache_resource(show_spinner=False)
def atlas() -> Atlas:
    """The atlas, loaded once per server process (shared, read-only).

    It is held to every check of ``python -m geo validate`` first
    (:func:`geo.validate.checked_atlas`): data that fail them are never shown.
    A failure is not cached, so the next run checks the files again.
    """
    return checked_atlas(DATA_DIR, last_year=last_year())


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
def event_strip(last: int) -> dict:
    """The event strip's chart, made once per process (and year, as the slider's last)."""
    return strip_spec(atlas().events, FIRST_YEAR, last)


@st.cache_resource(show_spinner=False)
def _version_and_licences() -> tuple[str, dict[str, str]]:
    # the dataset's version and each data file's licence, read once per process
    licences = {f.file: f.license for f in catalogue(DATA_DIR)}
    return dataset_version(REPO), licences


def citation(year: int, view: str, lang: str) -> Citation:
    """The citation of a view of the map, accessed today."""
    version, licences = _version_and_licences()
    return cite_view(
        atlas(), year, view, lang, version=version, accessed=date.today(), licences=licences
    )


@st.cache_resource(show_spinner=False)
def static_files() -> int:
    """Put Leaflet, the map's files, the units, the borders and the base layers in place."""
    return len(install_map(atlas(), map_atoms(), DATA_DIR, STATIC_DIR, last_year()))


def atlas_or_stop() -> tuple[Atlas, tuple[Comparison, ...]]:
    """The atlas and its area figures, with the static files in place; or an error page.

    On a :class:`~geo.errors.DataError` (or a missing file) the page shows the
    problem, escaped, and stops the script.
    """
    # a first visit straight to a page's address runs the page without app.py (Streamlit
    # treats pages/ as a legacy multipage folder until a session runs app.py): keep it wide
    st.set_page_config(layout="wide")
    try:
        static_files()
        return atlas(), figures()
    except (DataError, OSError) as exc:
        # paths relative to the project: a reader has no use for the server's folders
        st.error(f"{FAILED}\n\n{md_escape(str(exc).replace(f'{REPO}/', ''))}")
        st.stop()
        raise  # st.stop() raises; this keeps the type checker honest
