"""The page's data block: each layer's features encoded compactly, the facts, outlines and choropleth.

Everything here is plain JSON-ready data; :mod:`jmgeo._webmap` puts it into the page as
one block that the page script draws. Geometry is quantised and delta-encoded
(:func:`encode_geometry`); the district outlines are simplified as one coverage
(:mod:`jmgeo._simplify`) at two levels, the coarser one drawn when zoomed out.
"""

from __future__ import annotations

import secrets

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.ops

from . import _crs as crs
from ._charts import series_chart_svg
from ._errors import ArgumentError
from ._layers import layer_kind
from ._simplify import simplify_coverage, simplify_each, simplify_with_tolerance
from ._values import json_value

__all__ = [
    "CANVAS_MIN_FEATURES",
    "point_columns",
    "point_stream",
    "stream_token",
    "CONTEXT_TOLERANCE_M",
    "OVERVIEW_MAX_ERROR_M",
    "chart_payload",
    "choropleth",
    "city_is_union",
    "document_payload",
    "encode_geometry",
    "fact_payload",
    "feature_collection",
    "overview_max_zoom",
    "page_outlines",
    "point_layer",
    "topic_payload",
]


def _quantise(coords: np.ndarray, decimals: int) -> np.ndarray:
    return np.round(np.asarray(coords, dtype=float)[:, :2] * 10**decimals).astype(np.int64)


def _delta_ints(coords: np.ndarray, decimals: int, before: np.ndarray | None = None) -> list[int]:
    """Quantised positions as steps; ``before``: the quantised position the first steps from (a chunk's last)."""
    q = _quantise(coords, decimals)
    q[1:] -= q[:-1].copy()
    if before is not None:
        q[0] -= before
    return q.ravel().tolist()


def encode_geometry(geom, decimals: int = 5) -> dict | None:
    """Encode a WGS84 geometry compactly for the page: quantised, delta-encoded integers.

    The result is GeoJSON's geometry object with ``coordinates`` replaced by ``delta``:
    the same nesting, except that each position list (a line, a ring, a MultiPoint's
    points) is one flat list ``[x0, y0, dx1, dy1, ...]`` of integers in units of
    ``10**-decimals`` degrees (longitude, latitude), each position stored as the
    difference from the previous one; a Point is ``[x, y]``. At 5 decimals (about 1 m)
    most steps need 2-4 digits instead of 8-9, about a third of GeoJSON's size.
    ``decodeGeometry`` in ``static/atlas/01-decode.js`` turns it back into GeoJSON.

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
        return {
            "type": kind,
            "delta": [_delta_ints(shapely.get_coordinates(r), decimals) for r in (geom.exterior, *geom.interiors)],
        }
    if kind == "MultiLineString":
        return {"type": kind, "delta": [_delta_ints(shapely.get_coordinates(g), decimals) for g in geom.geoms]}
    if kind == "MultiPolygon":
        return {"type": kind, "delta": [encode_geometry(g, decimals)["delta"] for g in geom.geoms]}
    if kind == "GeometryCollection":
        return {"type": kind, "geometries": [encode_geometry(g, decimals) for g in geom.geoms]}
    raise ArgumentError(f"cannot encode geometry type {kind}")


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


def label_point(geom) -> list[float] | None:
    """Where an area's name goes: the pole of inaccessibility of its largest part, ``[lon, lat]`` to 4 decimals.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> label_point(box(113.0, 22.0, 113.2, 22.2))
    [113.1, 22.1]
    """
    if geom is None or geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
        return None
    largest = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
    point = shapely.ops.polylabel(largest, tolerance=0.002)
    return [round(point.x, 4), round(point.y, 4)]


def feature_collection(
    frame: gpd.GeoDataFrame, district_names: dict[str, str], decimals: int, geometries=None, overviews=None
) -> dict:
    features = []
    if geometries is None:
        geometries = frame.geometry
    for i, ((_, row), geometry) in enumerate(zip(frame.iterrows(), geometries, strict=True)):
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
        at = label_point(row.geometry)
        if at is not None:
            props["label_at"] = at  # where the page puts the area's permanent label
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

#: The neighbouring cities (context land around the estuary) are sent simplified one by one
#: with this Douglas-Peucker tolerance, at every zoom (one level): they are a backdrop, and
#: the borders that matter are Jiangmen's own. Full resolution is ~37,000 vertices more per
#: page; the error measured is in the page's ``boundary_simplification.context``.
CONTEXT_TOLERANCE_M = 100.0


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
    return int(np.floor(crs.zoom_of(error_m, max_lat)))


#: Point layers with more features than this go to the page as one compact array of
#: positions and are drawn on a canvas (see docs/performance.md); smaller
#: ones as one SVG circle per feature, which keeps every feature a DOM element with a
#: hover tooltip. Chosen by measurement (bench/results/20261122T030937Z.json): the two
#: modes drew 100 points in the same time, and the canvas was faster from 300 points on.
CANVAS_MIN_FEATURES = 200


def point_layer(frame: gpd.GeoDataFrame, layer_id: str, decimals: int = 5) -> dict:
    """Return the page data of a point layer of any size: positions as one compact array.

    Positions are quantised to ``10**-decimals`` degrees and delta-encoded in one flat
    list ``[x0, y0, dx1, dy1, ...]``; properties are stored by column (lists of equal
    length). This is how :func:`make_map` sends point layers of more than
    :data:`CANVAS_MIN_FEATURES` features; the page script (``static/atlas/09-pointcloud.js``) draws them on a canvas.
    ``frame`` must be in WGS84 with only Point geometries. Features without an ``id``
    column get ``<layer_id>-<row number>``.
    """
    geoms = np.asarray(frame.geometry.values)
    bad = np.flatnonzero((shapely.get_type_id(geoms) != 0) | shapely.is_empty(geoms))
    if len(bad):
        raise ArgumentError(f"layer {layer_id!r}: feature {bad[0]} is not a point ({len(bad)} such features)")
    columns = {col: frame[col].to_numpy(dtype=object).tolist() for col in _FEATURE_PROPS if col in frame.columns}
    return point_columns(shapely.get_coordinates(geoms), columns, layer_id, decimals)


def point_columns(coords: np.ndarray, columns: dict, layer_id: str, decimals: int = 5) -> dict:
    """:func:`point_layer` from positions (an ``(n, 2)`` array, WGS84) and attribute columns (lists of n).

    Only the page's own properties (``id``, ``name_zh`` ...) are sent; this is how a point
    layer read from a file (:class:`jmgeo._user_layers.PointTable`) reaches the page without a
    shapely object a point.
    """
    props = {}
    for col in _FEATURE_PROPS:
        if col in columns:
            props[col] = [v if type(v) is str else json_value(v) for v in columns[col]]
    if "id" not in props:
        props["id"] = [f"{layer_id}-{i}" for i in range(len(coords))]
    return {"render": "canvas", "count": len(coords), "points": _delta_ints(coords, decimals), "properties": props}


def stream_token() -> str:
    """A placeholder string for an array streamed into a page as it is written (unguessable, so no text holds it)."""
    return f"jmgeo-stream-{secrets.token_hex(12)}"


def point_stream(table, layer_id: str, decimals: int = 5, chunk: int = 20_000) -> tuple[dict, dict]:
    """:func:`point_columns` of a :class:`jmgeo._user_layers.PointTable`, its arrays streamed, never held whole.

    Returns the layer's page data with a placeholder string for its positions and for each
    property column, and ``{placeholder: make}``, where ``make()`` yields the array's items in
    lists of at most ``chunk`` points (``_webmap`` splices them into the page as it writes it,
    through :func:`jmgeo._escape.page_json_items`). The page is byte for byte what
    ``page_json(point_columns(...))`` would give.
    """
    streams: dict[str, object] = {}

    def placeholder(make) -> str:
        token = stream_token()
        streams[token] = make
        return token

    def positions():  # one delta list across the chunks: each chunk's first step is from the last chunk's end
        before = None
        for start in range(0, len(table), chunk):
            coords = np.column_stack([table.lon[start : start + chunk], table.lat[start : start + chunk]])
            yield _delta_ints(coords, decimals, before)
            before = _quantise(coords[-1:], decimals)[0]

    def column(name: str):
        return lambda: (
            [v if type(v) is str else json_value(v) for v in part[name]] for _, part in table.chunks([name], chunk)
        )

    fields = table.fields()
    names = [c for c in _FEATURE_PROPS if c in fields] + ([] if "id" in fields else ["id"])
    props = {name: placeholder(column(name)) for name in names}
    entry = {"render": "canvas", "count": len(table), "points": placeholder(positions), "properties": props}
    return entry, streams


def city_is_union(city: gpd.GeoDataFrame, districts: gpd.GeoDataFrame) -> bool:
    """Whether the city is one polygon, the union of the districts (same area and extent)."""
    if len(city) != 1:
        return False
    # Cheap test for "the city is the union of the districts" (a coverage: no overlaps).
    whole = city.geometry.iloc[0]
    total = float(shapely.area(np.asarray(districts.geometry)).sum())
    return abs(whole.area - total) <= 1e-6 * total and bool(np.allclose(whole.bounds, districts.total_bounds))


def fact_payload(facts: pd.DataFrame, topics: dict[str, str] | None = None) -> dict[str, dict]:
    """The facts by id, with what a popup shows of each; ``topics`` maps a fact id to its topic id."""
    out = {}
    for rec in facts.to_dict(orient="records"):
        out[rec["id"]] = {
            k: json_value(rec[k])
            for k in (
                "id",
                "doc",
                "quote",
                "claim_en",
                "number_text",
                "value",
                "unit",
                "qualifier",
                "year",
                "conflicts_with",
                "unplaced_subject",
                "measure",
                "interpretation_of",
                "interpretation_zh",
                "interpretation_en",
            )
        }
        if topics:
            out[rec["id"]]["topic"] = topics.get(rec["id"])
        # stated / derived / document_date / decade / unknown: the page marks inferred years
        out[rec["id"]]["year_basis"] = json_value(rec.get("year_basis"))
    return out


def chart_payload(series: list[dict], documents: list[dict]) -> list[dict]:
    """The charts of the facts' series: each series' id, topic, points and its SVG in both languages."""
    titles = {d["file"]: d for d in documents}
    return [
        {
            "id": s["id"],
            "topic": s["topic"],
            "fact_ids": [p["fact_id"] for p in s["points"]],
            "svg_zh": series_chart_svg(s, "zh", titles),
            "svg_en": series_chart_svg(s, "en", titles),
        }
        for s in series
    ]


def topic_payload(topics: dict | None) -> list[dict]:
    """The topics the city's facts are grouped by, in order, the catch-all last: id and titles."""
    if not topics:
        return []
    return [{k: t[k] for k in ("id", "title_zh", "title_en")} for t in [*topics["topics"], topics["other"]]]


def document_payload(documents: list[dict]) -> dict[str, dict]:
    """The source documents by file name: their Chinese title and date (``published``, else the year)."""
    return {
        d["file"]: {
            "title_zh": d.get("title_zh"),
            "published": str(d.get("published") or d.get("published_year") or ""),
        }
        for d in documents
    }


def choropleth(spec: dict, layers: dict[str, gpd.GeoDataFrame], facts: pd.DataFrame) -> dict:
    """Count, per district (the features of ``spec["layer"]``), the numeric facts about it or about places in it."""
    districts = layers[spec["layer"]]
    place_district = {}
    for frame in layers.values():
        if "district" in frame.columns:
            pairs = zip(frame["id"], frame["district"], strict=True)
            place_district.update({fid: d for fid, d in pairs if isinstance(d, str)})
    counts = {d: 0 for d in districts["id"]}
    numeric = facts[facts["value"].notna()]
    for feature_ids in numeric["feature_ids"]:
        touched = {f for f in feature_ids if f in counts} | {
            place_district[f] for f in feature_ids if f in place_district
        }
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
        "colors": colors[-len(breaks) :] if len(breaks) < len(colors) else colors,
        **{k: spec[k] for k in ("title_zh", "title_en", "note_zh", "note_en") if k in spec},
    }


def page_outlines(
    layers: dict,
    roles: tuple[str, str],
    max_error_m: float,
    overview_error_m: float | None,
    decimals: int,
    context: tuple[str, ...] = (),
) -> tuple[dict, dict, dict]:
    """The simplified outlines a page draws, per layer and level, and what the page says of them.

    Returns ``(detailed, overview, boundary)``: the districts of the ``max_error_m``
    coverage (and the city as their union, if it is), the same of the coarser
    ``overview_error_m`` coverage (empty if there is none) with every other area layer's
    polygons simplified one by one to the same bound (None for one drawn as it is), and
    the page's ``boundary_simplification`` entry. ``roles`` names the city's and the
    districts' layers; the area layers among ``context`` (the neighbouring cities) are
    simplified one by one with :data:`CONTEXT_TOLERANCE_M`, one level for every zoom.
    """
    city, districts = roles
    union = city in layers and city_is_union(layers[city], layers[districts])

    def outlines(coverage) -> dict:
        """The districts of one simplified coverage, and the city as their union if it is."""
        drawn = {districts: coverage.geometries}
        if union:
            drawn[city] = [shapely.coverage_union_all(coverage.geometries)]
        return drawn

    simplified = simplify_coverage(layers[districts].geometry, max_error_m, decimals)
    detailed, overview = outlines(simplified), {}
    boundary = {"max_error_m": max_error_m, "measured_error_m": round(simplified.error_m, 1)}
    context_ids = [c for c in context if c in layers and layer_kind(layers[c]) == "area"]
    for layer_id in context_ids:
        each = simplify_with_tolerance(layers[layer_id].geometry, CONTEXT_TOLERANCE_M, decimals)
        detailed[layer_id] = list(each.geometries)
        # the largest error over the context layers (each layer used to overwrite the one before)
        error = max(each.error_m, boundary.get("context", {}).get("measured_error_m", 0.0))
        boundary["context"] = {"tolerance_m": CONTEXT_TOLERANCE_M, "measured_error_m": round(error, 1)}
    if overview_error_m and overview_error_m > max_error_m:
        coarse = simplify_coverage(layers[districts].geometry, overview_error_m, decimals)
        if coarse.tolerance_m > 0:  # 0: no tolerance kept the coverage sound, nothing to gain
            overview = outlines(coarse)
            # The other areas (e.g. the parks' schematic outlines) are drawn at the same zooms
            # within the same bound: Leaflet draws every vertex it is given (docs/performance.md).
            areas_error = 0.0
            for layer_id, frame in layers.items():
                if layer_id not in roles and layer_id not in context_ids and layer_kind(frame) == "area":
                    each = simplify_each(frame.geometry, overview_error_m, decimals)
                    if any(g is not None for g in each.geometries):
                        overview[layer_id] = each.geometries
                        areas_error = max(areas_error, each.error_m)
            boundary["overview"] = {
                "max_error_m": overview_error_m,
                "measured_error_m": round(coarse.error_m, 1),
                "areas_measured_error_m": round(areas_error, 1),
                "max_zoom": overview_max_zoom(max(coarse.error_m, areas_error), float(layers[city].total_bounds[3])),
            }
    return detailed, overview, boundary
