// ---- text: elements, escaping and the page's words ------------------------------------
function el(tag, className, text) {
  var node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

// For the few strings Leaflet inserts as HTML (layer-control names, attributions).
function escapeHtml(text) {
  var div = document.createElement("div");
  div.textContent = String(text);
  return div.innerHTML.replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

// Only plain web links become anchors; anything else (javascript:, data:) is shown as text.
function safeUrl(url) {
  return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null;
}

// t(key): the interface word for key in the page's current language (the key if unknown).
function makeT(data, state) {
  return function (key) {
    var entry = data.labels[key];
    return entry ? entry[state.lang] : key;
  };
}

function title(obj, lang) { return lang === "en" ? obj.title_en : obj.title_zh; }

// A feature's names, the page's language first.
// [the name in the page's language, the other name]: a feature with one name (a layer of your own
// without English names) shows it first in either language and no second name, never "undefined".
function names(props, lang) {
  var pair = lang === "en" ? [props.name_en, props.name_zh] : [props.name_zh, props.name_en];
  var first = pair[0] || pair[1] || "", second = pair[0] && pair[1] && pair[1] !== pair[0] ? pair[1] : "";
  return [first, second];
}

function formatValue(fact) {
  if (fact.value === null || fact.value === undefined) return "";
  var q = { more_than: "> ", nearly: "≈ ", about: "≈ ", at_least: "≥ ", target: "→ " };
  return (q[fact.qualifier] || "") + fact.value + " " + (fact.unit || "");
}
