"""Positions checked against held-out references: every feature within its own stated radius of each reference."""

from __future__ import annotations

import pytest
import shapely
import shapely.ops

from jmgeo import _crs as crs
from jmgeo._geodata import read_geodata

# (feature id, GeoNames id of the town its source names): the town's point is the reference.
TOWN_REFERENCES = [
    ("longi_silicon_base", 1784499),  # 址山镇 (the 隆基园区 broke ground there)
    ("heshan_industrial_city", 1913669),  # 共和镇 (runs the park)
    ("yinzhouhu_paper_base", 1794590),  # 双水镇 (the base is in it)
    ("huangmaohai_passage", 1811983),  # 斗山镇 (the passage's documented western end)
]


def _feature(layers, feature_id):
    for frame in layers.values():
        match = frame[frame["id"] == feature_id]
        if len(match):
            return match.iloc[0]
    raise KeyError(feature_id)


def distance_m(geom, point) -> float:
    """Metres from a WGS84 point to the nearest point of a WGS84 geometry (geodesic, at the nearest point)."""
    near = shapely.ops.nearest_points(geom, point)[0]
    return crs.geodesic_distance_m(near.x, near.y, point.x, point.y)


@pytest.mark.parametrize(("feature_id", "geonameid"), TOWN_REFERENCES)
def test_feature_is_within_its_stated_radius_of_the_town_its_source_names(layers, feature_id, geonameid):
    towns = {t["geonameid"]: t for t in read_geodata().towns_spec["towns"]}
    town = shapely.Point(towns[geonameid]["lon"], towns[geonameid]["lat"])
    row = _feature(layers, feature_id)
    assert distance_m(row.geometry, town) <= row.uncertainty_m, (feature_id, towns[geonameid]["name_zh"])


def test_every_position_taken_from_geonames_is_within_its_radius_of_that_town(layers):
    towns = {str(t["geonameid"]): t for t in read_geodata().towns_spec["towns"]}
    found = 0
    for recs in read_geodata().place_records.values():
        for rec in recs:
            url = rec["position"].get("url") or ""
            if not url.startswith("https://www.geonames.org/"):
                continue
            found += 1
            town = towns[url.rstrip("/").rsplit("/", 1)[1]]  # a GeoNames town of geodata/towns.json
            point = shapely.Point(town["lon"], town["lat"])
            row = _feature(layers, rec["id"])
            assert distance_m(row.geometry, point) <= row.uncertainty_m, (rec["id"], town["name_zh"])
    assert found >= 6
