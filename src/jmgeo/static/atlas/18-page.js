// ---- page: what the page offers its own controls and the outside ------------------------
// A feature's Leaflet layer; a point of a point cloud gets a stand-in (see pointCloud).
function findFeature(a, featureId) {
  if (a.features[featureId]) return a.features[featureId];
  for (var id in a.layers) {
    var found = a.layers[id].feature && a.layers[id].feature(featureId);
    if (found) return found;
  }
  return null;
}

function openPopup(a, featureId) {
  var lyr = findFeature(a, featureId);
  if (!lyr) return false;
  bindPending(a);
  var target = lyr.getBounds ? lyr.getBounds().getCenter() : lyr.getLatLng();
  lyr.openPopup(target);
  return true;
}

// Show a feature's layer, bring the feature into view and open its popup.
function focusFeature(a, featureId) {
  var map = a.map, lyr = findFeature(a, featureId);
  if (!lyr) return false;
  var layerId = lyr.layerId || null;  // a point cloud's stand-in knows its layer
  Object.keys(a.layers).forEach(function (k) { if (a.layers[k].hasLayer && a.layers[k].hasLayer(lyr)) layerId = k; });
  if (layerId && !map.hasLayer(a.groups[layerId])) map.addLayer(a.groups[layerId]);
  if (lyr.getLatLng) map.setView(lyr.getLatLng(), Math.max(map.getZoom(), 12), { animate: false });
  else map.fitBounds(lyr.getBounds(), { padding: [30, 30], animate: false });
  openPopup(a, featureId);
  return true;
}

// The page's public face (jmgeoAtlas.page): Leaflet's map, the start-up stages (layersDrawn,
// ready, twinReady, timings: read by the tests, bench/ and scripts/screenshot.py), the
// Leaflet layers of the features and layers, and the reader's actions.
function makePage(a) {
  return {
    map: a.map,
    layersDrawn: false,
    ready: false,
    twinReady: false,
    timings: {},
    feature: function (id) { return findFeature(a, id); },
    layers: function () { return Object.assign({}, a.layers); },
    halos: function () { return shownHalos(a); },
    haloLook: function (id) { return haloLook(a, id); },
    schematicAreas: function () { return Object.keys(a.schematic); },
    areaLook: function (id) { return areaLook(a, id); },
    openPopup: function (id) { return openPopup(a, id); },
    focusFeature: function (id) { return focusFeature(a, id); },
    setLanguage: function (lang) { setLanguage(a, lang); },
    setBasemap: function (id) { setBasemap(a, id, true); },
    showChapter: function (i) { showChapter(a, i, false); }
  };
}
