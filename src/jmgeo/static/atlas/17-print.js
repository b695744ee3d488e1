// ---- print: the map's view and its legend on page one, then the text version --------------
// On paper the map has a fixed size (atlas.css, html.jmgeo-printing and @media print): before
// printing, the view the reader had is fitted into that frame, with a title above it and the
// legend below it; after printing the view comes back. Chromium fires beforeprint for a print
// and for a PDF, and the print media query changes under print emulation: both are watched.

// The title and legend printed with the map (made anew for each print, in the page's language).
function printSheet(a) {
  var map = a.map.getContainer();
  document.querySelectorAll(".jmgeo-print-only").forEach(function (n) { n.remove(); });
  var head = el("header", "jmgeo-print-only jmgeo-print-head");
  head.appendChild(el("h1", null, title(a.data.page, a.state.lang)));
  var chapter = a.data.story && a.state.chapter !== null ? a.data.story.chapters[a.state.chapter] : null;
  if (chapter) head.appendChild(el("p", "jmgeo-print-chapter", title(chapter, a.state.lang)));
  map.parentNode.insertBefore(head, map);
  var foot = el("div", "jmgeo-print-only jmgeo-print-legend");
  foot.appendChild(legendControl(a).onAdd(a.map));
  if (chapter) foot.appendChild(el("p", "jmgeo-chapter-text", a.state.lang === "en" ? chapter.text_en : chapter.text_zh));
  map.parentNode.insertBefore(foot, map.nextSibling);
}

function preparePrint(a) {
  if (a.printing) return;
  var map = a.map;
  a.printing = { bounds: map.getBounds(), center: map.getCenter(), zoom: map.getZoom() };
  printSheet(a);
  root.classList.add("jmgeo-printing");
  map.invalidateSize({ animate: false, pan: false });
  map.fitBounds(a.printing.bounds, { animate: false });
  // the canvas repaints in the next animation frame, which a print does not wait for
  if (a.vectorCanvas && a.vectorCanvas._map) a.vectorCanvas._redraw();
}

function finishPrint(a) {
  if (!a.printing) return;
  var view = a.printing;
  a.printing = null;
  root.classList.remove("jmgeo-printing");
  a.map.invalidateSize({ animate: false, pan: false });
  a.map.setView(view.center, view.zoom, { animate: false });
}

// Under print emulation the media stays print after a print: the view waits for the screen.
function watchPrint(a) {
  var mq = window.matchMedia ? window.matchMedia("print") : null;
  window.addEventListener("beforeprint", function () { preparePrint(a); });
  window.addEventListener("afterprint", function () { if (!mq || !mq.matches) finishPrint(a); });
  if (!mq) return;
  var changed = function () { if (mq.matches) preparePrint(a); else finishPrint(a); };
  if (mq.addEventListener) mq.addEventListener("change", changed);
  else mq.addListener(changed);
}
