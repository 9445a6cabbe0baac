"""Dated events for the atlas timeline, read from ``data/events.csv``.

One row per event: ``date,title,units,section,source,note,kind``. Dates are ISO
``YYYY-MM-DD`` in the Gregorian (New Style) calendar; ``units`` is a
semicolon-separated list of territory unit ids (possibly empty); ``section`` is
the id of the article section whose years hold the event. An event belongs to
the calendar year of its date.

Nothing here imports streamlit.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from geo.dataio import parse_iso_date, read_csv_text
from geo.errors import DataError

COLUMNS = ("date", "title", "units", "section", "source", "note", "kind")
# what an event was, as the event strip marks it
KINDS = ("treaty", "war", "transfer", "state", "diplomacy")
UNIT_SEPARATOR = ";"


@dataclass(frozen=True)
class Event:
    """One dated event and the territory units it concerns."""

    date: date
    title: str
    units: tuple[str, ...]
    section: str
    source: str
    note: str
    kind: str = "diplomacy"


def load_events(
    path: str | Path,
    sections: Collection[str] | None = None,
    unit_ids: Collection[str] | None = None,
) -> tuple[Event, ...]:
    r"""Read and validate ``events.csv``.

    Parameters
    ----------
    path
        The CSV file, e.g. ``data/events.csv``.
    sections
        Known section ids. If given, every row's ``section`` must be one of them.
    unit_ids
        Known territory unit ids (from ``territories.geojson``); ``None`` skips the check.

    Returns
    -------
    tuple of Event
        In file order.

    Raises
    ------
    DataError
        Naming the file, the line and the reason: a file that cannot be read, is
        not UTF-8, is empty or cut short (see :func:`geo.dataio.read_csv_text`),
        wrong header, no rows, bad date, empty title, section or source, unknown
        section or unit, a repeated unit, or a repeated row.

    Examples
    --------
    >>> import tempfile
    >>> rows = ("date,title,units,section,source,note,kind\n"
    ...         "1689-09-06,Treaty of Nerchinsk,amur_left_bank;uda,initial-contact,notes,,treaty\n")
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     p = Path(tmp, "events.csv")
    ...     _ = p.write_text(rows, encoding="utf-8")
    ...     events = load_events(p, sections={"initial-contact"})
    >>> events[0].date, events[0].units
    (datetime.date(1689, 9, 6), ('amur_left_bank', 'uda'))
    """
    file = str(path)
    text = read_csv_text(file)
    try:
        return _parse_rows(io.StringIO(text, newline=""), file, sections, unit_ids)
    except csv.Error as exc:
        raise DataError(file, "file", f"not a readable CSV: {exc}") from exc


def events_in(events: Iterable[Event], year: int) -> tuple[Event, ...]:
    """Events dated in the calendar year ``year``, earliest first.

    Examples
    --------
    >>> late = Event(date(1969, 3, 15), "Second clash", ("zhenbao",), "s", "src", "")
    >>> early = Event(date(1969, 3, 2), "First clash", ("zhenbao",), "s", "src", "")
    >>> [e.title for e in events_in([late, early], 1969)]
    ['First clash', 'Second clash']
    >>> events_in([late, early], 1970)
    ()
    """
    return tuple(sorted((e for e in events if e.date.year == year), key=lambda e: e.date))


def events_about(events: Iterable[Event], unit_id: str) -> tuple[Event, ...]:
    """Events that concern a territory unit, earliest first.

    Examples
    --------
    >>> aigun = Event(date(1858, 5, 28), "Aigun", ("amur_left_bank",), "s", "src", "")
    >>> peking = Event(date(1860, 11, 14), "Peking", ("primorye",), "s", "src", "")
    >>> [e.title for e in events_about([peking, aigun], "primorye")]
    ['Peking']
    """
    return tuple(sorted((e for e in events if unit_id in e.units), key=lambda e: e.date))


def _parse_rows(
    lines: Iterable[str],
    file: str,
    sections: Collection[str] | None,
    unit_ids: Collection[str] | None,
) -> tuple[Event, ...]:
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None or tuple(h.strip() for h in header) != COLUMNS:
        raise DataError(file, "line 1", f"header must be {','.join(COLUMNS)}, got {header!r}")
    events: list[Event] = []
    seen: set[tuple[date, str]] = set()
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        # line_num counts physical lines, so the message matches what an editor shows
        # even after a quoted field that spans lines.
        where = f"line {reader.line_num}"
        if len(row) != len(COLUMNS):
            raise DataError(file, where, f"expected {len(COLUMNS)} fields, got {len(row)}")
        raw_date, title, raw_units, section, source, note, kind = (cell.strip() for cell in row)
        event_date = parse_iso_date(file, where, raw_date)
        if not title:
            raise DataError(file, where, "empty title")
        where = f"{where} ({title})"
        if not section:
            raise DataError(file, where, "empty section")
        if not source:
            raise DataError(file, where, "no source")
        if kind not in KINDS:
            raise DataError(file, where, f"kind {kind!r} is not one of {', '.join(KINDS)}")
        if sections is not None and section not in sections:
            raise DataError(file, where, f"unknown section {section!r}")
        units = tuple(u.strip() for u in raw_units.split(UNIT_SEPARATOR) if u.strip())
        unknown = sorted(set(units) - set(unit_ids)) if unit_ids is not None else []
        if unknown:
            raise DataError(file, where, f"unknown unit id(s) {', '.join(unknown)}")
        if len(set(units)) != len(units):
            raise DataError(file, where, "a unit id is listed twice")
        if (event_date, title) in seen:
            raise DataError(file, where, "the same date and title appear twice")
        seen.add((event_date, title))
        events.append(Event(event_date, title, units, section, source, note, kind))
    if not events:
        raise DataError(file, "file", "a header but no rows")
    return tuple(events)
