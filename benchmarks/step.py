"""How long a step of the year slider takes, in the real app, against a bare floor.

``python -m benchmarks.step [--steps N] [--soak-steps M] [--clicks K] [--paints P] [--out PATH]``
starts ``streamlit run app.py`` and ``streamlit run benchmarks/floor_app.py`` on
free local ports, drives Debian's Chromium with Playwright, prints a table and
writes every figure, with the raw per-step samples, to a JSON file
(``out/benchmark-step.json`` unless ``--out`` says otherwise).

What is measured
----------------
Every time is taken inside the page with ``performance.now()``: a capture-phase
``keydown`` (or, for a click in the map, ``pointerdown``) listener marks the
start of a step, and MutationObservers mark the changes it brings. A change
counts at the first animation frame after the mutation that made it, that is,
when the browser is about to paint it.

floor
    The floor app at 1855, ArrowRight ``N`` times: keydown to the first frame in
    which the paragraph reads "In <new year>".
passage
    The atlas at ``?year=1855``, ArrowRight ``N`` times. The passage is the text
    of the ``.st-key-passage`` container. When a step changes that text, the
    passage has arrived at the first frame showing its final text (Streamlit
    drops the elements a run no longer draws only when the run ends, so an
    intermediate text is not the new passage). When the step leaves the text as
    it was (most years have no events of their own), the passage has arrived
    when the run that drew it has ended: the first frame in which ``stApp``'s
    ``data-test-script-state`` is ``notRunning`` again. If the page never showed
    the run as ``running`` (a run whose messages all arrive in one task is
    rendered by React as one commit), the end of the run is the first frame whose
    address carries the new year, which the app writes as its run reaches it.
    Both kinds of step are counted in the p50 and p95; the table says how many
    changed the text, and how many runs came as one batch.
map
    The same steps, only those that change the map: keydown to the first frame
    in which the map's iframe shows another fill on a ``path.territory`` or
    another set of ``path.line`` elements, told apart by their classes (the
    map redraws every path of the year's feature group when it changes, so the
    element objects alone always differ).
websocket bytes
    Payload bytes of the frames the page receives on its WebSocket (Chrome
    DevTools Protocol ``Network.webSocketFrameReceived``; binary frames decoded
    from base64), from the keydown until the step has settled: the page has
    shown a sign of this step's run (the state ``running``, the new year in the
    address, or the awaited text), the script state is ``notRunning``, and
    neither the script state, the passage, the map nor the messages to the
    map's iframe have changed for ``QUIET_MS``. Streamlit sends a large message
    it has sent before (such as the map's unchanged arguments) as a reference
    to the browser's cached copy, so a step that leaves the map alone is small.
JS heap and server RSS
    Used V8 heap of the page's renderer (``Runtime.getHeapUsage`` after
    ``HeapProfiler.collectGarbage``; the map's iframe is same-origin and shares
    that heap, so it is counted once) and ``VmRSS`` of the Streamlit server
    process, before and after ``--soak-steps`` more settled steps, in bursts
    left and right so that the year stays in range.
first map paint
    A fresh browser context (an empty cache): navigation start to the first
    frame with a ``path.territory`` in the map's iframe, once on the server's
    first page (``cold``: the atlas is loaded then), then in ``--paints`` more
    fresh contexts one after another, of which the p50 and p95 are reported
    (``warm``; one page load is too noisy a sample on a shared machine).
click
    A click on a point inside a territory (one of its seed points in
    ``data/units.json``): pointerdown to the first frame in which the
    ``.st-key-context`` heading shows the territory's name.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from playwright.sync_api import (
    Browser,
    BrowserContext,
    CDPSession,
    Page,
    Route,
    sync_playwright,
)

from benchmarks import live
from benchmarks.live import HOST, Server, serving

ROOT = Path(__file__).resolve().parents[1]
APP = "app.py"
FLOOR_APP = "benchmarks/floor_app.py"
DEFAULT_OUT = Path("out/benchmark-step.json")
DEFAULT_STEPS = 75
DEFAULT_SOAK_STEPS = 200
DEFAULT_CLICKS = 15
DEFAULT_PAINTS = 7
START_YEAR = 1855
FIRST_YEAR = 1640
LAST_YEAR = 2026
# the soak turns round after this many steps one way
SOAK_BURST = 100
# large territories, each visible at the opening zoom, so a click does not zoom the map
CLICK_UNITS = (
    "outer_mongolia",
    "manchuria",
    "siberia",
    "inner_mongolia",
    "amur_left_bank",
    "dzungaria",
    "primorye",
)
UNITS_JSON = ROOT / "data" / "units.json"

NAVIGATION_TIMEOUT_MS = 60_000
STEP_TIMEOUT_MS = 20_000
DEFAULT_TIMEOUT_MS = 30_000
# a step has settled when nothing watched has moved for this long
QUIET_MS = 100
VIEWPORT = {"width": 1440, "height": 900}
CHROMIUM_ARGS = live.CHROMIUM_ARGS + ("--enable-precise-memory-info",)

IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
PASSAGE = ".st-key-passage"
CONTEXT_HEADING = ".st-key-context h3"
# Streamlit's slider is a react-aria <input type=range>: its value, not aria-valuenow
SLIDER = 'input[type="range"]'
APP_ROOT = '[data-testid="stApp"]'

# Installed once in a page: the step clock, the observers and the settle test.
# Every timeline entry is [mutation time, frame time, value]; the frame time is
# filled in by the next animation frame.
_PROBE_JS = """
(cfg) => {
  if (window.__bench) return true;
  const now = () => performance.now();
  const textOf = (sel) => {
    const el = document.querySelector(sel);
    return el ? el.textContent : null;
  };
  // looked up afresh each time: React may replace the app's root element
  const stateOf = () => {
    const app = document.querySelector(cfg.app);
    if (app !== B.app) { if (B.app) B.appRemounts += 1; B.app = app; }
    return app ? app.getAttribute('data-test-script-state') : null;
  };
  const B = window.__bench = {
    cur: null, mapDoc: null, mapObs: null, remounts: 0, app: null, appRemounts: 0,
  };
  const note = (list, value) => {
    const e = [now(), null, value];
    list.push(e);
    B.cur.last = e[0];
    requestAnimationFrame(() => { e[1] = now(); });
  };
  const mapSig = (doc) => {
    const fills = Array.from(doc.querySelectorAll('path.territory'),
      (p) => p.getAttribute('class') + '=' + p.getAttribute('fill')).sort();
    const lines = Array.from(doc.querySelectorAll('path.line'),
      (p) => p.getAttribute('class')).sort();
    return fills.join('|') + '#' + lines.join('|');
  };
  const attachMap = () => {
    const ifr = cfg.iframe ? document.querySelector(cfg.iframe) : null;
    const doc = ifr ? ifr.contentDocument : null;
    if (!doc || doc === B.mapDoc) return;
    if (B.mapDoc) B.remounts += 1;
    if (B.mapObs) B.mapObs.disconnect();
    B.mapDoc = doc;
    B.mapObs = new MutationObserver(() => {
      const c = B.cur;
      if (!c) return;
      c.last = now();
      const sig = mapSig(doc);
      if (sig !== c.sigLast) { c.sigLast = sig; note(c.map, sig); }
    });
    B.mapObs.observe(doc, { attributes: true, childList: true, subtree: true });
    // the map redraws on the render message from Streamlit: one in flight is not settled
    ifr.contentWindow.addEventListener('message', () => { if (B.cur) B.cur.last = now(); });
    doc.addEventListener('pointerdown', () => {
      if (B.cur && B.cur.key === null) B.cur.key = now();
    }, true);
  };
  document.addEventListener('keydown', () => {
    if (B.cur && B.cur.key === null) B.cur.key = now();
  }, true);
  const noteState = (c, value) => {
    if (value !== c.stateLast) { c.stateLast = value; note(c.states, value); }
  };
  // every value the attribute took, also when several changes share one callback
  new MutationObserver((records) => {
    const c = B.cur;
    if (!c) return;
    records.forEach((r, i) => {
      noteState(c, i + 1 < records.length ? records[i + 1].oldValue : stateOf());
    });
  }).observe(document, {
    attributes: true, attributeOldValue: true, subtree: true,
    attributeFilter: ['data-test-script-state'],
  });
  new MutationObserver(() => {
    const c = B.cur;
    if (!c) return;
    const p = textOf(cfg.passage);
    if (p !== c.passageLast) { c.passageLast = p; note(c.passage, p); }
    const h = textOf(cfg.heading);
    if (h !== c.headingLast) { c.headingLast = h; note(c.heading, h); }
  }).observe(document, { childList: true, characterData: true, subtree: true });

  // Each frame of a step: has the URL taken the step's value yet? Streamlit
  // writes the query string as the run reaches it; this is the one sign of a
  // run that cannot be batched away (when a whole run arrives in one task,
  // React renders running and notRunning as a single commit, and the script
  // state attribute never changes).
  // The state is sampled here too, in case the app's root was replaced.
  const poll = (c) => {
    if (B.cur !== c || c.settled !== null) return;
    noteState(c, stateOf());
    if (c.urlAt === null && c.want.url !== null && location.search.includes(c.want.url)) {
      // not settled yet: React may still be about to show the run as running
      c.urlAt = c.last = now();
    }
    requestAnimationFrame(() => poll(c));
  };
  B.begin = (want) => {
    attachMap();
    const passage = textOf(cfg.passage);
    const heading = textOf(cfg.heading);
    const sig = B.mapDoc ? mapSig(B.mapDoc) : null;
    const c = B.cur = {
      want, key: null, last: now(), settled: null, urlAt: null,
      states: [], passage: [], heading: [], map: [],
      passage0: passage, passageLast: passage, heading0: heading, headingLast: heading,
      sig0: sig, sigLast: sig, stateLast: stateOf(),
    };
    requestAnimationFrame(() => poll(c));
    const a = document.activeElement;
    return !!(a && a.matches(cfg.slider));
  };
  B.done = () => {
    const c = B.cur;
    const want = c.want;
    if (c.key === null) return false;
    if (stateOf() !== 'notRunning') return false;
    // some sign that the run for this step has happened, not only the one before
    const ran = c.states.some((e) => e[2] === 'running');
    const signs = [
      ran,
      c.urlAt !== null,
      want.passage !== null && (c.passageLast || '').includes(want.passage),
      want.heading !== null && (c.headingLast || '').includes(want.heading),
    ];
    if (!signs.some(Boolean)) return false;
    if (now() - c.last < cfg.quietMs) return false;
    if (want.value !== null) {
      const s = document.querySelector(cfg.slider);
      if (!s || s.value !== String(want.value)) return false;
    }
    if (want.heading !== null && !(c.headingLast || '').includes(want.heading)) return false;
    c.settled = now();
    return true;
  };
  B.result = () => {
    const c = B.cur;
    const s = document.querySelector(cfg.slider);
    return {
      key: c.key, settled: c.settled, urlAt: c.urlAt,
      states: c.states, passage: c.passage, heading: c.heading, map: c.map,
      passage0: c.passage0, passageFinal: c.passageLast, sig0: c.sig0, sigFinal: c.sigLast,
      remounts: B.remounts, appRemounts: B.appRemounts, state: stateOf(), url: location.search,
      slider: s ? s.value : null, focused: !!s && s === document.activeElement,
    };
  };
  return true;
}
"""

# In a fresh context, from the top page's first script on: every animation
# frame looks into the map's iframe until it holds a territory. A polled frame
# is the definition's own resolution (the first frame that would paint it), and
# needs no script inside the component's document.
FIRST_PAINT_JS = """
(() => {
  if (window.top !== window) return;
  const tick = () => {
    const ifr = document.querySelector(IFRAME_SELECTOR);
    const doc = ifr ? ifr.contentDocument : null;
    if (doc && doc.querySelector('path.territory')) {
      window.__firstTerritory = performance.now();
      return;
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();
""".replace("IFRAME_SELECTOR", json.dumps(IFRAME))

# the Leaflet map in the iframe: folium names it map_<hash>
_POINT_JS = """
([sel, lat, lon]) => {
  const w = document.querySelector(sel).contentWindow;
  const key = Object.keys(w).find(
    (k) => k.startsWith('map_') && w[k] && typeof w[k].latLngToContainerPoint === 'function');
  if (!key) throw new Error('no Leaflet map_* in the iframe');
  const m = w[key];
  const p = m.latLngToContainerPoint([lat, lon]);
  const s = m.getSize();
  return [p.x, p.y, s.x, s.y];
}
"""

_PERF_MEMORY_JS = """
(sel) => {
  const ifr = document.querySelector(sel);
  const frame = ifr ? ifr.contentWindow.performance.memory.usedJSHeapSize : null;
  return [performance.memory.usedJSHeapSize, frame];
}
"""

Json = dict[str, Any]


class BenchmarkError(RuntimeError):
    """A server, the browser or the page did not do what the benchmark waits for."""


@dataclass(frozen=True)
class Want:
    """What a settled step shows: the slider's value, a text in the passage or the heading.

    ``url`` is a part of the query string the step's run writes (the atlas
    keeps the year and the chosen territory in the page's address).
    """

    value: int | None = None
    passage: str | None = None
    heading: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class FloorStep:
    """One step of the floor app's slider."""

    year: int
    passage_ms: float


@dataclass(frozen=True)
class Cpu:
    """CPU seconds that a run of ``count`` steps or clicks cost the browser and the server.

    The browser's are those of all its processes (renderers, GPU, browser), the reader's
    machine; the server's, those of the app's ``streamlit run`` process.
    """

    count: int
    browser_s: float
    server_s: float

    def per_item_ms(self) -> tuple[float, float]:
        """Browser and server milliseconds per step (or click)."""
        return 1000 * self.browser_s / self.count, 1000 * self.server_s / self.count


class _CpuMeter:
    # the CPU that the browser and one server use between start and stop
    def __init__(self, server: Server) -> None:
        self.pid = server.process.pid
        self.browser = live.browser_cpu_seconds()
        self.server = live.cpu_seconds(self.pid)

    def stop(self, count: int) -> Cpu:
        return Cpu(
            count=count,
            browser_s=round(live.browser_cpu_seconds() - self.browser, 3),
            server_s=round(live.cpu_seconds(self.pid) - self.server, 3),
        )


@dataclass(frozen=True)
class AtlasStep:
    """One step of the atlas's slider.

    ``passage_ms`` counts to the new passage text, or to the end of the run when
    the text stayed the same; ``map_ms`` is None when the map did not change;
    ``run_batched`` says the page never showed the run as running (see
    ``_script_ms``).
    """

    year: int
    passage_ms: float
    passage_changed: bool
    script_ms: float | None
    map_ms: float | None
    map_changed: bool
    run_batched: bool
    ws_bytes: int
    ws_frames: int
    settled_ms: float


@dataclass(frozen=True)
class Click:
    """One click on a territory in the map."""

    unit: str
    name: str
    context_ms: float
    ws_bytes: int


@dataclass(frozen=True)
class Memory:
    """The page's JS heap and the server's resident memory at one moment."""

    js_heap_used: int
    js_heap_total: int
    perf_memory_top: int
    perf_memory_frame: int | None
    server_rss: int


@dataclass(frozen=True)
class Stats:
    """Percentiles of a sample."""

    n: int
    p50: float | None
    p95: float | None
    max: float | None


@dataclass
class _Frames:
    # the WebSocket frames received since ``begin``; filled by the CDP event handler
    bytes: int = 0
    frames: int = 0
    stray_bytes: int = 0
    counting: bool = False

    def begin(self) -> None:
        self.bytes = self.frames = 0
        self.counting = True

    def end(self) -> tuple[int, int]:
        self.counting = False
        return self.bytes, self.frames

    def on_frame(self, event: Json) -> None:
        response = event.get("response", {})
        payload = response.get("payloadData", "")
        # binary frames (opcode 2), Streamlit's protobuf messages, arrive base64-encoded
        if response.get("opcode") == 2:
            size = len(base64.b64decode(payload))
        else:
            size = len(payload.encode("utf-8"))
        if self.counting:
            self.bytes += size
            self.frames += 1
        else:
            self.stray_bytes += size


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0 to 100) by linear interpolation, or None for no values.

    Examples
    --------
    >>> percentile([1, 2, 3, 4], 50)
    2.5
    >>> percentile([5.0], 95), percentile([], 50)
    (5.0, None)
    """
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def stats(values: Sequence[float]) -> Stats:
    """p50, p95 and the maximum of ``values``.

    Examples
    --------
    >>> stats([1.0, 3.0])
    Stats(n=2, p50=2.0, p95=2.9, max=3.0)
    """
    p95 = percentile(values, 95)
    return Stats(
        n=len(values),
        p50=percentile(values, 50),
        p95=None if p95 is None else round(p95, 6),
        max=max(values) if values else None,
    )


def _log(message: str) -> None:
    # progress goes to stderr, so stdout carries the table alone
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def _server_report(*servers: Server) -> str:
    parts = []
    for server in servers:
        code = server.process.poll()
        status = "running" if code is None else f"exited with {code}"
        tail = server.log.read_text(errors="replace")[-2000:]
        parts.append(f"--- {server.script} ({status}):\n{tail}")
    return "\n".join(parts)


def _offline(route: Route) -> None:
    route.abort("internetdisconnected")


def _new_context(browser: Browser) -> BrowserContext:
    context = browser.new_context(viewport=VIEWPORT)
    # loopback only: anything else is refused, as on an offline machine
    context.route(lambda url: not url.startswith(f"http://{HOST}:"), _offline)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    return context


def _install_probe(page: Page, *, with_map: bool) -> None:
    page.evaluate(
        _PROBE_JS,
        {
            "app": APP_ROOT,
            "passage": PASSAGE,
            "heading": CONTEXT_HEADING,
            "slider": SLIDER,
            "iframe": IFRAME if with_map else None,
            "quietMs": QUIET_MS,
        },
    )


def _settle(page: Page, act: Callable[[], None], want: Want, focus: bool) -> None:
    """Start a step, do ``act`` (a key press or a click) and wait until the step has settled."""
    focused = page.evaluate("(want) => window.__bench.begin(want)", asdict(want))
    if focus and not focused:
        page.get_by_role("slider").focus()
    act()
    try:
        page.wait_for_function(
            "() => window.__bench.done()",
            polling="raf",
            timeout=STEP_TIMEOUT_MS,
        )
    except Exception as exc:
        state = page.evaluate("window.__bench.result()")
        raise BenchmarkError(f"step to {want} did not settle: {json.dumps(state)[:2000]}") from exc


def _frame_ms(entry: Sequence[Any], key: float) -> float:
    # the frame time, or the mutation time if no frame came before the read
    at = entry[1] if entry[1] is not None else entry[0]
    return round(at - key, 3)


def _key(result: Json) -> float:
    if result["key"] is None:
        raise BenchmarkError("the step's keydown or pointerdown was not seen")
    return float(result["key"])


def _script_ms(result: Json, key: float) -> tuple[float | None, bool]:
    """Keydown to the end of the run, and whether the run came as one batch.

    A run that reaches the page in one task never shows ``running``; its end is
    then the first frame whose address carries the step's value.
    """
    running = False
    for entry in result["states"]:
        running = running or entry[2] == "running"
        if running and entry[2] == "notRunning":
            return _frame_ms(entry, key), False
    if result["urlAt"] is not None:
        return round(result["urlAt"] - key, 3), True
    return None, True


def _press(page: Page, key: str) -> Callable[[], None]:
    return lambda: page.keyboard.press(key)


def _open(page: Page, url: str, ready: str) -> None:
    page.goto(url, timeout=NAVIGATION_TIMEOUT_MS)
    page.locator(ready).first.wait_for(state="attached", timeout=NAVIGATION_TIMEOUT_MS)
    page.locator(f'{APP_ROOT}[data-test-script-state="notRunning"]').wait_for(
        state="attached", timeout=NAVIGATION_TIMEOUT_MS
    )


def measure_floor(browser: Browser, server: Server, steps: int) -> tuple[list[FloorStep], Cpu]:
    """Step the floor app's slider ``steps`` times to the right from 1855; and their CPU."""
    context = _new_context(browser)
    try:
        page = context.new_page()
        _open(page, f"{server.url}/?year={START_YEAR}", f"{PASSAGE} p")
        _install_probe(page, with_map=False)
        page.get_by_role("slider").focus()
        samples = []
        meter = _CpuMeter(server)
        for i in range(1, steps + 1):
            year = START_YEAR + i
            target = f"In {year}"
            _settle(page, _press(page, "ArrowRight"), Want(value=year, passage=target), True)
            result = page.evaluate("window.__bench.result()")
            key = _key(result)
            shown = next(e for e in result["passage"] if target in (e[2] or ""))
            samples.append(FloorStep(year=year, passage_ms=_frame_ms(shown, key)))
        return samples, meter.stop(steps)
    finally:
        context.close()


def first_map_paint(page: Page, url: str) -> float:
    """Open ``url`` in a fresh context's page; ms from navigation start to the first territory.

    The page's context must have ``FIRST_PAINT_JS`` as an init script.
    """
    page.goto(url, timeout=NAVIGATION_TIMEOUT_MS)
    page.wait_for_function(
        "() => window.__firstTerritory !== undefined", timeout=NAVIGATION_TIMEOUT_MS
    )
    return round(page.evaluate("window.__firstTerritory"), 3)


def _atlas_step(page: Page, frames: _Frames, year: int, key: str) -> AtlasStep:
    frames.begin()
    _settle(page, _press(page, key), Want(value=year, url=f"year={year}"), True)
    ws_bytes, ws_frames = frames.end()
    result = page.evaluate("window.__bench.result()")
    t0 = _key(result)
    script_ms, batched = _script_ms(result, t0)
    changed = result["passageFinal"] != result["passage0"]
    if changed:
        passage_ms = _frame_ms(result["passage"][-1], t0)
    elif script_ms is not None:
        passage_ms = script_ms
    else:
        raise BenchmarkError(f"{year}: neither the passage changed nor a run was seen")
    map_changed = result["sigFinal"] != result["sig0"]
    map_ms = None
    if map_changed:
        first = next(e for e in result["map"] if e[2] != result["sig0"])
        map_ms = _frame_ms(first, t0)
    return AtlasStep(
        year=year,
        passage_ms=passage_ms,
        passage_changed=changed,
        script_ms=script_ms,
        map_ms=map_ms,
        map_changed=map_changed,
        run_batched=batched,
        ws_bytes=ws_bytes,
        ws_frames=ws_frames,
        settled_ms=round(result["settled"] - t0, 3),
    )


def _memory(page: Page, cdp: CDPSession, server: Server) -> Memory:
    cdp.send("HeapProfiler.collectGarbage")
    heap = cdp.send("Runtime.getHeapUsage")
    top, frame = page.evaluate(_PERF_MEMORY_JS, IFRAME)
    return Memory(
        js_heap_used=int(heap["usedSize"]),
        js_heap_total=int(heap["totalSize"]),
        perf_memory_top=int(top),
        perf_memory_frame=None if frame is None else int(frame),
        server_rss=live.rss_bytes(server.process.pid),
    )


def _soak_keys(year: int, steps: int) -> list[tuple[str, int]]:
    """Keys and the year each leads to: bursts left and right, staying in range.

    Examples
    --------
    >>> _soak_keys(1930, 4)
    [('ArrowLeft', 1929), ('ArrowLeft', 1928), ('ArrowRight', 1929), ('ArrowRight', 1930)]
    """
    burst = max(1, min(SOAK_BURST, steps // 2))
    keys = []
    left = year - burst >= FIRST_YEAR
    for i in range(steps):
        if i and i % burst == 0:
            left = not left
        year += -1 if left else 1
        keys.append(("ArrowLeft" if left else "ArrowRight", year))
    return keys


def _units() -> dict[str, Json]:
    return {u["id"]: u for u in json.loads(UNITS_JSON.read_text())["units"]}


def _click(page: Page, frames: _Frames, unit: Json) -> Click:
    lon, lat = unit["seeds"][0]
    x, y, width, height = page.evaluate(_POINT_JS, [IFRAME, lat, lon])
    if not (0 < x < width and 0 < y < height):
        raise BenchmarkError(f"{unit['id']}: its seed is off the map at {x:.0f},{y:.0f}")
    container = page.frame_locator(IFRAME).locator(".leaflet-container")

    def act() -> None:
        container.click(position={"x": x, "y": y})

    frames.begin()
    _settle(page, act, Want(heading=unit["name_en"], url=f"unit={unit['id']}"), False)
    ws_bytes, _ = frames.end()
    result = page.evaluate("window.__bench.result()")
    key = _key(result)
    shown = next(e for e in result["heading"] if unit["name_en"] in (e[2] or ""))
    return Click(
        unit=unit["id"], name=unit["name_en"], context_ms=_frame_ms(shown, key), ws_bytes=ws_bytes
    )


def _fresh_paint(browser: Browser, url: str) -> float:
    # a context of its own: an empty cache, as on a reader's first visit
    context = _new_context(browser)
    try:
        context.add_init_script(FIRST_PAINT_JS)
        return first_map_paint(context.new_page(), url)
    finally:
        context.close()


def measure_atlas(
    browser: Browser, server: Server, steps: int, soak_steps: int, clicks: int, paints: int
) -> Json:
    """First map paints, the slider steps, the soak and the clicks, on the atlas."""
    out: Json = {}
    url = f"{server.url}/?year={START_YEAR}"
    out["first_map_paint_cold_ms"] = _fresh_paint(browser, url)
    _log(f"first map paint (cold server): {out['first_map_paint_cold_ms']:.0f} ms")
    out["first_map_paints_ms"] = [_fresh_paint(browser, url) for _ in range(paints)]
    _log(f"first map paints (warm server): {out['first_map_paints_ms']}")

    context = _new_context(browser)
    try:
        context.add_init_script(FIRST_PAINT_JS)
        page = context.new_page()
        first_map_paint(page, url)
        page.locator(f'{APP_ROOT}[data-test-script-state="notRunning"]').wait_for(
            state="attached", timeout=NAVIGATION_TIMEOUT_MS
        )
        _install_probe(page, with_map=True)
        cdp = context.new_cdp_session(page)
        frames = _Frames()
        cdp.on("Network.webSocketFrameReceived", frames.on_frame)
        cdp.send("Network.enable")
        page.get_by_role("slider").focus()

        _log(f"atlas: {steps} steps from {START_YEAR}")
        meter = _CpuMeter(server)
        atlas_steps = [
            _atlas_step(page, frames, START_YEAR + i, "ArrowRight") for i in range(1, steps + 1)
        ]
        out["steps"] = atlas_steps
        out["cpu_steps"] = meter.stop(steps)
        year = START_YEAR + steps

        _log(f"soak: {soak_steps} steps")
        out["memory_before"] = _memory(page, cdp, server)
        started = time.monotonic()
        for key, to in _soak_keys(year, soak_steps):
            frames.begin()
            _settle(page, _press(page, key), Want(value=to, url=f"year={to}"), True)
            frames.end()
            year = to
        out["soak_s"] = round(time.monotonic() - started, 3)
        out["memory_after"] = _memory(page, cdp, server)

        _log(f"clicks: {clicks}")
        units = _units()
        meter = _CpuMeter(server)
        out["clicks"] = [
            _click(page, frames, units[CLICK_UNITS[i % len(CLICK_UNITS)]]) for i in range(clicks)
        ]
        out["cpu_clicks"] = meter.stop(clicks)
        out["iframe_remounts"] = page.evaluate("window.__bench.remounts")
        out["app_remounts"] = page.evaluate("window.__bench.appRemounts")
        out["ws_stray_bytes"] = frames.stray_bytes
        cdp.detach()
    finally:
        context.close()
    return out


def _git_commit() -> str | None:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip()


def _machine(browser: Browser) -> Json:
    return {
        "nproc": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "streamlit": version("streamlit"),
        "streamlit_folium": version("streamlit-folium"),
        "playwright": version("playwright"),
        "chromium": browser.version,
    }


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else round(a / b, 3)


def summarise(floor: Sequence[FloorStep], floor_cpu: Cpu, atlas: Json) -> Json:
    """The headline figures, from the raw samples."""
    steps: list[AtlasStep] = atlas["steps"]
    floor_s = stats([s.passage_ms for s in floor])
    passage_s = stats([s.passage_ms for s in steps])
    map_s = stats([s.map_ms for s in steps if s.map_ms is not None])
    click_s = stats([c.context_ms for c in atlas["clicks"]])
    paint_s = stats(atlas["first_map_paints_ms"])
    ws_all = stats([s.ws_bytes for s in steps])
    ws_map = stats([s.ws_bytes for s in steps if s.map_changed])
    before: Memory = atlas["memory_before"]
    after: Memory = atlas["memory_after"]
    floor_browser, floor_server = floor_cpu.per_item_ms()
    step_browser, step_server = atlas["cpu_steps"].per_item_ms()
    click_browser, click_server = atlas["cpu_clicks"].per_item_ms()
    return {
        "floor_p50_ms": floor_s.p50,
        "floor_p95_ms": floor_s.p95,
        "passage_p50_ms": passage_s.p50,
        "passage_p95_ms": passage_s.p95,
        "map_p50_ms": map_s.p50,
        "map_p95_ms": map_s.p95,
        "ws_bytes_p50": ws_all.p50,
        "ws_bytes_max_map_step": ws_map.max,
        "js_heap_before_bytes": before.js_heap_used,
        "js_heap_after_bytes": after.js_heap_used,
        "server_rss_before_bytes": before.server_rss,
        "server_rss_after_bytes": after.server_rss,
        "first_map_paint_ms": paint_s.p50,
        "first_map_paint_p95_ms": paint_s.p95,
        "first_map_paint_cold_ms": atlas["first_map_paint_cold_ms"],
        "click_context_p50_ms": click_s.p50,
        "ratio_passage_to_floor": _ratio(passage_s.p50, floor_s.p50),
        "ratio_map_to_passage": _ratio(map_s.p50, passage_s.p50),
        "ratio_click_to_passage": _ratio(click_s.p50, passage_s.p50),
        "floor_browser_cpu_ms": floor_browser,
        "floor_server_cpu_ms": floor_server,
        "step_browser_cpu_ms": step_browser,
        "step_server_cpu_ms": step_server,
        "click_browser_cpu_ms": click_browser,
        "click_server_cpu_ms": click_server,
        "ratio_step_browser_cpu_to_floor": _ratio(step_browser, floor_browser),
    }


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "MB":
        return f"{value / 1e6:.1f}"
    if unit == "x":
        return f"{value:.2f}"
    return f"{value:,.0f}"


def table(figures: Json, counts: Json) -> str:
    """The figures as an aligned plain-text table."""
    rows = [
        ("floor: slider -> paragraph p50", figures["floor_p50_ms"], "ms"),
        ("floor: slider -> paragraph p95", figures["floor_p95_ms"], "ms"),
        ("atlas: slider -> passage p50", figures["passage_p50_ms"], "ms"),
        ("atlas: slider -> passage p95", figures["passage_p95_ms"], "ms"),
        ("atlas: slider -> map p50", figures["map_p50_ms"], "ms"),
        ("atlas: slider -> map p95", figures["map_p95_ms"], "ms"),
        ("websocket bytes per step p50", figures["ws_bytes_p50"], "B"),
        ("websocket bytes, max map step", figures["ws_bytes_max_map_step"], "B"),
        ("JS heap before soak", figures["js_heap_before_bytes"], "MB"),
        ("JS heap after soak", figures["js_heap_after_bytes"], "MB"),
        ("server RSS before soak", figures["server_rss_before_bytes"], "MB"),
        ("server RSS after soak", figures["server_rss_after_bytes"], "MB"),
        ("first map paint (warm server) p50", figures["first_map_paint_ms"], "ms"),
        ("first map paint (warm server) p95", figures["first_map_paint_p95_ms"], "ms"),
        ("first map paint (cold server)", figures["first_map_paint_cold_ms"], "ms"),
        ("click -> context panel p50", figures["click_context_p50_ms"], "ms"),
        ("passage p50 / floor p50", figures["ratio_passage_to_floor"], "x"),
        ("map p50 / passage p50", figures["ratio_map_to_passage"], "x"),
        ("click p50 / passage p50", figures["ratio_click_to_passage"], "x"),
        ("floor: browser CPU per step", figures["floor_browser_cpu_ms"], "ms"),
        ("floor: server CPU per step", figures["floor_server_cpu_ms"], "ms"),
        ("atlas: browser CPU per step", figures["step_browser_cpu_ms"], "ms"),
        ("atlas: server CPU per step", figures["step_server_cpu_ms"], "ms"),
        ("atlas: browser CPU per click", figures["click_browser_cpu_ms"], "ms"),
        ("atlas: server CPU per click", figures["click_server_cpu_ms"], "ms"),
        ("browser CPU per step / floor", figures["ratio_step_browser_cpu_to_floor"], "x"),
    ]
    cells = [(name, _fmt(value, unit), unit) for name, value, unit in rows]
    w0 = max(len(c[0]) for c in cells)
    w1 = max(len(c[1]) for c in cells)
    lines = [f"{'figure':<{w0}}  {'value':>{w1}}  unit", "-" * (w0 + w1 + 8)]
    lines += [f"{n:<{w0}}  {v:>{w1}}  {u}" for n, v, u in cells]
    lines.append(
        f"steps: {counts['steps']} ({counts['passage_changed']} changed the passage, "
        f"{counts['map_changed']} the map, {counts['run_batched']} came as one batch); "
        f"soak: {counts['soak_steps']}; "
        f"clicks: {counts['clicks']}; warm first paints: {counts['paints']}; "
        f"floor steps: {counts['floor_steps']}"
    )
    return "\n".join(lines)


def _plain(value: object) -> object:
    # dataclasses (and lists of them) as JSON-ready dicts
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return asdict(value)
    return value


def run(steps: int, soak_steps: int, clicks: int, paints: int) -> Json:
    """Serve both apps, measure, and return the report (figures, samples, machine)."""
    started = time.monotonic()
    chromium = shutil.which("chromium")
    if chromium is None:
        raise BenchmarkError("chromium is not installed (apt-get install chromium)")
    with serving(APP, FLOOR_APP, cwd=ROOT) as (atlas_server, floor_server), sync_playwright() as p:
        _log(f"servers up: {atlas_server.url} (atlas), {floor_server.url} (floor)")
        browser = p.chromium.launch(executable_path=chromium, args=list(CHROMIUM_ARGS))
        try:
            machine = _machine(browser)
            _log(f"floor: {steps} steps")
            floor, floor_cpu = measure_floor(browser, floor_server, steps)
            atlas = measure_atlas(browser, atlas_server, steps, soak_steps, clicks, paints)
        except BenchmarkError as exc:
            # a page that stops answering is most often a server that failed
            raise BenchmarkError(f"{exc}\n{_server_report(atlas_server, floor_server)}") from exc
        finally:
            browser.close()
    atlas_steps: list[AtlasStep] = atlas["steps"]
    before: Memory = atlas["memory_before"]
    after: Memory = atlas["memory_after"]
    return {
        "figures": summarise(floor, floor_cpu, atlas),
        "counts": {
            "steps": len(atlas_steps),
            "passage_changed": sum(s.passage_changed for s in atlas_steps),
            "map_changed": sum(s.map_changed for s in atlas_steps),
            "run_batched": sum(s.run_batched for s in atlas_steps),
            "soak_steps": soak_steps,
            "clicks": len(atlas["clicks"]),
            "paints": len(atlas["first_map_paints_ms"]),
            "floor_steps": len(floor),
        },
        "memory": {
            "before": asdict(before),
            "after": asdict(after),
            "js_heap_delta_bytes": after.js_heap_used - before.js_heap_used,
            "server_rss_delta_bytes": after.server_rss - before.server_rss,
            "soak_s": atlas["soak_s"],
        },
        "cpu": {
            "floor_steps": asdict(floor_cpu),
            "atlas_steps": asdict(atlas["cpu_steps"]),
            "atlas_clicks": asdict(atlas["cpu_clicks"]),
        },
        "samples": {
            "floor": _plain(list(floor)),
            "atlas": _plain(atlas_steps),
            "clicks": _plain(atlas["clicks"]),
            "first_map_paints_ms": atlas["first_map_paints_ms"],
        },
        "stats": {
            "floor_ms": asdict(stats([s.passage_ms for s in floor])),
            "passage_ms": asdict(stats([s.passage_ms for s in atlas_steps])),
            "passage_changed_ms": asdict(
                stats([s.passage_ms for s in atlas_steps if s.passage_changed])
            ),
            "script_ms": asdict(
                stats([s.script_ms for s in atlas_steps if s.script_ms is not None])
            ),
            "map_ms": asdict(stats([s.map_ms for s in atlas_steps if s.map_ms is not None])),
            "ws_bytes": asdict(stats([s.ws_bytes for s in atlas_steps])),
            "settled_ms": asdict(stats([s.settled_ms for s in atlas_steps])),
        },
        "settings": {
            "start_year": START_YEAR,
            "quiet_ms": QUIET_MS,
            "viewport": VIEWPORT,
            "chromium_args": list(CHROMIUM_ARGS),
        },
        "iframe_remounts": atlas["iframe_remounts"],
        "app_remounts": atlas["app_remounts"],
        "ws_stray_bytes": atlas["ws_stray_bytes"],
        "machine": machine,
        "commit": _git_commit(),
        "elapsed_s": round(time.monotonic() - started, 1),
    }


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.step", description=__doc__.split("\n", 1)[0]
    )
    parser.add_argument("--steps", type=int, default=DEFAULT_STEPS, help="slider steps timed")
    parser.add_argument(
        "--soak-steps", type=int, default=DEFAULT_SOAK_STEPS, help="steps between memory readings"
    )
    parser.add_argument("--clicks", type=int, default=DEFAULT_CLICKS, help="territory clicks")
    parser.add_argument(
        "--paints", type=int, default=DEFAULT_PAINTS, help="first map paints on the warm server"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the JSON report")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark, print the table and write the JSON report; 0 on success."""
    args = _parser().parse_args(argv)
    if min(args.steps, args.soak_steps, args.clicks, args.paints) < 1:
        _parser().error("--steps, --soak-steps, --clicks and --paints must be at least 1")
    if START_YEAR + args.steps > LAST_YEAR:
        _parser().error(f"--steps goes past {LAST_YEAR} from {START_YEAR}")
    report = run(args.steps, args.soak_steps, args.clicks, args.paints)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(table(report["figures"], report["counts"]))
    print(f"elapsed: {report['elapsed_s']:.0f} s; report: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
