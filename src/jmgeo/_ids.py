"""Identifiers: the one pattern for layer, page, feature and extra-layer ids.

An id names files (``geojson/<layer>.geojson``), GeoPackage tables and keys in the page's
script, so it is plain snake_case ASCII: a lower-case letter, then lower-case letters,
digits or ``_``, at most 64 characters. Checked where each id is read.
"""

from __future__ import annotations

import json
import re
import unicodedata

__all__ = ["ID_PATTERN", "id_problem"]

ID_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,63}")


def id_problem(value: object, what: str = "id") -> str | None:
    """Say what is wrong with an id, or return None for a good one.

    Examples
    --------
    >>> id_problem("logistics_hubs") is None
    True
    >>> print(id_problem("高沙\u200b", "layer id"))
    layer id "高沙\\u200b" must be snake_case ASCII: a-z, then a-z, 0-9 or _, at most 64 characters
    """
    if isinstance(value, str) and ID_PATTERN.fullmatch(value):
        return None
    return f"{what} {_shown(value)} must be snake_case ASCII: a-z, then a-z, 0-9 or _, at most 64 characters"


def _shown(value: object) -> str:
    """The value as JSON text, with invisible and control characters written as ``\\uXXXX``."""
    text = json.dumps(value, ensure_ascii=False, default=repr)
    return "".join(f"\\u{ord(ch):04x}" if unicodedata.category(ch)[0] in "CZ" and ch != " " else ch for ch in text)
