"""Property-based tests (hypothesis): the escaping functions and the amount parser on generated input."""

from __future__ import annotations

import html
import json
import re

from hypothesis import example, given, settings
from hypothesis import strategies as st
from jinja2 import Environment

from jmgeo._escape import page_json, page_text
from jmgeo._facts import parse_amount
from payloads import ALL

# keep_trailing_newline: Jinja2 would otherwise drop one final newline, which is not an escaping question
JINJA = Environment(keep_trailing_newline=True)

# Any text without lone surrogates (which no UTF-8 page can carry); JSON values of any shape.
TEXT = st.text(st.characters(exclude_categories=("Cs",)))
HOSTILE_TEXT = st.one_of(
    TEXT, st.lists(st.sampled_from(ALL + ["{", "}", "%", "#", "$", "`", "\\", "<", "\u2028"]), max_size=8).map("".join)
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | HOSTILE_TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(HOSTILE_TEXT, children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(JSON_VALUES)
def test_page_json_round_trips_and_is_inert(value):
    text = page_json(value)
    assert json.loads(text) == value
    for forbidden in ("<", ">", "&", "`", "$", "'", "%", "#", "\u2028", "\u2029"):
        assert forbidden not in text
    # no Jinja2 delimiter can form, so branca's second template pass leaves the block unchanged
    assert "{{" not in text and "{%" not in text and "{#" not in text
    assert JINJA.from_string(text).render() == text


@settings(max_examples=300, deadline=None)
@given(HOSTILE_TEXT)
@example("C:\\users\\x")
@example("\\`${x}`")
def test_page_text_is_inert_and_reversible(text):
    escaped = page_text(text)
    assert html.unescape(escaped) == text  # the browser shows exactly the original
    for forbidden in ("<", ">", "`", "$", "\\", "{", "}", '"', "'"):
        assert forbidden not in escaped
    # % and # only survive inside the numeric references jmgeo wrote (&#37; &#35; ...)
    assert "%" not in escaped and "#" not in re.sub(r"&#\d+;", "", escaped)
    # every & starts a character reference jmgeo wrote, so no text can smuggle in its own
    assert escaped.count("&") == escaped.count(";") - text.count(";")
    # Jinja2 normalises line endings to \n (harmless in HTML); nothing else may change
    assert JINJA.from_string(escaped).render() == escaped.replace("\r\n", "\n").replace("\r", "\n")


# ---- the amount parser: generate an amount the way the documents write it, parse it back

UNITS = [
    "亿元",
    "万美元",
    "平方公里",
    "%",
    "家",
    "个",
    "宗",
    "件",
    "人",
    "名",
    "亩",
    "GWh",
    "万平方米",
    "万标箱",
    "公里",
    "班",
    "",
]
PREFIXES = {
    "": None,
    "超过": "more_than",
    "超": "more_than",
    "逾": "more_than",
    "近": "nearly",
    "将近": "nearly",
    "约": "about",
}
SUFFIXES = {"": None, "多": "more_than", "余": "more_than"}
AFTER = {"": None, "左右": "about", "以上": "more_than"}
MINUS = ["-", "\u2212", "\uff0d"]  # ASCII, U+2212 minus sign, full-width hyphen-minus
_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """Write 0 <= n < 10000 in Chinese numerals as newspapers do (十五, 一百零五, 两千 is also read)."""
    if n == 0:
        return "零"
    parts, zero = [], False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit:
            if zero:
                parts.append("零")
            parts.append(("" if (unit == "十" and n < 20) else _DIGITS[digit]) + unit)
            zero = False
        elif parts:
            zero = True
    return "".join(parts)


def to_full_width(text: str) -> str:
    return text.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789.,"})


@st.composite
def amounts(draw):
    style = draw(st.sampled_from(["ascii", "full_width", "chinese", "thousands"]))
    if style == "chinese":
        value = draw(st.integers(0, 9999))
        number = chinese_numeral(value)
        sign = ""
    else:
        whole = draw(st.integers(0, 10**7))
        decimals = draw(st.sampled_from(["", "5", "25", "08"]))
        value = float(f"{whole}.{decimals}") if decimals else whole
        digits = f"{whole:,}" if style == "thousands" else str(whole)
        number = digits + (f".{decimals}" if decimals else "")
        if style == "full_width":
            number = to_full_width(number)
        sign = draw(st.sampled_from(["", ""] + MINUS))
        if sign:
            value = -value
    prefix = draw(st.sampled_from(sorted(PREFIXES)))
    suffix = draw(st.sampled_from(sorted(SUFFIXES)))
    unit = draw(st.sampled_from(UNITS))
    after = draw(st.sampled_from(sorted(AFTER))) if unit else ""
    if suffix:
        after = ""  # 多/余 and 左右/以上 are not written together
    qualifier = SUFFIXES[suffix] or AFTER[after] or PREFIXES[prefix]
    if suffix or after == "以上":
        qualifier = "more_than"
    elif after == "左右":
        qualifier = "about"
    return prefix + sign + number + suffix + unit + after, float(value), unit, qualifier


@settings(max_examples=500, deadline=None)
@given(amounts())
@example(("１２３亿元", 123.0, "亿元", None))
@example(("一百二十三个", 123.0, "个", None))
@example(("\u22125.5%", -5.5, "%", None))
@example(("超过1,234.5万美元", 1234.5, "万美元", "more_than"))
def test_parse_amount_round_trips_generated_amounts(case):
    text, value, unit, qualifier = case
    amount = parse_amount(text)
    assert (amount.value, amount.unit, amount.qualifier) == (value, unit, qualifier), text
    assert amount.raw == text


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 9999))
def test_chinese_numerals_parse_to_their_value(n):
    assert parse_amount(chinese_numeral(n) + "个").value == n
