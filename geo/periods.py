"""Holders, sides and periods of control: who holds each unit on a given date.

Periods follow one interval rule, ``[start, end)``: a period is in force
from its start date up to, but not on, its end date; an empty end means it
is still in force. A year is shown as it stood on :data:`YEAR_DAY` of that
year (31 December), in the app and in the export alike.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from geo.config import FIRST_YEAR, YEAR_DAY
from geo.dataio import parse_iso_date, read_checked, read_csv_text
from geo.errors import DataError

FIRST_DATE = date(FIRST_YEAR, 1, 1)
PERIOD_COLUMNS = (
    "unit",
    "start",
    "end",
    "holder",
    "claimants",
    "event",
    "section",
    "source",
    "note",
)
# optional columns: a row without them is held in its own right
STATUS_COLUMNS = ("sovereign", "status")
HOLDER_COLUMNS = ("id", "name_en", "name_ru", "name_zh", "side", "note")
# how the holder (who controls the unit) stands to its sovereign by treaty
SOVEREIGN = "sovereign"
STATUSES = ("sovereign", "lease", "occupation", "joint", "contested", "undetermined")


@dataclass(frozen=True)
class Side:
    """A broad side that the map colours (China, Russia, ...)."""

    id: str
    name_en: str
    color: str


@dataclass(frozen=True)
class Holder:
    """A state or status that can hold a unit."""

    id: str
    name_en: str
    name_ru: str
    name_zh: str
    side: str
    note: str = ""


@dataclass(frozen=True)
class Period:
    """One unit controlled by one holder over ``[start, end)``.

    ``holder`` is who controls the unit; ``sovereign`` is its lawful holder by
    treaty, and ``status`` says how the two stand: ``sovereign`` (the holder
    is the sovereign), ``lease``, ``occupation``, ``joint``, ``contested`` or
    ``undetermined``. An empty ``sovereign`` means the holder itself.
    """

    unit: str
    start: date
    end: date | None
    holder: str
    claimants: tuple[str, ...] = ()
    event: str = ""
    section: str = ""
    source: str = ""
    note: str = ""
    sovereign: str = ""
    status: str = SOVEREIGN

    @property
    def sovereign_holder(self) -> str:
        """The sovereign by treaty: the named one, or else the holder.

        Examples
        --------
        >>> Period("kwantung", date(1898, 3, 27), None, "russian_empire",
        ...        sovereign="qing", status="lease").sovereign_holder
        'qing'
        """
        return self.sovereign or self.holder

    @property
    def divided(self) -> bool:
        """True when who controls the unit is not its sovereign (a lease, an occupation).

        Examples
        --------
        >>> Period("a", date(1900, 7, 1), None, "russian_empire", sovereign="qing",
        ...        status="occupation").divided
        True
        """
        return self.sovereign_holder != self.holder

    def in_force(self, on: date) -> bool:
        """True when ``start <= on < end``.

        Examples
        --------
        >>> p = Period("u", date(1689, 9, 6), date(1858, 5, 28), "qing")
        >>> p.in_force(date(1858, 5, 27)), p.in_force(date(1858, 5, 28))
        (True, False)
        """
        return self.start <= on and (self.end is None or on < self.end)


def year_date(year: int) -> date:
    """The date at which a year's situation is taken: 31 December.

    Examples
    --------
    >>> year_date(1858)
    datetime.date(1858, 12, 31)
    """
    return date(year, *YEAR_DAY)


def load_sides_and_holders(
    holders_csv: Path, meta_json: Path
) -> tuple[dict[str, Side], dict[str, Holder]]:
    """Read the holder vocabulary and its sides.

    Raises
    ------
    DataError
        Naming the file, the row and the reason: a meta file without the shape
        of ``geo/schemas/holders_meta.schema.json`` (no provenance, a side
        without a colour), a file that cannot be read, is not UTF-8, is empty
        or cut short, a missing column, no rows, a row of the wrong number of
        fields, an empty id, name or side, a duplicate id, or a holder whose
        side is not declared.
    """
    meta = _read_meta(meta_json)
    sides = {s["id"]: Side(s["id"], s["name_en"], s["color"]) for s in meta["sides"]}
    holders: dict[str, Holder] = {}
    for line, row in _read_csv(holders_csv, HOLDER_COLUMNS):
        where = f"row {line} ({row['id']})" if row["id"] else f"row {line}"
        blank = [c for c in HOLDER_COLUMNS if c != "note" and not row[c]]
        if blank:
            raise DataError(holders_csv, where, f"empty {', '.join(blank)}")
        if row["id"] in holders:
            raise DataError(holders_csv, where, "duplicate holder id")
        if row["side"] not in sides:
            raise DataError(holders_csv, where, f"unknown side {row['side']!r}")
        holders[row["id"]] = Holder(**{k: row[k] for k in HOLDER_COLUMNS})
    return sides, holders


def load_periods(
    path: Path,
    *,
    units: Collection[str],
    holders: Collection[str],
    sections: Collection[str],
) -> tuple[Period, ...]:
    r"""Read and check the periods of control.

    Every unit must have exactly one period in force on every date from
    :data:`FIRST_DATE` onward: periods of a unit are sorted, contiguous, and
    the last one is open.

    Raises
    ------
    DataError
        Naming the file, the row (or unit) and the reason.

    Examples
    --------
    >>> import tempfile, os
    >>> text = ("unit,start,end,holder,claimants,event,section,source,note\n"
    ...         "a,1640-01-01,1689-09-06,x,y,,s,src,\n"
    ...         "a,1689-09-06,,y,,Nerchinsk,s,src,\n")
    >>> d = tempfile.mkdtemp(); p = Path(d, "p.csv"); _ = p.write_text(text)
    >>> [q.holder for q in load_periods(p, units={"a"}, holders={"x", "y"}, sections={"s"})]
    ['x', 'y']
    """
    periods: list[Period] = []
    for line, row in _read_csv(path, PERIOD_COLUMNS, optional=STATUS_COLUMNS):
        where = f"row {line} ({row['unit']} from {row['start']})"
        if row["unit"] not in units:
            raise DataError(path, where, f"unknown unit {row['unit']!r}")
        start = parse_iso_date(path, where, row["start"], "start")
        end = parse_iso_date(path, where, row["end"], "end") if row["end"] else None
        if end is not None and end <= start:
            raise DataError(path, where, "end is not after start")
        claimants = tuple(c for c in row["claimants"].split(";") if c)
        for h in (row["holder"], *claimants):
            if h not in holders:
                raise DataError(path, where, f"unknown holder {h!r}")
        if row["section"] not in sections:
            raise DataError(path, where, f"unknown article section {row['section']!r}")
        if not row["source"]:
            raise DataError(path, where, "no source")
        status = row["status"] or SOVEREIGN
        if status not in STATUSES:
            raise DataError(path, where, f"status {status!r} is not one of {list(STATUSES)}")
        if row["sovereign"] and row["sovereign"] not in holders:
            raise DataError(path, where, f"unknown sovereign {row['sovereign']!r}")
        if status == SOVEREIGN and row["sovereign"] not in ("", row["holder"]):
            raise DataError(
                path, where, f"status 'sovereign' but the sovereign is {row['sovereign']!r}"
            )
        if status in ("lease", "occupation") and row["sovereign"] in ("", row["holder"]):
            raise DataError(path, where, f"a {status} needs a sovereign other than the holder")
        periods.append(
            Period(
                row["unit"],
                start,
                end,
                row["holder"],
                claimants,
                row["event"],
                row["section"],
                row["source"],
                row["note"],
                row["sovereign"],
                status,
            )
        )
    _check_coverage(path, periods, units)
    return tuple(periods)


def _check_coverage(path: Path, periods: Iterable[Period], units: Collection[str]) -> None:
    by_unit: dict[str, list[Period]] = {u: [] for u in units}
    for p in periods:
        by_unit[p.unit].append(p)
    for unit, ps in by_unit.items():
        if not ps:
            raise DataError(path, unit, "no periods")
        ps.sort(key=lambda p: p.start)
        if ps[0].start > FIRST_DATE:
            raise DataError(path, unit, f"nothing in force before {ps[0].start}")
        for a, b in zip(ps, ps[1:], strict=False):
            if a.end is None or a.end > b.start:
                raise DataError(path, unit, f"periods from {a.start} and {b.start} overlap")
            if a.end < b.start:
                raise DataError(path, unit, f"gap from {a.end} to {b.start}")
        if ps[-1].end is not None:
            raise DataError(
                path, unit, f"nothing in force after {ps[-1].end}: the last period must be open"
            )


def state_at(units: Iterable[str], periods: Iterable[Period], on: date) -> dict[str, Period]:
    """The period in force for each unit on a date.

    Examples
    --------
    >>> ps = [Period("a", date(1640, 1, 1), date(1858, 5, 28), "qing"),
    ...       Period("a", date(1858, 5, 28), None, "russian_empire")]
    >>> state_at(["a"], ps, date(1858, 12, 31))["a"].holder
    'russian_empire'
    """
    wanted = set(units)
    out = {p.unit: p for p in periods if p.unit in wanted and p.in_force(on)}
    missing = wanted - set(out)
    if missing:
        raise ValueError(f"no period in force on {on} for {sorted(missing)}")
    return out


def history(periods: Iterable[Period], unit: str) -> tuple[Period, ...]:
    """All periods of one unit, oldest first.

    Examples
    --------
    >>> ps = [Period("a", date(1858, 5, 28), None, "r"), Period("a", date(1640, 1, 1),
    ...       date(1858, 5, 28), "q"), Period("b", date(1640, 1, 1), None, "q")]
    >>> [p.holder for p in history(ps, "a")]
    ['q', 'r']
    """
    return tuple(sorted((p for p in periods if p.unit == unit), key=lambda p: p.start))


def _read_meta(path: Path) -> dict:
    meta = read_checked(path, "holders_meta")
    return meta


def _read_csv(
    path: Path, columns: tuple[str, ...], optional: tuple[str, ...] = ()
) -> Iterator[tuple[int, dict[str, str]]]:
    text = read_csv_text(path)
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        missing = [c for c in columns if c not in (reader.fieldnames or ())]
        if missing:
            raise DataError(path, "header", f"missing columns {missing}")
        rows = list(reader)
    except csv.Error as exc:
        raise DataError(path, "file", f"not a readable CSV: {exc}") from exc
    if not rows:
        raise DataError(path, "file", "a header but no rows")
    width = len(reader.fieldnames or ())
    for i, row in enumerate(rows, start=2):
        # DictReader files a short row's missing fields as None, a long row's extra under None
        fields = sum(v is not None for k, v in row.items() if k is not None)
        fields += len(row.get(None) or ())  # type: ignore[call-overload]
        if fields != width:
            raise DataError(path, f"row {i}", f"{fields} fields, but the header has {width}")
        yield i, {k: (row.get(k) or "").strip() for k in (*columns, *optional)}
