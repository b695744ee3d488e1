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
    "ReviewResult",
    "plain_number",
    "read_record",
    "read_review",
    "review_paths",
    "write_review",
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


class _Scratch:
    """An anonymous temp file that text is spooled to, then read back whole as UTF-8 bytes.

    It keeps the rows out of memory while the documents are read; it is never renamed
    into place (the outputs are written by :func:`jmgeo._files.staged_outputs`).
    """

    def __init__(self):
        self.fh = io.TextIOWrapper(tempfile.TemporaryFile(), encoding="utf-8", newline="")

    def lines(self) -> Iterable[str]:
        """Yield the lines written so far, from the start."""
        self.fh.seek(0)
        yield from self.fh

    def chunks(self) -> Iterable[bytes]:
        """Yield everything written so far, as UTF-8 bytes, 1 MiB at a time."""
        self.fh.flush()
        self.fh.buffer.seek(0)
        yield from iter(lambda: self.fh.buffer.read(1 << 20), b"")

    def mark(self) -> int:
        """Return the position after everything written so far, for :meth:`rewind`."""
        self.fh.flush()
        return self.fh.buffer.tell()

    def rewind(self, position: int) -> None:
        """Drop everything written after ``position`` (from :meth:`mark`)."""
        self.fh.flush()
        self.fh.buffer.seek(position)
        self.fh.buffer.truncate()

    def close(self) -> None:
        """Close and so delete the file."""
        self.fh.close()


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


def _line(*items) -> str:
    """Return one line of the full record: a compact JSON array and a newline."""
    return json.dumps(items, ensure_ascii=False, separators=(",", ":")) + "\n"


def _record_chunks(result: ReviewResult, record: _Scratch, candidates: list[list]) -> Iterable[bytes]:
    """Yield the full record, gzip-compressed: a header, the spooled lines, the skipped inputs and the candidates.

    zlib's gzip header carries no time or name, so the same run gives the same bytes.
    """
    packer = zlib.compressobj(6, zlib.DEFLATED, 31)
    header = {"generator": "jmgeo ingest", "format": RECORD_FORMAT, "lines": RECORD_LINES}
    yield packer.compress((json.dumps(header, ensure_ascii=False) + "\n").encode("utf-8"))
    for chunk in record.chunks():
        yield packer.compress(chunk)
    tail = [_line("skipped", asdict(s)) for s in result.skipped] + [_line("candidate", *c) for c in candidates]
    yield packer.compress("".join(tail).encode("utf-8"))
    yield packer.flush()


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


def write_review(records: Iterable, out: str | os.PathLike[str], max_candidates: int = MAX_CANDIDATES) -> ReviewResult:
    """Stream ingest records into the review files; replace them only when every record was read.

    The CSV files are UTF-8 with a byte-order mark so spreadsheet programs show the
    Chinese text; the full record (``review.jsonl.gz``, :data:`RECORD_LINES`, read back by
    :func:`read_record`) holds the documents, the review rows, the mentions, the skipped
    inputs and the candidates, each quote once. Candidates are counted by name (at most
    ``max_candidates`` distinct names are kept). A cell a spreadsheet would read as a
    formula is written as text (:mod:`jmgeo._cells`); :func:`read_review` undoes that.

    The rows go to scratch files as they come and are streamed from there into the four
    files, written together by :func:`jmgeo._files.staged_outputs`, so memory does not
    grow with the documents. A :class:`SkippedDocument` drops every record of its document
    (the scratch files are cut back to where the document began) and is listed in
    ``skipped``. When documents were given but every one was skipped, nothing is written:
    :class:`~jmgeo._errors.DataError` names each file and its reason.
    """
    paths = review_paths(out)
    result = ReviewResult(paths)
    facts_csv, mentions_csv, record = scratches = [_Scratch() for _ in range(3)]
    try:
        fw = SpreadsheetWriter(facts_csv.fh)
        fw.writerow(REVIEW_COLUMNS)
        mw = SpreadsheetWriter(mentions_csv.fh)
        mw.writerow(MENTION_COLUMNS)
        write = record.fh.write
        candidates: dict[str, list] = {}
        doc_candidates: list[str] = []  # names counted for the document being read, to undo if it is skipped
        marks = [s.mark() for s in scratches]
        counts = (0, 0)
        at = [None, None]  # the doc and the quote's span last written to the record
        for rec in records:
            if isinstance(rec, ReviewRow):
                _write_row(rec, fw, write, at)
                result.rows += 1
            elif isinstance(rec, PlaceMention):
                mw.writerow([rec.doc, rec.line, rec.start, rec.end, rec.text, _ids(rec.feature_ids)])
                _record_doc(rec.doc, write, at)
                write(_line("mention", rec.line, rec.start, rec.end, rec.text, rec.feature_ids))
                result.mentions += 1
            elif isinstance(rec, DocumentSummary):
                write(_line("summary", asdict(rec)))
                result.documents.append(rec)
                marks, counts, doc_candidates = [s.mark() for s in scratches], (result.rows, result.mentions), []
                at[:] = [None, None]
            elif isinstance(rec, SkippedDocument):
                result.skipped.append(rec)
                for scratch, position in zip(scratches, marks, strict=True):
                    scratch.rewind(position)
                result.rows, result.mentions = counts
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
                elif len(candidates) < max_candidates:
                    candidates[name] = [name, 1, doc_name, start, end, text]
                else:
                    continue
                doc_candidates.append(name)
        if result.skipped and not result.documents:
            raise DataError(
                "ingest",
                None,
                "no input could be read, nothing written: " + "; ".join(s.reason for s in result.skipped),
            )
        ranked = sorted(candidates.values(), key=lambda c: (-c[1], c[0]))
        result.candidates = len(ranked)
        cand_text = io.StringIO(newline="")
        cw = SpreadsheetWriter(cand_text)
        cw.writerow(CANDIDATE_COLUMNS)
        cw.writerows(ranked)
        bom = codecs.BOM_UTF8  # the CSV files start with a BOM, so spreadsheets read them as UTF-8
        with staged_outputs() as stage:
            stage.write_stream(paths["csv"], itertools.chain([bom], facts_csv.chunks()))
            stage.write_stream(paths["record"], _record_chunks(result, record, ranked))
            stage.write_stream(paths["mentions"], itertools.chain([bom], mentions_csv.chunks()))
            stage.write(paths["candidates"], bom + cand_text.getvalue().encode("utf-8"))
    finally:
        for scratch in scratches:
            scratch.close()
    return result


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
