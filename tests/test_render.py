"""The printable map (geo.render): real PNG, SVG and PDF files of an A4 page, and what is on it.

The page is checked as a matplotlib figure before it is saved (its texts,
the place of its legend and scale bar, the labels clear of each other) and
as the bytes of each format.
"""

from __future__ import annotations

import io
import itertools
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from matplotlib.colors import to_rgba
from matplotlib.legend import Legend
from matplotlib.text import Text
from PIL import Image

from geo import render
from geo.atlas import Atlas
from geo.mapdata import VIEWS

ACCESSED = date(2026, 1, 1)
# landscape A4 in points, as a PDF's MediaBox gives it
A4_POINTS = (841.89, 595.28)


@pytest.fixture(scope="module")
def base() -> render.BaseLayers:
    return render.load_base()


@pytest.fixture(scope="module")
def pages(atlas: Atlas, base: render.BaseLayers) -> dict[tuple[int, str], object]:
    """The figures of a few years and views, drawn once for the module."""
    cases = [(1860, "control"), (1900, "control"), (1940, "sovereign"), (2009, "control")]
    return {(y, v): render.map_figure(atlas, y, v, base=base, accessed=ACCESSED) for y, v in cases}


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def _legends(fig) -> list[Legend]:
    return list(fig.legends)


# ------------------------------------------------------------------ the files


def test_png_is_an_a4_page_at_the_resolution_asked(atlas: Atlas, base):
    data = render.render_map(atlas, 1860, "control", "png", base=base, dpi=100, accessed=ACCESSED)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(data))
    width, height = image.size
    assert (round(width / 100 * 25.4), round(height / 100 * 25.4)) == (297, 210)


def test_pdf_is_one_a4_page_without_a_creation_date(atlas: Atlas, base):
    data = render.render_map(atlas, 1860, "control", "pdf", base=base, accessed=ACCESSED)
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") == 1
    box = data.split(b"/MediaBox [")[1].split(b"]")[0].split()
    assert [round(float(v), 0) for v in box] == [0, 0, *(round(p, 0) for p in A4_POINTS)]
    assert b"/CreationDate" not in data
    assert len(data) > 100_000


def test_svg_is_a4_and_the_same_bytes_each_time(atlas: Atlas, base):
    first = render.render_map(atlas, 2009, "control", "svg", base=base, accessed=ACCESSED)
    root = ET.fromstring(first)
    assert root.tag.endswith("svg")
    width, height = (float(root.get(k).removesuffix("pt")) for k in ("width", "height"))
    assert (round(width), round(height)) == tuple(round(p) for p in A4_POINTS)
    assert render.render_map(atlas, 2009, "control", "svg", base=base, accessed=ACCESSED) == first


@pytest.mark.parametrize(
    ("year", "view", "fmt", "message"),
    [
        (1860, "north", "png", "unknown view 'north'; expected one of control, sovereign"),
        (1860, "china_claim", "pdf", "unknown view 'china_claim'"),
        (1860, "control", "bmp", "unknown format 'bmp'; expected one of png, svg, pdf"),
        (1500, "control", "png", "year 1500 is outside the atlas (1640–"),
        (3000, "control", "png", "year 3000 is outside the atlas"),
    ],
)
def test_a_map_that_cannot_be_drawn_is_refused_by_name(atlas, year, view, fmt, message):
    with pytest.raises(ValueError) as caught:
        render.render_map(atlas, year, view, fmt)
    assert str(caught.value).startswith(message)


def test_file_names_say_year_view_and_format():
    names = {render.file_name(1860, v, f) for v in VIEWS for f in render.FORMATS}
    assert len(names) == len(VIEWS) * len(render.FORMATS)
    assert render.file_name(1905, "sovereign", "svg") == "sino-russian-border-1905-sovereign.svg"


# ------------------------------------------------------------------ black and white


def test_every_side_has_a_hatch_of_its_own(atlas: Atlas):
    hatches = [render.SIDE_HATCHES.get(s) for s in atlas.sides]
    assert None not in hatches, "a side of the data has no hatch"
    assert len(set(hatches)) == len(hatches)
    assert render.DIVIDED_HATCH not in "".join(hatches)


def test_the_legend_shows_each_side_on_the_map_with_its_hatch(pages):
    fills = _legends(pages[(2009, "control")])[0]
    labels = [t.get_text() for t in fills.get_texts()]
    assert labels == ["China", "Russia", "Mongolia", "Other"]
    hatches = [h.get_hatch() for h in fills.legend_handles]
    assert len(set(hatches)) == len(hatches)
    assert render.DIVIDED_HATCH not in "".join(hatches)


def test_land_held_by_one_side_and_sovereign_to_another_is_marked_and_listed(pages):
    texts = _texts(pages[(1900, "control")])
    assert any("Rings, dashed edge: held by one side, sovereign another" in t for t in texts)
    notes = next(t for t in texts if t.startswith("Scale about"))
    assert "Manchuria: held by Russian Empire; sovereign Qing dynasty (occupation)" in notes
    assert "Kwantung Leased Territory: held by Russian Empire; sovereign Qing" in notes
    assert "Manchuria\nRussian Empire\n(occupation)" in texts
    # the hatch of divided land carries the rings over the holder's own hatch
    ax = pages[(1900, "control")].axes[0]
    assert any(render.DIVIDED_HATCH in (p.get_hatch() or "") for p in ax.patches)
    assert not any("Rings" in t for t in _texts(pages[(2009, "control")]))


def test_hatched_land_has_a_visible_edge_for_pdf_viewers(pages):
    # PDFium draws a hatch with the opacity of its patch's edge: with no edge, no hatch
    hatched = [p for p in pages[(1860, "control")].axes[0].patches if p.get_hatch()]
    assert len(hatched) >= 4
    assert all(p.get_edgecolor()[3] > 0 for p in hatched)
    assert all(tuple(p.get_hatchcolor()) == to_rgba(render.HATCH_COLOR) for p in hatched)


def test_the_sovereignty_view_names_the_sovereign_first(pages):
    texts = _texts(pages[(1940, "sovereign")])
    assert "Manchuria\nRepublic of China\n(held by Manchukuo)" in texts
    assert _legends(pages[(1940, "sovereign")])[0].get_title().get_text() == "Sovereign by treaty"


# ------------------------------------------------------------------ what is on the page


def test_the_page_has_title_view_citation_scale_and_north(pages):
    fig = pages[(1860, "control")]
    texts = _texts(fig)
    title, view = (t.get_text() for t in fig.texts[:2])
    assert title == "The Sino-Russian borderlands on 31 December 1860"
    assert view.startswith("Held by: ")
    assert any(
        t.startswith("Cite as: Sino-Russian Border Atlas (accessed 1 January 2026)") for t in texts
    )
    assert any(t.startswith("Scale about 1:") for t in texts)
    assert {"0", "250", "500", "1000", "km", "N"} <= set(texts)


def test_places_carry_their_names_of_the_year(atlas, base, pages):
    texts = " ".join(_texts(pages[(1860, "control")]))
    assert "Vladivostok" in texts and "Nerchinsk" in texts and "Peking" in texts
    assert "Beijing" in " ".join(_texts(pages[(2009, "control")]))
    early = render.map_figure(atlas, 1859, base=base, accessed=ACCESSED)
    assert "Haishenwai" in " ".join(_texts(early))


@pytest.mark.parametrize("case", [(1860, "control"), (1900, "control"), (2009, "control")])
def test_labels_stay_clear_of_each_other_and_inside_the_map(pages, case):
    fig = pages[case]
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    # the place and unit labels: the annotations of the map (the north arrow has no text)
    boxes = [
        (a.get_text(), a.get_window_extent(renderer))
        for a in ax.texts
        if a.get_text() and type(a).__name__ == "Annotation"
    ]
    assert len(boxes) > 15
    for (ta, a), (tb, b) in itertools.combinations(boxes, 2):
        assert not a.overlaps(b), (ta, tb)
    for text, b in boxes:
        assert frame.x0 <= b.x0 and b.x1 <= frame.x1 and frame.y0 <= b.y0 and b.y1 <= frame.y1, text


def test_the_legend_and_scale_sit_under_the_map_not_on_it(pages):
    fig = pages[(1940, "sovereign")]
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    top_of_legend = max(leg.get_window_extent(renderer).y1 for leg in fig.legends)
    assert top_of_legend < ax.get_window_extent(renderer).y0
    fills, lines = (leg.get_window_extent(renderer) for leg in fig.legends)
    assert fills.x1 < lines.x0
    bar = fig.axes[1].get_window_extent(renderer)
    assert bar.y1 < ax.get_window_extent(renderer).y0 and bar.x0 > lines.x1


def test_the_scale_bar_is_as_long_as_its_kilometres_on_the_map(pages):
    fig = pages[(1860, "control")]
    ax, bar = fig.axes[:2]
    metres_per_figure_width = (ax.get_xlim()[1] - ax.get_xlim()[0]) / ax.get_position().width
    bar_km = bar.get_position().width * metres_per_figure_width / 1000
    assert bar_km == pytest.approx(render.SCALE_KM[-1], rel=1e-6)
    # and the map keeps the projection's proportions
    assert ax.get_aspect() == 1.0


def test_borders_are_drawn_in_the_style_of_their_treaty_lines(atlas, pages):
    fig = pages[(1860, "control")]
    labels = [t.get_text() for t in _legends(fig)[1].get_texts()]
    certainty = [c.label for c in atlas.certainties.values()]
    # 1860 has a piece of border of each kind
    assert labels[: len(certainty)] == certainty
    # drawn over a white casing, each kind with dashes of its own
    borders = [c for c in fig.axes[0].collections if c.get_zorder() == 6]
    dashes = {str(c.get_linestyle()) for c in borders}
    assert len(borders) == len(dashes) == len(certainty)
