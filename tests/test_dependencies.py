"""Alarms for dependency behaviour jmgeo is built around (folium/branca templates and ids, GDAL dates).

pyproject.toml pins folium, branca and pyogrio to the releases these were checked on. When one of these
tests fails after an upgrade, the library changed behaviour: re-read ../shared/notes/security-and-reliability.md,
re-check jmgeo._escape / jmgeo._webmap._number_elements / jmgeo._export, then move the pin.
"""

from __future__ import annotations

import re
from importlib.metadata import version

import folium
import pytest
from branca.element import Element

from jmgeo._webmap import make_map, map_html

RANDOM_ID = re.compile(r"_[0-9a-f]{32}\b")


def test_branca_still_runs_map_text_through_jinja_a_second_time():
    """The hazard jmgeo._escape guards against: folium text containing {{ }} is evaluated at render time."""
    fmap = folium.Map(tiles=None)
    folium.Marker([22.5, 113.0], tooltip="{{7*7}}", popup=folium.Popup("{{ 6*7 }}")).add_to(fmap)
    html = fmap.get_root().render()
    assert "{{7*7}}" not in html and "49" in html and "42" in html, (
        f"folium {version('folium')} / branca {version('branca')} no longer evaluate text as a template: "
        "the escaping may now be relaxed, or (worse) another path may now be raw; re-check jmgeo._escape"
    )


def test_branca_ids_are_still_random_hex():
    """jmgeo replaces these ids (_webmap._number_elements); if branca changes how it names elements, redo that."""
    a, b = Element(), Element()
    assert re.fullmatch(r"[0-9a-f]{32}", a._id) and a._id != b._id, f"branca {version('branca')} changed element ids"
    assert a.get_name() == f"element_{a._id}", f"branca {version('branca')} no longer builds names from _id"


@pytest.fixture(scope="module")
def page(layers, facts):
    return map_html(make_map(layers, facts))


def test_the_page_has_no_random_ids(page):
    assert RANDOM_ID.findall(page) == []
    names = set(re.findall(r"\b(?:map|feature_group|layer_control|tile_layer)_([0-9a-f]+)\b", page))
    assert names and all(len(n) == 8 for n in names)  # jmgeo's counter ids


def test_layer_names_never_go_through_folium_templates(page):
    """The layer control is the page script's own, not folium's template (that its names show as
    text is checked in the browser: tests/test_browser.py::test_every_text_path_is_inert_in_the_browser)."""
    assert "layer_control_" not in page  # folium's LayerControl is not used


def test_pinned_versions_are_the_ones_installed():
    """The pins in pyproject.toml are the versions these alarms were last checked on."""
    assert version("folium").startswith("0.20.")
    assert version("branca").startswith("0.8.")
    assert version("pyogrio").startswith("0.13.")
