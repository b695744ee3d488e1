"""The page's own assets, inlined into every page: Leaflet's JS and CSS, jmgeo's page script, styles and labels.

Leaflet comes from the ``django-js-lib-leaflet`` package (the Leaflet 1.9.4 dist files),
so a page renders with no network at all.
"""

from __future__ import annotations

import base64
import json
import re
from functools import lru_cache
from importlib import resources

__all__ = ["inline_assets", "labels"]


@lru_cache(maxsize=1)
def labels() -> dict[str, dict[str, str]]:
    """Return the page's interface text: ``{key: {"zh": ..., "en": ...}}`` (``static/labels.json``)."""
    return json.loads(_read_asset("jmgeo", "static/labels.json").decode("utf-8"))


_LEAFLET_PACKAGE = "js_lib_leaflet"
_LEAFLET_DIR = "static/js_lib_leaflet"


def _read_asset(package: str, relative: str) -> bytes:
    return resources.files(package).joinpath(relative).read_bytes()


def _atlas_script() -> str:
    """The page script: the files of ``static/atlas/`` in name order, inside one function scope.

    Plain concatenation (no bundler or minifier, so no build dependency): the parts share one
    scope, and the page still carries all it runs. See docs/page-script.md.
    """
    folder = resources.files("jmgeo").joinpath("static/atlas")
    parts = sorted((f for f in folder.iterdir() if f.name.endswith(".js")), key=lambda f: f.name)
    body = "".join(f"// -- {f.name}\n{f.read_text(encoding='utf-8')}\n" for f in parts)
    return f'(function () {{\n"use strict";\n\n{body}}})();\n'


@lru_cache(maxsize=1)
def inline_assets() -> dict[str, str]:
    """Return the page's inline assets: Leaflet JS and CSS (images as data URIs), jmgeo's JS and CSS.

    Raises
    ------
    RuntimeError
        If an asset contains a sequence that would end its ``<script>``/``<style>`` element.
    """
    leaflet_js = _read_asset(_LEAFLET_PACKAGE, f"{_LEAFLET_DIR}/leaflet.js").decode("utf-8")
    leaflet_css = _read_asset(_LEAFLET_PACKAGE, f"{_LEAFLET_DIR}/leaflet.css").decode("utf-8")

    def data_uri(match: re.Match) -> str:
        png = _read_asset(_LEAFLET_PACKAGE, f"{_LEAFLET_DIR}/{match.group(1)}")
        return "url(data:image/png;base64," + base64.b64encode(png).decode("ascii") + ")"

    leaflet_css = re.sub(r"url\((images/[\w.-]+\.png)\)", data_uri, leaflet_css)
    assets = {
        "leaflet_js": leaflet_js,
        "leaflet_css": leaflet_css,
        "atlas_js": _atlas_script(),
        "atlas_css": _read_asset("jmgeo", "static/atlas.css").decode("utf-8"),
    }
    for name, text in assets.items():
        closing = "</script" if name.endswith("_js") else "</style"
        if closing in text.lower():
            raise RuntimeError(f"asset {name} contains {closing!r} and cannot be inlined")
    return assets
