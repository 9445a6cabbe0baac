"""A soak test: a few browser sessions stepping the year for minutes, and the server's memory.

``python -m benchmarks.soak --sessions 5 --minutes 10`` runs the load test's
sessions (``benchmarks/load.py``: steps about once a second, a click every few
steps, a download now and then) against a fresh ``streamlit run app.py`` on a
loopback port, prints the server's resident memory (RSS) every
``--print-every`` seconds as it goes, and at the end the RSS over time, its
growth after the warm-up and the load test's table. The report, with every
sample, goes to ``out/benchmark-soak.json``.

The growth is the RSS at the end less the RSS at the end of the warm-up
(``--warmup-minutes``: caches fill, Python's allocator settles); the slope is
a least-squares line through the samples after the warm-up, in MB per minute.
Memory that keeps growing shows in both.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks import load

DEFAULT_OUT = Path("out/benchmark-soak.json")
DEFAULT_SESSIONS = 5
DEFAULT_MINUTES = 10.0
DEFAULT_WARMUP_MINUTES = 2.0
DEFAULT_PRINT_EVERY_S = 30.0
# the target: no more than this growth of the server's RSS after the warm-up
GROWTH_TARGET_BYTES = 30_000_000

Json = dict[str, Any]


def slope_per_minute(points: Sequence[tuple[float, float]]) -> float | None:
    """The least-squares slope of ``(seconds, value)`` points, per minute; None for < 2 points.

    Examples
    --------
    >>> slope_per_minute([(0, 100.0), (60, 110.0), (120, 120.0)])
    10.0
    >>> slope_per_minute([(0, 1.0)]) is None
    True
    """
    if len(points) < 2:
        return None
    n = len(points)
    mean_t = sum(t for t, _ in points) / n
    mean_v = sum(v for _, v in points) / n
    var = sum((t - mean_t) ** 2 for t, _ in points)
    if var == 0:
        return None
    cov = sum((t - mean_t) * (v - mean_v) for t, v in points)
    return round(cov / var * 60, 6)


def growth(samples: Sequence[Json], name: str, warmup_s: float) -> Json:
    """RSS of process ``name`` at the end of the warm-up and at the end; growth and slope.

    Examples
    --------
    >>> rows = [{"t": t, "rss": {"s": 100 + t}} for t in (0, 60, 120, 180)]
    >>> g = growth(rows, "s", 60)
    >>> g["warm_bytes"], g["end_bytes"], g["growth_bytes"], g["slope_bytes_per_min"]
    (160, 280, 120, 60.0)
    """
    points = [(s["t"], s["rss"][name]) for s in samples if name in s["rss"]]
    after = [p for p in points if p[0] >= warmup_s]
    if not after:
        return {"warm_bytes": None, "end_bytes": None, "growth_bytes": None}
    warm, end = after[0][1], after[-1][1]
    return {
        "warm_bytes": warm,
        "end_bytes": end,
        "max_after_warmup_bytes": max(v for _, v in after),
        "growth_bytes": end - warm,
        "slope_bytes_per_min": slope_per_minute(after),
    }


def rss_table(samples: Sequence[Json], every_s: float) -> str:
    """The RSS of every watched process, one row per ``every_s`` seconds of samples."""
    names = sorted({n for s in samples for n in s["rss"]})
    lines = ["   t s  " + "  ".join(f"{n + ' MB':>12}" for n in names) + "  machine CPU %"]
    due = 0.0
    for s in samples:
        if s["t"] + 1e-9 < due and s is not samples[-1]:
            continue
        due = s["t"] + every_s
        cells = "  ".join(
            f"{s['rss'][n] / 1e6:>12.1f}" if n in s["rss"] else f"{'':>12}" for n in names
        )
        busy = "" if s["machine_busy"] is None else f"{100 * s['machine_busy']:.0f}"
        lines.append(f"{s['t']:>6.0f}  {cells}  {busy:>13}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the soak, print the RSS as it goes and the figures at the end; write the report."""
    parser = load._parser("python -m benchmarks.soak", __doc__)
    parser.add_argument("--sessions", type=int, default=DEFAULT_SESSIONS)
    parser.add_argument("--minutes", type=float, default=DEFAULT_MINUTES)
    parser.add_argument("--warmup-minutes", type=float, default=DEFAULT_WARMUP_MINUTES)
    parser.add_argument("--print-every", type=float, default=DEFAULT_PRINT_EVERY_S, metavar="S")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the JSON report")
    args = parser.parse_args(argv)
    load.check_args(parser, args)
    seconds = args.minutes * 60
    if not 0 < seconds <= load.MAX_SECONDS or not 1 <= args.sessions <= load.MAX_SESSIONS:
        most = load.MAX_SECONDS / 60
        parser.error(f"up to {most:.0f} minutes, 1 to {load.MAX_SESSIONS} sessions")
    if not 0 <= args.warmup_minutes < args.minutes:
        parser.error("--warmup-minutes must be shorter than --minutes")
    due = [0.0]

    def show(sample: load.Sample) -> None:
        if sample.t + 1e-9 < due[0]:
            return
        due[0] = sample.t + args.print_every
        rss = ", ".join(f"{n} {v / 1e6:.1f} MB" for n, v in sorted(sample.rss.items()))
        print(f"t={sample.t:>5.0f} s  RSS {rss}", flush=True)

    started = time.monotonic()
    level = load.run_level(
        args.sessions,
        seconds,
        replicas=args.replicas,
        url=args.url,
        pid=args.pid,
        click_every=args.click_every,
        download_every=args.download_every,
        on_sample=show,
    )
    warmup_s = args.warmup_minutes * 60
    names = sorted({n for s in level["samples"] for n in s["rss"]})
    memory = {n: growth(level["samples"], n, warmup_s) for n in names}
    report = {
        "level": level,
        "memory": memory,
        "settings": {
            "sessions": args.sessions,
            "minutes": args.minutes,
            "warmup_minutes": args.warmup_minutes,
            "growth_target_bytes": GROWTH_TARGET_BYTES,
        },
        "machine": load._machine(),
        "commit": load._git_commit(),
        "elapsed_s": round(time.monotonic() - started, 1),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print()
    print(rss_table(level["samples"], args.print_every))
    print()
    for n, m in memory.items():
        if m["growth_bytes"] is None:
            print(f"{n}: no samples after the warm-up")
            continue
        verdict = "within" if m["growth_bytes"] <= GROWTH_TARGET_BYTES else "over"
        slope = m["slope_bytes_per_min"]
        slope_text = "n/a" if slope is None else f"{slope / 1e6:+.2f} MB/min"
        print(
            f"{n}: RSS {m['warm_bytes'] / 1e6:.1f} MB after {args.warmup_minutes:g} min of "
            f"warm-up, {m['end_bytes'] / 1e6:.1f} MB at the end: "
            f"{m['growth_bytes'] / 1e6:+.1f} MB ({verdict} the "
            f"{GROWTH_TARGET_BYTES / 1e6:.0f} MB target), slope {slope_text}"
        )
    print()
    print(load.table([level]))
    print(f"elapsed: {report['elapsed_s']:.0f} s; report: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
