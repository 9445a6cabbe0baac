"""Text for output: the one escaper for HTML, the one for Markdown, and formatting.

Every string from the data that reaches HTML (tooltips, the legend) goes
through :func:`html_text`; every one that reaches Streamlit's Markdown goes
through :func:`md_escape`.
"""

from __future__ import annotations

import html
import re
from datetime import date

WORD_JOINER = "\u2060"
# what Streamlit's Markdown would make a link of: a scheme, or "www."
_AUTOLINK = re.compile(r"(?i)\b(?:https?|ftp|mailto|www)")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def html_text(text: str) -> str:
    """Text escaped for HTML, in element content and in quoted attributes alike.

    Examples
    --------
    >>> html_text("<b>Qing & 'Russia'</b>")
    '&lt;b&gt;Qing &amp; &#x27;Russia&#x27;&lt;/b&gt;'
    """
    return html.escape(text, quote=True)


def md_escape(text: str, *, links: bool = True) -> str:
    r"""Escape Markdown (and the HTML Streamlit would show) so data is shown as written.

    Streamlit's Markdown turns a bare web address into a link even when it is
    escaped. Text that a reader did not write for the atlas (a value from a
    link's parameters) is passed with ``links=False``: a word joiner after the
    scheme keeps its addresses inert, and they still read the same.

    Examples
    --------
    >>> md_escape("*Sick man* of [Asia] <b>")
    '\\*Sick man\\* of \\[Asia\\] \\<b\\>'
    >>> "https\u2060" in md_escape("https://example.com", links=False)
    True
    """
    escaped = _MD_SPECIAL.sub(r"\\\1", text)
    if links:
        return escaped
    return _AUTOLINK.sub(lambda m: m.group(0) + WORD_JOINER, escaped)


def span_label(start: date, end: date | None) -> str:
    """A readable label for a ``[start, end)`` period.

    Examples
    --------
    >>> span_label(date(1689, 9, 6), date(1858, 5, 28))
    '6 Sep 1689 – 28 May 1858'
    >>> span_label(date(2008, 10, 14), None)
    'since 14 Oct 2008'
    """

    def fmt(d: date) -> str:
        return f"{d.day} {d.strftime('%b')} {d.year}"

    return f"since {fmt(start)}" if end is None else f"{fmt(start)} – {fmt(end)}"


def km2(value: float) -> str:
    """Area with thousands separators, and decimals only for small areas.

    Examples
    --------
    >>> km2(309104.4), km2(0.74)
    ('309,104 km²', '0.74 km²')
    """
    return f"{value:,.2f} km²" if value < 10 else f"{value:,.0f} km²"


def with_unit(figure: str, unit: str) -> str:
    """Put the unit after the number of a published figure, before any remark on it.

    Examples
    --------
    >>> with_unit("72,492 (other sources 74,066 to 78,000)", "km²")
    '72,492 km² (other sources 74,066 to 78,000)'
    >>> with_unit("about 400,000", "km²")
    'about 400,000 km²'
    """
    head, sep, rest = figure.partition(" (")
    return f"{head} {unit}{sep}{rest}"
