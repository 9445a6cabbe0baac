"""Colours for everyone: the sides stay apart under colour-vision deficiencies, and text is legible.

The fills are compared as a reader sees them: each side's colour laid over
the land at the map's fill opacity, then passed through coloraide's
simulations of protanopia, deuteranopia and tritanopia (Brettel/Viénot at
full severity), and measured with CIEDE2000. Text colours are checked against
their backgrounds with the WCAG 2.1 contrast ratio.
"""

from __future__ import annotations

import itertools

import pytest
from coloraide import Color

from geo.mapview import (
    CHANGED_COLOR,
    GHOST_COLOR,
    LAND_COLOR,
    SELECTED_COLOR,
    UNIT_FILL_OPACITY,
)

DEFICIENCIES = (None, "protan", "deutan", "tritan")
# CIEDE2000 distance below which two map fills are easily confused; about
# three times the distance at which an observer first sees a difference
MIN_FILL_DELTA_E = 8.0
WCAG_AA_TEXT = 4.5
WCAG_AA_GRAPHICS = 3.0
WHITE = "#ffffff"
# the text of the legend and the tooltips, and Streamlit's theme (.streamlit/config.toml)
TEXT_COLOR = "#333333"
LEGEND_BACKGROUND = "#ffffff"


def shown(color: str) -> Color:
    return Color(color).mix(LAND_COLOR, 1 - UNIT_FILL_OPACITY, space="srgb")


def seen(color: Color, deficiency: str | None) -> Color:
    return color.filter(deficiency) if deficiency else color


def pairs(atlas):
    return list(itertools.combinations(atlas.sides.values(), 2))


@pytest.mark.parametrize("deficiency", DEFICIENCIES, ids=lambda d: d or "typical")
def test_every_pair_of_sides_stays_apart(atlas, deficiency):
    close = []
    for a, b in pairs(atlas):
        distance = seen(shown(a.color), deficiency).delta_e(
            seen(shown(b.color), deficiency), method="2000"
        )
        if distance < MIN_FILL_DELTA_E:
            close.append((a.id, b.id, round(distance, 1)))
    assert close == []


def test_the_check_fails_on_the_old_red_and_green_of_a_careless_palette():
    red, green = shown("#d9534f"), shown("#5fa88e")
    assert seen(red, None).delta_e(seen(green, None), method="2000") > MIN_FILL_DELTA_E
    # the same two are far closer to someone with deuteranopia
    assert seen(red, "deutan").delta_e(seen(green, "deutan"), method="2000") < MIN_FILL_DELTA_E * 2


@pytest.mark.parametrize("deficiency", DEFICIENCIES, ids=lambda d: d or "typical")
def test_every_side_stands_out_from_the_bare_land(atlas, deficiency):
    land = seen(Color(LAND_COLOR), deficiency)
    faint = [
        s.id
        for s in atlas.sides.values()
        if seen(shown(s.color), deficiency).delta_e(land, method="2000") < MIN_FILL_DELTA_E
    ]
    assert faint == []


def test_text_meets_wcag_aa():
    theme = (ROOT_CONFIG := _theme())
    assert Color(TEXT_COLOR).contrast(LEGEND_BACKGROUND, method="wcag21") >= WCAG_AA_TEXT
    assert Color(theme["primaryColor"]).contrast(WHITE, method="wcag21") >= WCAG_AA_TEXT
    assert ROOT_CONFIG["base"] == "light"


@pytest.mark.parametrize("color", [SELECTED_COLOR, CHANGED_COLOR, GHOST_COLOR])
def test_outlines_stand_out_from_every_fill_and_the_land(atlas, color):
    # WCAG's 3:1 for graphics, whatever the outlined land is coloured
    backgrounds = [Color(LAND_COLOR), *(shown(s.color) for s in atlas.sides.values())]
    weakest = min(Color(color).contrast(b, method="wcag21") for b in backgrounds)
    assert weakest >= WCAG_AA_GRAPHICS


def _theme() -> dict:
    import tomllib

    from conftest import ROOT

    with (ROOT / ".streamlit" / "config.toml").open("rb") as f:
        return tomllib.load(f)["theme"]
