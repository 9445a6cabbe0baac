"""Passages of the 2007 "Sino-Russian relations" article and the years each one tells of.

``data/sections.json`` holds the article cut into sections. Each section carries
hand-curated year spans, inclusive ``[start, end]`` calendar years (``end`` null
means open to the present), so that every year of the atlas's timeline falls in
exactly one span of one section. :func:`passage_at` answers "which passage do I
show for this year?".

Nothing here imports streamlit, so the app, the tests and scripts share it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from geo.config import FIRST_YEAR
from geo.dataio import item_label, parse_iso_date, read_checked
from geo.errors import DataError

LAST_YEAR = 2100


@dataclass(frozen=True)
class Span:
    """Inclusive calendar years ``[start, end]`` a section stands for; ``end=None`` is open."""

    start: int
    end: int | None
    kind: str
    note: str | None

    def contains(self, year: int) -> bool:
        """Whether ``year`` lies in the span.

        Examples
        --------
        >>> Span(1690, 1857, "status_quo", "Nerchinsk holds").contains(1857)
        True
        >>> Span(2008, None, "status_quo", "2004 line holds").contains(2500)
        True
        """
        return self.start <= year and (self.end is None or year <= self.end)


@dataclass(frozen=True)
class Section:
    """One heading of the article with its clean paragraphs, year spans and map units."""

    id: str
    heading: str
    level: int
    parent: str | None
    text: tuple[str, ...]
    spans: tuple[Span, ...]
    units: tuple[str, ...]
    main_article: str | None
    # A pull quote kept apart from the prose: it captioned an image the atlas does not show.
    caption: str | None = None


@dataclass(frozen=True)
class Article:
    """The whole article: metadata for the footer plus the sections in reading order."""

    title: str
    source: str
    license: str
    attribution: str
    snapshot_date: date
    note: str
    sections: tuple[Section, ...]

    def section(self, section_id: str) -> Section:
        """The section with this id.

        Raises
        ------
        KeyError
            If there is no such section.

        Examples
        --------
        >>> x = Section("x", "X", 3, None, ("Text.",), (), (), None)
        >>> Article("T", "S", "L", "A", date(2007, 2, 15), "", (x,)).section("x").heading
        'X'
        """
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)


@dataclass(frozen=True)
class Passage:
    """What to show for a year: the section, the span that holds the year, and a warning flag.

    ``after_snapshot`` is True when part of the year lies after the article was captured,
    so the passage cannot tell the whole story of that year.
    """

    section: Section
    span: Span
    after_snapshot: bool


def load_article(path: str | Path) -> Article:
    """Read and validate ``sections.json``.

    Parameters
    ----------
    path
        The JSON file, e.g. ``data/sections.json``.

    Returns
    -------
    Article
        The sections in file order.

    Raises
    ------
    DataError
        Naming the file, the section (or key) and the reason: unreadable file or bad JSON,
        a shape other than that of ``geo/schemas/sections.schema.json`` (missing or
        mistyped keys, impossible level, unknown span kind), a snapshot date that does
        not exist, a span that ends before it starts, a quiet span without a note,
        duplicate id, unknown parent, overlapping spans, or a year between
        ``FIRST_YEAR`` and ``LAST_YEAR`` that no span covers.

    Examples
    --------
    >>> import json, tempfile
    >>> span = {"start": 1640, "end": None, "kind": "narrated", "note": None}
    >>> section = {"id": "only", "heading": "Only", "level": 2, "parent": None,
    ...            "text": ["Text."], "spans": [span], "units": []}
    >>> doc = {"title": "T", "source": {"article": "T", "publisher": "P", "file": "t.txt"},
    ...        "license": "L", "attribution": "A", "snapshot_date": "2007-02-15",
    ...        "note": "N", "sections": [section]}
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     p = Path(tmp, "sections.json")
    ...     _ = p.write_text(json.dumps(doc), encoding="utf-8")
    ...     article = load_article(p)
    >>> [s.id for s in article.sections]
    ['only']
    >>> article.sections[0].spans[0]
    Span(start=1640, end=None, kind='narrated', note=None)
    """
    file = str(path)
    raw = read_checked(path, "sections")
    snapshot = parse_iso_date(file, "snapshot_date", raw["snapshot_date"], "snapshot_date")
    source = raw["source"]
    sections = tuple(_parse_section(item, i, file) for i, item in enumerate(raw["sections"]))
    _check_tree(sections, file)
    _check_coverage(sections, file)
    return Article(
        title=raw["title"],
        source=f'"{source["article"]}", {source["publisher"]} (seed file {source["file"]})',
        license=raw["license"],
        attribution=raw["attribution"],
        snapshot_date=snapshot,
        note=raw["note"],
        sections=sections,
    )


def passage_at(article: Article, year: int) -> Passage:
    """The passage to show for a calendar year.

    Raises
    ------
    ValueError
        If no span of the article covers ``year`` (before ``FIRST_YEAR``, say).

    Examples
    --------
    >>> early = Span(1640, 1689, "narrated", None)
    >>> quiet = Span(1690, None, "status_quo", "The 1689 border holds.")
    >>> x = Section("x", "X", 3, None, ("Text.",), (early, quiet), (), None)
    >>> a = Article("T", "S", "L", "A", date(2007, 2, 15), "", (x,))
    >>> p = passage_at(a, 1700)
    >>> p.section.id, p.span.kind, p.after_snapshot
    ('x', 'status_quo', False)
    >>> passage_at(a, 2009).after_snapshot
    True
    """
    for section in article.sections:
        for span in section.spans:
            if span.contains(year):
                return Passage(section, span, after_snapshot(article, date(year, 12, 31)))
    raise ValueError(f"no passage of {article.title!r} covers the year {year}")


def sections_about(article: Article, unit_id: str) -> tuple[Section, ...]:
    """Sections that speak about a territory unit, in reading order.

    Examples
    --------
    >>> x = Section("x", "X", 3, None, ("Text.",), (), ("zhenbao",), None)
    >>> y = Section("y", "Y", 3, None, ("Text.",), (), (), None)
    >>> a = Article("T", "S", "L", "A", date(2007, 2, 15), "", (x, y))
    >>> [s.id for s in sections_about(a, "zhenbao")]
    ['x']
    >>> sections_about(a, "tuva")
    ()
    """
    return tuple(s for s in article.sections if unit_id in s.units)


def breadcrumb(article: Article, section: Section) -> tuple[str, ...]:
    """Headings from the top of the article down to ``section``.

    Examples
    --------
    >>> era = Section("era", "Era", 2, None, (), (), (), None)
    >>> sub = Section("sub", "Sub", 3, "era", ("Text.",), (), (), None)
    >>> a = Article("T", "S", "L", "A", date(2007, 2, 15), "", (era, sub))
    >>> breadcrumb(a, sub)
    ('Era', 'Sub')
    """
    headings = [section.heading]
    parent = section.parent
    while parent is not None:
        above = article.section(parent)
        headings.append(above.heading)
        parent = above.parent
    return tuple(reversed(headings))


def after_snapshot(article: Article, on: date) -> bool:
    """Whether ``on`` is later than the day the article was captured.

    Examples
    --------
    >>> a = Article("T", "S", "L", "A", date(2007, 2, 15), "", ())
    >>> after_snapshot(a, date(2008, 10, 14)), after_snapshot(a, date(2004, 10, 14))
    (True, False)
    """
    return on > article.snapshot_date


def _parse_section(item: Mapping[str, Any], index: int, file: str) -> Section:
    # the schema has checked every key and type; what is left spans several keys
    where = item_label("sections", index, item)
    spans = tuple(_parse_span(span, i, where, file) for i, span in enumerate(item["spans"]))
    if spans and not item["text"]:
        raise DataError(file, where, "a section without text cannot stand for any years")
    return Section(
        id=item["id"],
        heading=item["heading"],
        # a schema "integer" is also 2.0 or 1800.0
        level=int(item["level"]),
        parent=item["parent"],
        text=tuple(item["text"]),
        spans=spans,
        units=tuple(item["units"]),
        main_article=item.get("main_article"),
        caption=item.get("caption"),
    )


def _parse_span(item: Mapping[str, Any], index: int, where: str, file: str) -> Span:
    start = int(item["start"])
    end = None if item["end"] is None else int(item["end"])
    if end is not None and end < start:
        raise DataError(file, where, f"spans[{index}]: end {end} precedes start {start}")
    # A quiet span is only useful if it says which state of affairs still holds. The
    # schema could ask this with if/then, but would only say that null is not a string.
    if item["kind"] == "status_quo" and item["note"] is None:
        raise DataError(
            file, where, f"spans[{index}]: a status_quo span needs a note saying what holds"
        )
    return Span(start, end, item["kind"], item["note"])


def _check_tree(sections: tuple[Section, ...], file: str) -> None:
    by_id: dict[str, Section] = {}
    for section in sections:
        if section.id in by_id:
            raise DataError(file, f"section {section.id!r}", "duplicate id")
        by_id[section.id] = section
    for section in sections:
        where = f"section {section.id!r}"
        if section.parent is None:
            if section.level > 2:
                raise DataError(file, where, f"a level-{section.level} section needs a parent")
            continue
        parent = by_id.get(section.parent)
        if parent is None:
            raise DataError(file, where, f"unknown parent {section.parent!r}")
        if parent.level != section.level - 1:
            raise DataError(
                file,
                where,
                f"level {section.level} under parent {parent.id!r} of level {parent.level}",
            )


def _label(span: Span) -> str:
    return f"{span.start}-{'open' if span.end is None else span.end}"


def _check_coverage(sections: tuple[Section, ...], file: str) -> None:
    spans = sorted(
        ((span, section.id) for section in sections for span in section.spans),
        key=lambda pair: pair[0].start,
    )
    for (left, left_id), (right, right_id) in zip(spans, spans[1:], strict=False):
        if left.end is None or left.end >= right.start:
            raise DataError(
                file,
                f"section {right_id!r}",
                f"span {_label(right)} overlaps span {_label(left)} of section {left_id!r}",
            )
    covered = FIRST_YEAR
    for span, _ in spans:
        if span.start > covered and covered <= LAST_YEAR:
            last_gap = min(span.start - 1, LAST_YEAR)
            raise DataError(file, "spans", f"years {covered}-{last_gap} fall in no span")
        if span.end is None:
            return
        covered = max(covered, span.end + 1)
    if covered <= LAST_YEAR:
        raise DataError(file, "spans", f"years {covered}-{LAST_YEAR} fall in no span")
