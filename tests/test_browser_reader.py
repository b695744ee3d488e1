"""The pages for their readers (issue 19): on a phone and on paper, in headless chromium."""

from __future__ import annotations

import json

import pytest

from browser import PAGE, open_offline

pytestmark = pytest.mark.browser

PHONE = (390, 844)
DESKTOP = (1280, 800)

# A JS function: the share of the map's on-screen area (sampled every 5 px) that no visible
# control covers, and how many controls there were.
UNCOVERED_JS = """() => {
    const map = document.querySelector('.leaflet-container').getBoundingClientRect();
    const boxes = [...document.querySelectorAll('.leaflet-control')]
        .map(e => e.getBoundingClientRect()).filter(r => r.width > 0 && r.height > 0);
    const x0 = Math.max(0, map.left), x1 = Math.min(innerWidth, map.right);
    const y0 = Math.max(0, map.top), y1 = Math.min(innerHeight, map.bottom);
    let all = 0, free = 0;
    for (let x = x0 + 2.5; x < x1; x += 5) for (let y = y0 + 2.5; y < y1; y += 5) {
        all++;
        if (!boxes.some(r => x >= r.left && x <= r.right && y >= r.top && y <= r.bottom)) free++;
    }
    return {share: free / (innerWidth * innerHeight / 25), sampled: all, controls: boxes.length};
}"""

# A JS function: is the element at the centre of the search box the search box itself?
SEARCH_REACHABLE_JS = """() => {
    const input = document.querySelector('.jmgeo-search-input'), r = input.getBoundingClientRect();
    const x = r.left + r.width / 2, y = r.top + r.height / 2;
    return r.width > 0 && x >= 0 && x <= innerWidth && y >= 0 && y <= innerHeight
        && document.elementFromPoint(x, y) === input;
}"""


def visible(page, selector):
    return page.locator(selector).first.is_visible()


@pytest.mark.parametrize(
    "name,query,expected",
    [
        ("jiangmen.html", "gaosha", "gaosha_port"),
        ("story.html", "gaosha", "gaosha_port"),
        ("districts.html", "jianghai", "jianghai"),
    ],
)
def test_on_a_phone_the_map_fills_half_the_screen_and_search_is_reachable(browser, built, name, query, expected):
    page, _, errors, _ = open_offline(browser, built / name, viewport=PHONE)
    measured = page.evaluate(UNCOVERED_JS)
    assert measured["controls"] >= 5 and measured["share"] >= 0.5, measured
    assert page.evaluate(SEARCH_REACHABLE_JS)
    # a tap on the search box lands there, and typing in it finds places
    box = page.locator(".jmgeo-search-input").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert page.evaluate("document.activeElement.classList.contains('jmgeo-search-input')")
    page.keyboard.type(query)
    assert page.locator(".jmgeo-search-result").first.get_attribute("data-feature-id") == expected
    # the results list is in front of the panels below the search bar
    first = page.locator(".jmgeo-search-result").first.bounding_box()
    hit = page.evaluate(
        "([x, y]) => !!document.elementFromPoint(x, y).closest('.jmgeo-search-result')",
        [first["x"] + first["width"] - 10, first["y"] + first["height"] / 2],
    )
    assert hit
    assert errors == []
    page.close()


def test_on_a_phone_panels_fold_to_buttons_that_open_them(browser, built):
    page, _, errors, _ = open_offline(browser, built / "jiangmen.html", viewport=PHONE)
    # the legend is a button; the toolbar its title row; the layer control its icon
    assert not visible(page, ".jmgeo-legend ul") and visible(page, ".jmgeo-legend .jmgeo-fold-button")
    assert visible(page, ".jmgeo-page-title") and not visible(page, ".jmgeo-city-button")
    assert not visible(page, ".leaflet-control-layers-overlays")
    legend = page.locator(".jmgeo-legend .jmgeo-fold-button")
    assert legend.get_attribute("aria-expanded") == "false"
    legend.click()
    assert visible(page, ".jmgeo-legend ul") and legend.get_attribute("aria-expanded") == "true"
    page.locator(".jmgeo-toolbar .jmgeo-fold-button").click()
    assert visible(page, ".jmgeo-city-button") and visible(page, ".jmgeo-nav")
    # the English page folds the same way, with its words
    page.locator(".jmgeo-lang-button").click()
    assert page.locator(".jmgeo-toolbar .jmgeo-fold-button").inner_text() == "Menu"
    assert not visible(page, ".jmgeo-legend ul")
    assert errors == []
    page.close()


def test_on_a_phone_the_story_sheet_never_covers_the_chapters_places(browser, built):
    page, _, errors, _ = open_offline(browser, built / "story.html", viewport=PHONE)
    data = json.loads(page.locator("#jmgeo-data").text_content())
    chapters = data["story"]["chapters"]
    assert visible(page, ".jmgeo-story .jmgeo-chapter-text")
    for i, chapter in enumerate(chapters):
        page.evaluate(f"{PAGE}.showChapter({i})")
        boxes = page.evaluate(
            """(ids) => {
                const p = window.jmgeoAtlas.page, map = p.map, c = map.getContainer().getBoundingClientRect();
                const sheet = document.querySelector('.jmgeo-story').getBoundingClientRect();
                const search = document.querySelector('.jmgeo-search').getBoundingClientRect();
                const places = ids.map(id => p.feature(id)).filter(Boolean).map(l => {
                    const b = l.getBounds ? l.getBounds() : L.latLngBounds([l.getLatLng(), l.getLatLng()]);
                    const nw = map.latLngToContainerPoint(b.getNorthWest()), se = map.latLngToContainerPoint(b.getSouthEast());
                    return {top: c.top + nw.y, bottom: c.top + se.y, left: c.left + nw.x, right: c.left + se.x};
                });
                return {places, sheetTop: sheet.top, searchBottom: search.bottom, width: innerWidth};
            }""",
            chapter["focus"],
        )
        assert boxes["places"], chapter["id"]
        for place in boxes["places"]:
            assert place["bottom"] <= boxes["sheetTop"], (chapter["id"], place, boxes["sheetTop"])
            assert place["top"] >= boxes["searchBottom"], (chapter["id"], place, boxes["searchBottom"])
            assert 0 <= place["left"] and place["right"] <= boxes["width"], (chapter["id"], place)
    # the sheet folds to its title and arrows, and the chapter is framed again in the larger map
    page.locator(".jmgeo-story .jmgeo-fold-button").click()
    assert not visible(page, ".jmgeo-story .jmgeo-chapter-text") and visible(page, ".jmgeo-story-next")
    assert errors == []
    page.close()


def test_on_a_phone_a_popup_fits_the_screen_clear_of_the_panels(browser, built):
    page, _, errors, _ = open_offline(browser, built / "jiangmen.html", viewport=PHONE)
    page.evaluate(f"() => {{ {PAGE}.focusFeature('zhuxi_logistics_centre'); }}")
    popup = page.locator(".leaflet-popup")
    popup.wait_for(timeout=5000)
    # Leaflet pans the popup (animated) below the search bar, the toolbar and the buttons
    page.wait_for_function(
        """() => {
            const p = document.querySelector('.leaflet-popup').getBoundingClientRect();
            return [...document.querySelectorAll('.leaflet-top')].every(c => p.top >= c.getBoundingClientRect().bottom);
        }""",
        timeout=5000,
    )
    box = popup.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE[0]
    # nothing lies over its first lines (title, type, first fact)
    first = page.locator(".leaflet-popup .jmgeo-popup").bounding_box()
    points = [
        [first["x"] + dx, first["y"] + dy] for dx in (5, first["width"] / 2, first["width"] - 5) for dy in (5, 60, 120)
    ]
    hits = page.evaluate(
        "ps => ps.map(([x, y]) => !!document.elementFromPoint(x, y).closest('.leaflet-popup'))", points
    )
    assert all(hits), hits
    assert errors == []
    page.close()


def test_next_chapter_shows_the_new_chapters_title(browser, built):
    page, _, errors, _ = open_offline(browser, built / "story.html", viewport=DESKTOP)
    story = page.locator(".jmgeo-story")
    story.evaluate("s => { s.scrollTop = s.scrollHeight; }")
    assert story.evaluate("s => s.scrollTop") > 0
    page.locator(".jmgeo-story-next").click()
    assert story.evaluate("s => s.scrollTop") == 0
    assert errors == []
    page.close()


@pytest.mark.parametrize("name", ["jiangmen.html", "story.html"])
def test_on_a_desktop_the_panels_show_what_they_showed(browser, built, name):
    page, _, errors, _ = open_offline(browser, built / name, viewport=DESKTOP)
    assert page.locator(".jmgeo-fold-button").count() >= 2
    assert not any(b.is_visible() for b in page.locator(".jmgeo-fold-button").all())
    for selector in [".jmgeo-legend ul", ".jmgeo-city-button", ".jmgeo-nav", ".jmgeo-search-label", ".jmgeo-datum"]:
        assert visible(page, selector), selector
    # the layer control is open on the atlas and folded on the story, as before
    assert visible(page, ".leaflet-control-layers-overlays") == (name == "jiangmen.html")
    if name == "story.html":
        assert visible(page, ".jmgeo-story .jmgeo-chapter-text")
    # the search box and the toolbar still sit side by side at the top
    search = page.locator(".jmgeo-search").bounding_box()
    toolbar = page.locator(".jmgeo-toolbar").bounding_box()
    assert search["x"] < 100 and toolbar["x"] > 800 and abs(toolbar["y"] - 10) < 2
    assert errors == []
    page.close()


# ---- paper -----------------------------------------------------------------------------------


def pdf_pages(path):
    import subprocess

    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


def pdf_text(path, first, last):
    import subprocess

    args = ["pdftotext", "-f", str(first), "-l", str(last), str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def pdf_page_gray(path, number, dpi=30):
    """Page `number` of a PDF in grey (poppler's pdftoppm): (width, height, bytes, one per pixel)."""
    import subprocess

    args = ["pdftoppm", "-gray", "-r", str(dpi), "-f", str(number), "-l", str(number), str(path)]
    data = subprocess.run(args, capture_output=True, check=True).stdout
    magic, width, height, maxval, pixels = data.split(maxsplit=4)
    assert magic == b"P5" and maxval == b"255"
    return int(width), int(height), pixels


def test_printing_gives_the_view_and_its_legend_on_page_one_then_the_tables(browser, built, tmp_path):
    page, _, errors, _ = open_offline(browser, built / "jiangmen.html", viewport=DESKTOP)
    page.evaluate(f"() => {{ {PAGE}.map.setView([22.45, 113.0], 10, {{animate: false}}); }}")
    on_screen = page.evaluate(
        f"(() => {{ const b = {PAGE}.map.getBounds(); return [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()]; }})()"
    )
    page.emulate_media(media="print")
    page.wait_for_function("document.documentElement.classList.contains('jmgeo-printing')")
    # the printed frame holds the whole view the reader had
    assert page.evaluate(
        f"(b) => {PAGE}.map.getBounds().contains(L.latLngBounds([b[0], b[1]], [b[2], b[3]]))", on_screen
    )
    pdf = tmp_path / "jiangmen.pdf"
    page.pdf(path=str(pdf), format="A4")
    # page one: the title, the map and the legend; the tables after it, on far fewer pages than
    # the 51 of tables the page printed before
    first = pdf_text(pdf, 1, 1)
    assert "江门城市图集" in first and "图例" in first and "位置精度" in first
    assert "文字版" not in first and "文字版" in pdf_text(pdf, 2, 2)
    assert 10 <= pdf_pages(pdf) <= 45
    # ... and page one is mostly map: its frame (below the title) is painted, not blank paper
    width, height, pixels = pdf_page_gray(pdf, 1)
    mm = height / 297
    top, bottom, left, right = int(30 * mm), int(155 * mm), int(20 * mm), int(185 * mm)
    frame = [pixels[y * width + x] for y in range(top, bottom) for x in range(left, right)]
    assert sum(1 for p in frame if p < 250) / len(frame) > 0.9
    blank_below = [pixels[y * width + x] for y in range(int(260 * mm), int(280 * mm)) for x in range(width)]
    assert sum(1 for p in blank_below if p < 250) / len(blank_below) < 0.05
    # back on screen, the reader's view and the map's size come back
    page.emulate_media(media="screen")
    page.wait_for_function("!document.documentElement.classList.contains('jmgeo-printing')")
    after = page.evaluate(
        f"(() => {{ const m = {PAGE}.map, c = m.getCenter(); return [c.lat, c.lng, m.getZoom(), m.getSize().y]; }})()"
    )
    assert abs(after[0] - 22.45) < 1e-6 and abs(after[1] - 113.0) < 1e-6 and after[2:] == [10, 800]
    assert errors == []
    page.close()


def test_printing_the_story_gives_each_chapter_on_its_own_page_with_its_map(browser, built, tmp_path):
    page, _, errors, _ = open_offline(browser, built / "story.html", "#chapter=2", viewport=DESKTOP)
    chapters = json.loads(page.locator("#jmgeo-data").text_content())["story"]["chapters"]
    pdf = tmp_path / "story.pdf"
    page.pdf(path=str(pdf), format="A4")  # a print fires beforeprint: no emulation needed
    assert pdf_pages(pdf) == len(chapters)  # no title page, no tables: the chapters
    for number, chapter in enumerate(chapters, 1):
        text = pdf_text(pdf, number, number)
        assert "江门发展故事" in text and chapter["title_zh"] in text, number
        assert chapter["text_zh"][:12] in text.replace("\n", "")
        for other in chapters:
            if other is not chapter:
                assert other["title_zh"] not in text
        # the map's frame (below the titles) is painted on every page, not blank paper
        width, height, pixels = pdf_page_gray(pdf, number)
        mm = height / 297
        top, bottom, left, right = int(35 * mm), int(160 * mm), int(20 * mm), int(185 * mm)
        frame = [pixels[y * width + x] for y in range(top, bottom) for x in range(left, right)]
        assert sum(1 for p in frame if p < 250) / len(frame) > 0.9, number
    # back on screen: the chapter the reader had, and no printed copies left in the page
    assert page.evaluate("!document.documentElement.classList.contains('jmgeo-printing')")
    assert page.locator(".jmgeo-print-chapters").count() == 0
    assert page.locator(".jmgeo-story-body").get_attribute("data-chapter-id") == chapters[1]["id"]
    assert errors == []
    page.close()


# ---- popups: facts first -------------------------------------------------------------------------


def popup_parts(page, fid):
    page.evaluate(f"{PAGE}.openPopup('{fid}')")
    popup = page.locator(f".leaflet-popup-content .jmgeo-popup[data-feature-id='{fid}']")
    popup.wait_for(timeout=5000)
    order = popup.evaluate("p => [...p.children].map(c => c.tagName.toLowerCase() + '.' + c.className)")
    return popup, order


def test_a_popup_leads_with_the_facts_and_folds_the_position_away(browser, built, facts):
    page, _, errors, _ = open_offline(browser, built / "jiangmen.html", viewport=DESKTOP)
    popup, order = popup_parts(page, "zhuxi_logistics_centre")
    assert order == [
        "h3.jmgeo-title",
        "dl.jmgeo-info",
        "h4.jmgeo-facts-title",
        "ul.jmgeo-facts",
        "div.jmgeo-also",
        "details.jmgeo-position",
    ]
    # the type as words, not the code; the derivation (an English paragraph) folded under a heading
    kind = popup.locator(":scope > .jmgeo-info dd").nth(1)
    assert kind.inner_text() == "物流中心"
    details = popup.locator("details.jmgeo-position")
    assert details.locator("summary").inner_text() == "位置从何而来"
    method = details.locator("dd", has_text="says the centre lies where")
    assert method.count() == 1 and not method.is_visible()
    assert "says the centre lies where" not in popup.inner_text()
    details.locator("summary").click()
    assert method.is_visible()
    # a fact: the Chinese quote first, then the English; its year stated; its source's title and date
    fact = popup.locator(".jmgeo-fact[data-fact-id='d000_first_china_europe_train']")
    assert fact.evaluate("f => [...f.children].map(c => c.className)")[:2] == ["jmgeo-quote", "jmgeo-claim"]
    source = fact.locator(".jmgeo-source").inner_text()
    assert "《开放之城（对外开放专题）》 2024" in source and "000_e40626eb138bbdf2.txt" in source
    assert fact.locator(".jmgeo-year").get_attribute("data-year-basis") == "stated"
    assert fact.locator(".jmgeo-year-basis").count() == 0
    # English: the claim first, the words in English
    page.locator(".jmgeo-lang-button").click()
    popup, _ = popup_parts(page, "zhuxi_logistics_centre")
    assert popup.locator(":scope > .jmgeo-info dd").nth(1).inner_text() == "logistics centre"
    assert popup.locator("details.jmgeo-position summary").inner_text() == "How the position was derived"
    fact = popup.locator(".jmgeo-fact[data-fact-id='d000_first_china_europe_train']")
    assert fact.evaluate("f => [...f.children].map(c => c.className)")[:2] == ["jmgeo-claim", "jmgeo-quote"]
    assert errors == []
    page.close()


def test_a_year_inferred_from_the_documents_date_is_marked(browser, built):
    page, _, errors, _ = open_offline(browser, built / "jiangmen.html", viewport=DESKTOP)
    popup, _ = popup_parts(page, "juno")
    inferred = popup.locator(".jmgeo-fact[data-fact-id='d003_juno_countries'] .jmgeo-year")
    assert inferred.get_attribute("data-year-basis") == "document_date"
    assert inferred.inner_text() == "年份 2024 (据文章日期推断)"
    stated = popup.locator(".jmgeo-fact[data-fact-id='d003_juno_operation_2025'] .jmgeo-year")
    assert stated.inner_text() == "年份 2025"
    source = popup.locator(".jmgeo-fact[data-fact-id='d003_juno_countries'] .jmgeo-source").inner_text()
    assert "《“六大工程”牵手“大桥经济” 奏响高质量发展“江门之声”》" in source
    assert errors == []
    page.close()


def test_the_legend_explains_the_signs_and_the_text_version_names_the_types(browser, built, layers):
    page, _, errors, _ = open_offline(browser, built / "jiangmen.html", viewport=DESKTOP)
    signs = page.locator(".jmgeo-legend .jmgeo-legend-signs").inner_text()
    assert all(s in signs for s in (">", "≈", "→", "≥"))
    kinds = set(page.locator("#jmgeo-text tbody tr[data-feature-id] td:nth-child(2)").all_inner_texts())
    codes = {k for frame in layers.values() for k in frame["kind"]}
    assert kinds and not kinds & codes  # every type shown as words
    assert "物流中心" in kinds
    assert errors == []
    page.close()


# ---- the city's facts to read, conflicts and interpretations ------------------------------------


def test_the_citys_facts_are_grouped_by_topic_by_year_with_charts_of_their_series(browser, built, facts):
    import xml.etree.ElementTree as ET

    import pandas as pd

    from jmgeo._facts import fact_series
    from jmgeo._geodata import read_geodata

    topics = read_geodata().topics_spec
    series = fact_series(facts, topics)
    assert {s["id"] for s in series} >= {"gdp", "trade_total"}
    page, _, errors, _ = open_offline(browser, built / "jiangmen.html", viewport=DESKTOP)
    page.locator(".jmgeo-city-button").click()
    panel = page.locator(".jmgeo-city-panel")
    groups = panel.locator(".jmgeo-fact-group").evaluate_all(
        "gs => gs.map(g => ({topic: g.dataset.topic, title: g.querySelector('h5').textContent,"
        " ids: [...g.querySelectorAll(':scope > ul > li')].map(li => li.dataset.factId)}))"
    )
    order = [t["id"] for t in [*topics["topics"], topics["other"]]]
    assert [g["topic"] for g in groups] == [t for t in order if t in {g["topic"] for g in groups}]
    city = facts[facts["feature_ids"].apply(lambda ids: "jiangmen" in ids)]
    shown = [i for g in groups for i in g["ids"]]
    assert sorted(shown) == sorted(city["id"]) and len(set(shown)) == len(shown)
    year = {i: None if y is pd.NA else int(y) for i, y in zip(facts["id"], facts["year"], strict=True)}
    for g in groups:
        years = [year[i] for i in g["ids"]]
        known = [y for y in years if y is not None]
        assert known == sorted(known) and years[: len(known)] == known, g["topic"]
    by_topic = {g["topic"]: g["title"] for g in groups}
    assert by_topic["economy"].startswith("经济总量与增长")
    # one chart per series, in its topic's group; its marks are the facts' values, read from the SVG
    for s in series:
        svg = panel.locator(f".jmgeo-fact-group[data-topic='{s['topic']}'] svg[data-series='{s['id']}']")
        assert svg.count() == 1 and svg.is_visible()
        root = ET.fromstring(svg.evaluate("s => new XMLSerializer().serializeToString(s)"))
        marks = [m for m in root.iter() if m.get("class") == "jmgeo-chart-mark"]
        got = [(int(m.get("data-year")), float(m.get("data-value")), m.get("data-fact-id")) for m in marks]
        value = dict(zip(facts["id"], facts["value"], strict=True))
        assert got == [(p["year"], p["value"], p["fact_id"]) for p in s["points"]]
        assert all(abs(v - value[f]) < 1e-9 for _, v, f in got)  # 亿 and 亿元 both count at factor 1
        text = " ".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))
        assert s["title_zh"] in text and "来源" in text and str(s["points"][0]["year"]) in text
    assert [p["year"] for p in next(s for s in series if s["id"] == "gdp")["points"]][:1] == [1949]
    # the text version groups the city's facts the same way
    twin = page.locator("#jmgeo-text tr[data-feature-id='jiangmen'] .jmgeo-fact-group")
    assert twin.count() == len(groups)
    assert page.locator("#jmgeo-text tr[data-feature-id='jiangmen'] svg[data-series='gdp']").count() == 1
    assert errors == []
    page.close()


def test_conflicts_are_sentences_and_an_interpretation_is_marked(browser, built, facts):
    page, _, errors, _ = open_offline(browser, built / "jiangmen.html", viewport=DESKTOP)
    conflicted = facts[facts["conflicts_with"].apply(len) > 0]
    interpreted = facts[facts["interpretation_of"].notna()]
    assert len(conflicted) >= 2 and len(interpreted) >= 1
    fid = "d003_china_eu_zone_investment"
    for lang, says, note in (("zh", "文件003《", "本图集的解读"), ("en", "Document 003 (《", "An interpretation")):
        if lang == "en":
            page.locator(".jmgeo-lang-button").click()
        popup, _ = popup_parts(page, "jm_industrial_cluster")
        fact = popup.locator(f".jmgeo-fact[data-fact-id='{fid}']")
        conflict = fact.locator(".jmgeo-conflict").inner_text()
        assert says in conflict and "150亿美元" in conflict and "150亿元" in conflict
        assert "d000_" not in conflict and "《开放之城（对外开放专题）》" in conflict
        mark = fact.locator(".jmgeo-interpretation")
        assert mark.get_attribute("data-of") == "unplaced_subject"
        row = interpreted[interpreted["id"] == fid].iloc[0]
        assert note in mark.inner_text() and row[f"interpretation_{lang}"] in mark.inner_text()
        assert "中国—东盟" in mark.inner_text()
    assert errors == []
    page.close()


# ---- the story frames its places ----------------------------------------------------------------

# A JS function: for the focus ids, each place's screen box, the map's box and every visible control's box.
PLACES_AND_PANELS_JS = """(ids) => {
    const p = window.jmgeoAtlas.page, map = p.map, c = map.getContainer().getBoundingClientRect();
    const rect = r => ({left: r.left, top: r.top, right: r.right, bottom: r.bottom});
    const panels = [...document.querySelectorAll('.leaflet-control')].map(e => e.getBoundingClientRect())
        .filter(r => r.width > 0 && r.height > 0).map(rect);
    const places = ids.map(id => [id, p.feature(id)]).filter(x => x[1]).map(([id, l]) => {
        const b = l.getBounds ? l.getBounds() : L.latLngBounds([l.getLatLng(), l.getLatLng()]);
        const nw = map.latLngToContainerPoint(b.getNorthWest()), se = map.latLngToContainerPoint(b.getSouthEast());
        return {id, left: c.left + nw.x, top: c.top + nw.y, right: c.left + se.x, bottom: c.top + se.y};
    });
    const labels = [...document.querySelectorAll('.jmgeo-label-focus')].map(e => e.dataset.id);
    return {places, panels, map: rect(c), labels};
}"""


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE])
def test_each_chapter_frames_and_labels_its_places_clear_of_every_panel(browser, built, viewport):
    page, _, errors, _ = open_offline(browser, built / "story.html", viewport=viewport)
    chapters = json.loads(page.locator("#jmgeo-data").text_content())["story"]["chapters"]
    for i, chapter in enumerate(chapters):
        page.evaluate(f"{PAGE}.showChapter({i})")
        got = page.evaluate(PLACES_AND_PANELS_JS, chapter["focus"])
        assert len(got["places"]) == len(chapter["focus"]), chapter["id"]
        m = got["map"]
        for place in got["places"]:
            where = (viewport, chapter["id"], place)
            assert m["left"] <= place["left"] and place["right"] <= m["right"], where
            assert m["top"] <= place["top"] and place["bottom"] <= m["bottom"], where
            for panel in got["panels"]:
                apart = (
                    place["right"] <= panel["left"]
                    or place["left"] >= panel["right"]
                    or place["bottom"] <= panel["top"]
                    or place["top"] >= panel["bottom"]
                )
                assert apart, (where, panel)
        # every place of the chapter is named on the map
        assert sorted(got["labels"]) == sorted(chapter["focus"]), chapter["id"]
    assert errors == []
    page.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE])
def test_next_chapter_scrolls_the_panel_to_the_new_chapters_top(browser, built, viewport):
    page, _, errors, _ = open_offline(browser, built / "story.html", viewport=viewport)
    story = page.locator(".jmgeo-story")
    for _ in range(2):
        story.evaluate("s => { s.scrollTop = s.scrollHeight; }")
        page.locator(".jmgeo-story-next").click()
        assert story.evaluate("s => s.scrollTop") == 0
        title = page.locator(".jmgeo-story .jmgeo-chapter-title").bounding_box()
        panel = story.bounding_box()
        assert panel["y"] <= title["y"] < panel["y"] + panel["height"]
    assert errors == []
    page.close()


# ---- the static A4 images, linked when built ------------------------------------------------------


@pytest.mark.parametrize(
    "name,stem", [("jiangmen.html", "jiangmen"), ("logistics.html", "logistics"), ("story.html", "jiangmen")]
)
def test_the_legend_links_the_static_a4_images_built_beside_the_page(browser, built, name, stem):
    page, _, errors, _ = open_offline(browser, built / name, viewport=DESKTOP)
    links = page.locator(".jmgeo-legend .jmgeo-static-link")
    hrefs = links.evaluate_all("ls => ls.map(l => l.getAttribute('href'))")
    assert hrefs == [f"{stem}.pdf", f"{stem}.png", f"{stem}.svg"]
    assert all((built / h).stat().st_size > 10_000 for h in hrefs)
    # the printed legend carries the link too
    page.emulate_media(media="print")
    page.wait_for_function("document.documentElement.classList.contains('jmgeo-printing')")
    assert page.locator(".jmgeo-print-legend .jmgeo-static-link").count() == 3
    assert errors == []
    page.close()


def test_a_page_built_without_the_static_images_links_none(built):
    from conftest import read_page_data
    from jmgeo._webmap import make_map, map_html

    assert "static_images" not in read_page_data(map_html(make_map(page="jiangmen")))
    assert "static_images" in read_page_data((built / "jiangmen.html").read_text(encoding="utf-8"))
