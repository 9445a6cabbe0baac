"""What changed, and when: the years in which a holder, a sovereign or a border changed.

The map's "Previous change" and "Next change" buttons step through
:func:`change_years`; :func:`what_changed` gives the caption of a year that
follows a change, made from the data: the event, its date, who gave up which
land to whom, and the area.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from geo.atlas import Atlas
from geo.config import FIRST_YEAR
from geo.periods import Period, history


@dataclass(frozen=True)
class Change:
    """Land that passed from some holders to one holder on one date, by one event.

    ``kind`` is ``control`` when who holds the land changed, or ``sovereignty``
    when only its sovereign by treaty did (a treaty confirming an occupation,
    say); the holders are then the sovereigns.
    """

    on: date
    event: str
    from_holders: tuple[str, ...]
    to_holder: str
    units: tuple[str, ...]
    area_km2: float
    kind: str = "control"


def change_years(atlas: Atlas) -> tuple[int, ...]:
    """Every year whose 31 December shows a new holder, sovereign or treaty line.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> years = change_years(load_atlas())
    >>> 1689 in years and 1858 in years and 1860 in years
    True
    """
    dates = {p.start for p in atlas.periods} | {t.start for t in atlas.treaty_lines}
    dates |= {t.end for t in atlas.treaty_lines if t.end is not None}
    return tuple(sorted({d.year for d in dates if d.year > FIRST_YEAR}))


def next_change_year(years: Sequence[int], year: int) -> int | None:
    """The first change year after ``year``, or None.

    Examples
    --------
    >>> next_change_year([1689, 1858, 1860], 1858), next_change_year([1689], 1700)
    (1860, None)
    """
    i = bisect.bisect_right(years, year)
    return years[i] if i < len(years) else None


def previous_change_year(years: Sequence[int], year: int) -> int | None:
    """The last change year before ``year``, or None.

    Examples
    --------
    >>> previous_change_year([1689, 1858, 1860], 1860), previous_change_year([1689], 1689)
    (1858, None)
    """
    i = bisect.bisect_left(years, year)
    return years[i - 1] if i > 0 else None


def what_changed(atlas: Atlas, year: int) -> tuple[Change, ...]:
    """The changes of holder that took effect in ``year``, grouped by date, event and new holder.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> (peking,) = [c for c in what_changed(load_atlas(), 1860) if c.to_holder == "russian_empire"]
    >>> peking.event, peking.from_holders, "primorye" in peking.units
    ('Convention of Peking', ('joint',), True)
    """
    grouped: dict[tuple[date, str, str, str], list[tuple[str, str]]] = {}
    for unit in atlas.unit_ids:
        rows: list[Period] = list(history(atlas.periods, unit))
        for before, after in zip(rows, rows[1:], strict=False):
            if after.start.year != year:
                continue
            if before.holder != after.holder:
                key, was = (after.start, after.event, "control", after.holder), before.holder
            elif before.sovereign_holder != after.sovereign_holder:
                key = (after.start, after.event, "sovereignty", after.sovereign_holder)
                was = before.sovereign_holder
            else:
                continue
            grouped.setdefault(key, []).append((unit, was))
    return tuple(
        Change(
            on=on,
            event=event,
            from_holders=tuple(sorted({h for _, h in items})),
            to_holder=to,
            units=tuple(u for u, _ in items),
            area_km2=sum(atlas.areas[u] for u, _ in items),
            kind=kind,
        )
        for (on, event, kind, to), items in sorted(grouped.items())
    )
