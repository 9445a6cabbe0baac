"""Browser tests of what the map's first paint waits for, and of what a step fetches.

The map is the first thing a reader looks for: its scripts must not queue behind the event
strip's chart, its territories must not wait for the borders and places, and a step of the
slider must not make the browser fetch anything from the server.
"""

from __future__ import annotations

import pytest
from test_browser import IFRAME, open_year, settled

pytestmark = pytest.mark.browser

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect
from benchmarks.step import FIRST_PAINT_JS  # noqa: E402 (it needs playwright)

# Streamlit's chunk of the Vega-Lite element: the strip's chart, with Vega behind it
VEGA_CHUNK = "ArrowVegaLiteChart"
STRIP_CHART = ".st-key-event_strip svg.marks, .st-key-event_strip canvas"


@pytest.fixture
def fresh_page(offline_page):
    """A page in a new context (an empty cache) that notes when the map's first territory shows."""
    offline_page.add_init_script(FIRST_PAINT_JS)
    return offline_page


def test_the_map_paints_before_the_event_strip_is_fetched(server: str, fresh_page):
    page = fresh_page
    page.goto(f"{server}/?year=1860")
    chart = page.locator(STRIP_CHART).first
    expect(chart).to_be_attached()
    painted = page.evaluate("window.__firstTerritory")
    fetched = page.evaluate(
        "(name) => performance.getEntriesByType('resource')"
        ".filter(e => e.name.includes(name)).map(e => e.startTime)",
        VEGA_CHUNK,
    )
    assert painted is not None and fetched, (painted, fetched)
    assert min(fetched) > painted, f"the chart's scripts at {fetched} ms, the map at {painted} ms"
    # the strip's place was kept: the controls under it sit where the chart leaves them
    assert page.locator(".st-key-event_strip_slot").count() == 0


def test_the_territories_are_coloured_before_the_borders_arrive(server: str, fresh_page):
    page = fresh_page
    held = []
    # the borders' file is held back until the territories have their year's colours
    page.context.route("**/app/static/atlas/lines.geojson", lambda route: held.append(route))
    page.goto(f"{server}/?year=1860")
    frame = page.frame_locator(IFRAME)
    expect(frame.locator("path.territory-primorye.side-russia")).to_be_attached()
    expect(frame.locator("path.territory-manchuria.side-china")).to_be_attached()
    assert frame.locator("path.line").count() == 0
    page.wait_for_function("() => true")  # lets Playwright hand over the held request
    assert len(held) == 1
    held[0].continue_()
    # the year's borders follow, the treaty lines among them
    expect(frame.locator("path.line").first).to_be_attached()
    expect(frame.locator("path.line-described").first).to_be_attached()


def test_a_step_of_the_slider_fetches_nothing_from_the_server(server: str, fresh_page):
    page = fresh_page
    open_year(page, server, 1855)
    settled(page)
    # the page has loaded what it draws, the event strip's chart (from the second run) included
    expect(page.locator(STRIP_CHART).first).to_be_attached()
    page.wait_for_load_state("networkidle")
    fetched = []
    page.on("request", lambda r: fetched.append(r.url))
    page.get_by_role("slider").focus()
    for year in range(1856, 1862):
        page.keyboard.press("ArrowRight")
        expect(page.get_by_role("slider")).to_have_attribute("aria-valuetext", str(year))
        settled(page)
    # the page's title is set again on every run, and a favicon file was fetched again each time
    assert [u for u in fetched if not u.startswith("data:")] == []
