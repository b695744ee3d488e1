// ---- basemaps: tile layers, and the datum the layers are drawn in ----------------------
// A Tianditu key comes from #tk= (then kept in localStorage and taken out of the address).
function tiandituKey() {
  var key = readHash().tk || window.localStorage.getItem("jmgeo.tianditu_key") || "";
  if (readHash().tk) {
    window.localStorage.setItem("jmgeo.tianditu_key", key);
    writeHash({ tk: null });
  }
  return key;
}

// One Leaflet layer per basemap of the page (an empty group for "none").
function makeBasemaps(a) {
  a.basemapLayers = {};
  a.basemapById = {};
  a.data.basemaps.basemaps.forEach(function (b) {
    a.basemapById[b.id] = b;
    if (!b.url) {
      a.basemapLayers[b.id] = L.layerGroup();
      return;
    }
    var opts = { subdomains: b.subdomains || "abc", maxZoom: b.max_zoom || 18, attribution: escapeHtml(b.attribution || "") };
    if (!b.needs_key) {
      a.basemapLayers[b.id] = L.tileLayer(b.url, opts);
      return;
    }
    var key = tiandituKey();
    opts.tk = key;
    var parts = [L.tileLayer(b.url, opts)];
    if (b.labels_url) parts.push(L.tileLayer(b.labels_url, opts));
    a.basemapLayers[b.id] = L.layerGroup(parts);
    a.basemapLayers[b.id].jmgeoMissingKey = !key;
  });
}

// A base map id the page knows (else the default), and the datum its tiles are drawn in.
function knownBasemap(a, id) { return a.basemapById[id] ? id : a.data.basemaps["default"]; }
function datumOf(a, id) { return a.basemapById[id].datum === "GCJ-02" ? "GCJ-02" : "WGS84"; }

// Show one basemap; with redraw, draw the layers again if its datum differs.
function setBasemap(a, id, redraw) {
  var map = a.map;
  id = knownBasemap(a, id);
  Object.keys(a.basemapLayers).forEach(function (k) {
    if (k !== id && map.hasLayer(a.basemapLayers[k])) map.removeLayer(a.basemapLayers[k]);
  });
  if (!map.hasLayer(a.basemapLayers[id])) map.addLayer(a.basemapLayers[id]);
  var datum = datumOf(a, id);
  var changed = datum !== a.state.datum;
  a.state.basemap = id;
  a.state.datum = datum;
  markOffline(a, isOfflineBasemap(a, id));
  writeHash({ basemap: id === a.data.basemaps["default"] ? null : id });
  if (changed && redraw) keepingPopup(a, function () { drawLayers(a); });
  renderDatum(a);
}

// Run a redraw that replaces the popups' layers, and reopen the popup that was open.
function keepingPopup(a, redraw) {
  var map = a.map;
  var open = map._popup && map._popup.isOpen && map._popup.isOpen() && map._popup._source;
  map.closePopup();
  redraw();
  if (open && open.feature) openPopup(a, open.feature.properties.id);
}

// The toolbar's line on the datum shown (and a missing Tianditu key).
function renderDatum(a) {
  var node = a.map.getContainer().querySelector(".jmgeo-datum"), t = a.t, datum = a.state.datum;
  if (!node) return;
  node.textContent = t("datum_shown") + ": " + datum;
  node.setAttribute("data-datum", datum);
  if (datum === "GCJ-02") node.textContent += " — " + t("datum_shifted");
  var bm = a.basemapLayers[a.state.basemap];
  if (bm && bm.jmgeoMissingKey) node.textContent += " — " + t("tianditu_key_missing");
}
