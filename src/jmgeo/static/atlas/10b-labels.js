// ---- labels: names that stay on the map, chosen per zoom, never overlapping -------------
// Each layer of layers.json with a label_min_zoom names its features from that zoom on; the
// label_rank orders them (the city and its neighbours first, then the districts, the key
// hubs and sites, the towns last); within a rank, features with more facts go first. A
// greedy pass over screen boxes keeps each label whose box is in the view and overlaps no
// label placed before it, so at the city view the towns fill only the room that is left.
var LABEL_FONT_PX = [15, 14, 13, 12, 11];
var LABEL_POINT_GAP_PX = 9;  // a point's label starts right of its marker (radius 7)

// Where a line's name goes: its middle vertex (lines have no label point of their own).
function lineMiddle(geometry) {
  var lines = geometry.type === "LineString" ? [geometry.coordinates] : geometry.type === "MultiLineString" ? geometry.coordinates : [];
  var longest = lines.reduce(function (x, y) { return y.length > x.length ? y : x; }, []);
  return longest.length ? longest[Math.floor(longest.length / 2)] : null;
}

// The candidates at a zoom: { id, layer, props, at: [lon, lat], rank, point, focus }, in placement order.
// The ids in focus (a story chapter's places) are named at every zoom, placed after ranks 0 and 1.
function labelCandidates(layers, zoom, isShown, focus) {
  var out = [];
  focus = focus || {};
  layers.forEach(function (layer, order) {
    var byZoom = !(layer.label_min_zoom === null || layer.label_min_zoom === undefined || zoom < layer.label_min_zoom);
    if (!layer.features || !isShown(layer)) return;
    layer.features.features.forEach(function (f) {
      var p = f.properties, at = p.label_at, point = false, mine = !!focus[p.id];
      if (!byZoom && !mine) return;
      if (!at && f.geometry && f.geometry.type === "Point") { at = f.geometry.coordinates; point = true; }
      if (!at && mine && f.geometry) at = lineMiddle(f.geometry);
      if (!at) return;
      out.push({ id: p.id, layer: layer.id, props: p, at: at, point: point, rank: mine ? -1 : layer.label_rank || 0,
        order: order, weight: (p.fact_ids || []).length, focus: mine });
    });
  });
  // a chapter's places right after the city and its neighbours (ranks 0, 1), around whose names they find room
  var order = function (c) { return c.focus ? 1.5 : c.rank; };
  out.sort(function (x, y) { return order(x) - order(y) || y.weight - x.weight || x.order - y.order; });
  return out;
}

// The screen box of a label w x h px: right of a point, centred on an area's label point. A
// chapter's place may go elsewhere around it when that fits (side 1-7: left, above, below, then
// the four corners), clear of a label centred on the same spot (concentric zones).
var LABEL_SIDES = [[0, 0], [-1, 0], [0, -1], [0, 1], [1, -1], [1, 1], [-1, -1], [-1, 1]];

function labelBox(pt, w, h, point, side) {
  var x0 = point ? pt.x + LABEL_POINT_GAP_PX : pt.x - w / 2, y0 = pt.y - h / 2;
  if (side) {
    var d = LABEL_SIDES[side], gap = LABEL_POINT_GAP_PX;
    x0 = d[0] < 0 ? pt.x - gap - w : d[0] > 0 ? pt.x + gap : pt.x - w / 2;
    y0 = d[1] < 0 ? pt.y - h / 2 - h - 2 : d[1] > 0 ? pt.y + h / 2 + 2 : pt.y - h / 2;
  }
  return { x0: x0, y0: y0, x1: x0 + w, y1: y0 + h };
}

function boxesOverlap(b, c) { return b.x0 < c.x1 && c.x0 < b.x1 && b.y0 < c.y1 && c.y0 < b.y1; }

// Greedy placement: candidates in order; each keeps its box if it lies inside size {x, y}
// and overlaps neither a kept box nor one of the occupied boxes (the map's controls).
// project(at) -> {x, y}; measure(candidate) -> [w, h].
// A chapter's place that finds no free side is still named, at the first side clear of the
// controls, over another label if need be (a story names every place it is about).
function placeLabels(candidates, project, measure, size, occupied) {
  var kept = [], controls = occupied || [], taken = controls.slice();
  function fits(b, boxes) {
    if (b.x0 < 0 || b.y0 < 0 || b.x1 > size.x || b.y1 > size.y) return false;
    for (var i = 0; i < boxes.length; i++) if (boxesOverlap(b, boxes[i])) return false;
    return true;
  }
  candidates.forEach(function (c) {
    var wh = measure(c), pt = project(c.at), sides = c.focus ? LABEL_SIDES.length : 1;
    var boxes = [];
    for (var k = 0; k < sides; k++) boxes.push(labelBox(pt, wh[0], wh[1], c.point, k));
    var b = boxes.filter(function (x) { return fits(x, taken); })[0];
    if (!b && c.focus) b = boxes.filter(function (x) { return fits(x, controls); })[0];
    if (!b) return;
    taken.push(b);
    kept.push({ candidate: c, box: b, w: wh[0], h: wh[1], anchor: [pt.x - b.x0, pt.y - b.y0] });
  });
  return kept;
}

// The boxes of the map's controls (legend, toolbar ...), in the map's container pixels.
function controlBoxes(map) {
  var origin = map.getContainer().getBoundingClientRect();
  return Array.prototype.map.call(map.getContainer().querySelectorAll(".leaflet-control"), function (node) {
    var r = node.getBoundingClientRect();
    return { x0: r.left - origin.left, y0: r.top - origin.top, x1: r.right - origin.left, y1: r.bottom - origin.top };
  });
}

function labelFontPx(rank) { return LABEL_FONT_PX[Math.max(0, Math.min(rank, LABEL_FONT_PX.length - 1))]; }

// Text widths from a canvas (no layout): the label's font at its rank, 4 px of halo either side.
function labelMeasurer(a) {
  var ctx = document.createElement("canvas").getContext("2d");
  return function (c) {
    var px = labelFontPx(c.rank);
    ctx.font = (c.rank <= 1 ? "bold " : "") + px + "px sans-serif";
    c.text = names(c.props, a.state.lang)[0] || "";
    return [Math.ceil(ctx.measureText(c.text).width) + 8, px + 6];
  };
}

// The current story chapter's places, {id: true}, named whatever the zoom (none off the story).
function chapterFocus(a) {
  var focus = {}, story = a.data.story;
  if (story && a.state.chapter !== null && a.state.chapter !== undefined) {
    story.chapters[a.state.chapter].focus.forEach(function (id) { focus[id] = true; });
  }
  return focus;
}

// Draw the labels for the current view, language and datum (again after every move). Not before
// the map's first frame: measuring Chinese text loads the CJK font, which would hold that frame back.
function renderLabels(a) {
  if (a.paintWaiters !== false) return;  // finishStart draws them once the first frame is painted
  var map = a.map;
  if (!a.labelLayer) {
    map.createPane("jmgeo-labels").style.zIndex = "450";
    a.labelLayer = L.layerGroup().addTo(map);
  }
  a.labelLayer.clearLayers();
  var isShown = function (layer) { return map.hasLayer(a.groups[layer.id]); };
  var candidates = labelCandidates(a.data.layers, map.getZoom(), isShown, chapterFocus(a));
  var project = function (at) { return map.latLngToContainerPoint(toLatLng(a, at)); };
  // on paper the controls are not printed, so the names may go where they were
  var placed = placeLabels(candidates, project, labelMeasurer(a), map.getSize(), a.printing ? [] : controlBoxes(map));
  placed.forEach(function (p) {
    var c = p.candidate, node = el("span", "jmgeo-label jmgeo-label-rank-" + c.rank + (c.focus ? " jmgeo-label-focus" : ""), c.text);
    node.setAttribute("data-id", c.id);
    node.setAttribute("data-layer", c.layer);
    node.style.fontSize = labelFontPx(c.rank) + "px";
    var anchor = p.anchor;
    var icon = L.divIcon({ html: node, className: "jmgeo-label-box", iconSize: [p.w, p.h], iconAnchor: anchor });
    L.marker(toLatLng(a, c.at), { icon: icon, interactive: false, keyboard: false, pane: "jmgeo-labels" }).addTo(a.labelLayer);
  });
  a.page.labelsShown = placed.length;
}
