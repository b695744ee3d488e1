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
    "CANDIDATE_SUFFIXES",
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

    def __init__(self, names: dict[str, tuple[str, ...]]):
        if not names:
            raise ValueError("a gazetteer needs at least one name")
        self.names = dict(names)
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
            start = end - len(name) + 1
            out.append(Mention(start, end + 1, name, ids))
        return out


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
        ids = names.get(name, ())
        if fid not in ids:
            names[name] = ids + (fid,)
    return Gazetteer(names)


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
