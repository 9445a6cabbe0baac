"""The map page's session state: its keys, the first view from a link, and map clicks.

Streamlit keeps a reader's state in ``st.session_state`` under the keys of
:data:`KEYS`; the functions here decide what goes under them and take plain
values, so they run without Streamlit.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from functools import partial

from geo.changes import next_change_year, previous_change_year
from geo.config import DEFAULT_LANG, LANGS
from geo.mapdata import DEFAULT_VIEW, VIEWS
from geo.params import parse_choice, parse_unit, parse_year

DEFAULT_YEAR = 1860
# Play moves one year on at this pace: slow enough to read the caption of a change
PLAY_SECONDS = 1.2
# the height the event strip's chart takes on the page (legend, marks and axis), which its
# place keeps until it is drawn (see strip_due)
STRIP_SLOT_PX = 181


@dataclass(frozen=True)
class SessionKeys:
    """The names of the map page's widgets and session-state entries."""

    year: str = "year"
    selected: str = "selected"
    map: str = "map"
    first_view: str = "first_view"
    last_click: str = "last_click"
    download: str = "download"
    cite: str = "cite"
    prepare: str = "prepare_download"
    prepared: str = "prepared_download"
    strip: str = "event_strip"
    strip_due: str = "event_strip_due"
    view: str = "view"
    lang: str = "lang"
    playing: str = "playing"
    play_due: str = "play_due"
    stop_at_changes: str = "stop_at_changes"
    previous_change: str = "previous_change"
    next_change: str = "next_change"


KEYS = SessionKeys()
INTRO = (
    "Who held the lands between Russia and China, from the first Russian forts on the Amur "
    "to the 2008 hand-over of Heixiazi Island. Drag the year; click a territory."
)
# every page of the app, in the order of the navigation bar: (file, title, url path);
# the map is the default page and lives at "/"
PAGES = (
    ("pages/map.py", "Map", ""),
    ("pages/timeline.py", "Timeline", "timeline"),
    ("pages/compare.py", "Compare", "compare"),
    ("pages/article.py", "Article", "article"),
    ("pages/tour.py", "Tour", "tour"),
    ("pages/quiz.py", "Quiz", "quiz"),
    ("pages/print.py", "Print", "print"),
    ("pages/areas.py", "Areas", "areas"),
    ("pages/data.py", "Data and sources", "data"),
)
MAP_PAGE = PAGES[0][0]
YEAR_HELP = "Shown as it stood on 31 December."
TERRITORY_CHOICE = "Territory"
NO_TERRITORY = "None"
# the map page's two buttons that step through the changes
CHANGE_BUTTONS = (
    ("◀ Previous change", KEYS.previous_change, False),
    ("Next change ▶", KEYS.next_change, True),
)


@dataclass(frozen=True)
class FirstView:
    """The year, territory, view and language a shared link opens on, with a notice for each bad value."""  # noqa: E501

    year: int
    selected: str | None
    notices: tuple[str, ...]
    view: str = DEFAULT_VIEW
    lang: str = DEFAULT_LANG


@dataclass(frozen=True)
class Click:
    """A click on the map, decoded: the territory, and what tells one click from the next."""

    unit: str | None
    key: tuple[str | None, int | None]


def first_view(
    params: Mapping[str, str], first: int, last: int, unit_ids: Collection[str]
) -> FirstView:
    """The first view of a session, from the link's ``year``, ``unit``, ``view`` and ``lang``.

    Examples
    --------
    >>> first_view({"year": "3000", "unit": "tuva"}, 1640, 2026, {"tuva"})
    FirstView(year=2026, selected='tuva', notices=('The atlas ends in 2026; showing 2026 instead of 3000.',), view='control', lang='en')
    """  # noqa: E501
    year = parse_year(params.get("year"), first, last, DEFAULT_YEAR)
    unit = parse_unit(params.get("unit"), unit_ids)
    view = parse_choice(params.get("view"), VIEWS, DEFAULT_VIEW, "view")
    lang = parse_choice(params.get("lang"), LANGS, DEFAULT_LANG, "language")
    notices = tuple(n for n in (year.notice, unit.notice, view.notice, lang.notice) if n)
    return FirstView(int(year.value), unit.value, notices, str(view.value), str(lang.value))


def open_link(
    state: MutableMapping,
    params: Mapping[str, str],
    first: int,
    last: int,
    unit_ids: Collection[str],
) -> None:
    """Set the session's first year, territory, view and language from a shared link, once.

    Later runs leave the state alone: the link is read when the session opens.

    Examples
    --------
    >>> state = {}
    >>> open_link(state, {"year": "1903", "view": "sovereign"}, 1640, 2026, {"tuva"})
    >>> state["year"], state["selected"], state["view"], state["lang"]
    (1903, None, 'sovereign', 'en')
    """
    if KEYS.year in state:
        return
    view = first_view(params, first, last, unit_ids)
    state[KEYS.year], state[KEYS.selected], state[KEYS.view] = view.year, view.selected, view.view
    state[KEYS.lang] = view.lang
    state[KEYS.first_view] = view


def decode_click(map_value: Mapping | None) -> Click:
    """The territory a map click chose, from the value ``st_folium`` returns.

    The click counter is part of the key, so that clicking the same territory
    again, after choosing another in the list, still counts as a new click.

    Examples
    --------
    >>> decode_click({"last_active_drawing": {"properties": {"id": "tuva"}},
    ...               "last_object_clicked_count": 3})
    Click(unit='tuva', key=('tuva', 3))
    >>> decode_click(None)
    Click(unit=None, key=(None, None))
    """
    value = map_value or {}
    drawing = value.get("last_active_drawing") or {}
    unit = (drawing.get("properties") or {}).get("id")
    return Click(unit=unit, key=(unit, value.get("last_object_clicked_count")))


def clicked_unit(click: Click, last_key: object, unit_ids: Collection[str]) -> str | None:
    """The unit a click selects, or None when it is not a new click on a known unit.

    Examples
    --------
    >>> c = Click("tuva", ("tuva", 1))
    >>> clicked_unit(c, None, {"tuva"}), clicked_unit(c, ("tuva", 1), {"tuva"})
    ('tuva', None)
    """
    if click.unit and click.key != last_key and click.unit in unit_ids:
        return click.unit
    return None


def apply_click(state: MutableMapping, unit_ids: Collection[str]) -> bool:
    """Make a new click on a territory of the map the selection; say whether there was one.

    Examples
    --------
    >>> state = {"map": {"last_active_drawing": {"properties": {"id": "tuva"}},
    ...                  "last_object_clicked_count": 1}}
    >>> apply_click(state, {"tuva"}), apply_click(state, {"tuva"})
    (True, False)
    >>> state["selected"], state["last_click"]
    ('tuva', ('tuva', 1))
    """
    click = decode_click(state.get(KEYS.map))
    unit = clicked_unit(click, state.get(KEYS.last_click), unit_ids)
    if unit:
        state[KEYS.selected] = unit
    state[KEYS.last_click] = click.key
    return unit is not None


def write_link(
    params: MutableMapping,
    year: int,
    selected: str | None,
    view: str = DEFAULT_VIEW,
    lang: str = DEFAULT_LANG,
) -> None:
    """Write the view into the link's parameters, so that it can be shared.

    The view and the language are left out while they are the defaults.

    Examples
    --------
    >>> params = {"unit": "tuva"}
    >>> write_link(params, 1900, None)
    >>> params
    {'year': '1900'}
    """
    params["year"] = str(year)
    for name, value in (
        ("unit", selected),
        ("view", None if view == DEFAULT_VIEW else view),
        ("lang", None if lang == DEFAULT_LANG else lang),
    ):
        if value:
            params[name] = value
        elif name in params:
            del params[name]


def download(year: int) -> dict[str, str]:
    """The label, file name and type of the map page's download of a year.

    A click downloads without a rerun: a rerun would register the file again
    while the browser fetches it, and under load the fetch could find it gone.

    Examples
    --------
    >>> download(1860)["file_name"]
    'sino-russian-border-1860.geojson'
    """
    return {
        "label": f"Download {year} as GeoJSON, with its citation",
        "file_name": f"sino-russian-border-{year}.geojson",
        "mime": "application/geo+json",
        "on_click": "ignore",
    }


def map_link(
    year: int, unit: str | None = None, view: str = DEFAULT_VIEW, lang: str = DEFAULT_LANG
) -> dict[str, str]:
    """The query parameters that open the map page on a year (and a territory, view, language).

    Every page's "Open on the map" passes these to ``st.page_link(MAP_PAGE, ...)``.

    Examples
    --------
    >>> map_link(1860, "primorye")
    {'year': '1860', 'unit': 'primorye'}
    """
    params: dict[str, str] = {}
    write_link(params, year, unit, view, lang)
    return params


def standing_notices(first: FirstView | None, year: int, selected: str | None) -> tuple[str, ...]:
    """The notices about a bad link, for as long as the reader stays on the view it opened.

    A notice must not vanish on the map's first reply (a second run of the
    script), yet it has done its work once the reader moves the year or
    chooses another territory.

    Examples
    --------
    >>> first = FirstView(1860, None, ("The year 'abc' in the link is not a year.",))
    >>> standing_notices(first, 1860, None), standing_notices(first, 1861, None)
    (("The year 'abc' in the link is not a year.",), ())
    """
    if first is None or (year, selected) != (first.year, first.selected):
        return ()
    return first.notices


def step_to_change(state: MutableMapping, years: Sequence[int], forward: bool) -> None:
    """Move the year to the next (or previous) year in which anything changed.

    It runs as a button's callback, before the rerun; at either end it leaves
    the year where it is.

    Examples
    --------
    >>> state = {"year": 1861}
    >>> step_to_change(state, [1858, 1860, 1875], forward=True)
    >>> state["year"]
    1875
    """
    find = next_change_year if forward else previous_change_year
    target = find(years, state[KEYS.year])
    if target is not None:
        state[KEYS.year] = target


def advance_play(state: MutableMapping, change_years: Sequence[int], last: int, now: float) -> bool:
    """One tick of Play: move the year on when it is due, and say whether it moved.

    The year moves once every :data:`PLAY_SECONDS`; Play stops at the last
    year, or at the next change when the reader asked it to stop at changes.

    Examples
    --------
    >>> state = {"year": 1857, "playing": True, "stop_at_changes": True}
    >>> advance_play(state, [1858], 2026, now=0.0), state["year"]
    (False, 1857)
    >>> advance_play(state, [1858], 2026, now=PLAY_SECONDS), state["year"], state["playing"]
    (True, 1858, False)
    """
    if not state.get(KEYS.playing):
        state.pop(KEYS.play_due, None)
        return False
    due = state.setdefault(KEYS.play_due, now + PLAY_SECONDS)
    if now < due:
        return False
    year = state[KEYS.year] + 1
    state[KEYS.year] = year
    state[KEYS.play_due] = now + PLAY_SECONDS
    if year >= last or (state.get(KEYS.stop_at_changes) and year in change_years):
        state[KEYS.playing] = False
    return True


def play_interval(state: Mapping) -> float | None:
    """How often the Play fragment ticks: four times a step while playing, else never.

    Examples
    --------
    >>> play_interval({"playing": True}) == PLAY_SECONDS / 4, play_interval({})
    (True, None)
    """
    return PLAY_SECONDS / 4 if state.get(KEYS.playing) else None


def jump_to_event(state: MutableMapping, first: int, last: int) -> None:
    """Move the year to the event clicked on the event strip, as the strip's callback.

    Examples
    --------
    >>> state = {"year": 1700, "event_strip": {"selection": {"event": [{"year": 1860}]}}}
    >>> jump_to_event(state, 1640, 2026)
    >>> state["year"]
    1860
    """
    chosen = ((state.get(KEYS.strip) or {}).get("selection") or {}).get("event") or ()
    for point in chosen:
        if isinstance(point.get("year"), int | float):
            state[KEYS.year] = min(max(int(point["year"]), first), last)
            return


def download_ready(
    state: MutableMapping, pressed: bool, view: tuple, key: str = KEYS.prepared
) -> bool:
    """Whether a page offers the file of a view: from "Prepare" until the view changes.

    The file is then sent with the page, so that it is there when the reader
    clicks, whatever other sessions do; a step of the slider drops it again,
    so that stepping sends no file. (A file made on the click itself, from a
    callable, is kept by Streamlit 1.67 for no session, and the end of any two
    other sessions' runs deletes it, under load before the browser fetches it.)
    ``key`` is where the prepared view is kept: one per page.

    Examples
    --------
    >>> state = {}
    >>> download_ready(state, True, (1860, "control", "en"))
    True
    >>> download_ready(state, False, (1860, "control", "en"))
    True
    >>> download_ready(state, False, (1861, "control", "en"))
    False
    """
    if pressed:
        state[key] = view
    return state.get(key) == view


def play_tick(state: MutableMapping, change_years: Sequence[int], last: int) -> bool:
    """One tick of Play now (:func:`advance_play` at the monotonic clock's time)."""
    return advance_play(state, change_years, last, time.monotonic())


def event_jumper(state: MutableMapping, first: int, last: int) -> Callable[[], None]:
    """The event strip's callback: :func:`jump_to_event` on this session's state.

    Examples
    --------
    >>> state = {"event_strip": {"selection": {"event": [{"year": 1689}]}}}
    >>> event_jumper(state, 1640, 2026)()
    >>> state["year"]
    1689
    """
    return partial(jump_to_event, state, first, last)


def strip_due(state: MutableMapping) -> bool:
    """Whether this run of the map page draws the event strip: from the session's second run on.

    The strip's chart brings some 800 KB of Vega scripts, which the browser
    fetches and compiles while the map's own scripts queue behind them. The
    session's first run leaves the strip's place empty, so the map paints
    first; the map's first reply to the server starts the next run, which
    draws the strip.

    Examples
    --------
    >>> state = {}
    >>> strip_due(state), strip_due(state)
    (False, True)
    """
    due = bool(state.get(KEYS.strip_due))
    state[KEYS.strip_due] = True
    return due
