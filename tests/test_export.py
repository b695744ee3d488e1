"""GeoJSON (RFC 7946) and GeoPackage exports, and atomic writes that keep the old file on failure."""

import json

import geopandas as gpd
import pyogrio
import pytest
import shapely
from shapely.geometry import shape

from jmgeo._export import write_geojson, write_geopackage
from jmgeo._files import atomic_write

REQUIRED = ("id", "name_zh", "name_en", "layer", "precision")


def test_build_writes_every_layer_as_rfc7946_geojson(built, layers):
    for name, frame in layers.items():
        path = built / "geojson" / f"{name}.geojson"
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["type"] == "FeatureCollection"
        assert "crs" not in data
        assert [f["properties"]["id"] for f in data["features"]] == list(frame["id"])
        for feature in data["features"]:
            for key in REQUIRED:
                assert feature["properties"][key], (name, key)
            geom = shape(feature["geometry"])
            minx, miny, maxx, maxy = geom.bounds
            assert -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90
            for poly in getattr(geom, "geoms", [geom]):
                if poly.geom_type == "Polygon":
                    assert poly.exterior.is_ccw, (name, feature["id"])
                    assert all(not ring.is_ccw for ring in poly.interiors)


def test_geojson_reads_back_in_gdal(built, layers):
    frame = gpd.read_file(built / "geojson" / "districts.geojson")
    assert frame.crs.to_epsg() == 4326
    assert sorted(frame["name_zh"]) == sorted(layers["districts"]["name_zh"])
    assert frame.geometry.is_valid.all()


def test_geopackage_has_every_layer_and_the_facts_table(built, layers, facts):
    path = built / "jiangmen.gpkg"
    found = {str(name): geom for name, geom in pyogrio.list_layers(path)}
    assert set(found) == set(layers) | {"facts", "feature_facts", "layer_styles"}
    assert found["facts"] is None and found["feature_facts"] is None and found["layer_styles"] is None  # tables
    table = pyogrio.read_dataframe(path, layer="facts")
    for col in ("id", "feature_ids", "doc", "quote", "value", "unit", "year"):
        assert col in table.columns
    assert len(table) == len(facts)
    row = table.set_index("id").loc["d003_land_area"]
    assert (row["value"], row["unit"], json.loads(row["feature_ids"])) == (9535, "平方公里", ["jiangmen"])
    for name, frame in layers.items():
        back = pyogrio.read_dataframe(path, layer=name)
        assert list(back["id"]) == list(frame["id"])
        assert list(back["name_zh"]) == list(frame["name_zh"])
        for key in REQUIRED:
            assert back[key].notna().all(), (name, key)


def test_geopackage_links_facts_to_features_and_stores_the_qgis_project(built, layers, facts):
    import sqlite3
    import zipfile
    from io import BytesIO

    path = built / "jiangmen.gpkg"
    links = pyogrio.read_dataframe(path, layer="feature_facts")
    assert links[["feature_id", "fact_id"]].values.tolist() == [
        [fid, fact] for fact, ids in zip(facts["id"], facts["feature_ids"], strict=True) for fid in ids
    ]
    feature_ids = {fid for frame in layers.values() for fid in frame["id"]}
    assert set(links["feature_id"]) <= feature_ids and set(links["fact_id"]) <= set(facts["id"])
    with sqlite3.connect(path) as db:
        ((name, metadata, content),) = db.execute("SELECT name, metadata, content FROM qgis_projects").fetchall()
    assert name == "jiangmen" and json.loads(metadata)["last_modified_user"] == "jmgeo"
    with zipfile.ZipFile(BytesIO(bytes.fromhex(content))) as qgz:  # QGIS stores the .qgz as hexadecimal text
        qgs = qgz.read("jiangmen.qgs").decode("utf-8")
    assert "./jiangmen.gpkg|layername=feature_facts" in qgs and ".tmp" not in qgs


def test_atomic_write_keeps_the_old_file_when_verification_fails(tmp_path):
    target = tmp_path / "out.txt"
    target.write_bytes(b"old content")

    def reject(_tmp):
        raise OSError("verification failed")

    with pytest.raises(OSError, match="verification failed"):
        atomic_write(target, b"new content", reject)
    assert target.read_bytes() == b"old content"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_write_geojson_refuses_a_projected_frame(tmp_path, layers):
    projected = layers["districts"].to_crs(32649)
    with pytest.raises(ValueError, match="EPSG:4326"):
        write_geojson(projected, tmp_path / "d.geojson")
    assert not list(tmp_path.iterdir())


def test_geopackage_failure_keeps_the_old_file(tmp_path, layers, facts, monkeypatch):
    target = tmp_path / "atlas.gpkg"
    write_geopackage({"districts": layers["districts"]}, facts, target)
    before = target.read_bytes()
    real_write = pyogrio.write_dataframe

    def failing_write(frame, path, layer=None, **kw):
        if layer == "sites":
            raise OSError("disk full (injected)")
        return real_write(frame, path, layer=layer, **kw)

    monkeypatch.setattr(pyogrio, "write_dataframe", failing_write)
    with pytest.raises(OSError, match="injected"):
        write_geopackage({"districts": layers["districts"], "sites": layers["sites"]}, facts, target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["atlas.gpkg"]


def test_geopackage_is_byte_reproducible(tmp_path, layers, facts, geodata_dir):
    from jmgeo._registry import parse_registry

    registry = parse_registry(geodata_dir)  # with the styles and the QGIS project
    a, b = tmp_path / "a" / "atlas.gpkg", tmp_path / "b" / "atlas.gpkg"
    write_geopackage(layers, facts, a, registry)
    write_geopackage(layers, facts, b, registry)
    assert a.read_bytes() == b.read_bytes()


def test_exports_keep_full_precision(built, layers):
    data = json.loads((built / "geojson" / "sites.geojson").read_text(encoding="utf-8"))
    for feature, geom in zip(data["features"], layers["sites"].geometry, strict=True):
        assert shapely.equals_exact(shape(feature["geometry"]), geom, tolerance=1e-7)
