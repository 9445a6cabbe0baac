"""Areas computed by the atlas beside the published figures, and the land that changed hands."""

from __future__ import annotations

import streamlit as st

from geo import loaders
from geo.areas import transfers
from geo.errors import DataError
from geo.text import md_escape

st.set_page_config(page_title="Areas · Sino-Russian Border Atlas", layout="wide")
st.title("Areas")
st.caption(
    "Every area is computed from the atlas's own polygons in an equal-area (Lambert azimuthal) "
    "projection and shown beside the published figure and its source."
)

try:
    atlas = loaders.atlas()
    comparisons = loaders.figures()
except DataError as exc:
    st.error(md_escape(str(exc)))
    st.stop()


def _num(value: float) -> str:
    return f"{value:,.2f}" if value < 10 else f"{value:,.0f}"


_STATUS = {"within": "yes", "recorded deviation": "no (see below)", "outside": "NO"}

st.header("Published figures", anchor=False)
st.dataframe(
    [
        {
            "Area": c.figure.label,
            "Atlas (km²)": round(c.computed_km2, 2 if c.computed_km2 < 10 else 0),
            "Published (km²)": c.figure.published,
            "Accepted range": f"{_num(c.figure.low)} – {_num(c.figure.high)}",
            "Within": _STATUS[c.status],
            "Source": c.figure.source,
            "Tolerance": c.figure.tolerance,
        }
        for c in comparisons
    ],
    hide_index=True,
    width="stretch",
    key="figures_table",
)
for c in comparisons:
    if c.status == "recorded deviation":
        st.warning(
            f"**{md_escape(c.figure.label)}**: {_num(c.computed_km2)} km² in the atlas, "
            f"{md_escape(c.figure.published)} km² published. {md_escape(c.figure.deviation)}"
        )

st.header("Groups", anchor=False)
st.dataframe(
    [
        {
            "Group": g.name_en,
            "Russian": g.name_ru,
            "Chinese": g.name_zh,
            "Units": ", ".join(atlas.unit(u).name_en for u in g.units),
            "Area (km²)": round(sum(atlas.areas[u] for u in g.units), 1),
            "Note": g.note,
        }
        for g in atlas.groups
    ],
    hide_index=True,
    width="stretch",
    key="groups_table",
)

st.header("Land that changed hands", anchor=False)
st.caption("Units whose holder moved to another side on the same date, with the event that did it.")
sides = atlas.sides
st.dataframe(
    [
        {
            "Date": t.on.isoformat(),
            "Event": t.event,
            "To": sides[t.to_side].name_en,
            "From": ", ".join(sides[s].name_en for s in t.from_sides),
            "Units": ", ".join(atlas.unit(u).name_en for u in t.units),
            "Area (km²)": round(t.area_km2, 1),
        }
        for t in transfers(atlas.periods, atlas.holders, atlas.areas)
    ],
    hide_index=True,
    width="stretch",
    key="transfers_table",
)

st.header("Units", anchor=False)
st.dataframe(
    [
        {
            "Unit": u.name_en,
            "Russian": u.name_ru,
            "Chinese": u.name_zh,
            "Area (km²)": round(atlas.areas[u.id], 2 if atlas.areas[u.id] < 10 else 0),
        }
        for u in atlas.units
    ],
    hide_index=True,
    width="stretch",
    key="units_table",
)
