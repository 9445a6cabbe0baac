"""A printable map of any year and view: a preview, and the A4 page as PNG, SVG or PDF."""

from __future__ import annotations

import streamlit as st

from geo import loaders
from geo.atlas import last_year
from geo.config import FIRST_YEAR
from geo.mapdata import VIEW_LABELS, VIEWS
from geo.render import FORMATS, PREVIEW_DPI, file_name, render_map
from geo.session import MAP_PAGE, YEAR_HELP, download_ready, first_view, map_link

YEAR, VIEW, FORMAT = "print_year", "print_view", "print_format"
PREPARE, PREPARED, DOWNLOAD = "print_prepare", "print_prepared", "print_download"


@st.cache_data(max_entries=8, show_spinner="Drawing the page at full resolution…")
def printable(year: int, view: str, fmt: str) -> bytes:
    """The A4 page in a format, at full resolution, drawn once per year, view and format."""
    return render_map(loaders.atlas(), year, view, fmt)


@st.cache_data(max_entries=32, show_spinner="Drawing the map…")
def preview(year: int, view: str) -> bytes:
    """The page as a PNG at screen resolution, drawn once per year and view."""
    return render_map(loaders.atlas(), year, view, "png", dpi=PREVIEW_DPI)


st.title("Print a map")
st.caption(
    "An A4 page of the year as it stood on 31 December, drawn for black-and-white printing: "
    "each side has its own hatching, and the legend, scale, north arrow and citation are on "
    "the page."
)
atlas = loaders.atlas_or_stop()[0]
if YEAR not in st.session_state:
    # a link such as /print?year=1905&view=sovereign opens on that map
    link = first_view(st.query_params.to_dict(), FIRST_YEAR, last_year(), atlas.unit_ids)
    st.session_state[YEAR], st.session_state[VIEW] = link.year, link.view

# the choices beside the preview on a wide screen, above it on a phone
controls, page = st.columns([1, 2.4], gap="large")
with controls:
    year = st.slider("Year", FIRST_YEAR, last_year(), key=YEAR, help=YEAR_HELP)
    view = st.radio("View", list(VIEWS), format_func=VIEW_LABELS.__getitem__, key=VIEW)
    fmt = st.radio("Format", list(FORMATS), format_func=str.upper, horizontal=True, key=FORMAT)
    # drawn at full resolution once asked for, then sent with the page until the map changes
    pressed = st.button("Prepare the download", key=PREPARE, icon=":material/print:")
    if download_ready(st.session_state, pressed, (year, view, fmt), PREPARED):
        st.download_button(
            f"Download this map ({fmt.upper()})",
            data=printable(year, view, fmt),
            file_name=file_name(year, view, fmt),
            mime=FORMATS[fmt],
            key=DOWNLOAD,
            on_click="ignore",
            type="primary",
            icon=":material/download:",
        )
    st.page_link(MAP_PAGE, label="Open on the map", query_params=map_link(year, None, view))


page.image(
    preview(year, view),
    caption=f"{year}, {VIEWS[view].lower()}: the preview of the A4 page",
    width="stretch",
)
