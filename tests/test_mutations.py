"""Every way to break every data file gives one clear problem, never a traceback.

Each case copies ``data/`` (``data/base/`` with it) to a temporary folder,
breaks one file in one way, and runs :func:`geo.validate.validate`, the checks
``python -m geo validate`` and the app run (``load_atlas`` among them). Every
problem must be one line naming the broken file, listed once, and one of them
must name the feature and the reason the case expects.

The files are found with glob: a file added to ``data/`` gets the mutations of
its kind (the cases for a missing or empty file fail if nothing reads it), and
the tables of mutations that need to know a file must have an entry for it.
A few cases run ``python -m geo validate`` as a real process, and a few show
the app's error page.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import shapely
from conftest import run, unescape
from shapely.affinity import translate
from shapely.geometry import mapping, shape

from geo import loaders
from geo.atlas import last_year
from geo.dataio import SCHEMA_OF
from geo.errors import DataError
from geo.validate import BASE_LAYERS, TABLES, checked_atlas, validate

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
LAST_YEAR = last_year()
TIMEOUT = 120
FILES = sorted(p.relative_to(DATA).as_posix() for p in DATA.rglob("*") if p.is_file())
JSON_FILES = [f for f in FILES if f.endswith((".json", ".geojson"))]
CSV_FILES = [f for f in FILES if f.endswith(".csv")]
FILE = "file"
NOWHERE = "atlantis"  # an id no data file uses

# a mutation breaks the file at the path and returns what the problem must say:
# a pattern the feature must match whole, and a fragment of the reason
Expected = tuple[str, str]
Mutation = Callable[[Path], Expected]


# ------------------------------------------------------------------ reading and writing


def _doc(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _write_doc(path: Path, doc: object) -> None:
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def _table(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="", encoding="utf-8") as fh:
        header, *rows = csv.reader(fh)
    return header, rows


def _write_table(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([header, *rows])
    path.write_text(buf.getvalue(), encoding="utf-8")


def _exact(text: str) -> str:
    return re.escape(text)


def _label(collection: str, index: int, item: dict) -> str:
    # as geo.dataio.item_label names an item
    ident = item.get("id") or (item.get("properties") or {}).get("id")
    if collection == "features":
        return f"feature {index} ({ident})"
    if collection == "sections":
        return f"section {ident!r}"
    return f"{collection}[{index}] ({ident})"


def _boundary(raw: bytes, at: int) -> int:
    # back to the start of a character, so a cut or an insertion splits none
    while 0 < at < len(raw) and raw[at] & 0xC0 == 0x80:
        at -= 1
    return at


# ------------------------------------------------------------------ every file


def _missing(path: Path) -> Expected:
    path.unlink()
    return FILE, "cannot read: No such file or directory"


def _empty(path: Path) -> Expected:
    path.write_bytes(b"")
    return FILE, "empty file"


def _bad_utf8(path: Path) -> Expected:
    raw = path.read_bytes()
    at = _boundary(raw, len(raw) // 2)
    path.write_bytes(raw[:at] + b"\xff\xfe" + raw[at:])
    return FILE, f"not valid UTF-8: byte 0xff at offset {at}"


def _cut(path: Path) -> None:
    # at half, and inside a line: a cut after a line break leaves whole rows
    raw = path.read_bytes()
    at = _boundary(raw, len(raw) // 2)
    while raw[at - 1 : at] in (b"\n", b"\r"):
        at = _boundary(raw, at - 1)
    path.write_bytes(raw[:at])


def _json_truncated(path: Path) -> Expected:
    _cut(path)
    return FILE, "not valid JSON"


def _csv_truncated(path: Path) -> Expected:
    _cut(path)
    return FILE, "the last line has no line break: the file may be cut short"


def _wrong_top_level(path: Path) -> Expected:
    doc = _doc(path)
    _write_doc(path, [] if isinstance(doc, dict) else {})
    return FILE, "[] is not an object" if isinstance(doc, dict) else "{} is not a list"


def _without(key: str) -> Mutation:
    def mutate(path: Path) -> Expected:
        doc = _doc(path)
        assert key in doc, f"{path.name} has no {key!r} to remove"
        del doc[key]
        _write_doc(path, doc)
        return FILE, f"missing {key!r}"

    return mutate


def _header_only(path: Path) -> Expected:
    header, _ = _table(path)
    _write_table(path, header, [])
    return FILE, "a header but no rows"


def _without_first_column(path: Path) -> Expected:
    header, rows = _table(path)
    _write_table(path, header[1:], [r[1:] for r in rows])
    if path.name == "events.csv":  # its header must be exactly the six columns
        return "line 1", "header must be"
    return "header", f"missing columns [{header[0]!r}]"


EVERY_FILE: dict[str, Mutation] = {"missing": _missing, "empty": _empty, "bad-utf8": _bad_utf8}
JSON_MUTATIONS: dict[str, Mutation] = {
    "truncated": _json_truncated,
    "wrong-top-level-type": _wrong_top_level,
    "no-source": _without("source"),
    "no-license": _without("license"),
}
CSV_MUTATIONS: dict[str, Mutation] = {
    "truncated": _csv_truncated,
    "header-only": _header_only,
    "missing-column": _without_first_column,
}


# ------------------------------------------------------------------ one key of one item

DELETE = object()  # marks a key to remove rather than set

# file -> (the item, or None for the top level; a key to drop; a key to mistype, with its value)
ITEM_EDITS: dict[str, tuple[tuple[str, int] | None, list, list, object]] = {
    "territories.geojson": (
        ("features", 2),
        ["properties", "name_ru"],
        ["properties", "name_en"],
        3,
    ),
    "units.json": (("groups", 1), ["name_zh"], ["units"], "amur_left_bank"),
    "sections.json": (("sections", 2), ["spans"], ["level"], "2"),
    "places.geojson": (("features", 1), ["properties", "kind"], ["geometry", "coordinates"], "1,2"),
    "treaty_lines.json": (("certainties", 0), ["color"], ["weight"], "3"),
    "treaty_lines.geojson": (
        ("features", 4),
        ["properties", "certainty"],
        ["properties", "edge"],
        "a",
    ),
    "areas.json": (("figures", 2), ["tolerance"], ["low"], "600000"),
    "corrections.json": (("corrections", 1), ["quote"], ["source"], 7),
    "holders.meta.json": (("sides", 1), ["color"], ["name_en"], ["Russia"]),
    "periods.meta.json": (None, ["note"], ["license"], 0),
    "events.meta.json": (None, ["source"], ["note"], {"text": "x"}),
    "base/land.geojson": (("features", 0), ["properties", "id"], ["geometry", "type"], "Point"),
    "base/lakes.geojson": (
        ("features", 1),
        ["properties", "name_zh"],
        ["properties", "name_en"],
        5,
    ),
    "base/rivers.geojson": (("features", 2), ["geometry"], ["geometry", "type"], "Polygon"),
    "base/river_waypoints.json": (("rivers", 3), ["waypoints"], ["waypoints"], "none"),
    "construction.json": (("lines", 0), ["coords"], ["extend_deg"], "far"),
    "tour.json": (("stops", 1), ["narration"], ["year"], "1689"),
    "neighbours.json": (("neighbours", 0), ["name_zh"], ["box"], "south of the Yalu"),
}


def _set(doc: Any, path: list, value: object) -> None:
    target = doc
    for step in path[:-1]:
        target = target[step]
    if value is DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value


def _item_edit(name: str, removed: bool) -> Mutation:
    item, drop, retype, value = ITEM_EDITS[name]

    def mutate(path: Path) -> Expected:
        doc = _doc(path)
        target = doc if item is None else doc[item[0]][item[1]]
        key = drop if removed else retype
        _set(target, key, DELETE if removed else value)
        _write_doc(path, doc)
        if item is None:
            # a key of the top level: a missing one is missing from the file
            return (FILE if removed else _exact(key[-1])), ("missing " if removed else " is not ")
        where = _exact(_label(item[0], item[1], target))
        if removed:
            return where, f"missing {drop[-1]!r}"
        return where, ".".join(retype) + ": "

    return mutate


# ------------------------------------------------------------------ a cell of a table


def _edit_cell(column: str, value: str, expected: Callable[[dict[str, str]], Expected]) -> Mutation:
    """Set ``column`` of the first row to ``value``; the expectation is made from that row."""

    def mutate(path: Path) -> Expected:
        header, rows = _table(path)
        rows[0][header.index(column)] = value
        _write_table(path, header, rows)
        return expected(dict(zip(header, rows[0], strict=True)))

    return mutate


def _period(row: dict[str, str]) -> str:
    return _exact(f"row 2 ({row['unit']} from {row['start']})")


def _event(row: dict[str, str]) -> str:
    return _exact(f"line 2 ({row['title']})")


def _holder(row: dict[str, str]) -> str:
    return _exact(f"row 2 ({row['id']})") if row["id"] else _exact("row 2")


CELLS: dict[str, dict[str, Mutation]] = {
    "periods.csv": {
        "bad-date": _edit_cell(
            "start", "1858-02-30", lambda r: (_period(r), "start '1858-02-30' does not exist")
        ),
        "unknown-unit": _edit_cell("unit", NOWHERE, lambda r: (_period(r), "unknown unit")),
        "unknown-holder": _edit_cell("holder", NOWHERE, lambda r: (_period(r), "unknown holder")),
        "unknown-section": _edit_cell(
            "section", "no-such-section", lambda r: (_period(r), "unknown article section")
        ),
        "no-source": _edit_cell("source", "", lambda r: (_period(r), "no source")),
    },
    "events.csv": {
        "bad-date": _edit_cell(
            "date", "28 May 1858", lambda r: ("line 2", "date '28 May 1858' is not an ISO date")
        ),
        "unknown-unit": _edit_cell("units", NOWHERE, lambda r: (_event(r), "unknown unit id(s)")),
        "unknown-section": _edit_cell(
            "section", "no-such-section", lambda r: (_event(r), "unknown section")
        ),
        "no-source": _edit_cell("source", "", lambda r: (_event(r), "no source")),
    },
    "holders.csv": {
        "blank-name": _edit_cell("name_en", "", lambda r: (_holder(r), "empty name_en")),
        "unknown-side": _edit_cell("side", NOWHERE, lambda r: (_holder(r), "unknown side")),
    },
}


# ------------------------------------------------------------------ references and geometry


def _edit_json(edit: Callable[[Any], Expected]) -> Mutation:
    def mutate(path: Path) -> Expected:
        doc = _doc(path)
        expected = edit(doc)
        _write_doc(path, doc)
        return expected

    return mutate


def _first_with(items: list[dict], key: str) -> int:
    return next(i for i, item in enumerate(items) if item.get(key))


def _group_unit(doc: Any) -> Expected:
    doc["groups"][0]["units"][0] = NOWHERE
    return _exact(_label("groups", 0, doc["groups"][0])), f"unknown units: [{NOWHERE!r}]"


def _declared_unit(doc: Any) -> Expected:
    doc["units"].append({**doc["units"][0], "id": NOWHERE})
    index = len(doc["units"]) - 1
    return _exact(f"units[{index}] ({NOWHERE})"), "not a unit of territories.geojson"


def _section_unit(doc: Any) -> Expected:
    i = _first_with(doc["sections"], "units")
    doc["sections"][i]["units"].append(NOWHERE)
    return _exact(_label("sections", i, doc["sections"][i])), f"unknown units [{NOWHERE!r}]"


def _section_parent(doc: Any) -> Expected:
    i = _first_with(doc["sections"], "parent")
    doc["sections"][i]["parent"] = "no-such-section"
    return _exact(_label("sections", i, doc["sections"][i])), "unknown parent 'no-such-section'"


def _segment_unit(doc: Any) -> Expected:
    doc["lines"][0]["segments"][0]["edge"][0] = NOWHERE
    return (
        _exact(_label("lines", 0, doc["lines"][0])),
        f"segments[0].edge: unknown units [{NOWHERE!r}]",
    )


def _segment_certainty(doc: Any) -> Expected:
    doc["lines"][0]["segments"][0]["certainty"] = NOWHERE
    return _exact(_label("lines", 0, doc["lines"][0])), f"unknown certainty {NOWHERE!r}"


def _line_start(doc: Any) -> Expected:
    doc["lines"][0]["start"] = "1858-02-30"
    return _exact(_label("lines", 0, doc["lines"][0])), "start '1858-02-30' does not exist"


def _feature_edge(doc: Any) -> Expected:
    feat = doc["features"][0]
    feat["properties"]["edge"][0] = NOWHERE
    return _exact(_label("features", 0, feat)), "does not name two known units"


def _feature_line(doc: Any) -> Expected:
    feat = doc["features"][0]
    feat["properties"]["id"] = NOWHERE
    return _exact(_label("features", 0, feat)), "is not in treaty_lines.json"


def _feature_start(doc: Any) -> Expected:
    feat = doc["features"][0]
    feat["properties"]["start"] = "1858-02-30"
    return _exact(_label("features", 0, feat)), "start '1858-02-30' does not exist"


def _off_edge(doc: Any) -> Expected:
    feat = doc["features"][0]
    feat["geometry"] = mapping(translate(shape(feat["geometry"]), 0.1, 0.1))
    return _exact(feat["properties"]["id"]), "not on the edge"


def _figure_unit(doc: Any) -> Expected:
    doc["figures"][0]["units"][0] = NOWHERE
    return _exact(_label("figures", 0, doc["figures"][0])), f"unknown units [{NOWHERE!r}]"


def _correction_section(doc: Any) -> Expected:
    item = doc["corrections"][0]
    item["section"] = "no-such-section"
    return _exact(f"correction {item['id']!r}"), "unknown article section 'no-such-section'"


def _snapshot_date(doc: Any) -> Expected:
    doc["snapshot_date"] = "2007-02-30"
    return "snapshot_date", "'2007-02-30' does not exist"


def _place_founded(doc: Any) -> Expected:
    i = next(i for i, f in enumerate(doc["features"]) if f["properties"].get("founded"))
    doc["features"][i]["properties"]["founded"] = "1700-02-30"
    return _exact(_label("features", i, doc["features"][i])), "'1700-02-30' does not exist"


def _construction_river(doc: Any) -> Expected:
    doc["rivers"][0]["river"] = NOWHERE
    return _exact(_label("rivers", 0, doc["rivers"][0])), f"{NOWHERE!r} is not a river of"


def _unlisted_river(doc: Any) -> Expected:
    # a river no hand line of construction.json follows, so that only this file is wrong
    used = {
        s["river"] for k in ("rivers", "river_borders") for s in _doc(DATA / "construction.json")[k]
    }
    i = next(i for i, f in enumerate(doc["features"]) if f["properties"]["id"] not in used)
    doc["features"][i]["id"] = doc["features"][i]["properties"]["id"] = "nowhere_river"
    return _exact(f"feature {i} (nowhere_river)"), "is not in base/river_waypoints.json"


def _unreadable_line(doc: Any) -> Expected:
    doc["features"][0]["geometry"] = {"type": "LineString", "coordinates": [[120, 50], [121]]}
    return _exact(_label("features", 0, doc["features"][0])), "unreadable geometry"


def _stop_unit(doc: Any) -> Expected:
    i = _first_with(doc["stops"], "unit")
    doc["stops"][i]["unit"] = NOWHERE
    return _exact(_label("stops", i, doc["stops"][i])), f"unknown unit {NOWHERE!r}"


def _by_id(doc: Any, unit: str) -> int:
    return next(
        i
        for i, f in enumerate(doc["features"])
        if unit in (f.get("id"), (f.get("properties") or {}).get("id"))
    )


def _overlap(doc: Any) -> Expected:
    # a small island grown by 0.05°: it now overlaps its neighbours
    feat = doc["features"][_by_id(doc, "zhenbao")]
    feat["geometry"] = mapping(shapely.orient_polygons(shape(feat["geometry"]).buffer(0.05)))
    return r"(zhenbao / \w+|\w+ / zhenbao)", "overlap of"


def _first_polygon(geometry: dict) -> list:
    # the rings of the first polygon of a Polygon or a MultiPolygon
    return geometry["coordinates"] if geometry["type"] == "Polygon" else geometry["coordinates"][0]


def _bow_tie(doc: Any) -> Expected:
    feat = doc["features"][0]
    west, south, east, north = shape(feat["geometry"]).bounds
    ring = [[west, south], [east, north], [east, south], [west, north], [west, south]]
    feat["geometry"] = {"type": "Polygon", "coordinates": [ring]}
    return _exact(_label("features", 0, feat)), "invalid geometry: Self-intersection"


def _clockwise(doc: Any) -> Expected:
    feat = doc["features"][0]
    rings = _first_polygon(feat["geometry"])
    rings[0].reverse()
    return _exact(_label("features", 0, feat)), "polygon 0: the exterior ring is clockwise"


POLYGON_LAYER = {"invalid-ring": _edit_json(_bow_tie), "clockwise-ring": _edit_json(_clockwise)}
FILE_MUTATIONS: dict[str, dict[str, Mutation]] = {
    **CELLS,
    "territories.geojson": {**POLYGON_LAYER, "overlap": _edit_json(_overlap)},
    "units.json": {
        "unknown-unit": _edit_json(_group_unit),
        "undeclared-unit": _edit_json(_declared_unit),
    },
    "sections.json": {
        "unknown-unit": _edit_json(_section_unit),
        "unknown-parent": _edit_json(_section_parent),
        "bad-date": _edit_json(_snapshot_date),
    },
    "places.geojson": {"bad-date": _edit_json(_place_founded)},
    "treaty_lines.json": {
        "unknown-unit": _edit_json(_segment_unit),
        "unknown-certainty": _edit_json(_segment_certainty),
        "bad-date": _edit_json(_line_start),
    },
    "treaty_lines.geojson": {
        "unknown-unit": _edit_json(_feature_edge),
        "unknown-treaty-line": _edit_json(_feature_line),
        "bad-date": _edit_json(_feature_start),
        "off-edge": _edit_json(_off_edge),
    },
    "areas.json": {"unknown-unit": _edit_json(_figure_unit)},
    "tour.json": {"unknown-unit": _edit_json(_stop_unit)},
    "corrections.json": {"unknown-section": _edit_json(_correction_section)},
    "construction.json": {"unknown-river": _edit_json(_construction_river)},
    "base/land.geojson": POLYGON_LAYER,
    "base/lakes.geojson": POLYGON_LAYER,
    "base/rivers.geojson": {
        "unknown-river": _edit_json(_unlisted_river),
        "unreadable-geometry": _edit_json(_unreadable_line),
    },
}


def _mutations(name: str) -> dict[str, Mutation]:
    out = dict(EVERY_FILE)
    if name in JSON_FILES:
        out |= JSON_MUTATIONS
    if name in CSV_FILES:
        out |= CSV_MUTATIONS
    if name in ITEM_EDITS:
        out |= {"key-removed": _item_edit(name, True), "wrong-type": _item_edit(name, False)}
    return out | FILE_MUTATIONS.get(name, {})


CASES = {f"{name}-{m}": (name, how) for name in FILES for m, how in _mutations(name).items()}
# the other files a case rightly finds wrong too: an island grown over its
# neighbours leaves its treaty line off the new edge and its area out of range
CONSEQUENCES = {"territories.geojson-overlap": {"treaty_lines.geojson", "areas.json"}}


# ------------------------------------------------------------------ the cases


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of data/ per module: the data may be edited while the tests run."""
    out = tmp_path_factory.mktemp("pristine") / "data"
    shutil.copytree(DATA, out)
    return out


@pytest.fixture
def copy(tmp_path: Path, pristine: Path) -> Path:
    out = tmp_path / "data"
    shutil.copytree(pristine, out)
    return out


def _break(data: Path, case: str) -> tuple[Path, Expected]:
    name, mutate = CASES[case]
    path = data / name
    return path, mutate(path)


def _matches(problem: object, expected: Expected) -> bool:
    feature, reason = expected
    return bool(re.fullmatch(feature, problem.feature)) and reason in problem.reason


@pytest.mark.parametrize("case", list(CASES))
def test_broken_file_gives_one_clear_problem(copy, case):
    path, expected = _break(copy, case)
    report = validate(copy, last_year=LAST_YEAR)
    lines = [str(p) for p in report.problems]
    shown = "\n".join(lines)
    assert lines, f"nothing found wrong after {case}"
    assert len(lines) == len(set(lines)), f"a problem listed twice:\n{shown}"
    assert report.problems[0].file == str(path), f"the first is not in {path}:\n{shown}"
    named = {str(path)} | {str(copy / name) for name in CONSEQUENCES.get(case, ())}
    assert {p.file for p in report.problems} <= named, f"not all in {path}:\n{shown}"
    assert any(_matches(p, expected) for p in report.problems), f"expected {expected}:\n{shown}"
    for p in report.problems:
        assert p.feature and p.reason and "\n" not in str(p) and "Traceback" not in str(p)


def test_every_data_file_is_read_by_the_atlas_or_validate():
    # what the loaders and python -m geo validate read: a file outside these is
    # checked by nothing (and its "missing" case above fails too)
    read = set(SCHEMA_OF) | set(TABLES) | set(BASE_LAYERS)
    unread = [name for name in FILES if name not in read]
    assert unread == [], f"read by neither load_atlas nor python -m geo validate: {unread}"


def test_every_file_that_needs_its_own_mutations_has_them():
    # the item edits need a file's shape, the cell edits a table's columns
    assert sorted(set(JSON_FILES) - set(ITEM_EDITS)) == []
    assert sorted(set(CSV_FILES) - set(CELLS)) == []
    assert sorted((set(ITEM_EDITS) | set(FILE_MUTATIONS)) - set(FILES)) == []


def test_the_real_data_pass():
    report = validate(DATA, last_year=LAST_YEAR)
    assert report.problems == (), "\n".join(map(str, report.problems))
    assert report.atlas is not None


# ------------------------------------------------------------------ the app's loader


@pytest.mark.parametrize(
    "case",
    [
        "territories.geojson-overlap",
        "periods.meta.json-missing",
        "base/land.geojson-missing",
        "periods.csv-bad-utf8",
    ],
)
def test_checked_atlas_raises_the_first_problem(copy, case):
    path, expected = _break(copy, case)
    with pytest.raises(DataError) as info:
        checked_atlas(copy, last_year=LAST_YEAR)
    assert info.value.file == str(path)
    first = validate(copy, last_year=LAST_YEAR).problems[0]
    assert (info.value.feature, info.value.reason.split(" (and ")[0]) == (
        first.feature,
        first.reason,
    )


def test_checked_atlas_counts_the_other_problems(copy):
    _break(copy, "periods.meta.json-missing")
    _break(copy, "events.meta.json-missing")
    with pytest.raises(DataError, match=r"\(and 1 more: python -m geo validate lists them all\)"):
        checked_atlas(copy, last_year=LAST_YEAR)


@pytest.fixture
def app_data(monkeypatch: pytest.MonkeyPatch, copy: Path) -> Path:
    """The app's loaders pointed at the copy, as if the project were its parent folder."""
    caches = (loaders.atlas, loaders.figures, loaders.map_atoms, loaders.static_files)
    for cached in caches:
        cached.clear()
    monkeypatch.setattr(loaders, "DATA_DIR", copy)
    monkeypatch.setattr(loaders, "REPO", copy.parent)
    yield copy
    # the next test gets the real data again
    for cached in caches:
        cached.clear()


@pytest.mark.parametrize(
    "case",
    ["territories.geojson-overlap", "base/land.geojson-missing", "units.json-wrong-top-level-type"],
)
def test_the_app_shows_the_problem_with_paths_in_the_project(load_page, app_data, case):
    path, expected = _break(app_data, case)
    at = run(load_page("pages/areas.py"))
    (error,) = at.error
    text = unescape(error.value)
    assert text.startswith(loaders.FAILED)
    assert f"\n\ndata/{path.relative_to(app_data).as_posix()}: " in text
    assert str(app_data) not in text
    assert "Traceback" not in text and not at.exception


def test_the_app_loader_runs_the_checks_of_validate(app_data):
    # an overlap is found by validate, not by load_atlas
    _break(app_data, "territories.geojson-overlap")
    with pytest.raises(DataError, match="overlap of"):
        loaders.atlas()


def test_the_app_loads_the_atlas_once():
    loaders.atlas.clear()
    try:
        assert loaders.atlas() is loaders.atlas()
    finally:
        loaders.atlas.clear()


# ------------------------------------------------------------------ python -m geo validate


@pytest.mark.parametrize(
    "case",
    [
        "periods.csv-bad-utf8",
        "units.json-wrong-top-level-type",
        "territories.geojson-wrong-top-level-type",
        "base/land.geojson-missing",
        "territories.geojson-overlap",
        "holders.csv-truncated",
    ],
)
def test_validate_command_prints_the_problem_once(copy, case):
    path, expected = _break(copy, case)
    done = subprocess.run(
        [sys.executable, "-m", "geo", "validate", "--data", str(copy)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and "all checks passed" not in done.stdout
    *lines, summary = done.stderr.splitlines()
    assert summary == f"{len(lines)} problem(s) found"
    assert len(lines) == len(set(lines)), "a problem printed twice"
    feature, reason = expected
    prefix = f"{path}: "
    matching = [
        ln
        for ln in lines
        if ln.startswith(prefix)
        and re.fullmatch(feature, ln[len(prefix) :].partition(": ")[0])
        and reason in ln
    ]
    assert matching, done.stderr
