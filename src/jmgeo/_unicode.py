"""Characters in a name that a reader cannot see, named so that an error can say what they are."""

from __future__ import annotations

import unicodedata

__all__ = ["invisible_characters"]

# Control (Cc), format (Cf: zero-width spaces and joiners, bidirectional overrides, the BOM),
# unassigned (Cn) and line/paragraph separators (Zl, Zp). Private-use characters (Co) are left
# to the font check: a font may draw them.
_INVISIBLE = {"Cc", "Cf", "Cn", "Zl", "Zp"}


def invisible_characters(text: str, allowed: str = "") -> list[str]:
    """Name every invisible or control character in ``text`` (but those in ``allowed``), once each, in order.

    Examples
    --------
    >>> invisible_characters("高沙\\u200b港\\u202e")
    ['U+200B ZERO WIDTH SPACE', 'U+202E RIGHT-TO-LEFT OVERRIDE']
    >>> invisible_characters("Gaosha Port 高沙港"), invisible_characters("two\\nlines", allowed="\\n")
    ([], [])
    >>> invisible_characters("\\x07")
    ['U+0007 a control character']
    """
    found: list[str] = []
    for ch in dict.fromkeys(text):
        category = unicodedata.category(ch)
        if category in _INVISIBLE and ch not in allowed:
            what = unicodedata.name(ch, "a control character" if category == "Cc" else "an unassigned code point")
            found.append(f"U+{ord(ch):04X} {what}")
    return found
