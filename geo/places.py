"""Places (map markers) whose names follow the era.

``data/places.geojson`` holds one Point feature per place. Each place has a
lifetime (``founded`` <= date < ``abandoned``, ``None`` meaning unbounded) and a
chain of name periods: half-open ``[start, end)`` ISO dates that must follow
one another with no gap and no overlap, the first start and the last end being
``None`` for "open". Dates are New Style (Gregorian).

Nothing here imports streamlit, so the module can be tested and reused alone.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from geo.dataio import parse_iso_date
from geo.errors import DataError

PLACES_PATH = Path(__file__).resolve().parent.parent / "data" / "places.geojson"
KINDS = frozenset({"town", "fort", "site", "capital"})
LANGUAGES = ("en", "ru", "zh")
# date.fromisoformat also accepts "18600702" and week dates; the file format is
# stricter so that a typo cannot silently parse as some other day.
ID_PATTERN = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")


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
        If the file is not a FeatureCollection, a feature is not a Point, a
        coordinate is out of range, a date is not ``YYYY-MM-DD``, the names are
        missing or their periods overlap or leave a gap, or an id repeats.

    Examples
    --------
    >>> places = load_places(PLACES_PATH)
    >>> vladivostok = next(p for p in places if p.id == "vladivostok")
    >>> vladivostok.founded
    datetime.date(1860, 7, 2)
    """
    file = str(path)
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(file, "file", f"cannot read JSON: {exc}") from exc
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise DataError(file, "file", "not a GeoJSON FeatureCollection")
    features = doc.get("features")
    if not isinstance(features, list):
        raise DataError(file, "file", "'features' is not a list")

    places: list[Place] = []
    seen: set[str] = set()
    for index, feature in enumerate(features):
        place = _parse_feature(file, index, feature)
        if place.id in seen:
            raise DataError(file, _label(index, place.id), f"duplicate id {place.id!r}")
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


def _label(index: int, place_id: object = None) -> str:
    return f"feature {index}" if not isinstance(place_id, str) else f"feature {index} ({place_id})"


def _parse_feature(file: str, index: int, feature: object) -> Place:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise DataError(file, _label(index), "not a GeoJSON Feature")
    props = feature.get("properties")
    if not isinstance(props, dict):
        raise DataError(file, _label(index), "'properties' is not an object")
    where = _label(index, props.get("id"))

    place_id = props.get("id")
    if not isinstance(place_id, str) or not ID_PATTERN.match(place_id):
        raise DataError(file, where, f"id {place_id!r} is not snake_case")
    kind = props.get("kind")
    if kind not in KINDS:
        raise DataError(file, where, f"kind {kind!r} is not one of {sorted(KINDS)}")

    lon, lat = _parse_point(file, where, feature.get("geometry"))
    founded = _parse_date(file, where, "founded", props.get("founded"))
    abandoned = _parse_date(file, where, "abandoned", props.get("abandoned"))
    if founded is not None and abandoned is not None and abandoned <= founded:
        raise DataError(file, where, f"abandoned {abandoned} is not after founded {founded}")

    source = props.get("source")
    if not isinstance(source, str) or not source.strip():
        raise DataError(file, where, "missing 'source'")
    note = _optional_text(file, where, "note", props.get("note"))
    names = _parse_names(file, where, props.get("names"))
    early = props.get("shown_before_founding", False)
    if not isinstance(early, bool):
        raise DataError(file, where, "shown_before_founding must be true or false")
    if early and (names[0].start is not None or founded is None):
        raise DataError(file, where, "shown_before_founding needs a founding date and a first name")
    return Place(place_id, kind, lon, lat, founded, abandoned, names, source, note, early)


def _parse_point(file: str, where: str, geometry: object) -> tuple[float, float]:
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        raise DataError(file, where, "geometry is not a Point")
    coords = geometry.get("coordinates")
    if (
        not isinstance(coords, list)
        or len(coords) not in (2, 3)
        or not all(_is_number(c) for c in coords)
    ):
        raise DataError(file, where, f"bad Point coordinates {coords!r}")
    lon, lat = float(coords[0]), float(coords[1])
    if not -180.0 <= lon <= 180.0:
        raise DataError(file, where, f"longitude {lon} out of range [-180, 180]")
    if not -90.0 <= lat <= 90.0:
        raise DataError(file, where, f"latitude {lat} out of range [-90, 90]")
    return lon, lat


def _is_number(value: object) -> bool:
    # bool is an int subclass, and JSON true/false are not coordinates.
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _parse_date(file: str, where: str, field: str, value: object) -> date | None:
    return None if value is None else parse_iso_date(file, where, value, field)


def _optional_text(file: str, where: str, field: str, value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise DataError(file, where, f"{field} is not a string")


def _parse_names(file: str, where: str, raw: object) -> tuple[PlaceName, ...]:
    if not isinstance(raw, list) or not raw:
        raise DataError(file, where, "missing names")
    periods = tuple(_parse_name(file, f"{where} names[{i}]", item) for i, item in enumerate(raw))
    _check_chain(file, where, periods)
    return periods


def _parse_name(file: str, where: str, item: object) -> PlaceName:
    if not isinstance(item, Mapping):
        raise DataError(file, where, "name period is not an object")
    texts: dict[str, str] = {}
    for lang in LANGUAGES:
        text = item.get(lang)
        if not isinstance(text, str) or not text.strip():
            raise DataError(file, where, f"missing {lang!r} name")
        texts[lang] = text
    start = _parse_date(file, where, "start", item.get("start"))
    end = _parse_date(file, where, "end", item.get("end"))
    if start is not None and end is not None and end <= start:
        raise DataError(file, where, f"end {end} is not after start {start}")
    note = _optional_text(file, where, "note", item.get("note"))
    return PlaceName(start, end, texts["en"], texts["ru"], texts["zh"], note)


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
