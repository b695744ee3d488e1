"""The shared test vectors (tests/vectors/, see make_vectors.py), recomputed by the Python side.

tests/test_page_script.py checks the page script against the same files.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import shapely
from shapely.geometry import shape

from jmgeo._crs import wgs84_to_gcj02
from jmgeo._page_data import encode_geometry
from jmgeo._search import feature_keys, fold_table, normalize_key, rank, sound_table

VECTORS = Path(__file__).resolve().parent / "vectors"


def load(name: str) -> list[dict]:
    return json.loads((VECTORS / f"{name}.json").read_text(encoding="utf-8"))


def test_gcj02_shift_matches_the_vectors():
    rows = load("gcj02")
    assert len(rows) >= 15
    shifted = 0
    for row in rows:
        lon, lat = (float(v) for v in wgs84_to_gcj02(*row["wgs84"]))
        assert lon == pytest.approx(row["gcj02"][0], abs=1e-12) and lat == pytest.approx(row["gcj02"][1], abs=1e-12), (
            row
        )
        shifted += row["gcj02"] != row["wgs84"]
    assert 5 <= shifted < len(rows)  # inside China shifted, outside unchanged


def test_search_keys_match_the_vectors():
    rows = load("search_keys")
    assert len(rows) >= 100 and any(r["text"] != r["key"] for r in rows)
    assert [normalize_key(r["text"]) for r in rows] == [r["key"] for r in rows]


def test_search_ranks_match_the_vectors():
    vectors = json.loads((VECTORS / "search_ranks.json").read_text(encoding="utf-8"))
    index, facts, cases = vectors["index"], vectors["facts"], vectors["cases"]
    places = vectors["places"]
    names = [n for _, zh, en, aliases in places for n in (zh, en, *aliases)]
    assert fold_table(names + [f["quote"] + (f["unit"] or "") for f in facts.values()]) == index["fold"]
    assert sound_table(names) == index["sounds"]
    assert index["entries"] == [
        {"id": fid, "layer": "places", **feature_keys([zh, en, *aliases])} for fid, zh, en, aliases in places
    ]
    whys = {r["why"] for c in cases for r in c["results"]}
    assert whys >= {"name", "pinyin", "initials", "traditional", "sound", "spelling", "words", "fact", "nearest"}
    assert [rank(c["query"], index, facts) for c in cases] == [c["results"] for c in cases]


def test_geometry_encoding_matches_the_vectors():
    rows = load("geometry")
    assert {r["geometry"]["type"] for r in rows} >= {
        "Point",
        "LineString",
        "Polygon",
        "MultiPolygon",
        "GeometryCollection",
    }
    for row in rows:
        assert encode_geometry(shape(row["geometry"]), 5) == row["encoded"] and row["scale"] == 10**5
        # decoded is the input to within half a step of the quantisation
        got, want = shape(row["decoded"]), shape(row["geometry"])
        assert got.geom_type == want.geom_type, row["geometry"]
        step = np.abs(shapely.get_coordinates(got) - shapely.get_coordinates(want))
        assert step.shape[0] == len(shapely.get_coordinates(want)) and step.max() <= 0.5 / row["scale"] + 1e-12, row[
            "geometry"
        ]
