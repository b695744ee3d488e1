"""CSV cells that a spreadsheet opens as text, never as a formula; and back.

A cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) is read by
Excel, LibreOffice and Google Sheets as a formula, which can run commands or leak data
(OWASP, "CSV Injection"). Such a cell is written with a leading apostrophe, which
spreadsheets show as text; plain numbers (``-5.5``) are left as they are. The reader of a
file jmgeo wrote takes the apostrophe off again, so nothing changes in the round trip.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable

__all__ = ["SpreadsheetWriter", "from_spreadsheet", "to_spreadsheet"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_RISKY_FIRST = frozenset(["'", *_FORMULA_START])
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def to_spreadsheet(value: object) -> object:
    """A cell value that a spreadsheet cannot read as a formula (text gets a leading ``'`` when it must).

    Examples
    --------
    >>> to_spreadsheet('=HYPERLINK("http://x")'), to_spreadsheet("@SUM(A1)"), to_spreadsheet("-5.5")
    ('\\'=HYPERLINK("http://x")', "'@SUM(A1)", '-5.5')
    >>> to_spreadsheet("'quoted"), to_spreadsheet(3)
    ("''quoted", 3)
    """
    if not isinstance(value, str) or value[:1] not in _RISKY_FIRST:  # most cells: one set look-up
        return value
    if value.startswith("'") or (value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value)):
        return "'" + value
    return value


def from_spreadsheet(text: str) -> str:
    """Undo :func:`to_spreadsheet` for a cell read back from a file jmgeo wrote.

    Examples
    --------
    >>> all(from_spreadsheet(to_spreadsheet(t)) == t for t in ["=1+1", "@SUM(A1)", "'x", "-5.5", "高沙港"])
    True
    """
    return text[1:] if text.startswith("'") else text


class SpreadsheetWriter:
    """A ``csv.writer`` whose every cell goes through :func:`to_spreadsheet`: use it for every CSV jmgeo writes."""

    def __init__(self, fh, **fmtparams):
        self._writer = csv.writer(fh, **fmtparams)

    def writerow(self, row: Iterable) -> None:
        self._writer.writerow([to_spreadsheet(value) for value in row])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)
