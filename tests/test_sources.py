"""Position sources are originals: every URL in the place records is on geodata/source_domains.json's reviewed list."""

from __future__ import annotations

import json

import pytest

from jmgeo._geodata import read_geodata
from jmgeo._validate import check_data

# Copies of Wikipedia and spam domains the data once cited (issue 18); none may come back.
MIRRORS = [
    "https://review.clateway.com/wiki/view_html.php?q=Guohua_Taishan_Power_Station",
    "https://a.osmarks.net/content/wikipedia_en_all_maxi_2020-08/A/Sanjiang%2C_Jiangmen",
    "https://zhwiki.oracleblog.org/wiki/%E6%A3%A0%E4%B8%8B%E9%95%87",
    "https://howlingpixel.com/i-en/Jiangmen",
    "https://tinkarting258.sbs/w/index.php?title=Kunming",
    # named unlinked until issue 18's last pass: content farms reposting news, and a spam domain
    "http://www.tupiankp120.com/",
    "http://axhccc.com.au/",
]


def _problems(folder):
    return [str(p) for p in check_data(read_geodata(folder)).problems]


def test_the_real_data_cites_only_reviewed_domains(geodata_dir):
    assert _problems(geodata_dir) == []
    listed = {d["domain"] for d in json.loads((geodata_dir / "source_domains.json").read_text("utf-8"))["domains"]}
    assert not any(m.split("/")[2] in listed for m in MIRRORS)


@pytest.mark.parametrize("url", MIRRORS)
@pytest.mark.parametrize("key", ["url", "method"])
def test_a_mirror_planted_in_a_position_is_refused_with_file_and_record(geodata_copy, url, key):
    path = geodata_copy / "places" / "sites.json"
    data = json.loads(path.read_text("utf-8"))
    rec = data["records"][0]
    rec["position"][key] = url if key == "url" else rec["position"][key] + f" (same value on {url})"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    problems = _problems(geodata_copy)
    assert len(problems) == 1, problems
    host = url.split("/")[2]
    assert "sites.json" in problems[0] and rec["id"] in problems[0] and host in problems[0], problems[0]


def test_a_mirror_in_unplaced_reasons_is_refused(geodata_copy):
    path = geodata_copy / "unplaced.json"
    data = json.loads(path.read_text("utf-8"))
    data["unplaced"][0]["reason"] += " See https://wikizero.com/index.php/zh/x."
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    problems = _problems(geodata_copy)
    assert len(problems) == 1 and "unplaced.json" in problems[0] and "wikizero.com" in problems[0], problems


def test_a_url_in_running_text_is_reported_once_without_the_punctuation_after_it(geodata_copy):
    path = geodata_copy / "places" / "sites.json"
    data = json.loads(path.read_text("utf-8"))
    rec = data["records"][0]
    rec["position"]["method"] += (
        " (read at https://copy.example.net/p/1.html, and again at https://copy.example.net/p/1.html.)"
    )
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    problems = _problems(geodata_copy)
    assert len(problems) == 1 and "https://copy.example.net/p/1.html is on copy.example.net" in problems[0], problems


def test_without_the_list_every_source_url_is_refused(geodata_copy):
    (geodata_copy / "source_domains.json").unlink()
    problems = _problems(geodata_copy)
    assert problems and all("source_domains.json" in p for p in problems)
    assert any("en.wikipedia.org" in p for p in problems)


def test_a_listed_domain_must_say_what_it_is_and_why_it_is_trusted(geodata_copy):
    path = geodata_copy / "source_domains.json"
    data = json.loads(path.read_text("utf-8"))
    data["domains"].append({"domain": "example.org", "what": "", "why_trusted": "because"})
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    problems = _problems(geodata_copy)
    assert len(problems) == 1 and "source_domains.json" in problems[0] and "what" in problems[0], problems


def test_no_record_names_an_unreviewed_host_even_without_a_link(geodata_dir):
    assert not [p for p in _problems(geodata_dir) if "names " in p and "reviewed list" in p]


def test_a_copy_named_without_a_link_is_refused_by_check(geodata_copy):
    path = geodata_copy / "places" / "sites.json"
    data = json.loads(path.read_text("utf-8"))
    rec = data["records"][0]
    rec["position"]["method"] += " (per a report copied on m.kcqsx.com, not linked)"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    problems = _problems(geodata_copy)
    assert len(problems) == 1, problems
    assert "sites.json" in problems[0] and rec["id"] in problems[0] and "m.kcqsx.com" in problems[0], problems


def test_a_reviewed_publisher_named_without_a_link_is_accepted(geodata_copy):
    """``www.jiangmen.gov.cn`` on the list admits the publisher's bare name ``jiangmen.gov.cn`` in text."""
    listed = json.loads((geodata_copy / "source_domains.json").read_text("utf-8"))["domains"]
    host = next(d["domain"] for d in listed if d["domain"].startswith("www."))
    path = geodata_copy / "places" / "sites.json"
    data = json.loads(path.read_text("utf-8"))
    data["records"][0]["position"]["method"] += f" (as {host[4:]} publishes it)"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    assert _problems(geodata_copy) == []


def test_claims_known_only_from_copies_are_listed_one_sentence_each(geodata_dir):
    """A claim read only in an unattributed copy is kept in position.copy_only (no host), so a reviewer sees it."""
    lists = [
        rec["position"]["copy_only"]
        for recs in read_geodata(geodata_dir).place_records.values()
        for rec in recs
        if "copy_only" in rec["position"]
    ]
    assert lists, "no copy_only claims: either every copy was replaced (then drop this test) or the key was lost"
    for claims in lists:
        assert isinstance(claims, list) and claims
        for claim in claims:  # what the claim is, that it was read in a copy, that no original was found
            assert isinstance(claim, str) and "cop" in claim and ("not found" in claim or "no original" in claim), claim
