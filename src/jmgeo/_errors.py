"""Named errors. Every data error names the file and the record (line, key or feature)."""

from __future__ import annotations

__all__ = ["ArgumentError", "DataError", "FontMissingError", "JmgeoError", "RepairWarning", "ValidationError"]


class JmgeoError(Exception):
    """Base class for jmgeo's own errors: each is a user's mistake, said in one message.

    Examples
    --------
    >>> import jmgeo
    >>> try:
    ...     jmgeo.make_map(page="nope")
    ... except jmgeo.JmgeoError as exc:
    ...     print(exc)
    unknown page 'nope'; pages are jiangmen, logistics, industry, heritage, districts, story
    """


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

    Examples
    --------
    >>> str(DataError("geodata/places/logistics_hubs.json", "line 7 (gaosha_port)", 'missing "source"'))
    'geodata/places/logistics_hubs.json line 7 (gaosha_port): missing "source"'
    """

    def __init__(self, file: str, record: str | None, message: str):
        self.file = str(file)
        self.record = record
        self.message = message
        where = f"{self.file} {record}" if record else self.file
        super().__init__(f"{where}: {message}")


class ValidationError(JmgeoError):
    """Several data problems, gathered so a user sees all of them at once.

    Examples
    --------
    >>> print(ValidationError([DataError("a.json", "line 2", "bad"), DataError("b.json", None, "worse")]))
    2 problem(s) in geodata:
      - a.json line 2: bad
      - b.json: worse
    """

    def __init__(self, problems: list[DataError]):
        self.problems = list(problems)
        lines = [f"{len(self.problems)} problem(s) in geodata:"]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class FontMissingError(JmgeoError):
    """No font has the Chinese characters a figure needs (drawing would give empty boxes, "tofu").

    The message names the fonts tried and how to fix it (reinstall jmgeo, install Debian's
    ``fonts-noto-cjk``, or set ``JMGEO_CJK_FONT``).

    Examples
    --------
    >>> import jmgeo
    >>> issubclass(jmgeo.FontMissingError, jmgeo.JmgeoError)
    True
    """


class RepairWarning(UserWarning):
    """A record was used after a repair (e.g. a self-intersecting polygon); its file is unchanged.

    The message names the file and the record and says what was done and how to fix the source.
    """


class ArgumentError(JmgeoError, ValueError):
    """An argument given to jmgeo names nothing it knows or cannot be used (an unknown page, layer or basemap).

    It is a ``ValueError`` too, so code catching that keeps working.

    Examples
    --------
    >>> import jmgeo
    >>> try:
    ...     jmgeo.load_layer("rivers")
    ... except jmgeo.ArgumentError as exc:
    ...     print(str(exc)[:30])
    unknown layer 'rivers'; layers
    """
