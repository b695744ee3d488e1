// ---- language: the page's words in Chinese or English -----------------------------------
// Build (or rebuild, after a language switch) the map's controls.
function addControls(a) {
  var c = a.controls, map = a.map;
  Object.keys(c).forEach(function (k) { c[k].remove(); });
  a.controls = c = {};
  c.toolbar = toolbarControl(a).addTo(map);
  c.search = searchControl(a).addTo(map);
  c.layers = layersControl(a).addTo(map);
  c.legend = legendControl(a).addTo(map);
  if (a.data.story) c.story = storyControl(a).addTo(map);
  renderDatum(a);
  renderChapter(a);
  foldPanels(a);
}

// The page's language: its lang attribute, title and address (the controls are rebuilt apart).
function applyLanguage(a, lang) {
  var en = lang === "en", html = document.documentElement;
  a.state.lang = en ? "en" : "zh";
  html.lang = en ? "en" : "zh-Hans";
  html.classList.toggle("jmgeo-lang-en", en);
  html.classList.toggle("jmgeo-lang-zh", !en);
  document.title = title(a.data.page, a.state.lang);
  writeHash({ lang: en ? "en" : null });
}

function setLanguage(a, lang) {
  applyLanguage(a, lang);
  keepingPopup(a, function () {
    addControls(a);
    renderLabels(a);
    renderOfflineNotice(a);
    scheduleTextTwin(a);
  });
}
