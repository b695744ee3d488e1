"""`jmgeo export`: Shapefile, FlatGeobuf, GeoParquet and CSV, each read back and compared feature by feature.

GDAL (pyogrio) reads every format back but GeoParquet: neither GDAL here has the Parquet driver (pyarrow reads it).
"""

import io
import json
import math
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely

import jmgeo._formats
from jmgeo._cells import from_spreadsheet
from jmgeo._facts import feature_fact_links
from jmgeo._formats import DBF_TEXT_BYTES, LONG_TEXT_MARK, export_atlas
from jmgeo._values import json_value
from jmgeo.cli import EXPORT_FORMATS


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = tmp_path_factory.mktemp("exports")
    return out, export_atlas(out)


def same(a, b) -> bool:
    a, b = json_value(a), json_value(b)
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and math.isclose(a, b)
    return a == b


def list_columns(frame) -> set[str]:
    return {c for c in frame.columns if frame[c].map(lambda v: isinstance(v, list)).any()}


def assert_same_rows(original: pd.DataFrame, back: pd.DataFrame, where: str) -> None:
    """Every feature, every column: the same value (lists read back from JSON text); geometries equal."""
    assert list(back["id"]) == list(original["id"]), where
    lists = list_columns(original)
    for (_, want), (_, got) in zip(original.iterrows(), back.iterrows(), strict=True):
        for col in original.columns:
            value = got[col]
            if col == "geometry":
                assert shapely.equals(value, want[col]), (where, want["id"])
                continue
            if col in lists and isinstance(value, str):
                value = json.loads(value)
            assert same(value, want[col]), (where, want["id"], col, value, want[col])


def test_shapefile_keeps_every_feature_and_value(exported, layers, facts):
    out, _ = exported
    folder = out / "shapefile"
    fields = pd.read_csv(folder / "fields.csv", encoding="utf-8")
    long_text = pd.read_csv(folder / "long_text.csv", encoding="utf-8", keep_default_na=False)
    long_text["value"] = long_text["value"].map(
        from_spreadsheet
    )  # a cell that starts like a formula is text (issue 17)
    assert len(long_text) > 0  # the city's list of 160 fact ids, long quotes ...
    for name, original in [*layers.items(), ("facts", facts)]:
        files = sorted(
            {f for f in fields["file"] if f.rsplit(".", 1)[0] in (name, f"{name}_points", f"{name}_polygons")}
        )
        parts = []
        for file in files:
            back = pyogrio.read_dataframe(folder / file)  # GDAL reads the .cpg: UTF-8
            mapping = dict(
                zip(fields[fields.file == file]["field"], fields[fields.file == file]["column"], strict=True)
            )
            parts.append(back.rename(columns=mapping))
            assert (folder / file).with_suffix(".cpg").read_text() == "UTF-8"
        back = pd.concat(parts).set_index("id").loc[list(original["id"])].reset_index()
        for col in back.columns:  # nothing in a .dbf is longer than dBase holds ...
            texts = back[col].map(lambda v: isinstance(v, str) and len(v.encode("utf-8")) > DBF_TEXT_BYTES)
            assert not texts.any()
        for row in long_text[long_text.layer == name].itertuples():  # ... the long text is whole in the side table
            i = back.index[back["id"] == row.id][0]
            assert back.at[i, row.column] == LONG_TEXT_MARK
            back.at[i, row.column] = row.value
        if name != "facts":
            back = gpd.GeoDataFrame(back, geometry="geometry")
        assert_same_rows(original, back[list(original.columns)], f"shapefile {name}")


def test_shapefile_splits_the_mixed_layer_instead_of_stopping(exported, layers):
    out, result = exported
    points = pyogrio.read_info(out / "shapefile" / "industrial_parks_points.shp")
    polygons = pyogrio.read_info(out / "shapefile" / "industrial_parks_polygons.shp")
    assert points["features"] + polygons["features"] == len(layers["industrial_parks"]) == 28
    assert any("industrial_parks mixes geometry types" in note for note in result.notes)
    assert any("long_text.csv" in note for note in result.notes)


def test_flatgeobuf_keeps_every_feature_and_value(exported, layers):
    out, result = exported
    for name, original in layers.items():
        back = pyogrio.read_dataframe(out / "flatgeobuf" / f"{name}.fgb")
        back = back.set_index("id").loc[list(original["id"])].reset_index()  # stored in spatial-index order
        assert_same_rows(original, back[list(original.columns)], f"flatgeobuf {name}")
    assert not (out / "flatgeobuf" / "facts.fgb").exists()
    assert any("flatgeobuf" in note and "facts" in note for note in result.notes)


def test_geoparquet_keeps_every_feature_value_and_list(exported, layers, facts):
    out, _ = exported
    for name, original in layers.items():
        back = gpd.read_parquet(out / "geoparquet" / f"{name}.parquet")
        assert back.crs.to_epsg() == 4326
        back["aliases"] = back["aliases"].map(list)  # stored as a list type, read as arrays
        assert_same_rows(original, back[list(original.columns)], f"geoparquet {name}")
    back = pd.read_parquet(out / "geoparquet" / "facts.parquet")
    assert list(back["id"]) == list(facts["id"])
    assert [list(v) for v in back["feature_ids"]] == [list(v) for v in facts["feature_ids"]]


def test_csv_of_facts_and_their_links_reads_back_in_gdal(exported, facts):
    out, _ = exported
    back = pyogrio.read_dataframe(out / "csv" / "facts.csv", read_geometry=False)
    assert list(back["id"]) == list(facts["id"])
    for (_, want), (_, got) in zip(facts.iterrows(), back.iterrows(), strict=True):
        for col in facts.columns:
            value = json_value(want[col])
            text = (
                ""
                if value is None
                else json.dumps(value, ensure_ascii=False)
                if isinstance(value, list)
                else str(value)
            )
            assert (got[col] if got[col] is not None else "") == text, (want["id"], col)
    links = pyogrio.read_dataframe(out / "csv" / "feature_facts.csv", read_geometry=False)
    assert links.values.tolist() == feature_fact_links(facts).values.tolist()
    assert len(links) == sum(len(ids) for ids in facts["feature_ids"])


def test_exports_are_byte_reproducible(tmp_path, exported):
    out, result = exported
    again = export_atlas(tmp_path)
    assert len(again.paths) == len(result.paths)
    for path in again.paths:
        assert path.read_bytes() == (out / path.relative_to(tmp_path)).read_bytes(), path


def test_a_failing_format_leaves_nothing_written(tmp_path, monkeypatch):
    def broken(*args):
        raise OSError("disk full (injected)")

    monkeypatch.setitem(jmgeo._formats.WRITERS, "csv", broken)
    with pytest.raises(OSError, match="injected"):
        export_atlas(tmp_path, ["flatgeobuf", "csv"])
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_format_is_one_clear_error(tmp_path):
    with pytest.raises(jmgeo.ArgumentError, match="unknown export format.*kml.*shapefile, flatgeobuf"):
        export_atlas(tmp_path, ["kml"])


def test_export_command_prints_paths_and_notes(tmp_path, cli):
    out = tmp_path / "gis"
    code, stdout, err = cli(["export", "--out", out, "--format", "shapefile", "--format", "csv"])
    assert code == 0, err
    printed = [Path(line) for line in stdout.split()]
    assert out / "shapefile" / "industrial_parks_points.shp" in printed and out / "csv" / "facts.csv" in printed
    assert sorted(p for p in out.rglob("*") if p.is_file()) == sorted(printed)
    assert "note: shapefile: industrial_parks mixes geometry types" in err and "long_text.csv" in err


def test_export_command_refuses_an_unknown_format(tmp_path, cli):
    code, _, err = cli(["export", "--out", tmp_path, "--format", "kml"])
    assert code == 2 and "invalid choice: 'kml'" in err
    assert list(tmp_path.iterdir()) == []


def test_export_command_offers_every_format():
    assert EXPORT_FORMATS == jmgeo._formats.FORMATS


def test_csv_export_writes_formula_cells_as_text(facts):
    """Issue 17: a fact whose text a spreadsheet would run is written with a leading apostrophe."""
    hostile = facts.head(3).copy()
    hostile.loc[hostile.index[0], "quote"] = '=HYPERLINK("http://x","y")'
    hostile.loc[hostile.index[1], "claim_en"] = "@SUM(1,2)"
    text = jmgeo._formats._csv_bytes(hostile).decode("utf-8")
    assert "'=HYPERLINK" in text and "'@SUM(1,2)" in text
    back = pd.read_csv(io.StringIO(text), keep_default_na=False)
    assert back["quote"].map(from_spreadsheet).iloc[0] == '=HYPERLINK("http://x","y")'
