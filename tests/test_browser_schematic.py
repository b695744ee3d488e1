"""Schematic areas that read as areas without hiding the symbols (issue 18 item 5), in real chromium, offline.

The industrial parks' planned zones are drawn as circles up to ~32 km across. At every page's default (city)
view they are a thin outline under the point symbols (``schematic_areas`` in layers.json), filled while pointed at
or selected, and in their precision's own look from the registry's zoom on. The point symbols are opaque, so no
area, circle or outline beneath shows through them; the towns' dots and the offline land colour come from the data.
"""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from PIL import Image

from browser import PAGE, close_popup, open_offline
from conftest import edit_json
from jmgeo import DataError
from jmgeo._jsonfile import read_json
from jmgeo._registry import find_geodata_dir, parse_registry
from jmgeo._webmap import make_map, write_map

pytestmark = pytest.mark.browser

VIEWPORTS = [(1280, 800), (390, 844)]
PAGES = [p["file"] for p in read_json(find_geodata_dir() / "pages.json")["pages"]]

# Every point symbol on screen (the atlas's own and the towns' dots): its centre, the radius of its inside
# (within the outline) and what the page shows on top at its centre.
SYMBOLS_JS = """() => {
    const page = window.jmgeoAtlas.page, map = page.map, box = map.getContainer().getBoundingClientRect();
    const data = JSON.parse(document.getElementById('jmgeo-data').textContent), out = [];
    map.eachLayer(lyr => {
        if (!lyr.feature || !lyr._path || !lyr.getLatLng || lyr.getRadius === undefined) return;
        if (!map.getBounds().contains(lyr.getLatLng())) return;
        const r = lyr._path.getBoundingClientRect(), x = (r.left + r.right) / 2, y = (r.top + r.bottom) / 2;
        if (x < box.left + 2 || x > box.right - 2 || y < box.top + 2 || y > box.bottom - 2) return;
        const top = document.elementFromPoint(x, y);
        out.push({
            id: lyr.feature.properties.id, x: x, y: y,
            inside: lyr.getRadius() - lyr.options.weight / 2,
            symbol: !!top && !!top.closest('.leaflet-jmgeo-points-pane') && top.tagName === 'path',
            ui: !!top && !!top.closest('.leaflet-control, .jmgeo-label, .leaflet-tooltip, .leaflet-popup')
        });
    });
    return out;
}"""

# Each placed label: shown, and drawn in a pane stacked above the canvas the areas are painted on (labels take
# no pointer events, so elementFromPoint cannot see them).
LABELS_JS = """() => {
    const z = node => parseInt(getComputedStyle(node.closest('.leaflet-pane')).zIndex, 10);
    const canvas = z(document.querySelector('.leaflet-jmgeo-areas-pane canvas'));
    return Array.from(document.querySelectorAll('.jmgeo-label')).map(node => ({
        text: node.textContent, shown: node.getBoundingClientRect().width > 0, own: z(node) > canvas}));
}"""


def settings(geodata_dir) -> dict:
    return json.loads((geodata_dir / "layers.json").read_text(encoding="utf-8"))["schematic_areas"]


def settle(page):
    page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def shot(page) -> np.ndarray:
    settle(page)
    return np.asarray(Image.open(io.BytesIO(page.screenshot())).convert("RGB"), dtype=int)


def set_schematic_hidden(page, hidden: bool) -> None:
    """Draw the schematic areas as nothing (or as they were): what the map would be without them."""
    page.evaluate(
        f"""(hidden) => {{ const p = {PAGE};
            p.schematicAreas().forEach(id => {{
                const lyr = p.feature(id);
                if (hidden) {{ lyr._kept = Object.assign({{}}, lyr.options); lyr.setStyle({{opacity: 0, fillOpacity: 0}}); }}
                else lyr.setStyle({{opacity: lyr._kept.opacity, fillOpacity: lyr._kept.fillOpacity}});
            }}); }}""",
        hidden,
    )


def inside_pixels(image: np.ndarray, symbol: dict) -> np.ndarray:
    """The screenshot's pixels within a symbol's outline (at least its centre pixel)."""
    h, w, _ = image.shape
    ys, xs = np.mgrid[0:h, 0:w]
    r = max(symbol["inside"] - 1, 0.75)
    mask = (xs + 0.5 - symbol["x"]) ** 2 + (ys + 0.5 - symbol["y"]) ** 2 <= r * r
    return image[mask]


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: f"{v[0]}x{v[1]}")
@pytest.mark.parametrize("name", PAGES)
def test_at_the_default_view_schematic_areas_are_outlines_under_symbols_that_show_nothing_through(
    browser, built, geodata_dir, name, viewport
):
    look = settings(geodata_dir)
    page, attempts, errors, _ = open_offline(browser, built / name, viewport=viewport)
    assert page.evaluate(f"{PAGE}.map.getZoom()") < look["full_from_zoom"]
    ids = page.evaluate(f"{PAGE}.schematicAreas()")
    # the pages with the parks have their schematic areas, each drawn in the thin outline of the "rest" look
    if "industrial_parks" in json.dumps(page.evaluate(f"Object.keys({PAGE}.layers())")):
        assert len(ids) >= 5
    shown = 0
    for fid in ids:
        drawn = page.evaluate(f"{PAGE}.areaLook('{fid}')")
        if not drawn["on_map"]:  # a story chapter shows only its own places
            continue
        shown += 1
        assert (drawn["dash"], drawn["weight"], drawn["fill_opacity"]) == (
            look["rest"]["dash"],
            look["rest"]["weight"],
            look["rest"]["fill_opacity"],
        ), fid
    symbols = page.evaluate(SYMBOLS_JS)
    assert len(symbols) >= 20  # the towns' dots at least
    # every symbol is on top at its centre (or under the page's own labels and controls), never under the map
    assert all(s["symbol"] or s["ui"] for s in symbols), [s for s in symbols if not (s["symbol"] or s["ui"])]
    # and nothing of the schematic areas shows inside any symbol: the same pixels with the areas drawn and without
    with_areas = shot(page)
    set_schematic_hidden(page, True)
    without = shot(page)
    changed = [s["id"] for s in symbols if np.abs(inside_pixels(with_areas, s) - inside_pixels(without, s)).max() > 2]
    assert changed == [], f"schematic areas show through these symbols: {changed}"
    if shown:  # the outlines are drawn: the areas still read as areas
        assert (np.abs(with_areas - without).max(axis=2) > 8).sum() >= 20 * shown
    set_schematic_hidden(page, False)
    # the labels (areas' too) are never covered by what the map draws
    labels = [lb for lb in page.evaluate(LABELS_JS) if lb["shown"]]
    assert labels and all(lb["own"] for lb in labels), [lb for lb in labels if not lb["own"]]
    assert errors == [] and attempts == []
    page.close()


def _hover_spot(page, fid):
    """A spot inside the area where the map's canvas is on top and the pointer reaches this area."""
    for fraction in (0.5, 0.7, 0.3, 0.85):
        for angle in range(0, 360, 30):
            spot = page.evaluate(
                f"""() => {{ const p = {PAGE}, lyr = p.feature('{fid}'), map = p.map;
                    const b = lyr.getBounds(), c = map.latLngToContainerPoint(b.getCenter());
                    const e = map.latLngToContainerPoint(b.getNorthEast()), r = Math.abs(e.x - c.x) * {fraction};
                    const a = {angle} * Math.PI / 180, box = map.getContainer().getBoundingClientRect();
                    const x = box.left + c.x + r * Math.cos(a), y = box.top + c.y + r * Math.sin(a);
                    const top = document.elementFromPoint(x, y);
                    return top && top.tagName === 'CANVAS' ? [x, y] : null; }}"""
            )
            if spot is None:
                continue
            page.mouse.move(*spot)
            settle(page)
            if page.evaluate(f"{PAGE}.areaLook('{fid}')")["fill_opacity"] > 0:
                return spot
    return None


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: f"{v[0]}x{v[1]}")
def test_pointing_at_or_selecting_a_schematic_area_fills_it_and_the_symbols_stay_on_top(
    browser, built, geodata_dir, viewport
):
    look = settings(geodata_dir)
    page, _, errors, _ = open_offline(browser, built / "industry.html", viewport=viewport)
    before = shot(page)
    # every schematic area on screen can be pointed at (the smaller ones are drawn over the larger)
    reached = 0
    in_view = page.evaluate(
        f"{PAGE}.schematicAreas().filter(id => {PAGE}.map.getBounds().contains({PAGE}.feature(id).getBounds().getCenter()))"
    )
    assert len(in_view) >= 5
    for fid in in_view:
        spot = _hover_spot(page, fid)
        if spot is None:
            continue
        reached += 1
        drawn = page.evaluate(f"{PAGE}.areaLook('{fid}')")
        assert (drawn["weight"], drawn["fill_opacity"]) == (look["focus"]["weight"], look["focus"]["fill_opacity"])
        # only this one is filled
        others = [page.evaluate(f"{PAGE}.areaLook('{o}')")["fill_opacity"] for o in in_view if o != fid]
        assert set(others) == {look["rest"]["fill_opacity"]}
        if reached == 1:  # its fill is painted: a patch of the map changes colour around the pointer
            x, y = (int(v) for v in spot)
            # below the pointer: the tooltip opens above it
            patch = np.abs(shot(page) - before)[y + 6 : y + 36, max(x - 30, 0) : x + 30].max(axis=2)
            assert (patch > 3).sum() > 200
    assert reached >= len(in_view) - 1, (reached, in_view)
    page.mouse.move(2, viewport[1] - 2)
    settle(page)
    assert {page.evaluate(f"{PAGE}.areaLook('{o}')")["fill_opacity"] for o in in_view} == {look["rest"]["fill_opacity"]}
    # selected: filled while its popup is open (a phone has no pointer), back to the outline when closed
    fid = in_view[-1]
    page.evaluate(f"() => {{ {PAGE}.openPopup('{fid}'); }}")
    page.locator(f'.leaflet-popup-content .jmgeo-popup[data-feature-id="{fid}"]').wait_for(timeout=5000)
    page.mouse.move(2, viewport[1] - 2)
    settle(page)
    assert page.evaluate(f"{PAGE}.areaLook('{fid}')")["fill_opacity"] == look["focus"]["fill_opacity"]
    close_popup(page)
    assert page.evaluate(f"{PAGE}.areaLook('{fid}')")["fill_opacity"] == look["rest"]["fill_opacity"]
    assert errors == []
    page.close()


def test_from_the_registry_zoom_the_areas_take_their_precision_look(browser, built, geodata_dir):
    look, registry = settings(geodata_dir), parse_registry(geodata_dir)
    schematic = registry.precision_styles["schematic"]
    page, _, errors, _ = open_offline(browser, built / "jiangmen.html")
    fid = page.evaluate(f"{PAGE}.schematicAreas()[0]")
    centre = page.evaluate(
        f"(() => {{ const c = {PAGE}.feature('{fid}').getBounds().getCenter(); return [c.lat, c.lng]; }})()"
    )
    zoom = look["full_from_zoom"]
    page.evaluate(f"() => {{ {PAGE}.map.setView({centre}, {zoom - 1}, {{animate: false}}); }}")
    assert page.evaluate(f"{PAGE}.areaLook('{fid}')")["fill_opacity"] == look["rest"]["fill_opacity"]
    page.evaluate(f"() => {{ {PAGE}.map.setZoom({zoom}, {{animate: false}}); }}")
    drawn = page.evaluate(f"{PAGE}.areaLook('{fid}')")
    assert (drawn["dash"], drawn["fill_opacity"]) == (schematic["dash"], schematic["fill_opacity"])
    assert drawn["weight"] == registry.draw["width"]["area"]
    assert errors == []
    page.close()


def test_the_legend_explains_the_schematic_areas_in_chinese_and_english(browser, built, geodata_dir):
    look = settings(geodata_dir)
    page, _, errors, _ = open_offline(browser, built / "industry.html")
    zh = page.locator(".jmgeo-legend .jmgeo-legend-schematic").inner_text().strip()
    assert zh == look["label_zh"].format(zoom=look["full_from_zoom"]) and "{" not in zh
    page.evaluate(f"() => {{ {PAGE}.setLanguage('en'); }}")
    en = page.locator(".jmgeo-legend .jmgeo-legend-schematic").inner_text().strip()
    assert en == look["label_en"].format(zoom=look["full_from_zoom"])
    page.close()
    # a page without schematic areas has no such note
    page, _, more_errors, _ = open_offline(browser, built / "heritage.html")
    assert page.locator(".jmgeo-legend").count() == 1 and page.locator(".jmgeo-legend-schematic").count() == 0
    assert errors == [] and more_errors == []
    page.close()


def test_the_looks_the_town_dots_and_the_land_colour_come_from_the_data(browser, tmp_path, geodata_copy, layers, facts):
    """Changed in layers.json and basemaps.json, the page follows: no such number or colour in the page script."""

    def change_layers(data):
        data["schematic_areas"].update(full_from_zoom=0)
        data["schematic_areas"]["rest"] = {"dash": "3 3", "weight": 1.5, "fill_opacity": 0.05}
        data["draw"]["context_point"] = {"radius": 4, "width": 2, "fill_opacity": 0.5}

    def change_basemaps(data):
        next(b for b in data["basemaps"] if b["id"] == "none")["land_color"] = "#abcdef"

    edit_json(geodata_copy / "layers.json", change_layers)
    edit_json(geodata_copy / "basemaps.json", change_basemaps)
    path = tmp_path / "page.html"
    write_map(make_map(layers, facts, geodata_dir=geodata_copy, basemap="none"), path)
    page, _, errors, _ = open_offline(browser, path)
    registry = parse_registry(geodata_copy)
    schematic = registry.precision_styles["schematic"]
    fid = page.evaluate(f"{PAGE}.schematicAreas()[0]")
    drawn = page.evaluate(f"{PAGE}.areaLook('{fid}')")  # from zoom 0 on: the precision's own look
    assert (drawn["dash"], drawn["fill_opacity"]) == (schematic["dash"], schematic["fill_opacity"])
    town = page.evaluate(
        f"""() => {{ const p = {PAGE}, id = JSON.parse(document.getElementById('jmgeo-data').textContent)
            .layers.find(l => l.id === 'towns').features.features[0].properties.id;
            const o = p.feature(id).options; return [o.radius, o.weight, o.fillOpacity]; }}"""
    )
    assert town == [4, 2, 0.5]
    land = page.evaluate(
        f"""() => {{ const p = {PAGE}, id = JSON.parse(document.getElementById('jmgeo-data').textContent)
            .layers.find(l => l.id === 'neighbours').features.features[0].properties.id;
            return p.feature(id).options.fillColor; }}"""
    )
    assert land == "#abcdef"
    assert errors == []
    page.close()


@pytest.mark.parametrize(
    "file, change, where",
    [
        ("layers.json", lambda d: d["schematic_areas"].update(full_from_zoom="11"), "schematic_areas.full_from_zoom"),
        ("layers.json", lambda d: d["schematic_areas"]["rest"].update(dash="dotted"), "schematic_areas.rest.dash"),
        ("layers.json", lambda d: d["schematic_areas"]["focus"].pop("weight"), "schematic_areas.focus"),
        ("layers.json", lambda d: d["schematic_areas"].update(label_zh=" "), "schematic_areas.label_zh"),
        ("layers.json", lambda d: d["draw"]["context_point"].update(radius=-1), "draw.context_point.radius"),
        ("layers.json", lambda d: d["draw"]["point_fill"].update(hollow="white"), "draw.point_fill"),
    ],
)
def test_a_wrong_setting_is_refused_naming_the_file_and_key(geodata_copy, file, change, where):
    edit_json(geodata_copy / file, change)
    with pytest.raises(DataError) as err:
        parse_registry(geodata_copy)
    assert file in str(err.value) and where in str(err.value)


def test_a_wrong_land_colour_is_refused_naming_the_file_and_base_map(geodata_copy):
    from jmgeo._geodata import GeoData
    from jmgeo._pages import parse_basemaps

    edit_json(geodata_copy / "basemaps.json", lambda d: d["basemaps"][0].update(land_color="beige"))
    with pytest.raises(DataError) as err:
        parse_basemaps(GeoData(geodata_copy))
    assert "basemaps.json" in str(err.value) and "land_color" in str(err.value)
