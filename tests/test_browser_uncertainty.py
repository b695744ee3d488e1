"""Uncertainty circles that inform without hiding (issue 18 item 5), in a real browser with the network blocked.

At the city view no circle is drawn over, or around, the point symbols; the hovered or selected feature's circle
is; from the registry's zoom on, every one is. The settings come from ``layers.json`` and the legend explains
them in both languages.
"""

from __future__ import annotations

import json
import math

import pytest

from browser import PAGE, close_popup, open_offline
from jmgeo import DataError
from jmgeo._registry import parse_registry
from jmgeo._webmap import make_map, write_map

pytestmark = pytest.mark.browser

VIEWPORTS = [(1280, 800), (390, 844)]

# Every point symbol of the atlas's own layers in the view: its id and what the page shows at its centre
# (the topmost element there: the symbol's own SVG path, another symbol, a label or control, or the canvas
# the circles are painted on).
SYMBOLS_JS = """() => {
    const page = window.jmgeoAtlas.page, map = page.map, box = map.getContainer().getBoundingClientRect();
    const data = JSON.parse(document.getElementById('jmgeo-data').textContent), out = [];
    data.layers.forEach(layer => {
        if (layer.role === 'context') return;
        layer.features.features.forEach(f => {
            const lyr = page.feature(f.properties.id);
            if (!lyr || !lyr._path || !lyr.getLatLng || !map.hasLayer(lyr)) return;
            if (!map.getBounds().contains(lyr.getLatLng())) return;  // off screen (Leaflet leaves its path empty)
            const r = lyr._path.getBoundingClientRect(), x = (r.left + r.right) / 2, y = (r.top + r.bottom) / 2;
            if (x < box.left || x > box.right || y < box.top || y > box.bottom) return;
            const top = document.elementFromPoint(x, y);
            out.push({
                id: f.properties.id, x: x, y: y,
                uncertainty: f.properties.uncertainty_m || 0,
                own: top === lyr._path,
                symbol: !!top && !!top.closest('.leaflet-jmgeo-points-pane') && top.tagName === 'path',
                canvas: !!top && top.tagName === 'CANVAS',
                ui: !!top && !!top.closest('.leaflet-control, .jmgeo-label, .leaflet-tooltip')
            });
        });
    });
    return out;
}"""


def settings(geodata_dir) -> dict:
    return json.loads((geodata_dir / "layers.json").read_text(encoding="utf-8"))["uncertainty_halos"]


def halo_ids(page) -> list[str]:
    return sorted(page.evaluate(f"{PAGE}.halos()"))


def settle(page):
    page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def with_halo(symbols, minimum) -> list[dict]:
    """The symbols with a circle to show that the pointer can reach (their own path on top at their centre)."""
    return [s for s in symbols if s["uncertainty"] >= minimum and s["own"]]


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: f"{v[0]}x{v[1]}")
def test_at_the_default_view_no_circle_is_drawn_and_every_symbol_is_on_top(browser, built, geodata_dir, viewport):
    halos = settings(geodata_dir)
    page, attempts, errors, _ = open_offline(browser, built / "jiangmen.html", viewport=viewport)
    assert page.evaluate(f"{PAGE}.map.getZoom()") < halos["all_from_zoom"]
    assert halo_ids(page) == []
    symbols = page.evaluate(SYMBOLS_JS)
    # the page has approximate points whose stated circles would reach far beyond their symbol at this zoom
    assert len(with_halo(symbols, halos["min_radius_m"])) >= 10
    covered = [s["id"] for s in symbols if s["canvas"]]
    assert covered == [], f"painted over by the canvas (where the circles are): {covered}"
    # each symbol is on top at its centre (itself or another symbol at the same spot), or under the page's own
    # text and controls, never under anything drawn on the map
    assert all(s["symbol"] or s["ui"] for s in symbols), [s for s in symbols if not (s["symbol"] or s["ui"])]
    assert sum(s["symbol"] for s in symbols) >= 0.8 * len(symbols)
    assert errors == [] and attempts == []
    page.close()


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: f"{v[0]}x{v[1]}")
def test_hovering_or_selecting_a_point_draws_its_circle_under_the_symbols(browser, built, geodata_dir, viewport):
    halos = settings(geodata_dir)
    page, _, errors, _ = open_offline(browser, built / "jiangmen.html", viewport=viewport)
    target = with_halo(page.evaluate(SYMBOLS_JS), halos["min_radius_m"])[0]
    fid = target["id"]
    page.mouse.move(target["x"], target["y"])
    page.wait_for_function(f"{PAGE}.halos().length === 1")
    assert halo_ids(page) == [fid]
    look = page.evaluate(f"{PAGE}.haloLook('{fid}')")
    assert look["dash"] == halos["focus"]["dash"] and look["weight"] == halos["focus"]["weight"]
    assert look["pane"] == "jmgeo-areas"  # the canvas below the points' pane
    # its radius on screen is the stated uncertainty at this zoom (Web Mercator's metres per pixel)
    lat, zoom = page.evaluate(f"[{PAGE}.feature('{fid}').getLatLng().lat, {PAGE}.map.getZoom()]")
    metres_per_px = 40_075_016.686 * math.cos(math.radians(lat)) / (256 * 2**zoom)
    assert look["radius_px"] == pytest.approx(target["uncertainty"] / metres_per_px, rel=0.02)
    # while it is shown, every symbol is still on top of it
    assert [s["id"] for s in page.evaluate(SYMBOLS_JS) if s["canvas"]] == []
    page.mouse.move(2, viewport[1] - 2)
    page.wait_for_function(f"{PAGE}.halos().length === 0")
    # selected: the circle stays while its popup is open, and goes with it
    page.mouse.click(target["x"], target["y"])
    page.locator(f'.leaflet-popup-content .jmgeo-popup[data-feature-id="{fid}"]').wait_for(timeout=5000)
    page.mouse.move(2, viewport[1] - 2)
    settle(page)
    assert halo_ids(page) == [fid]
    close_popup(page)
    assert halo_ids(page) == []
    assert errors == []
    page.close()


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: f"{v[0]}x{v[1]}")
def test_from_the_registry_zoom_every_circle_is_drawn_in_the_rest_look(browser, built, geodata_dir, viewport):
    halos = settings(geodata_dir)
    page, _, errors, _ = open_offline(browser, built / "jiangmen.html", viewport=viewport)
    data = page.evaluate("JSON.parse(document.getElementById('jmgeo-data').textContent)")
    expected = sorted(
        f["properties"]["id"]
        for layer in data["layers"]
        if layer["role"] != "context"
        for f in layer["features"]["features"]
        if f["geometry"]["type"] == "Point" and (f["properties"].get("uncertainty_m") or 0) >= halos["min_radius_m"]
    )
    assert len(expected) >= 10
    zoom = halos["all_from_zoom"]
    page.evaluate(f"() => {{ {PAGE}.map.setView([22.45, 112.95], {zoom - 1}, {{animate: false}}); }}")
    assert halo_ids(page) == []
    page.evaluate(f"() => {{ {PAGE}.map.setZoom({zoom}, {{animate: false}}); }}")
    assert halo_ids(page) == expected
    look = page.evaluate(f"{PAGE}.haloLook('{expected[0]}')")
    assert look["dash"] == halos["rest"]["dash"] and look["fill_opacity"] == halos["rest"]["fill_opacity"]
    settle(page)
    assert [s["id"] for s in page.evaluate(SYMBOLS_JS) if s["canvas"]] == []
    assert errors == []
    page.close()


def test_a_layer_switched_off_takes_its_circles_and_brings_them_back(browser, built, geodata_dir):
    halos = settings(geodata_dir)
    page, _, errors, _ = open_offline(browser, built / "jiangmen.html")
    page.evaluate(f"() => {{ {PAGE}.map.setView([22.45, 112.95], {halos['all_from_zoom']}, {{animate: false}}); }}")
    data = page.evaluate("JSON.parse(document.getElementById('jmgeo-data').textContent)")
    hubs = next(layer for layer in data["layers"] if layer["id"] == "logistics_hubs")
    ids = {f["properties"]["id"] for f in hubs["features"]["features"]}
    before = set(halo_ids(page))
    assert before & ids
    toggle = page.locator(".leaflet-control-layers-overlays label", has_text=hubs["title_zh"]).locator("input")
    toggle.uncheck()
    assert set(halo_ids(page)) == before - ids
    # zoomed out and back while the layer is off: its circles come back with it all the same
    zoom = halos["all_from_zoom"]
    page.evaluate(f"() => {{ {PAGE}.map.setZoom({zoom - 2}, {{animate: false}}); }}")
    assert halo_ids(page) == []
    page.evaluate(f"() => {{ {PAGE}.map.setZoom({zoom}, {{animate: false}}); }}")
    assert set(halo_ids(page)) == before - ids
    toggle.check()
    assert set(halo_ids(page)) == before
    assert errors == []
    page.close()


def test_the_legend_explains_the_circles_in_chinese_and_english(browser, built, geodata_dir):
    halos = settings(geodata_dir)
    page, _, errors, _ = open_offline(browser, built / "jiangmen.html")
    note = page.locator(".jmgeo-legend .jmgeo-legend-halos")
    zh = note.inner_text()
    assert f"第 {halos['all_from_zoom']} 级" in zh
    assert "{" not in zh and zh.strip() == halos["label_zh"].format(
        zoom=halos["all_from_zoom"], min_m=halos["min_radius_m"]
    )
    page.evaluate(f"() => {{ {PAGE}.setLanguage('en'); }}")
    en = page.locator(".jmgeo-legend .jmgeo-legend-halos").inner_text()
    assert en.strip() == halos["label_en"].format(zoom=halos["all_from_zoom"], min_m=halos["min_radius_m"])
    assert f"zoom {halos['all_from_zoom']}" in en
    page.close()
    # a page without points to circle has no such note, only the general one on dashed and hollow symbols
    page, _, more_errors, _ = open_offline(browser, built / "districts.html")
    assert page.locator(".jmgeo-legend").count() == 1
    assert page.locator(".jmgeo-legend-halos").count() == 0
    assert page.locator(".jmgeo-legend .jmgeo-legend-note", has_text="虚线与空心符号").count() == 1
    assert errors == [] and more_errors == []
    page.close()


def test_the_settings_come_from_the_registry(browser, tmp_path, geodata_copy, layers, facts):
    """From zoom 0 on: every circle at the city view, drawn as layers.json says (no number in the page script)."""

    def change(data):
        data["uncertainty_halos"].update(all_from_zoom=0, min_radius_m=5000)
        data["uncertainty_halos"]["rest"] = {"dash": "3 3", "weight": 1.5, "fill_opacity": 0.05}

    layers_json = geodata_copy / "layers.json"
    data = json.loads(layers_json.read_text(encoding="utf-8"))
    change(data)
    layers_json.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    path = tmp_path / "page.html"
    write_map(make_map(layers, facts, geodata_dir=geodata_copy, basemap="none"), path)
    page, _, errors, _ = open_offline(browser, path)
    expected = sorted(
        row.id
        for name, frame in layers.items()
        if "uncertainty_m" in frame and name not in ("towns", "neighbours")
        for row in frame.itertuples()
        if row.geometry.geom_type == "Point" and (row.uncertainty_m or 0) >= 5000
    )
    assert expected and halo_ids(page) == expected
    look = page.evaluate(f"{PAGE}.haloLook('{expected[0]}')")
    assert (look["dash"], look["weight"], look["fill_opacity"]) == ("3 3", 1.5, 0.05)
    assert errors == []
    page.close()


@pytest.mark.parametrize(
    "bad, where",
    [
        ({"all_from_zoom": "11"}, "uncertainty_halos.all_from_zoom"),
        ({"min_radius_m": -1}, "uncertainty_halos.min_radius_m"),
        ({"rest": {"dash": "dotted", "weight": 1, "fill_opacity": 0.1}}, "uncertainty_halos.rest.dash"),
        ({"focus": {"dash": None, "weight": 1}}, "uncertainty_halos.focus"),
        ({"label_en": ""}, "uncertainty_halos.label_en"),
        ({"colour": "#000"}, "uncertainty_halos"),
    ],
)
def test_a_wrong_setting_is_refused_naming_the_file_and_key(geodata_copy, bad, where):
    layers_json = geodata_copy / "layers.json"
    data = json.loads(layers_json.read_text(encoding="utf-8"))
    data["uncertainty_halos"].update(bad)
    layers_json.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(DataError) as err:
        parse_registry(geodata_copy)
    assert "layers.json" in str(err.value) and where in str(err.value)
