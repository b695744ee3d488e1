"""The GeoPackage meets the standard as GDAL's own validator reads it, and opens in GDAL 3.6 without a warning.

Both run Debian's GDAL 3.6 (``python3-gdal``, installed by ``scripts/setup.sh --test``) in Debian's
own ``/usr/bin/python3``, against the atlas the library builds: the version QGIS 3.22 LTR ships with.
"""

import sqlite3
import subprocess

import pytest

from jmgeo._export import GPKG_TIMESTAMP, GPKG_VERSION

DEBIAN_PYTHON = "/usr/bin/python3"


def _debian_gdal(*args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([DEBIAN_PYTHON, *args], capture_output=True, text=True, timeout=120)
    if "No module named 'osgeo" in done.stderr:
        pytest.fail("Debian's python3-gdal is missing: run scripts/setup.sh --test")
    return done


def test_gdal_validator_passes_with_extra_checks_and_warnings_as_errors(built):
    path = built / "jiangmen.gpkg"
    done = _debian_gdal("-m", "osgeo_utils.samples.validate_gpkg", "--extra", "--warning-as-error", str(path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout + done.stderr == ""


def test_gdal_validator_still_catches_the_old_timestamp(tmp_path, built):
    """The validator run above can fail: the whole-second ``last_change`` of earlier builds is rejected."""
    path = tmp_path / "old.gpkg"
    path.write_bytes((built / "jiangmen.gpkg").read_bytes())
    with sqlite3.connect(path) as db:
        db.execute("UPDATE gpkg_contents SET last_change = '2000-01-01T00:00:00Z'")
    done = _debian_gdal("-m", "osgeo_utils.samples.validate_gpkg", str(path))
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
