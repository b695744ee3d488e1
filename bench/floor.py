"""Write the pages for measuring the floor of "all layers drawn": what any Leaflet page needs.

Writes three pages of the built-in layers into a folder, for ``bench/ab.py``:

* ``jmgeo.html``: jmgeo's main page (no base map, as ``bench/run.py`` measures it);
* ``floor.html``: the same page (same HTML, styles, Leaflet and data block) whose start-up
  call is replaced by the least a page can do to show the same features: decode them and
  add each layer with ``L.geoJSON`` and Leaflet's default styles (points as circle markers),
  with no interface, tooltips, popups or text version. It draws the detailed (30 m)
  outlines, where jmgeo's page opens with its overview level (see ``make_map``'s
  ``overview_error_m``), so since then it is a floor only for pages that draw the detail;
* ``explore.html``: ``GeoDataFrame.explore()`` of the same layers, Leaflet inlined.

Run from the project root after ``scripts/setup.sh --bench``::

    .venv/bin/python bench/floor.py /tmp/floor
    .venv/bin/python bench/ab.py --runs 16 /tmp/floor/explore.html /tmp/floor/jmgeo.html /tmp/floor/floor.html

If the floor page is not drawn in 0.6x of explore's time, no page that draws these layers
with Leaflet's SVG renderer on the same machine is.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench

# Decodes jmgeo's compact geometry with the page's own decoder (jmgeoAtlas.decodeGeometry,
# see jmgeo._page_data.encode_geometry) and draws each layer.
FLOOR_INIT = """
    (function (map, groups, data) {
      map.fitBounds(data.bounds, { animate: false });
      data.layers.forEach(function (layer) {
        layer.features.features.forEach(function (f) { f.geometry = jmgeoAtlas.decodeGeometry(f.geometry, data.coordinate_scale); });
        L.geoJSON(layer.features, { pointToLayer: function (f, latlng) { return L.circleMarker(latlng, { radius: 7 }); } })
          .addTo(groups[layer.id]);
      });
      window.jmgeoAtlasState = { ready: true, layersDrawn: true };
    })(%s, %s, JSON.parse(document.getElementById("jmgeo-data").textContent));
"""


def floor_page(jmgeo_html: str) -> str:
    """jmgeo's page with ``jmgeoAtlas.init(map, groups, data)`` replaced by FLOOR_INIT."""
    call = re.search(r"jmgeoAtlas\.init\((\w+), (\{.*?\}), JSON\.parse\(.*?\)\);", jmgeo_html, re.S)
    if call is None:
        raise RuntimeError("no jmgeoAtlas.init(...) call in the page")
    return jmgeo_html[: call.start()] + FLOOR_INIT % (call.group(1), call.group(2)) + jmgeo_html[call.end() :]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="where to write jmgeo.html, floor.html and explore.html")
    args = parser.parse_args(argv)
    import jmgeo

    layers, facts = jmgeo.load_layers(), jmgeo.load_facts()
    html = bench.page_jmgeo(layers, facts)
    args.folder.mkdir(parents=True, exist_ok=True)
    (args.folder / "jmgeo.html").write_text(html, encoding="utf-8")
    (args.folder / "floor.html").write_text(floor_page(html), encoding="utf-8")
    (args.folder / "explore.html").write_text(bench.inline_leaflet(bench.page_explore(layers)), encoding="utf-8")
    print(args.folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
