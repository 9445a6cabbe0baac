"""The atlas's data: its territories and periods, downloads, sources, checks, citing, embedding."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import streamlit as st

from geo import loaders, tables
from geo.atlas import last_year
from geo.config import DATA_DIR, FIRST_YEAR
from geo.session import DEFAULT_YEAR, download_ready
from geo.sources import LOCAL_URL, catalogue_rows, citation, embed_snippet, software_rows
from geo.text import md_escape
from geo.validate import validate

TABLE = {"hide_index": True, "width": "stretch"}

st.title("Data and sources")
atlas = loaders.atlas_or_stop()[0]

st.header("Territories", anchor=False)
st.caption(
    "Every unit of land the atlas colours, then the named groups of units; held as of today."
)
st.dataframe(tables.territory_rows(atlas, date.today()), key="territories_table", **TABLE)

st.header("Periods of control", anchor=False)
st.caption("Each period runs from its start date up to, but not on, its end date.")
st.dataframe(tables.period_rows(atlas), key="periods_table", **TABLE)

st.header("Downloads", anchor=False)
st.caption(
    "A year is as it stood on 31 December; its files are made when you ask for them. "
    "CSV has no geometry."
)


def downloads(what: str, title: str, files: Mapping[str, bytes]) -> None:
    """One button per format, each sending its file, which comes with the page."""
    columns = st.columns(len(tables.DOWNLOADS))
    for column, (fmt, (label, mime)) in zip(columns, tables.DOWNLOADS.items(), strict=True):
        column.download_button(
            f"{title} ({label})",
            data=files[fmt],
            file_name=tables.download_name(what, fmt),
            mime=mime,
            key=f"download_{what.split('-')[0]}_{fmt}",
            on_click="ignore",
            icon=":material/download:",
        )


# sent with the page rather than made on the click: Streamlit 1.67 keeps a file made on the
# click for no session, and under load other sessions' runs delete it before it is fetched
downloads("all", "All data", loaders.full_data())
year = st.slider(
    "The situation in the year", FIRST_YEAR, last_year(), DEFAULT_YEAR, key="data_year"
)
pressed = st.button("Prepare the files of the year", key="prepare_situation")
if download_ready(st.session_state, pressed, (year,), "prepared_situation"):
    downloads(f"situation-{year}", f"Situation in {year}", loaders.situation_data(year))

st.header("The article", anchor=False)
st.markdown(md_escape(atlas.article.attribution))
st.caption(md_escape(atlas.article.note))

st.header("Data files", anchor=False)
st.caption(
    "Every file in data/ names its source and licence; a CSV file in a .meta.json beside it."
)
st.dataframe(catalogue_rows(DATA_DIR), key="sources_table", **TABLE)

st.header("Software", anchor=False)
st.dataframe(software_rows(), key="software_table", **TABLE)


@st.cache_resource(show_spinner="Checking the data…")
def checks() -> tuple[bool, list[str]]:
    """What ``python -m geo validate`` prints, run once per server process."""
    return tables.validation_lines(validate(DATA_DIR, last_year=last_year()), DATA_DIR.name)


st.header("Checks", anchor=False)
st.caption("The checks of python -m geo validate, run on the data this server reads.")
if st.button("Run the checks again", key="rerun_checks"):
    checks.clear()
passed, lines = checks()
(st.success if passed else st.error)("All checks passed." if passed else "The data has problems.")
st.code("\n".join(lines), language=None, wrap_lines=True)

st.header("How to cite", anchor=False)
st.code(citation(date.today()), language=None, wrap_lines=True)
st.caption("Cite the year you show: the map takes each year as it stood on 31 December.")

st.header("Embed the map", anchor=False)
st.caption(f"The map of {year}, the year chosen above, in another web page:")
st.code(embed_snippet(st.context.url or LOCAL_URL, year), language="html", wrap_lines=True)
