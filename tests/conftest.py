"""Shared fixtures: the built-in layers and facts, the source documents, a built atlas."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
from pathlib import Path

import pytest

import jmgeo
from jmgeo._documents import find_documents_dir, load_document
from jmgeo._jsonfile import read_json
from jmgeo._registry import find_geodata_dir

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def geodata_dir() -> Path:
    return find_geodata_dir()


@pytest.fixture(scope="session")
def docs_dir() -> Path:
    folder = find_documents_dir()
    if folder is None:
        # The five articles are input data, not part of the project (their prose is not ours
        # to copy in): without them, the checks against them are skipped and say why.
        pytest.skip("source documents not found (../shared/seeds beside the checkout, or $JMGEO_DOCS)")
    return folder


@pytest.fixture(scope="session")
def documents(geodata_dir, docs_dir):
    names = [d["file"] for d in read_json(geodata_dir / "documents.json")["documents"]]
    return {name: load_document(name, docs_dir) for name in names}


@pytest.fixture(scope="session")
def layers():
    return jmgeo.load_layers()


@pytest.fixture(scope="session")
def facts():
    return jmgeo.load_facts()


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """The atlas built once into a temp folder by the library's main job."""
    out = tmp_path_factory.mktemp("atlas")
    jmgeo.build_atlas(out, log=None, static=True)
    return out


@pytest.fixture
def geodata_copy(tmp_path, geodata_dir) -> Path:
    """A writable copy of geodata/ for tests that break it on purpose."""
    dest = tmp_path / "geodata"
    shutil.copytree(geodata_dir, dest)
    return dest


_DATA_BLOCK = re.compile(r'<script type="application/json" id="jmgeo-data">(.*?)</script>', re.S)


def read_page_data(html: str) -> dict:
    """The JSON data block of a jmgeo page (there must be exactly one)."""
    blocks = _DATA_BLOCK.findall(html)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def edit_json(path: Path, change) -> None:
    """Load a JSON file, apply ``change`` to the data, write it back pretty-printed."""
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


@pytest.fixture(scope="session")
def browser():
    """One headless Debian chromium for all browser tests."""
    from browser import launch_browser

    yield from launch_browser()


def run_cli(argv) -> tuple[int, str, str]:
    """Run ``jmgeo.cli.main(argv)`` in this process; return ``(exit status, stdout, stderr)``.

    argparse ends ``--help``, ``--version`` and usage errors with SystemExit; its code is
    returned like any other exit status.
    """
    from jmgeo.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(arg) for arg in argv])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def cli():
    """The command line, in-process: ``code, out, err = cli(["check", "--geodata", path])``."""
    return run_cli
