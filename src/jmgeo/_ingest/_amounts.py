"""Find the amounts in a sentence: their spans, the text as printed, and the parsed values.

Written by hand around :func:`jmgeo._numbers.parse_amount`: no Chinese number extractor
on PyPI keeps the printed text and offsets the review table needs. The digits,
magnitudes and qualifier words are the shared vocabulary of :mod:`jmgeo._numbers`, so
an amount is read here as ``jmgeo check`` reads a curated fact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .._numbers import (
    CN_DIGITS,
    CN_NUMERAL,
    CURRENCY_BEFORE,
    MAGNITUDES,
    QUALIFIER_AFTER,
    QUALIFIER_BEFORE,
    QUALIFIER_SUFFIX,
    parse_amount,
)

__all__ = ["AmountMatch", "find_amounts"]

# Thousands separators: ASCII (31,500) or, after one to three digits, full-width (３，２００, folded to 3，200).
_ASCII_NUM = r"(?:\d{1,3}(?:，\d{3}(?!\d))+|\d+(?:,\d{3})*)(?:\.\d+)?"
# Units as the documents write them. Longest first in the pattern, so 平方公里 wins over 公里.
_BASE_UNITS = (
    "元 美元 港元 港币 欧元 公里 千米 平方公里 平方米 立方米 平米 米 公顷 亩 吨 吨级 千瓦时 千瓦 瓦 "
    "GWh MWh kWh GW MW kW "
    "标箱 TEU 人次 人 名 家 个百分点 百分点 个月 个 项 宗 件 条 所 类 倍 次 班 列 趟 天 年 周 强 成 % ‰ "
    "辆 台 套 座 艘 批 位 户 间 栋 场 部 款 种 份 处 株 棵 层 块 岁 架次 个小时 小时 分钟 秒 "
    # English units, as they read with the spaces removed (31,500TEU, 652,000tonnes, 1.2billionyuan)
    "tonnes tons yuan km km/h metres meters hectares passengers vehicles"
).split()
# Units a Chinese numeral may carry: with others (一带一路, 三大, 十四届五次) it is a word, not an amount.
_CN_UNITS = set(
    "个 项 家 年 成 倍 条 名 所 类 强 座 艘 位 天 亿 亿元 万元 万亿 平方公里 公里 台 小时 个小时 分钟".split()
)  # not bare 万: 千万网友
_UNIT = "(?:(?:{m})(?:{b})?|(?:{b}))".format(
    m="|".join(re.escape(word) for word, _ in MAGNITUDES),  # longest first, as MAGNITUDES lists them
    b="|".join(re.escape(u) for u in sorted(_BASE_UNITS, key=len, reverse=True)),
)
_NUM_ANY = "(?:" + _ASCII_NUM + "|[" + CN_NUMERAL + "]+)"
# A unit is required, except for 第N, a/b and 万亿. The lookahead names every character a match can start with
# (万, 第, a digit, a Chinese numeral, a currency sign): the same matches, found about 5x faster, because the
# alternatives are no longer tried at each of the many characters where none can start.
_AMOUNT_RE = re.compile(
    r"(?=[万第\d" + CN_NUMERAL + re.escape("".join(sorted({word[0] for word in CURRENCY_BEFORE}))) + "])(?:"
    r"(?P<bare>(?<![\d" + CN_NUMERAL + r"])万亿|万吨级)"
    r"|第(?P<ord>" + _NUM_ANY + ")"
    r"|(?P<frac>(?<![A-Za-z\d.])\d+/\d+)"
    r"|(?P<cfrac>[" + CN_NUMERAL + r"]+分之[" + CN_NUMERAL + r"]+)"
    # not after a capital or a digit (G15, 2.5, 1,2): codes and parts of numbers; a lowercase letter is an
    # English word that lost its space (handled31,500TEU)
    r"|(?<![A-Z\d.])(?<!\d,)(?P<currency>"
    + "|".join(map(re.escape, sorted(CURRENCY_BEFORE, key=len, reverse=True)))
    + r")?(?P<num>"
    + _NUM_ANY
    + ")"
    r"(?:(?P<unit1>%|万|亿)?(?P<rsep>[-–—~～至到])(?P<num2>" + _NUM_ANY + "))?"
    r"(?P<more>" + "|".join(map(re.escape, QUALIFIER_SUFFIX)) + r")?(?P<unit>" + _UNIT + "))"
)
# A Chinese numeral below ten thousand written the usual way: 千, 百, 十 in that order, or digit by digit.
_WELL_FORMED = re.compile(
    "(?:[一二两三四五六七八九]?千)?(?:[零〇]?[一二两三四五六七八九]?百)?(?:[零〇]?[一二两三四五六七八九]?十)?"
    "[零〇]?[一二两三四五六七八九]?|[零〇一二三四五六七八九]+"
)
# Stands in for a page marker's characters (see find_amounts): not a digit, a unit or a qualifier.
_MASK = "\x00"
# An English figure followed by a word of its own (14 projects, 40 minutes, 2,300 workers): the word is its unit
# when the layout shows where it ends (see find_amounts' ``words``). Not after a capital, a digit or a currency sign.
_EN_COUNT = re.compile(r"(?<![A-Z\d.,$])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?=[a-z])|(?<![A-Z\d.,$])\d+(?:\.\d+)?(?=[a-z])")
_LOWER_WORD = re.compile(r"[a-z]+")
# Words after a number that are not what it counts (in 2025 the, 3 of them, 10 per cent more).
_EN_NOT_UNITS = frozenset("a an and are as at by for from in is of on or per than that the to was were with".split())
# How far before a number a qualifier word may start (不少于: three characters).
_BEFORE_WINDOW = max(len(word) for word, _ in QUALIFIER_BEFORE)


def fold_number(text: str) -> str:
    """Return a printed number without its thousands separators (``2,300`` -> ``2300``)."""
    return text.replace(",", "").replace("，", "")


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
    before = text[max(0, start - _BEFORE_WINDOW - 16) : start].replace(_MASK, "")[-_BEFORE_WINDOW:]
    for word, qualifier in QUALIFIER_BEFORE:  # in order: 超过 is tried before 超
        if before.endswith(word):
            return qualifier
    for word, qualifier in QUALIFIER_AFTER.items():
        if text.startswith(word, end):
            return qualifier
    return None


def _is_amount(m: re.Match, text: str, end: int) -> bool:
    """Return whether a number with a unit (the ``num`` branch of the pattern) is an amount, not a word or a year."""
    unit, num = m.group("unit"), m.group("num")
    if m.group("unit1") and not unit.startswith(m.group("unit1")):
        return False  # 10%至12倍: not one range
    if num[0] in CN_NUMERAL:
        # 二千三百, 三十: a number, not a word (百千万 is a programme's name: its units are out of order)
        composed = len(num) > 1 and _WELL_FORMED.fullmatch(num) is not None and unit not in ("万", "亿")
        magnitude = unit[:1] in ("万", "亿") and len(unit) > 1  # 五万吨, 三亿元
        if unit == "年" and len(num) == 4 and all(ch in CN_DIGITS for ch in num):
            return False  # 二〇二三年: a year
        ranged = m.group("num2") is not None  # 一至两成: 一 starts a range
        if (
            (unit not in _CN_UNITS and not composed and not magnitude)
            or (num == "一" and not ranged)
            or (num in ("两", "二") and unit == "个")
        ):
            return False
        if unit in ("亿", "亿元", "万元") and num not in ("十", "百", "千") and len(num) == 1:
            return False  # 一亿 is a word here more often than an amount; 百亿 / 千亿 are figures
        if unit == "台" and text.startswith("山", end):
            return False  # 三台山 is not three machines
    elif unit == "年" and not m.group("more") and re.fullmatch(r"(1[89]|20)\d\d", m.group("num2") or num):
        return False  # a year, not a duration (2021-2035年, 到2030年)
    if unit == "年" and text.startswith("代", end):
        return False  # 50年代: a decade
    return not (unit == "周" and text.startswith("年", end))  # 100周年: an anniversary


def find_amounts(
    text: str,
    original: str | None = None,
    cells: tuple[int, ...] = (),
    table: tuple[tuple[int, int, str], ...] = (),
    skips: tuple[tuple[int, int], ...] = (),
    words: tuple[int, ...] = (),
) -> list[AmountMatch]:
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

    ``cells`` are offsets where the layout separated two table columns (see
    :class:`~jmgeo._ingest._sentences.Sentence`): no number is read across one.

    >>> [(a.number_text, a.value) for a in find_amounts("某港452,300万吨", cells=(4,))]
    [('2,300万吨', 2300.0)]

    ``table`` gives ``(start, end, unit)`` of numbers in table rows whose column header
    names the unit; each is an amount in that unit, and nothing else is read inside it.

    ``skips`` are spans to read as if absent (page markers: ``约-3-150万标箱`` is about 150万标箱).

    ``words``: where the layout had a space between two Latin words (see :func:`_english_counts`).

    >>> [(a.number_text, a.qualifier) for a in find_amounts("约-3-150万标箱", skips=((1, 4),))]
    [('150万标箱', 'about')]
    >>> [(a.number_text, a.value, a.unit) for a in find_amounts("某港452,300", cells=(4,), table=((2, 4, "个"),
    ...                                                                                      (4, 9, "万吨")))]
    [('45', 45.0, '个'), ('2,300', 2300.0, '万吨')]
    """
    original = text if original is None else original
    if skips:  # page markers: masked out (same length), so they join no number and hide no qualifier
        chars = list(text)
        for a, b in skips:
            chars[a:b] = _MASK * (b - a)
        text = "".join(chars)
    if table:
        listed = [
            AmountMatch(a, b, original[a:b], float(fold_number(text[a:b])), None, unit, None, False)
            for a, b, unit in table
            if _MASK not in text[a:b]  # a cell inside a page marker is the page's number
        ]
        rest = [
            m for m in find_amounts(text, original, cells) if not any(m.start < b and a < m.end for a, b, _ in table)
        ]
        return sorted(listed + rest, key=lambda m: m.start)
    if cells:
        out = []
        bounds = [0, *cells, len(text)]
        for lo, hi in zip(bounds, bounds[1:], strict=False):
            for a in find_amounts(text[lo:hi], original[lo:hi]):
                out.append(
                    AmountMatch(a.start + lo, a.end + lo, a.number_text, a.value, a.value_max, a.unit, a.qualifier,
                                a.chinese_numeral)
                )  # fmt: skip
        return out
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
        elif m.group("cfrac"):
            cn = True  # 四分之一: a share
        elif m.group("num"):
            cn = m.group("num")[0] in CN_NUMERAL
            if not _is_amount(m, text, end):
                continue
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
    return _english_counts(text, original, words, out) if words else out


def _english_counts(text: str, original: str, words: tuple[int, ...], found: list[AmountMatch]) -> list[AmountMatch]:
    """Add the English figures counted in a word of their own (``14projects``) to ``found``, in text order.

    ``words`` are offsets where the layout had a space between two Latin words: a figure followed by a lower-case
    word of its own that no unit of :func:`find_amounts` reads is counted in that word.

    >>> [(a.number_text, a.value, a.unit) for a in find_amounts("employs2,300workers.", words=(7, 12))]
    [('2,300workers', 2300.0, 'workers')]
    >>> [(a.number_text, a.unit) for a in find_amounts("received1.3millionvisitorsin2024", words=(8, 11, 18, 26))]
    [('1.3millionvisitors', 'millionvisitors')]
    """
    extra = []
    for m in _EN_COUNT.finditer(text):
        start, end = m.span()
        if any(a.start <= start < a.end for a in found):
            continue
        word = _counted_word(text, end, words)
        if word:
            stop = end + len(word)  # workers. -> workers
            qualifier = _qualifier_around(text, start, stop)
            extra.append(AmountMatch(start, stop, original[start:stop], float(fold_number(m.group())), None, word,
                                     qualifier, False))  # fmt: skip
    for i, a in enumerate(found):  # 1.3 million visitors: the magnitude and what it counts
        word = _counted_word(text, a.end, words) if a.unit in _EN_MAGNITUDES else ""
        if word:
            end = a.end + len(word)
            found[i] = AmountMatch(a.start, end, original[a.start : end], a.value, a.value_max, a.unit + word,
                                   a.qualifier, a.chinese_numeral)  # fmt: skip
    return sorted(found + extra, key=lambda a: a.start) if extra else found


_EN_MAGNITUDES = ("million", "billion")


def _counted_word(text: str, end: int, words: tuple[int, ...]) -> str:
    """Return the lower-case word that starts at ``end`` and ends where the layout had a space or a punctuation
    mark, if it can be what a figure counts (``projects`` in ``14projects``), else ``""``."""
    stop = next((w for w in words if w > end), len(text))
    m = _LOWER_WORD.match(text, end, stop)
    word = m.group() if m else ""
    if (
        not 3 <= len(word) <= 20
        or word in _EN_NOT_UNITS
        or (end + len(word) < stop and text[end + len(word)].isalpha())
    ):
        return ""  # a word that runs into a name (14projectsHeshan) has no end the layout shows
    return word
