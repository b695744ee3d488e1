"""What bench/layer_memory.py and bench/export_memory.py share: the random point file, the children's
memory probe, the growth per point between sizes, and the results file."""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Python source that starts each measuring child: ``status("VmHWM")`` etc. in MB (from ``/proc/self/status``),
#: and ``reset_peak()``, which sets the peak (VmHWM) back to the current RSS (Linux ``clear_refs``).
CHILD_PROBE = r"""
def status(key):  # kB in /proc/self/status
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
def reset_peak():
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
"""


def points_frame(n: int):
    """``n`` random points over Jiangmen (seeded by ``n``), each with an id and a Chinese name."""
    import geopandas as gpd
    import numpy as np
    import shapely

    rng = np.random.default_rng(n)
    return gpd.GeoDataFrame(
        {"id": [f"p{i}" for i in range(n)], "name": [f"测试点{i}" for i in range(n)]},
        geometry=shapely.points(rng.uniform(112.0, 113.3, n), rng.uniform(21.5, 22.9, n)),
        crs=4326,
    )


def growth_per_point(rows: list, fmt: str, key: str, who: tuple[str, ...]) -> tuple[dict, dict, dict] | None:
    """Bytes a point ``key`` (MB) grows by from the smallest to the largest size of ``fmt``, for each of ``who``."""
    mine = [r for r in rows if r["format"] == fmt]
    if len(mine) < 2:
        return None
    small, large = mine[0], mine[-1]
    points = large["points"] - small["points"]
    return small, large, {w: round((large[w][key] - small[w][key]) * 1e6 / points, 1) for w in who}


def save(name: str, rows: list, note: str | None = None) -> Path:
    """Write the rows so far to ``bench/results/<name>.json`` (after each row: a long run keeps what it measured)."""
    result = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "load": os.getloadavg()},
        **({"note": note} if note else {}),
        "rows": rows,
    }
    out = ROOT / "bench" / "results" / f"{name}.json"
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return out
