"""The command line, run for real: ``python -m geo validate`` and ``python -m geo export``.

Every command starts a fresh interpreter (about a second of imports each), so the
runs a group of tests needs are started together and awaited once per module.

``validate`` is run on the real data and on copies of ``data/`` broken in one way
each; each broken copy must fail with a message that names the file, the feature
and the reason.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from shapely.affinity import translate
from shapely.geometry import mapping, shape

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
TIMEOUT = 120


@dataclass(frozen=True)
class Run:
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str


def _run_all(commands: dict[str, list[str]]) -> dict[str, Run]:
    """Start every ``python -m geo ...`` command at once; wait for all of them."""
    procs = {
        name: subprocess.Popen(
            [sys.executable, "-m", "geo", *args],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        for name, args in commands.items()
    }
    out = {}
    try:
        for name, proc in procs.items():
            stdout, stderr = proc.communicate(timeout=TIMEOUT)
            out[name] = Run(tuple(commands[name]), proc.returncode, stdout, stderr)
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    return out


# ------------------------------------------------------------------ ways to break a copy


def _read_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def _write_json(path: Path, doc) -> None:
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def _edit_csv(path: Path, edit: Callable[[list[dict[str, str]]], None]) -> None:
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        fields = reader.fieldnames
        rows = list(reader)
    edit(rows)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def _find_row(rows, **match) -> dict[str, str]:
    found = [r for r in rows if all(r[k] == v for k, v in match.items())]
    assert len(found) == 1, (match, found)
    return found[0]


def _overlap_zhenbao(data: Path) -> None:
    path = data / "territories.geojson"
    doc = _read_json(path)
    feats = [f for f in doc["features"] if f.get("id") == "zhenbao" or
             (f.get("properties") or {}).get("id") == "zhenbao"]  # fmt: skip
    assert len(feats) == 1
    feats[0]["geometry"] = mapping(shape(feats[0]["geometry"]).buffer(0.05))
    _write_json(path, doc)


def _unknown_holder(data: Path) -> None:
    def edit(rows):
        _find_row(rows, unit="primorye", start="1858-05-28")["holder"] = "atlantis"

    _edit_csv(data / "periods.csv", edit)


def _gap_in_periods(data: Path) -> None:
    def edit(rows):
        # the Peking period of primorye now ends a fortnight before the next one starts
        _find_row(rows, unit="primorye", start="1860-11-14")["end"] = "1917-03-01"

    _edit_csv(data / "periods.csv", edit)


def _area_out_of_range(data: Path) -> None:
    path = data / "areas.json"
    doc = _read_json(path)
    (fig,) = [f for f in doc["figures"] if f["id"] == "mongolia"]
    fig["low"], fig["high"] = 1_000_000, 1_100_000
    _write_json(path, doc)


def _edit_figure(figure_id: str, change: Callable[[dict], None]) -> Callable[[Path], None]:
    def edit(data: Path) -> None:
        path = data / "areas.json"
        doc = _read_json(path)
        (fig,) = [f for f in doc["figures"] if f["id"] == figure_id]
        change(fig)
        _write_json(path, doc)

    return edit


def _event_unknown_section(data: Path) -> None:
    def edit(rows):
        _find_row(rows, date="1689-09-06", title="Treaty of Nerchinsk")["section"] = (
            "no-such-section"
        )

    _edit_csv(data / "events.csv", edit)


def _move_line(line_id: str, edge: tuple[str, str]) -> Callable[[Path], None]:
    """Move the segment of a treaty line along one edge by 0.1° east and north."""

    def move(data: Path) -> None:
        path = data / "treaty_lines.geojson"
        doc = _read_json(path)
        found = [
            f
            for f in doc["features"]
            if f["properties"]["id"] == line_id and sorted(f["properties"]["edge"]) == sorted(edge)
        ]
        assert len(found) == 1, (line_id, edge, len(found))
        found[0]["geometry"] = mapping(translate(shape(found[0]["geometry"]), 0.1, 0.1))
        _write_json(path, doc)

    return move


def _drop_sidecar(data: Path) -> None:
    (data / "periods.meta.json").unlink()


@dataclass(frozen=True)
class Breakage:
    make: Callable[[Path], None]
    file: str
    # every fragment must appear on one line of stderr, together with the file name
    fragments: tuple[str, ...]
    # the copy of data/ it is made in: the loaders stop at their first problem, so
    # each of those gets a copy of its own; the checks made after loading list
    # every problem, so they share one copy (and one slow run)
    copy: str


BREAKAGES = {
    "unknown_holder": Breakage(
        _unknown_holder,
        "periods.csv",
        ("primorye from 1858-05-28", "unknown holder 'atlantis'"),
        copy="holder",
    ),
    "gap": Breakage(
        _gap_in_periods,
        "periods.csv",
        ("primorye", "gap from 1917-03-01 to 1917-03-15"),
        copy="gap",
    ),
    "event_section": Breakage(
        _event_unknown_section,
        "events.csv",
        ("Treaty of Nerchinsk", "unknown section 'no-such-section'"),
        copy="event",
    ),
    "overlap": Breakage(
        _overlap_zhenbao, "territories.geojson", ("zhenbao", "overlap of"), copy="checks"
    ),
    "area_range": Breakage(
        _area_out_of_range, "areas.json", ("mongolia", "1,563,", "outside 1,000,000"), copy="checks"
    ),
    "deviation_dropped": Breakage(
        _edit_figure("bolshoy_ussuriysky", lambda f: f.pop("deviation")),
        "areas.json",
        ("bolshoy_ussuriysky", "is outside 327 to 350"),
        copy="checks",
    ),
    "deviation_in_range": Breakage(
        _edit_figure("sakhalin", lambda f: f.update(deviation="too coarse")),
        "areas.json",
        ("sakhalin", "within its range, but a deviation is recorded"),
        copy="checks",
    ),
    # a long segment moved by 0.1°: it still crosses its edge here and there
    "line_off_edge": Breakage(
        _move_line("aigun", ("amur_left_bank", "primorye")),
        "treaty_lines.geojson",
        ("aigun: not on the edge ('amur_left_bank', 'primorye')",),
        copy="checks",
    ),
    # a short segment moved by 0.1°: nowhere near its edge any more
    "line_far_off_edge": Breakage(
        _move_line("nerchinsk", ("siberia", "uda")),
        "treaty_lines.geojson",
        ("nerchinsk: not on the edge ('siberia', 'uda')",),
        copy="checks",
    ),
    "no_sidecar": Breakage(
        _drop_sidecar, "periods.csv", ("file", "no periods.meta.json"), copy="checks"
    ),
}

KNOWN_BUGS: dict[str, str] = {}


@pytest.fixture(scope="module")
def validate_runs(tmp_path_factory) -> dict[str, tuple[Path, Run]]:
    dirs: dict[str, Path] = {}
    for breakage in BREAKAGES.values():
        if breakage.copy not in dirs:
            dirs[breakage.copy] = tmp_path_factory.mktemp(breakage.copy) / "data"
            shutil.copytree(DATA, dirs[breakage.copy])
        breakage.make(dirs[breakage.copy])
    runs = _run_all(
        {"real": ["validate"]} | {name: ["validate", "--data", str(d)] for name, d in dirs.items()}
    )
    return {name: (dirs.get(name, DATA), run) for name, run in runs.items()}


def test_validate_real_data_passes(validate_runs):
    _, run = validate_runs["real"]
    assert run.returncode == 0, run.stderr
    assert "all checks passed" in run.stdout
    assert run.stderr.strip() == ""
    # the one figure the atlas cannot match is reported, with its reason
    (note,) = [ln for ln in run.stdout.splitlines() if ln.startswith("note: ")]
    assert "bolshoy_ussuriysky" in note and "recorded deviation" in note


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[n]))
        if n in KNOWN_BUGS
        else n
        for n in BREAKAGES
    ],
)
def test_validate_broken_copy_fails(validate_runs, name):
    breakage = BREAKAGES[name]
    data, run = validate_runs[breakage.copy]
    assert run.returncode == 1, (run.stdout, run.stderr)
    assert "all checks passed" not in run.stdout
    lines = run.stderr.splitlines()
    assert lines and lines[-1].endswith("problem(s) found"), run.stderr
    path = str(data / breakage.file)
    matching = [
        ln for ln in lines if ln.startswith(path + ":") and all(f in ln for f in breakage.fragments)
    ]
    assert matching, f"no line names {path} and {breakage.fragments}:\n{run.stderr}"


@pytest.mark.parametrize("copy", ["holder", "gap", "event"])
def test_loader_problem_is_the_only_one_reported(validate_runs, copy):
    # the loaders stop at the first problem: exactly one problem, in the broken file
    data, run = validate_runs[copy]
    (breakage,) = [b for b in BREAKAGES.values() if b.copy == copy]
    assert run.stderr.splitlines()[-1] == "1 problem(s) found", run.stderr
    assert run.stderr.startswith(str(data / breakage.file) + ": ")


# ------------------------------------------------------------------ export


@pytest.fixture(scope="module")
def export_runs(tmp_path_factory) -> tuple[Path, dict[str, Run]]:
    out = tmp_path_factory.mktemp("export") / "nested-ok" / "1859.geojson"
    out.parent.mkdir()
    runs = _run_all(
        {
            "1860": ["export", "--year", "1860"],
            "1859_file": ["export", "--year", "1859", "--out", str(out)],
            "too_early": ["export", "--year", "1500"],
            "too_late": ["export", "--year", "3000"],
            "not_a_number": ["export", "--year", "eighteen-sixty"],
            "no_year": ["export"],
        }
    )
    return out, runs


def _features(doc: dict) -> dict[str, dict]:
    return {f["properties"]["id"]: f for f in doc["features"]}


def test_export_1860_to_stdout(export_runs):
    _, runs = export_runs
    run = runs["1860"]
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    assert doc["type"] == "FeatureCollection"
    assert doc["date"] == "1860-12-31"
    units = [u["id"] for u in _read_json(DATA / "units.json")["units"]]
    features = _features(doc)
    assert sorted(features) == sorted(units)
    assert len(doc["features"]) == len(units)
    for uid, f in features.items():
        assert f["type"] == "Feature"
        assert f["geometry"]["type"] in ("Polygon", "MultiPolygon"), uid
        props = f["properties"]
        for key in ("id", "name", "holder", "side"):
            assert isinstance(props[key], str) and props[key], (uid, key)
        assert isinstance(props["area_km2"], float) and props["area_km2"] > 0, uid
    primorye = features["primorye"]["properties"]
    assert primorye["holder"] == "Russian Empire"
    assert primorye["side"] == "russia"
    assert features["manchuria"]["properties"]["side"] == "china"


def test_export_1859_with_out_writes_the_file(export_runs):
    out, runs = export_runs
    run = runs["1859_file"]
    assert run.returncode == 0, run.stderr
    assert run.stdout == ""
    assert str(out) in run.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["date"] == "1859-12-31"
    primorye = _features(doc)["primorye"]["properties"]
    assert primorye["holder"] == "Held jointly"
    assert primorye["side"] == "joint"
    assert set(primorye["claimants"]) == {"Qing dynasty", "Russian Empire"}


@pytest.mark.parametrize("name", ["too_early", "too_late"])
def test_export_year_out_of_range(export_runs, name):
    _, runs = export_runs
    run = runs[name]
    assert run.returncode == 2
    assert run.stdout == ""
    assert "--year must be between 1640 and" in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize("name", ["not_a_number", "no_year"])
def test_export_bad_arguments_are_usage_errors(export_runs, name):
    _, runs = export_runs
    run = runs[name]
    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr.startswith("usage: python -m geo export")
    assert "--year" in run.stderr
    assert "Traceback" not in run.stderr
