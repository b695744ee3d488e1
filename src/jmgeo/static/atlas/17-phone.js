// ---- phone: on a narrow screen (<= 480 px) the panels fold into buttons -------------------
// The fold buttons are always built, but atlas.css shows them (and folds their panels) only
// on a narrow screen, so a desktop page shows what it showed before.
var NARROW_SCREEN = "(max-width: 480px)";

function isNarrow() {
  return !!(window.matchMedia && window.matchMedia(NARROW_SCREEN).matches);
}

// A button in parent that folds box (class jmgeo-folded); folded is its first state.
function foldButton(a, box, parent, key, folded) {
  var button = el("button", "jmgeo-fold-button", a.t(key));
  button.type = "button";
  function set(f) {
    box.classList.toggle("jmgeo-folded", f);
    button.setAttribute("aria-expanded", f ? "false" : "true");
  }
  button.addEventListener("click", function () {
    set(!box.classList.contains("jmgeo-folded"));
    if (a.data.story && box.classList.contains("jmgeo-story")) frameChapter(a);
  });
  set(folded);
  parent.appendChild(button);
  return button;
}

// Fold the toolbar (to its title row), the legend (to a button) and the story (to its title and
// arrows; it starts open, as a bottom sheet) once the controls are built.
function foldPanels(a) {
  var root = a.map.getContainer();
  var toolbar = root.querySelector(".jmgeo-toolbar"), legend = root.querySelector(".jmgeo-legend");
  var story = root.querySelector(".jmgeo-story");
  if (toolbar) foldButton(a, toolbar, toolbar.querySelector(".jmgeo-toolbar-head"), "menu", true);
  if (legend) legend.insertBefore(foldButton(a, legend, legend, "legend", true), legend.firstChild);
  if (story) foldButton(a, story, story.querySelector(".jmgeo-story-nav"), "story_fold", false);
  root.classList.toggle("jmgeo-has-story", !!story);
  popupPadding(a);
}

// On a phone a popup is at most the screen's width (atlas.css), and Leaflet pans it clear of the
// search bar and toolbar above it and of the story sheet below: the padding of every popup of
// the page (Leaflet's default popup options; the page is the only map in its window).
function popupPadding(a) {
  if (!isNarrow()) return;
  var e = coveredEdges(a), options = L.Popup.prototype.options;
  options.autoPanPaddingTopLeft = L.point(10, e.top);
  options.autoPanPaddingBottomRight = L.point(10, a.data.story ? e.bottom : 10);
}

// The part of the map (pixels from each edge) that the panels cover, for framing a chapter or a
// popup. On a narrow screen: the story sheet covers the bottom, and the search bar, the toolbar,
// the zoom buttons and the layer control (the two top corners) the top. On a wide screen the
// largest rectangle clear of every panel (freeRect).
function coveredEdges(a) {
  var edges = { top: 40, right: 40, bottom: 40, left: 40 };
  if (a.printing) return { top: 16, right: 16, bottom: 16, left: 16 };  // on paper no panel covers the map
  if (!isNarrow()) return a.data.story ? freeEdges(a, 16) : edges;
  var root = a.map.getContainer(), box = root.getBoundingClientRect();
  var story = root.querySelector(".jmgeo-story");
  if (story) edges.bottom = Math.max(edges.bottom, box.bottom - story.getBoundingClientRect().top + 16);
  root.querySelectorAll(".leaflet-top").forEach(function (corner) {
    edges.top = Math.max(edges.top, corner.getBoundingClientRect().bottom - box.top + 16);
  });
  edges.left = edges.right = 24;
  return edges;
}

// A rectangle inside rect clear of every box: the boxes in turn, largest first, and for each one
// that overlaps what is left, the cut (left of it, right of it, above or below it) keeping the most.
function freeRect(rect, boxes) {
  var area = function (r) { return Math.max(0, r.right - r.left) * Math.max(0, r.bottom - r.top); };
  boxes.slice().sort(function (x, y) { return area(y) - area(x); }).forEach(function (b) {
    if (b.left >= rect.right || b.right <= rect.left || b.top >= rect.bottom || b.bottom <= rect.top) return;
    var cuts = [
      Object.assign({}, rect, { right: b.left }), Object.assign({}, rect, { left: b.right }),
      Object.assign({}, rect, { bottom: b.top }), Object.assign({}, rect, { top: b.bottom })
    ];
    rect = cuts.reduce(function (x, y) { return area(y) > area(x) ? y : x; });
  });
  return rect;
}

// The map's edges to the largest rectangle no visible control covers, plus a margin (px).
function freeEdges(a, margin) {
  var root = a.map.getContainer(), box = root.getBoundingClientRect();
  var boxes = Array.prototype.map.call(root.querySelectorAll(".leaflet-control"), function (n) {
    return n.getBoundingClientRect();
  }).filter(function (r) { return r.width > 0 && r.height > 0; });
  var free = freeRect({ left: box.left, top: box.top, right: box.right, bottom: box.bottom }, boxes);
  return { top: free.top - box.top + margin, left: free.left - box.left + margin,
    bottom: box.bottom - free.bottom + margin, right: box.right - free.right + margin };
}

// Fit the current chapter's places into the part of the map no panel covers.
function frameChapter(a, animate) {
  var ch = a.data.story && a.state.chapter !== null ? a.data.story.chapters[a.state.chapter] : null;
  var bounds = ch ? chapterBounds(a, ch) : null;
  if (!bounds) return;
  var e = coveredEdges(a);
  var options = { paddingTopLeft: [e.left, e.top], paddingBottomRight: [e.right, e.bottom], maxZoom: 11 };
  if (animate) a.map.flyToBounds(bounds, Object.assign(options, { duration: 0.8 }));
  else a.map.fitBounds(bounds, Object.assign(options, { animate: false }));
}
