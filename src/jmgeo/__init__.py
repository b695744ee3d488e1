"""jmgeo: a geospatial atlas of Jiangmen (江门), Guangdong, built from cited documents.

Layers are GeoDataFrames in WGS84; facts carry their source document and verbatim quote.

>>> import jmgeo
>>> layers = jmgeo.load_layers()
>>> sorted(layers)[:3]
['city', 'corridors', 'districts']
"""

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("jmgeo")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

from ._errors import ArgumentError, DataError, FontMissingError, JmgeoError, ValidationError

# The rest is imported when first used (PEP 562), so that ``jmgeo --help`` and the start
# of ``jmgeo build`` do not wait for geopandas, folium and pyogrio (~1.2 s).
_LAZY = {
    "ExtraLayer": "_user_layers",
    "GeoData": "_geodata",
    "build_atlas": "_build",
    "check_geodata": "_loading",
    "export_atlas": "_formats",
    "load_facts": "_loading",
    "load_layer": "_loading",
    "load_layers": "_loading",
    "make_map": "_webmap",
    "parse_amount": "_numbers",
    "read_geodata": "_geodata",
    "read_layer": "_user_layers",
    "render_static": "_figures",
    "search": "_search",
    "write_geojson": "_export",
    "write_geopackage": "_export",
    "write_map": "_webmap",
    "write_static": "_figures",
}


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "ArgumentError",
    "DataError",
    "ExtraLayer",
    "FontMissingError",
    "GeoData",
    "JmgeoError",
    "ValidationError",
    "__version__",
    "build_atlas",
    "check_geodata",
    "export_atlas",
    "load_facts",
    "load_layer",
    "load_layers",
    "make_map",
    "parse_amount",
    "read_geodata",
    "read_layer",
    "render_static",
    "search",
    "write_geojson",
    "write_geopackage",
    "write_map",
    "write_static",
]
