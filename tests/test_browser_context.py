"""The offline view in a real browser (network blocked): neighbours as land on water, names on the map that
never overlap, towns from GeoNames, and the fall-back when a basemap's tiles cannot load."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from browser import PAGE, open_offline

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
PAGES = [p["file"] for p in json.loads((ROOT / "geodata" / "pages.json").read_text(encoding="utf-8"))["pages"]]
DISTRICTS = {"蓬江区", "江海区", "新会区", "台山市", "开平市", "鹤山市", "恩平市"}

# Every label on the map: its layer, text and screen box.
LABELS_JS = """Array.from(document.querySelectorAll('.jmgeo-label')).map(n => {
    const r = n.getBoundingClientRect();
    return {layer: n.dataset.layer, id: n.dataset.id, text: n.textContent, box: [r.left, r.top, r.right, r.bottom]};
})"""


def labels_by_layer(page) -> tuple[dict[str, list[str]], list[dict]]:
    labels = page.evaluate(LABELS_JS)
    out: dict[str, list[str]] = {}
    for label in labels:
        out.setdefault(label["layer"], []).append(label["text"])
    return out, labels


def overlapping(labels: list[dict]) -> list[tuple[str, str]]:
    pairs = []
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            (ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1) = a["box"], b["box"]
            if ax0 < bx1 - 0.5 and bx0 < ax1 - 0.5 and ay0 < by1 - 0.5 and by0 < ay1 - 0.5:
                pairs.append((a["text"], b["text"]))
    return pairs


MAPS = ROOT / "maps"
MAP_PAGES = sorted(p.name for p in MAPS.glob("*.html"))
VIEWPORTS = [(1280, 800), (390, 844)]

# The screen boxes of everything drawn over the map's canvas: names, controls, point symbols and the
# town dots (a pixel under one of them is not the land or the water).
COVERS_JS = """Array.from(document.querySelectorAll(
    '.jmgeo-label, .leaflet-control, .leaflet-jmgeo-points-pane path, .leaflet-tooltip, .leaflet-popup'
)).map(n => { const r = n.getBoundingClientRect(); return [r.left - 2, r.top - 2, r.right + 2, r.bottom + 2]; })"""

# [lon, lat] -> [x, y] in the page (CSS pixels), for the current view.
TO_SCREEN_JS = """(points) => {
    const map = window.jmgeoAtlas.page.map, box = map.getContainer().getBoundingClientRect();
    return points.map(([lon, lat]) => { const p = map.latLngToContainerPoint([lat, lon]); return [box.left + p.x, box.top + p.y]; });
}"""


def test_maps_holds_every_page_the_registry_lists():
    assert MAP_PAGES == sorted(PAGES)


def screen_samples(page, candidates, viewport, covers) -> list[tuple[float, float]]:
    """The candidates (lon, lat) that fall on screen clear of every cover box."""
    xy = page.evaluate(TO_SCREEN_JS, [[p.x, p.y] for p in candidates])
    out = []
    for x, y in xy:
        if not (3 <= x < viewport[0] - 3 and 3 <= y < viewport[1] - 3):
            continue
        if any(x0 <= x <= x1 and y0 <= y <= y1 for x0, y0, x1, y1 in covers):
            continue
        out.append((x, y))
    return out


def grid(polygon, n: int = 40):
    import numpy as np
    import shapely

    minx, miny, maxx, maxy = polygon.bounds
    xs, ys = np.meshgrid(np.linspace(minx, maxx, n), np.linspace(miny, maxy, n))
    points = shapely.points(xs.ravel(), ys.ravel())
    return [p for p in points if polygon.contains(p)]


def rgb_hex(color: str) -> tuple[int, int, int]:
    return tuple(int(color.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))


def close_to(pixel, color, tolerance: int = 3) -> bool:
    return all(abs(int(a) - b) <= tolerance for a, b in zip(pixel[:3], color, strict=True))


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: f"{v[0]}x{v[1]}")
@pytest.mark.parametrize("name", MAP_PAGES)
def test_every_page_in_maps_shows_land_sea_towns_and_key_names_offline(browser, layers, name, viewport):
    """The issue's "done when", read from the committed pages with the network refused: the neighbours drawn
    as land and named, the sea showing as water, towns and the key places named, at the page's default view."""
    import io

    import shapely
    from PIL import Image

    page, attempts, errors, dialogs = open_offline(browser, MAPS / name, viewport=viewport)
    assert attempts == [] and errors == [] and dialogs == []
    assert page.evaluate(f"{PAGE}.map.getContainer().classList.contains('jmgeo-offline')")
    water = page.evaluate("getComputedStyle(document.querySelector('.leaflet-container')).backgroundColor")
    assert water == "rgb(207, 226, 238)"
    water_rgb = tuple(int(v) for v in re.findall(r"\d+", water))
    shot = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
    covers = page.evaluate(COVERS_JS)

    # what the page draws of its own: kept clear of, so a sample is land or water only
    own = shapely.union_all(
        [
            geom.buffer(0.07)
            for layer, frame in layers.items()
            if layer not in ("city", "districts", "neighbours", "towns")
            for geom in frame.geometry
        ]
    )
    land = shapely.union_all([*layers["city"].geometry, *layers["neighbours"].geometry])
    west, south, east, north = page.evaluate(
        f"(() => {{ const b = {PAGE}.map.getBounds(); return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }})()"
    )
    view = shapely.box(west, south, east, north)
    # the sea: the view less the land (and 5 km of its coast) and the page's own features
    sea = screen_samples(page, grid(view.difference(land.buffer(0.05)).difference(own)), viewport, covers)
    assert len(sea) >= 5, f"no open water on screen on {name}"
    wrong = [
        (x, y, shot.getpixel((int(x), int(y))))
        for x, y in sea
        if not close_to(shot.getpixel((int(x), int(y))), water_rgb)
    ]
    assert wrong == [], f"not water on {name}: {wrong[:5]}"
    # the neighbours: their land (their fill, opaque offline), away from their borders and the page's features
    neighbours_seen = []
    for row in layers["neighbours"].itertuples():
        inner = row.geometry.buffer(-0.04).intersection(view).difference(own)
        samples = screen_samples(page, grid(inner, 25), viewport, covers) if not inner.is_empty else []
        if not samples:
            continue
        fill = page.evaluate(f"{PAGE}.feature('{row.id}').options.fillColor")
        assert page.evaluate(f"{PAGE}.feature('{row.id}').options.fillOpacity") == 1
        assert not close_to(rgb_hex(fill), water_rgb, 20)
        off = [(x, y) for x, y in samples[:20] if not close_to(shot.getpixel((int(x), int(y))), rgb_hex(fill))]
        assert off == [], f"{row.name_zh} is not drawn as land at {off[:5]} on {name}"
        neighbours_seen.append(row.name_zh)
    assert len(neighbours_seen) >= 3, neighbours_seen

    by_layer, labels = labels_by_layer(page)
    assert overlapping(labels) == []
    assert len(by_layer.get("neighbours", [])) >= 3, by_layer
    assert len(by_layer.get("towns", [])) >= (10 if viewport[0] >= 1000 else 5), by_layer.get("towns")
    if name == "story.html":  # opens on its first chapter, the estuary, with only that chapter's layers
        # framed clear of the story panel and the legend (issue 19), the estuary's shores are named; 香港's name
        # would fall under the legend at this view, so it is not asked for
        named = set(by_layer.get("neighbours", []))
        if viewport[0] >= 1000:
            assert {"中山市", "珠海市", "澳门特别行政区"} <= named, by_layer
        else:  # on a phone, 澳门's name has no room beside 珠海's at this zoom
            assert {"中山市", "珠海市"} <= named, by_layer
        assert {"深中通道", "黄茅海跨海通道", "深江铁路"} <= set(by_layer.get("corridors", [])), by_layer
        page.close()
        return
    assert "江门市" in by_layer.get("city", [])
    assert set(by_layer.get("districts", [])) == DISTRICTS
    data = page.evaluate("JSON.parse(document.getElementById('jmgeo-data').textContent)")
    keyed = {layer["id"] for layer in data["layers"] if layer.get("label_rank") == 3}
    if keyed:
        assert keyed & set(by_layer), f"no key hub or site named on {name}: {sorted(by_layer)}"
    page.close()


def test_labels_follow_the_zoom_and_the_language(browser, built):
    page, attempts, errors, dialogs = open_offline(browser, built / "jiangmen.html")
    default, _ = labels_by_layer(page)
    registry = json.loads((ROOT / "geodata" / "layers.json").read_text(encoding="utf-8"))["layers"]
    towns_from = next(layer["label_min_zoom"] for layer in registry if layer["id"] == "towns")
    page.evaluate(f"() => {{ {PAGE}.map.setZoom({towns_from - 1}, {{animate: false}}); }}")
    zoomed_out, labels = labels_by_layer(page)
    assert "towns" not in zoomed_out and "neighbours" in zoomed_out  # towns only from their label_min_zoom
    assert overlapping(labels) == []
    page.evaluate(f"() => {{ {PAGE}.map.setView([22.44, 112.99], 12, {{animate: false}}); }}")  # around 双水镇
    zoomed_in, labels = labels_by_layer(page)
    # closer in, towns are named (双水镇's own point carries the paper base's label, which ranks first)
    assert len(zoomed_in.get("towns", [])) >= 3 and overlapping(labels) == []
    assert all(re.search("[\u4e00-\u9fff]", name) for name in zoomed_in["towns"])
    page.evaluate(f"() => {{ {PAGE}.setLanguage('en'); }}")
    english, labels = labels_by_layer(page)
    assert len(english.get("towns", [])) >= 3 and overlapping(labels) == []
    assert all(re.fullmatch(r"[A-Za-z’' -]+", name) for name in english["towns"]), english["towns"]
    assert errors == []
    page.close()


def test_a_basemap_whose_tiles_fail_falls_back_to_the_offline_view_and_says_so(browser, built):
    page, attempts, errors, dialogs = open_offline(browser, built / "jiangmen.html", fragment="#basemap=osm")
    page.wait_for_selector(".jmgeo-tiles-failed", timeout=10000)
    assert any("openstreetmap" in url for url in attempts)
    notice = page.locator(".jmgeo-tiles-failed")
    assert "OpenStreetMap" in notice.text_content() and notice.get_attribute("role") == "status"
    assert page.evaluate(f"{PAGE}.map.getContainer().classList.contains('jmgeo-offline')")
    assert page.locator(".leaflet-control-layers-base label", has_text="无底图").locator("input").is_checked()
    by_layer, _ = labels_by_layer(page)
    assert "neighbours" in by_layer
    assert errors == []
    page.close()
