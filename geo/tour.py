"""The guided tour: a walk through the story for a class, kept in ``data/tour.json``.

Each stop names a year, a view of the map (one of :data:`geo.mapdata.VIEWS`),
where the map looks (a unit to select, and a centre and zoom), a line of the
atlas's own narration and its source. The passage quoted at a stop is the
article's for that year (:func:`geo.passages.passage_at`, through
:func:`geo.panels.passage_panel`). :func:`load_tour` reads and checks the file;
the rest keeps the stop the reader is at in session state and in the link
(``?stop=3``), and takes plain values, so it runs without Streamlit.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo.atlas import Atlas
from geo.config import FIRST_YEAR, MAP_BOUNDS
from geo.dataio import check_shape, item_label, read_json
from geo.errors import DataError
from geo.mapdata import VIEWS
from geo.panels import passage_panel
from geo.params import Parsed
from geo.text import md_escape

TOUR_FILE = "tour.json"
STOP_PARAM = "stop"
INTRO = (
    "A walk through the story in a few stops, from the sieges of Albazin to the 2008 "
    "hand-over of Heixiazi. Each stop shows the map of its year, the article's passage and "
    "a line of narration with its source."
)


@dataclass(frozen=True)
class TourKeys:
    """The names of the tour page's widgets and session-state entries."""

    stop: str = "tour_stop"
    first: str = "tour_first"
    back: str = "tour_back"
    next: str = "tour_next"
    map: str = "tour_map"


KEYS = TourKeys()


@dataclass(frozen=True)
class Stop:
    """One stop of the tour; ``center`` is ``(lat, lon)``, and with ``zoom`` it may be None."""

    id: str
    year: int
    title: str
    view: str
    unit: str | None
    center: tuple[float, float] | None
    zoom: int | None
    narration: str
    source: str

    @property
    def focus(self) -> tuple[tuple[float, float], int] | None:
        """The centre and zoom the stop names, or None to take them from its unit.

        Examples
        --------
        >>> Stop("a", 1689, "T", "control", None, (53.0, 122.0), 5, "N", "S").focus
        ((53.0, 122.0), 5)
        """
        if self.center is None or self.zoom is None:
            return None
        return self.center, self.zoom


@dataclass(frozen=True)
class Tour:
    """The tour file: its provenance and its stops, in order."""

    source: str
    license: str
    note: str
    stops: tuple[Stop, ...]


@dataclass(frozen=True)
class StopPage:
    """What the page shows at a stop; every text is escaped Markdown.

    ``passage`` holds ``(style, text)`` blocks, as
    :meth:`geo.panels.PassagePanel.blocks` does: the paragraphs quoted, the
    note on a quiet span, the warning on years after the article, the fact
    check and the attribution.
    """

    heading: str
    narration: str
    source: str
    passage_heading: str
    passage: tuple[tuple[str, str], ...]
    progress: float
    progress_text: str


def load_tour(path: str | Path, unit_ids: Collection[str], last: int) -> Tour:
    """Read and check the tour file.

    Parameters
    ----------
    path : str or Path
        The file, ``data/tour.json``.
    unit_ids : Collection[str]
        The ids of the atlas's units, which a stop may select.
    last : int
        The last year of the atlas (:func:`geo.atlas.last_year`).

    Returns
    -------
    Tour
        The stops in file order.

    Raises
    ------
    DataError
        Naming the file, the stop (``stops[3] (aigun-1858)``) and the reason:
        the shape of ``geo/schemas/tour.schema.json``, a year outside
        ``FIRST_YEAR``..``last`` or before the stop before, a view that is not
        one of :data:`geo.mapdata.VIEWS`, an unknown unit, a centre without a
        zoom (or the other way round), a stop with neither a unit nor a
        centre, a centre outside the map, or an id used twice.

    Examples
    --------
    >>> from geo.config import DATA_DIR
    >>> tour = load_tour(DATA_DIR / "tour.json", {"amur_left_bank"}, 2026)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    geo.errors.DataError: .../tour.json: stops[2] (kyakhta-1728): unknown unit 'outer_mongolia'
    """
    file = str(path)
    raw = read_json(path)
    check_shape(file, raw, "tour")
    stops: list[Stop] = []
    for index, item in enumerate(raw["stops"]):
        stop = _parse_stop(item, item_label("stops", index, item), file, unit_ids, last)
        where = item_label("stops", index, item)
        if stop.id in {s.id for s in stops}:
            raise DataError(file, where, f"the id {stop.id!r} is used by an earlier stop")
        if stops and stop.year < stops[-1].year:
            reason = f"year {stop.year} comes before the year of the stop before, {stops[-1].year}"
            raise DataError(file, where, reason)
        stops.append(stop)
    return Tour(raw["source"], raw["license"], raw["note"], tuple(stops))


def _parse_stop(
    item: Mapping[str, Any], where: str, file: str, unit_ids: Collection[str], last: int
) -> Stop:
    # the schema has checked the keys and their types
    year = int(item["year"])
    if not FIRST_YEAR <= year <= last:
        raise DataError(file, where, f"year {year} is outside the atlas, {FIRST_YEAR} to {last}")
    if item["view"] not in VIEWS:
        raise DataError(file, where, f"view {item['view']!r} is not one of {', '.join(VIEWS)}")
    unit = item["unit"]
    if unit is not None and unit not in unit_ids:
        raise DataError(file, where, f"unknown unit {unit!r}")
    center, zoom = item["center"], item["zoom"]
    if (center is None) != (zoom is None):
        raise DataError(file, where, "a centre needs a zoom, and a zoom a centre")
    if unit is None and center is None:
        raise DataError(file, where, "needs a unit or a centre and zoom for the map")
    point = None
    if center is not None:
        point = (float(center["lat"]), float(center["lon"]))
        west, south, east, north = MAP_BOUNDS
        if not (south <= point[0] <= north and west <= point[1] <= east):
            raise DataError(file, where, f"centre {point} is outside the map")
    return Stop(
        id=item["id"],
        year=year,
        title=item["title"],
        view=item["view"],
        unit=unit,
        center=point,
        zoom=None if zoom is None else int(zoom),
        narration=item["narration"],
        source=item["source"],
    )


def parse_stop(raw: str | None, count: int) -> Parsed:
    """The stop number (from 1) for a ``stop`` link parameter, clamped, with a notice if changed.

    Examples
    --------
    >>> parse_stop("3", 13), parse_stop(None, 13)
    (Parsed(value=3, notice=None), Parsed(value=1, notice=None))
    >>> parse_stop("40", 13).notice
    'The tour has 13 stops; showing stop 13 instead of 40.'
    >>> parse_stop("x", 13).notice
    "The stop 'x' in the link is not a number; showing stop 1 instead."
    """
    if raw is None or raw.strip() == "":
        return Parsed(1)
    text = raw.strip()
    try:
        number = int(text)
    except ValueError:
        return Parsed(
            1, f"The stop {text[:20]!r} in the link is not a number; showing stop 1 instead."
        )
    if number < 1:
        return Parsed(1, f"The tour starts at stop 1; showing stop 1 instead of {number}.")
    if number > count:
        return Parsed(
            count, f"The tour has {count} stops; showing stop {count} instead of {number}."
        )
    return Parsed(number)


def open_stop(state: MutableMapping, params: Mapping[str, str], count: int) -> None:
    """Set the first stop of a session from the link's ``stop`` parameter, once.

    Examples
    --------
    >>> state = {}
    >>> open_stop(state, {"stop": "0"}, 13)
    >>> state["tour_stop"], state["tour_first"].notice
    (1, 'The tour starts at stop 1; showing stop 1 instead of 0.')
    >>> open_stop(state, {"stop": "5"}, 13)
    >>> state["tour_stop"]
    1
    """
    if KEYS.stop in state:
        return
    parsed = parse_stop(params.get(STOP_PARAM), count)
    state[KEYS.stop] = int(parsed.value or 1)
    state[KEYS.first] = parsed


def step(state: MutableMapping, count: int, forward: bool) -> None:
    """Move to the next (or the previous) stop; at either end, stay.

    It runs as a button's callback, before the rerun.

    Examples
    --------
    >>> state = {"tour_stop": 13}
    >>> step(state, 13, forward=True)
    >>> state["tour_stop"]
    13
    >>> step(state, 13, forward=False)
    >>> state["tour_stop"]
    12
    """
    number = state[KEYS.stop] + (1 if forward else -1)
    state[KEYS.stop] = max(1, min(count, number))


def notices(state: Mapping) -> tuple[str, ...]:
    """The notice about a bad link, while the reader is still at the stop it opened.

    Examples
    --------
    >>> first = Parsed(13, "The tour has 13 stops; showing stop 13 instead of 40.")
    >>> notices({"tour_stop": 13, "tour_first": first})
    ('The tour has 13 stops; showing stop 13 instead of 40.',)
    >>> notices({"tour_stop": 12, "tour_first": first})
    ()
    """
    first = state.get(KEYS.first)
    if first is None or first.notice is None or state.get(KEYS.stop) != first.value:
        return ()
    return (first.notice,)


def stop_page(atlas: Atlas, tour: Tour, number: int) -> StopPage:
    """What the page shows at stop ``number`` (from 1): narration, source, passage, progress.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> from geo.config import DATA_DIR
    >>> atlas = load_atlas()
    >>> tour = load_tour(DATA_DIR / "tour.json", atlas.unit_ids, 2026)
    >>> page = stop_page(atlas, tour, 2)
    >>> page.heading, page.progress_text
    ('1689: The Treaty of Nerchinsk', 'Stop 2 of 13')
    >>> page.passage[0][1].startswith("> ")
    True
    """
    stop = tour.stops[number - 1]
    panel = passage_panel(atlas, stop.year)
    quoted = tuple(("markdown", f"> {p}") for p in panel.paragraphs)
    notes = (
        ("info", panel.status_note),
        ("warning", panel.after_snapshot),
        ("fact_check", panel.fact_check),
        ("caption", panel.attribution),
    )
    count = len(tour.stops)
    return StopPage(
        heading=f"{stop.year}: {md_escape(stop.title)}",
        narration=md_escape(stop.narration),
        source=f"Source: {md_escape(stop.source)}",
        passage_heading=f"The article, “{panel.heading}”",
        passage=quoted + tuple((style, text) for style, text in notes if text),
        progress=number / count,
        progress_text=f"Stop {number} of {count}",
    )
