"""jmgeo: a geospatial atlas of Jiangmen (江门), Guangdong, built from cited documents.

Layers are GeoDataFrames in WGS84; facts carry their source document and verbatim quote.

>>> import jmgeo
>>> layers = jmgeo.load_layers()
>>> sorted(layers)[:3]
['city', 'corridors', 'districts']
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("jmgeo")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

from .errors import DataError, JmgeoError, ValidationFailed

# The rest is imported when first used (PEP 562), so that ``jmgeo --help`` and the start
# of ``jmgeo build`` do not wait for geopandas, folium and pyogrio (~1.2 s).
_LAZY = {
    "build_atlas": "build",
    "check_geodata": "validate",
    "load_facts": "facts",
    "load_layer": "layers",
    "load_layers": "layers",
    "make_map": "webmap",
    "parse_amount": "_numbers",
    "render_static": "static",
    "write_geojson": "export",
    "write_geopackage": "export",
    "write_map": "export",
    "write_static": "static",
}


def __getattr__(name: str):
    if name in _LAZY:
        from importlib import import_module

        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "DataError",
    "JmgeoError",
    "ValidationFailed",
    "__version__",
    "build_atlas",
    "check_geodata",
    "load_facts",
    "load_layer",
    "load_layers",
    "make_map",
    "parse_amount",
    "render_static",
    "write_geojson",
    "write_geopackage",
    "write_map",
    "write_static",
]

