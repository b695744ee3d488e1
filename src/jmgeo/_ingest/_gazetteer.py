"""A gazetteer of the places in ``geodata/``: find their names in Chinese text.

Every Chinese name and alias of the city, the districts and the curated places is a
pattern; a text is scanned once with an Aho-Corasick automaton (PyPI ``pyahocorasick``)
taking the *leftmost-longest* match, so ``江门北站`` is read as the station, not as
``江门``, ``新会港`` as the port, not the district, and ``鹤山工业城`` as the park,
not the city of Heshan (the obvious one ``str.find`` loop per name would report ``江门``
inside every ``江门北站``; ``bench/ingest_bench.py`` keeps it as the baseline).

Place-like words that are *not* in the gazetteer (``...港``, ``...站``, ``...园区``,
``...镇``, ``...通道`` ...) are listed by :func:`find_candidates` so a reviewer can add
them to ``geodata/places/``.
"""

from __future__ import annotations

import functools
import logging
import os
import re
from dataclasses import dataclass

import ahocorasick

from .._geodata import read_geodata

__all__ = [
    "AREA_NAMED_SITE",
    "INDUSTRY_WORDS",
    "PARK_ENDINGS",
    "ROUTE_WORDS",
    "CANDIDATE_SUFFIXES",
    "CITY_GENERIC",
    "ORDINARY_SENSE",
    "OTHER_CITIES",
    "Gazetteer",
    "Mention",
    "find_candidates",
    "find_english_candidates",
    "load_gazetteer",
]

_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class Mention:
    """A gazetteer name found in a text: ``text[start:end] == name`` (character offsets)."""

    start: int
    end: int
    name: str
    feature_ids: tuple[str, ...]


class Gazetteer:
    """Names and aliases of features, matched leftmost-longest in one pass.

    Parameters
    ----------
    names : dict
        ``{name: (feature_id, ...)}``. A name shared by several features (an alias such
        as ``高新区（江海区）`` names both the district and the hi-tech zone) keeps all
        their ids, most specific first.
    """

    def __init__(
        self,
        names: dict[str, tuple[str, ...]],
        areas: frozenset[str] = frozenset(),
        *,
        english: dict[str, tuple[str, tuple[str, ...], str | None]] | None = None,
        routes: dict[frozenset[str], tuple[tuple[str, frozenset[str]], ...]] | None = None,
        ends: dict[str, str] | None = None,
        parks: frozenset[str] = frozenset(),
        towns: frozenset[str] = frozenset(),
    ):
        if not names:
            raise ValueError("a gazetteer needs at least one name")
        self.names = dict(names)
        self.areas = areas  # ids of the city and the districts: a site named after one is not it
        self.parks = parks  # ids of parks whose short name is also their industry's (智能家电)
        self.towns = towns  # the city's towns (towns.json): a site's name may start with one (共和镇大岭水电站)
        # routes named by their two ends: {frozenset({end id, end id}): ((route id, its kinds of way), ...)}, and
        # the names an end may be written with (the gazetteer's and the neighbouring cities'): {name: feature id}
        self.routes = dict(routes or {})
        self.route_ids = frozenset(r for found in self.routes.values() for r, _ in found)
        self._automaton = _automaton({name: (name, tuple(ids)) for name, ids in self.names.items()})
        self._ends = _automaton({name: (name, fid) for name, fid in (ends or {}).items()}) if self.routes else None
        # English names: {key (folded, spaces removed): (key, ids, the acronym as written or None)}
        self.english = dict(english or {})
        self._english = _automaton(self.english) if self.english else None

    def __len__(self) -> int:
        return len(self.names)

    def find(self, text: str) -> list[Mention]:
        """Return the non-overlapping leftmost-longest mentions in ``text``, in order.

        Examples
        --------
        >>> gaz = load_gazetteer()
        >>> for m in gaz.find("货物从江门北站运往新会港，鹤山工业城"):
        ...     print(m.name, m.feature_ids)
        江门北站 ('jiangmen_north_station',)
        新会港 ('xinhui_port',)
        鹤山工业城 ('heshan_industrial_city',)
        """
        out = []
        for end, (name, ids) in self._automaton.iter_long(text + _END):
            mention = _in_context(Mention(end - len(name) + 1, end + 1, name, ids), text, self)
            if mention is not None:
                out.append(mention)
        if self._ends is not None and _ROUTE_WORD.search(text):
            out = self._routes_by_ends(text, out)
        return out

    def _routes_by_ends(self, text: str, mentions: list[Mention]) -> list[Mention]:
        """Read a route named by its two ends (``A—B铁路``, ``A至B的海铁联运班列``) as the route with those ends.

        The two ends are places (or neighbouring cities) joined by a dash, 至 or 到, followed in the same clause
        by a route word (:data:`ROUTE_WORDS`). The second end may be a list (``A至B、C和D的海铁联运班列``: a route
        from A to each). When, for each pair of ends, exactly one route of the gazetteer has those two ends and
        that kind of way, the whole span names those routes; otherwise the ends stay the places they are, and a
        route's generic alias inside the span (海铁联运班列, a train to another port) is dropped.
        """
        ends = [(e - len(name) + 1, e + 1, fid) for e, (name, fid) in self._ends.iter_long(text + _END)]
        spans: list[tuple[int, int, tuple[str, ...]]] = []  # (start, end, route ids or () for "drop route aliases")
        for i in range(len(ends) - 1):
            (a0, a1, a_id), b0 = ends[i], ends[i + 1][0]
            if text[a1:b0] not in _CONNECTORS or (spans and a0 < spans[-1][1]):
                continue
            far = [ends[i + 1]]  # the second end, and any listed after it (、和及与)
            for nxt in ends[i + 2 :]:
                if text[far[-1][1] : nxt[0]] not in _LIST_JOINS:
                    break
                far.append(nxt)
            tail = _ROUTE_TAIL.match(text, far[-1][1])
            if tail is None:
                continue
            way = _WAY[_ROUTE_WORD.search(tail.group()).group()]
            found = [[r for r, ways in self.routes.get(frozenset((a_id, b_id)), ()) if way in ways] for *_, b_id in far]
            routes = tuple(r for [r] in found) if all(len(f) == 1 for f in found) else ()
            spans.append((a0, tail.end(), routes))
        if not spans:
            return mentions
        # one pass (mentions and spans are both in text order): a mention inside a span gives way to its routes
        out, k = [], 0
        for s0, s1, routes in spans:
            while k < len(mentions) and mentions[k].end <= s0:
                out.append(mentions[k])
                k += 1
            inside = []
            while k < len(mentions) and mentions[k].start < s1:
                inside.append(mentions[k])
                k += 1
            if routes:
                out.append(Mention(s0, s1, text[s0:s1], routes))
            else:
                out += [m for m in inside if not self.route_ids.intersection(m.feature_ids)]
        return out + mentions[k:]

    def find_english(self, text: str, words: tuple[int, ...] = ()) -> list[Mention]:
        """Return the mentions of English names in ``text`` (normalised: spaces removed), matched as whole words.

        ``words`` are the offsets where the layout had spaces between words (``Sentence.words``): a name must
        start and end at one of them, at the text's ends, or next to a character that is not a Latin letter.
        A name starts with a capital; after that, case is not compared (Jiangmen hi-tech zone), except in
        acronyms (JMCT, SZX). A district's or the city's
        name before a site word (``Jiangmen Port Group``, ``Taishan Nuclear Power Station``) or before another
        capitalised word of a longer name (``Kaiping Diaolou``) is not the area.

        Examples
        --------
        >>> gaz = load_gazetteer()
        >>> text = "GaoshaPorthandled31,500TEU;theXinhuiportareamoved652,000tonnes."
        >>> words = (6, 10, 17, 26, 30, 36, 40, 45, 51, 58)
        >>> [(m.name, m.feature_ids[0]) for m in gaz.find_english(text, words)]
        [('GaoshaPort', 'gaosha_port'), ('Xinhuiport', 'xinhui_port')]
        >>> [m.name for m in gaz.find_english("Portsmouthisnotaport.", (10, 12, 15, 16))]
        []
        """
        if self._english is None:
            return []
        # (translate is fast on ASCII text; in a Chinese sentence only the runs of capitals and dashes are folded)
        folded = text.translate(_EN_FOLD) if text.isascii() else _EN_FOLDABLE.sub(_fold_run, text)
        breaks = set(words)
        out = []
        for end, (key, ids, acronym) in self._english.iter_long(folded + _END):
            start, end = end - len(key) + 1, end + 1
            if not (_word_edge(folded, start, breaks) and _word_edge(folded, end, breaks)):
                continue
            if acronym and text[start:end] != acronym:
                continue  # an acronym (JMCT) is matched as written
            if not text[start].isupper():
                continue  # a name is written with a capital in English: a taishan tea is not Taishan
            if set(ids) <= self.areas and (_EN_SITE.match(folded, end) or _starts_a_longer_name(text, end, breaks)):
                continue  # Jiangmen Port Group, Kaiping Diaolou: named after the area, not it
            out.append(Mention(start, end, text[start:end], ids))
        return out


# Appended to a text before a search: pyahocorasick's iter_long drops a short match inside a longer key that
# the text ends in the middle of (深茂铁路深圳 finds no 深圳 when 深茂铁路深圳至江门段 is a key).
_END = "\x00"


def _automaton(entries: dict) -> ahocorasick.Automaton:
    """An Aho-Corasick automaton of ``{key: value}``; ``iter_long`` gives the leftmost-longest keys."""
    automaton = ahocorasick.Automaton()
    for key, value in entries.items():
        automaton.add_word(key, value)
    automaton.make_automaton()
    return automaton


#: Words that end a route's name after its two ends (深江铁路, 江门北—盐田港海铁联运班列, 江门至珠海城际).
ROUTE_WORDS = ("铁路", "高铁", "城际", "轻轨", "班列", "航线", "专线", "快线", "组合港", "通道", "公路", "高速")
_ROUTE_WORD = re.compile("|".join(ROUTE_WORDS))
# the kind of way each route word names: a 航线 between two ports is not the railway between them
_WAY = {"铁路": "rail", "高铁": "rail", "城际": "rail", "轻轨": "rail", "班列": "train", "航线": "water",
        "专线": "train", "快线": "train", "组合港": "water", "通道": "road", "公路": "road",
        "高速": "road"}  # fmt: skip
# after the second end: at most eight characters of the same clause (的, 海铁联运, 高速), then a route word
_ROUTE_TAIL = re.compile(r"[^，。、；：,;:和与及（）()]{0,8}?(?:" + "|".join(ROUTE_WORDS) + ")")
_LIST_JOINS = {"、", "和", "及", "与", "，"}
_CONNECTORS = {"—", "–", "-", "－", "——", "至", "到", "~", "～"}
# English: A-Z folded to a-z, dashes and apostrophes to ASCII (one character each: offsets stay the same)
_EN_FOLD = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ–—’", "abcdefghijklmnopqrstuvwxyz--'"
)  # fmt: skip
_EN_FOLDABLE = re.compile("[A-Z–—’]+")


def _fold_run(m: re.Match) -> str:
    return m.group().translate(_EN_FOLD)


# what follows an area's English name when the words name a site or body called after it
_EN_SITE = re.compile(
    r"(?:port|station|airport|terminal|nuclear|power|bridge|village|group|industrialpark|park|road|street|avenue)"
)
_LATIN = re.compile(r"[a-z0-9]")
# Words after an area's English name that leave it the area (Xinhui District, Jiangmen City).
_EN_AREA_WORDS = ("district", "city", "county", "municipality", "prefecture")


def _starts_a_longer_name(text: str, end: int, breaks: set[int]) -> bool:
    """Return whether the word after ``text[:end]`` is a capitalised word going on with a longer name (Kaiping
    Diaolou), not an acronym (Jiangmen GDP) nor a word for the area's kind (Xinhui District)."""
    if end not in breaks or end >= len(text) or not text[end].isupper():
        return False
    stop = min((b for b in breaks if b > end), default=len(text))
    word = text[end:stop].rstrip(".,;:!?'\"")
    return not word.isupper() and word.lower() not in _EN_AREA_WORDS and "'" not in word


def _word_edge(folded: str, pos: int, breaks: set[int]) -> bool:
    """Return whether ``pos`` is a word's edge in English text with its spaces removed."""
    if pos in (0, len(folded)) or pos in breaks:
        return True
    return not (_LATIN.match(folded, pos - 1) and _LATIN.match(folded, pos))


#: Other cities, whose generic names (高新区) are not Jiangmen's: 珠海高新区 is Zhuhai's.
OTHER_CITIES = (
    "广州 深圳 珠海 佛山 中山 东莞 惠州 肇庆 阳江 茂名 湛江 云浮 清远 韶关 河源 梅州 汕头 汕尾 潮州 揭阳 "
    "香港 澳门 北京 上海 天津 重庆 杭州 南京 苏州 武汉 成都 西安 长沙 厦门 福州 南宁 海口 合肥 济南 青岛"
).split()
# Another city's name, then at most four characters of the same name (中山火炬高新区, 珠海国家高新区), up to where a
# generic name starts: the end of a window of text before it.
_OTHER_CITY_BEFORE = re.compile(
    "(?:" + "|".join(OTHER_CITIES) + ")(?:(?![市和与及的到至在从经])[\u4e00-\u9fff]){0,4}(?:市|国家)?$"
)
#: Names that are also common nouns, with the words that mark the common sense: just before the name, just after
#: it, or anywhere in the sentence. 盐田 is the port in 由江门到盐田的组合港, salt pans in 台山沿海的盐田面积.
ORDINARY_SENSE = {
    "盐田": (("的", "片", "块", "沿海", "废弃", "古"), ("面积", "晒", "里", "中", "上", "地", "和"),
             ("晒盐", "盐场", "盐业", "制盐", "海盐", "盐民")),
}  # fmt: skip
#: Names generic enough that a city name before them makes them that city's (珠海高新区).
CITY_GENERIC = ("高新区",)
#: What follows a district's or the city's name when the words name another place, called after it: 台山港区,
#: 台山核电站, 江门站. That place is not the district (it is proposed as a candidate instead).
AREA_NAMED_SITE = ("港区", "港", "电站", "核电", "站", "村", "水库", "机场", "码头", "园区", "工业园", "大桥")
_DIRECTIONS = "北南东西"
#: Endings of a park's name that make it a place's name whatever follows (…产业园, …园区, …基地, …城).
PARK_ENDINGS = ("园", "园区", "区", "城", "基地", "中心", "组团", "平台")
#: What follows an industry's name when it means the industry: 智能家电产业, 食品行业, 轨道交通装备制造.
INDUSTRY_WORDS = ("产业", "行业", "企业", "制造", "装备", "产品", "领域", "集群", "产值", "龙头", "项目", "链")
# …unless the words go on to name a park: 智能家电产业园, 食品产业园区, 轨道交通装备产业园, (省级)特色产业园
_PARK_AFTER = re.compile(r"[^，。、；：,;:和与及]{0,6}?(?:园|基地|集聚区)")


def _in_context(m: Mention, text: str, gazetteer: Gazetteer) -> Mention | None:
    """Return the mention as it is meant in ``text`` (maybe a shorter name), or None when it names no place here.

    Rules, each for a kind of false match: a name ending in a direction before 部/面/侧 (江门北部 is the north of
    Jiangmen, not 江门北 the station); a generic name after another city's (:data:`CITY_GENERIC`,
    :data:`OTHER_CITIES`); a name that is also a common noun, among the words of that sense
    (:data:`ORDINARY_SENSE`); a place's two-character name whose characters belong to the words around it in jieba's
    general dictionary (得实 in 取得实质进展); and a district's or the city's name that starts the name of a site called
    after it (:data:`AREA_NAMED_SITE`).
    """
    name, after = m.name, text[m.end : m.end + 3]
    if name[-1] in _DIRECTIONS and after[:1] in ("部", "面", "侧", "边"):
        shorter = name[:-1]
        if shorter not in gazetteer.names:
            return None
        m = Mention(m.start, m.end - 1, shorter, gazetteer.names[shorter])
        name, after = shorter, text[m.end : m.end + 3]
    before = text[max(0, m.start - 4) : m.start]
    if name in CITY_GENERIC and _OTHER_CITY_BEFORE.search(text, max(0, m.start - 10), m.start):
        return None
    if len(name) == 2 and not gazetteer.areas.intersection(m.feature_ids) and _inside_words(text, m.start, m.end):
        return None  # 得实 (a company's short name) in 取得实质进展: the characters belong to other words
    if name in ORDINARY_SENSE:
        left, right, anywhere = ORDINARY_SENSE[name]
        if before.endswith(left) or after.startswith(right) or any(w in text for w in anywhere):
            return None
    if gazetteer.parks.intersection(m.feature_ids) and not name.endswith(PARK_ENDINGS):
        # 智能家电 is a park's short name and an industry: 智能家电产业园 is the park, 智能家电产业 the industry
        rest = text[m.end : m.end + 8]
        if rest.startswith(INDUSTRY_WORDS) and not _PARK_AFTER.match(rest):
            # the industry of a place: 新会轨道交通装备 is Xinhui's, so the longest name it starts with is meant
            prefix = next((name[:k] for k in range(len(name) - 1, 1, -1) if name[:k] in gazetteer.names), None)
            return None if prefix is None else Mention(m.start, m.start + len(prefix), prefix, gazetteer.names[prefix])
    if set(m.feature_ids) <= gazetteer.areas:
        site = next((w for w in AREA_NAMED_SITE if after.startswith(w)), None)
        # 江门港口, 江门站在: the ending is part of another word (港口, 站在), not a site's name
        if site is not None and after[len(site) : len(site) + 1] not in _NOT_AN_END.get(site[-1], ()):
            return None
    return m


@functools.cache
def _segmenter():
    """jieba's tokenizer with its general dictionary, loaded on first use (about 2 s and 85 MB, once per process)."""
    import jieba  # deferred: only a document with a place's two-character name needs it

    jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict" lines on standard error
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def _inside_words(text: str, start: int, end: int) -> bool:
    """Return whether a word of jieba's general dictionary crosses ``text[start:end]``'s start or end.

    A name's characters that belong to the words around it (得实 in 取得|实质) are not the name. Only a window
    of four characters either side is segmented: the words that can cross the name's edges are in it.
    """
    lo = max(0, start - 4)
    for _, a, b in _segmenter().tokenize(text[lo : end + 4], HMM=False):
        if a + lo < start < b + lo or a + lo < end < b + lo:
            return True
    return False


def _is_chinese(name: str) -> bool:
    """Return whether ``name`` has a Chinese character (the gazetteer matches Chinese names only)."""
    return bool(_CJK.search(name))


def load_gazetteer(geodata_dir: str | os.PathLike[str] | None = None) -> Gazetteer:
    """Build the gazetteer from ``geodata/``: city, districts, and every curated place.

    Only names with Chinese characters are used: the input is Chinese text, and the
    English and pinyin aliases (``Xinhui``, ``gaoxinqu``) exist for search in the map,
    where as bare words in text they would match unrelated Latin text.
    When several features share a name, a curated place comes before a district and a
    district before the city.
    """
    data = read_geodata(geodata_dir)
    spec = data.districts_spec
    entries: list[tuple[str, str]] = []  # (name, feature id), most specific first
    for records in data.place_records.values():
        for rec in records:
            entries += [(n, rec["id"]) for n in [rec["name_zh"], *rec.get("aliases", [])]]
    city = spec["city"]
    entries += _without_city(entries, city["name_zh"])
    for district in spec["districts"]:
        entries += [(n, district["id"]) for n in [district["name_zh"], *district.get("aliases", [])]]
    entries += [(n, city["id"]) for n in [city["name_zh"], *city.get("aliases", [])]]
    names: dict[str, tuple[str, ...]] = {}
    for name, fid in entries:
        name = name.strip()
        if not name or not _is_chinese(name):
            continue
        # brackets are written full-width (（）) or ASCII (()): match either way
        for variant in dict.fromkeys([name, name.translate(_FULL_WIDTH_BRACKETS), name.translate(_ASCII_BRACKETS)]):
            ids = names.get(variant, ())
            if fid not in ids:
                names[variant] = ids + (fid,)
    areas = frozenset([city["id"], *(d["id"] for d in spec["districts"])])
    records = [rec for recs in data.place_records.values() for rec in recs]
    parks = frozenset(rec["id"] for rec in records if _PARK_KIND.search(rec.get("kind") or ""))
    ends = {n: ids[0] for n, ids in names.items()}
    for neighbour in spec.get("neighbours", []):  # a route's end may be a neighbouring city (深圳至江门)
        for n in [neighbour["name_zh"], *neighbour.get("aliases", [])]:
            if _is_chinese(n):
                ends.setdefault(n, neighbour["id"])
    english = _english_names(spec, records)
    routes = _route_ends(records, ends)
    _drop_kind_words(names, records, {r for found in routes.values() for r, _ in found})
    towns_spec = data.optional_json("towns.json") or {}
    towns = frozenset(t["name_zh"] for t in towns_spec.get("towns", []) if _is_chinese(t.get("name_zh") or ""))
    return Gazetteer(names, areas, english=english, routes=routes, ends=ends, parks=parks, towns=towns)


_GENERIC_STARTS = ("国家", "国际", "应用", "示范")


def _without_city(entries: list[tuple[str, str]], city_name: str) -> list[tuple[str, str]]:
    """Return the short forms of place names that start with the city's name, written without it.

    A document from the city drops it: 双碳实验室 is 江门双碳实验室, 中微子实验室 江门中微子实验室. Kept only when
    what is left is a name of four or more characters (not 北站 or 图书馆 of 江门市图书馆), does not go on with the
    city's own name (江门港…, 江门北…, 江门号…) and does not start with a word any place of its kind has (国家高新区
    is also another city's, 国际货柜码头 any port's).
    """
    prefixes = sorted({city_name, city_name.removesuffix("市")}, key=len, reverse=True)
    taken = {name for name, _ in entries}
    out = []
    for name, fid in entries:
        prefix = next((p for p in prefixes if name.startswith(p)), None)
        if prefix is None:
            continue
        rest = name[len(prefix) :]
        if (
            len(rest) >= 4
            and _CJK.match(rest)
            and rest[0] not in "市号港北南东西站"
            and not rest.startswith(_GENERIC_STARTS)
            and rest not in taken
        ):
            taken.add(rest)
            out.append((rest, fid))
    return out


def _drop_kind_words(names: dict[str, tuple[str, ...]], records: list[dict], route_ids: set[str]) -> None:
    """Remove a route's alias that is a word for its kind, not a name: one that is part of another route's
    name (海铁联运班列, in 江门北—高栏港海铁联运班列 too, is any sea-rail train, not the one to 盐田港)."""
    route_names = {rec["id"]: [rec["name_zh"], *rec.get("aliases", [])] for rec in records if rec["id"] in route_ids}
    for rid, own in route_names.items():
        others = [n for other, ns in route_names.items() if other != rid for n in ns]
        for alias in own:
            if alias in names and rid in names[alias] and any(alias in n and alias != n for n in others):
                kept = tuple(i for i in names[alias] if i != rid)
                if kept:
                    names[alias] = kept
                else:
                    del names[alias]


_PARK_KIND = re.compile(r"park|starter_area|base|cluster")


def _english_names(spec: dict, records: list[dict]) -> dict[str, tuple[str, tuple[str, ...], str | None]]:
    """Return the English gazetteer: ``{key: (key, feature ids, acronym or None)}``, keys folded without spaces.

    The English name and the aliases written with a capital (pinyin aliases, all lower case, are for the
    map's search) of the city, the districts (also without " District") and every place; ``Port of X`` is
    also ``X Port``. A bare name shared by an area and a place (Xinhui) is the area's in English text.
    """
    entries: list[tuple[str, str]] = []
    for area in [spec["city"], *spec["districts"]]:
        name_en = area.get("name_en") or ""
        entries += [(n, area["id"]) for n in [name_en, name_en.removesuffix(" District"), *area.get("aliases", [])]]
    for rec in records:
        for n in [rec.get("name_en") or "", *rec.get("aliases", [])]:
            entries.append((n, rec["id"]))
            if n.startswith("Port of "):
                entries.append((n.removeprefix("Port of ") + " Port", rec["id"]))
    out: dict[str, tuple[str, tuple[str, ...], str | None]] = {}
    for name, fid in entries:
        name = name.strip()
        if not name or _is_chinese(name) or name == name.lower() or len(name) < 3:
            continue
        key = re.sub(r"\s+", "", name).translate(_EN_FOLD)
        acronym = key.upper() if name.isupper() and " " not in name else None
        _, ids, _ = out.get(key, (key, (), acronym))
        if fid not in ids:
            out[key] = (key, ids + (fid,), acronym)
    return out


_END_SPLIT = re.compile(r"[—–\-－]|至|到")


def _route_ends(records: list[dict], ends: dict[str, str]) -> dict[frozenset[str], tuple[tuple[str, frozenset], ...]]:
    """Return ``{frozenset(two end ids): ((route id, kinds of way), ...)}``: each route's ends, from
    ``geometry_from`` when it has two, else from a name of the form ``A—B…`` / ``A至B…`` (the last place
    named in A, the first in B); its kinds of way from the route words in its names (铁路: rail)."""
    automaton = _automaton({n: (n, fid) for n, fid in ends.items()})

    def found(text: str) -> list[str]:
        return [fid for _, (_, fid) in automaton.iter_long(text + _END)]

    out: dict[frozenset[str], tuple[str, ...]] = {}
    for rec in records:
        pair = rec.get("geometry_from") if len(rec.get("geometry_from") or ()) == 2 else None
        for name in [rec["name_zh"], *rec.get("aliases", [])]:
            if pair is not None:
                break
            if not _ROUTE_WORD.search(name):
                continue
            parts = _END_SPLIT.split(name)
            if len(parts) == 2 and found(parts[0]) and found(parts[1]):
                pair = [found(parts[0])[-1], found(parts[1])[0]]
        if pair is not None and pair[0] != pair[1] and (rec["id"] not in pair):
            names = "".join([rec["name_zh"], *rec.get("aliases", [])])
            ways = frozenset(_WAY[w] for w in _ROUTE_WORD.findall(names)) | ({"road"} if "大桥" in names else set())
            key = frozenset(pair)
            out[key] = out.get(key, ()) + ((rec["id"], ways),)
    return out


_FULL_WIDTH_BRACKETS = str.maketrans("()", "（）")
_ASCII_BRACKETS = str.maketrans("（）", "()")


#: Endings of place-like words (port, station, park, zone, town, bay, bridge, passage ...).
CANDIDATE_SUFFIXES = (
    "村民委员会",
    "村民小组",
    "村委会",
    "居委会",
    "水库",
    "电厂",
    "通道",
    "大桥",
    "码头",
    "机场",
    "铁路",
    "高铁",
    "港区",
    "园区",
    "新区",
    "基地",
    "港",
    "站",
    "园",
    "区",
    "镇",
    "湾",
    "桥",
    "岛",
    "村",
)
# Characters that do not occur inside a place name: they end the name on its left.
# Written by hand rather than left to jieba, which splits names it does not know (HanLP #1193); jieba only
# checks a short name's edges (_inside_words).
_NAME_STOP = set(
    "的了在和与及是为将把从到向对于等、，。；：！？“”‘’《》,.;:!?（）()「」【】—-·…0123456789 \t"
    "有被让使由以并且或而也都已还又更最很其该此各每这那个年月日成设造进快户于括现过抓入记予接面助力展身施占旬期间明确足初领促批扩要朝推动亲自共建住携手席暨庆祝争着覆盖"
)
# An ending followed by one of these is part of a longer word, not a name's end:
# 港澳, 港人, 港资 (Hong Kong ...), 区域, 站在 ...
_NOT_AN_END = {
    "港": set("澳台人资商籍企股元币口城珠"),
    "区": set("域别位块"),
    "站": set("在立台点位"),
    "园": set("林艺丁"),
    "桥": set("梁头"),
}
# Generic words that end like a place but name none.
_GENERIC = {
    "地区",
    "园区",
    "社区",
    "城区",
    "景区",
    "片区",
    "产区",
    "辖区",
    "市区",
    "全区",
    "该区",
    "本区",
    "湾区",
    "新区",
    "港区",
    "开发区",
    "示范区",
    "合作区",
    "功能区",
    "先行区",
    "试验区",
    "集聚区",
    "产业园",
    "工业园",
    "科技园",
    "乡镇",
    "城镇",
    "村镇",
    "农村",
    "乡村",
    "海湾",
    "港口",
    "车站",
    "站点",
    "口岸港",
    "全镇",
    "各镇",
    "双通道",
    "大通道",
    "通道",
    "大桥",
    "基地",
    "桥",
    "港",
    "站",
    "园",
    "区",
    "镇",
    "湾",
    "岛",
    "村",
    "铁路",
    "高铁",
    "码头",
    "机场",
    "出口基地",
    "生产基地",
    "示范基地",
    "产业基地",
    "水电站",
    "电站",
    "光伏电站",
    "水库",
    "电厂",
    "村委会",
    "村民小组",
    "居委会",
}
# Words that qualify a generic word without making it a name: 农村小水电站 and 主要水电站 name no station (not
# 大: 大湾区 is the Greater Bay Area).
# A count right after a place-like word: the word is a kind of place being counted (污水处理站1座, 水电站36座).
_COUNTED = re.compile(r"[\d一二两三四五六七八九十百千万]+(?:多|余)?[座个处家所条]")
_GENERIC_LEADS = ("农村", "主要", "现有", "全市", "全县", "小型", "中型", "大型", "一批", "小", "新")
# Endings of the places a site's name may start with (its town, village or neighbourhood): 共和镇大岭水电站 and
# 君堂镇西安村委会黄角村民小组 are each one name, not a town and a fragment.
_CONTAINER_ENDINGS = ("镇", "乡", "街道", "村", "村委会", "村民委员会", "居委会", "社区")
_SUFFIX_RE = re.compile("|".join(sorted(map(re.escape, CANDIDATE_SUFFIXES), key=len, reverse=True)))


@functools.lru_cache(maxsize=4)
def _towns_by_char(towns: frozenset[str]) -> dict[str, tuple[str, ...]]:
    """``{character: towns with it before their last character}``, longest first, then by name.

    A fixed order, not the set's: a set of strings is iterated in an order that changes from process to process
    (string hashing is randomised), so where two towns could span a stop, a worker and the parent would choose
    differently and the review files would differ.
    """
    index: dict[str, list[str]] = {}
    for town in sorted(towns, key=lambda t: (-len(t), t)):
        for ch in set(town[:-1]):
            index.setdefault(ch, []).append(town)
    return {ch: tuple(found) for ch, found in index.items()}


def _town_start(text: str, start: int, end: int, towns: frozenset[str], floor: int) -> int:
    """Where a name stopped at ``start`` begins if a town's name spans that stop (else ``start``).

    Only towns with the stop character ``text[start - 1]`` before their last character can span it, so
    only those are tried (an index, not a loop over every town for every candidate).
    """
    for town in _towns_by_char(towns).get(text[start - 1], ()):
        at = text.rfind(town, floor, min(end, start + len(town)))
        if at != -1 and at < start < at + len(town):
            return at
    return start


#: Last words of an English place-like name (Taishan Nuclear Power Plant, Dasha Reservoir).
EN_CANDIDATE_ENDINGS = ("Plant", "Station", "Reservoir", "Dam", "Village", "Mine", "Factory", "Terminal", "Airport",
                        "Bridge", "Port", "Park")  # fmt: skip
_EN_DETERMINERS = ("The", "A", "An", "This", "That")


def find_english_candidates(text: str, mentions: list[Mention], words: tuple[int, ...]) -> list[tuple[int, int, str]]:
    """List English place-like names in ``text`` (spaces removed) that the gazetteer did not match.

    A candidate is a run of two or more capitalised words, one after another with nothing between them, whose last
    word is one of :data:`EN_CANDIDATE_ENDINGS`; ``words`` are where the layout had a space between two Latin words
    (``Sentence.words``). A leading determiner (The) is left out; a run that overlaps a mention is skipped.

    Examples
    --------
    >>> find_english_candidates("TaishanNuclearPowerPlantgenerated24billionkWh.", [], (7, 14, 19, 24, 33, 35, 42))
    [(0, 24, 'TaishanNuclearPowerPlant')]
    """
    bounds = sorted({0, *words, len(text)})
    run: list[tuple[int, int]] = []
    out = []
    ends_here = False  # the run so far ends in a site word (a capitalised word after it makes it another name)
    for a, b in zip(bounds, bounds[1:], strict=False):
        word = text[a:b]
        bare = word.rstrip(".,;:!?)\"'")
        if bare[:1].isupper() and bare.isalpha() and not (not run and bare in _EN_DETERMINERS):
            run.append((a, a + len(bare)))
            ends_here = bare in EN_CANDIDATE_ENDINGS and len(run) >= 2  # Jiangmen Port Group: not a port
            if len(bare) == len(word):
                continue  # the run goes on only when no punctuation ends this word
        if ends_here:
            start, end = run[0][0], run[-1][1]
            if not any(m.start < end and start < m.end for m in mentions):
                out.append((start, end, text[start:end]))
        run, ends_here = [], False
    return out


def find_candidates(
    text: str, mentions: list[Mention], min_len: int = 3, max_len: int = 12, towns: frozenset[str] = frozenset()
) -> list[tuple[int, int, str]]:
    """List place-like names in ``text`` that the gazetteer did not match.

    A candidate ends in one of :data:`CANDIDATE_SUFFIXES` and extends to the left over
    Chinese characters up to a character that does not occur inside names (punctuation,
    digits, 的, 在, 和 ...), a gazetteer mention, or ``max_len`` characters. Endings
    inside a gazetteer mention and generic words (``地区``, ``大湾区`` is kept) are skipped.
    A name that stops inside one of ``towns`` (a stop character in the town's own name: 共和镇, 和平街道)
    takes the whole town: a site is often named after its town (``共和镇大岭水电站``).
    Returns ``(start, end, name)`` triples.

    Examples
    --------
    >>> gaz = load_gazetteer()
    >>> text = "建设崖门出海航道和广海湾，推进新会港"
    >>> [c[2] for c in find_candidates(text, gaz.find(text))]
    ['广海湾']
    """
    covered = [False] * (len(text) + 1)
    for m in mentions:
        for i in range(m.start, m.end):
            covered[i] = True
    out = []
    last_end = 0
    for sm in _SUFFIX_RE.finditer(text):
        end = sm.end()
        # take the longest suffix ending here: 园区 rather than 区
        if end < len(text) and (
            (_SUFFIX_RE.match(text, end) and text[end] in "区港站") or text[end] in _NOT_AN_END.get(text[end - 1], ())
        ):
            continue
        if any(covered[sm.start() : end]):
            continue
        start = sm.start()
        floor = max(last_end, end - max_len)
        while (
            start > floor
            and not covered[start - 1]
            and text[start - 1] not in _NAME_STOP
            and _CJK.match(text[start - 1])
        ):
            start -= 1
        if start > floor and not covered[start - 1]:
            start = _town_start(text, start, end, towns, floor)
        name = text[start:end]
        if len(name) < min_len or name in _GENERIC or name[: -len(sm.group())] in ("", "大", "该", "全", "新"):
            continue
        bare = name
        while bare.startswith(_GENERIC_LEADS) and bare not in _GENERIC:
            bare = bare[len(next(w for w in _GENERIC_LEADS if bare.startswith(w))) :]
        if bare in _GENERIC or _COUNTED.match(text, end):
            continue  # a kind, not a name: 农村小水电站, 新建污水处理站1座 (what is counted is a kind of place)
        if out and out[-1][1] == start and out[-1][2].endswith(_CONTAINER_ENDINGS):
            start = out.pop()[0]  # the town or village the site is named with: one name
            name = text[start:end]
        out.append((start, end, name))
        last_end = end
    return out
