"""Open the inputs of ``jmgeo ingest`` and decode them line by line, without reading a whole file.

An input is a file, every ``*.txt`` below a folder, or standard input (``-``).
Encodings: UTF-8 (with or without BOM), UTF-16 with a BOM, and GB18030 (a superset of
GBK and GB2312), detected from the first 64 KiB. A file is then decoded in 1 MiB chunks,
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

__all__ = ["CHUNK_BYTES", "HEAD_BYTES", "TextSource", "collect_inputs", "iter_lines", "open_source"]

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
