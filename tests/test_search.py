"""The forgiving search (issue 19 item 4): Python's jmgeo.search and the page's search box rank alike.

tests/search/queries.json is a labelled set of realistic queries of every kind (typos in Chinese
and English, traditional characters, pinyin initials, numbers, topics, English variants, short
names). Each is scored for top-5 accuracy against ``jmgeo._search.rank`` and against the page's
``rankMatches`` in chromium on the built jiangmen.html; the two must give the same results, in
the same order, with the same reasons. The figure is in docs/search.md.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from conftest import read_page_data
from jmgeo import search
from jmgeo._search import build_search_index, fold_table, rank, sound_table, sub_distance

QUERIES = json.loads((Path(__file__).parent / "search" / "queries.json").read_text(encoding="utf-8"))["queries"]
KINDS = {"typo_zh", "typo_en", "traditional", "initials", "number", "topic", "english", "short", "pinyin"}
# Queries beyond the labelled set that both sides must rank alike: no match, symbols, mixed, empty.
EXTRA = ["xyzzy", "港口吞吐量", "7*7", "", "   ", "江门 GDP 2023", "1,395 km²", "Ⅻ", "台山·广海", "中欧班列 Europe"]


@pytest.fixture(scope="module")
def page_data(built):
    return read_page_data((built / "jiangmen.html").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def python_ranks(page_data):
    """Python's ranking of every query over the page's own index and facts."""
    return {q: rank(q, page_data["search"], page_data["facts"]) for q in [x["query"] for x in QUERIES] + EXTRA}


def top5_accuracy(ranks: dict) -> tuple[float, list]:
    misses = [q for q in QUERIES if q["expected"] not in [r["id"] for r in ranks[q["query"]][:5]]]
    return 1 - len(misses) / len(QUERIES), misses


def test_the_labelled_set_is_large_and_covers_every_kind():
    assert len(QUERIES) >= 60
    assert len({q["query"] for q in QUERIES}) == len(QUERIES)
    counts = Counter(q["kind"] for q in QUERIES)
    assert set(counts) == KINDS and min(counts.values()) >= 5


def test_python_search_finds_nine_in_ten_in_its_top_five(python_ranks):
    accuracy, misses = top5_accuracy(python_ranks)
    assert accuracy >= 0.9, misses


def test_python_search_over_the_loaded_layers_gives_the_page_ranking(layers, facts, page_data):
    # the page's index is the one jmgeo.search builds from the same layers (jiangmen.html shows them all)
    index = build_search_index(layers, facts)
    assert index == page_data["search"]
    got = search("9535", layers, facts=facts)
    assert got["id"].iloc[0] == "jiangmen" and got["why"].iloc[0] == "fact"
    assert got["fact"].iloc[0] in page_data["facts"] and "9535" in page_data["facts"][got["fact"].iloc[0]]["quote"]


@pytest.mark.browser
def test_the_page_ranks_every_query_as_python_does(browser, built, python_ranks):
    from browser import open_offline

    page, _, errors, _ = open_offline(browser, built / "jiangmen.html")
    page.wait_for_function("window.jmgeoAtlas && window.jmgeoAtlas.page && window.jmgeoAtlas.page.ready")
    got = page.evaluate(
        """queries => {
            const data = JSON.parse(document.getElementById('jmgeo-data').textContent);
            const out = {};
            for (const q of queries) out[q] = window.jmgeoAtlas.search.rankMatches(q, data.search, data.facts);
            return out;
        }""",
        list(python_ranks),
    )
    page.close()
    assert errors == []
    for query, expected in python_ranks.items():
        assert got[query] == expected, query
    accuracy, misses = top5_accuracy(got)
    assert accuracy >= 0.9, misses


def _brute_osa(a: str, b: str) -> int:
    """Optimal-string-alignment distance, the textbook way (for checking sub_distance)."""
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


@pytest.mark.parametrize(
    "pattern,text", [("centre", "zhuxilogisticscenter"), ("tain", "yantian"), ("prot", "gaoshaport"), ("xyz", "ab")]
)
def test_sub_distance_is_the_best_osa_distance_to_any_part_of_the_text(pattern, text):
    parts = {text[i:j] for i in range(len(text) + 1) for j in range(i, len(text) + 1)}
    assert sub_distance(pattern, text) == min(_brute_osa(pattern, p) for p in parts)


def test_fold_table_comes_from_opencc_for_the_characters_used_only():
    table = fold_table(["鹤山", "江门"])
    pairs = {table[i]: table[i + 1] for i in range(0, len(table), 2)}
    assert pairs["鶴"] == "鹤" and pairs["門"] == "门"
    assert set(pairs.values()) <= {"鹤", "山", "江", "门"}
    assert "會" not in pairs  # 会 is not used by these names


def test_sound_table_reads_common_characters_for_the_syllables_the_names_use():
    table = sound_table(["高沙港"])
    assert table.startswith("gang") and "刚" in table and "沙" in table  # 刚 sounds like 港
    assert "zhu" not in table  # no name reads zhu


@pytest.mark.parametrize(
    "query,why",
    [
        ("鶴山", "traditional"),
        ("zxwl", "initials"),
        ("zhishanzhen", "pinyin"),
        ("珠西物留中心", "sound"),
        ("jiangmen libary", "spelling"),
    ],
)
def test_each_result_says_why_it_matched(python_ranks, page_data, query, why):
    assert rank(query, page_data["search"], page_data["facts"])[0]["why"] == why


def test_a_query_with_no_match_suggests_the_nearest_names(python_ranks):
    results = python_ranks["xyzzy"]
    assert len(results) == 3 and {r["why"] for r in results} == {"nearest"}


def test_facts_by_number_lead_to_their_place_or_the_citys_facts(python_ranks, page_data):
    for query, place in [("1395", "jm_industrial_cluster"), ("9535", "jiangmen")]:
        first = python_ranks[query][0]
        assert first["why"] == "fact" and first["id"] == place
        assert query in page_data["facts"][first["fact"]]["quote"]


def _type(page, text):
    box = page.locator(".jmgeo-search-input")
    box.click()
    box.fill(text)
    return page.locator(".jmgeo-search-result")


@pytest.fixture
def atlas(browser, built):
    from browser import open_offline

    page, _, errors, dialogs = open_offline(browser, built / "jiangmen.html")
    page.wait_for_function("window.jmgeoAtlas && window.jmgeoAtlas.page && window.jmgeoAtlas.page.ready")
    yield page
    assert errors == [] and dialogs == []
    page.close()


@pytest.mark.browser
def test_choosing_with_the_mouse_opens_the_popup_and_it_stays(atlas):
    results = _type(atlas, "珠西物留中心")
    first = results.first
    assert first.get_attribute("data-feature-id") == "zhuxi_logistics_centre"
    assert "读音相近" in first.inner_text()  # why it matched
    first.click()
    popup = atlas.locator(".leaflet-popup-content .jmgeo-popup[data-feature-id='zhuxi_logistics_centre']")
    popup.wait_for(timeout=5000)
    atlas.wait_for_timeout(600)  # a click that fell through to the map would have closed it by now
    assert popup.is_visible()
    assert atlas.locator(".jmgeo-search-results").is_hidden()


@pytest.mark.browser
def test_a_fact_found_by_number_opens_with_the_fact_marked(atlas):
    results = _type(atlas, "1395")
    first = results.first
    assert first.get_attribute("data-why") == "fact"
    assert "事实" in first.inner_text() and "1395" in first.inner_text()
    first.click()
    found = atlas.locator(".leaflet-popup-content .jmgeo-fact-found")
    found.wait_for(timeout=5000)
    assert "1395" in found.inner_text()
    # a fact about the city opens the city's facts at that fact
    results = _type(atlas, "9535")
    assert results.first.get_attribute("data-feature-id") == "jiangmen"
    results.first.click()
    marked = atlas.locator(".jmgeo-city-panel .jmgeo-fact-found")
    marked.wait_for(timeout=5000)
    assert "9535" in marked.inner_text() and marked.is_visible()


@pytest.mark.browser
def test_traditional_characters_and_no_match_in_the_box(atlas):
    results = _type(atlas, "鶴山")
    assert results.first.get_attribute("data-feature-id") == "heshan"
    assert "繁体" in results.first.inner_text()
    results = _type(atlas, "xyzzy")
    assert results.count() == 3
    assert "没有找到" in atlas.locator(".jmgeo-search-empty").inner_text()
    # the keyboard still walks the suggestions
    atlas.locator(".jmgeo-search-input").press("Enter")
    atlas.locator(".leaflet-popup-content .jmgeo-popup").wait_for(timeout=5000)


@pytest.mark.browser
def test_on_a_phone_a_city_fact_opens_the_folded_menu_at_that_fact(browser, built):
    from browser import open_offline

    page, _, errors, _ = open_offline(browser, built / "jiangmen.html", viewport=(390, 844))
    page.wait_for_function("window.jmgeoAtlas && window.jmgeoAtlas.page && window.jmgeoAtlas.page.ready")
    results = _type(page, "9535")
    results.first.click()
    marked = page.locator(".jmgeo-city-panel .jmgeo-fact-found")
    marked.wait_for(timeout=5000)
    assert marked.is_visible() and "9535" in marked.inner_text()
    box = marked.bounding_box()
    assert 0 <= box["y"] < 844 and box["x"] >= 0 and box["x"] + box["width"] <= 390  # on the screen
    page.close()
    assert errors == []


def test_every_reason_has_words_in_both_languages():
    from jmgeo._search import WHY

    labels = json.loads((Path(__file__).parents[1] / "src/jmgeo/static/labels.json").read_text(encoding="utf-8"))
    assert all(labels[f"why_{w}"]["zh"] and labels[f"why_{w}"]["en"] for w in WHY)


def test_python_search_over_some_layers_gives_only_facts_about_their_features(layers, facts):
    """A fact about a feature not searched is not sent to the first feature that is (the page sends it to the city)."""
    given = {"sites": layers["sites"]}
    results = search("9535", layers=given, facts=facts)
    about = facts.set_index("id")["feature_ids"]
    site_ids = set(layers["sites"]["id"])
    fact_rows = results[results["why"] == "fact"]
    assert all(site_ids & set(about[f]) for f in fact_rows["fact"])
    assert set(results["layer"]) <= {"sites"}
