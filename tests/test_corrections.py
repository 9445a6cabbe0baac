"""Tests of geo.corrections and of how the passage panel marks a corrected phrase."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from geo.corrections import Correction, load_corrections, marked_spans
from geo.errors import DataError
from geo.panels import passage_panel


def _write(tmp_path: Path, corrections: list[dict]) -> Path:
    path = tmp_path / "corrections.json"
    doc = {"source": "S", "license": "CC0-1.0", "note": "N", "corrections": corrections}
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _first_sentence(atlas, section_id: str) -> str:
    section = next(s for s in atlas.article.sections if s.id == section_id)
    return section.text[0].split(",")[0]


def _item(atlas, **change: str) -> dict:
    item = {
        "id": "x",
        "section": "russian-encroachment",
        "quote": _first_sentence(atlas, "russian-encroachment"),
        "correction": "C.",
        "source": "Src",
    }
    return item | change


def test_a_quote_found_in_its_section_loads(atlas, tmp_path):
    quote = _first_sentence(atlas, "russian-encroachment")
    item = _item(atlas)
    (c,) = load_corrections(_write(tmp_path, [item]), atlas.article)
    assert c == Correction("x", "russian-encroachment", quote, "C.", "Src")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"section": "no-such-section"}, "unknown article section"),
        ({"quote": "words that are not in the article"}, "is not in the text"),
        ({"source": ""}, "source"),
    ],
    ids=["unknown-section", "quote-not-in-text", "empty-source"],
)
def test_a_bad_correction_names_the_file_the_correction_and_the_reason(
    atlas, tmp_path, change, reason
):
    item = _item(atlas, **change)
    with pytest.raises(DataError) as err:
        load_corrections(_write(tmp_path, [item]), atlas.article)
    assert "corrections.json" in str(err.value) and reason in str(err.value)


def test_the_same_id_twice_is_refused(atlas, tmp_path):
    item = _item(atlas)
    with pytest.raises(DataError, match="used twice"):
        load_corrections(_write(tmp_path, [item, item]), atlas.article)


def test_overlapping_quotes_keep_the_first():
    a = Correction("a", "s", "the 1660s", "A.", "src")
    b = Correction("b", "s", "1660s, then", "B.", "src")
    assert marked_spans("in the 1660s, then", [a, b]) == [
        ("in ", 0),
        ("the 1660s", 1),
        (", then", 0),
    ]


def test_the_passage_panel_marks_the_phrase_and_gives_the_correction(atlas):
    quote = _first_sentence(atlas, "russian-encroachment")
    note = Correction("x", "russian-encroachment", quote, "Aigun *ceded* less.", "Src [1]")
    panel = passage_panel(dataclasses.replace(atlas, corrections=(note,)), 1860)
    assert panel.paragraphs[0].startswith(":orange-background[")
    assert "]¹" in panel.paragraphs[0]
    assert panel.fact_check.startswith("**Fact check.**")
    assert "Aigun \\*ceded\\* less\\." in panel.fact_check and "Src \\[1\\]" in panel.fact_check
    assert ("fact_check", panel.fact_check) in panel.blocks()


def test_a_passage_without_corrections_has_no_fact_check(atlas):
    panel = passage_panel(dataclasses.replace(atlas, corrections=()), 1700)
    assert panel.fact_check == ""
    assert not any(p.startswith(":orange-background[") for p in panel.paragraphs)
