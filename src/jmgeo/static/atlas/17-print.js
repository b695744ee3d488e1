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
  if (a.data.story) printChapters(a);
  map.fitBounds(a.printing.bounds, { animate: false });
  // the canvas repaints in the next animation frame, which a print does not wait for
  if (a.vectorCanvas && a.vectorCanvas._map) a.vectorCanvas._redraw();
}

// The story on paper: every chapter on a page of its own, with its map view and its text. Each
// chapter is shown in turn (its layers, its places framed in the print frame and named) and its
// map copied: the panes as they are, each canvas as an image of what it holds.
function printChapters(a) {
  var map = a.map, lang = a.state.lang, keep = a.state.chapter;
  var book = el("div", "jmgeo-print-only jmgeo-print-chapters");
  a.data.story.chapters.forEach(function (ch, i) {
    showChapter(a, i, false);
    if (a.vectorCanvas && a.vectorCanvas._map) a.vectorCanvas._redraw();
    var page = el("section", "jmgeo-print-chapter-page");
    page.setAttribute("data-chapter-id", ch.id);
    page.appendChild(el("h1", null, title(a.data.story, lang)));
    page.appendChild(el("h2", "jmgeo-print-chapter", title(ch, lang)));
    page.appendChild(mapSnapshot(map));
    page.appendChild(el("p", "jmgeo-chapter-text", lang === "en" ? ch.text_en : ch.text_zh));
    book.appendChild(page);
  });
  showChapter(a, keep === null ? 0 : keep, false);
  root.classList.add("jmgeo-print-story");
  var container = map.getContainer();
  container.parentNode.insertBefore(book, container.nextSibling);
}

function mapSnapshot(map) {
  var size = map.getSize(), frame = el("div", "jmgeo-print-map leaflet-container");
  frame.style.width = size.x + "px";
  frame.style.height = size.y + "px";
  var pane = map.getContainer().querySelector(".leaflet-map-pane"), copy = pane.cloneNode(true);
  var from = pane.querySelectorAll("canvas"), to = copy.querySelectorAll("canvas");
  for (var i = 0; i < from.length; i++) {
    var img = document.createElement("img");
    img.src = from[i].toDataURL("image/png");
    img.className = from[i].className;
    img.style.cssText = from[i].style.cssText;
    img.style.width = from[i].style.width || from[i].width + "px";
    img.style.height = from[i].style.height || from[i].height + "px";
    to[i].parentNode.replaceChild(img, to[i]);
  }
  frame.appendChild(copy);
  return frame;
}

function finishPrint(a) {
  if (!a.printing) return;
  var view = a.printing;
  a.printing = null;
  root.classList.remove("jmgeo-printing", "jmgeo-print-story");
  document.querySelectorAll(".jmgeo-print-chapters").forEach(function (n) { n.remove(); });
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
