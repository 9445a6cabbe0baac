"""The quiz: questions made from the data, answered by choosing or by clicking the map."""

from __future__ import annotations

import secrets

import streamlit as st

from geo import loaders, quiz
from geo.mapdata import map_update
from geo.mapview import HEIGHT, year_layer
from geo.session import MAP_PAGE, map_link
from geo.text import md_escape

atlas, _ = loaders.atlas_or_stop()
state = st.session_state
fresh = secrets.randbelow(quiz.MAX_SEED + 1)
quiz.open_quiz(state, st.query_params.to_dict(), fresh)
seed = state[quiz.KEYS.seed]
questions = quiz.make_quiz(atlas, seed)
quiz.apply_map_click(state, questions, atlas.unit_ids)  # before the score is drawn
st.query_params[quiz.SEED_PARAM] = str(seed)

st.title("Quiz")
st.caption(quiz.INTRO)
with st.container(key="quiz_notices"):
    for notice in quiz.notices(state):
        st.warning(md_escape(notice, links=False))

n, index = len(questions), state[quiz.KEYS.index]
right, answered = quiz.score(state)
bar, score = st.columns([4, 1], vertical_alignment="center")
bar.progress(min(index, n) / n, text=f"Question {index + 1} of {n}" if index < n else "Done")
score.container(key="quiz_score").markdown(f"**Score: {right} of {answered}**")

if index >= n:
    st.subheader(f"You got {right} of {n} right.", anchor=False)
    st.button("Start a new quiz", key=quiz.KEYS.restart, on_click=quiz.restart, args=(state, fresh))
    st.caption(f"The link with ?seed={seed} gives everyone the quiz you just took.")
    st.stop()

question = questions[index]
answer = state[quiz.KEYS.answers].get(index)
with st.container(key="quiz_question"):
    st.markdown(f"**{md_escape(question.prompt)}**")
    chosen = None
    if question.kind != "click":
        chosen = st.radio(
            md_escape(question.prompt),
            question.choices,
            index=None,
            key=quiz.choice_key(seed, index),
            format_func=md_escape,
            disabled=answer is not None,
            label_visibility="collapsed",
        )

if answer is not None:
    said = quiz.feedback(atlas, question, answer)
    with st.container(key="quiz_feedback"):
        (st.success if said.right else st.error)(f"{said.verdict} {said.answer}")
        st.caption(said.source)
        link = map_link(question.year, question.unit, question.view)
        st.page_link(MAP_PAGE, label="Open on the map", query_params=link)

with st.container(horizontal=True, key="quiz_buttons"):
    for b in quiz.buttons(state, questions, chosen):
        st.button(b.label, key=b.key, on_click=b.on_click, args=b.args, disabled=b.disabled)

if question.kind == "click":
    shown = question.year if answer else question.map_year
    st.caption(f"The map shows {shown}, as it stood on 31 December. Drag it to look around.")
    selected = question.unit if answer else None
    update = map_update(atlas, loaders.map_atoms(), shown, selected, question.view)
    loaders.atlas_map(
        year_layer(update),
        key=quiz.map_key(seed, index),
        height=HEIGHT,
        returned_objects=["last_active_drawing", "last_object_clicked_count"],
    )
st.caption(f"Seed {seed}: the link with ?seed={seed} gives everyone these questions.")
