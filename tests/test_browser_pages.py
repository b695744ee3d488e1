"""The pages as a person uses them, in headless chromium with the network blocked."""

from __future__ import annotations

import math

import pytest

from browser import FEATURES_JS, ON_SCREEN_JS, PAGE, open_offline, wait_for_text_twin
from jmgeo import _crs as crs

pytestmark = pytest.mark.browser

CONTEXT = {"neighbours", "towns"}  # on every page (geodata/pages.json)


@pytest.fixture
def atlas_page(browser, built):
    # tiles answer (blank): the tests that switch basemaps test the datum, not a failing network
    page, attempts, errors, dialogs = open_offline(browser, built / "jiangmen.html", tiles=True)
    yield page
    assert errors == [] and dialogs == []
    page.close()


def test_language_switch_changes_every_label_and_is_remembered(browser, built, atlas_page):
    page = atlas_page
    assert page.locator(".jmgeo-legend h4").inner_text() == "图例"
    assert page.evaluate("document.documentElement.lang") == "zh-Hans"
    page.locator(".jmgeo-lang-button").click()
    assert page.locator(".jmgeo-legend h4").inner_text() == "Legend"
    assert page.locator(".jmgeo-boundary-note").inner_text() == (
        "District borders are simplified to within 30 m of the source boundaries; at the city-wide view every outline is within 280 m (under a pixel there)."
    )
    assert "Logistics hubs and ports" in page.locator(".leaflet-control-layers-overlays").inner_text()
    assert page.locator(".jmgeo-search-label").inner_text() == "Search places"
    assert "lang=en" in page.evaluate("location.hash")
    # popups follow the language: English name first, Chinese quote kept
    page.evaluate(f"{PAGE}.openPopup('juno')")
    popup = page.locator(".leaflet-popup-content .jmgeo-popup[data-feature-id='juno']")
    assert popup.locator(".jmgeo-name-primary").inner_text().startswith("Jiangmen Underground")
    assert "Facts" in popup.locator(".jmgeo-facts-title").inner_text()
    assert popup.locator(".jmgeo-quote").first.get_attribute("lang") == "zh-Hans"
    # the text twin's interface words switch too
    wait_for_text_twin(page)
    assert "Text version" in page.locator("#jmgeo-text-title").inner_text()
    assert page.locator("#jmgeo-text thead th").first.inner_text() == "Name"
    # opening the address again keeps English
    again, *_ = open_offline(browser, built / "jiangmen.html", "#lang=en")
    assert again.locator(".jmgeo-legend h4").inner_text() == "Legend"
    again.close()


def test_search_by_pinyin_with_the_keyboard_opens_the_place(atlas_page):
    page = atlas_page
    box = page.locator(".jmgeo-search-input")
    box.click()
    box.type("gaosha gang")
    first = page.locator(".jmgeo-search-result").first
    assert first.get_attribute("data-feature-id") == "gaosha_port"
    assert box.get_attribute("aria-expanded") == "true"
    box.press("Enter")
    popup = page.locator(".leaflet-popup-content .jmgeo-popup[data-feature-id='gaosha_port']")
    popup.wait_for(timeout=5000)
    assert "高沙港" in popup.inner_text()
    center = page.evaluate(f"(() => {{ const c = {PAGE}.map.getCenter(); return [c.lat, c.lng]; }})()")
    hub = page.evaluate(f"(() => {{ const p = {PAGE}.feature('gaosha_port').getLatLng(); return [p.lat, p.lng]; }})()")
    assert crs.geodesic_distance_m(center[1], center[0], hub[1], hub[0]) < 2000


@pytest.mark.parametrize(
    "query,expected", [("江门国际货柜码头", "gaosha_port"), ("Gaosha", "gaosha_port"), ("zhongweizi", "juno")]
)
def test_search_other_spellings(atlas_page, query, expected):
    box = atlas_page.locator(".jmgeo-search-input")
    box.fill(query)
    assert atlas_page.locator(".jmgeo-search-result").first.get_attribute("data-feature-id") == expected
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") is not None


def test_basemap_switch_shifts_overlays_by_the_gcj02_offset(atlas_page):
    page = atlas_page
    page.evaluate(f"() => {{ {PAGE}.map.setView({PAGE}.feature('juno').getLatLng(), 14, {{animate: false}}); }}")

    def marker_xy():
        return page.evaluate(
            f"(() => {{ const m = {PAGE}.map; const p = m.latLngToContainerPoint("
            f"{PAGE}.feature('juno').getLatLng()); return [p.x, p.y]; }})()"
        )

    def path_xy():
        box = page.evaluate_handle(f"{PAGE}.feature('juno')._path").as_element().bounding_box()
        return [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2]

    before, before_path = marker_xy(), path_xy()
    assert page.locator(".jmgeo-datum").get_attribute("data-datum") == "WGS84"
    page.locator(".leaflet-control-layers-base label", has_text="高德").locator("input").click()
    assert page.locator(".jmgeo-datum").get_attribute("data-datum") == "GCJ-02"
    assert "basemap=amap" in page.evaluate("location.hash")
    after, after_path = marker_xy(), path_xy()
    moved = math.dist(before_path, after_path)
    # expected shift in screen pixels, from the Python conversion and Web Mercator's scale at zoom 14
    juno = page.evaluate(f"{PAGE}.feature('juno').feature.geometry.coordinates")
    lon, lat = juno
    glon, glat = crs.wgs84_to_gcj02(lon, lat)
    metres = crs.geodesic_distance_m(lon, lat, float(glon), float(glat))
    metres_per_pixel = 156543.03392 * math.cos(math.radians(lat)) / 2**14
    assert moved == pytest.approx(metres / metres_per_pixel, rel=0.05)
    assert math.dist(before, after) == pytest.approx(moved, abs=1.5)
    # switching back restores the WGS84 position
    page.locator(".leaflet-control-layers-base label", has_text="OpenStreetMap").locator("input").click()
    assert math.dist(path_xy(), before_path) < 1
    # the layers drawn again in each datum have their tooltips and popups at once
    features = page.evaluate("Object.keys((%s)()).length" % FEATURES_JS)
    assert features > 50 and page.evaluate("(%s)()" % BOUND) == features


def test_a_basemap_link_draws_the_layers_in_its_datum_from_the_start(browser, built):
    """``#basemap=amap`` opens on the GCJ-02 map: the layers are drawn shifted at once (not drawn
    in WGS84 and redrawn when the tile layer comes, after the first frame)."""
    watch = """
        window.__drawnAt = [];
        new PerformanceObserver(function (list, observer) {
            observer.disconnect();
            var ll = window.jmgeoAtlas.page.feature("juno").getLatLng();
            window.__drawnAt = [ll.lng, ll.lat];
        }).observe({type: "paint", buffered: true});
    """
    page, attempts, errors, dialogs = open_offline(
        browser, built / "jiangmen.html", fragment="#basemap=amap", init_script=watch, tiles=True
    )
    juno = page.evaluate(f"{PAGE}.feature('juno').feature.geometry.coordinates")
    glon, glat = (float(v) for v in crs.wgs84_to_gcj02(*juno))
    for lon, lat in (
        page.evaluate("window.__drawnAt"),
        page.evaluate(f"(ll => [ll.lng, ll.lat])({PAGE}.feature('juno').getLatLng())"),
    ):
        assert crs.geodesic_distance_m(lon, lat, glon, glat) < 1
    assert page.locator(".jmgeo-datum").get_attribute("data-datum") == "GCJ-02"
    assert page.locator(".leaflet-control-layers-base label", has_text="高德").locator("input").is_checked()
    assert attempts and all("autonavi.com" in url for url in attempts), attempts
    assert errors == [] and dialogs == []
    page.close()


def test_page_shift_matches_python_within_a_metre(atlas_page):
    points = [(112.75, 21.70), (113.08, 22.58), (112.52, 22.12), (114.27, 22.57), (112.3, 21.9)]
    for lon, lat in points:
        glat, glon = atlas_page.evaluate(f"window.jmgeoAtlas.datum.wgs84ToGcj02({lat}, {lon})")
        plon, plat = crs.wgs84_to_gcj02(lon, lat)
        assert crs.geodesic_distance_m(glon, glat, float(plon), float(plat)) < 1


def test_story_walks_by_keyboard_with_deep_links(browser, built):
    page, attempts, errors, dialogs = open_offline(browser, built / "story.html")
    body = page.locator(".jmgeo-story-body")
    assert body.get_attribute("data-chapter-id") == "corridors"
    visible = f"Object.entries({PAGE}.layers()).filter(([k, l]) => {PAGE}.map.hasLayer(l)).map(([k]) => k)"
    # each chapter's layers, and the context (neighbours, towns), which stays on
    assert set(page.evaluate(visible)) == {"city", "corridors"} | CONTEXT
    page.locator("body").press("ArrowRight")
    assert body.get_attribute("data-chapter-id") == "ports"
    assert "chapter=2" in page.evaluate("location.hash")
    assert set(page.evaluate(visible)) == {"city", "freight_routes", "logistics_hubs"} | CONTEXT
    assert page.locator(".jmgeo-story-body .jmgeo-fact").count() >= 1
    assert ".txt" in page.locator(".jmgeo-story-body .jmgeo-source").first.inner_text()
    page.locator(".jmgeo-story-next").focus()
    page.keyboard.press("Enter")
    assert body.get_attribute("data-chapter-id") == "cluster"
    page.locator("body").press("ArrowLeft")
    assert body.get_attribute("data-chapter-id") == "ports"
    page.close()
    deep, *_ = open_offline(browser, built / "story.html", "#chapter=4")
    assert deep.locator(".jmgeo-story-body").get_attribute("data-chapter-id") == "platforms"
    assert deep.locator(".jmgeo-story-position").inner_text() == "4 / 5"
    deep.close()
    assert errors == [] and dialogs == []


def test_theme_pages_and_choropleth_render(browser, built):
    for name, layers in (
        ("logistics.html", {"city", "districts", "logistics_hubs", "corridors", "freight_routes"} | CONTEXT),
        ("industry.html", {"city", "districts", "industrial_parks"} | CONTEXT),
        ("heritage.html", {"city", "districts", "sites"} | CONTEXT),
        ("districts.html", {"city", "districts"} | CONTEXT),
    ):
        page, attempts, errors, dialogs = open_offline(browser, built / name)
        assert (
            set(page.locator(".jmgeo-legend [data-layer-id]").evaluate_all("ls => ls.map(l => l.dataset.layerId)"))
            == layers
        )
        assert set(page.evaluate(f"Object.keys({PAGE}.layers())")) == layers
        assert errors == []
        if name == "districts.html":
            fills = page.evaluate(f"{PAGE}.layers().districts.getLayers().map(l => l.options.fillColor)")
            assert len(set(fills)) >= 3
            assert page.locator(".jmgeo-choropleth-legend li").count() >= 3
        nav = page.locator(".jmgeo-nav-link")
        assert nav.count() == 5
        page.close()


def test_text_twin_is_reachable_by_keyboard(atlas_page, layers):
    page = atlas_page
    page.keyboard.press("Tab")
    skip = page.locator(".jmgeo-skip")
    assert skip.evaluate("el => el === document.activeElement")
    # focused, the skip link comes on screen
    box = skip.bounding_box()
    assert box["x"] >= 0 and box["width"] > 40 and skip.inner_text() == "跳至文字版"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash").endswith("jmgeo-text") or page.evaluate("window.scrollY") > 300
    assert page.locator("#jmgeo-text table").count() == len(layers)


def test_text_twin_lists_every_feature_and_fact(atlas_page, layers, facts):
    page = atlas_page
    twin = page.locator("#jmgeo-text")
    rows = twin.locator("tbody tr[data-feature-id]")
    assert sorted(rows.evaluate_all("rs => rs.map(r => r.dataset.featureId)")) == sorted(
        fid for frame in layers.values() for fid in frame["id"]
    )
    cited = set(twin.locator("li[data-fact-id]").evaluate_all("ls => ls.map(l => l.dataset.factId)"))
    assert cited == {f for frame in layers.values() for ids in frame["fact_ids"] for f in ids}
    assert twin.locator("caption").count() == len(layers)
    assert (
        twin.locator("th[scope=col]").count() == 6 * len(layers)
        and twin.locator("th[scope=row]").count() == rows.count()
    )
    # a fact in the twin carries its quote and its source file
    juno = twin.locator("tr[data-feature-id='juno'] li[data-fact-id]").first
    fact = facts.set_index("id").loc[juno.get_attribute("data-fact-id")]
    assert juno.locator(".jmgeo-quote").inner_text() == fact["quote"] and fact["doc"] in juno.inner_text()
    # printing shows the map's view first, then the twin (issue 19; see test_browser_reader.py)
    page.emulate_media(media="print")
    assert page.locator(".folium-map").is_visible() and twin.is_visible()
    page.emulate_media(media="screen")


# A JS function: how many of the page's features have a tooltip and a popup bound (Leaflet's
# getTooltip/getPopup).
BOUND = (
    """function () {
    var features = (%s)(), n = 0;
    Object.keys(features).forEach(function (id) { if (features[id].getTooltip() && features[id].getPopup()) n++; });
    return n;
}"""
    % FEATURES_JS
)

# A JS function: are Leaflet's controls and the skip link displayed, and is the text below the
# map rendered (checkVisibility is false inside a content-visibility: hidden section, whose
# contents are skipped by layout; asking for their size would lay them out)?
TEXT_SHOWN = """function () {
    var shown = function (sel) { var e = document.querySelector(sel); return !!e && getComputedStyle(e).display !== "none"; };
    var h1 = document.querySelector("#jmgeo-text h1");
    return {controls: shown(".leaflet-control-container"), skip_link: shown(".jmgeo-skip"),
            text_laid_out: !!h1 && h1.checkVisibility()};
}"""


# How many features are painted on screen.
PAINTED_JS = "Object.values((%s)()).filter(%s).length"


def test_all_layers_are_painted_before_the_interface_is_built(browser, built, layers):
    """The map's first frame shows every feature; the controls and legend come just after it.

    A paint observer registered before the page's own scripts is told of the first paint
    before the page's observer (which then builds the interface): what it sees is what was painted.
    """
    watch = (
        """
        window.__atFirstPaint = null;
        new PerformanceObserver(function (list, observer) {
            if (!list.getEntriesByName("first-contentful-paint").length) return;
            observer.disconnect();
            var api = window.jmgeoAtlas && window.jmgeoAtlas.page, drawn = 0, onScreen = %s, features = api ? FEATURES() : {};
            Object.keys(features).forEach(function (id) { if (onScreen(features[id])) drawn++; });
            window.__atFirstPaint = {drawn: drawn, interface: !!document.querySelector(".jmgeo-legend, .leaflet-control-layers, .jmgeo-search"),
                                     tiles: document.querySelectorAll(".leaflet-tile").length, text: TEXT_SHOWN(),
                                     labels: document.querySelectorAll(".jmgeo-label").length,
                                     bound: api ? BOUND() : null};
        }).observe({type: "paint", buffered: true});
    """.replace("TEXT_SHOWN()", "(%s)()" % TEXT_SHOWN)
        .replace("BOUND()", "(%s)()" % BOUND)
        .replace("FEATURES()", "(%s)()" % FEATURES_JS)
        % ON_SCREEN_JS
    )
    # a tile basemap (its refused tiles then fall back to the offline view, after the first frame)
    page, attempts, errors, dialogs = open_offline(
        browser, built / "jiangmen.html", fragment="#basemap=osm", init_script=watch
    )
    at_first_paint = page.evaluate("window.__atFirstPaint")
    first_paint = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0].startTime")
    timings = page.evaluate(f"{PAGE}.timings")
    # the base map's tile layer comes after the first frame too (its tiles need the network),
    # and so do Leaflet's own controls, the text below the map (not laid out until then) and
    # the features' tooltips and popups (nothing can be hovered or clicked before it), and the names
    # on the map (measuring Chinese text loads the CJK font, which held the first frame back ~200 ms)
    hidden = {"controls": False, "skip_link": False, "text_laid_out": False}
    features = sum(len(frame) for frame in layers.values())
    # every feature painted once the page is ready was painted in the first frame (all but the
    # neighbouring cities that lie outside the view)
    painted = page.evaluate(PAINTED_JS % (FEATURES_JS, ON_SCREEN_JS))
    assert features - 3 <= painted <= features
    assert at_first_paint == {"drawn": painted, "interface": False, "tiles": 0, "text": hidden, "bound": 0, "labels": 0}
    assert page.locator(".jmgeo-label").count() >= 10
    assert page.evaluate("(%s)()" % BOUND) == features
    assert timings["layers_drawn"] < first_paint < timings["ready"]
    assert page.evaluate("(%s)()" % TEXT_SHOWN) == {"controls": True, "skip_link": True, "text_laid_out": True}
    assert page.locator(".leaflet-control-zoom-in").is_visible() and page.locator(".leaflet-control-scale").is_visible()
    assert page.locator(".jmgeo-legend").count() == 1 and page.locator(".leaflet-control-layers").count() == 1
    assert any("tile.openstreetmap.org" in url for url in attempts)
    assert errors == [] and dialogs == []
    page.close()


def test_text_and_controls_come_back_if_the_page_never_starts(browser, built):
    """The page script holds back the text and controls until the map's first frame; if its
    start-up never runs, they are shown anyway (after 3 s), so the heading and skip link stay."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    html = (built / "jiangmen.html").read_text(encoding="utf-8")
    assert html.count("jmgeoAtlas.init(") == 1
    page.route(
        "**/*",
        lambda r: r.fulfill(content_type="text/html", body=html.replace("jmgeoAtlas.init(", "(function () {})(")),
    )
    page.goto("http://jmgeo.test/jiangmen.html")
    assert page.evaluate("(%s)()" % TEXT_SHOWN)["text_laid_out"] is False
    page.wait_for_function("!document.documentElement.classList.contains('jmgeo-starting')", timeout=6000)
    assert page.evaluate("(%s)()" % TEXT_SHOWN) == {"controls": True, "skip_link": True, "text_laid_out": True}
    assert page.evaluate("window.jmgeoAtlas.page") is None and page.evaluate("window.jmgeoAtlasState") is None
    page.close()


def test_text_twin_is_built_after_the_first_paint(browser, built):
    """The twin's ~2,500 cells are laid out after the map is on screen, not before it."""
    watch_twin = """
        window.__twinAt = null;
        new MutationObserver(function (records, observer) {
            if (document.querySelector("#jmgeo-text table")) { window.__twinAt = performance.now(); observer.disconnect(); }
        }).observe(document, {childList: true, subtree: true});
    """
    page, attempts, errors, dialogs = open_offline(browser, built / "jiangmen.html", init_script=watch_twin)
    first_paint = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0].startTime")
    twin_at = page.evaluate("window.__twinAt")
    assert twin_at is not None and twin_at > first_paint
    assert page.locator("#jmgeo-text table").count() >= 7
    assert errors == [] and dialogs == []
    page.close()


CLIPPING = """(leveledIds) => {
    // Every area and line on the canvas: is it clipped, smoothed by Leaflet, does the page
    // carry a coarse level for it, how many points are drawn of how many vertices, and how
    // many drawn points lie outside the renderer's bounds (layer pixels; Leaflet clips
    // polygons to the bounds grown by their line weight, and rounds)?
    const features = (FEATURES)(), leveled = new Set(leveledIds), out = {};
    for (const [id, lyr] of Object.entries(features)) {
        if (!lyr._parts) continue;  // points
        const m = lyr.options.weight + 1, b = lyr._renderer._bounds;
        let outside = 0, points = 0;
        for (const part of lyr._parts) for (const p of part) {
            points += 1;
            if (p.x < b.min.x - m || p.x > b.max.x + m || p.y < b.min.y - m || p.y > b.max.y + m) outside += 1;
        }
        out[id] = {noClip: lyr.options.noClip === true, smooth: lyr.options.smoothFactor, leveled: leveled.has(id),
                   line: !(lyr instanceof L.Polygon), outside, points, vertices: lyr.getLatLngs().flat(3).length};
    }
    return out;
}""".replace("FEATURES", FEATURES_JS)


def leveled_ids(data):
    """The ids of the page's features that carry a coarse level (an overview geometry)."""
    return [
        f["properties"]["id"]
        for layer in data["layers"]
        for f in layer.get("features", {}).get("features", [])
        if "overview" in f
    ]


def test_outlines_are_clipped_and_smoothed_only_when_zoomed_in(atlas_page, built):
    """At the coarse level (the whole city ~1,000 px across) the outlines with a coarse
    geometry (districts, city, parks) are drawn as they are: Leaflet neither clips them (its
    passes over every vertex only cost time there) nor simplifies them again (the coverage is
    already within a pixel, and simplified for both sides of each border at once); lines stay
    clipped (the freight routes reach Europe, thousands of pixels off screen). Past
    overview.max_zoom, where most of each outline is off screen, every area and line is
    clipped and smoothed again, and back."""
    from conftest import read_page_data

    data = read_page_data((built / "jiangmen.html").read_text(encoding="utf-8"))
    max_zoom = data["boundary_simplification"]["overview"]["max_zoom"]
    state = f"{PAGE}.map"
    leveled_in_data = leveled_ids(data)
    start = atlas_page.evaluate(CLIPPING, leveled_in_data)
    leveled = {i for i, f in start.items() if f["leveled"]}
    lines = {i for i, f in start.items() if f["line"]}
    assert len(leveled) >= 20 and {"jiangmen", "taishan", "jm_industrial_cluster"} <= leveled
    assert len(lines) >= 10 and not leveled & lines
    assert all(f["noClip"] == f["leveled"] and (f["smooth"] == 0) == f["leveled"] for f in start.values())
    # every vertex of the coarse outlines is drawn (the closing one is dropped by Leaflet)
    assert all(start[i]["points"] == start[i]["vertices"] for i in leveled)
    # the routes that leave the view are cut at its edge
    assert start["china_europe_train"]["points"] > 0 and all(start[i]["outside"] == 0 for i in lines)
    atlas_page.evaluate(
        f"() => {{ {state}.setView([22.58, 113.08], {max_zoom + 2}, {{animate: false}}); }}"
    )  # Jiangmen's centre
    near = atlas_page.evaluate(CLIPPING, leveled_in_data)
    assert not any(f["noClip"] for f in near.values()) and all(f["smooth"] == 1 for f in near.values())
    assert sum(f["points"] for f in near.values()) > 0 and all(f["outside"] == 0 for f in near.values())
    # back at the coarse level, panned so that part of the city is off screen: drawn unclipped
    atlas_page.evaluate(f"() => {{ {state}.setView([22.58, 113.08], {max_zoom}, {{animate: false}}); }}")
    atlas_page.evaluate(f"() => {{ {state}.panBy([700, 0], {{animate: false}}); }}")
    far = atlas_page.evaluate(CLIPPING, leveled_in_data)
    assert (
        all(far[i]["noClip"] and far[i]["smooth"] == 0 for i in leveled) and sum(far[i]["outside"] for i in leveled) > 0
    )
    assert not any(far[i]["noClip"] for i in lines)


# Per outline with a coarse level (districts, city, parks): the vertices each is drawn with
# now (Leaflet drops a ring's closing vertex) and its first drawn position.
DRAWN_OUTLINES = """(ids) => {
    const out = {};
    for (const id of ids) {
        const flat = window.jmgeoAtlas.page.feature(id).getLatLngs().flat(3);
        out[id] = [flat.length, flat[0].lng, flat[0].lat];
    }
    return out;
}"""


def test_outlines_are_drawn_coarse_zoomed_out_and_detailed_zoomed_in(atlas_page, built):
    """The page opens with the overview coverage and parks (within a pixel at that zoom),
    swaps in the detailed ones past overview.max_zoom and back, in either datum."""
    from conftest import read_page_data
    from test_simplify import decode_geometry

    data = read_page_data((built / "jiangmen.html").read_text(encoding="utf-8"))
    max_zoom = data["boundary_simplification"]["overview"]["max_zoom"]
    expected = {}  # per feature and level: drawn vertex count and first vertex
    for layer in data["layers"]:
        for f in layer.get("features", {}).get("features", []):
            if "overview" in f:
                for level in ("overview", "geometry"):
                    geom = decode_geometry(f[level], data["coordinate_scale"])
                    rings = [r for p in getattr(geom, "geoms", [geom]) for r in (p.exterior, *p.interiors)]
                    first = rings[0].coords[0]
                    expected[f["properties"]["id"], level] = (sum(len(r.coords) - 1 for r in rings), first)
    ids = {fid for fid, _ in expected}
    assert len(ids) >= 20 and {"jiangmen", "taishan", "jm_industrial_cluster"} <= ids
    assert all(expected[i, "geometry"][0] > 1.3 * expected[i, "overview"][0] for i in ids)

    def check(level, datum):
        drawn = atlas_page.evaluate(DRAWN_OUTLINES, leveled_ids(data))
        for fid in ids:
            count, (lon, lat) = expected[fid, level]
            if datum == "GCJ-02":
                lon, lat = (float(v) for v in crs.wgs84_to_gcj02(lon, lat))
            assert drawn[fid][0] == count, (fid, level)
            assert crs.geodesic_distance_m(drawn[fid][1], drawn[fid][2], lon, lat) < 1, (fid, level, datum)

    def zoom(z):
        atlas_page.evaluate(f"() => {{ {PAGE}.map.setZoom({z}, {{animate: false}}); }}")

    assert atlas_page.evaluate(f"{PAGE}.map.getZoom()") <= max_zoom
    check("overview", "WGS84")
    zoom(max_zoom + 1)
    check("geometry", "WGS84")
    atlas_page.locator(".leaflet-control-layers-base label", has_text="高德").locator("input").click()
    check("geometry", "GCJ-02")
    zoom(max_zoom)
    check("overview", "GCJ-02")
    # still one canvas, and the districts still answer a click with their popup
    assert atlas_page.locator(".leaflet-pane canvas").count() == 1
    assert atlas_page.evaluate(f"{PAGE}.openPopup('taishan')")
    assert atlas_page.locator(".leaflet-popup-content .jmgeo-popup[data-feature-id='taishan']").count() == 1
