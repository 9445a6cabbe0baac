"""Sources, licences and how to cite the atlas."""

from __future__ import annotations

from datetime import date

import streamlit as st

from geo import loaders
from geo.config import DATA_DIR
from geo.sources import SOFTWARE, catalogue, citation
from geo.text import md_escape

st.title("Sources and licences")

article = loaders.atlas_or_stop()[0].article

st.header("The article", anchor=False)
st.markdown(md_escape(article.attribution))
st.caption(md_escape(article.note))

st.header("Data files", anchor=False)
st.caption(
    "Every file in data/ names its source and licence; CSV files do so in a .meta.json beside them."
)
st.dataframe(
    [
        {"File": f.file, "Source": f.source, "Licence": f.license, "Note": f.note}
        for f in catalogue(DATA_DIR)
    ],
    hide_index=True,
    width="stretch",
    key="sources_table",
)

st.header("Software", anchor=False)
st.dataframe(
    [{"Component": n, "Licence": lic, "Used for": use} for n, lic, use in SOFTWARE],
    hide_index=True,
    width="stretch",
    key="software_table",
)

st.header("How to cite", anchor=False)
st.code(citation(date.today()), language=None)
st.caption(
    "Cite the year and the territory you show: the map takes each year as it stood on "
    "31 December, and periods of control run from their start date up to, "
    "but not on, their end date."
)
