// ---- popups: a feature's names, details and cited facts --------------------------------
// One fact: its quote (Chinese), English claim, value, year and source document.
function factItem(a, fact) {
  var t = a.t, li = el("li", "jmgeo-fact");
  li.setAttribute("data-fact-id", fact.id);
  var quote = el("blockquote", "jmgeo-quote", fact.quote);
  quote.setAttribute("lang", "zh-Hans");
  li.appendChild(quote);
  if (fact.claim_en) {
    var en = el("p", "jmgeo-claim", fact.claim_en);
    en.setAttribute("lang", "en");
    li.appendChild(en);
  }
  var meta = el("p", "jmgeo-meta");
  var parts = [];
  var v = formatValue(fact);
  if (v) parts.push(v);
  if (fact.year !== null && fact.year !== undefined) parts.push(t("year") + " " + fact.year);
  meta.appendChild(el("span", "jmgeo-value", parts.join(" · ")));
  meta.appendChild(el("span", "jmgeo-source", t("source") + ": " + fact.doc));
  li.appendChild(meta);
  if (fact.unplaced_subject) li.appendChild(el("p", "jmgeo-unplaced", t("unplaced") + ": " + fact.unplaced_subject));
  if (fact.conflicts_with && fact.conflicts_with.length) {
    li.appendChild(el("p", "jmgeo-conflict", t("conflict") + ": " + fact.conflicts_with.join(", ")));
  }
  return li;
}

function factList(a, ids) {
  var ul = el("ul", "jmgeo-facts");
  ids.forEach(function (id) { if (a.data.facts[id]) ul.appendChild(factItem(a, a.data.facts[id])); });
  return ul;
}

// The popup's table of details (a row is left out when it has no value).
function popupInfo(a, props, layer) {
  var t = a.t, data = a.data, lang = a.state.lang;
  var info = el("dl", "jmgeo-info");
  function row(label, value) {
    if (value === null || value === undefined || value === "") return;
    info.appendChild(el("dt", null, label));
    info.appendChild(el("dd", null, value));
  }
  row(t("layer"), title(layer, lang));
  row(t("kind"), props.kind);
  if (props.area_km2 !== undefined && props.area_km2 !== null) row(t("area"), props.area_km2 + " km²");
  if (props.area_km2_documented) row(t("area_documented"), props.area_km2_documented + " km²");
  row(t("area_note"), lang === "en" ? props.area_note_en : props.area_note_zh);
  row(t("district"), props.outside ? t("outside") : props.district_label);
  if (data.choropleth && data.choropleth.layer === layer.id && props.id in data.choropleth.values) {
    row(title(data.choropleth, lang), data.choropleth.values[props.id]);
  }
  var prec = data.precision_styles[props.precision];
  var precText = props.precision + (prec ? " — " + (lang === "en" ? prec.label_en : prec.label_zh) : "");
  if (props.uncertainty_m) precText += " (± " + Math.round(props.uncertainty_m) + " m)";
  row(t("precision"), props.precision ? precText : null);
  row(t("position_source"), props.position_source);
  row(t("position_method"), props.position_method);
  row(t("datum"), props.position_datum);
  row(t("note"), props.note);
  return info;
}

// Buttons to the other features at the same position (they hide each other on the map).
function alsoHere(a, here) {
  var also = el("div", "jmgeo-also");
  also.appendChild(el("span", null, a.t("also_here") + ": "));
  here.forEach(function (other) {
    var b = el("button", "jmgeo-also-button", names(other, a.state.lang).join(" "));
    b.type = "button";
    b.setAttribute("data-feature-id", other.id);
    b.addEventListener("click", function () { openPopup(a, other.id); });
    also.appendChild(b);
  });
  return also;
}

function popupContent(a, props, layer) {
  var t = a.t, box = el("div", "jmgeo-popup");
  box.setAttribute("data-feature-id", props.id);
  box.setAttribute("lang", a.state.lang === "en" ? "en" : "zh-Hans");
  var nm = names(props, a.state.lang);
  var h = el("h3", "jmgeo-title");
  h.appendChild(el("span", "jmgeo-name-primary", nm[0]));
  h.appendChild(el("span", "jmgeo-name-secondary", nm[1]));
  box.appendChild(h);
  box.appendChild(popupInfo(a, props, layer));
  var url = safeUrl(props.position_url);
  if (url) {
    var link = el("a", "jmgeo-link", t("open_source"));
    link.href = url;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    box.appendChild(link);
  }
  var here = a.colocated[props.id] || [];
  if (here.length) box.appendChild(alsoHere(a, here));
  var ids = props.fact_ids || [];
  box.appendChild(el("h4", "jmgeo-facts-title", t("facts") + " (" + ids.length + ")"));
  if (ids.length) box.appendChild(factList(a, ids));
  else box.appendChild(el("p", "jmgeo-nofacts", t("no_facts")));
  return box;
}

function tooltipContent(a, props) {
  var nm = names(props, a.state.lang);
  var tip = el("span", "jmgeo-tooltip");
  tip.appendChild(el("strong", null, nm[0]));
  tip.appendChild(document.createTextNode(" · "));
  tip.appendChild(el("span", null, nm[1]));
  return tip;
}
