"""The bad-input corpus: every case in tests/corpus/cases has exactly the outcome its row in expected.json gives.

A case is a small set of files laid over tests/corpus/base (a tiny valid geodata folder with its own
synthetic document). The check must report exactly the listed problems (file, line/key/feature, what
and how to fix) or repairs; the build must then write nothing (error) or write what it said (repair, ok),
and earlier outputs must survive a refused build byte for byte.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from shapely.geometry import shape

import jmgeo
from jmgeo import check_geodata
from jmgeo._errors import JmgeoError
from jmgeo._tally import RecordTally

CORPUS = Path(__file__).parent / "corpus"
TABLE = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))["cases"]
ROWS = {row["case"]: row for row in TABLE}


def make_case(tmp_path: Path, case: str) -> Path:
    """Copy the base geodata and lay the case's files over it; return the geodata folder."""
    dest = tmp_path / "geodata"
    shutil.copytree(CORPUS / "base", dest)
    if (CORPUS / "cases" / case).is_dir():
        shutil.copytree(CORPUS / "cases" / case, dest, dirs_exist_ok=True)
    return dest


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_every_case_folder_has_a_row_and_every_row_a_folder():
    folders = {p.name for p in (CORPUS / "cases").iterdir() if p.is_dir()}
    assert folders == set(ROWS) - {"valid_base"}
    assert len(ROWS) == len(TABLE), "duplicate case names in expected.json"


def test_the_corpus_covers_the_security_notes():
    covered = " ".join(ROWS)
    for topic in (
        "truncated",
        "trailing_comma",
        "lowercase_feature",
        "lowercase_point",
        "nan",
        "infinity",
        "string_coordinates",
        "unknown_geometry",
        "unclosed_ring",
        "self_intersection",
        "projected_metres",
        "swapped_lat_lon",
        "gcj02",
        "bd09",
        "empty_geometry",
        "duplicate_id",
        "unknown_feature",
        "gbk",
        "yaml_tabs",
        "yaml_duplicate_keys",
        "yaml_coercions",
        "yaml_fullwidth_colon",
        "fullwidth",
        "chinese_numeral",
        "minus_sign",
    ):
        assert topic in covered, topic


@pytest.mark.parametrize("case", list(ROWS))
def test_check_gives_the_expected_outcome(tmp_path, case):
    row = ROWS[case]
    geodata = make_case(tmp_path, case)
    report = check_geodata(geodata, geodata / "docs")

    def rel(problem):
        path = Path(problem.file)
        return str(path.relative_to(geodata)) if path.is_relative_to(geodata) else problem.file

    got = [(rel(p), p.record) for p in report.problems]
    assert got == [(e["file"], e["where"]) for e in row["problems"]], "\n".join(str(p) for p in report.problems)
    for problem, expected in zip(report.problems, row["problems"], strict=True):
        for fragment in expected["says"]:
            assert fragment in problem.message, (fragment, str(problem))
        assert str(geodata) in str(problem)  # the message names the file with its full path
    assert [(rel(p), p.record) for p in report.repairs] == [(e["file"], e["where"]) for e in row["repairs"]]
    for repair, expected in zip(report.repairs, row["repairs"], strict=True):
        for fragment in expected["says"]:
            assert fragment in repair.message, (fragment, str(repair))
    assert (row["outcome"] == "error") == bool(report.problems)
    assert (row["outcome"] == "repair") == bool(report.repairs)
    # every record is accounted for: read = valid + repaired + rejected
    tally = report.tally
    assert tally.balanced and tally.read == tally.written + tally.repaired + tally.rejected
    assert tally.repaired == len(report.repairs)
    # (a problem in layers.json makes the registry unreadable: no place or fact record was read to reject)
    record_problems = {
        (p.file, p.record)
        for p in report.problems
        if p.record and p.record.endswith(")") and p.file not in tally.unreadable
    }
    assert tally.rejected == len(record_problems)
    if report.problems and not record_problems:
        # a file that cannot be read at all is named, not silently counted as zero records
        assert tally.unreadable or all(p.message.startswith(("not read", "YAML is not read")) for p in report.problems)


@pytest.fixture(scope="module")
def base_build(tmp_path_factory):
    """The base corpus built once; refused builds of the cases must leave these files byte for byte."""
    root = tmp_path_factory.mktemp("corpus_build")
    geodata = make_case(root, "valid_base")
    out = root / "out"
    jmgeo.build_atlas(out, geodata_dir=geodata, docs_dir=geodata / "docs", static=False, log=None)
    return out, snapshot(out)


@pytest.mark.parametrize("case", [c for c, row in ROWS.items() if row["outcome"] == "error"])
def test_a_refused_build_writes_nothing(tmp_path, base_build, case):
    out, before = base_build
    geodata = make_case(tmp_path, case)
    tally = RecordTally()
    with pytest.raises(JmgeoError):
        jmgeo.build_atlas(out, geodata_dir=geodata, docs_dir=geodata / "docs", static=False, log=None, tally=tally)
    assert snapshot(out) == before  # same files, same bytes, no temp files
    assert tally.balanced and tally.written == 0 and tally.repaired == 0


def test_a_repaired_polygon_is_written_repaired_and_the_file_keeps_the_original(tmp_path):
    geodata = make_case(tmp_path, "self_intersection")
    source = (geodata / "places" / "sites.json").read_bytes()
    tally = RecordTally()
    logged: list[str] = []
    jmgeo.build_atlas(
        tmp_path / "out", geodata_dir=geodata, docs_dir=geodata / "docs", static=False, log=logged.append, tally=tally
    )
    assert (geodata / "places" / "sites.json").read_bytes() == source
    assert any("repaired:" in line and "line 38 (test_park)" in line for line in logged)
    written = json.loads((tmp_path / "out" / "geojson" / "sites.geojson").read_text(encoding="utf-8"))
    park = next(f for f in written["features"] if f["id"] == "test_park")
    geom = shape(park["geometry"])
    assert geom.geom_type == "MultiPolygon" and len(geom.geoms) == 2 and geom.is_valid
    original = json.loads(source)["records"][1]["geometry"]["coordinates"][0]
    assert {tuple(p) for poly in geom.geoms for p in poly.exterior.coords} >= {tuple(p) for p in original}
    assert (tally.read, tally.written, tally.repaired, tally.rejected) == (13, 12, 1, 0)


def test_a_gcj02_position_is_converted_on_load(tmp_path, monkeypatch):
    geodata = make_case(tmp_path, "gcj02_declared")
    monkeypatch.setenv("JMGEO_DOCS", str(geodata / "docs"))
    layers = jmgeo.load_layers(geodata)
    tower = layers["sites"].set_index("id").loc["test_tower"].geometry
    declared = json.loads((geodata / "places" / "sites.json").read_text(encoding="utf-8"))["records"][0]["geometry"][
        "coordinates"
    ]
    # GCJ-02 is offset by a few hundred metres in Jiangmen; the loaded point is the WGS84 one
    offset = ((tower.x - declared[0]) ** 2 + (tower.y - declared[1]) ** 2) ** 0.5
    assert 0.002 < offset < 0.01


def test_full_width_chinese_and_minus_numbers_reach_the_exports(base_build):
    out, _ = base_build
    import pyogrio

    table = pyogrio.read_dataframe(out / "jiangmen.gpkg", layer="facts").set_index("id")
    assert table.loc["d900_port_teu", "value"] == 123 and table.loc["d900_port_teu", "number_text"] == "１２３万标箱"
    assert table.loc["d900_park_area", "value"] == 123 and table.loc["d900_park_area", "number_text"] == "一百二十三亩"
    assert table.loc["d900_port_change", "value"] == -5.5 and table.loc["d900_port_change", "number_text"] == "−5.5%"
