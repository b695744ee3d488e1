"""Score ``jmgeo ingest`` against the hand-curated facts: the measure behind the quality floors of test_ingest.py."""

from __future__ import annotations

import math

from jmgeo._documents import normalize_text
from jmgeo._ingest._records import ReviewRow


def score_rows(rows: list[ReviewRow], facts: list[dict], normalized: dict[str, str]) -> dict:
    """Precision and recall of review rows against hand-curated facts with a number.

    A row matches a fact when it is in the same document, its number text equals the
    fact's (after normalisation) and its number lies inside an occurrence of the fact's
    quote in the normalised document. Precision counts rows that match some fact; recall
    counts facts matched by some row. For matched pairs, the agreement of feature ids
    (exact set, or any overlap), year and qualifier is reported too.

    ``normalized`` maps document file names to their normalised text.
    """
    facts = [f for f in facts if f.get("number_text") and f["doc"] in normalized]
    by_key: dict[tuple[str, str], list[int]] = {}
    for i, r in enumerate(rows):
        by_key.setdefault((r.doc, normalize_text(r.number_text)), []).append(i)
    matched_rows: set[int] = set()
    pairs: dict[int, int] = {}
    for fi, f in enumerate(facts):
        text = normalized[f["doc"]]
        quote = normalize_text(f["quote"])
        spans = []
        i = text.find(quote)
        while i != -1 and quote:
            spans.append((i, i + len(quote)))
            i = text.find(quote, i + 1)
        for ri in by_key.get((f["doc"], normalize_text(f["number_text"])), []):
            r = rows[ri]
            if any(s <= r.number_start and r.number_end <= e for s, e in spans):
                matched_rows.add(ri)
                pairs.setdefault(fi, ri)
    n = len(pairs) or 1
    return {
        "rows": len(rows),
        "facts": len(facts),
        "matched_rows": len(matched_rows),
        "matched_facts": len(pairs),
        "precision": len(matched_rows) / len(rows) if rows else 0.0,
        "recall": len(pairs) / len(facts) if facts else 0.0,
        "features_exact": sum(set(rows[r].feature_ids) == set(facts[f]["feature_ids"]) for f, r in pairs.items()) / n,
        "features_overlap": sum(bool(set(rows[r].feature_ids) & set(facts[f]["feature_ids"])) for f, r in pairs.items())
        / n,
        "year": sum(rows[r].year == facts[f]["year"] for f, r in pairs.items()) / n,
        "qualifier": sum(rows[r].qualifier == facts[f]["qualifier"] for f, r in pairs.items()) / n,
        "value_unit": sum(
            math.isclose(rows[r].value, facts[f]["value"], abs_tol=1e-4) and rows[r].unit == facts[f]["unit"]
            for f, r in pairs.items()
        )
        / n,
    }
