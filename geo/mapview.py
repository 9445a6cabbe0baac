"""The folium map: a constant base map, and one feature group per year.

The base map (:func:`base_map`) renders identically on every run, so
streamlit-folium keeps its iframe, the user's zoom and pan; everything that
changes with the year goes into the feature group of :func:`year_layer`,
sent with ``st_folium(feature_group_to_add=...)``.

Leaflet comes from the installed ``django-js-lib-leaflet`` package and the
base geography from ``data/base``; both are served by Streamlit's static
file server (``/app/static``), so the map needs no internet connection.

folium does not escape tooltip text: every string from the data is escaped
here before it reaches HTML.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence

import folium
from branca.element import MacroElement
from jinja2 import Template
from shapely.geometry import mapping

from geo.atlas import Atlas, LegendRow, LineView, PlaceView, UnitView
from geo.config import MAP_BOUNDS
from geo.text import html_text

STATIC_URL = "/app/static"
BASE_LAYERS = ("land", "lakes", "rivers")
CENTER = (49.5, 116.5)
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
SELECTED_COLOR = "#ffd400"
PANES = (("water", 440), ("borders", 450), ("places", 460))
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


class _StaticBase(MacroElement):
    _template = Template(
        """{% macro script(this, kwargs) %}
        atlasMap.addBaseLayers({{ this._parent.get_name() }}, {{ this.settings }});
        {% endmacro %}"""
    )

    def __init__(self, layers: Sequence[str], url: str) -> None:
        super().__init__()
        self.settings = json.dumps(
            {"url": url, "layers": list(layers), "sea": SEA_COLOR, "styles": _base_styles()}
        )


class _Legend(MacroElement):
    _template = Template(
        """{% macro script(this, kwargs) %}
        atlasMap.addLegend({{ this._parent.get_name() }}, {{ this.html }});
        {% endmacro %}"""
    )

    def __init__(self, rows: Sequence[LegendRow], title: str) -> None:
        super().__init__()
        self.html = json.dumps(legend_html(rows, title))


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
        else:
            swatch = f"<span class='atlas-swatch' style='background:{html_text(row.color)}'></span>"
        parts.append(f"<div class='atlas-legend-row'>{swatch} {html_text(row.label)}</div>")
    parts.append("</details>")
    return "".join(parts)


def base_map(legend_rows: Sequence[LegendRow], *, static_url: str = STATIC_URL) -> folium.Map:
    """The constant base map: offline Leaflet, the embedded base geography, the legend.

    Examples
    --------
    >>> m = base_map([LegendRow("China", "#d9534f")])
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
    for name, z in PANES:
        folium.map.CustomPane(name, z_index=z, pointer_events=False).add_to(m)
    m.add_child(_StaticBase(BASE_LAYERS, static_url))
    m.add_child(_Legend(legend_rows, "Held by"))
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


def unit_collection(
    geometries: Mapping[str, dict], views: Iterable[UnitView], selected: str | None = None
) -> dict:
    """GeoJSON of the units for one year; every string property is escaped.

    ``geometries`` holds each unit's GeoJSON geometry (made once, reused).

    Examples
    --------
    >>> g = {"a": {"type": "Point", "coordinates": [0, 0]}}
    >>> fc = unit_collection(g, [UnitView("a", "<A>", "Qing", "china", "", "#d00")])
    >>> fc["features"][0]["properties"]["name"]
    '&lt;A&gt;'
    """
    return _collection(
        _feature(
            v.id,
            geometries[v.id],
            text={"name": v.name, "holder": v.holder, "claimants": v.claimants or "none"},
            side=v.side,
            color=v.color,
            selected=v.id == selected,
        )
        for v in views
    )


def line_collection(lines: Iterable[LineView]) -> dict:
    """GeoJSON of the year's border and treaty lines; labels are escaped.

    Examples
    --------
    >>> from shapely.geometry import LineString
    >>> fc = line_collection([LineView("a-b", "A <&> B", LineString([(0, 0), (1, 1)]),
    ...                                "border", None, 2.0, "#111")])
    >>> fc["features"][0]["properties"]["label"]
    'A &lt;&amp;&gt; B'
    """
    return _collection(
        _feature(
            ln.id,
            mapping(ln.geometry),
            text={"label": ln.label},
            kind=ln.kind,
            dash=ln.dash,
            weight=ln.weight,
            color=ln.color,
        )
        for ln in lines
        if not ln.geometry.is_empty
    )


def place_collection(places: Iterable[PlaceView]) -> dict:
    """GeoJSON points of the year's places, named in three languages; names are escaped.

    Examples
    --------
    >>> fc = place_collection([PlaceView("x", 130.0, 45.0, "<X>", "Икс", "叉")])
    >>> fc["features"][0]["properties"]["label"]
    '&lt;X&gt; · Икс · 叉'
    """
    return _collection(
        _feature(
            p.id,
            {"type": "Point", "coordinates": [p.lon, p.lat]},
            text={"label": f"{p.name_en} · {p.name_ru} · {p.name_zh}"},
        )
        for p in places
    )


def _feature(feature_id: str, geometry: dict, *, text: Mapping[str, str], **values: object) -> dict:
    # the one way data reaches the map's HTML: text properties are escaped
    # here, and the tooltips show them as they are
    properties = {"id": feature_id, **{k: html_text(v) for k, v in text.items()}, **values}
    return {"type": "Feature", "id": feature_id, "geometry": geometry, "properties": properties}


def _collection(features: Iterable[dict]) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def _unit_style(feature: dict) -> dict:
    p = feature["properties"]
    return {
        "fillColor": p["color"],
        "fillOpacity": 0.55,
        "color": SELECTED_COLOR if p["selected"] else "#666666",
        "opacity": 1 if p["selected"] else 0.5,
        "weight": 3 if p["selected"] else 0.5,
        "className": f"territory territory-{p['id']} side-{p['side']}",
    }


def _line_style(feature: dict) -> dict:
    p = feature["properties"]
    style = {
        "color": p["color"],
        "weight": p["weight"],
        "opacity": 0.95,
        "className": f"line line-{p['kind']} line-{p['id']}",
    }
    if p["dash"]:
        style["dashArray"] = p["dash"]
    return style


def _place_style(feature: dict) -> dict:
    return {"className": f"place place-{feature['properties']['id']}"}


def year_layer(
    units: dict,
    lines: Sequence[LineView],
    places: Sequence[PlaceView],
    *,
    name: str = "year",
) -> folium.FeatureGroup:
    """The feature group for one year: territories, border lines and places.

    Examples
    --------
    >>> fg = year_layer({"type": "FeatureCollection", "features": []}, [], [])
    >>> isinstance(fg, folium.FeatureGroup)
    True
    """
    fg = folium.FeatureGroup(name=name)
    if units["features"]:
        folium.GeoJson(
            units,
            name="territories",
            style_function=_unit_style,
            highlight_function=lambda f: {"weight": 2.5, "fillOpacity": 0.7},
            tooltip=folium.GeoJsonTooltip(
                fields=["name", "holder"], aliases=["", "Held by:"], labels=True, sticky=True
            ),
        ).add_to(fg)
    line_features = line_collection(lines)
    if line_features["features"]:
        folium.GeoJson(
            line_features,
            name="lines",
            style_function=_line_style,
            interactive=False,
            pane="borders",
        ).add_to(fg)
    place_features = place_collection(places)
    if place_features["features"]:
        folium.GeoJson(
            place_features,
            name="places",
            marker=folium.CircleMarker(
                radius=4,
                color="#222222",
                weight=1,
                fill=True,
                fill_color="#ffffff",
                fill_opacity=1,
            ),
            style_function=_place_style,
            pane="places",
            tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False),
        ).add_to(fg)
    fg.add_child(_PruneOldFeatureGroups())
    return fg
