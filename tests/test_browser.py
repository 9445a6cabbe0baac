"""End-to-end tests: the real Streamlit server driven by headless Chromium (Playwright, sync API).

The server and the browser are the session's ``server`` and ``browser`` fixtures (conftest.py).
Every request to a host other than this machine is aborted, so the map must render offline.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from urllib.parse import quote, urlsplit

import pytest
from conftest import DATA, ROOT, offline_context

from geo.atlas import load_atlas
from geo.cite import dataset_version
from geo.mapview import CHANGED_COLOR, LAYER_LABELS
from geo.quiz import make_quiz

pytestmark = pytest.mark.browser

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect

IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
# a seed whose first question is answered by clicking the map (Primorye, 1860)
QUIZ_CLICK_SEED = 2
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
BASE_LAYERS = ("land", "lakes", "rivers")
SIDE_COLORS = {
    s["id"]: s["color"] for s in json.loads((DATA / "holders.meta.json").read_text())["sides"]
}
UNITS = {u["id"]: u for u in json.loads((DATA / "units.json").read_text())["units"]}

# the Leaflet map object: folium names it map_<hash>
FIND_MAP = (
    f"const w = document.querySelector({json.dumps(IFRAME)}).contentWindow;"
    "const key = Object.keys(w).find("
    "  k => k.startsWith('map_') && w[k] && typeof w[k].getZoom === 'function');"
)


class Traffic:
    """Every request the page (and its iframes) makes, and the status of each response."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.status: dict[str, int] = {}

    def external(self) -> list[str]:
        return [
            u
            for u in self.requests
            if urlsplit(u).scheme in ("http", "https", "ws", "wss")
            and urlsplit(u).hostname not in LOCAL_HOSTS
        ]

    def status_of(self, path: str) -> int | None:
        for url, status in self.status.items():
            if urlsplit(url).path == path:
                return status
        return None


@pytest.fixture
def page_and_traffic(browser) -> Iterator[tuple[object, Traffic]]:
    """A new page in its own offline browser context, with the traffic it makes."""
    # anything not on this machine is refused, as on an offline CI runner
    context = offline_context(browser)
    traffic = Traffic()
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.on("request", lambda r: traffic.requests.append(r.url))
    page.on("response", lambda r: traffic.status.__setitem__(r.url, r.status))
    try:
        yield page, traffic
    finally:
        context.close()


def open_year(page, server: str, year: int):
    """Open the app at ``year``; return the map's frame locator once the territories are drawn."""
    page.goto(f"{server}/?year={year}")
    frame = page.frame_locator(IFRAME)
    expect(frame.locator("path.territory-primorye")).to_be_attached(timeout=30_000)
    return frame


def fill_of(frame, unit: str) -> str:
    return frame.locator(f"path.territory-{unit}").get_attribute("fill")


def map_call(page, body: str):
    """Evaluate ``body`` with ``w`` (the iframe window) and ``m`` (the Leaflet map) in scope."""
    return page.evaluate(
        "() => {" + FIND_MAP + "if (!key) throw new Error('no Leaflet map_* in the iframe');"
        "const m = w[key];" + body + "}"
    )


def wait_for_zoom(page, at_least: int) -> None:
    """Wait until the map has zoomed in to ``at_least``."""
    page.wait_for_function(
        "(z) => {" + FIND_MAP + "return key && w[key].getZoom() >= z;}",
        arg=at_least,
        timeout=15_000,
    )


def choose_territory(page, unit: str):
    """Choose a unit in the Territory list; return the list's combobox."""
    territory = page.locator(".st-key-selected").get_by_role("combobox", name="Territory")
    option = page.get_by_role("option", name=UNITS[unit]["name_en"], exact=True)
    for _ in range(3):
        # the first click after one inside the map's iframe may only take the focus
        territory.click()
        try:
            option.wait_for(state="visible", timeout=3_000)
            break
        except sync_api.TimeoutError:
            continue
    option.click()
    return territory


def test_map_renders_offline(server: str, page_and_traffic):
    page, traffic = page_and_traffic
    page.goto(f"{server}/?year=1688")
    frame = page.frame_locator(IFRAME)
    expect(frame.locator("path.territory-amur_left_bank")).to_be_attached(timeout=30_000)
    expect(frame.locator(".leaflet-container")).to_be_visible()
    expect(frame.locator(".atlas-legend")).to_contain_text("Held jointly")
    expect(page.locator(".st-key-passage")).to_contain_text("Initial contact")
    expect(frame.locator("path.territory-amur_left_bank")).to_have_attribute(
        "fill", SIDE_COLORS["undetermined"]
    )
    expect(frame.locator("path.base-land").first).to_be_attached()

    assert traffic.external() == [], "requests left this machine"
    assert traffic.status_of("/app/static/leaflet/leaflet.js") == 200
    assert traffic.status_of("/app/static/leaflet/leaflet.css") == 200
    for name in BASE_LAYERS:
        assert traffic.status_of(f"/app/static/base/{name}.geojson") == 200, name


def test_slider_step_updates_map_in_place(server: str, page_and_traffic):
    page, _ = page_and_traffic
    frame = open_year(page, server, 1859)
    primorye = frame.locator("path.territory-primorye")
    expect(primorye).to_have_attribute("fill", SIDE_COLORS["joint"])
    expect(page.locator(".st-key-passage")).to_contain_text("Russian encroachment")

    map_call(page, "w.__atlasMarker = 1; m.setZoom(6, {animate: false});")
    page.wait_for_function(
        "() => {" + FIND_MAP + "return key && w[key].getZoom() === 6;}", timeout=5_000
    )

    slider = page.get_by_role("slider")
    slider.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(slider).to_have_attribute("aria-valuetext", "1861")
    expect(primorye).to_have_attribute("fill", SIDE_COLORS["russia"])
    expect(page.locator(".st-key-passage")).to_contain_text("Russian encroachment")
    expect(page).to_have_url(re.compile(r"[?&]year=1861\b"))

    # the same iframe, not a remounted one: marker and zoom survive the update
    assert page.locator(IFRAME).count() == 1
    assert map_call(page, "return [w.__atlasMarker, m.getZoom()];") == [1, 6]

    # the leak workaround: old feature groups do not pile up in window.feature_group
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    expect(page).to_have_url(re.compile(r"[?&]year=1865\b"))
    expect(page.locator('[data-testid="stApp"]')).to_have_attribute(
        "data-test-script-state", "notRunning"
    )
    expect(primorye).to_be_attached()
    assert page.locator(IFRAME).count() == 1
    assert map_call(page, "return [w.__atlasMarker, m.getZoom()];") == [1, 6]
    assert map_call(page, "return w.feature_group.length;") <= 2


def test_click_on_polygon_shows_context(server: str, page_and_traffic):
    page, _ = page_and_traffic
    frame = open_year(page, server, 1859)
    expect(page.locator(".st-key-context")).to_contain_text("Click a territory")
    # a seed point of primorye (data/units.json), so certainly inside it
    point = map_call(page, "const p = m.latLngToContainerPoint([45.0, 134.5]); return [p.x, p.y];")
    size = map_call(page, "const s = m.getSize(); return [s.x, s.y];")
    assert 0 < point[0] < size[0] and 0 < point[1] < size[1], (point, size)
    frame.locator(".leaflet-container").click(position={"x": point[0], "y": point[1]})
    context = page.locator(".st-key-context")
    expect(context).to_contain_text("Ussuri", timeout=15_000)
    expect(context).to_contain_text(UNITS["primorye"]["name_ru"])
    expect(context).to_contain_text("Held jointly")
    expect(page).to_have_url(re.compile(r"[?&]unit=primorye\b"))
    # the click went at once, with the unit's id and no geometry (sendClick in atlas.js);
    # past streamlit-folium's 250 ms debounce its own call found nothing new to send
    page.wait_for_timeout(400)
    sent = map_call(page, "return w.__GLOBAL_DATA__.previous_data;")
    assert sent["last_active_drawing"] == {
        "type": "Feature",
        "properties": {"id": "primorye"},
        "geometry": None,
    }
    assert sent["last_object_clicked_count"] >= 1


def test_a_quiz_question_is_answered_by_a_click_on_the_map(server: str, page_and_traffic):
    # the quiz's map asks for the same click fields as the atlas's, so sendClick serves it too
    page, _ = page_and_traffic
    questions = make_quiz(load_atlas(), QUIZ_CLICK_SEED)
    question = questions[0]
    assert question.kind == "click", "the seed no longer starts with a click question"
    page.goto(f"{server}/quiz?seed={QUIZ_CLICK_SEED}")
    frame = page.frame_locator(IFRAME)
    expect(frame.locator(f"path.territory-{question.unit}")).to_be_attached(timeout=30_000)
    lon, lat = UNITS[question.unit]["seeds"][0]
    to_point = f"const p = m.latLngToContainerPoint([{lat}, {lon}]); return [p.x, p.y];"
    point = map_call(page, to_point)
    frame.locator(".leaflet-container").click(position={"x": point[0], "y": point[1]})
    expect(page.locator(".st-key-quiz_feedback")).to_contain_text("Right.", timeout=15_000)
    expect(page.locator(".st-key-quiz_score")).to_contain_text("Score: 1 of 1")


def test_click_again_after_choosing_another_territory(server: str, page_and_traffic):
    # a click on a territory, then another territory chosen in the list, then a
    # click on the first territory again: the click must win over the list
    page, _ = page_and_traffic
    frame = open_year(page, server, 1859)
    context = page.locator(".st-key-context")
    heading = context.get_by_role("heading", level=3)
    size = map_call(page, "const s = m.getSize(); return [s.x, s.y];")

    def click_primorye(lat: float, lon: float) -> None:
        # no scrolling first: the page stays scrolled down to the list, with the
        # map partly off screen, as a user leaves it (the map must not grab the
        # focus on mouse-down and make the page jump, losing the click)
        # points well inside primorye (near its seed in data/units.json)
        point = map_call(
            page, f"const p = m.latLngToContainerPoint([{lat}, {lon}]); return [p.x, p.y];"
        )
        assert 0 < point[0] < size[0] and 0 < point[1] < size[1], (point, size)
        frame.locator(".leaflet-container").click(position={"x": point[0], "y": point[1]})

    click_primorye(45.0, 134.5)
    expect(heading).to_have_text(UNITS["primorye"]["name_en"], timeout=15_000)
    expect(context).to_contain_text("Ussuri")
    expect(page).to_have_url(re.compile(r"[?&]unit=primorye\b"))

    combobox = page.locator(".st-key-selected").get_by_role("combobox", name="Territory")
    expect(combobox).to_have_value(UNITS["primorye"]["name_en"])
    # a large territory: choosing a small one would zoom the map to it
    territory = choose_territory(page, "manchuria")
    expect(territory).to_have_value(UNITS["manchuria"]["name_en"])
    expect(heading).to_have_text(UNITS["manchuria"]["name_en"], timeout=15_000)
    expect(context).to_contain_text(UNITS["manchuria"]["name_ru"])
    expect(page).to_have_url(re.compile(r"[?&]unit=manchuria\b"))

    # the very same point: the map's click counter tells the two clicks apart
    click_primorye(45.0, 134.5)
    expect(heading).to_have_text(UNITS["primorye"]["name_en"], timeout=15_000)
    expect(context).to_contain_text("Ussuri")
    expect(context).to_contain_text(UNITS["primorye"]["name_ru"])
    expect(page).to_have_url(re.compile(r"[?&]unit=primorye\b"))
    expect(territory).to_have_value(UNITS["primorye"]["name_en"])


def test_choosing_an_island_in_the_list_zooms_the_map_to_it(server: str, page_and_traffic):
    page, _ = page_and_traffic
    frame = open_year(page, server, 2009)
    assert map_call(page, "return m.getZoom();") == 4
    choose_territory(page, "heixiazi_west")
    expect(page.locator(".st-key-context")).to_contain_text(UNITS["heixiazi_west"]["name_ru"])
    wait_for_zoom(page, 9)
    centre = map_call(page, "const c = m.getCenter(); return [c.lat, c.lng];")
    assert abs(centre[0] - 48.33) < 0.2 and abs(centre[1] - 134.67) < 0.2, centre
    expect(frame.locator("path.territory-heixiazi_west")).to_be_visible()


def test_rivers_widen_as_the_map_zooms_in_and_show_beside_the_border(server: str, page_and_traffic):
    page, _ = page_and_traffic
    frame = open_year(page, server, 1900)
    river = frame.locator("path.base-river").first
    casing = frame.locator("path.base-river-casing").first
    expect(river).to_have_attribute("stroke-width", "1.5")
    # the Amur near 128.5E, where the Aigun/Peking border runs on the river
    map_call(page, "m.setView([49.58, 128.5], 10, {animate: false});")
    expect(river).to_have_attribute("stroke-width", "6")
    expect(casing).to_have_attribute("stroke-width", "7.8")
    # wider than the border drawn on top of it, so the river shows on both sides
    border = frame.locator("path.line-china-russia").first
    assert float(river.get_attribute("stroke-width")) > float(border.get_attribute("stroke-width"))
    map_call(page, "m.setZoom(4, {animate: false});")
    expect(river).to_have_attribute("stroke-width", "1.5")


def test_two_hundred_steps_keep_one_map_and_no_pile_of_feature_groups(
    server: str, page_and_traffic
):
    """Held arrow keys: the map stays one iframe, keeps its zoom, and does not grow."""
    page, _ = page_and_traffic
    frame = open_year(page, server, 1850)
    map_call(page, "w.__atlasMarker = 1; m.setZoom(5, {animate: false});")
    slider = page.get_by_role("slider")
    slider.focus()
    for key in ["ArrowRight"] * 100 + ["ArrowLeft"] * 100:
        page.keyboard.press(key)
    expect(slider).to_have_attribute("aria-valuetext", "1850", timeout=60_000)
    # the runs of a burst coalesce; the last one, for 1850, writes the year into the link
    expect(page).to_have_url(re.compile(r"[?&]year=1850\b"), timeout=60_000)
    expect(page.locator('[data-testid="stApp"]')).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=60_000
    )
    expect(frame.locator("path.territory-manchuria")).to_have_attribute(
        "fill", SIDE_COLORS["china"]
    )
    assert page.locator(IFRAME).count() == 1
    assert map_call(page, "return [w.__atlasMarker, m.getZoom()];") == [1, 5]
    assert map_call(page, "return w.feature_group.length;") <= 2
    # the units were loaded once and restyled, never drawn again
    assert frame.locator("path.territory-manchuria").count() == 1


def test_the_legend_starts_folded_beside_the_passage_and_opens(server: str, page_and_traffic):
    page, _ = page_and_traffic
    frame = open_year(page, server, 1860)
    details = frame.locator(".atlas-legend details")
    expect(details).not_to_have_attribute("open", "")
    frame.locator(".atlas-legend summary").click()
    expect(details).to_have_attribute("open", "")
    expect(frame.locator(".atlas-legend")).to_be_visible()


def test_hovering_a_treaty_line_shows_the_clause_that_drew_it(server: str, page_and_traffic):
    page, _ = page_and_traffic
    frame = open_year(page, server, 1859)
    expect(frame.locator("path.line-described.leaflet-interactive").first).to_be_attached()
    # a point halfway along the line, in page coordinates
    x, y = page.evaluate(
        "() => { const f = document.querySelector(" + json.dumps(IFRAME) + ");"
        "const p = f.contentDocument.querySelector('path.line-described.leaflet-interactive');"
        "const q = p.getPointAtLength(p.getTotalLength() / 2), m = p.getScreenCTM();"
        "const r = f.getBoundingClientRect();"
        "return [r.left + q.x * m.a + m.e, r.top + q.y * m.d + m.f]; }"
    )
    page.mouse.move(x, y)
    page.mouse.move(x + 0.5, y + 0.5)
    clause = frame.locator(".atlas-clause")
    expect(clause).to_contain_text("Art.")
    expect(clause).to_contain_text("“")


def test_next_change_lands_on_a_change_with_its_caption_and_ghost_border(
    server: str, page_and_traffic
):
    page, _ = page_and_traffic
    frame = open_year(page, server, 1859)
    page.locator(".st-key-next_change").get_by_role("button").click()
    expect(page.get_by_role("slider")).to_have_attribute("aria-valuetext", "1860")
    expect(page.locator(".st-key-change")).to_contain_text("Convention of Peking, 14 Nov 1860")
    expect(page.locator(".st-key-change")).to_contain_text("km²")
    expect(frame.locator("path.line-ghost").first).to_be_attached()
    expect(frame.locator("path.territory-primorye")).to_have_attribute("stroke", CHANGED_COLOR)


def test_next_change_from_1861_lands_on_the_next_change_year_in_the_data(
    server: str, page_and_traffic, atlas
):
    from geo.changes import change_years, next_change_year

    page, _ = page_and_traffic
    open_year(page, server, 1861)
    expected = next_change_year(change_years(atlas), 1861)
    page.locator(".st-key-next_change").get_by_role("button").click()
    expect(page.get_by_role("slider")).to_have_attribute("aria-valuetext", str(expected))
    expect(page.locator(".st-key-change")).to_contain_text(f"What changed in {expected}")


def test_play_advances_the_year_and_the_passage_and_pause_stops_it(server: str, page_and_traffic):
    page, _ = page_and_traffic
    open_year(page, server, 1855)
    slider = page.get_by_role("slider")
    page.locator(".st-key-playing").get_by_text("Play").click()
    expect(slider).to_have_attribute("aria-valuetext", "1857", timeout=20_000)
    expect(page.locator(".st-key-passage")).to_be_visible()
    page.locator(".st-key-playing").get_by_text("Play").click()
    expect(page.locator('[data-testid="stApp"]')).to_have_attribute(
        "data-test-script-state", "notRunning"
    )
    stopped = slider.get_attribute("aria-valuetext")
    # no fixed sleep: wait for more than one tick of Play, then check nothing moved
    page.wait_for_function(
        "() => new Promise(r => setTimeout(() => r(true), 3000))", timeout=10_000
    )
    assert slider.get_attribute("aria-valuetext") == stopped
    expect(page).to_have_url(re.compile(rf"[?&]year={stopped}\b"), timeout=30_000)


def test_a_bad_link_shows_its_notice_as_plain_text_and_the_notice_stays(
    server: str, page_and_traffic
):
    page, _ = page_and_traffic
    page.goto(f"{server}/?year=1860&view=%5Blink%5D(https://example.com)%20www.example.com")
    expect(page.locator(".st-key-passage")).to_contain_text("Russian encroachment")
    alert = page.get_by_role("alert").filter(has_text="There is no view")
    expect(alert).to_contain_text("example.com")
    expect(alert.locator("a")).to_have_count(0)
    # the map's first reply reruns the page; the notice is still there after it
    expect(page.frame_locator(IFRAME).locator("path.territory-primorye")).to_be_attached()
    expect(page.locator('[data-testid="stApp"]')).to_have_attribute(
        "data-test-script-state", "notRunning"
    )
    expect(alert).to_be_visible()
    expect(alert.locator("a")).to_have_count(0)


# ------------------------------------------------------------------ issue 10: names, layers, citing


SHOTS = ROOT / "out" / "screenshots"
PAYLOADS = ('<img src=x onerror="window.injected=1">', "<script>window.injected=1</script>")


def console_errors(page) -> list[str]:
    """Collect the page's console errors and uncaught exceptions from now on."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def settled(page):
    expect(page.locator('[data-testid="stApp"]')).to_have_attribute(
        "data-test-script-state", "notRunning"
    )


def test_chinese_names_in_the_tooltips_and_the_context_panel(server: str, page_and_traffic):
    page, _ = page_and_traffic
    frame = open_year(page, server, 1859)
    page.locator(".st-key-lang").get_by_role("radio", name="中文").click()
    expect(page).to_have_url(re.compile(r"[?&]lang=zh\b"))
    settled(page)
    frame.locator("path.territory-manchuria").hover(force=True)
    tooltip = frame.locator(".leaflet-tooltip:not(.atlas-neighbour-label)").first
    expect(tooltip).to_contain_text(UNITS["manchuria"]["name_zh"])
    expect(tooltip).to_contain_text("清朝")
    frame.locator("path.territory-manchuria").click(force=True)
    expect(page.locator(".st-key-context h3")).to_contain_text(UNITS["manchuria"]["name_zh"])
    expect(page.locator(".st-key-text_version")).to_contain_text("清朝")


def test_the_layer_control_hides_the_treaty_lines_and_shows_todays_borders(
    server: str, page_and_traffic
):
    page, _ = page_and_traffic
    frame = open_year(page, server, 1700)
    expect(frame.locator("path.line").first).to_be_attached()
    frame.locator(".leaflet-control-layers").hover()
    frame.get_by_label(LAYER_LABELS["lines"]).uncheck()
    expect(frame.locator("path.line")).to_have_count(0)
    frame.get_by_label(LAYER_LABELS["today"]).check()
    expect(frame.locator("path.line-today").first).to_be_attached()
    frame.get_by_label(LAYER_LABELS["lines"]).check()
    expect(frame.locator("path.line:not(.line-today)").first).to_be_attached()


def test_an_online_base_that_cannot_load_gives_way_to_the_offline_map(
    server: str, page_and_traffic
):
    page, _ = page_and_traffic
    frame = open_year(page, server, 1700)
    frame.locator(".leaflet-control-layers").hover()
    frame.get_by_label("OpenStreetMap (online)").check()
    # the tiles are refused, as offline: the atlas's own land comes back, with a note
    expect(frame.locator(".atlas-layer-note")).to_contain_text("could not load")
    expect(frame.get_by_label(LAYER_LABELS["offline"])).to_be_checked()
    expect(frame.locator("path.base-land").first).to_be_attached()


def test_the_download_holds_the_year_the_view_and_the_revision(server: str, page_and_traffic):
    page, _ = page_and_traffic
    open_year(page, server, 1861)
    page.locator(".st-key-view").get_by_role("radio", name="Sovereignty").click()
    settled(page)
    page.locator(".st-key-prepare_download").get_by_role("button").click()
    with page.expect_download() as info:
        page.locator(".st-key-download").get_by_role("button").click()
    doc = json.loads(pathlib_read(info.value.path()))
    assert doc["date"] == "1861-12-31"
    assert doc["citation"]["view"] == "sovereign"
    text = doc["citation"]["text"]
    assert dataset_version() in text and "2007-02-15" in text
    assert "31 December 1861" in doc["citation"]["bibtex"]
    page.locator(".st-key-cite").get_by_role("button").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("31 December 1861")
    dialog.get_by_role("tab", name="BibTeX").click()
    expect(dialog).to_contain_text("@misc{sino_russian_border_atlas_1861_sovereign")


def test_a_permalink_with_every_parameter_opens_in_that_state(server: str, page_and_traffic):
    page, _ = page_and_traffic
    page.goto(f"{server}/?year=1903&unit=manchuria&view=sovereign&lang=ru")
    expect(page.get_by_role("slider")).to_have_attribute("aria-valuetext", "1903")
    expect(page.locator(".st-key-context h3")).to_contain_text(UNITS["manchuria"]["name_ru"])
    expect(page.locator(".st-key-text_version")).to_contain_text("Sovereign by treaty")
    frame = page.frame_locator(IFRAME)
    expect(frame.locator(".atlas-legend-title")).to_have_text("Sovereign by treaty")
    settled(page)
    expect(page).to_have_url(re.compile(r"year=1903&unit=manchuria&view=sovereign&lang=ru"))


@pytest.mark.parametrize("name", ["year", "unit", "view", "lang"])
def test_markup_in_any_parameter_is_shown_as_text_and_never_run(
    server: str, page_and_traffic, name: str
):
    page, _ = page_and_traffic
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for payload in PAYLOADS:
        page.goto(f"{server}/?{name}={quote(payload)}")
        expect(page.get_by_role("alert").first).to_be_visible()
        expect(page.frame_locator(IFRAME).locator("path.territory-primorye")).to_be_attached()
        settled(page)
        assert page.evaluate("() => window.injected") is None
        assert page.locator("img[src=x], [data-testid=stMain] script").count() == 0
    assert dialogs == []


def test_a_phone_sees_the_map_first_and_nothing_overflows(browser, server: str):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        page = context.new_page()
        errors = console_errors(page)
        frame = open_year(page, server, 1861)
        settled(page)
        widths = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], widths
        wide = page.evaluate(
            "() => [...document.querySelectorAll('[data-testid=stMain] *')]"
            ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1"
            " && getComputedStyle(e).overflow !== 'hidden').length"
        )
        assert wide == 0
        top = {
            key: page.locator(f".st-key-{key}").bounding_box()["y"]
            for key in ("map_slot", "controls", "passage")
        }
        assert top["map_slot"] < top["controls"] < top["passage"], top
        assert top["map_slot"] < 844, "the map starts on the first screen"
        legend = frame.locator(".atlas-legend details")
        expect(legend).not_to_have_attribute("open", "")
        assert errors == []
    finally:
        context.close()


@pytest.mark.parametrize("unit", ["heixiazi_east", "zhenbao"])
def test_a_link_to_a_small_unit_shows_it_whole_on_a_phone(browser, server: str, unit: str):
    """The page chooses a small unit's zoom for a map 500 px wide; the phone's is narrower."""
    context = offline_context(browser, viewport={"width": 360, "height": 740}, is_mobile=True)
    try:
        page = context.new_page()
        page.goto(f"{server}/?year=2009&unit={unit}")
        frame = page.frame_locator(IFRAME)
        path = frame.locator(f"path.territory-{unit}")
        expect(path).to_be_attached(timeout=30_000)
        settled(page)
        # zoomed in on the unit, as the page asked, then out only as far as it must be
        wait_for_zoom(page, 8)
        inside = path.evaluate(
            "p => { const r = p.getBoundingClientRect();"
            " const m = p.closest('.leaflet-container').getBoundingClientRect();"
            " return [r.left >= m.left, r.right <= m.right,"
            "         r.top >= m.top, r.bottom <= m.bottom]; }"
        )
        assert inside == [True, True, True, True]
        # the reader's own zoom is kept when the year moves on
        zoom = map_call(page, "m.setZoom(m.getZoom() + 1, {animate: false}); return m.getZoom();")
        page.get_by_role("slider").focus()
        page.keyboard.press("ArrowLeft")
        expect(page).to_have_url(re.compile(r"[?&]year=2008\b"))
        settled(page)
        assert map_call(page, "return m.getZoom();") == zoom
    finally:
        context.close()


def test_the_page_logs_no_console_errors(server: str, page_and_traffic):
    page, _ = page_and_traffic
    errors = console_errors(page)
    frame = open_year(page, server, 1858)
    for _ in range(3):
        page.get_by_role("slider").focus()
        page.keyboard.press("ArrowRight")
        settled(page)
    frame.locator("path.territory-primorye").click(force=True)
    expect(page.locator(".st-key-context h3")).to_be_visible()
    page.locator(".st-key-view").get_by_role("radio", name="China's claim").click()
    settled(page)
    # an offline reader's refused tile requests are not the page's errors
    assert [e for e in errors if "ERR_INTERNET_DISCONNECTED" not in e] == []


SCREENS = {"wide": (1400, 900), "phone": (390, 844)}


@pytest.mark.parametrize("screen", list(SCREENS))
def test_screenshots_of_the_years_a_teacher_shows(browser, server: str, screen: str):
    """Saved to out/screenshots/ for a person to look at; each must draw the map."""
    width, height = SCREENS[screen]
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        for year, lang in ((1689, "en"), (1861, "en"), (1922, "en"), (2009, "en"), (1861, "zh")):
            page.goto(f"{server}/?year={year}&lang={lang}")
            frame = page.frame_locator(IFRAME)
            expect(frame.locator("path.side-china").first).to_be_attached(timeout=30_000)
            settled(page)
            out = SHOTS / f"{screen}-{year}-{lang}.png"
            page.screenshot(path=str(out))
            assert out.stat().st_size > 10_000
    finally:
        context.close()


def pathlib_read(path) -> str:
    from pathlib import Path

    return Path(path).read_text(encoding="utf-8")


def test_clicking_an_event_mark_jumps_to_its_year(server: str, page_and_traffic):
    page, _ = page_and_traffic
    open_year(page, server, 1700)
    settled(page)
    chart = page.locator(".st-key-event_strip canvas, .st-key-event_strip svg.marks").first
    chart.scroll_into_view_if_needed()
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    tooltip = page.locator("#vg-tooltip-element")
    # the marks have no fixed pixel place: find Nerchinsk (1689) by the name its tooltip shows,
    # among the early marks, then click it
    found = None
    for y in range(int(box["y"] + box["height"] * 0.3), int(box["y"] + box["height"]), 3):
        for x in range(int(box["x"]), int(box["x"] + box["width"] * 0.25), 3):
            page.mouse.move(x, y)
            if tooltip.count() and "Treaty of Nerchinsk" in (tooltip.text_content() or ""):
                found = (x, y)
                break
        if found:
            break
    assert found, "no mark names the Treaty of Nerchinsk"
    expect(tooltip).to_contain_text("6 Sep 1689")
    page.mouse.click(*found)
    expect(page.get_by_role("slider")).to_have_attribute("aria-valuetext", "1689")
    expect(page.locator(".st-key-passage")).to_be_visible()


def test_the_text_version_follows_the_year_and_the_view(server: str, page_and_traffic):
    page, _ = page_and_traffic
    open_year(page, server, 1903)
    words = page.locator(".st-key-text_version")
    expect(words).to_contain_text("Held by")
    before = words.text_content()
    page.locator(".st-key-view").get_by_role("radio", name="China's claim").click()
    expect(words).to_contain_text("Claimed or held by China")
    page.get_by_role("slider").focus()
    page.keyboard.press("End")
    expect(page.get_by_role("slider")).not_to_have_attribute("aria-valuetext", "1903")
    settled(page)
    assert words.text_content() != before
