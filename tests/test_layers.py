"""The layers as GeoDataFrames: districts, city, curated layers, derived districts."""

import json

import pytest
import shapely

import jmgeo
from jmgeo import _crs as crs
from jmgeo._geodata import read_geodata
from jmgeo._layers import PLACE_COLUMNS

ADCODES = {
    "440703": "蓬江区",
    "440704": "江海区",
    "440705": "新会区",
    "440781": "台山市",
    "440783": "开平市",
    "440784": "鹤山市",
    "440785": "恩平市",
}


def test_layers_follow_the_registry(layers):
    assert list(layers) == [spec.id for spec in read_geodata().registry.layers]
    for name, frame in layers.items():
        assert frame.crs.to_epsg() == 4326, name
        for col in ("id", "name_zh", "name_en", "layer", "precision", "fact_ids"):
            assert col in frame.columns, (name, col)
        assert frame["id"].is_unique
        assert (frame["layer"] == name).all()
        assert frame.geometry.is_valid.all(), name
        assert not frame.geometry.is_empty.any(), name


def test_seven_districts_with_their_adcodes(layers):
    d = layers["districts"]
    assert dict(zip(d["adcode"], d["name_zh"], strict=True)) == ADCODES
    assert d.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).all()


def test_district_areas_are_equal_area_km2(layers):
    d = layers["districts"]
    geod = crs.WGS84.get_geod()
    for row in d.itertuples():
        geodesic = abs(geod.geometry_area_perimeter(row.geometry)[0]) / 1e6
        assert row.area_km2 == pytest.approx(geodesic, rel=5e-3), row.name_zh
    # areas in degrees would be ~0.9; km² of the whole city are in the thousands
    assert 9000 < d["area_km2"].sum() < 10500


def test_districts_tile_the_city_without_overlap(layers):
    d = layers["districts"]
    overlap = 0.0
    geoms = list(d.geometry)
    for i in range(len(geoms)):
        for j in range(i + 1, len(geoms)):
            overlap += crs.area_km2(geoms[i].intersection(geoms[j]))
    assert overlap < 0.5


def test_city_shows_both_areas_and_explains_the_difference(layers, facts):
    city = layers["city"].iloc[0]
    documented = facts.set_index("id").loc[read_geodata().districts_spec["city"]["documented_area_fact"]]
    assert documented["unit"] == "平方公里"
    assert city["area_km2_documented"] == documented["value"]
    assert city["area_km2"] == pytest.approx(layers["districts"]["area_km2"].sum(), abs=0.2)
    assert city["area_km2"] > city["area_km2_documented"]
    assert "9535" in city["area_note_en"] and "bays" in city["area_note_en"]


def test_curated_layers_have_place_columns(layers):
    for name in ("industrial_parks", "logistics_hubs", "corridors", "freight_routes", "sites"):
        assert list(layers[name].columns) == PLACE_COLUMNS + ["geometry"], name
        assert len(layers[name]) > 0, name


def test_every_position_says_where_it_came_from(layers):
    for name in ("industrial_parks", "logistics_hubs", "corridors", "freight_routes", "sites"):
        frame = layers[name]
        assert frame["precision"].isin(["surveyed", "approximate", "schematic"]).all(), name
        assert frame["position_source"].str.len().gt(10).all(), name
        assert frame["position_method"].str.len().gt(10).all(), name
        assert frame["position_datum"].isin(crs.DATUMS).all(), name


def test_district_is_derived_by_spatial_join_not_typed(layers):
    for recs in read_geodata().place_records.values():
        for rec in recs:
            assert "district" not in rec and "districts" not in rec, rec["id"]
    # how it is derived (length or area share) is checked in tests/test_district_assignment.py
    districts = layers["districts"].set_index("id")
    for name in ("logistics_hubs", "sites"):
        for row in layers[name].itertuples():
            containing = [d for d, g in districts.geometry.items() if g.intersects(row.geometry)]
            assert (containing[:1] or [None]) == [row.district if isinstance(row.district, str) else None], row.id


def test_partner_ports_lie_outside_jiangmen(layers):
    hubs = layers["logistics_hubs"].set_index("id")
    city = layers["city"].geometry.iloc[0]
    for pid in ("yantian_port", "gaolan_port", "nansha_port"):
        assert not city.contains(hubs.loc[pid].geometry), pid
    assert hubs.loc["zhuxi_logistics_centre"].district == "heshan"


def test_schematic_areas_are_circles_of_their_radius(layers):
    parks = layers["industrial_parks"].set_index("id")
    recs = {r["id"]: r for r in read_geodata().place_records["industrial_parks"]}
    checked = 0
    for pid, rec in recs.items():
        if rec.get("area_radius_m") and rec.get("geometry"):
            geom = parks.loc[pid].geometry
            expected = 3.14159 * rec["area_radius_m"] ** 2 / 1e6
            assert crs.area_km2(geom) == pytest.approx(expected, rel=0.02), pid
            checked += 1
    assert checked > 0


def test_freight_routes_run_through_their_hubs(layers):
    routes = {r["id"]: r for r in read_geodata().place_records["freight_routes"]}
    hubs = layers["logistics_hubs"].set_index("id")
    frame = layers["freight_routes"].set_index("id")
    checked = 0
    for rid, rec in routes.items():
        if rec.get("geometry_from"):
            coords = shapely.get_coordinates(frame.loc[rid].geometry)
            ends = [hubs.loc[h].geometry for h in rec["geometry_from"] if h in hubs.index]
            assert coords[0].tolist() == [ends[0].x, ends[0].y], rid
            checked += 1
    assert checked > 0


def test_load_layer_by_name(layers):
    hubs = jmgeo.load_layer("logistics_hubs")
    assert list(hubs["id"]) == list(layers["logistics_hubs"]["id"])
    with pytest.raises(jmgeo.ArgumentError, match="unknown layer"):
        jmgeo.load_layer("nope")


def test_id_lines_finds_every_record_line_in_one_pass(tmp_path):
    from jmgeo._jsonfile import id_lines

    tricky = 'b"x'  # an id with an escaped quote in the JSON text
    lines = [
        "{",
        '  "records": [',
        '    {"id": "a"},',
        f'    {{"id": {json.dumps(tricky)}}},',
        "",
        '    {"id" : "a"},',
        '    {"name": "id"}',
        "  ]",
        "}",
    ]
    path = tmp_path / "places.json"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert id_lines(path) == {"a": [3, 6], tricky: [4]}
    assert id_lines(tmp_path / "absent.json") == {}
