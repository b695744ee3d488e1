// ---- point cloud: a large point layer drawn as one bitmap ------------------------------
// More than jmgeo._page_data.CANVAS_MIN_FEATURES points are drawn as one small square each on a
// canvas redrawn after each move or zoom: Leaflet's own renderers make one layer object per
// point, far too slow at 10,000 (docs/page-script.md). A click opens the popup of the
// nearest point within 8 px.
var CloudLayer = L.Layer.extend({
  initialize: function (color, px, py) { this._color = color; this._px = px; this._py = py; },
  onAdd: function (map) {
    this._map = map;
    this._canvas = L.DomUtil.create("canvas", "jmgeo-point-cloud");
    this._canvas.style.pointerEvents = "none";
    map.getPane("jmgeo-points").appendChild(this._canvas);
    if (this.project) this.project(map);
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
    var ctx = canvas.getContext("2d"), px = this._px, py = this._py;
    ctx.fillStyle = this._color;
    ctx.beginPath();
    for (var i = 0; i < px.length; i++) {
      var x = px[i] * scale - ox, y = py[i] * scale - oy;
      if (x >= -3 && y >= -3 && x <= w + 3 && y <= h + 3) ctx.rect(x - 2, y - 2, 4, 4);
    }
    ctx.fill();
    canvas.style.visibility = "visible";
    this.drawn = (this.drawn || 0) + 1;
  },
  // The index of the point nearest a container point, within maxPx (-1 if none): a linear scan.
  nearest: function (containerPoint, maxPx) {
    var map = this._map, scale = map.getZoomScale(map.getZoom(), 0), px = this._px, py = this._py;
    var lp = map.containerPointToLayerPoint(containerPoint).add(map.getPixelOrigin());
    var best = -1, bestD = maxPx * maxPx;
    for (var i = 0; i < px.length; i++) {
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

function pointCloud(a, layer) {
  var feats = layer.features.features, n = feats.length;
  var cloud = new CloudLayer(layer.color, new Float64Array(n), new Float64Array(n));
  // Positions at zoom 0, in the basemap's datum, when the layer is added.
  cloud.project = function (map) {
    for (var i = 0; i < n; i++) {
      var p = map.project(toLatLng(a, feats[i].geometry.coordinates), 0);
      cloud._px[i] = p.x; cloud._py[i] = p.y;
    }
  };
  // A point's stand-in for a Leaflet layer (getLatLng, openPopup), made when asked for
  // (making them all up front is slow).
  var index = null;
  cloud.feature = function (id) {
    if (!index) {
      index = new Map();
      for (var i = 0; i < n; i++) index.set(feats[i].properties.id, i);
    }
    var k = typeof id === "number" ? id : index.get(id);
    if (k === undefined || !feats[k]) return null;
    var f = feats[k], latlng = toLatLng(a, f.geometry.coordinates);
    return {
      feature: f,
      layerId: layer.id,
      getLatLng: function () { return latlng; },
      openPopup: function () {
        L.popup({ maxWidth: 380, maxHeight: 360 }).setLatLng(latlng)
          .setContent(popupContent(a, f.properties, layer)).openOn(cloud._map);
      }
    };
  };
  return cloud;
}
