"""geo.timeline on the real atlas: the bars of control, the areas by side, treaties and events."""

from __future__ import annotations

from datetime import date

import pytest

from geo.atlas import situation
from geo.changes import change_years
from geo.config import FIRST_YEAR
from geo.periods import Period, history
from geo.timeline import (
    INNER_PICK,
    NO_SOVEREIGN_FILL,
    PERIOD_PICK,
    TREATY_PICK,
    area_chart,
    area_frame,
    area_years,
    control_chart,
    control_frame,
    decimal_year,
    event_rows,
    event_target,
    filter_events,
    marked,
    picked,
    row_labels,
    treaty_frame,
)

LAST = 2026


@pytest.fixture(scope="module")
def bars(atlas):
    return control_frame(atlas, LAST)


def test_every_period_is_one_bar(atlas, bars):
    assert len(bars) == len(atlas.periods)
    keys = list(zip(bars.unit, bars.start, strict=True))
    assert len(set(keys)) == len(keys)
    assert set(keys) == {(p.unit, decimal_year(p.start)) for p in atlas.periods}


def test_the_bars_of_a_unit_run_without_gaps_from_the_first_year_to_the_last(atlas, bars):
    for uid in atlas.unit_ids:
        rows = bars[bars.unit == uid]
        assert rows.start.iloc[0] == FIRST_YEAR, uid
        assert rows.end.iloc[-1] == LAST + 1, uid
        assert list(rows.start.iloc[1:]) == list(rows.end.iloc[:-1]), uid


def test_the_amur_left_bank_bar_changes_side_in_1858(atlas, bars):
    amur = bars[bars.unit == "amur_left_bank"]
    aigun = decimal_year(date(1858, 5, 28))
    before = amur[amur.end == aigun].iloc[0]
    after = amur[amur.start == aigun].iloc[0]
    assert before.side == "Contested or undetermined"
    assert after.side == "Russia"
    assert after.holder == "Russian Empire"
    assert after.event == "Treaty of Aigun"
    assert after.year == 1858
    # held by Russia, but contested by the Qing until Peking confirmed the treaty
    assert after.marked and after.inner == NO_SOVEREIGN_FILL
    assert "claimants: Qing dynasty" in after.standing


def test_a_lease_is_marked_in_the_colour_of_its_sovereign(atlas, bars):
    lease = bars[(bars.unit == "kwantung") & (bars.status == "lease")].iloc[0]
    assert lease.side == "Russia"
    assert lease.sovereign == "Qing dynasty"
    assert lease.marked and lease.mark == "Lease"
    assert lease.inner == atlas.sides["china"].color


def test_only_periods_where_control_and_sovereignty_differ_are_marked(atlas, bars):
    wanted = [
        p.divided or p.status in ("lease", "occupation", "joint", "contested")
        for p in atlas.periods
    ]
    assert sum(bars.marked) == sum(wanted) > 0
    assert not marked(Period("a", date(1640, 1, 1), None, "qing"))
    assert not marked(Period("a", date(1640, 1, 1), None, "undetermined", status="undetermined"))
    assert set(bars[~bars.marked].mark) == {""}


def test_bars_are_coloured_by_side_from_the_data(atlas):
    spec = control_chart(atlas, LAST).to_dict()
    scale = spec["layer"][0]["encoding"]["color"]["scale"]
    assert scale["domain"] == [s.name_en for s in atlas.sides.values()]
    assert scale["range"] == [s.color for s in atlas.sides.values()]


def test_the_chart_picks_periods_and_treaties(atlas):
    spec = control_chart(atlas, LAST).to_dict()
    params = {p["name"]: p for p in spec["params"]}
    assert set(params) == {PERIOD_PICK, INNER_PICK, TREATY_PICK}
    # the bars and the inner bars drawn over them both answer a click
    assert params[PERIOD_PICK]["select"]["fields"] == ["unit", "year"]
    assert params[INNER_PICK]["select"]["fields"] == ["unit", "year"]
    assert params[TREATY_PICK]["select"]["fields"] == ["year"]
    views = {p["views"][0] for p in params.values()}
    assert views == {spec["layer"][i]["name"] for i in (0, 1, 3)}
    assert spec["layer"][1]["transform"] == [{"filter": "datum.marked"}]


def test_the_row_labels_are_unique_and_short(atlas):
    labels = row_labels(atlas)
    assert set(labels) == set(atlas.unit_ids)
    assert len(set(labels.values())) == len(labels)
    assert labels["heixiazi_west"] != labels["heixiazi_east"]
    assert labels["primorye"] == "Ussuri-Pacific coast"


def test_treaties_are_marked_once_each_in_date_order(atlas):
    treaties = treaty_frame(atlas)
    pairs = list(zip(treaties.date, treaties.treaty, strict=True))
    assert pairs == sorted(set(pairs))
    assert ("1858-05-28", "Treaty of Aigun") in pairs
    assert ("1860-11-14", "Convention of Peking") in pairs
    assert set(treaties.treaty) == {t.treaty for t in atlas.treaty_lines}


def test_area_totals_of_every_year_are_the_sum_of_the_unit_areas(atlas):
    rows = area_frame(atlas, area_years(atlas, LAST))
    totals = rows.groupby("year").km2.sum()
    assert list(totals.index) == list(area_years(atlas, LAST))
    assert totals.to_numpy() == pytest.approx(sum(atlas.areas.values()), abs=1)


def test_areas_agree_with_the_situation_of_the_year(atlas):
    rows = area_frame(atlas, [1860])
    by_side = dict(zip(rows.side, rows.km2, strict=True))
    features = situation(atlas, 1860)["features"]
    for side in atlas.sides.values():
        expected = sum(
            f["properties"]["area_km2"] for f in features if f["properties"]["side"] == side.id
        )
        assert by_side.get(side.name_en, 0) == pytest.approx(expected, abs=1), side.id


def test_the_change_years_give_the_area_of_every_year(atlas):
    """Between two change years nothing changes, so the step chart is exact."""
    years = area_years(atlas, LAST)
    assert set(change_years(atlas)) <= set(years)
    every = area_frame(atlas, range(FIRST_YEAR, LAST + 1)).pivot(
        index="year", columns="side", values="km2"
    )
    steps = area_frame(atlas, years).pivot(index="year", columns="side", values="km2")
    filled = steps.reindex(every.index).ffill()
    assert (filled - every).abs().to_numpy().max() < 1


def test_the_aigun_and_peking_cessions_show_in_the_areas(atlas):
    rows = area_frame(atlas, [1857, 1861])
    russia = rows[rows.side == "Russia"].set_index("year").km2
    gained = sum(atlas.areas[u] for u in ("amur_left_bank", "uda", "primorye"))
    assert russia[1861] - russia[1857] == pytest.approx(gained, rel=0.05)


def test_the_area_chart_is_a_stacked_step_area_in_the_sides_colours(atlas):
    spec = area_chart(atlas, LAST).to_dict()
    assert spec["mark"]["interpolate"] == "step-after"
    assert spec["encoding"]["y"]["stack"] == "zero"
    assert spec["encoding"]["color"]["scale"]["range"] == [s.color for s in atlas.sides.values()]


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        ({"period": [{"unit": "primorye", "year": 1860}], "treaty": []}, (1860, "primorye")),
        ({"period": [], "treaty": [{"year": 1689.0}]}, (1689, None)),
        ({"inner_period": [{"unit": "kwantung", "year": 1898}]}, (1898, "kwantung")),
        ({"period": {}, "treaty": {}}, None),
        ({}, None),
    ],
)
def test_picked(selection, expected):
    assert picked(selection) == expected


def test_a_picked_bar_opens_the_first_year_of_its_period(atlas, bars):
    for p in history(atlas.periods, "primorye"):
        (row,) = bars[
            (bars.unit == "primorye") & (bars.start == decimal_year(p.start))
        ].itertuples()
        assert row.year == p.start.year


def test_filter_events_by_text_ignores_case_and_looks_in_the_sources(atlas):
    assert [e.title for e in filter_events(atlas, "AIGUN")] == ["Treaty of Aigun"]
    by_source = filter_events(atlas, "vostlit")
    assert by_source and all("vostlit" in e.source.lower() for e in by_source)
    assert len(filter_events(atlas, "")) == len(atlas.events)
    assert filter_events(atlas, "no such words anywhere") == ()


def test_filter_events_by_years_and_unit(atlas):
    in_range = filter_events(atlas, years=(1858, 1860))
    assert [e.date.year for e in in_range] == [1858, 1860]
    tuva = filter_events(atlas, unit="tuva")
    assert tuva and all("tuva" in e.units for e in tuva)
    assert [e.title for e in filter_events(atlas, "treaty", (1900, 2026), "outer_mongolia")] == [
        "Sino-Soviet Treaty of Friendship and Alliance"
    ]
    dates = [e.date for e in filter_events(atlas)]
    assert dates == sorted(dates)


def test_event_rows_carry_the_sources(atlas):
    rows = event_rows(atlas, filter_events(atlas))
    assert len(rows) == len(atlas.events)
    assert all(r["Source"] for r in rows)
    (aigun,) = [r for r in rows if r["Event"] == "Treaty of Aigun"]
    assert aigun["Date"] == "1858-05-28"
    assert "Left bank of the Amur (Priamurye)" in aigun["Territories"]


def test_event_target(atlas):
    (aigun,) = filter_events(atlas, "Treaty of Aigun")
    assert event_target(aigun) == (1858, "amur_left_bank")
    assert event_target(aigun, "primorye") == (1858, "primorye")
    (abdication,) = filter_events(atlas, "Abdication of the last Qing emperor")
    assert event_target(abdication, "tuva") == (1912, None)
