"""The review files of ``jmgeo ingest``: write them from the ingest records, read the table back.

Four files beside ``--out`` (``review.csv``): the review table as CSV (what a person opens in a
spreadsheet), every place mention as CSV beside it, the candidate places, and the full record as
gzip-compressed JSON Lines (``review.jsonl.gz``), where each quote is stored once. The rows are
spooled to anonymous scratch files while the documents are read; only when every input was read
are the four files written with the one atomic writer of jmgeo (:func:`jmgeo._files.staged_outputs`: temp file,
read back, rename), together, so an earlier review is never lost or half-written.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import itertools
import json
import math
import os
import shutil
import tempfile
import zlib
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .._cells import SpreadsheetWriter, from_spreadsheet
from .._errors import DataError
from .._files import staged_outputs
from .._jsonfile import read_json
from ._records import DocumentSummary, PlaceMention, ReviewRow, SkippedDocument

__all__ = [
    "CANDIDATE_COLUMNS",
    "MENTION_COLUMNS",
    "RECORD_FORMAT",
    "RECORD_LINES",
    "REVIEW_COLUMNS",
    "PART_KEYS",
    "ReviewPart",
    "ReviewResult",
    "plain_number",
    "read_record",
    "read_review",
    "review_part",
    "review_paths",
    "write_review",
    "write_review_parts",
]

#: Columns of the review table. ``accept`` is for the reviewer (y / n); ``claim_en`` may be filled in.
REVIEW_COLUMNS = [
    "accept", "confidence", "doc", "line", "start", "end", "quote", "number_start", "number_end", "number_text",
    "value", "value_max", "unit", "qualifier", "year", "year_basis", "feature_ids", "place_names", "place_scope",
    "flags", "claim_en",
]  # fmt: skip
MENTION_COLUMNS = ["doc", "line", "start", "end", "text", "feature_ids"]
CANDIDATE_COLUMNS = ["name", "count", "doc", "start", "end", "quote"]
MAX_CANDIDATES = 20_000


def review_paths(out: str | os.PathLike[str]) -> dict[str, Path]:
    """Return the four output paths for ``--out`` (``review.csv`` -> ``review.jsonl.gz`` ...)."""
    out = Path(out)
    stem = out.with_suffix("") if out.suffix.lower() in (".csv", ".json", ".gz") else out
    if stem.suffix.lower() == ".jsonl":
        stem = stem.with_suffix("")
    return {
        "csv": stem.with_name(stem.name + ".csv"),
        "record": stem.with_name(stem.name + ".jsonl.gz"),
        "mentions": stem.with_name(stem.name + ".mentions.csv"),
        "candidates": stem.with_name(stem.name + ".candidates.csv"),
    }


def _ids(value: tuple[str, ...]) -> str:
    """Return feature ids as one CSV cell, separated by spaces."""
    return " ".join(value)


def plain_number(v: float | None) -> int | float | None:
    """Return ``v`` as an int when it is whole (``12.0`` -> ``12``), as written in the tables and facts."""
    if v is None:
        return None
    return int(v) if float(v).is_integer() else v


@dataclass
class ReviewResult:
    """What :func:`write_review` wrote and counted."""

    paths: dict[str, Path]
    rows: int = 0
    mentions: int = 0
    candidates: int = 0
    documents: list[DocumentSummary] = field(default_factory=list)
    skipped: list[SkippedDocument] = field(default_factory=list)


#: The lines of the full record (``review.jsonl.gz``) after its header, each a JSON array whose first item names
#: its kind. A ``quote`` belongs to the ``doc`` line before it, a ``fact`` to the ``quote`` line before it, a
#: ``mention`` to the ``doc`` line before it: each quote is stored once, however many amounts it holds.
RECORD_LINES = {
    "doc": ["doc"],
    "quote": ["line", "start", "end", "quote"],
    "fact": ["number_start", "number_end", "number_text", "value", "value_max", "unit", "qualifier", "year",
             "year_basis", "feature_ids", "place_names", "place_scope", "confidence", "flags"],
    "mention": ["line", "start", "end", "text", "feature_ids"],
    "summary": ["document"],
    "skipped": ["document"],
    "candidate": CANDIDATE_COLUMNS,
}  # fmt: skip
RECORD_FORMAT = "jmgeo-review-record/1"


# What json.dumps(items, ensure_ascii=False, separators=(",", ":")) uses, made once rather than for each line.
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _line(*items) -> str:
    """Return one line of the full record: a compact JSON array and a newline."""
    return _ENCODE(items) + "\n"


def read_record(path: str | os.PathLike[str]) -> dict:
    """Read a full record (``review.jsonl.gz``, or the same uncompressed) back into whole objects.

    Returns ``{"documents", "skipped", "facts", "mentions", "candidates"}``; each fact has every field of
    the review row (``doc``, ``line``, ``start``, ``end`` and ``quote`` from its quote line), each mention
    its ``doc``.

    Raises
    ------
    DataError
        Naming the file and line when a line is not what :func:`write_review` writes.
    """
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    out: dict[str, list] = {"documents": [], "skipped": [], "facts": [], "mentions": [], "candidates": []}
    doc = quote = None
    try:
        with opener(path, "rt", encoding="utf-8") as fh:
            header = json.loads(fh.readline() or "null")
            if not isinstance(header, dict) or header.get("format") != RECORD_FORMAT:
                raise DataError(str(path), "line 1", f"not a jmgeo ingest record (expected format {RECORD_FORMAT})")
            for number, text in enumerate(fh, start=2):
                kind, *items = json.loads(text)
                cols = RECORD_LINES.get(kind)
                if cols is None or len(items) != len(cols):
                    raise DataError(str(path), f"line {number}", f"unknown or malformed {kind!r} line")
                rec = dict(zip(cols, items, strict=True))
                if kind == "doc":
                    doc = rec["doc"]
                elif kind == "quote":
                    quote = {"doc": doc, **rec}
                elif kind == "fact":
                    out["facts"].append({**quote, **rec})
                elif kind == "mention":
                    out["mentions"].append({"doc": doc, **rec})
                elif kind in ("summary", "skipped"):
                    out["documents" if kind == "summary" else "skipped"].append(rec["document"])
                else:
                    out["candidates"].append(rec)
    except (OSError, EOFError, ValueError, TypeError) as exc:  # a truncated gzip, a line that is not JSON
        raise DataError(str(path), None, f"cannot read the record: {exc}") from None
    return out


def _record_doc(doc: str, write, at: list) -> None:
    """Write a ``doc`` line to the record when ``doc`` is not the one ``at`` says was written last."""
    if doc != at[0]:
        at[:] = [doc, None]
        write(_line("doc", doc))


def _write_row(rec: ReviewRow, fw: SpreadsheetWriter, write, at: list) -> None:
    """Write a review row to the CSV, and to the record as a ``fact`` after its ``quote`` (written once)."""
    fw.writerow(
        ["", rec.confidence, rec.doc, rec.line, rec.start, rec.end, rec.quote, rec.number_start,
         rec.number_end, rec.number_text, plain_number(rec.value), plain_number(rec.value_max), rec.unit,
         rec.qualifier or "", "" if rec.year is None else rec.year, rec.year_basis, _ids(rec.feature_ids),
         " ".join(rec.place_names), rec.place_scope, " ".join(rec.flags), ""]
    )  # fmt: skip
    _record_doc(rec.doc, write, at)
    if (rec.start, rec.end) != at[1]:
        at[1] = (rec.start, rec.end)
        write(_line("quote", rec.line, rec.start, rec.end, rec.quote))
    write(
        _line("fact", rec.number_start, rec.number_end, rec.number_text, rec.value, rec.value_max, rec.unit,
              rec.qualifier, rec.year, rec.year_basis, rec.feature_ids, rec.place_names, rec.place_scope,
              rec.confidence, rec.flags)
    )  # fmt: skip


@dataclass
class ReviewPart:
    """Some documents' share of the review files, made where they were read (a worker, or the one process).

    The bytes of each output (``csv``, ``mentions``, ``record``: :data:`PART_KEYS`) are in ``files`` (temp files a
    local worker wrote; removed once appended) or in ``data`` (a Dask worker's result, the two CSV parts
    zlib-compressed for the way back); :func:`write_review_parts` only appends them in the order of the inputs.
    The CSV parts are rows without the header; the record part is one gzip member per document, and
    concatenated gzip members are one gzip file (``gzip.open``, ``zcat``). ``candidates`` are
    ``[name, count, doc, start, end, quote]`` in the order of first occurrence, at most ``max_candidates`` names;
    ``overflow`` the names met once that many were kept, one per occurrence, which the parent counts when an
    earlier part proposed them, so the counts are those of one process reading every document in turn.
    """

    rows: int = 0
    mentions: int = 0
    documents: list[DocumentSummary] = field(default_factory=list)
    skipped: list[SkippedDocument] = field(default_factory=list)
    candidates: list[list] = field(default_factory=list)
    overflow: list[str] = field(default_factory=list)
    files: dict[str, str] | None = None
    data: dict[str, bytes] | None = None


#: The outputs a :class:`ReviewPart` holds bytes of: the review CSV, the mentions CSV and the full record.
PART_KEYS = ("csv", "mentions", "record")
#: Record lines kept before they are compressed (the JSON text of about 1 MB of this corpus's lines).
_PACK_LINES = 4096


def _gzip_member(text: str) -> bytes:
    """Return ``text`` as one gzip member (zlib's gzip header has no time or name: the same bytes every run)."""
    packer = zlib.compressobj(6, zlib.DEFLATED, 31)
    return packer.compress(text.encode("utf-8")) + packer.flush()


class _PartWriter:
    """Write ingest records as a :class:`ReviewPart`: CSV rows and one gzip member of record lines per document.

    ``outs`` are binary files for :data:`PART_KEYS`, written from where they stand; a
    :class:`SkippedDocument` cuts them back to where its document began.
    """

    def __init__(self, outs: dict, max_candidates: int, keep_overflow: bool):
        self.outs = outs
        self.texts = {k: io.TextIOWrapper(outs[k], encoding="utf-8", newline="") for k in ("csv", "mentions")}
        self.part = ReviewPart()
        self.max_candidates = max_candidates
        self.keep_overflow = keep_overflow  # a lone writer (one process) has no earlier part to count them for
        self.candidates: dict[str, list] = {}
        self.lines: list[str] = []  # record lines of the document being read, not yet compressed
        self.packer = None

    def _mark(self) -> dict[str, int]:
        for text in self.texts.values():
            text.flush()
        return {k: fh.tell() for k, fh in self.outs.items()}

    def _rewind(self, marks: dict[str, int]) -> None:
        for text in self.texts.values():
            text.flush()
        for k, fh in self.outs.items():
            fh.seek(marks[k])
            fh.truncate()
        self.lines.clear()
        self.packer = None

    def _pack(self, end: bool = False) -> None:
        """Compress the pending record lines; ``end`` closes the document's gzip member."""
        if self.lines:
            if self.packer is None:
                self.packer = zlib.compressobj(6, zlib.DEFLATED, 31)
            self.outs["record"].write(self.packer.compress("".join(self.lines).encode("utf-8")))
            self.lines.clear()
        if end and self.packer is not None:
            self.outs["record"].write(self.packer.flush())
            self.packer = None

    def feed(self, records: Iterable) -> ReviewPart:
        """Write every record; return the part (counts, documents, skipped inputs, candidates)."""
        part, candidates, write = self.part, self.candidates, self.lines.append
        fw, mw = SpreadsheetWriter(self.texts["csv"]), SpreadsheetWriter(self.texts["mentions"])
        marks, counts, doc_candidates, overflow_mark = self._mark(), (0, 0), [], 0
        at = [None, None]  # the doc and the quote's span last written to the record
        for rec in records:
            if isinstance(rec, ReviewRow):
                _write_row(rec, fw, write, at)
                part.rows += 1
            elif isinstance(rec, PlaceMention):
                mw.writerow([rec.doc, rec.line, rec.start, rec.end, rec.text, _ids(rec.feature_ids)])
                _record_doc(rec.doc, write, at)
                write(_line("mention", rec.line, rec.start, rec.end, rec.text, rec.feature_ids))
                part.mentions += 1
            elif isinstance(rec, DocumentSummary):
                write(_line("summary", asdict(rec)))
                self._pack(end=True)
                part.documents.append(rec)
                marks, counts, doc_candidates = self._mark(), (part.rows, part.mentions), []
                overflow_mark = len(part.overflow)
                at[:] = [None, None]
            elif isinstance(rec, SkippedDocument):
                part.skipped.append(rec)
                self._rewind(marks)
                part.rows, part.mentions = counts
                del part.overflow[overflow_mark:]
                at[:] = [None, None]
                for name in doc_candidates:
                    candidates[name][1] -= 1
                    if not candidates[name][1]:
                        del candidates[name]
                doc_candidates = []
            elif isinstance(rec, tuple):
                start, end, name, doc_name, text = rec
                if name in candidates:
                    candidates[name][1] += 1
                elif len(candidates) < self.max_candidates:
                    candidates[name] = [name, 1, doc_name, start, end, text]
                else:
                    if self.keep_overflow:
                        part.overflow.append(name)
                    continue
                doc_candidates.append(name)
            if len(self.lines) >= _PACK_LINES:
                self._pack()
        self._pack(end=True)
        for text in self.texts.values():
            text.flush()
            text.detach()  # the binary files stay open for the caller
        part.candidates = list(candidates.values())
        return part


def review_part(records: Iterable, outs: dict, max_candidates: int = MAX_CANDIDATES) -> ReviewPart:
    """Write the records of some documents as their share of the review files to the binary files ``outs``.

    ``outs`` maps each of :data:`PART_KEYS` to a binary file (a temp file, or :class:`io.BytesIO`); the caller
    sets ``files`` or ``data`` of the part it returns and hands it to :func:`write_review_parts`.
    """
    return _PartWriter(outs, max_candidates, keep_overflow=True).feed(records)


class _Assembly:
    """The review files being put together from parts, in scratch files, until every part is in."""

    def __init__(self, out: str | os.PathLike[str], max_candidates: int):
        self.result = ReviewResult(review_paths(out))
        self.max_candidates = max_candidates
        self.candidates: dict[str, list] = {}
        self.scratch = {k: tempfile.TemporaryFile() for k in PART_KEYS}

    def add(self, part: ReviewPart) -> None:
        """Count a part and append its bytes (its temp files are removed)."""
        result, candidates = self.result, self.candidates
        result.rows += part.rows
        result.mentions += part.mentions
        result.documents.extend(part.documents)
        result.skipped.extend(part.skipped)
        for name, count, *first in part.candidates:
            if name in candidates:
                candidates[name][1] += count
            elif len(candidates) < self.max_candidates:
                candidates[name] = [name, count, *first]
        for name in part.overflow:
            if name in candidates:
                candidates[name][1] += 1
        for key, path in (part.files or {}).items():
            with open(path, "rb") as fh:
                shutil.copyfileobj(fh, self.scratch[key], 1 << 20)
            os.unlink(path)
        for key, blob in (part.data or {}).items():
            self.scratch[key].write(blob if key == "record" else zlib.decompress(blob))

    def _chunks(self, key: str) -> Iterable[bytes]:
        fh = self.scratch[key]
        fh.flush()
        fh.seek(0)
        yield from iter(lambda: fh.read(1 << 20), b"")

    def write(self) -> ReviewResult:
        """Write the four files together (:func:`jmgeo._files.staged_outputs`); nothing when no input was read."""
        result = self.result
        if result.skipped and not result.documents:
            raise DataError(
                "ingest",
                None,
                "no input could be read, nothing written: " + "; ".join(s.reason for s in result.skipped),
            )
        ranked = sorted(self.candidates.values(), key=lambda c: (-c[1], c[0]))
        result.candidates = len(ranked)
        cand_text = io.StringIO(newline="")
        SpreadsheetWriter(cand_text).writerows([CANDIDATE_COLUMNS, *ranked])
        bom = codecs.BOM_UTF8  # the CSV files start with a BOM, so spreadsheets read them as UTF-8
        header = {"generator": "jmgeo ingest", "format": RECORD_FORMAT, "lines": RECORD_LINES}
        tail = [_line("skipped", asdict(s)) for s in result.skipped] + [_line("candidate", *c) for c in ranked]
        paths = result.paths
        with staged_outputs() as stage:
            stage.write_stream(paths["csv"], itertools.chain([bom, _csv_line(REVIEW_COLUMNS)], self._chunks("csv")))
            stage.write_stream(
                paths["record"],
                itertools.chain(
                    [_gzip_member(json.dumps(header, ensure_ascii=False) + "\n")],
                    self._chunks("record"),
                    [_gzip_member("".join(tail))],
                ),
            )
            stage.write_stream(
                paths["mentions"], itertools.chain([bom, _csv_line(MENTION_COLUMNS)], self._chunks("mentions"))
            )
            stage.write(paths["candidates"], bom + cand_text.getvalue().encode("utf-8"))
        return result

    def close(self) -> None:
        for fh in self.scratch.values():
            fh.close()


def _csv_line(cells: list) -> bytes:
    text = io.StringIO(newline="")
    SpreadsheetWriter(text).writerow(cells)
    return text.getvalue().encode("utf-8")


def write_review(records: Iterable, out: str | os.PathLike[str], max_candidates: int = MAX_CANDIDATES) -> ReviewResult:
    """Stream ingest records into the review files; replace them only when every record was read.

    The CSV files are UTF-8 with a byte-order mark so spreadsheet programs show the
    Chinese text; the full record (``review.jsonl.gz``, :data:`RECORD_LINES`, read back by
    :func:`read_record`) holds the documents, the review rows, the mentions, the skipped
    inputs and the candidates, each quote once, one gzip member per document. Candidates are
    counted by name (at most ``max_candidates`` distinct names are kept). A cell a spreadsheet
    would read as a formula is written as text (:mod:`jmgeo._cells`); :func:`read_review` undoes that.

    The rows go to scratch files as they come and are streamed from there into the four
    files, written together by :func:`jmgeo._files.staged_outputs`, so memory does not
    grow with the documents. A :class:`SkippedDocument` drops every record of its document
    (the scratch files are cut back to where the document began) and is listed in
    ``skipped``. When documents were given but every one was skipped, nothing is written:
    :class:`~jmgeo._errors.DataError` names each file and its reason. The same bytes come
    out of :func:`write_review_parts` given the documents' parts made elsewhere (workers).
    """
    assembly = _Assembly(out, max_candidates)
    try:
        assembly.add(_PartWriter(assembly.scratch, max_candidates, keep_overflow=False).feed(records))
        return assembly.write()
    finally:
        assembly.close()


def write_review_parts(
    parts: Iterable[ReviewPart], out: str | os.PathLike[str], max_candidates: int = MAX_CANDIDATES
) -> ReviewResult:
    """Write the review files from parts made by :func:`review_part` (in workers), in the order given.

    The parent only appends each part's bytes and adds up its counts and candidates, so the files are
    the same, byte for byte, as :func:`write_review` over the same documents' records in one process.
    """
    assembly = _Assembly(out, max_candidates)
    try:
        for part in parts:
            assembly.add(part)
        return assembly.write()
    finally:
        assembly.close()


def _split_ids(text: str) -> list[str]:
    """Return the feature ids of a CSV cell, separated by spaces, commas, bars or semicolons."""
    return [t for t in text.replace(",", " ").replace("|", " ").replace(";", " ").split() if t]


def _opt_float(text, path, where, key):
    """Return a CSV cell as a finite float, None when empty; raise DataError naming the file and line otherwise."""
    if text in (None, ""):
        return None
    try:
        v = float(text)
    except (TypeError, ValueError):
        raise DataError(str(path), where, f"{key} {text!r} is not a number") from None
    if not math.isfinite(v):
        raise DataError(str(path), where, f"{key} {text!r} is not a finite number")
    return v


def read_review(path: str | os.PathLike[str]) -> list[dict]:
    """Read a review table (the CSV or the full record ``.jsonl.gz`` written by :func:`write_review`, or a
    ``.json`` of an earlier version) into row dicts.

    Each dict has ``_where`` (``line N`` of a CSV, ``facts[i]`` of a record or JSON) for messages.

    Raises
    ------
    DataError
        Naming the file and line when a required column is missing or a value is malformed.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(str(path), None, "no such review file")
    rows: list[dict] = []
    if path.name.lower().endswith((".jsonl.gz", ".jsonl")):
        items = read_record(path)["facts"]
        return [{**item, "accept": "", "_where": f"facts[{i}]"} for i, item in enumerate(items)]
    if path.suffix.lower() == ".json":
        data = read_json(path)
        items = data.get("facts") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise DataError(str(path), None, 'expected {"facts": [...]} as written by jmgeo ingest')
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                raise DataError(str(path), f"facts[{i}]", "each row must be an object")
            rows.append({**item, "accept": str(item.get("accept", "") or ""), "_where": f"facts[{i}]"})
        return rows
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(str(path), f"byte {exc.start}", "not UTF-8; save the review table as UTF-8 CSV") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [
        c
        for c in ("accept", "doc", "quote", "number_text", "value", "unit", "feature_ids")
        if c not in (reader.fieldnames or [])
    ]
    if missing:
        raise DataError(
            str(path), "line 1", f"missing column(s) {missing}; expected the header written by jmgeo ingest"
        )
    for cells in reader:
        where = f"line {reader.line_num}"
        rec = {key: from_spreadsheet(value) if isinstance(value, str) else value for key, value in cells.items()}
        row = dict(rec)
        row["_where"] = where
        row["feature_ids"] = _split_ids(rec.get("feature_ids") or "")
        row["value"] = _opt_float(rec.get("value"), path, where, "value")
        year = rec.get("year") or ""
        try:
            row["year"] = int(year) if year.strip() else None
        except ValueError:
            raise DataError(str(path), where, f"year {year!r} is not a whole number") from None
        row["qualifier"] = (rec.get("qualifier") or "").strip() or None
        row["number_text"] = (rec.get("number_text") or "").strip() or None
        rows.append(row)
    return rows
