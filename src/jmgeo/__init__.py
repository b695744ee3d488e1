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

from .build import build_atlas
from .errors import DataError, JmgeoError, ValidationFailed
from .export import write_geojson, write_geopackage, write_map
from .facts import load_facts, parse_amount
from .layers import load_layer, load_layers
from .static import render_static, write_static
from .validate import check_geodata
from .webmap import make_map

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

