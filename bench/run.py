"""Benchmark jmgeo's map page against GeoDataFrame.explore() and plain folium, side by side.

Inputs -> output: the built-in Jiangmen layers (and synthetic random points inside the
city, generated, never stored) -> a table on stdout and ``bench/results/<UTC time>.json``.

Run from the project root after ``scripts/setup.sh --bench`` (the test tools plus mapclassify and
matplotlib, which explore() needs)::

    .venv/bin/python bench/run.py            # everything, 5 runs each, 15 atlas loads (5-12 minutes here)
    .venv/bin/python bench/run.py --quick    # 1 run each, points only up to 10,000

What is measured, each the median of ``--runs`` runs (``--atlas-runs`` for the pages of the
built-in layers), all variants in the same run:

* **page bytes**, raw and gzip-compressed;
* **build time**: layers in memory -> HTML string (make_map + render; chained explore()
  calls + render; folium.GeoJson per layer + render);
* in headless Debian Chromium (``/usr/bin/chromium``, 1280x800, every non-file request
  aborted): **first frame** (first contentful paint), **all drawn** (the paint of the first
  frame with every feature's SVG element in it and, on a jmgeo page, which paints areas and
  lines on a canvas, its layers reported drawn; see PROBE), **ready** (jmgeo's interface
  built too, which it does just after the layers' first paint), **JS heap** after drawing
  (CDP ``JSHeapUsedSize``), and for point layers the time of one **pan** (``panBy`` 300x200
  px, until two frames later); for the atlas pages also jmgeo's "all drawn" over
  explore's load by load (the two pages of one round): the median and range of those ratios
  and a 95 % bootstrap interval for that median (``median_interval``);
* **what the context costs**: the built-in layers include the context layers (role ``context``: the
  neighbouring cities and the towns), which every page draws, so explore() carries them too; jmgeo's
  page and explore()'s are also measured without them, in the same rounds, and the ratios of each
  page with them over the same page without them are reported (``context_*``);
* **cold start**: ``jmgeo build`` (validate, load, write the six pages + GeoJSON +
  GeoPackage) as a fresh process, against a bare ``python -c "import geopandas, folium"``,
  interleaved; the ratio is the median of the per-pair ratios, with wall and CPU times.

The machine's 1, 5 and 15 minute load averages at the start and end of a run are kept with it
(``machine.load_average``): on a shared machine they say how far its times can be trusted.

Between two page loads the browser rests ``SETTLE_S`` (0.5 s), for every variant alike.

explore() links Leaflet from a CDN, so with no network its page stays blank ("L is not
defined"). It is measured as written (CDN, blank offline) and with Leaflet inlined from
the same package jmgeo uses (``jmgeo._page_assets.inline_assets``), which is the fair
comparison. Absolute times on a small shared machine are noisy: compare the ratios.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SIZES = [10, 100, 1_000, 10_000, 100_000]


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def spread(values):
    """[min, max] of the runs, to show how noisy a median is."""
    values = [v for v in values if v is not None]
    return [min(values), max(values)] if values else None


def median_interval(values, level: float = 0.95, resamples: int = 4000, seed: int = 0):
    """[low, high]: a percentile bootstrap interval for the median of ``values``.

    How far the median of this many loads could be from the one a long run would give, on
    this machine's noise: resample the loads with replacement, take each resample's
    median, keep the middle ``level`` of those. Seeded, so a result file is reproducible
    from its loads. None for fewer than 5 values.
    """
    import numpy as np

    v = np.asarray([x for x in values if x is not None], dtype=float)
    if len(v) < 5:
        return None
    medians = np.median(np.random.default_rng(seed).choice(v, size=(resamples, len(v))), axis=1)
    low, high = np.quantile(medians, [(1 - level) / 2, (1 + level) / 2])
    return [float(low), float(high)]


# ---------------------------------------------------------------- pages


def random_points(polygon, n: int, seed: int = 0):
    """``n`` uniformly random points inside a WGS84 polygon, as a GeoDataFrame."""
    import geopandas as gpd
    import numpy as np
    import shapely

    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = polygon.bounds
    out = np.empty((0, 2))
    while len(out) < n:
        xy = rng.uniform((minx, miny), (maxx, maxy), size=(2 * n + 10, 2))
        out = np.vstack([out, xy[shapely.contains_xy(polygon, xy[:, 0], xy[:, 1])]])
    return gpd.GeoDataFrame(
        {"id": [f"p{i}" for i in range(n)], "name_en": [f"point {i}" for i in range(n)]},
        geometry=shapely.points(out[:n]),
        crs=4326,
    )


def explorable(frame):
    """explore() cannot put list columns in tooltips: show them as text, as a user would."""
    frame = frame.copy()
    for col in frame.columns:
        if col != frame.geometry.name and frame[col].map(lambda v: isinstance(v, (list, tuple))).any():
            frame[col] = frame[col].map(lambda v: ", ".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
    return frame


def inline_leaflet(html: str) -> str:
    """Replace the CDN links to Leaflet's JS and CSS in a folium page by the inline assets jmgeo uses."""
    from jmgeo._page_assets import inline_assets

    assets = inline_assets()
    html, n_js = re.subn(
        r'<script src="[^"]*/leaflet(?:\.min)?\.js"></script>',
        lambda m: f"<script>{assets['leaflet_js']}</script>",
        html,
    )
    html, n_css = re.subn(
        r'<link rel="stylesheet" href="[^"]*/leaflet(?:\.min)?\.css"\s*/?>',
        lambda m: f"<style>{assets['leaflet_css']}</style>",
        html,
    )
    if n_js != 1 or n_css != 1:
        raise RuntimeError(f"expected one Leaflet script and stylesheet link, found {n_js} and {n_css}")
    return html


def page_jmgeo(layers, facts, extra=None):
    from jmgeo._webmap import make_map, map_html

    return map_html(make_map(layers, facts, basemap="none", extra_layers=extra))


def page_explore(frames: dict):
    fmap = None
    for name, frame in frames.items():
        kwargs = {"name": name, "tiles": None} if fmap is None else {"name": name, "m": fmap}
        fmap = explorable(frame).explore(**kwargs)
    return fmap.get_root().render()


def page_folium(frames: dict):
    import folium

    fmap = None
    for name, frame in frames.items():
        if fmap is None:
            minx, miny, maxx, maxy = frame.total_bounds
            fmap = folium.Map(tiles=None)
            fmap.fit_bounds([[miny, minx], [maxy, maxx]])
        cols = [c for c in ("id", "name_zh", "name_en") if c in frame.columns]
        folium.GeoJson(frame[cols + [frame.geometry.name]].__geo_interface__, name=name).add_to(fmap)
    return fmap.get_root().render()


def timed(build, runs: int):
    times, html = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        html = build()
        times.append(time.perf_counter() - t0)
    return html, median(times)


# ---------------------------------------------------------------- browser

# Runs in the page from its first byte and checks every animation frame (in the page, no
# round trips) whether the expected number of SVG elements is present and, on a jmgeo page,
# its script reports its layers drawn ("complete"). "Drawn" is when the first frame showing
# all of them was painted: the first contentful paint if they were complete before it, else
# the frame at which they became complete. "Ready" is the first frame, from then on, at which jmgeo's
# interface (controls, legend, search) is built too; jmgeo builds it just after the layers'
# first paint. A page made before that (no layersDrawn) counts as complete when ready, and a
# page without jmgeo's script is ready when it is drawn.
#
# The probe says "ready" on the console, and measure_page waits for that message without
# evaluating anything in the page until then. Waiting with Playwright's wait_for_function
# instead sends its injected script (~330 KB) into the page while the page is still being
# parsed: a trace showed it compiled and run on the page's main thread for 12-22 ms,
# between the parser's tasks, inside the time measured (of every page alike).
READY_SIGNAL = "jmgeo-bench: ready"
PROBE = """
(function (expected, atlas) {
    var completeAt;
    function check() {
        var s = window.jmgeoAtlasState;
        var n = document.querySelectorAll('path.leaflet-interactive, .leaflet-marker-icon').length;
        if (completeAt === undefined && n >= expected && (!atlas || (s && (s.layersDrawn || s.ready))))
            completeAt = performance.now();
        var paint = performance.getEntriesByName('first-contentful-paint')[0];
        if (completeAt !== undefined && paint) {
            if (window.__benchDrawn === undefined) window.__benchDrawn = Math.max(paint.startTime, completeAt);
            if (!atlas || s.ready) {
                window.__benchReady = performance.now();
                console.debug('jmgeo-bench: ready');  // READY_SIGNAL
                return;
            }
        }
        requestAnimationFrame(check);
    }
    requestAnimationFrame(check);
})(%d, %s);
"""
FIND_MAP = "Object.keys(window).map(k => window[k]).find(v => window.L && v instanceof L.Map)"
PAN = (
    """async () => {
    const map = %s;
    const frame = () => new Promise(r => requestAnimationFrame(() => r()));
    await frame();
    const t0 = performance.now();
    map.panBy([300, 200], {animate: false});
    await frame(); await frame();
    return performance.now() - t0;
}"""
    % FIND_MAP
)


def measure_page(browser, path: Path, expected: int, atlas: bool, pan: bool, timeout_s: float) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
    page.add_init_script(PROBE % (expected, "true" if atlas else "false"))
    cdp = context.new_cdp_session(page)
    cdp.send("Performance.enable")
    out: dict = {"error": None}
    try:
        with page.expect_console_message(lambda m: m.text == READY_SIGNAL, timeout=timeout_s * 1000):
            page.goto(path.as_uri(), wait_until="commit", timeout=timeout_s * 1000)
        out["drawn_ms"] = page.evaluate("window.__benchDrawn")
        out["ready_ms"] = page.evaluate("window.__benchReady")
        out["first_frame_ms"] = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0].startTime")
        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        out["js_heap_mb"] = metrics.get("JSHeapUsedSize", 0) / 1e6
        if pan:
            out["pan_ms"] = page.evaluate(PAN)
    except Exception as exc:  # a blank page (explore offline) times out: record why
        out.update(drawn_ms=None, ready_ms=None, first_frame_ms=None, js_heap_mb=None)
        out["error"] = (errors[0] if errors else type(exc).__name__)[:200]
    if errors and not out["error"]:
        out["error"] = errors[0][:200]
    context.close()
    return out


class Variant:
    """One page to compare: its HTML, build time and what counts as "all drawn"."""

    def __init__(
        self, name: str, html: str, build_s: float, expected: int, atlas: bool, runs: int, pan=False, timeout_s=60.0
    ):
        self.name, self.build_s, self.expected, self.atlas = name, build_s, expected, atlas
        self.runs, self.pan, self.timeout_s = runs, pan, timeout_s
        self.data = html.encode("utf-8")
        self.samples: list[dict] = []

    def measure(self, browser, folder: Path) -> None:
        path = folder / "page.html"
        path.write_bytes(self.data)
        self.samples.append(measure_page(browser, path, self.expected, self.atlas, self.pan, self.timeout_s))

    def row(self) -> dict:
        s = self.samples
        row = {
            "variant": self.name,
            "bytes": len(self.data),
            "gzip_bytes": len(gzip.compress(self.data, 6)),
            "build_s": self.build_s,
            "first_frame_ms": median(x["first_frame_ms"] for x in s),
            "drawn_ms": median(x["drawn_ms"] for x in s),
            "drawn_ms_range": spread(x["drawn_ms"] for x in s),
            "ready_ms": median(x["ready_ms"] for x in s),
            "js_heap_mb": median(x["js_heap_mb"] for x in s),
            "browser_runs": len(s),
            "error": next((x["error"] for x in s if x["error"]), None),
        }
        if self.pan:
            row["pan_ms"] = median(x.get("pan_ms") for x in s)
        say(
            f"  {self.name:28s} {row['bytes'] / 1e3:9.0f} KB  build {self.build_s:6.2f} s  "
            f"first frame {fmt(row['first_frame_ms'])}"
            f"  drawn {fmt(row['drawn_ms'])}  ready {fmt(row['ready_ms'])}"
            + (f"  pan {fmt(row.get('pan_ms'))}" if self.pan else "")
            + (f"  [{row['error']}]" if row["error"] else "")
        )
        return row


SETTLE_S = 0.5


def measure_all(browser, variants: list[Variant]) -> list[dict]:
    """One unrecorded warm-up load of each page, then the runs interleaved (A B C A B C ...)
    so that every variant sees the same machine load and the same warm browser caches.
    Between two loads the browser gets SETTLE_S seconds, so that the closing of one page
    (its renderer's teardown, deferred work) does not land on the next one's start."""
    with tempfile.TemporaryDirectory(prefix="jmgeo-bench-") as tmp:
        folder = Path(tmp)
        for v in variants:
            if v.runs > 1:
                v.measure(browser, folder)
                v.samples.clear()
                time.sleep(SETTLE_S)
        for i in range(max(v.runs for v in variants)):
            for v in variants:
                if i < v.runs:
                    v.measure(browser, folder)
                    time.sleep(SETTLE_S)
    return [v.row() for v in variants]


def fmt(ms):
    return "   -   " if ms is None else f"{ms:6.0f} ms"


# ---------------------------------------------------------------- scenarios


def atlas_scenario(browser, layers, facts, runs: int) -> dict:
    """The built-in layers, context included, on a jmgeo page, explore(), and folium's GeoJson.

    The context layers (role ``context``: the neighbouring cities, the towns) are part of every
    page, so explore() carries them too. To say what they cost, jmgeo and explore() are also
    measured without them, in the same rounds.
    """
    from jmgeo._geodata import read_geodata

    context = set(read_geodata().registry.context_layers)
    bare = {name: frame for name, frame in layers.items() if name not in context}
    say(f"atlas: the {len(layers)} built-in layers ({len(context)} of them context: {', '.join(sorted(context))})")

    def counts(frames):
        # jmgeo paints areas and lines on a canvas (no element each; its script says when they
        # are drawn) and points as SVG elements
        return sum(len(f) for f in frames.values()), sum(int((f.geom_type == "Point").sum()) for f in frames.values())

    (expected, expected_svg), (bare_expected, bare_svg) = counts(layers), counts(bare)
    html_j, t_j = timed(lambda: page_jmgeo(layers, facts), runs)
    html_e, t_e = timed(lambda: page_explore(layers), runs)
    html_f, t_f = timed(lambda: page_folium(layers), runs)
    html_jb, t_jb = timed(lambda: page_jmgeo(bare, facts), runs)
    html_eb, t_eb = timed(lambda: page_explore(bare), runs)
    jm = Variant("jmgeo", html_j, t_j, expected_svg, True, runs)
    inlined = Variant("explore (Leaflet inlined)", inline_leaflet(html_e), t_e, expected, False, runs)
    jm_bare = Variant("jmgeo (no context)", html_jb, t_jb, bare_svg, True, runs)
    inlined_bare = Variant("explore (inlined, no context)", inline_leaflet(html_eb), t_eb, bare_expected, False, runs)
    rows = measure_all(
        browser,
        [
            jm,
            Variant("explore (CDN)", html_e, t_e, expected, False, 1, timeout_s=10),
            inlined,
            Variant("folium GeoJson (inlined)", inline_leaflet(html_f), t_f, expected, False, runs),
            jm_bare,
            inlined_bare,
        ],
    )
    return {
        "features": expected,
        "layers": list(layers),
        "context_layers": sorted(context),
        "variants": rows,
        "drawn_per_load": per_load_ratios(jm, inlined),
        "drawn_per_load_no_context": per_load_ratios(jm_bare, inlined_bare),
    }


def per_load_ratios(a: Variant, b: Variant) -> dict:
    """``a``'s "drawn" over ``b``'s, load by load: each pair was loaded in the same round.

    The machine's load drifts over a run (see docs/performance.md); the two loads of one round
    saw about the same load, so each of these ratios compares like with like, and their
    range shows how far a single load's ratio strays from the median. Reported beside the
    ratio of the two medians, not instead of it. The ratios themselves are kept too
    (``values``, in load order), so loads from several runs can be pooled later.
    """
    both = zip(a.samples, b.samples, strict=True)
    pairs = [x["drawn_ms"] / y["drawn_ms"] for x, y in both if x["drawn_ms"] and y["drawn_ms"]]
    result = {
        "median": median(pairs),
        "range": spread(pairs),
        "interval95": median_interval(pairs),
        "loads": len(pairs),
        "values": [round(r, 4) for r in pairs],
    }
    if pairs:
        interval = result["interval95"]
        say(
            f"  drawn, {a.name} over {b.name}, load by load: {result['median']:.2f}x "
            + (f"(95% interval of the median {interval[0]:.2f}-{interval[1]:.2f}x; " if interval else "(")
            + f"loads {result['range'][0]:.2f}-{result['range'][1]:.2f}x)"
        )
    return result


def points_scenario(browser, layers, facts, sizes, runs: int, explore_max: int) -> list[dict]:
    from jmgeo import _webmap as webmap
    from jmgeo._page_data import CANVAS_MIN_FEATURES
    from jmgeo._webmap import ExtraLayer

    city = layers["city"]
    no_facts = facts.iloc[:0]
    out = []
    for n in sizes:
        say(f"points: {n:,} random points in Jiangmen")
        points = random_points(city.geometry.iloc[0], n)
        extra = [ExtraLayer("points", points, "随机点", "Random points")]
        html_j, t_j = timed(lambda extra=extra: page_jmgeo({"city": city}, no_facts, extra), runs)
        auto = "svg" if n <= CANVAS_MIN_FEATURES else "canvas"
        variants = [Variant(f"jmgeo (auto: {auto})", html_j, t_j, n if auto == "svg" else 0, True, runs, pan=True)]
        if n <= 10_000:  # the other mode too, to check the threshold
            other = "canvas" if auto == "svg" else "svg"
            webmap.CANVAS_MIN_FEATURES = 0 if other == "canvas" else 10**9
            try:
                html_o, t_o = timed(lambda extra=extra: page_jmgeo({"city": city}, no_facts, extra), runs)
            finally:
                webmap.CANVAS_MIN_FEATURES = CANVAS_MIN_FEATURES
            variants.append(
                Variant(f"jmgeo (forced {other})", html_o, t_o, n if other == "svg" else 0, True, runs, pan=True)
            )
        if n <= explore_max:
            r = runs if n <= 10_000 else 1
            html_e, t_e = timed(lambda points=points: page_explore({"city": city, "points": points}), r)
            variants.append(
                Variant(
                    "explore (Leaflet inlined)", inline_leaflet(html_e), t_e, n + 1, False, r, pan=True, timeout_s=180
                )
            )
        rows = measure_all(browser, variants)
        out.append({"features": n, "auto_render": auto, "variants": rows})
    return out


def cold_start(runs: int) -> dict:
    """Wall time of a fresh ``jmgeo build`` process against ``import geopandas, folium``, interleaved.

    The ratio is the median of the per-pair ratios (each build against the import just
    before it, which saw the same machine load). CPU time (user + system, the process and
    its children) is reported too: the build runs pypinyin's load in a child process on the
    other core, so its CPU time exceeds its wall time.
    """
    import resource

    say("cold start: jmgeo build vs import geopandas, folium")
    py = sys.executable
    jmgeo_cli = [py, "-m", "jmgeo", "build", "-q"]

    def run(cmd):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

    with tempfile.TemporaryDirectory() as tmp:
        imports, builds = [], []
        for _ in range(runs):  # interleaved, so both see the same machine load
            imports.append(run([py, "-c", "import geopandas, folium"]))
            builds.append(run(jmgeo_cli + ["--out", tmp]))
    pairs = [b[0] / i[0] for i, b in zip(imports, builds, strict=True)]
    result = {
        "import_geopandas_folium_s": median(i[0] for i in imports),
        "jmgeo_build_s": median(b[0] for b in builds),
        "import_cpu_s": median(i[1] for i in imports),
        "jmgeo_build_cpu_s": median(b[1] for b in builds),
        "ratio": median(pairs),
        "ratio_range": spread(pairs),
        "runs": runs,
    }
    say(
        f"  import {result['import_geopandas_folium_s']:.2f} s, jmgeo build {result['jmgeo_build_s']:.2f} s: "
        f"{result['ratio']:.2f}x (pairs {result['ratio_range'][0]:.2f}-{result['ratio_range'][1]:.2f}x)"
    )
    return result


def ratios(atlas: dict, cold: dict) -> dict:
    v = {row["variant"]: row for row in atlas["variants"]}
    j, cdn, inl = v["jmgeo"], v["explore (CDN)"], v["explore (Leaflet inlined)"]

    def r(a, b):
        return None if a is None or not b else a / b

    return {
        "page_bytes_vs_explore_cdn": r(j["bytes"], cdn["bytes"]),
        "page_bytes_vs_explore_inlined": r(j["bytes"], inl["bytes"]),
        "gzip_bytes_vs_explore_cdn": r(j["gzip_bytes"], cdn["gzip_bytes"]),
        "build_time_vs_explore": r(j["build_s"], inl["build_s"]),
        "drawn_vs_explore_inlined": r(j["drawn_ms"], inl["drawn_ms"]),
        "drawn_vs_explore_inlined_per_load": atlas["drawn_per_load"]["median"],
        "drawn_vs_explore_inlined_per_load_interval95": atlas["drawn_per_load"].get("interval95"),
        "ready_vs_explore_inlined_drawn": r(j["ready_ms"], inl["drawn_ms"]),
        "first_frame_vs_explore_inlined": r(j["first_frame_ms"], inl["first_frame_ms"]),
        "js_heap_vs_explore_inlined": r(j["js_heap_mb"], inl["js_heap_mb"]),
        "jmgeo_build_vs_import": cold["ratio"],
        # what the context layers cost: each page with them over the same page without them
        "context_bytes_jmgeo": r(j["bytes"], v["jmgeo (no context)"]["bytes"]),
        "context_bytes_explore": r(inl["bytes"], v["explore (inlined, no context)"]["bytes"]),
        "context_drawn_jmgeo": r(j["drawn_ms"], v["jmgeo (no context)"]["drawn_ms"]),
        "context_drawn_explore": r(inl["drawn_ms"], v["explore (inlined, no context)"]["drawn_ms"]),
        "page_bytes_vs_explore_inlined_no_context": r(
            v["jmgeo (no context)"]["bytes"], v["explore (inlined, no context)"]["bytes"]
        ),
        "drawn_vs_explore_inlined_per_load_no_context": atlas["drawn_per_load_no_context"]["median"],
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement; medians are reported (default 5)")
    parser.add_argument(
        "--atlas-runs",
        type=int,
        default=15,
        help="page loads of each atlas page (default 15: their differences are ~50 ms in ±100 ms of noise)",
    )
    parser.add_argument("--quick", action="store_true", help="1 run each, points up to 10,000 only")
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=SIZES, help="point-layer sizes (default: 10 ... 100000)"
    )
    parser.add_argument(
        "--explore-max",
        type=int,
        default=100_000,
        help="largest point layer also built with explore() (default 100000)",
    )
    parser.add_argument("--out", type=Path, default=None, help="result file (default bench/results/<UTC time>.json)")
    args = parser.parse_args(argv)
    runs = 1 if args.quick else args.runs
    sizes = [n for n in args.sizes if not args.quick or n <= 10_000]
    try:
        import mapclassify  # noqa: F401  (explore() needs it)
        import matplotlib  # noqa: F401
    except ImportError:
        parser.error("explore() needs mapclassify and matplotlib: run scripts/setup.sh --bench")
    import folium
    import geopandas
    from playwright.sync_api import sync_playwright

    import jmgeo

    layers = jmgeo.load_layers()
    facts = jmgeo.load_facts()
    load_start = os.getloadavg()  # the machine is shared: its load is part of the result
    cold = cold_start(max(runs, 5))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        atlas = atlas_scenario(browser, layers, facts, 1 if args.quick else args.atlas_runs)
        points = points_scenario(browser, layers, facts, sizes, runs, args.explore_max)
        browser.close()
    result = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            # 1, 5 and 15 minute load averages when the run started and when it ended
            "load_average": {"start": list(load_start), "end": list(os.getloadavg())},
        },
        "versions": {
            "jmgeo": jmgeo.__version__,
            "folium": folium.__version__,
            "geopandas": geopandas.__version__,
            "chromium": subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.strip(),
        },
        "runs": runs,
        "ratios": ratios(atlas, cold),
        "cold_start": cold,
        "atlas": atlas,
        "points": points,
    }
    out = args.out or RESULTS / (datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + ".json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result["ratios"], indent=2))
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
