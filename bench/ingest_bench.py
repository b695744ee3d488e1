"""Benchmark ``jmgeo ingest``: MB/s at 1 and 2 workers and on a local Dask cluster, memory per worker, output size.

Inputs -> output: the five source documents (``../shared/seeds`` or ``$JMGEO_DOCS``) and the labelled
documents of ``tests/ingest_corpus/`` -> ``bench/results/ingest.json`` (and a table on stdout).

The corpus is those documents repeated with variation until it reaches the target size, written as
``--files`` UTF-8 files to a temp folder (never committed). Each copy's sentences carry a copy tag
(``〔copy abc〕`` before each 。) and its digits are shifted by the copy number, so that the
repeated-paragraph shortcut of ingest does not skip the work and the numbers differ from copy to copy.

Each mode runs in a fresh Python process, so its peak memory (``ru_maxrss``) is its own:

- ``floor``: decode the files line by line and run one regular expression for numbers over every
  line: the least any Python reader of these bytes does (the floor a pure-Python ingest cannot beat);
- ``gazetteer``: only the place search of ingest (Aho-Corasick, leftmost-longest), 1 MiB at a time;
- ``naive``: one ``str.find`` loop per gazetteer name over the same chunks (the gazetteer's peer);
- ``ingest-1``, ``ingest-2``: the whole pipeline writing the review files, in 1 and 2 local processes;
- ``dask-2``: the same on a ``dask.distributed.LocalCluster`` of 2 single-threaded worker processes.

Throughput is corpus MB (bytes / 1e6) per second of wall time. Memory per worker is the peak
resident set of the largest worker process (``RUSAGE_CHILDREN`` after they ended; for one worker,
the process itself). The load average before and after each run is recorded: on a shared machine
the numbers are only as good as the load lets them be. ``--profile`` adds where the time of one
process goes, per step (py-spy samples when the ``bench`` extra is installed, else cProfile; on the first
file). Not a test: no timing is asserted anywhere.

Usage: ``.venv/bin/python bench/ingest_bench.py [--mb 50] [--files 20] [--profile] [--quiet]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MODES = ("floor", "gazetteer", "naive", "ingest-1", "ingest-2", "dask-2")


def _tag(i: int) -> str:
    letters = ""
    while True:
        i, r = divmod(i, 26)
        letters = chr(ord("a") + r) + letters
        if i == 0:
            return letters


def _texts() -> list[str]:
    """The seed documents and the labelled ones, decoded (the labelled set has Big5 and GBK files)."""
    from jmgeo._documents import find_documents_dir
    from jmgeo._ingest._readers import iter_lines, open_source

    paths = sorted(find_documents_dir().glob("*.txt")) + sorted((ROOT / "tests" / "ingest_corpus").glob("*.txt"))
    out = []
    for p in paths:
        src = open_source(p)
        out.append("\n".join(line.rstrip("\n") for _, line in iter_lines(src)) + "\n")
        src.close()
    return out


def build_corpus(folder: Path, megabytes: float, files: int = 1) -> int:
    """Write the documents, repeated with copy tags and shifted digits, as ``files`` files; return bytes."""
    texts = _texts()
    folder.mkdir(parents=True, exist_ok=True)
    per_file = int(megabytes * 1_000_000 / files)
    copy = 0
    total = 0
    for n in range(files):
        written = 0
        with open(folder / f"corpus_{n:03d}.txt", "w", encoding="utf-8") as fh:
            while written < per_file:
                for text in texts:
                    shift = str.maketrans("0123456789", "".join(str((d + copy) % 10) for d in range(10)))
                    chunk = text.translate(shift).replace("。", f"〔copy {_tag(copy)}〕。")
                    fh.write(chunk)
                    written += len(chunk.encode("utf-8"))
                copy += 1
        total += written
    return total


def naive_find(names: Iterable[str], text: str) -> list[tuple[int, str]]:
    """Find every occurrence of every name with a ``str.find`` loop per name (the baseline).

    This is what a first version would do; it finds ``江门`` inside ``江门北站`` too, and
    does one pass over the text per name. Returns ``(start, name)`` pairs sorted by start.
    """
    out = []
    for name in names:
        i = text.find(name)
        while i != -1:
            out.append((i, name))
            i = text.find(name, i + 1)
    out.sort()
    return out


def _rss_mb(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux: KiB


def _cpu_s(*who: int) -> float:
    """CPU seconds (user + system) of this process and of its ended children (the workers), or of ``who``."""
    return sum(
        r.ru_utime + r.ru_stime
        for r in map(resource.getrusage, who or (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    )


def _chunks(files: list[Path]) -> Iterable[str]:
    """The decoded text of the files, about 1 MiB at a time."""
    from jmgeo._ingest._readers import iter_lines, open_source

    for path in files:
        buf: list[str] = []
        n = 0
        src = open_source(path)
        for _, line in iter_lines(src):
            buf.append(line)
            n += len(line)
            if n >= 1 << 20:
                yield "".join(buf)
                buf, n = [], 0
        yield "".join(buf)
        src.close()


def child(mode: str, folder: Path) -> dict:
    """Run one mode over the corpus folder in this process; return timings, memory and output sizes."""
    from jmgeo._ingest._gazetteer import load_gazetteer

    files = sorted(folder.glob("*.txt"))
    size = sum(p.stat().st_size for p in files)
    gaz = load_gazetteer()
    base = _rss_mb()
    load_before = os.getloadavg()
    cpu0 = _cpu_s()
    own0 = _cpu_s(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    extra: dict = {}
    if mode.startswith(("ingest", "dask")):
        from jmgeo._ingest import ingest

        workers = int(mode.split("-")[1])
        with tempfile.TemporaryDirectory() as tmp:
            result = ingest(
                files,
                Path(tmp) / "review.csv",
                date_year=2024,
                progress=False,
                workers=workers,
                dask="local" if mode.startswith("dask") else None,
            )
            outputs = {key: p.stat().st_size for key, p in result.paths.items()}
        extra = {"workers": workers, "rows": result.rows, "mentions": result.mentions, "output_bytes": outputs}
        extra["record_vs_input"] = round(outputs["record"] / size, 3)
        extra["all_outputs_vs_input"] = round(sum(outputs.values()) / size, 3)
    elif mode == "floor":
        number = re.compile(r"[0-9０-９][0-9０-９,，.．]*")
        found = 0
        for chunk in _chunks(files):
            found += sum(1 for _ in number.finditer(chunk))
        extra = {"numbers": found}
    else:
        names = list(gaz.names)
        found = 0
        for chunk in _chunks(files):
            found += len(gaz.find(chunk)) if mode == "gazetteer" else len(naive_find(names, chunk))
        extra = {"matches": found}
    seconds = time.perf_counter() - t0
    cpu = max(_cpu_s() - cpu0, 0.01)  # (getrusage counts in hundredths of a second at best)
    own = _cpu_s(resource.RUSAGE_SELF) - own0  # with workers: the parent's share (collecting, appending, writing)
    workers = extra.get("workers", 1)
    per_worker = _rss_mb(resource.RUSAGE_CHILDREN) if workers > 1 else _rss_mb()
    return {
        "mode": mode,
        "files": len(files),
        "bytes": size,
        "seconds": round(seconds, 2),
        "mb_per_s": round(size / 1e6 / seconds, 3),
        "mb_per_s_per_worker": round(size / 1e6 / seconds / workers, 3),
        # CPU time is what the load of other processes changes least: MB per CPU second is the speed per core
        "cpu_seconds": round(cpu, 1),
        "cpu_seconds_this_process": round(own, 1),
        "mb_per_cpu_s": round(size / 1e6 / cpu, 3),
        "peak_rss_mb": round(_rss_mb(), 1),
        "peak_rss_per_worker_mb": round(per_worker, 1),
        "rss_after_imports_mb": round(base, 1),
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in os.getloadavg()],
        **extra,
    }


STARTUP = "imports and loading geodata and the gazetteer"
#: The steps of one process's ingest, each named by the code it runs (a function or module in a stack frame). A
#: sample goes to the step of the innermost frame that names one, so a step counts what it calls that no other
#: step names (the amounts inside pairing are amounts; CSV and JSON encoding inside the writer are writing).
STEPS = (
    ("read and decode lines", r"_readers\.py"),
    ("join lines into sentences, normalise (whitespace, doubled lines, table/English marks)",
     r"_sentences\.py|undouble_line"),
    ("fold to simplified characters (OpenCC t2s)", r"_simplified\.py|opencc"),
    ("amounts: pattern and number reader", r"_amounts\.py|_numbers\.py"),
    ("candidate place names", r"find_candidates|_town_start"),
    ("places: gazetteer (Aho-Corasick) and context rules", r"_gazetteer\.py|with_short_forms"),
    ("pairing: each amount's year and place", r"_pairing\.py"),
    ("write the review files (CSV rows, JSON lines, gzip)", r"_review\.py|_cells\.py|json/|csv\.py|_files\.py"),
    (STARTUP, r"importlib|load_gazetteer|read_geodata|_geodata\.py"),
    ("the per-sentence loop and its record objects", r"_pipeline\.py|_records\.py|<string>"),
)  # fmt: skip


def step_shares(stacks: Iterable[tuple[list[str], float]]) -> dict[str, float]:
    """Share of the time per :data:`STEPS` entry, from ``(frames outermost first, weight)`` pairs."""
    compiled = [(step, re.compile(pattern)) for step, pattern in STEPS]
    totals: dict[str, float] = {}
    for frames, weight in stacks:
        step = next(
            (name for frame in reversed(frames) for name, rx in compiled if rx.search(frame)), "other (Python runtime)"
        )
        totals[step] = totals.get(step, 0.0) + weight
    whole = sum(totals.values()) or 1.0
    return {k: round(v / whole, 3) for k, v in sorted(totals.items(), key=lambda kv: -kv[1])}


def _py_spy() -> str | None:
    """The py-spy sampling profiler (the ``bench`` extra), next to this Python or on the PATH."""
    here = Path(sys.executable).with_name("py-spy")
    return str(here) if here.exists() else shutil.which("py-spy")


def profile(folder: Path) -> dict:
    """Where the time of one process goes, per step (:data:`STEPS`), on the first file.

    With py-spy installed: its samples (200 a second) of a fresh process that imports jmgeo and ingests the
    file, which do not slow small calls more than large ones. Without: cProfile's own time per function, which
    charges each call its overhead (many small calls look dearer). Both also give the own time per module.
    """
    first = sorted(folder.glob("*.txt"))[0]
    spy = _py_spy()
    if spy:
        with tempfile.TemporaryDirectory() as tmp:
            raw = Path(tmp) / "stacks.txt"
            subprocess.run(
                [spy, "record", "--rate", "200", "--format", "raw", "--output", str(raw), "--",
                 sys.executable, __file__, "--child", "ingest-file", str(first)],
                capture_output=True, check=True,
            )  # fmt: skip
            stacks = []
            for line in raw.read_text(encoding="utf-8").splitlines():
                frames, _, count = line.rpartition(" ")
                stacks.append((frames.split(";"), float(count)))
        by_module: dict[str, float] = {}
        for frames, weight in stacks:
            inner = frames[-1]
            key = inner[inner.find("(") + 1 : inner.rfind(":")] if "(" in inner else inner
            by_module[key] = by_module.get(key, 0.0) + weight
        tool = f"py-spy, {sum(w for _, w in stacks):.0f} samples"
    else:
        import cProfile
        import pstats

        from jmgeo._ingest import ingest

        prof = cProfile.Profile()
        with tempfile.TemporaryDirectory() as tmp:
            prof.enable()
            ingest([first], Path(tmp) / "review.csv", date_year=2024, progress=False)
            prof.disable()
        stacks, by_module = [], {}
        for (filename, line, func), (_, _, tottime, _, _) in pstats.Stats(prof).stats.items():
            stacks.append(([f"{func} ({filename}:{line})"], tottime))
            by_module[filename] = by_module.get(filename, 0.0) + tottime
        tool = "cProfile own time"
    whole = sum(by_module.values()) or 1.0
    top = sorted(by_module.items(), key=lambda kv: -kv[1])[:15]
    steps = step_shares(stacks)
    startup = steps.pop(STARTUP, 0.0)  # once per process, not per MB: the steps are shares of the rest
    return {
        "file_bytes": first.stat().st_size,
        "tool": tool,
        "startup_share": startup,
        "steps": {k: round(v / (1 - startup), 3) for k, v in steps.items()} if startup < 1 else steps,
        "own_time_by_module": {k: round(v / whole, 3) for k, v in top},
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=50, help="corpus size in MB (default: 50)")
    parser.add_argument("--files", type=int, default=20, help="number of files it is split into (default: 20)")
    parser.add_argument("--modes", nargs="+", default=list(MODES), choices=MODES, help="what to run (default: all)")
    parser.add_argument("--profile", action="store_true", help="also profile one process, per module")
    parser.add_argument("--out", default=str(HERE / "results" / "ingest.json"), help="results file")
    parser.add_argument("--quiet", action="store_true", help="no table on stdout")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        mode, folder = args.child
        if mode == "ingest-file":  # what the profile samples: one process that imports jmgeo and ingests a file
            from jmgeo._ingest import ingest

            with tempfile.TemporaryDirectory() as tmp:
                ingest([folder], Path(tmp) / "review.csv", date_year=2024, progress=False)
            return 0
        print(json.dumps(profile(Path(folder)) if mode == "profile" else child(mode, Path(folder))))
        return 0
    runs = []
    with tempfile.TemporaryDirectory(prefix="jmgeo-bench-") as tmp:
        folder = Path(tmp)
        size = build_corpus(folder, args.mb, args.files)
        for mode in args.modes + (["profile"] if args.profile else []):
            out = subprocess.run(
                [sys.executable, __file__, "--child", mode, str(folder)], capture_output=True, text=True, check=True
            )
            rec = json.loads(out.stdout.strip().splitlines()[-1])
            if mode == "profile":
                profile_rec = rec
                continue
            runs.append(rec)
            if not args.quiet:
                print(
                    f"{size / 1e6:>5.0f} MB  {mode:<9}  {rec['mb_per_s']:>7.2f} MB/s  {rec['seconds']:>7.1f} s  "
                    f"{rec['mb_per_cpu_s']:>6.2f} MB/CPU-s  "
                    f"peak RSS per worker {rec['peak_rss_per_worker_mb']:>6.1f} MB  load {rec['loadavg_before'][0]}",
                    flush=True,
                )
    by = {r["mode"]: r for r in runs}

    def ratio(a: str, b: str) -> float | None:
        return round(by[a]["mb_per_s"] / by[b]["mb_per_s"], 2) if a in by and b in by else None

    def cpu_ratio(a: str, b: str) -> float | None:
        if a not in by or b not in by or not by[b]["cpu_seconds"]:
            return None
        return round(by[a]["cpu_seconds"] / by[b]["cpu_seconds"], 2)

    ratios = {
        "ingest_2_workers_vs_1": ratio("ingest-2", "ingest-1"),
        # the CPU the 2-worker runs spend against the 1-worker run: 1.0 means the work splits without overhead,
        # so on two free cores the speed-up would be about 2 / this
        "cpu_2_workers_vs_1": cpu_ratio("ingest-2", "ingest-1"),
        "cpu_dask_2_vs_1": cpu_ratio("dask-2", "ingest-1"),
        "cpu_ingest_1_vs_floor": cpu_ratio("ingest-1", "floor"),
        "dask_2_workers_vs_ingest_1": ratio("dask-2", "ingest-1"),
        "ingest_1_vs_floor": ratio("ingest-1", "floor"),
        "ingest_1_vs_gazetteer_alone": ratio("ingest-1", "gazetteer"),
        "gazetteer_vs_naive": ratio("gazetteer", "naive"),
    }
    result = {
        "benchmark": "jmgeo ingest at 1 and 2 workers and on a local Dask cluster, vs a regex floor and naive search",
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()},
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "corpus": {"megabytes": round(size / 1e6, 1), "files": args.files},
        "runs": runs,
        "ratios": ratios,
    }
    if args.profile:
        result["profile_one_process"] = profile_rec
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if not args.quiet:
        print(json.dumps(ratios))
        print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
