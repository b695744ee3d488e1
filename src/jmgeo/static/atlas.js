/* jmgeo atlas page script.
 *
 * Draws every layer from the page's JSON data block into the folium feature groups and
 * adds the page's controls: layers and basemaps (with datum handling), legend, language
 * switch, search, city facts, story and choropleth. All text from the data is put into
 * the page with textContent (never innerHTML), so document text can only show as text;
 * the few strings Leaflet itself inserts as HTML (layer-control names, attributions)
 * go through escapeHtml first.
 *
 * The address keeps the reader's choices: #lang=en&basemap=amap&chapter=2.
 */
(function () {
  "use strict";

  // This script runs in the page's head, before the body is parsed: the text below the map
  // waits for the map's first frame (see jmgeo-starting in atlas.css). init shows it again
  // with the interface; the timer is for a page whose init never gets that far.
  var root = document.documentElement;
  root.classList.add("jmgeo-starting");
  setTimeout(function () { root.classList.remove("jmgeo-starting"); }, 3000);

  // Geometry in the data block is quantised and delta-encoded by jmgeo.webmap.encode_geometry:
  // GeoJSON nesting, but each line/ring is one flat list [x0, y0, dx1, dy1, ...] of integers in
  // units of 1/scale degrees. The format is jmgeo's own and about 20 lines to decode, so it is
  // written here: no PyPI package ships a browser decoder for a compact format (topojson-client
  // is npm-only, and the page must carry everything it runs).
  function decodeLine(ints, scale) {
    var out = new Array(ints.length / 2), x = 0, y = 0;
    for (var i = 0; i < ints.length; i += 2) {
      x += ints[i]; y += ints[i + 1];
      out[i / 2] = [x / scale, y / scale];
    }
    return out;
  }

  function decodeGeometry(g, scale) {
    if (!g || !g.delta) return g;
    var d = g.delta, coords;
    if (g.type === "Point") coords = decodeLine(d, scale)[0];
    else if (g.type === "LineString" || g.type === "MultiPoint") coords = decodeLine(d, scale);
    else if (g.type === "Polygon" || g.type === "MultiLineString") coords = d.map(function (r) { return decodeLine(r, scale); });
    else if (g.type === "MultiPolygon") coords = d.map(function (p) { return p.map(function (r) { return decodeLine(r, scale); }); });
    if (g.type === "GeometryCollection") return { type: g.type, geometries: g.geometries.map(function (x) { return decodeGeometry(x, scale); }) };
    return { type: g.type, coordinates: coords };
  }

  // Turn a layer's page data into a GeoJSON FeatureCollection in layer.features: encoded
  // geometries are decoded; a large point layer (one position array, properties by column,
  // see jmgeo.webmap.point_layer) becomes one feature per point.
  function decodeLayer(layer, scale) {
    if (layer.points) {
      var pos = decodeLine(layer.points, scale), cols = Object.keys(layer.properties), feats = new Array(pos.length);
      for (var i = 0; i < pos.length; i++) {
        var props = {};
        for (var c = 0; c < cols.length; c++) props[cols[c]] = layer.properties[cols[c]][i];
        feats[i] = { type: "Feature", properties: props, geometry: { type: "Point", coordinates: pos[i] } };
      }
      layer.features = { type: "FeatureCollection", features: feats };
      delete layer.points;
      return;
    }
    layer.features.features.forEach(function (f) {
      if (!f.overview) {
        f.geometry = decodeGeometry(f.geometry, scale);
        return;
      }
      // An outline with an overview (see levelAt in init) opens at the overview's zoom: its
      // detailed geometry, 2-3 times the vertices, is decoded when first used.
      f.overview = decodeGeometry(f.overview, scale);
      var encoded = f.geometry, decoded = null;
      Object.defineProperty(f, "geometry", {
        enumerable: true,
        get: function () { return decoded || (decoded = decodeGeometry(encoded, scale)); }
      });
    });
  }

  // ---- small helpers -------------------------------------------------------------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = String(text);
    return div.innerHTML.replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  }

  function safeUrl(url) {
    // Only plain web links become anchors; anything else (javascript:, data:) is shown as text.
    return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null;
  }

  function readHash() {
    var out = {};
    window.location.hash.replace(/^#/, "").split("&").forEach(function (part) {
      if (!part) return;
      var i = part.indexOf("=");
      var key = decodeURIComponent(i < 0 ? part : part.slice(0, i));
      out[key] = i < 0 ? "" : decodeURIComponent(part.slice(i + 1));
    });
    return out;
  }

  function writeHash(changes) {
    var h = readHash();
    Object.keys(changes).forEach(function (k) {
      if (changes[k] === null || changes[k] === undefined) delete h[k];
      else h[k] = String(changes[k]);
    });
    var text = Object.keys(h).map(function (k) { return encodeURIComponent(k) + "=" + encodeURIComponent(h[k]); }).join("&");
    // replaceState costs a few ms (measured): skip it when the address would not change.
    if (("#" + text === window.location.hash) || (!text && !window.location.hash)) return;
    history.replaceState(null, "", text ? "#" + text : window.location.pathname + window.location.search);
  }

  // ---- GCJ-02 ----------------------------------------------------------------------
  // The published WGS84 -> GCJ-02 formula (the same as jmgeo.crs.wgs84_to_gcj02, which
  // the tests check against an independent implementation). Written here because the
  // page must carry everything it runs and no PyPI package ships it for the browser.
  var GCJ_A = 6378245.0, GCJ_EE = 0.00669342162296594323;
  function outOfChina(lng, lat) { return lng < 72.004 || lng > 137.8347 || lat < 0.8293 || lat > 55.8271; }
  function tLat(x, y) {
    var r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    r += (20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0 / 3.0;
    r += (20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin(y / 3.0 * Math.PI)) * 2.0 / 3.0;
    r += (160.0 * Math.sin(y / 12.0 * Math.PI) + 320 * Math.sin(y * Math.PI / 30.0)) * 2.0 / 3.0;
    return r;
  }
  function tLng(x, y) {
    var r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    r += (20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0 / 3.0;
    r += (20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin(x / 3.0 * Math.PI)) * 2.0 / 3.0;
    r += (150.0 * Math.sin(x / 12.0 * Math.PI) + 300.0 * Math.sin(x / 30.0 * Math.PI)) * 2.0 / 3.0;
    return r;
  }
  function wgs84ToGcj02(lat, lng) {
    if (outOfChina(lng, lat)) return [lat, lng];
    var dLat = tLat(lng - 105.0, lat - 35.0), dLng = tLng(lng - 105.0, lat - 35.0);
    var radLat = lat / 180.0 * Math.PI;
    var magic = 1 - GCJ_EE * Math.sin(radLat) * Math.sin(radLat);
    var sqrtMagic = Math.sqrt(magic);
    dLat = (dLat * 180.0) / ((GCJ_A * (1 - GCJ_EE)) / (magic * sqrtMagic) * Math.PI);
    dLng = (dLng * 180.0) / (GCJ_A / sqrtMagic * Math.cos(radLat) * Math.PI);
    return [lat + dLat, lng + dLng];
  }

  // ---- text pieces -----------------------------------------------------------------
  function makeT(data, state) {
    return function (key) {
      var entry = data.labels[key];
      return entry ? entry[state.lang] : key;
    };
  }

  function title(obj, lang) { return lang === "en" ? obj.title_en : obj.title_zh; }

  function names(props, lang) {
    return lang === "en" ? [props.name_en, props.name_zh] : [props.name_zh, props.name_en];
  }

  function formatValue(fact) {
    if (fact.value === null || fact.value === undefined) return "";
    var q = { more_than: "> ", nearly: "≈ ", about: "≈ ", at_least: "≥ ", target: "→ " };
    return (q[fact.qualifier] || "") + fact.value + " " + (fact.unit || "");
  }

  function svgSwatch(kind, color, precisionStyle, fill) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("width", "28");
    svg.setAttribute("height", "14");
    svg.setAttribute("aria-hidden", "true");
    var shape;
    if (kind === "line") {
      shape = document.createElementNS(ns, "line");
      shape.setAttribute("x1", "2"); shape.setAttribute("y1", "7");
      shape.setAttribute("x2", "26"); shape.setAttribute("y2", "7");
    } else if (kind === "point") {
      shape = document.createElementNS(ns, "circle");
      shape.setAttribute("cx", "14"); shape.setAttribute("cy", "7"); shape.setAttribute("r", "5");
    } else {
      shape = document.createElementNS(ns, "rect");
      shape.setAttribute("x", "3"); shape.setAttribute("y", "2");
      shape.setAttribute("width", "22"); shape.setAttribute("height", "10");
    }
    shape.setAttribute("stroke", color);
    shape.setAttribute("stroke-width", kind === "line" ? "3" : "2");
    shape.setAttribute("fill", kind === "line" ? "none" : (fill || color));
    shape.setAttribute("fill-opacity", String(fill ? 1 : (precisionStyle ? precisionStyle.fill_opacity : 0.3)));
    if (precisionStyle && precisionStyle.dash) shape.setAttribute("stroke-dasharray", precisionStyle.dash);
    svg.appendChild(shape);
    return svg;
  }

  // ---- the atlas -------------------------------------------------------------------
  function init(map, groups, data) {
    var hash = readHash();
    var state = {
      lang: hash.lang === "en" ? "en" : "zh",
      basemap: null,
      datum: "WGS84",
      level: null,
      chapter: null
    };
    var t = makeT(data, state);
    var api = { layers: {}, features: {}, counts: {}, map: map, data: data, state: state, groups: groups };
    var controls = {};
    var layerById = {};
    data.layers.forEach(function (layer) { layerById[layer.id] = layer; });
    var factsById = data.facts;
    data.layers.forEach(function (layer) { decodeLayer(layer, data.coordinate_scale); });

    // Two panes: the canvas of areas and lines, and the points above it.
    ["jmgeo-areas", "jmgeo-points"].forEach(function (name, i) {
      map.createPane(name).style.zIndex = String(401 + i);
    });
    // Areas and lines (and the points' uncertainty circles) are painted on one canvas; points
    // stay SVG above it (hover and click work on both). Outlines that span the whole view
    // cost Chromium less as one bitmap than as SVG elements (software raster, no GPU): the
    // page was drawn in 0.72x of explore's time instead of 0.80x (bench/ab.py, 24 loads; and
    // 26 ms sooner in 20 others). One canvas paints in the order its layers were added, so
    // restack() puts areas under circles under lines whenever a layer comes back.
    var vectorCanvas = L.canvas({ pane: "jmgeo-areas" });
    var KIND_ORDER = { area: 0, point: 1, line: 2 };
    var drawOrder = data.layers.slice().sort(function (a, b) {
      return (KIND_ORDER[a.kind] || 0) - (KIND_ORDER[b.kind] || 0);
    });
    function restack() {
      drawOrder.forEach(function (layer) {
        if (map.hasLayer(groups[layer.id])) groups[layer.id].bringToFront();
      });
    }

    // -- facts, popups, tooltips
    function factItem(fact) {
      var li = el("li", "jmgeo-fact");
      li.setAttribute("data-fact-id", fact.id);
      var quote = el("blockquote", "jmgeo-quote", fact.quote);
      quote.setAttribute("lang", "zh-Hans");
      li.appendChild(quote);
      if (fact.claim_en) {
        var en = el("p", "jmgeo-claim", fact.claim_en);
        en.setAttribute("lang", "en");
        li.appendChild(en);
      }
      var meta = el("p", "jmgeo-meta");
      var parts = [];
      var v = formatValue(fact);
      if (v) parts.push(v);
      if (fact.year !== null && fact.year !== undefined) parts.push(t("year") + " " + fact.year);
      meta.appendChild(el("span", "jmgeo-value", parts.join(" · ")));
      meta.appendChild(el("span", "jmgeo-source", t("source") + ": " + fact.doc));
      li.appendChild(meta);
      if (fact.unplaced_subject) li.appendChild(el("p", "jmgeo-unplaced", t("unplaced") + ": " + fact.unplaced_subject));
      if (fact.conflicts_with && fact.conflicts_with.length) {
        li.appendChild(el("p", "jmgeo-conflict", t("conflict") + ": " + fact.conflicts_with.join(", ")));
      }
      return li;
    }

    function factList(ids) {
      var ul = el("ul", "jmgeo-facts");
      ids.forEach(function (id) { if (factsById[id]) ul.appendChild(factItem(factsById[id])); });
      return ul;
    }

    function popupContent(props, layer) {
      var box = el("div", "jmgeo-popup");
      box.setAttribute("data-feature-id", props.id);
      box.setAttribute("lang", state.lang === "en" ? "en" : "zh-Hans");
      var nm = names(props, state.lang);
      var h = el("h3", "jmgeo-title");
      h.appendChild(el("span", "jmgeo-name-primary", nm[0]));
      h.appendChild(el("span", "jmgeo-name-secondary", nm[1]));
      box.appendChild(h);
      var info = el("dl", "jmgeo-info");
      function row(label, value) {
        if (value === null || value === undefined || value === "") return;
        info.appendChild(el("dt", null, label));
        info.appendChild(el("dd", null, value));
      }
      row(t("layer"), title(layer, state.lang));
      row(t("kind"), props.kind);
      if (props.area_km2 !== undefined && props.area_km2 !== null) row(t("area"), props.area_km2 + " km²");
      if (props.area_km2_documented) row(t("area_documented"), props.area_km2_documented + " km²");
      row(t("area_note"), state.lang === "en" ? props.area_note_en : props.area_note_zh);
      row(t("district"), props.outside ? t("outside") : props.district_label);
      if (data.choropleth && data.choropleth.layer === layer.id && props.id in data.choropleth.values) {
        row(title(data.choropleth, state.lang), data.choropleth.values[props.id]);
      }
      var prec = data.precision_styles[props.precision];
      var precText = props.precision + (prec ? " — " + (state.lang === "en" ? prec.label_en : prec.label_zh) : "");
      if (props.uncertainty_m) precText += " (± " + Math.round(props.uncertainty_m) + " m)";
      row(t("precision"), props.precision ? precText : null);
      row(t("position_source"), props.position_source);
      row(t("position_method"), props.position_method);
      row(t("datum"), props.position_datum);
      row(t("note"), props.note);
      box.appendChild(info);
      var url = safeUrl(props.position_url);
      if (url) {
        var a = el("a", "jmgeo-link", t("open_source"));
        a.href = url;
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        box.appendChild(a);
      }
      var here = colocated[props.id] || [];
      if (here.length) {
        var also = el("div", "jmgeo-also");
        also.appendChild(el("span", null, t("also_here") + ": "));
        here.forEach(function (other) {
          var b = el("button", "jmgeo-also-button", names(other, state.lang).join(" "));
          b.type = "button";
          b.setAttribute("data-feature-id", other.id);
          b.addEventListener("click", function () { api.openPopup(other.id); });
          also.appendChild(b);
        });
        box.appendChild(also);
      }
      var ids = props.fact_ids || [];
      box.appendChild(el("h4", "jmgeo-facts-title", t("facts") + " (" + ids.length + ")"));
      if (ids.length) box.appendChild(factList(ids));
      else box.appendChild(el("p", "jmgeo-nofacts", t("no_facts")));
      return box;
    }

    function tooltipContent(props) {
      var nm = names(props, state.lang);
      var tip = el("span", "jmgeo-tooltip");
      tip.appendChild(el("strong", null, nm[0]));
      tip.appendChild(document.createTextNode(" · "));
      tip.appendChild(el("span", null, nm[1]));
      return tip;
    }

    // -- drawing, with the datum of the current basemap
    function choroplethColor(value) {
      var c = data.choropleth;
      for (var i = 0; i < c.breaks.length; i++) if (value <= c.breaks[i]) return c.colors[i];
      return c.colors[c.colors.length - 1];
    }

    function styleFor(layer, props) {
      var p = data.precision_styles[props.precision] || {};
      var s = { color: layer.color, weight: 2, opacity: 0.95, fillColor: layer.color, fillOpacity: p.fill_opacity, dashArray: p.dash || null };
      if (layer.id === "city") { s.weight = 3; s.fillOpacity = 0; s.dashArray = null; }
      if (layer.id === "districts") { s.weight = 1.5; s.fillOpacity = 0.06; s.dashArray = null; }
      if (data.choropleth && data.choropleth.layer === layer.id && props.id in data.choropleth.values) {
        s.fillColor = choroplethColor(data.choropleth.values[props.id]);
        s.fillOpacity = 0.75;
      }
      if (layer.kind === "line") s.weight = props.precision === "schematic" ? 2.5 : 4;
      var coarse = state.level === "overview" && !!leveled[props.id];  // see levelAt and applyLevel
      s.noClip = coarse;
      s.smoothFactor = coarse ? 0 : 1;
      return s;
    }

    function toLatLng(coords) {
      if (state.datum === "GCJ-02") {
        var g = wgs84ToGcj02(coords[1], coords[0]);
        return L.latLng(g[0], g[1]);
      }
      return L.latLng(coords[1], coords[0]);
    }

    // A large point layer (more than jmgeo.webmap.CANVAS_MIN_FEATURES points) is drawn as one
    // bitmap: one small square per point on a canvas redrawn after each move or zoom. Leaflet's
    // own canvas renderer still makes one layer object (with events, tooltip, popup) per point,
    // which measured 2.4 s to first frame at 10,000 points; clustering needs a plugin that no
    // PyPI package ships. A click opens the popup of the nearest point within 8 px
    // (a linear scan: ~2 ms for 100,000 points).
    function pointCloud(layer) {
      var feats = layer.features.features, n = feats.length;
      var px = new Float64Array(n), py = new Float64Array(n);
      var Cloud = L.Layer.extend({
        onAdd: function (map) {
          this._map = map;
          this._canvas = L.DomUtil.create("canvas", "jmgeo-point-cloud");
          this._canvas.style.pointerEvents = "none";
          map.getPane("jmgeo-points").appendChild(this._canvas);
          for (var i = 0; i < n; i++) {
            var p = map.project(toLatLng(feats[i].geometry.coordinates), 0);  // follows the basemap's datum
            px[i] = p.x; py[i] = p.y;
          }
          map.on("moveend zoomend resize viewreset", this._redraw, this);
          map.on("zoomstart", this._hide, this);
          // Capture phase on the map's container: a point wins over the area drawn below it
          // (an SVG path's own click handler would stop the event reaching the map).
          this._onClick = L.bind(this._click, this);
          map.getContainer().addEventListener("click", this._onClick, true);
          this._redraw();
        },
        onRemove: function (map) {
          L.DomUtil.remove(this._canvas);
          map.off("moveend zoomend resize viewreset", this._redraw, this);
          map.off("zoomstart", this._hide, this);
          map.getContainer().removeEventListener("click", this._onClick, true);
        },
        _hide: function () { this._canvas.style.visibility = "hidden"; },
        _redraw: function () {
          var map = this._map, size = map.getSize(), pad = size.multiplyBy(0.5).round();
          var topLeft = map.containerPointToLayerPoint(pad.multiplyBy(-1));
          var w = size.x + 2 * pad.x, h = size.y + 2 * pad.y, canvas = this._canvas;
          canvas.width = w; canvas.height = h;
          canvas.style.width = w + "px"; canvas.style.height = h + "px";
          L.DomUtil.setPosition(canvas, topLeft);
          var scale = map.getZoomScale(map.getZoom(), 0), origin = map.getPixelOrigin();
          var ox = origin.x + topLeft.x, oy = origin.y + topLeft.y;
          var ctx = canvas.getContext("2d");
          ctx.fillStyle = layer.color;
          ctx.beginPath();
          for (var i = 0; i < n; i++) {
            var x = px[i] * scale - ox, y = py[i] * scale - oy;
            if (x >= -3 && y >= -3 && x <= w + 3 && y <= h + 3) ctx.rect(x - 2, y - 2, 4, 4);
          }
          ctx.fill();
          canvas.style.visibility = "visible";
          this.drawn = (this.drawn || 0) + 1;
        },
        nearest: function (containerPoint, maxPx) {
          var map = this._map, scale = map.getZoomScale(map.getZoom(), 0);
          var lp = map.containerPointToLayerPoint(containerPoint).add(map.getPixelOrigin());
          var best = -1, bestD = maxPx * maxPx;
          for (var i = 0; i < n; i++) {
            var dx = px[i] * scale - lp.x, dy = py[i] * scale - lp.y, d = dx * dx + dy * dy;
            if (d <= bestD) { bestD = d; best = i; }
          }
          return best;
        },
        _click: function (e) {
          var map = this._map;
          if ((map.dragging && map.dragging.moved()) || !map.getPane("mapPane").contains(e.target)) return;
          if (e.target.closest && e.target.closest(".leaflet-popup")) return;
          var i = this.nearest(map.mouseEventToContainerPoint(e), 8);
          if (i < 0) return;
          e.stopPropagation();
          this.feature(i).openPopup();
        }
      });
      var cloud = new Cloud();
      // A point's stand-in for a Leaflet layer (getLatLng, openPopup), made when asked for:
      // making 100,000 of them up front measured ~0.3 s.
      var index = null;
      cloud.feature = function (id) {
        if (!index) {
          index = new Map();
          for (var i = 0; i < n; i++) index.set(feats[i].properties.id, i);
        }
        var k = typeof id === "number" ? id : index.get(id);
        if (k === undefined || !feats[k]) return null;
        var f = feats[k], latlng = toLatLng(f.geometry.coordinates);
        return {
          feature: f,
          getLatLng: function () { return latlng; },
          openPopup: function () {
            L.popup({ maxWidth: 380, maxHeight: 360 }).setLatLng(latlng)
              .setContent(popupContent(f.properties, layer)).openOn(cloud._map);
          }
        };
      };
      return cloud;
    }

    // -- levels of detail. The city and district outlines come in two simplifications of one
    // coverage (jmgeo.webmap.OVERVIEW_MAX_ERROR_M): up to overview.max_zoom, where the coarse
    // one is within a screen pixel of the true borders, the page draws it; closer in, the
    // detailed one (within max_error_m). At the city-wide view Leaflet projects, clips and
    // simplifies every vertex it is given: with a coarse coverage of 3,735 vertices (140 m)
    // against 9,724 the page was drawn 38 ms sooner, and 84 ms sooner with the detail decoded
    // only when first needed (bench/ab.py, 24 loads each, basemap "none"). The other areas
    // (the parks' schematic outlines) have a coarse geometry within the same bound.
    // The coarse level is drawn as it is (smoothFactor 0, see styleFor): Leaflet's own
    // simplification works ring by ring (so neighbours' shared borders could part by up to
    // a pixel) and took ~9 ms at the start; the 280 m coverage, simplified once for both
    // sides of each border, has 2,252 vertices and the page's script took ~27 % less time
    // (performance marks, 20 interleaved loads, against the 140 m level Leaflet simplified).
    var overview = data.boundary_simplification && data.boundary_simplification.overview;
    function levelAt(zoom) { return overview && zoom <= overview.max_zoom ? "overview" : "detail"; }
    function atLevel(f, level) {
      return level === "overview" && f.overview ? f.overview : f.geometry;
    }
    // The features as drawn at a level: the same properties, the geometry of that level.
    function featuresAt(layer, level) {
      var fc = layer.features;
      if (!fc.features.some(function (f) { return f.overview; })) return fc;
      return {
        type: "FeatureCollection",
        features: fc.features.map(function (f) { return { type: "Feature", properties: f.properties, geometry: atLevel(f, level) }; })
      };
    }
    // Leaflet clips every area and line to the view before drawing it (four passes over
    // each ring). The outlines with an overview all lie in and around the city, some 1,000
    // pixels across at the coarse level, so there clipping them only costs time: 9 ms less
    // script at the start (performance marks, 16 interleaved loads). Lines stay clipped:
    // the freight routes run thousands of pixels off screen (to Europe), and unclipped their
    // dashes were rastered all the way (2-4 ms more per canvas redraw, timed to a
    // getImageData after it). Closer in, where most of an outline is off screen,
    // everything is clipped.
    var leveled = {};
    data.layers.forEach(function (layer) {
      if (layer.features) layer.features.features.forEach(function (f) { if (f.overview) leveled[f.properties.id] = true; });
    });
    // Swap the outlines' geometry when a zoom crosses overview.max_zoom (same layer objects:
    // tooltips, popups and the layer control are untouched).
    function applyLevel() {
      var level = levelAt(map.getZoom());
      if (level === state.level) return;
      state.level = level;
      data.layers.forEach(function (layer) {
        if (!layer.features) return;
        layer.features.features.forEach(function (f) {
          var lyr = f.overview && api.features[f.properties.id];
          if (!lyr || !lyr.setLatLngs) return;
          var g = atLevel(f, level);
          lyr.feature.geometry = g;
          lyr.options.noClip = level === "overview";
          lyr.options.smoothFactor = level === "overview" ? 0 : 1;
          lyr.setLatLngs(L.GeoJSON.coordsToLatLngs(g.coordinates, g.type === "MultiPolygon" ? 2 : 1, toLatLng));
        });
      });
    }

    // Each feature's tooltip and popup are two Leaflet objects and their event handlers (1-6 ms
    // of the start-up script, median 2 ms, timed around the calls in 12 loads in Chromium): they
    // are bound once the first frame is on screen, before which nothing can be hovered or
    // clicked, or at once when a popup is asked for.
    var unbound = [];
    function bindPending() {
      unbound.splice(0).forEach(function (pair) {
        var lyr = pair[0], layer = pair[1], props = lyr.feature.properties;
        lyr.bindTooltip(function () { return tooltipContent(props); }, { sticky: true, direction: "top" });
        lyr.bindPopup(function () { return popupContent(props, layer); }, { maxWidth: 380, maxHeight: 360 });
      });
    }

    var colocated = {};
    function drawLayers() {
      api.features = {};
      state.level = levelAt(map.getZoom());
      drawOrder.forEach(function (layer) {
        var group = groups[layer.id];
        group.clearLayers();
        if (layer.render === "canvas") {
          var cloud = pointCloud(layer);
          cloud.addTo(group);
          api.layers[layer.id] = cloud;
          api.counts[layer.id] = layer.features.features.length;
          return;
        }
        var gj = L.geoJSON(featuresAt(layer, state.level), {
          renderer: vectorCanvas,  // areas and lines; points get their own options in pointToLayer
          coordsToLatLng: toLatLng,
          style: function (feature) { return styleFor(layer, feature.properties); },
          pointToLayer: function (feature, latlng) {
            var s = styleFor(layer, feature.properties);
            s.radius = 7;
            s.weight = 2.5;
            s.pane = "jmgeo-points";
            if (feature.properties.precision && feature.properties.precision !== "surveyed") s.fillColor = "#ffffff";
            var unc = feature.properties.uncertainty_m;
            if (unc && unc >= 300) {
              L.circle(latlng, { radius: unc, color: layer.color, weight: 1, dashArray: "2 4", fillOpacity: 0.03, interactive: false, renderer: vectorCanvas }).addTo(group);
            }
            return L.circleMarker(latlng, s);
          },
          onEachFeature: function (feature, lyr) {
            unbound.push([lyr, layer]);
            api.features[feature.properties.id] = lyr;
          }
        });
        gj.addTo(group);
        api.layers[layer.id] = gj;
        api.counts[layer.id] = gj.getLayers().length;
      });
      // Points that share a position (a station inside its logistics centre) hide each other:
      // each one's popup lists the others, so every feature stays reachable.
      var byPosition = {};
      Object.keys(api.features).forEach(function (id) {
        var lyr = api.features[id];
        if (!lyr.getLatLng) return;
        var ll = lyr.getLatLng();
        var key = ll.lat.toFixed(4) + "," + ll.lng.toFixed(4);
        (byPosition[key] = byPosition[key] || []).push(lyr.feature.properties);
      });
      colocated = {};
      Object.keys(byPosition).forEach(function (key) {
        var group = byPosition[key];
        if (group.length < 2) return;
        group.forEach(function (f) { colocated[f.id] = group.filter(function (o) { return o.id !== f.id; }); });
      });
      if (paintWaiters === false) bindPending();
      else afterFirstPaint(bindPending);
    }

    // -- basemaps
    var basemapLayers = {};
    var basemapById = {};
    data.basemaps.basemaps.forEach(function (b) {
      basemapById[b.id] = b;
      if (!b.url) {
        basemapLayers[b.id] = L.layerGroup();
        return;
      }
      var opts = { subdomains: b.subdomains || "abc", maxZoom: b.max_zoom || 18, attribution: escapeHtml(b.attribution || "") };
      if (b.needs_key) {
        var key = readHash().tk || window.localStorage.getItem("jmgeo.tianditu_key") || "";
        if (readHash().tk) {
          window.localStorage.setItem("jmgeo.tianditu_key", key);
          writeHash({ tk: null });  // keep the key out of the address bar once stored
        }
        opts.tk = key;
        var parts = [L.tileLayer(b.url, opts)];
        if (b.labels_url) parts.push(L.tileLayer(b.labels_url, opts));
        basemapLayers[b.id] = L.layerGroup(parts);
        basemapLayers[b.id].jmgeoMissingKey = !key;
      } else {
        basemapLayers[b.id] = L.tileLayer(b.url, opts);
      }
    });

    // A base map id the page knows (else the default), and the datum its tiles are drawn in.
    function knownBasemap(id) { return basemapById[id] ? id : data.basemaps["default"]; }
    function datumOf(id) { return basemapById[id].datum === "GCJ-02" ? "GCJ-02" : "WGS84"; }

    function setBasemap(id, redraw) {
      id = knownBasemap(id);
      Object.keys(basemapLayers).forEach(function (k) {
        if (k !== id && map.hasLayer(basemapLayers[k])) map.removeLayer(basemapLayers[k]);
      });
      if (!map.hasLayer(basemapLayers[id])) map.addLayer(basemapLayers[id]);
      var datum = datumOf(id);
      var changed = datum !== state.datum;
      state.basemap = id;
      state.datum = datum;
      writeHash({ basemap: id === data.basemaps["default"] ? null : id });
      if (changed && redraw) keepingPopup(drawLayers);
      renderDatum();
    }

    // Run a redraw that replaces the popups' layers, and reopen the popup that was open.
    function keepingPopup(redraw) {
      var open = map._popup && map._popup.isOpen && map._popup.isOpen() && map._popup._source;
      map.closePopup();
      redraw();
      if (open && open.feature) api.openPopup(open.feature.properties.id);
    }

    // -- controls (rebuilt when the language changes)
    function layersControl() {
      var bases = {}, overlays = {};
      data.basemaps.basemaps.forEach(function (b) { bases[escapeHtml(title(b, state.lang))] = basemapLayers[b.id]; });
      data.layers.forEach(function (layer) { overlays[escapeHtml(title(layer, state.lang))] = groups[layer.id]; });
      // On the story page the chapters switch layers, so the control stays folded away.
      return L.control.layers(bases, overlays, { collapsed: !!data.story, position: "topleft" });
    }

    function legendControl() {
      var control = L.control({ position: "bottomright" });
      control.onAdd = function () {
        var box = el("div", "jmgeo-legend leaflet-bar");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", t("legend"));
        box.appendChild(el("h4", null, t("legend")));
        var list = el("ul");
        data.layers.forEach(function (layer) {
          var li = el("li");
          li.setAttribute("data-layer-id", layer.id);
          li.appendChild(svgSwatch(layer.kind, layer.color, null));
          li.appendChild(el("span", null, title(layer, state.lang) + " (" + layer.features.features.length + ")"));
          list.appendChild(li);
        });
        box.appendChild(list);
        if (data.choropleth) {
          var c = data.choropleth;
          box.appendChild(el("h5", null, title(c, state.lang)));
          var clist = el("ul", "jmgeo-choropleth-legend");
          var lower = 0;
          c.breaks.forEach(function (upper, i) {
            var li = el("li");
            li.setAttribute("data-class", String(i));
            li.appendChild(svgSwatch("area", "#555", null, c.colors[i]));
            li.appendChild(el("span", null, (lower === upper ? String(upper) : lower + "–" + upper)));
            clist.appendChild(li);
            lower = upper + 1;
          });
          box.appendChild(clist);
          box.appendChild(el("p", "jmgeo-legend-note", state.lang === "en" ? c.note_en : c.note_zh));
        }
        box.appendChild(el("h5", null, t("precision_heading")));
        var plist = el("ul");
        ["surveyed", "approximate", "schematic"].forEach(function (name) {
          var s = data.precision_styles[name];
          var li = el("li");
          li.setAttribute("data-precision", name);
          li.appendChild(svgSwatch("area", "#444", s));
          li.appendChild(svgSwatch("point", "#444", s));
          li.appendChild(el("span", null, state.lang === "en" ? s.label_en : s.label_zh));
          plist.appendChild(li);
        });
        box.appendChild(plist);
        box.appendChild(el("p", "jmgeo-legend-note", t("legend_note")));
        // How far the drawn outlines may be from the source boundaries (see jmgeo.simplify).
        var b = data.boundary_simplification;
        if (b && data.layers.some(function (layer) { return layer.id === "districts" || layer.id === "city"; })) {
          var metres = function (m) { return String(+m.toFixed(1)); };
          var note = t(b.overview ? "boundary_note_two" : "boundary_note")
            .replace("{detail}", metres(b.max_error_m))
            .replace("{overview}", b.overview ? metres(b.overview.max_error_m) : "");
          box.appendChild(el("p", "jmgeo-legend-note jmgeo-boundary-note", note));
        }
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        return box;
      };
      return control;
    }

    function toolbarControl() {
      // Page title, language switch, datum, city facts and links to the other maps.
      var control = L.control({ position: "topright" });
      control.onAdd = function () {
        var box = el("div", "jmgeo-toolbar leaflet-bar");
        var head = el("div", "jmgeo-toolbar-head");
        head.appendChild(el("strong", "jmgeo-page-title", title(data.page, state.lang)));
        var langButton = el("button", "jmgeo-lang-button", t("language"));
        langButton.type = "button";
        langButton.setAttribute("aria-label", t("language_label"));
        langButton.addEventListener("click", function () { setLanguage(state.lang === "zh" ? "en" : "zh"); });
        head.appendChild(langButton);
        box.appendChild(head);
        box.appendChild(el("p", "jmgeo-datum"));
        var cityButton = el("button", "jmgeo-city-button", t("city_facts") + " (" + data.city.fact_ids.length + ")");
        cityButton.type = "button";
        cityButton.setAttribute("aria-expanded", "false");
        var panel = el("div", "jmgeo-city-panel");
        panel.hidden = true;
        panel.setAttribute("role", "region");
        panel.setAttribute("aria-label", t("city_facts"));
        panel.appendChild(el("h3", null, names(data.city, state.lang).join(" ")));
        panel.appendChild(el("p", "jmgeo-city-area",
          t("area") + ": " + data.city.area_km2 + " km² · " + t("area_documented") + ": " + data.city.area_km2_documented + " km²"));
        panel.appendChild(el("p", "jmgeo-city-note", state.lang === "en" ? data.city.area_note_en : data.city.area_note_zh));
        cityButton.addEventListener("click", function () {
          // the city's facts (160 of them) are listed when first asked for, not before the map paints
          if (!panel.querySelector(".jmgeo-facts")) panel.appendChild(factList(data.city.fact_ids));
          panel.hidden = !panel.hidden;
          cityButton.setAttribute("aria-expanded", panel.hidden ? "false" : "true");
        });
        box.appendChild(cityButton);
        box.appendChild(panel);
        var nav = el("nav", "jmgeo-nav");
        nav.setAttribute("aria-label", t("other_maps"));
        nav.appendChild(el("span", null, t("other_maps") + ": "));
        data.page.nav.forEach(function (p) {
          if (p.id === data.page.id) return;
          var a = el("a", "jmgeo-nav-link", title(p, state.lang));
          a.href = p.file + (state.lang === "en" ? "#lang=en" : "");
          a.setAttribute("data-page-id", p.id);
          nav.appendChild(a);
        });
        box.appendChild(nav);
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        return box;
      };
      return control;
    }

    function renderDatum() {
      var node = map.getContainer().querySelector(".jmgeo-datum");
      if (!node) return;
      node.textContent = t("datum_shown") + ": " + state.datum;
      node.setAttribute("data-datum", state.datum);
      if (state.datum === "GCJ-02") node.textContent += " — " + t("datum_shifted");
      var bm = basemapLayers[state.basemap];
      if (bm && bm.jmgeoMissingKey) node.textContent += " — " + t("tianditu_key_missing");
    }

    // -- search
    function searchKey(text) {
      // Same normalisation as jmgeo.search.normalize_key: NFKD, no tone marks, lower case,
      // no spaces or punctuation.
      return String(text).normalize("NFKD").replace(/[\u0300-\u036f]/g, "").normalize("NFKC")
        .toLowerCase().replace(/[\s\p{P}\p{S}_]+/gu, "");
    }

    function searchControl() {
      var control = L.control({ position: "topleft" });
      control.onAdd = function () {
        var box = el("div", "jmgeo-search leaflet-bar");
        var id = "jmgeo-search-input";
        var label = el("label", "jmgeo-search-label", t("search"));
        label.htmlFor = id;
        var input = el("input", "jmgeo-search-input");
        input.id = id;
        input.type = "search";
        input.placeholder = t("search_placeholder");
        input.setAttribute("role", "combobox");
        input.setAttribute("aria-autocomplete", "list");
        input.setAttribute("aria-expanded", "false");
        input.setAttribute("aria-controls", "jmgeo-search-results");
        var list = el("ul", "jmgeo-search-results");
        list.id = "jmgeo-search-results";
        list.setAttribute("role", "listbox");
        list.hidden = true;
        var results = [];
        var active = -1;
        function render() {
          list.textContent = "";
          results.forEach(function (r, i) {
            var props = api.features[r.id] && api.features[r.id].feature.properties;
            if (!props) return;
            var li = el("li", "jmgeo-search-result");
            li.id = "jmgeo-search-option-" + i;
            li.setAttribute("role", "option");
            li.setAttribute("data-feature-id", r.id);
            li.setAttribute("aria-selected", i === active ? "true" : "false");
            var nm = names(props, state.lang);
            li.appendChild(el("strong", null, nm[0]));
            li.appendChild(el("span", null, " " + nm[1] + " · " + title(layerById[r.layer], state.lang)));
            li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(i); });
            list.appendChild(li);
          });
          if (!results.length && input.value.trim()) list.appendChild(el("li", "jmgeo-search-empty", t("no_results")));
          list.hidden = !input.value.trim();
          input.setAttribute("aria-expanded", list.hidden ? "false" : "true");
          if (active >= 0) input.setAttribute("aria-activedescendant", "jmgeo-search-option-" + active);
          else input.removeAttribute("aria-activedescendant");
        }
        function update() {
          var q = searchKey(input.value);
          results = [];
          active = -1;
          if (q) {
            data.search.forEach(function (entry, order) {
              var best = 3;
              entry.keys.forEach(function (k) {
                if (k.indexOf(q) >= 0) best = Math.min(best, k === q ? 0 : k.indexOf(q) === 0 ? 1 : 2);
              });
              if (best < 3) results.push({ id: entry.id, layer: entry.layer, rank: best, order: order });
            });
            results.sort(function (a, b) { return a.rank - b.rank || a.order - b.order; });
            results = results.slice(0, 10);
            if (results.length) active = 0;
          }
          render();
        }
        function choose(i) {
          var r = results[i];
          if (!r) return;
          list.hidden = true;
          input.setAttribute("aria-expanded", "false");
          api.focusFeature(r.id);
        }
        input.addEventListener("input", update);
        input.addEventListener("keydown", function (e) {
          if (e.key === "ArrowDown") { active = Math.min(results.length - 1, active + 1); render(); e.preventDefault(); }
          else if (e.key === "ArrowUp") { active = Math.max(0, active - 1); render(); e.preventDefault(); }
          else if (e.key === "Enter") { choose(active < 0 ? 0 : active); e.preventDefault(); }
          else if (e.key === "Escape") { input.value = ""; update(); }
          e.stopPropagation();
        });
        box.appendChild(label);
        box.appendChild(input);
        box.appendChild(list);
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        return box;
      };
      return control;
    }

    // -- story
    function storyControl() {
      var control = L.control({ position: "bottomleft" });
      control.onAdd = function () {
        var box = el("section", "jmgeo-story leaflet-bar");
        box.setAttribute("aria-label", title(data.story, state.lang));
        box.setAttribute("tabindex", "-1");
        box.appendChild(el("h2", "jmgeo-story-title", title(data.story, state.lang)));
        box.appendChild(el("div", "jmgeo-story-body"));
        var navRow = el("div", "jmgeo-story-nav");
        var prev = el("button", "jmgeo-story-prev", "← " + t("prev"));
        prev.type = "button";
        var pos = el("span", "jmgeo-story-position");
        pos.setAttribute("aria-live", "polite");
        var next = el("button", "jmgeo-story-next", t("next") + " →");
        next.type = "button";
        prev.addEventListener("click", function () { showChapter(state.chapter - 1); });
        next.addEventListener("click", function () { showChapter(state.chapter + 1); });
        navRow.appendChild(prev);
        navRow.appendChild(pos);
        navRow.appendChild(next);
        box.appendChild(navRow);
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        return box;
      };
      return control;
    }

    function renderChapter() {
      var box = map.getContainer().querySelector(".jmgeo-story");
      if (!box || state.chapter === null) return;
      var chapters = data.story.chapters;
      var ch = chapters[state.chapter];
      var body = box.querySelector(".jmgeo-story-body");
      body.textContent = "";
      body.setAttribute("data-chapter-id", ch.id);
      body.appendChild(el("h3", "jmgeo-chapter-title", title(ch, state.lang)));
      body.appendChild(el("p", "jmgeo-chapter-text", state.lang === "en" ? ch.text_en : ch.text_zh));
      body.appendChild(el("h4", null, t("sources")));
      body.appendChild(factList(ch.facts));
      box.querySelector(".jmgeo-story-position").textContent = (state.chapter + 1) + " / " + chapters.length;
      box.querySelector(".jmgeo-story-prev").disabled = state.chapter === 0;
      box.querySelector(".jmgeo-story-next").disabled = state.chapter === chapters.length - 1;
    }

    function showChapter(i, animate) {
      var chapters = data.story.chapters;
      if (i < 0 || i >= chapters.length) return;
      state.chapter = i;
      var ch = chapters[i];
      data.layers.forEach(function (layer) {
        var on = ch.layers.indexOf(layer.id) >= 0;
        if (on && !map.hasLayer(groups[layer.id])) map.addLayer(groups[layer.id]);
        if (!on && map.hasLayer(groups[layer.id])) map.removeLayer(groups[layer.id]);
      });
      restack();
      var bounds = null;
      ch.focus.forEach(function (id) {
        var lyr = api.features[id];
        if (!lyr) return;
        var b = lyr.getBounds ? lyr.getBounds() : L.latLngBounds([lyr.getLatLng(), lyr.getLatLng()]);
        bounds = bounds ? bounds.extend(b) : L.latLngBounds(b.getSouthWest(), b.getNorthEast());
      });
      map.closePopup();
      if (bounds) {
        if (animate === false) map.fitBounds(bounds, { padding: [40, 40], maxZoom: 11, animate: false });
        else map.flyToBounds(bounds, { padding: [40, 40], maxZoom: 11, duration: 0.8 });
      }
      writeHash({ chapter: i + 1 });
      renderChapter();
    }

    // -- the text twin: every feature of the page and its facts, as tables after the map.
    // Built from the same data as the map (so the page carries the text once), with real
    // table headers for screen readers; the print style prints it instead of the map.
    function renderTextTwin() {
      var section = document.getElementById("jmgeo-text");
      if (!section) return;
      section.textContent = "";
      var h = el("h1", null, title(data.page, state.lang) + " — " + t("text_twin"));
      h.id = "jmgeo-text-title";
      section.appendChild(h);
      var heads = ["name", "kind", "district", "precision", "position_source", "facts"];
      data.layers.forEach(function (layer) {
        var table = el("table");
        table.setAttribute("data-layer-id", layer.id);
        table.appendChild(el("caption", null, title(layer, state.lang) + " (" + layer.features.features.length + ")"));
        var thead = el("thead"), tr = el("tr");
        heads.forEach(function (key) {
          var th = el("th", null, t("twin_" + key));
          th.scope = "col";
          tr.appendChild(th);
        });
        thead.appendChild(tr);
        table.appendChild(thead);
        var tbody = el("tbody");
        if (layer.render === "canvas") {
          // A layer drawn as a point cloud (thousands of points) is summarised, not listed.
          var note = el("tr"), cell = el("td", null, layer.features.features.length + " · " + t("twin_cloud"));
          cell.colSpan = heads.length;
          note.appendChild(cell);
          tbody.appendChild(note);
          table.appendChild(tbody);
          section.appendChild(table);
          return;
        }
        layer.features.features.forEach(function (f) {
          var p = f.properties, row = el("tr");
          row.setAttribute("data-feature-id", p.id);
          var th = el("th");
          th.scope = "row";
          var nm = names(p, state.lang);
          th.appendChild(el("span", "jmgeo-name-primary", nm[0]));
          th.appendChild(document.createTextNode(" "));
          th.appendChild(el("span", "jmgeo-name-secondary", nm[1]));
          row.appendChild(th);
          row.appendChild(el("td", null, p.kind));
          row.appendChild(el("td", null, p.outside ? t("outside") : (p.district_label || "")));
          var prec = p.precision || "";
          if (p.uncertainty_m) prec += " (± " + Math.round(p.uncertainty_m) + " m)";
          row.appendChild(el("td", null, prec));
          row.appendChild(el("td", null, p.position_source || ""));
          var td = el("td");
          if (p.fact_ids && p.fact_ids.length) td.appendChild(factList(p.fact_ids));
          row.appendChild(td);
          tbody.appendChild(row);
        });
        table.appendChild(tbody);
        section.appendChild(table);
      });
    }

    // Work that must not hold back the map's first frame runs once that frame is on screen.
    // requestAnimationFrame alone is not enough: Chromium runs it before a first frame that
    // it then defers, so wait for the paint timing entry (or at most a second, for a browser
    // without paint timing or a page that is not painted, such as a background tab).
    var paintWaiters = null;
    function afterFirstPaint(fn) {
      if (paintWaiters === false) return setTimeout(fn, 0);
      if (paintWaiters) return paintWaiters.push(fn);
      paintWaiters = [fn];
      function go() {
        if (!paintWaiters) return;
        var waiting = paintWaiters;
        paintWaiters = false;
        api.timings.first_paint = performance.now();
        waiting.forEach(function (f) { setTimeout(f, 0); });
      }
      var types = (window.PerformanceObserver && PerformanceObserver.supportedEntryTypes) || [];
      if (types.indexOf("paint") >= 0) {
        new PerformanceObserver(function (list, observer) { observer.disconnect(); go(); })
          .observe({ type: "paint", buffered: true });
      }
      setTimeout(go, 1000);
    }

    // The twin sits below the map. Its ~2,500 table cells cost 150-250 ms of layout (measured
    // in Chromium): build them after the first paint, in idle time.
    var twinRun = 0;
    function scheduleTextTwin() {
      api.twinReady = false;
      var run = ++twinRun;  // a later call (language switch) supersedes a pending one
      afterFirstPaint(function () {
        function build() {
          if (run !== twinRun) return;
          renderTextTwin();
          api.twinReady = true;
        }
        if (window.requestIdleCallback) window.requestIdleCallback(build, { timeout: 300 });
        else build();
      });
    }

    // -- language
    function addControls() {
      Object.keys(controls).forEach(function (k) { controls[k].remove(); });
      controls = {};
      controls.toolbar = toolbarControl().addTo(map);
      controls.search = searchControl().addTo(map);
      controls.layers = layersControl().addTo(map);
      controls.legend = legendControl().addTo(map);
      if (data.story) controls.story = storyControl().addTo(map);
      renderDatum();
      renderChapter();
    }

    // The page's language: its lang attribute, title and address (the controls are rebuilt apart).
    function applyLanguage(lang) {
      state.lang = lang === "en" ? "en" : "zh";
      document.documentElement.lang = state.lang === "en" ? "en" : "zh-Hans";
      document.documentElement.classList.toggle("jmgeo-lang-en", state.lang === "en");
      document.documentElement.classList.toggle("jmgeo-lang-zh", state.lang === "zh");
      document.title = title(data.page, state.lang);
      writeHash({ lang: state.lang === "en" ? "en" : null });
    }

    function setLanguage(lang) {
      applyLanguage(lang);
      keepingPopup(function () {
        addControls();
        scheduleTextTwin();
      });
    }

    // -- public API (used by the tests and by the page's own controls)
    // Points of large layers are not in api.features (one object per point is too slow):
    // look them up in their layer.
    api.cloudFeature = function (featureId) {
      for (var id in api.layers) {
        var found = api.layers[id].feature && api.layers[id].feature(featureId);
        if (found) return found;
      }
      return null;
    };
    api.openPopup = function (featureId) {
      var lyr = api.features[featureId] || api.cloudFeature(featureId);
      if (!lyr) return false;
      bindPending();
      var target = lyr.getBounds ? lyr.getBounds().getCenter() : lyr.getLatLng();
      lyr.openPopup(target);
      return true;
    };
    api.focusFeature = function (featureId) {
      var lyr = api.features[featureId];
      if (!lyr) return false;
      var layerId = null;
      Object.keys(api.layers).forEach(function (k) { if (api.layers[k].hasLayer(lyr)) layerId = k; });
      if (layerId && !map.hasLayer(groups[layerId])) map.addLayer(groups[layerId]);
      if (lyr.getLatLng) map.setView(lyr.getLatLng(), Math.max(map.getZoom(), 12), { animate: false });
      else map.fitBounds(lyr.getBounds(), { padding: [30, 30], animate: false });
      api.openPopup(featureId);
      return true;
    };
    api.setLanguage = setLanguage;
    api.setBasemap = function (id) { setBasemap(id, true); };
    api.showChapter = function (i) { showChapter(i, false); };
    api.gcj02 = wgs84ToGcj02;
    api.searchKey = searchKey;

    // -- start. The layers are drawn first, in the view and datum they are seen in (so each is
    // projected once), and the interface (controls, legend, search, story panel) is built once
    // that frame is on screen: its ~30 elements of mixed Chinese and English text cost ~100 ms
    // of script and layout in Chromium (measured in traces), which would hold back the map.
    // api.layersDrawn marks the first stage, api.ready the whole page.
    api.timings = { start: performance.now() };
    if (data.bounds) map.fitBounds(data.bounds, { animate: false });
    // The base map's tiles come from the network, a frame later at best: its tile layer (some
    // 20 image elements and their requests) is added once the layers are on screen, which
    // drew the page ~40 ms sooner (bench/ab.py, 16 loads). The layers are drawn in its datum.
    var firstBasemap = knownBasemap(hash.basemap);
    state.datum = datumOf(firstBasemap);
    drawLayers();
    map.on("overlayadd", restack);
    map.on("zoomend", applyLevel);
    applyLanguage(state.lang);
    if (data.story) {
      var n = parseInt(hash.chapter, 10);
      showChapter(n >= 1 && n <= data.story.chapters.length ? n - 1 : 0, false);
    }
    api.layersDrawn = true;
    api.timings.layers_drawn = performance.now();
    window.jmgeoAtlasState = api;

    afterFirstPaint(function () {
      root.classList.remove("jmgeo-starting");
      setBasemap(firstBasemap, false);
      map.on("baselayerchange", function (e) {
        Object.keys(basemapLayers).forEach(function (id) { if (basemapLayers[id] === e.layer) setBasemap(id, true); });
      });
      addControls();
      scheduleTextTwin();
      if (data.story) {
        document.addEventListener("keydown", function (e) {
          var tag = (e.target && e.target.tagName) || "";
          if (tag === "INPUT" || tag === "TEXTAREA") return;
          if (e.key === "ArrowRight" || e.key === "PageDown") { showChapter(state.chapter + 1); e.preventDefault(); }
          else if (e.key === "ArrowLeft" || e.key === "PageUp") { showChapter(state.chapter - 1); e.preventDefault(); }
        });
        window.addEventListener("hashchange", function () {
          var m = parseInt(readHash().chapter, 10);
          if (m >= 1 && m - 1 !== state.chapter) showChapter(m - 1);
        });
      }
      api.timings.ready = performance.now();
      api.ready = true;
    });
    return api;
  }

  // decodeGeometry is shared with bench/floor.py's page, which draws the same data without init.
  window.jmgeoAtlas = { init: init, decodeGeometry: decodeGeometry };
})();
