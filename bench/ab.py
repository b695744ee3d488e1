"""Compare page loads of a few HTML files, interleaved, in headless Chromium (an A/B test).

For trying a change to a page before building it into jmgeo: save the page and its
variants as files, then::

    .venv/bin/python bench/ab.py --runs 16 maps/jiangmen.html /tmp/variant.html

Each file is loaded ``--runs`` times, A B A B ..., with the same network blocking, probe
and 0.5 s rest as ``bench/run.py``; "drawn" is the first frame after the first contentful
paint at which jmgeo's script (if the page has one) reports ready. Prints the median and
range per file. Runs on this machine's medians move by ±100 ms between runs, so compare
files within one run, and use 15 runs or more for differences under ~50 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="+", type=Path, help="HTML files to compare")
    parser.add_argument("--runs", type=int, default=16, help="loads per file (default 16)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    pages = [p.resolve() for p in args.pages]
    drawn: dict[Path, list[float]] = {p: [] for p in pages}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=bench.CHROMIUM, args=bench.CHROMIUM_ARGS)
        for page in pages:  # one unrecorded warm-up load each
            bench.measure_page(browser, page, 0, "jmgeoAtlas" in page.read_text(encoding="utf-8"), False, 60)
            time.sleep(bench.SETTLE_S)
        for i in range(args.runs):
            for page in pages:
                atlas = "jmgeoAtlas" in page.read_text(encoding="utf-8")
                result = bench.measure_page(browser, page, 0, atlas, False, 60)
                if result["drawn_ms"] is not None:
                    drawn[page].append(result["drawn_ms"])
                time.sleep(bench.SETTLE_S)
            bench.say(f"  run {i + 1}/{args.runs}")
        browser.close()
    for page, values in drawn.items():
        if values:
            print(f"{page!s:60s} drawn {statistics.median(values):6.0f} ms  range {min(values):.0f}-{max(values):.0f}  ({len(values)} loads)")
        else:
            print(f"{page!s:60s} never drawn")
    return 0


if __name__ == "__main__":
    sys.exit(main())
