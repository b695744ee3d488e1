"""Read amounts as Chinese newspapers write them: the one number vocabulary of jmgeo.

The fact checks (:mod:`jmgeo._validate` through :mod:`jmgeo._facts`) and ``jmgeo ingest``
(:mod:`jmgeo._ingest._amounts`) read numbers with the same words: the Chinese digits and
small units (``一百二十三``), the magnitudes that prefix a unit (``万``, ``亿``), the words
that qualify an amount (``超``, ``近``, ``约``, ``多``, ``余``, ``以上``, ``左右``, ``力争`` ...), and
the values the ``qualifier`` and ``year_basis`` fields of a fact may take. A word added
here is read the same way by both.

Only the standard library is imported, so ``jmgeo.parse_amount`` starts fast.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "CN_DIGITS",
    "CN_NUMERAL",
    "CURRENCY_BEFORE",
    "MAGNITUDES",
    "QUALIFIERS",
    "QUALIFIER_AFTER",
    "QUALIFIER_BEFORE",
    "QUALIFIER_SUFFIX",
    "TARGET_WORDS",
    "YEAR_BASES",
    "Amount",
    "parse_amount",
    "parse_chinese_numeral",
    "to_base_unit",
]

#: Values of a fact's ``qualifier`` (None: the amount is exact as printed).
QUALIFIERS = (None, "more_than", "nearly", "about", "at_least", "target", "range")
#: Values of a fact's ``year_basis``: how its year was found.
YEAR_BASES = ("stated", "derived", "document_date", "decade", "unknown")

#: Chinese digits and their values (零 and 〇 are both zero; 两 is two, as in 两千).
CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
#: Units inside a Chinese numeral below ten thousand: they multiply the digit before them.
_CN_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
#: Every character a Chinese numeral below ten thousand may contain.
CN_NUMERAL = "零〇一二两三四五六七八九十百千"
#: Magnitudes written at the start of a unit (``1.2万公里``, ``1428.9亿元``), with their factors.
#: Longest first, so that 万亿 is read before 万 and 千万 before 千.
#: English magnitudes (``31.5 billion yuan``, ``US$3 million``) are read the same way.
MAGNITUDES = (
    ("万亿", 1e12), ("千万", 1e7), ("百万", 1e6), ("亿", 1e8), ("万", 1e4), ("千", 1e3),
    ("billion", 1e9), ("million", 1e6),
)  # fmt: skip
#: Currency signs before an English figure, and the unit word they add after its magnitude
#: (``US$3.5 million`` -> unit ``millionUSD``, ``RMB1.2 billion`` -> ``billionyuan``).
CURRENCY_BEFORE = {"US$": "USD", "HK$": "HKD", "RMB": "yuan", "$": "USD", "¥": "yuan"}

#: Words just before a number that qualify it (``超150亿元``, ``将近13.7亿元``, ``至少3个``).
#: Where one word ends another (超过 / 超, 将近 / 近, 大约 / 约) the longer comes first.
QUALIFIER_BEFORE = (
    ("超过", "more_than"), ("超出", "more_than"), ("突破", "more_than"), ("逾", "more_than"), ("超", "more_than"),
    ("将近", "nearly"), ("接近", "nearly"), ("近", "nearly"), ("大约", "about"), ("约", "about"),
    ("至少", "at_least"), ("不少于", "at_least"), ("不低于", "at_least"),
)  # fmt: skip
#: Words between the number and its unit (``160多家``, ``30余个``).
QUALIFIER_SUFFIX = {"多": "more_than", "余": "more_than"}
#: Words after the whole amount (``30%左右``, ``92.5%以上``).
QUALIFIER_AFTER = {"以上": "more_than", "左右": "about"}
#: Words earlier in a sentence that make its amounts a ``target`` (``力争2025年达到100亿元``).
TARGET_WORDS = ("力争", "目标", "争取", "预计", "计划", "力推", "争当", "有望", "将达")
# Words before a number that leave it as printed (达: "reaches", 仅: "only").
_NEUTRAL_BEFORE = ("达", "仅")


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
    if not text or any(ch not in CN_NUMERAL for ch in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    if all(ch in CN_DIGITS for ch in text):  # digit by digit, as in years: 二〇二三
        return int("".join(str(CN_DIGITS[ch]) for ch in text))
    total, digit = 0, None
    for ch in text:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * _CN_SMALL_UNITS[ch]
            digit = None
    return total + (digit or 0)


def _alternatives(words) -> str:
    """Return a regular-expression alternation of ``words``, longest first (so 超过 is tried before 超)."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# A number: ASCII or full-width digits with an optional decimal part and thousands
# separators, a fraction a/b, or a Chinese numeral.
_NUMBER = (
    r"(?P<num>\d[\d,]*(?:\.\d+)?(?:/\d+)?|(?P<cfrac>["
    + CN_NUMERAL
    + r"]+分之["
    + CN_NUMERAL
    + r"\d.]+)|["
    + CN_NUMERAL
    + r"]+)"
)
# A range: 5-7班, 2至3年, and with the magnitude or % on both ends: 10%至12%, 5万至6万架次.
_RANGE = r"(?:(?P<unit1>%|万亿|亿|万|千)?\s*[-–—~～至到]\s*(?P<num2>\d[\d,]*(?:\.\d+)?|[" + CN_NUMERAL + r"]+))?"
_CURRENCY = "(?P<currency>" + "|".join(re.escape(c) for c in sorted(CURRENCY_BEFORE, key=len, reverse=True)) + ")?"
_PREFIX = "(?P<prefix>" + _alternatives([w for w, _ in QUALIFIER_BEFORE] + [*_NEUTRAL_BEFORE, "第"]) + ")?"
_SUFFIX = "(?P<suffix>" + _alternatives(QUALIFIER_SUFFIX) + ")?"
_SIGN = r"(?P<sign>[-+])?"
_AFTER = "(?P<after>" + _alternatives(QUALIFIER_AFTER) + ")?"
_AMOUNT = re.compile(
    r"^\s*" + _PREFIX + _SIGN + _CURRENCY + _NUMBER + _RANGE + _SUFFIX + r"(?P<unit>.*?)" + _AFTER + r"\s*$"
)
_BARE_MAGNITUDE = re.compile(r"^\s*[万亿]")
_BEFORE = dict(QUALIFIER_BEFORE)


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
    """Return a number as printed (``1,200``, ``12.5``, ``1/6``, ``一百二十三``) as a float."""
    if "分之" in text:  # 四分之一: a quarter (百分之十五 is read as 15 % by parse_amount)
        den, num = text.split("分之")
        return round(_number(num) / _number(den), 4)
    if text[0] in CN_NUMERAL:
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
    ``rank``, and a bare magnitude (``万亿``) the value 1. The qualifier comes from the
    words in :data:`QUALIFIER_BEFORE`, :data:`QUALIFIER_SUFFIX` and :data:`QUALIFIER_AFTER`.

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
    >>> a = parse_amount("5万至6万架次"); (a.value, a.value_max, a.unit, a.qualifier)
    (5.0, 6.0, '万架次', 'range')
    >>> a = parse_amount("10%至12%"); (a.value, a.value_max, a.unit)
    (10.0, 12.0, '%')
    >>> parse_amount("四分之一").value, parse_amount("四分之一").unit, parse_amount("百分之十五").unit
    (0.25, 'share', '%')
    >>> parse_amount("３，２００标箱").value, parse_amount("31,500TEU").value
    (3200.0, 31500.0)
    >>> a = parse_amount("RMB1.2billion"); (a.value, a.unit, a.base())
    (1.2, 'billionyuan', (1200000000.0, 'yuan'))
    >>> parse_amount("二千三百余万吨").value, parse_amount("二千三百余万吨").qualifier
    (2300.0, 'more_than')
    >>> parse_amount("\u22125.5%").value, parse_amount("－３亿元").value
    (-5.5, -3.0)
    >>> parse_amount("超过150亿元").qualifier, parse_amount("至少3个").qualifier, parse_amount("30%左右").qualifier
    ('more_than', 'at_least', 'about')
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
    unit = m.group("unit").strip()
    cfrac = m.group("cfrac")
    if cfrac and cfrac.startswith("百分之") and not unit:  # 百分之十五: 15 %
        value, unit = _number(cfrac[3:]), "%"
    else:
        value = _number(m.group("num"))
    if m.group("sign") == "-":  # ASCII, full-width (－) and U+2212 (−) minus all arrive here as "-"
        value = -value
    value_max = _number(m.group("num2")) if m.group("num2") else None
    unit1 = m.group("unit1")
    if unit1 and not unit.startswith(unit1):
        raise ValueError(f"a range with different units at its ends: {text!r}")
    if ("/" in m.group("num") or (cfrac and unit != "%")) and not unit:
        unit = "share"
    if m.group("currency"):  # US$3.5million -> 3.5 millionUSD; RMB1.2billion -> 1.2 billionyuan
        unit = unit + CURRENCY_BEFORE[m.group("currency")]
    qualifier = _BEFORE.get(m.group("prefix") or "")
    if m.group("suffix"):
        qualifier = QUALIFIER_SUFFIX[m.group("suffix")]
    elif m.group("after"):
        qualifier = QUALIFIER_AFTER[m.group("after")]
    if value_max is not None:
        qualifier = "range"
    return Amount(value=value, unit=unit, qualifier=qualifier, raw=text, value_max=value_max)


def to_base_unit(value: float, unit: str) -> tuple[float, str]:
    """Apply a leading Chinese multiplier in ``unit`` (``亿元`` -> ``元`` times 1e8).

    Examples
    --------
    >>> to_base_unit(1.2, "万亿元")
    (1200000000000.0, '元')
    >>> to_base_unit(9535, "平方公里")
    (9535, '平方公里')
    """
    for prefix, factor in MAGNITUDES:
        if unit.startswith(prefix) and len(unit) > len(prefix):
            return value * factor, unit[len(prefix) :]
    return value, unit
