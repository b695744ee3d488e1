// ---- choropleth: a value per area, in classes ------------------------------------------
// The colour of the first class whose upper break is at least value (the last class above all).
function choroplethColor(c, value) {
  for (var i = 0; i < c.breaks.length; i++) if (value <= c.breaks[i]) return c.colors[i];
  return c.colors[c.colors.length - 1];
}

// The legend's part for the choropleth: its title, one swatch per class, and its note.
function choroplethLegend(a, box) {
  var c = a.data.choropleth;
  box.appendChild(el("h5", null, title(c, a.state.lang)));
  var clist = el("ul", "jmgeo-choropleth-legend");
  var lower = 0;
  c.breaks.forEach(function (upper, i) {
    var li = el("li");
    li.setAttribute("data-class", String(i));
    li.appendChild(svgSwatch("area", "#555", null, c.colors[i]));
    li.appendChild(el("span", null, (lower === upper ? String(upper) : lower + "–" + upper)));
    clist.appendChild(li);
    lower = upper + 1;
  });
  box.appendChild(clist);
  box.appendChild(el("p", "jmgeo-legend-note", a.state.lang === "en" ? c.note_en : c.note_zh));
}
