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
_END_OR_CLOSER = frozenset(_ENDS + _CLOSERS)


def _last_run_start(buf: str) -> int:
    """Where the last run of sentence-end marks and closers in ``buf`` begins (``len(buf)`` when it ends in neither).

    Every sentence end before that run was cut from the buffer already, so ends are looked for from there on, not
    in the whole buffer again for each line of a long sentence: :data:`_END_RE` matches only inside such runs.
    """
    i = len(buf)
    while i and buf[i - 1] in _END_OR_CLOSER:
        i -= 1
    return i


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
    """A sentence of the normalised text: ``normalize_text(doc)[start:start + len(text)] == text``.

    ``cells``: offsets into ``text`` where the layout had whitespace between two digits (a table's
    columns, ``某港 45 2,300``); a number is never read across one. ``table``: ``(start, end, unit)``
    of each number in a table row whose column header gives its unit (``吞吐量（万吨）``). ``skips``:
    ``(start, end)`` of page markers that a PDF's text put inside the sentence (``- 3 -``, ``第3页``): the
    amounts are read as if they were not there, so ``约`` before a page break still qualifies the number after it.
    ``words``: offsets where whitespace separated two Latin words (``Gaosha Port handled``), so English names are
    matched as whole words in the text whose spaces are gone.
    """

    text: str
    start: int
    line: int
    cells: tuple[int, ...] = ()
    table: tuple[tuple[int, int, str], ...] = ()
    skips: tuple[tuple[int, int], ...] = ()
    words: tuple[int, ...] = ()  # offsets where the layout had a space between two Latin words (English names)


_TOKEN = re.compile(r"\S+")
_INITIALS = re.compile(r"[A-Za-z](?:\.[A-Za-z])*")  # U.S. and e.g. (and a lone initial: J. Smith)
# Words whose full stop does not end an English sentence.
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "no", "co", "inc", "ltd", "st", "vs", "jan", "feb", "aug", "sept", "oct"}


# A line that is only a page marker: "- 3 -", "— 12 —", "第3页", "第 3 页 共 20 页", "3/20", or form feeds.
PAGE_MARKER = re.compile(
    r"\s*(?:[-—–]\s*\d{1,4}\s*[-—–]|第\s*\d{1,4}\s*页(?:\s*[/，,]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4}|\f+)\s*"
)
# A line that is a unit of its own in a PDF's or a notice's layout, never part of the sentence around it: a date
# line (二〇二四年六月, 2024年6月10日) or a short numbered heading or caption with no end mark (一、发展现状,
# （二）主要任务, 第三章, 表2 主要水电站情况). A plan's title before a date line is then a sentence of its own, and
# a heading does not join the first sentence under it.
_STANDALONE = re.compile(
    r"\s*(?:[〇零一二三四五六七八九\d]{4}\s*年\s*[一二三四五六七八九十\d]{1,3}\s*月(?:\s*[一二三四五六七八九十\d]{1,3}\s*日)?"
    r"|(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)]|第[一二三四五六七八九十\d]{1,3}[章节篇]"
    r"|[表图]\s*\d{1,3}\s)[^。！？!?；;，,]{0,24})\s*"
)
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
# Only a line with ASCII on both sides of white space, or a full stop, can have a cell join, an English end or a
# word break.
_MAY_HAVE_MARKS = re.compile(r"[!-~]\s+[!-~]|\.")
_HEADER_UNIT_ANYWHERE = re.compile(r"[）)](?:\s|$)")
_HEADER_UNIT = re.compile(r"[（(]([^（）()\d]{1,6})[）)]$")
_CELL_NUMBER = re.compile(r"\d+(?:[,，]\d{3})*(?:\.\d+)?")


def _header_units(line: str) -> list[str] | None:
    """Return the unit of each column when ``line`` is a table header (``港区 泊位数（个） 吞吐量（万吨）``), else None.

    A header has at least two cells, no digits, and at least one cell ending in a unit in brackets.
    """
    tokens = _TOKEN.findall(line)
    if len(tokens) < 2 or any(ch.isdigit() for ch in line):
        return None
    units = [(m.group(1) if (m := _HEADER_UNIT.search(tok)) else "") for tok in tokens]
    return units if any(units) else None


def _row_cells(line: str, units: list[str]) -> list[tuple[int, int, str]] | None:
    """Return ``(start, end, unit)`` in the line with whitespace removed of each number under a unit, or None
    when the line is not a row of the table (another number of cells)."""
    tokens = _TOKEN.findall(line)
    if len(tokens) != len(units):
        return None
    out, pos = [], 0
    for tok, unit in zip(tokens, units, strict=True):
        if unit and _CELL_NUMBER.fullmatch(tok):
            out.append((pos, pos + len(tok), unit))
        pos += len(tok)
    return out


def _line_marks(line: str) -> tuple[list[int], list[int], list[int]]:
    """Return the offsets, in the line with whitespace removed, of table cell joins, English sentence ends and
    breaks between two Latin words.

    A cell join is whitespace between two digits (``45 2,300``: two columns, not 452,300). An English
    sentence ends after a full stop that follows a letter, a digit or ``%`` (not initials: U.S.) and comes before
    white space and a capital letter or a quote, or at the end of a line of mostly ASCII text: the
    normalised text has no spaces left to tell ``1.2`` from ``year. The``.
    """
    cells: list[int] = []
    ends: list[int] = []
    words: list[int] = []
    tokens = _TOKEN.findall(line)
    ascii_line = len(_NON_ASCII.sub("", line)) > 0.8 * max(1, len(line))
    pos = 0
    for i, tok in enumerate(tokens):
        pos += len(tok)
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if nxt is not None and tok[-1].isdigit() and nxt[0].isdigit():
            cells.append(pos)
        if nxt is not None and tok[-1].isascii() and nxt[0].isascii():
            words.append(pos)
        if (
            tok.endswith(".")
            and len(tok) > 1
            and (tok[-2].isalnum() or tok[-2] in "%)")
            and tok[:-1].lower().lstrip("(\"'") not in _ABBREVIATIONS
            and not _INITIALS.fullmatch(tok[:-1])
            and ((nxt is not None and (nxt[0].isupper() or nxt[0] in "\"“'(")) or (nxt is None and ascii_line))
        ):
            ends.append(pos)
    return cells, ends, words


def _layout(raw: str, header: list[str] | None) -> tuple[bool, list | None, list[str] | None, bool]:
    """Return what a line is in the layout: (a page marker, its table cells, the table's header after it, a
    sentence of its own) given the header of the table being read."""
    marker = PAGE_MARKER.fullmatch(raw) is not None
    # a page marker (- 2 -) is never a row, and a table may go on after it on the next page
    row = _row_cells(raw, header) if header and not marker else None
    if row is None and not marker:
        header = _header_units(raw) if _HEADER_UNIT_ANYWHERE.search(raw) else None
    # a Markdown heading, a table's header or row, a date line or a numbered heading is a sentence of its own
    heading = raw.lstrip().startswith("#") or row is not None or header is not None
    return marker, row, header, heading or _STANDALONE.fullmatch(raw) is not None


def iter_sentences(lines: Iterable[tuple[int, str]], max_len: int = MAX_SENTENCE) -> Iterator[Sentence]:
    """Join layout lines into sentences of normalised text, with offsets and start lines.

    Each line is normalised like :func:`jmgeo._documents.normalize_text` (scanner doubling
    undone, whitespace removed) and appended; a sentence ends after 。！？; (and any
    closing quotes), after an English full stop (``year. The``), at a Markdown heading
    line, or after ``max_len`` characters. Line
    breaks and blank lines are *not* sentence ends: the newspapers break lines, and even
    leave blank lines, in the middle of words.

    Examples
    --------
    >>> [s.text for s in iter_sentences(enumerate(["江门进出口1428.9", "", "亿元。增长", "11.6%。"], 1))]
    ['江门进出口1428.9亿元。', '增长11.6%。']
    >>> [s.text for s in iter_sentences([(1, "Gaosha handled 1.5 million TEU. Xinhui grew 8.5%."), (2, "Next.")])]
    ['Gaoshahandled1.5millionTEU.', 'Xinhuigrew8.5%.', 'Next.']
    >>> [(s.text, s.cells) for s in iter_sentences([(1, "高沙港 45 2,300"), (2, "新会港 18 1,150")])]
    [('高沙港452,300新会港181,150', (5, 15))]
    """
    buf = ""
    buf_start = 0
    starts: list[tuple[int, int]] = []  # (offset in buf, line number) of each piece
    cells: list[int] = []  # offsets in buf of table cell joins
    english_ends: list[int] = []  # offsets in buf of English sentence ends
    words: list[int] = []  # offsets in buf of breaks between Latin words
    table: list[tuple[int, int, str]] = []  # numbers in table rows, with their column's unit
    skips: list[tuple[int, int]] = []  # page markers inside the text
    header: list[str] | None = None  # the units of the table being read

    def sentence(cut: int, end: int, line: int) -> Sentence:
        inside = tuple(c - cut for c in cells if cut < c < end)
        numbers = tuple((a - cut, b - cut, u) for a, b, u in table if cut <= a and b <= end)
        pages = tuple((max(a, cut) - cut, min(b, end) - cut) for a, b in skips if a < end and cut < b)
        breaks = tuple(w - cut for w in words if cut < w < end)
        return Sentence(buf[cut:end], buf_start + cut, line, inside, numbers, pages, breaks)

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
        marker, row, header, heading = _layout(raw, header)
        if heading and buf:
            yield sentence(0, len(buf), line_at(0))
            buf_start += len(buf)
            buf, starts, cells, english_ends, table, skips, words = "", [], [], [], [], [], []
        if buf and buf[-1].isascii() and buf[-1].isalpha() and piece[0].isascii() and piece[0].isalpha():
            words.append(len(buf))  # a line break between two Latin words is a word break too
        starts.append((len(buf), lineno))
        # (the checks below are regular expressions, not Python loops: they run on every line)
        line_cells, line_ends, line_words = _line_marks(raw) if _MAY_HAVE_MARKS.search(raw) else ((), (), ())
        if marker:
            skips.append((len(buf), len(buf) + len(piece)))
        table += [(len(buf) + a, len(buf) + b, u) for a, b, u in row or ()]
        cells += [len(buf) + c for c in line_cells]
        english_ends += [len(buf) + e for e in line_ends]
        words += [len(buf) + w for w in line_words]
        scan = _last_run_start(buf)  # the ends before it were cut already
        buf += piece
        if heading:
            yield sentence(0, len(buf), lineno)
            buf_start += len(buf)
            buf, starts, cells, english_ends, table, skips, words = "", [], [], [], [], [], []
            continue
        cut = 0
        for end in sorted({m.end() for m in _END_RE.finditer(buf, scan)}.union(english_ends)):
            if end == len(buf):
                break  # a closing quote may still follow on the next line
            if end <= cut:
                continue
            yield sentence(cut, end, line_at(cut))
            cut = end
        while len(buf) - cut > max_len:
            part = buf[cut : cut + max_len]
            soft = max(part.rfind("，"), part.rfind(","))
            size = soft + 1 if soft > max_len // 2 else max_len
            yield sentence(cut, cut + size, line_at(cut))
            cut += size
        if cut:
            cells, english_ends, words = ([c - cut for c in xs if c > cut] for xs in (cells, english_ends, words))
            table = [(a - cut, b - cut, u) for a, b, u in table if a >= cut]
            skips = [(max(a - cut, 0), b - cut) for a, b in skips if b > cut]
            kept = []
            for i, (off, ln) in enumerate(starts):
                nxt = starts[i + 1][0] if i + 1 < len(starts) else len(buf)
                if nxt > cut:  # this piece still has text in the buffer
                    kept.append((max(off - cut, 0), ln))
            starts = kept
            buf = buf[cut:]
            buf_start += cut
    if buf:
        yield sentence(0, len(buf), line_at(0))
