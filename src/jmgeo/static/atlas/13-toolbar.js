// ---- toolbar and layer control: title, language, datum, city facts, other maps ---------
// Leaflet's layer control inserts the names as HTML, so they are escaped first.
function layersControl(a) {
  var bases = {}, overlays = {}, lang = a.state.lang;
  a.data.basemaps.basemaps.forEach(function (b) { bases[escapeHtml(title(b, lang))] = a.basemapLayers[b.id]; });
  a.data.layers.forEach(function (layer) { overlays[escapeHtml(title(layer, lang))] = a.groups[layer.id]; });
  // On the story page the chapters switch layers, so the control stays folded away; on a
  // phone it is folded to its button too.
  return L.control.layers(bases, overlays, { collapsed: !!a.data.story || isNarrow(), position: "topleft" });
}

// The city's button and panel; its facts (160 of them) are listed when first asked for.
function cityFacts(a, box) {
  var t = a.t, city = a.data.city, lang = a.state.lang;
  var cityButton = el("button", "jmgeo-city-button", t("city_facts") + " (" + city.fact_ids.length + ")");
  cityButton.type = "button";
  cityButton.setAttribute("aria-expanded", "false");
  var panel = el("div", "jmgeo-city-panel");
  panel.hidden = true;
  panel.setAttribute("role", "region");
  panel.setAttribute("aria-label", t("city_facts"));
  panel.appendChild(el("h3", null, names(city, lang).join(" ")));
  panel.appendChild(el("p", "jmgeo-city-area",
    t("area") + ": " + city.area_km2 + " km² · " + t("area_documented") + ": " + city.area_km2_documented + " km²"));
  panel.appendChild(el("p", "jmgeo-city-note", lang === "en" ? city.area_note_en : city.area_note_zh));
  cityButton.addEventListener("click", function () {
    if (!panel.querySelector(".jmgeo-fact-groups")) panel.appendChild(groupedFacts(a, city.fact_ids));
    panel.hidden = !panel.hidden;
    cityButton.setAttribute("aria-expanded", panel.hidden ? "false" : "true");
  });
  box.appendChild(cityButton);
  box.appendChild(panel);
}

// Links to the other maps, in the page's language.
function otherMaps(a) {
  var t = a.t, page = a.data.page, lang = a.state.lang;
  var nav = el("nav", "jmgeo-nav");
  nav.setAttribute("aria-label", t("other_maps"));
  nav.appendChild(el("span", null, t("other_maps") + ": "));
  page.nav.forEach(function (p) {
    if (p.id === page.id) return;
    var link = el("a", "jmgeo-nav-link", title(p, lang));
    link.href = p.file + (lang === "en" ? "#lang=en" : "");
    link.setAttribute("data-page-id", p.id);
    nav.appendChild(link);
  });
  return nav;
}

function toolbarControl(a) {
  var control = L.control({ position: "topright" });
  control.onAdd = function () {
    var t = a.t, box = el("div", "jmgeo-toolbar leaflet-bar");
    var head = el("div", "jmgeo-toolbar-head");
    head.appendChild(el("strong", "jmgeo-page-title", title(a.data.page, a.state.lang)));
    var langButton = el("button", "jmgeo-lang-button", t("language"));
    langButton.type = "button";
    langButton.setAttribute("aria-label", t("language_label"));
    langButton.addEventListener("click", function () { setLanguage(a, a.state.lang === "zh" ? "en" : "zh"); });
    head.appendChild(langButton);
    box.appendChild(head);
    box.appendChild(el("p", "jmgeo-datum"));
    cityFacts(a, box);
    box.appendChild(otherMaps(a));
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    return box;
  };
  return control;
}
