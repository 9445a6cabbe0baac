"""The downloads of the map, Print and Data pages hold the year shown, also after a burst of steps.

Each page makes its file when the reader asks for it and sends it with the
page: the file must be made from the run the page shows, not from one the
burst left behind.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import offline_context

from geo.atlas import situation

pytestmark = pytest.mark.browser

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect

IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
DOWNLOAD = ".st-key-download button"
PREPARE = ".st-key-prepare_download button"
APP = '[data-testid="stApp"]'
START = 1855
WAIT_MS = 30_000


@pytest.fixture
def page(browser):
    # anything not on this machine is refused, as on an offline CI runner
    context = offline_context(browser, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    try:
        yield page
    finally:
        context.close()


def burst(page, key: str, count: int, year: int) -> None:
    """Press ``key`` ``count`` times without waiting, then wait for the page to show ``year``."""
    page.get_by_role("slider").focus()
    for _ in range(count):
        page.keyboard.press(key)
    expect(page).to_have_url(re.compile(rf"[?&]year={year}\b"), timeout=WAIT_MS)
    expect(page.get_by_role("slider")).to_have_attribute(
        "aria-valuetext", str(year), timeout=WAIT_MS
    )
    expect(page.locator(APP)).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=WAIT_MS
    )


def download(page) -> tuple[str, dict]:
    year = page.get_by_role("slider").get_attribute("aria-valuetext")
    page.locator(PREPARE).click()
    button = page.locator(DOWNLOAD).filter(has_text=re.compile(rf"\b{year}\b"))
    expect(button).to_be_visible(timeout=WAIT_MS)
    expect(page.locator(APP)).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=WAIT_MS
    )
    with page.expect_download() as info:
        button.click()
    done = info.value
    assert done.failure() is None
    return done.suggested_filename, json.loads(Path(done.path()).read_text(encoding="utf-8"))


def holders(doc: dict) -> dict[str, str]:
    return {f["id"]: f["properties"]["holder_id"] for f in doc["features"]}


def test_download_after_a_burst_of_steps_holds_the_year_shown(server, page, atlas):
    page.goto(f"{server}/?year={START}")
    territory = page.frame_locator(IFRAME).locator("path.territory").first
    expect(territory).to_be_attached(timeout=60_000)

    burst(page, "ArrowRight", 8, START + 8)
    name, doc = download(page)
    assert name == f"sino-russian-border-{START + 8}.geojson"
    assert doc["date"] == f"{START + 8}-12-31"
    assert doc["name"] == f"sino-russian-border-{START + 8}"
    assert holders(doc) == holders(situation(atlas, START + 8))

    # back across the Treaty of Peking (1860): the file is made anew, for the new year
    burst(page, "ArrowLeft", 5, START + 3)
    name, earlier = download(page)
    assert name == f"sino-russian-border-{START + 3}.geojson"
    assert earlier["date"] == f"{START + 3}-12-31"
    assert holders(earlier) == holders(situation(atlas, START + 3))
    assert holders(earlier) != holders(doc)
    assert page.errors == []


@pytest.mark.parametrize(
    ("path", "prepare", "button", "name"),
    [
        (
            "/print",
            ".st-key-print_prepare button",
            ".st-key-print_download button",
            "sino-russian-border-{year}-control.png",
        ),
        (
            "/data",
            ".st-key-prepare_situation button",
            ".st-key-download_situation_geojson button",
            "sino-russian-border-atlas-situation-{year}.geojson",
        ),
    ],
)
def test_print_and_data_downloads_after_a_burst_hold_the_year_shown(
    server, page, path, prepare, button, name
):
    page.goto(f"{server}{path}")
    slider = page.get_by_role("slider")
    expect(slider).to_be_visible(timeout=60_000)
    year = int(slider.get_attribute("aria-valuetext")) + 6
    slider.focus()
    for _ in range(6):
        page.keyboard.press("ArrowRight")
    expect(slider).to_have_attribute("aria-valuetext", str(year), timeout=WAIT_MS)
    expect(page.locator(APP)).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=WAIT_MS
    )
    page.locator(prepare).click()
    expect(page.locator(button)).to_be_visible(timeout=60_000)
    expect(page.locator(APP)).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=60_000
    )
    with page.expect_download(timeout=60_000) as info:
        page.locator(button).click()
    done = info.value
    assert done.failure() is None
    assert done.suggested_filename == name.format(year=year)
    data = Path(done.path()).read_bytes()
    if name.endswith(".png"):
        assert data.startswith(b"\x89PNG")
    else:
        assert json.loads(data)["date"] == f"{year}-12-31"
    assert page.errors == []
