// ---- draw: every layer, in the datum of the current basemap ----------------------------
// Areas and lines (and the points' uncertainty circles) are painted on one canvas in the
// "jmgeo-areas" pane; points stay SVG in the "jmgeo-points" pane above it (hover and click
// work on both). One bitmap costs Chromium less than many SVG outlines (docs/page-script.md).
function makePanes(a) {
  ["jmgeo-areas", "jmgeo-points"].forEach(function (name, i) {
    a.map.createPane(name).style.zIndex = String(401 + i);
  });
  a.vectorCanvas = L.canvas({ pane: "jmgeo-areas" });
}

// One canvas paints in the order its layers were added: areas, then points' circles, then lines;
// within a kind the context (neighbouring land, towns) goes first, under the atlas's own layers.
var KIND_ORDER = { area: 0, point: 1, line: 2 };
function drawOrderOf(layers) {
  var key = function (layer) { return 2 * (KIND_ORDER[layer.kind] || 0) + (layer.role === "context" ? 0 : 1); };
  return layers.slice().sort(function (x, y) { return key(x) - key(y); });
}

// Put areas under circles under lines again whenever a layer comes back.
function restack(a) {
  a.drawOrder.forEach(function (layer) {
    if (a.map.hasLayer(a.groups[layer.id])) a.groups[layer.id].bringToFront();
  });
}

function toLatLng(a, coords) {
  if (a.state.datum === "GCJ-02") {
    var g = wgs84ToGcj02(coords[1], coords[0]);
    return L.latLng(g[0], g[1]);
  }
  return L.latLng(coords[1], coords[0]);
}

// Widths, opacities and the roles' overrides come from geodata/layers.json's "draw" (data.draw),
// the same entry the GeoPackage's QGIS and SLD styles are made from (jmgeo._layer_styles).
function styleFor(a, layer, props) {
  var data = a.data, d = data.draw, p = data.precision_styles[props.precision] || {};
  var fill = p.fill_opacity === undefined ? d.fill_opacity : p.fill_opacity;
  var s = { color: layer.color, weight: d.width.area, opacity: d.stroke_opacity, fillColor: layer.color, fillOpacity: fill, dashArray: p.dash || null };
  var role = d.roles[layer.role] || {};
  if ("width" in role) s.weight = role.width;
  if ("fill_opacity" in role) s.fillOpacity = role.fill_opacity;
  if ("dash" in role) s.dashArray = role.dash;
  var land = offlineLand(a);
  if (land && layer.role === "context") { s.fillColor = land; s.fillOpacity = a.state.offline ? 1 : 0.3; }
  if (land && layer.role === "city" && a.state.offline) { s.fillColor = land; s.fillOpacity = 1; }
  if (data.choropleth && data.choropleth.layer === layer.id && props.id in data.choropleth.values) {
    s.fillColor = choroplethColor(data.choropleth, data.choropleth.values[props.id]);
    s.fillOpacity = 0.75;
  }
  if (layer.kind === "line") s.weight = props.precision === "schematic" ? d.width.schematic_line : d.width.line;
  // The coarse level is drawn as it is: unclipped, not simplified again (see levelAt and applyLevel).
  var coarse = a.state.level === "overview" && !!a.leveled[props.id];
  s.noClip = coarse;
  s.smoothFactor = coarse ? 0 : 1;
  return s;
}

// Each feature's tooltip and popup are bound once the first frame is on screen (before it
// nothing can be hovered or clicked), or at once when a popup is asked for.
function bindPending(a) {
  a.unbound.splice(0).forEach(function (pair) {
    var lyr = pair[0], layer = pair[1], props = lyr.feature.properties;
    lyr.bindTooltip(function () { return tooltipContent(a, props); }, { sticky: true, direction: "top" });
    lyr.bindPopup(function () { return popupContent(a, props, layer); }, { maxWidth: 380, maxHeight: 360 });
  });
}

// How a point's symbol is drawn, from the registry's "draw": the towns (context) as small dots; the
// atlas's own points as circles, filled in their colour if surveyed and otherwise hollow (filled with
// point_fill.hollow). Opaque, so no circle or area drawn beneath shows through a symbol.
function pointStyle(a, layer, props) {
  var d = a.data.draw;
  if (layer.role === "context") {
    var dot = d.context_point;
    return { radius: dot.radius, weight: dot.width, color: layer.color, opacity: d.stroke_opacity, fillColor: layer.color, fillOpacity: dot.fill_opacity, dashArray: null, pane: "jmgeo-points" };
  }
  var s = styleFor(a, layer, props);
  s.radius = d.point_radius;
  s.weight = d.width.point;
  s.pane = "jmgeo-points";
  s.fillOpacity = d.point_fill.fill_opacity;
  if (props.precision && props.precision !== "surveyed") s.fillColor = d.point_fill.hollow;
  return s;
}

// A schematic area (a planned zone drawn as a circle, no published boundary), as the registry's
// schematic_areas says: below full_from_zoom its "rest" look (a thin outline, so tens of km of
// circles do not wall over the city), the "focus" look while pointed at or selected, and from
// that zoom on its precision's own look.
function isSchematicArea(feature) {
  return feature.properties.precision === "schematic" && /Polygon/.test(feature.geometry.type);
}

function schematicLook(a, s, id) {
  var settings = a.data.schematic_areas;
  if (!settings) return s;
  var focus = a.areaFocus && (id === a.areaFocus.hover || id === a.areaFocus.selected);
  if (!focus && a.map && a.map.getZoom() >= settings.full_from_zoom) return s;
  var look = focus ? settings.focus : settings.rest;
  s.dashArray = look.dash;
  s.weight = look.weight;
  s.fillOpacity = look.fill_opacity;
  return s;
}

// The style of any feature of a geoJSON layer (Leaflet applies it to points too).
function featureStyle(a, layer, feature) {
  var props = feature.properties;
  if (feature.geometry.type === "Point") return pointStyle(a, layer, props);
  var s = styleFor(a, layer, props);
  return isSchematicArea(feature) ? schematicLook(a, s, props.id) : s;
}

// Restyle the schematic areas (after a zoom, or when one is pointed at or selected).
function showSchematic(a) {
  Object.keys(a.schematic || {}).forEach(function (id) {
    var entry = a.schematic[id];
    entry.lyr.setStyle(featureStyle(a, entry.layer, entry.lyr.feature));
  });
}

// Keep focus.hover and focus.selected on the feature id while lyr is pointed at or its popup
// is open (a halo's marker, a schematic area), and redraw when either changes.
function watchFocus(lyr, focus, id, redraw) {
  function set(kind, on) {
    if (on) focus[kind] = id;
    else if (focus[kind] === id) focus[kind] = null;
    else return;
    redraw();
  }
  lyr.on("mouseover", function () { set("hover", true); });
  lyr.on("mouseout", function () { set("hover", false); });
  lyr.on("popupopen", function () { set("selected", true); });
  lyr.on("popupclose", function () { set("selected", false); });
}

function watchSchematic(a, layer, lyr) {
  var id = lyr.feature.properties.id;
  a.schematic[id] = { lyr: lyr, layer: layer };
  watchFocus(lyr, a.areaFocus, id, function () { showSchematic(a); });
}

// The look of a schematic area now (for the tests).
function areaLook(a, id) {
  var entry = a.schematic && a.schematic[id];
  if (!entry) return null;
  var o = entry.lyr.options;
  return { dash: o.dashArray, weight: o.weight, fill_opacity: o.fillOpacity, on_map: a.map.hasLayer(entry.lyr) };
}

// A point feature: a circle marker in the points pane, and a circle of its uncertainty on the
// canvas below it (see showHalos) when the registry's uncertainty_halos says which are drawn.
function pointMarker(a, layer, group, feature, latlng) {
  var s = pointStyle(a, layer, feature.properties);
  if (layer.role === "context") return L.circleMarker(latlng, s);  // a town: a dot under its label, no circle
  var marker = L.circleMarker(latlng, s), halos = a.data.uncertainty_halos;
  var unc = feature.properties.uncertainty_m, id = feature.properties.id;
  if (halos && unc && unc >= halos.min_radius_m) {
    a.halos[id] = { group: group, circle: L.circle(latlng, { radius: unc, color: layer.color, interactive: false, renderer: a.vectorCanvas }) };
    watchFocus(marker, a.haloFocus, id, function () { showHalos(a); });
  }
  return marker;
}

// Uncertainty circles up to tens of km across would crowd the city view and its symbols, so
// below the registry's all_from_zoom only the hovered or selected feature's circle is drawn
// (in the "focus" look); from that zoom on, every one (in the "rest" look). Always on the
// canvas, under the points' pane: a circle never covers a symbol.
function showHalos(a) {
  var settings = a.data.uncertainty_halos;
  if (!settings) return;
  var all = a.map.getZoom() >= settings.all_from_zoom;
  Object.keys(a.halos).forEach(function (id) {
    var h = a.halos[id], focused = id === a.haloFocus.hover || id === a.haloFocus.selected;
    var look = focused ? settings.focus : settings.rest;
    // kept in its layer's group: a layer switched off (or a story chapter without it) takes its circles along
    if (all || focused) {
      h.circle.setStyle({ dashArray: look.dash, weight: look.weight, fillOpacity: look.fill_opacity });
      if (!h.group.hasLayer(h.circle)) h.group.addLayer(h.circle);
    } else if (h.group.hasLayer(h.circle)) {
      h.group.removeLayer(h.circle);
    }
  });
}

// The ids of the uncertainty circles drawn now, and how one is drawn (for the tests).
function shownHalos(a) {
  return Object.keys(a.halos).filter(function (id) { return a.map.hasLayer(a.halos[id].circle); });
}

function haloLook(a, id) {
  var h = a.halos[id];
  if (!h) return null;
  var o = h.circle.options;
  return { dash: o.dashArray, weight: o.weight, fill_opacity: o.fillOpacity, pane: o.renderer.options.pane, radius_px: h.circle._radius };
}

// A layer's schematic areas go first (beneath its other features), the largest first, so a smaller
// area inside a larger one stays on top, where the pointer reaches it.
function schematicFirst(fc) {
  var schematic = fc.features.filter(isSchematicArea);
  if (!schematic.length) return fc;
  var span = function (f) { var b = L.geoJSON(f).getBounds(); return (b.getNorth() - b.getSouth()) * (b.getEast() - b.getWest()); };
  var sizes = new Map(schematic.map(function (f) { return [f, span(f)]; }));
  schematic.sort(function (x, y) { return sizes.get(y) - sizes.get(x); });
  return { type: "FeatureCollection", features: schematic.concat(fc.features.filter(function (f) { return !isSchematicArea(f); })) };
}

function drawLayer(a, layer) {
  var group = a.groups[layer.id];
  group.clearLayers();
  if (layer.render === "canvas") {
    a.layers[layer.id] = pointCloud(a, layer).addTo(group);
    return;
  }
  var gj = L.geoJSON(schematicFirst(featuresAt(layer, a.state.level)), {
    renderer: a.vectorCanvas,  // areas and lines; points get their own options in pointToLayer
    coordsToLatLng: function (c) { return toLatLng(a, c); },
    style: function (feature) { return featureStyle(a, layer, feature); },
    pointToLayer: function (feature, latlng) { return pointMarker(a, layer, group, feature, latlng); },
    onEachFeature: function (feature, lyr) {
      if (isSchematicArea(feature)) watchSchematic(a, layer, lyr);
      a.unbound.push([lyr, layer]);
      a.features[feature.properties.id] = lyr;
    }
  });
  gj.addTo(group);
  a.layers[layer.id] = gj;
}

// Points that share a position (a station inside its logistics centre) hide each other:
// each one's popup lists the others, so every feature stays reachable.
function findColocated(features) {
  var byPosition = {}, colocated = {};
  Object.keys(features).forEach(function (id) {
    var lyr = features[id];
    if (!lyr.getLatLng) return;
    var ll = lyr.getLatLng();
    var key = ll.lat.toFixed(4) + "," + ll.lng.toFixed(4);
    (byPosition[key] = byPosition[key] || []).push(lyr.feature.properties);
  });
  Object.keys(byPosition).forEach(function (key) {
    var group = byPosition[key];
    if (group.length < 2) return;
    group.forEach(function (f) { colocated[f.id] = group.filter(function (o) { return o.id !== f.id; }); });
  });
  return colocated;
}

function drawLayers(a) {
  a.features = {};
  a.halos = {};
  a.schematic = {};
  a.state.level = levelAt(a, a.map.getZoom());
  a.drawOrder.forEach(function (layer) { drawLayer(a, layer); });
  a.colocated = findColocated(a.features);
  showHalos(a);
  renderLabels(a);
  if (a.paintWaiters === false) bindPending(a);
  else afterFirstPaint(a, function () { bindPending(a); });
}
