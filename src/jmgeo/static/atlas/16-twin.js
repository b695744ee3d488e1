// ---- text twin: every feature of the page and its facts, as tables after the map -------
// Built from the same data as the map (so the page carries the text once), with real table
// headers for screen readers; the print style prints it instead of the map.
var TWIN_HEADS = ["name", "kind", "district", "precision", "position_source", "facts"];

function twinRow(a, p, layer) {
  var t = a.t, row = el("tr");
  row.setAttribute("data-feature-id", p.id);
  var th = el("th");
  th.scope = "row";
  var nm = names(p, a.state.lang);
  th.appendChild(el("span", "jmgeo-name-primary", nm[0]));
  th.appendChild(document.createTextNode(" "));
  th.appendChild(el("span", "jmgeo-name-secondary", nm[1]));
  row.appendChild(th);
  row.appendChild(el("td", null, kindWord(a, p.kind)));
  row.appendChild(el("td", null, p.outside ? t("outside") : (p.district_label || "")));
  var prec = p.precision || "";
  if (p.uncertainty_m) prec += " (± " + Math.round(p.uncertainty_m) + " m)";
  row.appendChild(el("td", null, prec));
  row.appendChild(el("td", null, p.position_source || ""));
  var td = el("td");
  // the city's facts (160) by topic and year, with the charts of their series
  if (p.fact_ids && p.fact_ids.length) td.appendChild(layer.role === "city" ? groupedFacts(a, p.fact_ids) : factList(a, p.fact_ids));
  row.appendChild(td);
  return row;
}

function twinTable(a, layer) {
  var t = a.t, feats = layer.features.features, table = el("table");
  table.setAttribute("data-layer-id", layer.id);
  table.setAttribute("data-layer-role", layer.role || "places");
  table.appendChild(el("caption", null, title(layer, a.state.lang) + " (" + feats.length + ")"));
  var thead = el("thead"), tr = el("tr");
  TWIN_HEADS.forEach(function (key) {
    var th = el("th", null, t("twin_" + key));
    th.scope = "col";
    tr.appendChild(th);
  });
  thead.appendChild(tr);
  table.appendChild(thead);
  var tbody = el("tbody");
  if (layer.render === "canvas") {
    // A layer drawn as a point cloud (thousands of points) is summarised, not listed.
    var note = el("tr"), cell = el("td", null, feats.length + " · " + t("twin_cloud"));
    cell.colSpan = TWIN_HEADS.length;
    note.appendChild(cell);
    tbody.appendChild(note);
  } else {
    feats.forEach(function (f) { tbody.appendChild(twinRow(a, f.properties, layer)); });
  }
  table.appendChild(tbody);
  return table;
}

function renderTextTwin(a) {
  var section = document.getElementById("jmgeo-text");
  if (!section) return;
  section.textContent = "";
  var h = el("h1", null, title(a.data.page, a.state.lang) + " — " + a.t("text_twin"));
  h.id = "jmgeo-text-title";
  section.appendChild(h);
  a.data.layers.forEach(function (layer) { section.appendChild(twinTable(a, layer)); });
}

// The twin's thousands of cells cost much layout: build them after the first paint, in idle
// time. A later call (language switch) supersedes a pending one.
function scheduleTextTwin(a) {
  a.page.twinReady = false;
  var run = ++a.twinRun;
  afterFirstPaint(a, function () {
    function build() {
      if (run !== a.twinRun) return;
      renderTextTwin(a);
      a.page.twinReady = true;
    }
    if (window.requestIdleCallback) window.requestIdleCallback(build, { timeout: 300 });
    else build();
  });
}
