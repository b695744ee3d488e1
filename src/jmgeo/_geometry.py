"""Geometry of the place records: their own (in its datum), lines through others, unions, repairs.

A record's geometry is its ``geometry`` converted from its declared datum to WGS84 (a
``Point`` with ``area_radius_m`` becoming a circle), a line through the anchor points
of the features in ``geometry_from``, or the union of the areas in ``geometry_union_of``.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Any

import shapely
from shapely.geometry import LineString, Point, shape
from shapely.validation import explain_validity

from . import _crs as crs
from ._errors import DataError, RepairWarning

__all__ = ["anchor_point", "build_geometries", "record_where", "repair_geometry"]


def record_where(rec: dict) -> str:
    """Describe a record's place in its file for error messages: ``line 12 (gaosha_port)``."""
    line = rec.get("_line")
    rid = rec.get("id", "?")
    return f"line {line} ({rid})" if line else f"({rid})"


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
        raise ValueError(
            f"invalid geometry: {why}; make_valid would turn it into a {fixed.geom_type}, so fix it by hand"
        )
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


def anchor_point(geom) -> Point:
    """The point a feature is placed by: itself, an area's centroid, or a line's middle."""
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
            raise DataError(
                asked_by.get("_file", "geodata"), record_where(asked_by), f'refers to unknown feature "{rid}"'
            )
        if rid in visiting:
            raise DataError(rec.get("_file", "geodata"), record_where(rec), "geometry references form a cycle")
        visiting.add(rid)
        try:
            if rec.get("geometry_from"):
                pts = [anchor_point(resolve(other, rec)) for other in rec["geometry_from"]]
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
