"""jmgeo ingest on a labelled set of documents written for issue 20 (tests/ingest_corpus/, not the seeds).

Short documents cover the kinds of failure the issue lists: mixed number formats (full-width separators,
Chinese numerals with 余, fractions, ranges with the unit on both ends, durations), a Big5 article in traditional
characters, a GBK article with generic place words (another city's 高新区, 盐田 as salt pans, 北部 after a city
name) and a short form the text defines, an English press release, and PDF-like text with a title, a date line
and a table; and, since the second pass, English names in English text, routes named by their two ends, an
industry's name that is also a park's, and figures about sites not in geodata (``place_kind``, scored per kind,
with the place each amount is paired with: ``pairs``). ``labels.json`` lists every amount and place mention a
reviewer wants; the floors below are set a little under what was measured (docs/ingest.md).
"""

import json
from collections import Counter
from pathlib import Path

import pytest

from jmgeo._ingest._pipeline import iter_ingest
from jmgeo._ingest._readers import open_source
from jmgeo._ingest._records import PlaceMention, ReviewRow

CORPUS = Path(__file__).parent / "ingest_corpus"
LABELS = json.loads((CORPUS / "labels.json").read_text(encoding="utf-8"))["documents"]

# measured on this set: see docs/ingest.md ("A labelled set of new documents")
# (amounts were 0.59 / 0.41 and places 0.76 / 0.90 before the issue-20 number reader)
FLOORS = {
    "amounts": {"precision": 0.95, "recall": 0.95},  # measured 1.00 / 1.00 (103 / 103, third pass)
    "places": {"precision": 0.95, "recall": 0.95},  # measured 1.00 / 1.00 (93 / 93, third pass)
    # per kind of place reading (the documents' place_kind), each measured 1.00 / 1.00
    "places:english": {"precision": 0.9, "recall": 0.9},  # 29 labelled, 4 documents
    "places:route_ends": {"precision": 0.9, "recall": 0.9},  # 7 labelled
    "places:industry": {"precision": 0.9, "recall": 0.9},  # 6 labelled
    "places:sites": {"precision": 0.9, "recall": 0.9},  # 10 labelled, 3 documents
    # amounts paired with the places they are about (routes by their ends, industries, sites not in geodata)
    "pairs": {"precision": 0.9, "recall": 0.9},  # 41 labelled (third pass)
    # third pass: a row's qualifier and year where labelled (约 before a page break, 去年, a target year set in
    # the sentence before), and the whole names of places not in geodata proposed as candidates
    "attributes": {"precision": 0.9, "recall": 0.9},  # 5 labelled
    "candidates": {"precision": 0.9, "recall": 0.9},  # 12 labelled, 3 documents
}
# Issue 20's done-when, asserted on the whole labelled set (the floors above are stricter where they overlap)
ISSUE_THRESHOLDS = {
    "places": {"precision": 0.95, "recall": 0.90},
    "amounts": {"precision": 0.90, "recall": 0.85},
}


def _num(v):
    # to 4 decimals: the number reader stores a fraction as the facts do (三分之一 -> 0.3333)
    return None if v is None else round(float(v), 4)


def score_corpus() -> dict:
    """Return precision and recall per kind (amounts, places) over the labelled documents, and the misses."""
    kinds = ["amounts", "places", "pairs", "attributes", "candidates"] + sorted(
        {f"places:{v['place_kind']}" for v in LABELS.values() if "place_kind" in v}
    )
    got = {kind: Counter() for kind in kinds}
    want = {kind: Counter() for kind in kinds}
    for doc, labels in LABELS.items():
        place_kinds = ["places"] + ([f"places:{labels['place_kind']}"] if "place_kind" in labels else [])
        paired = {text for text, _ in labels.get("pairs", [])}
        for text, value, value_max, unit in labels["amounts"]:
            want["amounts"][(doc, text, _num(value), _num(value_max), unit)] += 1
        for text, fid in labels["places"]:
            for kind in place_kinds:
                want[kind][(doc, text, fid)] += 1
        for text, ids in labels.get("pairs", []):
            want["pairs"][(doc, text, tuple(ids))] += 1
        attributes = {(text, field) for text, field, _ in labels.get("attributes", [])}
        for text, field, value in labels.get("attributes", []):
            want["attributes"][(doc, text, field, value)] += 1
        for name in labels.get("candidates", []):
            want["candidates"][(doc, name)] += 1
        for rec in iter_ingest([open_source(CORPUS / doc)], date_year=2024):
            if isinstance(rec, ReviewRow):
                got["amounts"][(doc, rec.number_text, _num(rec.value), _num(rec.value_max), rec.unit)] += 1
                if rec.number_text in paired:  # scored only for the amounts whose pairing is labelled
                    got["pairs"][(doc, rec.number_text, tuple(rec.feature_ids))] += 1
                for field in ("qualifier", "year"):  # scored only where labelled
                    if (rec.number_text, field) in attributes:
                        got["attributes"][(doc, rec.number_text, field, getattr(rec, field))] += 1
            elif isinstance(rec, tuple) and "candidates" in labels:  # a new-place candidate (start, end, name, ...)
                got["candidates"][(doc, rec[2])] += 1
            elif isinstance(rec, PlaceMention):
                for fid in rec.feature_ids[:1]:
                    for kind in place_kinds:
                        got[kind][(doc, rec.text, fid)] += 1
    out = {}
    for kind in got:
        hits = sum((got[kind] & want[kind]).values())
        out[kind] = {
            "precision": round(hits / max(1, sum(got[kind].values())), 2),
            "recall": round(hits / max(1, sum(want[kind].values())), 2),
            "found": sum(got[kind].values()),
            "labelled": sum(want[kind].values()),
            "missed": sorted(want[kind] - got[kind]),
            "extra": sorted(got[kind] - want[kind]),
        }
    return out


@pytest.fixture(scope="module")
def corpus_score():
    return score_corpus()


@pytest.mark.parametrize("doc", sorted(LABELS))
def test_every_labelled_document_is_read_in_its_encoding(doc):
    src = open_source(CORPUS / doc)
    src.close()
    assert src.encoding == LABELS[doc]["encoding"]


@pytest.mark.parametrize("kind", sorted(FLOORS))
def test_precision_and_recall_per_kind(kind, corpus_score):
    score = corpus_score[kind]
    assert score["precision"] >= FLOORS[kind]["precision"], score
    assert score["recall"] >= FLOORS[kind]["recall"], score


@pytest.mark.parametrize("kind", sorted(ISSUE_THRESHOLDS))
def test_the_issue_thresholds_on_the_whole_labelled_set(kind, corpus_score):
    score = corpus_score[kind]
    assert score["precision"] >= ISSUE_THRESHOLDS[kind]["precision"], score
    assert score["recall"] >= ISSUE_THRESHOLDS[kind]["recall"], score


if __name__ == "__main__":  # print the measurement for docs/ingest.md
    import pprint

    pprint.pprint(score_corpus(), width=140)
