"""The command line: ``python -m geo validate`` and ``python -m geo export``.

The commands run in-process through :func:`geo.__main__.main`, their output
taken with ``capsys`` (or, for the runs a whole module shares, redirected into
strings); one smoke test starts ``python -m geo export`` as a real process.

``validate`` is run on the real data and on copies of ``data/`` broken in one way
each; each broken copy must fail with a message that names the file, the feature
and the reason. ``export`` must turn every bad argument into one ``error: ...``
line and a non-zero status, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyogrio
import pytest
from shapely.affinity import translate
from shapely.geometry import mapping, shape

from geo import __main__ as cli
from geo.atlas import Atlas, situation_json
from geo.export import FORMATS

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
TIMEOUT = 120


@dataclass(frozen=True)
class Run:
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str


def _main(args: list[str]) -> Run:
    """Run :func:`geo.__main__.main` in-process, its output caught in strings.

    For module-scoped fixtures, where ``capsys`` (function-scoped) cannot be used.
    """
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(args)
        except SystemExit as exc:  # argparse's usage errors
            code = exc.code
    return Run(tuple(args), code, out.getvalue(), err.getvalue())


def _run(capsys: pytest.CaptureFixture[str], args: list[str]) -> Run:
    """Run :func:`geo.__main__.main` in-process, its output taken by ``capsys``."""
    capsys.readouterr()
    try:
        code = cli.main(args)
    except SystemExit as exc:  # argparse's usage errors
        code = exc.code
    out, err = capsys.readouterr()
    return Run(tuple(args), code, out, err)


def _error_line(run: Run) -> str:
    """The one line a failed command prints: ``error: ...`` and nothing else."""
    assert run.stdout == ""
    assert "Traceback" not in run.stderr
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), run.stderr
    return lines[0]


# ------------------------------------------------------------------ ways to break a copy


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _write_json(path: Path, doc: Any) -> None:
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


def _find_row(rows: list[dict[str, str]], **match: str) -> dict[str, str]:
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
    def edit(rows: list[dict[str, str]]) -> None:
        _find_row(rows, unit="primorye", start="1858-05-28")["holder"] = "atlantis"

    _edit_csv(data / "periods.csv", edit)


def _gap_in_periods(data: Path) -> None:
    def edit(rows: list[dict[str, str]]) -> None:
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
    def edit(rows: list[dict[str, str]]) -> None:
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
        _drop_sidecar, "periods.meta.json", ("file", "cannot read"), copy="checks"
    ),
}


@pytest.fixture(scope="module")
def validate_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Run]]:
    dirs: dict[str, Path] = {}
    for breakage in BREAKAGES.values():
        if breakage.copy not in dirs:
            dirs[breakage.copy] = tmp_path_factory.mktemp(breakage.copy) / "data"
            shutil.copytree(DATA, dirs[breakage.copy])
        breakage.make(dirs[breakage.copy])
    runs = {"real": (DATA, _main(["validate"]))}
    for name, d in dirs.items():
        runs[name] = (d, _main(["validate", "--data", str(d)]))
    return runs


def test_validate_real_data_passes(validate_runs: dict[str, tuple[Path, Run]]) -> None:
    _, run = validate_runs["real"]
    assert run.returncode == 0, run.stderr
    assert "all checks passed" in run.stdout
    assert run.stderr.strip() == ""
    # the figures the atlas cannot match are reported, each with its reason
    notes = [ln for ln in run.stdout.splitlines() if ln.startswith("note: ")]
    assert {n.split(":")[1].strip() for n in notes} == {
        "bolshoy_ussuriysky",
        "chuguchak_cession",
        "ili_west",
        "pamir_claim",
    }
    assert all("recorded deviation" in n for n in notes)


@pytest.mark.parametrize("name", list(BREAKAGES))
def test_validate_broken_copy_fails(validate_runs: dict[str, tuple[Path, Run]], name: str) -> None:
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
def test_loader_problem_is_the_only_one_reported(
    validate_runs: dict[str, tuple[Path, Run]], copy: str
) -> None:
    # the loaders stop at the first problem: exactly one problem, in the broken file
    data, run = validate_runs[copy]
    (breakage,) = [b for b in BREAKAGES.values() if b.copy == copy]
    assert run.stderr.splitlines()[-1] == "1 problem(s) found", run.stderr
    assert run.stderr.startswith(str(data / breakage.file) + ": ")


def test_validate_prints_each_problem_once(validate_runs: dict[str, tuple[Path, Run]]) -> None:
    for name, (_, run) in validate_runs.items():
        lines = run.stderr.splitlines()
        assert len(lines) == len(set(lines)), f"{name}: a problem printed twice:\n{run.stderr}"


# ------------------------------------------------------------------ export


def _features(doc: dict) -> dict[str, dict]:
    return {f["properties"]["id"]: f for f in doc["features"]}


@pytest.fixture
def loaded(monkeypatch: pytest.MonkeyPatch, atlas: Atlas) -> Atlas:
    """The session's atlas in place of a fresh load, for tests about what is written."""
    monkeypatch.setattr("geo.atlas.load_atlas", lambda data_dir: atlas)
    return atlas


def test_export_1860_smoke_as_a_real_process() -> None:
    # the one run through a real interpreter: ``python -m geo`` and stdout as a pipe
    proc = subprocess.run(
        [sys.executable, "-m", "geo", "export", "--year", "1860"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=TIMEOUT,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    doc = json.loads(proc.stdout)
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


def test_export_1859_to_a_file_is_the_text_on_stdout(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "nested-ok" / "1859.geojson"
    out.parent.mkdir()
    to_file = _run(capsys, ["export", "--year", "1859", "--out", str(out)])
    assert to_file.returncode == 0, to_file.stderr
    assert to_file.stdout == ""
    assert to_file.stderr == f"wrote {out}\n"
    to_stdout = _run(capsys, ["export", "--year", "1859"])
    assert to_stdout.returncode == 0, to_stdout.stderr
    assert out.read_text(encoding="utf-8") == to_stdout.stdout
    doc = json.loads(to_stdout.stdout)
    assert doc["date"] == "1859-12-31"
    primorye = _features(doc)["primorye"]["properties"]
    assert primorye["holder"] == "Held jointly"
    assert primorye["side"] == "joint"
    assert set(primorye["claimants"]) == {"Qing dynasty", "Russian Empire"}


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (["--format", "gpkg"], "1860.gpkg"),
        ([], "1860.gpkg"),  # the format follows the suffix
    ],
)
def test_export_gpkg(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    loaded: Atlas,
    args: list[str],
    name: str,
) -> None:
    out = tmp_path / name
    run = _run(capsys, ["export", "--year", "1860", *args, "--out", str(out)])
    assert run.returncode == 0, run.stderr
    assert (run.stdout, run.stderr) == ("", f"wrote {out}\n")
    assert pyogrio.list_layers(out)[:, 0].tolist() == ["situation_1860"]
    assert list(gpd.read_file(out)["id"]) == list(loaded.unit_ids)


def test_export_geojson_format_overrides_the_suffix(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, loaded: Atlas
) -> None:
    out = tmp_path / "1860.gpkg"
    run = _run(capsys, ["export", "--year", "1860", "--format", "geojson", "--out", str(out)])
    assert run.returncode == 0, run.stderr
    assert out.read_text(encoding="utf-8") == situation_json(loaded, 1860) + "\n"


def test_export_format_choices_are_those_of_geo_export() -> None:
    # the parser spells them out so as not to import geopandas; they must agree
    (commands,) = [a for a in cli._parser()._actions if isinstance(a, argparse._SubParsersAction)]
    (fmt,) = [a for a in commands.choices["export"]._actions if a.dest == "format"]
    assert tuple(fmt.choices) == FORMATS


def _read_only_file(tmp: Path) -> Path:
    path = tmp / "read-only.geojson"
    path.write_text("{}", encoding="utf-8")
    path.chmod(stat.S_IRUSR)
    return path


def _a_file(tmp: Path) -> Path:
    path = tmp / "a-file"
    path.write_text("", encoding="utf-8")
    return path


# each case: the arguments after ``export`` (made in tmp_path), and the message
REFUSED: dict[str, Callable[[Path], tuple[list[str], str]]] = {
    "year_not_a_number": lambda t: (
        ["--year", "eighteen-sixty"],
        "--year must be a whole number, not 'eighteen-sixty'",
    ),
    "year_decimal": lambda t: (["--year", "1860.5"], "--year must be a whole number, not '1860.5'"),
    "year_too_early": lambda t: (["--year", "1500"], "--year must be between 1640 and "),
    "year_too_late": lambda t: (["--year", "3000"], "--year must be between 1640 and "),
    "gpkg_to_stdout": lambda t: (
        ["--year", "1860", "--format", "gpkg"],
        "--format gpkg needs --out FILE",
    ),
    "out_in_a_missing_folder": lambda t: (
        ["--year", "1860", "--out", str(t / "no-such" / "1860.geojson")],
        f"--out: folder {t / 'no-such'} does not exist",
    ),
    "out_in_a_missing_folder_of_the_repo": lambda t: (
        ["--year", "1860", "--out", str(ROOT / "no-such-folder" / "1860.geojson")],
        "--out: folder no-such-folder does not exist",
    ),
    "out_under_a_file": lambda t: (
        ["--year", "1860", "--out", str(_a_file(t) / "1860.geojson")],
        f"--out: folder {t / 'a-file'} is not a folder",
    ),
    "out_is_a_folder": lambda t: (["--year", "1860", "--out", str(t)], f"--out: {t} is a folder"),
    "out_is_a_folder_of_the_repo": lambda t: (
        ["--year", "1860", "--out", str(ROOT / "data")],
        "--out: data is a folder",
    ),
    "data_missing": lambda t: (
        ["--year", "1860", "--data", str(t / "no-data")],
        f"--data: {t / 'no-data'} does not exist",
    ),
    "data_missing_in_the_repo": lambda t: (
        ["--year", "1860", "--data", str(ROOT / "no-such-data")],
        "--data: no-such-data does not exist",
    ),
    "data_is_a_file": lambda t: (
        ["--year", "1860", "--data", str(_a_file(t))],
        f"--data: {t / 'a-file'} is not a folder",
    ),
}
ROOT_WRITES_ANYWAY = pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0, reason="root may write a read-only file"
)
REFUSED["out_is_read_only"] = lambda t: (
    ["--year", "1860", "--out", str(_read_only_file(t))],
    f"--out: {t / 'read-only.geojson'} is not writable",
)


@pytest.mark.parametrize(
    "case",
    [pytest.param(c, marks=ROOT_WRITES_ANYWAY) if c == "out_is_read_only" else c for c in REFUSED],
)
def test_export_refuses_a_bad_argument_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, case: str
) -> None:
    args, message = REFUSED[case](tmp_path)
    before = sorted(tmp_path.rglob("*"))
    run = _run(capsys, ["export", *args])
    assert run.returncode == 2
    line = _error_line(run)
    assert line.startswith(f"error: {message}"), line
    assert sorted(tmp_path.rglob("*")) == before


@pytest.mark.parametrize("args", [[], ["--year", "1860", "--format", "shp"]])
def test_export_usage_errors_show_the_usage(
    capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    run = _run(capsys, ["export", *args])
    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr.startswith("usage: python -m geo export")
    assert "--year" in run.stderr
    assert "Traceback" not in run.stderr


def _dev_full(tmp: Path) -> tuple[list[str], str]:
    return ["--out", "/dev/full"], "cannot write /dev/full: No space left on device"


def _fifo(tmp: Path) -> tuple[list[str], str]:
    os.mkfifo(tmp / "pipe.gpkg")
    return (
        ["--out", str(tmp / "pipe.gpkg")],
        f"cannot write {tmp / 'pipe.gpkg'}: a GeoPackage must be a regular file",
    )


HAS_DEV_FULL = os.path.exists("/dev/full") and stat.S_ISCHR(os.stat("/dev/full").st_mode)


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(_dev_full, marks=pytest.mark.skipif(not HAS_DEV_FULL, reason="no /dev/full")),
        _fifo,
    ],
)
def test_export_write_failure_in_one_line(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    loaded: Atlas,
    make: Callable[[Path], tuple[list[str], str]],
) -> None:
    args, message = make(tmp_path)
    run = _run(capsys, ["export", "--year", "1860", *args])
    assert run.returncode == 1
    assert _error_line(run) == f"error: {message}"


@pytest.mark.parametrize(
    ("copy", "file", "fragments"),
    [
        ("holder", "periods.csv", ("primorye from 1858-05-28", "unknown holder 'atlantis'")),
        (None, "territories.geojson", ("file: cannot read: No such file or directory",)),
    ],
)
def test_export_of_broken_data_fails_in_one_line(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    validate_runs: dict[str, tuple[Path, Run]],
    copy: str | None,
    file: str,
    fragments: tuple[str, ...],
) -> None:
    # a broken copy made for validate, or an empty folder
    data = validate_runs[copy][0] if copy else tmp_path
    run = _run(capsys, ["export", "--year", "1860", "--data", str(data)])
    assert run.returncode == 1
    line = _error_line(run)
    assert line.startswith(f"error: {data / file}: "), line
    assert all(f in line for f in fragments), line


class _ClosedPipe(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_export_to_a_closed_pipe_stops_quietly(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], loaded: Atlas
) -> None:
    monkeypatch.setattr(sys, "stdout", _ClosedPipe())
    code = cli.main(["export", "--year", "1860"])
    assert code == 1
    assert capsys.readouterr().err == ""


# ------------------------------------------------------------------ render

# each format's first bytes, and the least size of a real A4 map in it
MAGIC = {
    "png": (b"\x89PNG\r\n\x1a\n", 200_000),
    "pdf": (b"%PDF-", 100_000),
    "svg": (b"<?xml", 500_000),
}


def test_render_1860_png_as_a_real_process(tmp_path: Path) -> None:
    out = tmp_path / "x.png"
    proc = subprocess.run(
        [sys.executable, "-m", "geo", "render", "--year", "1860", "--format", "png"]
        + ["--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=TIMEOUT,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    assert proc.stderr == f"wrote {out}\n"
    data = out.read_bytes()
    assert data.startswith(MAGIC["png"][0]) and len(data) > MAGIC["png"][1]
    # an A4 page at 200 dpi: 2339 by 1654 pixels, give or take rounding
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert abs(width - 2339) <= 1 and abs(height - 1654) <= 1


@pytest.mark.parametrize(("fmt", "view"), [("pdf", "control"), ("svg", "sovereign")])
def test_render_writes_a_real_file_of_each_format(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str, view: str
) -> None:
    out = tmp_path / f"map.{fmt}"
    run = _run(
        capsys, ["render", "--year", "1860", "--format", fmt, "--view", view, "--out", str(out)]
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr == f"wrote {out}\n"
    magic, size = MAGIC[fmt]
    data = out.read_bytes()
    assert data.startswith(magic) and len(data) > size
    if fmt == "pdf":
        assert data.rstrip().endswith(b"%%EOF")
    else:
        assert data.rstrip().endswith(b"</svg>")


def test_render_takes_the_format_from_the_suffix(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "map.PDF"
    run = _run(capsys, ["render", "--year", "2009", "--out", str(out)])
    assert run.returncode == 0, run.stderr
    assert out.read_bytes().startswith(b"%PDF-")


# each case: the arguments after ``render`` (made in tmp_path), and the message
RENDER_REFUSED: dict[str, Callable[[Path], tuple[list[str], str]]] = {
    "year_not_a_number": lambda t: (
        ["--year", "1860s", "--out", str(t / "m.png")],
        "--year must be a whole number, not '1860s'",
    ),
    "year_too_early": lambda t: (
        ["--year", "1639", "--out", str(t / "m.png")],
        "--year must be between 1640 and ",
    ),
    "format_unknown": lambda t: (
        ["--year", "1860", "--format", "bmp", "--out", str(t / "m.bmp")],
        "--format must be one of png, svg, pdf, not 'bmp'",
    ),
    "format_not_in_the_suffix": lambda t: (
        ["--year", "1860", "--out", str(t / "m.txt")],
        "--format is needed: m.txt does not end in .png, .svg or .pdf",
    ),
    "view_unknown": lambda t: (
        ["--year", "1860", "--view", "china_claim", "--out", str(t / "m.png")],
        "--view must be one of control, sovereign, china, russia, not 'china_claim'",
    ),
    "out_in_a_missing_folder": lambda t: (
        ["--year", "1860", "--out", str(t / "no-such" / "m.png")],
        f"--out: folder {t / 'no-such'} does not exist",
    ),
    "out_is_a_folder": lambda t: (["--year", "1860", "--out", str(t)], f"--out: {t} is a folder"),
    "data_missing": lambda t: (
        ["--year", "1860", "--out", str(t / "m.png"), "--data", str(t / "no-data")],
        f"--data: {t / 'no-data'} does not exist",
    ),
}


@pytest.mark.parametrize("case", list(RENDER_REFUSED))
def test_render_refuses_a_bad_argument_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, case: str
) -> None:
    args, message = RENDER_REFUSED[case](tmp_path)
    before = sorted(tmp_path.rglob("*"))
    run = _run(capsys, ["render", *args])
    assert run.returncode == 2
    line = _error_line(run)
    assert line.startswith(f"error: {message}"), line
    assert sorted(tmp_path.rglob("*")) == before


def test_render_without_out_shows_the_usage(capsys: pytest.CaptureFixture[str]) -> None:
    run = _run(capsys, ["render", "--year", "1860"])
    assert run.returncode == 2
    assert run.stderr.startswith("usage: python -m geo render")
    assert "Traceback" not in run.stderr


def test_render_of_broken_data_fails_in_one_line(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    validate_runs: dict[str, tuple[Path, Run]],
) -> None:
    data = validate_runs["holder"][0]
    out = tmp_path / "m.png"
    run = _run(capsys, ["render", "--year", "1860", "--out", str(out), "--data", str(data)])
    assert run.returncode == 1
    line = _error_line(run)
    assert line.startswith(f"error: {data / 'periods.csv'}: "), line
    assert "unknown holder 'atlantis'" in line
    assert not out.exists()


@pytest.mark.skipif(not HAS_DEV_FULL, reason="no /dev/full")
def test_render_write_failure_in_one_line(
    capsys: pytest.CaptureFixture[str], loaded: Atlas
) -> None:
    run = _run(capsys, ["render", "--year", "1860", "--format", "svg", "--out", "/dev/full"])
    assert run.returncode == 1
    assert _error_line(run) == "error: cannot write /dev/full: No space left on device"
