"""The fact table: every quote verbatim in its document, every feature known, every value parsed."""

import math
import re

import pytest

from amounts import ISSUE_AMOUNTS
from jmgeo._documents import normalize_text, undouble_line
from jmgeo._facts import parse_amount, parse_chinese_numeral, to_base_unit
from jmgeo._geodata import read_geodata

FACTS = read_geodata().fact_records
FACT_IDS = [f["id"] for f in FACTS]


def test_layout_traps_are_real_and_handled(documents):
    doc = documents["000_e40626eb138bbdf2.txt"]
    # the raw text breaks this figure across lines; the normalised text does not
    assert "1428.9亿元" not in doc.text
    assert "1428.9亿元" in doc.normalized
    assert "20222022年年44月月2828日日" in doc.text
    assert "2022年4月28日" in doc.normalized


def test_undouble_leaves_ordinary_text_alone():
    assert undouble_line("谈谈江门的发展") == "谈谈江门的发展"
    assert undouble_line("1100") == "1100"
    assert undouble_line("新会港新会港。。") == "新会港。"


@pytest.mark.parametrize("fact", FACTS, ids=FACT_IDS)
def test_quote_occurs_verbatim_in_its_document(fact, documents):
    assert documents[fact["doc"]].contains(fact["quote"])


@pytest.mark.parametrize("fact", FACTS, ids=FACT_IDS)
def test_fact_features_exist(fact):
    spec = read_geodata().districts_spec
    known = {d["id"] for d in spec["districts"]} | {spec["city"]["id"]}
    known |= {r["id"] for recs in read_geodata().place_records.values() for r in recs}
    assert fact["feature_ids"] and set(fact["feature_ids"]) <= known


@pytest.mark.parametrize(
    "fact", [f for f in FACTS if f["number_text"]], ids=[f["id"] for f in FACTS if f["number_text"]]
)
def test_parsed_value_matches_quote(fact):
    assert normalize_text(fact["number_text"]) in normalize_text(fact["quote"])
    amount = parse_amount(fact["number_text"])
    assert math.isclose(amount.value, fact["value"], abs_tol=1e-4)
    assert amount.unit == fact["unit"]


@pytest.mark.parametrize("fact", FACTS, ids=FACT_IDS)
def test_year_is_resolved(fact, documents):
    if fact["year_basis"] == "stated":
        assert str(fact["year"]) in documents[fact["doc"]].normalized
    if fact["year_basis"] == "unknown":
        assert fact["year"] is None
    else:
        assert 1900 <= fact["year"] <= 2030


def test_every_document_contributes_facts(documents):
    per_doc = {name: sum(f["doc"] == name for f in FACTS) for name in documents}
    assert all(n >= 15 for n in per_doc.values()), per_doc


def test_numbers_in_the_documents_are_covered(documents):
    """Most distinct figures with a unit in each document are in the fact table (not a sample)."""
    unit_re = r"(亿元|万元|亿美元|万美元|平方公里|%|家|个|宗|件|名|项|万亩|GWh)"
    for name, doc in documents.items():
        found = set(re.findall(r"(\d+(?:\.\d+)?)" + unit_re, doc.normalized))
        covered = {
            (m.group(1), m.group(2))
            for f in FACTS
            if f["doc"] == name and f["number_text"]
            for m in [re.match(r"(\d+(?:\.\d+)?)多?" + unit_re, normalize_text(f["number_text"]))]
            if m
        }
        share = len(found & covered) / len(found)
        assert share >= 0.8, (name, round(share, 2), sorted(found - covered)[:20])


def test_the_china_eu_conflict_is_kept_on_both_sides():
    by_id = {f["id"]: f for f in FACTS}
    yuan, usd = by_id["d000_china_eu_zone_investment"], by_id["d003_china_eu_zone_investment"]
    assert (yuan["value"], yuan["unit"]) == (150, "亿元")
    assert (usd["value"], usd["unit"]) == (150, "亿美元")
    assert usd["id"] in yuan["conflicts_with"] and yuan["id"] in usd["conflicts_with"]
    # the zone itself could not be located: both facts name it as their unplaced subject
    zone = "中欧（江门）中小企业国际合作区"
    assert yuan["unplaced_subject"] == zone and usd["unplaced_subject"] == zone


@pytest.mark.parametrize(
    "text,value,unit,qualifier",
    ISSUE_AMOUNTS
    + [
        ("1428.9亿元", 1428.9, "亿元", None),
        ("超150亿元", 150, "亿元", "more_than"),
        ("近13.7亿元", 13.7, "亿元", "nearly"),
        ("约470亿美元", 470, "亿美元", "about"),
        ("1/6", 0.1667, "share", None),
        ("第6个", 6, "rank", None),
    ],
)
def test_parse_amount(text, value, unit, qualifier):
    amount = parse_amount(text)
    assert math.isclose(amount.value, value, abs_tol=1e-4)
    assert (amount.unit, amount.qualifier, amount.raw) == (unit, qualifier, text)


def test_parse_amount_rejects_text_without_a_number():
    with pytest.raises(ValueError, match="no amount"):
        parse_amount("江门")


def test_base_units():
    assert to_base_unit(1428.9, "亿元") == (pytest.approx(1.4289e11), "元")
    assert to_base_unit(530, "万") == (530, "万")  # a bare multiplier is kept as the unit
    assert parse_amount("12.5亿元").base() == (pytest.approx(1.25e9), "元")


def test_chinese_numerals():
    assert parse_chinese_numeral("十") == 10
    assert parse_chinese_numeral("三百零五") == 305
    with pytest.raises(ValueError):
        parse_chinese_numeral("abc")


def test_every_measured_fact_is_in_its_series_and_a_bad_measure_or_interpretation_is_refused(geodata_copy, facts):
    import json

    from jmgeo._facts import fact_series
    from jmgeo._geodata import read_geodata
    from jmgeo._validate import check_data

    topics = read_geodata().topics_spec
    series = {s["id"]: s for s in fact_series(facts, topics)}
    # each year of a measure is in its series once, a plain value before a qualified one
    for m in topics["measures"]:
        rows = facts[(facts["measure"] == m["id"]) & facts["year"].notna()]
        assert sorted({int(y) for y in rows["year"]}) == [p["year"] for p in series[m["id"]]["points"]]
    assert {p["fact_id"] for p in series["gdp"]["points"]} >= {"d002_gdp_2023", "d002_gdp_1949"}
    assert "d002_gdp_over_4000_2023" not in {p["fact_id"] for p in series["gdp"]["points"]}
    path = next((geodata_copy / "facts").glob("002_*.json"))
    data = json.loads(path.read_text(encoding="utf-8"))
    data["facts"][0]["measure"] = "no_such_measure"
    data["facts"][1]["interpretation"] = {"of": "unplaced_subject", "note_zh": "", "note_en": "x"}
    data["facts"][2]["interpretation"] = {"of": "colour", "note_zh": "y", "note_en": "x"}
    gdp = next(f for f in data["facts"] if f.get("measure") == "gdp")
    gdp["unit"] = "万元"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    report = check_data(read_geodata(geodata_copy))
    messages = [str(p) for p in report.problems]
    assert any("no_such_measure" in m and data["facts"][0]["id"] in m for m in messages), messages
    assert any("interpretation must be" in m and data["facts"][1]["id"] in m for m in messages), messages
    assert any('"colour"' in m and data["facts"][2]["id"] in m for m in messages), messages
    assert any('unit "万元"' in m and gdp["id"] in m for m in messages), messages
