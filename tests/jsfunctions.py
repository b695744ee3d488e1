"""Find JavaScript functions and their lengths in lines, for the page script's size rule.

A small scanner, not a parser: it skips comments, string literals and regular-expression
literals (so braces inside them do not count), and pairs each ``function`` keyword with the
first ``{`` after it and that brace's match. Enough for the page script's plain ES5 style.
"""

from __future__ import annotations

import re

_REGEX_BEFORE = set("(,=:[!&|?{};+-*%<>~^")
_REGEX_KEYWORDS = {"return", "typeof", "case", "in", "of", "delete", "void", "throw", "new"}


def functions(source: str) -> list[tuple[str, int, int]]:
    """``(name, first line, lines)`` of every function, from its ``function`` line to its closing brace.

    Raises ValueError on unbalanced braces or an unterminated string, comment or regex.
    """
    found, stack = [], []  # stack: (start line, name) for a function body, None for other braces
    pending = None  # a function keyword seen, waiting for its body's brace
    i, line, n = 0, 1, len(source)
    last = ""  # the last significant character or word (to tell a regex from a division)
    while i < n:
        c = source[i]
        if c == "\n":
            line += 1
            i += 1
        elif c.isspace():
            i += 1
        elif source.startswith("//", i):
            i = source.find("\n", i)
            i = n if i < 0 else i
        elif source.startswith("/*", i):
            end = source.find("*/", i + 2)
            if end < 0:
                raise ValueError(f"unterminated comment at line {line}")
            line += source.count("\n", i, end)
            i = end + 2
        elif c in "'\"`":
            j = i + 1
            while j < n and source[j] != c:
                j += 2 if source[j] == "\\" else 1
            if j >= n:
                raise ValueError(f"unterminated string at line {line}")
            line += source.count("\n", i, j)
            i, last = j + 1, "str"
        elif c == "/" and (last == "" or last in _REGEX_BEFORE or last in _REGEX_KEYWORDS):
            j, in_class = i + 1, False
            while j < n and (in_class or source[j] != "/"):
                if source[j] == "\n":
                    raise ValueError(f"unterminated regex at line {line}")
                in_class = (in_class or source[j] == "[") and source[j] != "]"
                j += 2 if source[j] == "\\" else 1
            i = j + 1
            while i < n and source[i].isalpha():  # flags
                i += 1
            last = "regex"
        elif c.isalpha() or c in "_$":
            word = re.match(r"[\w$]+", source[i:]).group(0)
            if word == "function":
                name = re.match(r"\s*([\w$]*)", source[i + 8 :]).group(1)
                if not name:  # a function expression: the name it is given, if any
                    before = re.search(r"([\w$.]+)\s*[:=]\s*$", source[max(0, i - 80) : i])
                    name = before.group(1) if before else "(anonymous)"
                pending = (line, name)
            i += len(word)
            last = word
        elif c == "{":
            stack.append(pending)
            pending = None
            i, last = i + 1, c
        elif c == "}":
            if not stack:
                raise ValueError(f"unbalanced '}}' at line {line}")
            opened = stack.pop()
            if opened is not None:
                found.append((opened[1], opened[0], line - opened[0] + 1))
            i, last = i + 1, c
        else:
            i, last = i + 1, c
    if stack:
        raise ValueError(f"{len(stack)} unclosed '{{'")
    return found
