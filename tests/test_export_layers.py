"""`jmgeo export --layer`: your own layers in every export format, streamed a chunk at a time, read back and compared.

The files are written with fiona (GDAL) as a user's would be; Shapefile and FlatGeobuf are read back with GDAL
(pyogrio), GeoParquet with pyarrow/geopandas (neither GDAL here has the Parquet driver).
"""

from __future__ import annotations

from pathlib import Path

import fiona
import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

import jmgeo._formats
from jmgeo._cells import from_spreadsheet
from jmgeo._formats import DBF_NAME_BYTES, DBF_TEXT_BYTES, LONG_TEXT_MARK, export_atlas
from jmgeo._user_layers import ExtraLayer, PointTable, read_layer
from test_formats import assert_same_rows

#: A field name of 21 UTF-8 bytes: a Shapefile cuts it, at a character, to 所属行 (9 bytes).
LONG_FIELD = "所属行政区名称"
LONG_NOTE = "江门市新会区" * 30  # 540 bytes: more than a .dbf cell holds


def _write_mixed(path: Path) -> Path:
    """A user's GeoPackage mixing points and polygons, with Chinese names, a Chinese field name and a long text."""
    schema = {
        "geometry": "Unknown",
        "properties": {"id": "str", "name": "str", LONG_FIELD: "str", "note": "str", "count": "int"},
    }
    features = [
        ("p1", "江门站", "蓬江区", "高铁站", 3, {"type": "Point", "coordinates": (113.0786, 22.6064)}),
        ("p2", "新会陈皮村", "新会区", LONG_NOTE, 7, {"type": "Point", "coordinates": (113.0322, 22.4811)}),
        (
            "a1",
            "银湖湾滨海新区",
            "新会区",
            "区域",
            None,
            {"type": "Polygon", "coordinates": [[(113.0, 22.2), (113.2, 22.2), (113.2, 22.35), (113.0, 22.2)]]},
        ),
    ]
    with fiona.open(path, "w", driver="GPKG", schema=schema, crs="EPSG:4326", encoding="utf-8") as out:
        for fid, name, district, note, count, geometry in features:
            props = {"id": fid, "name": name, LONG_FIELD: district, "note": note, "count": count}
            out.write({"geometry": geometry, "properties": props})
    return path


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mine")
    path = _write_mixed(folder / "mine.gpkg")
    return path, read_layer(path, layer_id="my_places")


@pytest.fixture(scope="module")
def exported_mixed(mixed, tmp_path_factory):
    """`jmgeo export --layer FILE:NAME`, in the command's own process (run_cli), to every format."""
    from conftest import run_cli

    path, _ = mixed
    out = tmp_path_factory.mktemp("exports")
    code, stdout, err = run_cli(["export", "--out", str(out), "--layer", f"{path}:my_places"])
    assert code == 0, err
    return out, stdout, err


def test_export_layer_writes_your_layer_in_every_format(exported_mixed):
    out, stdout, err = exported_mixed
    printed = {Path(line).relative_to(out).as_posix() for line in stdout.split()}
    for name in (
        "shapefile/my_places_points.shp",
        "shapefile/my_places_polygons.shp",
        "flatgeobuf/my_places.fgb",
        "geoparquet/my_places.parquet",
    ):
        assert name in printed and (out / name).is_file(), name
    assert "my_places: 3 feature(s)" in err  # the read is reported as in jmgeo build
    assert "note: shapefile: my_places mixes geometry types" in err


def test_your_layer_reads_back_from_shapefile_feature_by_feature(exported_mixed, mixed):
    out, _, _ = exported_mixed
    _, layer = mixed
    original = layer.wgs84()
    folder = out / "shapefile"
    fields = pd.read_csv(folder / "fields.csv", encoding="utf-8")
    long_text = pd.read_csv(folder / "long_text.csv", encoding="utf-8", keep_default_na=False)
    parts = []
    for file in ("my_places_points.shp", "my_places_polygons.shp"):
        assert (folder / file).with_suffix(".cpg").read_text() == "UTF-8"
        mine = fields[fields.file == file]
        assert all(len(f.encode("utf-8")) <= DBF_NAME_BYTES for f in mine["field"])
        parts.append(
            pyogrio.read_dataframe(folder / file).rename(columns=dict(zip(mine.field, mine.column, strict=True)))
        )
    assert dict(zip(mine.column, mine.field, strict=True))[LONG_FIELD] == "所属行"  # cut at a character, mapped back
    back = pd.concat(parts).set_index("id").loc[list(original["id"])].reset_index()
    (row,) = long_text[long_text.layer == "my_places"].itertuples()
    assert (row.id, row.column, from_spreadsheet(row.value)) == ("p2", "note", LONG_NOTE)  # whole in the side table
    i = back.index[back["id"] == "p2"][0]
    assert back.at[i, "note"] == LONG_TEXT_MARK and len(LONG_NOTE.encode("utf-8")) > DBF_TEXT_BYTES
    back.at[i, "note"] = from_spreadsheet(row.value)
    back = gpd.GeoDataFrame(back, geometry="geometry", crs=4326)
    assert_same_rows(original, back[list(original.columns)], "shapefile my_places")


def test_your_layer_reads_back_from_flatgeobuf_and_geoparquet_feature_by_feature(exported_mixed, mixed):
    out, _, _ = exported_mixed
    _, layer = mixed
    original = layer.wgs84()
    back = pyogrio.read_dataframe(out / "flatgeobuf" / "my_places.fgb")  # in the spatial index's order
    back = back.set_index("id").loc[list(original["id"])].reset_index()
    assert_same_rows(original, back[list(original.columns)], "flatgeobuf my_places")
    back = gpd.read_parquet(out / "geoparquet" / "my_places.parquet")
    assert back.crs.to_epsg() == 4326
    assert_same_rows(original, back[list(original.columns)], "geoparquet my_places")
    assert list(back.total_bounds) == pytest.approx(list(original.total_bounds))


class Chunked:
    """A layer of your own that hands out its features ``size`` at a time and refuses to be made whole."""

    def __init__(self, layer: ExtraLayer, size: int):
        self.layer, self.size, self.id, self.chunks = layer, size, layer.id, []

    def __len__(self) -> int:
        return len(self.layer)

    def geometry_types(self) -> list[str]:
        return self.layer.geometry_types()

    def frames(self):
        for frame in self.layer.frames(self.size):
            self.chunks.append(len(frame))
            yield frame

    def wgs84(self):
        raise AssertionError("the export asked for the whole layer at once")


def _points(n: int) -> ExtraLayer:
    rng = np.random.default_rng(21)
    lon, lat = 112.5 + rng.random(n), 21.8 + rng.random(n)
    names = [f"点{i}号" for i in range(n)]
    return ExtraLayer("many_points", None, "点", points=PointTable(lon, lat, {"name_zh": names}, "many_points"))


@pytest.mark.parametrize("arrow", [True, False], ids=["arrow-stream", "appended-without-pyarrow"])
def test_a_large_layer_is_exported_a_chunk_at_a_time(tmp_path, monkeypatch, arrow):
    layer = _points(2_500)
    chunked = Chunked(layer, 1_000)
    formats = ["shapefile", "flatgeobuf", "geoparquet"] if arrow else ["shapefile", "flatgeobuf"]
    if not arrow:
        monkeypatch.setattr(jmgeo._formats, "_arrow", lambda: None)
    export_atlas(tmp_path, formats, extra_layers=[chunked])
    assert chunked.chunks == [1_000, 1_000, 500] * len(formats)  # one pass a format, never the whole layer
    want = pd.DataFrame({"id": layer.points.ids(), "name_zh": layer.points.columns["name_zh"]})
    want["x"], want["y"] = layer.points.lon, layer.points.lat
    files = [tmp_path / "shapefile" / "many_points.shp", tmp_path / "flatgeobuf" / "many_points.fgb"]
    backs = [pyogrio.read_dataframe(file) for file in files]
    if arrow:
        backs.append(gpd.read_parquet(tmp_path / "geoparquet" / "many_points.parquet"))
    for back in backs:
        back = back.set_index("id").loc[want["id"]].reset_index()
        assert list(back["name_zh"]) == list(want["name_zh"])
        coords = shapely.get_coordinates(back.geometry)
        np.testing.assert_array_equal(coords[:, 0], want["x"])
        np.testing.assert_array_equal(coords[:, 1], want["y"])


@pytest.mark.parametrize(
    ("fmt", "arrow"),
    [("geoparquet", True), ("flatgeobuf", True), ("shapefile", True), ("flatgeobuf", False), ("shapefile", False)],
)
def test_a_chunk_whose_columns_change_type_is_one_clear_error(tmp_path, monkeypatch, fmt, arrow):
    """Text, then numbers: never written as they come (numbers into a text field would be changed silently)."""
    if not arrow:
        monkeypatch.setattr(jmgeo._formats, "_arrow", lambda: None)
    n = 30
    kinds = [f"类{i}" for i in range(20)] + list(range(10))  # text, then numbers from the third chunk on
    layer = ExtraLayer(
        "shifting", None, "变", points=PointTable(np.full(n, 113.0), np.full(n, 22.5), {"kind": kinds}, "shifting")
    )
    with pytest.raises(jmgeo.JmgeoError, match="shifting.*chunk 3.*first chunk's columns and types: 'kind'"):
        export_atlas(tmp_path / "out", [fmt], extra_layers=[Chunked(layer, 10)])
    assert not (tmp_path / "out").exists()


def test_export_layer_refuses_a_bad_file_as_build_does(tmp_path, cli):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("earlier", encoding="utf-8")
    missing = tmp_path / "nope.shp"
    code, _, err = cli(["export", "--out", out, "--layer", str(missing)])
    assert code == 2 and str(missing) in err and "no such file" in err
    code, _, err = cli(["export", "--out", out, "--layer", f"{missing}@WGS85"])
    assert code == 2 and "unknown datum 'WGS85'" in err
    bad = tmp_path / "bad.geojson"
    bad.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"id": "x1"}, '
        '"geometry": {"type": "Point", "coordinates": [500, 22]}}]}',
        encoding="utf-8",
    )
    code, _, err = cli(["export", "--out", out, "--layer", str(bad)])
    assert code == 2 and str(bad) in err and "feature 0 (id 'x1')" in err and "outside longitude" in err
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]  # nothing written


@pytest.mark.parametrize("taken", ["sites", "facts", "gpkg_contents"])
def test_export_layer_refuses_an_id_the_exports_already_use(tmp_path, cli, mixed, taken):
    path, _ = mixed
    code, _, err = cli(["export", "--out", tmp_path / "out", "--layer", f"{path}:{taken}"])
    assert code == 2 and f"layer id '{taken}' is already taken" in err
    assert not (tmp_path / "out").exists()


def test_dates_of_your_layer_are_exported_as_their_text_with_a_note(tmp_path):
    """fiona reads a declared date or datetime as ISO 8601 text: the exports keep the text and say so."""
    path = tmp_path / "events.gpkg"
    schema = {"geometry": "Point", "properties": {"id": "str", "day": "date", "at": "datetime", "n": "int"}}
    with fiona.open(path, "w", driver="GPKG", schema=schema, crs="EPSG:4326") as dst:
        dst.write(
            {
                "geometry": {"type": "Point", "coordinates": (113.08, 22.58)},
                "properties": {"id": "e1", "day": "2024-05-06", "at": "2024-05-06T07:08:09", "n": 1},
            }
        )
    extra = read_layer(path)
    assert extra.text_fields == {"day": "date", "at": "datetime"}
    result = export_atlas(tmp_path / "out", ["flatgeobuf", "csv"], extra_layers=[extra])
    notes = [n for n in result.notes if "events" in n]
    assert len(notes) == 1 and notes[0].startswith("flatgeobuf: events:"), result.notes
    assert "day (date)" in notes[0] and "at (datetime)" in notes[0] and "ISO 8601 text" in notes[0]
    back = pyogrio.read_dataframe(tmp_path / "out" / "flatgeobuf" / "events.fgb")
    assert back["day"].tolist() == ["2024-05-06"] and back["at"].tolist() == ["2024-05-06T07:08:09"]
