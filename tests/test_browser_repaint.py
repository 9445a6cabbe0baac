"""Browser tests of what a step of the year slider paints again.

Without a GPU, painting the map's layers again was the largest part of a step's work in the
browser. A step in a year when nothing changed must paint none of them, and a step into a
change must draw only the border pieces that changed.
"""

from __future__ import annotations

import re

import pytest
from conftest import expand_update
from test_browser import open_year, settled
from test_browser_first_paint import STRIP_CHART

from geo.atlas import last_year
from geo.changes import change_years
from geo.config import FIRST_YEAR
from geo.mapdata import line_atoms, map_update

pytestmark = pytest.mark.browser

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect

STEPS = 4
# the Leaflet panes of the map, each drawn by an SVG renderer of its own
MAP_PANES = {"tile", "water", "neighbours", "fade", "overlay", "borders", "places"}
# on the layer's own element: the name of the Leaflet pane it draws, if it draws one
_PANE_OF = """function () {
  const p = this.parentElement;
  return p && p.classList && p.classList.contains('leaflet-pane')
    ? p.className.match(/leaflet-([a-z]+)-pane/)[1] : null;
}"""


def _quiet_year(atlas) -> int:
    # a year from which STEPS steps change nothing on the map: no change in it or after it
    changes = set(change_years(atlas))
    return next(
        y
        for y in range(FIRST_YEAR + 1, last_year())
        if not changes.intersection(range(y, y + STEPS + 1))
    )


class _Layers:
    """The compositor's layers of a page (CDP's LayerTree), with how often each was painted."""

    def __init__(self, page) -> None:
        self.cdp = page.context.new_cdp_session(page)
        self.layers: list[dict] = []
        self.cdp.on("LayerTree.layerTreeDidChange", self._changed)
        self.cdp.send("DOM.enable")
        # the iframe's nodes are known to DOM (and resolvable) once the whole tree was asked for
        self.cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})
        self.cdp.send("LayerTree.enable")

    def _changed(self, event: dict) -> None:
        if event.get("layers"):
            self.layers = event["layers"]

    def _pane(self, layer: dict) -> str | None:
        try:
            node = self.cdp.send("DOM.resolveNode", {"backendNodeId": layer["backendNodeId"]})
            result = self.cdp.send(
                "Runtime.callFunctionOn",
                {
                    "objectId": node["object"]["objectId"],
                    "functionDeclaration": _PANE_OF,
                    "returnByValue": True,
                },
            )
        except sync_api.Error:  # a node gone since the layer tree was sent
            return None
        return result["result"].get("value")

    def wait_for_panes(self, page) -> dict[str, int]:
        """The paints by pane, once the layer tree (sent with the next frames) has every pane."""
        for _ in range(100):
            paints = self.paints_by_pane()
            if set(paints) >= MAP_PANES:
                return paints
            page.evaluate("() => new Promise(r => requestAnimationFrame(r))")
        raise AssertionError(f"the map's panes are not all in the layer tree: {paints}")

    def paints_by_pane(self) -> dict[str, int]:
        """How many times the layer of each of the map's panes has been painted."""
        paints: dict[str, int] = {}
        for layer in self.layers:
            pane = self._pane(layer) if "backendNodeId" in layer else None
            if pane:
                paints[pane] = paints.get(pane, 0) + layer.get("paintCount", 0)
        return paints


def _drawn(page) -> None:
    # the whole page drawn, the event strip of the second run and the fonts included: what
    # arrives later moves or resizes the map, which then paints every layer again
    expect(page.locator(STRIP_CHART).first).to_be_attached()
    settled(page)
    page.evaluate("() => document.fonts.ready.then(() => true)")


def _step_to(page, year: int) -> None:
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("slider")).to_have_attribute("aria-valuetext", str(year))
    expect(page).to_have_url(re.compile(rf"[?&]year={year}\b"))
    settled(page)


def test_a_step_in_a_quiet_year_paints_no_layer_of_the_map_again(server: str, offline_page, atlas):
    page = offline_page
    year = _quiet_year(atlas)
    open_year(page, server, year)
    _drawn(page)
    page.get_by_role("slider").focus()
    layers = _Layers(page)
    before = layers.wait_for_panes(page)
    for step in range(1, STEPS + 1):
        _step_to(page, year + step)
    after = layers.wait_for_panes(page)
    assert {p: after[p] - before[p] for p in MAP_PANES} == dict.fromkeys(MAP_PANES, 0)


def test_a_step_into_a_change_draws_again_only_the_border_pieces_that_changed(
    server: str, offline_page, atlas
):
    page = offline_page
    change = min(y for y in change_years(atlas) if y > _quiet_year(atlas) + STEPS)
    atoms = line_atoms(atlas.edges, atlas.treaty_lines)
    _, before = expand_update(map_update(atlas, atoms, change - 1).to_json())
    data = map_update(atlas, atoms, change).to_json()
    _, after = expand_update(data)
    kept = [i for i in after if before.get(i) == after[i]]
    assert kept and len(kept) < len(after) + len(data.get("ghosts", []))

    frame = open_year(page, server, change - 1)
    _drawn(page)
    lines = frame.locator("path.line")
    expect(lines).to_have_count(len(before))
    lines.evaluate_all("ps => ps.forEach(p => { p.__drawnBefore = true; })")
    page.get_by_role("slider").focus()
    _step_to(page, change)
    expect(lines).to_have_count(len(after) + len(data.get("ghosts", [])))
    marks = lines.evaluate_all("ps => ps.map(p => p.__drawnBefore === true)")
    assert marks.count(True) == len(kept)
