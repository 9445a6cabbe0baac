"""Tests of geo.mapdata: atoms of border, the static geometry, and each year's update."""

from __future__ import annotations

from datetime import date

import pytest
import shapely
from conftest import expand_update
from shapely.geometry import LineString, box

from geo.atlas import year_view
from geo.config import FIRST_YEAR
from geo.mapdata import (
    MapUpdate,
    UnitStyle,
    atom_geometry,
    line_atoms,
    map_update,
    place_geometry,
    unit_geometry,
)
from geo.periods import year_date
from geo.treaties import TreatyLine

EVIL = "<img src=x onerror=alert(1)>"


def _line(edge: tuple[str, str], coords: list[tuple[float, float]], certainty: str) -> TreatyLine:
    return TreatyLine("t", "T", "T", date(1860, 1, 1), None, certainty, edge, LineString(coords))


# ------------------------------------------------------------------ atoms on tiny geometry


def test_an_edge_is_cut_where_each_treaty_line_starts_and_ends():
    edges = {("a", "b"): LineString([(0, 0), (4, 0)])}
    lines = [
        _line(("a", "b"), [(1, 0), (3, 0)], "described"),
        _line(("b", "a"), [(2, 0), (4, 0)], "demarcated"),
    ]
    atoms = line_atoms(edges, lines)
    got = sorted((round(a.geometry.length, 9), sorted(a.treaties)) for a in atoms)
    assert got == [(1.0, []), (1.0, [0]), (1.0, [0, 1]), (1.0, [1])]
    assert shapely.union_all([a.geometry for a in atoms]).equals(edges[("a", "b")])
    assert len({a.id for a in atoms}) == len(atoms)


def test_an_edge_with_no_treaty_line_is_one_atom():
    edges = {("a", "b"): box(0, 0, 1, 1).exterior}
    (atom,) = line_atoms(edges, [])
    assert atom.units == ("a", "b") and atom.treaties == frozenset()


def test_update_sends_units_and_pieces_drawn_alike_as_one_group():
    qing = UnitStyle("china", "#d55e00", "Qing", False)
    update = MapUpdate(
        {"a": qing, "b": qing, "c": UnitStyle("russia", "#0072b2", "Russia", True, changed=True)},
        dict.fromkeys(("e1", "e2"), ("described", "china-russia", "aigun")),
        {},
    )
    data = update.to_json()
    assert [g[6] for g in data["styles"]] == [["a", "b"], ["c"]]
    assert data["lines"] == [["described", "china-russia", "aigun", ["e1", "e2"]]]
    units, lines = expand_update(data)
    assert units["c"] == ["russia", "#0072b2", "Russia", True, "", "", "", True]
    assert units["a"] == ["china", "#d55e00", "Qing", False, "", "", "", False]
    assert lines["e2"] == ["described", "china-russia", "aigun"]


def test_update_escapes_the_holder_and_the_place_names():
    update = MapUpdate(
        {"a": UnitStyle("china", "#d9534f", EVIL, False)}, {}, {"p": f"{EVIL} · x · y"}
    )
    data = update.to_json()
    assert expand_update(data)[0]["a"][2] == "&lt;img src=x onerror=alert(1)&gt;"
    assert data["places"]["p"].startswith("&lt;img")


# ------------------------------------------------------------------ the real atlas


@pytest.fixture(scope="module")
def atoms(atlas):
    """The atoms of the committed data."""
    return line_atoms(atlas.edges, atlas.treaty_lines)


def test_atoms_cover_every_shared_edge_exactly(atlas, atoms):
    assert atoms
    for key, edge in atlas.edges.items():
        parts = [a.geometry for a in atoms if a.units == key]
        assert parts, key
        assert shapely.union_all(parts).symmetric_difference(edge).length < 1e-9, key


@pytest.mark.parametrize("year", range(FIRST_YEAR, 2027))
def test_the_drawn_atoms_are_the_borders_of_the_year(atlas, atoms, year):
    """Each year's atoms, by certainty and sides, are the lines border_pieces draws."""
    by_id = {a.id: a for a in atoms}
    expected: dict[tuple[str, str], list] = {}
    for line in year_view(atlas, year).lines:
        expected.setdefault((line.kind, line.id), []).append(line.geometry)
    drawn: dict[tuple[str, str], list] = {}
    for atom_id, (kind, sides, _) in map_update(atlas, atoms, year).lines.items():
        drawn.setdefault((kind, sides), []).append(by_id[atom_id].geometry)
    assert set(drawn) == set(expected)
    for style, parts in expected.items():
        gap = shapely.union_all(parts).symmetric_difference(shapely.union_all(drawn[style]))
        assert gap.length < 1e-9, style


def test_update_colours_units_by_their_holders_side(atlas, atoms):
    update = map_update(atlas, atoms, 1861, selected="primorye")
    assert update.units["primorye"] == UnitStyle(
        "russia", atlas.sides["russia"].color, "Russian Empire", True
    )
    assert not update.units["manchuria"].selected
    assert set(update.units) == set(atlas.unit_ids)


def test_update_names_places_as_they_were_then(atlas, atoms):
    assert map_update(atlas, atoms, 1700).places["vladivostok"].startswith("Haishenwai")
    assert map_update(atlas, atoms, 1950).places["vladivostok"].startswith("Vladivostok")


def test_years_of_one_situation_share_an_update(atlas, atoms):
    assert map_update(atlas, atoms, 1700) == map_update(atlas, atoms, 1701)


def test_static_geometry_has_every_unit_atom_and_place(atlas, atoms):
    units = unit_geometry(atlas)
    assert [f["id"] for f in units["features"]] == list(atlas.unit_ids)
    assert all(
        "&" not in f["properties"]["name"] or "&amp;" in f["properties"]["name"]
        for f in units["features"]
    )
    assert len(atom_geometry(atoms)["features"]) == len(atoms)
    assert len(place_geometry(atlas)["features"]) == len(atlas.places)


def test_a_lease_is_hatched_in_the_sovereigns_colour(atlas, atoms):
    """Any unit whose controller is not its sovereign carries the sovereign's colour as hatching."""
    from geo.periods import state_at

    found = 0
    for year in range(FIRST_YEAR, 2027):
        state = state_at(atlas.unit_ids, atlas.periods, year_date(year))
        update = map_update(atlas, atoms, year)
        for uid, period in state.items():
            style = update.units[uid]
            if period.divided:
                found += 1
                sovereign_side = atlas.holders[period.sovereign_holder].side
                assert style.hatch == atlas.sides[sovereign_side].color
                assert style.status == period.status
            else:
                assert style.hatch == "" and style.sovereign == ""
    # the data models leases and occupations (Manchuria 1900-1905, Kwantung, ...)
    assert found or not any(p.divided for p in atlas.periods)


def test_an_occupation_keeps_the_treaty_border_and_a_lease_its_edge(atlas, atoms):
    """1903: Russia occupies Manchuria and leases Kwantung; the Amur is still the border."""
    drawn = map_update(atlas, atoms, 1903).lines
    by_edge = {a.id: a.units for a in atoms}
    amur = [s for aid, s in drawn.items() if by_edge[aid] == ("amur_left_bank", "manchuria")]
    assert amur and all(sides == "china-russia" for _, sides, _ in amur)
    # both held by Russia, under Qing sovereignty: no line between them in 1903
    assert not any(by_edge[aid] == ("kwantung", "manchuria") for aid in drawn)
    # 1910: the lease is Japan's, Manchuria Qing again: the lease has its edge
    later = map_update(atlas, atoms, 1910).lines
    assert any(by_edge[aid] == ("kwantung", "manchuria") for aid in later)


def test_a_piece_drawn_by_a_treaty_names_the_line_whose_clause_it_shows(atlas, atoms):
    lines = map_update(atlas, atoms, 1860).lines
    named = {line for kind, _, line in lines.values() if kind != "de_facto"}
    assert named and named <= {t.id for t in atlas.treaty_lines}
    assert all(line == "" for kind, _, line in lines.values() if kind == "de_facto")


def test_clause_notes_are_escaped_html():
    import dataclasses

    from geo.atlas import load_atlas
    from geo.mapdata import clause_notes
    from geo.treaties import Clause

    atlas = load_atlas()
    evil = Clause("aigun", "Treaty <b>", "Art. 1", EVIL, "Src & co", "")
    notes = clause_notes(dataclasses.replace(atlas, clauses={"aigun": evil}))
    assert notes["aigun"].startswith("<b>Treaty &lt;b&gt;</b>, Art. 1:")
    assert "<img" not in notes["aigun"] and "Src &amp; co" in notes["aigun"]


@pytest.mark.parametrize(
    ("view", "unit", "year", "side", "hatch"),
    [
        ("control", "manchuria", 1903, "russia", "china"),
        ("sovereign", "manchuria", 1903, "china", "russia"),
        ("control", "sakhalin_north", 1922, "japan", "russia"),
        ("sovereign", "sakhalin_north", 1922, "russia", "japan"),
        ("china", "amur_left_bank", 1859, "china", ""),
        ("russia", "amur_left_bank", 1680, "russia", ""),
        ("china", "siberia", 1900, "russia", ""),
    ],
    ids=[
        "occupied-manchuria-by-control",
        "occupied-manchuria-by-sovereign",
        "sakhalin-1922-by-control",
        "sakhalin-1922-by-sovereign",
        "left-bank-claimed-by-china-1859",
        "left-bank-claimed-by-russia-1680",
        "siberia-not-claimed-by-china",
    ],
)
def test_each_view_colours_what_it_says(atlas, atoms, view, unit, year, side, hatch):
    update = map_update(atlas, atoms, year, view=view)
    style = update.units[unit]
    assert (style.side, style.hatch) == (
        side,
        atlas.sides[hatch].color if hatch else "",
    )
    from geo.mapdata import VIEWS

    assert update.title == VIEWS[view]


def test_names_follow_the_language_and_the_era(atlas):
    atoms = ()
    zh = map_update(atlas, atoms, 1859, lang="zh")
    ru = map_update(atlas, atoms, 1950, lang="ru")
    assert zh.places["vladivostok"] == "海参崴"
    assert map_update(atlas, atoms, 1859).places["vladivostok"] == "Haishenwai"
    assert ru.places["vladivostok"] == "Владивосток"
    assert zh.units["manchuria"].holder == "清朝"
    assert ru.to_json()["lang"] == "ru"


def test_the_static_units_carry_every_name(atlas):
    from geo.mapdata import unit_geometry

    props = {f["id"]: f["properties"] for f in unit_geometry(atlas)["features"]}
    unit = atlas.unit("primorye")
    assert (props["primorye"]["name_ru"], props["primorye"]["name_zh"]) == (
        unit.name_ru,
        unit.name_zh,
    )


def test_todays_borders_are_the_borders_drawn_in_the_last_year(atlas):
    from geo.mapdata import border_geometry, line_atoms

    atoms = line_atoms(atlas.edges, atlas.treaty_lines)
    today = border_geometry(atlas, atoms, 2009)
    drawn = map_update(atlas, atoms, 2009).lines
    assert {f["id"] for f in today["features"]} == set(drawn)
    assert {f["id"] for f in border_geometry(atlas, atoms, 1700)["features"]} != set(drawn)
