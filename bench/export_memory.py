"""Peak memory of exporting your own point layer (``jmgeo export --layer``) against geopandas writing it whole.

For each size (100,000 and 1,000,000 points by default) a GeoPackage of random points over
Jiangmen with an id and a Chinese name is written (not measured). Each exporter then runs in a
fresh child process that first reads the layer with :func:`jmgeo.read_layer` (not measured: its
memory is ``bench/layer_memory.py``'s), resets its peak resident memory (Linux ``VmHWM``) and
exports the layer to one format:

* ``jmgeo``: :func:`jmgeo._formats.export_atlas` with the layer (a chunk of 100,000 features at
  a time; the atlas's own small layers too);
* ``geopandas``: the layer made one GeoDataFrame (``ExtraLayer.wgs84()``) and written by
  ``GeoDataFrame.to_file`` (pyogrio) or ``to_parquet``, the peer: what an export without chunks does.

Prints the peak above the memory after reading, the ratio, and the bytes a point each grows by
between the sizes, and writes ``bench/results/export_memory.json``::

    .venv/bin/python bench/export_memory.py [--sizes 100000 1000000] [--formats shapefile flatgeobuf geoparquet]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from _memory import CHILD_PROBE, ROOT, growth_per_point, points_frame, save  # bench/_memory.py, beside this script

_CHILD = (
    CHILD_PROBE
    + r"""
import json, sys, time
exporter, fmt, path, out = sys.argv[1:5]
from jmgeo._formats import export_atlas
from jmgeo._user_layers import read_layer
layer = read_layer(path, layer_id="mine")
reset_peak()
base = status("VmRSS")
t0 = time.perf_counter()
if exporter == "jmgeo":
    export_atlas(out, [fmt], extra_layers=[layer])
else:
    frame = layer.wgs84()
    if fmt == "geoparquet":
        frame.to_parquet(out + ".parquet")
    else:
        frame.to_file(out + (".shp" if fmt == "shapefile" else ".fgb"), engine="pyogrio")
seconds = time.perf_counter() - t0
print(json.dumps({"after_read_mb": base, "peak_mb": status("VmHWM"), "seconds": seconds, "features": len(layer)}))
"""
)


def write_points(folder: Path, n: int) -> Path:
    frame = points_frame(n)
    path = folder / f"points_{n}.gpkg"
    frame.to_file(path, engine="pyogrio")
    return path


def measure(exporter: str, fmt: str, path: Path, out: Path) -> dict:
    """One export in a fresh child: its peak resident memory above its memory once the layer is read."""
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, exporter, fmt, str(path), str(out)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["export_mb"] = round(result["peak_mb"] - result["after_read_mb"], 1)
    result["seconds"] = round(result["seconds"], 1)
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--formats", nargs="+", default=["shapefile", "flatgeobuf", "geoparquet"])
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            path = write_points(Path(tmp), n)
            for fmt in args.formats:
                row = {"points": n, "format": fmt}
                for exporter in ("jmgeo", "geopandas"):
                    row[exporter] = measure(exporter, fmt, path, str(Path(tmp) / f"{exporter}_{fmt}_{n}"))
                row["ratio_export_mb"] = round(row["geopandas"]["export_mb"] / max(row["jmgeo"]["export_mb"], 0.1), 2)
                rows.append(row)
                save("export_memory", rows)
                j, g = row["jmgeo"], row["geopandas"]
                print(
                    f"{n:>9,} {fmt:<10} export: jmgeo {j['export_mb']:7.1f} MB ({j['seconds']:.1f} s), "
                    f"geopandas whole {g['export_mb']:7.1f} MB ({g['seconds']:.1f} s), "
                    f"geopandas/jmgeo {row['ratio_export_mb']:.2f}",
                    flush=True,
                )
    for fmt in args.formats:
        grown = growth_per_point(rows, fmt, "export_mb", ("jmgeo", "geopandas"))
        if grown:
            small, large, per_point = grown
            print(f"{fmt}: bytes a point the export grows by ({small['points']:,} -> {large['points']:,}): {per_point}")
    print(f"written {save('export_memory', rows).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
