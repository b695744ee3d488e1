"""Facts from the documents: quotes, parsed amounts, years, and the features they are about.

A fact record lives in ``geodata/facts/<document stem>.json`` (see ``geodata/SCHEMA.md``).
This module loads the fact table as a DataFrame. Amounts (``1428.9亿元``, ``4000多家``,
``１２３``, ``一百二十三``, ``5-7班``) are parsed by :mod:`jmgeo._numbers`, whose
:func:`parse_amount` and vocabulary are re-exported here.
"""

from __future__ import annotations

import pandas as pd

from ._numbers import QUALIFIERS, YEAR_BASES, Amount, parse_amount, parse_chinese_numeral, to_base_unit

__all__ = [
    "DERIVED_FACT_COLUMNS",
    "FACT_COLUMNS",
    "OPTIONAL_FACT_KEYS",
    "QUALIFIERS",
    "YEAR_BASES",
    "Amount",
    "fact_frame",
    "fact_series",
    "fact_topics",
    "feature_fact_links",
    "parse_amount",
    "parse_chinese_numeral",
    "to_base_unit",
]

#: Columns of the fact table, in order.
FACT_COLUMNS = [
    "id",
    "feature_ids",
    "doc",
    "quote",
    "number_text",
    "value",
    "unit",
    "qualifier",
    "year",
    "year_basis",
    "claim_en",
    "conflicts_with",
    "unplaced_subject",
    "measure",
    "interpretation_of",
    "interpretation_zh",
    "interpretation_en",
]

#: Keys a fact record may leave out (``interpretation`` is one object in the record, three columns in the table).
OPTIONAL_FACT_KEYS = ("unplaced_subject", "measure", "interpretation")
#: The table's columns that are not keys of the record as written.
DERIVED_FACT_COLUMNS = ("doc", "interpretation_of", "interpretation_zh", "interpretation_en")


def fact_frame(records: list[dict]) -> pd.DataFrame:
    """Return the fact table for fact records (:attr:`jmgeo._geodata.GeoData.fact_records`).

    The columns are :data:`FACT_COLUMNS`; ``feature_ids`` and ``conflicts_with`` hold
    lists of ids, ``value`` is a float and ``year`` a nullable integer. A record's
    ``interpretation`` (what of the fact is the atlas's reading, and why) is flattened to
    ``interpretation_of``, ``interpretation_zh`` and ``interpretation_en``.
    """
    rows = []
    for rec in records:
        row = {col: rec.get(col) for col in FACT_COLUMNS}
        note = rec.get("interpretation") if isinstance(rec.get("interpretation"), dict) else {}
        row["interpretation_of"] = note.get("of")
        row["interpretation_zh"], row["interpretation_en"] = note.get("note_zh"), note.get("note_en")
        rows.append(row)
    frame = pd.DataFrame(rows, columns=FACT_COLUMNS)
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype("float64")
    frame["year"] = frame["year"].astype("Int64")
    return frame


def feature_fact_links(facts: pd.DataFrame) -> pd.DataFrame:
    """The facts' link table: one ``(feature_id, fact_id)`` row for each feature a fact is about.

    Examples
    --------
    >>> import jmgeo
    >>> links = feature_fact_links(jmgeo.load_facts())
    >>> list(links.columns), bool(((links.feature_id == "jiangmen") & (links.fact_id == "d003_land_area")).any())
    (['feature_id', 'fact_id'], True)
    """
    rows = [(fid, fact) for fact, ids in zip(facts["id"], facts["feature_ids"], strict=True) for fid in ids or ()]
    return pd.DataFrame(rows, columns=["feature_id", "fact_id"])


def fact_topics(facts: pd.DataFrame, topics: dict | None) -> dict[str, str]:
    """Each fact's topic id from ``geodata/topics.json``: its measure's topic, else the first topic one of whose
    ``words`` occurs (case-insensitively) in its English claim or its quote, else the ``other`` topic.

    Examples
    --------
    >>> topics = {"topics": [{"id": "trade", "words": ["exports"]}], "other": {"id": "other"}, "measures": []}
    >>> f = pd.DataFrame({"id": ["a", "b"], "claim_en": ["Exports grew.", "A port."], "quote": ["", ""],
    ...                   "measure": [None, None]})
    >>> fact_topics(f, topics)
    {'a': 'trade', 'b': 'other'}
    """
    if not topics:
        return {}
    measure_topic = {m["id"]: m["topic"] for m in topics.get("measures", [])}
    words = [(t["id"], [w.casefold() for w in t["words"]]) for t in topics["topics"]]
    out = {}
    for fid, claim, quote, measure in zip(
        facts["id"], facts["claim_en"], facts["quote"], facts["measure"], strict=True
    ):
        text = f"{claim or ''} {quote or ''}".casefold()
        topic = measure_topic.get(measure) or next((t for t, ws in words if any(w in text for w in ws)), None)
        out[fid] = topic or topics["other"]["id"]
    return out


def fact_series(facts: pd.DataFrame, topics: dict | None) -> list[dict]:
    """The series the facts give: for each measure of ``topics.json``, its values at two or more years.

    A fact belongs to a series by its ``measure``; its value is converted to the measure's
    ``unit`` by the ``factor`` that ``units`` gives its own unit. Targets are left out (a goal is not a
    value of that year); where a year has several values, a plain one comes before one with
    a qualifier (``4022.25亿元`` before ``超4000亿元``). Each series: ``id``, ``topic``,
    ``title_zh``, ``title_en``, ``unit`` and ``points`` (``year``, ``value``, ``fact_id``,
    ``doc``) by year.
    """
    out = []
    for m in (topics or {}).get("measures", []):
        rows = facts[(facts["measure"] == m["id"]) & facts["year"].notna() & facts["value"].notna()]
        rows = rows[rows["qualifier"] != "target"]
        factors = {u["unit"]: u["factor"] for u in m["units"]}
        by_year: dict[int, dict] = {}
        for rec in sorted(rows.to_dict(orient="records"), key=lambda r: (r["qualifier"] is not None, r["id"])):
            year = int(rec["year"])
            if year not in by_year and rec["unit"] in factors:
                value = float(rec["value"]) * factors[rec["unit"]]
                by_year[year] = {"year": year, "value": value, "fact_id": rec["id"], "doc": rec["doc"]}
        if len(by_year) >= 2:
            points = [by_year[y] for y in sorted(by_year)]
            out.append({k: m[k] for k in ("id", "topic", "title_zh", "title_en", "unit")} | {"points": points})
    return out
