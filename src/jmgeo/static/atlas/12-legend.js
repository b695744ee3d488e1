// ---- legend: layer colours, choropleth classes, precision styles -----------------------
function svgSwatch(kind, color, precisionStyle, fill) {
  var ns = "http://www.w3.org/2000/svg";
  var svg = document.createElementNS(ns, "svg");
  svg.setAttribute("width", "28");
  svg.setAttribute("height", "14");
  svg.setAttribute("aria-hidden", "true");
  var shape;
  if (kind === "line") {
    shape = document.createElementNS(ns, "line");
    shape.setAttribute("x1", "2"); shape.setAttribute("y1", "7");
    shape.setAttribute("x2", "26"); shape.setAttribute("y2", "7");
  } else if (kind === "point") {
    shape = document.createElementNS(ns, "circle");
    shape.setAttribute("cx", "14"); shape.setAttribute("cy", "7"); shape.setAttribute("r", "5");
  } else {
    shape = document.createElementNS(ns, "rect");
    shape.setAttribute("x", "3"); shape.setAttribute("y", "2");
    shape.setAttribute("width", "22"); shape.setAttribute("height", "10");
  }
  shape.setAttribute("stroke", color);
  shape.setAttribute("stroke-width", kind === "line" ? "3" : "2");
  shape.setAttribute("fill", kind === "line" ? "none" : (fill || color));
  shape.setAttribute("fill-opacity", String(fill ? 1 : (precisionStyle ? precisionStyle.fill_opacity : 0.3)));
  if (precisionStyle && precisionStyle.dash) shape.setAttribute("stroke-dasharray", precisionStyle.dash);
  svg.appendChild(shape);
  return svg;
}

// One line per layer: its swatch, title and number of features.
function legendLayers(a) {
  var list = el("ul");
  a.data.layers.forEach(function (layer) {
    var li = el("li");
    li.setAttribute("data-layer-id", layer.id);
    li.appendChild(svgSwatch(layer.kind, layer.color, null));
    li.appendChild(el("span", null, title(layer, a.state.lang) + " (" + layer.features.features.length + ")"));
    list.appendChild(li);
  });
  return list;
}

function legendPrecision(a) {
  var plist = el("ul");
  ["surveyed", "approximate", "schematic"].forEach(function (name) {
    var s = a.data.precision_styles[name];
    var li = el("li");
    li.setAttribute("data-precision", name);
    li.appendChild(svgSwatch("area", "#444", s));
    li.appendChild(svgSwatch("point", "#444", s));
    li.appendChild(el("span", null, a.state.lang === "en" ? s.label_en : s.label_zh));
    plist.appendChild(li);
  });
  return plist;
}

// When the points' uncertainty circles are drawn (the registry's uncertainty_halos, its zoom put
// into its text), in place of the general note on dashed and hollow symbols, which it repeats;
// null on a page with no point to circle.
function legendHalos(a) {
  var h = a.data.uncertainty_halos;
  var any = h && a.data.layers.some(function (layer) {
    return layer.kind === "point" && layer.role !== "context" && layer.features.features.some(function (f) {
      return f.properties.uncertainty_m >= h.min_radius_m;
    });
  });
  if (!any) return null;
  var text = (a.state.lang === "en" ? h.label_en : h.label_zh)
    .replace("{zoom}", String(h.all_from_zoom)).replace("{min_m}", String(h.min_radius_m));
  return el("p", "jmgeo-legend-note jmgeo-legend-halos", text);
}

// How schematic areas are drawn by zoom (the registry's schematic_areas, its zoom put into its
// text); null on a page without one.
function legendSchematic(a) {
  var s = a.data.schematic_areas;
  var any = s && a.data.layers.some(function (layer) {
    return layer.kind === "area" && layer.features.features.some(isSchematicArea);
  });
  if (!any) return null;
  var text = (a.state.lang === "en" ? s.label_en : s.label_zh).replace("{zoom}", String(s.full_from_zoom));
  return el("p", "jmgeo-legend-note jmgeo-legend-schematic", text);
}

// How far the drawn outlines may be from the source boundaries (see jmgeo._simplify), or null.
function boundaryNote(a) {
  var b = a.data.boundary_simplification;
  if (!b || !a.data.layers.some(function (layer) { return layer.role !== "places"; })) return null;
  var metres = function (m) { return String(+m.toFixed(1)); };
  var note = a.t(b.overview ? "boundary_note_two" : "boundary_note")
    .replace("{detail}", metres(b.max_error_m))
    .replace("{overview}", b.overview ? metres(b.overview.max_error_m) : "");
  return el("p", "jmgeo-legend-note jmgeo-boundary-note", note);
}

// Links to the static A4 map built beside the page (jmgeo build --static): PDF, PNG, SVG.
function staticLinks(a, images) {
  var p = el("p", "jmgeo-legend-note jmgeo-static-links", a.t("static_images") + ": ");
  images.formats.forEach(function (fmt, i) {
    var link = el("a", "jmgeo-static-link", fmt.toUpperCase());
    link.href = encodeURIComponent(images.stem) + "." + fmt;
    link.setAttribute("data-format", fmt);
    if (i) p.appendChild(document.createTextNode(" · "));
    p.appendChild(link);
  });
  return p;
}

function legendControl(a) {
  var control = L.control({ position: "bottomright" });
  control.onAdd = function () {
    var t = a.t, box = el("div", "jmgeo-legend leaflet-bar");
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", t("legend"));
    box.appendChild(el("h4", null, t("legend")));
    box.appendChild(legendLayers(a));
    if (a.data.choropleth) choroplethLegend(a, box);
    box.appendChild(el("h5", null, t("precision_heading")));
    box.appendChild(legendPrecision(a));
    box.appendChild(legendHalos(a) || el("p", "jmgeo-legend-note", t("legend_note")));
    var schematic = legendSchematic(a);
    if (schematic) box.appendChild(schematic);
    box.appendChild(el("p", "jmgeo-legend-note jmgeo-legend-signs", t("legend_signs")));
    var note = boundaryNote(a);
    if (note) box.appendChild(note);
    if (a.data.static_images) box.appendChild(staticLinks(a, a.data.static_images));
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    return box;
  };
  return control;
}
