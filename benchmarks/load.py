"""Many readers at once: N headless browser sessions stepping the year, on this machine.

``python -m benchmarks.load --sessions 10 20 30 --seconds 60`` starts
``streamlit run app.py`` on a free loopback port for each count of sessions
(``--replicas 2``: two replicas behind nginx, see ``deploy/cluster.py``;
``--url``: a server already running on this machine), opens that many browser
contexts in one headless Chromium, and for ``--seconds`` has every session
step the year slider about once a second (focus on the slider's thumb,
ArrowRight; at the last year it turns round) and click a territory on the map
after every ``--click-every`` steps. Each session also downloads the year's
GeoJSON every ``--download-every`` steps and once at the end. It prints a
table per count and writes every figure and sample to a JSON file
(``out/benchmark-load.json``). Nothing leaves this machine: every request to
another host is refused.

What is measured
----------------
step
    Keydown on the slider to the first animation frame that shows the new
    year's passage (the ``.st-key-passage`` text) in its final form; when the
    passage stays as it was, to the first frame in which the download button
    names the new year (the run has drawn the page past the passage). A
    session presses the next key once its step has settled (the slider, the
    address and the download button show the year, and the run has ended) and
    at least a second after the last press, so a slow server slows its readers
    down instead of piling up keys.
click
    Pointerdown on a point inside a territory to the first frame in which the
    ``.st-key-context`` heading names the territory.
errors
    Uncaught page exceptions, console errors, HTTP responses of 400 and more,
    failed requests, Streamlit's connection banner or "Connection error"
    dialog, a WebSocket that closed or failed while the session was open,
    steps and clicks that did not settle within ``STEP_TIMEOUT_MS``, and
    downloads that failed or held another year than the page showed.
own year
    At the end, each session's slider, address and download button show the
    year that session stepped to (the sessions start on different years), and
    a last download holds that year.
server
    Resident memory (RSS) and CPU of each server process, sampled every
    second (psutil), and the machine's busy CPU
    share from ``/proc/stat``, since the browser runs on the same cores.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, BrowserContext, Page, Route, async_playwright

from benchmarks import live
from benchmarks.step import (
    APP_ROOT,
    CLICK_UNITS,
    CONTEXT_HEADING,
    IFRAME,
    PASSAGE,
    SLIDER,
    STEP_TIMEOUT_MS,
    VIEWPORT,
    _git_commit,
    _units,
    stats,
)

ROOT = Path(__file__).resolve().parents[1]
APP = "app.py"
DEFAULT_OUT = Path("out/benchmark-load.json")
DEFAULT_SESSIONS = (10, 20, 30)
DEFAULT_SECONDS = 60.0
STEP_EVERY_S = 1.0
DEFAULT_CLICK_EVERY = 5
DEFAULT_DOWNLOAD_EVERY = 20
# bounds on a run: this is a test of one machine, not a traffic generator
MAX_SESSIONS = 60
MAX_SECONDS = 3600.0
# sessions that load their first page at the same time, how long one may take on a busy
# machine, and how many times a session tries (a failed try is reported, not counted an error)
OPEN_AT_ONCE = 4
OPEN_TIMEOUT_MS = 180_000
OPEN_TRIES = 2
SAMPLE_EVERY_S = 1.0
DOWNLOAD = ".st-key-download button"
# the map page makes the year's file once asked, with this button
PREPARE = ".st-key-prepare_download button"
# the year the slider shows, as text: what a step that leaves the passage alone changes
YEAR_LABEL = '.st-key-year [data-testid="stSliderThumbValue"]'
# the first year each session opens on: apart, so that no two end on one year
FIRST_START = 1700
START_SPACING = 11
START_SPAN = 300
CONNECTION_BANNER = '[data-testid="stConnectionStatus"]'

# Installed once in a page. A step or click is armed from Python, then the page
# resolves a promise when it has settled; the times are performance.now(),
# frame times filled in by the next animation frame.
_PROBE_JS = """
(cfg) => {
  if (window.__load) return true;
  const now = () => performance.now();
  const L = window.__load = { cur: null, banners: [], mapDoc: null };
  const text = (sel) => { const e = document.querySelector(sel); return e ? e.textContent : null; };
  const stateOf = () => {
    const a = document.querySelector(cfg.app);
    return a ? a.getAttribute('data-test-script-state') : null;
  };
  const stamp = () => {
    const e = [now(), null];
    requestAnimationFrame(() => { e[1] = now(); });
    return e;
  };
  const names = (year) => new RegExp('\\\\b' + year + '\\\\b');
  const check = () => {
    const c = L.cur;
    if (!c || c.done) return;
    const passage = text(cfg.passage);
    if (passage !== c.passageLast) { c.passageLast = passage; c.passageAt = stamp(); }
    const heading = text(cfg.heading);
    const named = c.want.heading !== null && (heading || '').includes(c.want.heading);
    if (named && c.headingAt === null) c.headingAt = stamp();
    const label = text(cfg.download);
    if (c.want.year !== null && c.labelAt === null && label && names(c.want.year).test(label)) {
      c.labelAt = stamp();
    }
    if (c.t0 === null || stateOf() !== 'notRunning') return;
    if (c.want.year !== null) {
      const s = document.querySelector(cfg.slider);
      if (!s || s.value !== String(c.want.year) || c.labelAt === null) return;
      if (!location.search.includes('year=' + c.want.year)) return;
    }
    if (c.want.heading !== null && c.headingAt === null) return;
    c.done = true;
    // let the frame times of the last changes be filled in
    requestAnimationFrame(() => requestAnimationFrame(() => c.resolve(true)));
  };
  const banner = () => {
    const b = document.querySelector(cfg.banner);
    const dialog = Array.from(document.querySelectorAll('[role="dialog"]'))
      .some((d) => (d.textContent || '').includes('Connection error'));
    const seen = b ? 'connection status: ' + (b.textContent || '').trim()
      : dialog ? 'Connection error dialog' : null;
    if (seen && seen !== L.bannerLast) L.banners.push(seen);
    L.bannerLast = seen;
  };
  new MutationObserver(() => { banner(); check(); }).observe(document, {
    childList: true, characterData: true, subtree: true, attributes: true,
    attributeFilter: ['data-test-script-state', 'value', 'aria-valuetext'],
  });
  const attachMap = () => {
    const ifr = document.querySelector(cfg.iframe);
    const doc = ifr ? ifr.contentDocument : null;
    if (!doc || doc === L.mapDoc) return;
    L.mapDoc = doc;
    doc.addEventListener('pointerdown', () => {
      if (L.cur && L.cur.t0 === null && L.cur.want.heading !== null) L.cur.t0 = now();
    }, true);
  };
  document.addEventListener('keydown', () => {
    if (L.cur && L.cur.t0 === null && L.cur.want.year !== null) L.cur.t0 = now();
  }, true);
  // arm a step (want.year) or a click (want.heading); true when the slider has the focus
  L.arm = (want) => {
    attachMap();
    const passage = text(cfg.passage);
    L.cur = {
      want, t0: null, done: false, passage0: passage, passageLast: passage, passageAt: null,
      headingAt: null, labelAt: null,
    };
    L.cur.settled = new Promise((resolve) => { L.cur.resolve = resolve; });
    if (want.year !== null) {
      const s = document.querySelector(cfg.slider);
      if (s && document.activeElement !== s) s.focus();
      return !!s && document.activeElement === s;
    }
    return true;
  };
  L.wait = async (timeoutMs) => {
    const c = L.cur;
    const poll = setInterval(check, 50);  // the address changes without a mutation
    const timer = new Promise((resolve) => setTimeout(() => resolve(false), timeoutMs));
    const ok = await Promise.race([c.settled, timer]);
    clearInterval(poll);
    const at = (e) => (e === null ? null : (e[1] === null ? e[0] : e[1]));
    const s = document.querySelector(cfg.slider);
    return {
      ok, t0: c.t0, passageChanged: c.passageLast !== c.passage0, passageAt: at(c.passageAt),
      labelAt: at(c.labelAt), headingAt: at(c.headingAt), state: stateOf(),
      slider: s ? s.value : null, url: location.search, label: text(cfg.download),
    };
  };
  L.point = (lat, lon) => {
    const w = document.querySelector(cfg.iframe).contentWindow;
    const key = Object.keys(w).find(
      (k) => k.startsWith('map_') && w[k] && typeof w[k].latLngToContainerPoint === 'function');
    if (!key) return null;
    const p = w[key].latLngToContainerPoint([lat, lon]);
    const size = w[key].getSize();
    return [p.x, p.y, size.x, size.y];
  };
  L.final = () => {
    const s = document.querySelector(cfg.slider);
    return {
      slider: s ? s.value : null, min: s ? s.min : null, max: s ? s.max : null,
      url: location.search, label: text(cfg.download), heading: text(cfg.heading),
    };
  };
  return true;
}
"""

Json = dict[str, Any]


class LoadError(RuntimeError):
    """A server, nginx or the browser could not be started for a load run."""


@dataclass
class SessionResult:
    """What one browser session did and saw."""

    index: int
    start_year: int
    year: int = 0
    upstream: str | None = None
    opened: bool = False
    open_ms: float | None = None
    open_retries: list[str] = field(default_factory=list)
    steps_ms: list[float] = field(default_factory=list)
    passage_changed: int = 0
    clicks_ms: list[float] = field(default_factory=list)
    clicks_skipped: int = 0
    downloads: int = 0
    errors: list[str] = field(default_factory=list)
    final: Json = field(default_factory=dict)
    own_year: bool = False


@dataclass(frozen=True)
class Sample:
    """Server processes and the machine, at one moment of a run."""

    t: float
    rss: dict[str, int]
    cpu_s: dict[str, float]
    machine_busy: float | None


OnSample = Callable[[Sample], None]


@dataclass
class _Target:
    # where the sessions go, and the processes whose memory and CPU are the server's
    url: str
    pids: dict[str, int]
    cluster: Any = None


def start_year(index: int) -> int:
    """The year session ``index`` opens on: apart from every other session's.

    Examples
    --------
    >>> [start_year(i) for i in range(3)]
    [1700, 1711, 1722]
    >>> len({start_year(i) for i in range(MAX_SESSIONS)}) == MAX_SESSIONS
    True
    """
    return FIRST_START + (index * START_SPACING) % START_SPAN


def next_year(year: int, direction: int, first: int, last: int) -> tuple[int, int, str]:
    """The year a step leads to, its direction and key: right until the last year, then back.

    Examples
    --------
    >>> next_year(1900, 1, 1640, 2026)
    (1901, 1, 'ArrowRight')
    >>> next_year(2026, 1, 1640, 2026)
    (2025, -1, 'ArrowLeft')
    >>> next_year(1640, -1, 1640, 2026)
    (1641, 1, 'ArrowRight')
    """
    if not first <= year + direction <= last:
        direction = -direction
    return year + direction, direction, "ArrowRight" if direction > 0 else "ArrowLeft"


def _cpu_busy() -> tuple[int, int] | None:
    # busy and total jiffies of all CPUs, from the first line of /proc/stat
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return sum(fields) - idle, sum(fields)


async def _sample(
    target: _Target, samples: list[Sample], stop: asyncio.Event, on_sample: OnSample | None
) -> None:
    started = time.monotonic()
    last = _cpu_busy()
    while True:
        rss, cpu = {}, {}
        for name, pid in target.pids.items():
            try:
                rss[name] = live.rss_bytes(pid)
                cpu[name] = live.cpu_seconds(pid)
            except (OSError, ProcessLookupError):
                continue
        now = _cpu_busy()
        busy = None
        if last and now and now[1] > last[1]:
            busy = (now[0] - last[0]) / (now[1] - last[1])
        last = now
        samples.append(Sample(round(time.monotonic() - started, 2), rss, cpu, busy))
        if on_sample is not None:
            on_sample(samples[-1])
        try:
            await asyncio.wait_for(stop.wait(), SAMPLE_EVERY_S)
            return
        except TimeoutError:
            continue


def _offline(route: Route) -> Any:
    return route.abort("internetdisconnected")


class _Session:
    """One reader: a browser context with its page, stepping, clicking and downloading."""

    def __init__(self, index: int, browser: Browser, url: str, settings: Json) -> None:
        self.r = SessionResult(index=index, start_year=start_year(index))
        self.browser = browser
        self.url = url
        self.settings = settings
        self.context: BrowserContext | None = None
        self.page: Page | None = None
        self.closing = False
        self.direction = 1
        self.first = self.last = 0
        self.units = _units()
        self.click_turn = index

    def error(self, kind: str, detail: object = "") -> None:
        self.r.errors.append(f"{kind}: {str(detail)[:300]}")

    def _watch(self, page: Page) -> None:
        page.on("pageerror", lambda exc: self.error("page exception", exc))
        page.on(
            "console",
            lambda m: self.error("console error", m.text) if m.type == "error" else None,
        )
        page.on(
            "response",
            lambda r: self.error("HTTP", f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        page.on("requestfailed", self._failed)
        page.on("websocket", lambda ws: self._websocket(ws, page))

    def _failed(self, request: Any) -> None:
        # a download is handed to the browser's download manager and shows as aborted
        if "/media/" in request.url and "ERR_ABORTED" in (request.failure or ""):
            return
        self.error("request failed", f"{request.failure} {request.url}")

    def _websocket(self, ws: Any, page: Page) -> None:
        def closed(_: object = None) -> None:
            # the page of a try that failed to open is closed on purpose too
            if not self.closing and page is self.page:
                self.error("websocket closed", ws.url)

        ws.on("close", closed)
        ws.on("socketerror", lambda e: self.error("websocket error", e))

    async def open(self) -> None:
        """Open the map on this session's first year and wait until it is drawn."""
        started = time.monotonic()
        self.context = await self.browser.new_context(viewport=VIEWPORT, accept_downloads=True)
        host = re.escape(self.url.split("//", 1)[1].split("/", 1)[0])
        # this machine only: anything else is refused, as on an offline machine
        await self.context.route(re.compile(rf"^(?!https?://{host}[/?])"), _offline)
        self.context.set_default_timeout(OPEN_TIMEOUT_MS)
        page = self.page = await self.context.new_page()
        self._watch(page)
        response = await page.goto(f"{self.url}/?year={self.r.start_year}", timeout=OPEN_TIMEOUT_MS)
        if response is not None:
            self.r.upstream = response.headers.get("x-upstream")
        await (
            page.frame_locator(IFRAME)
            .locator("path.territory")
            .first.wait_for(state="attached", timeout=OPEN_TIMEOUT_MS)
        )
        await page.locator(PREPARE).wait_for(state="visible", timeout=OPEN_TIMEOUT_MS)
        await page.locator(f'{APP_ROOT}[data-test-script-state="notRunning"]').wait_for(
            state="attached", timeout=OPEN_TIMEOUT_MS
        )
        await page.evaluate(
            _PROBE_JS,
            {
                "app": APP_ROOT,
                "passage": PASSAGE,
                "heading": CONTEXT_HEADING,
                "slider": SLIDER,
                "iframe": IFRAME,
                "download": YEAR_LABEL,
                "banner": CONNECTION_BANNER,
            },
        )
        final = await page.evaluate("window.__load.final()")
        self.first, self.last = int(final["min"]), int(final["max"])
        self.r.year = int(final["slider"])
        if self.r.year != self.r.start_year:
            self.error("opened on another year", f"{self.r.year} for {self.r.start_year}")
        self.r.open_ms = round((time.monotonic() - started) * 1000, 1)
        self.r.opened = True
        self.context.set_default_timeout(STEP_TIMEOUT_MS)

    async def _settle(self, want: Json) -> Json | None:
        assert self.page is not None
        result = await self.page.evaluate("(t) => window.__load.wait(t)", STEP_TIMEOUT_MS)
        if not result["ok"]:
            self.error("did not settle", f"{want} {json.dumps(result)}")
            return None
        if result["t0"] is None:
            self.error("input not seen", want)
            return None
        return result

    async def step(self) -> None:
        """Press the slider's arrow key once and time the step to its passage."""
        assert self.page is not None
        to, self.direction, key = next_year(self.r.year, self.direction, self.first, self.last)
        want = {"year": to, "heading": None}
        await self.page.evaluate("(w) => window.__load.arm(w)", want)
        await self.page.keyboard.press(key)
        self.r.year = to
        result = await self._settle(want)
        if result is None:
            return
        at = result["passageAt"] if result["passageChanged"] else result["labelAt"]
        self.r.passage_changed += bool(result["passageChanged"])
        self.r.steps_ms.append(round(at - result["t0"], 1))

    async def click(self) -> None:
        """Click a point inside a territory not selected yet; time it to the context heading."""
        assert self.page is not None
        heading = await self.page.evaluate(f"document.querySelector({json.dumps(CONTEXT_HEADING)})"
                                           "?.textContent || ''")  # fmt: skip
        for _ in range(len(CLICK_UNITS)):
            unit = self.units[CLICK_UNITS[self.click_turn % len(CLICK_UNITS)]]
            self.click_turn += 1
            if unit["name_en"] in heading:
                continue
            lon, lat = unit["seeds"][0]
            point = await self.page.evaluate("([a, b]) => window.__load.point(a, b)", [lat, lon])
            if point is None:
                self.error("no Leaflet map in the iframe")
                return
            x, y, width, height = point
            if 0 < x < width and 0 < y < height:
                break
        else:
            self.r.clicks_skipped += 1
            return
        want = {"year": None, "heading": unit["name_en"]}
        await self.page.evaluate("(w) => window.__load.arm(w)", want)
        container = self.page.frame_locator(IFRAME).locator(".leaflet-container")
        await container.click(position={"x": x, "y": y}, timeout=STEP_TIMEOUT_MS)
        result = await self._settle(want)
        if result is not None:
            self.r.clicks_ms.append(round(result["headingAt"] - result["t0"], 1))

    async def download(self) -> int | None:
        """Download the year's GeoJSON; the year it holds, after checking it is the page's."""
        assert self.page is not None
        year = self.r.year
        try:
            await self.page.locator(PREPARE).click(timeout=STEP_TIMEOUT_MS)
            # the button of this run, for this year: one left from an earlier run until the
            # page redraws would fetch a file that is gone
            button = self.page.locator(DOWNLOAD).filter(has_text=re.compile(rf"\b{year}\b"))
            await button.wait_for(state="visible", timeout=STEP_TIMEOUT_MS)
            await self.page.locator(f'{APP_ROOT}[data-test-script-state="notRunning"]').wait_for(
                state="attached", timeout=STEP_TIMEOUT_MS
            )
            async with self.page.expect_download(timeout=STEP_TIMEOUT_MS) as info:
                await button.click(timeout=STEP_TIMEOUT_MS)
            download = await info.value
            path = await download.path()
            doc = json.loads(Path(path).read_text(encoding="utf-8"))
        except Exception as exc:  # a failed download, whatever the way it failed
            self.error("download failed", f"{type(exc).__name__}: {exc}")
            return None
        got = doc.get("date", "")[:4]
        name = download.suggested_filename
        if got != str(year) or name != f"sino-russian-border-{year}.geojson":
            self.error("download of another year", f"{name} dated {doc.get('date')} at {year}")
            return None
        self.r.downloads += 1
        # the click reruns the page: wait for the run to end before the next key
        await self.page.locator(f'{APP_ROOT}[data-test-script-state="notRunning"]').wait_for(
            state="attached", timeout=STEP_TIMEOUT_MS
        )
        return int(got)

    async def drive(self, until: float) -> None:
        """Step, click and download until the monotonic time ``until``."""
        steps = 0
        next_at = time.monotonic()
        while time.monotonic() < until:
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))
            next_at = time.monotonic() + STEP_EVERY_S
            await self.step()
            steps += 1
            if steps % self.settings["click_every"] == 0:
                await self.click()
            if steps % self.settings["download_every"] == 0:
                await self.download()

    async def finish(self) -> None:
        """Check that the page shows this session's own year; download it once more."""
        assert self.page is not None
        self.r.final = await self.page.evaluate("window.__load.final()")
        year = str(self.r.year)
        label = self.r.final["label"] or ""
        self.r.own_year = (
            self.r.final["slider"] == year
            and f"year={year}" in self.r.final["url"]
            and re.search(rf"\b{year}\b", label) is not None
        )
        if not self.r.own_year:
            self.error("ended on another year", f"{self.r.year}: {json.dumps(self.r.final)}")
        # a failed or wrong download is an error of its own (see download)
        await self.download()

    async def close(self) -> None:
        """Close the context; its WebSocket closing now is not an error."""
        self.closing = True
        if self.context is not None:
            try:
                await self.context.close()
            except Exception as exc:  # the browser may already be gone
                self.error("context close", exc)


async def _banners(session: _Session) -> None:
    if session.page is None:
        return
    try:
        found = await session.page.evaluate("window.__load ? window.__load.banners : []")
    except Exception:  # a page that is gone has shown its errors already
        return
    for banner in found:
        session.error("connection banner", banner)


async def _open_guarded(session: _Session, gate: asyncio.Semaphore) -> None:
    async with gate:
        for attempt in range(1, OPEN_TRIES + 1):
            try:
                await session.open()
                return
            except Exception as exc:  # a session that could not open is reported
                failure = f"{type(exc).__name__}: {str(exc)[:300]}"
            await session.close()
            session.page, session.closing = None, False
            if attempt < OPEN_TRIES:
                session.r.open_retries.append(failure)
            else:
                session.error("open failed", failure)


async def _run_sessions(
    target: _Target, n: int, seconds: float, settings: Json, on_sample: OnSample | None
) -> Json:
    chromium = shutil.which("chromium")
    if chromium is None:
        raise LoadError("chromium is not installed (apt-get install chromium)")
    samples: list[Sample] = []
    stop = asyncio.Event()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium, args=list(live.CHROMIUM_ARGS))
        sessions = [_Session(i, browser, target.url, settings) for i in range(n)]
        try:
            _log(f"{n} sessions: opening")
            opened_at = time.monotonic()
            gate = asyncio.Semaphore(OPEN_AT_ONCE)
            await asyncio.gather(*(_open_guarded(s, gate) for s in sessions))
            open_s = time.monotonic() - opened_at
            ready = [s for s in sessions if s.r.opened]
            _log(f"{len(ready)} of {n} open after {open_s:.0f} s; driving for {seconds:.0f} s")
            sampler = asyncio.create_task(_sample(target, samples, stop, on_sample))
            until = time.monotonic() + seconds
            drives = await asyncio.gather(*(s.drive(until) for s in ready), return_exceptions=True)
            stop.set()
            await sampler
            for s, outcome in zip(ready, drives, strict=True):
                if isinstance(outcome, BaseException):
                    s.error("session stopped", f"{type(outcome).__name__}: {outcome}")
            _log("checking every session's year")
            finals = await asyncio.gather(*(s.finish() for s in ready), return_exceptions=True)
            for s, outcome in zip(ready, finals, strict=True):
                if isinstance(outcome, BaseException):
                    s.error("final check", f"{type(outcome).__name__}: {outcome}")
            await asyncio.gather(*(_banners(s) for s in sessions))
        finally:
            await asyncio.gather(*(s.close() for s in sessions))
            await browser.close()
    return {"sessions": sessions, "samples": samples, "open_s": round(open_s, 1)}


@contextmanager
def _serve(
    replicas: int, url: str | None, pid: int | None, keep: bool = False
) -> Iterator[_Target]:
    if url is not None:
        yield _Target(url=url.rstrip("/"), pids={"server": pid} if pid else {})
        return
    with ExitStack() as stack:
        if replicas > 1:
            from deploy.cluster import cluster

            c = stack.enter_context(cluster(replicas, keep=keep))
            _log(f"nginx's folder, with its logs: {c.prefix}")
            pids = {name: s.process.pid for name, s in c.replicas.items()}
            yield _Target(url=c.url, pids=pids, cluster=c)
        else:
            (server,) = stack.enter_context(live.serving(APP, cwd=ROOT))
            yield _Target(url=server.url, pids={"server": server.process.pid})


def _server_figures(samples: Sequence[Sample], names: Sequence[str]) -> Json:
    out: Json = {}
    for name in names:
        points = [(s.t, s.rss[name], s.cpu_s[name]) for s in samples if name in s.rss]
        if len(points) < 2:
            continue
        (t0, rss0, cpu0), (t1, rss1, cpu1) = points[0], points[-1]
        out[name] = {
            "rss_start_bytes": rss0,
            "rss_end_bytes": rss1,
            "rss_peak_bytes": max(p[1] for p in points),
            "cpu_percent": round(100 * (cpu1 - cpu0) / (t1 - t0), 1) if t1 > t0 else None,
        }
    busy = [s.machine_busy for s in samples if s.machine_busy is not None]
    out["machine_busy_percent"] = round(100 * sum(busy) / len(busy), 1) if busy else None
    return out


def summarise(n: int, seconds: float, run: Json, target: _Target) -> Json:
    """The figures of one count of sessions, from what each session recorded."""
    sessions: list[_Session] = run["sessions"]
    results = [s.r for s in sessions]
    steps = [ms for r in results for ms in r.steps_ms]
    clicks = [ms for r in results for ms in r.clicks_ms]
    errors = Counter(e.split(":", 1)[0] for r in results for e in r.errors)
    figures = {
        "sessions": n,
        "seconds": seconds,
        "opened": sum(r.opened for r in results),
        "open_retries": sum(len(r.open_retries) for r in results),
        "open_s": run["open_s"],
        "steps": len(steps),
        "steps_per_session_s": round(len(steps) / (n * seconds), 3) if n and seconds else None,
        "step_ms": asdict(stats(steps)),
        "click_ms": asdict(stats(clicks)),
        "clicks_skipped": sum(r.clicks_skipped for r in results),
        "downloads": sum(r.downloads for r in results),
        "errors": sum(errors.values()),
        "errors_by_kind": dict(errors),
        "own_year": sum(r.own_year for r in results),
        "server": _server_figures(run["samples"], list(target.pids)),
        "upstreams": dict(Counter(r.upstream for r in results if r.upstream)),
    }
    if target.cluster is not None:
        figures["websocket_sessions"] = dict(target.cluster.sessions())
        figures["routes_on_two_replicas"] = sum(
            len(names) > 1 for names in target.cluster.routes().values()
        )
        figures["requests_retried"] = target.cluster.retried()
    return figures


def run_level(
    n: int,
    seconds: float,
    *,
    replicas: int = 1,
    url: str | None = None,
    pid: int | None = None,
    click_every: int = DEFAULT_CLICK_EVERY,
    download_every: int = DEFAULT_DOWNLOAD_EVERY,
    on_sample: OnSample | None = None,
    keep: bool = False,
) -> Json:
    """Serve the app (or use ``url``), run ``n`` sessions for ``seconds``; figures and samples.

    ``on_sample`` is called with each sample of the server's memory and CPU
    as it is taken (every ``SAMPLE_EVERY_S``), during the driven window.
    """
    if not 1 <= n <= MAX_SESSIONS or not 0 < seconds <= MAX_SECONDS:
        raise ValueError(f"1 to {MAX_SESSIONS} sessions, for up to {MAX_SECONDS:.0f} s")
    settings = {"click_every": click_every, "download_every": download_every}
    with _serve(replicas, url, pid, keep) as target:
        _log(f"serving at {target.url} ({', '.join(target.pids) or 'no process watched'})")
        load_before = os.getloadavg()[0]
        run = asyncio.run(_run_sessions(target, n, seconds, settings, on_sample))
        figures = summarise(n, seconds, run, target)
        # other work on the machine shows here: the run itself adds about its sessions' share
        figures["load_average_1min"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    return {
        "figures": figures,
        "sessions": [asdict(s.r) for s in run["sessions"]],
        "samples": [asdict(s) for s in run["samples"]],
    }


def _mb(value: float | None) -> str:
    return "n/a" if value is None else f"{value / 1e6:.0f}"


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f}"


def table(levels: Sequence[Json]) -> str:
    """One row per count of sessions: latencies, errors, years, server memory and CPU."""
    head = (
        "sessions",
        "steps",
        "step p50 ms",
        "step p95 ms",
        "click p50 ms",
        "click p95 ms",
        "errors",
        "own year",
        "downloads",
        "RSS MB start/end/peak",
        "server CPU %",
        "machine CPU %",
    )
    rows = []
    for level in levels:
        f = level["figures"]
        servers = {k: v for k, v in f["server"].items() if isinstance(v, dict)}
        rss = "; ".join(
            f"{_mb(v['rss_start_bytes'])}/{_mb(v['rss_end_bytes'])}/{_mb(v['rss_peak_bytes'])}"
            for v in servers.values()
        )
        cpu = "; ".join(f"{v['cpu_percent']}" for v in servers.values())
        rows.append(
            (
                str(f["sessions"]),
                str(f["steps"]),
                _ms(f["step_ms"]["p50"]),
                _ms(f["step_ms"]["p95"]),
                _ms(f["click_ms"]["p50"]),
                _ms(f["click_ms"]["p95"]),
                str(f["errors"]),
                f"{f['own_year']}/{f['sessions']}",
                str(f["downloads"]),
                rss or "n/a",
                cpu or "n/a",
                str(f["server"]["machine_busy_percent"]),
            )
        )
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(head, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    for level in levels:
        f = level["figures"]
        if f["errors_by_kind"]:
            lines.append(f"{f['sessions']} sessions, errors: {f['errors_by_kind']}")
        if f["upstreams"]:
            lines.append(f"{f['sessions']} sessions, pages by replica: {f['upstreams']}")
        if "websocket_sessions" in f:
            lines.append(
                f"{f['sessions']} sessions, WebSocket sessions by replica (nginx's log): "
                f"{f['websocket_sessions']}; routes seen on two replicas: "
                f"{f['routes_on_two_replicas']}; requests tried on two replicas: "
                f"{f['requests_retried']}"
            )
    return "\n".join(lines)


def _machine() -> Json:
    return {"nproc": os.cpu_count(), "cpus_usable": len(os.sched_getaffinity(0))}


def _log(message: str) -> None:
    # progress goes to stderr, so stdout carries the table alone
    print(f"[load] {message}", file=sys.stderr, flush=True)


def _parser(prog: str, doc: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description=doc.split("\n", 1)[0])
    parser.add_argument(
        "--replicas", type=int, default=1, help="replicas behind nginx (1: one server, no nginx)"
    )
    parser.add_argument("--url", help="drive a server already running on this machine")
    parser.add_argument("--pid", type=int, help="with --url: the server process to watch")
    parser.add_argument(
        "--keep", action="store_true", help="with --replicas: keep nginx's folder and logs"
    )
    parser.add_argument("--click-every", type=int, default=DEFAULT_CLICK_EVERY, metavar="STEPS")
    parser.add_argument(
        "--download-every", type=int, default=DEFAULT_DOWNLOAD_EVERY, metavar="STEPS"
    )
    return parser


def check_args(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Refuse what this test is not for: other hosts, and runs without bounds."""
    if args.url is not None and not re.match(
        r"^https?://(127\.\d+\.\d+\.\d+|localhost)[:/]", args.url
    ):
        parser.error("--url must be on this machine (127.x.x.x or localhost)")
    if args.replicas < 1 or (args.url and args.replicas > 1):
        parser.error("--replicas is at least 1, and starts its own servers (no --url)")
    if args.click_every < 1 or args.download_every < 1:
        parser.error("--click-every and --download-every are at least 1")


def main(argv: Sequence[str] | None = None, *, out_default: Path = DEFAULT_OUT) -> int:
    """Run each count of sessions in turn, print the table and write the JSON report."""
    parser = _parser("python -m benchmarks.load", __doc__)
    parser.add_argument("--sessions", type=int, nargs="+", default=list(DEFAULT_SESSIONS))
    parser.add_argument("--seconds", type=float, default=DEFAULT_SECONDS)
    parser.add_argument("--out", type=Path, default=out_default, help="the JSON report")
    args = parser.parse_args(argv)
    check_args(parser, args)
    if any(not 1 <= n <= MAX_SESSIONS for n in args.sessions):
        parser.error(f"--sessions are between 1 and {MAX_SESSIONS}")
    if not 0 < args.seconds <= MAX_SECONDS:
        parser.error(f"--seconds is between 0 and {MAX_SECONDS:.0f}")
    started = time.monotonic()
    levels = [
        run_level(
            n,
            args.seconds,
            replicas=args.replicas,
            url=args.url,
            pid=args.pid,
            click_every=args.click_every,
            download_every=args.download_every,
            keep=args.keep,
        )
        for n in args.sessions
    ]
    report = {
        "levels": levels,
        "settings": {
            "seconds": args.seconds,
            "replicas": args.replicas,
            "url": args.url,
            "step_every_s": STEP_EVERY_S,
            "click_every": args.click_every,
            "download_every": args.download_every,
            "step_timeout_ms": STEP_TIMEOUT_MS,
        },
        "machine": _machine(),
        "commit": _git_commit(),
        "elapsed_s": round(time.monotonic() - started, 1),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(table(levels))
    print(f"elapsed: {report['elapsed_s']:.0f} s; report: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
