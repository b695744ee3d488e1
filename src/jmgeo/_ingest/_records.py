"""The records ``jmgeo ingest`` yields for each document, and the review files are written from.

A place mention, an amount paired with its place and year (a review row), and a
summary of the document. Candidate place names travel as plain tuples
``(start, end, name, doc, quote)``. Offsets are character offsets into the document's
normalised text (:func:`jmgeo._documents.normalize_text`).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DocumentSummary", "PlaceMention", "ReviewRow", "SkippedDocument"]


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


@dataclass(frozen=True)
class SkippedDocument:
    """An input that could not be read, and why; whatever it had yielded before the problem is dropped."""

    doc: str
    path: str | None
    reason: str
