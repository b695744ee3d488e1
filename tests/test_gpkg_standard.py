"""The GeoPackage meets the standard as GDAL's own validators read it, and opens in GDAL 3.6 without a warning.

Both run Debian's GDAL 3.6 (``python3-gdal``, installed by ``scripts/setup.sh --test``) in Debian's
own ``/usr/bin/python3``, against the atlas the library builds: the version QGIS 3.22 LTR ships with.
The validator runs twice: Debian's (GDAL 3.6) and the current release's (PyPI's pure-Python
``gdal-utils``, installed by setup into ``.venv/gdal-utils`` and put first on ``PYTHONPATH``; it runs on
the 3.6 bindings).
"""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from jmgeo._export import GPKG_TIMESTAMP, GPKG_VERSION

DEBIAN_PYTHON = "/usr/bin/python3"
#: gdal-utils of the current GDAL release, installed by scripts/setup.sh --test beside the venv's packages.
GDAL_UTILS = Path(sys.prefix) / "gdal-utils"
GDAL_UTILS_VERSION = "3.13.3.0"
#: Which validator: Debian's (GDAL 3.6) or the current release's (gdal-utils on PYTHONPATH).
VALIDATORS = {"gdal-3.6": None, f"gdal-utils-{GDAL_UTILS_VERSION}": GDAL_UTILS}


def _debian_gdal(*args: str, pythonpath: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if pythonpath is not None:
        if not (pythonpath / f"gdal_utils-{GDAL_UTILS_VERSION}.dist-info").is_dir():
            pytest.fail(f"gdal-utils {GDAL_UTILS_VERSION} is missing from {pythonpath}: run scripts/setup.sh --test")
        env["PYTHONPATH"] = str(pythonpath)
    done = subprocess.run([DEBIAN_PYTHON, *args], capture_output=True, text=True, timeout=120, env=env)
    if "No module named 'osgeo" in done.stderr:
        pytest.fail("Debian's python3-gdal is missing: run scripts/setup.sh --test")
    return done


def test_the_current_validator_is_the_one_run_on_gdal_36_bindings():
    script = "import osgeo, osgeo_utils.samples.validate_gpkg as v; print(osgeo.__version__); print(v.__file__)"
    done = _debian_gdal("-c", script, pythonpath=GDAL_UTILS)
    assert done.returncode == 0, done.stderr
    bindings, module = done.stdout.split()
    assert bindings.startswith("3.6") and Path(module).is_relative_to(GDAL_UTILS)


@pytest.mark.parametrize("validator", VALIDATORS)
def test_gdal_validator_passes_with_extra_checks_and_warnings_as_errors(built, validator):
    path = built / "jiangmen.gpkg"
    done = _debian_gdal(
        "-m",
        "osgeo_utils.samples.validate_gpkg",
        "--extra",
        "--warning-as-error",
        str(path),
        pythonpath=VALIDATORS[validator],
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout + done.stderr == ""


@pytest.mark.parametrize("validator", VALIDATORS)
def test_gdal_validator_still_catches_the_old_timestamp(tmp_path, built, validator):
    """The validator run above can fail: the whole-second ``last_change`` of earlier builds is rejected."""
    path = tmp_path / "old.gpkg"
    path.write_bytes((built / "jiangmen.gpkg").read_bytes())
    with sqlite3.connect(path) as db:
        db.execute("UPDATE gpkg_contents SET last_change = '2000-01-01T00:00:00Z'")
    done = _debian_gdal("-m", "osgeo_utils.samples.validate_gpkg", str(path), pythonpath=VALIDATORS[validator])
    assert done.returncode != 0
    assert "Req 15" in done.stdout + done.stderr


def test_gdal_36_opens_the_geopackage_without_a_warning(built):
    script = (
        "import sys; from osgeo import gdal, ogr; gdal.UseExceptions(); "
        "ds = ogr.Open(sys.argv[1]); print(gdal.__version__, ds.GetLayerCount())"
    )
    done = _debian_gdal("-c", script, str(built / "jiangmen.gpkg"))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # GDAL 3.6 warns on every open of a 1.4 file ("only partially supported")
    version, count = done.stdout.split()
    assert version.startswith("3.6") and int(count) >= 8


def test_declared_version_timestamps_and_rtree_triggers(built, layers):
    with sqlite3.connect(built / "jiangmen.gpkg") as db:
        assert db.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47  # "GPKG"
        major, minor = (int(n) for n in GPKG_VERSION.split("."))
        assert db.execute("PRAGMA user_version").fetchone()[0] == major * 10000 + minor * 100
        stamps = {row[0] for row in db.execute("SELECT last_change FROM gpkg_contents")}
        assert stamps == {GPKG_TIMESTAMP}
        triggers = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    for name in layers:
        for kind in ("insert", "update1", "update2", "update3", "update4", "delete"):
            assert f"rtree_{name}_geom_{kind}" in triggers, (name, kind)
