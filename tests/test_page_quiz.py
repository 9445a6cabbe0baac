"""AppTest tests of the Quiz page (pages/quiz.py): answering, the score, the seed in the link."""

from __future__ import annotations

import json

import pytest
from conftest import run, unescape
from streamlit.testing.v1 import AppTest

from geo.quiz import KEYS, Question, choice_key, make_quiz, map_key

PAGE = "pages/quiz.py"
SEED = 42


@pytest.fixture(scope="module")
def quiz(atlas) -> tuple[Question, ...]:
    return make_quiz(atlas, SEED)


@pytest.fixture
def page(load_page) -> AppTest:
    at = load_page(PAGE)
    at.query_params["seed"] = str(SEED)
    return run(at)


def _score(at: AppTest) -> str:
    return at.get_by_key("quiz_score").markdown[0].value


def _prompt(at: AppTest, q: Question) -> str:
    shown = unescape(at.get_by_key("quiz_question").markdown[0].value).strip("*")
    if q.kind != "click":
        # the choice's label, hidden on screen, says the same to a screen reader
        state = at.session_state
        radio = at.radio(key=choice_key(state[KEYS.seed], state[KEYS.index]))
        assert unescape(radio.label) == shown
    return shown


def _answer(at: AppTest, q: Question, index: int, given: str) -> AppTest:
    if q.kind == "click":
        # a click on the map: st_folium's value, as the map page's tests give it
        at.session_state[map_key(SEED, index)] = {
            "last_active_drawing": {"type": "Feature", "properties": {"id": given}}
        }
    else:
        at.radio(key=choice_key(SEED, index)).set_value(given)
        run(at)
        at.button(key=KEYS.check).click()
    return run(at)


def _feedback(at: AppTest) -> str:
    block = at.get_by_key("quiz_feedback")
    return "\n".join(unescape(e.value) for e in [*block.success, *block.error, *block.caption])


def test_the_seed_in_the_link_gives_the_quiz_of_that_seed(page, quiz):
    assert _prompt(page, quiz[0]) == quiz[0].prompt
    assert _score(page) == "**Score: 0 of 0**"
    assert page.get("progress")[0].proto.text == f"Question 1 of {len(quiz)}"
    assert page.query_params["seed"] == str(SEED)
    assert not page.get_by_key("quiz_notices").warning


def test_a_right_answer_raises_the_score_and_shows_its_source(page, quiz):
    q = quiz[0]
    at = _answer(page, q, 0, q.accepted[0])
    assert _score(at) == "**Score: 1 of 1**"
    text = _feedback(at)
    assert text.startswith("Right.")
    assert f"The answer: **{q.answer}**" in text
    assert f"Source: {q.source}" in text
    (link,) = at.get("page_link")
    assert link.proto.label == "Open on the map"
    assert f"year={q.year}" in link.proto.query_string


def test_a_wrong_answer_leaves_the_score_and_says_so(page, quiz, atlas):
    q = quiz[0]
    if q.kind == "click":
        wrong = next(u for u in atlas.unit_ids if u not in q.accepted)
    else:
        wrong = next(c for c in q.choices if c != q.answer)
    at = _answer(page, q, 0, wrong)
    assert _score(at) == "**Score: 0 of 1**"
    assert _feedback(at).startswith("Not quite: you chose")


def test_the_whole_quiz_by_choosing_and_by_clicking(page, quiz, atlas):
    at = page
    kinds = set()
    for index, q in enumerate(quiz):
        assert _prompt(at, q) == q.prompt
        if q.kind == "click":
            args = json.loads(at.get("component_instance")[0].proto.json_args)
            assert args["returned_objects"] == ["last_active_drawing", "last_object_clicked_count"]
            # before the answer the map shows the year before the change, with nothing selected
            assert f"The map shows {q.map_year}" in " ".join(c.value for c in at.caption)
        else:
            assert not at.get("component_instance")
            options = at.radio(key=choice_key(SEED, index)).options
            assert [unescape(o) for o in options] == list(q.choices)
        kinds.add(q.kind)
        at = _answer(at, q, index, q.accepted[0])
        assert _score(at) == f"**Score: {index + 1} of {index + 1}**"
        at.button(key=KEYS.next).click()
        run(at)
    assert kinds == {"holder", "treaty", "click"}
    assert at.subheader[0].value == f"You got {len(quiz)} of {len(quiz)} right."
    at.button(key=KEYS.restart).click()
    run(at)
    # a new quiz on a new seed, which the link then carries
    assert _score(at) == "**Score: 0 of 0**"
    seed = at.session_state[KEYS.seed]
    assert at.query_params["seed"] == str(seed)
    first = make_quiz(atlas, seed)[0]
    assert _prompt(at, first) == first.prompt


def test_show_the_answer_counts_as_not_right(page, quiz):
    page.button(key=KEYS.reveal).click()
    at = run(page)
    assert _score(at) == "**Score: 0 of 1**"
    assert _feedback(at).startswith("Here is the answer.")
    assert at.button(key=KEYS.reveal).disabled
    assert not at.button(key=KEYS.next).disabled


@pytest.mark.parametrize(
    ("raw", "seed", "notice"),
    [
        ("-4", 0, "Seeds run from 0 to 999999; using seed 0 instead of -4."),
        ("1234567", 999_999, "Seeds run from 0 to 999999; using seed 999999 instead of 1234567."),
    ],
)
def test_a_bad_seed_is_clamped_with_a_notice(load_page, atlas, raw, seed, notice):
    at = load_page(PAGE)
    at.query_params["seed"] = raw
    run(at)
    assert at.session_state[KEYS.seed] == seed
    assert at.query_params["seed"] == str(seed)
    (warning,) = at.get_by_key("quiz_notices").warning
    assert unescape(warning.value) == notice
    q = make_quiz(atlas, seed)[0]
    assert _prompt(at, q) == q.prompt


def test_a_seed_that_is_no_number_gets_a_fresh_one_with_a_notice(load_page):
    at = load_page(PAGE)
    at.query_params["seed"] = "https://x.example"
    run(at)
    seed = at.session_state[KEYS.seed]
    (warning,) = at.get_by_key("quiz_notices").warning
    assert f"is not a whole number; using seed {seed} instead." in unescape(warning.value)
    # a web address from the link is shown as text, not as a link
    assert "https\u2060" in warning.value
