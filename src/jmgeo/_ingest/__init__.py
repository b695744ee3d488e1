"""``jmgeo ingest``: read Chinese documents into a review table of amounts and places, and merge it back.

:func:`ingest` reports, for files, folders or standard input,

- every **place mention** found by the gazetteer, with the document, the character span
  and the feature ids;
- every **amount** (``1428.9亿元``, ``160多家``, ``１２３``, ``一百二十三个``, ``5-7班``) with its
  value, unit, qualifier and year, paired with the place it is about, as a review row;
- **candidates**: place-like names that the gazetteer does not know.

Spans are character offsets into the document's *normalised* text, exactly as
:func:`jmgeo._documents.normalize_text` defines it (whitespace removed, scanner-doubled
lines undone): ``normalize_text(document)[start:end] == quote``. The line number of the
raw file where the quote starts is given too. :func:`merge_review` adds the rows a
reviewer accepted to ``geodata/facts/``.

One module per job, each importing only those before it:

- ``_readers``: files, folders and standard input; encodings; decoding line by line
- ``_sentences``: lines -> sentences of normalised text, with offsets
- ``_simplified``: full-width and traditional characters folded for matching
- ``_gazetteer``: place names found in text (Aho-Corasick), unknown place-like names
- ``_amounts``: amounts in a sentence, read with the shared :mod:`jmgeo._numbers`
- ``_records``: the records ingest yields (review row, place mention, document summary)
- ``_pairing``: each amount's year and place, as a review row
- ``_review``: the review files, written atomically and read back
- ``_pipeline``: the run: documents -> records -> review files
- ``_merge``: accepted rows -> ``geodata/facts/``, validated, never duplicated
"""

from ._merge import MergeResult, merge_review
from ._pipeline import ingest
from ._records import DocumentSummary
from ._review import ReviewResult

__all__ = ["DocumentSummary", "MergeResult", "ReviewResult", "ingest", "merge_review"]
