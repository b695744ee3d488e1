"""The gazetteer: longest names win, every curated mention is found, unknown place names become candidates."""

import sys
from pathlib import Path

import pytest

from jmgeo._documents import normalize_text
from jmgeo._geodata import read_geodata
from jmgeo._ingest._gazetteer import find_candidates, load_gazetteer

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
