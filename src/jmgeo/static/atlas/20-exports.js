// ---- exports: the page's one global, window.jmgeoAtlas ---------------------------------
// init starts a page; page is the started page (see makePage; also window.jmgeoAtlasState,
// the name bench/ and scripts/screenshot.py read). The modules' functions are here so the
// browser tests can call each one on its own (tests/test_page_script.py); decodeGeometry
// is also used by bench/floor.py's page.
window.jmgeoAtlas = {
  init: init,
  page: null,
  decodeGeometry: decodeGeometry,
  decode: { decodeLine: decodeLine, decodeGeometry: decodeGeometry, decodeLayer: decodeLayer },
  text: { el: el, escapeHtml: escapeHtml, safeUrl: safeUrl, makeT: makeT, title: title, names: names, formatValue: formatValue },
  address: { readHash: readHash, writeHash: writeHash },
  datum: { wgs84ToGcj02: wgs84ToGcj02, outOfChina: outOfChina },
  choropleth: { choroplethColor: choroplethColor },
  levels: { levelAt: levelAt, atLevel: atLevel, featuresAt: featuresAt, findLeveled: findLeveled },
  draw: { drawOrderOf: drawOrderOf, findColocated: findColocated, showHalos: showHalos, styleFor: styleFor, pointStyle: pointStyle },
  labels: { labelCandidates: labelCandidates, labelBox: labelBox, placeLabels: placeLabels },
  offline: { offlineBasemapId: offlineBasemapId },
  legend: { svgSwatch: svgSwatch, legendHalos: legendHalos, legendSchematic: legendSchematic },
  search: { searchKey: searchKey, rankMatches: rankMatches, subDistance: subDistance, parseQuery: parseQuery }
};
