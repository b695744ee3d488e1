"""The interactive atlas page: folium assembly with Leaflet inlined and safe text.

:func:`make_map` returns a ``folium.Map`` (it displays inline in Jupyter) whose page
carries its own Leaflet (from the ``django-js-lib-leaflet`` package, the Leaflet 1.9.4
dist files), so it renders with no network at all. Every layer is a folium
``FeatureGroup`` that the page script lists in its own layer control; the features, their facts and all
document text travel in one JSON block written by :func:`jmgeo.safe.page_json` and
are drawn by the page script ``static/atlas.js`` with ``textContent`` only.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, Figure, MacroElement
from jinja2 import Template

from .export import json_value
from .layers import geometry_types, layer_kind
from .registry import load_registry
from .safe import page_json, page_text
from .simplify import DEFAULT_MAX_ERROR_M

__all__ = [
    "CANVAS_MIN_FEATURES",
    "ExtraLayer",
    "encode_geometry",
    "inline_assets",
    "labels",
    "make_map",
    "map_html",
    "point_layer",
]


@lru_cache(maxsize=1)
def labels() -> dict[str, dict[str, str]]:
    """Return the page's interface text: ``{key: {"zh": ..., "en": ...}}`` (``static/labels.json``)."""
    import json

    return json.loads(_read_asset("jmgeo", "static/labels.json").decode("utf-8"))


_LEAFLET_PACKAGE = "js_lib_leaflet"
_LEAFLET_DIR = "static/js_lib_leaflet"


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
        "{{ layer_id }}": {{ group.get_name() }},
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
        super().render(**kwargs)
        # folium adds the map's <div> to the page body while rendering, so the text twin
        # is added here, after it (and as raw text: never compiled as a template).
        if self.text_after_map:
            self.get_root().html.add_child(_RawElement(self.text_after_map), name="jmgeo_text")


def _read_asset(package: str, relative: str) -> bytes:
    return resources.files(package).joinpath(relative).read_bytes()


def _atlas_script() -> str:
    """The page script: the files of ``static/atlas/`` in name order, inside one function scope.

    Plain concatenation (no bundler or minifier, so no build dependency): the parts share one
    scope, and the page still carries all it runs. See docs/page-script.md.
    """
    folder = resources.files("jmgeo").joinpath("static/atlas")
    parts = sorted((f for f in folder.iterdir() if f.name.endswith(".js")), key=lambda f: f.name)
    body = "".join(f"// -- {f.name}\n{f.read_text(encoding='utf-8')}\n" for f in parts)
    return f'(function () {{\n"use strict";\n\n{body}}})();\n'


@lru_cache(maxsize=1)
def inline_assets() -> dict[str, str]:
    """Return the page's inline assets: Leaflet JS and CSS (images as data URIs), jmgeo's JS and CSS.

    Raises
    ------
    RuntimeError
        If an asset contains a sequence that would end its ``<script>``/``<style>`` element.
    """
    leaflet_js = _read_asset(_LEAFLET_PACKAGE, f"{_LEAFLET_DIR}/leaflet.js").decode("utf-8")
    leaflet_css = _read_asset(_LEAFLET_PACKAGE, f"{_LEAFLET_DIR}/leaflet.css").decode("utf-8")

    def data_uri(match: re.Match) -> str:
        png = _read_asset(_LEAFLET_PACKAGE, f"{_LEAFLET_DIR}/{match.group(1)}")
        return "url(data:image/png;base64," + base64.b64encode(png).decode("ascii") + ")"

    leaflet_css = re.sub(r"url\((images/[\w.-]+\.png)\)", data_uri, leaflet_css)
    assets = {
        "leaflet_js": leaflet_js,
        "leaflet_css": leaflet_css,
        "atlas_js": _atlas_script(),
        "atlas_css": _read_asset("jmgeo", "static/atlas.css").decode("utf-8"),
    }
    for name, text in assets.items():
        closing = "</script" if name.endswith("_js") else "</style"
        if closing in text.lower():
            raise RuntimeError(f"asset {name} contains {closing!r} and cannot be inlined")
    return assets


def _delta_ints(coords: np.ndarray, decimals: int) -> list[int]:
    q = np.round(np.asarray(coords, dtype=float)[:, :2] * 10**decimals).astype(np.int64)
    q[1:] -= q[:-1].copy()
    return q.ravel().tolist()


def encode_geometry(geom, decimals: int = 5) -> dict | None:
    """Encode a WGS84 geometry compactly for the page: quantised, delta-encoded integers.

    The result is GeoJSON's geometry object with ``coordinates`` replaced by ``delta``:
    the same nesting, except that each position list (a line, a ring, a MultiPoint's
    points) is one flat list ``[x0, y0, dx1, dy1, ...]`` of integers in units of
    ``10**-decimals`` degrees (longitude, latitude), each position stored as the
    difference from the previous one; a Point is ``[x, y]``. At 5 decimals (about 1 m)
    most steps need 2-4 digits instead of 8-9, about a third of GeoJSON's size.
    ``decodeGeometry`` in ``static/atlas.js`` turns it back into GeoJSON.

    Examples
    --------
    >>> from shapely.geometry import LineString
    >>> encode_geometry(LineString([(113.08, 22.58), (113.0801, 22.5799)]))
    {'type': 'LineString', 'delta': [11308000, 2258000, 10, -10]}
    """
    if geom is None or geom.is_empty:
        return None
    kind = geom.geom_type
    if kind in ("Point", "LineString", "MultiPoint"):
        return {"type": kind, "delta": _delta_ints(shapely.get_coordinates(geom), decimals)}
    if kind == "Polygon":
        return {"type": kind, "delta": [_delta_ints(shapely.get_coordinates(r), decimals) for r in (geom.exterior, *geom.interiors)]}
    if kind == "MultiLineString":
        return {"type": kind, "delta": [_delta_ints(shapely.get_coordinates(g), decimals) for g in geom.geoms]}
    if kind == "MultiPolygon":
        return {"type": kind, "delta": [encode_geometry(g, decimals)["delta"] for g in geom.geoms]}
    if kind == "GeometryCollection":
        return {"type": kind, "geometries": [encode_geometry(g, decimals) for g in geom.geoms]}
    raise ValueError(f"cannot encode geometry type {kind}")


_FEATURE_PROPS = (
    "id",
    "name_zh",
    "name_en",
    "kind",
    "precision",
    "uncertainty_m",
    "position_source",
    "position_url",
    "position_method",
    "position_datum",
    "note",
    "fact_ids",
    "area_km2",
    "area_km2_documented",
    "area_note_zh",
    "area_note_en",
)


def _feature_collection(frame: gpd.GeoDataFrame, district_names: dict[str, str], decimals: int, geometries=None, overviews=None) -> dict:
    features = []
    if geometries is None:
        geometries = frame.geometry
    for i, ((_, row), geometry) in enumerate(zip(frame.iterrows(), geometries)):
        props = {k: json_value(row[k]) for k in _FEATURE_PROPS if k in frame.columns}
        district = row.get("district") if "district" in frame.columns else None
        touched = row.get("districts") if "districts" in frame.columns else None
        if isinstance(touched, list) and len(touched) > 1:
            props["district_label"] = ", ".join(district_names.get(d, d) for d in touched)
        elif isinstance(district, str):
            props["district_label"] = district_names.get(district, district)
        elif "district" in frame.columns:
            props["district_label"] = None
            props["outside"] = True
        feature = {"type": "Feature", "properties": props, "geometry": encode_geometry(geometry, decimals)}
        if overviews is not None and overviews[i] is not None:
            feature["overview"] = encode_geometry(overviews[i], decimals)  # a foreign member, drawn when zoomed out
        features.append(feature)
    return {"type": "FeatureCollection", "features": features}


#: The page also carries the city and district outlines (and the other areas' polygons)
#: simplified to within this many metres, and draws them as they are (Leaflet's own
#: on-screen simplification off) at the zooms where that is at most one screen pixel (zoom
#: 9 and out over Jiangmen, at ~282 m a pixel): at the city-wide view Leaflet handles every
#: vertex it is given, and this coverage has ~23 % of the vertices of the 30 m one.
OVERVIEW_MAX_ERROR_M = 280.0

#: Metres per CSS pixel of a Web Mercator map at zoom 0 on the equator (256-pixel tiles).
_EQUATOR_M_PER_PX = 2 * np.pi * 6378137 / 256


def overview_max_zoom(error_m: float, max_lat: float) -> int:
    """The largest zoom at which ``error_m`` metres is at most one screen pixel at ``max_lat``.

    A pixel covers fewer metres further from the equator, so the northern edge of the map
    (``max_lat``, degrees) is where an error is largest in pixels.

    Examples
    --------
    >>> overview_max_zoom(280, 22.85)
    9
    >>> overview_max_zoom(30, 22.85)
    12
    """
    m_per_px_z0 = _EQUATOR_M_PER_PX * np.cos(np.radians(max_lat))
    return int(np.floor(np.log2(m_per_px_z0 / error_m)))


#: Point layers with more features than this go to the page as one compact array of
#: positions and are drawn on a canvas (see the README's performance section); smaller
#: ones as one SVG circle per feature, which keeps every feature a DOM element with a
#: hover tooltip. Chosen by measurement (bench/results/20261122T030937Z.json): the two
#: modes drew 100 points in the same time, and the canvas was faster from 300 points on.
CANVAS_MIN_FEATURES = 200


@dataclass
class ExtraLayer:
    """A GeoDataFrame to draw on the atlas map as one more toggleable layer.

    Parameters
    ----------
    id : str
        Layer id (snake_case, not one of the registry's layers).
    frame : GeoDataFrame
        The features, in any CRS (converted to WGS84). Columns named like the atlas's
        (``id``, ``name_zh``, ``name_en``, ``kind``, ``note`` ...) show in tooltips and popups.
    title_zh, title_en : str
        Names in the layer control and the legend.
    color : str
        CSS colour of the features.
    """

    id: str
    frame: gpd.GeoDataFrame
    title_zh: str
    title_en: str = ""
    color: str = "#c2255c"


def point_layer(frame: gpd.GeoDataFrame, layer_id: str, decimals: int = 5) -> dict:
    """Return the page data of a point layer of any size: positions as one compact array.

    Positions are quantised to ``10**-decimals`` degrees and delta-encoded in one flat
    list ``[x0, y0, dx1, dy1, ...]``; properties are stored by column (lists of equal
    length). This is how :func:`make_map` sends point layers of more than
    :data:`CANVAS_MIN_FEATURES` features; ``static/atlas.js`` draws them on a canvas.
    ``frame`` must be in WGS84 with only Point geometries. Features without an ``id``
    column get ``<layer_id>-<row number>``.
    """
    geoms = np.asarray(frame.geometry.values)
    bad = np.flatnonzero((shapely.get_type_id(geoms) != 0) | shapely.is_empty(geoms))
    if len(bad):
        raise ValueError(f"layer {layer_id!r}: feature {bad[0]} is not a point ({len(bad)} such features)")
    props = {}
    for col in _FEATURE_PROPS:
        if col in frame.columns:
            values = frame[col].to_numpy(dtype=object).tolist()
            props[col] = [v if type(v) is str else json_value(v) for v in values]
    if "id" not in props:
        props["id"] = [f"{layer_id}-{i}" for i in range(len(frame))]
    return {"render": "canvas", "count": len(frame), "points": _delta_ints(shapely.get_coordinates(geoms), decimals), "properties": props}


def _city_is_union(city: gpd.GeoDataFrame, districts: gpd.GeoDataFrame) -> bool:
    """Whether the city is one polygon, the union of the districts (same area and extent)."""
    if len(city) != 1:
        return False
    # Cheap test for "the city is the union of the districts" (a coverage: no overlaps).
    whole = city.geometry.iloc[0]
    total = float(shapely.area(np.asarray(districts.geometry)).sum())
    return abs(whole.area - total) <= 1e-6 * total and bool(np.allclose(whole.bounds, districts.total_bounds))


def _fact_payload(facts: pd.DataFrame) -> dict[str, dict]:
    out = {}
    for rec in facts.to_dict(orient="records"):
        out[rec["id"]] = {
            k: json_value(rec[k])
            for k in (
                "id", "doc", "quote", "claim_en", "number_text", "value", "unit", "qualifier", "year", "conflicts_with",
                "unplaced_subject",
            )
        }
    return out


def _choropleth(spec: dict, layers: dict[str, gpd.GeoDataFrame], facts: pd.DataFrame) -> dict:
    """Count, per district, the numeric facts about the district itself or about places in it."""
    districts = layers["districts"]
    place_district = {}
    for name, frame in layers.items():
        if "district" in frame.columns:
            place_district.update({fid: d for fid, d in zip(frame["id"], frame["district"]) if isinstance(d, str)})
    counts = {d: 0 for d in districts["id"]}
    numeric = facts[facts["value"].notna()]
    for feature_ids in numeric["feature_ids"]:
        touched = {f for f in feature_ids if f in counts} | {place_district[f] for f in feature_ids if f in place_district}
        for d in touched:
            counts[d] += 1
    colors = spec["colors"]
    values = np.array(sorted(counts.values()), dtype=float)
    # class breaks at quantiles of the seven values (upper bounds, rounded up to whole counts)
    breaks = sorted({int(np.ceil(np.quantile(values, q))) for q in np.linspace(0, 1, len(colors) + 1)[1:]})
    return {
        "layer": spec["layer"],
        "values": counts,
        "breaks": breaks,
        "colors": colors[-len(breaks):] if len(breaks) < len(colors) else colors,
        **{k: spec[k] for k in ("title_zh", "title_en", "note_zh", "note_en") if k in spec},
    }


def _basemaps(geodata_dir, default: str | None) -> dict:
    from .pages import resolve_basemaps

    bases = resolve_basemaps(geodata_dir)
    if default is not None:
        ids = [b["id"] for b in bases["basemaps"]]
        if default not in ids:
            raise ValueError(f"unknown basemap {default!r}; basemaps are {', '.join(ids)}")
        bases["default"] = default
    return bases


def _kept(cache: dict | None, key: tuple, make):
    """``make()``, kept in ``cache`` under ``key`` for the next page (see ``make_map(cache=...)``)."""
    if cache is None:
        return make()
    if key not in cache:
        cache[key] = make()
    return cache[key]


def _page_outlines(layers: dict, max_error_m: float, overview_error_m: float | None, decimals: int) -> tuple[dict, dict, dict]:
    """The simplified outlines a page draws, per layer and level, and what the page says of them.

    Returns ``(detailed, overview, boundary)``: the districts of the ``max_error_m``
    coverage (and the city as their union, if it is), the same of the coarser
    ``overview_error_m`` coverage (empty if there is none) with every other area layer's
    polygons simplified one by one to the same bound (None for one drawn as it is), and
    the page's ``boundary_simplification`` entry.
    """
    from .simplify import simplify_coverage, simplify_each

    city_is_union = "city" in layers and _city_is_union(layers["city"], layers["districts"])

    def outlines(coverage) -> dict:
        """The districts of one simplified coverage, and the city as their union if it is."""
        drawn = {"districts": coverage.geometries}
        if city_is_union:
            drawn["city"] = [shapely.coverage_union_all(coverage.geometries)]
        return drawn

    simplified = simplify_coverage(layers["districts"].geometry, max_error_m, decimals)
    detailed, overview = outlines(simplified), {}
    boundary = {"max_error_m": max_error_m, "measured_error_m": round(simplified.error_m, 1)}
    if overview_error_m and overview_error_m > max_error_m:
        coarse = simplify_coverage(layers["districts"].geometry, overview_error_m, decimals)
        if coarse.tolerance_m > 0:  # 0: no tolerance kept the coverage sound, nothing to gain
            overview = outlines(coarse)
            # The other areas (the parks' schematic outlines, 65 vertices each) are drawn at
            # the same zooms within the same bound: Leaflet handles every vertex it is given
            # (adding the parks' layer took 11-12 ms at the start, 4-6 ms with their coarse
            # outlines; performance marks, 12 loads).
            areas_error = 0.0
            for layer_id, frame in layers.items():
                if layer_id not in ("city", "districts") and layer_kind(frame) == "area":
                    each = simplify_each(frame.geometry, overview_error_m, decimals)
                    if any(g is not None for g in each.geometries):
                        overview[layer_id] = each.geometries
                        areas_error = max(areas_error, each.error_m)
            boundary["overview"] = {
                "max_error_m": overview_error_m,
                "measured_error_m": round(coarse.error_m, 1),
                "areas_measured_error_m": round(areas_error, 1),
                "max_zoom": overview_max_zoom(max(coarse.error_m, areas_error), float(layers["city"].total_bounds[3])),
            }
    return detailed, overview, boundary


def _story_payload(story: dict) -> dict:
    return {k: story[k] for k in ("title_zh", "title_en", "chapters")}


def make_map(
    layers: dict[str, gpd.GeoDataFrame] | None = None,
    facts: pd.DataFrame | None = None,
    *,
    page: str = "jiangmen",
    basemap: str | None = None,
    geodata_dir=None,
    decimals: int = 5,
    height: str = "100%",
    max_error_m: float | None = DEFAULT_MAX_ERROR_M,
    overview_error_m: float | None = OVERVIEW_MAX_ERROR_M,
    extra_layers: list[ExtraLayer] | None = None,
    cache: dict | None = None,
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
        (``"osm"`` by default; ``"none"`` for vector layers only, no tile requests). A reader
        can switch in the page.
    decimals : int
        Decimal places kept for coordinates sent to the page (5 is about 1 m). Exports
        keep full precision.
    height : str
        CSS height of the map (``"100%"`` for a full page, e.g. ``"600px"`` in a notebook).
    max_error_m : float or None
        The page draws the district boundaries simplified as one coverage (shared borders
        once, no gaps or overlaps) to within this many metres (measured Hausdorff
        distance, see :func:`jmgeo.simplify.simplify_coverage`), and the city outline as
        the union of the simplified districts. None sends the full resolution. Exports
        always keep the full resolution.
    overview_error_m : float or None
        A second, coarser simplification of the same coverage (within this many metres),
        and of the polygons of the other area layers (each on its own, to the same bound),
        drawn as it is at the zooms where its error is at most one screen pixel
        (:func:`overview_max_zoom`; zoom 9 and out for the default 280 m) and swapped for
        the ``max_error_m`` one (the others: their own geometry) when the reader zooms in.
        None sends one level only.
    extra_layers : list of ExtraLayer, optional
        More layers to draw, e.g. your own points. A point layer with more than
        :data:`CANVAS_MIN_FEATURES` features is sent as one compact array and drawn on a
        canvas (100,000 points build in about a second and draw in under two).
    cache : dict, optional
        Pass one empty dict to every call that uses the same ``layers`` and ``facts`` (as
        ``jmgeo build`` does for its six pages): what does not depend on the page (the
        simplified outlines, each layer's encoded features, the facts, the search entries)
        is then made once and kept in it. Do not reuse it for other layers or facts.

    Returns
    -------
    folium.Map
        Save it with :func:`jmgeo.export.write_map`, or display it in Jupyter. The page
        works offline (Leaflet is inside it); base-map tiles are the only network requests.
        Its address may carry ``#lang=en``, ``#basemap=amap``, ``#chapter=2`` (story).
    """
    from .facts import load_facts
    from .layers import load_layers
    from .pages import load_pages, load_story
    from .search import build_search_index
    from .twin import skip_link_html, text_twin_html

    if layers is None:
        layers = load_layers(geodata_dir)
    if facts is None:
        facts = load_facts(geodata_dir, validate=False)
    registry = load_registry(geodata_dir)
    pages = load_pages(geodata_dir)
    spec = next((p for p in pages if p.id == page), None)
    if spec is None:
        raise ValueError(f"unknown page {page!r}; pages are {', '.join(p.id for p in pages)}")
    shown = {name: layers[name] for name in spec.layers if name in layers}
    city = layers["city"]
    minx, miny, maxx, maxy = city.total_bounds
    figure = Figure(title=page_text(f"{spec.title_zh} {spec.title_en}"))  # branca inserts it as HTML
    fmap = folium.Map(
        location=[(miny + maxy) / 2, (minx + maxx) / 2],
        zoom_start=9,
        tiles=None,
        control_scale=True,
        height=height,
    )
    figure.add_child(fmap)
    # The page carries its own Leaflet: drop folium's CDN links and inline the assets.
    fmap.default_js = []
    fmap.default_css = []
    assets = inline_assets()
    header = figure.header
    header.add_child(_RawElement(f"<style>{assets['leaflet_css']}</style>"), name="leaflet_css")
    header.add_child(_RawElement(f"<style>{assets['atlas_css']}</style>"), name="jmgeo_css")
    header.add_child(_RawElement(f"<script>{assets['leaflet_js']}</script>"), name="leaflet")
    header.add_child(_RawElement(f"<script>{assets['atlas_js']}</script>"), name="jmgeo_js")

    district_names = {}
    if "districts" in layers:
        district_names = {r.id: f"{r.name_zh} {r.name_en}" for r in layers["districts"].itertuples()}
    page_geometries, page_overviews, boundary = {}, {}, None
    if max_error_m and "districts" in layers:
        outline_key = ("outlines", decimals, max_error_m, overview_error_m)
        page_geometries, page_overviews, boundary = _kept(
            cache, outline_key, lambda: _page_outlines(layers, max_error_m, overview_error_m, decimals)
        )
    entries = [(layer.id, shown[layer.id], layer.title_zh, layer.title_en, layer.color, layer.shown) for layer in registry.layers if layer.id in shown]
    for extra in extra_layers or []:
        if any(extra.id == e[0] for e in entries):
            raise ValueError(f"extra layer id {extra.id!r} is already a layer of the map")
        if extra.frame.crs is None:
            raise ValueError(f"extra layer {extra.id!r} has no CRS; set one (e.g. frame.set_crs(4326))")
        entries.append((extra.id, extra.frame.to_crs(4326), extra.title_zh, extra.title_en, extra.color, True))
    payload_layers = []
    groups = []
    for layer_id, frame, title_zh, title_en, color, on in entries:
        group = folium.FeatureGroup(name=page_text(f"{title_zh} {title_en}".strip()), show=on, control=False)
        group.add_to(fmap)
        groups.append((layer_id, group))
        entry = {"id": layer_id, "title_zh": title_zh, "title_en": title_en, "color": color, "kind": layer_kind(frame)}
        if entry["kind"] == "point" and len(frame) > CANVAS_MIN_FEATURES and geometry_types(frame) == {"Point"}:
            entry.update(point_layer(frame, layer_id, decimals))
        else:
            def features(frame=frame, layer_id=layer_id):
                return _feature_collection(frame, district_names, decimals, page_geometries.get(layer_id), page_overviews.get(layer_id))

            if layer_id in shown:  # the same on every page; extra layers are not kept
                entry["features"] = _kept(cache, ("features", layer_id, decimals, max_error_m, overview_error_m), features)
            else:
                entry["features"] = features()
        payload_layers.append(entry)
    city_row = city.iloc[0]
    payload = {
        "page": {
            "id": spec.id,
            "title_zh": spec.title_zh,
            "title_en": spec.title_en,
            "nav": [{"id": p.id, "file": p.file, "title_zh": p.title_zh, "title_en": p.title_en} for p in pages],
        },
        "layers": payload_layers,
        "facts": _kept(cache, ("facts",), lambda: _fact_payload(facts)),
        "precision_styles": registry.precision_styles,
        "labels": labels(),
        "basemaps": _basemaps(geodata_dir, basemap),
        "search": [e for name in shown for e in _kept(cache, ("search", name), lambda name=name: build_search_index({name: shown[name]}))],
        "coordinate_scale": 10**decimals,
        "boundary_simplification": boundary,
        "city": {k: json_value(city_row.get(k)) for k in ("id", "name_zh", "name_en", "fact_ids", "area_km2", "area_km2_documented", "area_note_zh", "area_note_en")},
    }
    if spec.choropleth:
        payload["choropleth"] = _choropleth(spec.choropleth, layers, facts)
    if spec.story:
        payload["story"] = _story_payload(load_story(spec.story, geodata_dir))
    # The page script fits the map to these bounds, without animation, before it draws the
    # layers: folium's fit_bounds ran after them, which projected every layer twice and
    # animated a zoom (measured: ~40 % of the page's start-up script).
    payload["bounds"] = [[miny, minx], [maxy, maxx]]
    figure.html.add_child(_RawElement(skip_link_html()), name="jmgeo_skip", index=0)
    figure.html.add_child(
        _RawElement(f'<script type="application/json" id="jmgeo-data">{page_json(payload)}</script>'),
        name="jmgeo_data",
    )
    fmap.add_child(_AtlasInit(groups, text_twin_html((spec.title_zh, spec.title_en))))
    _number_elements(figure)
    return fmap


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
    return fmap.get_root().render()
