"""Tests for geo.events: tiny hand-made CSVs first, then the real data/events.csv."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest
from conftest import DATA

from geo.errors import DataError
from geo.events import COLUMNS, Event, events_about, events_in, load_events
from geo.passages import load_article, passage_at

# the unit ids that territories.geojson defines, as data/units.json declares them
UNITS = frozenset(
    u["id"] for u in json.loads((DATA / "units.json").read_text(encoding="utf-8"))["units"]
)

EVENTS_CSV = DATA / "events.csv"
EVENTS_META = DATA / "events.meta.json"
SECTIONS_JSON = DATA / "sections.json"

HEADER = ",".join(COLUMNS)
GOOD_ROWS = [
    "1969-03-15,Another clash,zhenbao,comradery,notes §3,,war",
    "1858-05-28,Treaty of Aigun,amur_left_bank;uda; primorye ,encroachment,notes §3,16 May OS,"
    "treaty",
    "1969-03-02,First clash,zhenbao,comradery,notes §3,,war",
    '1937-08-21,"Pact, signed in Nanjing",,war,FRUS,,treaty',
    "1969-12-31,A year-end event,,comradery,notes,,state",
    "1970-01-01,Year start,,comradery,notes,,diplomacy",
]
SECTIONS = {"comradery", "encroachment", "war"}


def _write(tmp_path: Path, rows: list[str], header: str = HEADER) -> Path:
    path = tmp_path / "events.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def tiny(tmp_path: Path) -> tuple[Event, ...]:
    """The events of GOOD_ROWS, loaded from a tiny CSV."""
    return load_events(_write(tmp_path, GOOD_ROWS), sections=SECTIONS)


# ---------------------------------------------------------------- loading and queries


def test_load_parses_every_column(tiny):
    assert len(tiny) == len(GOOD_ROWS)
    aigun = tiny[1]
    assert aigun.date == date(1858, 5, 28)
    assert aigun.title == "Treaty of Aigun"
    # Blanks around ids are trimmed so a hand edit cannot smuggle in " primorye ".
    assert aigun.units == ("amur_left_bank", "uda", "primorye")
    assert aigun.section == "encroachment"
    assert aigun.source == "notes §3"
    assert aigun.note == "16 May OS"


def test_load_keeps_quoted_commas_and_empty_units(tiny):
    pact = tiny[3]
    assert pact.title == "Pact, signed in Nanjing"
    assert pact.units == ()


def test_load_skips_blank_lines(tmp_path):
    events = load_events(_write(tmp_path, [GOOD_ROWS[0], "", GOOD_ROWS[2]]))
    assert [e.title for e in events] == ["Another clash", "First clash"]


def test_events_in_sorts_by_date_and_respects_year_bounds(tiny):
    assert [e.title for e in events_in(tiny, 1969)] == [
        "First clash",
        "Another clash",
        "A year-end event",
    ]
    assert [e.title for e in events_in(tiny, 1970)] == ["Year start"]
    assert events_in(tiny, 1968) == ()


@pytest.mark.parametrize(
    ("unit", "titles"),
    [
        pytest.param("zhenbao", ["First clash", "Another clash"], id="two-events-by-date"),
        pytest.param("uda", ["Treaty of Aigun"], id="one-of-several-units"),
        pytest.param("tuva", [], id="a-unit-no-event-names"),
        pytest.param("atlantis", [], id="an-unknown-unit"),
    ],
)
def test_events_about_filters_on_units(tiny, unit, titles):
    assert [e.title for e in events_about(tiny, unit)] == titles


def test_unknown_section_is_only_checked_when_sections_are_given(tmp_path):
    path = _write(tmp_path, ["1969-03-02,First clash,zhenbao,nowhere,notes,,war"])
    assert load_events(path)[0].section == "nowhere"
    with pytest.raises(DataError, match="unknown section 'nowhere'"):
        load_events(path, sections=SECTIONS)


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        pytest.param("1689-9-6,Nerchinsk,,war,notes,,treaty", "not an ISO date", id="short-date"),
        pytest.param("16890906,Nerchinsk,,war,notes,,treaty", "not an ISO date", id="basic-iso"),
        pytest.param("1689-02-30,Nerchinsk,,war,notes,,treaty", "does not exist", id="no-such-day"),
        pytest.param("1689-09-06,,,war,notes,,treaty", "empty title", id="empty-title"),
        pytest.param("1689-09-06,Nerchinsk,,,notes,,treaty", "empty section", id="empty-section"),
        pytest.param(
            "1689-09-06,Nerchinsk,,elsewhere,notes,,treaty", "unknown section", id="section"
        ),
        pytest.param("1689-09-06,Nerchinsk,atlantis,war,notes,,treaty", "atlantis", id="unit"),
        pytest.param("1689-09-06,Nerchinsk,uda;uda,war,notes,,treaty", "twice", id="unit-twice"),
        pytest.param("1689-09-06,Nerchinsk,uda,war,notes,", "expected 7 fields", id="fields"),
        pytest.param("1689-09-06,Nerchinsk,uda,war,notes,,battle", "not one of", id="kind"),
    ],
)
def test_malformed_row_names_file_line_and_reason(tmp_path, row, reason):
    path = _write(tmp_path, [GOOD_ROWS[0], row])
    with pytest.raises(DataError) as caught:
        load_events(path, sections=SECTIONS, unit_ids=UNITS)
    assert str(caught.value).startswith(str(path) + ": line 3")
    assert caught.value.feature.startswith("line 3")
    assert reason in caught.value.reason


def test_repeated_row_is_rejected(tmp_path):
    path = _write(tmp_path, [GOOD_ROWS[0], GOOD_ROWS[0]])
    with pytest.raises(DataError, match=r"events.csv: line 3 \(Another clash\): the same date"):
        load_events(path)


def test_wrong_header_is_rejected(tmp_path):
    path = _write(tmp_path, GOOD_ROWS[:1], header="# events\n" + HEADER)
    with pytest.raises(DataError, match="events.csv: line 1: header must be"):
        load_events(path)


def test_empty_file_is_rejected(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("", encoding="utf-8")
    with pytest.raises(DataError, match="line 1"):
        load_events(path)


def test_missing_file_raises_data_error(tmp_path):
    with pytest.raises(DataError, match="nothing.csv: file: cannot read"):
        load_events(tmp_path / "nothing.csv")


# ---------------------------------------------------------------- the real data


@pytest.fixture(scope="module")
def article():
    """The article's sections, from the real data/sections.json."""
    return load_article(SECTIONS_JSON)


@pytest.fixture(scope="module")
def events(article):
    """The real data/events.csv, checked against the article's sections."""
    return load_events(EVENTS_CSV, sections={s.id for s in article.sections})


def test_data_header_is_the_first_line():
    first = EVENTS_CSV.read_text(encoding="utf-8").splitlines()[0]
    assert first == HEADER


def test_data_size_and_range(events):
    assert 50 <= len(events) <= 80
    assert min(e.date for e in events) >= date(1640, 1, 1)
    # the last change of the atlas: the Tajik transfer in the Pamirs
    assert max(e.date for e in events) <= date(2011, 12, 31)


def test_every_kind_is_on_the_strip(events):
    from geo.events import KINDS

    assert {e.kind for e in events} == set(KINDS)
    assert next(e for e in events if e.title == "Treaty of Nerchinsk").kind == "treaty"


def test_data_rows_are_in_date_order(events):
    dates = [e.date for e in events]
    assert dates == sorted(dates)


def test_data_every_event_sits_in_the_passage_of_its_year(article, events):
    assert events
    for event in events:
        assert passage_at(article, event.date.year).section.id == event.section, event.title


def test_data_every_event_names_a_source(events):
    assert events
    for event in events:
        assert event.source, event.title
        assert set(event.units) <= UNITS


KEY_DATES = {
    date(1644, 6, 6): "Beijing",
    date(1689, 9, 6): "Nerchinsk",
    date(1727, 11, 1): "Kyakhta",
    date(1855, 2, 7): "Shimoda",
    date(1858, 5, 28): "Aigun",
    date(1860, 11, 14): "Peking",
    date(1875, 5, 7): "Saint Petersburg",
    date(1905, 9, 5): "Portsmouth",
    date(1911, 12, 1): "independence",
    date(1912, 2, 12): "Abdication",
    date(1915, 6, 7): "Kyakhta",
    date(1919, 11, 17): "Xu Shuzheng",
    date(1921, 2, 4): "Ungern",
    date(1921, 7, 6): "Sükhbaatar",
    date(1924, 11, 26): "Mongolian People's Republic",
    date(1932, 3, 1): "Manchukuo",
    date(1937, 8, 21): "Non-Aggression",
    date(1945, 8, 9): "Manchuria",
    date(1945, 8, 18): "Manchukuo",
    date(1946, 1, 5): "Mongolian independence",
    date(1949, 10, 1): "People's Republic",
    date(1950, 2, 14): "Mutual Assistance",
    date(1969, 3, 2): "Zhenbao",
    date(1969, 3, 15): "Zhenbao",
    date(1991, 5, 16): "Eastern Section",
    date(1991, 12, 26): "Soviet Union",
    date(2001, 6, 15): "Shanghai Cooperation",
    date(2001, 7, 16): "Good-Neighborliness",
    date(2004, 10, 14): "Eastern Section",
    date(2008, 10, 14): "handed over",
}


@pytest.mark.parametrize("day", sorted(KEY_DATES))
def test_data_key_dates_are_new_style(events, day):
    titles = [e.title for e in events if e.date == day]
    assert any(KEY_DATES[day] in title for title in titles), (day, titles)


def test_data_albazin_sieges_and_dolon_nor(events):
    assert [e.date.year for e in events if "Albazin" in e.title] == [1685, 1686]
    assert any("Dolon Nor" in e.title and e.date.year == 1691 for e in events)


def test_data_units_on_the_border_changes(events):
    by_title = {e.title: e for e in events}
    assert set(by_title["Treaty of Aigun"].units) >= {"amur_left_bank"}
    peking = next(e for e in events if e.date == date(1860, 11, 14))
    assert peking.units == ("primorye",)
    handover = next(e for e in events if e.date == date(2008, 10, 14))
    assert set(handover.units) == {"tarabarov", "heixiazi_west"}


def test_data_meta_sidecar():
    meta = json.loads(EVENTS_META.read_text(encoding="utf-8"))
    assert set(meta) >= {"source", "license", "note", "interval_rule"}
    assert meta["interval_rule"].lower() == "an event belongs to the calendar year of its date."
    assert "New Style" in meta["note"]


def test_data_csv_is_plain(events):
    # A comment or BOM before the header would break other CSV readers.
    raw = EVENTS_CSV.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    with EVENTS_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert all(len(row) == len(COLUMNS) for row in rows)
    assert len(rows) == len(events) + 1


def test_data_units_exist_in_the_unit_catalogue(article, events):
    # The map draws units from data/units.json; an id it lacks would silently light nothing.
    used = {u for e in events for u in e.units} | {u for s in article.sections for u in s.units}
    assert used
    assert used <= UNITS, sorted(used - UNITS)
