"""Write the test vectors that Python and the page script must agree on.

Inputs -> output, one JSON file each (run from the repository: ``.venv/bin/python tests/vectors/make_vectors.py``):

- ``gcj02.json``: WGS84 ``[lon, lat]`` -> ``jmgeo._crs.wgs84_to_gcj02`` ``[lon, lat]`` (in and
  around Jiangmen, China's corners, and points outside China, which are unchanged).
- ``search_keys.json``: text -> ``jmgeo._search.normalize_key(text)`` (hand-picked cases and
  every Chinese and English name of the built-in layers).
- ``search_ranks.json``: a small search index (``jmgeo._search``: the entries of a few places, the fold
  and sounds tables of their names, three of the documents' facts) and queries of every kind ->
  ``jmgeo._search.rank`` (the results, in order, with why each matched).
- ``geometry.json``: a GeoJSON geometry -> ``jmgeo._page_data.encode_geometry`` (5 decimals) and the
  decoded GeoJSON (the encoded integers summed along each line, divided by the scale).

tests/test_vectors.py recomputes the outputs with the Python code; tests/test_page_script.py
computes them in the browser with the page script (wgs84ToGcj02, searchKey, rankMatches, decodeGeometry).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from shapely.geometry import mapping, shape

HERE = Path(__file__).resolve().parent
DECIMALS = 5

GCJ02_INPUTS = [
    [113.08, 22.58],
    [112.75, 21.70],
    [112.52, 22.12],
    [114.27, 22.57],
    [112.3, 21.9],
    [112.79, 22.25],
    [113.2644, 23.1291],
    [116.391, 39.907],
    [121.4737, 31.2304],
    [72.005, 0.83],
    [137.83, 55.82],
    [105.0, 35.0],
    [100.5, 13.75],
    [72.0, 30.0],
    [138.0, 30.0],
    [110.0, 0.5],
    [110.0, 56.0],
    [-0.1276, 51.5072],
    [0.0, 0.0],
]

SEARCH_CASES = [
    "Gāoshā Gǎng",
    "高沙港（江门）",
    "江门国际货柜码头",
    "  Jiang-men, Port!  ",
    "gaosha_gang",
    "ＡＢＣ１２３",
    "ﬁeld",
    "Ⅻ",
    "Café Müller",
    "Nǚ Lǜ",
    "Zhōngwēizǐ",
    "台山·广海",
    "《江门日报》",
    "A&B/C\\D",
    "1.5 km²",
    "tab\there",
    "new\nline",
    "emoji 🚢 port",
    "江門",
    "Xinhui (新会区)",
    "",
]

# (id, name_zh, name_en, aliases): the city first, as on every page (facts of no place listed lead to it)
SEARCH_PLACES = [
    ("jiangmen", "江门市", "Jiangmen", ["江门", "侨都", "Kongmoon"]),
    ("gaosha_port", "高沙港", "Gaosha Port (Jiangmen International Container Terminal)", ["江门国际货柜码头", "高沙"]),
    ("heshan", "鹤山市", "Heshan", ["鹤山", "Hokshan"]),
    ("juno", "江门中微子实验室", "Jiangmen Underground Neutrino Observatory", ["JUNO"]),
    ("zhuxi_logistics_centre", "珠西国际物流中心", "Zhuxi International Logistics Centre", ["珠西物流中心"]),
    ("chikan_old_town", "赤坎华侨古镇", "Chikan Overseas Chinese Old Town", ["赤坎古镇"]),
]
SEARCH_FACT_IDS = ["d003_land_area", "d002_gdp_2023", "d001_cluster_area"]  # the last one's place is not listed
SEARCH_QUERIES = [
    "高沙",
    "gaosha",
    "Gāoshā Gǎng",
    "GAOSHA GANG",
    "gsg",
    "zxwl",
    "鶴山",
    "江門中微子實驗室",
    "高沙刚",
    "珠西物留中心",
    "neutrino observatry",
    "zhuxi logistics center",
    "centre zhuxi",
    "chikan guzhen",
    "ckgz",
    "hesan",
    "9535",
    "9,535",
    "9535平方公里",
    "1395 km²",
    "4022.25",
    "GDP",
    "地区生产总值",
    "land area",
    "江门 GDP",
    "xyzzy",
    "港口吞吐量",
    "",
    "7*7",
    "Ⅻ",
    "侨都",
]

GEOMETRIES = [
    {"type": "Point", "coordinates": [113.08, 22.58]},
    {"type": "Point", "coordinates": [-0.127654, 51.507222]},
    {"type": "LineString", "coordinates": [[113.08, 22.58], [113.0801, 22.5799], [112.999996, 22.600004]]},
    {"type": "MultiPoint", "coordinates": [[112.5, 22.0], [112.500004, 22.000006], [-70.0, -33.4]]},
    {
        "type": "Polygon",
        "coordinates": [
            [[112.0, 22.0], [113.0, 22.0], [113.0, 23.0], [112.0, 23.0], [112.0, 22.0]],
            [[112.2, 22.2], [112.2, 22.4], [112.4, 22.4], [112.2, 22.2]],
        ],
    },
    {
        "type": "MultiLineString",
        "coordinates": [[[113.0, 22.0], [113.123456, 22.654321]], [[8.68, 50.11], [113.1, 22.6]]],
    },
    {
        "type": "MultiPolygon",
        "coordinates": [
            [[[112.0, 22.0], [112.1, 22.0], [112.1, 22.1], [112.0, 22.0]]],
            [[[113.0, 21.5], [113.333333, 21.5], [113.333333, 21.666667], [113.0, 21.5]]],
        ],
    },
    {
        "type": "GeometryCollection",
        "geometries": [
            {"type": "Point", "coordinates": [112.9, 22.3]},
            {"type": "LineString", "coordinates": [[112.9, 22.3], [112.95, 22.35]]},
        ],
    },
]


def gcj02_vectors() -> list[dict]:
    from jmgeo._crs import wgs84_to_gcj02

    return [{"wgs84": p, "gcj02": [float(v) for v in wgs84_to_gcj02(*p)]} for p in GCJ02_INPUTS]


def search_vectors() -> list[dict]:
    import jmgeo
    from jmgeo._search import normalize_key

    names = []
    for frame in jmgeo.load_layers().values():
        for col in ("name_zh", "name_en"):
            names += [n for n in frame[col] if isinstance(n, str) and n not in names]
    return [{"text": t, "key": normalize_key(t)} for t in SEARCH_CASES + names]


def search_rank_vectors() -> dict:
    """The small index, the facts and each query's ranking: rows of ``{"query", "results"}``."""
    import jmgeo
    from jmgeo._search import feature_keys, fold_table, rank, sound_table
    from jmgeo._values import json_value

    entries = [{"id": i, "layer": "places", **feature_keys([zh, en, *al])} for i, zh, en, al in SEARCH_PLACES]
    names = [n for _, zh, en, al in SEARCH_PLACES for n in (zh, en, *al)]
    records = {r["id"]: r for r in jmgeo.load_facts().to_dict(orient="records")}
    facts = {}
    for fid in SEARCH_FACT_IDS:
        rec = records[fid]
        facts[fid] = {k: json_value(rec[k]) for k in ("id", "quote", "claim_en", "number_text", "unit", "year")}
    position = {e["id"]: n for n, e in enumerate(entries)}
    targets = [next((position[f] for f in records[fid]["feature_ids"] if f in position), 0) for fid in facts]
    texts = names + [facts[f]["quote"] + (facts[f]["unit"] or "") for f in facts]
    index = {"entries": entries, "facts": targets, "fold": fold_table(texts), "sounds": sound_table(names)}
    return {
        "places": [list(p) for p in SEARCH_PLACES],
        "index": index,
        "facts": facts,
        "cases": [{"query": q, "results": rank(q, index, facts)} for q in SEARCH_QUERIES],
    }


def _decode(g: dict, scale: int) -> dict:
    """The encoded geometry back to GeoJSON: each flat integer list summed pairwise, over scale."""

    def line(ints):
        return (np.cumsum(np.asarray(ints, dtype=np.int64).reshape(-1, 2), axis=0) / scale).tolist()

    kind, d = g["type"], g.get("delta")
    if kind == "GeometryCollection":
        return {"type": kind, "geometries": [_decode(x, scale) for x in g["geometries"]]}
    if kind == "Point":
        coords = line(d)[0]
    elif kind in ("LineString", "MultiPoint"):
        coords = line(d)
    elif kind in ("Polygon", "MultiLineString"):
        coords = [line(r) for r in d]
    else:
        coords = [[line(r) for r in p] for p in d]
    return {"type": kind, "coordinates": coords}


def geometry_vectors() -> list[dict]:
    from jmgeo._page_data import encode_geometry

    scale = 10**DECIMALS
    out = []
    for g in GEOMETRIES:
        encoded = encode_geometry(shape(g), DECIMALS)
        out.append(
            {
                "geometry": json.loads(json.dumps(mapping(shape(g)))),
                "scale": scale,
                "encoded": encoded,
                "decoded": _decode(encoded, scale),
            }
        )
    return out


def main() -> None:
    for name, rows in (("gcj02", gcj02_vectors()), ("search_keys", search_vectors()), ("geometry", geometry_vectors())):
        path = HERE / f"{name}.json"
        lines = ",\n".join(json.dumps(row, ensure_ascii=False) for row in rows)  # one vector a line
        path.write_text(f"[\n{lines}\n]\n", encoding="utf-8")
        print(f"{path}: {len(rows)} vectors")
    ranks = search_rank_vectors()
    cases = ",\n".join(json.dumps(row, ensure_ascii=False) for row in ranks.pop("cases"))
    head = json.dumps(ranks, ensure_ascii=False)[:-1]  # the index and facts, then the cases one a line
    (HERE / "search_ranks.json").write_text(f'{head},\n"cases": [\n{cases}\n]}}\n', encoding="utf-8")
    print(f"{HERE / 'search_ranks.json'}: {len(SEARCH_QUERIES)} vectors")


if __name__ == "__main__":
    main()
