// ---- address: the reader's choices in the page's #fragment -------------------------------
function readHash() {
  var out = {};
  window.location.hash.replace(/^#/, "").split("&").forEach(function (part) {
    if (!part) return;
    var i = part.indexOf("=");
    var key = decodeURIComponent(i < 0 ? part : part.slice(0, i));
    out[key] = i < 0 ? "" : decodeURIComponent(part.slice(i + 1));
  });
  return out;
}

// Set (or, with null, remove) keys of the fragment, keeping the others.
function writeHash(changes) {
  var h = readHash();
  Object.keys(changes).forEach(function (k) {
    if (changes[k] === null || changes[k] === undefined) delete h[k];
    else h[k] = String(changes[k]);
  });
  var text = Object.keys(h).map(function (k) { return encodeURIComponent(k) + "=" + encodeURIComponent(h[k]); }).join("&");
  // replaceState costs a few ms: skip it when the address would not change.
  if (("#" + text === window.location.hash) || (!text && !window.location.hash)) return;
  history.replaceState(null, "", text ? "#" + text : window.location.pathname + window.location.search);
}
