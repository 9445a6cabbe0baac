"""The quiz made from the data: one seed one quiz, answers that agree with the export."""

from __future__ import annotations

from datetime import date

import pytest

from geo.atlas import situation
from geo.config import FIRST_YEAR
from geo.periods import history, year_date
from geo.quiz import (
    KEYS,
    KINDS,
    MAX_SEED,
    Answer,
    Question,
    apply_map_click,
    buttons,
    check_choice,
    feedback,
    make_quiz,
    map_key,
    next_question,
    notices,
    open_quiz,
    parse_seed,
    record,
    restart,
    score,
    treaty_label,
)

SEEDS = range(40)


@pytest.fixture(scope="module")
def quizzes(atlas) -> dict[int, tuple[Question, ...]]:
    return {seed: make_quiz(atlas, seed) for seed in SEEDS}


@pytest.fixture(scope="module")
def situations(atlas, quizzes) -> dict[int, dict[str, dict]]:
    # the export's properties of each unit, for every year a question asks about
    asked = {q.year for quiz in quizzes.values() for q in quiz}
    years = asked | {max(y - 1, FIRST_YEAR) for y in asked}
    return {y: {f["id"]: f["properties"] for f in situation(atlas, y)["features"]} for y in years}


def _in_year(atlas, unit: str, year: int):
    first, last = date(year, 1, 1), year_date(year)
    return [
        p
        for p in history(atlas.periods, unit)
        if p.start <= last and (p.end is None or p.end > first)
    ]


# ------------------------------------------------------------------ one seed, one quiz


def test_the_same_seed_gives_the_same_quiz(atlas, quizzes):
    assert make_quiz(atlas, 42) == make_quiz(atlas, 42)
    assert all(make_quiz(atlas, seed) == quizzes[seed] for seed in (0, 7, 39))


def test_different_seeds_give_different_quizzes(quizzes):
    prompts = {tuple(q.prompt for q in quiz) for quiz in quizzes.values()}
    assert len(prompts) == len(quizzes)


def test_a_quiz_mixes_the_kinds_and_asks_nothing_twice(quizzes):
    for quiz in quizzes.values():
        assert len(quiz) == 10
        assert {q.kind for q in quiz} == set(KINDS)
        assert len({q.prompt for q in quiz}) == len(quiz)
        holders = [q.unit for q in quiz if q.kind == "holder"]
        assert len(holders) == len(set(holders))
        for q in quiz:
            if q.kind == "click":
                assert q.choices == () and q.accepted
            else:
                assert len(q.choices) == len(set(q.choices)) == 4
                assert q.answer in q.choices and q.accepted == (q.answer,)
            assert q.source.strip() and q.detail.strip()


def test_the_number_of_questions_follows_n(atlas):
    assert len(make_quiz(atlas, 3, 4)) == 4
    assert len(make_quiz(atlas, 3, 25)) == 25
    assert make_quiz(atlas, 3, 0) == ()


# ------------------------------------------------------------------ answers and the export


def test_every_accepted_holder_is_the_exports_holder(quizzes, situations):
    asked = 0
    for quiz in quizzes.values():
        for q in quiz:
            if q.kind == "holder":
                assert q.accepted == (situations[q.year][q.unit]["holder"],), q.prompt
                asked += 1
    assert asked > 100


def test_every_accepted_treaty_is_the_event_the_export_gives_that_year(quizzes, situations):
    for quiz in quizzes.values():
        for q in quiz:
            if q.kind == "treaty":
                props = situations[q.year][q.unit]
                assert q.accepted == (treaty_label(props["event"]),), q.prompt
                assert props["since"].startswith(str(q.year))
                holder = props["holder"] if q.view == "control" else props["sovereign"]
                assert holder in q.prompt


def test_every_accepted_click_is_land_that_changed_hands_in_the_year(quizzes, situations):
    for quiz in quizzes.values():
        for q in quiz:
            if q.kind != "click":
                continue
            assert q.map_year == q.year - 1
            for unit in q.accepted:
                now, before = situations[q.year][unit], situations[q.year - 1][unit]
                field = "holder" if q.view == "control" else "sovereign"
                assert now[field] in q.prompt
                assert now[f"{field}_id"] != before[f"{field}_id"], (q.prompt, unit)
                assert treaty_label(now["event"]) in q.prompt
                # the map's tooltips name the units: none may give the answer away
                assert str(q.year) not in now["name"] and "Chuguchak" not in now["name"]


def test_the_wrong_choices_are_wrong_for_the_whole_year(atlas, quizzes):
    names = {h.name_en: h.id for h in atlas.holders.values()}
    for quiz in quizzes.values():
        for q in quiz:
            wrong = [c for c in q.choices if c != q.answer]
            periods = _in_year(atlas, q.unit, q.year)
            if q.kind == "holder":
                parties = {h for p in periods for h in (p.holder, p.sovereign, *p.claimants)}
                assert not {names[c] for c in wrong} & parties, q.prompt
                assert all(
                    atlas.holders[names[c]].side not in ("joint", "undetermined") for c in wrong
                )
            elif q.kind == "treaty":
                # no treaty of a choice changed anything in that year, anywhere
                events = {treaty_label(p.event) for p in atlas.periods if p.start.year == q.year}
                assert not set(wrong) & events, q.prompt


def test_aigun_is_asked_as_in_the_issue(atlas):
    quizzes = [make_quiz(atlas, seed) for seed in range(60)]
    clicks = [q for quiz in quizzes for q in quiz if q.kind == "click" and q.year == 1858]
    assert clicks
    assert clicks[0].prompt == (
        "Click the land that passed to the Russian Empire in 1858, by the Treaty of Aigun."
    )
    assert set(clicks[0].accepted) == {"amur_left_bank", "uda"}


# ------------------------------------------------------------------ the seed in the link


@pytest.mark.parametrize(
    ("raw", "seed", "notice"),
    [
        (None, 7, None),
        ("42", 42, None),
        (f"{MAX_SEED}", MAX_SEED, None),
        (f"{MAX_SEED + 1}", MAX_SEED, f"Seeds run from 0 to {MAX_SEED}; using seed {MAX_SEED}"),
        ("-1", 0, "using seed 0 instead of -1."),
        ("4.2", 7, "The seed '4.2' in the link is not a whole number; using seed 7 instead."),
    ],
)
def test_parse_seed_clamps_with_a_notice(raw, seed, notice):
    parsed = parse_seed(raw, 7)
    assert parsed.value == seed
    assert (parsed.notice is None) if notice is None else (notice in parsed.notice)


def test_the_link_starts_the_quiz_once_and_a_bad_seed_is_told(atlas):
    state = {}
    open_quiz(state, {"seed": "x"}, 11)
    assert state[KEYS.seed] == 11
    assert notices(state) == (
        "The seed 'x' in the link is not a whole number; using seed 11 instead.",
    )
    open_quiz(state, {"seed": "5"}, 12)
    assert state[KEYS.seed] == 11
    restart(state, 12)
    assert (state[KEYS.seed], state[KEYS.index], state[KEYS.answers]) == (12, 0, {})
    assert notices(state) == ()


# ------------------------------------------------------------------ answering and the score


def test_answers_count_once_and_make_the_score(atlas):
    quiz = make_quiz(atlas, 42)
    state = {}
    open_quiz(state, {"seed": "42"}, 0)
    first = quiz[0]
    if first.kind == "click":
        state[map_key(42, 0)] = {"last_active_drawing": {"properties": {"id": first.accepted[0]}}}
        apply_map_click(state, quiz, atlas.unit_ids)
    else:
        state["quiz_choice_42_0"] = first.answer
        check_choice(state, quiz)
    assert score(state) == (1, 1)
    record(state, quiz, None)  # a second answer to the same question does not count
    assert score(state) == (1, 1)
    next_question(state)
    record(state, quiz, None)
    assert score(state) == (1, 2)
    assert state[KEYS.answers][1] == Answer(None, False)


def test_a_click_on_the_map_answers_only_a_click_question(atlas):
    quiz = make_quiz(atlas, 42)
    click = next(i for i, q in enumerate(quiz) if q.kind == "click")
    radio = next(i for i, q in enumerate(quiz) if q.kind != "click")
    state = {}
    open_quiz(state, {"seed": "42"}, 0)
    state[KEYS.index] = radio
    state[map_key(42, radio)] = {"last_active_drawing": {"properties": {"id": "siberia"}}}
    apply_map_click(state, quiz, atlas.unit_ids)
    assert score(state) == (0, 0)
    state[KEYS.index] = click
    state[map_key(42, click)] = {"last_active_drawing": {"properties": {"id": "no_such"}}}
    apply_map_click(state, quiz, atlas.unit_ids)
    assert score(state) == (0, 0)
    wrong = next(u for u in atlas.unit_ids if u not in quiz[click].accepted)
    state[map_key(42, click)] = {"last_active_drawing": {"properties": {"id": wrong}}}
    apply_map_click(state, quiz, atlas.unit_ids)
    assert state[KEYS.answers][click] == Answer(wrong, False)


def test_the_buttons_follow_the_answer(atlas):
    quiz = make_quiz(atlas, 42)
    state = {}
    open_quiz(state, {"seed": "42"}, 0)
    radio = next(i for i, q in enumerate(quiz) if q.kind != "click")
    state[KEYS.index] = radio
    labels = {b.label: b.disabled for b in buttons(state, quiz, None)}
    assert labels == {"Check": True, "Show the answer": False, "Next question": True}
    assert {b.label: b.disabled for b in buttons(state, quiz, "x")}["Check"] is False
    record(state, quiz, None)
    labels = {b.label: b.disabled for b in buttons(state, quiz, "x")}
    assert labels == {"Check": True, "Show the answer": True, "Next question": False}
    click = next(i for i, q in enumerate(quiz) if q.kind == "click")
    state[KEYS.index] = click
    assert [b.key for b in buttons(state, quiz, None)] == [KEYS.reveal, KEYS.next]


def test_feedback_gives_the_answer_its_source_and_escapes_them(atlas):
    q = Question(
        "P",
        "holder",
        ("*A*", "B"),
        "*A*",
        1860,
        "primorye",
        "Book, p. 3",
        ("*A*",),
        1860,
        detail="Held [1].",
    )
    right = feedback(atlas, q, Answer("*A*", True))
    assert (right.right, right.verdict) == (True, "Right.")
    assert right.answer == r"The answer: **\*A\***. Held \[1\]\."
    assert right.source == r"Source: Book, p\. 3"
    wrong = feedback(atlas, q, Answer("B", False))
    assert wrong.verdict == "Not quite: you chose B."
    assert feedback(atlas, q, Answer(None, False)).verdict == "Here is the answer."
