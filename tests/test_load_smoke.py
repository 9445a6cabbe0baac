"""The load test runs end to end with two sessions for ten seconds and reports every figure.

It starts its own server and Chromium, as ``python -m benchmarks.load`` does;
no time is asserted, only that the sessions stepped, clicked and downloaded
without an error and each ended on its own year.
"""

from __future__ import annotations

import doctest
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import load, soak

ROOT = Path(__file__).resolve().parents[1]
# a server, two sessions opening, ten seconds of steps and the final downloads
TIMEOUT_S = 300
ARGS = ("--sessions", "2", "--seconds", "10", "--click-every", "2", "--download-every", "3")


@pytest.mark.parametrize("module", [load, soak])
def test_the_examples_in_the_docstrings_hold(module):
    # benchmarks/ is outside the doctest paths of the suite
    assert doctest.testmod(module).failed == 0


def test_a_url_off_this_machine_is_refused():
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.load", "--url", "http://192.0.2.1:8501"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "must be on this machine" in done.stderr


@pytest.mark.browser
def test_two_sessions_step_click_and_download_without_an_error(tmp_path: Path) -> None:
    if shutil.which("chromium") is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    pytest.importorskip("playwright.async_api", reason="playwright is not installed")
    out = tmp_path / "load.json"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.load", *ARGS, "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    (level,) = json.loads(out.read_text())["levels"]
    figures = level["figures"]
    assert figures["opened"] == 2
    assert figures["errors"] == 0, figures["errors_by_kind"]
    assert [s["errors"] for s in level["sessions"]] == [[], []]
    assert figures["own_year"] == 2
    for session in level["sessions"]:
        assert session["steps_ms"], session
        assert session["year"] != session["start_year"]
        # the final download, at least
        assert session["downloads"] >= 1
    assert figures["step_ms"]["p50"] > 0
    assert figures["click_ms"]["n"] >= 1
    assert figures["server"]["server"]["rss_end_bytes"] > 0
    assert "step p95 ms" in done.stdout
