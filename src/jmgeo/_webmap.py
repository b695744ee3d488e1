"""The interactive atlas page: folium assembly with Leaflet inlined and safe text.

:func:`make_map` returns a ``folium.Map`` (it displays inline in Jupyter) whose page
carries its own Leaflet and page script (:mod:`jmgeo._page_assets`), so it renders with
no network at all. Every layer is a folium ``FeatureGroup`` that the page script lists
in its own layer control; the features, their facts and all document text travel in one
JSON block (:mod:`jmgeo._page_data`, written by :func:`jmgeo._escape.page_json`) and are
drawn by the page script with ``textContent`` only.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path

import folium
import geopandas as gpd
import pandas as pd
from branca.element import Element, Figure, MacroElement
from jinja2 import Template

from ._errors import ArgumentError
from ._escape import page_json, page_json_items, page_text
from ._facts import fact_frame, fact_series, fact_topics
from ._files import atomic_write
from ._geodata import GeoData, read_geodata
from ._ids import id_problem
from ._layers import geometry_types, layer_kind
from ._loading import load_layers
from ._page_assets import inline_assets, labels
from ._page_data import (
    CANVAS_MIN_FEATURES,
    OVERVIEW_MAX_ERROR_M,
    chart_payload,
    choropleth,
    document_payload,
    fact_payload,
    feature_collection,
    page_outlines,
    point_layer,
    point_stream,
    stream_token,
    topic_payload,
)
from ._pages import PageSpec, parse_pages, parse_story, resolve_basemaps
from ._search import build_search_index, extra_search_entries, layer_entries, search_tables
from ._simplify import DEFAULT_MAX_ERROR_M
from ._text_version import skip_link_html, text_twin_html
from ._user_layers import ExtraLayer, user_color
from ._values import json_value

#: The static images' formats, in the order the legend links them.
FIGURE_FORMATS = ("pdf", "png", "svg")
__all__ = ["ExtraLayer", "make_map", "make_pages", "map_html", "write_map"]


class _RawElement(Element):
    """A header/body element whose text is inserted once, verbatim (never compiled as a template)."""

    _template = Template("{{ this.text }}")

    def __init__(self, text: str):
        super().__init__()
        self.text = text


class _AtlasInit(MacroElement):
    """Runs the page script once the map and its feature groups exist."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
    jmgeoAtlas.init({{ this._parent.get_name() }}, {
    {%- for layer_id, group in this.groups %}
        {{ layer_id | tojson }}: {{ group.get_name() }},
    {%- endfor %}
    }, JSON.parse(document.getElementById("jmgeo-data").textContent));
{% endmacro %}
"""
    )

    def __init__(self, groups: list[tuple[str, folium.FeatureGroup]], text_after_map: str = ""):
        super().__init__()
        self._name = "JmgeoAtlas"
        self.groups = groups
        self.text_after_map = text_after_map

    def render(self, **kwargs):
        # Not MacroElement.render: it wraps the script in an Element, which compiles it as a
        # Jinja2 template a second time, so text in a layer id would be evaluated. The script
        # goes in as it is (without the one trailing newline Jinja2 drops when it renders).
        script = self._template.module.script(self, kwargs)
        script = script[:-1] if script.endswith("\n") else script
        self.get_root().script.add_child(_RawElement(script), name=self.get_name())
        # folium adds the map's <div> to the page body while rendering, so the text twin
        # is added here, after it (and as raw text: never compiled as a template).
        if self.text_after_map:
            self.get_root().html.add_child(_RawElement(self.text_after_map), name="jmgeo_text")


class _SharedParts:
    """What every page of one atlas has in common, made once and kept for the next page.

    The simplified outlines, each layer's encoded features, the facts and the search
    entries do not depend on the page, so a build of six pages makes each of them once.
    """

    def __init__(self, data: GeoData, layers: dict, facts: pd.DataFrame, decimals: int, max_error_m, overview_error_m):
        self.data = data
        self.layers = layers
        self.facts = facts
        self.decimals = decimals
        self.max_error_m = max_error_m
        self.overview_error_m = overview_error_m
        reg = data.registry
        self.roles = (reg.city_layer, reg.districts_layer)
        self._features: dict[str, dict] = {}
        self._search: dict[str, list] = {}
        self.figures: dict[str, str] = {}  # page id -> stem of its static A4 images, when they are built

    @cached_property
    def pages(self) -> list[PageSpec]:
        return parse_pages(self.data)

    @cached_property
    def outlines(self) -> tuple[dict, dict, dict | None]:
        """``(detailed, overview, boundary)`` of :func:`jmgeo._page_data.page_outlines`, or empty without districts."""
        if not self.max_error_m or self.roles[1] not in self.layers:
            return {}, {}, None
        return page_outlines(
            self.layers,
            self.roles,
            self.max_error_m,
            self.overview_error_m,
            self.decimals,
            self.data.registry.context_layers,
        )

    @cached_property
    def district_names(self) -> dict[str, str]:
        districts = self.layers.get(self.roles[1])
        return {} if districts is None else {r.id: f"{r.name_zh} {r.name_en}" for r in districts.itertuples()}

    @cached_property
    def fact_payload(self) -> dict:
        return fact_payload(self.facts, fact_topics(self.facts, self.data.topics_spec))

    @cached_property
    def documents(self) -> dict[str, dict]:
        return document_payload(self.data.documents)

    @cached_property
    def topics(self) -> list[dict]:
        return topic_payload(self.data.topics_spec)

    @cached_property
    def charts(self) -> list[dict]:
        return chart_payload(fact_series(self.facts, self.data.topics_spec), self.data.documents)

    def features(self, layer_id: str, frame: gpd.GeoDataFrame | None = None) -> dict:
        """The encoded features of a layer (kept for the atlas's own layers; made anew for an extra ``frame``)."""
        if frame is not None:
            return self._encode(layer_id, frame)
        if layer_id not in self._features:
            self._features[layer_id] = self._encode(layer_id, self.layers[layer_id])
        return self._features[layer_id]

    def _encode(self, layer_id: str, frame: gpd.GeoDataFrame) -> dict:
        detailed, overview, _ = self.outlines
        return feature_collection(
            frame, self.district_names, self.decimals, detailed.get(layer_id), overview.get(layer_id)
        )

    @cached_property
    def search_tables(self) -> dict:
        return search_tables(self.layers, self.facts)

    def search(self, layer_ids: list[str], extra_entries: list[dict] = ()) -> dict:
        """The search index of a page showing ``layer_ids`` and your own layers' ``extra_entries``
        (entries kept per layer, tables per build)."""
        for layer_id in layer_ids:
            if layer_id not in self._search:
                self._search[layer_id] = layer_entries(layer_id, self.layers[layer_id])
        entries = [e for layer_id in layer_ids for e in self._search[layer_id]] + list(extra_entries)
        chosen = {layer_id: self.layers[layer_id] for layer_id in layer_ids}
        return build_search_index(chosen, self.facts, self.search_tables, entries)


def _basemaps(data: GeoData, default: str | None) -> dict:
    bases = resolve_basemaps(data)
    if default is not None:
        ids = [b["id"] for b in bases["basemaps"]]
        if default not in ids:
            raise ArgumentError(f"unknown basemap {default!r}; basemaps are {', '.join(ids)}")
        bases["default"] = default
    return bases


def _page_figure(spec: PageSpec, bounds, height: str) -> tuple[Figure, folium.Map]:
    """The page's figure and map, with Leaflet and the page script inlined instead of folium's CDN links."""
    minx, miny, maxx, maxy = bounds
    figure = Figure(title=page_text(f"{spec.title_zh} {spec.title_en}"))  # branca inserts it as HTML
    fmap = folium.Map(
        location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=9, tiles=None, control_scale=True, height=height
    )
    figure.add_child(fmap)
    fmap.default_js = []
    fmap.default_css = []
    assets = inline_assets()
    header = figure.header
    header.add_child(_RawElement(f"<style>{assets['leaflet_css']}</style>"), name="leaflet_css")
    header.add_child(_RawElement(f"<style>{assets['atlas_css']}</style>"), name="jmgeo_css")
    header.add_child(_RawElement(f"<script>{assets['leaflet_js']}</script>"), name="leaflet")
    header.add_child(_RawElement(f"<script>{assets['atlas_js']}</script>"), name="jmgeo_js")
    return figure, fmap


def _layer_entries(parts: _SharedParts, spec: PageSpec, extra_layers: list[ExtraLayer]) -> list[tuple]:
    """``(id, frame, title_zh, title_en, color, shown, role, extra)`` per layer: the page's, then the extras.

    ``frame`` is None and ``extra`` the :class:`ExtraLayer` for a point layer kept as a :class:`PointTable`.
    """
    shown = [layer for layer in parts.data.registry.layers if layer.id in spec.layers and layer.id in parts.layers]
    entries = [(s.id, parts.layers[s.id], s.title_zh, s.title_en, s.color, s.shown, s.role, None) for s in shown]
    palette = parts.data.registry.user_palette
    for i, extra in enumerate(extra_layers):
        bad_id = id_problem(extra.id, "extra layer id")
        if bad_id:
            raise ArgumentError(bad_id)
        if any(extra.id == e[0] for e in entries) or extra.id in parts.layers:
            raise ArgumentError(f"extra layer id {extra.id!r} is already a layer of the map")
        frame = None
        if extra.points is None:
            if extra.frame.crs is None:
                raise ArgumentError(f"extra layer {extra.id!r} has no CRS; set one (e.g. frame.set_crs(4326))")
            frame = extra.frame.to_crs(4326)
        color = user_color(extra, i, palette)
        entries.append((extra.id, frame, extra.title_zh, extra.title_en, color, True, "places", extra))
    return entries


def _add_layers(fmap: folium.Map, parts: _SharedParts, entries: list[tuple], streams: dict) -> tuple[list, list]:
    """Add a feature group per layer to the map; return the groups and the layers' page data.

    A :class:`PointTable`'s arrays go in as placeholders, their text added to ``streams`` (see :func:`page_chunks`).
    """
    payload_layers, groups = [], []
    for layer_id, frame, title_zh, title_en, color, on, role, extra in entries:
        group = folium.FeatureGroup(name=page_text(f"{title_zh} {title_en}".strip()), show=on, control=False)
        group.add_to(fmap)
        groups.append((layer_id, group))
        entry = {"id": layer_id, "role": role, "title_zh": title_zh, "title_en": title_en, "color": color}
        if extra is None:
            spec = parts.data.registry.layer(layer_id)
            entry.update(kind=layer_kind(frame), label_min_zoom=spec.label_min_zoom, label_rank=spec.label_rank)
        if frame is None:  # a PointTable: positions and attributes streamed from its arrays and spool
            entry["kind"] = "point"
            data, made = point_stream(extra.points, layer_id, parts.decimals)
            entry.update(data)
            streams.update({token: ("array", make) for token, make in made.items()})
        else:
            entry.setdefault("kind", layer_kind(frame))
            if entry["kind"] == "point" and len(frame) > CANVAS_MIN_FEATURES and geometry_types(frame) == {"Point"}:
                entry.update(point_layer(frame, layer_id, parts.decimals))
            else:
                entry["features"] = parts.features(layer_id, frame if extra is not None else None)
        payload_layers.append(entry)
    return groups, payload_layers


_CITY_KEYS = ("id", "name_zh", "name_en", "fact_ids", "area_km2", "area_km2_documented", "area_note_zh", "area_note_en")


def _payload(
    parts: _SharedParts, spec: PageSpec, payload_layers: list, basemap: str | None, extras: list, streams: dict
) -> dict:
    """The page's JSON data block: its layers, facts, labels, basemaps, search entries, city, story.

    Your own layers' search entries follow the atlas's, streamed (a placeholder added to ``streams``).
    """
    city = parts.layers[parts.roles[0]]
    minx, miny, maxx, maxy = city.total_bounds
    shown = [name for name in spec.layers if name in parts.layers]
    city_row = city.iloc[0]
    payload = {
        "page": {
            "id": spec.id,
            "title_zh": spec.title_zh,
            "title_en": spec.title_en,
            "nav": [{"id": p.id, "file": p.file, "title_zh": p.title_zh, "title_en": p.title_en} for p in parts.pages],
        },
        "layers": payload_layers,
        "facts": parts.fact_payload,
        "documents": parts.documents,
        "topics": parts.topics,
        "charts": parts.charts,
        "precision_styles": parts.data.registry.precision_styles,
        "draw": parts.data.registry.draw,
        "uncertainty_halos": parts.data.registry.uncertainty_halos,
        "schematic_areas": parts.data.registry.schematic_areas,
        "labels": labels(),
        "basemaps": _basemaps(parts.data, basemap),
        "search": parts.search(shown),
        "coordinate_scale": 10**parts.decimals,
        "boundary_simplification": parts.outlines[2],
        "city": {k: json_value(city_row.get(k)) for k in _CITY_KEYS},
    }
    if spec.choropleth:
        payload["choropleth"] = choropleth(spec.choropleth, parts.layers, parts.facts)
    if spec.story:
        story = parse_story(parts.data, spec.story)
        payload["story"] = {k: story[k] for k in ("title_zh", "title_en", "chapters")}
    if spec.id in parts.figures:
        payload["static_images"] = {"stem": parts.figures[spec.id], "formats": list(FIGURE_FORMATS)}
    if extras:
        token = stream_token()
        payload["search"]["entries"] = [*payload["search"]["entries"], token]
        streams[token] = ("items", lambda: extra_search_entries(extras))
    # The page script fits the map to these bounds before it draws the layers (one projection, no animation).
    payload["bounds"] = [[miny, minx], [maxy, maxx]]
    return payload


def _make_page(
    parts: _SharedParts, spec: PageSpec, basemap: str | None, height: str, extra_layers: list[ExtraLayer]
) -> folium.Map:
    figure, fmap = _page_figure(spec, parts.layers[parts.roles[0]].total_bounds, height)
    # Large arrays (your own point layers) stay out of the rendered template: see page_chunks.
    fmap._jmgeo_streams = streams = {}
    groups, payload_layers = _add_layers(fmap, parts, _layer_entries(parts, spec, extra_layers), streams)
    payload = _payload(parts, spec, payload_layers, basemap, extra_layers, streams)
    figure.html.add_child(_RawElement(skip_link_html()), name="jmgeo_skip", index=0)
    figure.html.add_child(
        _RawElement(f'<script type="application/json" id="jmgeo-data">{page_json(payload)}</script>'),
        name="jmgeo_data",
    )
    fmap.add_child(_AtlasInit(groups, text_twin_html((spec.title_zh, spec.title_en))))
    _number_elements(figure)
    return fmap


def make_map(
    layers: dict[str, gpd.GeoDataFrame] | None = None,
    facts: pd.DataFrame | None = None,
    *,
    page: str = "jiangmen",
    basemap: str | None = None,
    geodata_dir: str | os.PathLike[str] | GeoData | None = None,
    decimals: int = 5,
    height: str = "100%",
    max_error_m: float | None = DEFAULT_MAX_ERROR_M,
    overview_error_m: float | None = OVERVIEW_MAX_ERROR_M,
    extra_layers: list[ExtraLayer] | None = None,
) -> folium.Map:
    """Build one atlas page as a ``folium.Map``: its layers, legend, search, basemaps, popups with facts.

    Parameters
    ----------
    layers : dict of GeoDataFrame, optional
        Layers as returned by :func:`jmgeo.load_layers` (loaded if omitted).
    facts : DataFrame, optional
        The fact table from :func:`jmgeo.load_facts` (loaded if omitted).
    page : str
        A page id from ``geodata/pages.json``: ``"jiangmen"`` (every layer), the theme maps
        ``"logistics"``, ``"industry"``, ``"heritage"``, the ``"districts"`` choropleth, or
        ``"story"``.
    basemap : str, optional
        The basemap shown when the page opens, by id from ``geodata/basemaps.json``
        (``"none"``, the offline view, by default; ``"osm"`` for OpenStreetMap tiles). A reader
        can switch in the page.
    decimals : int
        Decimal places kept for coordinates sent to the page (5 is about 1 m). Exports
        keep full precision.
    height : str
        CSS height of the map (``"100%"`` for a full page, e.g. ``"600px"`` in a notebook).
    max_error_m : float or None
        The page draws the district boundaries simplified as one coverage (shared borders
        once, no gaps or overlaps) to within this many metres (measured Hausdorff
        distance, see :func:`jmgeo._simplify.simplify_coverage`), and the city outline as
        the union of the simplified districts. None sends the full resolution. Exports
        always keep the full resolution.
    overview_error_m : float or None
        A second, coarser simplification of the same coverage (within this many metres),
        and of the polygons of the other area layers (each on its own, to the same bound),
        drawn as it is at the zooms where its error is at most one screen pixel
        (:func:`jmgeo._page_data.overview_max_zoom`; zoom 9 and out for the default 280 m) and swapped for
        the ``max_error_m`` one (the others: their own geometry) when the reader zooms in.
        None sends one level only.
    extra_layers : list of ExtraLayer, optional
        More layers to draw, e.g. your own points. A point layer with more than
        :data:`jmgeo._page_data.CANVAS_MIN_FEATURES` features is sent as one compact array and drawn on a
        canvas (100,000 points build in about a second and draw in under two).
    geodata_dir : path or GeoData, optional
        The geodata folder the page specs, basemaps and story come from (the project's own
        by default).

    Returns
    -------
    folium.Map
        Save it with :func:`jmgeo.write_map`, or display it in Jupyter. The page
        works offline (Leaflet is inside it); base-map tiles are the only network requests.
        Its address may carry ``#lang=en``, ``#basemap=amap``, ``#chapter=2`` (story).

    Examples
    --------
    >>> import jmgeo
    >>> m = jmgeo.make_map(page="logistics", basemap="none", height="600px")
    >>> type(m).__name__
    'Map'
    """
    data = read_geodata(geodata_dir)
    if layers is None:
        layers = load_layers(data)
    if facts is None:
        facts = fact_frame(data.fact_records)
    parts = _SharedParts(data, layers, facts, decimals, max_error_m, overview_error_m)
    spec = next((p for p in parts.pages if p.id == page), None)
    if spec is None:
        raise ArgumentError(f"unknown page {page!r}; pages are {', '.join(p.id for p in parts.pages)}")
    return _make_page(parts, spec, basemap, height, extra_layers or [])


def make_pages(
    data: GeoData,
    layers: dict[str, gpd.GeoDataFrame],
    facts: pd.DataFrame,
    extra_layers: list[ExtraLayer] | None = None,
    figures: dict[str, str] | None = None,
) -> list[tuple[PageSpec, folium.Map]]:
    """Make every page of ``geodata/pages.json`` with the default settings, sharing what the pages have in common.

    ``extra_layers`` (your own, ``jmgeo build --layer``) go on the main atlas page, the one
    showing every layer (``pages.json``'s first page). ``figures`` maps a page id to the file stem
    of the static A4 images built beside it (``jiangmen`` for ``jiangmen.png``, ``.pdf``, ``.svg``),
    which its legend then links.
    """
    parts = _SharedParts(data, layers, facts, 5, DEFAULT_MAX_ERROR_M, OVERVIEW_MAX_ERROR_M)
    parts.figures = figures or {}
    extras = extra_layers or []
    return [
        (spec, _make_page(parts, spec, None, "100%", extras if i == 0 else [])) for i, spec in enumerate(parts.pages)
    ]


def _number_elements(root: Element) -> None:
    """Replace branca's random element ids with a counter, so the same map renders to the same bytes."""
    counter = 0
    stack = [root]
    while stack:
        element = stack.pop(0)
        element._id = f"{counter:08x}"
        counter += 1
        stack.extend(element._children.values())


def map_html(fmap: folium.Map) -> str:
    """Render a map made by :func:`make_map` to a complete HTML page (call once per map)."""
    return "".join(page_chunks(fmap))


def page_chunks(fmap: folium.Map) -> Iterator[str]:
    """Render a map made by :func:`make_map` as pieces of its HTML, for a large page written as a stream.

    The page is rendered with a placeholder string for each array of your own point layers
    and for their search entries; each placeholder is replaced here by the array's text,
    made a chunk at a time from the layer's arrays and spool, so the page (118 MB for a
    million points) is never held whole. The template is rendered when the first piece is asked for.
    """
    html = fmap.get_root().render()
    streams = getattr(fmap, "_jmgeo_streams", None) or {}
    if not streams:
        yield html
        return
    found = list(re.finditer('"(' + "|".join(re.escape(t) for t in streams) + ')"', html))
    if sorted(m.group(1) for m in found) != sorted(streams):
        raise AssertionError("a streamed array's placeholder is missing from the rendered page")
    at = 0
    for match in found:
        kind, make = streams[match.group(1)]
        head = html[at : match.start()]
        items = page_json_items(make())
        if kind == "array":
            yield head + "["
            yield from items
            yield "]"
        else:  # the tail of an array: with no items, the comma before the placeholder goes too
            first = next(items, None)
            yield head.removesuffix(",") if first is None else head
            if first is not None:
                yield first
                yield from items
        at = match.end()
    yield html[at:]


def write_map(fmap: folium.Map, path: str | os.PathLike[str]) -> Path:
    """Render a map from :func:`make_map` and write it atomically as a self-contained HTML page.

    Examples
    --------
    >>> import tempfile, pathlib, jmgeo
    >>> path = jmgeo.write_map(jmgeo.make_map(page="logistics"), pathlib.Path(tempfile.mkdtemp()) / "logistics.html")
    >>> path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    True
    """
    return atomic_write(path, map_html(fmap).encode("utf-8"))
