"""Fixtures and helpers shared by the test modules.

The project's folders and the loaded atlas; the app's pages run in-process by
Streamlit's AppTest; and, for the browser tests, the real server started once
with ``streamlit run`` and Debian's Chromium driven by Playwright.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest

from benchmarks.live import CHROMIUM_ARGS, ServerError, start_server, stop_server, wait_healthy
from geo.atlas import Atlas, load_atlas
from geo.config import DATA_DIR, REPO
from geo.session import MAP_PAGE

if TYPE_CHECKING:
    import pandas as pd
    from playwright.sync_api import Browser, BrowserContext, Page
    from streamlit.testing.v1 import AppTest

ROOT = REPO
DATA = DATA_DIR

APPTEST_TIMEOUT = 60
SERVER_STARTUP_TIMEOUT = 60.0
_MD_ESCAPE = re.compile(r"\\(.)")


@pytest.fixture(scope="session")
def atlas() -> Atlas:
    """The atlas loaded from the committed ``data/``, once per test session."""
    return load_atlas(DATA_DIR)


# ------------------------------------------------------------------ AppTest


@pytest.fixture
def load_page(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], AppTest]:
    """A maker of fresh, not yet run AppTests of a page (``pages/….py``) of the app."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.chdir(ROOT)

    def load(script: str) -> AppTest:
        # every page runs under the entry script's navigation, as it does when served; a
        # relative path would be taken relative to the calling test file, not the cwd
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APPTEST_TIMEOUT)
        if script not in ("app.py", MAP_PAGE):
            at.switch_page(script)
        return at

    return load


def run(at: AppTest) -> AppTest:
    """Run the script once more and fail on any exception it shows."""
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def expand_update(data: dict) -> tuple[dict[str, list], dict[str, list]]:
    """The units' and the border pieces' states from a map update's groups, by id.

    As ``expandUnits`` and ``expandLines`` in geo/web/atlas.js read them: a unit's
    state is ``[side, colour, holder, selected, hatch, status, sovereign, changed]``,
    a piece's ``[kind, sides, treaty]``.
    """
    changed = set(data["changed"])
    units = {
        uid: [*g[:3], uid == data["selected"], *g[3:6], uid in changed]
        for g in data["styles"]
        for uid in g[6]
    }
    lines = {aid: g[:3] for g in data["lines"] for aid in g[3]}
    return units, lines


def unescape(text: str) -> str:
    """Undo geo.text.md_escape (backslash before Markdown specials)."""
    return _MD_ESCAPE.sub(r"\1", text)


def table_under(at: AppTest, heading: str) -> pd.DataFrame:
    """The table shown under the header ``heading``, before the next header.

    A display-only ``st.dataframe`` keeps its ``key`` out of the element tree,
    so the tables are found by the heading a reader sees above them.
    """
    under = False
    for node in at.main:
        if node.type == "header":
            if under:
                break
            under = node.value == heading
        elif under and node.type == "dataframe":
            return node.value
    raise AssertionError(f"no table under the header {heading!r}")


# ------------------------------------------------------------------ the real server


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of ``streamlit run app.py``, served headless on a free local port."""
    live = start_server("app.py", cwd=ROOT, log_dir=tmp_path_factory.mktemp("streamlit"))
    try:
        try:
            wait_healthy(live, SERVER_STARTUP_TIMEOUT)
        except ServerError as exc:
            pytest.fail(str(exc))
        yield live.url
    finally:
        stop_server(live)


# every address that is not this machine's
OFF_MACHINE = re.compile(r"^https?://(?!(127\.0\.0\.1|localhost)[:/])")


def offline_context(browser: Browser, **options: object) -> BrowserContext:
    """A new browser context (1400 × 1000 unless told) refusing every request off this machine."""
    context = browser.new_context(**{"viewport": {"width": 1400, "height": 1000}, **options})
    context.route(OFF_MACHINE, lambda route: route.abort("internetdisconnected"))
    return context


@pytest.fixture
def offline_page(browser: Browser) -> Iterator[Page]:
    """A new page in a context of its own (an empty cache), refusing requests off this machine."""
    context = offline_context(browser)
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        yield page
    finally:
        context.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless and without background traffic, launched by Playwright."""
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=list(CHROMIUM_ARGS))
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(autouse=True, scope="session")
def _full_error_details() -> Iterator[None]:
    """AppTest failures show the real error: the app itself shows only its type."""
    from streamlit import config

    before = config.get_option("client.showErrorDetails")
    config.set_option("client.showErrorDetails", "full")
    yield
    config.set_option("client.showErrorDetails", before)
