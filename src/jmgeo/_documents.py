"""Source documents: locate them, normalise their newspaper layout, find verbatim quotes.

The five articles that jmgeo maps are input data kept outside the package (in the
project's ``../shared/seeds`` folder, or wherever ``JMGEO_DOCS`` points). Their layout
breaks lines in the middle of words and numbers, sets captions one character per
line and doubles some caption text by a scanning fault ("20222022年年44月月"). A quote
is *verbatim* when it occurs in the document after both sides are normalised by
:func:`normalize_text`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ._errors import DataError

__all__ = [
    "Document",
    "find_documents_dir",
    "load_document",
    "normalize_text",
    "undouble_line",
]

_WHITESPACE = re.compile(r"\s+")


def undouble_line(line: str) -> str:
    """Undo the scanner's chunk doubling on one line, if the whole line is doubled.

    A doubled line is a sequence of chunks each written twice in a row
    ("20222022年年44月月2828日日"). The line is rewritten only when it has at least six
    characters, *every* character belongs to such a pair of chunks, and at least one
    chunk is longer than one character, so ordinary text with repeated characters
    ("谈谈", "1100") is left alone. Written by hand: no library models
    this scanning fault.

    Examples
    --------
    >>> undouble_line("20222022年年44月月2828日日，，")
    '2022年4月28日，'
    >>> undouble_line("江门号江门号””")
    '江门号”'
    >>> undouble_line("人人都说好")
    '人人都说好'
    >>> undouble_line("110011")
    '110011'
    """
    text = line.strip()
    if len(text) < 6:
        return line
    out: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        for k in range(1, (n - i) // 2 + 1):
            if text[i : i + k] == text[i + k : i + 2 * k]:
                out.append(text[i : i + k])
                i += 2 * k
                break
        else:
            return line
    if max(len(chunk) for chunk in out) < 2:
        return line  # only single characters doubled: more likely real text ("1100") than a scan fault
    return "".join(out)


def normalize_text(text: str) -> str:
    """Normalise newspaper layout for matching: undouble doubled lines, drop all whitespace.

    Chinese text needs no spaces between words, and the documents break lines (and
    put stray spaces) inside numbers and words, so all whitespace is removed. The
    text is otherwise unchanged: punctuation, half- and full-width forms stay as
    printed.

    Examples
    --------
    >>> normalize_text("进出口规模从1428.9\\n\\n亿元扩大到1732亿元")
    '进出口规模从1428.9亿元扩大到1732亿元'
    """
    lines = [undouble_line(line) for line in text.splitlines()]
    return _WHITESPACE.sub("", "".join(lines))


@dataclass(frozen=True)
class Document:
    """One source document: its file name, raw text and normalised text."""

    name: str
    path: Path
    text: str

    @property
    def normalized(self) -> str:
        return _normalized(self.text)

    def contains(self, quote: str) -> bool:
        """Return True if ``quote`` occurs in the document after layout normalisation."""
        needle = normalize_text(quote)
        return bool(needle) and needle in self.normalized


@lru_cache(maxsize=32)
def _normalized(text: str) -> str:
    return normalize_text(text)


def find_documents_dir(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """Return the folder holding the source documents, or None if none is found.

    Looks at ``explicit``, then the ``JMGEO_DOCS`` environment variable, then
    ``shared/seeds`` beside the project checkout (``<checkout>/../shared/seeds``).
    """
    candidates: list[Path] = []
    if explicit:
        candidates.append(Path(explicit))
    if os.environ.get("JMGEO_DOCS"):
        candidates.append(Path(os.environ["JMGEO_DOCS"]))
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidates.append(parent.parent / "shared" / "seeds")
        if (parent / "pyproject.toml").exists():
            break
    for cand in candidates:
        if cand.is_dir() and any(cand.glob("*.txt")):
            return cand
    return None


def load_document(name: str, docs_dir: str | os.PathLike[str] | None = None) -> Document:
    """Load the document called ``name`` (a file name such as ``003_9c497632972d8ca3.txt``).

    Raises
    ------
    DataError
        If the documents folder or the file cannot be found or is not UTF-8.
    """
    folder = find_documents_dir(docs_dir)
    if folder is None:
        raise DataError(
            "documents",
            None,
            "source documents not found: set JMGEO_DOCS or pass --docs DIR",
        )
    path = folder / name
    if not path.is_file():
        raise DataError(str(path), None, "document file not found")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(str(path), f"byte {exc.start}", "not UTF-8 text; convert it to UTF-8") from None
    return Document(name=name, path=path, text=text)
