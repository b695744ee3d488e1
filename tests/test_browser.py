"""The built map in a real browser (Debian chromium via Playwright), with every non-local request blocked."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point

from browser import FEATURES_JS, ON_SCREEN_JS, PAGE, READY, close_popup, open_offline, wait_for_text_twin
from jmgeo._layers import layer_kind
from jmgeo._webmap import make_map, write_map
from payloads import ALL, CANARY, JINJA, PAYLOADS

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def atlas(browser, built):
    page, attempts, errors, dialogs = open_offline(browser, built / "jiangmen.html")
    yield page, attempts, errors, dialogs
    page.close()


def test_page_renders_without_network(atlas):
    page, attempts, errors, dialogs = atlas
    assert errors == [] and dialogs == []
    # the only thing the page may ask the network for is base-map tiles
    assert all("tile.openstreetmap.org" in url for url in attempts), attempts
    assert page.evaluate("typeof L") == "object"


# Per layer, how many of its features are on screen (see browser.ON_SCREEN_JS).
DRAWN_PER_LAYER = (
    """() => {
    const onScreen = %s;
    const out = {};
    for (const [id, gj] of Object.entries(window.jmgeoAtlas.page.layers())) out[id] = gj.getLayers().filter(onScreen).length;
    return out;
}"""
    % ON_SCREEN_JS
)


def test_every_layer_draws(atlas, layers):
    page = atlas[0]
    # the legend lists every layer with its number of features
    legend = page.locator(".jmgeo-legend [data-layer-id]")
    counts = dict(
        zip(
            legend.evaluate_all("ls => ls.map(l => l.dataset.layerId)"),
            legend.locator("span").all_inner_texts(),
            strict=True,
        )
    )
    assert {name: text.rsplit(" (", 1)[1] for name, text in counts.items()} == {
        name: f"{len(frame)})" for name, frame in layers.items()
    }
    drawn = page.evaluate(DRAWN_PER_LAYER)
    # every feature is painted, but the neighbouring cities outside the view (广州, 东莞 ...)
    assert 8 <= drawn.pop("neighbours") <= len(layers["neighbours"])
    assert drawn == {name: len(frame) for name, frame in layers.items() if name != "neighbours"}
    # points are SVG elements; areas and lines are painted on the one canvas
    misplaced = page.evaluate(
        """() => Object.entries((%s)())
        .filter(([id, l]) => l.getLatLng ? !l._path : !(l._renderer instanceof L.Canvas)).map(([id]) => id)"""
        % FEATURES_JS
    )
    assert misplaced == []
    assert page.locator(".leaflet-pane canvas").count() == 1


@pytest.mark.parametrize("viewport", [(1280, 800), (480, 360)])
def test_the_first_view_shows_the_whole_city_at_the_closest_zoom_that_fits(browser, built, layers, viewport):
    """The view is fitted to the city in the page's own viewport (a phone's too), not a fixed zoom."""
    page, _attempts, errors, _dialogs = open_offline(browser, built / "jiangmen.html", viewport=viewport)
    minx, miny, maxx, maxy = (float(v) for v in layers["city"].total_bounds)
    view = page.evaluate(
        """([s, w, n, e]) => {
        const map = window.jmgeoAtlas.page.map, city = L.latLngBounds([s, w], [n, e]);
        return {contains: map.getBounds().contains(city), zoom: map.getZoom(), fits: map.getBoundsZoom(city)};
    }""",
        [miny, minx, maxy, maxx],
    )
    page.close()
    assert errors == []
    assert view["contains"], view
    assert view["zoom"] == view["fits"], view


def test_layer_control_toggles_a_layer(atlas):
    page = atlas[0]
    label = page.locator(".leaflet-control-layers-overlays label", has_text="物流枢纽与港口")
    checkbox = label.locator("input")
    in_dom = f"() => {PAGE}.layers().logistics_hubs.getLayers().every(l => document.body.contains(l._path))"
    assert checkbox.is_checked() and page.evaluate(in_dom)
    checkbox.click()
    assert not checkbox.is_checked()
    assert page.evaluate(
        f"() => {PAGE}.layers().logistics_hubs.getLayers().every(l => !document.body.contains(l._path))"
    )
    checkbox.click()
    assert page.evaluate(in_dom)


def test_an_area_layer_turned_back_on_stays_under_the_lines(atlas, layers):
    """One canvas paints in the order its layers were added: a returning area layer must not cover the lines."""
    page = atlas[0]
    kinds = {name: layer_kind(frame) for name, frame in layers.items()}
    paint_order = """(kinds) => {
        const drawn = window.jmgeoAtlas.page.layers(), kindOf = {};
        Object.entries(drawn).forEach(([id, layer]) => layer.getLayers().forEach(l => { kindOf[L.stamp(l)] = kinds[id]; }));
        const r = drawn.districts.getLayers()[0]._renderer, out = [];
        for (let o = r._drawFirst; o; o = o.next) if (kindOf[L.stamp(o.layer)]) out.push(kindOf[L.stamp(o.layer)]);
        return out;
    }"""

    def areas_first(order):
        return "line" in order and max(i for i, k in enumerate(order) if k == "area") < order.index("line")

    assert areas_first(page.evaluate(paint_order, kinds))
    checkbox = page.locator(".leaflet-control-layers-overlays label", has_text="区县").locator("input")
    checkbox.click()
    checkbox.click()
    assert checkbox.is_checked()
    order = page.evaluate(paint_order, kinds)
    assert order.count("area") == len(layers["city"]) + len(layers["districts"]) + len(layers["neighbours"]) + int(
        (layers["industrial_parks"].geom_type != "Point").sum()
    )
    assert areas_first(order)


def click_feature(page, feature_id):
    close_popup(page)
    # No animation, then two frames: a fixed wait let a slow zoom animation move the target under the click.
    page.evaluate(
        f"() => {{ {PAGE}.map.setView({PAGE}.feature('{feature_id}').getLatLng(), 12, {{animate: false}}); }}"
    )
    page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    path = page.evaluate_handle(f"{PAGE}.feature('{feature_id}')._path")
    box = path.as_element().bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    popup = page.locator(".leaflet-popup-content .jmgeo-popup")
    popup.wait_for(timeout=5000)
    return popup


def _clear_spot(district, layers):
    """A point inside the district, clear of parks, ≥1 km from any point feature's circle and ~1 km from any line,
    or None."""
    import numpy as np
    import shapely

    circles = [
        shapely.buffer(geom, (float(unc or 0) + 1000) / 100_000)  # degrees, generously (1° ≥ 100 km here)
        for f in layers.values()
        if layer_kind(f) == "point"
        for geom, unc in zip(f.geometry, f["uncertainty_m"] if "uncertainty_m" in f else [0] * len(f), strict=True)
    ]
    lines = [shapely.buffer(g, 0.01) for f in layers.values() if layer_kind(f) == "line" for g in f.geometry]
    others = shapely.union_all([*layers["industrial_parks"].geometry, *circles, *lines])
    inner = district.buffer(-0.02)
    minx, miny, maxx, maxy = district.bounds
    for y in np.linspace(miny, maxy, 61)[1:-1]:
        for x in np.linspace(minx, maxx, 61)[1:-1]:
            p = shapely.Point(x, y)
            if inner.contains(p) and not others.contains(p):
                return x, y
    return None


def test_hovering_and_clicking_an_area_on_the_canvas(atlas, layers):
    """Areas are painted on a canvas: hover still shows their tooltip and a click opens their popup."""
    page = atlas[0]
    spots = [(row, _clear_spot(row.geometry, layers)) for _, row in layers["districts"].iterrows()]
    spots = [(row, spot) for row, spot in spots if spot is not None]
    assert len(spots) >= 5
    for row, (lon, lat) in spots:
        close_popup(page)
        xy = page.evaluate(
            """([lat, lon]) => {
            const map = window.jmgeoAtlas.page.map;
            map.setView([lat, lon], 11, {animate: false});
            const p = map.latLngToContainerPoint([lat, lon]), box = map.getContainer().getBoundingClientRect();
            return [box.left + p.x, box.top + p.y];
        }""",
            [lat, lon],
        )
        page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        page.mouse.move(xy[0] - 5, xy[1] - 5)
        page.mouse.move(xy[0], xy[1])
        page.locator(".leaflet-tooltip", has_text=row["name_zh"]).wait_for(timeout=5000)
        page.mouse.click(xy[0], xy[1])
        page.locator(f'.leaflet-popup-content .jmgeo-popup[data-feature-id="{row["id"]}"]').wait_for(timeout=5000)
    close_popup(page)
    page.mouse.move(0, 0)


def test_clicking_a_feature_opens_a_popup_with_a_fact_and_its_source(atlas, facts):
    page = atlas[0]
    popup = click_feature(page, "juno")
    assert popup.get_attribute("data-feature-id") == "juno"
    assert "江门中微子实验室" in popup.inner_text()
    first = popup.locator(".jmgeo-fact").first
    fact = facts.set_index("id").loc[first.get_attribute("data-fact-id")]
    assert first.locator(".jmgeo-quote").inner_text() == fact["quote"]
    assert fact["doc"] in first.locator(".jmgeo-source").inner_text()


def test_features_sharing_a_position_stay_reachable(atlas):
    page = atlas[0]
    popup = click_feature(page, "zhuxi_logistics_centre")
    top = popup.get_attribute("data-feature-id")
    assert top in ("zhuxi_logistics_centre", "jiangmen_north_station")
    other = ({"zhuxi_logistics_centre", "jiangmen_north_station"} - {top}).pop()
    popup.locator(f".jmgeo-also-button[data-feature-id='{other}']").click()
    page.locator(f".leaflet-popup-content .jmgeo-popup[data-feature-id='{other}']").wait_for(timeout=5000)
    page.locator(f".leaflet-popup-content .jmgeo-popup[data-feature-id='{top}']").wait_for(
        state="detached", timeout=5000
    )


def test_city_facts_are_reachable(atlas, layers):
    page = atlas[0]
    button = page.locator(".jmgeo-city-button")
    button.click()
    panel = page.locator(".jmgeo-city-panel")
    assert panel.is_visible()
    assert panel.locator(".jmgeo-fact").count() == len(layers["city"].iloc[0]["fact_ids"])
    assert "9535" in panel.inner_text()
    button.click()
    assert not panel.is_visible()


def test_legend_explains_colours_and_precision(atlas, layers):
    page = atlas[0]
    legend = page.locator(".jmgeo-legend")
    assert legend.locator("[data-layer-id]").count() == len(layers)
    for name in ("surveyed", "approximate", "schematic"):
        assert legend.locator(f"[data-precision='{name}']").count() == 1


def test_legend_says_how_far_the_outlines_are_simplified(atlas, browser, tmp_path, layers, facts):
    page = atlas[0]
    note = page.locator(".jmgeo-legend .jmgeo-boundary-note")
    assert (
        note.inner_text()
        == "区县边界经过简化，与源数据相差不超过 30 米；全市视图下所有轮廓相差不超过 280 米（不到一个像素）。"
    )
    # the note follows the page's settings: one level, or none at full resolution
    for kwargs, expected in (
        ({"overview_error_m": None, "max_error_m": 20}, "不超过 20 米。"),
        ({"max_error_m": None}, None),
    ):
        path = tmp_path / "page.html"
        write_map(make_map(layers, facts, basemap="none", **kwargs), path)
        other, _attempts, errors, _dialogs = open_offline(browser, path)
        notes = other.locator(".jmgeo-legend .jmgeo-boundary-note")
        assert errors == [] and notes.count() == (1 if expected else 0), kwargs
        if expected:
            assert notes.inner_text().endswith(expected) and "280" not in notes.inner_text()
        other.close()


def test_hostile_text_shows_literally_and_runs_nothing(browser, tmp_path, layers, facts):
    layers = {name: frame.copy() for name, frame in layers.items()}
    k = 0
    for frame in layers.values():
        frame["name_zh"] = [PAYLOADS[(k + i) % len(PAYLOADS)] for i in range(len(frame))]
        k += len(frame)
    layers["logistics_hubs"]["note"] = "{{7*7}}"
    layers["logistics_hubs"]["position_url"] = "javascript:alert(1)"
    facts = facts.copy()
    facts["quote"] = [PAYLOADS[i % len(PAYLOADS)] for i in range(len(facts))]
    path = tmp_path / "hostile.html"
    write_map(make_map(layers, facts), path)
    page, attempts, errors, dialogs = open_offline(browser, path)
    page.evaluate("window.__canary = 'untouched'")
    for fid in layers["logistics_hubs"]["id"]:
        assert page.evaluate(f"{PAGE}.openPopup('{fid}')")
        popup = page.locator(f".leaflet-popup-content .jmgeo-popup[data-feature-id='{fid}']")
        assert popup.locator(".jmgeo-info dd").get_by_text("{{7*7}}", exact=True).count() == 1
        assert popup.locator("a").count() == 0  # a javascript: URL never becomes a link
    shown = page.evaluate("Object.values((%s)()).map(l => l.feature.properties.name_zh)" % FEATURES_JS)
    assert set(shown) == set(PAYLOADS)
    page.locator(".jmgeo-city-button").click()
    quotes = page.locator(".jmgeo-city-panel .jmgeo-quote").all_inner_texts()
    assert set(quotes) <= set(PAYLOADS) and len(set(quotes)) > 5
    assert page.evaluate("window.__canary") == "untouched"
    assert dialogs == [] and errors == []
    assert page.locator("img[src=x]").count() == 0 and page.locator("svg[onload]").count() == 0
    page.close()


def test_page_decodes_the_compact_geometry_exactly(atlas, built):
    import json

    from conftest import read_page_data
    from test_simplify import decode_geometry

    data = read_page_data((built / "jiangmen.html").read_text(encoding="utf-8"))

    page = atlas[0]
    decode = "([gs, scale]) => gs.map(g => g && window.jmgeoAtlas.decode.decodeGeometry(g, scale))"
    for layer in data["layers"]:
        for level in ("geometry", "overview"):  # the outlines' two levels of detail
            features = layer["features"]["features"]
            if not any(level in f for f in features):
                continue
            in_browser = page.evaluate(decode, [[f.get(level) for f in features], data["coordinate_scale"]])
            expected = [
                decode_geometry(f[level], data["coordinate_scale"]).__geo_interface__ if level in f else None
                for f in features
            ]
            assert json.loads(json.dumps(in_browser)) == json.loads(json.dumps(expected)), (layer["id"], level)


def test_a_large_point_layer_draws_on_a_canvas_and_opens_popups(browser, tmp_path, layers, facts):
    from jmgeo._page_data import CANVAS_MIN_FEATURES
    from jmgeo._webmap import ExtraLayer
    from test_simplify import random_points

    n = CANVAS_MIN_FEATURES + 500
    points = random_points(layers["city"].geometry.iloc[0], n, seed=3)
    path = tmp_path / "points.html"
    write_map(
        make_map(
            layers, facts, basemap="none", extra_layers=[ExtraLayer("synthetic", points, "随机点", "Random points")]
        ),
        path,
    )
    page, attempts, errors, dialogs = open_offline(browser, path)
    assert errors == [] and attempts == []
    assert page.locator(".jmgeo-legend [data-layer-id='synthetic'] span").inner_text() == f"随机点 ({n})"
    # drawn as one bitmap in the points pane, not as one element per point
    assert page.locator(".leaflet-jmgeo-points-pane canvas.jmgeo-point-cloud").count() == 1
    atlas_points = sum(int((f.geom_type == "Point").sum()) for f in layers.values())
    assert page.locator(".leaflet-jmgeo-points-pane path").count() == atlas_points
    assert page.evaluate(f"{PAGE}.layers().synthetic.drawn") >= 1
    assert page.evaluate(f"{PAGE}.openPopup('synthetic-7')")
    popup = page.locator(".leaflet-popup-content .jmgeo-popup[data-feature-id='synthetic-7']")
    assert "point 7" in popup.inner_text()
    close_popup(page)
    # clicking a drawn point opens the popup of the nearest point
    xy = page.evaluate(
        f"(() => {{ const s = {PAGE}; const p = s.map.latLngToContainerPoint(s.feature('synthetic-11').getLatLng()); return [p.x, p.y]; }})()"
    )
    box = page.locator("#" + page.evaluate(f"{PAGE}.map.getContainer().id")).bounding_box()
    page.mouse.click(box["x"] + xy[0], box["y"] + xy[1])
    clicked = page.locator(".leaflet-popup-content .jmgeo-popup")
    clicked.wait_for(timeout=5000)
    nearest = page.evaluate(f"{PAGE}.layers().synthetic.nearest(L.point({xy[0]}, {xy[1]}), 8)")
    assert clicked.get_attribute("data-feature-id") == f"synthetic-{nearest}"
    # panning redraws the points
    close_popup(page)
    drawn = page.evaluate(f"{PAGE}.layers().synthetic.drawn")
    page.mouse.move(640, 400)
    page.mouse.down()
    page.mouse.move(400, 300, steps=5)
    page.mouse.up()
    page.wait_for_function(f"{PAGE}.layers().synthetic.drawn > {drawn}", timeout=5000)
    # the layer control hides and shows it
    checkbox = page.locator(".leaflet-control-layers-overlays label", has_text="随机点").locator("input")
    checkbox.click()
    assert page.locator("canvas.jmgeo-point-cloud").count() == 0
    checkbox.click()
    assert page.locator("canvas.jmgeo-point-cloud").count() == 1
    assert errors == []


def test_a_layer_with_chinese_names_only_shows_them_in_both_languages(browser, tmp_path, layers, facts):
    """A layer of your own without English names: its search results, popups and tooltips never say "undefined"."""
    import geopandas as gpd
    import shapely

    from jmgeo._webmap import ExtraLayer

    centre = layers["city"].geometry.iloc[0].representative_point()
    names_zh = ["只有中文名甲", "只有中文名乙"]
    points = gpd.GeoDataFrame(
        {"id": ["p1", "p2"], "name_zh": names_zh},
        geometry=[centre, shapely.Point(centre.x + 0.05, centre.y)],
        crs=4326,
    )
    path = tmp_path / "zh_only.html"
    write_map(
        make_map(layers, facts, basemap="none", extra_layers=[ExtraLayer("zh_only", points, "仅中文", "ZH only")]), path
    )
    page, attempts, errors, dialogs = open_offline(browser, path)
    for lang in ("zh", "en"):
        if lang == "en":
            page.locator(".jmgeo-lang-button").click()
        page.locator(".jmgeo-search-input").fill("只有中文名")
        result = page.locator(".jmgeo-search-result[data-feature-id='p1']")
        assert result.locator("strong").inner_text() == names_zh[0], lang
        assert "undefined" not in result.inner_text(), (lang, result.inner_text())
        page.locator(".jmgeo-search-input").fill("")
        assert page.evaluate(f"{PAGE}.openPopup('p2')")
        popup = page.locator(".leaflet-popup-content .jmgeo-popup[data-feature-id='p2']")
        assert popup.locator(".jmgeo-name-primary").inner_text() == names_zh[1], lang
        assert "undefined" not in popup.inner_text(), lang
        close_popup(page)
        tooltip = page.evaluate(
            f"(() => {{ const l = {PAGE}.feature('p1'); l.openTooltip(); const t = l.getTooltip(); "
            "return t && t.getElement() ? t.getElement().textContent : ''; })()"
        )
        assert tooltip.startswith(names_zh[0]) and "undefined" not in tooltip and not tooltip.endswith(" · "), tooltip
    assert errors == [] and dialogs == [] and attempts == []


def hostile_geodata(tmp_path, geodata_dir):
    """A geodata copy whose layer titles and precision labels (layers.json) and basemap titles
    (basemaps.json) are all payloads."""
    import json
    import shutil

    dest = tmp_path / "geodata"
    shutil.copytree(geodata_dir, dest)
    data = json.loads((dest / "layers.json").read_text(encoding="utf-8"))
    for i, layer in enumerate(data["layers"]):
        layer["title_zh"] = ALL[i % len(ALL)]
        layer["title_en"] = f"{ALL[(i + 7) % len(ALL)]} #{i}"  # titles stay unique: the control is keyed by name
    for i, style in enumerate(data["precision_styles"].values()):
        style["label_zh"], style["label_en"] = ALL[(i + 3) % len(ALL)], "{{7*7}}"
    (dest / "layers.json").write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    bases = json.loads((dest / "basemaps.json").read_text(encoding="utf-8"))
    for i, base in enumerate(bases["basemaps"]):
        base["title_zh"] = f"{ALL[(i + 11) % len(ALL)]} #{i}"  # unique, as above
        base["title_en"] = f"{ALL[(i + 13) % len(ALL)]} #{i}"
    (dest / "basemaps.json").write_text(json.dumps(bases, ensure_ascii=False, indent=2), encoding="utf-8")
    data["basemaps"] = bases["basemaps"]
    return dest, data


def test_every_text_path_is_inert_in_the_browser(browser, tmp_path, geodata_dir, layers, facts):
    """Layer control, legend, tooltips, popups and the city panel: payloads show literally, nothing runs."""
    geodata, registry = hostile_geodata(tmp_path, geodata_dir)
    layers = {name: frame.copy() for name, frame in layers.items()}
    k = 0
    for frame in layers.values():
        frame["name_zh"] = [ALL[(k + i) % len(ALL)] for i in range(len(frame))]
        frame["name_en"] = [ALL[(k + i + 5) % len(ALL)] for i in range(len(frame))]
        k += len(frame)
    city = layers["city"]
    city["area_note_zh"], city["area_note_en"] = "{{7*7}}", CANARY[2]
    facts = facts.copy()
    facts["quote"] = [ALL[i % len(ALL)] for i in range(len(facts))]
    facts["unit"] = "{{7*7}}"
    path = tmp_path / "hostile.html"
    write_map(make_map(layers, facts, geodata_dir=geodata, basemap="none"), path)

    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.add_init_script("window.__canary = 'untouched'")  # set before any script of the page runs
    console_errors, page_errors, dialogs, requests = [], [], [], []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page_errors.append(str(e)))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: requests.append(r.url))
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
    page.goto(path.as_uri())
    page.wait_for_function(READY, timeout=20000)

    # layer control: the titles from layers.json (in the page's language, Chinese first), as text
    labels = [t.strip() for t in page.locator(".leaflet-control-layers-overlays label span span").all_inner_texts()]
    assert labels == [layer["title_zh"] for layer in registry["layers"]]
    bases = [t.strip() for t in page.locator(".leaflet-control-layers-base label span span").all_inner_texts()]
    from conftest import read_page_data

    shown = read_page_data(path.read_text(encoding="utf-8"))["basemaps"]["basemaps"]  # the ones the page offers
    assert len(shown) >= 3 and bases == [base["title_zh"] for base in shown]
    assert set(bases) <= {base["title_zh"] for base in registry["basemaps"]}
    # legend: layer titles and precision labels
    legend = page.locator(".jmgeo-legend")
    for layer in registry["layers"]:
        item = legend.locator(f"[data-layer-id='{layer['id']}'] span").inner_text()
        assert item.startswith(f"{layer['title_zh']} (")
    for name, style in registry["precision_styles"].items():
        assert legend.locator(f"[data-precision='{name}'] span").inner_text() == style["label_zh"]
    # tooltips and popups of every point feature
    hubs = layers["logistics_hubs"]
    for fid, zh, en in zip(hubs["id"], hubs["name_zh"], hubs["name_en"], strict=True):
        page.evaluate(f"void {PAGE}.feature('{fid}').openTooltip()")
        tooltip = page.evaluate(f"{PAGE}.feature('{fid}').getTooltip().getElement().innerText")
        assert tooltip == f"{zh} · {en}"
        page.evaluate(f"void {PAGE}.feature('{fid}').closeTooltip()")
        assert page.evaluate(f"{PAGE}.openPopup('{fid}')")
        popup = page.locator(f".leaflet-popup-content .jmgeo-popup[data-feature-id='{fid}']")
        assert popup.locator(".jmgeo-name-primary").inner_text() == zh
        assert popup.locator(".jmgeo-name-secondary").inner_text() == en
    # city panel
    page.locator(".jmgeo-city-button").click()
    panel = page.locator(".jmgeo-city-panel")
    assert panel.locator("h3").inner_text() == f"{city['name_zh'].iloc[0]} {city['name_en'].iloc[0]}"
    assert panel.locator(".jmgeo-city-note").inner_text() == "{{7*7}}"
    values = [
        v
        for v in panel.locator(".jmgeo-value").all_inner_texts()
        if v.startswith(("> ", "≈ ", "≥ ", "→ ")) or v[:1].isdigit()
    ]
    assert values and all("{{7*7}}" in v for v in values)
    assert "{{7*7}}" in page.locator("body").inner_text()
    # search results show the names as text
    page.locator(".jmgeo-search-input").fill("7*7")
    results = page.locator(".jmgeo-search-result strong").all_inner_texts()
    assert results and all(r in ALL for r in results)
    # the text twin: names and quotes as text
    wait_for_text_twin(page)
    twin = page.locator("#jmgeo-text").inner_text()
    assert all(payload in twin for payload in ALL[:5])
    # the English interface shows the same text (the city note in English is a canary payload)
    page.locator(".jmgeo-lang-button").click()
    page.locator(".jmgeo-city-button").click()
    assert page.locator(".jmgeo-city-panel .jmgeo-city-note").inner_text() == CANARY[2]

    assert page.evaluate("window.__canary") == "untouched"
    assert dialogs == [] and page_errors == [] and console_errors == []
    assert all(url.startswith(("file:", "data:")) for url in requests), requests
    assert page.locator("img[src=x]").count() == 0 and page.locator("svg[onload]").count() == 0
    page.close()


def test_story_page_titles_and_texts_are_inert(browser, tmp_path, geodata_dir, layers, facts):
    """Story titles and chapter texts (geodata/story.json) and page titles (pages.json) show literally, nothing runs."""
    import json

    geodata, _ = hostile_geodata(tmp_path, geodata_dir)
    story = json.loads((geodata / "story.json").read_text(encoding="utf-8"))
    story["title_zh"] = CANARY[0]
    for i, chapter in enumerate(story["chapters"]):
        chapter["title_zh"] = ALL[i % len(ALL)]
        chapter["text_zh"] = f"{CANARY[(i + 1) % len(CANARY)]} {{{{7*7}}}}"
    (geodata / "story.json").write_text(json.dumps(story, ensure_ascii=False), encoding="utf-8")
    pages = json.loads((geodata / "pages.json").read_text(encoding="utf-8"))
    for page in pages["pages"]:
        page["title_zh"] = CANARY[1]
        page["title_en"] = "</title><script>window.__canary='title'</script>"
    (geodata / "pages.json").write_text(json.dumps(pages, ensure_ascii=False), encoding="utf-8")
    path = tmp_path / "story.html"
    write_map(make_map(layers, facts, page="story", geodata_dir=geodata, basemap="none"), path)

    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.add_init_script("window.__canary = 'untouched'")
    errors, dialogs = [], []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
    page.goto(path.as_uri())
    page.wait_for_function(READY, timeout=20000)
    story_box = page.locator(".jmgeo-story")
    assert story_box.locator(".jmgeo-story-title").inner_text() == CANARY[0]
    for chapter in story["chapters"]:
        body = page.locator(".jmgeo-story-body")
        assert body.locator(".jmgeo-chapter-title").inner_text() == chapter["title_zh"]
        assert body.locator(".jmgeo-chapter-text").inner_text() == chapter["text_zh"]
        page.locator("body").press("ArrowRight")
    assert page.locator(".jmgeo-page-title").inner_text() == CANARY[1]
    assert page.title() == CANARY[1]
    html = path.read_text(encoding="utf-8")
    assert "</title><script>" not in html
    assert [a.strip() for a in page.locator(".jmgeo-nav-link").all_inner_texts()] == [CANARY[1]] * 5
    assert page.evaluate("window.__canary") == "untouched"
    assert dialogs == [] and errors == []
    page.close()


def test_your_own_layer_with_hostile_names_and_values_is_inert(browser, tmp_path, layers, facts):
    """Issue 17: an extra layer's titles and attribute values (a user's own file) show literally; nothing runs."""
    from jmgeo._webmap import ExtraLayer

    values = CANARY + JINJA
    frame = gpd.GeoDataFrame(
        {
            "id": [f"mine_{i}" for i in range(len(values))],
            "name_zh": values,
            "name_en": list(reversed(values)),
            "note": values,
            "kind": values,
        },
        geometry=[Point(112.9 + 0.01 * i, 22.4) for i in range(len(values))],
        crs=4326,
    )
    extra = ExtraLayer("mine", frame, CANARY[1], JINJA[0])
    path = tmp_path / "mine.html"
    write_map(make_map(layers, facts, basemap="none", extra_layers=[extra]), path)
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.add_init_script("window.__canary = 'untouched'")
    dialogs, page_errors = [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: page_errors.append(str(e)))
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
    page.goto(path.as_uri())
    page.wait_for_function(READY, timeout=20000)
    labels = [t.strip() for t in page.locator(".leaflet-control-layers-overlays label span span").all_inner_texts()]
    assert labels[-1] == CANARY[1]  # the layer's own title, as text
    for i, (zh, en) in enumerate(zip(frame["name_zh"], frame["name_en"], strict=True)):
        assert page.evaluate(f"{PAGE}.openPopup('mine_{i}')")
        popup = page.locator(f".leaflet-popup-content .jmgeo-popup[data-feature-id='mine_{i}']")
        assert popup.locator(".jmgeo-name-primary").inner_text() == zh
        assert popup.locator(".jmgeo-name-secondary").inner_text() == en
    assert page.evaluate("window.__canary") == "untouched"
    assert dialogs == [] and page_errors == []
