"""The Timeline page in the real server and headless Chromium: a click on the chart opens the map.

The chart is drawn by Vega as SVG, and each mark carries its fields in its
``aria-label``: the test finds a bar and a treaty's mark by what they say.
"""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect

CHART = ".st-key-control_chart"
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
# a page's first load (and the map's iframe) may take a while on a busy machine
LOAD_MS = 30_000


@pytest.fixture
def page(offline_page) -> object:
    """A new page in its own browser context, with every request off this machine refused."""
    return offline_page


def idle(page) -> None:
    """Wait until the script has run to its end."""
    expect(page.locator('[data-testid="stApp"]')).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=LOAD_MS
    )


def open_timeline(page) -> None:
    """Go from the map to the Timeline by the navigation bar, as a reader does."""
    idle(page)
    page.get_by_role("link", name="Timeline", exact=True).click()
    expect(page).to_have_url(re.compile(r"/timeline\b"), timeout=LOAD_MS)
    bars = page.locator(f"{CHART} svg path[aria-roledescription='bar']")
    expect(bars.first).to_be_attached(timeout=LOAD_MS)


def on_the_map(page, server: str, year: int) -> None:
    slider = page.locator(".st-key-year").get_by_role("slider")
    expect(slider).to_have_attribute("aria-valuetext", str(year), timeout=LOAD_MS)
    # the map's own address, not the Timeline's, with the year
    expect(page).to_have_url(re.compile(rf"^{re.escape(server)}/\?(.*&)?year={year}\b"))
    expect(page.frame_locator(MAP_IFRAME).locator("path.territory-primorye")).to_be_attached(
        timeout=LOAD_MS
    )


def test_a_click_on_a_bar_or_a_treaty_opens_the_map_at_its_year(server: str, page):
    page.goto(f"{server}/?year=1700")
    on_the_map(page, server, 1700)

    open_timeline(page)
    aigun = page.locator(
        f"{CHART} path[aria-roledescription='bar']"
        "[aria-label*='label: Left bank of the Amur;'][aria-label*='Dates: 28 May 1858 –']"
    )
    # the bar and the inner bar drawn over its middle (the left bank was contested until 1860)
    expect(aigun).to_have_count(2)
    bar = aigun.first
    box = bar.bounding_box()
    assert box and box["height"] > 10, box
    # near the top edge: the bar itself, above the inner bar
    bar.click(position={"x": box["width"] / 2, "y": 2})
    on_the_map(page, server, 1858)
    expect(page).to_have_url(re.compile(r"[?&]unit=amur_left_bank\b"))
    expect(page.locator(".st-key-context")).to_contain_text("Left bank of the Amur")

    # the map has been seen in this session: the link's year must still win
    open_timeline(page)
    peking = page.locator(
        f"{CHART} path[aria-roledescription='point'][aria-label*='Treaty: Convention of Peking']"
    )
    expect(peking).to_have_count(1)
    peking.click()
    on_the_map(page, server, 1860)
    expect(page.locator(".st-key-change")).to_contain_text("Convention of Peking")
