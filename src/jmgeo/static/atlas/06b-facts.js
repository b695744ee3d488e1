// ---- facts to read: conflicts as sentences, interpretations marked, the city's facts by topic --
// "文件003《…》说“150亿美元”" / "document 003 (《…》) says “150亿美元”": one fact's side of a conflict.
function docSays(a, fact) {
  var doc = (a.data.documents || {})[fact.doc] || {};
  var text = fact.number_text || fact.quote;
  return a.t("doc_says").replace("{n}", String(fact.doc).slice(0, 3))
    .replace("{title}", doc.title_zh || fact.doc).replace("{text}", text);
}

// A conflict written out: what this document says, then what each other one says.
function conflictSentence(a, fact) {
  var en = a.state.lang === "en";
  var sides = [docSays(a, fact)];
  fact.conflicts_with.forEach(function (id) { if (a.data.facts[id]) sides.push(docSays(a, a.data.facts[id])); });
  var said = sides.join(en ? "; " : "，") + (en ? "." : "。");
  var p = el("p", "jmgeo-conflict", a.t("conflict") + (en ? ": " : "：") + (en ? said.charAt(0).toUpperCase() + said.slice(1) : said));
  p.setAttribute("data-conflicts-with", fact.conflicts_with.join(" "));
  return p;
}

// The atlas's reading of a fact (which place a sentence is about ...), marked as such, with its reason.
function interpretationNote(a, fact) {
  var en = a.state.lang === "en";
  var box = el("p", "jmgeo-interpretation");
  box.setAttribute("data-of", fact.interpretation_of);
  box.appendChild(el("strong", null, a.t("interpretation") + (en ? ": " : "：")));
  box.appendChild(document.createTextNode(en ? fact.interpretation_en : fact.interpretation_zh));
  return box;
}

// An SVG chart made at build time (no script in it), parsed and put in the page.
function chartNode(a, chart) {
  var text = a.state.lang === "en" ? chart.svg_en : chart.svg_zh;
  var svg = new DOMParser().parseFromString(text, "image/svg+xml").documentElement;
  var figure = el("figure", "jmgeo-chart-figure");
  figure.setAttribute("data-series", chart.id);
  figure.appendChild(document.importNode(svg, true));
  return figure;
}

// Facts by year, the earliest first; those without a year last, in their given order.
function byYear(a, ids) {
  var facts = ids.map(function (id) { return a.data.facts[id]; }).filter(Boolean);
  return facts.map(function (f, i) { return [f, i]; }).sort(function (x, y) {
    var yx = x[0].year === null || x[0].year === undefined ? 1e9 : x[0].year;
    var yy = y[0].year === null || y[0].year === undefined ? 1e9 : y[0].year;
    return yx - yy || x[1] - y[1];
  }).map(function (p) { return p[0]; });
}

// The city's facts grouped by the topics of geodata/topics.json, each group by year, with the
// charts of its series first. Without topics, one list by year.
function groupedFacts(a, ids) {
  var box = el("div", "jmgeo-fact-groups"), lang = a.state.lang;
  var facts = byYear(a, ids), topics = a.data.topics || [];
  box.appendChild(el("p", "jmgeo-fact-groups-note", a.t("facts_by_topic")));
  var groups = topics.length ? topics : [{ id: null }];
  groups.forEach(function (topic) {
    var mine = facts.filter(function (f) { return topic.id === null || f.topic === topic.id; });
    if (!mine.length) return;
    var section = el("section", "jmgeo-fact-group");
    if (topic.id !== null) {
      section.setAttribute("data-topic", topic.id);
      section.appendChild(el("h5", "jmgeo-topic-title", title(topic, lang) + " (" + mine.length + ")"));
    }
    (a.data.charts || []).forEach(function (chart) {
      var shown = chart.fact_ids.some(function (id) { return ids.indexOf(id) >= 0; });
      if (shown && (topic.id === null || chart.topic === topic.id)) section.appendChild(chartNode(a, chart));
    });
    section.appendChild(factList(a, mine.map(function (f) { return f.id; })));
    box.appendChild(section);
  });
  return box;
}
