"""The map page: self-contained, one group per layer, all text as inert data."""

import re

import pytest

from conftest import read_page_data
from jmgeo._geodata import read_geodata
from jmgeo._page_assets import inline_assets
from jmgeo._webmap import make_map, map_html
from payloads import PAYLOADS


@pytest.fixture(scope="module")
def page(layers, facts):
    return map_html(make_map(layers, facts))


def test_page_loads_nothing_from_the_network(page):
    assert not re.search(r"<script[^>]+\bsrc=", page, re.I)
    assert not re.search(r"<link[^>]+\bhref=", page, re.I)
    assert not re.search(r"@import", page)
    # Leaflet itself is inside the page
    assert inline_assets()["leaflet_js"] in page


def test_every_layer_is_a_toggleable_group(page, layers):
    data = read_page_data(page)
    assert [layer["id"] for layer in data["layers"]] == list(layers)
    for layer in data["layers"]:
        assert len(layer["features"]["features"]) == len(layers[layer["id"]])
    init = re.search(r"jmgeoAtlas\.init\((map_\w+), \{(.*?)\}, JSON", page, re.S)
    assert init, "the page script is not started"
    groups = dict(re.findall(r'"(\w+)": (feature_group_\w+)', init.group(2)))
    assert list(groups) == list(layers)
    for name in groups.values():
        assert f"var {name} = L.featureGroup(" in page


def test_popup_data_carries_facts_with_quote_and_source(page, facts):
    data = read_page_data(page)
    assert set(data["facts"]) == set(facts["id"])
    fact = data["facts"]["d003_land_area"]
    assert fact["doc"] == "003_9c497632972d8ca3.txt" and "9535" in fact["quote"]
    hub = next(
        f for f in data["layers"][3]["features"]["features"] if f["properties"]["id"] == "zhuxi_logistics_centre"
    )
    assert hub["properties"]["fact_ids"] and all(fid in data["facts"] for fid in hub["properties"]["fact_ids"])
    assert data["city"]["fact_ids"] and data["city"]["area_km2_documented"] == 9535


def test_legend_and_precision_styles_come_from_the_registry(page):
    data = read_page_data(page)
    reg = read_geodata().registry
    assert data["precision_styles"] == reg.precision_styles
    assert {layer["id"]: layer["color"] for layer in data["layers"]} == {s.id: s.color for s in reg.layers}


def test_same_map_renders_to_the_same_bytes(layers, facts):
    assert map_html(make_map(layers, facts)) == map_html(make_map(layers, facts))


@pytest.fixture(scope="module")
def hostile(layers, facts):
    """Every text column of every layer, and every fact text, replaced by payloads."""
    layers = {name: frame.copy() for name, frame in layers.items()}
    for frame in layers.values():
        for i, col in enumerate(("name_zh", "name_en", "note", "position_source", "position_method", "kind")):
            if col in frame.columns:
                frame[col] = PAYLOADS[i % len(PAYLOADS)] + " " + PAYLOADS[(i + 3) % len(PAYLOADS)]
    facts = facts.copy()
    facts["quote"] = [PAYLOADS[i % len(PAYLOADS)] for i in range(len(facts))]
    facts["claim_en"] = "{{7*7}} {% raw %} ${alert(1)}"
    facts["unit"] = "</script><script>alert(1)</script>"
    return layers, facts


def test_hostile_text_stays_data(hostile):
    layers, facts = hostile
    html = map_html(make_map(layers, facts))
    for payload in PAYLOADS:
        if any(ch in payload for ch in "<>{}$`'\"\\"):
            assert payload not in html, payload
    data = read_page_data(html)
    names = {f["properties"]["name_zh"] for layer in data["layers"] for f in layer["features"]["features"]}
    assert PAYLOADS[0] + " " + PAYLOADS[3] in names
    assert all(f["claim_en"] == "{{7*7}} {% raw %} ${alert(1)}" for f in data["facts"].values())
    assert "49" not in {f["claim_en"] for f in data["facts"].values()}
