// ---- start-up --------------------------------------------------------------------------
// The shared state of one page: the map and its data, the reader's choices, what is drawn.
function makeAtlas(map, groups, data) {
  var hash = readHash();
  var a = {
    map: map, groups: groups, data: data, hash: hash,
    state: { lang: hash.lang === "en" ? "en" : "zh", basemap: null, datum: "WGS84", level: null, chapter: null, offline: null, tilesFailed: null },
    features: {}, layers: {}, controls: {}, layerById: {}, colocated: {},
    halos: {}, haloFocus: { hover: null, selected: null }, schematic: {}, areaFocus: { hover: null, selected: null },
    unbound: [], paintWaiters: null, twinRun: 0
  };
  a.t = makeT(data, a.state);
  a.page = makePage(a);
  data.layers.forEach(function (layer) { a.layerById[layer.id] = layer; });
  data.layers.forEach(function (layer) { decodeLayer(layer, data.coordinate_scale); });
  makePanes(a);
  a.drawOrder = drawOrderOf(data.layers);
  a.leveled = findLeveled(data);
  makeBasemaps(a);
  return a;
}

// After the first frame: the basemap's tiles, the controls, the text twin, the story's keys.
function finishStart(a, firstBasemap) {
  root.classList.remove("jmgeo-starting");
  watchTiles(a);
  setBasemap(a, firstBasemap, false);
  a.map.on("baselayerchange", function (e) {
    Object.keys(a.basemapLayers).forEach(function (id) { if (a.basemapLayers[id] === e.layer) setBasemap(a, id, true); });
  });
  addControls(a);
  renderLabels(a);  // again, clear of the controls just added
  scheduleTextTwin(a);
  if (a.data.story) storyKeys(a);
  watchPrint(a);
  // the chapter was framed before its panel (and the other controls) were there
  if (a.data.story) frameChapter(a, false);
  a.page.timings.ready = performance.now();
  a.page.ready = true;
}

// Draw the page's layers into folium's feature groups, then (after that frame is on screen)
// add the interface, whose text and layout would otherwise hold back the map's first frame.
// The layers are drawn in the view and datum they are seen in, so each is projected once;
// the basemap's tile layer (its tiles need the network) waits for the first frame too.
function init(map, groups, data) {
  var a = makeAtlas(map, groups, data);
  a.page.timings.start = performance.now();
  if (data.bounds) map.fitBounds(data.bounds, { animate: false });
  var firstBasemap = knownBasemap(a, a.hash.basemap);
  a.state.datum = datumOf(a, firstBasemap);
  markOffline(a, isOfflineBasemap(a, firstBasemap));
  drawLayers(a);
  map.on("overlayadd", function () { restack(a); });
  map.on("moveend overlayadd overlayremove", function () { renderLabels(a); });
  map.on("zoomend", function () { applyLevel(a); showHalos(a); showSchematic(a); });
  applyLanguage(a, a.state.lang);
  if (data.story) {
    var n = parseInt(a.hash.chapter, 10);
    showChapter(a, n >= 1 && n <= data.story.chapters.length ? n - 1 : 0, false);
  }
  a.page.layersDrawn = true;
  a.page.timings.layers_drawn = performance.now();
  window.jmgeoAtlas.page = window.jmgeoAtlasState = a.page;
  afterFirstPaint(a, function () { finishStart(a, firstBasemap); });
  return a.page;
}
