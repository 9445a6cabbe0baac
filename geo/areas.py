"""Areas computed by the atlas, beside the published figures, and the land that changed hands.

All areas come from :func:`geo.territories.area_km2` (an equal-area
projection); ``data/areas.json`` holds the published figures, their
sources and the accepted range of each. A figure that the atlas cannot
match carries a ``deviation``: the reason, shown wherever the figure is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from geo.dataio import item_label, read_checked
from geo.errors import DataError
from geo.periods import Holder, Period


@dataclass(frozen=True)
class Figure:
    """A published area and the units it covers."""

    id: str
    label: str
    units: tuple[str, ...]
    published: str
    low: float
    high: float
    source: str
    tolerance: str
    deviation: str = ""


@dataclass(frozen=True)
class Comparison:
    """A published figure beside the atlas's own area for the same units."""

    figure: Figure
    computed_km2: float

    @property
    def within(self) -> bool:
        """True when the atlas's area lies in the published range."""
        return self.figure.low <= self.computed_km2 <= self.figure.high

    @property
    def status(self) -> str:
        """How the atlas's area stands against the published range.

        ``"within"``, ``"recorded deviation"`` (outside, with the reason in the
        data) or ``"outside"`` (outside, unexplained: a data error).
        """
        if self.within:
            return "within"
        return "recorded deviation" if self.figure.deviation else "outside"

    @property
    def verdict(self) -> str:
        """How the atlas's area stands to the record, in words for the reader."""
        if self.within:
            return "within the record"
        return "short of the record" if self.computed_km2 < self.figure.low else "above the record"


@dataclass(frozen=True)
class Transfer:
    """Land whose side changed on one date, with the event that began the new periods."""

    on: date
    event: str
    units: tuple[str, ...]
    from_sides: tuple[str, ...]
    to_side: str
    area_km2: float


def load_figures(path: Path, unit_ids: Sequence[str]) -> tuple[Figure, ...]:
    """Read ``areas.json``; every figure must name known units and a range.

    Parameters
    ----------
    path : Path
        The file; its shape is that of ``geo/schemas/areas.schema.json``.
    unit_ids : Sequence[str]
        The ids of the units of ``territories.geojson``.

    Returns
    -------
    tuple of Figure
        In file order.

    Raises
    ------
    DataError
        Naming the file, the figure and the reason: a file without the schema's
        shape (a missing key, no units, a bound that is not a number above 0, a
        deviation that is not text), an unknown unit, or a low above the high.

    Examples
    --------
    >>> from geo.config import DATA_DIR
    >>> from geo.territories import load_units
    >>> ids = [u.id for u in load_units(DATA_DIR / "territories.geojson")]
    >>> load_figures(DATA_DIR / "areas.json", ids)[0].label
    'Aigun cession (left bank of the Amur)'
    """
    doc = read_checked(path, "areas")
    known = set(unit_ids)
    out = []
    for i, f in enumerate(doc["figures"]):
        where = item_label("figures", i, f)
        unknown = [u for u in f["units"] if u not in known]
        if unknown:
            raise DataError(path, where, f"unknown units {unknown}")
        if f["low"] > f["high"]:
            raise DataError(path, where, "needs 0 < low <= high")
        out.append(
            Figure(
                f["id"],
                f["label"],
                tuple(f["units"]),
                f["published"],
                float(f["low"]),
                float(f["high"]),
                f["source"],
                f["tolerance"],
                f.get("deviation", ""),
            )
        )
    return tuple(out)


def compare(figures: Sequence[Figure], areas: Mapping[str, float]) -> list[Comparison]:
    """Each published figure beside the sum of the computed areas of its units.

    Examples
    --------
    >>> f = Figure("x", "X", ("a", "b"), "about 10", 9, 11, "s", "±10 %")
    >>> c = compare([f], {"a": 4.0, "b": 6.5})[0]
    >>> c.computed_km2, c.within
    (10.5, True)
    """
    return [Comparison(f, sum(areas[u] for u in f.units)) for f in figures]


def figures_for(comparisons: Sequence[Comparison], unit: str) -> list[Comparison]:
    """The published figures that count ``unit``, smallest area first.

    Examples
    --------
    >>> fs = [Figure("big", "Big", ("a", "b"), "20", 18, 22, "s", "±10 %"),
    ...       Figure("small", "Small", ("a",), "10", 9, 11, "s", "±10 %")]
    >>> cs = compare(fs, {"a": 10.0, "b": 10.0})
    >>> [c.figure.id for c in figures_for(cs, "a")], figures_for(cs, "c")
    (['small', 'big'], [])
    """
    return sorted((c for c in comparisons if unit in c.figure.units), key=lambda c: c.computed_km2)


def transfers(
    periods: Sequence[Period], holders: Mapping[str, Holder], areas: Mapping[str, float]
) -> list[Transfer]:
    """Land that changed side, grouped by date and by the side it went to.

    A change of holder within one side (the Russian Empire to the Soviet
    Union, say) is not a transfer.

    Examples
    --------
    >>> from geo.periods import Holder
    >>> hs = {"q": Holder("q", "Qing", "", "", "china"),
    ...       "r": Holder("r", "Russia", "", "", "russia")}
    >>> ps = [Period("a", date(1640, 1, 1), date(1858, 5, 28), "q"),
    ...       Period("a", date(1858, 5, 28), None, "r", event="Aigun")]
    >>> t = transfers(ps, hs, {"a": 600000.0})[0]
    >>> t.on, t.event, t.to_side, t.area_km2
    (datetime.date(1858, 5, 28), 'Aigun', 'russia', 600000.0)
    """
    by_unit: dict[str, list[Period]] = {}
    for p in periods:
        by_unit.setdefault(p.unit, []).append(p)
    grouped: dict[tuple[date, str], list[tuple[str, str, str]]] = {}
    for unit, ps in by_unit.items():
        ps.sort(key=lambda p: p.start)
        for before, after in zip(ps, ps[1:], strict=False):
            a, b = holders[before.holder].side, holders[after.holder].side
            if a != b:
                grouped.setdefault((after.start, b), []).append((unit, a, after.event))
    out = []
    for (on, side), items in sorted(grouped.items()):
        units = tuple(sorted(u for u, _, _ in items))
        out.append(
            Transfer(
                on=on,
                event=items[0][2],
                units=units,
                from_sides=tuple(sorted({s for _, s, _ in items})),
                to_side=side,
                area_km2=sum(areas[u] for u in units),
            )
        )
    return out
