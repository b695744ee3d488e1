"""The review table and --merge: written atomically, read back, merged validated and without duplicates."""

import csv
import gzip
import hashlib
import io
import json
import shutil
import sys
import zlib
from pathlib import Path

import pytest

from jmgeo import check_geodata
from jmgeo._errors import DataError, ValidationError
from jmgeo._geodata import read_geodata
from jmgeo._ingest import ingest, merge_review
from jmgeo._ingest._pipeline import iter_ingest
from jmgeo._ingest._readers import open_source
from jmgeo._ingest._review import (
    PART_KEYS,
    REVIEW_COLUMNS,
    read_record,
    read_review,
    review_part,
    write_review,
    write_review_parts,
)


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def review(tmp_path_factory, docs_dir):
    out = tmp_path_factory.mktemp("review") / "review.csv"
    result = ingest([docs_dir], out, progress=False)
    return result


def accept(review_csv: Path, dest: Path, choose, edit=None) -> Path:
    rows = list(csv.DictReader(io.StringIO(review_csv.read_text(encoding="utf-8-sig"), newline="")))
    for row in rows:
        if choose(row):
            row["accept"] = "y"
            if edit:
                edit(row)
    with dest.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=REVIEW_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return dest


def test_review_files_agree(review):
    paths = review.paths
    rows = list(csv.DictReader(io.StringIO(paths["csv"].read_text(encoding="utf-8-sig"), newline="")))
    data = read_record(paths["record"])
    assert len(rows) == len(data["facts"]) == review.rows > 200
    assert [r["number_text"] for r in rows] == [f["number_text"] for f in data["facts"]]
    assert all(r["accept"] == "" for r in rows)
    mentions = list(csv.DictReader(io.StringIO(paths["mentions"].read_text(encoding="utf-8-sig"), newline="")))
    assert len(mentions) == len(data["mentions"]) == review.mentions
    cands = list(csv.DictReader(io.StringIO(paths["candidates"].read_text(encoding="utf-8-sig"), newline="")))
    assert cands[0]["name"] == "粤港澳大湾区" and int(cands[0]["count"]) > 10
    assert {d["doc"] for d in data["documents"]} == {r["doc"] for r in rows}
    assert not list(paths["csv"].parent.glob(".*.tmp"))  # no temp files left
    read = read_review(paths["csv"])
    assert read[0]["feature_ids"] == rows[0]["feature_ids"].split() and read[0]["_where"] == "line 2"


def test_merge_adds_accepted_rows_once(review, geodata_copy, docs_dir, tmp_path):
    before = len(read_geodata(geodata_copy).fact_records)
    # two rows the curated table has (skipped as duplicates) and three it does not
    new_numbers = {"41个", "201个", "6664个"}
    reviewed = accept(
        review.paths["csv"],
        tmp_path / "reviewed.csv",
        lambda r: r["number_text"] in new_numbers | {"1732亿元", "4022.25亿元"},
    )
    result = merge_review(reviewed, geodata_copy, docs_dir)
    assert len(result.added) == 3 and len(result.duplicates) == 2
    assert {fid for _, fid in result.duplicates} == {"d000_trade_2023", "d002_gdp_2023"}
    facts = read_geodata(geodata_copy).fact_records
    assert len(facts) == before + 3
    added = [f for f in facts if f["id"] in result.added]
    assert {f["number_text"] for f in added} == new_numbers
    assert all(f["doc"] == "002_d13920e8d69d572d.txt" and f["id"].startswith("d002_ingest_") for f in added)
    assert check_geodata(geodata_copy, docs_dir).ok
    # merging the same review again adds nothing
    digest = tree_digest(geodata_copy)
    again = merge_review(reviewed, geodata_copy, docs_dir)
    assert again.added == [] and len(again.duplicates) == 5
    assert tree_digest(geodata_copy) == digest


@pytest.mark.parametrize(
    "edit,problem",
    [
        (lambda r: r.update(feature_ids="atlantis"), 'unknown feature "atlantis"'),
        (lambda r: r.update(value="42"), "does not match number_text"),
        (lambda r: r.update(quote="江门是一座从未写过的城市。"), "quote does not occur"),
        (lambda r: r.update(qualifier="maybe"), "qualifier 'maybe'"),
        (lambda r: r.update(year="twenty"), "not a whole number"),
    ],
)
def test_a_bad_accepted_row_changes_nothing(edit, problem, review, geodata_copy, docs_dir, tmp_path):
    digest = tree_digest(geodata_copy)
    reviewed = accept(
        review.paths["csv"], tmp_path / "reviewed.csv", lambda r: r["number_text"] in ("41个", "201个"), edit
    )
    with pytest.raises((DataError, ValidationError), match=problem) as err:
        merge_review(reviewed, geodata_copy, docs_dir)
    assert str(geodata_copy) in str(err.value) or str(reviewed) in str(err.value)
    assert tree_digest(geodata_copy) == digest


def test_standard_input(monkeypatch, tmp_path):
    from jmgeo.cli import main

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("江門北站今年開行班列120列。".encode("gb18030"))))
    assert (
        main(["ingest", "-", "--stdin-name", "new.txt", "--out", str(tmp_path / "s.csv"), "-q", "--date", "2024"]) == 0
    )
    rows = read_review(tmp_path / "s.csv")
    assert [(r["doc"], r["number_text"], r["year"], r["feature_ids"]) for r in rows] == [
        ("new.txt", "120列", 2024, ["jiangmen_north_station"])
    ]


def test_merge_of_a_new_document(tmp_path, geodata_copy, docs_dir):
    docs = tmp_path / "docs"
    shutil.copytree(docs_dir, docs)
    article = docs / "005_new_article.txt"
    article.write_text("新会港今年集装箱吞吐量增长12.5%，鹤山工业城引进项目30个。\n", encoding="utf-8")
    result = ingest([article], tmp_path / "r.csv", date_year=2025, progress=False)
    reviewed = accept(result.paths["csv"], tmp_path / "reviewed.csv", lambda r: True)
    # without the document in the documents folder, its quotes cannot be checked: refused
    digest = tree_digest(geodata_copy)
    with pytest.raises(ValidationError, match="005_new_article.txt"):
        merge_review(reviewed, geodata_copy, docs_dir)
    assert tree_digest(geodata_copy) == digest
    merged = merge_review(reviewed, geodata_copy, docs)
    assert len(merged.added) == 2
    assert merged.written[0].name == "documents.json"  # the document is listed before facts cite it
    docs_json = json.loads((geodata_copy / "documents.json").read_text(encoding="utf-8"))
    assert docs_json["documents"][-1]["file"] == "005_new_article.txt"
    facts = json.loads((geodata_copy / "facts" / "005_new_article.json").read_text(encoding="utf-8"))
    assert [(f["feature_ids"], f["value"], f["year"]) for f in facts["facts"]] == [
        (["xinhui_port"], 12.5, 2025),
        (["heshan_industrial_city"], 30, 2025),
    ]
    assert check_geodata(geodata_copy, docs).ok


def test_cli_ingest_merge_and_bad_input(tmp_path, geodata_copy, docs_dir, cli):
    code, help_text, _ = cli(["ingest", "--help"])
    assert code == 0
    assert "--merge" in help_text and "GB18030" in help_text and "accept" in help_text
    out = tmp_path / "review.csv"
    code, stdout, stderr = cli(["ingest", docs_dir, "--out", out, "--geodata", geodata_copy])
    assert code == 0, stderr
    assert [Path(p).name for p in stdout.split()] == [
        "review.csv",
        "review.jsonl.gz",
        "review.mentions.csv",
        "review.candidates.csv",
    ]
    assert "002_d13920e8d69d572d.txt: utf-8" in stderr and "repeated sentence(s) counted once" in stderr
    outputs = tree_digest(tmp_path)
    geodata = tree_digest(geodata_copy)
    bad = tmp_path / "bad" / "gbk_broken.txt"
    bad.parent.mkdir()
    bad.write_bytes("江门北站".encode("gbk") * 10 + b"\xff\xff")
    # One unreadable input no longer stops the batch (issue 20): it is named with its byte and reason,
    # skipped, the readable documents are written as before, and exit status 3 says the run was partial.
    code, _, stderr = cli(["ingest", docs_dir, bad, "--out", out, "--geodata", geodata_copy])
    assert code == 3, stderr
    assert f"skipped {bad} byte 80" in stderr and "done in part: 1 of 6 input(s) skipped" in stderr
    after = tree_digest(tmp_path)
    for name in ("review.csv", "review.mentions.csv", "review.candidates.csv"):
        assert after[name] == outputs[name]  # the readable documents' rows, byte for byte
    skipped = read_record(tmp_path / "review.jsonl.gz")["skipped"]
    assert [(s["doc"], s["path"]) for s in skipped] == [("gbk_broken.txt", str(bad))]
    assert tree_digest(geodata_copy) == geodata
    # Nothing readable at all: exit 2, nothing written, the earlier review files unchanged.
    code, _, stderr = cli(["ingest", bad, "--out", out, "--geodata", geodata_copy])
    assert code == 2 and "no input could be read, nothing written" in stderr and str(bad) in stderr
    assert tree_digest(tmp_path) == after
    reviewed = accept(out, tmp_path / "reviewed.csv", lambda r: r["number_text"] == "41个")
    code, stdout, stderr = cli(["ingest", "--merge", reviewed, "--geodata", geodata_copy])
    assert code == 0, stderr
    assert "added 1 fact(s)" in stderr and stdout.strip().endswith("002_d13920e8d69d572d.json")


FORMULAS = ['=HYPERLINK("http://x","y")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)"]


@pytest.mark.parametrize("formula", FORMULAS)
def test_review_csv_cells_never_open_as_formulas_and_merge_back_unchanged(tmp_path, formula):
    """Issue 17: text and file names a spreadsheet would run are written as text, and read back as they were."""
    doc = tmp_path / f"{formula[:12].replace('/', '_')}.txt"
    doc.write_text(f"{formula}江门北站货运量达1200万吨。\n{formula}珠西国际物流中心引进项目50个。\n", encoding="utf-8")
    out = tmp_path / "review.csv"
    ingest([doc], out, date_year=2024, progress=False)
    for name in ("review.csv", "review.mentions.csv", "review.candidates.csv"):
        with open(tmp_path / name, encoding="utf-8-sig", newline="") as fh:
            cells = [cell for row in csv.reader(fh) for cell in row]
        risky = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
        assert all(c.lstrip("+-").replace(".", "", 1).isdigit() for c in risky), (name, risky)
    rows = read_review(out)
    assert rows and {row["doc"] for row in rows} == {doc.name}
    # the CSV reads back exactly as the full record (which holds the text as it is) says
    as_json = read_review(tmp_path / "review.jsonl.gz")
    assert [(r["doc"], r["quote"], r["number_text"]) for r in rows] == [
        (r["doc"], r["quote"], r["number_text"]) for r in as_json
    ]
    with open(out, encoding="utf-8-sig", newline="") as fh:
        written = list(csv.DictReader(fh))
    assert doc.name[0] in "=+-@" and all(w["doc"] == "'" + doc.name for w in written)  # written as text


def test_a_document_unreadable_halfway_is_dropped_whole_and_the_others_kept(tmp_path, geodata_copy):
    good = "江门北站今年开行班列120列，新会港吞吐量增长12.5%。\n"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(good * 3, encoding="utf-8")
    (tmp_path / "in" / "c.txt").write_text(good.replace("120", "130") * 3, encoding="utf-8")
    only_good = ingest([tmp_path / "in"], tmp_path / "good.csv", date_year=2024, geodata_dir=geodata_copy,
                       progress=False)  # fmt: skip
    late = ("鹤山工业城引进项目30个，台山港区新增泊位4个。\n" * 4000).encode()  # ~200 KB: past detection
    (tmp_path / "in" / "b.txt").write_bytes(late + b"\xff\xfe" + late)
    result = ingest([tmp_path / "in"], tmp_path / "all.csv", date_year=2024, geodata_dir=geodata_copy,
                    progress=False)  # fmt: skip
    assert [d.doc for d in result.documents] == ["a.txt", "c.txt"]
    assert [(s.doc, s.reason.split(":")[0]) for s in result.skipped] == [
        ("b.txt", f"{tmp_path / 'in' / 'b.txt'} byte {len(late)}")
    ]
    assert (result.rows, result.mentions) == (only_good.rows, only_good.mentions)
    for key in ("csv", "mentions", "candidates"):  # b.txt's rows before the bad byte are dropped too
        assert result.paths[key].read_bytes() == only_good.paths[key].read_bytes()


def test_workers_give_the_same_review_files_in_the_same_order(tmp_path, docs_dir, geodata_copy):
    bad = tmp_path / "in" / "zz_bad.txt"
    bad.parent.mkdir()
    for doc in sorted(Path(docs_dir).glob("*.txt")):
        shutil.copy(doc, tmp_path / "in" / doc.name)
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")  # skipped the same way in both runs
    one = ingest([tmp_path / "in"], tmp_path / "one.csv", geodata_dir=geodata_copy, progress=False)
    two = ingest([tmp_path / "in"], tmp_path / "two.csv", geodata_dir=geodata_copy, progress=False, workers=2)
    assert [d.doc for d in two.documents] == [d.doc for d in one.documents] and len(one.documents) == 5
    assert [s.doc for s in two.skipped] == [s.doc for s in one.skipped] == ["zz_bad.txt"]
    for key in ("csv", "mentions", "candidates", "record"):
        assert two.paths[key].read_bytes() == one.paths[key].read_bytes(), key
    # on a real local Dask cluster of two worker processes: the same bytes again, in the same order
    three = ingest(
        [tmp_path / "in"], tmp_path / "three.csv", geodata_dir=geodata_copy, progress=False, workers=2, dask="local"
    )
    assert [s.doc for s in three.skipped] == ["zz_bad.txt"]
    for key in ("csv", "mentions", "candidates", "record"):
        assert three.paths[key].read_bytes() == one.paths[key].read_bytes(), key


@pytest.mark.parametrize("cap", [3, 40, 20_000])
def test_parts_made_apart_give_the_bytes_of_one_writer_even_past_the_candidate_cap(tmp_path, docs_dir, cap):
    """Each file's part made on its own (as a worker does) and appended gives the same files as one writer.

    A small cap on distinct candidates makes later files propose names past it: those count only when an
    earlier file proposed them, as when one process reads every file in turn.
    """
    files = sorted(Path(docs_dir).glob("*.txt"))
    one = write_review(iter_ingest([open_source(p) for p in files]), tmp_path / "one.csv", max_candidates=cap)
    parts = []
    for p in files:
        outs = {key: io.BytesIO() for key in PART_KEYS}
        part = review_part(iter_ingest([open_source(p)]), outs, max_candidates=cap)
        part.data = {k: fh.getvalue() if k == "record" else zlib.compress(fh.getvalue()) for k, fh in outs.items()}
        parts.append(part)
    assert cap != 3 or any(part.overflow for part in parts)  # a file past the cap on its own: overflow is counted
    two = write_review_parts(parts, tmp_path / "two.csv", max_candidates=cap)
    assert (two.rows, two.mentions, two.candidates) == (one.rows, one.mentions, one.candidates)
    assert one.rows > 200 and (cap == 20_000 or one.candidates == cap)  # the cap is met: the merge rule matters
    for key in ("csv", "mentions", "candidates", "record"):
        assert two.paths[key].read_bytes() == one.paths[key].read_bytes(), key
    record = read_record(one.paths["record"])  # one gzip member per document, read as one file
    assert len(record["documents"]) == len(files) and len(record["facts"]) == one.rows


def test_dask_scheduler_address_gives_the_same_review_files(tmp_path, geodata_copy, docs_dir):
    """``--scheduler ADDRESS``: an existing cluster (started here, two worker processes) reads the files."""
    from dask.distributed import LocalCluster

    one = ingest([docs_dir], tmp_path / "one.csv", geodata_dir=geodata_copy, progress=False)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        code_path = tmp_path / "two.csv"
        two = ingest([docs_dir], code_path, geodata_dir=geodata_copy, progress=False, dask=cluster.scheduler_address)
    for key in ("csv", "mentions", "candidates", "record"):
        assert two.paths[key].read_bytes() == one.paths[key].read_bytes(), key


def test_dask_asked_for_without_dask_installed_is_a_clear_error(tmp_path, monkeypatch, cli):
    (tmp_path / "a.txt").write_text("江门北站今年开行班列120列。", encoding="utf-8")
    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # import fails as if the extra were not installed
    code, _, stderr = cli(["ingest", tmp_path / "a.txt", "--out", tmp_path / "r.csv", "--dask", "-q"])
    assert code == 2 and "pip install 'jmgeo[dask]'" in stderr, stderr
    assert not (tmp_path / "r.csv").exists()


def test_unreachable_scheduler_is_a_clear_error(tmp_path, cli):
    (tmp_path / "a.txt").write_text("江门北站今年开行班列120列。", encoding="utf-8")
    code, _, stderr = cli(
        ["ingest", tmp_path / "a.txt", "--out", tmp_path / "r.csv", "--scheduler", "tcp://127.0.0.1:9"]
    )
    assert code == 2 and "cannot reach the Dask scheduler" in stderr, stderr


def test_full_record_stores_each_quote_once_and_reads_back_whole(review, docs_dir):
    """The full record (JSON Lines, gzip) holds every row with its quote, each quote written once."""
    paths = review.paths
    with gzip.open(paths["record"], "rt", encoding="utf-8") as fh:
        lines = [json.loads(line) for line in fh]
    quotes = [line for line in lines[1:] if line[0] == "quote"]
    facts = [line for line in lines[1:] if line[0] == "fact"]
    assert len(facts) == review.rows and len(quotes) < len(facts)  # several amounts share a quote
    assert len({(q[2], q[3]) for q in quotes}) >= len(quotes) - 5  # ...which is stored once (per document)
    rows = list(csv.DictReader(io.StringIO(paths["csv"].read_text(encoding="utf-8-sig"), newline="")))
    record = read_record(paths["record"])
    assert [(r["doc"], r["quote"], r["number_text"], int(r["start"])) for r in rows] == [
        (f["doc"], f["quote"], f["number_text"], f["start"]) for f in record["facts"]
    ]
    # the full record is no bigger than the input (here about a third; docs/ingest.md measures 50 MB)
    assert paths["record"].stat().st_size < sum(p.stat().st_size for p in Path(docs_dir).glob("*.txt"))


def test_progress_in_a_log_is_a_line_every_few_seconds(tmp_path, geodata_copy, monkeypatch, capsys):
    from jmgeo._ingest._pipeline import LogProgress

    monkeypatch.setattr(LogProgress, "INTERVAL", 0)  # a line at every chunk read
    (tmp_path / "a.txt").write_text("江门北站今年开行班列120列。\n" * 100, encoding="utf-8")
    ingest([tmp_path / "a.txt"], tmp_path / "r.csv", geodata_dir=geodata_copy, progress=True)
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("ingest: ")]
    assert lines and "of 0.0 MiB read (100 %)" in lines[-1]
