"""Peak memory of reading your own point layer (``jmgeo build --layer``) against geopandas.read_file.

For each size (100,000 and 1,000,000 points by default) a Shapefile and a GeoPackage of
random points over Jiangmen with an id and a Chinese name, and a GeoPackage of the bare
positions (``bare``: no attributes, so what remains is what reading itself holds), are
written (pyogrio, not measured), then each reader runs in a fresh child process that reports its peak resident
memory (Linux ``VmHWM``, reset after the imports) while reading, above its memory after the imports:

* ``jmgeo``: :func:`jmgeo.read_layer` (fiona, feature by feature, into two float arrays
  and the attribute columns), with GCJ-02 converted;
* ``geopandas``: ``geopandas.read_file`` (pyogrio, one shapely point a feature), the peer.

With ``--build`` also the whole ``jmgeo build --layer FILE`` (pages, search, GeoJSON,
GeoPackage) of the GeoPackage and the Shapefile: its outputs hold every point and grow with the
layer on disk; in memory, the attributes are spooled to a temporary file and the page, its search
entries and the exports are streamed from it, so the peak should not grow by more than the positions.

Prints megabytes read above the imports and the ratio, and writes
``bench/results/layer_memory.json``::

    .venv/bin/python bench/layer_memory.py [--sizes 100000 1000000] [--build]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _memory import CHILD_PROBE, ROOT, growth_per_point, points_frame, save  # bench/_memory.py, beside this script

_CHILD = (
    CHILD_PROBE
    + r"""
import json, sys, time
reader, path = sys.argv[1], sys.argv[2]
import geopandas, fiona, numpy, shapely, pyogrio
import jmgeo._user_layers as user
reset_peak()  # so the peak measured below is the read's own, not the imports'
base = status("VmRSS")
t0 = time.process_time()
if reader == "jmgeo":
    layer = user.read_layer(path, datum="GCJ-02")
    n = len(layer)
else:
    frame = geopandas.read_file(path)
    n = len(frame)
cpu = time.process_time() - t0
print(json.dumps({"imports_mb": base, "peak_mb": status("VmHWM"), "cpu_seconds": cpu, "features": n}))
"""
)


def write_points(folder: Path, n: int) -> dict[str, Path]:
    frame = points_frame(n)
    paths = {"gpkg": folder / f"points_{n}.gpkg", "shp": folder / f"points_{n}.shp", "bare": folder / f"bare_{n}.gpkg"}
    frame.to_file(paths["shp"], engine="pyogrio", encoding="utf-8")
    frame.to_file(paths["gpkg"], engine="pyogrio")
    frame[["geometry"]].to_file(paths["bare"], engine="pyogrio")  # positions only: what the reading itself holds
    return paths


def measure(reader: str, path: Path) -> dict:
    """One reader in a fresh child: its resident memory after the imports, its peak while reading, CPU seconds."""
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, reader, str(path)], capture_output=True, text=True, check=True, cwd=ROOT
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["read_mb"] = round(result["peak_mb"] - result["imports_mb"], 1)
    return result


def measure_build(path: Path, out: Path) -> dict:
    """The whole CLI build with the layer, in a child process: its own peak RSS (``VmHWM``).

    Not ``getrusage``'s ``ru_maxrss``: Linux carries the parent's peak across the child's
    ``exec`` into it, so it gave this script's own memory (the million points it wrote, ~800 MB)
    for any build smaller than that. Both are kept, ``maxrss_mb`` for comparison.
    """
    t0 = time.perf_counter()
    code = (
        "import resource, sys; from jmgeo.cli import main; rc = main(sys.argv[1:]); "
        "hwm = [int(l.split()[1]) / 1024 for l in open('/proc/self/status') if l.startswith('VmHWM:')][0]; "
        "print(hwm, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024); sys.exit(rc)"
    )
    args = ["build", "-q", "--out", str(out), "--layer", f"{path}:mine@GCJ-02"]
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True, cwd=ROOT)
    page = (out / "jiangmen.html").stat().st_size / 1e6
    hwm, maxrss = (float(v) for v in done.stdout.strip().splitlines()[-1].split())
    return {
        "peak_mb": round(hwm, 1),
        "maxrss_mb": round(maxrss, 1),
        "seconds": round(time.perf_counter() - t0, 1),
        "page_mb": round(page, 1),
        "geojson_mb": round((out / "geojson" / "mine.geojson").stat().st_size / 1e6, 1),
        "gpkg_mb": round((out / "jiangmen.gpkg").stat().st_size / 1e6, 1),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--build", action="store_true", help="also measure the whole jmgeo build --layer")
    parser.add_argument(
        "--build-formats", nargs="+", default=["gpkg", "shp"], help="the files the build is measured with"
    )
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            paths = write_points(Path(tmp), n)
            for fmt, path in paths.items():
                row = {"points": n, "format": fmt}
                for reader in ("jmgeo", "geopandas"):
                    row[reader] = measure(reader, path)
                row["ratio_read_mb"] = round(row["geopandas"]["read_mb"] / max(row["jmgeo"]["read_mb"], 0.1), 2)
                if args.build and fmt in args.build_formats:
                    row["build"] = measure_build(path, Path(tmp) / f"out_{n}_{fmt}")
                rows.append(row)
                save("layer_memory", rows, NOTE)
                j, g = row["jmgeo"], row["geopandas"]
                print(
                    f"{n:>9,} {fmt:<4} read: jmgeo {j['read_mb']:7.1f} MB ({j['cpu_seconds']:.1f} s CPU), "
                    f"geopandas.read_file {g['read_mb']:7.1f} MB ({g['cpu_seconds']:.1f} s CPU), "
                    f"geopandas/jmgeo {row['ratio_read_mb']:.2f}",
                    flush=True,
                )
                if "build" in row:
                    b = row["build"]
                    print(
                        f"{'':>9} build --layer: peak {b['peak_mb']:.0f} MB, {b['seconds']:.0f} s; "
                        f"page {b['page_mb']} MB, GeoJSON {b['geojson_mb']} MB, GeoPackage {b['gpkg_mb']} MB",
                        flush=True,
                    )
    for fmt in ("shp", "gpkg", "bare"):
        grown = growth_per_point(rows, fmt, "read_mb", ("jmgeo", "geopandas"))
        if grown:
            small, large, per_point = grown
            print(f"{fmt}: bytes a point read ({small['points']:,} -> {large['points']:,}): {per_point}")
    print(f"written {save('layer_memory', rows, NOTE).relative_to(ROOT)}")
    return 0


NOTE = (
    "a shared 2-core machine, other builds and tests running at the same time (load above): peak memory is "
    "the process's own, unaffected; seconds are wall time under that load and vary run to run"
)


if __name__ == "__main__":
    sys.exit(main())
