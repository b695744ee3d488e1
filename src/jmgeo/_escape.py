"""The escaping path for text that enters a map page.

Map text comes from newspaper articles and hand-edited files, so it is untrusted. In a
folium page it can go wrong three ways: as HTML (``<img onerror=...>``), as JavaScript
(``</script>``, backticks and ``${...}`` in template literals, backslashes) and as
Jinja2 (branca re-compiles every MacroElement's output as a template, so ``{{ ... }}``
would run Python at render time).

jmgeo therefore sends all document text into the page as **data**: one JSON block,
read by the page's script with ``JSON.parse`` and shown with ``textContent``, never as
markup. :func:`page_json` writes that block so that no character sequence in it can end
the script element, start markup, or be seen by Jinja2. The few labels that folium
itself must insert as HTML (layer names in the layer control) go through
:func:`page_text`. Exported data is never escaped: only the copies sent to the page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

__all__ = ["page_json", "page_json_items", "page_text"]

# Characters that never occur in JSON syntax outside strings, replaced everywhere by
# \\u escapes (JSON.parse turns them back into the same characters).
_ALWAYS = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "'": "\\u0027",
    "`": "\\u0060",
    "$": "\\u0024",
    "%": "\\u0025",
    "#": "\\u0023",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_ALWAYS_RE = re.compile("[" + re.escape("".join(_ALWAYS)) + "]")
# Braces are JSON syntax outside strings, so only those inside string literals are escaped.
_STRING_LITERAL = re.compile(r'"(?:[^"\\]|\\.)*"')


# Matches (from a position outside strings) only if some later string literal contains a
# brace: it steps over text outside strings and over brace-free literals, possessively (no
# backtracking); group 1 starts at that literal's opening quote.
_BRACE_IN_STRING = re.compile(r'(?:[^"]++|"(?:[^"\\{}]++|\\.)*+")*+("(?:[^"\\{}]|\\.)*[{}])')


def _escape_braces_in_strings(text: str) -> str:
    # The few literals with a brace are found by one C-level regex match each, instead of a
    # Python call per literal (~40,000 in an atlas page, three with a brace: 2 ms instead of
    # 20 ms, measured).
    parts, pos = [], 0
    while (found := _BRACE_IN_STRING.match(text, pos)) is not None:
        literal = _STRING_LITERAL.match(text, found.start(1))
        parts += [text[pos : literal.start()], literal.group(0).replace("{", "\\u007b").replace("}", "\\u007d")]
        pos = literal.end()
    parts.append(text[pos:])
    return "".join(parts)


def page_json(obj: Any) -> str:
    """Serialise ``obj`` as JSON that is safe inside ``<script type="application/json">``.

    The result parses back to exactly ``obj`` with ``json.loads`` or the browser's
    ``JSON.parse``; it contains no ``<``, ``>``, ``&``, quotes other than JSON's own,
    backticks, ``$``, ``%``, ``#``, and no ``{`` or ``}`` inside strings, so it can
    neither close the script element nor form a Jinja2 tag.

    Examples
    --------
    >>> s = page_json({"quote": "</script>{{7*7}}"})
    >>> "<" in s or "{{" in s
    False
    >>> json.loads(s)
    {'quote': '</script>{{7*7}}'}
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return _ALWAYS_RE.sub(lambda m: _ALWAYS[m.group(0)], _escape_braces_in_strings(text))


def page_json_items(chunks: Iterable[list]) -> Iterator[str]:
    """The items of a JSON array given in chunks, as :func:`page_json` writes them, comma-separated, no brackets.

    ``"[" + "".join(page_json_items(chunks)) + "]"`` equals ``page_json`` of the chunks joined
    into one list, so a large array reaches a page without being held whole (empty chunks are skipped).

    Examples
    --------
    >>> text = "".join(page_json_items([[1, "</"], [], [{"a": None}]]))
    >>> "<" in text, json.loads("[" + text + "]")
    (False, [1, '</', {'a': None}])
    """
    first = True
    for chunk in chunks:
        if not chunk:
            continue
        text = page_json(list(chunk))[1:-1]
        yield text if first else "," + text
        first = False


_TEXT_REFS = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "'": "&#39;",
    "`": "&#96;",
    "$": "&#36;",
    "\\": "&#92;",
    "{": "&#123;",
    "}": "&#125;",
    "%": "&#37;",
    "#": "&#35;",
}


def page_text(text: str) -> str:
    """Escape a short label for places where folium inserts text as HTML inside JavaScript.

    Escapes HTML (quotes included) and turns the characters that matter to JavaScript
    template literals and Jinja2 into character references, in one pass, so the
    browser shows them literally.

    Examples
    --------
    >>> page_text("<b>{{7*7}}</b> ${x} `y` C:\\\\users")
    '&lt;b&gt;&#123;&#123;7*7&#125;&#125;&lt;/b&gt; &#36;&#123;x&#125; &#96;y&#96; C:&#92;users'
    """
    return "".join(_TEXT_REFS.get(ch, ch) for ch in str(text))
