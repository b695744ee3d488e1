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

__all__ = ["LABELS", "inline_assets", "make_map", "map_html"]

#: Interface text, Chinese first with English alongside.
LABELS = {
    "legend": "图例 Legend",
    "legend_en": "Legend",
    "precision_heading": "位置精度 Position precision",
    "legend_note": "虚线与空心符号表示近似或示意位置，不是测量位置。Dashed and hollow symbols are approximate or schematic positions, not surveys.",
    "layer": "图层 Layer",
    "kind": "类型 Kind",
    "area": "计算面积 Computed area",
    "area_documented": "文中陆地面积 Documented land area",
    "area_note": "面积说明 Area note",
    "district": "所在区县 District",
    "precision": "精度 Precision",
    "position_source": "位置来源 Position source",
    "position_method": "定位方法 Method",
    "datum": "坐标基准 Datum",
    "note": "备注 Note",
    "open_source": "打开位置来源 Open position source",
    "facts": "文中事实 Facts",
    "no_facts": "文中没有关于此地的数字事实。No numeric facts about this place in the documents.",
    "source": "来源 Source",
    "year": "年份 Year",
    "conflict": "与其他报道不一致 Conflicts with",
    "unplaced": "关于未能定位的地点 About a place not on the map",
    "also_here": "同一位置 Also at this position",
    "city_facts": "江门全市事实 City facts",
    "city_facts_en": "City facts",
    "title": "江门城市图集 Jiangmen atlas",
}

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

    def __init__(self, groups: list[tuple[str, folium.FeatureGroup]]):
        super().__init__()
        self._name = "JmgeoAtlas"
        self.groups = groups


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
            props["district_label"] = "江门市外 outside Jiangmen"
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


def make_map(
    layers: dict[str, gpd.GeoDataFrame] | None = None,
    facts: pd.DataFrame | None = None,
    *,
    geodata_dir=None,
    tiles: str | None = "OpenStreetMap",
    decimals: int = 5,
    height: str = "100%",
) -> folium.Map:
    """Build the atlas as a ``folium.Map``: one toggleable layer per theme, legend, popups with facts.

    Parameters
    ----------
    layers : dict of GeoDataFrame, optional
        Layers as returned by :func:`jmgeo.load_layers` (loaded if omitted).
    facts : DataFrame, optional
        The fact table from :func:`jmgeo.load_facts` (loaded if omitted).
    tiles : str or None
        A folium tile name for the base map, or None for vector layers only. Tiles need a
        network; without one the map stays readable on its plain background.
    decimals : int
        Decimal places kept for coordinates sent to the page (5 is about 1 m). Exports
        keep full precision.
    height : str
        CSS height of the map (``"100%"`` for a full page, e.g. ``"600px"`` in a notebook).

    Returns
    -------
    folium.Map
        Save it with :func:`jmgeo.export.write_map`, or display it in Jupyter.
    """
    from .facts import load_facts
    from .layers import load_layers

    if layers is None:
        layers = load_layers(geodata_dir)
    if facts is None:
        facts = load_facts(geodata_dir, validate=False)
    registry = load_registry(geodata_dir)
    city = layers["city"]
    minx, miny, maxx, maxy = city.total_bounds
    figure = Figure(title=LABELS["title"])
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
    if tiles:
        folium.TileLayer(tiles, name=page_text(tiles), overlay=False, control=True).add_to(fmap)

    district_names = {}
    if "districts" in layers:
        district_names = {r.id: f"{r.name_zh} {r.name_en}" for r in layers["districts"].itertuples()}
    payload_layers = []
    groups = []
    for spec in registry.layers:
        if spec.id not in layers:
            continue
        frame = layers[spec.id]
        group = folium.FeatureGroup(name=page_text(f"{spec.title_zh} {spec.title_en}"), show=spec.shown)
        group.add_to(fmap)
        groups.append((spec.id, group))
        payload_layers.append(
            {
                "id": spec.id,
                "title_zh": spec.title_zh,
                "title_en": spec.title_en,
                "color": spec.color,
                "kind": _layer_kind(frame),
                "features": _feature_collection(frame, district_names, decimals),
            }
        )
    city_row = city.iloc[0]
    payload = {
        "layers": payload_layers,
        "facts": _fact_payload(facts),
        "precision_styles": registry.precision_styles,
        "labels": LABELS,
        "city": {k: json_value(city_row.get(k)) for k in ("id", "name_zh", "name_en", "fact_ids", "area_km2", "area_km2_documented", "area_note_zh", "area_note_en")},
    }
    figure.html.add_child(
        _RawElement(f'<script type="application/json" id="jmgeo-data">{page_json(payload)}</script>'),
        name="jmgeo_data",
    )
    folium.LayerControl(collapsed=False, position="topleft").add_to(fmap)
    fmap.add_child(_AtlasInit(groups))
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
