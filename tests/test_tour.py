"""The guided tour's data (data/tour.json), its checks, and the stop kept in the session."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import pytest
from conftest import DATA

from geo.atlas import last_year
from geo.config import FIRST_YEAR
from geo.errors import DataError
from geo.mapdata import VIEWS
from geo.mapview import MAX_ZOOM, MIN_ZOOM, unit_focus
from geo.passages import passage_at
from geo.periods import history, year_date
from geo.tour import KEYS, Tour, load_tour, notices, open_stop, parse_stop, step, stop_page
from geo.validate import validate

TOUR = DATA / "tour.json"
# the years the tour must pass through, from Albazin to the hand-over
STORY = (1685, 1689, 1858, 1860, 1864, 1881, 1900, 1921, 1945, 1969, 1991, 2008)
# a source a reader can open: an address, a page of a book, or an article of a treaty
OPENABLE = re.compile(r"https?://|\bpp?\. \d|\bart\. [0-9IVX]")


@pytest.fixture(scope="module")
def tour(atlas) -> Tour:
    return load_tour(TOUR, atlas.unit_ids, last_year())


def _doc() -> dict:
    return json.loads(TOUR.read_text(encoding="utf-8"))


def _write(tmp_path: Path, doc: object) -> Path:
    path = tmp_path / "tour.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def _broken(tmp_path: Path, atlas, index: int, **changes) -> DataError:
    doc = _doc()
    doc["stops"][index].update(changes)
    path = _write(tmp_path, doc)
    with pytest.raises(DataError) as info:
        load_tour(path, atlas.unit_ids, last_year())
    assert info.value.file == str(path)
    return info.value


# ------------------------------------------------------------------ the committed tour


def test_the_tour_walks_from_albazin_to_the_hand_over(tour):
    years = [s.year for s in tour.stops]
    assert 11 <= len(tour.stops) <= 14
    assert years == sorted(years)
    assert (years[0], years[-1]) == (1685, 2008)
    assert set(STORY) <= set(years)
    assert len({s.id for s in tour.stops}) == len(tour.stops)
    assert tour.license and tour.note and tour.source


def test_every_stop_has_a_view_a_focus_a_passage_and_an_openable_source(atlas, tour):
    for stop in tour.stops:
        assert stop.view in VIEWS
        assert stop.unit is None or stop.unit in atlas.unit_ids
        # the map moves at every stop: to the named centre, or to a small unit
        assert stop.focus or unit_focus(atlas, stop.unit), stop.id
        assert passage_at(atlas.article, stop.year).section.text
        assert OPENABLE.search(stop.source), stop.id
        assert stop.narration.strip() and stop.title.strip()


def test_each_stop_shows_the_land_its_narration_is_about(atlas, tour):
    by_id = {s.id: s for s in tour.stops}
    on = {s.id: year_date(s.year) for s in tour.stops}
    # the unit of each treaty stop changed hands in its year, or its treaty line came in
    for stop_id, unit, event in (
        ("nerchinsk-1689", "amur_left_bank", "Treaty of Nerchinsk"),
        ("aigun-1858", "amur_left_bank", "Treaty of Aigun"),
        ("peking-1860", "primorye", "Convention of Peking"),
        ("tarbagatai-1864", "tarbagatai_cession", "Protocol of Chuguchak (Tarbagatai)"),
        ("st-petersburg-1881", "ili_west", "Treaty of Saint Petersburg in force"),
        ("heixiazi-2008", "heixiazi_west", "Hand-over under the 2004 agreement"),
    ):
        stop = by_id[stop_id]
        assert stop.unit == unit
        (period,) = [p for p in history(atlas.periods, unit) if p.in_force(on[stop_id])]
        assert (period.event, period.start.year) == (event, stop.year)
    kyakhta = [t for t in atlas.treaty_lines if t.id == "kyakhta"][0]
    assert kyakhta.in_force(on["kyakhta-1728"])


def test_the_tour_file_passes_the_data_checks():
    problems = [
        p for p in validate(DATA, last_year=last_year()).problems if p.file.endswith("tour.json")
    ]
    assert problems == []


def test_the_schema_allows_the_zooms_the_map_does():
    schema = json.loads((resources.files("geo") / "schemas" / "tour.schema.json").read_text())
    zoom = schema["$defs"]["stop"]["properties"]["zoom"]
    assert (zoom["minimum"], zoom["maximum"]) == (MIN_ZOOM, MAX_ZOOM)


def test_stop_page_quotes_the_passage_of_the_year(atlas, tour):
    page = stop_page(atlas, tour, 4)
    assert page.heading == "1858: The Treaty of Aigun"
    assert page.progress_text == f"Stop 4 of {len(tour.stops)}"
    assert page.progress == pytest.approx(4 / len(tour.stops))
    quoted = [text for style, text in page.passage if style == "markdown"]
    assert quoted and all(q.startswith("> ") for q in quoted)
    assert "Treaty of Aigun" in quoted[0]
    # the fact check on the article's "Outer Manchuria and Sakhalin" comes with it
    assert any(style == "fact_check" for style, _ in page.passage)
    assert page.source.startswith("Source: ")
    last = stop_page(atlas, tour, len(tour.stops))
    assert any(style == "warning" and "2008" in text for style, text in last.passage)


# ------------------------------------------------------------------ broken files


def test_a_year_outside_the_atlas_names_the_stop(tmp_path, atlas):
    err = _broken(tmp_path, atlas, 2, year=FIRST_YEAR - 1)
    assert err.feature == "stops[2] (kyakhta-1728)"
    assert f"year {FIRST_YEAR - 1} is outside the atlas" in err.reason
    err = _broken(tmp_path, atlas, 0, year=last_year() + 1)
    assert err.feature == "stops[0] (albazin-1685)"


def test_a_year_before_the_stop_before_is_refused(tmp_path, atlas):
    err = _broken(tmp_path, atlas, 3, year=1700)
    assert err.feature == "stops[3] (aigun-1858)"
    assert "comes before the year of the stop before, 1728" in err.reason


def test_an_unknown_view_is_refused(tmp_path, atlas):
    err = _broken(tmp_path, atlas, 1, view="satellite")
    assert err.feature == "stops[1] (nerchinsk-1689)"
    assert err.reason == "view 'satellite' is not one of control, sovereign, china, russia"


def test_an_unknown_unit_is_refused(tmp_path, atlas):
    err = _broken(tmp_path, atlas, 4, unit="atlantis")
    assert (err.feature, err.reason) == ("stops[4] (peking-1860)", "unknown unit 'atlantis'")


def test_a_stop_needs_somewhere_to_look(tmp_path, atlas):
    err = _broken(tmp_path, atlas, 0, unit=None, center=None, zoom=None)
    assert "needs a unit or a centre and zoom" in err.reason
    err = _broken(tmp_path, atlas, 0, zoom=None)
    assert err.reason == "a centre needs a zoom, and a zoom a centre"
    err = _broken(tmp_path, atlas, 0, center={"lat": 10.0, "lon": 10.0})
    assert err.reason == "centre (10.0, 10.0) is outside the map"


def test_the_schema_catches_wrong_types_and_missing_keys(tmp_path, atlas):
    err = _broken(tmp_path, atlas, 5, year="1864")
    assert err.feature == "stops[5] (tarbagatai-1864)"
    assert "'1864' is not a year, written as a whole number" in err.reason
    err = _broken(tmp_path, atlas, 5, zoom=20)
    assert "is not a zoom level from 4 to 13" in err.reason
    doc = _doc()
    del doc["stops"][6]["source"]
    with pytest.raises(DataError, match=r"stops\[6\] \(st-petersburg-1881\): missing 'source'"):
        load_tour(_write(tmp_path, doc), atlas.unit_ids, last_year())


def test_a_repeated_id_and_a_file_without_stops_are_refused(tmp_path, atlas):
    doc = _doc()
    doc["stops"][1]["id"] = doc["stops"][0]["id"]
    with pytest.raises(DataError, match="used by an earlier stop"):
        load_tour(_write(tmp_path, doc), atlas.unit_ids, last_year())
    doc = _doc()
    doc["stops"] = []
    with pytest.raises(DataError, match="stops: has 0 items, needs at least 1"):
        load_tour(_write(tmp_path, doc), atlas.unit_ids, last_year())
    doc = _doc()
    del doc["license"]
    with pytest.raises(DataError, match="file: missing 'license'"):
        load_tour(_write(tmp_path, doc), atlas.unit_ids, last_year())


def test_a_file_that_is_not_json_is_refused(tmp_path, atlas):
    path = tmp_path / "tour.json"
    path.write_text(TOUR.read_text(encoding="utf-8")[:200], encoding="utf-8")
    with pytest.raises(DataError, match="file: not valid JSON"):
        load_tour(path, atlas.unit_ids, last_year())


# ------------------------------------------------------------------ the stop in the session


@pytest.mark.parametrize(
    ("raw", "number", "notice"),
    [
        (None, 1, None),
        ("", 1, None),
        (" 3 ", 3, None),
        ("13", 13, None),
        ("14", 13, "The tour has 13 stops; showing stop 13 instead of 14."),
        ("0", 1, "The tour starts at stop 1; showing stop 1 instead of 0."),
        ("-2", 1, "The tour starts at stop 1; showing stop 1 instead of -2."),
        ("two", 1, "The stop 'two' in the link is not a number; showing stop 1 instead."),
    ],
)
def test_parse_stop_clamps_with_a_notice(raw, number, notice):
    parsed = parse_stop(raw, 13)
    assert (parsed.value, parsed.notice) == (number, notice)


def test_the_link_opens_a_stop_once_and_its_notice_lasts_while_there():
    state = {}
    open_stop(state, {"stop": "99"}, 13)
    assert state[KEYS.stop] == 13
    assert notices(state) == ("The tour has 13 stops; showing stop 13 instead of 99.",)
    open_stop(state, {"stop": "2"}, 13)
    assert state[KEYS.stop] == 13
    step(state, 13, forward=True)
    assert state[KEYS.stop] == 13
    step(state, 13, forward=False)
    assert state[KEYS.stop] == 12
    assert notices(state) == ()
    state[KEYS.stop] = 1
    step(state, 13, forward=False)
    assert state[KEYS.stop] == 1
