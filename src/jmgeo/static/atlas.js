/* jmgeo atlas page script.
 *
 * Draws every layer from the page's JSON data block into the folium feature groups,
 * and adds the legend, the city-facts panel, tooltips and popups.
 * All text from the data is put into the page with textContent (never innerHTML),
 * so document text can only ever show as text.
 */
(function () {
  "use strict";

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
    layer.features.features.forEach(function (f) { f.geometry = decodeGeometry(f.geometry, scale); });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function safeUrl(url) {
    // Only plain web links become anchors; anything else (javascript:, data:) is shown as text.
    return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null;
  }

  function svgSwatch(kind, color, precisionStyle) {
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
    shape.setAttribute("fill", kind === "line" ? "none" : color);
    shape.setAttribute("fill-opacity", String(precisionStyle ? precisionStyle.fill_opacity : 0.3));
    if (precisionStyle && precisionStyle.dash) shape.setAttribute("stroke-dasharray", precisionStyle.dash);
    svg.appendChild(shape);
    return svg;
  }

  function formatValue(fact) {
    if (fact.value === null || fact.value === undefined) return "";
    var q = { more_than: "> ", nearly: "≈ ", about: "≈ ", at_least: "≥ ", target: "→ ", range: "", null: "" };
    return (q[fact.qualifier] || "") + fact.value + " " + (fact.unit || "");
  }

  function factItem(fact, labels) {
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
    if (fact.year !== null && fact.year !== undefined) parts.push(labels.year + " " + fact.year);
    meta.appendChild(el("span", "jmgeo-value", parts.join(" · ")));
    meta.appendChild(el("span", "jmgeo-source", labels.source + ": " + fact.doc));
    li.appendChild(meta);
    if (fact.unplaced_subject) {
      li.appendChild(el("p", "jmgeo-unplaced", labels.unplaced + ": " + fact.unplaced_subject));
    }
    if (fact.conflicts_with && fact.conflicts_with.length) {
      li.appendChild(el("p", "jmgeo-conflict", labels.conflict + ": " + fact.conflicts_with.join(", ")));
    }
    return li;
  }

  function factList(ids, data) {
    var ul = el("ul", "jmgeo-facts");
    ids.forEach(function (id) {
      var fact = data.facts[id];
      if (fact) ul.appendChild(factItem(fact, data.labels));
    });
    return ul;
  }

  function popupContent(props, layer, data) {
    var labels = data.labels;
    var box = el("div", "jmgeo-popup");
    box.setAttribute("data-feature-id", props.id);
    var h = el("h3", "jmgeo-title");
    var zh = el("span", "jmgeo-name-zh", props.name_zh);
    zh.setAttribute("lang", "zh-Hans");
    h.appendChild(zh);
    h.appendChild(el("span", "jmgeo-name-en", props.name_en));
    box.appendChild(h);
    var info = el("dl", "jmgeo-info");
    function row(label, value) {
      if (value === null || value === undefined || value === "") return;
      info.appendChild(el("dt", null, label));
      info.appendChild(el("dd", null, value));
    }
    row(labels.layer, layer.title_zh + " / " + layer.title_en);
    row(labels.kind, props.kind);
    if (props.area_km2 !== undefined && props.area_km2 !== null) row(labels.area, props.area_km2 + " km²");
    if (props.area_km2_documented) row(labels.area_documented, props.area_km2_documented + " km²");
    row(labels.area_note, props.area_note_zh ? props.area_note_zh + " " + (props.area_note_en || "") : null);
    row(labels.district, props.district_label);
    var prec = data.precision_styles[props.precision];
    var precText = props.precision + (prec ? " — " + prec.label_zh + " / " + prec.label_en : "");
    if (props.uncertainty_m) precText += " (± " + Math.round(props.uncertainty_m) + " m)";
    row(labels.precision, props.precision ? precText : null);
    row(labels.position_source, props.position_source);
    row(labels.position_method, props.position_method);
    row(labels.datum, props.position_datum);
    row(labels.note, props.note);
    box.appendChild(info);
    var url = safeUrl(props.position_url);
    if (url) {
      var a = el("a", "jmgeo-link", labels.open_source);
      a.href = url;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      box.appendChild(a);
    }
    var here = (data._colocated || {})[props.id] || [];
    if (here.length) {
      var also = el("div", "jmgeo-also");
      also.appendChild(el("span", null, labels.also_here + ": "));
      here.forEach(function (other) {
        var b = el("button", "jmgeo-also-button", other.name_zh + " " + other.name_en);
        b.type = "button";
        b.setAttribute("data-feature-id", other.id);
        b.addEventListener("click", function () { window.jmgeoAtlasState.openPopup(other.id); });
        also.appendChild(b);
      });
      box.appendChild(also);
    }
    var ids = props.fact_ids || [];
    box.appendChild(el("h4", "jmgeo-facts-title", labels.facts + " (" + ids.length + ")"));
    if (ids.length) box.appendChild(factList(ids, data));
    else box.appendChild(el("p", "jmgeo-nofacts", labels.no_facts));
    return box;
  }

  function tooltipContent(props) {
    var t = el("span", "jmgeo-tooltip");
    var zh = el("strong", null, props.name_zh);
    zh.setAttribute("lang", "zh-Hans");
    t.appendChild(zh);
    t.appendChild(document.createTextNode(" · "));
    t.appendChild(el("span", null, props.name_en));
    return t;
  }

  function styleFor(layer, props, data) {
    var p = data.precision_styles[props.precision] || {};
    var base = { color: layer.color, weight: 2, opacity: 0.95, fillColor: layer.color, fillOpacity: p.fill_opacity, dashArray: p.dash || null };
    if (layer.id === "city") { base.weight = 3; base.fillOpacity = 0; base.dashArray = null; }
    if (layer.id === "districts") { base.weight = 1.5; base.fillOpacity = 0.06; base.dashArray = null; }
    if (layer.kind === "line") { base.weight = props.precision === "schematic" ? 2.5 : 4; }
    return base;
  }

  function legendControl(data) {
    var control = L.control({ position: "bottomright" });
    control.onAdd = function () {
      var box = el("div", "jmgeo-legend leaflet-bar");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", data.labels.legend_en);
      box.appendChild(el("h4", null, data.labels.legend));
      var list = el("ul");
      data.layers.forEach(function (layer) {
        var li = el("li");
        li.setAttribute("data-layer-id", layer.id);
        li.appendChild(svgSwatch(layer.kind, layer.color, null));
        li.appendChild(el("span", null, layer.title_zh + " " + layer.title_en + " (" + layer.features.features.length + ")"));
        list.appendChild(li);
      });
      box.appendChild(list);
      box.appendChild(el("h5", null, data.labels.precision_heading));
      var plist = el("ul");
      ["surveyed", "approximate", "schematic"].forEach(function (name) {
        var s = data.precision_styles[name];
        var li = el("li");
        li.setAttribute("data-precision", name);
        li.appendChild(svgSwatch("area", "#444", s));
        li.appendChild(svgSwatch("point", "#444", s));
        li.appendChild(el("span", null, s.label_zh + " / " + s.label_en));
        plist.appendChild(li);
      });
      box.appendChild(plist);
      box.appendChild(el("p", "jmgeo-legend-note", data.labels.legend_note));
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    return control;
  }

  function cityControl(data, openCity) {
    var control = L.control({ position: "topright" });
    control.onAdd = function () {
      var box = el("div", "jmgeo-city leaflet-bar");
      var button = el("button", "jmgeo-city-button", data.labels.city_facts + " (" + data.city.fact_ids.length + ")");
      button.type = "button";
      button.setAttribute("aria-expanded", "false");
      var panel = el("div", "jmgeo-city-panel");
      panel.hidden = true;
      panel.setAttribute("role", "region");
      panel.setAttribute("aria-label", data.labels.city_facts_en);
      var title = el("h3", null, data.city.name_zh + " " + data.city.name_en);
      panel.appendChild(title);
      var area = el("p", "jmgeo-city-area",
        data.labels.area + ": " + data.city.area_km2 + " km² · " + data.labels.area_documented + ": " +
        data.city.area_km2_documented + " km²");
      panel.appendChild(area);
      panel.appendChild(el("p", "jmgeo-city-note", data.city.area_note_zh + " " + data.city.area_note_en));
      panel.appendChild(factList(data.city.fact_ids, data));
      button.addEventListener("click", function () {
        panel.hidden = !panel.hidden;
        button.setAttribute("aria-expanded", panel.hidden ? "false" : "true");
      });
      box.appendChild(button);
      box.appendChild(panel);
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    return control;
  }

  // A large point layer (more than jmgeo.webmap.CANVAS_MIN_FEATURES points) is drawn as one
  // bitmap: one small square per point on a canvas redrawn after each move or zoom. Leaflet's
  // own canvas renderer still makes one layer object (with events, tooltip, popup) per point,
  // which measured 2.4 s to first frame at 10,000 points; clustering needs a plugin that no
  // PyPI package ships. A click opens the popup of the nearest point within 8 px
  // (a linear scan: ~2 ms for 100,000 points).
  function pointCloud(layer, data) {
    var feats = layer.features.features, n = feats.length;
    var px = new Float64Array(n), py = new Float64Array(n);
    var Cloud = L.Layer.extend({
      onAdd: function (map) {
        this._map = map;
        this._canvas = L.DomUtil.create("canvas", "jmgeo-point-cloud");
        this._canvas.style.pointerEvents = "none";
        map.getPane("jmgeo-points").appendChild(this._canvas);
        for (var i = 0; i < n; i++) {
          var c = feats[i].geometry.coordinates, p = map.project([c[1], c[0]], 0);
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
      var f = feats[k], c = f.geometry.coordinates, latlng = L.latLng(c[1], c[0]);
      return {
        feature: f,
        getLatLng: function () { return latlng; },
        openPopup: function () {
          L.popup({ maxWidth: 380, maxHeight: 360 }).setLatLng(latlng)
            .setContent(popupContent(f.properties, layer, data)).openOn(cloud._map);
        }
      };
    };
    return cloud;
  }

  function init(map, groups, data) {
    var api = { layers: {}, features: {}, counts: {}, map: map, data: data };
    ["jmgeo-areas", "jmgeo-lines", "jmgeo-points"].forEach(function (name, i) {
      var pane = map.createPane(name);
      pane.style.zIndex = String(401 + i);
    });
    data.layers.forEach(function (layer) { decodeLayer(layer, data.coordinate_scale); });
    data.layers.forEach(function (layer) {
      var group = groups[layer.id];
      if (layer.render === "canvas") {
        var cloud = pointCloud(layer, data);
        cloud.addTo(group);
        api.layers[layer.id] = cloud;
        api.counts[layer.id] = layer.features.features.length;
        return;
      }
      var paneFor = { area: "jmgeo-areas", line: "jmgeo-lines", point: "jmgeo-points" };
      var gj = L.geoJSON(layer.features, {
        pane: paneFor[layer.kind] || "jmgeo-areas",
        style: function (feature) { return styleFor(layer, feature.properties, data); },
        pointToLayer: function (feature, latlng) {
          var s = styleFor(layer, feature.properties, data);
          s.radius = 7;
          s.weight = 2.5;
          s.pane = "jmgeo-points";
          if (feature.properties.precision && feature.properties.precision !== "surveyed") s.fillColor = "#ffffff";
          var unc = feature.properties.uncertainty_m;
          if (unc && unc >= 300) {
            L.circle(latlng, { radius: unc, color: layer.color, weight: 1, dashArray: "2 4", fillOpacity: 0.03, interactive: false, pane: "jmgeo-areas" }).addTo(group);
          }
          return L.circleMarker(latlng, s);
        },
        onEachFeature: function (feature, lyr) {
          var props = feature.properties;
          lyr.bindTooltip(tooltipContent(props), { sticky: true, direction: "top" });
          lyr.bindPopup(function () { return popupContent(props, layer, data); }, { maxWidth: 380, maxHeight: 360 });
          api.features[props.id] = lyr;
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
      (byPosition[key] = byPosition[key] || []).push({ id: id, name_zh: lyr.feature.properties.name_zh, name_en: lyr.feature.properties.name_en });
    });
    data._colocated = {};
    Object.keys(byPosition).forEach(function (key) {
      var group = byPosition[key];
      if (group.length < 2) return;
      group.forEach(function (f) {
        data._colocated[f.id] = group.filter(function (o) { return o.id !== f.id; });
      });
    });
    legendControl(data).addTo(map);
    cityControl(data).addTo(map);
    api.openPopup = function (featureId) {
      var lyr = api.features[featureId] || api.cloudFeature(featureId);
      if (!lyr) return false;
      var target = lyr.getBounds ? lyr.getBounds().getCenter() : lyr.getLatLng();
      lyr.openPopup(target);
      return true;
    };
    // Points of large layers are not in api.features (one object per point is too slow):
    // look them up in their layer.
    api.cloudFeature = function (featureId) {
      for (var id in api.layers) {
        var found = api.layers[id].feature && api.layers[id].feature(featureId);
        if (found) return found;
      }
      return null;
    };
    api.ready = true;
    window.jmgeoAtlasState = api;
    return api;
  }

  window.jmgeoAtlas = { init: init };
})();
