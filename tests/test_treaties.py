"""Tests for geo.treaties: loading and checking treaty lines, and drawing borders by them.

The unit tests use tiny hand-made geometry (unit squares, lines along y = 0);
the data tests check the real lines: Nerchinsk (1689) described with the Uda
left undetermined, Kyakhta (1727) demarcated, the 1991 agreement demarcating
the Amur.
"""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

import pytest
import shapely
from shapely.geometry import LineString, MultiLineString, shape

from geo.atlas import year_view
from geo.borders import Border
from geo.errors import DataError
from geo.treaties import DE_FACTO, TreatyLine, border_pieces, load_lines, off_edges

ROOT = Path(__file__).resolve().parents[1]
LINES_GEOJSON = ROOT / "data" / "treaty_lines.geojson"
ORDER = ("demarcated", "described", "undetermined")
CERTAINTIES = (*ORDER, DE_FACTO)

# two shared edges meeting at (4, 0), vertices at whole numbers
EDGE = LineString([(0, 0), (1, 0), (2, 0), (3, 0), (4, 0)])
EDGES = {("a", "b"): EDGE, ("b", "c"): LineString([(4, 0), (4, 3)])}


def _line(geom, certainty="demarcated", start=date(1860, 1, 1), end=None, edge=("a", "b")):
    return TreatyLine("x", "X", "T", start, end, certainty, edge, geom)


# ------------------------------------------------------------------ load_lines

FEATURE = {
    "type": "Feature",
    "id": "x-0",
    "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 0]]},
    "properties": {
        "id": "x",
        "name": "X line",
        "treaty": "Treaty of X",
        "start": "1689-09-06",
        "end": "1858-05-28",
        "certainty": "described",
        "edge": ["a", "b"],
        "note": "n",
        "source": "s",
    },
}


def _write_lines(tmp_path: Path, *features) -> Path:
    path = tmp_path / "treaty_lines.geojson"
    meta = {"source": "hand-made", "license": "CC0-1.0", "note": "for the tests"}
    doc = {"type": "FeatureCollection", **meta, "features": list(features)}
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _variant(props=None, geometry=None, fid="x-1") -> dict:
    f = copy.deepcopy(FEATURE)
    f["id"] = fid
    f["properties"].update(props or {})
    if geometry is not None:
        f["geometry"] = geometry
    return f


def _load(path: Path):
    return load_lines(path, CERTAINTIES, ["a", "b", "c"])


def test_load_lines_valid(tmp_path):
    open_ended = _variant({"end": None, "edge": ["c", "b"]}, fid="y-0")
    (a, b) = _load(_write_lines(tmp_path, FEATURE, open_ended))
    assert a == TreatyLine(
        "x",
        "X line",
        "Treaty of X",
        date(1689, 9, 6),
        date(1858, 5, 28),
        "described",
        ("a", "b"),
        LineString([(0, 0), (1, 0)]),
        "n",
    )
    assert b.end is None and b.edge == ("c", "b")
    assert b.in_force(date(9999, 1, 1))


@pytest.mark.parametrize(
    ("props", "geometry", "reason"),
    [
        ({"start": "1689-13-01"}, None, "does not exist"),
        ({"start": "around 1689"}, None, "not an ISO date"),
        ({"end": "1858-02-30"}, None, "does not exist"),
        ({"start": None}, None, "not an ISO date"),
        ({"end": "1600-01-01"}, None, "end is not after start"),
        ({"end": "1689-09-06"}, None, "end is not after start"),
        ({"certainty": "probable"}, None, "unknown certainty 'probable'"),
        ({"edge": ["a", "atlantis"]}, None, "does not name two known units"),
        ({"edge": ["a"]}, None, "properties.edge: has 1 item, needs at least 2"),
        ({"edge": ["a", "b", "c"]}, None, "properties.edge: has 3 items, at most 2 allowed"),
        ({"edge": ["a", "a"]}, None, "properties.edge: lists 'a' twice"),
        (
            {},
            {"type": "Point", "coordinates": [0, 0]},
            "geometry.type: 'Point' is not 'LineString' or 'MultiLineString'",
        ),
        (
            {},
            {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
            "is not 'LineString' or 'MultiLineString'",
        ),
        (
            {},
            {"type": "LineString", "coordinates": []},
            "coordinates: has 0 items, needs at least 2",
        ),
        ({}, {"type": "MultiLineString", "coordinates": [[]]}, "empty MultiLineString"),
    ],
)
def test_load_lines_errors_name_file_and_feature(tmp_path, props, geometry, reason):
    path = _write_lines(tmp_path, FEATURE, _variant(props, geometry))
    with pytest.raises(DataError) as info:
        _load(path)
    err = info.value
    assert err.file == str(path)
    assert err.feature == "feature 1 (x-1)"
    assert reason in err.reason
    assert str(err).startswith(f"{path}: feature 1 (x-1): ")


def test_load_lines_unreadable_file(tmp_path):
    with pytest.raises(DataError) as info:
        _load(tmp_path / "nope.geojson")
    assert info.value.feature == "file"


def test_load_lines_missing_property(tmp_path):
    f = _variant()
    del f["properties"]["name"]
    with pytest.raises(DataError, match=r"feature 1 \(x-1\)"):
        _load(_write_lines(tmp_path, FEATURE, f))


# ------------------------------------------------------------------ off_edges


def test_line_on_its_edge_is_fine():
    lines = [
        _line(EDGE),
        _line(LineString([(1, 0), (2.5, 0)])),  # part of the edge
        _line(LineString([(4, 0), (3, 0)]), edge=("b", "a")),  # reversed, key unsorted
        _line(LineString([(0, 1e-8), (4, 1e-8)])),  # within the tolerance
        _line(MultiLineString([[(0, 0), (1, 0)], [(2, 0), (3, 0)]])),
    ]
    assert off_edges(lines, EDGES) == []


def test_line_partly_off_its_edge_is_reported():
    bent = _line(LineString([(0, 0), (2, 0), (2, 1)]))
    crossing = _line(LineString([(0, -0.1), (4, 0.1)]))  # crosses the edge once
    on = _line(EDGE)
    assert off_edges([on, bent, crossing], EDGES) == [bent, crossing]


def test_line_on_another_edge_or_no_edge_is_reported():
    wrong_edge = _line(EDGE, edge=("b", "c"))
    no_such_edge = _line(EDGE, edge=("a", "c"))
    assert off_edges([wrong_edge, no_such_edge], EDGES) == [wrong_edge, no_such_edge]


def test_line_shifted_wholly_off_its_edge_is_reported():
    shifted = _line(LineString([(0, 0.1), (4, 0.1)]))
    assert off_edges([shifted], EDGES) == [shifted]


# ------------------------------------------------------------------ border_pieces

BORDER = Border(("china", "russia"), LineString([(0, 0), (2, 0)]))
ON = date(1900, 1, 1)


def _by_kind(pieces) -> dict[str, float]:
    out: dict[str, float] = {}
    for p in pieces:
        out[p.certainty] = out.get(p.certainty, 0) + p.geometry.length
    return out


def test_border_half_covered_by_a_demarcated_line():
    pieces = border_pieces([BORDER], [_line(LineString([(0, 0), (1, 0)]))], ON, ORDER)
    assert [(p.sides, p.certainty) for p in pieces] == [
        (("china", "russia"), "demarcated"),
        (("china", "russia"), DE_FACTO),
    ]
    assert pieces[0].geometry.equals(LineString([(0, 0), (1, 0)]))
    assert pieces[1].geometry.equals(LineString([(1, 0), (2, 0)]))


def test_no_line_in_force_gives_one_de_facto_piece():
    (piece,) = border_pieces([BORDER], [], ON, ORDER)
    assert piece.certainty == DE_FACTO
    assert piece.geometry.equals(BORDER.line)


def test_line_longer_than_the_border_is_clipped_to_it():
    (piece,) = border_pieces([BORDER], [_line(LineString([(-5, 0), (9, 0)]))], ON, ORDER)
    assert piece.certainty == "demarcated"
    assert piece.geometry.length == pytest.approx(2)


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        (ORDER, {"demarcated": 1.5, "described": 0.5}),
        (("described", "demarcated", "undetermined"), {"described": 1.5, "demarcated": 0.5}),
    ],
)
def test_first_certainty_in_order_wins_where_lines_overlap(order, expected):
    lines = [
        _line(LineString([(0.5, 0), (2, 0)]), "described"),
        _line(LineString([(0, 0), (1.5, 0)]), "demarcated"),
    ]
    got = _by_kind(border_pieces([BORDER], lines, ON, order))
    assert got == pytest.approx(expected)


def test_three_certainties_and_a_gap():
    lines = [
        _line(LineString([(0, 0), (0.5, 0)]), "undetermined"),
        _line(LineString([(0.5, 0), (1, 0)]), "described"),
        _line(LineString([(1.5, 0), (2, 0)]), "demarcated"),
    ]
    got = _by_kind(border_pieces([BORDER], lines, ON, ORDER))
    assert got == pytest.approx(
        {"demarcated": 0.5, "described": 0.5, "undetermined": 0.5, DE_FACTO: 0.5}
    )


@pytest.mark.parametrize(
    ("start", "end", "kind"),
    [
        (date(1860, 1, 1), date(1899, 12, 31), DE_FACTO),  # ended before
        (date(1860, 1, 1), ON, DE_FACTO),  # ends on the day: [start, end)
        (date(1900, 1, 2), None, DE_FACTO),  # not yet
        (ON, None, "demarcated"),  # starts on the day
        (date(1860, 1, 1), date(1900, 1, 2), "demarcated"),
    ],
)
def test_only_lines_in_force_count(start, end, kind):
    line = _line(BORDER.line, start=start, end=end)
    (piece,) = border_pieces([BORDER], [line], ON, ORDER)
    assert piece.certainty == kind


def test_each_border_is_split_on_its_own():
    other = Border(("mongolia", "russia"), LineString([(2, 0), (2, 2)]))
    lines = [_line(LineString([(0, 0), (2, 0), (2, 1)]), "described")]
    pieces = border_pieces([BORDER, other], lines, ON, ORDER)
    got = {(p.sides, p.certainty): p.geometry.length for p in pieces}
    assert got == pytest.approx(
        {
            (("china", "russia"), "described"): 2,
            (("mongolia", "russia"), "described"): 1,
            (("mongolia", "russia"), DE_FACTO): 1,
        }
    )


def test_a_certainty_not_in_order_is_drawn_de_facto():
    (piece,) = border_pieces([BORDER], [_line(BORDER.line, "rumoured")], ON, ORDER)
    assert piece.certainty == DE_FACTO


# ------------------------------------------------------------------ the real data


@pytest.fixture(scope="module")
def lines_doc():
    return json.loads(LINES_GEOJSON.read_text(encoding="utf-8"))


def _covered(edge, pieces, kind: str, sides: tuple[str, str] | None = None) -> float:
    """Share of ``edge`` drawn as ``kind`` (between ``sides``, if given)."""
    cover = shapely.union_all(
        [
            p.geometry
            for p in pieces
            if p.kind == kind and (sides is None or p.id == "-".join(sides))
        ]
    )
    if cover.is_empty:
        return 0.0
    return edge.intersection(cover.buffer(1e-6)).length / edge.length


@pytest.mark.parametrize(
    ("line_id", "edge"),
    [
        ("nerchinsk", ("amur_left_bank", "siberia")),
        ("nerchinsk", ("siberia", "uda")),
        ("nerchinsk", ("amur_left_bank", "uda")),
        ("peking", ("amur_left_bank", "manchuria")),
        ("peking", ("manchuria", "primorye")),
    ],
)
def test_real_file_has_the_treaty_lines(lines_doc, line_id, edge):
    found = [
        f
        for f in lines_doc["features"]
        if f["properties"]["id"] == line_id and tuple(f["properties"]["edge"]) == edge
    ]
    assert found, (line_id, edge)
    for f in found:
        assert f["type"] == "Feature"
        assert shape(f["geometry"]).geom_type in ("LineString", "MultiLineString")


def test_real_lines_have_the_treaty_dates(atlas):
    by_id = {ln.id: ln for ln in atlas.treaty_lines}
    assert by_id["nerchinsk"].start == date(1689, 9, 6)
    assert by_id["nerchinsk"].end == date(1858, 5, 28)
    assert by_id["peking"].start == date(1860, 11, 14)
    assert by_id["kyakhta"].start == date(1728, 6, 25)  # in force on the exchange of the texts


def test_real_feature_ids_are_unique(lines_doc):
    ids = [f["id"] for f in lines_doc["features"]]
    assert len(ids) == len(set(ids))


def test_every_real_segment_lies_on_its_edge(atlas):
    assert len(atlas.treaty_lines) > 20
    assert [(ln.id, ln.edge) for ln in off_edges(atlas.treaty_lines, atlas.edges)] == []


def test_1700_nerchinsk_described_and_the_uda_undetermined(atlas):
    lines = year_view(atlas, 1700).lines
    kinds = {ln.kind for ln in lines}
    assert {"described", "undetermined"} <= kinds
    # the Nerchinsk line along the Gorbitsa and the Stanovoy Range
    assert _covered(atlas.edges[("amur_left_bank", "siberia")], lines, "described") > 0.99
    assert _covered(atlas.edges[("siberia", "uda")], lines, "described") > 0.99
    # the land between the range and the Uda was left undetermined
    uda = atlas.edges[("amur_left_bank", "uda")]
    assert _covered(uda, lines, "undetermined", ("china", "undetermined")) > 0.99


def test_1995_amur_is_demarcated(atlas):
    lines = year_view(atlas, 1995).lines
    amur = atlas.edges[("amur_left_bank", "manchuria")]
    assert _covered(amur, lines, "demarcated", ("china", "russia")) > 0.99
    # not yet in 1990: the Peking line, described only
    assert _covered(amur, year_view(atlas, 1990).lines, "demarcated") < 0.01


def test_1920_kyakhta_line_demarcated(atlas):
    # in 1920 Outer Mongolia was held by China (Xu Shuzheng, Nov 1919 to Feb 1921),
    # so the Mongolia-Russia edge is a China-Russia border that year
    lines = year_view(atlas, 1920).lines
    kyakhta = atlas.edges[("outer_mongolia", "siberia")]
    assert _covered(kyakhta, lines, "demarcated") > 0.99


@pytest.mark.parametrize("year", [1913, 1925, 1995])
def test_mongolia_russia_border_demarcated(atlas, year):
    lines = year_view(atlas, year).lines
    kyakhta = atlas.edges[("outer_mongolia", "siberia")]
    assert _covered(kyakhta, lines, "demarcated", ("mongolia", "russia")) > 0.99


@pytest.mark.parametrize("year", [1700, 1760, 1860, 1900, 1920, 1950, 1970, 1995, 2006, 2010])
def test_no_border_is_drawn_de_facto_where_a_treaty_line_is_in_force(atlas, year):
    on = date(year, 12, 31)
    active = [t.geometry for t in atlas.treaty_lines if t.in_force(on)]
    cover = shapely.union_all(active).buffer(1e-6)
    stray = [
        (ln.id, round(ln.geometry.intersection(cover).length, 4))
        for ln in year_view(atlas, year).lines
        if ln.kind == DE_FACTO and ln.geometry.intersection(cover).length > 1e-4
    ]
    assert stray == []
