"""Merge the rows a reviewer accepted back into ``geodata/facts/``: validated, never duplicated.

``merge_review`` adds the rows marked accepted (``accept`` = ``y``) to
``geodata/facts/<document stem>.json``: the new fact files are checked with
:func:`jmgeo.check_geodata` on a copy of ``geodata/`` first, existing facts
are never duplicated, and each file is replaced atomically
(:func:`jmgeo._files.atomic_write`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .._documents import find_documents_dir, normalize_text
from .._errors import DataError, ValidationError
from .._files import atomic_write
from .._geodata import read_geodata
from .._jsonfile import read_json
from .._loading import check_geodata
from .._numbers import QUALIFIERS, YEAR_BASES
from ._review import plain_number, read_review

__all__ = ["ACCEPT_WORDS", "MergeResult", "merge_review"]

#: What counts as accepted in the ``accept`` column (case-insensitive).
ACCEPT_WORDS = {"y", "yes", "1", "true", "x", "✓", "✔", "accept", "accepted", "ok", "是"}


def _accepted(row: dict) -> bool:
    """Return whether the reviewer accepted ``row`` (one of :data:`ACCEPT_WORDS` in ``accept``)."""
    return str(row.get("accept") or "").strip().lower() in ACCEPT_WORDS


@dataclass
class MergeResult:
    """What :func:`merge_review` did: facts added per file, duplicates skipped, files written."""

    added: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (row where, existing fact id)
    written: list[Path] = field(default_factory=list)
    accepted: int = 0


def _fact_from_row(row: dict, path: Path) -> dict:
    """Turn an accepted review row into a fact record, or raise DataError naming the file and row."""
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
        raise DataError(
            str(path), where, f"qualifier {qualifier!r} must be one of {', '.join(q for q in QUALIFIERS if q)} or empty"
        )
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
        "value": plain_number(value) if number_text else None,
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
    """Return ``documents.json`` as bytes: indented, keys in their given order, UTF-8."""
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _verify_json(tmp: Path) -> None:
    """Check that a written temp file reads back as JSON (the atomic writer's ``verify``)."""
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
    whole copy is checked with :func:`jmgeo.check_geodata`, quotes included; only
    if it passes is each file replaced atomically (``documents.json`` first, so no fact
    ever names an unknown document). On any problem nothing in ``geodata/`` changes.

    Raises
    ------
    DataError
        A malformed review row (file and line named), or documents not found.
    ValidationError
        The merged facts would not pass ``jmgeo check``; every problem is listed.
    """
    review = Path(review)
    data = read_geodata(geodata_dir)
    root = data.root
    if find_documents_dir(docs_dir) is None:
        raise DataError(
            "documents",
            None,
            "source documents not found, so quotes cannot be checked: pass --docs DIR or set JMGEO_DOCS",
        )
    rows = [r for r in read_review(review) if _accepted(r)]
    result = MergeResult(accepted=len(rows))
    if not rows:
        return result
    existing = data.fact_records
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
                {
                    "file": doc,
                    "date_basis": (
                        f"added by jmgeo ingest --merge from {review.name}; check the date and add published_year"
                    ),
                }
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
