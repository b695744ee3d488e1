// ---- offline: the view with no tiles, and the fall-back when tiles cannot load ----------
// With the basemap that has no tiles ("none"), the map's background is water (atlas.css,
// .jmgeo-offline) and the city
// and its neighbours are filled as land (see styleFor), so the estuary and the sea read as
// water. When a tile basemap's first tile fails before any has loaded (no network, a
// blocked server), the page says so and switches to that offline view.

// The offline base map's land colour (basemaps.json, "land_color" of the base map without tiles),
// or null: then the land keeps its layer's own style.
function offlineLand(a) {
  if (a.offlineLand === undefined) {
    var bases = (a.data.basemaps && a.data.basemaps.basemaps) || [];
    var found = bases.filter(function (b) { return !b.url && b.land_color; })[0];
    a.offlineLand = found ? found.land_color : null;
  }
  return a.offlineLand;
}

function offlineBasemapId(a) {
  var found = a.data.basemaps.basemaps.filter(function (b) { return !b.url; })[0];
  return found ? found.id : null;
}

function isOfflineBasemap(a, id) { return !!a.basemapById[id] && !a.basemapById[id].url; }

// Mark the map as offline or not, and fill the areas again if that changed.
function markOffline(a, offline) {
  a.map.getContainer().classList.toggle("jmgeo-offline", offline);
  if (a.state.offline === offline) return;
  a.state.offline = offline;
  a.drawOrder.forEach(function (layer) {
    var gj = a.layers[layer.id];
    if (layer.kind === "area" && gj && gj.setStyle) gj.setStyle(function (f) { return featureStyle(a, layer, f); });
  });
}

// The tile layers of a basemap (a layer group for Tianditu and its labels).
function tileLayersOf(layer) {
  if (layer.getLayers) return layer.getLayers().filter(function (l) { return l instanceof L.TileLayer; });
  return layer instanceof L.TileLayer ? [layer] : [];
}

function watchTiles(a) {
  Object.keys(a.basemapLayers).forEach(function (id) {
    tileLayersOf(a.basemapLayers[id]).forEach(function (tiles) {
      tiles.on("tileload", function () { tiles.jmgeoLoaded = true; });
      tiles.on("tileerror", function () {
        if (!tiles.jmgeoLoaded && a.state.basemap === id) tilesFailed(a, id);
      });
    });
  });
}

function tilesFailed(a, id) {
  var offline = offlineBasemapId(a);
  if (!offline) return;
  a.state.tilesFailed = id;
  setBasemap(a, offline, true);
  renderOfflineNotice(a);
}

// The notice on the map: which basemap's tiles did not load, and what is shown instead.
function renderOfflineNotice(a) {
  var container = a.map.getContainer(), old = container.querySelector(".jmgeo-tiles-failed");
  if (old) old.remove();
  if (!a.state.tilesFailed) return;
  var b = a.basemapById[a.state.tilesFailed];
  var node = el("div", "jmgeo-tiles-failed", a.t("tiles_failed") + ": " + title(b, a.state.lang) + " — " + a.t("tiles_failed_offline"));
  node.setAttribute("role", "status");
  container.appendChild(node);
}
