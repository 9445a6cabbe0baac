"""Tests of geo/compare.py: the units that differ between two years, the totals, the map sync."""

from __future__ import annotations

import json
from datetime import date

import pytest
from conftest import DATA

from geo.compare import (
    CONTROL,
    KEYS,
    PRESETS,
    SOVEREIGNTY,
    MapView,
    UnitChange,
    apply_preset,
    change_rows,
    changes_between,
    clear_preset,
    direction,
    direction_totals,
    follow_pan,
    frame,
    map_view,
    open_compare,
    reframed,
    total_lines,
)
from geo.periods import state_at, year_date

UNITS = {u["id"]: u for u in json.loads((DATA / "units.json").read_text())["units"]}
AMUR, USSURI = "amur_left_bank", "primorye"


def by_unit(changes):
    return {c.unit: c for c in changes}


def test_the_ids_named_here_are_those_of_the_amur_left_bank_and_the_ussuri_region():
    assert "Amur" in UNITS[AMUR]["name_en"]
    assert "Ussuri" in UNITS[USSURI]["name_en"]


def test_1857_to_1861_lists_the_amur_left_bank_and_the_ussuri_region_with_their_areas(atlas):
    changes = by_unit(changes_between(atlas, 1857, 1861))
    assert {AMUR, USSURI} <= set(changes)
    for uid in (AMUR, USSURI):
        c = changes[uid]
        assert c.area_km2 == atlas.areas[uid]
        assert c.after == "Russian Empire"
        assert c.to_side == "russia"
        assert c.kind == CONTROL
        assert c.before.startswith("Contested (claimed by Qing dynasty, Russian Empire")
    titles = [title for _, title in changes[USSURI].events]
    assert titles[0] == "Treaty of Aigun"
    assert any("Convention of Peking" in t for t in titles)
    rows = {r["Unit"]: r for r in change_rows(atlas, tuple(changes.values()), 1857, 1861)}
    amur = rows[UNITS[AMUR]["name_en"]]
    assert amur["Area"] == f"{atlas.areas[AMUR]:,.0f}\u00a0km²"
    assert amur["In 1861"] == "Russian Empire"
    assert amur["Change"] == "Contested or undetermined → Russia"
    assert "28 May 1858 Treaty of Aigun" in amur["Treaties and events between"]
    assert rows[UNITS[USSURI]["name_en"]]["Area"] == f"{atlas.areas[USSURI]:,.0f}\u00a0km²"


@pytest.mark.parametrize(("first", "second"), PRESETS)
def test_a_unit_is_listed_exactly_when_its_holder_or_sovereign_differs(atlas, first, second):
    before = state_at(atlas.unit_ids, atlas.periods, year_date(first))
    after = state_at(atlas.unit_ids, atlas.periods, year_date(second))
    differs = [
        u
        for u in atlas.unit_ids
        if (before[u].holder, before[u].sovereign_holder)
        != (after[u].holder, after[u].sovereign_holder)
    ]
    assert [c.unit for c in changes_between(atlas, first, second)] == differs


@pytest.mark.parametrize(("first", "second"), PRESETS)
def test_the_totals_per_direction_are_the_sums_of_the_rows(atlas, first, second):
    changes = changes_between(atlas, first, second)
    totals = direction_totals(changes)
    for t in totals:
        rows = [c for c in changes if direction(c) == (t.kind, t.from_side, t.to_side)]
        assert t.units == tuple(c.unit for c in rows)
        assert t.area_km2 == pytest.approx(sum(c.area_km2 for c in rows))
    # every row is in exactly one total
    assert sorted(u for t in totals for u in t.units) == sorted(c.unit for c in changes)
    assert sum(t.area_km2 for t in totals) == pytest.approx(sum(c.area_km2 for c in changes))
    rows = change_rows(atlas, changes, first, second)
    shown = sum(float(r["Area"].removesuffix("\u00a0km²").replace(",", "")) for r in rows)
    assert shown == pytest.approx(sum(t.area_km2 for t in totals), abs=len(changes))


def test_1857_to_1861_total_to_russia_is_the_amur_uda_and_ussuri_lands(atlas):
    totals = direction_totals(changes_between(atlas, 1857, 1861))
    first = totals[0]
    assert (first.kind, first.to_side) == (CONTROL, "russia")
    assert first.units == (AMUR, "uda", USSURI)
    expected = sum(atlas.areas[u] for u in first.units)
    assert 1_000_000 < expected < 1_100_000
    line = total_lines(atlas, totals)[0]
    assert line == f"**Contested or undetermined → Russia**: {expected:,.0f} km² (3 territories)"
    # a change of sovereign alone is its own direction
    (villages,) = [t for t in totals if t.kind == SOVEREIGNTY]
    assert villages.units == ("sixty_four_villages",)


def test_changes_between_sides_come_before_changes_within_one(atlas):
    totals = direction_totals(changes_between(atlas, 1910, 1925))
    within = [t.from_side == t.to_side for t in totals]
    assert within == sorted(within)
    assert totals[0].to_side == "mongolia"
    assert "Within Russia" in "".join(total_lines(atlas, totals))


@pytest.mark.parametrize("year", [1640, 1689, 1858, 1945, 2008, 2025])
def test_identical_years_give_no_rows(atlas, year):
    assert changes_between(atlas, year, year) == ()
    assert direction_totals(()) == ()
    assert change_rows(atlas, (), year, year) == []


def test_the_years_can_come_in_either_order(atlas):
    ahead = by_unit(changes_between(atlas, 1857, 1861))
    back = by_unit(changes_between(atlas, 1861, 1857))
    assert set(ahead) == set(back)
    for uid, c in ahead.items():
        assert (back[uid].before, back[uid].after) == (c.after, c.before)
        assert back[uid].events == c.events


def test_only_events_dated_between_the_two_days_are_named(atlas):
    (amur,) = [c for c in changes_between(atlas, 1857, 1858) if c.unit == AMUR]
    assert amur.events == ((date(1858, 5, 28), "Treaty of Aigun"),)
    for c in changes_between(atlas, 1857, 1861):
        assert all(date(1857, 12, 31) < on <= date(1861, 12, 31) for on, _ in c.events)


def test_a_unit_no_event_names_still_gets_the_events_that_began_its_periods(atlas):
    (zhenbao,) = [c for c in changes_between(atlas, 1857, 1861) if c.unit == "zhenbao"]
    assert [t for _, t in zhenbao.events] == ["Treaty of Aigun", "Convention of Peking"]


def test_a_claimant_named_as_sovereign_is_not_named_again(atlas):
    (manchuria,) = [c for c in changes_between(atlas, 1944, 1947) if c.unit == "manchuria"]
    assert manchuria.before == "Manchukuo (occupation; sovereign: Republic of China)"


def test_a_total_of_one_row_reads_in_the_singular(atlas):
    change = UnitChange("zhenbao", "", "", "china", "russia", CONTROL, 0.74, ())
    assert total_lines(atlas, direction_totals([change])) == [
        "**China → Russia**: 0.74 km² (1 territory)"
    ]


# ---------------------------------------------------------------- presets


def test_the_page_opens_on_1857_and_1861_and_a_preset_sets_both_years():
    state = {}
    open_compare(state)
    assert (state[KEYS.first], state[KEYS.second]) == (1857, 1861)
    state[KEYS.preset] = (1910, 1925)
    apply_preset(state)
    assert (state[KEYS.first], state[KEYS.second]) == (1910, 1925)
    open_compare(state)  # a later run leaves the reader's years alone
    assert state[KEYS.first] == 1910


def test_a_year_of_the_readers_own_unmarks_the_preset():
    state = {KEYS.preset: (1910, 1925), KEYS.first: 1910, KEYS.second: 1925}
    clear_preset(state)
    assert state[KEYS.preset] == (1910, 1925)
    state[KEYS.first] = 1911
    clear_preset(state)
    assert state[KEYS.preset] is None


# ---------------------------------------------------------------- maps in step


def value(lat, lng, zoom):
    return {"center": {"lat": lat, "lng": lng}, "zoom": zoom}


def test_map_view_reads_what_st_folium_returns_and_ignores_the_rest():
    assert map_view(value(48.0, 131.0, 6)) == MapView((48.0, 131.0), 6)
    for bad in (None, {}, {"zoom": 4}, {"center": None, "zoom": 4}, value("a", 1, 4)):
        assert map_view(bad) is None


def test_both_maps_follow_the_one_the_reader_panned_last():
    a, b = KEYS.first_map, KEYS.second_map
    # the first report of each map is where it opened, not a pan
    shared, seen = follow_pan(None, {}, {a: value(48.0, 104.0, 4), b: value(48.0, 104.0, 4)})
    assert shared is None
    start = value(50.0, 110.0, 4)
    shared, seen = follow_pan(shared, seen, {a: start, b: value(48.0, 104.0, 4)})
    assert shared == map_view(start)
    # the second map reports the view it was sent: nothing moves
    shared, seen = follow_pan(shared, seen, {a: start, b: value(50.00001, 110.00001, 4)})
    assert shared == map_view(start)
    # the reader pans the second map
    moved = value(46.0, 134.0, 6)
    shared, seen = follow_pan(shared, seen, {a: start, b: moved})
    assert shared == map_view(moved)
    # the first map follows, and its report back changes nothing
    shared, seen = follow_pan(shared, seen, {a: moved, b: moved})
    assert shared == map_view(moved)
    # now the reader pans the first map: its view wins though the second did not move
    again = value(42.0, 80.0, 5)
    shared, seen = follow_pan(shared, seen, {a: again, b: moved})
    assert shared == map_view(again)


def test_a_zoom_alone_counts_as_a_pan():
    a = KEYS.first_map
    shared, seen = follow_pan(None, {}, {a: value(48.0, 104.0, 4)})
    shared, _ = follow_pan(shared, seen, {a: value(48.0, 104.0, 5)})
    assert shared.zoom == 5


def test_a_map_that_has_not_moved_since_the_last_run_is_no_pan():
    a, b = KEYS.first_map, KEYS.second_map
    here, there = value(48.0, 104.0, 4), value(40.0, 90.0, 6)
    seen = {a: map_view(here), b: map_view(there)}
    # the shared view came from elsewhere (a preset): neither map was panned
    shared = MapView((49.5, 130.3), 4)
    assert follow_pan(shared, seen, {a: here, b: there})[0] == shared


def test_a_preset_frames_the_land_that_changed(atlas):
    islands = frame(atlas, ["heixiazi_west", "tarabarov"])
    assert islands.zoom >= 9
    lat, lng = islands.center
    assert 48 < lat < 49 and 134 < lng < 135
    state = {KEYS.preset: (1857, 1861)}
    apply_preset(state)
    assert reframed(state, islands) == islands
    # once: a later run keeps the view the reader has
    state[KEYS.view] = MapView((45.0, 100.0), 5)
    assert reframed(state, islands) == MapView((45.0, 100.0), 5)


def test_opening_the_page_forgets_what_the_maps_reported_before():
    state = {KEYS.first_map: value(1.0, 2.0, 5), KEYS.seen: {"x": None}}
    open_compare(state)
    assert KEYS.first_map not in state and state[KEYS.seen] == {}
    assert state[KEYS.reframe] is True
