"""Printable maps of one year: an A4 page as PNG, SVG or PDF, drawn with matplotlib.

:func:`render_map` draws the situation on 31 December of a year in one of the
views of :data:`geo.mapdata.VIEWS`, coloured as the app's map colours it
(:func:`geo.mapdata.map_update`), on a landscape A4 page: a title, the map in
a Lambert conformal conic projection with a graticule, the borders between
sides in the style of their treaty lines, the places under their names of the
year, a legend, a scale bar, a north arrow, and the citation in the bottom
margin.

The page must survive black-and-white printing, so colour never works alone:
each side has a hatch of its own (:data:`SIDE_HATCHES`), land that one side
holds and another is sovereign of also carries rings (:data:`DIVIDED_HATCH`)
and a dashed edge and is listed under the legend, and the border lines differ
by their dashes.

Matplotlib is imported when a map is drawn, with the Agg backend's canvas and
no pyplot, so importing this module stays cheap. Drawing is serialised by a
lock: matplotlib is not thread-safe, and Streamlit makes downloads on a
thread of their own.
"""

from __future__ import annotations

import functools
import io
import json
import textwrap
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shapely
from shapely.geometry import LineString, Point, Polygon, box, shape
from shapely.geometry.base import BaseGeometry

from geo.atlas import CERTAINTY_ORDER, Atlas, last_year
from geo.config import BASE_DIR, FIRST_YEAR, REGION
from geo.mapdata import VIEWS, Atom, UnitStyle, line_atoms, map_update
from geo.periods import year_date
from geo.places import places_at
from geo.sources import citation
from geo.treaties import DE_FACTO

if TYPE_CHECKING:
    import geopandas as gpd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.transforms import Bbox

# each format's MIME type, for a download
FORMATS = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
# landscape A4, in inches
PAGE_INCHES = (297 / 25.4, 210 / 25.4)
PNG_DPI = 200
# the page's preview: sharp on a wide screen, quick to draw
PREVIEW_DPI = 110
# conformal conic, true to scale along 40°N and 56°N, north straight up along 106°E
STANDARD_PARALLELS = (40, 56)
CENTRAL_MERIDIAN = 106
PROJECTION = (
    f"+proj=lcc +lat_0=48 +lon_0={CENTRAL_MERIDIAN} +lat_1={STANDARD_PARALLELS[0]} "
    f"+lat_2={STANDARD_PARALLELS[1]} +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
)
# the space the map may fill, in figure fractions (left, bottom, width, height); it
# keeps the projection's aspect, so it fills the width and shrinks in height, and the
# legend goes under it
MAP_FRAME = (0.03, 0.30, 0.94, 0.62)
# the gap between the map's frame and the legend, in figure fractions
LEGEND_GAP = 0.045
# the space between the blocks under the map, the least left edge of the scale's block,
# and how many fills the legend lists in one column
LEGEND_SPACING = 0.03
SCALE_LEFT = 0.64
FILL_ROWS = 5
# the room kept clear around a label, in points
LABEL_PAD_PT = 1.5
# one hatch per side, each of its own direction or shape, so that they stay apart in grey
SIDE_HATCHES = {
    "china": "////",
    "russia": "\\\\\\\\",
    "mongolia": "..",
    "japan": "||",
    "joint": "++",
    "undetermined": "--",
    "other": "xx",
}
FALLBACK_HATCH = "|-"
# added over land one side holds and another is sovereign of (a lease, an occupation)
DIVIDED_HATCH = "o"
DIVIDED_EDGE = (0, (3.0, 1.5))
HATCH_COLOR = "#262626"
HATCH_WIDTH_PT = 0.5
# side colours are mixed with white, so that the hatching over them stays legible
FILL_TINT = 0.55
SEA_COLOR = "#d7e6f0"
LAND_COLOR = "#fbfaf6"
COAST_COLOR = "#6b7f8c"
WATER_COLOR = "#2f6aa3"
UNIT_EDGE_COLOR = "#7a7a7a"
GRATICULE_COLOR = "#9aa7b0"
GRATICULE_STEP = 10
# Leaflet's pixels of line weight and dash, as points on paper
PX_TO_PT = 0.55
LINE_CASING_PT = 1.4
TITLE_PT = 15
SUBTITLE_PT = 9
LEGEND_PT = 7.5
NOTE_PT = 6.8
PLACE_PT = 7.0
UNIT_PT = 6.5
CITATION_PT = 6.3
CITATION_CHARS = 200
NOTE_CHARS = 70
# units smaller than this (km²) get no label on the page
LABEL_MIN_KM2 = 25_000.0
SCALE_KM = (0, 250, 500, 1000)
CJK_FONT = "Noto Sans CJK SC"
LATIN_FONT = "DejaVu Sans"
VIEW_NOTES = {
    "control": "colour and hatching show who controlled each territory.",
    "sovereign": "colour and hatching show each territory's sovereign by treaty.",
    "china": "every territory China held or claimed is drawn as China, the rest by its holder.",
    "russia": "every territory Russia held or claimed is drawn as Russia, the rest by its holder.",
}
# where a place's label may go, in order of preference: (ha, va, dx, dy) in points
_PLACE_SPOTS = (
    ("left", "center", 4, 0),
    ("right", "center", -4, 0),
    ("left", "bottom", 3, 2),
    ("left", "top", 3, -2),
    ("right", "bottom", -3, 2),
    ("right", "top", -3, -2),
    ("center", "bottom", 0, 4),
    ("center", "top", 0, -4),
    ("left", "bottom", 3, 9),
    ("left", "top", 3, -9),
    ("right", "bottom", -3, 9),
    ("right", "top", -3, -9),
)
# where a unit's label may go, from the middle of the unit, in points
_UNIT_SPOTS = (
    (0, 0),
    (0, 14),
    (0, -14),
    (28, 0),
    (-28, 0),
    (0, 28),
    (0, -28),
    (40, 20),
    (-40, -20),
    (40, -20),
    (-40, 20),
    (0, 42),
    (0, -42),
)
_RC = {
    "font.family": [LATIN_FONT, CJK_FONT],
    "hatch.linewidth": HATCH_WIDTH_PT,
    "hatch.color": HATCH_COLOR,
    "lines.scale_dashes": False,
    "pdf.fonttype": 42,
    "svg.hashsalt": "sino-russian-border-atlas",
}
_LOCK = threading.Lock()

Extent = tuple[float, float, float, float]


@dataclass(frozen=True)
class BaseLayers:
    """The base geography under the units, in WGS 84: land, lakes and rivers."""

    land: tuple[BaseGeometry, ...]
    lakes: tuple[BaseGeometry, ...]
    rivers: tuple[BaseGeometry, ...]


@functools.cache
def load_base(base_dir: Path = BASE_DIR) -> BaseLayers:
    """Read the base layers (``land``, ``lakes``, ``rivers``) from ``data/base``, once per folder.

    Examples
    --------
    >>> base = load_base()
    >>> len(base.land) > 100, len(base.rivers) > 0
    (True, True)
    """

    def read(name: str) -> tuple[BaseGeometry, ...]:
        doc = json.loads((base_dir / f"{name}.geojson").read_text(encoding="utf-8"))
        return tuple(shape(f["geometry"]) for f in doc["features"])

    return BaseLayers(read("land"), read("lakes"), read("rivers"))


def check_request(year: int, view: str, fmt: str, last: int | None = None) -> None:
    """Refuse a map that cannot be drawn, with a message that names what is wrong.

    Raises
    ------
    ValueError
        For a year outside the atlas, an unknown view or an unknown format.

    Examples
    --------
    >>> check_request(1860, "control", "pdf")
    >>> check_request(1860, "north", "pdf")
    Traceback (most recent call last):
    ...
    ValueError: unknown view 'north'; expected one of control, sovereign, china, russia
    """
    last = last_year() if last is None else last
    if not FIRST_YEAR <= year <= last:
        raise ValueError(f"year {year} is outside the atlas ({FIRST_YEAR}–{last})")
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}; expected one of {', '.join(VIEWS)}")
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


def file_name(year: int, view: str, fmt: str) -> str:
    """The name a downloaded map is saved under.

    Examples
    --------
    >>> file_name(1860, "control", "pdf")
    'sino-russian-border-1860-control.pdf'
    """
    return f"sino-russian-border-{year}-{view}.{fmt}"


def divided_notes(atlas: Atlas, styles: Mapping[str, UnitStyle]) -> list[str]:
    """One line per unit held by one side and sovereign to another, for under the legend.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> from geo.mapdata import map_update
    >>> atlas = load_atlas()
    >>> divided_notes(atlas, map_update(atlas, [], 1900).units)[0]
    'Manchuria: held by Russian Empire; sovereign Qing dynasty (occupation)'
    """
    return [
        f"{_short(atlas.unit(uid).name_en)}: held by {s.holder}; sovereign {s.sovereign} "
        f"({s.status})"
        for uid, s in styles.items()
        if s.hatch
    ]


def render_map(
    atlas: Atlas,
    year: int,
    view: str = "control",
    fmt: str = "png",
    *,
    base: BaseLayers | None = None,
    dpi: int = PNG_DPI,
    accessed: date | None = None,
) -> bytes:
    """The A4 map of one year in one view, as the bytes of a PNG, SVG or PDF file.

    Parameters
    ----------
    atlas : Atlas
        The loaded atlas.
    year : int
        The year, read on 31 December.
    view : str
        A key of :data:`geo.mapdata.VIEWS`: what the land is coloured by.
    fmt : str
        ``"png"``, ``"svg"`` or ``"pdf"``.
    base : BaseLayers, optional
        The base geography; read from ``data/base`` when not given.
    dpi : int
        The resolution of a PNG (SVG and PDF are vector pages).
    accessed : date, optional
        The day in the citation; today when not given.

    Returns
    -------
    bytes
        The file. SVG and PDF carry no creation date, so the same map on the
        same day gives the same bytes.

    Raises
    ------
    ValueError
        For a year outside the atlas, an unknown view or an unknown format.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> render_map(load_atlas(), 1860, "control", "png", dpi=30)[1:4]
    b'PNG'
    """
    check_request(year, view, fmt)
    import matplotlib

    fig = map_figure(atlas, year, view, base=base, accessed=accessed)
    out = io.BytesIO()
    metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None}}.get(fmt, {})
    with _LOCK, matplotlib.rc_context(_RC):
        fig.savefig(out, format=fmt, dpi=dpi, metadata=metadata)
    return out.getvalue()


def map_figure(
    atlas: Atlas,
    year: int,
    view: str = "control",
    *,
    base: BaseLayers | None = None,
    accessed: date | None = None,
) -> Figure:
    """The A4 page of :func:`render_map` as a matplotlib figure, before it is saved.

    The figure has an Agg canvas and belongs to no pyplot window; its first
    axes is the map.

    Raises
    ------
    ValueError
        For a year outside the atlas or an unknown view.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> fig = map_figure(load_atlas(), 1860, accessed=date(2026, 1, 1))
    >>> fig.texts[0].get_text()
    'The Sino-Russian borderlands on 31 December 1860'
    """
    check_request(year, view, "png")
    base = load_base() if base is None else base
    import matplotlib

    with _LOCK, matplotlib.rc_context(_RC):
        return _page(atlas, year, view, base, accessed or date.today())


def _page(atlas: Atlas, year: int, view: str, base: BaseLayers, accessed: date) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=PAGE_INCHES)
    FigureCanvasAgg(fig)
    atoms = line_atoms(atlas.edges, atlas.treaty_lines)
    update = map_update(atlas, atoms, year, view=view)
    extent = _extent()
    ax = fig.add_axes(_frame(extent))
    ax.set_facecolor(SEA_COLOR)
    _draw_base(ax, base)
    _draw_units(ax, atlas, update.units)
    _draw_graticule(ax, extent)
    kinds = _draw_lines(ax, atlas, atoms, update.lines)
    # geopandas sets the limits and the axis labels as it plots
    ax.set_xlim(extent[0], extent[2])
    ax.set_ylim(extent[1], extent[3])
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    taken = _draw_places(ax, atlas, year, _has_font(CJK_FONT))
    _draw_unit_labels(ax, atlas, update.units, view, extent, taken)
    _draw_north(ax, extent)
    _draw_titles(fig, ax, year, view)
    right = _draw_legend(fig, ax, atlas, update.units, kinds, view)
    _draw_scale(fig, ax, extent, right, divided_notes(atlas, update.units), view)
    fig.text(
        MAP_FRAME[0],
        0.016,
        "\n".join(textwrap.wrap(f"Cite as: {citation(accessed)}", CITATION_CHARS)),
        fontsize=CITATION_PT,
        color="#333333",
        va="bottom",
    )
    return fig


def _project(geoms: Iterable[BaseGeometry]) -> gpd.GeoSeries:
    import geopandas as gpd

    return gpd.GeoSeries(list(geoms), crs="EPSG:4326").to_crs(PROJECTION)


def _extent() -> Extent:
    # the region's frame, projected; its parallels are arcs, so it is densified first,
    # and the frame trims the empty corners above the northern arc
    region = shapely.segmentize(box(*REGION), 0.5)
    west, south, east, north = _project([region]).total_bounds
    pad = 0.02 * (east - west)
    return (west + pad, south + 2.2 * pad, east - pad, north - 0.5 * pad)


def _frame(extent: Extent) -> tuple[float, float, float, float]:
    # the map's axes in figure fractions: as large as MAP_FRAME allows at the extent's
    # aspect, against the top of the frame
    left, bottom, width, height = MAP_FRAME
    aspect = (extent[3] - extent[1]) / (extent[2] - extent[0])
    page_w, page_h = PAGE_INCHES
    fit_h = width * page_w * aspect / page_h
    if fit_h <= height:
        return (left, bottom + height - fit_h, width, fit_h)
    fit_w = height * page_h / aspect / page_w
    return (left + (width - fit_w) / 2, bottom, fit_w, height)


def _has_font(name: str) -> bool:
    from matplotlib import font_manager

    try:
        font_manager.findfont(name, fallback_to_default=False)
    except ValueError:
        return False
    return True


def _tint(color: str, amount: float = FILL_TINT) -> tuple[float, float, float]:
    from matplotlib.colors import to_rgb

    r, g, b = to_rgb(color)
    return (1 - amount * (1 - r), 1 - amount * (1 - g), 1 - amount * (1 - b))


def _hatch(side: str) -> str:
    return SIDE_HATCHES.get(side, FALLBACK_HATCH)


def _short(name: str) -> str:
    # "Tuva (Uriankhai)" -> "Tuva": the page has room for the first name only
    return name.split(" (")[0]


def _halo(width: float) -> list[Any]:
    from matplotlib import patheffects

    return [patheffects.withStroke(linewidth=width, foreground="white")]


def _fill(ax: Axes, geoms: Iterable[BaseGeometry], **style: Any) -> None:
    # every polygon as one patch: outer rings anticlockwise and holes clockwise, so
    # that the holes stay empty under the non-zero fill rule
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path

    rings = [
        Path(shapely.get_coordinates(ring), closed=True)
        for polygon in shapely.get_parts(shapely.orient_polygons(list(geoms)))
        if isinstance(polygon, Polygon)
        for ring in (polygon.exterior, *polygon.interiors)
    ]
    if rings:
        # add_artist, not add_patch: the limits are set, and walking the rings for them is slow
        ax.add_artist(PathPatch(Path.make_compound_path(*rings), **style))


def _stroke(ax: Axes, geoms: Iterable[BaseGeometry], **style: Any) -> None:
    from matplotlib.collections import LineCollection

    parts = [
        shapely.get_coordinates(line)
        for line in shapely.get_parts(shapely.line_merge(shapely.union_all(list(geoms))))
        if isinstance(line, LineString)
    ]
    if parts:
        ax.add_collection(LineCollection(parts, **style), autolim=False)


def _draw_base(ax: Axes, base: BaseLayers) -> None:
    _fill(
        ax,
        _project(base.land),
        facecolor=LAND_COLOR,
        edgecolor=COAST_COLOR,
        linewidth=0.35,
        zorder=1,
    )
    _fill(
        ax,
        _project(base.lakes),
        facecolor=SEA_COLOR,
        edgecolor=WATER_COLOR,
        linewidth=0.3,
        zorder=4,
    )
    _stroke(ax, _project(base.rivers), color=WATER_COLOR, linewidth=0.55, zorder=4)


def _draw_units(ax: Axes, atlas: Atlas, styles: Mapping[str, UnitStyle]) -> None:
    # one collection per side and kind of hatch, then the units' edges and the dashed
    # edges of divided land
    by_id = {u.id: u.geometry for u in atlas.units}
    for side in atlas.sides:
        for divided in (False, True):
            ids = [u for u, s in styles.items() if s.side == side and bool(s.hatch) == divided]
            if not ids:
                continue
            _fill(
                ax,
                _project(by_id[u] for u in ids),
                facecolor=_tint(atlas.sides[side].color),
                # an edge of the fill's own colour, not none: a PDF viewer may draw the
                # hatch with the edge's opacity
                edgecolor=_tint(atlas.sides[side].color),
                hatchcolor=HATCH_COLOR,
                hatch=_hatch(side) + (DIVIDED_HATCH if divided else ""),
                linewidth=0,
                zorder=2,
            )
    _stroke(ax, _project(by_id.values()).boundary, color=UNIT_EDGE_COLOR, linewidth=0.3, zorder=3)
    divided = [u for u, s in styles.items() if s.hatch]
    if divided:
        _stroke(
            ax,
            _project(by_id[u] for u in divided).boundary,
            color=HATCH_COLOR,
            linewidth=0.9,
            linestyle=DIVIDED_EDGE,
            zorder=3,
        )


def _points(geom: BaseGeometry) -> list[Point]:
    return [p for p in shapely.get_parts(geom) if isinstance(p, Point)]


def _draw_graticule(ax: Axes, extent: Extent) -> None:
    lons = range(40, 181, GRATICULE_STEP)
    lats = range(20, 81, GRATICULE_STEP)
    meridians = [shapely.segmentize(LineString([(x, 15), (x, 80)]), 0.5) for x in lons]
    parallels = [shapely.segmentize(LineString([(30, y), (190, y)]), 0.5) for y in lats]
    lines = _project([*meridians, *parallels])
    _stroke(ax, lines, color=GRATICULE_COLOR, linewidth=0.3, linestyle=(0, (4, 3)), zorder=3.5)
    edge = box(*extent).exterior
    style = {"fontsize": 5.5, "color": "#55636d", "clip_on": False}
    # meridians are labelled where they leave the bottom edge, parallels the left one
    for lon, line in zip(lons, lines[: len(meridians)], strict=True):
        low = [p for p in _points(line.intersection(edge)) if abs(p.y - extent[1]) < 1]
        if low:
            ax.text(low[0].x, extent[1], f"{lon}°E", ha="center", va="top", **style)
    for lat, line in zip(lats, lines[len(meridians) :], strict=True):
        left = [p for p in _points(line.intersection(edge)) if abs(p.x - extent[0]) < 1]
        if left:
            ax.text(extent[0], left[0].y, f"{lat}°N ", ha="right", va="center", **style)


def _dashes(dash: str | None) -> Any:
    if not dash:
        return "solid"
    return (0, tuple(float(d) * PX_TO_PT for d in dash.split()))


def _draw_lines(
    ax: Axes, atlas: Atlas, atoms: Sequence[Atom], lines: Mapping[str, tuple[str, str, str]]
) -> list[str]:
    # the year's borders between sides, each piece in the style of the surest treaty
    # line along it, over a white casing; returns the kinds drawn, for the legend
    by_id = {a.id: a for a in atoms}
    kinds = [k for k in (*CERTAINTY_ORDER, DE_FACTO) if any(v[0] == k for v in lines.values())]
    for kind in reversed(kinds):
        style = atlas.certainties[kind]
        geoms = _project(by_id[aid].geometry for aid, v in lines.items() if v[0] == kind)
        width = style.weight * PX_TO_PT
        _stroke(ax, geoms, color="white", linewidth=width + LINE_CASING_PT, zorder=5)
        _stroke(
            ax, geoms, color=style.color, linewidth=width, linestyle=_dashes(style.dash), zorder=6
        )
    return kinds


def _free(box_: Bbox, taken: list[Bbox], inside: Bbox, pad: float) -> bool:
    # inside the map, and clear of every label and marker by ``pad`` pixels
    grown = box_.padded(pad)
    return (
        box_.x0 >= inside.x0
        and box_.x1 <= inside.x1
        and box_.y0 >= inside.y0
        and box_.y1 <= inside.y1
        and not any(grown.overlaps(t) for t in taken)
    )


def _draw_places(ax: Axes, atlas: Atlas, year: int, chinese: bool) -> list[Bbox]:
    # each place's label goes to the first spot around its marker that is clear of the
    # other markers and labels, in three languages if there is room, else in English;
    # returns the room the labels and markers take, for the units' labels to keep clear of
    shown = places_at(atlas.places, year_date(year))
    if not shown:
        return []
    points = _project(Point(p.lon, p.lat) for p, _ in shown)
    ax.scatter(
        points.x, points.y, s=12, facecolor="white", edgecolor="black", linewidth=0.8, zorder=8
    )
    renderer = ax.figure.canvas.get_renderer()
    inside = ax.get_window_extent(renderer)
    pad = LABEL_PAD_PT * ax.figure.dpi / 72
    markers = [_point_box(*ax.transData.transform((pt.x, pt.y)), 3) for pt in points]
    labels: list[Bbox] = []
    for i, ((place, name), point) in enumerate(zip(shown, points, strict=True)):
        others = markers[:i] + markers[i + 1 :] + labels
        other = f"{name.ru} · {name.zh}" if chinese else name.ru
        tries = [(f"{name.en}\n{other}", spot) for spot in _PLACE_SPOTS]
        tries += [(name.en, spot) for spot in _PLACE_SPOTS]
        best: tuple[float, Any, Bbox] | None = None
        for text, (ha, va, dx, dy) in tries:
            label = ax.annotate(
                text,
                (point.x, point.y),
                xytext=(dx, dy),
                textcoords="offset points",
                ha=ha,
                va=va,
                fontsize=PLACE_PT,
                fontweight="bold" if place.kind == "capital" else "normal",
                linespacing=1.1,
                path_effects=_halo(2.4),
                zorder=9,
            )
            room = label.get_window_extent(renderer)
            clash = 0.0 if _free(room, others, inside, pad) else _clash(room, others) + 1.0
            if best is None or clash < best[0]:
                if best is not None:
                    best[1].remove()
                best = (clash, label, room)
            else:
                label.remove()
            if clash == 0.0:
                break
        if best is not None:
            labels.append(best[2])
    return markers + labels


def _clash(room: Bbox, others: Sequence[Bbox]) -> float:
    # how much of a label's room other labels and markers take
    total = 0.0
    for o in others:
        w = min(room.x1, o.x1) - max(room.x0, o.x0)
        h = min(room.y1, o.y1) - max(room.y0, o.y0)
        if w > 0 and h > 0:
            total += w * h
    return total


def _point_box(x: float, y: float, r: float) -> Bbox:
    from matplotlib.transforms import Bbox

    return Bbox([[x - r, y - r], [x + r, y + r]])


def _unit_text(unit_name: str, style: UnitStyle, view: str) -> str:
    # the unit's name over whom the view colours it by
    if not style.sovereign:
        return f"{_short(unit_name)}\n{style.holder}"
    if view == "sovereign":
        return f"{_short(unit_name)}\n{style.sovereign}\n(held by {style.holder})"
    return f"{_short(unit_name)}\n{style.holder}\n({style.status})"


def _draw_unit_labels(
    ax: Axes,
    atlas: Atlas,
    styles: Mapping[str, UnitStyle],
    view: str,
    extent: Extent,
    taken: list[Bbox],
) -> None:
    # the larger units first; a label that finds no free spot is left out
    renderer = ax.figure.canvas.get_renderer()
    inside = ax.get_window_extent(renderer)
    pad = LABEL_PAD_PT * ax.figure.dpi / 72
    frame = box(*extent)
    units = sorted(atlas.units, key=lambda u: -atlas.areas[u.id])
    for unit, geom in zip(units, _project(u.geometry for u in units), strict=True):
        if atlas.areas[unit.id] < LABEL_MIN_KM2:
            break
        shown = geom.intersection(frame)
        if shown.is_empty:
            continue
        at = _label_point(shown)
        for dx, dy in _UNIT_SPOTS:
            label = ax.annotate(
                _unit_text(unit.name_en, styles[unit.id], view),
                (at.x, at.y),
                xytext=(dx, dy),
                textcoords="offset points",
                fontsize=UNIT_PT,
                fontstyle="italic",
                ha="center",
                va="center",
                color="#1a1a1a",
                linespacing=1.15,
                path_effects=_halo(2.2),
                zorder=7,
            )
            extent_ = label.get_window_extent(renderer)
            if _free(extent_, taken, inside, pad):
                taken.append(extent_)
                break
            label.remove()


def _label_point(geom: BaseGeometry) -> Point:
    # the middle of the largest part, or a point inside it when the middle falls outside
    part = max(shapely.get_parts(geom), key=lambda p: p.area)
    centre = part.centroid
    return centre if part.contains(centre) else part.representative_point()


def _draw_north(ax: Axes, extent: Extent) -> None:
    # drawn along the meridian where it stands: in a conic projection north turns with
    # the longitude
    from pyproj import Transformer

    west, south, east, north = extent
    x, y = west + 0.965 * (east - west), south + 0.86 * (north - south)
    lon, lat = Transformer.from_crs(PROJECTION, "EPSG:4326", always_xy=True).transform(x, y)
    ahead = _project([Point(lon, lat), Point(lon, lat + 1)])
    dx, dy = ahead.iloc[1].x - ahead.iloc[0].x, ahead.iloc[1].y - ahead.iloc[0].y
    scale = 0.07 * (north - south) / (dx**2 + dy**2) ** 0.5
    ux, uy = dx * scale, dy * scale
    ax.annotate(
        "",
        xy=(x + ux / 2, y + uy / 2),
        xytext=(x - ux / 2, y - uy / 2),
        arrowprops={"arrowstyle": "-|>,head_width=0.35,head_length=0.8", "lw": 1.4, "color": "k"},
        zorder=10,
    )
    ax.text(
        x + ux * 0.8,
        y + uy * 0.8,
        "N",
        ha="center",
        va="center",
        fontsize=10,
        zorder=10,
        fontweight="bold",
        path_effects=_halo(2.5),
    )


def _draw_titles(fig: Figure, ax: Axes, year: int, view: str) -> None:
    top = ax.get_position().y1
    fig.text(
        MAP_FRAME[0],
        top + 0.052,
        f"The Sino-Russian borderlands on 31 December {year}",
        fontsize=TITLE_PT,
        fontweight="bold",
        va="bottom",
    )
    fig.text(
        MAP_FRAME[0],
        top + 0.012,
        f"{VIEWS[view]}: {VIEW_NOTES[view]}",
        fontsize=SUBTITLE_PT,
        va="bottom",
        color="#222222",
    )


def _draw_legend(
    fig: Figure,
    ax: Axes,
    atlas: Atlas,
    styles: Mapping[str, UnitStyle],
    kinds: Sequence[str],
    view: str,
) -> float:
    # two blocks under the map, side by side: the sides (fills), then the lines and
    # symbols; returns where the second ends, in figure fractions
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    used = [s for s in atlas.sides if any(st.side == s for st in styles.values())]
    fills: list[Any] = [
        Patch(
            facecolor=_tint(atlas.sides[s].color),
            edgecolor=HATCH_COLOR,
            hatch=_hatch(s),
            linewidth=0.5,
            label=atlas.sides[s].name_en,
        )
        for s in used
    ]
    if any(st.hatch for st in styles.values()):
        other = (
            "sovereign one side, held by another"
            if view == "sovereign"
            else "held by one side, sovereign another"
        )
        fills.append(
            Patch(
                facecolor="white",
                edgecolor=HATCH_COLOR,
                # twice as dense as on the map, so that whole rings fit in the swatch
                hatch=DIVIDED_HATCH * 2,
                linewidth=0.9,
                linestyle=DIVIDED_EDGE,
                label=f"Rings, dashed edge: {other}\n(listed right)",
            )
        )
    marks: list[Any] = [
        Line2D(
            [],
            [],
            color=atlas.certainties[k].color,
            linewidth=atlas.certainties[k].weight * PX_TO_PT,
            linestyle=_dashes(atlas.certainties[k].dash),
            label=atlas.certainties[k].label,
        )
        for k in kinds
    ]
    marks += [
        Line2D([], [], color=UNIT_EDGE_COLOR, linewidth=0.5, label="Edge of a territory"),
        Line2D([], [], color=WATER_COLOR, linewidth=0.8, label="River or lake"),
        Line2D(
            [],
            [],
            marker="o",
            linestyle="none",
            markerfacecolor="white",
            markeredgecolor="black",
            markersize=4,
            label="Town, fort or site, under its names of the year",
        ),
    ]
    common = {
        "loc": "upper left",
        "fontsize": LEGEND_PT,
        "frameon": False,
        "handlelength": 3.6,
        "handleheight": 2.1,
        "borderaxespad": 0,
        "alignment": "left",
        "title_fontproperties": {"size": LEGEND_PT + 0.6, "weight": "bold"},
    }
    top = ax.get_position().y0 - LEGEND_GAP
    renderer = fig.canvas.get_renderer()
    right = MAP_FRAME[0]
    for handles, title, ncol in (
        (fills, VIEWS[view], 1 if len(fills) <= FILL_ROWS else 2),
        (marks, "Lines and places", 1),
    ):
        legend = fig.legend(
            handles=handles, bbox_to_anchor=(right, top), ncol=ncol, title=title, **common
        )
        right = fig.transFigure.inverted().transform(legend.get_window_extent(renderer))[1][0]
        right += LEGEND_SPACING
    return right


def _draw_scale(
    fig: Figure, ax: Axes, extent: Extent, right: float, notes: Sequence[str], view: str
) -> None:
    # the bar's axes is as wide on the page as its kilometres are on the map
    from matplotlib.patches import Rectangle

    pos = ax.get_position()
    fraction_per_km = 1000 * pos.width / (extent[2] - extent[0])
    left, top = max(SCALE_LEFT, right), pos.y0 - LEGEND_GAP - 0.03
    bar = fig.add_axes((left, top, SCALE_KM[-1] * fraction_per_km, 0.011))
    bar.set_xlim(0, SCALE_KM[-1])
    bar.set_ylim(0, 1)
    bar.set_axis_off()
    for i, (a, b) in enumerate(zip(SCALE_KM, SCALE_KM[1:], strict=False)):
        bar.add_patch(
            Rectangle(
                (a, 0),
                b - a,
                1,
                facecolor="black" if i % 2 == 0 else "white",
                edgecolor="black",
                linewidth=0.6,
            )
        )
    for km in SCALE_KM:
        bar.text(km, 1.5, f"{km}", ha="center", va="bottom", fontsize=NOTE_PT)
    bar.text(SCALE_KM[-1] + 40, 0.5, "km", ha="left", va="center", fontsize=NOTE_PT)
    ratio = (extent[2] - extent[0]) / (pos.width * PAGE_INCHES[0] * 0.0254)
    lines = [
        f"Scale about 1:{_round_scale(ratio):,} on A4, true along {STANDARD_PARALLELS[0]}°N "
        f"and {STANDARD_PARALLELS[1]}°N;",
        f"Lambert conformal conic projection, north straight up along {CENTRAL_MERIDIAN}°E.",
    ]
    if notes:
        lines += [
            "",
            "Sovereign one side, held by another:"
            if view == "sovereign"
            else "Held by one side, sovereign another:",
        ]
        lines += ["\n".join(textwrap.wrap(n, NOTE_CHARS, subsequent_indent="    ")) for n in notes]
    fig.text(left, top - 0.018, "\n".join(lines), fontsize=NOTE_PT, va="top", color="#222222")


def _round_scale(ratio: float) -> int:
    # two significant figures: 23,712,345 -> 24,000,000
    step = 10 ** (len(str(int(ratio))) - 2)
    return int(round(ratio / step) * step)
