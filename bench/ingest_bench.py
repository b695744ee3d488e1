"""Benchmark ``jmgeo ingest`` against a naive gazetteer baseline, at two corpus sizes.

Inputs -> output: the five source documents (``../shared/seeds`` or ``$JMGEO_DOCS``) ->
``bench/results/ingest.json`` (and a table on stdout).

The corpus is the five documents repeated until it reaches the target size, streamed to
a temporary file (never held in memory). Each copy's sentences carry a copy tag
(``〔copy abc〕`` before each 。) so that the repeated-paragraph shortcut of ingest does
not skip the work: every sentence is new to it.

Three runs per size, each in a fresh Python process so that its peak memory
(``ru_maxrss``) is its own:

- ``ingest``: the whole pipeline, end to end: decode, normalise, gazetteer,
  amounts, years, pairing, and the review files written to a temp folder;
- ``gazetteer``: only the place search of ingest (Aho-Corasick, leftmost-longest) over
  the decoded text, 1 MiB at a time;
- ``naive``: the baseline, one ``str.find`` loop per gazetteer name over the same chunks.

Throughput is corpus MB (UTF-8 bytes) per second of wall time; memory is the peak
resident set of the process minus its resident set after imports (what the run itself
added). Not a test: timings on shared 2-core machines are noisy.

Usage: ``.venv/bin/python bench/ingest_bench.py [--sizes 10 50] [--quiet]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _tag(i: int) -> str:
    letters = ""
    while True:
        i, r = divmod(i, 26)
        letters = chr(ord("a") + r) + letters
        if i == 0:
            return letters


def build_corpus(path: Path, megabytes: float) -> int:
    """Write the documents, repeated with copy tags, to ``path`` until ``megabytes`` MB; return bytes."""
    from jmgeo._documents import find_documents_dir

    docs = sorted(find_documents_dir().glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in docs]
    target = int(megabytes * 1_000_000)
    written = 0
    copy = 0
    with open(path, "w", encoding="utf-8") as fh:
        while written < target:
            for text in texts:
                chunk = text.replace("。", f"〔copy {_tag(copy)}〕。") + "\n"
                fh.write(chunk)
                written += len(chunk.encode("utf-8"))
            copy += 1
    return path.stat().st_size


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


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def child(mode: str, corpus: Path) -> dict:
    """Run one mode over the corpus in this process; return timings and memory."""
    from jmgeo._ingest._gazetteer import load_gazetteer
    from jmgeo._ingest._readers import iter_lines, open_source

    gaz = load_gazetteer()
    size = corpus.stat().st_size
    base = _rss_mb()
    t0 = time.perf_counter()
    found = 0
    if mode == "ingest":
        from jmgeo._ingest import ingest

        with tempfile.TemporaryDirectory() as tmp:
            result = ingest([corpus], Path(tmp) / "review.csv", date_year=2024, progress=False)
        found = result.rows
        extra = {"rows": result.rows, "mentions": result.mentions, "candidates": result.candidates}
    else:
        names = list(gaz.names)
        buf: list[str] = []
        n = 0
        src = open_source(corpus)
        for _, line in iter_lines(src):
            buf.append(line)
            n += len(line)
            if n >= 1 << 20:
                text = "".join(buf)
                found += len(gaz.find(text)) if mode == "gazetteer" else len(naive_find(names, text))
                buf, n = [], 0
        text = "".join(buf)
        found += len(gaz.find(text)) if mode == "gazetteer" else len(naive_find(names, text))
        src.close()
        extra = {"matches": found}
    seconds = time.perf_counter() - t0
    return {
        "mode": mode,
        "bytes": size,
        "seconds": round(seconds, 2),
        "mb_per_s": round(size / 1e6 / seconds, 3),
        "rss_after_imports_mb": round(base, 1),
        "peak_rss_mb": round(_rss_mb(), 1),
        "added_mb": round(_rss_mb() - base, 1),
        **extra,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", type=float, default=[10, 50], help="corpus sizes in MB (default: 10 50)")
    parser.add_argument("--out", default=str(HERE / "results" / "ingest.json"), help="results file")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "CORPUS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child[0], Path(args.child[1]))))
        return 0
    from tqdm import tqdm

    runs = []
    steps = [(size, mode) for size in args.sizes for mode in ("ingest", "gazetteer", "naive")]
    bar = tqdm(total=len(steps), desc="bench", file=sys.stderr, disable=args.quiet or not sys.stderr.isatty())
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            corpus = Path(tmp) / f"corpus_{size:g}MB.txt"
            build_corpus(corpus, size)
            for mode in ("ingest", "gazetteer", "naive"):
                out = subprocess.run(
                    [sys.executable, __file__, "--child", mode, str(corpus)], capture_output=True, text=True, check=True
                )
                rec = json.loads(out.stdout.strip().splitlines()[-1])
                rec["target_mb"] = size
                runs.append(rec)
                bar.update(1)
                print(
                    f"{size:>5g} MB  {mode:<9}  {rec['mb_per_s']:>7.2f} MB/s  {rec['seconds']:>7.1f} s  "
                    f"peak RSS {rec['peak_rss_mb']:>6.1f} MB (+{rec['added_mb']:.1f})",
                    flush=True,
                )
            corpus.unlink()
    bar.close()
    by = {(r["target_mb"], r["mode"]): r for r in runs}
    ratios = {
        f"{size:g}MB": {
            "gazetteer_vs_naive_speed": round(by[(size, "gazetteer")]["mb_per_s"] / by[(size, "naive")]["mb_per_s"], 2),
            "ingest_vs_naive_speed": round(by[(size, "ingest")]["mb_per_s"] / by[(size, "naive")]["mb_per_s"], 2),
        }
        for size in args.sizes
    }
    result = {
        "benchmark": "jmgeo ingest vs naive str.find gazetteer",
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()},
        "date": time.strftime("%Y-%m-%d"),
        "runs": runs,
        "ratios": ratios,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(ratios))
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
