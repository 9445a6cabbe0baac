/* The atlas map's own behaviour, loaded once by the constant base map.
 *
 * The base map's script calls these functions with settings written by
 * geo/mapview.py; the year's feature group calls pruneFeatureGroups. Keeping
 * the code here, rather than in Python strings, leaves the map script small
 * and identical on every run. */
(function () {
  "use strict";

  // below this width the open legend would cover too much of the map
  var NARROW_PX = 1000;

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
    state.sea = settings.sea;
    settings.layers.forEach(function (name) {
      fetchJSONLater(settings.url + "/base/" + name + ".geojson")
        .then(function (data) {
          if (!data) { return; }
          settings.styles[name].forEach(function (s) {
            var layer = L.geoJSON(data, {
              pane: s.pane, interactive: false,
              style: function () { return s.style; }
            });
            state.baseLayers.push(layer);
            // an online base chosen before the geography arrived keeps the map to itself
            if (state.offline) { layer.addTo(map); }
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
      // on a narrow map (a laptop beside the passage, a phone) the legend starts folded
      if (map.getSize().x < NARROW_PX) {
        var details = div.querySelector("details");
        if (details) { details.removeAttribute("open"); }
      }
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

  // The settings and the units are loaded once, synchronously: the units
  // must exist when streamlit-folium binds its click handlers to the map's
  // layers, which it does when the map starts.
  function fetchJSON(url) {
    var xhr = new XMLHttpRequest();
    xhr.open("GET", url, false);
    xhr.send(null);
    if (xhr.status !== 200) {
      console.warn("atlas: could not load " + url + " (" + xhr.status + ")");
      return {type: "FeatureCollection", features: []};
    }
    return JSON.parse(xhr.responseText);
  }

  // Everything else arrives asynchronously: a file that cannot load is
  // reported and read as null, and its layer is left out.
  function fetchJSONLater(url) {
    return fetch(url)
      .then(function (r) {
        if (!r.ok) { throw new Error(String(r.status)); }
        return r.json();
      })
      .catch(function (e) {
        console.warn("atlas: could not load " + url + " (" + e.message + ")");
        return null;
      });
  }

  var state = {
    map: null, settings: null, units: {}, current: {}, atoms: {}, lines: null,
    // the border pieces and places on the map, by what they show (see redraw)
    drawnLines: {}, drawnPlaces: {},
    // the unit the map was last fitted around (see showWhole)
    fitted: null,
    places: {}, placeLayer: null, clauses: {}, lang: "en",
    unitLayer: null, baseLayers: [], offline: true, sea: null, neighbourLabels: [],
    // settles when the borders, places and clauses have arrived (see loadLater)
    later: Promise.resolve()
  };

  // a unit's or a neighbour's name in the language of the last update (English is "name")
  function localName(f) {
    return f.properties[state.lang === "en" ? "name" : "name_" + state.lang] || f.properties.name;
  }

  // Land controlled by one side whose sovereign is another is filled with the
  // controller's colour, striped with the sovereign's: one SVG pattern per pair.
  function hatchFill(color, stripes) {
    var id = "hatch-" + color.replace("#", "") + "-" + stripes.replace("#", "");
    var svg = state.map.getPanes().overlayPane.querySelector("svg");
    if (svg && !svg.querySelector("#" + id)) {
      var ns = "http://www.w3.org/2000/svg";
      var defs = svg.querySelector("defs") || svg.insertBefore(document.createElementNS(ns, "defs"), svg.firstChild);
      var pattern = document.createElementNS(ns, "pattern");
      pattern.setAttribute("id", id);
      pattern.setAttribute("patternUnits", "userSpaceOnUse");
      pattern.setAttribute("width", "8");
      pattern.setAttribute("height", "8");
      pattern.setAttribute("patternTransform", "rotate(45)");
      [[color, "8"], [stripes, "3"]].forEach(function (cw) {
        var rect = document.createElementNS(ns, "rect");
        rect.setAttribute("width", cw[1]);
        rect.setAttribute("height", "8");
        rect.setAttribute("fill", cw[0]);
        pattern.appendChild(rect);
      });
      defs.appendChild(pattern);
    }
    return "url(#" + id + ")";
  }

  function unitStyle(s) {
    var u = state.settings.unit;
    if (!s) { return {fillColor: u.pending, fillOpacity: u.fillOpacity, color: u.edge, weight: u.weight, opacity: u.opacity}; }
    // the selection outline wins over the outline of land that changed hands
    return {
      fillColor: s[4] ? hatchFill(s[1], s[4]) : s[1],
      fillOpacity: u.fillOpacity,
      color: s[3] ? u.selectedColor : (s[7] ? u.changedColor : u.edge),
      opacity: s[3] || s[7] ? 1 : u.opacity,
      weight: s[3] ? u.selectedWeight : (s[7] ? u.changedWeight : u.weight),
      dashArray: !s[3] && s[7] ? u.changedDash : null
    };
  }

  function addUnits(map, settings) {
    state.map = map;
    state.settings = settings;
    state.unitLayer = L.geoJSON(fetchJSON(settings.url + "/atlas/units.geojson"), {
      style: function (f) {
        var style = unitStyle(null);
        style.className = "territory territory-" + f.properties.id;
        return style;
      },
      onEachFeature: function (f, layer) {
        var id = f.properties.id;
        state.units[id] = layer;
        // the name and the holder come escaped for HTML from geo/mapdata.py
        layer.bindTooltip(function () {
          var s = state.current[id], name = "<b>" + localName(f) + "</b>";
          if (!s) { return name; }
          if (s[6]) {
            return name + "<br>Controlled by: " + s[2] + " (" + s[5] + ")<br>Sovereign: " + s[6];
          }
          return name + "<br>Held by: " + s[2];
        }, {sticky: true});
        // after streamlit-folium's own click handler has counted the click
        layer.on("click", function () { setTimeout(function () { sendClick(id); }, 0); });
        layer.on("mouseover", function () { layer.setStyle(settings.hover); });
        layer.on("mouseout", function () { layer.setStyle(unitStyle(state.current[id])); });
      }
    }).addTo(map);
    state.lines = L.layerGroup().addTo(map);
    state.placeLayer = L.layerGroup().addTo(map);
  }

  // The pieces of border, the places and the treaty clauses have no click
  // handlers, so they need not hold up the map's first frame: they are
  // fetched in parallel as the map starts, and the year's update draws the
  // borders and the places once all three are here.
  function loadLater(url) {
    return Promise.all([
      fetchJSONLater(url + "/atlas/lines.geojson"),
      fetchJSONLater(url + "/atlas/places.geojson"),
      fetchJSONLater(url + "/atlas/clauses.json")
    ]).then(function (docs) {
      ((docs[0] || {}).features || []).forEach(function (f) { state.atoms[f.id] = f; });
      ((docs[1] || {}).features || []).forEach(function (f) {
        state.places[f.id] = f.geometry.coordinates;
      });
      state.clauses = docs[2] || {};
    });
  }

  // The fields of streamlit-folium's value that it copies from its global data
  // unchanged, in the order in which it builds the value (its value is compared
  // as JSON, so the order matters)
  var CLICK_FIELDS = [
    "last_object_clicked_count", "last_object_clicked_tooltip", "last_object_clicked_popup",
    "all_drawings", "last_active_drawing"
  ];

  // streamlit-folium sends a click only after a fixed 250 ms debounce, with
  // the clicked polygon's whole geometry. Send the same value at once, with the
  // unit's id in place of the geometry, through the component API that
  // streamlit-folium exposes (window.Streamlit), and record it as sent the way
  // streamlit-folium does: its debounced call then finds nothing new to send.
  // When the page asks for a field this cannot fill (the bounds, the centre,
  // the point clicked), the click is left to streamlit-folium.
  function sendClick(id) {
    var g = window.__GLOBAL_DATA__;
    if (!g || !g.returned_objects || !window.Streamlit) { return; }
    var asked = g.returned_objects;
    // a page that asks for nothing back (the tour) is not rerun by a click
    if (!asked.length || asked.some(function (k) { return CLICK_FIELDS.indexOf(k) < 0; })) { return; }
    g.last_active_drawing = {type: "Feature", properties: {id: id}, geometry: null};
    var value = {};
    CLICK_FIELDS.forEach(function (k) { if (asked.indexOf(k) >= 0) { value[k] = g[k]; } });
    if (JSON.stringify(value) === JSON.stringify(g.previous_data)) { return; }
    g.previous_data = value;
    window.Streamlit.setComponentValue(value);
  }

  // The update sends units drawn alike as one group with their ids (see
  // MapUpdate.to_json in geo/mapdata.py); each unit's state is
  // [side, colour, holder, selected, hatch, status, sovereign, changed]
  function expandUnits(data) {
    var units = {}, changed = {};
    (data.changed || []).forEach(function (id) { changed[id] = true; });
    (data.styles || []).forEach(function (g) {
      g[6].forEach(function (id) {
        units[id] = [g[0], g[1], g[2], id === data.selected, g[3], g[4], g[5], changed[id] === true];
      });
    });
    return units;
  }

  // and border pieces drawn alike as one group: each piece's [kind, sides, treaty]
  function expandLines(data) {
    var lines = {};
    (data.lines || []).forEach(function (g) {
      g[3].forEach(function (id) { lines[id] = [g[0], g[1], g[2]]; });
    });
    return lines;
  }

  // two states of a unit, or two looks of a piece, as arrays of plain values
  function same(a, b) {
    return !!a && !!b && a.length === b.length &&
      a.every(function (v, i) { return v === b[i]; });
  }

  // Restyle the units and redraw the year's border pieces and places, by id.
  // Only what differs from the year on the map is touched: every restyled
  // path, and every piece drawn again, is painted again, which on a machine
  // without a GPU costs more than the rest of the step.
  function update(data) {
    var units = expandUnits(data), selected = null, lang = data.lang || "en";
    if (lang !== state.lang) {
      state.lang = lang;
      state.neighbourLabels.forEach(function (lf) { lf[0].setContent(localName(lf[1])); });
    }
    // the legend's title says what the units are coloured by (escaped by geo/mapdata.py)
    var title = state.map.getContainer().querySelector(".atlas-legend-title");
    if (title && data.title && title.innerHTML !== data.title) { title.innerHTML = data.title; }
    Object.keys(units).forEach(function (id) {
      var layer = state.units[id], s = units[id], old = state.current[id];
      if (!layer || same(old, s)) { return; }
      state.current[id] = s;
      layer.setStyle(unitStyle(s));
      var path = layer.getElement && layer.getElement();
      if (path && (!old || old[0] !== s[0])) {
        if (old) { L.DomUtil.removeClass(path, "side-" + old[0]); }
        L.DomUtil.addClass(path, "side-" + s[0]);
      }
      // a newly selected unit's outline is drawn over its neighbours'
      if (s[3]) { selected = layer; }
    });
    if (selected) { selected.bringToFront(); }
    var fit = data.fit && data.selected ? data.selected : null;
    if (fit && fit !== state.fitted) { showWhole(state.units[fit]); }
    state.fitted = fit;
    // updates that come before the borders and places keep their order
    // (a failed drawing is reported and does not stop the next year's)
    state.later = state.later
      .then(function () { drawLines(data); drawPlaces(data); })
      .catch(function (e) { console.error("atlas: " + e); });
  }

  // A small unit the page zoomed in on (unit_focus in geo/mapview.py) is shown whole: the
  // page chose the zoom for a map 500 px wide, and a phone's is narrower. Only as far out as
  // it must be, and only when the page moves the view, so a reader's own zoom is kept.
  function showWhole(layer) {
    if (!layer) { return; }
    var map = state.map;
    var fit = function () {
      var bounds = layer.getBounds();
      if (!map.getBounds().contains(bounds)) {
        map.fitBounds(bounds, {maxZoom: map.getZoom(), padding: [8, 8], animate: false});
      }
    };
    // streamlit-folium sets the page's view just after this update has run; Leaflet has no
    // public flag for a zoom under way, and its end is the view to check
    setTimeout(function () {
      if (map._animatingZoom) { map.once("zoomend", fit); } else { fit(); }
    }, 0);
  }

  // Keep the drawn layers whose key is wanted again, remove the others, and
  // make the wanted ones not yet drawn: drawn maps a key to its layer, wanted
  // a key to what make needs to draw it.
  function redraw(group, drawn, wanted, make) {
    Object.keys(drawn).forEach(function (key) {
      if (!(key in wanted)) { group.removeLayer(drawn[key]); delete drawn[key]; }
    });
    Object.keys(wanted).forEach(function (key) {
      if (key in drawn) { return; }
      var layer = make(wanted[key]);
      if (layer) { drawn[key] = layer; group.addLayer(layer); }
    });
  }

  function drawLines(data) {
    var lines = expandLines(data), wanted = {};
    // the border of the year before, where it no longer runs, as a dashed ghost
    (data.ghosts || []).forEach(function (id) { wanted["ghost " + id] = [id]; });
    Object.keys(lines).forEach(function (id) {
      wanted[JSON.stringify([id].concat(lines[id]))] = [id].concat(lines[id]);
    });
    var styles = state.settings.lines, ghost = state.settings.ghost;
    redraw(state.lines, state.drawnLines, wanted, function (piece) {
      var atom = state.atoms[piece[0]];
      if (!atom) { return null; }
      if (piece.length === 1) {
        return L.geoJSON(atom, {pane: "borders", interactive: false, style: {
          color: ghost.color, weight: ghost.weight, opacity: ghost.opacity,
          dashArray: ghost.dash, className: "line line-ghost"
        }});
      }
      var kind = piece[1], sides = piece[2], look = styles[kind];
      // a piece drawn by a treaty shows the clause that drew it on hover
      var clause = state.clauses[piece[3]];
      if (!look) { return null; }
      var style = {
        color: look.color, weight: look.weight, opacity: 0.95,
        className: "line line-" + kind + " line-" + sides
      };
      if (look.dash) { style.dashArray = look.dash; }
      var layer = L.geoJSON(atom, {pane: "borders", interactive: !!clause, style: style});
      // the clause's HTML is made by geo/mapdata.py from escaped text only
      if (clause) { layer.bindTooltip(clause, {sticky: true, className: "atlas-clause"}); }
      return layer;
    });
  }

  function drawPlaces(data) {
    var look = state.settings.place, wanted = {};
    Object.keys(data.places).forEach(function (id) {
      wanted[JSON.stringify([id, data.places[id]])] = [id, data.places[id]];
    });
    redraw(state.placeLayer, state.drawnPlaces, wanted, function (place) {
      var lonlat = state.places[place[0]];
      if (!lonlat) { return null; }
      var marker = L.circleMarker([lonlat[1], lonlat[0]], {
        radius: look.radius, color: look.color, weight: look.weight, fill: true,
        fillColor: look.fill, fillOpacity: 1, pane: "places", className: "place place-" + place[0]
      });
      // the label comes escaped for HTML from geo/mapdata.py
      return marker.bindTooltip(place[1]);
    });
  }

  // The frame: the neighbours beside the story in a neutral fill with their
  // names, and a fade of the territories into the land along the region's
  // straight edges (geo/frame.py makes both, with the names escaped)
  var FADE_DIRECTIONS = {north: [0, 1, 0, 0], south: [0, 0, 0, 1], west: [1, 0, 0, 0], east: [0, 0, 1, 0]};

  function addFrame(map, settings) {
    var look = settings.neighbour;
    fetchJSONLater(settings.url + "/atlas/neighbours.geojson")
      .then(function (data) {
        if (!data) { return; }
        L.geoJSON(data, {
          pane: "neighbours", interactive: false,
          style: {fillColor: look.fill, fillOpacity: 1, color: look.edge, weight: 0.6, className: "neighbour"},
          onEachFeature: function (f) {
            var label = L.tooltip({
              permanent: true, direction: "center", className: "atlas-neighbour-label", interactive: false
            }).setLatLng([f.properties.label[1], f.properties.label[0]]).setContent(localName(f));
            label.addTo(map);
            state.neighbourLabels.push([label, f]);
          }
        }).addTo(map);
      });
    fetchJSONLater(settings.url + "/atlas/fade.geojson")
      .then(function (data) {
        if (!data) { return; }
        var renderer = L.svg({pane: "fade", padding: 0.5});
        L.geoJSON(data, {
          renderer: renderer, interactive: false,
          style: function (f) {
            return {fillColor: "url(#atlas-fade-" + f.id + ")", fillOpacity: 1, stroke: false, className: "fade"};
          }
        }).addTo(map);
        var svg = map.getPane("fade").querySelector("svg");
        if (!svg) { return; }
        var ns = "http://www.w3.org/2000/svg";
        var defs = svg.insertBefore(document.createElementNS(ns, "defs"), svg.firstChild);
        Object.keys(FADE_DIRECTIONS).forEach(function (edge) {
          var d = FADE_DIRECTIONS[edge], g = document.createElementNS(ns, "linearGradient");
          g.setAttribute("id", "atlas-fade-" + edge);
          ["x1", "y1", "x2", "y2"].forEach(function (a, i) { g.setAttribute(a, String(d[i])); });
          // opaque from the region's edge outwards (settings.opaqueFrom of the band's depth)
          [["0", "0"], [String(settings.opaqueFrom), "1"], ["1", "1"]].forEach(function (so) {
            var stop = document.createElementNS(ns, "stop");
            stop.setAttribute("offset", so[0]);
            stop.setAttribute("stop-color", settings.land);
            stop.setAttribute("stop-opacity", so[1]);
            g.appendChild(stop);
          });
          defs.appendChild(g);
        });
      });
  }

  // The offline geography, or an online tile layer in its place
  function useOffline(map, on) {
    state.offline = on;
    map.getContainer().style.background = on ? state.sea : "";
    state.baseLayers.forEach(function (layer) {
      if (on) { layer.addTo(map); } else { map.removeLayer(layer); }
    });
  }

  // The layer control: the offline atlas map or an online base (xyzservices'
  // URLs and attributions, written by geo/mapview.py), and the atlas's own
  // layers. An online base that cannot load gives way to the offline map.
  function addLayerControl(map, settings) {
    var offline = L.layerGroup(), bases = {}, overlays = {};
    bases[settings.labels.offline] = offline.addTo(map);
    settings.tiles.forEach(function (t) {
      var tiles = L.tileLayer(t.url, {attribution: t.attribution, maxZoom: t.maxZoom});
      var failed = false;
      tiles.on("tileerror", function () {
        if (failed) { return; }
        failed = true;
        map.removeLayer(tiles);
        offline.addTo(map);
        useOffline(map, true);
        note.textContent = t.name + ": " + settings.labels.failed;
      });
      tiles.on("add", function () { failed = false; note.textContent = ""; });
      bases[t.name] = tiles;
    });
    var today = L.geoJSON(null, {pane: "borders", interactive: false, style: settings.today});
    var todayLoaded = false;
    today.on("add", function () {
      if (todayLoaded) { return; }
      todayLoaded = true;
      today.addData(fetchJSON(settings.url + "/atlas/today.geojson"));
    });
    overlays[settings.labels.units] = state.unitLayer;
    overlays[settings.labels.lines] = state.lines;
    overlays[settings.labels.places] = state.placeLayer;
    overlays[settings.labels.today] = today;
    var control = L.control.layers(bases, overlays, {position: "topleft", collapsed: true}).addTo(map);
    var note = L.DomUtil.create("div", "atlas-layer-note", control.getContainer());
    note.setAttribute("role", "status");
    map.on("baselayerchange", function (e) { useOffline(map, e.layer === offline); });
  }

  // The base map's one call: its settings come from the static server
  // (settings.json, written by geo/mapview.py), so that the map's script, which
  // streamlit-folium sends again with every year's update, stays a few lines.
  function start(map, url) {
    state.later = loadLater(url);
    var settings = fetchJSON(url + "/atlas/settings.json");
    (settings.panes || []).forEach(function (nz) {
      var pane = map.createPane(nz[0]);
      pane.style.zIndex = nz[1];
      pane.style.pointerEvents = "none";
    });
    ["base", "frame", "units", "control"].forEach(function (part) {
      settings[part] = settings[part] || {};
      settings[part].url = url;
    });
    addBaseLayers(map, settings.base);
    addFrame(map, settings.frame);
    addUnits(map, settings.units);
    addLayerControl(map, settings.control);
    addLegend(map, settings.legend || "");
  }

  window.atlasMap = {
    start: start,
    update: update,
    pruneFeatureGroups: pruneFeatureGroups,
    widthAt: widthAt
  };
})();
