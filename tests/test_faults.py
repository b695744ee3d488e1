"""Fault injection: a build that fails for any reason leaves every earlier output byte for byte, and no temp file.

The earlier outputs are built from *different* data (a renamed place), so a build that wrongly replaced
even one file would be seen. Faults: an exception while rendering, an exception after some outputs are
already staged, a full disk (RLIMIT_FSIZE in a child process: the kernel refuses the write), and a
read-only output folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import jmgeo
import jmgeo._files
import jmgeo._webmap
from jmgeo._tally import RecordTally

CORPUS = Path(__file__).parent / "corpus"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() or p.is_symlink()
    }


@pytest.fixture
def setup(tmp_path):
    """(geodata, docs, out, before): outputs built from an older version of the data, and the new data."""
    geodata = tmp_path / "geodata"
    shutil.copytree(CORPUS / "base", geodata)
    sites = geodata / "places" / "sites.json"
    new_text = sites.read_text(encoding="utf-8")
    sites.write_text(new_text.replace('"name_en": "Test tower"', '"name_en": "Old tower"'), encoding="utf-8")
    out = tmp_path / "out"
    jmgeo.build_atlas(out, geodata_dir=geodata, docs_dir=geodata / "docs", static=False, log=None)
    sites.write_text(new_text, encoding="utf-8")
    before = snapshot(out)
    assert b"Old tower" in before["jiangmen.html"] and b"Old tower" in before["jiangmen.gpkg"]
    return geodata, geodata / "docs", out, before


def build(setup, tally=None):
    geodata, docs, out, _ = setup
    return jmgeo.build_atlas(out, geodata_dir=geodata, docs_dir=docs, static=False, log=None, tally=tally)


def test_the_new_data_would_change_every_output(setup, tmp_path):
    """Guard for the tests below: a successful build really replaces every file."""
    geodata, docs, out, before = setup
    fresh = tmp_path / "fresh"
    jmgeo.build_atlas(fresh, geodata_dir=geodata, docs_dir=docs, static=False, log=None)
    changed = {name for name, data in snapshot(fresh).items() if before.get(name) != data}
    assert {"jiangmen.html", "jiangmen.gpkg", "geojson/sites.geojson"} <= changed


def test_an_exception_while_rendering_keeps_everything(setup, monkeypatch):
    def broken(fmap):
        raise RuntimeError("render failed (injected)")

    monkeypatch.setattr(jmgeo._webmap, "page_chunks", broken)  # what a build renders its pages with
    tally = RecordTally()
    with pytest.raises(RuntimeError, match="injected"):
        build(setup, tally)
    assert snapshot(setup[2]) == setup[3]
    assert tally.written == 0 and tally.rejected == tally.read > 0


def test_an_exception_in_the_middle_of_a_streamed_page_keeps_everything(setup, monkeypatch):
    """A page written as a stream (one with a large layer of your own) that fails half-way leaves nothing."""

    def broken(fmap):
        yield "<!DOCTYPE html><html>"
        yield "<p>half a page"
        raise RuntimeError("stream failed (injected)")

    monkeypatch.setattr(jmgeo._webmap, "page_chunks", broken)
    tally = RecordTally()
    with pytest.raises(RuntimeError, match="injected"):
        build(setup, tally)
    assert snapshot(setup[2]) == setup[3]
    assert tally.written == 0 and tally.rejected == tally.read > 0


def test_an_exception_after_some_outputs_are_staged_keeps_everything(setup, monkeypatch):
    staged = []
    real_write = jmgeo._files.OutputStage.write

    def spy(self, path, data, verify=None):
        staged.append(Path(path).name)
        return real_write(self, path, data, verify)

    def broken(self, path, writer, suffix=".tmp"):  # the GeoPackage is the one output GDAL writes itself
        raise OSError("GeoPackage failed (injected)")

    monkeypatch.setattr(jmgeo._files.OutputStage, "write", spy)
    monkeypatch.setattr(jmgeo._files.OutputStage, "write_with", broken)
    with pytest.raises(OSError, match="injected"):
        build(setup)
    assert "jiangmen.html" in staged and "sites.geojson" in staged  # they were written as temp files ...
    assert snapshot(setup[2]) == setup[3]  # ... and removed, the old files untouched


CHILD = textwrap.dedent(
    """
    import resource, signal, sys
    import jmgeo._files
    from jmgeo.cli import main

    limit, when = int(sys.argv[1]), sys.argv[2]
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write then fails with EFBIG, as on a full disk

    def full_disk():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))

    if when == "start":
        full_disk()
    else:  # the disk fills up while the GeoPackage is written, after the page and GeoJSON are staged
        real = jmgeo._files.OutputStage.write_with
        def geopackage(self, *args, **kwargs):
            full_disk()
            return real(self, *args, **kwargs)
        jmgeo._files.OutputStage.write_with = geopackage
    sys.exit(main(sys.argv[3:]))
    """
)


@pytest.mark.parametrize("limit,when", [(100_000, "start"), (64_000, "geopackage")])
def test_a_full_disk_keeps_everything(setup, limit, when):
    geodata, docs, out, before = setup
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            CHILD,
            str(limit),
            when,
            "build",
            "--out",
            str(out),
            "--geodata",
            str(geodata),
            "--docs",
            str(docs),
            "-q",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0, result.stdout
    assert result.stdout == ""  # no path is reported as written
    last = result.stderr.strip().splitlines()
    assert "jmgeo build: cannot write the outputs" in last[-2], result.stderr[-2000:]
    assert "File too large" in last[-2] or "disk full" in last[-2]
    assert last[-1].endswith("nothing was written, earlier outputs are unchanged")
    assert snapshot(out) == before


DROP_FILE_CAPS = textwrap.dedent(
    """
    import ctypes, os, sys
    if os.geteuid() == 0:
        # root ignores file permissions; drop the capabilities that let it (DAC override, DAC read
        # search, fowner) from the bounding set, so the exec'd python is bound by the folder's mode
        libc = ctypes.CDLL(None, use_errno=True)
        for cap in (1, 2, 3):
            if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
                sys.exit(77)
    os.execv(sys.executable, [sys.executable, "-m", "jmgeo"] + sys.argv[1:])
    """
)


def test_a_read_only_folder_keeps_everything(setup):
    geodata, docs, out, before = setup
    folders = [out, out / "geojson"]
    for folder in folders:
        folder.chmod(0o555)
    try:
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                DROP_FILE_CAPS,
                "build",
                "--out",
                str(out),
                "--geodata",
                str(geodata),
                "--docs",
                str(docs),
                "-q",
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        for folder in folders:
            folder.chmod(0o755)
    if result.returncode == 77:
        pytest.skip("running as root without CAP_SETPCAP: cannot make a folder read-only for this process")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Permission denied" in result.stderr and "earlier outputs are unchanged" in result.stderr
    assert snapshot(out) == before


def test_outputs_keep_the_permissions_of_the_files_they_replace(setup):
    geodata, docs, out, _ = setup
    (out / "jiangmen.html").chmod(0o640)
    build(setup)
    assert (out / "jiangmen.html").stat().st_mode & 0o777 == 0o640
    umask = os.umask(0)
    os.umask(umask)
    assert (out / "geojson" / "sites.geojson").stat().st_mode & 0o777 == 0o666 & ~umask
    assert (
        json.loads((out / "geojson" / "sites.geojson").read_text(encoding="utf-8"))["features"][0]["properties"][
            "name_en"
        ]
        == "Test tower"
    )
