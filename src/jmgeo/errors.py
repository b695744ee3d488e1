"""Named errors. Every data error names the file and the record (line, key or feature)."""

from __future__ import annotations

__all__ = ["DataError", "FontMissingError", "JmgeoError", "RepairWarning", "ValidationFailed"]


class JmgeoError(Exception):
    """Base class for jmgeo's own errors."""


class DataError(JmgeoError):
    """A problem in one input file, at one record.

    Parameters
    ----------
    file : str
        The file (or source) the problem is in.
    record : str or None
        The line, key, feature id or fact id, if the problem is in one record.
    message : str
        What is wrong and, where possible, how to fix it.
    """

    def __init__(self, file: str, record: str | None, message: str):
        self.file = str(file)
        self.record = record
        self.message = message
        where = f"{self.file} {record}" if record else self.file
        super().__init__(f"{where}: {message}")


class ValidationFailed(JmgeoError):
    """Several data problems, gathered so a user sees all of them at once."""

    def __init__(self, problems: list[DataError]):
        self.problems = list(problems)
        lines = [f"{len(self.problems)} problem(s) in geodata:"]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class FontMissingError(JmgeoError):
    """No font has the Chinese characters a figure needs (drawing would give empty boxes, "tofu").

    The message names the fonts tried and how to fix it (reinstall jmgeo, install Debian's
    ``fonts-noto-cjk``, or set ``JMGEO_CJK_FONT``).
    """


class RepairWarning(UserWarning):
    """A record was used after a repair (e.g. a self-intersecting polygon); its file is unchanged.

    The message names the file and the record and says what was done and how to fix the source.
    """
