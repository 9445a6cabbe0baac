"""Tests for geo.params (URL parameters) and geo.text (Markdown-safe text)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from geo.params import Parsed, parse_unit, parse_year
from geo.text import km2, md_escape, span_label

FIRST, LAST, DEFAULT = 1640, 2026, 1858


# ------------------------------------------------------------------ parse_year


@pytest.mark.parametrize("raw", [None, ""])
def test_parse_year_missing_gives_the_default_silently(raw):
    assert parse_year(raw, FIRST, LAST, DEFAULT) == Parsed(DEFAULT, None)


@pytest.mark.parametrize(
    "raw, year", [("1860", 1860), (" 1860 ", 1860), ("1640", 1640), ("2026", 2026)]
)
def test_parse_year_in_range_is_kept_silently(raw, year):
    assert parse_year(raw, FIRST, LAST, DEFAULT) == Parsed(year, None)


@pytest.mark.parametrize(
    "raw, year",
    [
        *(pytest.param(raw, FIRST, id=f"{raw}-below") for raw in ("1639", "0", "-5", "1000")),
        *(pytest.param(raw, LAST, id=f"{raw}-above") for raw in ("2027", "3000", "99999")),
    ],
)
def test_parse_year_out_of_the_range_is_clamped_with_a_notice(raw, year):
    parsed = parse_year(raw, FIRST, LAST, DEFAULT)
    assert parsed.value == year
    assert parsed.notice and str(year) in parsed.notice and raw in parsed.notice


@pytest.mark.parametrize("raw", ["abc", "1860.5", "18x0", "1e3", "1860;drop", "<b>1860</b>"])
def test_parse_year_not_a_number_gives_the_default_with_a_notice(raw):
    parsed = parse_year(raw, FIRST, LAST, DEFAULT)
    assert parsed.value == DEFAULT
    assert parsed.notice and "not a year" in parsed.notice and str(DEFAULT) in parsed.notice


def test_parse_year_notice_quotes_at_most_20_characters():
    parsed = parse_year("x" * 500, FIRST, LAST, DEFAULT)
    assert parsed.value == DEFAULT
    assert "x" * 20 in parsed.notice and "x" * 21 not in parsed.notice


# ------------------------------------------------------------------ parse_unit

KNOWN = frozenset({"primorye", "zhenbao"})


@pytest.mark.parametrize("raw", [None, ""])
def test_parse_unit_missing_is_no_selection_silently(raw):
    assert parse_unit(raw, KNOWN) == Parsed(None, None)


def test_parse_unit_known():
    assert parse_unit("zhenbao", KNOWN) == Parsed("zhenbao", None)


@pytest.mark.parametrize("raw", ["atlantis", "Primorye", " primorye", "<script>"])
def test_parse_unit_unknown_is_no_selection_with_a_notice(raw):
    parsed = parse_unit(raw, KNOWN)
    assert parsed.value is None
    assert parsed.notice and repr(raw) in parsed.notice


def test_parse_unit_notice_quotes_at_most_40_characters():
    parsed = parse_unit("y" * 100, KNOWN)
    assert "y" * 40 in parsed.notice and "y" * 41 not in parsed.notice


# ------------------------------------------------------------------ md_escape

SPECIAL = "\\`*_{}[]()#+-.!|<>~$:"


@pytest.mark.parametrize("ch", list(SPECIAL))
def test_md_escape_escapes_each_special_character(ch):
    assert md_escape(f"a{ch}b") == f"a\\{ch}b"


def test_md_escape_leaves_plain_text_alone():
    text = "Treaty of Aigun 1858 Айгунский договор 瑷珲条约"
    assert md_escape(text) == text


def test_md_escape_can_be_undone():
    text = "**[Sick man](http://x)** <b>_1,000_ km</b> `code` $5 a|b ~~s~~ \\n"
    undone = re.sub(r"\\(.)", r"\1", md_escape(text))
    assert undone == text
    # no special character is left without its backslash
    assert not re.search(r"(?<!\\)[*_\[\]<>`]", md_escape(text))


# ------------------------------------------------------------------ span_label


@pytest.mark.parametrize(
    "start, end, label",
    [
        (date(1689, 9, 6), date(1858, 5, 28), "6 Sep 1689 – 28 May 1858"),
        (date(1912, 2, 12), date(1949, 10, 1), "12 Feb 1912 – 1 Oct 1949"),
        (date(1640, 1, 1), date(1640, 12, 31), "1 Jan 1640 – 31 Dec 1640"),
        (date(2008, 10, 14), None, "since 14 Oct 2008"),
    ],
)
def test_span_label(start, end, label):
    assert span_label(start, end) == label


# ------------------------------------------------------------------ km2


@pytest.mark.parametrize(
    "value, text",
    [
        (0.0, "0.00 km²"),
        (0.74, "0.74 km²"),
        (9.994, "9.99 km²"),
        (10.0, "10 km²"),
        (113.2, "113 km²"),
        (12345.6, "12,346 km²"),
        (3699217.06, "3,699,217 km²"),
    ],
)
def test_km2(value, text):
    assert km2(value) == text
