"""Run ``jmgeo ingest``: documents in, place mentions, candidates and review rows out.

Each document is read line by line (:mod:`._readers`), joined into sentences
(:mod:`._sentences`), folded to simplified characters for matching (:mod:`._simplified`),
searched for places (:mod:`._gazetteer`) and amounts, each amount paired with its year
and place (:mod:`._pairing`); :func:`ingest` writes what comes out as the review files
(:mod:`._review`). Reading is streamed: memory does not grow with the file, except for
the window of sentence hashes used to count repeated paragraphs once, which is capped.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
import tempfile
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from tqdm import tqdm

from .._errors import ArgumentError, DataError
from .._geodata import GeoData, read_geodata
from ._gazetteer import Gazetteer, Mention, find_candidates, find_english_candidates, load_gazetteer
from ._pairing import SITE_ENDINGS, amount_rows, last_stated_year, target_year_of
from ._readers import TextSource, collect_inputs, iter_lines, open_source
from ._records import DocumentSummary, PlaceMention, ReviewRow, SkippedDocument
from ._review import PART_KEYS, ReviewPart, ReviewResult, review_part, write_review, write_review_parts
from ._sentences import Sentence, iter_sentences
from ._simplified import fold_width, to_simplified

__all__ = ["MIN_REPEAT_LEN", "LogProgress", "ingest", "iter_ingest", "iter_on_dask", "with_short_forms"]

#: Sentences shorter than this are never treated as repeats ("开放，开放，再开放。" may recur on purpose).
MIN_REPEAT_LEN = 10
#: At most this many recent sentence hashes are kept per document to count repeats once (about 2 MB);
#: past that the oldest half is forgotten, so memory stays flat on any file size. Newspapers repeat a
#: paragraph within a few pages (document 002 repeats whole paragraphs), far inside this window.
MAX_SEEN = 20_000


@dataclass
class _DocState:
    """What the reading of one document remembers from sentence to sentence."""

    doc: str
    year: int | None
    seen: dict[int, None] = field(default_factory=dict)
    last_year: int | None = None
    short_forms: dict[str, tuple[str, ...]] = field(default_factory=dict)  # 以下简称“基地”: name -> feature ids
    target_year: int | None = None  # the year the previous sentence set a target for (到2030年)
    target_lead: bool = False  # that sentence had no amount: it leads into the targets of the next one


def _document_years(data: GeoData) -> dict[str, int]:
    """``{file name: publication year}`` from ``geodata/documents.json``."""
    out = {}
    for d in data.documents:
        year = d.get("published_year")
        if year is None and d.get("published"):
            year = int(str(d["published"])[:4])
        if isinstance(year, int):
            out[d["file"]] = year
    return out


def iter_ingest(
    sources: Iterable[TextSource | SkippedDocument],
    gazetteer: Gazetteer | None = None,
    *,
    date_year: int | None = None,
    geodata_dir: str | os.PathLike[str] | GeoData | None = None,
    city_id: str | None = None,
    progress: Callable[[int], None] | None = None,
    skip_unreadable: bool = False,
) -> Iterator[ReviewRow | PlaceMention | tuple[int, int, str, str, str] | DocumentSummary | SkippedDocument]:
    """Read each source and yield review rows, place mentions, candidates and summaries.

    Yields, per document and in text order, :class:`PlaceMention` and :class:`ReviewRow`
    objects and candidate tuples ``(start, end, name, doc, quote)``, then the document's
    :class:`DocumentSummary`. A sentence that repeats an earlier one of the same
    document (≥ ``MIN_REPEAT_LEN`` characters) is counted once.

    A document that cannot be read (a bad byte after the first 64 KiB) raises
    :class:`~jmgeo._errors.DataError`; with ``skip_unreadable`` it ends with a
    :class:`SkippedDocument` instead of a summary (its earlier records are to be dropped by the
    consumer, as :func:`~jmgeo._ingest._review.write_review` does) and the next one is read.
    A :class:`SkippedDocument` among the sources (a file that could not be opened) is passed on.

    Parameters
    ----------
    sources : iterable of TextSource
        From :func:`open_source`; each is closed when read.
    gazetteer : Gazetteer, optional
        Default: :func:`~jmgeo._ingest._gazetteer.load_gazetteer` on ``geodata_dir``.
    date_year : int, optional
        The publication year of every source, for 今年/去年 and present-tense figures.
        Default: the year in ``geodata/documents.json`` for a known file name, else unknown.
    """
    data = read_geodata(geodata_dir)
    gazetteer = gazetteer or load_gazetteer(data)
    city_id = city_id or data.districts_spec["city"]["id"]
    known_years = _document_years(data)
    for src in sources:
        if isinstance(src, SkippedDocument):
            yield src
            continue
        try:
            if date_year is not None:
                year, year_from = date_year, "--date"
            elif src.name in known_years:
                year, year_from = known_years[src.name], "documents.json"
            else:
                year, year_from = None, "unknown"
            summary = DocumentSummary(src.name, str(src.path) if src.path else None, src.encoding, year, year_from)
            state = _DocState(src.name, year)
            lines = iter_lines(src, progress)
            failed: list[SkippedDocument] = []
            if skip_unreadable:
                lines = _until_unreadable(lines, src, failed)
            for sent in iter_sentences(lines):
                summary.chars = sent.start + len(sent.text)
                summary.sentences += 1
                simp = to_simplified(sent.text)
                if not summary.traditional and simp != sent.text and simp != fold_width(sent.text):
                    summary.traditional = True
                if len(simp) >= MIN_REPEAT_LEN:
                    key = hash(simp)
                    if key in state.seen:
                        summary.repeated_sentences += 1
                        continue
                    state.seen[key] = None
                    if len(state.seen) > MAX_SEEN:
                        for old in list(state.seen)[: MAX_SEEN // 2]:
                            del state.seen[old]
                rows_before = summary.rows
                yield from _sentence_records(sent, simp, gazetteer, state, summary, city_id)
                stated = last_stated_year(simp)
                if stated is not None:
                    state.last_year = stated
                state.target_year = target_year_of(simp)
                state.target_lead = state.target_year is not None and summary.rows == rows_before
            yield failed[0] if failed else summary
        finally:
            src.close()


def _until_unreadable(
    lines: Iterator[tuple[int, str]], src: TextSource, failed: list[SkippedDocument]
) -> Iterator[tuple[int, str]]:
    """Pass lines on until one cannot be decoded; then append why to ``failed`` and stop."""
    try:
        yield from lines
    except DataError as exc:
        failed.append(SkippedDocument(src.name, str(src.path) if src.path else None, str(exc)))


# A short form the text defines: 广东（江门）硅能源产业基地（以下简称“基地”）, …（下称"基地"）.
_SHORT_FORM = re.compile(r"(?:以下简称|以下称|下称|简称)[“\"「『]([^”\"」』，。、（）()]{2,10})[”\"」』]")


def with_short_forms(text: str, mentions: list[Mention], short_forms: dict[str, tuple[str, ...]]) -> list[Mention]:
    """Add the mentions of short forms defined in the document (``以下简称“基地”``) to a sentence's mentions.

    A definition right after a mention (at most two characters between: ``（``) makes the short form name the
    same features for the rest of the document; ``short_forms`` holds those defined so far and is updated.
    A short-form occurrence that overlaps a gazetteer mention is left to it.

    Examples
    --------
    >>> from jmgeo._ingest._gazetteer import load_gazetteer
    >>> gaz, forms = load_gazetteer(), {}
    >>> text = "广东（江门）硅能源产业基地（以下简称“基地”）投产，基地年产值超100亿元。"
    >>> [(m.name, m.feature_ids) for m in with_short_forms(text, gaz.find(text), forms)]
    [('广东（江门）硅能源产业基地', ('silicon_energy_industry_base',)), ('基地', ('silicon_energy_industry_base',))]
    >>> [m.start for m in with_short_forms("基地扩建。", gaz.find("基地扩建。"), forms)]
    [0]
    """
    defined = {}
    for d in _SHORT_FORM.finditer(text):
        before = [m for m in mentions if m.end <= d.start() <= m.end + 2]
        if before:
            defined[d.group(1)] = (before[-1].feature_ids, d.end())
    if not defined and not short_forms:
        return mentions
    taken = [(m.start, m.end) for m in mentions]
    extra = []
    for name, (ids, after) in [*((n, (ids, 0)) for n, ids in short_forms.items()), *defined.items()]:
        pos = text.find(name, after)
        while pos != -1:
            end = pos + len(name)
            if not any(a < end and pos < b for a, b in taken):
                extra.append(Mention(pos, end, name, ids))
                taken.append((pos, end))
            pos = text.find(name, end)
    short_forms.update({name: ids for name, (ids, _) in defined.items()})
    return sorted(mentions + extra, key=lambda m: m.start) if extra else mentions


def _sentence_records(
    sent: Sentence, simp: str, gazetteer: Gazetteer, state: _DocState, summary: DocumentSummary, city_id: str
):
    """Yield the place mentions, candidates and review rows of one sentence, in that order."""
    found = gazetteer.find(simp)
    if sent.words:  # Latin words: English names too, where no Chinese name was found
        taken = [(m.start, m.end) for m in found]
        english = [
            m for m in gazetteer.find_english(simp, sent.words) if not any(a < m.end and m.start < b for a, b in taken)
        ]
        found = sorted(found + english, key=lambda m: m.start) if english else found
    mentions = with_short_forms(simp, found, state.short_forms)
    for m in mentions:
        summary.mentions += 1
        yield PlaceMention(
            state.doc, sent.line, sent.start + m.start, sent.start + m.end, sent.text[m.start : m.end], m.feature_ids
        )
    sites = []
    candidates = find_candidates(simp, mentions, towns=gazetteer.towns)
    if sent.words:  # English names of places not in geodata (Taishan Nuclear Power Plant)
        candidates += find_english_candidates(simp, mentions, sent.words)
    for start, end, name in candidates:
        yield (sent.start + start, sent.start + end, sent.text[start:end], state.doc, sent.text)
        if name.endswith(SITE_ENDINGS):
            sites.append((start, end, sent.text[start:end]))
    for row in amount_rows(
        sent, simp, mentions, state.doc, state.year, state.last_year, city_id, state.target_year, tuple(sites),
        gazetteer.areas, state.target_lead, gazetteer.parks,
    ):  # fmt: skip
        summary.rows += 1
        yield row


class LogProgress:
    """Progress for a log (standard error is not a terminal): one line every ``interval`` seconds.

    ``ingest: 12.0 of 50.0 MiB read (24 %), 3.1 MiB/s``, flushed at once, so a log that is
    followed while the run goes shows it moving (a tqdm bar would show nothing until the end).

    Examples
    --------
    >>> import io
    >>> log = io.StringIO()
    >>> p = LogProgress(4 << 20, interval=0, stream=log, clock=iter([0, 2, 4]).__next__)
    >>> p.update(1 << 20); p.update(1 << 20); p.close()
    >>> print(log.getvalue(), end="")
    ingest: 1.0 of 4.0 MiB read (25 %), 0.5 MiB/s
    ingest: 2.0 of 4.0 MiB read (50 %), 0.5 MiB/s
    """

    #: Seconds between two lines.
    INTERVAL = 5.0

    def __init__(self, total: int | None, interval: float | None = None, stream=None, clock=None):
        self.total = total
        self.interval = self.INTERVAL if interval is None else interval
        self.stream = stream if stream is not None else sys.stderr
        self.clock = clock or time.monotonic
        self.start = self.last = self.clock()
        self.done = 0

    def update(self, n: int) -> None:
        """Count ``n`` more bytes read; write a line if ``interval`` seconds have passed since the last."""
        self.done += n
        now = self.clock()
        if now - self.last >= self.interval:
            self.last = now
            mib = self.done / (1 << 20)
            of = (
                f" of {self.total / (1 << 20):.1f} MiB read ({100 * self.done // self.total} %)"
                if self.total
                else (" MiB read")
            )
            rate = mib / (now - self.start) if now > self.start else 0.0
            print(f"ingest: {mib:.1f}{of}, {rate:.1f} MiB/s", file=self.stream, flush=True)

    def close(self) -> None:
        """Nothing to clear (a log keeps its lines)."""


def ingest(
    paths: Iterable[str | os.PathLike[str]],
    out: str | os.PathLike[str] = "review.csv",
    *,
    date_year: int | None = None,
    geodata_dir: str | os.PathLike[str] | None = None,
    stdin_name: str = "stdin.txt",
    progress: bool = True,
    workers: int | None = None,
    dask: str | None = None,
) -> ReviewResult:
    """Ingest files, folders or standard input and write the review files beside ``out``.

    Returns the :class:`~jmgeo._ingest._review.ReviewResult` (paths written, counts, a summary per
    document, the inputs skipped). An input that cannot be read (empty, binary, an unknown
    encoding, a bad byte later on) is skipped with its reason
    (:attr:`ReviewResult.skipped <jmgeo._ingest._review.ReviewResult>`: file, byte offset, why)
    and the others are written. When no input could be read,
    :class:`~jmgeo._errors.DataError` names each one and any earlier review files stay as they
    were; a path that does not exist is an error before anything is read. ``geodata/`` is only read.
    ``workers`` > 1 reads the files in that many local processes (one file per task); the review
    files are identical to a one-process run, in the same order. Standard input is read in-process.
    ``dask="local"`` reads the files on a local Dask cluster of ``workers`` processes (default: one
    per core); any other ``dask`` is the address of a running Dask scheduler whose workers see the
    same paths (:func:`iter_on_dask`); the review files are again the same, byte for byte.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> tmp = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (tmp / "a.txt").write_text("江门北站今年开行班列120列。", encoding="utf-8")
    >>> result = ingest([tmp / "a.txt"], tmp / "review.csv", date_year=2024, progress=False)
    >>> result.rows, result.mentions
    (1, 1)
    """
    files = collect_inputs(paths)
    sizes = [p.stat().st_size if p is not None else None for p in files]
    bar = None
    if progress:
        known = [s for s in sizes if s is not None]
        total = sum(known) if len(known) == len(sizes) else None
        if sys.stderr.isatty():
            bar = tqdm(
                total=total, unit="B", unit_scale=True, unit_divisor=1024, desc="ingest", file=sys.stderr, leave=False
            )
        else:  # a log: a line every few seconds, not a bar redrawn in place
            bar = LogProgress(total)

    def sources():
        for p in files:
            try:
                yield open_source(p, stdin_name if p is None else None)
            except DataError as exc:  # reported and skipped; the other inputs are still read
                yield SkippedDocument(stdin_name if p is None else p.name, None if p is None else str(p), str(exc))

    try:
        if dask is not None:
            if None in files:
                raise ArgumentError("--dask: standard input cannot be read on a cluster; give files or folders")
            parts = iter_on_dask(files, dask, workers, date_year, geodata_dir, bar.update if bar else None)
            return write_review_parts(parts, out)
        if (workers or 1) > 1 and None not in files:
            parts = _iter_in_processes(files, workers, date_year, geodata_dir, bar.update if bar else None)
            return write_review_parts(parts, out)
        records = iter_ingest(
            sources(),
            date_year=date_year,
            geodata_dir=geodata_dir,
            progress=bar.update if bar else None,
            skip_unreadable=True,
        )
        return write_review(records, out)
    finally:
        if bar is not None:
            bar.close()


def _ingest_to_part(path: str, date_year: int | None, geodata_dir) -> ReviewPart:
    """In a worker process: ingest one file and write its share of the review files to temp files.

    The worker turns its records into the files' bytes (CSV rows, a gzip member of the record), so the
    parent only appends them (:func:`~jmgeo._ingest._review.write_review_parts`) and memory stays flat.
    """
    files: dict[str, str] = {}
    outs = {}
    try:
        for key in PART_KEYS:
            fd, files[key] = tempfile.mkstemp(suffix=f".jmgeo-ingest-{key}")
            outs[key] = os.fdopen(fd, "w+b")
        part = review_part(_file_records(path, date_year, geodata_dir), outs)
    except BaseException:
        for name in files.values():
            with contextlib.suppress(OSError):
                os.unlink(name)
        raise
    finally:
        for fh in outs.values():
            fh.close()
    part.files = files
    return part


def _file_records(path: str, date_year: int | None, geodata_dir) -> Iterator:
    """One file's records, as a worker makes them: a file that cannot be opened is a skipped document."""
    try:
        sources = [open_source(path)]
    except DataError as exc:
        sources = [SkippedDocument(os.path.basename(path), path, str(exc))]
    yield from iter_ingest(sources, date_year=date_year, geodata_dir=geodata_dir, skip_unreadable=True)


def _ingest_to_bytes(path: str, date_year: int | None, geodata_dir) -> ReviewPart:
    """On a Dask worker: ingest one file; return its share of the review files as bytes.

    Bytes, not temp files, because a worker of a remote cluster shares no disk with the client; the two
    CSV parts are zlib-compressed for the way back (level 1: cheap, about a quarter of the size), the
    record part is gzip already.
    """
    outs = {key: io.BytesIO() for key in PART_KEYS}
    part = review_part(_file_records(path, date_year, geodata_dir), outs)
    part.data = {k: fh.getvalue() if k == "record" else zlib.compress(fh.getvalue(), 1) for k, fh in outs.items()}
    return part


def iter_on_dask(
    files, scheduler: str, workers: int | None, date_year, geodata_dir, progress=None
) -> Iterator[ReviewPart]:
    """Ingest files on a Dask cluster, one file per task; yield each file's :class:`ReviewPart` in input order.

    ``scheduler`` is ``"local"`` for a :class:`dask.distributed.LocalCluster` of ``workers``
    single-threaded processes (default: one per core), started here and closed at the end; else
    the address of a running scheduler (``tcp://host:8786``), whose workers must have jmgeo
    installed and see the same paths. Every file is submitted at once; the results are taken in
    the order of the inputs, so the review files are the same as from one process.

    Raises
    ------
    ArgumentError
        When Dask is not installed (the ``dask`` extra) or the scheduler cannot be reached.
    """
    try:
        from dask.distributed import Client, LocalCluster  # deferred: optional (the dask extra)
    except ImportError:
        raise ArgumentError(
            "--dask/--scheduler need Dask: pip install 'jmgeo[dask]' (dask.distributed is not installed)"
        ) from None
    with contextlib.ExitStack() as stack:
        if scheduler == "local":
            cluster = stack.enter_context(
                LocalCluster(
                    n_workers=workers or os.cpu_count() or 1,
                    threads_per_worker=1,  # the work is pure Python: one thread per process
                    processes=True,
                    dashboard_address=None,
                    silence_logs=40,  # logging.ERROR: a quiet cluster in a log
                )
            )
            client = stack.enter_context(Client(cluster))
        else:
            try:
                client = stack.enter_context(Client(scheduler, timeout=10))
            except OSError as exc:
                raise ArgumentError(f"--scheduler {scheduler}: cannot reach the Dask scheduler ({exc})") from None
        futures = [
            client.submit(
                _ingest_to_bytes, str(p), date_year, geodata_dir, pure=False, key=f"jmgeo-ingest-{i}-{p.name}"
            )
            for i, p in enumerate(files)
        ]
        try:
            for path, future in zip(files, futures, strict=True):
                part = future.result()
                future.release()
                yield part
                if progress is not None:
                    progress(path.stat().st_size)
        finally:
            client.cancel([f for f in futures if not f.done()])


def _iter_in_processes(files, workers: int, date_year, geodata_dir, progress) -> Iterator:
    """Ingest files in ``workers`` local processes, one file per task; yield each file's part in input order.

    Each worker writes its file's share of the review files to temp files (:func:`_ingest_to_part`); the
    parts are taken in the order of the inputs, so the review files are the same, byte for byte, as from
    one process.
    """
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_ingest_to_part, str(p), date_year, geodata_dir) for p in files]
        taken = 0
        try:
            for path, future in zip(files, futures, strict=True):
                part = future.result()
                taken += 1
                yield part
                if progress is not None:
                    progress(path.stat().st_size)
        finally:
            for future in futures:
                future.cancel()
            for future in futures[taken:]:  # remove the parts of files read but not taken (an error stopped the run)
                if future.done() and not future.cancelled() and future.exception() is None:
                    for name in future.result().files.values():
                        with contextlib.suppress(OSError):
                            os.unlink(name)
