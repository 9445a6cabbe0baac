"""Tests for geo.passages: tiny hand-made files first, then the real data/sections.json."""

from __future__ import annotations

import copy
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from geo.errors import DataError
from geo.passages import (
    FIRST_YEAR,
    LAST_YEAR,
    after_snapshot,
    breadcrumb,
    load_article,
    passage_at,
    sections_about,
)

ROOT = Path(__file__).resolve().parents[1]
SECTIONS_JSON = ROOT / "data" / "sections.json"
# "1660s" counts as 1660: a decade is still a year the passage points at.
YEAR_RE = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")

SECTION_IDS = (
    "lead",
    "qing-dynasty-and-tzarist-russia",
    "initial-contact",
    "russian-encroachment",
    "xinhai-and-october-revolutions",
    "soviet-union-republic-of-china-peoples-republic-of-china",
    "russian-civil-war-and-mongolia",
    "kmt-cpc-and-the-chinese-civil-war",
    "second-sino-japanese-war-and-wwii",
    "joint-victory-over-imperial-japan",
    "war-of-liberation-and-the-peoples-republic-of-china",
    "from-comradery-to-the-sino-soviet-split",
    "post-mao-era-and-stabalizing-relations",
    "dissolution-of-the-soviet-union",
    "russian-federation-peoples-republic-of-china",
    "refound-common-interests",
    "settling-the-disputes",
    "a-strategic-alliance",
)
ERAS = {
    "qing-dynasty-and-tzarist-russia": (
        "initial-contact",
        "russian-encroachment",
        "xinhai-and-october-revolutions",
    ),
    "soviet-union-republic-of-china-peoples-republic-of-china": (
        "russian-civil-war-and-mongolia",
        "kmt-cpc-and-the-chinese-civil-war",
        "second-sino-japanese-war-and-wwii",
        "joint-victory-over-imperial-japan",
        "war-of-liberation-and-the-peoples-republic-of-china",
        "from-comradery-to-the-sino-soviet-split",
        "post-mao-era-and-stabalizing-relations",
        "dissolution-of-the-soviet-union",
    ),
    "russian-federation-peoples-republic-of-china": (
        "refound-common-interests",
        "settling-the-disputes",
        "a-strategic-alliance",
    ),
}
DEBRIS = (
    "[edit]",
    "Image:",
    "Jump to",
    "World Wizzy",
    "world wizzy",
    "Personal tools",
    "Learn more about",
    "Foreign relations of",
    "Former Soviet states",
    "Former Warsaw states",
    "Politics Portal",
    "See also",
    "ru:",
    "zh:",
    "Locator",
    "██",
    "Main article:",
    "text in italic",
)


# ---------------------------------------------------------------- tiny fixtures


def _span(start: int, end: int | None, kind: str = "narrated", note: str | None = None) -> dict:
    return {"start": start, "end": end, "kind": kind, "note": note}


def _doc() -> dict[str, Any]:
    """A small valid document: a lead, one era heading and two passages."""
    return {
        "title": "Test relations",
        "source": {"article": "Test relations", "publisher": "Test wiki", "file": "seed.txt"},
        "license": "CC BY-SA 3.0",
        "attribution": "Text by test contributors.",
        "snapshot_date": "2007-02-15",
        "note": "Made for the tests.",
        "interval_rule": "inclusive",
        "sections": [
            {
                "id": "lead",
                "heading": "Test relations",
                "level": 1,
                "parent": None,
                "text": ["A lead."],
                "spans": [],
                "units": [],
            },
            {
                "id": "era",
                "heading": "The era",
                "level": 2,
                "parent": None,
                "text": [],
                "spans": [],
                "units": [],
            },
            {
                "id": "early",
                "heading": "Early days",
                "level": 3,
                "parent": "era",
                "text": ["In 1689 a treaty."],
                "spans": [
                    _span(1640, 1689),
                    _span(1690, 1799, "status_quo", "The border set in 1689 holds."),
                ],
                "units": ["amur_left_bank", "uda"],
            },
            {
                "id": "late",
                "heading": "Later days",
                "level": 3,
                "parent": "era",
                "text": ["In 2004 an agreement."],
                "spans": [_span(1800, None)],
                "units": ["zhenbao"],
                "main_article": "Outer Manchuria",
                "caption": "A poster, 1969.",
            },
        ],
    }


def _write(tmp_path: Path, doc: Any, name: str = "sections.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def _section(doc: dict[str, Any], section_id: str) -> dict[str, Any]:
    return next(s for s in doc["sections"] if s["id"] == section_id)


@pytest.fixture
def tiny(tmp_path: Path):
    return load_article(_write(tmp_path, _doc()))


# ---------------------------------------------------------------- loading


def test_load_reads_metadata_and_sections(tiny):
    assert tiny.title == "Test relations"
    assert tiny.snapshot_date == date(2007, 2, 15)
    assert "seed.txt" in tiny.source and "Test wiki" in tiny.source
    assert [s.id for s in tiny.sections] == ["lead", "era", "early", "late"]
    early = tiny.section("early")
    assert early.text == ("In 1689 a treaty.",)
    assert early.units == ("amur_left_bank", "uda")
    assert [(s.start, s.end, s.kind) for s in early.spans] == [
        (1640, 1689, "narrated"),
        (1690, 1799, "status_quo"),
    ]
    late = tiny.section("late")
    assert late.main_article == "Outer Manchuria"
    assert late.caption == "A poster, 1969."
    assert early.main_article is None and early.caption is None


def test_loaded_objects_are_frozen(tiny):
    with pytest.raises(AttributeError):
        tiny.sections[0].heading = "changed"  # type: ignore[misc]


# ---------------------------------------------------------------- passage_at


@pytest.mark.parametrize(
    ("year", "section_id", "kind"),
    [
        (1640, "early", "narrated"),
        (1689, "early", "narrated"),
        (1690, "early", "status_quo"),
        (1799, "early", "status_quo"),
        (1800, "late", "narrated"),
        (LAST_YEAR, "late", "narrated"),
    ],
)
def test_passage_at_picks_the_span_holding_the_year(tiny, year, section_id, kind):
    passage = passage_at(tiny, year)
    assert (passage.section.id, passage.span.kind) == (section_id, kind)
    assert passage.span.contains(year)


def test_passage_at_status_quo_carries_its_note(tiny):
    assert passage_at(tiny, 1750).span.note == "The border set in 1689 holds."


def test_passage_at_rejects_a_year_before_coverage(tiny):
    with pytest.raises(ValueError, match="1639"):
        passage_at(tiny, FIRST_YEAR - 1)


def test_passage_at_flags_years_the_snapshot_cannot_cover(tiny):
    assert passage_at(tiny, 2006).after_snapshot is False
    # The snapshot is in February 2007, so most of 2007 is already beyond it.
    assert passage_at(tiny, 2007).after_snapshot is True
    assert passage_at(tiny, 2009).after_snapshot is True


def test_after_snapshot_is_strictly_later(tiny):
    assert after_snapshot(tiny, date(2007, 2, 15)) is False
    assert after_snapshot(tiny, date(2007, 2, 16)) is True
    assert after_snapshot(tiny, date(1689, 9, 6)) is False


# ---------------------------------------------------------------- other queries


def test_sections_about_returns_sections_in_reading_order(tiny):
    assert [s.id for s in sections_about(tiny, "uda")] == ["early"]
    assert [s.id for s in sections_about(tiny, "zhenbao")] == ["late"]
    assert sections_about(tiny, "tuva") == ()


def test_sections_about_an_unknown_unit_is_empty(tiny):
    assert sections_about(tiny, "atlantis") == ()


def test_breadcrumb_runs_from_the_top(tiny):
    assert breadcrumb(tiny, tiny.section("early")) == ("The era", "Early days")
    assert breadcrumb(tiny, tiny.section("era")) == ("The era",)
    assert breadcrumb(tiny, tiny.section("lead")) == ("Test relations",)


def _years_mentioned(text):
    """Four-digit years (1500-2099) written in the paragraphs, sorted, without repeats."""
    return tuple(sorted({int(m) for paragraph in text for m in YEAR_RE.findall(paragraph)}))


def test_years_mentioned_finds_years_and_decades_only():
    text = ["In the 1660s and in 1689,", "700,000 men; 1.5 million; 2004.", "1689 again"]
    assert _years_mentioned(text) == (1660, 1689, 2004)
    assert _years_mentioned([]) == ()


# ---------------------------------------------------------------- validation


def _drop_top(key):
    def edit(doc):
        del doc[key]

    return edit


def _set(section_id, key, value):
    def edit(doc):
        _section(doc, section_id)[key] = value

    return edit


def _drop(section_id, key):
    def edit(doc):
        del _section(doc, section_id)[key]

    return edit


def _duplicate_late(doc):
    doc["sections"].append(copy.deepcopy(_section(doc, "late")))


def _snapshot(doc):
    doc["snapshot_date"] = "early 2007"


BROKEN = [
    pytest.param(_drop_top("license"), "file", "missing 'license'", id="missing-top"),
    pytest.param(_snapshot, "snapshot_date", "ISO date", id="bad-snapshot"),
    pytest.param(_drop("late", "spans"), "'late'", "missing 'spans'", id="missing-key"),
    pytest.param(_set("early", "parent", "nowhere"), "'early'", "unknown parent", id="parent"),
    pytest.param(_set("early", "parent", None), "'early'", "needs a parent", id="orphan"),
    pytest.param(_set("early", "level", 4), "'early'", "level", id="level"),
    pytest.param(_duplicate_late, "'late'", "duplicate id", id="duplicate"),
    pytest.param(_set("late", "spans", [_span(1795, None)]), "'late'", "overlaps", id="overlap"),
    pytest.param(_set("late", "spans", [_span(1805, None)]), "spans", "1800-1804", id="gap"),
    pytest.param(_set("late", "spans", [_span(1800, 2050)]), "spans", "2051-2100", id="short"),
    pytest.param(
        _set("early", "spans", [_span(1650, 1689), _span(1690, 1799, "status_quo", "x")]),
        "spans",
        "1640-1649",
        id="late-start",
    ),
    pytest.param(_set("late", "spans", [_span(1800, None, "era")]), "'late'", "kind", id="kind"),
    pytest.param(
        _set("late", "spans", [_span(1800, None, "status_quo")]),
        "'late'",
        "needs a note",
        id="quiet-without-note",
    ),
    pytest.param(
        _set("late", "spans", [_span(1800, 1700), _span(1701, None)]),
        "'late'",
        "precedes",
        id="reversed",
    ),
    pytest.param(
        _set("late", "spans", [{"start": "1800", "end": None, "kind": "narrated", "note": None}]),
        "'late'",
        "integer",
        id="string-year",
    ),
    pytest.param(_set("late", "text", ["ok", ""]), "'late'", "text", id="empty-paragraph"),
    pytest.param(
        _set("era", "spans", [_span(2200, 2201)]), "'era'", "without text", id="heading-span"
    ),
]


@pytest.mark.parametrize(("edit", "feature", "reason"), BROKEN)
def test_malformed_file_names_file_feature_and_reason(tmp_path, edit, feature, reason):
    doc = _doc()
    edit(doc)
    path = _write(tmp_path, doc)
    with pytest.raises(DataError) as caught:
        load_article(path)
    message = str(caught.value)
    assert message.startswith(str(path) + ": ")
    assert feature in caught.value.feature
    assert reason in caught.value.reason


def test_bad_json_raises_data_error(tmp_path):
    path = tmp_path / "sections.json"
    path.write_text('{"title": "unterminated', encoding="utf-8")
    with pytest.raises(DataError, match="sections.json: file: not valid JSON"):
        load_article(path)


def test_missing_file_raises_data_error(tmp_path):
    with pytest.raises(DataError, match="nothing.json: file: cannot read"):
        load_article(tmp_path / "nothing.json")


def test_the_valid_fixture_really_is_valid(tmp_path):
    # Guards the parametrised failures above: each must come from its own edit.
    assert len(load_article(_write(tmp_path, _doc())).sections) == 4


# ---------------------------------------------------------------- the real data


@pytest.fixture(scope="module")
def article():
    return load_article(SECTIONS_JSON)


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    return json.loads(SECTIONS_JSON.read_text(encoding="utf-8"))


def test_data_has_the_agreed_section_ids_in_order(article):
    assert tuple(s.id for s in article.sections) == SECTION_IDS


def test_data_levels_and_parents(article):
    assert article.section("lead").level == 1
    assert article.section("lead").parent is None
    for era, children in ERAS.items():
        assert article.section(era).level == 2
        assert article.section(era).parent is None
        assert article.section(era).spans == ()
        for child in children:
            assert article.section(child).level == 3
            assert article.section(child).parent == era
    assert article.section("lead").spans == ()


def test_data_every_year_falls_in_exactly_one_span(article):
    spans = [span for section in article.sections for span in section.spans]
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        holders = [span for span in spans if span.contains(year)]
        assert len(holders) == 1, year
        assert passage_at(article, year).span is holders[0]


def test_data_every_text_section_stands_for_some_years(article):
    text_sections = [section for section in article.sections if section.level == 3]
    assert text_sections
    for section in text_sections:
        assert section.text and section.spans, section.id


@pytest.mark.parametrize(
    ("year", "section_id", "kind"),
    [
        (1640, "initial-contact", "narrated"),
        (1688, "initial-contact", "narrated"),
        (1700, "initial-contact", "status_quo"),
        (1857, "initial-contact", "status_quo"),
        (1858, "russian-encroachment", "narrated"),
        (1859, "russian-encroachment", "narrated"),
        (1912, "xinhai-and-october-revolutions", "narrated"),
        (1921, "russian-civil-war-and-mongolia", "narrated"),
        (1945, "joint-victory-over-imperial-japan", "narrated"),
        (1969, "from-comradery-to-the-sino-soviet-split", "narrated"),
        (1991, "refound-common-interests", "narrated"),
        (2001, "a-strategic-alliance", "narrated"),
        (2004, "settling-the-disputes", "narrated"),
        (2009, "settling-the-disputes", "status_quo"),
        (LAST_YEAR, "settling-the-disputes", "status_quo"),
    ],
)
def test_data_passage_for_year(article, year, section_id, kind):
    passage = passage_at(article, year)
    assert (passage.section.id, passage.span.kind) == (section_id, kind)


def test_data_quiet_years_after_nerchinsk_say_what_holds(article):
    note = passage_at(article, 1700).span.note
    assert note is not None and "1689" in note and "1858" in note


def test_data_after_snapshot(article):
    assert article.snapshot_date.year == 2007 and article.snapshot_date.month <= 4
    assert passage_at(article, 2009).after_snapshot is True
    assert passage_at(article, 2006).after_snapshot is False
    assert after_snapshot(article, date(2008, 10, 14)) is True


def test_data_text_holds_no_page_debris(article):
    assert article.sections
    for section in article.sections:
        strings = (section.heading, *section.text, section.caption or "")
        for piece in strings:
            for debris in DEBRIS:
                assert debris not in piece, (section.id, debris)


def test_data_text_is_the_article(article):
    # Spot checks that each passage landed under its own heading.
    assert article.section("lead").text[0].startswith("Sino-Russian Relations refers")
    assert "Treaty of Nerchinsk" in article.section("initial-contact").text[0]
    assert "Treaty of Aigun" in article.section("russian-encroachment").text[0]
    assert "Heixiazi" in article.section("settling-the-disputes").text[0]
    assert "Shanghai Cooperation" in article.section("a-strategic-alliance").text[0]
    assert article.section("settling-the-disputes").main_article == "Outer Manchuria"
    caption = article.section("from-comradery-to-the-sino-soviet-split").caption
    assert caption is not None and caption.startswith('"All people of the world unite')


def test_data_units_point_the_map_at_the_right_places(article):
    assert {s.id for s in sections_about(article, "tarabarov")} == {"settling-the-disputes"}
    assert "initial-contact" in {s.id for s in sections_about(article, "amur_left_bank")}
    assert "russian-civil-war-and-mongolia" in {
        s.id for s in sections_about(article, "outer_mongolia")
    }
    used = {unit for section in article.sections for unit in section.units}
    declared = json.loads((ROOT / "data" / "units.json").read_text(encoding="utf-8"))
    assert used <= {u["id"] for u in declared["units"]}


def test_data_years_mentioned_match_the_text(article, raw):
    assert raw["sections"]
    for item in raw["sections"]:
        assert tuple(item["years_mentioned"]) == _years_mentioned(
            article.section(item["id"]).text
        ), item["id"]


def test_data_metadata(raw, article):
    assert raw["license"] == "CC BY-SA 3.0 / GFDL 1.2, Wikipedia contributors"
    assert raw["source"]["file"] == "sino-russian-relations-2007.txt"
    assert "World Wizzy" in raw["source"]["publisher"]
    assert raw["source"]["article"] == "Sino-Russian relations"
    assert "approximate" in raw["note"]
    assert "inclusive" in raw["interval_rule"] and "null" in raw["interval_rule"]
    assert "Wikipedia" in article.attribution
    # Paths in data must be repo-relative or bare names, never machine paths.
    assert "/work" not in SECTIONS_JSON.read_text(encoding="utf-8")


def test_data_status_quo_spans_follow_a_narrated_span(article):
    kinds = {section.id: [span.kind for span in section.spans] for section in article.sections}
    with_status_quo = {sid: k for sid, k in kinds.items() if "status_quo" in k}
    assert with_status_quo
    for sid, k in with_status_quo.items():
        assert k[0] == "narrated", sid
