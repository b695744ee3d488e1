"""Every run accounts for its records: read = written + repaired + rejected, printed at the end of check and build."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pyogrio
import pytest

from jmgeo._tally import RecordTally

CORPUS = Path(__file__).parent / "corpus"
TALLY = re.compile(r"^records: (\d+) read \((.*?)\) = (\d+) (written|valid) \+ (\d+) repaired \+ (\d+) rejected", re.M)


def corpus_case(tmp_path: Path, case: str) -> Path:
    dest = tmp_path / "geodata"
    shutil.copytree(CORPUS / "base", dest)
    shutil.copytree(CORPUS / "cases" / case, dest, dirs_exist_ok=True)
    return dest


def parse_tally(text: str) -> tuple[int, dict[str, int], int, int, int]:
    matches = TALLY.findall(text)
    assert len(matches) == 1, text
    read, kinds, kept, _label, repaired, rejected = matches[0]
    per_kind = {k: int(v) for k, v in (item.rsplit(" ", 1) for item in kinds.split(", "))}
    return int(read), per_kind, int(kept), int(repaired), int(rejected)


def test_a_tally_that_does_not_add_up_is_refused():
    tally = RecordTally()
    with pytest.raises(ValueError, match="read"):
        tally.count("places", read=3, written=1, rejected=1)
    tally.count("places", read=3, written=1, repaired=1, rejected=1)
    tally.written += 1  # a bug that loses track of a record
    with pytest.raises(RuntimeError, match="does not balance"):
        tally.summary()


def test_build_prints_a_tally_that_matches_what_it_wrote(tmp_path, geodata_dir, cli):
    out = tmp_path / "maps"
    code, _, stderr = cli(["build", "--out", out, "--quiet"])
    assert code == 0, stderr
    read, kinds, written, repaired, rejected = parse_tally(stderr)
    assert stderr.strip().splitlines()[-1].startswith("records: ")  # printed at the end
    assert (read, repaired, rejected) == (written, 0, 0)
    # count the records actually in the outputs, independently of jmgeo
    features = {
        p.stem: len(json.loads(p.read_text(encoding="utf-8"))["features"]) for p in (out / "geojson").glob("*.geojson")
    }
    facts_rows = pyogrio.read_info(out / "jiangmen.gpkg", layer="facts")["features"]
    assert written == sum(features.values()) + facts_rows
    assert kinds["facts"] == facts_rows and kinds["districts"] == features["districts"] + features["city"]
    places = sum(
        len(json.loads(p.read_text(encoding="utf-8"))["records"]) for p in (geodata_dir / "places").glob("*.json")
    )
    assert kinds["places"] == places


def test_check_prints_the_tally_with_repairs_and_rejections(tmp_path, cli):
    geodata = corpus_case(tmp_path, "self_intersection")
    code, out, err = cli(["check", "--geodata", geodata, "--docs", geodata / "docs"])
    assert code == 0, out + err
    assert out.splitlines()[-1].startswith("records: ")
    assert parse_tally(out) == (13, {"places": 2, "facts": 3, "districts": 8}, 12, 1, 0)
    assert "repaired: " in out and "test_park" in out

    bad = corpus_case(tmp_path / "bad", "swapped_lat_lon")
    code, out, _ = cli(["check", "--geodata", bad, "--docs", bad / "docs"])
    assert code == 1
    assert parse_tally(out) == (13, {"places": 2, "facts": 3, "districts": 8}, 12, 0, 1)


def test_a_stopped_build_counts_every_record_as_rejected(tmp_path, cli):
    geodata = corpus_case(tmp_path, "fact_names_unknown_feature")
    code, _, stderr = cli(["build", "--out", tmp_path / "out", "--geodata", geodata, "--docs", geodata / "docs", "-q"])
    assert code == 2  # bad data: the user's to fix
    assert parse_tally(stderr) == (13, {"places": 2, "facts": 3, "districts": 8}, 0, 0, 13)
    assert "nothing was written" in stderr.splitlines()[-1]
    assert not (tmp_path / "out").exists()


def test_a_wrong_geodata_folder_is_an_error_not_the_builtin_data(tmp_path, cli):
    code, out, err = cli(["check", "--geodata", tmp_path])
    assert code == 1
    assert str(tmp_path) in out + err and "no layers.json" in out + err
