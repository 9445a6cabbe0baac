"""Fact-check notes on the 2007 article: the phrase the record contradicts, and what it says.

The article is a quotation and is never rewritten. Where the historical
record contradicts it, ``data/corrections.json`` names the section, quotes
the phrase exactly, and gives the correction with its source; the passage
panel marks the phrase and shows the note beside it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from geo.dataio import read_checked
from geo.errors import DataError
from geo.passages import Article


@dataclass(frozen=True)
class Correction:
    """A phrase of one section of the article, and what the record says instead."""

    id: str
    section: str
    quote: str
    correction: str
    source: str


def load_corrections(path: Path, article: Article) -> tuple[Correction, ...]:
    """Read ``corrections.json`` and check each quote against the article's text.

    Raises
    ------
    DataError
        Naming the file, the correction and the reason: a section that does
        not exist, or a quote that is not in that section's text word for word.

    Examples
    --------
    >>> from geo.config import DATA_DIR
    >>> from geo.passages import load_article
    >>> article = load_article(DATA_DIR / "sections.json")
    >>> all(c.quote for c in load_corrections(DATA_DIR / "corrections.json", article))
    True
    """
    doc = read_checked(path, "corrections")
    sections = {s.id: s for s in article.sections}
    out = []
    seen = set()
    for item in doc["corrections"]:
        where = f"correction {item['id']!r}"
        if item["id"] in seen:
            raise DataError(path, where, "the id is used twice")
        seen.add(item["id"])
        section = sections.get(item["section"])
        if section is None:
            raise DataError(path, where, f"unknown article section {item['section']!r}")
        if not any(item["quote"] in paragraph for paragraph in section.text):
            raise DataError(
                path, where, f"the quote {item['quote']!r} is not in the text of {section.id!r}"
            )
        out.append(
            Correction(
                item["id"], item["section"], item["quote"], item["correction"], item["source"]
            )
        )
    return tuple(out)


def corrections_in(corrections: Iterable[Correction], section: str) -> tuple[Correction, ...]:
    """The corrections of one section, in the order of the file.

    Examples
    --------
    >>> c = Correction("x", "s", "1660s", "The 1650s.", "Wikipedia 'Fyodor Baykov'")
    >>> corrections_in([c], "s") == (c,), corrections_in([c], "t")
    (True, ())
    """
    return tuple(c for c in corrections if c.section == section)


def marked_spans(paragraph: str, corrections: Sequence[Correction]) -> list[tuple[str, int]]:
    """The paragraph cut into pieces, each with the number of the correction it quotes.

    A piece that quotes no correction has number 0; numbers count from 1 in
    the order of ``corrections``. Where quotes overlap, the first one wins.

    Examples
    --------
    >>> c = Correction("x", "s", "the 1660s", "The 1650s.", "src")
    >>> marked_spans("First contact in the 1660s, then more.", [c])
    [('First contact in ', 0), ('the 1660s', 1), (', then more.', 0)]
    """
    marks = [0] * len(paragraph)
    for number, c in enumerate(corrections, start=1):
        start = paragraph.find(c.quote)
        if start < 0 or any(marks[start : start + len(c.quote)]):
            continue
        marks[start : start + len(c.quote)] = [number] * len(c.quote)
    pieces: list[tuple[str, int]] = []
    for char, number in zip(paragraph, marks, strict=True):
        if pieces and pieces[-1][1] == number:
            pieces[-1] = (pieces[-1][0] + char, number)
        else:
            pieces.append((char, number))
    return pieces
