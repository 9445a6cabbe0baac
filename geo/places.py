"""Places (map markers) whose names follow the era.

``data/places.geojson`` holds one Point feature per place. Each place has a
lifetime (``founded`` <= date < ``abandoned``, ``None`` meaning unbounded) and a
chain of name periods: half-open ``[start, end)`` ISO dates that must follow
one another with no gap and no overlap, the first start and the last end being
``None`` for "open". Dates are New Style (Gregorian).

Nothing here imports streamlit, so the module can be tested and reused alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from geo.dataio import item_label, parse_iso_date, read_checked
from geo.errors import DataError

PLACES_PATH = Path(__file__).resolve().parent.parent / "data" / "places.geojson"


@dataclass(frozen=True)
class PlaceName:
    """The names of a place during one period ``[start, end)``."""

    start: date | None
    end: date | None
    en: str
    ru: str
    zh: str
    note: str | None = None


@dataclass(frozen=True)
class Place:
    """A map marker: a point, a lifetime and the names it bore over time."""

    id: str
    kind: str
    lon: float
    lat: float
    founded: date | None
    abandoned: date | None
    names: tuple[PlaceName, ...]
    source: str
    note: str | None = None
    # a locality already known by an earlier name before the town was founded
    shown_before_founding: bool = False


def load_places(path: str | Path = PLACES_PATH) -> tuple[Place, ...]:
    """Read and validate a places GeoJSON file.

    Parameters
    ----------
    path : str or Path
        A GeoJSON FeatureCollection of Point features; defaults to
        ``data/places.geojson``.

    Returns
    -------
    tuple of Place
        In file order.

    Raises
    ------
    DataError
        If the file does not have the shape of ``geo/schemas/places.schema.json``
        (not a FeatureCollection, a feature that is not a Point, a coordinate out
        of range, a date not written ``YYYY-MM-DD``, missing names), a date does
        not exist or comes before the one it should follow, the name periods
        overlap or leave a gap, or an id repeats.

    Examples
    --------
    >>> places = load_places(PLACES_PATH)
    >>> vladivostok = next(p for p in places if p.id == "vladivostok")
    >>> vladivostok.founded
    datetime.date(1860, 7, 2)
    """
    file = str(path)
    doc = read_checked(path, "places")
    places: list[Place] = []
    seen: set[str] = set()
    for index, feature in enumerate(doc["features"]):
        place = _parse_feature(file, index, feature)
        if place.id in seen:
            where = item_label("features", index, feature)
            raise DataError(file, where, f"duplicate id {place.id!r}")
        seen.add(place.id)
        places.append(place)
    return tuple(places)


def name_at(place: Place, on: date) -> PlaceName:
    """The name period in force on a date.

    Before the first period the first one is returned, after the last the
    last one, so any date gets a name.

    Examples
    --------
    >>> old = PlaceName(None, date(1860, 7, 2), "Haishenwai", "Владивосток", "海参崴")
    >>> new = PlaceName(date(1860, 7, 2), None, "Vladivostok", "Владивосток", "海参崴")
    >>> place = Place("v", "town", 131.9, 43.1, None, None, (old, new), "test")
    >>> name_at(place, date(1860, 7, 1)).en
    'Haishenwai'
    >>> name_at(place, date(1860, 7, 2)).en
    'Vladivostok'
    """
    for period in place.names:
        if period.end is None or on < period.end:
            return period
    return place.names[-1]


def exists_at(place: Place, on: date) -> bool:
    """Whether the place exists on a date: ``founded <= on < abandoned``.

    ``None`` for either bound means unbounded on that side.

    Examples
    --------
    >>> name = PlaceName(None, None, "Albazin", "Албазин", "雅克萨")
    >>> fort = Place("a", "fort", 124.1, 53.4, date(1651, 1, 1), date(1689, 9, 6), (name,), "t")
    >>> exists_at(fort, date(1689, 9, 5)), exists_at(fort, date(1689, 9, 6))
    (True, False)
    """
    if place.founded is not None and on < place.founded:
        return False
    return place.abandoned is None or on < place.abandoned


def places_at(places: Iterable[Place], on: date) -> tuple[tuple[Place, PlaceName], ...]:
    """The places shown on a date, each with its name then, in input order.

    A place is shown while it exists, and also before its founding when the
    site was already known by an earlier name (Haishenwai before Vladivostok).

    Examples
    --------
    >>> name = PlaceName(None, None, "Harbin", "Харбин", "哈尔滨")
    >>> harbin = Place("harbin", "town", 126.6, 45.8, date(1898, 5, 28), None, (name,), "t")
    >>> places_at([harbin], date(1860, 1, 1))
    ()
    >>> [(p.id, n.zh) for p, n in places_at([harbin], date(1900, 1, 1))]
    [('harbin', '哈尔滨')]
    """
    return tuple(
        (place, name_at(place, on))
        for place in places
        if exists_at(place, on)
        or (place.shown_before_founding and place.founded is not None and on < place.founded)
    )


def _parse_feature(file: str, index: int, feature: Mapping[str, Any]) -> Place:
    # the schema has checked keys, types, kinds, ids and coordinates; left are
    # the dates themselves and how they follow one another
    where = item_label("features", index, feature)
    props = feature["properties"]
    lon, lat = feature["geometry"]["coordinates"][:2]
    founded = _parse_date(file, where, "founded", props.get("founded"))
    abandoned = _parse_date(file, where, "abandoned", props.get("abandoned"))
    if founded is not None and abandoned is not None and abandoned <= founded:
        raise DataError(file, where, f"abandoned {abandoned} is not after founded {founded}")
    names = _parse_names(file, where, props["names"])
    early = props.get("shown_before_founding", False)
    if early and (names[0].start is not None or founded is None):
        raise DataError(file, where, "shown_before_founding needs a founding date and a first name")
    return Place(
        props["id"],
        props["kind"],
        float(lon),
        float(lat),
        founded,
        abandoned,
        names,
        props["source"],
        props.get("note"),
        early,
    )


def _parse_date(file: str, where: str, field: str, value: object) -> date | None:
    # the schema checks the YYYY-MM-DD form; this, that the day exists
    return None if value is None else parse_iso_date(file, where, value, field)


def _parse_names(file: str, where: str, raw: list[Mapping[str, Any]]) -> tuple[PlaceName, ...]:
    periods = tuple(_parse_name(file, f"{where} names[{i}]", item) for i, item in enumerate(raw))
    _check_chain(file, where, periods)
    return periods


def _parse_name(file: str, where: str, item: Mapping[str, Any]) -> PlaceName:
    start = _parse_date(file, where, "start", item.get("start"))
    end = _parse_date(file, where, "end", item.get("end"))
    if start is not None and end is not None and end <= start:
        raise DataError(file, where, f"end {end} is not after start {start}")
    return PlaceName(start, end, item["en"], item["ru"], item["zh"], item.get("note"))


def _check_chain(file: str, where: str, periods: tuple[PlaceName, ...]) -> None:
    # name_at walks the periods in order, which is only right if they tile the
    # time line: each period must start exactly where the previous one ends.
    for i, (before, after) in enumerate(zip(periods, periods[1:], strict=False), start=1):
        if before.end is None or after.start is None or after.start < before.end:
            raise DataError(file, where, f"name periods {i - 1} and {i} overlap")
        if after.start > before.end:
            raise DataError(
                file,
                where,
                f"gap between name periods {i - 1} and {i}: {before.end}..{after.start}",
            )
