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
    jump_to_pill,
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


def test_jump_to_pill_moves_the_year_and_clears_the_pill():
    state = {KEYS.year: 1700, KEYS.jump: 1858}
    jump_to_pill(state)
    assert state == {KEYS.year: 1858, KEYS.jump: None}
    jump_to_pill(state)
    assert state[KEYS.year] == 1858


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
