"""The quiz, made from the data: who held a territory, which treaty moved a border, and where.

:func:`make_quiz` draws its questions from the periods of control and the
changes of holder (:func:`geo.changes.what_changed`) with
``random.Random(seed)``, so that one seed gives one quiz, the same for a whole
class (``?seed=42``). Every answer it accepts is what
:func:`geo.atlas.situation` says of that year, and every other choice is wrong
for the whole of that year. The rest keeps the reader's answers and score in
session state, and takes plain values, so it runs without Streamlit.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Collection, Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from datetime import date

from geo.atlas import Atlas
from geo.changes import Change, change_years, what_changed
from geo.params import Parsed
from geo.periods import Period, history, state_at, year_date
from geo.session import decode_click
from geo.text import md_escape, span_label

KINDS = ("holder", "treaty", "click")
QUESTIONS = 10
CHOICES = 4
MAX_SEED = 999_999
SEED_PARAM = "seed"
# land smaller than this is too small to click at the map's opening zoom
CLICK_MIN_KM2 = 10_000.0
INTRO = (
    "Questions made from the atlas's data: who held a territory, which treaty moved a border, "
    "and where the land that changed hands lies. A year is taken as it stood on 31 December."
)
# the sides of "held jointly", "contested" and "undetermined": no one to name as an answer
_NO_ONE = frozenset({"joint", "undetermined"})
# the events that name a treaty: "Treaty of Aigun", "Liaotung Convention", "2004 agreement"
_TREATY = re.compile(r"^(Treaty|Convention|Protocol)\b|^\w+ Convention$|^[0-9]{4} .*agreement$")
_IN_FORCE = " in force"
TREATY_QUESTION = "Which treaty moved this border?"
_NAME = re.compile(r"[A-Z][a-z]+")
_TREATY_WORDS = frozenset({"Treaty", "Convention", "Protocol", "Agreement"})


@dataclass(frozen=True)
class QuizKeys:
    """The names of the quiz page's widgets and session-state entries."""

    seed: str = "quiz_seed"
    first: str = "quiz_first"
    index: str = "quiz_index"
    answers: str = "quiz_answers"
    check: str = "quiz_check"
    reveal: str = "quiz_reveal"
    next: str = "quiz_next"
    restart: str = "quiz_restart"


KEYS = QuizKeys()


@dataclass(frozen=True)
class Question:
    """One question, in plain text.

    ``kind`` is ``holder`` (who controlled a unit), ``treaty`` (which treaty
    moved a border) or ``click`` (click the land on the map). ``choices`` are
    the options of a question answered by choosing (empty for a click);
    ``accepted`` what counts as right: the answer, or the ids of the units a
    click may hit. The map of a click question shows ``map_year``, the year
    before the change, coloured by ``view``.
    """

    prompt: str
    kind: str
    choices: tuple[str, ...]
    answer: str
    year: int
    unit: str
    source: str
    accepted: tuple[str, ...] = ()
    map_year: int = 0
    view: str = "control"
    detail: str = ""

    def accepts(self, given: str | None) -> bool:
        """Whether ``given`` (a choice, or a clicked unit's id) is a right answer.

        Examples
        --------
        >>> q = Question("P", "click", (), "Land", 1858, "uda", "S", ("uda", "amur_left_bank"))
        >>> q.accepts("uda"), q.accepts("primorye"), q.accepts(None)
        (True, False, False)
        """
        return given is not None and given in self.accepted


@dataclass(frozen=True)
class Answer:
    """What the reader gave (None when they asked to be shown), and whether it was right."""

    given: str | None
    right: bool


@dataclass(frozen=True)
class Feedback:
    """What the page shows once a question is answered; every text is escaped Markdown."""

    right: bool
    verdict: str
    answer: str
    source: str


def treaty_label(event: str) -> str:
    """How a choice names the treaty of a change: the event, without "in force".

    Examples
    --------
    >>> treaty_label("Treaty of Saint Petersburg in force")
    'Treaty of Saint Petersburg'
    """
    return event.removesuffix(_IN_FORCE)


def make_quiz(atlas: Atlas, seed: int, n: int = QUESTIONS) -> tuple[Question, ...]:
    """``n`` questions drawn from the data with ``random.Random(seed)``.

    The kinds take turns in a shuffled order; a kind with too few questions
    left gives its place to questions on holders. No unit is asked about twice
    in the holder questions, and no change twice.

    Parameters
    ----------
    atlas : Atlas
        The loaded atlas.
    seed : int
        The same seed gives the same questions, choices and order.
    n : int
        How many questions.

    Returns
    -------
    tuple[Question, ...]

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> atlas = load_atlas()
    >>> quiz = make_quiz(atlas, 42, 6)
    >>> len(quiz), quiz == make_quiz(atlas, 42, 6), quiz == make_quiz(atlas, 43, 6)
    (6, True, False)
    """
    rng = random.Random(seed)
    kinds = [KINDS[i % len(KINDS)] for i in range(n)]
    rng.shuffle(kinds)
    moved = _moving_changes(atlas)
    treaties = _draw(rng, moved, kinds.count("treaty"), lambda c: c)
    # a click question on another treaty than the treaty questions ask about
    asked = {c.event for c in treaties}
    clickable = [c for c in moved if c.event not in asked and _clickable(atlas, c)]
    clicks = _draw(rng, clickable, kinds.count("click"), lambda c: c)
    short = n - kinds.count("holder") - len(treaties) - len(clicks)
    holders = _draw(rng, _holder_candidates(atlas), kinds.count("holder") + short, lambda p: p[0])
    drawn = {"holder": iter(holders), "treaty": iter(treaties), "click": iter(clicks)}
    labels = _treaty_labels(atlas)
    questions = []
    for kind in kinds:
        pick = next(drawn[kind], None)
        if pick is None:
            kind, pick = "holder", next(drawn["holder"], None)
        if pick is None:
            continue
        if kind == "holder":
            questions.append(_holder_question(atlas, rng, *pick))
        elif kind == "treaty":
            questions.append(_treaty_question(atlas, rng, pick, labels))
        else:
            questions.append(_click_question(atlas, pick))
    return tuple(questions)


def _draw(rng: random.Random, pool: Sequence, k: int, key: object) -> list:
    # k items of the pool in a random order, no two with the same key
    order = list(pool)
    rng.shuffle(order)
    out, seen = [], set()
    for item in order:
        if len(out) == k:
            break
        if key(item) not in seen:
            seen.add(key(item))
            out.append(item)
    return out


def _real(atlas: Atlas, holder: str) -> bool:
    return atlas.holders[holder].side not in _NO_ONE


def _holder_candidates(atlas: Atlas) -> list[tuple[str, int]]:
    # (unit, year): the first and the middle year of each period held by a state
    out: list[tuple[str, int]] = []
    for unit in atlas.unit_ids:
        for p in history(atlas.periods, unit):
            if not _real(atlas, p.holder):
                continue
            years = [p.start.year]
            if p.end is not None:
                years.append((p.start.year + p.end.year) // 2)
            for year in years:
                if p.in_force(year_date(year)) and (unit, year) not in out:
                    out.append((unit, year))
    return out


def _overlapping(periods: Iterable[Period], year: int) -> list[Period]:
    first, last = date(year, 1, 1), year_date(year)
    return [p for p in periods if p.start <= last and (p.end is None or p.end > first)]


def _parties(periods: Iterable[Period]) -> set[str]:
    return {h for p in periods for h in (p.holder, p.sovereign_holder, *p.claimants)}


def _holder_question(atlas: Atlas, rng: random.Random, unit: str, year: int) -> Question:
    period = state_at([unit], atlas.periods, year_date(year))[unit]
    holder = atlas.holders[period.holder]
    # anyone who held, ruled by treaty or claimed the unit at any time in the year is out
    wrong = _parties(_overlapping(history(atlas.periods, unit), year))
    about = sorted(h for h in _parties(_overlapping(atlas.periods, year)) if h not in wrong)
    pool = [h for h in about if _real(atlas, h)]
    if len(pool) < CHOICES - 1:
        nearest = [h for h in _by_distance(atlas, year) if h not in wrong and h not in pool]
        pool += nearest[: CHOICES - 1 - len(pool)]
    distractors = rng.sample(pool, CHOICES - 1)
    choices = [holder.name_en, *(atlas.holders[h].name_en for h in distractors)]
    rng.shuffle(choices)
    name = atlas.unit(unit).name_en
    detail = f"{holder.name_en}, {span_label(period.start, period.end)}"
    if period.event:
        detail += f" ({period.event})"
    if period.divided:
        sovereign = atlas.holders[period.sovereign_holder].name_en
        detail += f"; sovereign by treaty: {sovereign} ({period.status})"
    return Question(
        prompt=f"Who controlled this territory in {year}: {name}?",
        kind="holder",
        choices=tuple(choices),
        answer=holder.name_en,
        year=year,
        unit=unit,
        source=period.source,
        accepted=(holder.name_en,),
        map_year=year,
        detail=detail + ".",
    )


def _by_distance(atlas: Atlas, year: int) -> list[str]:
    # the states in the data, nearest in time to the year first
    gap: dict[str, int] = {}
    for p in atlas.periods:
        end = p.end.year if p.end else year
        far = max(p.start.year - year, year - end, 0)
        for h in (p.holder, *p.claimants):
            if _real(atlas, h):
                gap[h] = min(gap.get(h, far), far)
    return sorted(gap, key=lambda h: (gap[h], h))


def _moving_changes(atlas: Atlas) -> list[Change]:
    # changes made by a treaty that moved land to a state of another side, and
    # still stood on 31 December of their year
    out = []
    for year in change_years(atlas):
        for c in what_changed(atlas, year):
            to = atlas.holders[c.to_holder]
            if not _TREATY.search(treaty_label(c.event)) or to.side in _NO_ONE:
                continue
            if all(atlas.holders[h].side == to.side for h in c.from_holders):
                continue
            after = state_at(c.units, atlas.periods, year_date(year))
            before = state_at(c.units, atlas.periods, year_date(year - 1))
            # the land is the new holder's at the end of the year, and was not a year before
            was = [_party(before[u], c.kind) for u in c.units]
            if all(after[u].start == c.on for u in c.units) and c.to_holder not in was:
                out.append(c)
    return out


def _clickable(atlas: Atlas, change: Change) -> bool:
    # big enough to click, and no name on the map (its tooltips) that repeats the
    # treaty's name or the year of the question
    names = " ".join(atlas.unit(u).name_en for u in change.units)
    words = set(_NAME.findall(treaty_label(change.event))) - _TREATY_WORDS
    leaks = str(change.on.year) in names or any(w in names for w in words)
    return change.area_km2 >= CLICK_MIN_KM2 and not leaks


def _party(period: Period, kind: str) -> str:
    # who a change of this kind moves the land from: the holder, or the sovereign
    return period.holder if kind == "control" else period.sovereign_holder


def _treaty_labels(atlas: Atlas) -> dict[int, set[str]]:
    # the treaties of the changes, by year
    out: dict[int, set[str]] = {}
    for year in change_years(atlas):
        for c in what_changed(atlas, year):
            if _TREATY.search(treaty_label(c.event)):
                out.setdefault(year, set()).add(treaty_label(c.event))
    return out


def _land(atlas: Atlas, change: Change) -> tuple[str, str]:
    # the largest unit of the land, and the land's name
    unit = max(change.units, key=lambda u: atlas.areas[u])
    return unit, " and ".join(atlas.unit(u).name_en for u in change.units)


def _passed(atlas: Atlas, change: Change) -> str:
    to = atlas.holders[change.to_holder].name_en
    # single words are names of countries ("Mongolia"); the rest take an article
    the = to if " " not in to else f"the {to}"
    return (
        f"passed to {the}" if change.kind == "control" else f"came under the sovereignty of {the}"
    )


def _change_facts(atlas: Atlas, change: Change) -> tuple[str, str]:
    # the source of the change, and one sentence on it
    unit, land = _land(atlas, change)
    period = state_at([unit], atlas.periods, change.on)[unit]
    day = f"{change.on.day} {change.on.strftime('%b')} {change.on.year}"
    return period.source, f"{change.event}, {day}: {land} {_passed(atlas, change)}."


def _treaty_question(
    atlas: Atlas, rng: random.Random, change: Change, labels: Mapping[int, set[str]]
) -> Question:
    year = change.on.year
    unit, land = _land(atlas, change)
    answer = treaty_label(change.event)
    # the treaties of other years, less any that also changed something this year
    others = sorted({lab for y, labs in labels.items() if y != year for lab in labs})
    pool = [lab for lab in others if lab not in labels.get(year, set()) and lab != answer]
    choices = [answer, *rng.sample(pool, CHOICES - 1)]
    rng.shuffle(choices)
    source, detail = _change_facts(atlas, change)
    return Question(
        prompt=f"In {year} this land {_passed(atlas, change)}: {land}. {TREATY_QUESTION}",
        kind="treaty",
        choices=tuple(choices),
        answer=answer,
        year=year,
        unit=unit,
        source=source,
        accepted=(answer,),
        map_year=year,
        view="control" if change.kind == "control" else "sovereign",
        detail=detail,
    )


def _click_question(atlas: Atlas, change: Change) -> Question:
    year = change.on.year
    unit, land = _land(atlas, change)
    source, _ = _change_facts(atlas, change)
    treaty = treaty_label(change.event)
    day = f"{change.on.day} {change.on.strftime('%b')} {change.on.year}"
    return Question(
        prompt=f"Click the land that {_passed(atlas, change)} in {year}, by the {treaty}.",
        kind="click",
        choices=(),
        answer=land,
        year=year,
        unit=unit,
        source=source,
        accepted=change.units,
        map_year=year - 1,
        view="control" if change.kind == "control" else "sovereign",
        detail=f"{change.event}, {day}.",
    )


# ------------------------------------------------------------------ the session


def parse_seed(raw: str | None, fresh: int) -> Parsed:
    """The quiz's seed for a ``seed`` link parameter: clamped, or ``fresh`` if there is none.

    Examples
    --------
    >>> parse_seed("42", 7), parse_seed(None, 7)
    (Parsed(value=42, notice=None), Parsed(value=7, notice=None))
    >>> parse_seed("-3", 7).notice
    'Seeds run from 0 to 999999; using seed 0 instead of -3.'
    >>> parse_seed("abc", 7).notice
    "The seed 'abc' in the link is not a whole number; using seed 7 instead."
    """
    if raw is None or raw.strip() == "":
        return Parsed(fresh)
    text = raw.strip()
    try:
        seed = int(text)
    except ValueError:
        reason = f"The seed {text[:20]!r} in the link is not a whole number"
        return Parsed(fresh, f"{reason}; using seed {fresh} instead.")
    clamped = max(0, min(MAX_SEED, seed))
    if clamped != seed:
        return Parsed(
            clamped, f"Seeds run from 0 to {MAX_SEED}; using seed {clamped} instead of {seed}."
        )
    return Parsed(seed)


def open_quiz(state: MutableMapping, params: Mapping[str, str], fresh: int) -> None:
    """Start the session's quiz on the link's seed (or on ``fresh``), once.

    Examples
    --------
    >>> state = {}
    >>> open_quiz(state, {"seed": "42"}, 7)
    >>> state["quiz_seed"], state["quiz_index"], state["quiz_answers"]
    (42, 0, {})
    """
    if KEYS.seed in state:
        return
    parsed = parse_seed(params.get(SEED_PARAM), fresh)
    state[KEYS.seed] = int(parsed.value or 0)
    state[KEYS.first] = parsed
    state[KEYS.index] = 0
    state[KEYS.answers] = {}


def notices(state: Mapping) -> tuple[str, ...]:
    """The notice about a bad seed in the link, for as long as its quiz goes on.

    Examples
    --------
    >>> first = Parsed(0, "Seeds run from 0 to 999999; using seed 0 instead of -3.")
    >>> notices({"quiz_seed": 0, "quiz_first": first})
    ('Seeds run from 0 to 999999; using seed 0 instead of -3.',)
    >>> notices({"quiz_seed": 5, "quiz_first": first})
    ()
    """
    first = state.get(KEYS.first)
    if first is None or first.notice is None or state.get(KEYS.seed) != first.value:
        return ()
    return (first.notice,)


def choice_key(seed: int, index: int) -> str:
    """The key of the choice widget of one question of one quiz.

    Examples
    --------
    >>> choice_key(42, 0)
    'quiz_choice_42_0'
    """
    return f"quiz_choice_{seed}_{index}"


def map_key(seed: int, index: int) -> str:
    """The key of the map of one click question of one quiz.

    Examples
    --------
    >>> map_key(42, 3)
    'quiz_map_42_3'
    """
    return f"quiz_map_{seed}_{index}"


def record(state: MutableMapping, questions: Sequence[Question], given: str | None) -> None:
    """Keep the reader's answer to the current question; the first answer stands.

    Examples
    --------
    >>> q = Question("P", "holder", ("A", "B"), "A", 1858, "uda", "S", ("A",))
    >>> state = {"quiz_index": 0, "quiz_answers": {}}
    >>> record(state, [q], "B"); record(state, [q], "A")
    >>> state["quiz_answers"]
    {0: Answer(given='B', right=False)}
    """
    index = state[KEYS.index]
    answers = dict(state.get(KEYS.answers) or {})
    if index < len(questions) and index not in answers:
        answers[index] = Answer(given, questions[index].accepts(given))
    state[KEYS.answers] = answers


def check_choice(state: MutableMapping, questions: Sequence[Question]) -> None:
    """The Check button's callback: answer with the choice made, if any.

    Examples
    --------
    >>> q = Question("P", "holder", ("A", "B"), "A", 1858, "uda", "S", ("A",))
    >>> state = {"quiz_seed": 1, "quiz_index": 0, "quiz_answers": {}, "quiz_choice_1_0": "A"}
    >>> check_choice(state, [q])
    >>> state["quiz_answers"][0].right
    True
    """
    given = state.get(choice_key(state[KEYS.seed], state[KEYS.index]))
    if given is not None:
        record(state, questions, given)


def apply_map_click(
    state: MutableMapping, questions: Sequence[Question], unit_ids: Collection[str]
) -> None:
    """Answer a click question with the unit clicked on its map, if a known one was.

    Examples
    --------
    >>> q = Question("P", "click", (), "Land", 1858, "uda", "S", ("uda",))
    >>> state = {"quiz_seed": 1, "quiz_index": 0, "quiz_answers": {},
    ...          "quiz_map_1_0": {"last_active_drawing": {"properties": {"id": "uda"}}}}
    >>> apply_map_click(state, [q], {"uda"})
    >>> state["quiz_answers"][0]
    Answer(given='uda', right=True)
    """
    index = state[KEYS.index]
    if index >= len(questions) or questions[index].kind != "click":
        return
    unit = decode_click(state.get(map_key(state[KEYS.seed], index))).unit
    if unit in unit_ids:
        record(state, questions, unit)


@dataclass(frozen=True)
class Button:
    """One button under a question: its label, key, callback and whether it is off."""

    label: str
    key: str
    on_click: Callable[..., None]
    args: tuple
    disabled: bool


def buttons(
    state: Mapping, questions: Sequence[Question], chosen: str | None
) -> tuple[Button, ...]:
    """The buttons under the current question: Check (not for a click), Show, Next.

    ``chosen`` is the choice made, if any; Check waits for one, and Next for an answer.

    Examples
    --------
    >>> q = Question("P", "holder", ("A", "B"), "A", 1858, "uda", "S", ("A",))
    >>> state = {"quiz_index": 0, "quiz_answers": {}}
    >>> [(b.label, b.disabled) for b in buttons(state, [q], None)]
    [('Check', True), ('Show the answer', False), ('See the score', True)]
    """
    index = state[KEYS.index]
    done = index in (state.get(KEYS.answers) or {})
    last = index + 1 >= len(questions)
    out = [
        Button("Show the answer", KEYS.reveal, record, (state, questions, None), done),
        Button(
            "See the score" if last else "Next question",
            KEYS.next,
            next_question,
            (state,),
            not done,
        ),
    ]
    if questions[index].kind != "click":
        out.insert(
            0, Button("Check", KEYS.check, check_choice, (state, questions), done or not chosen)
        )
    return tuple(out)


def next_question(state: MutableMapping) -> None:
    """The Next button's callback: go on to the next question.

    Examples
    --------
    >>> state = {"quiz_index": 2}
    >>> next_question(state)
    >>> state["quiz_index"]
    3
    """
    state[KEYS.index] += 1


def restart(state: MutableMapping, seed: int) -> None:
    """Start a new quiz on ``seed``, with no answers.

    Examples
    --------
    >>> state = {"quiz_seed": 1, "quiz_index": 9, "quiz_answers": {0: Answer("A", True)}}
    >>> restart(state, 5)
    >>> state["quiz_seed"], state["quiz_index"], state["quiz_answers"]
    (5, 0, {})
    """
    state[KEYS.seed], state[KEYS.index], state[KEYS.answers] = seed, 0, {}


def score(state: Mapping) -> tuple[int, int]:
    """The number of right answers, and of questions answered, in the session's quiz.

    Examples
    --------
    >>> score({"quiz_answers": {0: Answer("A", True), 1: Answer(None, False)}})
    (1, 2)
    """
    answers = (state.get(KEYS.answers) or {}).values()
    return sum(a.right for a in answers), len(answers)


def feedback(atlas: Atlas, question: Question, answer: Answer) -> Feedback:
    r"""The verdict on an answer, the right answer with what happened, and its source.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> q = Question("P", "click", (), "Uda region", 1858, "uda", "Treaty text", ("uda",))
    >>> feedback(load_atlas(), q, Answer("primorye", False)).verdict
    'Not quite: you chose Ussuri\\-Pacific coast \\(Primorye\\).'
    """
    given = answer.given
    if given is not None and question.kind == "click":
        given = atlas.unit(given).name_en
    if answer.right:
        verdict = "Right."
    elif given is None:
        verdict = "Here is the answer."
    else:
        verdict = f"Not quite: you chose {md_escape(given)}."
    text = f"The answer: **{md_escape(question.answer)}**. {md_escape(question.detail)}"
    return Feedback(answer.right, verdict, text.strip(), f"Source: {md_escape(question.source)}")
