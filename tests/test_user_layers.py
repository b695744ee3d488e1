"""Your own layer (``jmgeo build --layer``, ``jmgeo.read_layer``): real files written with fiona, read back as layers.

Shapefiles and GeoPackages are written here with fiona (GDAL), read by the library feature by
feature, drawn on the page (legend, search, canvas), exported, and a bad file or feature is
refused with one message naming it.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import fiona
import numpy as np
import pyogrio
import pytest

import jmgeo
from browser import PAGE, open_offline
from conftest import read_page_data
from jmgeo import _crs
from jmgeo._registry import parse_registry
from jmgeo._user_layers import parse_layer_argument, read_layer

VECTORS = json.loads((Path(__file__).parent / "vectors" / "gcj02.json").read_text(encoding="utf-8"))
#: The test vectors well inside the GCJ-02 box, as (wgs84, gcj02) pairs: outside it GCJ-02 is WGS84, and a
#: point shifted across its edge has no inverse (the vectors test that edge in tests/test_vectors.py).
IN_CHINA = [
    (v["wgs84"], v["gcj02"])
    for v in VECTORS
    if not any(_crs._out_of_china(np.array(p[0]) + d, np.array(p[1]) + d) for p in v.values() for d in (-0.1, 0.1))
]


def _write_point_file(path: Path, rows, driver: str = "GPKG", crs="EPSG:4326", layer=None) -> Path:
    """A point file of ``rows`` ((x, y), {field: text}), every field a string, as the first row names them."""
    rows = list(rows)
    schema = {"geometry": "Point", "properties": dict.fromkeys(rows[0][1], "str")}
    with fiona.open(path, "w", driver=driver, schema=schema, crs=crs, encoding="utf-8", layer=layer) as out:
        for (x, y), properties in rows:
            out.write({"geometry": {"type": "Point", "coordinates": (x, y)}, "properties": properties})
    return path


def _write_points(path: Path, positions, driver: str, names=None, crs="EPSG:4326") -> Path:
    rows = [
        (xy, {"id": f"t{i}", "name": names[i] if names else f"测试点{i}", "name_en": f"Test {i}"})
        for i, xy in enumerate(positions)
    ]
    return _write_point_file(path, rows, driver, crs)


def _write_polygons(path: Path, rings, driver: str = "GPKG") -> Path:
    schema = {"geometry": "Polygon", "properties": {"name": "str"}}
    with fiona.open(path, "w", driver=driver, schema=schema, crs="EPSG:4326") as out:
        for i, ring in enumerate(rings):
            out.write({"geometry": {"type": "Polygon", "coordinates": [ring]}, "properties": {"name": f"区{i}"}})
    return path


@pytest.mark.parametrize(("driver", "suffix"), [("ESRI Shapefile", ".shp"), ("GPKG", ".gpkg")])
def test_a_gcj02_file_lands_on_the_wgs84_points_of_the_test_vectors(tmp_path, driver, suffix):
    path = _write_points(tmp_path / f"shops{suffix}", [g for _, g in IN_CHINA], driver)
    layer = read_layer(path, datum="GCJ-02")
    assert layer.points is not None and layer.frame is None  # points only: kept as arrays, not shapely objects
    assert len(layer) == len(IN_CHINA) >= 5
    for i, (wgs, _) in enumerate(IN_CHINA):
        assert _crs.geodesic_distance_m(layer.points.lon[i], layer.points.lat[i], *wgs) < 1.0
    assert layer.points.column("name_zh")[0] == "测试点0"  # Chinese survives the Shapefile (UTF-8 .cpg)
    assert layer.points.column("id") == [f"t{i}" for i in range(len(IN_CHINA))]


def test_a_point_file_without_ids_gets_them_made_alike_everywhere(tmp_path):
    from jmgeo._export import extra_layer_geojson
    from jmgeo._page_data import point_columns
    from jmgeo._search import extra_search_entries

    path = _write_point_file(tmp_path / "bare.gpkg", [((113.0 + i / 100, 22.5), {"name": f"点{i}"}) for i in range(3)])
    layer = read_layer(path)
    assert "id" not in layer.points.fields()  # no string a point held for ids the file does not have
    expected = ["bare-0", "bare-1", "bare-2"]
    assert layer.points.ids() == expected
    columns = {name: layer.points.column(name) for name in layer.points.fields()}
    page = point_columns(np.column_stack([layer.points.lon, layer.points.lat]), columns, layer.id)
    assert page["properties"]["id"] == expected
    assert [e["id"] for chunk in extra_search_entries([layer]) for e in chunk] == expected
    chunks, verify = extra_layer_geojson(layer)
    content = b"".join(chunks)
    assert [f["id"] for f in json.loads(content)["features"]] == expected
    (tmp_path / "bare.geojson").write_bytes(content)
    verify(tmp_path / "bare.geojson")  # the read-back check passes on what was written ...
    (tmp_path / "bare.geojson").write_bytes(content.replace(b'"bare-1"', b'"bare-9"'))
    with pytest.raises(OSError, match="feature 1"):  # ... and fails on a changed file
        verify(tmp_path / "bare.geojson")


def test_bd09_and_wgs84_are_converted_or_kept(tmp_path):
    wgs, gcj = IN_CHINA[0]
    bd = [float(v) for v in _crs.gcj02_to_bd09(*gcj)]
    baidu = read_layer(_write_points(tmp_path / "bd.gpkg", [bd], "GPKG"), datum="BD-09")
    assert _crs.geodesic_distance_m(baidu.points.lon[0], baidu.points.lat[0], *wgs) < 1.0
    plain = read_layer(_write_points(tmp_path / "w.gpkg", [gcj], "GPKG"))
    assert (plain.points.lon[0], plain.points.lat[0]) == tuple(gcj)  # WGS84 by default: not moved


def test_a_projected_file_is_reprojected_to_lon_lat(tmp_path):
    wgs = IN_CHINA[0][0]
    x, y = (float(v[0]) for v in _crs.Transformer.from_crs(4326, 32649, always_xy=True).transform([wgs[0]], [wgs[1]]))
    layer = read_layer(_write_points(tmp_path / "utm.gpkg", [(x, y)], "GPKG", crs="EPSG:32649"))
    assert _crs.geodesic_distance_m(layer.points.lon[0], layer.points.lat[0], *wgs) < 0.01


def test_polygons_become_a_frame_converted_from_gcj02(tmp_path):
    wgs, gcj = IN_CHINA[0]
    ring = [gcj, [gcj[0] + 0.01, gcj[1]], [gcj[0] + 0.01, gcj[1] + 0.01], gcj]
    layer = read_layer(_write_polygons(tmp_path / "zones.gpkg", [ring]), layer_id="zones", datum="gcj02")
    assert layer.points is None and list(layer.frame["name_zh"]) == ["区0"]
    corner = layer.frame.geometry.iloc[0].exterior.coords[0]
    assert _crs.geodesic_distance_m(*corner, *wgs) < 1.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a.shp", ("a.shp", None, "WGS84")),
        ("dir/a.gpkg:my_layer", ("dir/a.gpkg", "my_layer", "WGS84")),
        ("a.shp@bd09", ("a.shp", None, "BD-09")),
        ("a.shp:shops@GCJ-02", ("a.shp", "shops", "GCJ-02")),
    ],
)
def test_layer_argument(text, expected):
    path, name, datum = parse_layer_argument(text)
    assert (str(path), name, datum) == expected


@pytest.mark.parametrize("text", ["a.shp@mars", "a.shp:My-Layer"])
def test_a_wrong_layer_argument_is_refused(text):
    with pytest.raises(jmgeo.DataError, match="datum|layer name"):
        parse_layer_argument(text)


def _bad_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """Files with one bad feature each, and what the error must say about it."""
    out_of_range = _write_points(tmp_path / "far.gpkg", [(113.0, 22.5), (113.1, 22.6), (250.0, 22.5)], "GPKG")
    bowtie = [[113.0, 22.5], [113.1, 22.6], [113.1, 22.5], [113.0, 22.6], [113.0, 22.5]]
    square = [[113.0, 22.5], [113.1, 22.5], [113.1, 22.6], [113.0, 22.5]]
    invalid = _write_polygons(tmp_path / "bowtie.gpkg", [square, bowtie])
    no_geometry = tmp_path / "nogeom.gpkg"
    schema = {"geometry": "Point", "properties": {"id": "str"}}
    with fiona.open(no_geometry, "w", driver="GPKG", schema=schema, crs="EPSG:4326") as out:
        out.write({"geometry": {"type": "Point", "coordinates": (113.0, 22.5)}, "properties": {"id": "ok"}})
        out.write({"geometry": None, "properties": {"id": "empty_one"}})
    garbage = tmp_path / "garbage.shp"
    garbage.write_bytes(b"not a shapefile at all")
    return {
        "out of range": (out_of_range, r"far\.gpkg feature 2 \(id 't2'\): coordinate \(250, 22\.5\) is outside"),
        "invalid": (invalid, r"bowtie\.gpkg feature 1: invalid geometry: Self-intersection"),
        "no geometry": (no_geometry, r"nogeom\.gpkg feature 1 \(id 'empty_one'\): has no geometry"),
        "unreadable": (garbage, r"garbage\.shp: cannot be read as a vector file"),
        "missing": (tmp_path / "missing.shp", r"missing\.shp: no such file"),
    }


@pytest.mark.parametrize("case", ["out of range", "invalid", "no geometry", "unreadable", "missing"])
def test_a_bad_file_gets_one_error_naming_the_file_and_feature(tmp_path, case):
    path, message = _bad_files(tmp_path)[case]
    with pytest.raises(jmgeo.DataError, match=message):
        read_layer(path)


def test_the_cli_stops_with_exit_2_and_leaves_earlier_outputs_alone(tmp_path, cli):
    out = tmp_path / "out"
    out.mkdir()
    (out / "jiangmen.html").write_text("earlier build", encoding="utf-8")
    path, message = _bad_files(tmp_path)["out of range"]
    code, stdout, stderr = cli(["build", "-q", "--out", out, "--layer", f"{path}:far"])
    assert code == 2 and stdout == ""
    assert len([line for line in stderr.splitlines() if "far.gpkg" in line]) == 1
    assert "feature 2 (id 't2')" in stderr and "nothing was written" in stderr
    assert sorted(p.name for p in out.iterdir()) == ["jiangmen.html"]
    assert (out / "jiangmen.html").read_text(encoding="utf-8") == "earlier build"


@pytest.fixture(scope="module")
def with_layers(tmp_path_factory):
    """An atlas built from the CLI with two layers of one's own: 300 GCJ-02 points (a Shapefile) and a polygon."""
    from conftest import run_cli

    tmp = tmp_path_factory.mktemp("own")
    rng = np.random.default_rng(21)
    wgs = np.column_stack([rng.uniform(112.6, 113.2, 300), rng.uniform(22.2, 22.8, 300)])
    gcj = np.column_stack(_crs.wgs84_to_gcj02(wgs[:, 0], wgs[:, 1]))
    names = [f"测试商店{i}" for i in range(300)]
    names[123] = "蓬江独特五金店"
    shp = _write_points(tmp / "shops.shp", gcj.tolist(), "ESRI Shapefile", names=names)
    zones = _write_polygons(tmp / "zones.gpkg", [[[113.0, 22.5], [113.1, 22.5], [113.1, 22.6], [113.0, 22.5]]])
    out = tmp / "out"
    code, stdout, stderr = run_cli(["build", "-q", "--out", out, "--layer", f"{shp}:my_shops@GCJ-02", "--layer", zones])
    assert code == 0, stderr
    return out, wgs


def test_the_layers_are_exported_with_the_rest(with_layers, geodata_dir):
    out, wgs = with_layers
    shops = json.loads((out / "geojson" / "my_shops.geojson").read_text(encoding="utf-8"))
    assert [f["id"] for f in shops["features"]] == [f"t{i}" for i in range(300)]
    got = np.array([f["geometry"]["coordinates"] for f in shops["features"]])
    assert np.abs(got - wgs).max() < 1e-5  # converted from GCJ-02 back to the WGS84 positions
    gpkg = out / "jiangmen.gpkg"
    assert pyogrio.read_info(gpkg, layer="my_shops")["features"] == 300
    assert pyogrio.read_info(gpkg, layer="zones")["features"] == 1
    back = pyogrio.read_dataframe(gpkg, layer="my_shops")
    assert back.loc[123, "name_zh"] == "蓬江独特五金店" and back.crs.to_epsg() == 4326
    registry = parse_registry(geodata_dir)
    with sqlite3.connect(gpkg) as db:
        styles = dict(db.execute("SELECT f_table_name, styleQML FROM layer_styles"))
    # in the palette's colours, in turn, as the page draws them
    first, second = (",".join(str(int(c[i : i + 2], 16)) for i in (1, 3, 5)) for c in registry.user_palette[:2])
    assert f'value="{first},' in styles["my_shops"] and f'value="{second},' in styles["zones"]


@pytest.mark.browser
def test_the_page_draws_them_in_the_legend_search_and_canvas(with_layers, browser, geodata_dir):
    out, _ = with_layers
    data = read_page_data((out / "jiangmen.html").read_text(encoding="utf-8"))
    shops = next(layer for layer in data["layers"] if layer["id"] == "my_shops")
    assert shops["render"] == "canvas" and shops["count"] == 300  # more than CANVAS_MIN_FEATURES: one array
    assert shops["color"] == parse_registry(geodata_dir).user_palette[0]
    entry = next(e for e in data["search"]["entries"] if e["id"] == "t123")
    assert {"id": "t123", "layer": "my_shops"}.items() <= entry.items()
    page, _, errors, _ = open_offline(browser, out / "jiangmen.html")
    legend = page.locator(".jmgeo-legend [data-layer-id='my_shops']").inner_text()
    assert "my_shops" in legend and "(300)" in legend
    assert "(1)" in page.locator(".jmgeo-legend [data-layer-id='zones']").inner_text()
    box = page.locator(".jmgeo-search-input")
    box.click()
    box.type("独特五金")
    first = page.locator(".jmgeo-search-result").first
    assert first.get_attribute("data-feature-id") == "t123"
    box.press("Enter")
    popup = page.locator(".leaflet-popup-content .jmgeo-popup[data-feature-id='t123']")
    popup.wait_for(timeout=5000)
    assert "蓬江独特五金店" in popup.inner_text()
    drawn = page.evaluate(f"{PAGE}.layers().my_shops.drawn")
    assert drawn >= 1 and errors == []
    page.close()


@pytest.mark.parametrize("validator", ["gdal-3.6", "gdal-utils-3.13.3.0"])
def test_the_geopackage_with_your_layers_passes_gdal_validators(with_layers, validator):
    from test_gpkg_standard import VALIDATORS, _debian_gdal

    out, _ = with_layers
    done = _debian_gdal(
        "-m",
        "osgeo_utils.samples.validate_gpkg",
        "--extra",
        "--warning-as-error",
        str(out / "jiangmen.gpkg"),
        pythonpath=VALIDATORS[validator],
    )
    assert (done.returncode, done.stdout + done.stderr) == (0, "")


def _write_ids(path: Path, ids: list, layer: str | None = None) -> Path:
    # every third feature has no name, hence no search entry
    rows = [((113.0 + i / 1000, 22.5), {"id": fid, "name": f"点{i}" if i % 3 else None}) for i, fid in enumerate(ids)]
    return _write_point_file(path, rows, layer=layer)


@pytest.mark.parametrize("batch", [4, 1000])
def test_a_repeated_id_is_named_also_across_spool_batches(tmp_path, monkeypatch, batch):
    from jmgeo import _user_layers

    monkeypatch.setattr(_user_layers._Spool, "BATCH", batch)  # 4: the repeat is found against an earlier batch
    ids = [f"t{i}" for i in range(10)]
    ids[7] = "t2"
    with pytest.raises(jmgeo.DataError, match=r"ids\.gpkg feature 7 \(id 't2'\): id 't2' repeats an earlier"):
        read_layer(_write_ids(tmp_path / "ids.gpkg", ids))
    ids[7], ids[8] = "", ""  # features without an id never clash: they get <layer>-<index>
    layer = read_layer(_write_ids(tmp_path / "blanks.gpkg", ids))
    assert layer.points.ids()[6:9] == ["t6", "blanks-7", "blanks-8"]
    assert layer.points.ids(5, 8) == ["t5", "t6", "blanks-7"]


def test_the_streamed_page_arrays_are_the_arrays_written_whole(tmp_path):
    """The page's arrays of a layer read from a file, made a few points at a time, equal page_json of the whole."""
    from jmgeo._escape import page_json, page_json_items
    from jmgeo._page_data import point_columns, point_stream
    from jmgeo._search import extra_search_entries

    rng = np.random.default_rng(5)
    rows = [
        ((rng.uniform(112.5, 113.2), rng.uniform(22.2, 22.8)), {"id": f"m{i}", "name": f"店{i}", "note": "</script>"})
        for i in range(23)
    ]
    layer = read_layer(_write_point_file(tmp_path / "many.gpkg", rows), datum="GCJ-02")
    table = layer.points
    whole = point_columns(
        np.column_stack([table.lon, table.lat]), {k: table.column(k) for k in table.fields()}, layer.id
    )
    entry, streams = point_stream(table, layer.id, chunk=5)  # 23 points: chunk edges inside the delta chain
    spliced = {token: "[" + "".join(page_json_items(make())) + "]" for token, make in streams.items()}
    assert spliced[entry["points"]] == page_json(whole["points"])
    assert list(entry["properties"]) == list(whole["properties"])
    for name, token in entry["properties"].items():
        assert spliced[token] == page_json(whole["properties"][name]), name
    chunks = list(extra_search_entries([layer], chunk=5))
    assert [len(c) for c in chunks] == [5, 5, 5, 5, 3]
    assert [e["id"] for c in chunks for e in c] == [f"m{i}" for i in range(23)]


def test_a_page_whose_own_layer_has_no_names_still_parses(tmp_path):
    """No search entry at all from a layer of your own: the streamed tail of the entries leaves valid JSON."""
    from jmgeo._webmap import map_html

    path = _write_point_file(tmp_path / "bare.gpkg", [((113.0 + i / 1000, 22.5), {"kind": "x"}) for i in range(250)])
    layer = read_layer(path)
    data = read_page_data(map_html(jmgeo.make_map(extra_layers=[layer])))
    bare = next(entry for entry in data["layers"] if entry["id"] == "bare")
    assert bare["count"] == 250 and bare["properties"]["id"][:2] == ["bare-0", "bare-1"]
    assert not any(e["layer"] == "bare" for e in data["search"]["entries"]) and data["search"]["entries"]


def test_a_file_of_several_tables_needs_one_chosen(tmp_path, cli):
    path = tmp_path / "city.gpkg"
    _write_ids(path, ["a1", "a2"], layer="shops")
    _write_ids(path, ["r1", "r2", "r3"], layer="bus_stops")
    with pytest.raises(
        jmgeo.DataError, match=r"city\.gpkg: has 2 layers \((shops, bus_stops|bus_stops, shops)\); choose one"
    ):
        read_layer(path)
    with pytest.raises(jmgeo.DataError, match=r"city\.gpkg: has no layer 'roads'; its layers: "):
        read_layer(f"{path}|layername=roads")
    stops = read_layer(*parse_layer_argument(f"{path}|layername=bus_stops")[:1])
    assert stops.id == "bus_stops" and stops.points.ids() == ["r1", "r2", "r3"]
    named, name, datum = parse_layer_argument(f"{path}|layername=shops:my_shops@gcj02")
    shops = read_layer(named, layer_id=name, datum=datum)
    assert (shops.id, len(shops)) == ("my_shops", 2)
    assert len(read_layer(path, file_layer="shops")) == 2
    out = tmp_path / "out"
    code, stdout, stderr = cli(["build", "-q", "--out", out, "--layer", str(path)])
    assert code == 2 and "city.gpkg: has 2 layers" in stderr and "|layername=" in stderr and not out.exists()


def test_the_spool_goes_with_the_layer_and_the_frames_hold_every_feature(tmp_path):
    import gc

    layer = read_layer(_write_ids(tmp_path / "ids.gpkg", [f"s{i}" for i in range(45)]))
    db = layer.points.spool.db
    assert db.execute("PRAGMA database_list").fetchone()[2] == ""  # SQLite's temporary database: a file with no name
    parts = list(layer.frames(chunk=20))
    assert [len(p) for p in parts] == [20, 20, 5] and all(p.crs.to_epsg() == 4326 for p in parts)
    whole = layer.wgs84()
    assert list(whole["id"]) == [f"s{i}" for i in range(45)] and whole.crs.to_epsg() == 4326
    assert whole.loc[44, "name_zh"] == "点44" and whole.geometry.iloc[44].x == pytest.approx(113.044)
    del layer, parts, whole
    gc.collect()
    with pytest.raises(sqlite3.ProgrammingError):  # closed with the layer: its unlinked file is gone
        db.execute("SELECT count(*) FROM f")
