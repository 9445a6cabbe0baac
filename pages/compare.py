"""Two years side by side: two maps kept in step, and the land that changed hands between them."""

from __future__ import annotations

import streamlit as st

from geo import compare, loaders
from geo.atlas import last_year
from geo.compare import KEYS
from geo.config import FIRST_YEAR
from geo.mapdata import VIEW_LABELS, VIEWS, map_update
from geo.mapview import year_layer
from geo.session import MAP_PAGE, YEAR_HELP, map_link

atlas, _ = loaders.atlas_or_stop()
state = st.session_state
compare.open_compare(state)
# the years as the inputs below hold them, after any callback
first, second = int(state[KEYS.first]), int(state[KEYS.second])
changes = compare.changes_between(atlas, first, second)
# both maps look where the reader last panned either of them, or, after a
# preset, at the land that changed
maps = (KEYS.first_map, KEYS.second_map)
state[KEYS.view], state[KEYS.seen] = compare.follow_pan(
    state.get(KEYS.view), state.get(KEYS.seen, {}), {key: state.get(key) for key in maps}
)
shared = compare.reframed(state, compare.frame(atlas, [c.unit for c in changes]))

st.title("Compare two years")
st.caption(compare.INTRO)
choose, colour = st.columns([3, 2], vertical_alignment="bottom")
choose.pills(
    "Compare",
    compare.PRESETS,
    key=KEYS.preset,
    format_func=compare.preset_label,
    on_change=compare.apply_preset,
    args=(state,),
)
view = colour.segmented_control(
    "Colour the maps by", list(VIEWS), key=KEYS.colour, format_func=VIEW_LABELS.get, required=True
)

columns = st.columns(2, gap="medium")
for where, key, map_key, label in zip(
    columns, (KEYS.first, KEYS.second), maps, ("First year", "Second year"), strict=True
):
    with where:
        year = int(
            st.number_input(
                label,
                FIRST_YEAR,
                last_year(),
                step=1,
                key=key,
                help=YEAR_HELP,
                on_change=compare.clear_preset,
                args=(state,),
            )
        )
        update = map_update(atlas, loaders.map_atoms(), year, None, view)
        loaders.atlas_map(
            year_layer(update),
            key=map_key,
            height=compare.MAP_HEIGHT,
            returned_objects=["center", "zoom"],
            center=shared.center if shared else None,
            zoom=shared.zoom if shared else None,
        )
        st.page_link(
            MAP_PAGE,
            label=f"Open {year} on the map",
            icon=":material/map:",
            query_params=map_link(year, None, view),
        )

st.header(f"What differs between {first} and {second}", anchor=False)
if not changes:
    st.info(compare.SAME)
else:
    st.caption(compare.TABLE_NOTE)
    with st.container(key="compare_changes"):
        st.table(compare.change_rows(atlas, changes, first, second), hide_index=True)
    st.subheader("Land that changed hands, by side", anchor=False)
    totals = compare.total_lines(atlas, compare.direction_totals(changes))
    st.container(key="compare_totals").markdown("\n".join(f"- {line}" for line in totals))
    st.caption(compare.TOTALS_NOTE)
