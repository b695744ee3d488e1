"""jmgeo ingest: reading real documents, amounts, years, places, quality against the curated facts."""

import codecs
import io
import math

import pytest

from amounts import ISSUE_AMOUNTS
from jmgeo._documents import normalize_text
from jmgeo._errors import DataError
from jmgeo._geodata import read_geodata
from jmgeo._ingest._amounts import find_amounts
from jmgeo._ingest._pipeline import iter_ingest
from jmgeo._ingest._readers import CHUNK_BYTES, TextSource, open_source
from jmgeo._ingest._records import DocumentSummary, PlaceMention, ReviewRow
from jmgeo._ingest._simplified import to_simplified
from jmgeo._numbers import QUALIFIER_AFTER, QUALIFIER_BEFORE, QUALIFIER_SUFFIX, parse_amount
from scoring import score_rows

# Floors for the quality test, set a little below what was measured (docs/ingest.md).
PRECISION_FLOOR = 0.65  # measured 0.71
RECALL_FLOOR = 0.95  # measured 1.00
FEATURES_OVERLAP_FLOOR = 0.75  # measured 0.82
YEAR_FLOOR = 0.85  # measured 0.91


@pytest.fixture(scope="module")
def seed_run(documents):
    records = list(iter_ingest([open_source(doc.path) for doc in documents.values()]))
    return {
        "rows": [r for r in records if isinstance(r, ReviewRow)],
        "mentions": [r for r in records if isinstance(r, PlaceMention)],
        "summaries": {r.doc: r for r in records if isinstance(r, DocumentSummary)},
    }


def _run_text(text, tmp_path, name="doc.txt", encoding="utf-8", **kw):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return [r for r in iter_ingest([open_source(path)], **kw) if isinstance(r, ReviewRow)]


def test_quality_against_the_curated_facts(seed_run, documents):
    normalized = {name: doc.normalized for name, doc in documents.items()}
    score = score_rows(seed_run["rows"], read_geodata().fact_records, normalized)
    assert score["facts"] == 200  # every curated fact with a number
    assert score["precision"] >= PRECISION_FLOOR, score
    assert score["recall"] >= RECALL_FLOOR, score
    assert score["features_overlap"] >= FEATURES_OVERLAP_FLOOR, score
    assert score["year"] >= YEAR_FLOOR, score
    assert score["value_unit"] == 1.0, score


def test_spans_and_lines_point_into_the_document(seed_run, documents):
    rows, mentions = seed_run["rows"], seed_run["mentions"]
    assert len(rows) > 200 and len(mentions) > 400
    for row in rows:
        doc = documents[row.doc]
        assert doc.normalized[row.start : row.end] == row.quote
        assert doc.normalized[row.number_start : row.number_end] == row.number_text
        assert row.start <= row.number_start < row.number_end <= row.end
        assert doc.contains(row.quote)
        # the quote starts on the reported raw line
        lines = doc.text.splitlines()
        before = len(normalize_text("\n".join(lines[: row.line - 1])))
        through = len(normalize_text("\n".join(lines[: row.line])))
        assert before <= row.start < through, (row.doc, row.line, row.quote[:20])
    for m in mentions:
        assert documents[m.doc].normalized[m.start : m.end] == m.text


def test_repeated_paragraphs_are_counted_once(seed_run):
    summary = seed_run["summaries"]["002_d13920e8d69d572d.txt"]
    assert summary.repeated_sentences > 50  # 002 repeats whole paragraphs many times
    starts: dict[tuple[str, str], set[int]] = {}
    for r in seed_run["rows"]:
        starts.setdefault((r.doc, r.quote), set()).add(r.start)
    # a sentence that the document repeats yields its rows once, from its first occurrence
    assert all(len(s) == 1 for s in starts.values())
    assert any(r.quote.startswith("75年峥嵘岁月") for r in seed_run["rows"])


def test_layout_traps(tmp_path):
    text = (
        "江门进出口规模从1428.9\n\n亿元扩大到1732亿元。\n20222022年年44月月2828日日，，\n江门北站开\n行班列120\n列。\n"
    )
    rows = _run_text(text, tmp_path, date_year=2024)
    assert [(r.number_text, r.value, r.unit) for r in rows] == [
        ("1428.9亿元", 1428.9, "亿元"),
        ("1732亿元", 1732, "亿元"),
        ("120列", 120, "列"),
    ]
    assert rows[2].quote == "2022年4月28日，江门北站开行班列120列。"
    assert rows[2].feature_ids == ("jiangmen_north_station",) and rows[2].year == 2022


@pytest.mark.parametrize("printed,value,unit,qualifier", ISSUE_AMOUNTS)
def test_amounts_from_the_issue(printed, value, unit, qualifier):
    sentence = f"据统计，江门的这项指标为{printed}，同比提升。"
    (amount,) = find_amounts(to_simplified(sentence), sentence)
    assert amount.number_text == printed  # the raw text stays beside the value
    assert math.isclose(amount.value, value) and amount.unit == unit and amount.qualifier == qualifier


def test_not_amounts():
    text = "2023年8月22日，1—8月，十四届五次全会，第十四次党代会，20世纪50年代，建党100周年，一带一路，三大工程。"
    assert find_amounts(text) == []


def test_qualifiers_around_the_number():
    got = {
        a.number_text: a.qualifier
        for a in find_amounts("投资超150亿元，将近13.7亿元，约470亿美元，增产30%左右，准确率92.5%以上")
    }
    assert got == {
        "150亿元": "more_than",
        "13.7亿元": "nearly",
        "470亿美元": "about",
        "30%": "about",
        "92.5%": "more_than",
    }


def test_years(tmp_path):
    text = (
        "2023年，江门GDP达4022.25亿元。今年1—8月，进出口1255.2亿元，比去年同期增长11.6%。"
        "去年引进项目50个。当年新增企业12家。"
    )
    rows = {r.number_text: r for r in _run_text(text, tmp_path, date_year=2024)}
    assert (rows["4022.25亿元"].year, rows["4022.25亿元"].year_basis) == (2023, "stated")
    assert (rows["1255.2亿元"].year, rows["1255.2亿元"].year_basis) == (2024, "document_date")
    assert rows["11.6%"].year == 2024  # 去年同期 is the comparison, not the year
    assert (rows["50个"].year, rows["50个"].year_basis) == (2023, "document_date")
    assert rows["12家"].year == 2023  # 当年: the year stated before
    # without a document date, relative years are flagged, not guessed
    unknown = {r.number_text: r for r in _run_text(text, tmp_path, name="new.txt")}
    assert unknown["1255.2亿元"].year is None and "relative_year_without_document_date" in unknown["1255.2亿元"].flags
    assert unknown["4022.25亿元"].year == 2023


def test_seed_dates_come_from_documents_json(seed_run):
    assert seed_run["summaries"]["001_69ca20e02664ffc6.txt"].year == 2023
    assert seed_run["summaries"]["004_e8b7d858069bfc0a.txt"].year == 2022


def test_places_pair_with_their_clause_or_fall_back_to_the_city(tmp_path):
    text = "新会港去年集装箱吞吐量增长12.5%，鹤山工业城引进项目30个。全年新增企业800家。"
    rows = {r.number_text: r for r in _run_text(text, tmp_path, date_year=2024)}
    assert rows["12.5%"].feature_ids == ("xinhui_port",) and rows["12.5%"].place_scope == "clause"
    assert rows["30个"].feature_ids == ("heshan_industrial_city",)
    assert rows["800家"].feature_ids == ("jiangmen",) and "city_fallback" in rows["800家"].flags
    assert rows["12.5%"].confidence > rows["800家"].confidence


def test_traditional_chinese_keeps_the_original_quote(tmp_path):
    text = "臺山市新寧鐵路修建於清末，江門北站貨運量達１２３萬噸。"
    path = tmp_path / "trad.txt"
    path.write_text(text, encoding="utf-8")
    records = list(iter_ingest([open_source(path)], date_year=2024))
    mentions = [(m.text, m.feature_ids[0]) for m in records if isinstance(m, PlaceMention)]
    assert mentions == [("臺山市", "taishan"), ("新寧鐵路", "xinning_railway"), ("江門北站", "jiangmen_north_station")]
    (row,) = [r for r in records if isinstance(r, ReviewRow)]
    assert row.quote == text and row.number_text == "１２３萬噸"
    assert row.feature_ids == ("jiangmen_north_station",)
    assert (row.value, row.unit) == (123, "万吨")
    assert [s for s in records if isinstance(s, DocumentSummary)][0].traditional


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-8-sig", "utf-16"])
def test_encodings_give_the_same_rows(encoding, documents, tmp_path):
    doc = documents["000_e40626eb138bbdf2.txt"]
    utf8 = _run_text(doc.text, tmp_path, name=doc.name)
    other = _run_text(doc.text, tmp_path, name="copy_" + doc.name, encoding=encoding, date_year=2024)
    assert [(r.start, r.number_text, r.feature_ids) for r in other] == [
        (r.start, r.number_text, r.feature_ids) for r in utf8
    ]


# A Hong Kong style paragraph (traditional characters, one HKSCS-only character 㗎) and a mainland one.
_TRADITIONAL = "港珠澳大橋通車五年來，經大橋往來江門的旅客超過三百萬人次，江門北站貨運量達１２３萬噸。"
_SIMPLIFIED = "台山核电站二期工程计划投资约四百亿元，江门北站今年开行班列120列。"


@pytest.mark.parametrize(
    "text,encoding,detected",
    [
        (_TRADITIONAL, "big5", "big5hkscs"),
        (_TRADITIONAL + "呢度㗎。", "big5hkscs", "big5hkscs"),
        (_TRADITIONAL, "cp950", "big5hkscs"),
        (_TRADITIONAL, "gb18030", "gb18030"),
        (_SIMPLIFIED, "gbk", "gb18030"),
        (_SIMPLIFIED, "gb2312", "gb18030"),
        (_SIMPLIFIED * 4000, "gbk", "gb18030"),  # past the 64 KiB window, cut inside a character
        (_TRADITIONAL * 3000, "big5", "big5hkscs"),
        (_SIMPLIFIED, "utf-16", "utf-16"),
        (_SIMPLIFIED, "utf-8-sig", "utf-8-sig"),
        (_TRADITIONAL, "utf-8", "utf-8"),
    ],
)
def test_legacy_chinese_encodings_are_detected_and_read(text, encoding, detected, tmp_path):
    path = tmp_path / "doc.txt"
    path.write_bytes(text.encode(encoding))
    src = open_source(path)
    assert src.encoding == detected
    rows = [r for r in iter_ingest([src], date_year=2024) if isinstance(r, ReviewRow)]
    assert [r.quote for r in rows][:1] and all(r.quote in text for r in rows)
    assert normalize_text(text).startswith("".join(dict.fromkeys(r.quote for r in rows))[:10])


@pytest.mark.parametrize(
    "data,reason",
    [
        ("江門".encode("shift_jis") * 5, "not Chinese text"),  # decodes as Big5, into rare characters
        ("café crème brûlée, naïve".encode("latin-1") * 3, "unknown encoding"),
        ("Ελληνικά κείμενα εδώ".encode("iso-8859-7") * 5, "unknown encoding"),
    ],
)
def test_a_decoding_that_is_not_chinese_is_refused_with_its_reason(data, reason, tmp_path):
    path = tmp_path / "odd.txt"
    path.write_bytes(data)
    with pytest.raises(DataError, match=reason) as err:
        open_source(path)
    assert str(path) in str(err.value) and "byte 0" in str(err.value)


class _LazyStream(io.RawIOBase):
    """A stream of ``total`` bytes of Chinese text that records how much was read and how."""

    def __init__(self, total):
        self.total, self.given, self.biggest, self.buf, self.n = total, 0, 0, b"", 0

    def readable(self):
        return True

    def read(self, size=-1):
        assert size is not None and size > 0, "ingest must never read a whole file at once"
        self.biggest = max(self.biggest, size)
        lines = []
        more = len(self.buf)
        while more < size and self.given + more < self.total:  # whole lines up to total
            self.n += 1
            if self.n % 10:  # mostly prose, like a newspaper; every tenth line a figure
                lines.append("新时代新征程新江门，开放之城的面貌更显活力与担当。\n".encode())
            else:
                lines.append(f"江门北站今年开行班列{self.n}列。\n".encode())
            more += len(lines[-1])
        self.buf += b"".join(lines)
        out, self.buf = self.buf[:size], self.buf[size:]
        self.given += len(out)
        return out


def test_reading_is_streamed():
    stream = _LazyStream(3 * CHUNK_BYTES)
    src = TextSource("stream.txt", None, stream, None)
    src.encoding = "utf-8"
    src.head = stream.read(1024)
    first_row_at = None
    for rec in iter_ingest([src], date_year=2024):
        if isinstance(rec, ReviewRow) and first_row_at is None:
            first_row_at = stream.given
    assert first_row_at is not None and first_row_at <= 2 * CHUNK_BYTES  # rows come out before the input is read
    assert stream.biggest <= CHUNK_BYTES and stream.given >= 3 * CHUNK_BYTES


def test_a_file_without_line_breaks_or_punctuation(tmp_path):
    text = "".join(f"江门北站开行班列{i}列" for i in range(8000))  # 100,000 characters on one line, no sentence end
    rows = _run_text(text, tmp_path, date_year=2024)
    assert len(rows) >= 7900  # pieces are cut at the sentence limit; a number may be split at a cut
    assert all(text.startswith(r.quote, r.start) for r in rows[:50])


@pytest.mark.parametrize(
    "data,message",
    [
        (b"", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("caf\xe9 cr\xe8me br\xfbl\xe9e, na\xefve".encode("latin-1"), "unknown encoding"),
        ("江門".encode("shift_jis") * 50, "unknown encoding"),
    ],
)
def test_bad_input_is_named(data, message, tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(DataError, match=message) as err:
        src = open_source(path)
        list(iter_ingest([src]))
    assert str(path) in str(err.value)


def test_an_invalid_byte_late_in_a_file_is_located(tmp_path):
    good = "江门北站开行班列120列。\n".encode() * 10000  # ~300 KB, beyond the detection window
    path = tmp_path / "late.txt"
    path.write_bytes(good + b"\xff\xfe\xfd" + good)
    with pytest.raises(DataError, match=f"byte {len(good)}") as err:
        list(iter_ingest([open_source(path)]))
    assert str(path) in str(err.value)


def test_a_huge_sparse_file_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:
        fh.truncate(1 << 30)  # 1 GiB of NUL bytes, sparse on disk
    with pytest.raises(DataError, match="byte 0.*binary"):
        open_source(path)


def test_codec_offsets_of_gb18030_errors(tmp_path):
    body = "江门北站开行班列120列。".encode("gb18030") * 5000
    path = tmp_path / "gb.txt"
    path.write_bytes(body + b"\x81" + b"\x20" + body)  # 0x81 0x20 is not a GB18030 character
    with pytest.raises(DataError, match=f"byte {len(body)}"):
        list(iter_ingest([open_source(path)]))
    assert codecs.lookup("gb18030")


@pytest.mark.parametrize(
    "printed,qualifier",
    [(f"{word}30个", q) for word, q in QUALIFIER_BEFORE]
    + [(f"30{word}个", q) for word, q in QUALIFIER_SUFFIX.items()]
    + [(f"30个{word}", q) for word, q in QUALIFIER_AFTER.items()],
)
def test_ingest_reads_qualifier_words_as_the_fact_parser_does(printed, qualifier):
    """One vocabulary (jmgeo._numbers): a qualifier word means the same to ingest and to ``jmgeo check``."""
    assert parse_amount(printed).qualifier == qualifier
    (amount,) = find_amounts(f"江门新引进项目{printed}，同比提升。")
    assert amount.qualifier == qualifier and amount.value == 30


@pytest.mark.parametrize(
    "sentence,expected",
    [
        # issue 20: full-width separators, Chinese numerals with 余, fractions, ranges with the unit on both ends,
        # English figures, durations; (number_text, value, value_max, unit, qualifier)
        ("高沙港单日完成３，２００标箱。", [("３，２００标箱", 3200, None, "标箱", None)]),
        ("全年货物吞吐量二千三百余万吨。", [("二千三百余万吨", 2300, None, "万吨", "more_than")]),
        ("年通过能力提高约四分之一。", [("四分之一", 0.25, None, "share", "about")]),
        ("同比增长10%至12%。", [("10%至12%", 10, 12, "%", "range")]),
        ("计划用2至3年建成。", [("2至3年", 2, 3, "年", "range")]),
        ("车流每月達5萬至6萬架次。", [("5萬至6萬架次", 5, 6, "万架次", "range")]),
        ("旅客人數增長一至兩成。", [("一至兩成", 1, 2, "成", "range")]),
        ("車程縮短至約2小時，只需40分鐘。", [("2小時", 2, None, "小时", "about"), ("40分鐘", 40, None, "分钟", None)]),
        (
            "Gaosha Port handled 31,500 TEU, up 8.5%.",
            [("31,500TEU", 31500, None, "TEU", None), ("8.5%", 8.5, None, "%", None)],
        ),
        ("It moved 652,000 tonnes.", [("652,000tonnes", 652000, None, "tonnes", None)]),
        ("Investment reached RMB 1.2 billion.", [("RMB1.2billion", 1.2, None, "billionyuan", None)]),
        ("新建三台机组。", [("三台", 3, None, "台", None)]),
        ("江门市港口发展规划（2021-2035年）二〇二三年十二月", []),  # a title and a date line: no amounts
        ("到2030年达到1.2亿吨。", [("1.2亿吨", 1.2, None, "亿吨", None)]),
        ("G15沈海高速，一带一路，百千万工程。", []),
    ],
)
def test_the_number_reader_reads_every_format_of_issue_20(sentence, expected):
    text = normalize_text(sentence)
    found = find_amounts(to_simplified(text), text)
    assert [(a.number_text, a.value, a.value_max, a.unit, a.qualifier) for a in found] == expected


def test_a_table_is_read_cell_by_cell_with_its_column_units(tmp_path):
    text = "表1 主要港区指标\n港区 泊位数（个） 吞吐量（万吨）\n高沙港 45 2,300\n新会港 18 1,150\n\n全年增长12%。\n"
    rows = _run_text(text, tmp_path, date_year=2024)
    assert [(r.number_text, r.value, r.unit) for r in rows] == [
        ("45", 45, "个"),
        ("2,300", 2300, "万吨"),
        ("18", 18, "个"),
        ("1,150", 1150, "万吨"),
        ("12%", 12, "%"),
    ]
    normalized = normalize_text(text)
    assert all(normalized[r.number_start : r.number_end] == r.number_text for r in rows)


def test_two_columns_of_figures_are_never_glued_into_one_number(tmp_path):
    rows = _run_text("某港 45 2,300 万吨\n", tmp_path, date_year=2024)
    assert [(r.number_text, r.value) for r in rows] == [("2,300万吨", 2300)]


def test_an_english_text_is_split_into_sentences(tmp_path):
    text = (
        "Gaosha Port handled 31,500 TEU in March. The Xinhui port area moved 652,000 tonnes.\nU.S. buyers took 10%.\n"
    )
    rows = _run_text(text, tmp_path, date_year=2024)
    assert [(r.quote, r.number_text) for r in rows] == [
        ("GaoshaPorthandled31,500TEUinMarch.", "31,500TEU"),
        ("TheXinhuiportareamoved652,000tonnes.", "652,000tonnes"),
        ("U.S.buyerstook10%.", "10%"),
    ]


def test_a_page_break_inside_a_sentence_keeps_the_qualifier_and_joins_no_number(tmp_path):
    text = "去年集装箱吞吐量约\n\n- 3 -\n\n150万标箱，\n第 4 页\n新增泊位12个。"
    rows = _run_text(text, tmp_path, date_year=2024)
    assert [(r.number_text, r.value, r.qualifier) for r in rows] == [("150万标箱", 150, "about"), ("12个", 12, None)]


def test_a_target_in_the_sentence_after_a_target_year_takes_that_year(tmp_path):
    text = "到2030年，全市港口货物吞吐量达到1.2亿吨。集装箱吞吐量力争达到150万标箱。今年新增泊位3个。"
    rows = _run_text(text, tmp_path, date_year=2024)
    assert [(r.number_text, r.year, r.year_basis) for r in rows] == [
        ("1.2亿吨", 2030, "stated"),
        ("150万标箱", 2030, "derived"),
        ("3个", 2024, "document_date"),
    ]
    assert rows[1].qualifier == "target" and "year_from_previous_target" in rows[1].flags


def test_a_pdf_table_across_a_page_marker_is_read_and_its_rows_are_sentences(tmp_path):
    """A page marker under a table's header (``- 2 -``: three tokens, like a row) crashed the run; each row is now
    a sentence of its own (its figures go with its name), and a title before a date line is not joined to the text."""
    text = (
        "某市水电规划（2024—2027年）\n二〇二四年六月\n\n表2 主要水电站情况\n"
        "电站名称 装机容量（千瓦） 年发电量（万千瓦时）\n大田镇锦江水电站 12,000 3,650\n\n- 2 -\n\n"
        "良西镇石牛水电站 8,500 2,100\n全市现有水电站36座。\n"
    )
    rows = _run_text(text, tmp_path)
    assert [(r.number_text, r.unit, r.quote) for r in rows] == [
        ("12,000", "千瓦", "大田镇锦江水电站12,0003,650"),
        ("3,650", "万千瓦时", "大田镇锦江水电站12,0003,650"),
        ("8,500", "千瓦", "良西镇石牛水电站8,5002,100"),
        ("2,100", "万千瓦时", "良西镇石牛水电站8,5002,100"),
        ("36座", "座", "全市现有水电站36座。"),
    ]
    assert [r.place_names for r in rows[:2]] == [("大田镇锦江水电站",)] * 2
    assert rows[0].feature_ids == () and rows[-1].year is None  # no year: the title's 2027 is not this figure's


def test_a_target_year_carries_to_the_next_sentence_after_a_lead_in(tmp_path):
    text = "到2027年，全市新能源发展迈上新台阶。新增光伏装机30万千瓦。2024年新增10万千瓦。"
    rows = _run_text(text, tmp_path, date_year=2024)
    assert [(r.number_text, r.year, r.year_basis) for r in rows] == [
        ("30万千瓦", 2027, "derived"),
        ("10万千瓦", 2024, "stated"),
    ]


def test_english_figures_counted_in_a_word_of_their_own(tmp_path):
    text = (
        "Heshan signed 14 projects in 2025. Trains take about 40 minutes. The U.S. firm employs 2,300 workers.\n"
        "The old town received 1.3 million visitors. The plant generated 24 billion kWh.\n"
    )
    rows = _run_text(text, tmp_path)
    assert [(r.number_text, r.value, r.unit) for r in rows] == [
        ("14projects", 14, "projects"),
        ("40minutes", 40, "minutes"),
        ("2,300workers", 2300, "workers"),
        ("1.3millionvisitors", 1.3, "millionvisitors"),
        ("24billionkWh", 24, "billionkWh"),
    ]


def test_a_figure_in_the_clause_after_a_site_is_the_sites(tmp_path):
    """The clause of 300吨 names nothing; the clause it borrows from names a village committee (a site) in 开平市:
    the figure is the site's, never the county's."""
    rows = _run_text("开平市苍城镇潭碧村委会新建污水处理站1座，日处理能力300吨，蓄水1200万立方米。", tmp_path)
    assert [(r.number_text, r.unit, r.feature_ids, r.place_names) for r in rows] == [
        ("1座", "座", (), ("苍城镇潭碧村委会",)),
        ("300吨", "吨", (), ("苍城镇潭碧村委会",)),
        ("1200万立方米", "万立方米", (), ("苍城镇潭碧村委会",)),
    ]


@pytest.mark.parametrize(
    "text,number,ids",
    [
        # an industry's figure does not take the park named in the sentence's other clause
        ("全市硅能源产业产值达到300亿元，广东（江门）硅能源产业基地新增项目15个。", "300亿元", ("jiangmen",)),
        ("全市硅能源产业产值达到300亿元，广东（江门）硅能源产业基地新增项目15个。", "15个",
         ("silicon_energy_industry_base",)),
        # a district named again in the name of a place in the same clause gives way to the place
        ("新会区经新会港的散货增至126万吨。", "126万吨", ("xinhui_port",)),
        ("新会区和鹤山工业城共引进项目12个。", "12个", ("xinhui", "heshan_industrial_city")),
    ],
)  # fmt: skip
def test_pairing_an_industry_and_a_place_named_after_its_district(text, number, ids, tmp_path):
    rows = {r.number_text: r for r in _run_text(text, tmp_path)}
    assert rows[number].feature_ids == ids


def test_an_english_site_not_in_geodata_is_a_candidate_and_keeps_its_figures(tmp_path):
    text = "Jiangmen Port Group press release. The Taishan Nuclear Power Plant generated 24 billion kWh in 2024.\n"
    path = tmp_path / "en.txt"
    path.write_text(text, encoding="utf-8")
    records = list(iter_ingest([open_source(path)]))
    assert [r[2] for r in records if isinstance(r, tuple)] == ["TaishanNuclearPowerPlant"]
    (row,) = [r for r in records if isinstance(r, ReviewRow)]
    assert (row.number_text, row.feature_ids, row.place_names) == ("24billionkWh", (), ("TaishanNuclearPowerPlant",))
