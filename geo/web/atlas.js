/* The atlas map's own behaviour, loaded once by the constant base map.
 *
 * The base map's script calls these functions with settings written by
 * geo/mapview.py; the year's feature group calls pruneFeatureGroups. Keeping
 * the code here, rather than in Python strings, leaves the map script small
 * and identical on every run. */
(function () {
  "use strict";

  // the width of a river at a zoom: the last [zoom, width] step at or below it
  function widthAt(widths, zoom) {
    var w = widths[0][1];
    widths.forEach(function (zw) { if (zoom >= zw[0]) { w = zw[1]; } });
    return w;
  }

  // The base geography is fetched from the static server rather than embedded,
  // so the map script stays small; it is not interactive, so the late arrival
  // costs no click handlers.
  function addBaseLayers(map, settings) {
    map.getContainer().style.background = settings.sea;
    settings.layers.forEach(function (name) {
      fetch(settings.url + "/base/" + name + ".geojson")
        .then(function (r) { return r.json(); })
        .then(function (data) {
          settings.styles[name].forEach(function (s) {
            var layer = L.geoJSON(data, {
              pane: s.pane, interactive: false,
              style: function () { return s.style; }
            }).addTo(map);
            if (s.widths) {
              // rivers widen as the map zooms in, so that a border drawn on a
              // river still shows the river on both sides
              var fit = function () { layer.setStyle({weight: widthAt(s.widths, map.getZoom())}); };
              map.on("zoomend", fit);
              fit();
            }
          });
        });
    });
  }

  // html is made by geo/mapview.py from escaped text only
  function addLegend(map, html) {
    var legend = L.control({position: "topright"});
    legend.onAdd = function () {
      var div = L.DomUtil.create("div", "atlas-legend");
      div.innerHTML = html;
      L.DomEvent.disableClickPropagation(div);
      return div;
    };
    legend.addTo(map);
  }

  // streamlit-folium pushes every group it is sent into window.feature_group
  // and never empties it: drop the groups no longer on the map, so that the
  // page does not grow with every step of the slider
  function pruneFeatureGroups(map) {
    window.feature_group = (window.feature_group || []).filter(
      function (l) { return map && map.hasLayer(l); });
  }

  window.atlasMap = {
    addBaseLayers: addBaseLayers,
    addLegend: addLegend,
    pruneFeatureGroups: pruneFeatureGroups,
    widthAt: widthAt
  };
})();
