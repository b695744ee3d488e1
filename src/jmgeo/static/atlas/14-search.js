// ---- search: names, pinyin, initials, English words, typos, traditional characters, facts ---
// The twin of jmgeo._search (rank): the same rules on the same index (data.search: entries,
// facts, fold, sounds), so a query ranks the same in Python and here (tests/test_search.py).
// Same normalisation as jmgeo._search.normalize_key (tests/vectors/search_keys.json): NFKD,
// no tone marks, lower case, no spaces or punctuation.
function foldCase(text) {
  return String(text).normalize("NFKD").replace(/[\u0300-\u036f]/g, "").normalize("NFKC").toLowerCase();
}

function searchKey(text) {
  return foldCase(text).replace(/[\s\p{P}\p{S}_]+/gu, "");
}

var SEARCH_DROP = /[\s\p{P}\p{S}_]+/gu;
var SEARCH_THOUSANDS = /(?<=[0-9])[,，](?=[0-9]{3}(?![0-9]))/g;
var SEARCH_TOKEN = /[0-9]+(?:\.[0-9]+)?|[a-z]+(?:[23](?![0-9]))?|[\u3400-\u9fff]+/g;
var SEARCH_HAN = /^[\u3400-\u9fff]/;
var SEARCH_LIMIT = 10, SEARCH_NEAREST = 3;
// Characters of a query read: a pasted paragraph would cost each keystroke a long edit-distance run.
var SEARCH_MAX_QUERY = 64;

// The fewest edits (insert, delete, change, swap two neighbours) making pattern a part of text.
function subDistance(pattern, text) {
  var m = pattern.length, best = m, before = null, prev = [], i, j;
  if (!m) return 0;
  for (i = 0; i <= m; i++) prev.push(i);
  for (j = 1; j <= text.length; j++) {
    var col = [0], tj = text[j - 1];
    for (i = 1; i <= m; i++) {
      var v = Math.min(prev[i] + 1, col[i - 1] + 1, prev[i - 1] + (pattern[i - 1] === tj ? 0 : 1));
      if (before && i > 1 && pattern[i - 1] === text[j - 2] && pattern[i - 2] === tj) v = Math.min(v, before[i - 2] + 1);
      col.push(v);
    }
    best = Math.min(best, col[m]);
    before = prev;
    prev = col;
  }
  return best;
}

// Edits a token may have: none below 4 letters, 1 up to 6, 2 beyond; Chinese: 1 for 2-3 characters, 2 beyond.
function allowedEdits(token) {
  if (SEARCH_HAN.test(token)) return token.length < 2 ? 0 : token.length < 4 ? 1 : 2;
  return token.length < 4 ? 0 : token.length < 7 ? 1 : 2;
}

// The index's fold and sounds tables as maps, made once per index.
function searchTables(index) {
  if (index._tables) return index._tables;
  var folds = {}, reads = {}, m, k, re = /([a-z]+)([^a-z]+)/g;
  for (k = 0; k + 1 < index.fold.length; k += 2) folds[index.fold[k]] = index.fold[k + 1];
  while ((m = re.exec(index.sounds))) for (k = 0; k < m[2].length; k++) reads[m[2][k]] = m[1];
  index._tables = { folds: folds, reads: reads };
  return index._tables;
}

function parseQuery(text, index) {
  var t = searchTables(index), lowered = foldCase(Array.from(String(text)).slice(0, SEARCH_MAX_QUERY).join(""));
  var simplified = Array.from(lowered).map(function (ch) { return t.folds[ch] || ch; }).join("");
  var folded = simplified.replace(SEARCH_THOUSANDS, "");
  var tokens = folded.match(SEARCH_TOKEN) || [], sound = {};
  tokens.forEach(function (tok) {
    if (SEARCH_HAN.test(tok)) sound[tok] = Array.from(tok).map(function (ch) { return t.reads[ch] || ch; }).join("");
  });
  return { q: folded.replace(SEARCH_DROP, ""), tokens: tokens, traditional: simplified !== lowered, sound: sound };
}

function searchTier(q, key) {
  if (key === q) return 0;
  if (key.indexOf(q) === 0) return 1;
  return key.indexOf(q) >= 0 ? 2 : null;
}

// How many of a Chinese token's character pairs text lacks, when it has at least half of them.
function pairsMissing(token, text) {
  var pairs = 0, hit = 0;
  for (var i = 0; i + 1 < token.length; i++, pairs++) if (text.indexOf(token.slice(i, i + 2)) >= 0) hit++;
  return !pairs || hit === 0 || hit * 2 < pairs ? null : pairs - hit;
}

// How one token is found in one name: [edits, kind] (0 as written, 1 by sound, 2 by spelling,
// 3 in part) or null.
function tokenCost(token, pq, zh, py, en) {
  var d;
  if (SEARCH_HAN.test(token)) {
    if (zh !== null && zh.indexOf(token) >= 0) return [0, 0];
    if (py === null) return null;
    d = subDistance(pq.sound[token], py);
    if (d <= allowedEdits(token)) return [d, 1];
    var missing = pairsMissing(token, zh);
    return missing === null ? null : [missing, 3];
  }
  var text = en !== null ? en : py;
  if (text === null) return null;
  if (text.indexOf(token) >= 0) return [0, 0];
  d = subDistance(token, text);
  return d <= allowedEdits(token) ? [d, 2] : null;
}

function nameVariants(entry) {
  var out = entry.zh.map(function (zh, i) { return [zh, entry.py[i].replace(/ /g, ""), null]; });
  return out.concat(entry.en.map(function (en) { return [null, null, en]; }));
}

// The tokens found in one name, any order. All exactly: 6; otherwise 7 + the edits + 2 per
// token not found, when most tokens were found.
function wordsScore(pq, entry) {
  var best = null;
  nameVariants(entry).forEach(function (v) {
    var total = 0, kinds = {}, missed = 0;
    pq.tokens.forEach(function (tok) {
      var found = tokenCost(tok, pq, v[0], v[1], v[2]);
      if (!found) { missed++; return; }
      total += found[0];
      kinds[found[1]] = true;
    });
    if (missed * 2 >= pq.tokens.length) return;
    var score = null;
    if (!kinds[1] && !kinds[2] && !kinds[3] && !missed) {
      if (pq.tokens.length > 1) score = [6, pq.traditional ? "traditional" : "words"];
    } else score = [7 + total + 2 * missed, kinds[1] ? "sound" : kinds[2] ? "spelling" : "words"];
    if (score && (!best || score[0] < best[0])) best = score;
  });
  return best;
}

function entryScore(pq, entry) {
  var q = pq.q, best = null, nameWhy = pq.traditional ? "traditional" : "name";
  var candidates = entry.zh.concat(entry.en).map(function (k) { return [k, nameWhy, 0]; });
  if (/^[a-z]+$/.test(q)) {
    entry.py.forEach(function (p) { candidates.push([p.replace(/ /g, ""), "pinyin", 0]); });
    if (q.length >= 2) {
      entry.py.forEach(function (p) {
        candidates.push([p.split(" ").map(function (s) { return s[0]; }).join(""), "initials", 3]);
      });
    }
  }
  candidates.forEach(function (c) {
    var tier = searchTier(q, c[0]);
    if (tier === null || (c[2] && tier === 2 && q.length < 3)) return;
    if (!best || c[2] + tier < best[0]) best = [c[2] + tier, c[1]];
  });
  if (!best && pq.tokens.length) best = wordsScore(pq, entry);
  return best;
}

// What a query is matched against in a fact (kept on the fact record): numbers, English words, Chinese.
function factText(fact) {
  if (fact._search) return fact._search;
  var claim = foldCase(fact.claim_en || "").replace(SEARCH_THOUSANDS, "");
  var quote = String(fact.quote || "") + String(fact.unit || "");
  var from = (quote + " " + String(fact.number_text || "") + " " + claim).replace(SEARCH_THOUSANDS, "");
  var numbers = {};
  (from.match(SEARCH_TOKEN) || []).forEach(function (t) { if (/^[0-9]/.test(t)) numbers[t] = true; });
  fact._search = { numbers: numbers, words: claim.match(/[a-z]+/g) || [], zh: quote };
  return fact._search;
}

// What a fact misses of a query (0: all found), or null when a token is not in it. Every number
// must be one the fact gives; beside a number, another word may be missing (3 each).
function factCost(pq, text) {
  var numbers = pq.tokens.filter(function (t) { return /^[0-9]/.test(t); });
  if (numbers.some(function (n) { return !text.numbers[n]; })) return null;
  var cost = 0;
  for (var n = 0; n < pq.tokens.length; n++) {
    var tok = pq.tokens[n], found;
    if (/^[0-9]/.test(tok)) continue;
    if (SEARCH_HAN.test(tok)) found = text.zh.indexOf(tok) >= 0 ? 0 : pairsMissing(tok, text.zh);
    else if (tok.length < 2) found = null;
    else if (text.words.some(function (w) { return w === tok || (tok.length >= 3 && w.indexOf(tok) === 0); })) found = 0;
    else {
      var d = 99;
      text.words.forEach(function (w) { d = Math.min(d, subDistance(tok, w)); });
      found = d <= allowedEdits(tok) ? d : null;
    }
    if (found === null && !numbers.length) return null;
    cost += found === null ? 3 : found;
  }
  return cost;
}

// When nothing matches: the names closest to the query (fewest edits; for Chinese, the fewest of
// the query's characters missing from a name).
function nearestNames(pq, index) {
  var hasSound = Object.keys(pq.sound).length > 0, chars = Array.from(pq.q), scored = [];
  index.entries.forEach(function (entry, order) {
    var keys = hasSound ? entry.zh : entry.py.map(function (p) { return p.replace(/ /g, ""); }).concat(entry.en);
    if (!keys.length) return;
    var d = Math.min.apply(null, keys.map(function (k) {
      return hasSound ? chars.filter(function (ch) { return k.indexOf(ch) < 0; }).length : subDistance(pq.q, k);
    }));
    scored.push([d, order, entry]);
  });
  scored.sort(function (x, y) { return x[0] - y[0] || x[1] - y[1]; });
  return scored.slice(0, SEARCH_NEAREST).map(function (s) {
    return { id: s[2].id, layer: s[2].layer, score: 40 + s[0], why: "nearest" };
  });
}

// The ranked results of a query (jmgeo._search.rank): {id, layer, score, why[, fact]}, at most ten.
function rankMatches(query, index, facts) {
  var pq = parseQuery(query, index), hits = [];
  if (!pq.q) return [];
  index.entries.forEach(function (entry, order) {
    var found = entryScore(pq, entry);
    if (found) hits.push([[found[0], 0, 0, order], { id: entry.id, layer: entry.layer, score: found[0], why: found[1] }]);
  });
  // index.facts[k]: the entry the k-th fact (in the order of the page's facts) opens
  Object.keys(facts).forEach(function (factId, order) {
    var fact = facts[factId], entry = index.entries[index.facts[order]];
    if (!entry) return;
    var cost = factCost(pq, factText(fact));
    if (cost === null) return;
    var year = typeof fact.year === "number" ? fact.year : -1, score = 8 + 2 * cost;
    hits.push([[score, 1, -year, order], { id: entry.id, layer: entry.layer, score: score, why: "fact", fact: factId }]);
  });
  hits.sort(function (x, y) {
    for (var k = 0; k < 4; k++) if (x[0][k] !== y[0][k]) return x[0][k] - y[0][k];
    return 0;
  });
  var results = hits.slice(0, SEARCH_LIMIT).map(function (h) { return h[1]; });
  return results.length ? results : nearestNames(pq, index);
}

// Why a result matched, in the page's language: "拼音 pinyin", or for a fact its figure and a
// piece of its quote ("事实 fact: 9535平方公里 · 江门的陆地面积达…").
function whyText(a, r) {
  var text = a.t("why_" + r.why), fact = r.fact && a.data.facts[r.fact];
  if (!fact) return text;
  var said = a.state.lang === "en" && fact.claim_en ? fact.claim_en : fact.quote || "";
  if (said.length > 48) said = said.slice(0, 47) + "…";
  return text + ": " + (fact.number_text ? fact.number_text + " · " : "") + said;
}

// The list of results of a search box s ({input, list, results, active}), as a listbox. Nearest
// names (no match) come under a note saying so.
function renderResults(a, s) {
  var input = s.input, list = s.list;
  list.textContent = "";
  if (s.results.length && s.results[0].why === "nearest") {
    var note = el("li", "jmgeo-search-empty", a.t("no_results") + " · " + a.t("nearest_names"));
    note.setAttribute("role", "presentation");
    list.appendChild(note);
  }
  s.results.forEach(function (r, i) {
    var found = findFeature(a, r.id), props = found && found.feature.properties;  // also a point cloud's
    if (!props) return;
    var li = el("li", "jmgeo-search-result");
    li.id = "jmgeo-search-option-" + i;
    li.setAttribute("role", "option");
    li.setAttribute("data-feature-id", r.id);
    li.setAttribute("data-why", r.why);
    if (r.fact) li.setAttribute("data-fact-id", r.fact);
    li.setAttribute("aria-selected", i === s.active ? "true" : "false");
    var nm = names(props, a.state.lang);
    li.appendChild(el("strong", null, nm[0]));
    li.appendChild(el("span", null, (nm[1] ? " " + nm[1] : "") + " · " + title(a.layerById[r.layer], a.state.lang)));
    li.appendChild(el("small", "jmgeo-search-why", whyText(a, r)));
    // mousedown keeps the focus in the box; the choice is made on click, so the click does not
    // fall through to the map (which would close the popup it opens)
    li.addEventListener("mousedown", function (e) { e.preventDefault(); });
    li.addEventListener("click", function (e) { e.preventDefault(); chooseResult(a, s, i); });
    list.appendChild(li);
  });
  if (!s.results.length && input.value.trim()) list.appendChild(el("li", "jmgeo-search-empty", a.t("no_results")));
  list.hidden = !input.value.trim();
  input.setAttribute("aria-expanded", list.hidden ? "false" : "true");
  if (s.active >= 0) input.setAttribute("aria-activedescendant", "jmgeo-search-option-" + s.active);
  else input.removeAttribute("aria-activedescendant");
}

function updateSearch(a, s) {
  s.results = rankMatches(s.input.value, a.data.search, a.data.facts);
  s.active = s.results.length ? 0 : -1;
  renderResults(a, s);
}

// Bring a fact into view in the popup (or the city's panel) it was found in, marked.
function showFoundFact(box, factId) {
  if (!box || !factId) return;
  var item = box.querySelector('[data-fact-id="' + CSS.escape(factId) + '"]');
  if (!item) return;
  item.classList.add("jmgeo-fact-found");
  item.scrollIntoView({ block: "nearest" });
}

// Open a result: a feature's popup; a fact about the city opens the city's facts at that fact.
function chooseResult(a, s, i) {
  var r = s.results[i];
  if (!r) return;
  s.list.hidden = true;
  s.input.setAttribute("aria-expanded", "false");
  var root = a.map.getContainer();
  if (r.fact && a.data.city && r.id === a.data.city.id) {
    var button = root.querySelector(".jmgeo-city-button"), panel = root.querySelector(".jmgeo-city-panel");
    var toolbar = root.querySelector(".jmgeo-toolbar.jmgeo-folded");  // on a phone, the menu is folded
    if (button && panel) {
      if (toolbar) toolbar.querySelector(".jmgeo-fold-button").click();
      if (panel.hidden) button.click();
      showFoundFact(panel, r.fact);
      return;
    }
  }
  focusFeature(a, r.id);
  showFoundFact(root.querySelector(".leaflet-popup-content"), r.fact);
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
