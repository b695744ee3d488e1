// ---- decode: the page's compact geometry back to GeoJSON -----------------------------
// Geometry in the data block is quantised and delta-encoded by jmgeo._page_data.encode_geometry:
// GeoJSON nesting, but each line/ring is one flat list [x0, y0, dx1, dy1, ...] of integers in
// units of 1/scale degrees. The format is jmgeo's own, so its ~20-line decoder is written here
// (no PyPI package ships a browser decoder for it, and the page must carry everything it runs).
function decodeLine(ints, scale) {
  var out = new Array(ints.length / 2), x = 0, y = 0;
  for (var i = 0; i < ints.length; i += 2) {
    x += ints[i]; y += ints[i + 1];
    out[i / 2] = [x / scale, y / scale];
  }
  return out;
}

function decodeGeometry(g, scale) {
  // (a GeometryCollection has no delta of its own: its members are decoded)
  if (g && g.type === "GeometryCollection") return { type: g.type, geometries: g.geometries.map(function (x) { return decodeGeometry(x, scale); }) };
  if (!g || !g.delta) return g;
  var d = g.delta, coords;
  if (g.type === "Point") coords = decodeLine(d, scale)[0];
  else if (g.type === "LineString" || g.type === "MultiPoint") coords = decodeLine(d, scale);
  else if (g.type === "Polygon" || g.type === "MultiLineString") coords = d.map(function (r) { return decodeLine(r, scale); });
  else if (g.type === "MultiPolygon") coords = d.map(function (p) { return p.map(function (r) { return decodeLine(r, scale); }); });
  return { type: g.type, coordinates: coords };
}

// A large point layer (one position array, properties by column, see
// jmgeo._page_data.point_layer) as one GeoJSON feature per point.
function decodePointColumns(layer, scale) {
  var pos = decodeLine(layer.points, scale), cols = Object.keys(layer.properties), feats = new Array(pos.length);
  for (var i = 0; i < pos.length; i++) {
    var props = {};
    for (var c = 0; c < cols.length; c++) props[cols[c]] = layer.properties[cols[c]][i];
    feats[i] = { type: "Feature", properties: props, geometry: { type: "Point", coordinates: pos[i] } };
  }
  return { type: "FeatureCollection", features: feats };
}

// Turn a layer's page data into a GeoJSON FeatureCollection in layer.features.
function decodeLayer(layer, scale) {
  if (layer.points) {
    layer.features = decodePointColumns(layer, scale);
    delete layer.points;
    return;
  }
  layer.features.features.forEach(function (f) {
    if (!f.overview) {
      f.geometry = decodeGeometry(f.geometry, scale);
      return;
    }
    // An outline with an overview (see levelAt) opens at the overview's zoom: its detailed
    // geometry, 2-3 times the vertices, is decoded when first used.
    f.overview = decodeGeometry(f.overview, scale);
    var encoded = f.geometry, decoded = null;
    Object.defineProperty(f, "geometry", {
      enumerable: true,
      get: function () { return decoded || (decoded = decodeGeometry(encoded, scale)); }
    });
  });
}
