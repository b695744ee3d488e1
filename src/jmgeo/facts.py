"""Facts from the documents: quotes, parsed amounts, years, and the features they are about.

A fact record lives in ``geodata/facts/<document stem>.json`` (see ``geodata/SCHEMA.md``).
This module parses amounts as Chinese newspapers write them (``1428.9亿元``, ``4000多家``,
``１２３``, ``一百二十三``, ``5-7班``) and loads the fact table as a DataFrame.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from ._errors import DataError

__all__ = [
    "FACT_COLUMNS",
    "QUALIFIERS",
    "YEAR_BASES",
    "Amount",
    "fact_frame",
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
QUALIFIERS = (None, "more_than", "nearly", "about", "at_least", "target", "range")
YEAR_BASES = ("stated", "derived", "document_date", "decade", "unknown")

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_NUMERAL = "零〇一二两三四五六七八九十百千"


def parse_chinese_numeral(text: str) -> int:
    """Parse a Chinese numeral below ten thousand (``一百二十三`` -> 123, ``十五`` -> 15).

    Larger magnitudes (万, 亿) are treated as part of the unit by :func:`parse_amount`,
    the way figures are written in the documents (``1.2万公里``).

    Examples
    --------
    >>> parse_chinese_numeral("一百二十三"), parse_chinese_numeral("十五"), parse_chinese_numeral("两千零五")
    (123, 15, 2005)
    >>> parse_chinese_numeral("二〇二三")
    2023
    """
    if not text or any(ch not in _CN_NUMERAL for ch in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    if all(ch in _CN_DIGITS for ch in text):  # digit by digit, as in years: 二〇二三
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    total, digit = 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
    return total + (digit or 0)


# A number: ASCII or full-width digits with an optional decimal part and thousands
# separators, a fraction a/b, or a Chinese numeral.
_NUMBER = r"(?P<num>\d[\d,]*(?:\.\d+)?(?:/\d+)?|[" + _CN_NUMERAL + r"]+)"
_RANGE = r"(?:\s*[-–—~～至到]\s*(?P<num2>\d[\d,]*(?:\.\d+)?|[" + _CN_NUMERAL + r"]+))?"
_PREFIX = r"(?P<prefix>超过|超|逾|近|将近|接近|约|大约|达|仅|第)?"
_SUFFIX = r"(?P<suffix>多|余)?"
_SIGN = r"(?P<sign>[-+])?"
_AMOUNT = re.compile(r"^\s*" + _PREFIX + _SIGN + _NUMBER + _RANGE + _SUFFIX + r"(?P<unit>.*?)(?P<after>左右|以上)?\s*$")

_BARE_MAGNITUDE = re.compile(r"^\s*[万亿]")

_PREFIX_QUALIFIER = {
    "超过": "more_than",
    "超": "more_than",
    "逾": "more_than",
    "近": "nearly",
    "将近": "nearly",
    "接近": "nearly",
    "约": "about",
    "大约": "about",
}


@dataclass(frozen=True)
class Amount:
    """A parsed amount: ``value`` and ``unit`` as written, with a qualifier and the raw text."""

    value: float
    unit: str
    qualifier: str | None
    raw: str
    value_max: float | None = None

    def base(self) -> tuple[float, str]:
        """Return the value in base units (``1428.9亿元`` -> ``(142890000000.0, "元")``)."""
        return to_base_unit(self.value, self.unit)


def _number(text: str) -> float:
    if text[0] in _CN_NUMERAL:
        return float(parse_chinese_numeral(text))
    text = text.replace(",", "")
    if "/" in text:
        num, den = text.split("/")
        return round(int(num) / int(den), 4)
    return float(text)


def parse_amount(text: str) -> Amount:
    """Parse an amount as the documents write it into value, unit and qualifier.

    Full-width digits and signs are folded first (NFKC), so ``１２３亿元`` parses like
    ``123亿元``; a leading minus (``-``, full-width ``－`` or U+2212 ``−``) makes the
    value negative. The unit is kept as written; :meth:`Amount.base` applies 万/亿
    multipliers. A fraction ``1/6`` has unit ``share``, an ordinal ``第6个`` unit
    ``rank``, and a bare magnitude (``万亿``) the value 1.

    Raises
    ------
    ValueError
        If ``text`` does not start with a number.

    Examples
    --------
    >>> parse_amount("1428.9亿元")
    Amount(value=1428.9, unit='亿元', qualifier=None, raw='1428.9亿元', value_max=None)
    >>> a = parse_amount("160多家"); (a.value, a.unit, a.qualifier)
    (160.0, '家', 'more_than')
    >>> a = parse_amount("5-7班"); (a.value, a.value_max, a.unit, a.qualifier)
    (5.0, 7.0, '班', 'range')
    >>> parse_amount("１２３亿元").value, parse_amount("一百二十三个").value
    (123.0, 123.0)
    >>> parse_amount("1/6").unit
    'share'
    >>> parse_amount("第6个").unit, parse_amount("第三").value
    ('rank', 3.0)
    >>> parse_amount("万亿").value, parse_amount("万亿").unit
    (1.0, '万亿')
    >>> parse_amount("\u22125.5%").value, parse_amount("－３亿元").value
    (-5.5, -3.0)
    """
    folded = unicodedata.normalize("NFKC", text).replace("\u2212", "-")
    bare = _BARE_MAGNITUDE.match(folded)
    if bare:  # 万亿, 万吨级: a magnitude with no count means one of it
        return Amount(value=1.0, unit=folded.strip(), qualifier=None, raw=text)
    m = _AMOUNT.match(folded)
    if not m:
        raise ValueError(f"no amount in {text!r}")
    if m.group("prefix") == "第":  # an ordinal: 第三, 第6个
        return Amount(value=_number(m.group("num")), unit="rank", qualifier=None, raw=text)
    value = _number(m.group("num"))
    if m.group("sign") == "-":  # ASCII, full-width (－) and U+2212 (−) minus all arrive here as "-"
        value = -value
    value_max = _number(m.group("num2")) if m.group("num2") else None
    unit = m.group("unit").strip()
    if "/" in m.group("num") and not unit:
        unit = "share"
    qualifier = _PREFIX_QUALIFIER.get(m.group("prefix") or "")
    if m.group("suffix") or m.group("after") == "以上":
        qualifier = "more_than"
    elif m.group("after") == "左右":
        qualifier = "about"
    if value_max is not None:
        qualifier = "range"
    return Amount(value=value, unit=unit, qualifier=qualifier, raw=text, value_max=value_max)


_MULTIPLIERS = (("万亿", 1e12), ("亿", 1e8), ("千万", 1e7), ("百万", 1e6), ("万", 1e4), ("千", 1e3))


def to_base_unit(value: float, unit: str) -> tuple[float, str]:
    """Apply a leading Chinese multiplier in ``unit`` (``亿元`` -> ``元`` times 1e8).

    Examples
    --------
    >>> to_base_unit(1.2, "万亿元")
    (1200000000000.0, '元')
    >>> to_base_unit(9535, "平方公里")
    (9535, '平方公里')
    """
    for prefix, factor in _MULTIPLIERS:
        if unit.startswith(prefix) and len(unit) > len(prefix):
            return value * factor, unit[len(prefix) :]
    return value, unit


def fact_frame(records: list[dict]) -> pd.DataFrame:
    """Return the fact table for fact records (:attr:`jmgeo._geodata.GeoData.fact_records`).

    The columns are :data:`FACT_COLUMNS`; ``feature_ids`` and ``conflicts_with`` hold
    lists of ids, ``value`` is a float and ``year`` a nullable integer.
    """
    frame = pd.DataFrame([{col: rec.get(col) for col in FACT_COLUMNS} for rec in records], columns=FACT_COLUMNS)
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype("float64")
    frame["year"] = frame["year"].astype("Int64")
    return frame
