// ---- story: chapters that switch layers and fly to their places -------------------------
function storyControl(a) {
  var control = L.control({ position: "bottomleft" });
  control.onAdd = function () {
    var t = a.t, story = a.data.story, box = el("section", "jmgeo-story leaflet-bar");
    box.setAttribute("aria-label", title(story, a.state.lang));
    box.setAttribute("tabindex", "-1");
    box.appendChild(el("h2", "jmgeo-story-title", title(story, a.state.lang)));
    box.appendChild(el("div", "jmgeo-story-body"));
    var navRow = el("div", "jmgeo-story-nav");
    var prev = el("button", "jmgeo-story-prev", "← " + t("prev"));
    prev.type = "button";
    var pos = el("span", "jmgeo-story-position");
    pos.setAttribute("aria-live", "polite");
    var next = el("button", "jmgeo-story-next", t("next") + " →");
    next.type = "button";
    prev.addEventListener("click", function () { showChapter(a, a.state.chapter - 1); });
    next.addEventListener("click", function () { showChapter(a, a.state.chapter + 1); });
    navRow.appendChild(prev);
    navRow.appendChild(pos);
    navRow.appendChild(next);
    box.appendChild(navRow);
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    return box;
  };
  return control;
}

// The story panel's text for the current chapter.
function renderChapter(a) {
  var box = a.map.getContainer().querySelector(".jmgeo-story"), i = a.state.chapter;
  if (!box || i === null) return;
  var chapters = a.data.story.chapters, ch = chapters[i], lang = a.state.lang;
  var body = box.querySelector(".jmgeo-story-body");
  body.textContent = "";
  body.setAttribute("data-chapter-id", ch.id);
  body.appendChild(el("h3", "jmgeo-chapter-title", title(ch, lang)));
  body.appendChild(el("p", "jmgeo-chapter-text", lang === "en" ? ch.text_en : ch.text_zh));
  body.appendChild(el("h4", null, a.t("sources")));
  body.appendChild(factList(a, ch.facts));
  box.querySelector(".jmgeo-story-position").textContent = (i + 1) + " / " + chapters.length;
  box.querySelector(".jmgeo-story-prev").disabled = i === 0;
  box.querySelector(".jmgeo-story-next").disabled = i === chapters.length - 1;
  box.scrollTop = 0;  // the new chapter's title in view, not the last one's sources
}

// The bounds of a chapter's focus features, or null.
function chapterBounds(a, ch) {
  var bounds = null;
  ch.focus.forEach(function (id) {
    var lyr = a.features[id];
    if (!lyr) return;
    var b = lyr.getBounds ? lyr.getBounds() : L.latLngBounds([lyr.getLatLng(), lyr.getLatLng()]);
    bounds = bounds ? bounds.extend(b) : L.latLngBounds(b.getSouthWest(), b.getNorthEast());
  });
  return bounds;
}

// Chapter i (from 0): its layers on, the others off (but the context), the view on its places; animate false jumps.
function showChapter(a, i, animate) {
  var map = a.map, chapters = a.data.story.chapters;
  if (i < 0 || i >= chapters.length) return;
  a.state.chapter = i;
  var ch = chapters[i];
  a.data.layers.forEach(function (layer) {
    // the context (neighbouring land, towns) stays on in every chapter
    var on = layer.role === "context" || ch.layers.indexOf(layer.id) >= 0, group = a.groups[layer.id];
    if (on && !map.hasLayer(group)) map.addLayer(group);
    if (!on && map.hasLayer(group)) map.removeLayer(group);
  });
  restack(a);
  map.closePopup();
  renderChapter(a);
  // after the text, whose panel (a bottom sheet on a phone) the view keeps the places out of
  frameChapter(a, animate !== false);
  writeHash({ chapter: i + 1 });
}

// Arrow and page keys walk the chapters; an address with another #chapter= opens it.
function storyKeys(a) {
  document.addEventListener("keydown", function (e) {
    var tag = (e.target && e.target.tagName) || "";
    if (tag === "INPUT" || tag === "TEXTAREA") return;
    if (e.key === "ArrowRight" || e.key === "PageDown") { showChapter(a, a.state.chapter + 1); e.preventDefault(); }
    else if (e.key === "ArrowLeft" || e.key === "PageUp") { showChapter(a, a.state.chapter - 1); e.preventDefault(); }
  });
  window.addEventListener("hashchange", function () {
    var m = parseInt(readHash().chapter, 10);
    if (m >= 1 && m - 1 !== a.state.chapter) showChapter(a, m - 1);
  });
}
