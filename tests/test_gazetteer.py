"""The gazetteer: longest names win, every curated mention is found, unknown place names become candidates."""

import sys
from pathlib import Path

import pytest

from jmgeo._documents import normalize_text
from jmgeo._geodata import read_geodata
from jmgeo._ingest._gazetteer import find_candidates, load_gazetteer
from jmgeo._ingest._pipeline import iter_ingest
from jmgeo._ingest._readers import open_source
from jmgeo._ingest._records import PlaceMention, ReviewRow

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from ingest_bench import naive_find  # noqa: E402  (the benchmark's baseline, which the first test compares with)

GAZ = load_gazetteer()


@pytest.mark.parametrize(
    "text,name,feature,shorter",
    [
        ("货物经江门北站发出", "江门北站", "jiangmen_north_station", "江门"),
        ("新会港完成集装箱吞吐量", "新会港", "xinhui_port", "新会"),
        ("鹤山工业城引进项目", "鹤山工业城", "heshan_industrial_city", "鹤山"),
        ("江门大型产业集聚区规上工业总产值", "江门大型产业集聚区", "jm_industrial_cluster", "江门"),
    ],
)
def test_longest_name_wins(text, name, feature, shorter):
    found = GAZ.find(text)
    assert [(m.name, m.feature_ids[0]) for m in found] == [(name, feature)]
    assert text[found[0].start : found[0].end] == name
    # the naive baseline also reports the shorter name inside the longer one
    assert shorter in [n for _, n in naive_find(GAZ.names, text)]


def test_shared_alias_keeps_every_feature():
    (m,) = GAZ.find("高新区（江海区）")
    assert set(m.feature_ids) == {"jiangmen_hitech_zone", "jianghai"}
    assert m.feature_ids[0] == "jiangmen_hitech_zone"  # the curated place before the district


def test_latin_aliases_are_not_matched_in_text():
    assert GAZ.find("Xinhui JUNO gaoxinqu") == []


def test_curated_mentions_are_found():
    """Each place's recorded mentions (geodata/places) contain a name the gazetteer links to it."""
    total, missed = 0, []
    for records in read_geodata().place_records.values():
        for rec in records:
            for mention in rec["mentions"]:
                total += 1
                ids = {i for m in GAZ.find(normalize_text(mention["text"])) for i in m.feature_ids}
                if rec["id"] not in ids:
                    missed.append((rec["id"], mention["text"]))
    # the misses are coordinated phrases: "江门北至盐田港、高栏港和南沙港的海铁联运班列" names three routes
    assert total > 50 and len(missed) / total <= 0.1, missed


def test_candidates_are_unknown_place_names():
    text = "加快建设崖门港和广海湾，推进新会港、粤港澳大湾区建设，双水镇"
    names = [c[2] for c in find_candidates(text, GAZ.find(text))]
    assert "崖门港" in names and "广海湾" in names and "双水镇" in names and "粤港澳大湾区" in names
    assert "新会港" not in names  # known
    assert not any(n.startswith("粤港") and n != "粤港澳大湾区" for n in names)  # 港澳 is not a port
    for start, end, name in find_candidates(text, GAZ.find(text)):
        assert text[start:end] == name


@pytest.mark.parametrize(
    "text,expected",
    [
        # issue 20: places only where they are meant
        ("江门北部的产业园区经江门北站开通班列", [("江门", "jiangmen"), ("江门北站", "jiangmen_north_station")]),
        ("珠海高新区今年新增企业200家，江门高新区新增150家", [("江门高新区", "jiangmen_hitech_zone")]),
        ("高新区今年新增企业", [("高新区", "jiangmen_hitech_zone")]),
        ("台山沿海的盐田面积约1200亩，晒盐历史悠久", [("台山", "taishan")]),
        ("首条由江门到盐田的组合港线路", [("江门", "jiangmen"), ("盐田", "yantian_port")]),
        ("台山港区新增泊位三个，台山核电站发电", []),
        ("江门港口物流快讯，台山市大田镇", [("江门", "jiangmen"), ("台山市", "taishan")]),
        ("广东（江门）硅能源产业基地投产", [("广东（江门）硅能源产业基地", "silicon_energy_industry_base")]),
    ],
)
def test_places_are_found_only_where_they_are_meant(text, expected):
    found = load_gazetteer().find(text)
    assert [(m.name, m.feature_ids[0]) for m in found] == expected


def test_a_short_form_the_text_defines_is_followed_to_the_end_of_the_document(tmp_path):
    path = tmp_path / "short.txt"
    path.write_text("广东（江门）硅能源产业基地（以下简称“基地”）今年投产。\n基地年产值超100亿元。\n", encoding="utf-8")
    records = list(iter_ingest([open_source(path)], date_year=2024))
    mentions = [(m.text, m.feature_ids) for m in records if isinstance(m, PlaceMention)]
    assert mentions == [
        ("广东（江门）硅能源产业基地", ("silicon_energy_industry_base",)),
        ("基地", ("silicon_energy_industry_base",)),
    ]
    (row,) = [r for r in records if isinstance(r, ReviewRow)]
    assert row.feature_ids == ("silicon_energy_industry_base",) and row.number_text == "100亿元"


def test_a_site_named_after_its_county_is_proposed_whole_and_not_read_as_the_county():
    text = "台山港区新增泊位三个，台山核电站发电。"
    gaz = load_gazetteer()
    assert gaz.find(text) == []
    assert [c[2] for c in find_candidates(text, gaz.find(text))] == ["台山港区", "台山核电站"]


def test_a_candidate_never_starts_inside_a_town_whose_name_holds_a_stop_character():
    """共和镇 holds 和 (a conjunction elsewhere): a site named after it is not cut to 镇大岭水电站."""
    from jmgeo._ingest._gazetteer import _NAME_STOP

    gaz = load_gazetteer()
    towns = sorted(t for t in gaz.towns if any(ch in _NAME_STOP for ch in t[:-1]))
    assert towns, "no town name holds a stop character: the case is not exercised"
    for town in towns:
        text = f"据介绍，{town}大岭水电站装机容量为3万千瓦。"
        names = [c[2] for c in find_candidates(text, gaz.find(text), towns=gaz.towns)]
        assert "大岭水电站" in names or f"{town}大岭水电站" in names, (town, names)
        inside = [n for n in names if n not in (town, "大岭水电站", f"{town}大岭水电站")]
        assert inside == [], (town, names)


# Third pass of issue 20: kinds of failure found by the four new labelled documents (tests/ingest_corpus/).
@pytest.mark.parametrize(
    "text,found",
    [
        # a place's two-character name whose characters belong to the words around it (取得|实质)
        ("双方在成果转化方面取得实质进展", []),
        ("市政府与得实签约，得实扩产", [("得实", "dascom_printer_plant")] * 2),
        # another city's generic name, with more of that city's name in between
        ("中山火炬高新区、佛山高新区企业考察团到访江门高新区", [("江门高新区", "jiangmen_hitech_zone")]),
        ("珠海国家高新区与高新区合作", [("高新区", "jiangmen_hitech_zone")]),
        # a place named with the city's name, written without it by a document from the city
        ("双碳实验室和中微子实验室加强合作", [("双碳实验室", "dual_carbon_lab"), ("中微子实验室", "juno")]),
        ("市图书馆和北站", []),
    ],
)
def test_places_only_where_they_are_meant(text, found):
    assert [(m.name, m.feature_ids[0]) for m in GAZ.find(text)] == found


@pytest.mark.parametrize(
    "text,names",
    [
        ("鹤山市共和镇大岭水电站装机容量2万千瓦", ["共和镇大岭水电站"]),
        ("君堂镇西安村委会黄角村民小组新建光伏", ["君堂镇西安村委会黄角村民小组"]),
        ("锦江水库库区共有村民小组27个", ["锦江水库"]),
        ("全市现有农村小水电站36座，表2主要水电站情况", []),
        ("开平市苍城镇潭碧村委会新建污水处理站1座", ["苍城镇潭碧村委会"]),
    ],
)
def test_a_site_after_its_town_or_village_is_one_candidate(text, names):
    assert [c[2] for c in find_candidates(text, GAZ.find(text), towns=GAZ.towns)] == names


@pytest.mark.parametrize(
    "text,words,found",
    [
        # an area's English name before another capitalised word of a longer name is not the area
        ("KaipingDiaolouandVillagesreceivedvisitors.", (7, 14, 17, 25, 33), []),
        ("JiangmenGDPgrew5.1%.", (8, 11, 15), [("Jiangmen", "jiangmen")]),
        ("TheXinhuiDistrictgovernmentsaid.", (3, 9, 17, 27), [("XinhuiDistrict", "xinhui")]),
    ],
)
def test_english_area_names_inside_longer_names(text, words, found):
    assert [(m.name, m.feature_ids[0]) for m in GAZ.find_english(text, words)] == found
