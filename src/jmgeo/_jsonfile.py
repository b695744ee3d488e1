"""Strict JSON reading for geodata/: every error names the file and the line, with a fix.

Every file in ``geodata/`` is JSON. It is read strictly: duplicate keys, ``NaN`` and
``Infinity`` are errors (the standard library would silently keep the last key and
accept the non-standard constants), and YAML is refused with what a YAML reader would
have read wrongly.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from ._errors import DataError

__all__ = ["id_lines", "read_json", "refuse_yaml", "yaml_hazards"]


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON; write a number or null")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f'duplicate key "{key}"; keep one')
        out[key] = value
    return out


def read_json(path: str | os.PathLike[str]) -> Any:
    """Read a JSON file strictly, raising :class:`DataError` with file and line on any problem.

    Refused, each with the line (or byte) and a fix: bytes that are not UTF-8 (GBK or
    GB18030 text is recognised and named), YAML files (see :func:`yaml_hazards`),
    truncated files, trailing commas, single quotes and other syntax errors, duplicate
    keys, ``NaN`` and ``Infinity``.
    """
    path = Path(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        raise refuse_yaml(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(str(path), None, f"cannot read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise DataError(str(path), f"line {line} byte {exc.start}", _not_utf8_message(raw)) from None
    if text.startswith("\ufeff"):
        raise DataError(str(path), "byte 0", "starts with a byte-order mark; save the file as UTF-8 without BOM")
    try:
        return json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        hint, pos = _json_hint(text, exc)
        line = text.count("\n", 0, pos) + 1
        column = pos - (text.rfind("\n", 0, pos) + 1) + 1
        raise DataError(str(path), f"line {line} column {column}", f"invalid JSON: {exc.msg}; {hint}") from None
    except ValueError as exc:
        # Raised by the hooks above; find the line of the offending key or constant.
        line = _line_of_problem(text, str(exc))
        raise DataError(str(path), f"line {line}" if line else None, str(exc)) from None


def _not_utf8_message(raw: bytes) -> str:
    try:
        raw.decode("gb18030")
    except UnicodeDecodeError:
        return "not UTF-8; save the file as UTF-8"
    return "not UTF-8 (it reads as GBK/GB18030 Chinese text); save the file as UTF-8, e.g. iconv -f GB18030 -t UTF-8"


def _json_hint(text: str, exc: json.JSONDecodeError) -> tuple[str, int]:
    """Say how to fix the commonest hand-editing mistakes behind a JSON syntax error, and where (offset)."""
    before = text[: exc.pos].rstrip()
    after = text[exc.pos :].lstrip()
    if not after:
        return "the file ends too early (truncated?): restore the missing end, e.g. from git", exc.pos
    if before.endswith(",") and after[:1] in ("}", "]"):
        return "remove the trailing comma after the last item", len(before) - 1
    if after[:1] == "'":
        return "JSON strings and keys need double quotes", exc.pos
    if after[:2] in ("//", "/*") or after[:1] == "#":
        return 'JSON has no comments; move the remark into a "note" field', exc.pos
    if exc.pos == 0 or (exc.msg.startswith("Expecting value") and not text.lstrip().startswith(("{", "["))):
        return "this is not JSON (YAML?); geodata files are JSON, see geodata/SCHEMA.md", exc.pos
    if exc.msg.startswith("Expecting ',' delimiter"):
        return "a comma is missing between two items (or a string is not closed)", exc.pos
    return "compare with the examples in geodata/SCHEMA.md", exc.pos


_YAML_BOOL = re.compile(r":\s*(yes|no|on|off|y|n|true|false)\s*(#.*)?$", re.I)
_YAML_OCTAL = re.compile(r":\s*[-+]?0[0-9_]+\s*(#.*)?$")
_YAML_KEY = re.compile(r"^(\s*)(?:-\s+)?([^\s:#][^:#]*?)\s*:(?:\s|$)")


def yaml_hazards(text: str) -> list[str]:
    """List the lines of a YAML text that a YAML 1.1 reader would read wrongly or refuse.

    Geodata is JSON only; this only explains the refusal. It finds tabs in indentation,
    unquoted values read as numbers in base 8 (``0110`` -> 72) or as booleans
    (``NO`` -> false), full-width colons (``：``) used as key separators and keys repeated
    in one mapping (PyYAML keeps the last one silently). Written by hand: a YAML parser
    would apply exactly the coercions it is meant to point out.

    Examples
    --------
    >>> yaml_hazards("code: 0110\\nok: NO\\n")
    ['line 1: 0110 reads as the octal number 72', 'line 2: NO reads as the boolean false']
    """
    out = []
    seen: dict[tuple[int, str], int] = {}
    for n, line in enumerate(text.splitlines(), 1):
        indent = line[: len(line) - len(line.lstrip())]
        if "\t" in indent:
            out.append(f"line {n}: a tab in the indentation (YAML allows spaces only)")
        if "：" in line and ":" not in line:
            out.append(f"line {n}: a full-width colon ：, which YAML does not read as a key separator")
        m = _YAML_OCTAL.search(line)
        if m:
            value = line.split(":", 1)[1].split("#")[0].strip()
            digits = value.lstrip("+-").replace("_", "")
            if all(c in "01234567" for c in digits):
                out.append(f"line {n}: {value} reads as the octal number {int(digits, 8)}")
            else:
                out.append(f"line {n}: {value} loses its leading zero")
        m = _YAML_BOOL.search(line)
        if m and m.group(1).lower() not in ("true", "false"):
            out.append(
                f"line {n}: {m.group(1)} reads as the boolean {str(m.group(1).lower() in ('yes', 'on', 'y')).lower()}"
            )
        m = _YAML_KEY.match(line)
        if m:
            depth = len(m.group(1).expandtabs(8))
            for key in [k for k in seen if k[0] > depth]:
                del seen[key]  # leaving a nested mapping
            if line.lstrip().startswith("- "):
                for key in [k for k in seen if k[0] >= depth]:
                    del seen[key]  # a new list item starts a new mapping
                depth += 2
            key = (depth, m.group(2))
            if key in seen:
                out.append(f'line {n}: key "{m.group(2)}" repeats line {seen[key]} (a YAML reader keeps only the last)')
            seen[key] = n
    return out


def refuse_yaml(path: str | os.PathLike[str]) -> DataError:
    """Return the error for a YAML file found where geodata (JSON only) is read."""
    path = Path(path)
    try:
        hazards = yaml_hazards(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        hazards = []
    where = hazards[0].split(":", 1)[0] if hazards else None
    found = ("; in this file: " + "; ".join(hazards)) if hazards else ""
    return DataError(
        str(path),
        where,
        "YAML is not read: geodata is JSON only, because YAML readers silently keep the last of duplicate keys "
        "and turn 0110 into 72 and NO into false. Convert it to JSON (see geodata/SCHEMA.md)" + found,
    )


def _line_of_problem(text: str, message: str) -> int | None:
    match = re.search(r'duplicate key "(.*)"', message)
    if match:
        needle = json.dumps(match.group(1), ensure_ascii=False)
        hits = [m.start() for m in re.finditer(re.escape(needle) + r"\s*:", text)]
        if len(hits) > 1:
            return text.count("\n", 0, hits[1]) + 1
    for token in ("NaN", "Infinity", "-Infinity"):
        if message.startswith(token):
            m = re.search(r"(?<![\w\"])" + re.escape(token) + r"(?![\w\"])", text)
            if m:
                return text.count("\n", 0, m.start()) + 1
    return None


_ID_MEMBER = re.compile(r'"id"\s*:\s*("(?:[^"\\]|\\.)*")')


def id_lines(path: str | os.PathLike[str]) -> dict[str, list[int]]:
    """Return, for every ``"id": "<value>"`` member in a JSON file, the 1-based lines where it appears.

    One pass over the file: the loaders look up each record's line here instead of
    searching the file once per record (which measured ~0.4 s of a build).
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    out: dict[str, list[int]] = {}
    line, pos = 1, 0
    for m in _ID_MEMBER.finditer(text):
        line += text.count("\n", pos, m.start())
        pos = m.start()
        try:
            value = json.loads(m.group(1))
        except ValueError:
            continue
        out.setdefault(value, []).append(line)
    return out
