"""The GeoPackage in QGIS itself: Debian's QGIS 3.22 LTR (python3-qgis), headless, run by tests/qgis_probe.py.

``scripts/setup.sh --test`` installs python3-qgis, as it installs chromium for the browser tests.
"""

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from jmgeo._layer_styles import LABEL_EXPRESSION, looks
from jmgeo._qgis_project import FACTS_SECTION, LINKS_DISPLAY, qgis_id
from jmgeo._registry import parse_registry

PROBE = Path(__file__).with_name("qgis_probe.py")
DEBIAN_PYTHON = "/usr/bin/python3"


def run_probe(*args) -> dict:
    image = Path(args[1] if args[0] != "--project" else args[2])
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(image.parent)}
    done = subprocess.run(
        [DEBIAN_PYTHON, str(PROBE), *map(str, args)], capture_output=True, text=True, timeout=300, env=env
    )
    if "No module named 'qgis'" in done.stderr:
        pytest.fail("Debian's python3-qgis is missing: run scripts/setup.sh --test")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


@pytest.fixture(scope="module")
def registry(geodata_dir):
    return parse_registry(geodata_dir)


@pytest.fixture(scope="module")
def in_qgis(built, registry, tmp_path_factory):
    image = tmp_path_factory.mktemp("qgis") / "atlas.png"
    names = [spec.id for spec in reversed(registry.layers)]  # the web map draws the city below the rest
    return run_probe(built / "jiangmen.gpkg", image, *names), image


@pytest.fixture(scope="module")
def project(built, tmp_path_factory):
    """The project stored in the GeoPackage, opened by QGIS from a copy elsewhere (its layer paths are relative)."""
    folder = tmp_path_factory.mktemp("qgis-project")
    (folder / "jiangmen.gpkg").write_bytes((built / "jiangmen.gpkg").read_bytes())
    image = folder / "project.png"
    return run_probe("--project", folder / "jiangmen.gpkg", image), image


def test_every_layer_opens_in_qgis_with_its_default_style(in_qgis, registry, layers):
    report, _ = in_qgis
    for spec in registry.layers:
        got = report[spec.id]
        assert got["valid"] and got["features"] == len(layers[spec.id]), spec.id
        assert got["renderer"] == "RuleRenderer", spec.id  # QGIS's own default would be a single random colour
        assert len(got["rules"]) == len(looks(spec, registry, city_latitude(layers, registry)))
        strokes = {rule["color"] for rule in got["rules"] if rule["symbol"] != "marker"}
        assert strokes <= {spec.color}, spec.id
        assert got["labels"] and got["label_expression"] == LABEL_EXPRESSION
        frame = layers[spec.id]
        assert got["label_texts"] == list(frame["name_zh"] + "\n" + frame["name_en"]), spec.id


def city_latitude(layers, registry) -> float:
    return float(layers[registry.city_layer].total_bounds[[1, 3]].mean())


def test_qgis_draws_schematic_areas_by_scale_as_the_page_does_by_zoom(in_qgis, registry, layers):
    """Below the page's zoom (layers.json schematic_areas) QGIS draws a schematic area's thin outline rule, above
    it the full one, at the scales QGIS itself reckons for a web map's zoom either side; other rules at both."""
    report, _ = in_qgis
    full_from = registry.schematic_areas["full_from_zoom"]
    split = []
    for spec in registry.layers:
        expected = looks(spec, registry, city_latitude(layers, registry))
        for rule, look in zip(report[spec.id]["rules"], expected, strict=True):
            assert rule["label"] == look.label, spec.id
            zooms = {float(z): drawn for z, drawn in rule["drawn_at_zoom"].items()}
            assert min(zooms) < full_from < max(zooms)  # the probe asks on both sides of the rule's zoom
            if look.min_denominator is not None:  # the thin outline
                split.append(spec.id)
                assert zooms == {z: z < full_from for z in zooms}, (spec.id, rule["label"])
            elif look.max_denominator is not None:
                assert zooms == {z: z >= full_from for z in zooms}, (spec.id, rule["label"])
            else:
                assert all(zooms.values()), (spec.id, rule["label"])
    assert "industrial_parks" in split  # the layer whose schematic areas (planned zones' circles) this is for


def pixels_near(pixels: np.ndarray, color: str, tolerance: int = 24) -> int:
    """How many pixels are within ``tolerance`` of ``color`` in every channel (strokes are drawn at 95 %)."""
    target = np.array([int(color[i : i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(pixels.astype(int) - target) <= tolerance).all(axis=-1).sum())


def test_qgis_draws_every_layer_in_its_web_map_colour(in_qgis, registry):
    _, image = in_qgis
    pixels = np.asarray(Image.open(image).convert("RGB"))
    for spec in registry.layers:
        count = pixels_near(pixels, spec.color)
        assert count >= 30, f"{spec.id}: {count} pixels near {spec.color}"
    assert pixels_near(pixels, "#ff00ff") == 0  # a colour no layer has: the check can fail


def test_the_stored_project_opens_with_the_web_maps_layers_groups_and_view(project, registry, layers):
    report, _ = project
    assert report["read"], report.get("error")
    assert report["crs"] == "EPSG:4326"
    groups = dict(report["groups"])
    themes = [qgis_id(s.id) for s in reversed(registry.layers) if s.role == "places"]
    assert list(groups) == ["主题 Themes", "边界 Boundaries", "背景 Context", "事实 Facts"]
    assert groups["主题 Themes"] == themes  # the web map's order: its last layer on top
    assert groups["边界 Boundaries"] == [qgis_id(registry.districts_layer), qgis_id(registry.city_layer)]
    assert groups["背景 Context"] == [qgis_id(s.id) for s in reversed(registry.layers) if s.role == "context"]
    for spec in registry.layers:
        got = report["layers"][qgis_id(spec.id)]
        assert got["valid"] and got["features"] == len(layers[spec.id]), spec.id
        assert got["renderer"] == "RuleRenderer" and got["labels"], spec.id
    assert report["extent"] == pytest.approx(list(layers[registry.city_layer].total_bounds), abs=1e-5)


def test_the_project_relates_each_feature_to_its_facts(project, registry, facts):
    report, _ = project
    relations = report["relations"]
    for spec in registry.layers:
        rel = relations[f"{spec.id}_facts"]
        assert rel["valid"] and rel["fields"] == [["feature_id", "id"]], spec.id
        assert rel["referenced"] == qgis_id(spec.id) and rel["referencing"] == qgis_id("feature_facts")
    assert relations["facts_links"]["valid"] and relations["facts_links"]["fields"] == [["fact_id", "id"]]
    ((feature, related),) = report["related_facts"].items()
    expected = facts[facts["feature_ids"].map(lambda ids: feature in ids)]
    assert sorted(fact_id for fact_id, *_ in related) == sorted(expected["id"])
    quotes = dict(zip(facts["id"], zip(facts["quote"], facts["doc"], strict=True), strict=True))
    assert all(quotes[fact_id] == (quote, doc) for fact_id, quote, doc, _ in related)
    # the form lists each link by its fact's quote and source (facts joined to feature_facts)
    assert all(joined == [quote, doc] for _, quote, doc, joined in related)
    assert report["links_display"] == LINKS_DISPLAY


def test_each_features_form_lists_its_facts_through_the_many_to_many_relation(project, registry, layers):
    """The form: the layer's fields, then its facts, following feature_facts on to the facts (n:m)."""
    report, _ = project
    forms = report["forms"]
    for spec in registry.layers:
        form = forms[qgis_id(spec.id)]
        assert form["drag_and_drop"], spec.id
        assert form["fields"] == ["fid", *(c for c in layers[spec.id].columns if c != "geometry")], spec.id
        # the relation to the link table, shown as the facts it leads to (the second relation's far side)
        assert form["relations"] == [[f"{spec.id}_facts", "facts_links", FACTS_SECTION, True]], spec.id
    assert forms[qgis_id("facts")]["relations"] == [] and not forms[qgis_id("facts")]["drag_and_drop"]


def test_the_project_renders_the_atlas_with_its_names(project, registry, layers):
    """Labels QGIS's engine placed on the rendered view: the city, every district, and some of every theme."""
    report, _ = project
    placed = report["labels_placed"]

    def names(layer_id):
        frame = layers[layer_id]
        return sorted(frame["name_zh"] + "\n" + frame["name_en"])

    assert placed[qgis_id(registry.city_layer)] == names(registry.city_layer)
    assert sorted(placed[qgis_id(registry.districts_layer)]) == names(registry.districts_layer)
    for spec in registry.layers:
        assert placed.get(qgis_id(spec.id)), f"{spec.id}: no label placed"
        assert set(placed[qgis_id(spec.id)]) <= set(names(spec.id)), spec.id


def test_the_project_renders_in_the_web_maps_colours(project, registry):
    _, image = project
    pixels = np.asarray(Image.open(image).convert("RGB"))
    for spec in registry.layers:
        assert pixels_near(pixels, spec.color) >= 30, spec.id


def test_a_features_form_renders_its_facts_with_quotes_and_sources(project, facts):
    """The form itself, built by QgsAttributeForm as QGIS shows it, drawn offscreen: its facts list, as displayed."""
    report, _ = project
    form = report["form"]
    feature = form["feature"]
    (editor,) = form["editors"]
    # the probe opens the first site's form; its facts are reached through feature_facts (n:m)
    assert editor["relation"] == "sites_facts" and editor["nm_relation"] == "facts_links"
    assert editor["visible"]
    about = facts[facts["feature_ids"].map(lambda ids: feature in ids)]
    assert len(about) > 1  # a feature with several facts: the list shows all of them
    assert sorted(editor["rows"]) == sorted(
        f"{quote} ({doc})" for quote, doc in zip(about["quote"], about["doc"], strict=True)
    )
    pixels = np.asarray(Image.open(form["image"]).convert("RGB"))
    assert pixels.shape[:2] == (form["size"][1], form["size"][0])
    assert (pixels < 128).all(axis=-1).sum() > 1000  # dark text drawn: not a blank widget


def test_a_layer_of_your_own_opens_styled_and_labelled_without_english_names(tmp_path, cli):
    """A user's file with Chinese names only (no name_en field): styled, and each feature labelled by its name."""
    source = tmp_path / "shops.geojson"
    features = [
        {
            "type": "Feature",
            "properties": {"name": f"店{i}"},
            "geometry": {"type": "Point", "coordinates": [113 + i / 100, 22.6]},
        }
        for i in range(3)
    ]
    source.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False), "utf-8")
    code, _, err = cli(["build", "--out", tmp_path / "out", "--layer", f"{source}:my_shops", "-q"])
    assert code == 0, err
    report = run_probe(tmp_path / "out" / "jiangmen.gpkg", tmp_path / "mine.png", "my_shops")
    got = report["my_shops"]
    assert got["valid"] and got["features"] == 3 and got["renderer"] == "RuleRenderer" and got["labels"]
    assert got["label_texts"] == ["店0", "店1", "店2"]
