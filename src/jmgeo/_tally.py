"""Record accounting: every run says what it read and what became of each record.

``read = written + repaired + rejected`` must hold at the end of every command that
reads records (``jmgeo check``, ``jmgeo build``, and any importer): a record is either
used as it is, used after a repair (with a warning naming it), or rejected (with an
error naming it). :class:`RecordTally` keeps the four numbers and refuses to report a
tally that does not add up.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["RecordTally"]


@dataclass
class RecordTally:
    """Counts of records read, written (used unchanged), repaired and rejected, per kind.

    Parameters are filled through :meth:`count`; ``kinds`` keeps the ``read`` count per
    record kind (``places``, ``districts``, ``facts`` ...) for the summary line.

    Examples
    --------
    >>> t = RecordTally()
    >>> t.count("places", read=3, written=1, repaired=1, rejected=1)
    >>> t.count("facts", read=2, written=2)
    >>> t.summary()
    'records: 5 read (places 3, facts 2) = 3 written + 1 repaired + 1 rejected'
    >>> t.summary(written_label="valid")
    'records: 5 read (places 3, facts 2) = 3 valid + 1 repaired + 1 rejected'
    """

    read: int = 0
    written: int = 0
    repaired: int = 0
    rejected: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    #: files that could not be read at all (their records are not counted)
    unreadable: list[str] = field(default_factory=list)

    def count(self, kind: str, *, read: int, written: int = 0, repaired: int = 0, rejected: int = 0) -> None:
        """Add one batch of records of one kind; the batch itself must balance."""
        if read != written + repaired + rejected or min(read, written, repaired, rejected) < 0:
            raise ValueError(f"{kind}: {read} read != {written} written + {repaired} repaired + {rejected} rejected")
        self.read += read
        self.written += written
        self.repaired += repaired
        self.rejected += rejected
        self.kinds[kind] = self.kinds.get(kind, 0) + read

    def reject_all(self) -> RecordTally:
        """Return a copy in which nothing is written (a run that stopped: every record counts as rejected)."""
        return RecordTally(
            read=self.read,
            written=0,
            repaired=0,
            rejected=self.read,
            kinds=dict(self.kinds),
            unreadable=list(self.unreadable),
        )

    @property
    def balanced(self) -> bool:
        """True when read = written + repaired + rejected."""
        return self.read == self.written + self.repaired + self.rejected

    def summary(self, written_label: str = "written") -> str:
        """One line for the end of a run, e.g. ``records: 5 read (...) = 3 written + 1 repaired + 1 rejected``."""
        if not self.balanced:
            raise RuntimeError(f"record accounting does not balance: {self!r}")
        kinds = ", ".join(f"{k} {v}" for k, v in self.kinds.items())
        line = (
            f"records: {self.read} read{f' ({kinds})' if kinds else ''} = {self.written} {written_label} "
            f"+ {self.repaired} repaired + {self.rejected} rejected"
        )
        if self.unreadable:
            line += f"; not counted: {len(self.unreadable)} unreadable file(s): {', '.join(self.unreadable)}"
        return line
