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

import os
import re
from dataclasses import dataclass

import ahocorasick

from .._geodata import read_geodata

__all__ = [
    "AREA_NAMED_SITE",
    "CANDIDATE_SUFFIXES",
    "CITY_GENERIC",
    "ORDINARY_SENSE",
    "OTHER_CITIES",
    "Gazetteer",
    "Mention",
    "find_candidates",
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

    def __init__(self, names: dict[str, tuple[str, ...]], areas: frozenset[str] = frozenset()):
        if not names:
            raise ValueError("a gazetteer needs at least one name")
        self.names = dict(names)
        self.areas = areas  # ids of the city and the districts: a site named after one is not it
        self._automaton = ahocorasick.Automaton()
        for name, ids in self.names.items():
            self._automaton.add_word(name, (name, tuple(ids)))
        self._automaton.make_automaton()

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
        for end, (name, ids) in self._automaton.iter_long(text):
            mention = _in_context(Mention(end - len(name) + 1, end + 1, name, ids), text, self)
            if mention is not None:
                out.append(mention)
        return out


#: Other cities, whose generic names (高新区) are not Jiangmen's: 珠海高新区 is Zhuhai's.
OTHER_CITIES = (
    "广州 深圳 珠海 佛山 中山 东莞 惠州 肇庆 阳江 茂名 湛江 云浮 清远 韶关 河源 梅州 汕头 汕尾 潮州 揭阳 "
    "香港 澳门 北京 上海 天津 重庆 杭州 南京 苏州 武汉 成都 西安 长沙 厦门 福州 南宁 海口 合肥 济南 青岛"
).split()
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


def _in_context(m: Mention, text: str, gazetteer: Gazetteer) -> Mention | None:
    """Return the mention as it is meant in ``text`` (maybe a shorter name), or None when it names no place here.

    Rules, each for a kind of false match: a name ending in a direction before 部/面/侧 (江门北部 is the north of
    Jiangmen, not 江门北 the station); a generic name after another city's (:data:`CITY_GENERIC`,
    :data:`OTHER_CITIES`); a name that is also a common noun, among the words of that sense
    (:data:`ORDINARY_SENSE`); and a district's or the city's name that starts the name of a site called after it
    (:data:`AREA_NAMED_SITE`).
    """
    name, after = m.name, text[m.end : m.end + 3]
    if name[-1] in _DIRECTIONS and after[:1] in ("部", "面", "侧", "边"):
        shorter = name[:-1]
        if shorter not in gazetteer.names:
            return None
        m = Mention(m.start, m.end - 1, shorter, gazetteer.names[shorter])
        name, after = shorter, text[m.end : m.end + 3]
    before = text[max(0, m.start - 4) : m.start]
    if name in CITY_GENERIC and any(before.endswith((c, c + "市", c + "国家")) for c in OTHER_CITIES):
        return None
    if name in ORDINARY_SENSE:
        left, right, anywhere = ORDINARY_SENSE[name]
        if before.endswith(left) or after.startswith(right) or any(w in text for w in anywhere):
            return None
    if set(m.feature_ids) <= gazetteer.areas:
        site = next((w for w in AREA_NAMED_SITE if after.startswith(w)), None)
        # 江门港口, 江门站在: the ending is part of another word (港口, 站在), not a site's name
        if site is not None and after[len(site) : len(site) + 1] not in _NOT_AN_END.get(site[-1], ()):
            return None
    return m


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
    for district in spec["districts"]:
        entries += [(n, district["id"]) for n in [district["name_zh"], *district.get("aliases", [])]]
    city = spec["city"]
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
    return Gazetteer(names, areas)


_FULL_WIDTH_BRACKETS = str.maketrans("()", "（）")
_ASCII_BRACKETS = str.maketrans("（）", "()")


#: Endings of place-like words (port, station, park, zone, town, bay, bridge, passage ...).
CANDIDATE_SUFFIXES = (
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
# Written by hand: a proper word segmenter (jieba, HanLP) would be a heavy dependency
# for this review aid, and still splits names it does not know (HanLP #1193).
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
}
_SUFFIX_RE = re.compile("|".join(sorted(map(re.escape, CANDIDATE_SUFFIXES), key=len, reverse=True)))


def find_candidates(
    text: str, mentions: list[Mention], min_len: int = 3, max_len: int = 12
) -> list[tuple[int, int, str]]:
    """List place-like names in ``text`` that the gazetteer did not match.

    A candidate ends in one of :data:`CANDIDATE_SUFFIXES` and extends to the left over
    Chinese characters up to a character that does not occur inside names (punctuation,
    digits, 的, 在, 和 ...), a gazetteer mention, or ``max_len`` characters. Endings
    inside a gazetteer mention and generic words (``地区``, ``大湾区`` is kept) are skipped.
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
        name = text[start:end]
        if len(name) < min_len or name in _GENERIC or name[: -len(sm.group())] in ("", "大", "该", "全", "新"):
            continue
        out.append((start, end, name))
        last_end = end
    return out
