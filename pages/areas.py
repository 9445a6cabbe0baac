"""Areas computed by the atlas beside the published figures, and the land that changed hands."""

from __future__ import annotations

import streamlit as st

from geo import loaders
from geo.tables import deviation_notes, figure_rows, group_rows, transfer_rows, unit_rows

st.title("Areas")
st.caption(
    "Every area is computed from the atlas's own polygons in an equal-area (Lambert azimuthal) "
    "projection and shown beside the published figure and its source."
)
atlas, comparisons = loaders.atlas_or_stop()
TABLE = {"hide_index": True, "width": "stretch"}

st.header("Published figures", anchor=False)
st.dataframe(figure_rows(comparisons), key="figures_table", **TABLE)
for note in deviation_notes(comparisons):
    st.warning(note)

st.header("Groups", anchor=False)
st.dataframe(group_rows(atlas), key="groups_table", **TABLE)

st.header("Land that changed hands", anchor=False)
st.caption("Units whose holder moved to another side on the same date, with the event that did it.")
st.dataframe(transfer_rows(atlas), key="transfers_table", **TABLE)

st.header("Units", anchor=False)
st.dataframe(unit_rows(atlas), key="units_table", **TABLE)
