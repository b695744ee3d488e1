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
    "FACT_COLUMNS",
    "QUALIFIERS",
    "YEAR_BASES",
    "Amount",
    "fact_frame",
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
]


def fact_frame(records: list[dict]) -> pd.DataFrame:
    """Return the fact table for fact records (:attr:`jmgeo._geodata.GeoData.fact_records`).

    The columns are :data:`FACT_COLUMNS`; ``feature_ids`` and ``conflicts_with`` hold
    lists of ids, ``value`` is a float and ``year`` a nullable integer.
    """
    frame = pd.DataFrame([{col: rec.get(col) for col in FACT_COLUMNS} for rec in records], columns=FACT_COLUMNS)
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
