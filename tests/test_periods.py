"""Tests for geo.periods on tiny hand-made files: the [start, end) rule and the loaders' checks."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from geo.errors import DataError
from geo.periods import (
    FIRST_DATE,
    Period,
    history,
    load_periods,
    load_sides_and_holders,
    state_at,
    year_date,
)

HEADER = "unit,start,end,holder,claimants,event,section,source,note"
# Two units, both covered from FIRST_DATE onward with an open last period.
VALID_ROWS = (
    "a,1640-01-01,1689-09-06,x,y,,s,src,",
    "a,1689-09-06,,y,,Nerchinsk,s,src,",
    "b,1640-01-01,,z,x;y,,s,src,a note",
)
UNITS = frozenset({"a", "b"})
HOLDERS = frozenset({"x", "y", "z"})
SECTIONS = frozenset({"s"})
TODAY = date(2024, 6, 1)


def _write(tmp_path: Path, rows, name: str = "periods.csv", header: str = HEADER) -> Path:
    path = tmp_path / name
    path.write_text("\n".join((header, *rows)) + "\n", encoding="utf-8")
    return path


def _load(path: Path, *, units=UNITS, holders=HOLDERS, sections=SECTIONS):
    return load_periods(path, units=units, holders=holders, sections=sections)


def _replace(row_index: int, row: str) -> list[str]:
    rows = list(VALID_ROWS)
    rows[row_index] = row
    return rows


# ------------------------------------------------------------------ the [start, end) rule


P = Period("a", date(1689, 9, 6), date(1858, 5, 28), "qing")


@pytest.mark.parametrize(
    ("day", "in_force"),
    [
        pytest.param(date(1689, 9, 5), False, id="not-the-day-before-the-start"),
        pytest.param(date(1689, 9, 6), True, id="on-the-start-date"),
        pytest.param(date(1858, 5, 27), True, id="the-day-before-the-end"),
        pytest.param(date(1858, 5, 28), False, id="not-on-the-end-date"),
    ],
)
def test_a_period_is_in_force_from_its_start_up_to_but_not_on_its_end(day, in_force):
    assert P.in_force(day) is in_force


def test_open_period_is_in_force_forever_after_its_start():
    open_period = Period("a", date(1991, 12, 26), None, "russian_federation")
    assert open_period.in_force(date(1991, 12, 26))
    assert open_period.in_force(date(9999, 12, 31))
    assert not open_period.in_force(date(1991, 12, 25))


@pytest.mark.parametrize("year", [1640, 1858, 1900, 2009])
def test_year_date_is_31_december(year):
    assert year_date(year) == date(year, 12, 31)


def test_a_change_on_31_december_shows_in_that_year():
    # the year's situation is taken on 31 December, so a change on that day counts
    ps = [
        Period("a", date(1640, 1, 1), date(1900, 12, 31), "old"),
        Period("a", date(1900, 12, 31), None, "new"),
    ]
    assert state_at(["a"], ps, year_date(1900))["a"].holder == "new"
    assert state_at(["a"], ps, year_date(1899))["a"].holder == "old"


# ------------------------------------------------------------------ state_at / history

PERIODS = (
    Period("b", date(1640, 1, 1), None, "q"),
    Period("a", date(1858, 5, 28), date(1860, 11, 14), "joint", ("q", "r")),
    Period("a", date(1640, 1, 1), date(1858, 5, 28), "q"),
    Period("a", date(1860, 11, 14), None, "r"),
)


def test_state_at_picks_the_period_in_force_for_each_unit():
    state = state_at(["a", "b"], PERIODS, date(1859, 1, 1))
    assert set(state) == {"a", "b"}
    assert state["a"].holder == "joint"
    assert state["a"].claimants == ("q", "r")
    assert state["b"].holder == "q"


def test_state_at_on_a_change_date_gives_the_new_period():
    assert state_at(["a"], PERIODS, date(1860, 11, 14))["a"].holder == "r"
    assert state_at(["a"], PERIODS, date(1860, 11, 13))["a"].holder == "joint"


def test_state_at_only_returns_the_units_asked_for():
    assert set(state_at(["b"], PERIODS, date(1700, 1, 1))) == {"b"}


def test_state_at_raises_when_nothing_is_in_force():
    with pytest.raises(ValueError, match=r"1639-12-31.*\['a', 'b'\]"):
        state_at(["a", "b"], PERIODS, date(1639, 12, 31))


def test_state_at_raises_for_a_unit_without_periods():
    with pytest.raises(ValueError, match="'c'"):
        state_at(["a", "c"], PERIODS, date(1900, 1, 1))


def test_history_is_one_unit_oldest_first():
    h = history(PERIODS, "a")
    assert [p.holder for p in h] == ["q", "joint", "r"]
    assert all(p.unit == "a" for p in h)


def test_history_of_an_unknown_unit_is_empty():
    assert history(PERIODS, "zzz") == ()


# ------------------------------------------------------------------ load_periods: valid file


def test_load_periods_reads_a_valid_file(tmp_path):
    periods = _load(_write(tmp_path, VALID_ROWS))
    assert len(periods) == 3
    first, second, b = periods
    assert (first.unit, first.start, first.end, first.holder) == (
        "a",
        FIRST_DATE,
        date(1689, 9, 6),
        "x",
    )
    assert first.claimants == ("y",)
    assert second.end is None and second.event == "Nerchinsk" and second.claimants == ()
    assert b.claimants == ("x", "y") and b.note == "a note"


def test_load_periods_accepts_rows_in_any_order(tmp_path):
    rows = (VALID_ROWS[1], VALID_ROWS[2], VALID_ROWS[0])
    assert len(_load(_write(tmp_path, rows))) == 3


# ------------------------------------------------------------------ load_periods: row errors


@pytest.mark.parametrize(
    "index, row, row_label, reason",
    [
        (0, "a,1640-13-01,1689-09-06,x,y,,s,src,", "row 2", "'1640-13-01' does not exist"),
        (0, "a,1640-01-01,1689-02-30,x,y,,s,src,", "row 2", "'1689-02-30' does not exist"),
        (1, "a,6 Sep 1689,,y,,,s,src,", "row 3", "not an ISO date"),
        (0, "a,1640-01-01,1630-01-01,x,y,,s,src,", "row 2", "end is not after start"),
        (0, "a,1640-01-01,1640-01-01,x,y,,s,src,", "row 2", "end is not after start"),
        (2, "c,1640-01-01,,z,,,s,src,", "row 4", "unknown unit 'c'"),
        (1, "a,1689-09-06,,w,,,s,src,", "row 3", "unknown holder 'w'"),
        (2, "b,1640-01-01,,z,x;w,,s,src,", "row 4", "unknown holder 'w'"),
        (1, "a,1689-09-06,,y,,,nowhere,src,", "row 3", "unknown article section 'nowhere'"),
        (1, "a,1689-09-06,,y,,,s,,", "row 3", "no source"),
    ],
    ids=[
        "bad-month",
        "bad-end-day",
        "not-iso",
        "end-before-start",
        "end-equals-start",
        "unknown-unit",
        "unknown-holder",
        "unknown-claimant",
        "unknown-section",
        "missing-source",
    ],
)
def test_load_periods_row_errors_name_file_and_row(tmp_path, index, row, row_label, reason):
    path = _write(tmp_path, _replace(index, row))
    with pytest.raises(DataError) as err:
        _load(path)
    assert err.value.file == str(path)
    assert err.value.feature.startswith(row_label + " (")
    assert reason in err.value.reason
    assert str(path) in str(err.value) and row_label in str(err.value)


def test_load_periods_missing_column(tmp_path):
    header = HEADER.replace(",source", "")
    rows = [r.rsplit(",", 2)[0] + "," + r.rsplit(",", 1)[1] for r in VALID_ROWS]
    path = _write(tmp_path, rows, header=header)
    with pytest.raises(DataError, match="missing columns.*source") as err:
        _load(path)
    assert err.value.file == str(path) and err.value.feature == "header"


def test_load_periods_missing_file(tmp_path):
    with pytest.raises(DataError, match="cannot read"):
        _load(tmp_path / "absent.csv")


# ------------------------------------------------------------------ load_periods: coverage errors


@pytest.mark.parametrize(
    "rows, unit, reason",
    [
        (
            _replace(0, "a,1640-01-01,1700-01-01,x,y,,s,src,"),
            "a",
            "periods from 1640-01-01 and 1689-09-06 overlap",
        ),
        (
            _replace(0, "a,1640-01-01,,x,y,,s,src,"),
            "a",
            "periods from 1640-01-01 and 1689-09-06 overlap",
        ),
        (
            _replace(0, "a,1640-01-01,1689-09-05,x,y,,s,src,"),
            "a",
            "gap from 1689-09-05 to 1689-09-06",
        ),
        (
            _replace(2, "b,1640-01-02,,z,x;y,,s,src,"),
            "b",
            "nothing in force before 1640-01-02",
        ),
        (
            _replace(2, "b,1640-01-01,2000-01-01,z,x;y,,s,src,"),
            "b",
            "nothing in force after 2000-01-01",
        ),
        (
            # [start, end): on the end date itself nothing is in force any more
            _replace(2, f"b,1640-01-01,{TODAY.isoformat()},z,x;y,,s,src,"),
            "b",
            f"nothing in force after {TODAY.isoformat()}",
        ),
    ],
    ids=["overlap", "open-then-later", "gap", "starts-late", "closed-in-past", "closed-today"],
)
def test_load_periods_coverage_errors_name_file_and_unit(tmp_path, rows, unit, reason):
    path = _write(tmp_path, rows)
    with pytest.raises(DataError) as err:
        _load(path)
    assert err.value.file == str(path)
    assert err.value.feature == unit
    assert reason in err.value.reason


def test_load_periods_rejects_a_last_period_that_ends_in_the_future(tmp_path):
    # once that date passed, no period would be in force for the current year
    rows = _replace(2, "b,1640-01-01,2999-01-01,z,x;y,,s,src,")
    with pytest.raises(DataError, match="must be open"):
        _load(_write(tmp_path, rows))


@pytest.mark.parametrize("text", ["16400101", "1640-1-1", "1640-01-01T00:00"])
def test_load_periods_rejects_dates_not_written_yyyy_mm_dd(tmp_path, text):
    rows = _replace(0, f"a,{text},1689-09-06,x,y,,s,src,")
    with pytest.raises(DataError, match="ISO date"):
        _load(_write(tmp_path, rows))


def test_load_periods_duplicate_row_is_an_overlap(tmp_path):
    path = _write(tmp_path, (*VALID_ROWS, VALID_ROWS[1]))
    with pytest.raises(DataError, match="overlap"):
        _load(path)


def test_load_periods_unit_with_no_periods(tmp_path):
    path = _write(tmp_path, VALID_ROWS)
    with pytest.raises(DataError) as err:
        _load(path, units=UNITS | {"c"})
    assert err.value.file == str(path)
    assert err.value.feature == "c"
    assert "no periods" in err.value.reason


# ------------------------------------------------------------------ load_sides_and_holders

HOLDER_HEADER = "id,name_en,name_ru,name_zh,side,note"
HOLDER_ROWS = (
    "qing,Qing dynasty,Империя Цин,清朝,china,",
    "tsardom,Tsardom of Russia,Русское царство,沙皇俄国,russia,until 1721",
)
META = {
    "source": "hand-made",
    "license": "CC0-1.0",
    "note": "for the tests",
    "sides": [
        {"id": "china", "name_en": "China", "color": "#d9534f"},
        {"id": "russia", "name_en": "Russia", "color": "#4a7bb7"},
    ],
}


def _holder_files(tmp_path: Path, rows=HOLDER_ROWS, meta=None) -> tuple[Path, Path]:
    csv_path = _write(tmp_path, rows, name="holders.csv", header=HOLDER_HEADER)
    meta_path = tmp_path / "holders.meta.json"
    meta_path.write_text(json.dumps(META if meta is None else meta), encoding="utf-8")
    return csv_path, meta_path


def test_load_sides_and_holders_valid(tmp_path):
    sides, holders = load_sides_and_holders(*_holder_files(tmp_path))
    assert list(sides) == ["china", "russia"]
    assert sides["russia"].color == "#4a7bb7"
    assert list(holders) == ["qing", "tsardom"]
    assert holders["qing"].side == "china"
    assert holders["tsardom"].name_ru == "Русское царство"
    assert holders["tsardom"].note == "until 1721"


def test_load_sides_and_holders_unknown_side(tmp_path):
    rows = (*HOLDER_ROWS, "khalkha,Khalkha,Халха,喀尔喀,mongolia,")
    csv_path, meta_path = _holder_files(tmp_path, rows)
    with pytest.raises(DataError) as err:
        load_sides_and_holders(csv_path, meta_path)
    assert err.value.file == str(csv_path)
    assert err.value.feature == "row 4 (khalkha)"
    assert "unknown side 'mongolia'" in err.value.reason


def test_load_sides_and_holders_duplicate_id(tmp_path):
    rows = (*HOLDER_ROWS, "qing,Qing again,Цин,清,china,")
    csv_path, meta_path = _holder_files(tmp_path, rows)
    with pytest.raises(DataError) as err:
        load_sides_and_holders(csv_path, meta_path)
    assert err.value.file == str(csv_path)
    assert err.value.feature == "row 4 (qing)"
    assert "duplicate" in err.value.reason


@pytest.mark.parametrize("key", ["source", "license", "note"])
@pytest.mark.parametrize("how", ["absent", "empty"])
def test_load_sides_and_holders_missing_meta_key(tmp_path, key, how):
    meta = dict(META)
    if how == "absent":
        del meta[key]
    else:
        meta[key] = ""
    csv_path, meta_path = _holder_files(tmp_path, meta=meta)
    with pytest.raises(DataError) as err:
        load_sides_and_holders(csv_path, meta_path)
    assert err.value.file == str(meta_path)
    if how == "absent":
        assert (err.value.feature, err.value.reason) == ("file", f"missing {key!r}")
    else:
        assert (err.value.feature, err.value.reason) == (key, "'' is not a non-blank string")


def test_load_sides_and_holders_side_without_color(tmp_path):
    meta = dict(META, sides=[{"id": "china", "name_en": "China"}])
    csv_path, meta_path = _holder_files(tmp_path, meta=meta)
    with pytest.raises(DataError) as err:
        load_sides_and_holders(csv_path, meta_path)
    assert err.value.file == str(meta_path) and err.value.feature == "sides[0] (china)"
    assert err.value.reason == "missing 'color'"


def test_load_sides_and_holders_unreadable_meta(tmp_path):
    csv_path, meta_path = _holder_files(tmp_path)
    meta_path.write_text("{not json", encoding="utf-8")
    with pytest.raises(DataError, match="not valid JSON") as err:
        load_sides_and_holders(csv_path, meta_path)
    assert err.value.file == str(meta_path)


def test_load_sides_and_holders_missing_column(tmp_path):
    rows = [r.rsplit(",", 2)[0] + "," + r.rsplit(",", 1)[1] for r in HOLDER_ROWS]
    csv_path = _write(tmp_path, rows, name="holders.csv", header=HOLDER_HEADER.replace(",side", ""))
    meta_path = tmp_path / "holders.meta.json"
    meta_path.write_text(json.dumps(META), encoding="utf-8")
    with pytest.raises(DataError, match="missing columns.*side") as err:
        load_sides_and_holders(csv_path, meta_path)
    assert err.value.file == str(csv_path)
