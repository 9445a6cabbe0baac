"""The article to read whole, section by section, and a search within its text.

:func:`read_article` turns the cleaned article into records of escaped
Markdown: each section with its years, its paragraphs (the phrases the
record contradicts marked as on the map page, see
:func:`geo.panels.passage_panel`), its fact-check notes and the year to open
on the map. A search keeps only the sections that match and highlights the
matches; the text is escaped piece by piece before any mark is added, so
neither the text nor the search can inject Markdown or HTML.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from geo.atlas import Atlas
from geo.corrections import Correction, corrections_in, marked_spans
from geo.panels import passage_panel
from geo.passages import Article, Section, Span, breadcrumb
from geo.text import md_escape

MAX_QUERY = 100
INTRO = (
    "The Wikipedia article the atlas quotes, as captured in early 2007, whole and word for word. "
    "Phrases the record contradicts are marked; the notes below each section say what it says."
)
# a search match, bold on a blue ground, even within a phrase marked as corrected
_MATCH = ":blue-background[**{}**]"
_MARK = ":orange-background[{}]"
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


@dataclass(frozen=True)
class SectionView:
    """One section as the Article page shows it; every text field is escaped Markdown.

    ``first_year`` is the first year of its first span, which "Open on the
    map" opens (None for a heading that stands for no years); ``matches`` is
    the number of search matches in it.
    """

    id: str
    level: int
    heading: str
    trail: str
    years: str
    span_notes: tuple[str, ...]
    paragraphs: tuple[str, ...]
    caption: str
    main_article: str
    fact_check: str
    first_year: int | None
    matches: int = 0


@dataclass(frozen=True)
class Reading:
    """The sections to show, and what a search found (``summary`` is empty without one)."""

    sections: tuple[SectionView, ...]
    summary: str
    matching: int
    searched: bool


def search_pattern(query: str) -> re.Pattern[str] | None:
    r"""The pattern of a search: its words literally, in order, any case; None when empty.

    Spaces in the search match any run of white space; nothing in it is a
    regular expression.

    Examples
    --------
    >>> search_pattern("treaty  of .*").pattern
    'treaty\\s+of\\s+\\.\\*'
    >>> search_pattern("   ") is None
    True
    """
    words = query[:MAX_QUERY].split()
    if not words:
        return None
    return re.compile(r"\s+".join(re.escape(w) for w in words), re.IGNORECASE)


def highlight(text: str, pattern: re.Pattern[str] | None, notes: Sequence[Correction] = ()) -> str:
    r"""The text as escaped Markdown, its corrected phrases marked and its matches highlighted.

    Each piece of the text is escaped before a mark goes round it. Without a
    search this is the paragraph the map page's passage shows.

    Examples
    --------
    >>> highlight("The [Treaty] of Aigun.", search_pattern("aigun"))
    'The \\[Treaty\\] of :blue-background[**Aigun**]\\.'
    >>> c = Correction("x", "s", "in 1660", "In 1656.", "src")
    >>> highlight("First in 1660.", search_pattern("1660"), [c])
    'First :orange-background[in ]:blue-background[**1660**]¹\\.'
    """
    hits = [False] * len(text)
    for m in pattern.finditer(text) if pattern else ():
        hits[m.start() : m.end()] = [True] * (m.end() - m.start())
    out, pos = [], 0
    for piece, number in marked_spans(text, notes):
        out.append(_hits(piece, hits[pos : pos + len(piece)], _MARK if number else "{}"))
        out.append(str(number).translate(_SUPERSCRIPT) if number else "")
        pos += len(piece)
    return "".join(out)


def count_matches(section: Section, pattern: re.Pattern[str] | None) -> int:
    """How often the search matches the section's heading, paragraphs and caption.

    Examples
    --------
    >>> s = Section("s", "Aigun", 3, None, ("Aigun and aigun.",), (), (), None)
    >>> count_matches(s, search_pattern("AIGUN")), count_matches(s, None)
    (3, 0)
    """
    if pattern is None:
        return 0
    texts = (section.heading, *section.text, section.caption or "")
    return sum(len(pattern.findall(t)) for t in texts)


def years_label(spans: Sequence[Span]) -> str:
    r"""The years a section stands for, as escaped Markdown; empty for none.

    Quiet years are those in which nothing the section tells of changes.

    Examples
    --------
    >>> years_label([Span(1640, 1689, "narrated", None), Span(1690, None, "status_quo", "N")])
    'Years 1640–1689, and from 1690 on \\(quiet years\\)'
    >>> years_label([Span(1945, 1945, "narrated", None)])
    'Year 1945'
    """
    if not spans:
        return ""
    parts = []
    for s in spans:
        text = _span_text(s)
        if s.kind == "status_quo":
            text += " (quiet years)"
        parts.append(text)
    one = len(spans) == 1 and spans[0].end == spans[0].start
    joined = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])}, and {parts[-1]}"
    return md_escape(f"{'Year' if one else 'Years'} {joined}")


def section_view(
    atlas: Atlas, section: Section, pattern: re.Pattern[str] | None = None
) -> SectionView:
    """One section with its years, marked paragraphs, fact check and first year.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> atlas = load_atlas()
    >>> view = section_view(atlas, atlas.article.section("russian-encroachment"))
    >>> view.first_year, view.years, view.fact_check.startswith("**Fact check.**")
    (1858, 'Years 1858–1910', True)
    """
    notes = corrections_in(atlas.corrections, section.id)
    first = section.spans[0].start if section.spans else None
    # the passage of its first year is this section: its fact check is the map page's
    panel = passage_panel(atlas, first) if first is not None else None
    trail = breadcrumb(atlas.article, section)[:-1]
    return SectionView(
        id=section.id,
        level=section.level,
        heading=highlight(section.heading, pattern),
        trail=md_escape(" › ".join(trail)),
        years=years_label(section.spans),
        span_notes=tuple(
            f"**{_span_text(s)}:** {md_escape(s.note)}" for s in section.spans if s.note
        ),
        paragraphs=tuple(highlight(p, pattern, notes) for p in section.text),
        caption=highlight(section.caption, pattern) if section.caption else "",
        main_article=panel.main_article if panel else "",
        fact_check=panel.fact_check if panel else "",
        first_year=first,
        matches=count_matches(section, pattern),
    )


def read_article(atlas: Atlas, query: str = "") -> Reading:
    """The whole article; with a search, only the sections that match, and how many do.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> atlas = load_atlas()
    >>> len(read_article(atlas).sections) == len(atlas.article.sections)
    True
    >>> found = read_article(atlas, "Aigun")
    >>> [s.id for s in found.sections], found.matching
    (['russian-encroachment'], 1)
    """
    pattern = search_pattern(query)
    views = tuple(section_view(atlas, s, pattern) for s in atlas.article.sections)
    if pattern is None:
        return Reading(views, "", len(views), False)
    found = tuple(v for v in views if v.matches)
    return Reading(found, search_summary(query, found, len(views)), len(found), True)


def search_summary(query: str, found: Sequence[SectionView], total: int) -> str:
    r"""What a search found, as escaped Markdown; the search itself is shown inert.

    Examples
    --------
    >>> search_summary("[x](http://e)", (), 18)
    '“\\[x\\]\\(http\u2060\\://e\\)” is in none of the 18 sections.'
    """
    shown = md_escape(query[:MAX_QUERY].strip(), links=False)
    if not found:
        return f"“{shown}” is in none of the {total} sections."
    hits = sum(v.matches for v in found)
    times = "match" if hits == 1 else "matches"
    return f"“{shown}” is in **{len(found)}** of the {total} sections ({hits} {times})."


def about_article(article: Article) -> tuple[str, ...]:
    r"""The attribution, licence, source and snapshot of the article, as escaped Markdown.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> about_article(load_atlas().article)[1]
    '**Licence:** CC BY\\-SA 3\\.0 / GFDL 1\\.2, Wikipedia contributors'
    """
    on = article.snapshot_date
    return (
        md_escape(article.attribution),
        f"**Licence:** {md_escape(article.license)}",
        f"**Source:** {md_escape(article.source)}",
        f"**Revision:** the snapshot of early {on.year}, dated {on.day} {on:%B %Y} "
        "in the data as a stand-in; the data record no Wikipedia revision id.",
    )


def _span_text(span: Span) -> str:
    if span.end is None:
        return f"from {span.start} on"
    return str(span.start) if span.end == span.start else f"{span.start}–{span.end}"


def _hits(piece: str, flags: Sequence[bool], mark: str) -> str:
    # the piece escaped, each run of matched characters wrapped as a match and
    # the rest in ``mark``; white space at either end of a match stays outside,
    # where Markdown's ** can still close
    out, start = [], 0
    for end in range(1, len(piece) + 1):
        if end == len(piece) or flags[end] != flags[start]:
            run = piece[start:end]
            core = run.strip()
            if flags[start] and core:
                head, tail = run[: len(run) - len(run.lstrip())], run[len(run.rstrip()) :]
                out.append(f"{head}{_MATCH.format(md_escape(core))}{tail}")
            else:
                out.append(mark.format(md_escape(run)))
            start = end
    return "".join(out)
