"""Pages: theme maps, districts choropleth, story, basemaps, search index, text twin."""

import subprocess
import sys

import pytest

from conftest import read_page_data
from jmgeo import _crs as crs
from jmgeo._geodata import read_geodata
from jmgeo._pages import parse_pages, parse_story, resolve_basemaps
from jmgeo._search import normalize_key, search
from jmgeo._webmap import make_map, make_pages, map_html


@pytest.fixture(scope="module")
def pages_html(layers, facts):
    return {p.id: map_html(make_map(layers, facts, page=p.id)) for p in parse_pages(read_geodata())}


def test_build_writes_every_page(built):
    for page in parse_pages(read_geodata()):
        html = (built / page.file).read_text(encoding="utf-8")
        assert read_page_data(html)["page"]["id"] == page.id
        stem = page.file.removesuffix(".html")
        # a static image of each map, except the story (it shows the main atlas's layers)
        assert (built / f"{stem}.png").is_file() != bool(page.story)


def test_pages_made_together_are_the_pages_made_alone(pages_html, layers, facts):
    """jmgeo build makes what its pages share once (make_pages): the pages must not change."""
    made = make_pages(read_geodata(), layers, facts)
    assert [spec.id for spec, _ in made] == list(pages_html)
    for spec, fmap in made:
        assert map_html(fmap) == pages_html[spec.id], spec.id


def test_theme_maps_carry_only_their_layers(pages_html):
    order = [spec.id for spec in read_geodata().registry.layers]
    for page in parse_pages(read_geodata()):
        data = read_page_data(pages_html[page.id])
        # the page's layers, drawn and listed in the registry's order
        assert [layer["id"] for layer in data["layers"]] == [lid for lid in order if lid in page.layers]
    assert [layer["id"] for layer in read_page_data(pages_html["logistics"])["layers"]] == [
        "city",
        "districts",
        "logistics_hubs",
        "corridors",
        "freight_routes",
        "neighbours",
        "towns",
    ]


@pytest.mark.parametrize("query", ["高沙", "Gaosha", "gaosha gang", "江门国际货柜码头", "gāoshā gǎng", "GAOSHAGANG"])
def test_search_finds_gaosha_port_every_way(query, layers):
    assert search(query, layers)["id"].iloc[0] == "gaosha_port"


def test_search_index_in_the_page_matches_python(pages_html, layers):
    index = {e["id"]: e for e in read_page_data(pages_html["jiangmen"])["search"]["entries"]}
    assert set(index) == {fid for frame in layers.values() for fid in frame["id"]}
    assert "gao sha gang" in index["gaosha_port"]["py"]  # pinyin of 高沙港
    assert normalize_key("江门国际货柜码头") in index["gaosha_port"]["zh"]  # an alias
    assert "jiang men zhong wei zi shi yan shi" in index["juno"]["py"]
    # zh and py are parallel: the pinyin of each Chinese name
    assert all(len(e["zh"]) == len(e["py"]) for e in index.values())


def test_each_page_searches_its_own_places_and_every_fact(pages_html):
    for name, html in pages_html.items():
        data = read_page_data(html)
        entries, targets = data["search"]["entries"], data["search"]["facts"]
        assert entries[0]["id"] == data["city"]["id"], name  # facts of places not on the page lead here
        assert len(targets) == len(data["facts"]) and all(0 <= t < len(entries) for t in targets), name
        assert {e["layer"] for e in entries} == {layer["id"] for layer in data["layers"]}, name


def test_choropleth_counts_facts_per_district(pages_html, layers, facts):
    data = read_page_data(pages_html["districts"])["choropleth"]
    # recount independently: facts naming the district, or a place lying mostly in it (by length or
    # area share, measured another way: tests/test_district_assignment.py)
    from test_district_assignment import expected_district

    places = {}
    for frame in layers.values():
        if "district" in frame.columns:
            for row in frame.itertuples():
                did = expected_district(row.geometry, layers["districts"])
                if did is not None:
                    places[row.id] = did
    expected = {did: 0 for did in layers["districts"]["id"]}
    for ids in facts.loc[facts["value"].notna(), "feature_ids"]:
        for did in {i for i in ids if i in expected} | {places[i] for i in ids if i in places}:
            expected[did] += 1
    assert data["values"] == expected
    assert data["breaks"] == sorted(data["breaks"]) and data["breaks"][-1] == max(expected.values())
    assert len(data["colors"]) == len(data["breaks"])


def test_story_chapters_cite_real_facts_and_features(pages_html, facts, layers):
    data = read_page_data(pages_html["story"])
    story = parse_story(read_geodata(), "story.json")
    assert [c["id"] for c in data["story"]["chapters"]] == [c["id"] for c in story["chapters"]]
    ids = {fid for frame in layers.values() for fid in frame["id"]}
    for chapter in story["chapters"]:
        assert set(chapter["facts"]) <= set(facts["id"])
        assert set(chapter["focus"]) <= ids
    assert [c["id"] for c in story["chapters"]][:4] == ["corridors", "ports", "cluster", "platforms"]


def test_basemaps_and_their_datums(monkeypatch):
    monkeypatch.delenv("JMGEO_TIANDITU_KEY", raising=False)
    bases = {b["id"]: b for b in resolve_basemaps(read_geodata())["basemaps"]}
    assert bases["osm"]["datum"] == "WGS84" and bases["amap"]["datum"] == "GCJ-02"
    assert "tianditu" not in bases  # offered only with a key
    assert all("<" not in b.get("attribution", "") for b in bases.values())


def test_tianditu_key_never_enters_the_page(monkeypatch, layers, facts):
    secret = "k3y-0123456789abcdef"
    monkeypatch.setenv("JMGEO_TIANDITU_KEY", secret)
    html = map_html(make_map(layers, facts))
    assert "tianditu" in [b["id"] for b in read_page_data(html)["basemaps"]["basemaps"]]
    assert secret not in html


def test_text_twin_placeholder_follows_the_map(pages_html):
    html = pages_html["jiangmen"]
    assert html.index('class="folium-map"') < html.index('id="jmgeo-text"')
    assert html.index('class="jmgeo-skip"') < html.index('class="folium-map"')
    assert "<noscript>" in html[html.index('id="jmgeo-text"') :]


def test_builds_are_byte_identical_across_processes(tmp_path):
    outs = [tmp_path / "a", tmp_path / "b"]
    for out in outs:
        result = subprocess.run(
            [sys.executable, "-m", "jmgeo", "build", "--out", str(out), "-q"], capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
    files = sorted(p.relative_to(outs[0]) for p in outs[0].rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(outs[1]) for p in outs[1].rglob("*") if p.is_file())
    assert any(str(f).endswith(".gpkg") for f in files) and any(str(f).endswith(".html") for f in files)
    for f in files:
        assert (outs[0] / f).read_bytes() == (outs[1] / f).read_bytes(), f


def test_gcj02_shift_in_python_lands_within_a_metre_of_the_reference():
    # the shift the page applies is checked against Python in the browser tests; here the
    # Python side against eviltransform's published reference value
    lon, lat = crs.wgs84_to_gcj02(112.75, 21.70)
    assert crs.geodesic_distance_m(float(lon), float(lat), 112.755105, 21.697395) < 1


def test_pinyin_prefetch_gives_the_same_keys_as_pypinyin(monkeypatch):
    from pypinyin import lazy_pinyin

    from jmgeo import _pinyin as pinyin_module

    monkeypatch.setattr(pinyin_module, "_PREFETCHED", {})
    pinyin_module.pinyin_syllables.cache_clear()
    names = ["北部都会区", "高沙港", "江门国际货柜码头", "Gaosha", "重庆", "中创新航50GWh 基地"]
    prefetch = pinyin_module.PinyinPrefetch()
    assert prefetch.collect(names) == 5  # only the names with Chinese characters
    assert pinyin_module._PREFETCHED == {n: tuple(lazy_pinyin(n)) for n in names if n != "Gaosha"}
    assert pinyin_module.pinyin("北部都会区") == "beibuduhuiqu"  # the phrase reading, not dou
    assert pinyin_module.pinyin_syllables("中创新航50GWh 基地")[4] == "50GWh "  # other runs stay one item
    pinyin_module.pinyin_syllables.cache_clear()


@pytest.mark.parametrize("executable", ["/nonexistent/python", "/bin/false"])
def test_pinyin_prefetch_failure_falls_back_to_this_process(monkeypatch, executable):
    from jmgeo import _pinyin as pinyin_module
    from jmgeo import _search as search_module

    monkeypatch.setattr(pinyin_module, "_PREFETCHED", {})
    monkeypatch.setattr(pinyin_module.sys, "executable", executable)
    pinyin_module.pinyin_syllables.cache_clear()
    prefetch = pinyin_module.PinyinPrefetch()
    assert prefetch.collect(["高沙港"]) == 0
    assert pinyin_module._PREFETCHED == {}
    assert search_module.feature_keys(["高沙港"])["py"] == ["gao sha gang"]
    prefetch.close()
    pinyin_module.pinyin_syllables.cache_clear()


def test_a_build_leaves_pypinyin_to_the_prefetch_child(tmp_path):
    """Every name and character the search tables read is prefetched, so the build never loads
    pypinyin's dictionaries itself (~0.3 s of the build when one English name or rare character slipped through)."""
    code = "import sys, jmgeo; jmgeo.build_atlas(sys.argv[1]);print('pypinyin' in sys.modules, 'fiona' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]
