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

import html
import json
import math
from collections.abc import Iterable, Mapping, Sequence

import folium
from branca.element import Element, MacroElement
from jinja2 import Template
from shapely.geometry import mapping

from geo.atlas import LegendRow, LineView, PlaceView, UnitView
from geo.config import MAP_BOUNDS

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
    # streamlit-folium pushes every group it is sent into window.feature_group
    # and never empties it (upstream issue #247): drop the groups no longer on
    # the map so the page does not grow with every slider step.
    _template = Template(
        """{% macro script(this, kwargs) %}
        window.feature_group = (window.feature_group || []).filter(
            function (l) { return map_div && map_div.hasLayer(l); });
        {% endmacro %}"""
    )


class _StaticBase(MacroElement):
    # The base geography is fetched from the static server rather than
    # embedded: the map script stays small and identical on every run.
    _template = Template(
        """{% macro script(this, kwargs) %}
        (function (map) {
          var styles = {{ this.styles }};
          {{ this.layers }}.forEach(function (name) {
            fetch("{{ this.url }}/base/" + name + ".geojson")
              .then(function (r) { return r.json(); })
              .then(function (data) {
                styles[name].forEach(function (s) {
                  var layer = L.geoJSON(data, {
                    pane: s.pane, interactive: false,
                    style: function () { return s.style; }
                  }).addTo(map);
                  if (s.widths) {
                    // rivers widen as the map zooms in, so that a border
                    // drawn on a river still shows the river on both sides
                    var fit = function () {
                      var z = map.getZoom(), w = s.widths[0][1];
                      s.widths.forEach(function (zw) { if (z >= zw[0]) { w = zw[1]; } });
                      layer.setStyle({weight: w});
                    };
                    map.on("zoomend", fit);
                    fit();
                  }
                });
              });
          });
        })({{ this._parent.get_name() }});
        {% endmacro %}"""
    )

    def __init__(self, layers: Sequence[str], url: str):
        super().__init__()
        self.layers = json.dumps(list(layers))
        self.url = url
        self.styles = json.dumps(
            {
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
        )


class _Legend(MacroElement):
    _template = Template(
        """{% macro script(this, kwargs) %}
        (function (map) {
          var legend = L.control({position: "topright"});
          legend.onAdd = function () {
            var div = L.DomUtil.create("div", "atlas-legend");
            div.innerHTML = {{ this.html }};
            L.DomEvent.disableClickPropagation(div);
            return div;
          };
          legend.addTo(map);
        })({{ this._parent.get_name() }});
        {% endmacro %}"""
    )

    def __init__(self, rows: Sequence[LegendRow], title: str):
        super().__init__()
        self.html = json.dumps(legend_html(rows, title))


def escape_for_template(text: str) -> str:
    """Escape text for HTML that folium puts inside a JavaScript template literal.

    folium writes tooltip text raw between backticks, so besides HTML the
    backtick, ``$`` and backslash must not reach the page as themselves.

    Examples
    --------
    >>> escape_for_template("<b>`${x}`</b>")
    '&lt;b&gt;&#96;&#36;{x}&#96;&lt;/b&gt;'
    """
    return html.escape(text).replace("\\", "&#92;").replace("`", "&#96;").replace("$", "&#36;")


def legend_html(rows: Sequence[LegendRow], title: str) -> str:
    """HTML of the legend, with every label escaped.

    Examples
    --------
    >>> "&lt;b&gt;" in legend_html([LegendRow("<b>", "#fff")], "Held by")
    True
    """
    # a <details> box, so the legend can be folded away when zoomed in close
    parts = [f"<details open><summary class='atlas-legend-title'>{html.escape(title)}</summary>"]
    for row in rows:
        if row.line:
            dash = f"stroke-dasharray='{html.escape(row.dash)}'" if row.dash else ""
            swatch = (
                "<svg width='26' height='10'><line x1='0' y1='5' x2='26' y2='5' "
                f"stroke='{html.escape(row.color)}' stroke-width='2.5' {dash}/></svg>"
            )
        else:
            swatch = (
                f"<span class='atlas-swatch' style='background:{html.escape(row.color)}'></span>"
            )
        parts.append(f"<div class='atlas-legend-row'>{swatch} {html.escape(row.label)}</div>")
    parts.append("</details>")
    return "".join(parts)


LEGEND_CSS = f"""
<style>
.leaflet-container {{ background: {SEA_COLOR}; }}
.atlas-legend {{ background: rgba(255,255,255,0.9); padding: 4px 7px; border-radius: 4px;
  font: 11px/1.35 system-ui, sans-serif; box-shadow: 0 1px 4px rgba(0,0,0,0.3); }}
.atlas-legend-title {{ font-weight: 600; margin-top: 2px; cursor: pointer; }}
.atlas-swatch {{ display: inline-block; width: 14px; height: 12px; opacity: 0.75;
  border: 1px solid #555; vertical-align: -2px; }}
</style>
"""


def base_map(legend_rows: Sequence[LegendRow], *, static_url: str = STATIC_URL) -> folium.Map:
    """The constant base map: offline Leaflet, the embedded base geography, the legend.

    Examples
    --------
    >>> m = base_map([LegendRow("China", "#d9534f")])
    >>> [src for _, src in m.default_js]
    ['/app/static/leaflet/leaflet.js']
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
    m.default_js = [("leaflet", f"{static_url}/leaflet/leaflet.js")]
    m.default_css = [("leaflet_css", f"{static_url}/leaflet/leaflet.css")]
    m.get_root().header.add_child(Element(LEGEND_CSS))
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
    features = []
    for v in views:
        features.append(
            {
                "type": "Feature",
                "id": v.id,
                "geometry": geometries[v.id],
                "properties": {
                    "id": v.id,
                    "name": html.escape(v.name),
                    "holder": html.escape(v.holder),
                    "claimants": html.escape(v.claimants) if v.claimants else "none",
                    "side": v.side,
                    "color": v.color,
                    "selected": v.id == selected,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


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
    if lines:
        collection = {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": mapping(ln.geometry),
                    "properties": {
                        "id": ln.id,
                        "label": html.escape(ln.label),
                        "kind": ln.kind,
                        "dash": ln.dash,
                        "weight": ln.weight,
                        "color": ln.color,
                    },
                }
                for ln in lines
                if not ln.geometry.is_empty
            ],
        }
        folium.GeoJson(
            collection, name="lines", style_function=_line_style, interactive=False, pane="borders"
        ).add_to(fg)
    for p in places:
        label = escape_for_template(f"{p.name_en} · {p.name_ru} · {p.name_zh}")
        folium.CircleMarker(
            location=(p.lat, p.lon),
            radius=4,
            color="#222222",
            weight=1,
            fill=True,
            fill_color="#ffffff",
            fill_opacity=1,
            pane="places",
            class_name=f"place place-{p.id}",
            tooltip=folium.Tooltip(label),
        ).add_to(fg)
    fg.add_child(_PruneOldFeatureGroups())
    return fg
