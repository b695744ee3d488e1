"""Find the amounts in a sentence: their spans, the text as printed, and the parsed values.

Written by hand around :func:`jmgeo._numbers.parse_amount`: no Chinese number extractor
on PyPI keeps the printed text and offsets the review table needs. The digits,
magnitudes and qualifier words are the shared vocabulary of :mod:`jmgeo._numbers`, so
an amount is read here as ``jmgeo check`` reads a curated fact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .._numbers import CN_NUMERAL, MAGNITUDES, QUALIFIER_AFTER, QUALIFIER_BEFORE, QUALIFIER_SUFFIX, parse_amount

__all__ = ["AmountMatch", "find_amounts"]

_ASCII_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
# Units as the documents write them. Longest first in the pattern, so 平方公里 wins over 公里.
_BASE_UNITS = (
    "元 美元 港元 港币 欧元 公里 千米 平方公里 平方米 平米 米 公顷 亩 吨 吨级 千瓦时 千瓦 瓦 GWh MWh GW MW kW "
    "标箱 TEU 人次 人 名 家 个百分点 百分点 个月 个 项 宗 件 条 所 类 倍 次 班 列 趟 天 年 周 强 成 % ‰ "
    "辆 台 套 座 艘 批 位 户 间 栋 场 部 款 种 份 处 株 棵 层 岁"
).split()
# Units a Chinese numeral may carry: with others (一带一路, 三大, 十四届五次) it is a word, not an amount.
_CN_UNITS = set(
    "个 项 家 年 成 倍 条 名 所 类 强 座 艘 位 天 亿 亿元 万元 万亿 平方公里 公里".split()
)  # not bare 万: 千万网友
_UNIT = "(?:(?:{m})(?:{b})?|(?:{b}))".format(
    m="|".join(re.escape(word) for word, _ in MAGNITUDES),  # longest first, as MAGNITUDES lists them
    b="|".join(re.escape(u) for u in sorted(_BASE_UNITS, key=len, reverse=True)),
)
_NUM_ANY = "(?:" + _ASCII_NUM + "|[" + CN_NUMERAL + "]+)"
# A unit is required, except for 第N, a/b and 万亿.
_AMOUNT_RE = re.compile(
    r"(?P<bare>(?<![\d" + CN_NUMERAL + r"])万亿|万吨级)"
    r"|第(?P<ord>" + _NUM_ANY + ")"
    r"|(?P<frac>(?<![A-Za-z\d.])\d+/\d+)"
    r"|(?P<num>(?<![A-Za-z\d.])" + _NUM_ANY + ")"
    r"(?:(?P<rsep>[-–—~～])(?P<num2>" + _NUM_ANY + "))?"
    r"(?P<more>" + "|".join(map(re.escape, QUALIFIER_SUFFIX)) + r")?(?P<unit>" + _UNIT + ")"
)
# How far before a number a qualifier word may start (不少于: three characters).
_BEFORE_WINDOW = max(len(word) for word, _ in QUALIFIER_BEFORE)


@dataclass(frozen=True)
class AmountMatch:
    """An amount found in a sentence: its span, the text as printed and the parsed amount."""

    start: int
    end: int
    number_text: str
    value: float
    value_max: float | None
    unit: str
    qualifier: str | None
    chinese_numeral: bool


def _qualifier_around(text: str, start: int, end: int) -> str | None:
    """Return the qualifier that the words just before or just after ``text[start:end]`` give, if any."""
    before = text[max(0, start - _BEFORE_WINDOW) : start]
    for word, qualifier in QUALIFIER_BEFORE:  # in order: 超过 is tried before 超
        if before.endswith(word):
            return qualifier
    for word, qualifier in QUALIFIER_AFTER.items():
        if text.startswith(word, end):
            return qualifier
    return None


def find_amounts(text: str, original: str | None = None) -> list[AmountMatch]:
    """Find amounts with units in a normalised, simplified sentence.

    ``original`` is the sentence as printed (same length); ``number_text`` is taken from
    it, so full-width digits and traditional characters stay as printed. Years
    (``2023年``), dates (``8月22日``) and bare numbers without a unit are not amounts.
    Values and units come from :func:`jmgeo._numbers.parse_amount`; a qualifier word
    just before or after the amount (``超150亿元``, ``30%左右``) sets the qualifier when
    the amount's own text has none.

    Examples
    --------
    >>> found = find_amounts("2023年投资超150亿元，160多家企业，增长11.6%")
    >>> [(a.number_text, a.value, a.unit, a.qualifier) for a in found]
    [('150亿元', 150.0, '亿元', 'more_than'), ('160多家', 160.0, '家', 'more_than'), ('11.6%', 11.6, '%', None)]
    >>> [(a.value, a.unit) for a in find_amounts("共一百二十三个项目，11.7万平米，5-7班")]
    [(123.0, '个'), (11.7, '万平米'), (5.0, '班')]
    """
    original = text if original is None else original
    out = []
    for m in _AMOUNT_RE.finditer(text):
        start, end = m.span()
        cn = False
        if m.group("ord"):
            if text.startswith(("次", "届", "季度", "期", "轮"), end):
                continue  # 第十四次党代会, 第三季度: the number of a meeting or period, not a rank
            if text.startswith("个", end):
                end += 1  # an ordinal keeps 个 (第6个) but not other words (第一台 -> 第一)
            cn = m.group("ord")[0] in CN_NUMERAL
        elif m.group("num"):
            unit, num = m.group("unit"), m.group("num")
            cn = num[0] in CN_NUMERAL
            if cn:
                if unit not in _CN_UNITS or num == "一" or (num in ("两", "二") and unit == "个"):
                    continue
                if unit in ("亿", "亿元", "万元") and num not in ("十", "百", "千") and len(num) == 1:
                    continue  # 一亿 is a word here more often than an amount; 百亿 / 千亿 are figures
            elif unit == "年" and not m.group("more") and re.fullmatch(r"(1[89]|20)\d\d", num):
                continue  # a year, not a duration
            if unit == "年" and text.startswith("代", end):
                continue  # 50年代: a decade
            if unit == "周" and text.startswith("年", end):
                continue  # 100周年: an anniversary
        number_text = original[start:end]
        try:
            amount = parse_amount(text[start:end])
        except (ValueError, ZeroDivisionError):
            continue
        qualifier = amount.qualifier if amount.qualifier is not None else _qualifier_around(text, start, end)
        out.append(
            AmountMatch(
                start, end, number_text, amount.value, amount.value_max, amount.unit, qualifier,
                chinese_numeral=cn,
            )
        )  # fmt: skip
    return out
