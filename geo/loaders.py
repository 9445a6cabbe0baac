"""Cached loaders for the app: the only module of ``geo`` that imports Streamlit.

Each loader runs once per server process; the pages share what it returns and
treat it as read-only. :func:`atlas_or_stop` is how a page asks for the data: if
the data fail their checks, the page shows why and stops, with no traceback.
:func:`atlas_map` draws the map with the base map rendered once per process.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import folium
import streamlit as st
import streamlit_folium
from streamlit import dataframe_util

from geo import tables
from geo.areas import Comparison, compare, load_figures
from geo.assets import PAGE_CSS, install_map
from geo.atlas import Atlas, last_year
from geo.cite import FORMATS, Citation, cite_view, dataset_version
from geo.config import DATA_DIR, FIRST_YEAR, REPO, STATIC_DIR
from geo.errors import DataError
from geo.mapdata import Atom, line_atoms
from geo.mapview import base_map
from geo.panels import SectionText, joined
from geo.sources import catalogue
from geo.text import md_escape
from geo.timeline import strip_spec
from geo.validate import checked_atlas

FAILED = "The atlas data failed its checks, so nothing can be shown."
# how a panel's block of each style is shown (the styles of geo.panels); a fact check is a
# bordered box of its own
_SHOW = {"markdown": st.markdown, "caption": st.caption, "info": st.info, "warning": st.warning}
# what st_folium returns before the reader has touched the map (streamlit-folium 0.27)
MAP_RETURN_DEFAULTS: dict[str, Any] = dict.fromkeys(
    (
        "last_clicked",
        "last_object_clicked",
        "last_object_clicked_count",
        "last_object_clicked_tooltip",
        "last_object_clicked_popup",
        "all_drawings",
        "last_active_drawing",
        "bounds",
        "zoom",
        "last_circle_radius",
        "last_circle_polygon",
        "selected_layers",
        "selected_tags",
        "last_geocoder_result",
    )
)


def page_style() -> None:
    """Send the atlas's stylesheet for Streamlit's page (``geo/web/page.css``) with this run.

    The pages keep Streamlit's look with one change: elements do not fade while a run is
    under way. When a run starts, Streamlit marks every element stale and gives it a
    delayed opacity transition (to a third, after half a second), taken away when the run
    ends. The pending transition alone made Chromium give each element a layer of its own
    and take it back, painting everything inside again: every layer of the map, twice on
    each step of the year slider. A run of the atlas takes tens of milliseconds, so the fade
    showed only on a loaded server, where Streamlit's running indicator in the page's header
    still shows that a run is under way.

    Streamlit keeps an element only while each run sends it again, so every run calls
    this (the file is a few lines: it travels with every step); the file is read once per
    process. The stylesheet holds only style, which Streamlit puts where it takes no room
    on the page.
    """
    st.html(_page_css())


@st.cache_resource(show_spinner=False)
def _page_css() -> str:
    return f"<style>{PAGE_CSS.read_text(encoding='utf-8')}</style>"


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
    """The event strip's chart, made once per process (and year, as the slider's last).

    Its table is converted to Arrow here, once: given rows, Streamlit would
    convert them again on every run.
    """
    spec = strip_spec(atlas().events, FIRST_YEAR, last)
    arrow = dataframe_util.convert_anything_to_arrow_bytes
    return spec | {"datasets": {n: arrow(t) for n, t in spec.get("datasets", {}).items()}}


@st.cache_resource(show_spinner="Making the data files…")
def full_data() -> dict[str, bytes]:
    """The whole dataset in every download format, made once per process."""
    return {fmt: tables.full_data(atlas(), fmt) for fmt in tables.DOWNLOADS}


@st.cache_data(max_entries=16, show_spinner="Making the files of the year…")
def situation_data(year: int) -> dict[str, bytes]:
    """The situation on 31 December of a year, in every download format."""
    return {fmt: tables.situation_data(atlas(), year, fmt) for fmt in tables.DOWNLOADS}


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
        loaded = atlas(), figures()
    except (DataError, OSError) as exc:
        # paths relative to the project: a reader has no use for the server's folders
        st.error(f"{FAILED}\n\n{md_escape(str(exc).replace(f'{REPO}/', ''))}")
        st.stop()
        raise  # st.stop() raises; this keeps the type checker honest
    frozen_heap()
    return loaded


@st.cache_resource(show_spinner=False)
def frozen_heap() -> int:
    """Take what the process has loaded out of the garbage collector's sight, once.

    Streamlit collects every generation after each run (``runner.postScriptGC``),
    which walks every object of the process: the libraries and the atlas, some
    150,000 objects and 0.1 s on a slow core, with the interpreter's lock held,
    so the run's last messages and the next run wait for it. Frozen
    (:func:`gc.freeze`), the objects loaded once per process are skipped, and the
    collection walks only what the sessions have made since.

    Returns
    -------
    int
        How many objects were frozen.
    """
    _base_map()
    event_strip(last_year())
    map_atoms()
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


@dataclass(frozen=True)
class _BaseMap:
    # the arguments of streamlit-folium's component that come from the base map alone
    script: str
    header: str
    html: str
    map_id: str
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]
    defaults: dict[str, Any]


@st.cache_resource(show_spinner=False)
def _base_map() -> _BaseMap:
    # st_folium's own steps, on a map of our own made once (st_folium mutates the map it is given)
    m = base_map()
    m.get_root().render()
    m.render()
    html, header = streamlit_folium._get_html(m), streamlit_folium._get_header(m)
    script = streamlit_folium._get_map_string(m)
    south_west, north_east = m.get_bounds()
    bounds = {
        "_southWest": {"lat": south_west[0], "lng": south_west[1]},
        "_northEast": {"lat": north_east[0], "lng": north_east[1]},
    }
    return _BaseMap(
        script=script,
        header=header,
        html=html,
        map_id=streamlit_folium.get_full_id(m),
        css_links=tuple(dict.fromkeys(href for _, href in m.default_css)),
        js_links=tuple(dict.fromkeys(src for _, src in m.default_js)),
        defaults={**MAP_RETURN_DEFAULTS, "bounds": bounds, "zoom": m.options.get("zoom")},
    )


def atlas_map(
    layer: folium.FeatureGroup,
    *,
    key: str,
    height: int,
    returned_objects: Sequence[str],
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
) -> dict | None:
    """``st_folium(base_map(), feature_group_to_add=layer, use_container_width=True, ...)``, faster.

    The base map (:func:`geo.mapview.base_map`) is the same on every run, yet
    ``st_folium`` renders it anew each time, about a third of a slider step's
    script. This element sends streamlit-folium's component the same arguments
    as ``st_folium`` does (``tests/test_loaders.py`` holds the two side by
    side), with the base map's part made once per process: only the year's
    feature group is rendered on each run. It relies on streamlit-folium's
    module functions, so the requirements pin its version.

    Returns
    -------
    dict or None
        What ``st_folium`` returns: the reader's last interaction with the map,
        restricted to ``returned_objects``.
    """
    base = _base_map()
    # the feature group is rendered into a map of its own, as st_folium does, and named map_div
    group = streamlit_folium._get_feature_group_string(layer, map=base_map(), idx=0)
    hash_key = streamlit_folium.generate_js_hash(base.script, key, False)

    def _on_change() -> None:
        # as st_folium does: the reader's last interaction, under the page's own key
        st.session_state[key] = st.session_state.get(hash_key, {})

    return streamlit_folium._component_func(
        script=base.script,
        header=base.header,
        html=base.html,
        id=base.map_id,
        key=hash_key,
        height=height,
        width=None,  # the container's width
        returned_objects=list(returned_objects),
        default={k: v for k, v in base.defaults.items() if k in returned_objects},
        zoom=zoom,
        center=center,
        feature_group=group,
        return_on_hover=False,
        layer_control=None,
        pixelated=False,
        css_links=list(base.css_links),
        js_links=list(base.js_links),
        on_change=_on_change,
        wrap_longitude=False,
    )


def show_panel(
    heading: str, blocks: Iterable[tuple[str, str]], sections: Iterable[SectionText] = ()
) -> None:
    """Write a panel of :mod:`geo.panels`: its heading, its blocks, and its sections folded.

    Each run of adjacent Markdown blocks goes out as one element
    (:func:`geo.panels.joined`), since every element costs the browser a render on
    every run of the page.
    """
    st.subheader(heading, anchor=False)
    for style, text in joined(blocks):
        if style == "fact_check":
            st.container(border=True, key="fact_check").markdown(text)
        else:
            _SHOW[style](text)
    for section in sections:
        st.expander(section.heading).markdown("\n\n".join(section.paragraphs))


@st.dialog("Cite this view", width="large")
def cite_dialog(citation: Citation) -> None:
    """The citation of a view in a dialog, one tab per format (plain text, BibTeX, CSL-JSON)."""
    for tab, (_, field, language) in zip(st.tabs([f[0] for f in FORMATS]), FORMATS, strict=True):
        tab.code(getattr(citation, field), language=language, wrap_lines=True)
