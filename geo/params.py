"""Checks for the URL parameters that make a view shareable (``?year=1860&unit=primorye``)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass


@dataclass(frozen=True)
class Parsed:
    """A checked parameter: the value to use, and a notice for the user if it was changed."""

    value: int | str | None
    notice: str | None = None


def parse_year(raw: str | None, first: int, last: int, default: int) -> Parsed:
    """The year to show for a ``year`` URL parameter: clamped to the range, or the default.

    Examples
    --------
    >>> parse_year("1860", 1640, 2026, 1858)
    Parsed(value=1860, notice=None)
    >>> parse_year("3000", 1640, 2026, 1858).value
    2026
    >>> parse_year("abc", 1640, 2026, 1858).notice
    "The year 'abc' in the link is not a year; showing 1858 instead."
    """
    if raw is None or raw == "":
        return Parsed(default)
    text = raw.strip()
    try:
        year = int(text)
    except ValueError:
        return Parsed(
            default, f"The year {text[:20]!r} in the link is not a year; showing {default} instead."
        )
    if year < first:
        return Parsed(first, f"The atlas starts in {first}; showing {first} instead of {year}.")
    if year > last:
        return Parsed(last, f"The atlas ends in {last}; showing {last} instead of {year}.")
    return Parsed(year)


def parse_choice(raw: str | None, known: Collection[str], default: str, what: str) -> Parsed:
    """One of a few named choices for a URL parameter, or the default with a notice.

    Examples
    --------
    >>> parse_choice("sovereign", {"control", "sovereign"}, "control", "view")
    Parsed(value='sovereign', notice=None)
    >>> parse_choice("<b>", {"control"}, "control", "view").notice
    "There is no view '<b>'; showing control instead."
    """
    if raw is None or raw == "":
        return Parsed(default)
    if raw in known:
        return Parsed(raw)
    return Parsed(default, f"There is no {what} {raw[:40]!r}; showing {default} instead.")


def parse_unit(raw: str | None, known: Collection[str]) -> Parsed:
    """The territory to select for a ``unit`` URL parameter, or None with a notice.

    Examples
    --------
    >>> parse_unit("primorye", {"primorye"})
    Parsed(value='primorye', notice=None)
    >>> parse_unit("<x>", {"primorye"}).notice
    "There is no territory '<x>' in the atlas; none is selected."
    """
    if raw is None or raw == "":
        return Parsed(None)
    if raw in known:
        return Parsed(raw)
    return Parsed(None, f"There is no territory {raw[:40]!r} in the atlas; none is selected.")
