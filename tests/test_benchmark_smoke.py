"""The slider-step benchmark runs end to end with tiny counts and reports every figure.

It starts its own servers and Chromium, as ``python -m benchmarks.step`` does;
no timing is asserted, only that each figure was measured.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
# servers, three first paints, a few steps and a click: well under a minute on 2 cores
TIMEOUT_S = 240
ARGS = ("--steps", "3", "--soak-steps", "4", "--clicks", "1", "--paints", "2")


def test_benchmark_reports_every_figure(tmp_path: Path) -> None:
    """Every figure in the JSON report is a positive number."""
    if shutil.which("chromium") is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.step", *ARGS, "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(out.read_text())
    figures = report["figures"]
    bad = {
        name: value
        for name, value in figures.items()
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0
    }
    assert not bad, bad
    # 1858 (the Treaty of Aigun) is within three steps of 1855 and redraws the map
    assert report["counts"]["map_changed"] >= 1
    assert len(report["samples"]["atlas"]) == 3
    assert len(report["samples"]["clicks"]) == 1
    assert len(report["samples"]["first_map_paints_ms"]) == 2
    assert report["machine"]["nproc"] >= 1
    assert "passage p50 / floor p50" in done.stdout
