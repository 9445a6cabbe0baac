"""Tests of geo.session: the first view from a link, map clicks, the pill and the link."""

from __future__ import annotations

import pytest

from geo.session import (
    DEFAULT_YEAR,
    KEYS,
    Click,
    clicked_unit,
    decode_click,
    first_view,
    write_link,
)

UNITS = {"tuva", "primorye"}


@pytest.mark.parametrize(
    ("params", "year", "selected", "notices"),
    [
        ({}, DEFAULT_YEAR, None, 0),
        ({"year": "1900", "unit": "tuva"}, 1900, "tuva", 0),
        ({"year": "abc"}, DEFAULT_YEAR, None, 1),
        ({"year": "-5"}, 1640, None, 1),
        ({"year": "99999"}, 2026, None, 1),
        ({"unit": "nowhere"}, DEFAULT_YEAR, None, 1),
        ({"year": "abc", "unit": "<b>"}, DEFAULT_YEAR, None, 2),
    ],
    ids=["none", "good", "not-a-year", "too-early", "too-late", "unknown-unit", "both-bad"],
)
def test_first_view_from_a_link(params, year, selected, notices):
    view = first_view(params, 1640, 2026, UNITS)
    assert (view.year, view.selected, len(view.notices)) == (year, selected, notices)


def test_decode_click_reads_the_feature_and_the_counter():
    value = {"last_active_drawing": {"properties": {"id": "tuva"}}, "last_object_clicked_count": 2}
    assert decode_click(value) == Click("tuva", ("tuva", 2))
    assert decode_click({"last_active_drawing": None}) == Click(None, (None, None))


@pytest.mark.parametrize(
    ("click", "last", "chosen"),
    [
        (Click("tuva", ("tuva", 1)), None, "tuva"),
        (Click("tuva", ("tuva", 1)), ("tuva", 1), None),
        (Click("tuva", ("tuva", 2)), ("tuva", 1), "tuva"),
        (Click("atlantis", ("atlantis", 1)), None, None),
        (Click(None, (None, None)), None, None),
    ],
    ids=["new", "same-click-again", "same-unit-clicked-again", "unknown-unit", "no-click"],
)
def test_clicked_unit(click, last, chosen):
    assert clicked_unit(click, last, UNITS) == chosen


def test_write_link_keeps_year_and_unit_in_the_parameters():
    params: dict[str, str] = {}
    write_link(params, 1860, "primorye")
    assert params == {"year": "1860", "unit": "primorye"}
    write_link(params, 1861, None)
    assert params == {"year": "1861"}


def test_session_keys_are_distinct():
    names = [getattr(KEYS, f) for f in KEYS.__dataclass_fields__]
    assert len(names) == len(set(names))


def test_a_notice_stands_until_the_reader_moves_on():
    from geo.session import FirstView, standing_notices

    first = FirstView(1860, "tuva", ("bad link",))
    assert standing_notices(first, 1860, "tuva") == ("bad link",)
    assert standing_notices(first, 1861, "tuva") == ()
    assert standing_notices(first, 1860, None) == ()
    assert standing_notices(None, 1860, "tuva") == ()


def test_play_moves_the_year_on_when_due_and_stops_at_the_end_or_a_change():
    from geo.session import PLAY_SECONDS, advance_play

    state = {KEYS.year: 1856, KEYS.playing: True}
    assert advance_play(state, [1858], 1860, now=0.0) is False
    assert advance_play(state, [1858], 1860, now=PLAY_SECONDS) and state[KEYS.year] == 1857
    assert advance_play(state, [1858], 1860, now=PLAY_SECONDS * 1.5) is False
    assert advance_play(state, [1858], 1860, now=PLAY_SECONDS * 2) and state[KEYS.year] == 1858
    assert state[KEYS.playing] is True  # not asked to stop at changes
    state[KEYS.stop_at_changes] = True
    state[KEYS.year] = 1857
    assert advance_play(state, [1858], 1860, now=PLAY_SECONDS * 3)
    assert state[KEYS.playing] is False  # paused on the change
    state[KEYS.playing] = True
    state[KEYS.year] = 1859
    assert advance_play(state, [1858], 1860, now=PLAY_SECONDS * 5)
    assert state[KEYS.year] == 1860 and state[KEYS.playing] is False  # the end
    state[KEYS.playing] = False
    assert advance_play(state, [1858], 1860, now=PLAY_SECONDS * 9) is False
    assert KEYS.play_due not in state


def test_a_link_sets_the_language_and_a_bad_one_gives_a_notice():
    from geo.session import first_view

    assert first_view({"lang": "zh"}, 1640, 2026, set()).lang == "zh"
    bad = first_view({"lang": "<b>x</b>"}, 1640, 2026, set())
    assert bad.lang == "en"
    assert bad.notices and "<b>x</b>" in bad.notices[0]


def test_the_link_carries_the_language_unless_it_is_english():
    from geo.session import map_link

    assert map_link(1860, "primorye", "china", "ru") == {
        "year": "1860",
        "unit": "primorye",
        "view": "china",
        "lang": "ru",
    }
    assert "lang" not in map_link(1860)
