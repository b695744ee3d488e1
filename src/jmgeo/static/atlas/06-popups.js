// ---- popups: a feature's names, details and cited facts --------------------------------
// One fact: in the page's language first (the Chinese quote, or the English claim), then its
// value, year (marked when inferred, not stated) and source document's title and date.
function factItem(a, fact) {
  var li = el("li", "jmgeo-fact"), en = a.state.lang === "en";
  li.setAttribute("data-fact-id", fact.id);
  var quote = el("blockquote", "jmgeo-quote", fact.quote);
  quote.setAttribute("lang", "zh-Hans");
  var claim = fact.claim_en ? el("p", "jmgeo-claim", fact.claim_en) : null;
  if (claim) claim.setAttribute("lang", "en");
  if (en && claim) li.appendChild(claim);
  li.appendChild(quote);
  if (!en && claim) li.appendChild(claim);
  li.appendChild(factMeta(a, fact));
  if (fact.unplaced_subject) li.appendChild(el("p", "jmgeo-unplaced", a.t("unplaced") + ": " + fact.unplaced_subject));
  if (fact.interpretation_of) li.appendChild(interpretationNote(a, fact));
  if (fact.conflicts_with && fact.conflicts_with.length) li.appendChild(conflictSentence(a, fact));
  return li;
}

// "> 530 万 · 年份 2024 (据文章日期推断) · 来源: 《开放之城（对外开放专题）》 2024 · 000_….txt"
function factMeta(a, fact) {
  var t = a.t, meta = el("p", "jmgeo-meta");
  var v = formatValue(fact);
  if (v) meta.appendChild(el("span", "jmgeo-value", v));
  if (fact.year !== null && fact.year !== undefined) {
    var basis = fact.year_basis || "stated";
    var year = el("span", "jmgeo-year", t("year") + " " + fact.year);
    year.setAttribute("data-year-basis", basis);
    if (basis !== "stated" && a.data.labels["year_" + basis]) {
      year.appendChild(el("em", "jmgeo-year-basis", " (" + t("year_" + basis) + ")"));
    }
    meta.appendChild(year);
  }
  var doc = (a.data.documents || {})[fact.doc], source = el("span", "jmgeo-source", t("source") + ": ");
  if (doc && doc.title_zh) {
    var cite = el("cite", "jmgeo-doc-title", "《" + doc.title_zh + "》");
    cite.setAttribute("lang", "zh-Hans");
    source.appendChild(cite);
    if (doc.published) source.appendChild(document.createTextNode(" " + doc.published + " · "));
  }
  source.appendChild(el("span", "jmgeo-doc-file", fact.doc));
  meta.appendChild(source);
  return meta;
}

// A type code (logistics_centre) as words in the page's language (labels kind_*), else the code.
function kindWord(a, code) {
  var entry = code && a.data.labels["kind_" + code];
  return entry ? entry[a.state.lang] : code;
}

function factList(a, ids) {
  var ul = el("ul", "jmgeo-facts");
  ids.forEach(function (id) { if (a.data.facts[id]) ul.appendChild(factItem(a, a.data.facts[id])); });
  return ul;
}

// The popup's details (a row is left out when it has no value): what the feature is, and, folded
// away under a heading, how its position was derived (with the maintainers' note on it).
function infoList(rows) {
  var info = el("dl", "jmgeo-info");
  rows.forEach(function (r) {
    if (r[1] === null || r[1] === undefined || r[1] === "") return;
    info.appendChild(el("dt", null, r[0]));
    info.appendChild(el("dd", null, r[1]));
  });
  return info;
}

function popupInfo(a, props, layer) {
  var t = a.t, data = a.data, lang = a.state.lang;
  var rows = [[t("layer"), title(layer, lang)], [t("kind"), kindWord(a, props.kind)]];
  if (props.area_km2 !== undefined && props.area_km2 !== null) rows.push([t("area"), props.area_km2 + " km²"]);
  if (props.area_km2_documented) rows.push([t("area_documented"), props.area_km2_documented + " km²"]);
  rows.push([t("area_note"), lang === "en" ? props.area_note_en : props.area_note_zh]);
  rows.push([t("district"), props.outside ? t("outside") : props.district_label]);
  if (data.choropleth && data.choropleth.layer === layer.id && props.id in data.choropleth.values) {
    rows.push([title(data.choropleth, lang), data.choropleth.values[props.id]]);
  }
  return infoList(rows);
}

function positionDetails(a, props) {
  var t = a.t, lang = a.state.lang, prec = a.data.precision_styles[props.precision];
  var precText = props.precision ? props.precision + (prec ? " — " + (lang === "en" ? prec.label_en : prec.label_zh) : "") : null;
  if (precText && props.uncertainty_m) precText += " (± " + Math.round(props.uncertainty_m) + " m)";
  var details = el("details", "jmgeo-position");
  details.appendChild(el("summary", null, t("how_positioned")));
  details.appendChild(infoList([
    [t("precision"), precText], [t("position_source"), props.position_source],
    [t("position_method"), props.position_method], [t("datum"), props.position_datum], [t("note"), props.note]
  ]));
  var url = safeUrl(props.position_url);
  if (url) {
    var link = el("a", "jmgeo-link", t("open_source"));
    link.href = url;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    details.appendChild(link);
  }
  return details;
}

// Buttons to the other features at the same position (they hide each other on the map).
function alsoHere(a, here) {
  var also = el("div", "jmgeo-also");
  also.appendChild(el("span", null, a.t("also_here") + ": "));
  here.forEach(function (other) {
    var b = el("button", "jmgeo-also-button", names(other, a.state.lang).filter(Boolean).join(" "));
    b.type = "button";
    b.setAttribute("data-feature-id", other.id);
    b.addEventListener("click", function () { openPopup(a, other.id); });
    also.appendChild(b);
  });
  return also;
}

// Names, what it is, its facts (the reason to click), the features at the same place, and how
// its position was derived (folded away).
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
  var ids = props.fact_ids || [];
  box.appendChild(el("h4", "jmgeo-facts-title", t("facts") + " (" + ids.length + ")"));
  if (ids.length) box.appendChild(layer.role === "city" ? groupedFacts(a, ids) : factList(a, ids));
  else box.appendChild(el("p", "jmgeo-nofacts", t("no_facts")));
  var here = a.colocated[props.id] || [];
  if (here.length) box.appendChild(alsoHere(a, here));
  box.appendChild(positionDetails(a, props));
  return box;
}

function tooltipContent(a, props) {
  var nm = names(props, a.state.lang);
  var tip = el("span", "jmgeo-tooltip");
  tip.appendChild(el("strong", null, nm[0]));
  if (nm[1]) {
    tip.appendChild(document.createTextNode(" · "));
    tip.appendChild(el("span", null, nm[1]));
  }
  return tip;
}
