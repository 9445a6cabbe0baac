"""The folium map: a constant base map, and one feature group per year.

The base map (:func:`base_map`) renders identically on every run, so
streamlit-folium keeps its iframe, the user's zoom and pan; everything that
changes with the year goes into the feature group of :func:`year_layer`,
sent with the map element (:func:`geo.loaders.atlas_map`, which passes it on to streamlit-folium).

Leaflet comes from the installed ``django-js-lib-leaflet`` package and the
base geography from ``data/base``; both are served by Streamlit's static
file server (``/app/static``), so the map needs no internet connection.

folium does not escape tooltip text: every string from the data is escaped
here before it reaches HTML.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence

import folium
import xyzservices.providers as tiles
from branca.element import MacroElement
from jinja2 import Template
from shapely.geometry.base import BaseGeometry
from xyzservices import TileProvider

from geo.atlas import Atlas, LegendRow, legend_rows
from geo.config import MAP_BOUNDS, REGION
from geo.frame import (
    FADE_DEG,
    FADE_OUTSET_DEG,
    Neighbour,
    fade_bands,
    fade_geojson,
    neighbour_geojson,
    neighbour_shapes,
)
from geo.mapdata import (
    Atom,
    MapUpdate,
    atom_geometry,
    border_geometry,
    clause_notes,
    place_geometry,
    unit_geometry,
)
from geo.text import html_text
from geo.treaties import Certainty

STATIC_URL = "/app/static"
BASE_LAYERS = ("land", "lakes", "rivers")
# the map opens on the middle of the region, from Balkhash to Sakhalin
CENTER = ((REGION[1] + REGION[3]) / 2, (REGION[0] + REGION[2]) / 2)
# the pan limits, as ((south, west), (north, east)): as far as the base land goes
BOUNDS = ((MAP_BOUNDS[1], MAP_BOUNDS[0]), (MAP_BOUNDS[3], MAP_BOUNDS[2]))
ZOOM = 4
MIN_ZOOM = 4
MAX_ZOOM = 13
HEIGHT = 640
SEA_COLOR = "#cfe0ec"
LAND_COLOR = "#f4f1e8"
WATER_COLOR = "#2f6aa3"
# a pale casing keeps a river legible on the blue of Russian land and where a
# border runs on it
RIVER_CASING_COLOR = "#eef5fb"
RIVER_CASING_PX = 1.8
# (from zoom, line width in px) for the rivers
RIVER_WIDTHS = ((0, 1.5), (6, 2.5), (8, 4.0), (10, 6.0))
BORDER_COLOR = "#1d1d1d"
# strong enough that the sides stay apart under colour-vision deficiencies (tests/test_palette.py)
UNIT_FILL_OPACITY = 0.7
UNIT_EDGE_COLOR = "#666666"
UNIT_EDGE_PX = 0.5
UNIT_EDGE_OPACITY = 0.5
# a unit's fill before its first update arrives
PENDING_COLOR = "#dddddd"
# dark outlines: 3:1 or more against every side's fill and the land (tests/test_palette.py)
SELECTED_COLOR = "#4b0082"
SELECTED_PX = 3
HOVER_PX = 2.5
# land that changed hands since the year before, and the border it had then
CHANGED_COLOR = "#7a0019"
# dashed, so that a change does not rest on colour alone
CHANGED_DASH = "6 4"
CHANGED_PX = 2.5
GHOST_COLOR = "#111111"
GHOST_PX = 2.0
GHOST_OPACITY = 1.0
GHOST_DASH = "2 6"
HOVER_FILL_OPACITY = 0.85
PLACE_RADIUS_PX = 4
PLACE_EDGE_COLOR = "#222222"
PLACE_EDGE_PX = 1
PLACE_FILL_COLOR = "#ffffff"
# the neighbours under the territories (overlayPane, 400); the fade over them, under the water
PANES = (("neighbours", 390), ("fade", 430), ("water", 440), ("borders", 450), ("places", 460))
NEIGHBOUR_COLOR = "#e2ddd0"
NEIGHBOUR_EDGE_COLOR = "#a39e90"
# the online bases the layer control offers beside the offline map: a relief
# without modern borders, and OpenStreetMap; both optional, both may fail
ONLINE_TILES = (
    ("Relief, no borders (online, Esri)", tiles.Esri.WorldShadedRelief),
    ("OpenStreetMap (online)", tiles.OpenStreetMap.Mapnik),
)
LAYER_LABELS = {
    "offline": "Atlas map (offline)",
    "units": "Territories",
    "lines": "Borders and treaty lines",
    "places": "Places",
    "today": "Today's borders",
    "failed": "could not load; back to the offline map.",
}
TODAY_COLOR = "#000000"
TODAY_PX = 1.5
TODAY_DASH = "6 3 1 3"
# a unit too small to see at the opening zoom is zoomed to when it is selected
FOCUS_MAX_KM2 = 5000.0
FOCUS_WIDTH_PX = 500
FOCUS_MAX_ZOOM = 12


class _PruneOldFeatureGroups(MacroElement):
    # runs in the year's feature group, where streamlit-folium names the map
    # ``map_div``; see pruneFeatureGroups in web/atlas.js
    _template = Template(
        """{% macro script(this, kwargs) %}
        atlasMap.pruneFeatureGroups(typeof map_div === "undefined" ? null : map_div);
        {% endmacro %}"""
    )


class _Start(MacroElement):
    # the whole base map's own script: atlas.js reads its settings from the static
    # server (settings.json, written by map_settings), so a step that resends the
    # base script with the year's update sends a few hundred bytes of it
    _template = Template(
        """{% macro script(this, kwargs) %}
        atlasMap.start({{ this._parent.get_name() }}, {{ this.url }});
        {% endmacro %}"""
    )

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = json.dumps(url)


def _unit_settings(line_styles: Mapping[str, Certainty]) -> dict:
    # how the units, the year's border pieces and the places are drawn
    return {
        "unit": {
            "fillOpacity": UNIT_FILL_OPACITY,
            "edge": UNIT_EDGE_COLOR,
            "weight": UNIT_EDGE_PX,
            "opacity": UNIT_EDGE_OPACITY,
            "selectedColor": SELECTED_COLOR,
            "selectedWeight": SELECTED_PX,
            "pending": PENDING_COLOR,
            "changedColor": CHANGED_COLOR,
            "changedWeight": CHANGED_PX,
            "changedDash": CHANGED_DASH,
        },
        "ghost": {
            "color": GHOST_COLOR,
            "weight": GHOST_PX,
            "opacity": GHOST_OPACITY,
            "dash": GHOST_DASH,
        },
        "hover": {"weight": HOVER_PX, "fillOpacity": HOVER_FILL_OPACITY},
        "place": {
            "radius": PLACE_RADIUS_PX,
            "color": PLACE_EDGE_COLOR,
            "weight": PLACE_EDGE_PX,
            "fill": PLACE_FILL_COLOR,
        },
        "lines": {
            kind: {"color": s.color, "weight": s.weight, "dash": s.dash}
            for kind, s in line_styles.items()
        },
    }


def _control_settings(online: Sequence[tuple[str, TileProvider]]) -> dict:
    # the layer control: its labels, the online bases and today's borders
    return {
        "labels": {k: html_text(v) for k, v in LAYER_LABELS.items()},
        "tiles": [
            {
                "name": html_text(name),
                "url": provider.build_url(),
                # the providers' own attributions, with their links
                "attribution": provider.html_attribution,
                "maxZoom": min(provider.get("max_zoom", MAX_ZOOM), MAX_ZOOM),
            }
            for name, provider in online
        ],
        "today": {
            "color": TODAY_COLOR,
            "weight": TODAY_PX,
            "dashArray": TODAY_DASH,
            "opacity": 0.9,
            "className": "line line-today",
        },
    }


def map_settings(legend_rows: Sequence[LegendRow], line_styles: Mapping[str, Certainty]) -> dict:
    """Everything the base map draws with, written once to ``static/atlas/settings.json``.

    The styles of the base layers, the units, the border pieces and the
    places, the frame, the layer control and the legend's HTML (escaped)
    are the same on every run and every page, so they are a static file
    that ``atlasMap.start`` in web/atlas.js reads when the map starts.

    Examples
    --------
    >>> settings = map_settings([LegendRow("China", "#d9534f")], {})
    >>> sorted(settings)
    ['base', 'control', 'frame', 'legend', 'panes', 'units']
    >>> settings["base"]["layers"]
    ['land', 'lakes', 'rivers']
    """
    change_rows = [
        LegendRow(
            "Outline: land that changed hands in the year", CHANGED_COLOR, True, CHANGED_DASH
        ),
        LegendRow("The border of the year before, where it moved", GHOST_COLOR, True, GHOST_DASH),
    ]
    return {
        # the map's panes, by z-index; none of them takes the pointer from the units
        "panes": [list(pane) for pane in PANES],
        "base": {"layers": list(BASE_LAYERS), "sea": SEA_COLOR, "styles": _base_styles()},
        "frame": {
            "land": LAND_COLOR,
            "opaqueFrom": round(FADE_DEG / (FADE_DEG + FADE_OUTSET_DEG), 3),
            "neighbour": {"fill": NEIGHBOUR_COLOR, "edge": NEIGHBOUR_EDGE_COLOR},
        },
        "units": _unit_settings(line_styles),
        "control": _control_settings(ONLINE_TILES),
        "legend": legend_html([*legend_rows, *change_rows], "Held by"),
    }


class _Update(MacroElement):
    # runs in the year's feature group: restyles the units and redraws the
    # border pieces that the base map loaded once (see update in web/atlas.js)
    _template = Template(
        """{% macro script(this, kwargs) %}
        atlasMap.update({{ this.data }});
        {% endmacro %}"""
    )

    def __init__(self, update: MapUpdate, fit: bool = False) -> None:
        super().__init__()
        data = {**update.to_json(), "fit": fit}
        self.data = json.dumps(data, ensure_ascii=False, sort_keys=True)


def _base_styles() -> dict:
    # how each base layer is drawn: one or more Leaflet styles per layer
    return {
        "land": [
            {
                "pane": "tilePane",
                "style": {
                    "fillColor": LAND_COLOR,
                    "fillOpacity": 1,
                    # no outline: the land is cut along the region's edge
                    # and the coast shows well enough against the sea
                    "stroke": False,
                    "className": "base-land",
                },
            }
        ],
        "lakes": [
            {
                "pane": "water",
                "style": {
                    "fillColor": SEA_COLOR,
                    "fillOpacity": 1,
                    "color": WATER_COLOR,
                    "weight": 0.8,
                    "className": "base-lake",
                },
            }
        ],
        "rivers": [
            {
                "pane": "water",
                "style": {
                    "color": RIVER_CASING_COLOR,
                    "weight": RIVER_WIDTHS[0][1] + RIVER_CASING_PX,
                    "opacity": 0.85,
                    "fill": False,
                    "className": "base-river-casing",
                },
                "widths": [[z, w + RIVER_CASING_PX] for z, w in RIVER_WIDTHS],
            },
            {
                "pane": "water",
                "style": {
                    "color": WATER_COLOR,
                    "weight": RIVER_WIDTHS[0][1],
                    "opacity": 1,
                    "fill": False,
                    "className": "base-river",
                },
                "widths": [list(zw) for zw in RIVER_WIDTHS],
            },
        ],
    }


def legend_html(rows: Sequence[LegendRow], title: str) -> str:
    """HTML of the legend, with every label escaped.

    Examples
    --------
    >>> "&lt;b&gt;" in legend_html([LegendRow("<b>", "#fff")], "Held by")
    True
    """
    # a <details> box, so the legend can be folded away when zoomed in close
    parts = [f"<details open><summary class='atlas-legend-title'>{html_text(title)}</summary>"]
    for row in rows:
        if row.line:
            dash = f"stroke-dasharray='{html_text(row.dash)}'" if row.dash else ""
            swatch = (
                "<svg width='26' height='10'><line x1='0' y1='5' x2='26' y2='5' "
                f"stroke='{html_text(row.color)}' stroke-width='2.5' {dash}/></svg>"
            )
        elif row.hatch:
            # the stripes the map draws over land whose sovereign is another side
            swatch = "<span class='atlas-swatch atlas-swatch-hatch'></span>"
        else:
            swatch = f"<span class='atlas-swatch' style='background:{html_text(row.color)}'></span>"
        parts.append(f"<div class='atlas-legend-row'>{swatch} {html_text(row.label)}</div>")
    parts.append("</details>")
    return "".join(parts)


def map_files(
    atlas: Atlas,
    atoms: Sequence[Atom],
    land: BaseGeometry,
    neighbours: Sequence[Neighbour],
    last_year: int,
) -> dict[str, dict]:
    """The documents the base map loads from ``static/atlas``, by file name.

    The units, the pieces of border, the places, the treaty clauses, today's
    borders, the neighbours and the fade at the region's edge, and the map's
    settings (:func:`map_settings`). They are written by
    :func:`geo.assets.install_static`, at start-up or by ``python -m geo static``.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> from geo.atlas import load_atlas
    >>> files = map_files(load_atlas(), (), box(60, 30, 150, 65), (), 2000)
    >>> sorted(files)[:4]
    ['clauses.json', 'fade.geojson', 'lines.geojson', 'neighbours.geojson']
    """
    shapes = neighbour_shapes(neighbours, land, [u.geometry for u in atlas.units])
    return {
        "units.geojson": unit_geometry(atlas),
        "lines.geojson": atom_geometry(atoms),
        "places.geojson": place_geometry(atlas),
        "clauses.json": clause_notes(atlas),
        "settings.json": map_settings(legend_rows(atlas), atlas.certainties),
        "today.geojson": border_geometry(atlas, atoms, last_year),
        "neighbours.geojson": neighbour_geojson(neighbours, shapes),
        "fade.geojson": fade_geojson(fade_bands(land, REGION)),
    }


def base_map(*, static_url: str = STATIC_URL) -> folium.Map:
    """The constant base map: offline Leaflet, the base geography, the units, the legend.

    The map's settings (:func:`map_settings`), the units' polygons and the
    pieces of border are loaded once from the static files
    (:func:`geo.mapdata.unit_geometry`, :func:`geo.mapdata.atom_geometry`);
    each year's feature group (:func:`year_layer`) only restyles them.

    Examples
    --------
    >>> m = base_map()
    >>> [src for _, src in m.default_js]
    ['/app/static/leaflet/leaflet.js', '/app/static/atlas/atlas.js']
    """
    m = folium.Map(
        location=CENTER,
        zoom_start=ZOOM,
        min_zoom=MIN_ZOOM,
        max_zoom=MAX_ZOOM,
        tiles=None,
        control_scale=True,
        # Leaflet's keyboard handler focuses the map on mouse-down, which makes the
        # browser scroll a partly hidden map into view and lose the click
        keyboard=False,
        max_bounds=True,
        min_lat=BOUNDS[0][0],
        min_lon=BOUNDS[0][1],
        max_lat=BOUNDS[1][0],
        max_lon=BOUNDS[1][1],
    )
    # only Leaflet itself: folium's jQuery, Bootstrap and awesome-markers come
    # from CDNs and nothing here needs them
    m.default_js = [
        ("leaflet", f"{static_url}/leaflet/leaflet.js"),
        ("atlas", f"{static_url}/atlas/atlas.js"),
    ]
    m.default_css = [
        ("leaflet_css", f"{static_url}/leaflet/leaflet.css"),
        ("atlas_css", f"{static_url}/atlas/atlas.css"),
    ]
    m.add_child(_Start(static_url))
    return m


def focus(
    bounds: tuple[float, float, float, float], area_km2: float
) -> tuple[tuple[float, float], int] | None:
    """Centre and zoom that show a small unit, or None for one visible at the opening zoom.

    Examples
    --------
    >>> focus((134.4, 48.26, 135.1, 48.45), 266.0)
    ((48.355, 134.75), 9)
    >>> focus((100.0, 40.0, 120.0, 50.0), 1_500_000.0) is None
    True
    """
    if area_km2 > FOCUS_MAX_KM2:
        return None
    west, south, east, north = bounds
    span = max(east - west, (north - south) * 1.5, 1e-6)
    # at zoom z a degree of longitude is 256 * 2**z / 360 pixels wide
    zoom = int(math.floor(math.log2(FOCUS_WIDTH_PX * 360 / (256 * span))))
    centre = (round((south + north) / 2, 6), round((west + east) / 2, 6))
    return centre, max(ZOOM, min(FOCUS_MAX_ZOOM, zoom))


def unit_focus(atlas: Atlas, unit_id: str | None) -> tuple[tuple[float, float], int] | None:
    """Centre and zoom for the chosen unit, or None to leave the reader's view alone.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> atlas = load_atlas()
    >>> unit_focus(atlas, "zhenbao")[1], unit_focus(atlas, "manchuria"), unit_focus(atlas, None)
    (12, None, None)
    """
    if unit_id is None:
        return None
    return focus(atlas.unit(unit_id).geometry.bounds, atlas.areas[unit_id])


def map_options(focus: tuple[tuple[float, float], int] | None) -> dict:
    """The options of the map element (:func:`geo.loaders.atlas_map`), focused on a unit or not.

    The map returns only what a click needs: the clicked unit and the click
    counter, so that panning and zooming do not rerun the page.

    Examples
    --------
    >>> map_options(None)["center"], map_options(((45.0, 130.0), 8))["zoom"]
    (None, 8)
    """
    return {
        "height": HEIGHT,
        "returned_objects": ["last_active_drawing", "last_object_clicked_count"],
        "center": focus[0] if focus else None,
        "zoom": focus[1] if focus else None,
    }


def year_layer(update: MapUpdate, fit: bool = False) -> folium.FeatureGroup:
    """The feature group of one year: a small script that restyles the map by id.

    The units, the pieces of border and the places were loaded once by the
    base map (:func:`base_map`); a year only says how to draw them. With
    ``fit``, the page has zoomed in on the selected unit (:func:`unit_focus`),
    and the map zooms out as far as it must to show it whole, on a map
    narrower than :data:`FOCUS_WIDTH_PX`.

    Examples
    --------
    >>> from geo.mapdata import MapUpdate
    >>> fg = year_layer(MapUpdate({}, {}, {}), fit=True)
    >>> isinstance(fg, folium.FeatureGroup)
    True
    """
    fg = folium.FeatureGroup(name="year")
    fg.add_child(_Update(update, fit))
    fg.add_child(_PruneOldFeatureGroups())
    return fg
