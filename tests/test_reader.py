"""Tests of geo/reader.py: the article section by section, the search, and its escaping."""

from __future__ import annotations

import json
import re

import pytest
from conftest import DATA, unescape

from geo.corrections import Correction
from geo.panels import passage_panel
from geo.reader import (
    MAX_QUERY,
    about_article,
    highlight,
    read_article,
    search_pattern,
    section_view,
    years_label,
)
from geo.text import md_escape

RAW = json.loads((DATA / "sections.json").read_text(encoding="utf-8"))
PAYLOADS = (
    "<script>alert(1)</script>",
    "[x](http://e)",
    "**bold** _it_ `code`",
    ":red[boom] $x$",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "www.example.com",
)
# the marks the reader itself adds round pieces of escaped text
_MARKUP = re.compile(r":(?:blue|orange)-background\[|(?<!\\)\*\*|(?<!\\)\][¹²³⁴⁵⁶⁷⁸⁹⁰]*")
# a Markdown or HTML special character left unescaped
_BARE = re.compile(r"(?<!\\)[<>\[\]()*_`$:|#!~{}]")


def raw_text(section: dict) -> str:
    return " ".join([section["heading"], *section["text"], section.get("caption") or ""])


def without_marks(markdown: str) -> str:
    return _MARKUP.sub("", markdown)


def test_the_whole_article_is_shown_section_by_section_in_reading_order(atlas):
    reading = read_article(atlas)
    assert not reading.searched and reading.summary == ""
    assert [v.id for v in reading.sections] == [s["id"] for s in RAW["sections"]]
    for view, raw in zip(reading.sections, RAW["sections"], strict=True):
        assert [unescape(without_marks(p)) for p in view.paragraphs] == raw["text"]
        assert view.first_year == (raw["spans"][0]["start"] if raw["spans"] else None)


def test_without_a_search_the_paragraphs_are_those_of_the_map_pages_passage(atlas):
    # the same marks of corrected phrases as the passage panel, not a second style
    for view in read_article(atlas).sections:
        if view.first_year is not None:
            panel = passage_panel(atlas, view.first_year)
            assert view.paragraphs == panel.paragraphs
            assert view.fact_check == panel.fact_check


def test_every_correction_is_marked_and_noted_in_its_section(atlas):
    views = {v.id: v for v in read_article(atlas).sections}
    for c in atlas.corrections:
        view = views[c.section]
        # a section without years would have no fact check to show
        assert view.first_year is not None, c.id
        assert f":orange-background[{md_escape(c.quote)}]" in "".join(view.paragraphs)
        assert md_escape(c.correction) in view.fact_check


def test_a_search_for_aigun_finds_the_sections_that_name_it(atlas):
    expected = [s["id"] for s in RAW["sections"] if "aigun" in raw_text(s).lower()]
    assert expected == ["russian-encroachment"]
    for query in ("Aigun", "aigun", "  AIGUN "):
        reading = read_article(atlas, query)
        assert reading.searched
        assert [v.id for v in reading.sections] == expected
        assert reading.matching == 1
        assert reading.summary == f"“{query.strip()}” is in **1** of the 18 sections (1 match)."
        (view,) = reading.sections
        assert ":blue-background[**Aigun**]" in view.paragraphs[0]


def test_a_search_keeps_every_section_that_matches_and_only_those(atlas):
    reading = read_article(atlas, "Treaty")
    expected = [s["id"] for s in RAW["sections"] if "treaty" in raw_text(s).lower()]
    assert [v.id for v in reading.sections] == expected
    counts = sum(raw_text(s).lower().count("treaty") for s in RAW["sections"])
    assert sum(v.matches for v in reading.sections) == counts
    assert reading.summary.endswith(f"({counts} matches).")


def test_a_search_is_literal_and_spaces_match_any_white_space(atlas):
    assert read_article(atlas, ".*").sections == ()
    assert search_pattern("Treaty   of").search("the Treaty\nof Aigun")
    assert search_pattern("") is None and search_pattern(" \t") is None
    assert read_article(atlas, "   ").searched is False
    assert len(search_pattern("a" * 500).pattern) == MAX_QUERY


def test_a_search_with_no_match_says_so(atlas):
    reading = read_article(atlas, "Zanzibar")
    assert reading.sections == ()
    assert reading.summary == "“Zanzibar” is in none of the 18 sections."


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_payload_in_the_search_is_shown_inert(atlas, payload):
    summary = read_article(atlas, payload).summary
    (quoted,) = re.findall(r"“(.*)”", summary)
    assert not _BARE.search(quoted), quoted
    # no address Streamlit could turn into a link
    assert not re.search(r"(?i)(https?|www)(?!\u2060)", quoted)
    assert unescape(quoted).replace("\u2060", "") == payload


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_payload_in_the_text_is_escaped_before_it_is_highlighted(payload):
    text = f"Before {payload} after."
    note = Correction("n", "s", "after", "Later.", "src")
    for query in (payload, payload[:5], "after"):
        marked = highlight(text, search_pattern(query), [note])
        assert not _BARE.search(without_marks(marked)), marked
        assert unescape(without_marks(marked)) == text


def test_a_match_inside_a_corrected_phrase_interrupts_the_mark(atlas):
    (view,) = read_article(atlas, "Outer Manchuria").sections
    assert (
        ":orange-background[including ]:blue-background[**Outer Manchuria**]"
        ":orange-background[ and Sakhalin]¹"
    ) in view.paragraphs[0]


def test_a_match_across_a_corrected_phrase_is_marked_on_both_sides():
    note = Correction("n", "s", "the 1660s", "The 1650s.", "src")
    marked = highlight("It began in the 1660s.", search_pattern("in the"), [note])
    # white space stays outside the bold, where ** could not close
    assert marked == (
        "It began :blue-background[**in**] :blue-background[**the**]:orange-background[ 1660s]¹\\."
    )


def test_a_match_that_starts_or_ends_with_punctuation_is_still_wrapped_in_brackets():
    note = Correction("n", "s", "x(y)z", "No.", "src")
    marked = highlight("ax(y)zb", search_pattern("(y)"), [note])
    assert marked == ("a:orange-background[x]:blue-background[**\\(y\\)**]:orange-background[z]¹b")


def test_a_matching_heading_is_highlighted(atlas):
    (view,) = [v for v in read_article(atlas, "encroachment").sections]
    assert view.heading == "Russian :blue-background[**encroachment**]"
    assert view.trail == "Qing Dynasty and Tzarist Russia"


def test_each_section_says_its_years(atlas):
    view = section_view(atlas, atlas.article.section("initial-contact"))
    assert view.years == md_escape(
        "Years 1640–1689, 1690–1849 (quiet years), and 1850–1857 (quiet years)"
    )
    assert len(view.span_notes) == 3
    assert view.span_notes[0].startswith("**1640–1689:** The article dates")
    assert section_view(atlas, atlas.article.section("lead")).years == ""
    settling = section_view(atlas, atlas.article.section("settling-the-disputes"))
    assert "from 2008 on" in settling.years
    assert settling.main_article == "Main article: Outer Manchuria"


def test_years_label_of_one_year():
    from geo.passages import Span

    assert years_label([Span(1991, 1991, "narrated", None)]) == "Year 1991"


def test_the_attribution_licence_and_snapshot_are_those_of_the_data(atlas):
    text = unescape("\n".join(about_article(atlas.article)))
    assert RAW["attribution"] in text
    assert RAW["license"] in text
    assert RAW["source"]["file"] in text
    assert "15 February 2007" in text and RAW["snapshot_date"] == "2007-02-15"
