"""Read Chinese documents and turn them into reviewable map annotations with provenance.

``jmgeo ingest`` reads files, folders or standard input and reports

- every **place mention** found by the gazetteer (:mod:`jmgeo.gazetteer`), with the
  document, the character span and the feature ids;
- every **amount** (``1428.9亿元``, ``160多家``, ``１２３``, ``一百二十三个``, ``5-7班``) with its
  value, unit, qualifier and year, paired with the place it is about, as a review row;
- **candidates**: place-like names that the gazetteer does not know.

Spans are character offsets into the document's *normalised* text, exactly as
:func:`jmgeo._documents.normalize_text` defines it (whitespace removed, scanner-doubled
lines undone): ``normalize_text(document)[start:end] == quote``. The line number of the
raw file where the quote starts is given too.

Reading is streamed: a file is decoded in 1 MiB chunks and processed sentence by
sentence, so memory does not grow with the file (only the set of sentence hashes used
to count repeated paragraphs once, which is capped). Encodings: UTF-8 (with or
without BOM), UTF-16 with a BOM, and GB18030 (a superset of GBK and GB2312), detected
from the first 64 KiB. Traditional characters are converted to simplified ones with
OpenCC (``t2s``) for matching only; quotes and number texts keep the original.
"""

from __future__ import annotations

import bisect
import codecs
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from ._documents import undouble_line
from ._errors import DataError
from .facts import parse_amount
from .gazetteer import Gazetteer, Mention, find_candidates, load_gazetteer

__all__ = [
    "DocumentSummary",
    "PlaceMention",
    "ReviewRow",
    "Sentence",
    "TextSource",
    "collect_inputs",
    "find_amounts",
    "ingest",
    "iter_ingest",
    "iter_sentences",
    "open_source",
    "to_simplified",
]

CHUNK_BYTES = 1 << 20
HEAD_BYTES = 1 << 16
#: A sentence with no end mark is cut after this many characters (a file without punctuation or newlines).
MAX_SENTENCE = 2000
#: Sentences shorter than this are never treated as repeats ("开放，开放，再开放。" may recur on purpose).
MIN_REPEAT_LEN = 10
#: At most this many recent sentence hashes are kept per document to count repeats once (about 2 MB);
#: past that the oldest half is forgotten, so memory stays flat on any file size. Newspapers repeat a
#: paragraph within a few pages (document 002 repeats whole paragraphs), far inside this window.
MAX_SEEN = 20_000
#: Lines longer than this are not checked for the scanner's doubling (see ``_undouble``).
MAX_UNDOUBLE = 4096

# --------------------------------------------------------------------------- reading


@dataclass
class TextSource:
    """An input document: its name (the file name facts cite), where it came from, its encoding."""

    name: str
    path: Path | None
    stream: BinaryIO
    size: int | None
    encoding: str = ""
    head: bytes = b""

    def close(self) -> None:
        if self.path is not None:
            self.stream.close()


def _plausible_gb18030(text: str) -> bool:
    """True if text decoded as GB18030 looks like Chinese rather than mis-decoded bytes.

    Latin-1 or Shift-JIS bytes also decode as GB18030, but as two-byte characters whose
    second byte is mostly ASCII (é + "e" -> one rare character). In Chinese text,
    simplified (GB2312: second byte >= 0xA1) or traditional (GBK: second byte spread over
    0x40-0xFE), at least 70 % of the two-byte characters have a second byte >= 0x80
    (measured: 100 % for the simplified documents, 80 % for a traditional version).
    Written by hand: charset detectors guess among dozens of encodings and are unreliable
    on short Chinese text; here the choice is only GB18030 or not.
    """
    wide = [ch for ch in text if ord(ch) > 0x7F]
    if not wide:
        return True
    high = 0
    for ch in wide:
        enc = ch.encode("gb18030")
        if len(enc) == 2 and enc[1] >= 0x80:
            high += 1
    return high / len(wide) >= 0.7


def _detect(name: str, head: bytes, at_eof: bool) -> str:
    """Choose the encoding from the first bytes, or raise DataError naming file and byte."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    nul = head.find(b"\x00")
    if nul != -1:
        raise DataError(name, f"byte {nul}", "binary data (a NUL byte): not a text document")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=at_eof)
        return "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = codecs.getincrementaldecoder("gb18030")().decode(head, final=at_eof)
    except UnicodeDecodeError as exc:
        raise DataError(
            name,
            f"byte {utf8_error.start}",
            f"unknown encoding: not UTF-8 (byte 0x{head[utf8_error.start]:02x} at byte {utf8_error.start}) "
            f"and not GB18030/GBK (invalid at byte {exc.start}); save it as UTF-8",
        ) from None
    if not _plausible_gb18030(text):
        raise DataError(
            name,
            f"byte {utf8_error.start}",
            f"unknown encoding: not UTF-8 (byte 0x{head[utf8_error.start]:02x} at byte {utf8_error.start}), "
            "and read as GB18030 it is not Chinese text; save it as UTF-8",
        )
    return "gb18030"


def open_source(path: str | os.PathLike[str] | None, name: str | None = None) -> TextSource:
    """Open a document for streaming and detect its encoding from the first 64 KiB.

    ``path`` None or ``"-"`` reads standard input (named ``name``, default ``stdin.txt``).

    Raises
    ------
    DataError
        Naming the file (and the byte offset): the file is missing, empty, binary, or in
        an encoding that is neither UTF-8, UTF-16 with BOM, nor GB18030/GBK.
    """
    if path is None or str(path) == "-":
        stream: BinaryIO = sys.stdin.buffer
        src = TextSource(name or "stdin.txt", None, stream, None)
    else:
        p = Path(path)
        if not p.is_file():
            raise DataError(str(p), None, "no such file")
        try:
            stream = open(p, "rb")  # noqa: SIM115 - closed by TextSource.close
        except OSError as exc:
            raise DataError(str(p), None, f"cannot read: {exc.strerror}") from None
        src = TextSource(name or p.name, p, stream, p.stat().st_size)
    label = str(src.path) if src.path else src.name
    try:
        head = src.stream.read(HEAD_BYTES)
        if not head:
            raise DataError(label, None, "empty file: nothing to ingest")
        src.encoding = _detect(label, head, at_eof=len(head) < HEAD_BYTES)
    except BaseException:
        src.close()
        raise
    src.head = head
    return src


def iter_lines(src: TextSource, progress: Callable[[int], None] | None = None, max_line: int = 1 << 16) -> Iterator[tuple[int, str]]:
    """Yield ``(line number, line)`` from a source, decoding it chunk by chunk.

    Lines are split the way :meth:`str.splitlines` splits them (as
    :func:`jmgeo._documents.normalize_text` does), so offsets agree with it. A line
    longer than ``max_line`` characters is yielded in pieces with the same line number.
    ``progress`` is called with the number of bytes read after each chunk.

    Raises
    ------
    DataError
        With the byte offset of the first byte that is not valid in the detected encoding,
        or of a NUL byte (binary data) after the first 64 KiB.
    """
    label = str(src.path) if src.path else src.name
    decoder = codecs.getincrementaldecoder(src.encoding)()
    check_nul = not src.encoding.startswith("utf-16")
    offset = 0
    lineno = 1
    pending = ""
    chunk = src.head
    while True:
        final = not chunk
        if check_nul and chunk:
            nul = chunk.find(b"\x00")
            if nul != -1:
                raise DataError(label, f"byte {offset + nul}", "binary data (a NUL byte): not a text document")
        buffered = len(decoder.getstate()[0])
        try:
            text = decoder.decode(chunk, final=final)
        except UnicodeDecodeError as exc:
            where = offset - buffered + exc.start
            raise DataError(
                label, f"byte {where}", f"not valid {src.encoding} text at byte {where} (encoding detected from the start of the file); re-save it in one encoding"
            ) from None
        offset += len(chunk)
        if progress is not None and chunk:
            progress(len(chunk))
        pending += text
        parts = pending.splitlines(keepends=True)
        pending = ""
        for i, part in enumerate(parts):
            lines = part.splitlines()
            body = lines[0] if lines else ""
            if i == len(parts) - 1 and not final and (len(body) == len(part) or part.endswith("\r")):
                pending = part  # no line end yet (or a \r whose \n may be in the next chunk)
                break
            yield lineno, body
            lineno += 1
        while len(pending) > max_line:
            yield lineno, pending[:max_line]  # a huge line: hand it on in pieces
            pending = pending[max_line:]
        if final:
            if pending:
                yield lineno, pending
            return
        chunk = src.stream.read(CHUNK_BYTES)


# --------------------------------------------------------------------------- sentences

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


# --------------------------------------------------------------------------- characters

# Full-width digits, letters and number signs (１２３％．／－) to ASCII, one character for one so
# spans stay valid. Full-width punctuation (，：；（）) stays: it separates clauses, unlike ASCII ",".
_FOLD = {cp: cp - 0xFEE0 for cp in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B), 0xFF05, 0xFF0E, 0xFF0F, 0xFF0D]}
_FOLD.update({0x2212: ord("-")})
_FOLDABLE = re.compile("[" + "".join(map(chr, _FOLD)) + "]")

_OPENCC = None


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
    global _OPENCC
    if _OPENCC is None:
        import opencc

        _OPENCC = opencc.OpenCC("t2s")
    folded = text.translate(_FOLD) if _FOLDABLE.search(text) else text
    out = _OPENCC.convert(folded)
    if len(out) != len(folded):
        out = "".join(c if len(c := _OPENCC.convert(ch)) == 1 else ch for ch in folded)
    return out


# --------------------------------------------------------------------------- amounts

_CN = "零〇一二两三四五六七八九十百千"
_ASCII_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
# Units as the documents write them. Longest first in the pattern, so 平方公里 wins over 公里.
_BASE_UNITS = (
    "元 美元 港元 港币 欧元 公里 千米 平方公里 平方米 平米 米 公顷 亩 吨 吨级 千瓦时 千瓦 瓦 GWh MWh GW MW kW "
    "标箱 TEU 人次 人 名 家 个百分点 百分点 个月 个 项 宗 件 条 所 类 倍 次 班 列 趟 天 年 周 强 成 % ‰ "
    "辆 台 套 座 艘 批 位 户 间 栋 场 部 款 种 份 处 株 棵 层 岁"
).split()
_MULTIPLIERS = ("万亿", "千万", "百万", "亿", "万", "千")
# Units a Chinese numeral may carry: with others (一带一路, 三大, 十四届五次) it is a word, not an amount.
_CN_UNITS = set("个 项 家 年 成 倍 条 名 所 类 强 座 艘 位 天 亿 亿元 万元 万亿 平方公里 公里".split())  # not bare 万: 千万网友
_UNIT = "(?:(?:{m})(?:{b})?|(?:{b}))".format(
    m="|".join(_MULTIPLIERS), b="|".join(re.escape(u) for u in sorted(_BASE_UNITS, key=len, reverse=True))
)
_NUM_ANY = "(?:" + _ASCII_NUM + "|[" + _CN + "]+)"
# Written by hand around parse_amount: no Chinese number extractor on PyPI keeps the printed
# text and offsets the review table needs. A unit is required, except for 第N, a/b and 万亿.
_AMOUNT_RE = re.compile(
    r"(?P<bare>(?<![\d" + _CN + r"])万亿|万吨级)"
    r"|第(?P<ord>" + _NUM_ANY + ")"
    r"|(?P<frac>(?<![A-Za-z\d.])\d+/\d+)"
    r"|(?P<num>(?<![A-Za-z\d.])" + _NUM_ANY + ")"
    r"(?:(?P<rsep>[-–—~～])(?P<num2>" + _NUM_ANY + "))?"
    r"(?P<more>多|余)?(?P<unit>" + _UNIT + ")"
)
_YEAR_RE = re.compile(r"(?<![\d.])(1[89]\d\d|20\d\d)(?=年(?!代))")
_DECADE_RE = re.compile(r"(\d\d)世纪(\d)0年代")
_RELATIVE = {"今年": 0, "本年": 0, "年内": 0, "去年": -1, "上年": -1, "明年": 1, "前年": -2}
_RELATIVE_RE = re.compile("|".join(_RELATIVE) + "|当年|同年")
_BEFORE = (
    ("超过", "more_than"), ("超出", "more_than"), ("突破", "more_than"), ("逾", "more_than"), ("超", "more_than"),
    ("将近", "nearly"), ("接近", "nearly"), ("近", "nearly"), ("大约", "about"), ("约", "about"),
    ("至少", "at_least"), ("不少于", "at_least"), ("不低于", "at_least"),
)
_TARGET_RE = re.compile("力争|目标|争取|预计|计划|力推|争当|有望|将达")
_CLAUSE_SEP = "，,；;：:"


@dataclass(frozen=True)
class AmountMatch:
    """An amount found in a sentence: its span, the text as printed and the parsed amount."""

    start: int
    end: int
    number_text: str
    value: float
    value_max: float | None
    unit: str
    qualifier: str | None
    chinese_numeral: bool


def find_amounts(text: str, original: str | None = None) -> list[AmountMatch]:
    """Find amounts with units in a normalised, simplified sentence.

    ``original`` is the sentence as printed (same length); ``number_text`` is taken from
    it, so full-width digits and traditional characters stay as printed. Years
    (``2023年``), dates (``8月22日``) and bare numbers without a unit are not amounts.
    Values and units come from :func:`jmgeo.facts.parse_amount`.

    Examples
    --------
    >>> [(a.number_text, a.value, a.unit, a.qualifier) for a in find_amounts("2023年投资超150亿元，160多家企业，增长11.6%")]
    [('150亿元', 150.0, '亿元', 'more_than'), ('160多家', 160.0, '家', 'more_than'), ('11.6%', 11.6, '%', None)]
    >>> [(a.value, a.unit) for a in find_amounts("共一百二十三个项目，11.7万平米，5-7班")]
    [(123.0, '个'), (11.7, '万平米'), (5.0, '班')]
    """
    original = text if original is None else original
    out = []
    for m in _AMOUNT_RE.finditer(text):
        start, end = m.span()
        cn = False
        if m.group("ord"):
            if text.startswith(("次", "届", "季度", "期", "轮"), end):
                continue  # 第十四次党代会, 第三季度: the number of a meeting or period, not a rank
            if text.startswith("个", end):
                end += 1  # an ordinal keeps 个 (第6个) but not other words (第一台 -> 第一)
            cn = m.group("ord")[0] in _CN
        elif m.group("num"):
            unit, num = m.group("unit"), m.group("num")
            cn = num[0] in _CN
            if cn:
                if unit not in _CN_UNITS or num == "一" or (num in ("两", "二") and unit == "个"):
                    continue
                if unit in ("亿", "亿元", "万元") and num not in ("十", "百", "千") and len(num) == 1:
                    continue  # 一亿 is a word here more often than an amount; 百亿 / 千亿 are figures
            elif unit == "年" and not m.group("more") and re.fullmatch(r"(1[89]|20)\d\d", num):
                continue  # a year, not a duration
            if unit == "年" and text.startswith("代", end):
                continue  # 50年代: a decade
            if unit == "周" and text.startswith("年", end):
                continue  # 100周年: an anniversary
        number_text = original[start:end]
        try:
            amount = parse_amount(text[start:end])
        except (ValueError, ZeroDivisionError):
            continue
        qualifier = amount.qualifier
        before = text[max(0, start - 3) : start]
        if qualifier is None:
            for word, qual in _BEFORE:
                if before.endswith(word):
                    qualifier = qual
                    break
        after = text[end : end + 2]
        if qualifier is None and after == "以上":
            qualifier = "more_than"
        elif qualifier is None and after == "左右":
            qualifier = "about"
        out.append(
            AmountMatch(
                start, end, number_text, amount.value, amount.value_max, amount.unit, qualifier,
                chinese_numeral=cn,
            )
        )
    return out


# --------------------------------------------------------------------------- records


@dataclass
class ReviewRow:
    """One amount paired with its place and year, for a reviewer to accept or reject."""

    doc: str
    line: int
    start: int
    end: int
    quote: str
    number_start: int
    number_end: int
    number_text: str
    value: float
    value_max: float | None
    unit: str
    qualifier: str | None
    year: int | None
    year_basis: str
    feature_ids: tuple[str, ...]
    place_names: tuple[str, ...]
    place_scope: str
    confidence: float
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlaceMention:
    """A gazetteer name in a document: ``normalize_text(doc)[start:end] == text``."""

    doc: str
    line: int
    start: int
    end: int
    text: str
    feature_ids: tuple[str, ...]


@dataclass
class DocumentSummary:
    """What was read from one document."""

    doc: str
    path: str | None
    encoding: str
    year: int | None
    year_from: str
    chars: int = 0
    sentences: int = 0
    repeated_sentences: int = 0
    traditional: bool = False
    rows: int = 0
    mentions: int = 0


@dataclass
class _DocState:
    doc: str
    year: int | None
    seen: dict[int, None] = field(default_factory=dict)
    last_year: int | None = None


@dataclass
class _SentenceIndex:
    """What year and place resolution need from one sentence, found once (not once per amount)."""

    length: int
    seps: list[int]
    stated: list[tuple[int, int]]
    relative: list[tuple[int, str]]
    decades: list[tuple[int, int]]

    @classmethod
    def of(cls, text: str) -> _SentenceIndex:
        return cls(
            len(text),
            [i for i, ch in enumerate(text) if ch in _CLAUSE_SEP],
            [(m.start(), int(m.group(1))) for m in _YEAR_RE.finditer(text)],
            [(m.start(), m.group()) for m in _RELATIVE_RE.finditer(text) if not text.startswith("同期", m.end())],
            [(m.start(), (int(m.group(1)) - 1) * 100 + int(m.group(2)) * 10) for m in _DECADE_RE.finditer(text)],
        )

    def clause(self, pos: int) -> tuple[int, int]:
        """Return the clause (between ，；： separators) around ``pos``."""
        i = bisect.bisect_right(self.seps, pos - 1)
        left = self.seps[i - 1] + 1 if i else 0
        right = self.seps[i] if i < len(self.seps) else self.length
        return left, right


def _resolve_year(idx: _SentenceIndex, pos: int, state: _DocState) -> tuple[int | None, str, tuple[str, ...]]:
    before = [y for p, y in idx.stated if p < pos]
    if before:
        return before[-1], "stated", ()
    decade = [y for p, y in idx.decades if p < pos]
    if decade:
        return decade[-1], "decade", ()
    relative = [w for p, w in idx.relative if p < pos]
    if relative:
        word = relative[-1]
        if word in ("当年", "同年"):
            if state.last_year is not None:
                return state.last_year, "stated", ()
            return None, "unknown", ("relative_year_unresolved",)
        if state.year is None:
            return None, "unknown", ("relative_year_without_document_date",)
        return state.year + _RELATIVE[word], "document_date", ()
    _, clause_end = idx.clause(pos)
    after = [y for p, y in idx.stated if pos <= p < clause_end]  # "计划2025年运行": a later year in the same clause
    if after:
        return after[0], "stated", ()
    if state.year is None:
        return None, "unknown", ("no_year",)
    return state.year, "document_date", ("year_assumed_from_document_date",)


def _pair_places(
    idx: _SentenceIndex, pos: int, mentions: list[Mention], starts: list[int], city_id: str
) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    """Return (feature ids, names, scope) for the amount at ``pos``: clause, sentence or city.

    ``mentions`` are in text order and ``starts`` are their start offsets.
    """

    def within(left: int, right: int) -> list[Mention]:
        return [m for m in mentions[bisect.bisect_left(starts, left) : bisect.bisect_left(starts, right)] if m.end <= right]

    left, right = idx.clause(pos)
    scope = "clause"
    chosen = within(left, right)
    if not chosen:
        scope = "sentence"
        i = bisect.bisect_left(starts, left)  # mentions[:i] start before the clause
        before = mentions[i - 1] if i else None
        j = bisect.bisect_left(starts, right)
        after = mentions[j] if j < len(mentions) else None
        if before is not None:
            # the nearest clause before the amount that names a place
            chosen = within(*idx.clause(before.start))
        elif after is not None:
            chosen = within(*idx.clause(after.start))
    if not chosen:
        return (city_id,), (), "city"
    ids: list[str] = []
    names: list[str] = []
    for m in chosen:
        if m.feature_ids[0] not in ids:
            ids.append(m.feature_ids[0])
        if m.name not in names:
            names.append(m.name)
    if len(ids) > 1 and city_id in ids:
        ids.remove(city_id)  # "江门成功引进...中创新航江门基地": the specific place, not the city
    return tuple(ids), tuple(names), scope


_SCOPE_CONFIDENCE = {"clause": 0.85, "sentence": 0.7, "city": 0.5}


def _confidence(scope: str, year_basis: str, amount: AmountMatch, ambiguous: bool) -> float:
    """A heuristic 0-1 score for ranking the review table (not a calibrated probability)."""
    score = _SCOPE_CONFIDENCE[scope]
    score += {"stated": 0.05, "document_date": 0.0, "decade": 0.0}.get(year_basis, -0.1)
    if amount.chinese_numeral:
        score -= 0.1
    if amount.unit == "rank":
        score -= 0.15
    if ambiguous:
        score -= 0.1
    return round(min(max(score, 0.05), 0.99), 2)


def _document_years(geodata_dir) -> dict[str, int]:
    """``{file name: publication year}`` from ``geodata/documents.json``."""
    from ._geodata import read_geodata

    docs = read_geodata(geodata_dir).documents
    out = {}
    for d in docs:
        year = d.get("published_year")
        if year is None and d.get("published"):
            year = int(str(d["published"])[:4])
        if isinstance(year, int):
            out[d["file"]] = year
    return out


def iter_ingest(
    sources: Iterable[TextSource],
    gazetteer: Gazetteer | None = None,
    *,
    date_year: int | None = None,
    geodata_dir: str | os.PathLike[str] | None = None,
    city_id: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> Iterator[ReviewRow | PlaceMention | tuple[int, int, str, str, str] | DocumentSummary]:
    """Read each source and yield review rows, place mentions, candidates and summaries.

    Yields, per document and in text order, :class:`PlaceMention` and :class:`ReviewRow`
    objects and candidate tuples ``(start, end, name, doc, quote)``, then the document's
    :class:`DocumentSummary`. A sentence that repeats an earlier one of the same
    document (≥ ``MIN_REPEAT_LEN`` characters) is counted once.

    Parameters
    ----------
    sources : iterable of TextSource
        From :func:`open_source`; each is closed when read.
    gazetteer : Gazetteer, optional
        Default: :func:`jmgeo.gazetteer.load_gazetteer` on ``geodata_dir``.
    date_year : int, optional
        The publication year of every source, for 今年/去年 and present-tense figures.
        Default: the year in ``geodata/documents.json`` for a known file name, else unknown.
    """
    from ._geodata import read_geodata

    gazetteer = gazetteer or load_gazetteer(geodata_dir)
    city_id = city_id or read_geodata(geodata_dir).districts_spec["city"]["id"]
    known_years = _document_years(geodata_dir)
    for src in sources:
        try:
            if date_year is not None:
                year, year_from = date_year, "--date"
            elif src.name in known_years:
                year, year_from = known_years[src.name], "documents.json"
            else:
                year, year_from = None, "unknown"
            summary = DocumentSummary(src.name, str(src.path) if src.path else None, src.encoding, year, year_from)
            state = _DocState(src.name, year)
            for sent in iter_sentences(iter_lines(src, progress)):
                summary.chars = sent.start + len(sent.text)
                summary.sentences += 1
                simp = to_simplified(sent.text)
                if not summary.traditional and simp != sent.text and simp != sent.text.translate(_FOLD):
                    summary.traditional = True
                if len(simp) >= MIN_REPEAT_LEN:
                    key = hash(simp)
                    if key in state.seen:
                        summary.repeated_sentences += 1
                        continue
                    state.seen[key] = None
                    if len(state.seen) > MAX_SEEN:
                        for old in list(state.seen)[: MAX_SEEN // 2]:
                            del state.seen[old]
                yield from _sentence_records(sent, simp, gazetteer, state, summary, city_id)
                stated = _YEAR_RE.findall(simp)
                if stated:
                    state.last_year = int(stated[-1])
            yield summary
        finally:
            src.close()


def _sentence_records(sent: Sentence, simp: str, gazetteer: Gazetteer, state: _DocState, summary: DocumentSummary, city_id: str):
    mentions = gazetteer.find(simp)
    for m in mentions:
        summary.mentions += 1
        yield PlaceMention(state.doc, sent.line, sent.start + m.start, sent.start + m.end, sent.text[m.start : m.end], m.feature_ids)
    for start, end, name in find_candidates(simp, mentions):
        yield (sent.start + start, sent.start + end, sent.text[start:end], state.doc, sent.text)
    amounts = find_amounts(simp, sent.text)
    if not amounts:
        return
    idx = _SentenceIndex.of(simp)
    starts = [m.start for m in mentions]
    shared = {m.name for m in mentions if len(m.feature_ids) > 1}
    for amount in amounts:
        year, basis, year_flags = _resolve_year(idx, amount.start, state)
        ids, names, scope = _pair_places(idx, amount.start, mentions, starts, city_id)
        qualifier = amount.qualifier
        if qualifier not in ("range",) and _TARGET_RE.search(simp, 0, amount.start):
            qualifier = "target"
        ambiguous = bool(shared.intersection(names))
        flags = list(year_flags)
        if scope == "city":
            flags.append("city_fallback")
        if ambiguous:
            flags.append("ambiguous_place")
        if amount.chinese_numeral:
            flags.append("chinese_numeral")
        summary.rows += 1
        yield ReviewRow(
            doc=state.doc,
            line=sent.line,
            start=sent.start,
            end=sent.start + len(sent.text),
            quote=sent.text,
            number_start=sent.start + amount.start,
            number_end=sent.start + amount.end,
            number_text=amount.number_text,
            value=amount.value,
            value_max=amount.value_max,
            unit=amount.unit,
            qualifier=qualifier,
            year=year,
            year_basis=basis,
            feature_ids=ids,
            place_names=names,
            place_scope=scope,
            confidence=_confidence(scope, basis, amount, ambiguous),
            flags=tuple(flags),
        )


# --------------------------------------------------------------------------- the whole run


def collect_inputs(paths: Iterable[str | os.PathLike[str]]) -> list[Path | None]:
    """Expand files and folders (every ``*.txt`` below them, sorted) into a list of files.

    ``-`` stands for standard input (returned as None). Two inputs with the same file
    name are refused: facts cite documents by file name.

    Raises
    ------
    DataError
        A path that does not exist, a folder with no ``.txt`` file, or a repeated file name.
    """
    out: list[Path | None] = []
    for raw in paths:
        if str(raw) == "-":
            out.append(None)
            continue
        p = Path(raw)
        if p.is_dir():
            files = sorted(f for f in p.rglob("*.txt") if f.is_file())
            if not files:
                raise DataError(str(p), None, "folder has no .txt files to ingest")
            out += files
        elif p.is_file():
            out.append(p)
        else:
            raise DataError(str(p), None, "no such file or folder")
    seen: dict[str, Path | None] = {}
    for p in out:
        name = p.name if p is not None else "stdin"
        if name in seen:
            raise DataError(str(p), None, f'another input is also named "{name}" ({seen[name]}); facts cite documents by file name, rename one')
        seen[name] = p
    return out


def ingest(
    paths: Iterable[str | os.PathLike[str]],
    out: str | os.PathLike[str] = "review.csv",
    *,
    date_year: int | None = None,
    geodata_dir: str | os.PathLike[str] | None = None,
    stdin_name: str = "stdin.txt",
    progress: bool = True,
):
    """Ingest files, folders or standard input and write the review files beside ``out``.

    Returns the :class:`jmgeo.review.ReviewResult` (paths written, counts, a summary per
    document). Nothing is written unless every input was read: a bad input raises
    :class:`~jmgeo._errors.DataError` naming the file (and byte offset) and leaves any
    earlier review files as they were. ``geodata/`` is only read.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> tmp = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (tmp / "a.txt").write_text("江门北站今年开行班列120列。", encoding="utf-8")
    >>> result = ingest([tmp / "a.txt"], tmp / "review.csv", date_year=2024, progress=False)
    >>> result.rows, result.mentions
    (1, 1)
    """
    from .review import write_review

    files = collect_inputs(paths)
    sizes = [p.stat().st_size if p is not None else None for p in files]
    bar = None
    if progress:
        from tqdm import tqdm

        known = [s for s in sizes if s is not None]
        bar = tqdm(
            total=sum(known) if len(known) == len(sizes) else None, unit="B", unit_scale=True, unit_divisor=1024,
            desc="ingest", file=sys.stderr, disable=not sys.stderr.isatty(), leave=False,
        )

    def sources():
        for p in files:
            yield open_source(p, stdin_name if p is None else None)

    try:
        records = iter_ingest(sources(), date_year=date_year, geodata_dir=geodata_dir, progress=bar.update if bar else None)
        return write_review(records, out)
    finally:
        if bar is not None:
            bar.close()
