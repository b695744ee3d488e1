"""The review table of ``jmgeo ingest``: write it, read it back, merge accepted rows, score it.

``write_review`` streams what :func:`jmgeo.ingest.iter_ingest` yields into four files
beside ``--out`` (``review.csv``): the review table as CSV and JSON, every place mention,
and the candidate places. Each is written to a temporary file in the same folder and
renamed into place only when the whole run succeeded, so an earlier review is never lost
or half-written.

``merge_review`` adds the rows a reviewer accepted (``accept`` = ``y``) to
``geodata/facts/<document stem>.json``: the new fact files are checked with
:func:`jmgeo.validate.check_geodata` on a copy of ``geodata/`` first, existing facts
are never duplicated, and each file is replaced atomically
(:func:`jmgeo.export.atomic_write`).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from ._documents import find_documents_dir, normalize_text
from ._errors import DataError, ValidationError
from ._files import atomic_write
from ._geodata import read_geodata
from .facts import QUALIFIERS, YEAR_BASES
from .ingest import DocumentSummary, PlaceMention, ReviewRow
from ._jsonfile import read_json
from .registry import find_geodata_dir

__all__ = [
    "CANDIDATE_COLUMNS",
    "MENTION_COLUMNS",
    "REVIEW_COLUMNS",
    "MergeResult",
    "ReviewResult",
    "merge_review",
    "read_review",
    "review_paths",
    "score_rows",
    "write_review",
]

#: Columns of the review table. ``accept`` is for the reviewer (y / n); ``claim_en`` may be filled in.
REVIEW_COLUMNS = [
    "accept", "confidence", "doc", "line", "start", "end", "quote", "number_start", "number_end", "number_text",
    "value", "value_max", "unit", "qualifier", "year", "year_basis", "feature_ids", "place_names", "place_scope",
    "flags", "claim_en",
]
MENTION_COLUMNS = ["doc", "line", "start", "end", "text", "feature_ids"]
CANDIDATE_COLUMNS = ["name", "count", "doc", "start", "end", "quote"]
#: What counts as accepted in the ``accept`` column (case-insensitive).
ACCEPT_WORDS = {"y", "yes", "1", "true", "x", "✓", "✔", "accept", "accepted", "ok", "是"}
MAX_CANDIDATES = 20_000


def review_paths(out: str | os.PathLike[str]) -> dict[str, Path]:
    """Return the four output paths for ``--out`` (``review.csv`` -> ``review.json`` ...)."""
    out = Path(out)
    stem = out.with_suffix("") if out.suffix.lower() in (".csv", ".json") else out
    return {
        "csv": stem.with_name(stem.name + ".csv"),
        "json": stem.with_name(stem.name + ".json"),
        "mentions": stem.with_name(stem.name + ".mentions.csv"),
        "candidates": stem.with_name(stem.name + ".candidates.csv"),
    }


def _ids(value: tuple[str, ...]) -> str:
    return " ".join(value)


_ROW_FIELDS = [f.name for f in fields(ReviewRow)]
_MENTION_FIELDS = [f.name for f in fields(PlaceMention)]


def _row_dict(row: ReviewRow) -> dict:
    # not dataclasses.asdict: it deep-copies every value and was a third of the run time
    d = {name: getattr(row, name) for name in _ROW_FIELDS}
    d["feature_ids"] = list(row.feature_ids)
    d["place_names"] = list(row.place_names)
    d["flags"] = list(row.flags)
    return d


def _num(v: float | None):
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


class _Spool:
    """A temp file beside the target, renamed over it by :meth:`commit` (fsync first)."""

    def __init__(self, target: Path, newline: str | None = None, encoding: str = "utf-8"):
        self.target = target
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        self.path = Path(name)
        self.fh = io.open(fd, "w", encoding=encoding, newline=newline)

    def finish(self) -> None:
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.fh.close()

    def commit(self) -> None:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(self.path, 0o666 & ~umask)  # mkstemp makes the file private; outputs are ordinary files
        os.replace(self.path, self.target)

    def discard(self) -> None:
        if not self.fh.closed:
            self.fh.close()
        self.path.unlink(missing_ok=True)


def write_review(records: Iterable, out: str | os.PathLike[str], max_candidates: int = MAX_CANDIDATES) -> ReviewResult:
    """Stream ingest records into the review files; rename them into place only on success.

    The CSV files are UTF-8 with a byte-order mark so spreadsheet programs show the
    Chinese text; the JSON file holds ``documents``, ``facts`` (the review rows),
    ``mentions`` and ``candidates``. Candidates are counted by name (at most
    ``max_candidates`` distinct names are kept).
    """
    paths = review_paths(out)
    result = ReviewResult(paths)
    spools: list[_Spool] = []
    facts_lines = mention_lines = None
    try:
        facts_csv = _Spool(paths["csv"], newline="", encoding="utf-8-sig")
        mentions_csv = _Spool(paths["mentions"], newline="", encoding="utf-8-sig")
        spools += [facts_csv, mentions_csv]
        # the JSON arrays are spooled as one object per line, then joined into the final file
        facts_lines = tempfile.TemporaryFile("w+", encoding="utf-8")
        mention_lines = tempfile.TemporaryFile("w+", encoding="utf-8")
        fw = csv.writer(facts_csv.fh)
        fw.writerow(REVIEW_COLUMNS)
        mw = csv.writer(mentions_csv.fh)
        mw.writerow(MENTION_COLUMNS)
        candidates: dict[str, list] = {}
        for rec in records:
            if isinstance(rec, ReviewRow):
                d = _row_dict(rec)
                fw.writerow(
                    ["", rec.confidence, rec.doc, rec.line, rec.start, rec.end, rec.quote, rec.number_start,
                     rec.number_end, rec.number_text, _num(rec.value), _num(rec.value_max), rec.unit,
                     rec.qualifier or "", "" if rec.year is None else rec.year, rec.year_basis, _ids(rec.feature_ids),
                     " ".join(rec.place_names), rec.place_scope, " ".join(rec.flags), ""]
                )
                facts_lines.write(json.dumps(d, ensure_ascii=False) + "\n")
                result.rows += 1
            elif isinstance(rec, PlaceMention):
                mw.writerow([rec.doc, rec.line, rec.start, rec.end, rec.text, _ids(rec.feature_ids)])
                m = {name: getattr(rec, name) for name in _MENTION_FIELDS}
                m["feature_ids"] = list(rec.feature_ids)
                mention_lines.write(json.dumps(m, ensure_ascii=False) + "\n")
                result.mentions += 1
            elif isinstance(rec, DocumentSummary):
                result.documents.append(rec)
            elif isinstance(rec, tuple):
                start, end, name, doc, quote = rec
                if name in candidates:
                    candidates[name][1] += 1
                elif len(candidates) < max_candidates:
                    candidates[name] = [name, 1, doc, start, end, quote]
        cand_csv = _Spool(paths["candidates"], newline="", encoding="utf-8-sig")
        spools.append(cand_csv)
        cw = csv.writer(cand_csv.fh)
        cw.writerow(CANDIDATE_COLUMNS)
        ranked = sorted(candidates.values(), key=lambda c: (-c[1], c[0]))
        cw.writerows(ranked)
        result.candidates = len(ranked)
        js = _Spool(paths["json"])
        spools.append(js)
        js.fh.write('{\n"generator": "jmgeo ingest",\n"documents": ')
        js.fh.write(json.dumps([asdict(d) for d in result.documents], ensure_ascii=False))
        for key, spool in (("facts", facts_lines), ("mentions", mention_lines)):
            js.fh.write(f',\n"{key}": [\n')
            spool.seek(0)
            first = True
            for line in spool:
                js.fh.write(("" if first else ",\n") + line.rstrip("\n"))
                first = False
            js.fh.write("\n]")
            spool.close()
        js.fh.write(',\n"candidates": ')
        js.fh.write(json.dumps([dict(zip(CANDIDATE_COLUMNS, c)) for c in ranked], ensure_ascii=False))
        js.fh.write("\n}\n")
        for s in spools:
            s.finish()
        for s in spools:
            s.commit()
    except BaseException:
        for s in spools:
            s.discard()
        raise
    finally:
        for spool in (facts_lines, mention_lines):
            if spool is not None and not spool.closed:
                spool.close()
    return result


# --------------------------------------------------------------------------- reading a review


def _split_ids(text: str) -> list[str]:
    return [t for t in text.replace(",", " ").replace("|", " ").replace(";", " ").split() if t]


def _opt_float(text, path, where, key):
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
    """Read a review table (CSV or JSON, as written by :func:`write_review`) into row dicts.

    Each dict has ``_where`` (``line N`` of a CSV, ``facts[i]`` of a JSON) for messages.

    Raises
    ------
    DataError
        Naming the file and line when a required column is missing or a value is malformed.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(str(path), None, "no such review file")
    rows: list[dict] = []
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
    missing = [c for c in ("accept", "doc", "quote", "number_text", "value", "unit", "feature_ids") if c not in (reader.fieldnames or [])]
    if missing:
        raise DataError(str(path), "line 1", f"missing column(s) {missing}; expected the header written by jmgeo ingest")
    for rec in reader:
        where = f"line {reader.line_num}"
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


def _accepted(row: dict) -> bool:
    return str(row.get("accept") or "").strip().lower() in ACCEPT_WORDS


# --------------------------------------------------------------------------- merging


@dataclass
class MergeResult:
    """What :func:`merge_review` did: facts added per file, duplicates skipped, files written."""

    added: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (row where, existing fact id)
    written: list[Path] = field(default_factory=list)
    accepted: int = 0


def _fact_from_row(row: dict, path: Path) -> dict:
    where = row["_where"]
    doc = (row.get("doc") or "").strip()
    quote = (row.get("quote") or "").strip()
    if not doc or not quote:
        raise DataError(str(path), where, "an accepted row needs doc and quote")
    if "/" in doc or "\\" in doc or doc.startswith("."):
        raise DataError(str(path), where, f'doc "{doc}" must be a plain file name')
    if not row.get("feature_ids"):
        raise DataError(str(path), where, "an accepted row needs feature_ids (jiangmen for the city)")
    qualifier = row.get("qualifier")
    if qualifier not in QUALIFIERS:
        raise DataError(str(path), where, f"qualifier {qualifier!r} must be one of {', '.join(q for q in QUALIFIERS if q)} or empty")
    year = row.get("year")
    basis = (row.get("year_basis") or "").strip() or ("unknown" if year is None else "stated")
    if basis not in YEAR_BASES:
        raise DataError(str(path), where, f"year_basis {basis!r} must be one of {', '.join(YEAR_BASES)}")
    number_text = row.get("number_text")
    value = row.get("value")
    key = hashlib.sha1(f"{doc}\n{normalize_text(quote)}\n{number_text}".encode()).hexdigest()[:10]
    return {
        "claim_en": (row.get("claim_en") or "").strip() or None,
        "conflicts_with": [],
        "feature_ids": list(row["feature_ids"]),
        "id": f"d{doc[:3]}_ingest_{key}",
        "number_text": number_text,
        "qualifier": qualifier,
        "quote": quote,
        "unit": (row.get("unit") or None) if number_text else None,
        "value": _num(value) if number_text else None,
        "year": year,
        "year_basis": basis,
    }


def _same_fact(new: dict, old: dict) -> bool:
    """Same document and number, and one quote contains the other (after normalisation)."""
    if new["id"] == old.get("id"):
        return True
    if normalize_text(new["number_text"] or "") != normalize_text(old.get("number_text") or ""):
        return False
    a, b = normalize_text(new["quote"]), normalize_text(old.get("quote") or "")
    return bool(a and b) and (a in b or b in a)


def _dump(data) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _verify_json(tmp: Path) -> None:
    read_json(tmp)


def merge_review(
    review: str | os.PathLike[str],
    geodata_dir: str | os.PathLike[str] | None = None,
    docs_dir: str | os.PathLike[str] | None = None,
    dry_run: bool = False,
) -> MergeResult:
    """Add the accepted rows of a review table to ``geodata/facts/``, validated, never duplicated.

    A row duplicates an existing fact when it cites the same document and number text
    and one quote contains the other (the hand-curated quotes are shorter excerpts of
    the sentences ingest quotes); such rows are skipped and reported. A document not
    yet in ``geodata/documents.json`` is added to it (its file must be in the documents
    folder, so its quotes can be checked).

    The changed files are first written into a temporary copy of ``geodata/`` and the
    whole copy is checked with :func:`jmgeo.validate.check_geodata`, quotes included; only
    if it passes is each file replaced atomically (``documents.json`` first, so no fact
    ever names an unknown document). On any problem nothing in ``geodata/`` changes.

    Raises
    ------
    DataError
        A malformed review row (file and line named), or documents not found.
    ValidationError
        The merged facts would not pass ``jmgeo check``; every problem is listed.
    """
    from ._loading import check_geodata

    review = Path(review)
    root = find_geodata_dir(geodata_dir)
    if find_documents_dir(docs_dir) is None:
        raise DataError("documents", None, "source documents not found, so quotes cannot be checked: pass --docs DIR or set JMGEO_DOCS")
    rows = [r for r in read_review(review) if _accepted(r)]
    result = MergeResult(accepted=len(rows))
    if not rows:
        return result
    existing = read_geodata(root).fact_records
    new_by_doc: dict[str, list[dict]] = {}
    for row in rows:
        fact = _fact_from_row(row, review)
        pool = [f for f in existing if f["doc"] == row["doc"]] + new_by_doc.get(row["doc"], [])
        dup = next((f for f in pool if _same_fact(fact, f)), None)
        if dup is not None:
            result.duplicates.append((row["_where"], dup["id"]))
            continue
        new_by_doc.setdefault(row["doc"].strip(), []).append(fact)
    if not new_by_doc:
        return result
    docs_path = root / "documents.json"
    documents = read_json(docs_path)
    changes: dict[Path, bytes] = {}
    known = {d["file"] for d in documents["documents"]}
    added_docs = [doc for doc in new_by_doc if doc not in known]
    if added_docs:
        for doc in added_docs:
            documents["documents"].append(
                {"file": doc, "date_basis": f"added by jmgeo ingest --merge from {review.name}; check the date and add published_year"}
            )
        changes[docs_path] = _dump(documents)
    for doc, facts in new_by_doc.items():
        path = root / "facts" / f"{Path(doc).stem}.json"
        data = read_json(path) if path.exists() else {"doc": doc, "facts": []}
        if data.get("doc") != doc:
            raise DataError(str(path), None, f'holds facts of "{data.get("doc")}", not "{doc}"')
        data["facts"] = data["facts"] + facts
        changes[path] = (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")
        result.added += [f["id"] for f in facts]
    with tempfile.TemporaryDirectory(prefix="jmgeo-merge-") as tmp:
        staged = Path(tmp) / "geodata"
        shutil.copytree(root, staged)
        for path, data in changes.items():
            (staged / path.relative_to(root)).parent.mkdir(parents=True, exist_ok=True)
            (staged / path.relative_to(root)).write_bytes(data)
        report = check_geodata(staged, docs_dir)
        if report.problems:
            raise ValidationError(
                [DataError(p.file.replace(str(staged), str(root)), p.record, p.message) for p in report.problems]
            )
    if dry_run:
        return result
    for path in sorted(changes, key=lambda p: p != docs_path):  # documents.json first
        atomic_write(path, changes[path], verify=_verify_json)
        result.written.append(path)
    return result


# --------------------------------------------------------------------------- scoring


def score_rows(rows: list[ReviewRow], facts: list[dict], normalized: dict[str, str]) -> dict:
    """Precision and recall of review rows against hand-curated facts with a number.

    A row matches a fact when it is in the same document, its number text equals the
    fact's (after normalisation) and its number lies inside an occurrence of the fact's
    quote in the normalised document. Precision counts rows that match some fact; recall
    counts facts matched by some row. For matched pairs, the agreement of feature ids
    (exact set, or any overlap), year and qualifier is reported too.

    ``normalized`` maps document file names to their normalised text.
    """
    facts = [f for f in facts if f.get("number_text") and f["doc"] in normalized]
    by_key: dict[tuple[str, str], list[int]] = {}
    for i, r in enumerate(rows):
        by_key.setdefault((r.doc, normalize_text(r.number_text)), []).append(i)
    matched_rows: set[int] = set()
    pairs: dict[int, int] = {}
    for fi, f in enumerate(facts):
        text = normalized[f["doc"]]
        quote = normalize_text(f["quote"])
        spans = []
        i = text.find(quote)
        while i != -1 and quote:
            spans.append((i, i + len(quote)))
            i = text.find(quote, i + 1)
        for ri in by_key.get((f["doc"], normalize_text(f["number_text"])), []):
            r = rows[ri]
            if any(s <= r.number_start and r.number_end <= e for s, e in spans):
                matched_rows.add(ri)
                pairs.setdefault(fi, ri)
    n = len(pairs) or 1
    return {
        "rows": len(rows),
        "facts": len(facts),
        "matched_rows": len(matched_rows),
        "matched_facts": len(pairs),
        "precision": len(matched_rows) / len(rows) if rows else 0.0,
        "recall": len(pairs) / len(facts) if facts else 0.0,
        "features_exact": sum(set(rows[r].feature_ids) == set(facts[f]["feature_ids"]) for f, r in pairs.items()) / n,
        "features_overlap": sum(bool(set(rows[r].feature_ids) & set(facts[f]["feature_ids"])) for f, r in pairs.items()) / n,
        "year": sum(rows[r].year == facts[f]["year"] for f, r in pairs.items()) / n,
        "qualifier": sum(rows[r].qualifier == facts[f]["qualifier"] for f, r in pairs.items()) / n,
        "value_unit": sum(
            math.isclose(rows[r].value, facts[f]["value"], abs_tol=1e-4) and rows[r].unit == facts[f]["unit"] for f, r in pairs.items()
        ) / n,
    }

