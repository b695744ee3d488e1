// ---- search: places by any of their names ----------------------------------------------
// Same normalisation as jmgeo._search.normalize_key (tests/vectors/search_keys.json): NFKD,
// no tone marks, lower case, no spaces or punctuation.
function searchKey(text) {
  return String(text).normalize("NFKD").replace(/[\u0300-\u036f]/g, "").normalize("NFKC")
    .toLowerCase().replace(/[\s\p{P}\p{S}_]+/gu, "");
}

// The entries (of data.search: {id, layer, keys}) matching a normalised query, best first:
// a key equal to it, then one starting with it, then one containing it; at most ten.
function rankMatches(q, entries) {
  var results = [];
  if (!q) return results;
  entries.forEach(function (entry, order) {
    var best = 3;
    entry.keys.forEach(function (k) {
      if (k.indexOf(q) >= 0) best = Math.min(best, k === q ? 0 : k.indexOf(q) === 0 ? 1 : 2);
    });
    if (best < 3) results.push({ id: entry.id, layer: entry.layer, rank: best, order: order });
  });
  results.sort(function (x, y) { return x.rank - y.rank || x.order - y.order; });
  return results.slice(0, 10);
}

// The list of results of a search box s ({input, list, results, active}), as a listbox.
function renderResults(a, s) {
  var input = s.input, list = s.list;
  list.textContent = "";
  s.results.forEach(function (r, i) {
    var found = findFeature(a, r.id), props = found && found.feature.properties;  // also a point cloud's
    if (!props) return;
    var li = el("li", "jmgeo-search-result");
    li.id = "jmgeo-search-option-" + i;
    li.setAttribute("role", "option");
    li.setAttribute("data-feature-id", r.id);
    li.setAttribute("aria-selected", i === s.active ? "true" : "false");
    var nm = names(props, a.state.lang);
    li.appendChild(el("strong", null, nm[0]));
    li.appendChild(el("span", null, " " + nm[1] + " · " + title(a.layerById[r.layer], a.state.lang)));
    li.addEventListener("mousedown", function (e) { e.preventDefault(); chooseResult(a, s, i); });
    list.appendChild(li);
  });
  if (!s.results.length && input.value.trim()) list.appendChild(el("li", "jmgeo-search-empty", a.t("no_results")));
  list.hidden = !input.value.trim();
  input.setAttribute("aria-expanded", list.hidden ? "false" : "true");
  if (s.active >= 0) input.setAttribute("aria-activedescendant", "jmgeo-search-option-" + s.active);
  else input.removeAttribute("aria-activedescendant");
}

function updateSearch(a, s) {
  s.results = rankMatches(searchKey(s.input.value), a.data.search);
  s.active = s.results.length ? 0 : -1;
  renderResults(a, s);
}

function chooseResult(a, s, i) {
  var r = s.results[i];
  if (!r) return;
  s.list.hidden = true;
  s.input.setAttribute("aria-expanded", "false");
  focusFeature(a, r.id);
}

function searchKeys(a, s, e) {
  if (e.key === "ArrowDown") { s.active = Math.min(s.results.length - 1, s.active + 1); renderResults(a, s); e.preventDefault(); }
  else if (e.key === "ArrowUp") { s.active = Math.max(0, s.active - 1); renderResults(a, s); e.preventDefault(); }
  else if (e.key === "Enter") { chooseResult(a, s, s.active < 0 ? 0 : s.active); e.preventDefault(); }
  else if (e.key === "Escape") { s.input.value = ""; updateSearch(a, s); }
  e.stopPropagation();
}

function searchControl(a) {
  var control = L.control({ position: "topleft" });
  control.onAdd = function () {
    var t = a.t, box = el("div", "jmgeo-search leaflet-bar");
    var id = "jmgeo-search-input";
    var label = el("label", "jmgeo-search-label", t("search"));
    label.htmlFor = id;
    var input = el("input", "jmgeo-search-input");
    input.id = id;
    input.type = "search";
    input.placeholder = t("search_placeholder");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", "jmgeo-search-results");
    var list = el("ul", "jmgeo-search-results");
    list.id = "jmgeo-search-results";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    var s = { input: input, list: list, results: [], active: -1 };
    input.addEventListener("input", function () { updateSearch(a, s); });
    input.addEventListener("keydown", function (e) { searchKeys(a, s, e); });
    box.appendChild(label);
    box.appendChild(input);
    box.appendChild(list);
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    return box;
  };
  return control;
}
