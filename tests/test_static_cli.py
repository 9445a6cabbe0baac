"""``python -m geo static``: the map's static files written before the server starts.

Streamlit looks for ``static/`` when it starts and warns if it is missing; the
app writes the folder on its first run, which is too late for that check. The
README's command therefore runs ``python -m geo static`` first. These tests
check the files it writes, its one-line errors, and that a fresh copy of the
project started the README's way prints no warning.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT

from benchmarks.live import ServerError, start_server, stop_server, wait_healthy
from geo import __main__ as cli

SERVER_TIMEOUT_S = 60.0
# what the base map loads from static/atlas (see atlasMap.start in geo/web/atlas.js)
MAP_FILES = {
    "atlas.js",
    "atlas.css",
    "settings.json",
    "units.geojson",
    "lines.geojson",
    "places.geojson",
    "clauses.json",
    "today.geojson",
    "neighbours.geojson",
    "fade.geojson",
}


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main(["static", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_static_writes_every_file_the_map_loads_then_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "static"
    code, stdout, _ = _run(capsys, "--out", str(out))
    assert code == 0
    assert {p.name for p in (out / "atlas").iterdir()} == MAP_FILES
    assert (out / "leaflet" / "leaflet.js").is_file()
    assert {p.name for p in (out / "base").iterdir()} == {
        "land.geojson",
        "lakes.geojson",
        "rivers.geojson",
    }
    assert "written or removed" in stdout
    again = _run(capsys, "--out", str(out))
    assert again[0] == 0 and ": 0 file(s)" in again[1]


def test_static_removes_a_stray_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "static"
    (out / "atlas").mkdir(parents=True)
    (out / ".secret").write_text("x", encoding="utf-8")
    assert _run(capsys, "--out", str(out))[0] == 0
    assert not (out / ".secret").exists()


def test_static_to_a_file_fails_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "a-file"
    target.write_text("", encoding="utf-8")
    code, _, err = _run(capsys, "--out", str(target))
    assert code == 1
    assert err.startswith("error: cannot write ") and err.count("\n") == 1
    assert "Traceback" not in err


def test_static_with_missing_data_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, "--out", str(tmp_path / "s"), "--data", str(tmp_path / "nope"))
    assert code == 2
    assert err.strip().endswith("does not exist") and err.count("\n") == 1


def test_static_of_broken_data_names_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    (data / "units.json").write_text("[]", encoding="utf-8")
    code, _, err = _run(capsys, "--out", str(tmp_path / "s"), "--data", str(data))
    assert code == 1
    assert err.startswith("error: ") and "units.json" in err and err.count("\n") == 1
    assert not (tmp_path / "s").exists()


def test_readme_command_writes_the_static_folder_before_the_server_starts() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = next(line for line in readme.splitlines() if "streamlit run app.py" in line)
    assert command.index("python -m geo static") < command.index("streamlit run app.py")


def test_a_fresh_copy_started_the_readme_way_prints_no_warning(tmp_path: Path) -> None:
    # a copy without static/, as a fresh clone is; the data are only read
    project = tmp_path / "atlas"
    project.mkdir()
    for name in ("app.py", "geo", "pages", ".streamlit"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, project / name)
    (project / "data").symlink_to(ROOT / "data", target_is_directory=True)
    assert not (project / "static").exists()
    assert cli.main(["static", "--out", str(project / "static")]) == 0
    live = start_server("app.py", cwd=project, log_dir=tmp_path)
    try:
        try:
            wait_healthy(live, SERVER_TIMEOUT_S)
        except ServerError as exc:
            pytest.fail(str(exc))
        output = live.output()
    finally:
        stop_server(live)
    assert "WARNING" not in output, output
    assert "static folder" not in output.lower(), output
