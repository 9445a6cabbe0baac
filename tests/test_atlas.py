"""Tests for geo.atlas on the real data: who holds what in chosen years, and the panels.

The expected holders are the history the atlas tells (Nerchinsk 1689, Aigun 1858,
Peking 1860, the Xinhai revolution 1911-12, the MPR 1924, Manchukuo 1932, the ROC's
recognition of Mongolia in January 1946, the Heixiazi hand-over of 14 October 2008),
not output copied from the code.
"""

from __future__ import annotations

from datetime import date

import pytest

from geo.atlas import last_year, situation, unit_context, year_view
from geo.config import FIRST_YEAR
from geo.periods import state_at


@pytest.fixture(scope="module")
def views(atlas):
    cache = {}

    def get(year):
        if year not in cache:
            cache[year] = {u.id: u for u in year_view(atlas, year).units}
        return cache[year]

    return get


def _claimants(view) -> set[str]:
    return {c.strip() for c in view.claimants.split(",") if c.strip()}


# ------------------------------------------------------------------ holders by year


@pytest.mark.parametrize(
    "year, unit, holder, side",
    [
        # before Nerchinsk the Amur was fought over by the Qing and the Tsardom
        (1688, "amur_left_bank", "Contested", "undetermined"),
        (1688, "primorye", "Qing dynasty", "china"),
        # Aigun: the left bank to Russia, the Ussuri-sea land held in common
        (1859, "primorye", "Held jointly", "joint"),
        (1859, "amur_left_bank", "Russian Empire", "russia"),
        # Peking (14 November 1860) cedes the Ussuri-sea land
        (1861, "primorye", "Russian Empire", "russia"),
        (1912, "outer_mongolia", "Bogd Khanate of Mongolia", "mongolia"),
        (1912, "manchuria", "Republic of China", "china"),
        (1925, "outer_mongolia", "Mongolian People's Republic", "mongolia"),
        (1933, "manchuria", "Manchukuo", "japan"),
        (1946, "outer_mongolia", "Mongolian People's Republic", "mongolia"),
        (1946, "manchuria", "Republic of China", "china"),
        # the 2004 agreement is carried out on 14 October 2008
        (2007, "heixiazi_west", "Russian Federation", "russia"),
        (2009, "heixiazi_west", "People's Republic of China", "china"),
        (2009, "tarabarov", "People's Republic of China", "china"),
        (2009, "heixiazi_east", "Russian Federation", "russia"),
    ],
)
def test_year_view_holder(views, year, unit, holder, side):
    view = views(year)[unit]
    assert view.holder == holder
    assert view.side == side


def test_1688_amur_is_claimed_by_qing_and_tsardom(views):
    assert _claimants(views(1688)["amur_left_bank"]) == {"Qing dynasty", "Tsardom of Russia"}


def test_1859_primorye_is_claimed_by_both_condominium_partners(views):
    assert _claimants(views(1859)["primorye"]) == {"Qing dynasty", "Russian Empire"}


def test_1946_mongolia_is_recognised(views):
    # the ROC recognised Mongolia on 5 January 1946: no claimant is left
    assert views(1946)["outer_mongolia"].claimants == ""
    assert "Republic of China" in _claimants(views(1925)["outer_mongolia"])


def test_2009_islands_are_no_longer_claimed(views, atlas):
    assert views(2009)["heixiazi_west"].claimants == ""
    # from the 2004 agreement's entry into force to the hand-over, Russia held
    # the western part under Chinese sovereignty
    before = state_at(atlas.unit_ids, atlas.periods, date(2007, 12, 31))["heixiazi_west"]
    assert (before.holder, before.sovereign_holder, before.status) == (
        "russian_federation",
        "prc",
        "occupation",
    )


@pytest.mark.parametrize("year", [1688, 1859, 1912, 1933, 2009])
def test_year_view_shows_every_unit_once_with_its_side_colour(atlas, year):
    view = year_view(atlas, year)
    assert [u.id for u in view.units] == list(atlas.unit_ids)
    assert view.on == date(year, 12, 31)
    for u in view.units:
        assert u.color == atlas.sides[u.side].color


# ------------------------------------------------------------------ passages


@pytest.mark.parametrize(
    "year, section",
    [
        (1688, "initial-contact"),
        (1859, "russian-encroachment"),
        (1861, "russian-encroachment"),
        (1912, "xinhai-and-october-revolutions"),
        (1925, "kmt-cpc-and-the-chinese-civil-war"),
        (1933, "second-sino-japanese-war-and-wwii"),
        (1946, "war-of-liberation-and-the-peoples-republic-of-china"),
        (2007, "settling-the-disputes"),
        (2009, "settling-the-disputes"),
    ],
)
def test_year_view_passage(atlas, year, section):
    passage = year_view(atlas, year).passage
    assert passage.section.id == section
    assert passage.span.contains(year)
    # the article was captured in February 2007
    assert passage.after_snapshot == (year >= 2007)


def test_year_view_borders_follow_the_sides(atlas):
    view = year_view(atlas, 1861)
    pairs = {b.sides for b in view.borders}
    assert ("china", "russia") in pairs
    assert "joint" not in {s for pair in pairs for s in pair}
    assert {ln.id for ln in view.lines} == {"-".join(p) for p in pairs}


# ------------------------------------------------------------------ unit_context


@pytest.fixture(scope="module")
def primorye_1859(atlas):
    return unit_context(atlas, "primorye", 1859)


def test_unit_context_names(primorye_1859):
    ctx = primorye_1859
    names = (ctx.name_en, ctx.name_ru, ctx.name_zh)
    assert all(n.strip() for n in names)
    assert len(set(names)) == 3
    assert "Primorye" in ctx.name_en
    assert any("\u0400" <= ch <= "\u04ff" for ch in ctx.name_ru)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in ctx.name_zh)


def test_unit_context_holder_and_claimants(primorye_1859):
    assert primorye_1859.holder == "Held jointly"
    assert primorye_1859.side == "joint"
    assert set(primorye_1859.claimants) == {"Qing dynasty", "Russian Empire"}


def test_unit_context_history_is_ordered_and_contiguous(primorye_1859):
    rows = primorye_1859.history
    assert len(rows) >= 3
    assert rows[0].start <= date(1640, 1, 1)
    for a, b in zip(rows, rows[1:], strict=False):
        assert a.end == b.start
    assert rows[-1].end is None
    # contested from the Russian posts on the Tatar Strait (1853) until Aigun
    expected = ["Qing dynasty", "Contested", "Held jointly", "Russian Empire"]
    assert [r.holder for r in rows[:4]] == expected


def test_unit_context_has_exactly_one_current_row(primorye_1859):
    current = [r for r in primorye_1859.history if r.current]
    assert len(current) == 1
    (row,) = current
    assert row.holder == "Held jointly"
    assert row.start <= date(1859, 12, 31) < row.end


def test_unit_context_area_and_groups(atlas, primorye_1859):
    # the Ussuri-sea land is some 300,000-400,000 km2 (Peking cession)
    assert 250_000 < primorye_1859.area_km2 < 450_000
    assert primorye_1859.area_km2 == atlas.areas["primorye"]
    assert "Outer Manchuria" in primorye_1859.groups


def test_unit_context_sections_exist_and_have_text(atlas, primorye_1859):
    known = {s.id: s for s in atlas.article.sections}
    assert primorye_1859.sections
    for s in primorye_1859.sections:
        assert known[s.id] == s
        assert s.text
    assert "russian-encroachment" in {s.id for s in primorye_1859.sections}
    order = [s.id for s in atlas.article.sections]
    ids = [s.id for s in primorye_1859.sections]
    assert ids == sorted(ids, key=order.index)


def test_unit_context_events_concern_the_unit(primorye_1859):
    assert primorye_1859.events
    for e in primorye_1859.events:
        assert "primorye" in e.units
    dates = [e.date for e in primorye_1859.events]
    assert dates == sorted(dates)


def test_unit_context_of_an_unknown_unit(atlas):
    with pytest.raises(KeyError):
        unit_context(atlas, "atlantis", 1859)


# ------------------------------------------------------------------ situation


@pytest.fixture(scope="module")
def situation_2009(atlas):
    return situation(atlas, 2009)


def test_situation_is_a_feature_collection_taken_on_31_december(situation_2009):
    assert situation_2009["type"] == "FeatureCollection"
    assert situation_2009["date"] == "2009-12-31"
    assert situation_2009["source"] and situation_2009["note"]


def test_situation_has_one_feature_per_unit(atlas, situation_2009):
    ids = [f["id"] for f in situation_2009["features"]]
    assert ids == list(atlas.unit_ids)
    for f in situation_2009["features"]:
        props = f["properties"]
        assert props["id"] == f["id"]
        assert props["name"] and props["holder"]
        assert props["side"] in atlas.sides
        assert props["area_km2"] > 0
        assert f["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_situation_2009_holders(situation_2009):
    props = {f["id"]: f["properties"] for f in situation_2009["features"]}
    assert props["heixiazi_west"]["holder"] == "People's Republic of China"
    assert props["heixiazi_west"]["since"] == "2008-10-14"
    assert props["heixiazi_east"]["side"] == "russia"
    assert props["outer_mongolia"]["holder"] == "Mongolia"
    assert props["primorye"]["until"] is None


def test_every_year_of_the_slider_has_a_view_a_context_and_an_export(atlas):
    # what the app computes on every slider position, for every unit: nothing may raise
    for year in range(FIRST_YEAR, last_year() + 1):
        view = year_view(atlas, year)
        assert len(view.units) == len(atlas.units)
        assert view.passage.section.text
        for unit in atlas.unit_ids:
            assert unit_context(atlas, unit, year).holder
        assert len(situation(atlas, year)["features"]) == len(atlas.units)
