"""Fold a sentence to the characters the matchers know: ASCII digits and simplified Chinese.

Full-width digits, letters and number signs (``１２３％``) become ASCII and traditional
characters become simplified ones (OpenCC ``t2s``), one character for one, so that an
offset found in the folded text is an offset into the original: quotes and number texts
are cut from the original and keep its characters.
"""

from __future__ import annotations

import re
from functools import cache

import opencc

__all__ = ["fold_width", "to_simplified"]

# Full-width digits, letters and number signs (１２３％．／－) to ASCII, one character for one so
# spans stay valid. Full-width punctuation (，：；（）) stays: it separates clauses, unlike ASCII ",".
_FOLD = {
    cp: cp - 0xFEE0
    for cp in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B), 0xFF05, 0xFF0E, 0xFF0F, 0xFF0D]
}
_FOLD.update({0x2212: ord("-")})
_FOLDABLE = re.compile("[" + "".join(map(chr, _FOLD)) + "]")


@cache
def _converter() -> opencc.OpenCC:
    """Return the OpenCC traditional-to-simplified converter, made on first use (it reads its tables)."""
    return opencc.OpenCC("t2s")


def fold_width(text: str) -> str:
    """Fold full-width digits, letters and number signs to ASCII, character for character.

    Examples
    --------
    >>> fold_width("１２３％，江门")
    '123%，江门'
    """
    return text.translate(_FOLD) if _FOLDABLE.search(text) else text


def to_simplified(text: str) -> str:
    """Fold full-width forms to ASCII and traditional characters to simplified (OpenCC t2s).

    The result has the same length as ``text``, character for character, so offsets
    found in it are offsets into the original (checked; a conversion that changed the
    length falls back to converting one character at a time).

    Examples
    --------
    >>> to_simplified("臺山市新寧鐵路１２３萬")
    '台山市新宁铁路123万'
    """
    converter = _converter()
    folded = fold_width(text)
    out = converter.convert(folded)
    if len(out) != len(folded):
        out = "".join(c if len(c := converter.convert(ch)) == 1 else ch for ch in folded)
    return out
