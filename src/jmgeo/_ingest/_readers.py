"""Open the inputs of ``jmgeo ingest`` and decode them line by line, without reading a whole file.

An input is a file, every ``*.txt`` below a folder, or standard input (``-``).
Encodings: UTF-8 (with or without BOM), UTF-16 with a BOM, GB18030 (a superset of
GBK and GB2312) and Big5-HKSCS (a superset of Big5), detected from the first 64 KiB with
charset-normalizer and checked as Chinese text. A file is then decoded in 1 MiB chunks,
so memory does not grow with the file. Anything else (a missing, empty or binary file, an
unknown encoding, a bad byte later on) is a :class:`~jmgeo._errors.DataError` naming the
file and the byte offset.
"""

from __future__ import annotations

import codecs
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .._errors import DataError

__all__ = [
    "CHUNK_BYTES",
    "HEAD_BYTES",
    "LEGACY_ENCODINGS",
    "TextSource",
    "chinese_text_problem",
    "collect_inputs",
    "iter_lines",
    "open_source",
]

#: Bytes decoded at a time.
CHUNK_BYTES = 1 << 20
#: Bytes read first to detect the encoding.
HEAD_BYTES = 1 << 16


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
        """Close the file (standard input is left open)."""
        if self.path is not None:
            self.stream.close()


#: The encodings the detector chooses among when a file is not UTF-8 and has no BOM (Python codec names):
#: GB18030 (a superset of GBK and GB2312) and Big5-HKSCS (a superset of Big5, as written in Hong Kong).
LEGACY_ENCODINGS = ("gb18030", "big5hkscs")
#: Share of a text's characters beyond ASCII that must be Chinese (ideographs, CJK or full-width punctuation).
MIN_CHINESE_SHARE = 0.9
#: Share of its ideographs that must be common ones (GB2312, after folding traditional to simplified).
MIN_COMMON_SHARE = 0.8


def _is_cjk(ch: str) -> bool:
    """True for a Chinese ideograph or a CJK / full-width / general punctuation mark."""
    cp = ord(ch)
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0x20000 <= cp <= 0x2FFFF
        or 0x3000 <= cp <= 0x303F
        or 0xFF00 <= cp <= 0xFFEF
        or 0x2000 <= cp <= 0x206F
        or 0xFE30 <= cp <= 0xFE4F
        or ch in "·×÷°±℃№‰㎡"
    )


def chinese_text_problem(text: str) -> str | None:
    """Say why ``text`` does not read as Chinese text, or None when it does.

    A decoding that "works" can still be wrong: Shift-JIS or Latin-1 bytes also decode
    as GB18030 or Big5, into rare characters. So at least ``MIN_CHINESE_SHARE`` of the
    characters beyond ASCII must be Chinese, and at least ``MIN_COMMON_SHARE`` of the
    ideographs common ones (in GB2312's 6,763 once folded to simplified; every common
    traditional character folds into it). Text that is all ASCII is fine (English).

    Examples
    --------
    >>> chinese_text_problem("江門市政府今日公佈") is None
    True
    >>> chinese_text_problem("䓞硋䓞硋䓞硋")
    'only 0 of 6 Chinese characters are common ones'
    """
    wide = [ch for ch in text if ord(ch) > 0x7F]
    if not wide:
        return None
    chinese = sum(map(_is_cjk, wide))
    if chinese < MIN_CHINESE_SHARE * len(wide):
        return f"only {chinese} of {len(wide)} characters beyond ASCII are Chinese"
    ideographs = [ch for ch in wide if 0x3400 <= ord(ch) <= 0x9FFF or ord(ch) >= 0x20000]
    if not ideographs:
        return None
    from ._simplified import to_simplified  # deferred: OpenCC reads its tables on first use

    common = 0
    for ch in to_simplified("".join(ideographs)):
        try:
            ch.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    if common < MIN_COMMON_SHARE * len(ideographs):
        return f"only {common} of {len(ideographs)} Chinese characters are common ones"
    return None


def _whole_characters(head: bytes, at_eof: bool) -> bytes:
    """Cut ``head`` after its last byte below 0x30, so no multi-byte character is cut in two.

    In GB18030 and Big5 every byte of a multi-byte character is 0x30 or above (GB18030's
    four-byte forms have digits 0x30-0x39 in second and fourth place), so a byte below
    0x30 (a line end, a space, most ASCII punctuation) always stands alone.
    """
    if at_eof:
        return head
    for i in range(len(head) - 1, max(-1, len(head) - 4096), -1):
        if head[i] < 0x30:
            return head[: i + 1]
    return head


def _detect(name: str, head: bytes, at_eof: bool) -> str:
    """Choose the encoding from the first bytes, or raise DataError naming file, byte and reason.

    A BOM decides (UTF-8, UTF-16); then strict UTF-8; then charset-normalizer chooses
    among :data:`LEGACY_ENCODINGS` (GB18030/GBK and Big5/Big5-HKSCS), and the text it
    gives must read as Chinese (:func:`chinese_text_problem`).
    """
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
    not_utf8 = f"not UTF-8 (byte 0x{head[utf8_error.start]:02x} at byte {utf8_error.start})"
    import charset_normalizer  # deferred: only files that are not UTF-8 need the detector

    sample = _whole_characters(head, at_eof)
    best = None
    # with no byte below 0x30 near the end, the cut may still split a character: try 0-3 bytes shorter
    for cut in range(1 if at_eof or sample is not head else 4):
        best = charset_normalizer.from_bytes(sample[: len(sample) - cut], cp_isolation=list(LEGACY_ENCODINGS)).best()
        if best is not None:
            break
    if best is None:
        invalid = {}
        for encoding in LEGACY_ENCODINGS:
            try:
                codecs.getincrementaldecoder(encoding)().decode(head, final=at_eof)
                invalid[encoding] = len(head)  # valid, but the detector found it too messy to be text
            except UnicodeDecodeError as exc:
                invalid[encoding] = exc.start
        where = max(invalid.values())  # the encoding that read furthest is the likeliest one
        raise DataError(
            name,
            f"byte {where}",
            f"unknown encoding: {not_utf8}, not GB18030/GBK (invalid at byte {invalid['gb18030']}) and not "
            f"Big5/Big5-HKSCS (invalid at byte {invalid['big5hkscs']}); save it as UTF-8",
        )
    encoding = codecs.lookup(best.encoding).name
    problem = chinese_text_problem(str(best))
    if problem is not None:
        raise DataError(
            name,
            f"byte {utf8_error.start}",
            f"unknown encoding: {not_utf8}, and read as {encoding} it is not Chinese text ({problem}); "
            "save it as UTF-8",
        )
    return encoding


def open_source(path: str | os.PathLike[str] | None, name: str | None = None) -> TextSource:
    """Open a document for streaming and detect its encoding from the first 64 KiB.

    ``path`` None or ``"-"`` reads standard input (named ``name``, default ``stdin.txt``).

    Raises
    ------
    DataError
        Naming the file (and the byte offset): the file is missing, empty, binary, or in
        an encoding that is neither UTF-8, UTF-16 with BOM, GB18030/GBK nor Big5/Big5-HKSCS,
        or text that does not read as Chinese.
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


def iter_lines(
    src: TextSource, progress: Callable[[int], None] | None = None, max_line: int = 1 << 16
) -> Iterator[tuple[int, str]]:
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
                label,
                f"byte {where}",
                f"not valid {src.encoding} text at byte {where} (encoding detected from the start of the file); "
                "re-save it in one encoding",
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
            raise DataError(
                str(p),
                None,
                f'another input is also named "{name}" ({seen[name]}); facts cite documents by file name, rename one',
            )
        seen[name] = p
    return out
