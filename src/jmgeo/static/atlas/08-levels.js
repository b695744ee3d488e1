// ---- levels of detail: coarse outlines for the city-wide view --------------------------
// The city and district outlines come in two simplifications of one coverage
// (jmgeo._page_data.OVERVIEW_MAX_ERROR_M): up to overview.max_zoom, where the coarse one is within
// a screen pixel of the true borders, the page draws it; closer in, the detailed one. The
// coarse level is drawn as it is, unclipped and unsmoothed (see styleFor): it costs less to
// draw and neighbours' shared borders stay together (measurements: docs/page-script.md).
// Lines are always clipped: the freight routes run thousands of pixels off screen.
function levelAt(a, zoom) {
  var overview = a.data.boundary_simplification && a.data.boundary_simplification.overview;
  return overview && zoom <= overview.max_zoom ? "overview" : "detail";
}

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

// The ids of the features that have a coarse level.
function findLeveled(data) {
  var leveled = {};
  data.layers.forEach(function (layer) {
    if (layer.features) layer.features.features.forEach(function (f) { if (f.overview) leveled[f.properties.id] = true; });
  });
  return leveled;
}

// Swap the outlines' geometry when a zoom crosses overview.max_zoom (same layer objects:
// tooltips, popups and the layer control are untouched).
function applyLevel(a) {
  var level = levelAt(a, a.map.getZoom());
  if (level === a.state.level) return;
  a.state.level = level;
  a.data.layers.forEach(function (layer) {
    if (!layer.features) return;
    layer.features.features.forEach(function (f) {
      var lyr = f.overview && a.features[f.properties.id];
      if (!lyr || !lyr.setLatLngs) return;
      var g = atLevel(f, level);
      lyr.feature.geometry = g;
      lyr.options.noClip = level === "overview";
      lyr.options.smoothFactor = level === "overview" ? 0 : 1;
      lyr.setLatLngs(L.GeoJSON.coordsToLatLngs(g.coordinates, g.type === "MultiPolygon" ? 2 : 1, function (c) { return toLatLng(a, c); }));
    });
  });
}
