"""Join decoded lines into sentences of normalised text, with their offsets and start lines.

The text is normalised as :func:`jmgeo._documents.normalize_text` does it (whitespace
removed, scanner-doubled lines undone), so a sentence's ``start`` is a character offset
into ``normalize_text(document)``: the offsets the fact quotes are checked against.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .._documents import undouble_line

__all__ = ["MAX_SENTENCE", "Sentence", "iter_sentences"]

#: A sentence with no end mark is cut after this many characters (a file without punctuation or newlines).
MAX_SENTENCE = 2000
#: Lines longer than this are not checked for the scanner's doubling (see ``_undouble``).
MAX_UNDOUBLE = 4096

_WHITESPACE = re.compile(r"\s+")
_ENDS = "。！？!?；;"
_CLOSERS = "”’」』）)】》\"'"
_END_RE = re.compile("[" + re.escape(_ENDS) + "]+[" + re.escape(_CLOSERS) + "]*")


def _undouble(line: str) -> str:
    """:func:`jmgeo._documents.undouble_line`, skipped when the line cannot be doubled.

    A doubled line starts with a chunk written twice, so its first character recurs
    within the first half; most lines fail this cheap test (undouble_line is quadratic).
    Lines longer than ``MAX_UNDOUBLE`` are never undoubled here (the scanner's doubling
    hits short caption lines); this is the one place where offsets could differ from
    :func:`~jmgeo._documents.normalize_text`, for a fully doubled line of that length.
    """
    text = line.strip()
    if len(text) < 6 or len(text) > MAX_UNDOUBLE or text[0] not in text[1 : len(text) // 2 + 1]:
        return line
    return undouble_line(line)


@dataclass(frozen=True)
class Sentence:
    """A sentence of the normalised text: ``normalize_text(doc)[start:start + len(text)] == text``."""

    text: str
    start: int
    line: int


def iter_sentences(lines: Iterable[tuple[int, str]], max_len: int = MAX_SENTENCE) -> Iterator[Sentence]:
    """Join layout lines into sentences of normalised text, with offsets and start lines.

    Each line is normalised like :func:`jmgeo._documents.normalize_text` (scanner doubling
    undone, whitespace removed) and appended; a sentence ends after 。！？; (and any
    closing quotes), at a Markdown heading line, or after ``max_len`` characters. Line
    breaks and blank lines are *not* sentence ends: the newspapers break lines, and even
    leave blank lines, in the middle of words.

    Examples
    --------
    >>> [s.text for s in iter_sentences(enumerate(["江门进出口1428.9", "", "亿元。增长", "11.6%。"], 1))]
    ['江门进出口1428.9亿元。', '增长11.6%。']
    """
    buf = ""
    buf_start = 0
    starts: list[tuple[int, int]] = []  # (offset in buf, line number) of each piece

    def line_at(pos: int) -> int:
        line = starts[0][1]
        for off, ln in starts:
            if off > pos:
                break
            line = ln
        return line

    for lineno, raw in lines:
        piece = _WHITESPACE.sub("", _undouble(raw))
        if not piece:
            continue
        heading = raw.lstrip().startswith("#")
        if heading and buf:
            yield Sentence(buf, buf_start, line_at(0))
            buf_start += len(buf)
            buf, starts = "", []
        starts.append((len(buf), lineno))
        buf += piece
        if heading:
            yield Sentence(buf, buf_start, lineno)
            buf_start += len(buf)
            buf, starts = "", []
            continue
        cut = 0
        for m in _END_RE.finditer(buf):
            if m.end() == len(buf):
                break  # a closing quote may still follow on the next line
            yield Sentence(buf[cut : m.end()], buf_start + cut, line_at(cut))
            cut = m.end()
        while len(buf) - cut > max_len:
            part = buf[cut : cut + max_len]
            soft = max(part.rfind("，"), part.rfind(","))
            size = soft + 1 if soft > max_len // 2 else max_len
            yield Sentence(buf[cut : cut + size], buf_start + cut, line_at(cut))
            cut += size
        if cut:
            kept = []
            for i, (off, ln) in enumerate(starts):
                nxt = starts[i + 1][0] if i + 1 < len(starts) else len(buf)
                if nxt > cut:  # this piece still has text in the buffer
                    kept.append((max(off - cut, 0), ln))
            starts = kept
            buf = buf[cut:]
            buf_start += cut
    if buf:
        yield Sentence(buf, buf_start, line_at(0))
