"""Round trips lose nothing: GeoJSON and GeoPackage written by jmgeo read back with every attribute and type.

The test frame carries what usually gets lost: Chinese text (also in a field name), nulls in text,
integer and float columns, an integer column with a null, a float that is a whole number, booleans,
dates, date-times and lists. Shapefile is refused with the reason.
"""

from __future__ import annotations

import datetime as dt
import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import Point, Polygon

from jmgeo._errors import JmgeoError
from jmgeo._export import write_geojson, write_geopackage, write_shapefile


@pytest.fixture
def frame():
    return gpd.GeoDataFrame(
        {
            "id": ["gaosha", "juno", "empty"],
            "name_zh": ["高沙港（江门国际货柜码头）", "江门中微子实验室", None],
            "名称": ["江门", "开平", "台山"],
            "count": np.array([1, 2**40, -3], dtype="int64"),
            "count_or_null": pd.array([7, None, 9], dtype="Int64"),
            "share": [1.0, 2.5, np.nan],
            "flag": [True, False, True],
            "day": [dt.date(2023, 8, 21), dt.date(2024, 2, 29), None],
            "when": pd.to_datetime(["2023-08-21 10:30:00", "2024-01-01 00:00:00", None]),
            "aliases": [["侨都", "五邑"], [], ["x"]],
        },
        geometry=[
            Point(113.0873, 22.5616),
            Polygon([(112.5, 22.1), (112.6, 22.1), (112.6, 22.2), (112.5, 22.1)]),
            Point(112.79, 22.25),
        ],
        crs="EPSG:4326",
    )


def test_geojson_round_trip_keeps_every_value_and_type(tmp_path, frame):
    path = write_geojson(frame, tmp_path / "t.geojson")
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    props = [f["properties"] for f in features]
    assert [p["name_zh"] for p in props] == ["高沙港（江门国际货柜码头）", "江门中微子实验室", None]
    assert [p["名称"] for p in props] == ["江门", "开平", "台山"]
    assert [p["count"] for p in props] == [1, 2**40, -3] and all(type(p["count"]) is int for p in props)
    assert [p["count_or_null"] for p in props] == [7, None, 9]
    assert [p["share"] for p in props] == [1.0, 2.5, None] and type(props[0]["share"]) is float
    assert [p["flag"] for p in props] == [True, False, True]
    assert [p["day"] for p in props] == ["2023-08-21", "2024-02-29", None]
    assert [p["when"] for p in props] == ["2023-08-21T10:30:00", "2024-01-01T00:00:00", None]
    assert [p["aliases"] for p in props] == [["侨都", "五邑"], [], ["x"]]

    back = pyogrio.read_dataframe(path)  # as GDAL (QGIS) reads it
    assert list(back["名称"]) == ["江门", "开平", "台山"]
    assert back["count"].dtype == "int64" and list(back["count"]) == [1, 2**40, -3]
    assert back["share"].dtype == "float64"
    assert back["flag"].dtype == "bool"
    assert list(back["day"].dt.date[:2]) == [dt.date(2023, 8, 21), dt.date(2024, 2, 29)] and pd.isna(back["day"][2])
    assert back["when"][0] == pd.Timestamp("2023-08-21 10:30:00")
    assert back.geometry.geom_equals_exact(frame.geometry, tolerance=1e-7).all()


def test_geopackage_round_trip_keeps_every_value_and_type(tmp_path, frame):
    facts = pd.DataFrame(
        {
            "id": ["f1"],
            "quote": ["进出口规模从1428.9亿元扩大到1732亿元"],
            "value": [1732.0],
            "year": pd.array([None], dtype="Int64"),
        }
    )
    path = write_geopackage({"t": frame}, facts, tmp_path / "t.gpkg")
    info = pyogrio.read_info(path, layer="t")
    stored = dict(zip(info["fields"], info["dtypes"], strict=True))
    # the file stores integers as integers (also the column with a null), floats as floats, dates as dates
    assert stored["count"] == "int64" and stored["count_or_null"] == "int64" and stored["share"] == "float64"
    assert (
        stored["flag"] == "bool" and stored["day"].startswith("datetime64") and stored["when"].startswith("datetime64")
    )
    back = pyogrio.read_dataframe(path, layer="t")
    assert list(back["name_zh"][:2]) == ["高沙港（江门国际货柜码头）", "江门中微子实验室"] and pd.isna(
        back["name_zh"][2]
    )
    assert list(back["名称"]) == ["江门", "开平", "台山"]
    assert list(back["count"]) == [1, 2**40, -3]
    assert back["count_or_null"][0] == 7 and pd.isna(back["count_or_null"][1]) and back["count_or_null"][2] == 9
    assert back["share"][0] == 1.0 and back["share"][1] == 2.5 and pd.isna(back["share"][2])
    assert list(back["flag"]) == [True, False, True]
    assert list(back["day"].dt.date[:2]) == [dt.date(2023, 8, 21), dt.date(2024, 2, 29)] and pd.isna(back["day"][2])
    assert list(back["when"][:2]) == [pd.Timestamp("2023-08-21 10:30:00"), pd.Timestamp("2024-01-01")]
    assert [json.loads(v) for v in back["aliases"]] == [["侨都", "五邑"], [], ["x"]]
    assert back.geometry.geom_equals_exact(frame.geometry, tolerance=1e-9).all()
    table = pyogrio.read_dataframe(path, layer="facts")
    assert table["quote"][0] == facts["quote"][0] and table["value"][0] == 1732.0 and pd.isna(table["year"][0])
    assert pyogrio.read_info(path, layer="facts")["dtypes"].tolist()[-1] == "int64"  # year stays an integer field


def test_shapefile_is_refused_with_the_reason(tmp_path, frame):
    with pytest.raises(JmgeoError) as info:
        write_shapefile(frame, tmp_path / "t.shp")
    message = str(info.value)
    assert "Shapefile refused" in message and "10 bytes" in message and "mid-character" in message
    assert 'field name "count_or_null" (13 bytes)' in message
    assert '"aliases" holds lists' in message
    assert "write_geopackage" in message
    assert list(tmp_path.iterdir()) == []


def test_shapefile_refusal_names_a_chinese_field_cut_mid_character(tmp_path):
    frame = gpd.GeoDataFrame({"所在区县名称": ["蓬江区"]}, geometry=[Point(113, 22.6)], crs=4326)
    with pytest.raises(JmgeoError, match='field name "所在区县名称" \\(18 bytes\\) would be cut to "所在区\ufffd"'):
        write_shapefile(frame, tmp_path / "t.shp")
