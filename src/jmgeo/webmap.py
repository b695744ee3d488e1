"""The interactive atlas page: folium assembly with Leaflet inlined and safe text.

:func:`make_map` returns a ``folium.Map`` (it displays inline in Jupyter) whose page
carries its own Leaflet (from the ``django-js-lib-leaflet`` package, the Leaflet 1.9.4
dist files), so it renders with no network at all. Every layer is a folium
``FeatureGroup`` listed in the layer control; the features, their facts and all
document text travel in one JSON block written by :func:`jmgeo.safe.page_json` and
are drawn by the page script ``static/atlas.js`` with ``textContent`` only.
"""

from __future__ import annotations

import base64
import re
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
from .registry import load_registry
from .safe import page_json, page_text

__all__ = ["inline_assets", "labels", "make_map", "map_html"]



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
        "atlas_js": _read_asset("jmgeo", "static/atlas.js").decode("utf-8"),
        "atlas_css": _read_asset("jmgeo", "static/atlas.css").decode("utf-8"),
    }
    for name, text in assets.items():
        closing = "</script" if name.endswith("_js") else "</style"
        if closing in text.lower():
            raise RuntimeError(f"asset {name} contains {closing!r} and cannot be inlined")
    return assets


def _round_geometry(geom, decimals: int):
    return shapely.transform(geom, lambda c: np.round(c, decimals))


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


def _layer_kind(frame: gpd.GeoDataFrame) -> str:
    types = set(frame.geom_type)
    if types <= {"Point", "MultiPoint"}:
        return "point"
    if types <= {"LineString", "MultiLineString"}:
        return "line"
    return "area"


def _feature_collection(frame: gpd.GeoDataFrame, district_names: dict[str, str], decimals: int) -> dict:
    features = []
    for _, row in frame.iterrows():
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
        geom = _round_geometry(row.geometry, decimals)
        features.append({"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(geom)})
    return {"type": "FeatureCollection", "features": features}


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


def _story_payload(story: dict) -> dict:
    return {k: story[k] for k in ("title_zh", "title_en", "chapters")}


def make_map(
    layers: dict[str, gpd.GeoDataFrame] | None = None,
    facts: pd.DataFrame | None = None,
    *,
    page: str = "jiangmen",
    geodata_dir=None,
    decimals: int = 5,
    height: str = "100%",
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
    decimals : int
        Decimal places kept for coordinates sent to the page (5 is about 1 m). Exports
        keep full precision.
    height : str
        CSS height of the map (``"100%"`` for a full page, e.g. ``"600px"`` in a notebook).

    Returns
    -------
    folium.Map
        Save it with :func:`jmgeo.export.write_map`, or display it in Jupyter. The page
        works offline (Leaflet is inside it); base-map tiles are the only network requests.
        Its address may carry ``#lang=en``, ``#basemap=amap``, ``#chapter=2`` (story).
    """
    from .facts import load_facts
    from .layers import load_layers
    from .pages import load_pages, load_story, resolve_basemaps
    from .search import build_search_index
    from .twin import bilingual, text_twin_html

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
    figure = Figure(title=f"{spec.title_zh} {spec.title_en}")
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
    payload_layers = []
    groups = []
    for layer in registry.layers:
        if layer.id not in shown:
            continue
        frame = shown[layer.id]
        group = folium.FeatureGroup(name=page_text(f"{layer.title_zh} {layer.title_en}"), show=layer.shown, control=False)
        group.add_to(fmap)
        groups.append((layer.id, group))
        payload_layers.append(
            {
                "id": layer.id,
                "title_zh": layer.title_zh,
                "title_en": layer.title_en,
                "color": layer.color,
                "kind": _layer_kind(frame),
                "features": _feature_collection(frame, district_names, decimals),
            }
        )
    city_row = city.iloc[0]
    payload = {
        "page": {
            "id": spec.id,
            "title_zh": spec.title_zh,
            "title_en": spec.title_en,
            "nav": [{"id": p.id, "file": p.file, "title_zh": p.title_zh, "title_en": p.title_en} for p in pages],
        },
        "layers": payload_layers,
        "facts": _fact_payload(facts),
        "precision_styles": registry.precision_styles,
        "labels": labels(),
        "basemaps": resolve_basemaps(geodata_dir),
        "search": build_search_index(shown),
        "city": {k: json_value(city_row.get(k)) for k in ("id", "name_zh", "name_en", "fact_ids", "area_km2", "area_km2_documented", "area_note_zh", "area_note_en")},
    }
    if spec.choropleth:
        payload["choropleth"] = _choropleth(spec.choropleth, layers, facts)
    if spec.story:
        payload["story"] = _story_payload(load_story(spec.story, geodata_dir))
    skip = f'<a class="jmgeo-skip" href="#jmgeo-text">{bilingual("跳至文字版", "Skip to the text version")}</a>'
    figure.html.add_child(_RawElement(skip), name="jmgeo_skip", index=0)
    figure.html.add_child(
        _RawElement(f'<script type="application/json" id="jmgeo-data">{page_json(payload)}</script>'),
        name="jmgeo_data",
    )
    titles = {layer.id: (layer.title_zh, layer.title_en) for layer in registry.layers}
    twin = text_twin_html(shown, facts, titles, (spec.title_zh, spec.title_en))
    fmap.add_child(_AtlasInit(groups, twin))
    fmap.fit_bounds([[miny, minx], [maxy, maxx]])
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
