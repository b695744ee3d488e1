"""The page script's parts on their own: its modules called in a blank page, the shared vectors,
and its size rule (no function longer than 150 lines). See docs/page-script.md."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jmgeo._page_assets import inline_assets
from jsfunctions import functions

ATLAS = Path(__file__).resolve().parents[1] / "src" / "jmgeo" / "static" / "atlas"
VECTORS = Path(__file__).resolve().parent / "vectors"
MAX_LINES = 150


def load(name: str) -> list[dict]:
    return json.loads((VECTORS / f"{name}.json").read_text(encoding="utf-8"))


# ---- the size rule (no browser) ------------------------------------------------------------


def test_the_function_scanner_measures_and_is_not_fooled_by_strings_or_regexes():
    body = "\n".join(f"  x += {i};" for i in range(149))
    source = (
        "var s = '}{', r = /[\\s\\p{P}}]+/gu; // } in a comment\n"
        f"function long(a) {{\n{body}\n}}\n"
        "var o = { m: function () { return a / 2 / b; } };\n"
        "/* { */ function short() { if (x) { y(); } }\n"
    )
    assert functions(source) == [("long", 2, 151), ("m", 153, 1), ("short", 154, 1)]
    with pytest.raises(ValueError):
        functions("function f() { {")


def test_no_function_is_longer_than_150_lines():
    files = sorted(ATLAS.glob("*.js"))
    assert len(files) >= 15
    found = {
        (p.name, name, start): lines for p in files for name, start, lines in functions(p.read_text(encoding="utf-8"))
    }
    assert len(found) > 100  # the scanner sees the script's functions
    too_long = {k: v for k, v in found.items() if v > MAX_LINES}
    assert too_long == {}


def test_the_joined_script_is_the_files_in_name_order_inside_one_scope():
    script = inline_assets()["atlas_js"]
    files = sorted(ATLAS.glob("*.js"), key=lambda p: p.name)
    assert script.startswith('(function () {\n"use strict";\n') and script.endswith("})();\n")
    positions = [script.index(f"// -- {p.name}\n{p.read_text(encoding='utf-8')}") for p in files]
    assert positions == sorted(positions)
    functions(script)  # balanced as a whole


# ---- the modules in a blank page -----------------------------------------------------------


@pytest.fixture(scope="module")
def blank(browser, tmp_path_factory):
    """A page with only Leaflet and the page script (nothing started): window.jmgeoAtlas."""
    assets = inline_assets()
    path = tmp_path_factory.mktemp("blank") / "blank.html"
    path.write_text(
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><script>{assets['leaflet_js']}</script>"
        f"<script>{assets['atlas_js']}</script></head><body></body></html>",
        encoding="utf-8",
    )
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    yield page
    assert errors == []
    page.close()


@pytest.mark.browser
def test_blank_page_has_the_namespace_and_no_started_page(blank):
    modules = blank.evaluate("Object.keys(window.jmgeoAtlas)")
    assert {"init", "page", "decode", "text", "address", "datum", "search", "levels", "draw"} <= set(modules)
    assert blank.evaluate("window.jmgeoAtlas.page") is None and blank.evaluate("window.jmgeoAtlasState") is None


@pytest.mark.browser
def test_gcj02_shift_matches_the_shared_vectors(blank):
    rows = load("gcj02")
    got = blank.evaluate("rows => rows.map(r => window.jmgeoAtlas.datum.wgs84ToGcj02(r.wgs84[1], r.wgs84[0]))", rows)
    for row, (lat, lon) in zip(rows, got, strict=True):
        assert lon == pytest.approx(row["gcj02"][0], abs=1e-11) and lat == pytest.approx(row["gcj02"][1], abs=1e-11), (
            row
        )


@pytest.mark.browser
def test_search_keys_match_the_shared_vectors(blank):
    rows = load("search_keys")
    got = blank.evaluate("rows => rows.map(r => window.jmgeoAtlas.search.searchKey(r.text))", rows)
    assert [(r["text"], k) for r, k in zip(rows, got, strict=True) if k != r["key"]] == []


@pytest.mark.browser
def test_search_ranks_match_the_shared_vectors(blank):
    vectors = json.loads((Path(__file__).parent / "vectors" / "search_ranks.json").read_text(encoding="utf-8"))
    got = blank.evaluate(
        "v => v.cases.map(c => window.jmgeoAtlas.search.rankMatches(c.query, v.index, v.facts))", vectors
    )
    assert [(c["query"], g) for c, g in zip(vectors["cases"], got, strict=True) if g != c["results"]] == []


@pytest.mark.browser
def test_geometry_decoding_matches_the_shared_vectors(blank):
    rows = load("geometry")
    got = blank.evaluate("rows => rows.map(r => window.jmgeoAtlas.decode.decodeGeometry(r.encoded, r.scale))", rows)
    assert got == [r["decoded"] for r in rows]


@pytest.mark.browser
def test_decode_layer_reads_point_columns_and_decodes_detail_on_first_use(blank):
    out = blank.evaluate("""() => {
        const d = window.jmgeoAtlas.decode;
        const points = {points: [100, 200, 1, -1, 2, 2], properties: {id: ["a", "b", "c"], kind: ["x", "y", "z"]}};
        d.decodeLayer(points, 10);
        const enc = {type: "LineString", delta: [10, 20, 1, 1]};
        const outline = {features: {features: [{properties: {id: "o"}, geometry: enc, overview: {type: "Point", delta: [5, 6]}}]}};
        d.decodeLayer(outline, 10);
        const f = outline.features.features[0];
        return {points: points.features.features.map(p => [p.properties.id, p.properties.kind, p.geometry.coordinates]),
                hasPoints: "points" in points, overview: f.overview, geometry: f.geometry, same: f.geometry === f.geometry};
    }""")
    assert out["points"] == [["a", "x", [10, 20]], ["b", "y", [10.1, 19.9]], ["c", "z", [10.3, 20.1]]]
    assert out["hasPoints"] is False
    assert out["overview"] == {"type": "Point", "coordinates": [0.5, 0.6]}
    assert out["geometry"] == {"type": "LineString", "coordinates": [[1, 2], [1.1, 2.1]]} and out["same"] is True


@pytest.mark.browser
def test_text_helpers_escape_and_filter(blank):
    out = blank.evaluate("""() => {
        const t = window.jmgeoAtlas.text, node = t.el("p", "c", "<b>x</b>");
        return {escaped: t.escapeHtml(`<img src=x onerror="a('1')">&`), node: [node.className, node.innerHTML, node.children.length],
                urls: ["https://a.cn/x", "HTTP://b", "javascript:alert(1)", "data:text/html,x", " https://c", null].map(t.safeUrl),
                values: [{value: 5, unit: "km²", qualifier: "more_than"}, {value: 3, qualifier: "target"}, {value: null}].map(t.formatValue),
                names: [t.names({name_zh: "江门", name_en: "Jiangmen"}, "zh"), t.names({name_zh: "江门", name_en: "Jiangmen"}, "en")],
                words: (() => { const s = {lang: "en"}, w = t.makeT({labels: {legend: {zh: "图例", en: "Legend"}}}, s);
                                const a = [w("legend"), w("unknown")]; s.lang = "zh"; a.push(w("legend")); return a; })()};
    }""")
    assert out["escaped"] == "&lt;img src=x onerror=&quot;a(&#39;1&#39;)&quot;&gt;&amp;"
    assert out["node"] == ["c", "&lt;b&gt;x&lt;/b&gt;", 0]
    assert out["urls"] == ["https://a.cn/x", "HTTP://b", None, None, None, None]
    assert out["values"] == ["> 5 km²", "→ 3 ", ""]
    assert out["names"] == [["江门", "Jiangmen"], ["Jiangmen", "江门"]]
    assert out["words"] == ["Legend", "unknown", "图例"]


@pytest.mark.browser
def test_address_reads_and_writes_the_fragment(blank):
    out = blank.evaluate("""() => {
        const h = window.jmgeoAtlas.address;
        history.replaceState(null, "", "#lang=en&basemap=amap&flag&q=%E6%B1%9F%20x");
        const first = h.readHash();
        h.writeHash({basemap: null, chapter: 2});
        const second = location.hash;
        h.writeHash({lang: null, flag: null, q: null, chapter: null});
        return {first, second, third: location.hash, href: location.href.includes("#")};
    }""")
    assert out["first"] == {"lang": "en", "basemap": "amap", "flag": "", "q": "江 x"}
    assert out["second"] == "#lang=en&flag=&q=%E6%B1%9F%20x&chapter=2"
    assert out["third"] == "" and out["href"] is False


@pytest.mark.browser
def test_search_ranks_as_python_does_on_a_small_index(blank):
    from jmgeo._search import rank, sub_distance

    index = {
        "entries": [
            {"id": "c", "layer": "l", "zh": ["x高沙"], "py": ["x gao sha"], "en": []},
            {"id": "b", "layer": "l", "zh": ["高沙港"], "py": ["gao sha gang"], "en": ["gaoshaport"]},
            {"id": "a", "layer": "l", "zh": ["高沙"], "py": ["gao sha"], "en": []},
            {"id": "n", "layer": "l", "zh": [], "py": [], "en": ["juno"]},
        ]
        + [{"id": f"m{i}", "layer": "l", "zh": [], "py": [], "en": [f"zzgaosha{i}"]} for i in range(12)],
        "facts": [3],
        "fold": "髙高",
        "sounds": "gang港刚gao高sha沙",
    }
    facts = {
        "f": {"id": "f", "quote": "高沙港9535吨", "claim_en": "Gaosha handled 9,535 tonnes.", "number_text": "9535吨"}
    }
    queries = [
        "高沙",
        "gaosha",
        "gsg",
        "髙沙刚",
        "gaosha prot",
        "9535",
        "9,535 tonnes",
        "tonnes",
        "",
        "qqqq",
        "port gaosha",
        "高沙港" + "x🚢" * 400,  # read to its 64th character (the ship, outside the BMP, counts as one)
    ]
    got = blank.evaluate(
        "([qs, i, f]) => qs.map(q => window.jmgeoAtlas.search.rankMatches(q, i, f))", [queries, index, facts]
    )
    assert got == [rank(q, index, facts) for q in queries]
    assert [r["id"] for r in got[0][:3]] == ["a", "b", "c"] and [r["score"] for r in got[0][:3]] == [0, 1, 2]
    assert got[2][0] == {"id": "b", "layer": "l", "score": 3, "why": "initials"}
    assert got[3][0]["id"] == "b" and got[3][0]["why"] == "sound"  # 髙 folds to 高, 刚 sounds as 港
    assert got[5] == [{"id": "n", "layer": "l", "score": 8, "why": "fact", "fact": "f"}]
    assert got[8] == [] and {r["why"] for r in got[9]} == {"nearest"}
    assert got[11] == rank(queries[11][:64], index, facts)
    words = ["", "a", "gdp", "centre", "center", "zhuxiwuliu", "zhuxiguojiwuliuzhongxin", "observatry", "tain", "tian"]
    pairs = [[p, t] for p in words for t in words]
    got = blank.evaluate("ps => ps.map(([p, t]) => window.jmgeoAtlas.search.subDistance(p, t))", pairs)
    assert got == [sub_distance(p, t) for p, t in pairs]


@pytest.mark.browser
def test_choropleth_classes_and_levels(blank):
    out = blank.evaluate("""() => {
        const A = window.jmgeoAtlas, c = {breaks: [10, 20, 30], colors: ["a", "b", "c"]};
        const data = {boundary_simplification: {overview: {max_zoom: 9}}, layers: [
            {features: {features: [{properties: {id: "x"}, geometry: 1, overview: 2}, {properties: {id: "y"}, geometry: 3}]}},
            {features: {features: [{properties: {id: "z"}, geometry: 4}]}}]};
        const a = {data: data};
        return {colors: [0, 10, 11, 30, 31].map(v => A.choropleth.choroplethColor(c, v)),
                levels: [8, 9, 10].map(z => A.levels.levelAt(a, z)),
                none: A.levels.levelAt({data: {}}, 3),
                leveled: A.levels.findLeveled(data),
                coarse: A.levels.featuresAt(data.layers[0], "overview").features.map(f => f.geometry),
                detail: A.levels.featuresAt(data.layers[0], "detail").features.map(f => f.geometry),
                untouched: A.levels.featuresAt(data.layers[1], "overview") === data.layers[1].features};
    }""")
    assert out["colors"] == ["a", "a", "b", "c", "c"]
    assert out["levels"] == ["overview", "overview", "detail"] and out["none"] == "detail"
    assert out["leveled"] == {"x": True}
    assert out["coarse"] == [2, 3] and out["detail"] == [1, 3] and out["untouched"] is True


@pytest.mark.browser
def test_draw_order_and_features_sharing_a_position(blank):
    out = blank.evaluate("""() => {
        const A = window.jmgeoAtlas;
        const order = A.draw.drawOrderOf([{id: "l1", kind: "line"}, {id: "p", kind: "point"}, {id: "a1", kind: "area"},
                                          {id: "l2", kind: "line"}, {id: "a2", kind: "area"}]).map(l => l.id);
        const at = (id, lat, lng) => ({feature: {properties: {id}}, getLatLng: () => L.latLng(lat, lng)});
        const same = A.draw.findColocated({s: at("s", 22.5, 113.00001), c: at("c", 22.50002, 113.0), far: at("far", 22.6, 113.0),
                                           area: {feature: {properties: {id: "area"}}}});
        return {order, same: Object.fromEntries(Object.entries(same).map(([k, v]) => [k, v.map(p => p.id)]))};
    }""")
    assert out["order"] == ["a1", "a2", "p", "l1", "l2"]
    assert out["same"] == {"s": ["c"], "c": ["s"]}


@pytest.mark.browser
def test_legend_swatches(blank):
    out = blank.evaluate("""() => {
        const s = window.jmgeoAtlas.legend.svgSwatch;
        const pick = (svg) => { const e = svg.firstChild; return [e.tagName, e.getAttribute("fill"), e.getAttribute("fill-opacity"),
                                                                  e.getAttribute("stroke-dasharray")]; };
        return [pick(s("line", "#f00")), pick(s("point", "#0f0", {fill_opacity: 0.5, dash: "4 2"})), pick(s("area", "#555", null, "#abc"))];
    }""")
    assert out == [["line", "none", "0.3", None], ["circle", "#0f0", "0.5", "4 2"], ["rect", "#abc", "1", None]]


@pytest.mark.browser
def test_label_placement_keeps_order_and_never_overlaps(blank):
    """placeLabels is greedy: earlier candidates win, a box overlapping a kept one or a control is dropped."""
    got = blank.evaluate(
        """() => {
        const L = window.jmgeoAtlas.labels;
        const c = (id, x, y, point) => ({id: id, at: [x, y], point: point});
        const cands = [c("city", 100, 100, false), c("clash", 110, 102, false), c("town", 100, 140, true),
                       c("offscreen", 395, 100, false), c("under_control", 20, 20, true), c("far", 200, 200, true)];
        const project = at => ({x: at[0], y: at[1]});
        const measure = () => [60, 16];
        const kept = L.placeLabels(cands, project, measure, {x: 400, y: 300}, [{x0: 0, y0: 0, x1: 90, y1: 40}]);
        return {ids: kept.map(k => k.candidate.id), boxes: kept.map(k => k.box),
                town: L.labelBox({x: 100, y: 140}, 60, 16, true), area: L.labelBox({x: 100, y: 100}, 60, 16, false)};
    }"""
    )
    assert got["ids"] == ["city", "town", "far"]
    assert got["area"] == {"x0": 70, "y0": 92, "x1": 130, "y1": 108}
    assert got["town"]["x0"] > 100  # a point's label starts right of its marker
    boxes = got["boxes"]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not (a["x0"] < b["x1"] and b["x0"] < a["x1"] and a["y0"] < b["y1"] and b["y0"] < a["y1"])


@pytest.mark.browser
def test_label_candidates_follow_zoom_and_rank(blank):
    got = blank.evaluate(
        """() => {
        const f = (id, props, geometry) => ({properties: Object.assign({id: id}, props), geometry: geometry});
        const layers = [
          {id: "towns", label_min_zoom: 9, label_rank: 4, features: {features: [
            f("t1", {}, {type: "Point", coordinates: [113, 22.5]})]}},
          {id: "districts", label_min_zoom: 0, label_rank: 2, features: {features: [
            f("d1", {label_at: [113, 22.4]}, null)]}},
          {id: "hubs", label_min_zoom: 9, label_rank: 3, features: {features: [
            f("h1", {fact_ids: []}, {type: "Point", coordinates: [113.1, 22.5]}),
            f("h2", {fact_ids: ["a", "b"]}, {type: "Point", coordinates: [113.2, 22.5]})]}},
          {id: "lines", label_min_zoom: null, features: {features: [f("l1", {}, {type: "LineString", coordinates: []})]}}
        ];
        const ids = zoom => window.jmgeoAtlas.labels.labelCandidates(layers, zoom, () => true).map(c => c.id);
        return [ids(8), ids(9)];
    }"""
    )
    assert got == [["d1"], ["d1", "h2", "h1", "t1"]]
