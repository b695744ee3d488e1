"""Compare page loads of a few HTML files, interleaved, in headless Chromium (an A/B test).

For trying a change to a page before building it into jmgeo: save the page and its
variants as files, then::

    .venv/bin/python bench/ab.py --runs 16 maps/jiangmen.html /tmp/variant.html

Each file is loaded ``--runs`` times, A B A B ..., with the same network blocking, probe
and 0.5 s rest as ``bench/run.py``: "drawn" is the paint of the first frame with all of
the page's layers in it, "ready" when jmgeo's interface is built too (see ``run.PROBE``).
Prints the medians, and the range of "drawn", per file, and each file's "drawn" over the
first file's, load by load (median, its 95 % bootstrap interval and the range of the
ratios; on stderr). This machine's medians move by ±100 ms between runs, so compare files
within one run, and use 15 runs or more for differences under ~50 ms.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="+", type=Path, help="HTML files to compare")
    parser.add_argument("--runs", type=int, default=16, help="loads per file (default 16)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    variants = []
    for path in args.pages:
        html = path.read_text(encoding="utf-8")
        # expected 0: no element count; a jmgeo page says itself when its layers are drawn
        variants.append(bench.Variant(str(path), html, 0.0, 0, "jmgeoAtlas" in html, args.runs, timeout_s=60))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=bench.CHROMIUM, args=bench.CHROMIUM_ARGS)
        rows = bench.measure_all(browser, variants)
        browser.close()
    for row in rows:
        low_high = row["drawn_ms_range"]
        drawn = (
            "never drawn"
            if row["drawn_ms"] is None
            else (
                f"drawn {row['drawn_ms']:6.0f} ms  range {low_high[0]:.0f}-{low_high[1]:.0f}  "
                f"ready {row['ready_ms']:6.0f} ms"
            )
        )
        print(f"{row['variant']:60s} {drawn}  ({row['browser_runs']} loads)")
    for v in variants[1:]:  # each file's "drawn" over the first file's, load by load (same round)
        bench.per_load_ratios(v, variants[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
