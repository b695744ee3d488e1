"""Facts from the documents: quotes, parsed amounts, years, and the features they are about.

A fact record lives in ``geodata/facts/<document stem>.json`` (see ``geodata/SCHEMA.md``).
This module loads the fact table as a DataFrame. Amounts (``1428.9亿元``, ``4000多家``,
``１２３``, ``一百二十三``, ``5-7班``) are parsed by :mod:`jmgeo._numbers`, whose
:func:`parse_amount` and vocabulary are re-exported here.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from ._numbers import QUALIFIERS, YEAR_BASES, Amount, parse_amount, parse_chinese_numeral, to_base_unit
from .errors import DataError
from .registry import find_geodata_dir, id_lines, read_json

__all__ = [
    "FACT_COLUMNS",
    "QUALIFIERS",
    "YEAR_BASES",
    "Amount",
    "load_fact_records",
    "load_facts",
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


def fact_files(geodata_dir: str | os.PathLike[str] | None = None) -> list[Path]:
    """Return the fact files in ``geodata/facts/``, sorted by name."""
    root = find_geodata_dir(geodata_dir)
    return sorted((root / "facts").glob("*.json"))


def load_fact_records(geodata_dir: str | os.PathLike[str] | None = None) -> list[dict]:
    """Return every fact record as a dict with its ``doc``, ``_file`` and ``_line`` added."""
    records = []
    for path in fact_files(geodata_dir):
        data = read_json(path)
        if not isinstance(data, dict) or "doc" not in data or not isinstance(data.get("facts"), list):
            raise DataError(str(path), None, 'expected {"doc": "<file name>", "facts": [...]}')
        seen_ids: dict[str, int] = {}
        lines = id_lines(path)
        for i, fact in enumerate(data["facts"]):
            if not isinstance(fact, dict):
                raise DataError(str(path), f"facts[{i}]", "a fact must be a JSON object")
            rec = dict(fact)
            rec["doc"] = data["doc"]
            rec["_file"] = str(path)
            if fact.get("id"):
                nth = seen_ids[str(fact["id"])] = seen_ids.get(str(fact["id"]), -1) + 1
                found = lines.get(str(fact["id"]), [])
                rec["_line"] = found[min(nth, len(found) - 1)] if found else None
            else:
                rec["_line"] = None
            records.append(rec)
    return records


def load_facts(geodata_dir: str | os.PathLike[str] | None = None, validate: bool = True) -> pd.DataFrame:
    """Load the fact table as a DataFrame with the columns in :data:`FACT_COLUMNS`.

    ``feature_ids`` and ``conflicts_with`` hold lists of ids. With ``validate=True``
    (the default) the whole geodata folder is checked first and a
    :class:`~jmgeo.errors.ValidationFailed` lists every problem.

    Examples
    --------
    >>> facts = load_facts()
    >>> facts.loc[facts["id"] == "d003_land_area", ["value", "unit"]].values.tolist()
    [[9535.0, '平方公里']]
    """
    if validate:
        from .validate import raise_for_problems

        raise_for_problems(geodata_dir)
    records = load_fact_records(geodata_dir)
    frame = pd.DataFrame([{col: rec.get(col) for col in FACT_COLUMNS} for rec in records], columns=FACT_COLUMNS)
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype("float64")
    frame["year"] = frame["year"].astype("Int64")
    return frame
