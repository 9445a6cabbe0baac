"""Tests for geo.borders: a tiny 2x2 grid of boxes, then the real atlas."""

from __future__ import annotations

import itertools

import pytest
import shapely
from shapely.geometry import LineString, MultiLineString, box

from geo.borders import Border, shared_edges, side_borders
from geo.periods import state_at, year_date
from geo.territories import Unit


def _unit(uid: str, geom) -> Unit:
    return Unit(uid, uid, uid, uid, geom)


#  nw | ne
#  ---+---
#  sw | se
GRID = (
    _unit("sw", box(0, 0, 1, 1)),
    _unit("se", box(1, 0, 2, 1)),
    _unit("nw", box(0, 1, 1, 2)),
    _unit("ne", box(1, 1, 2, 2)),
)
IDS = tuple(u.id for u in GRID)


@pytest.fixture(scope="module")
def grid_edges():
    """The shared edges of the 2x2 grid."""
    return shared_edges(GRID)


def _dissolve_borders(units, side_by_unit):
    """The borders the slow, literal way, as an oracle for side_borders.

    Dissolve the units by side, then intersect the sides' boundaries pairwise.
    """
    by_side = {}
    for u in units:
        by_side.setdefault(side_by_unit[u.id], []).append(u.geometry)
    dissolved = {s: shapely.union_all(g) for s, g in by_side.items()}
    out = []
    names = sorted(dissolved)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            shared = dissolved[a].boundary.intersection(dissolved[b].boundary)
            # touching at a single point is not a border
            parts = [
                p for p in shapely.get_parts(shared) if isinstance(p, LineString) and p.length > 0
            ]
            if parts:
                out.append(Border((a, b), shapely.line_merge(shapely.union_all(parts))))
    return out


def _by_sides(borders):
    return {b.sides: b.line for b in borders}


def _assert_same_borders(fast, slow, tol=1e-9):
    fast, slow = _by_sides(fast), _by_sides(slow)
    assert sorted(fast) == sorted(slow)
    for key in fast:
        assert fast[key].symmetric_difference(slow[key]).length < tol, key
        assert fast[key].length == pytest.approx(slow[key].length, abs=tol)


# ------------------------------------------------------------------ shared_edges


def test_shared_edges_of_the_grid_are_the_four_inner_half_lines(grid_edges):
    assert set(grid_edges) == {("ne", "nw"), ("ne", "se"), ("nw", "sw"), ("se", "sw")}
    assert grid_edges[("se", "sw")].equals(LineString([(1, 0), (1, 1)]))
    assert grid_edges[("ne", "nw")].equals(LineString([(1, 1), (1, 2)]))
    assert grid_edges[("nw", "sw")].equals(LineString([(0, 1), (1, 1)]))
    assert grid_edges[("ne", "se")].equals(LineString([(1, 1), (2, 1)]))


def test_shared_edge_keys_are_sorted_whatever_the_input_order(grid_edges):
    assert set(shared_edges(reversed(GRID))) == set(grid_edges)
    assert all(a < b for a, b in grid_edges)


def test_diagonal_neighbours_touch_at_a_point_only(grid_edges):
    assert ("ne", "sw") not in grid_edges
    assert ("nw", "se") not in grid_edges


def test_a_point_touch_is_not_a_border():
    a, b = _unit("a", box(0, 0, 1, 1)), _unit("b", box(1, 1, 2, 2))
    assert shared_edges([a, b]) == {}
    sides = {"a": "china", "b": "russia"}
    assert side_borders(shared_edges([a, b]), sides) == []
    assert _dissolve_borders([a, b], sides) == []


def test_a_partly_shared_edge_is_only_the_shared_part():
    a, b = _unit("a", box(0, 0, 1, 2)), _unit("b", box(1, 1, 3, 3))
    assert shared_edges([a, b])[("a", "b")].equals(LineString([(1, 1), (1, 2)]))


def test_disjoint_units_share_nothing():
    assert shared_edges([_unit("a", box(0, 0, 1, 1)), _unit("b", box(5, 5, 6, 6))]) == {}


# ------------------------------------------------------------------ side_borders


def test_one_side_has_no_border(grid_edges):
    assert side_borders(grid_edges, dict.fromkeys(IDS, "china")) == []


@pytest.mark.parametrize(
    ("sides", "line"),
    [
        pytest.param(
            {"sw": "russia", "nw": "russia", "se": "china", "ne": "china"},
            LineString([(1, 0), (1, 2)]),
            id="two-columns-one-straight-line",
        ),
        pytest.param(
            {"sw": "china", "ne": "china", "se": "russia", "nw": "russia"},
            MultiLineString([[(1, 0), (1, 2)], [(0, 1), (2, 1)]]),
            id="checkerboard-the-cross",
        ),
        pytest.param(
            {"sw": "china", "se": "russia", "nw": "china"},
            LineString([(1, 0), (1, 1)]),
            id="a-unit-without-a-side-draws-none",
        ),
    ],
)
def test_two_sides_give_one_border(grid_edges, sides, line):
    (border,) = side_borders(grid_edges, sides)
    assert border.sides == ("china", "russia")
    assert border.line.length == pytest.approx(line.length)
    assert border.line.symmetric_difference(line).length == pytest.approx(0.0)


def test_three_sides_give_three_borders_in_order(grid_edges):
    sides = {"sw": "china", "se": "russia", "nw": "mongolia", "ne": "russia"}
    borders = _by_sides(side_borders(grid_edges, sides))
    assert list(borders) == [("china", "mongolia"), ("china", "russia"), ("mongolia", "russia")]
    assert borders[("china", "russia")].equals(LineString([(1, 0), (1, 1)]))
    assert borders[("china", "mongolia")].equals(LineString([(0, 1), (1, 1)]))
    assert borders[("mongolia", "russia")].equals(LineString([(1, 1), (1, 2)]))


@pytest.mark.parametrize(
    "assignment",
    list(itertools.product(("china", "russia", "mongolia"), repeat=len(IDS))),
    ids="-".join,
)
def test_side_borders_equal_dissolve_borders_on_the_grid(grid_edges, assignment):
    sides = dict(zip(IDS, assignment, strict=True))
    _assert_same_borders(side_borders(grid_edges, sides), _dissolve_borders(GRID, sides))


# ------------------------------------------------------------------ the real atlas


YEARS = (1688, 1859, 1861, 1912, 1933, 1946, 2009)


@pytest.mark.parametrize("year", YEARS)
def test_side_borders_equal_dissolve_borders_on_the_real_data(atlas, year):
    state = state_at(atlas.unit_ids, atlas.periods, year_date(year))
    sides = {uid: atlas.holders[p.holder].side for uid, p in state.items()}
    fast = side_borders(atlas.edges, sides)
    # every one of these years has a Chinese-Russian border somewhere, so the
    # comparison is never between two empty lists
    assert ("china", "russia") in _by_sides(fast)
    _assert_same_borders(fast, _dissolve_borders(atlas.units, sides), tol=1e-6)


def test_real_edges_are_lines_between_known_units(atlas):
    ids = set(atlas.unit_ids)
    assert atlas.edges
    for (a, b), line in atlas.edges.items():
        assert a < b and {a, b} <= ids
        assert line.geom_type in ("LineString", "MultiLineString")
        assert line.length > 0
