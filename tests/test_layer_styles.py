"""Every layer's default style is inside the GeoPackage (``layer_styles``), drawn as the web map draws it."""

import dataclasses
import sqlite3
import xml.etree.ElementTree as ET

import pytest

from jmgeo._geodata import read_geodata
from jmgeo._layer_styles import LABEL_EXPRESSION, layer_style, looks
from jmgeo._registry import parse_registry

SLD = "{http://www.opengis.net/sld}"


@pytest.fixture(scope="module")
def registry(geodata_dir):
    return parse_registry(geodata_dir)


@pytest.fixture(scope="module")
def stored(built):
    with sqlite3.connect(built / "jiangmen.gpkg") as db:
        db.row_factory = sqlite3.Row
        return [dict(row) for row in db.execute("SELECT * FROM layer_styles ORDER BY id")]


def _latitude(layers, registry) -> float:
    return float(layers[registry.city_layer].total_bounds[[1, 3]].mean())


def _rest(registry) -> dict:
    """How schematic areas are drawn below the page's zoom for them (layers.json ``schematic_areas``)."""
    return registry.schematic_areas["rest"]


def _rgb(color: str) -> str:
    return ",".join(str(int(color[i : i + 2], 16)) for i in (1, 3, 5))


def test_every_layer_has_one_default_style_in_the_geopackage(stored, registry, built):
    assert [row["f_table_name"] for row in stored] == [spec.id for spec in registry.layers]
    for row in stored:
        assert row["useAsDefault"] == 1 and row["f_geometry_column"] == "geom"
        assert (row["f_table_catalog"], row["f_table_schema"]) == ("", "")
    with sqlite3.connect(built / "jiangmen.gpkg") as db:
        kind = db.execute("SELECT data_type FROM gpkg_contents WHERE table_name = 'layer_styles'").fetchone()
    assert kind == ("attributes",)  # a table of the GeoPackage, not a stray SQLite table


@pytest.mark.parametrize("index", range(7))
def test_qml_draws_the_layer_colour_and_the_precision_dashes(stored, registry, layers, index):
    spec = registry.layers[index]
    row = stored[index]
    qml = ET.fromstring(row["styleQML"].split("\n", 1)[1])
    assert qml.get("labelsEnabled") == "1"
    assert qml.find("labeling/settings/text-style").get("fieldName") == LABEL_EXPRESSION
    rules = qml.findall("renderer-v2/rules/rule")
    symbols = {s.get("name"): s for s in qml.findall("renderer-v2/symbols/symbol")}
    expected = looks(spec, registry, _latitude(layers, registry))
    assert len(rules) == len(expected) >= len(registry.precision_styles)
    for rule, look in zip(rules, expected, strict=True):
        assert rule.get("filter") == f"\"precision\" = '{look.precision}'"
        assert rule.get("scalemindenom") == (None if look.min_denominator is None else f"{look.min_denominator:.0f}")
        assert rule.get("scalemaxdenom") == (None if look.max_denominator is None else f"{look.max_denominator:.0f}")
        options = {o.get("name"): o.get("value") for o in symbols[rule.get("symbol")].iter("Option") if o.get("name")}
        stroke = options.get("line_color") or options.get("outline_color")
        assert stroke.startswith(_rgb(spec.color) + ","), (spec.id, look)
        dash = (
            registry.precision_styles[look.precision]["dash"]
            if look.min_denominator is None
            else _rest(registry)["dash"]
        )
        if look.kind == "line" or (look.kind == "area" and spec.role == "places"):
            assert options["use_custom_dash"] == ("1" if dash else "0")
            if dash:
                assert options["customdash"] == dash.replace(" ", ";")


@pytest.mark.parametrize("index", range(7))
def test_sld_is_the_same_style_for_other_clients(stored, registry, index):
    spec = registry.layers[index]
    sld = ET.fromstring(stored[index]["styleSLD"].encode("utf-8"))
    assert sld.tag == f"{SLD}StyledLayerDescriptor"
    strokes = {p.text for p in sld.iter(f"{SLD}CssParameter") if p.get("name") == "stroke"}
    assert strokes == {spec.color}
    dashes = {p.text for p in sld.iter(f"{SLD}CssParameter") if p.get("name") == "stroke-dasharray"}
    if spec.role == "places":
        rest = {_rest(registry)["dash"]} if "area" in {look.kind for look in looks(spec, registry)} else set()
        assert dashes == {s["dash"] for s in registry.precision_styles.values() if s["dash"]} | rest
    labels = [p.text for p in sld.iter("{http://www.opengis.net/ogc}PropertyName")]
    assert labels[-2:] == ["name_zh", "name_en"]


def test_styles_follow_the_registry_not_the_code(registry):
    spec = registry.layer("sites")
    repainted = dataclasses.replace(spec, color="#123456")
    style = layer_style(repainted, registry)
    assert "18,52,86,242" in style.qml and "#123456" in style.sld
    assert "102,166,30" not in style.qml  # the registry's own colour for sites is gone
    styles = dict(registry.precision_styles)
    styles["approximate"] = {**styles["approximate"], "dash": "9 3"}
    restyled = dataclasses.replace(registry, precision_styles=styles)
    assert '"customdash" type="QString" value="9;3"' not in layer_style(spec, restyled).qml  # points: no custom dash
    assert '"customdash" type="QString" value="9;3"' in layer_style(restyled.layer("corridors"), restyled).qml


def test_a_layer_outside_the_registry_gets_no_style(tmp_path, layers, facts, geodata_dir):
    from jmgeo._export import write_geopackage

    data = read_geodata(geodata_dir)
    path = write_geopackage(
        {"mine": layers["sites"], "sites": layers["sites"]}, facts, tmp_path / "t.gpkg", data.registry
    )
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT f_table_name FROM layer_styles").fetchall() == [("sites",)]


@pytest.fixture(scope="module")
def blank_page(browser, tmp_path_factory):
    """Leaflet and the page script in a blank page (nothing started): window.jmgeoAtlas's modules."""
    from jmgeo._page_assets import inline_assets

    assets = inline_assets()
    path = tmp_path_factory.mktemp("styles") / "blank.html"
    path.write_text(
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><script>{assets['leaflet_js']}</script>"
        f"<script>{assets['atlas_js']}</script></head><body></body></html>",
        encoding="utf-8",
    )
    page = browser.new_page()
    page.goto(path.as_uri())
    yield page
    page.close()


def _page_style(page, registry, spec, kind: str, precision: str | None, function: str = "styleFor") -> dict:
    """What the page script's styleFor (or pointStyle) gives a feature of this layer, kind and precision."""
    return page.evaluate(
        """([draw, precisionStyles, layer, precision]) => window.jmgeoAtlas.draw.FUNCTION(
            {data: {draw: draw, precision_styles: precisionStyles},
             state: {offline: false, level: "detail"}, leveled: {}},
            layer, {id: "x", precision: precision})""".replace("FUNCTION", function),
        [
            registry.draw,
            registry.precision_styles,
            {"id": spec.id, "role": spec.role, "kind": kind, "color": spec.color},
            precision,
        ],
    )


@pytest.mark.browser
def test_qgis_styles_and_the_page_draw_from_one_source(blank_page, registry):
    """Widths, opacities, dashes and the roles' overrides: the page's styleFor and the QML/SLD looks agree.

    Both read ``draw`` in layers.json; change a value there and both follow (checked below too).
    """
    compared = 0
    for spec in registry.layers:
        for look in looks(spec, registry):
            if look.kind == "point":  # drawn by pointStyle from the same entry: radius, outline, fill
                page = _page_style(blank_page, registry, spec, look.kind, look.precision, "pointStyle")
                assert (page["radius"], page["weight"]) == (look.radius, look.width), (spec.id, look)
                assert (page["fillColor"], page["fillOpacity"]) == (look.fill, look.fill_opacity), (spec.id, look)
                compared += 1
                continue
            page = _page_style(blank_page, registry, spec, look.kind, look.precision)
            assert page["weight"] == look.width, (spec.id, look)
            assert page["opacity"] == look.stroke_opacity
            assert tuple(float(n) for n in (page["dashArray"] or "").split()) == look.dash, (spec.id, look)
            if spec.role != "context":  # the page fills context land in its own offline colour
                assert page["fillOpacity"] == look.fill_opacity, (spec.id, look)
            compared += 1
    assert compared >= 15  # every area and line look of every layer
    # one changed value in the registry moves both
    draw = {**registry.draw, "width": {**registry.draw["width"], "line": 9}}
    changed = dataclasses.replace(registry, draw=draw)
    spec = next(s for s in registry.layers if "LineString" in s.geometry_types)
    surveyed = next(look for look in looks(spec, changed) if look.kind == "line" and look.precision == "surveyed")
    assert surveyed.width == 9 == _page_style(blank_page, changed, spec, "line", "surveyed")["weight"]


@pytest.mark.browser
def test_a_layer_of_your_own_is_styled_plainly_as_the_page_draws_it(blank_page, registry):
    from jmgeo._registry import LayerSpec

    spec = LayerSpec("mine", "我的", "Mine", "", "", ("Polygon",), registry.user_palette[0], role="user")
    (look,) = looks(spec, registry)
    page = _page_style(blank_page, registry, dataclasses.replace(spec, role="places"), "area", None)
    assert (page["weight"], page["fillOpacity"], page["dashArray"]) == (look.width, look.fill_opacity, None)
    qml = ET.fromstring(layer_style(spec, registry).qml.split("\n", 1)[1])
    assert [rule.get("filter") for rule in qml.findall("renderer-v2/rules/rule")] == ["TRUE"]
