"""Pair each amount of a sentence with its year and its place, as a review row.

The year is the one stated before the amount in the sentence (``2023年``), a decade
(``20世纪90年代``), a relative year (``今年``, ``去年``) against the document's date, a
year stated later in the same clause (``计划2025年运行``), or the document's date
(flagged). The place is the gazetteer mentions in the amount's clause, else in the
nearest clause of the sentence that names one, else the city (flagged).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .._numbers import TARGET_WORDS
from ._amounts import AmountMatch, find_amounts
from ._gazetteer import Mention
from ._records import ReviewRow
from ._sentences import Sentence

__all__ = ["SITE_ENDINGS", "amount_rows", "last_stated_year", "target_year_of"]

_YEAR_RE = re.compile(r"(?<![\d.])(1[89]\d\d|20\d\d)(?=年(?!代))")
_DECADE_RE = re.compile(r"(\d\d)世纪(\d)0年代")
_RELATIVE = {"今年": 0, "本年": 0, "年内": 0, "去年": -1, "上年": -1, "明年": 1, "前年": -2}
_RELATIVE_RE = re.compile("|".join(_RELATIVE) + "|当年|同年")
_TARGET_RE = re.compile("|".join(map(re.escape, TARGET_WORDS)))
_CLAUSE_SEP = "，,；;：:"
_SCOPE_CONFIDENCE = {"clause": 0.85, "sentence": 0.7, "city": 0.5, "unknown_place": 0.4}
#: Endings of a place-like name not in ``geodata/`` that name one site (a village, a power station, a reservoir,
#: a plant, a town): an amount in its clause is about that site, not about the city or the county it is in. Words
#: for kinds of place that are as often a category as a name (产业园, 深水港, 驿站, 基地) are not among them.
SITE_ENDINGS = ("村", "村民小组", "村委会", "村民委员会", "居委会",
                "水库", "电站", "发电厂", "厂", "矿", "大桥", "岛", "镇", "码头", "机场", "火车站",
                "高铁站", "客运站", "货运站",
                "Plant", "Station", "Reservoir", "Dam", "Village", "Mine", "Factory", "Terminal", "Airport",
                "Bridge")  # fmt: skip


def last_stated_year(text: str) -> int | None:
    """Return the last year stated in ``text`` (``2023年``, not ``90年代``), if any.

    Examples
    --------
    >>> last_stated_year("2022年开工，2023年建成"), last_stated_year("去年建成")
    (2023, None)
    """
    stated = _YEAR_RE.findall(text)
    return int(stated[-1]) if stated else None


_TARGET_YEAR_RE = re.compile(r"(?:到|至|力争到|预计到)((?:19|20)\d\d)年")


def target_year_of(text: str) -> int | None:
    """Return the year ``text`` sets a target for (``到2030年``), if any: the last one.

    Examples
    --------
    >>> target_year_of("到2030年，全市港口货物吞吐量达到1.2亿吨"), target_year_of("2023年建成")
    (2030, None)
    """
    found = _TARGET_YEAR_RE.findall(text)
    return int(found[-1]) if found else None


@dataclass
class _SentenceIndex:
    """What year and place resolution need from one sentence, found once (not once per amount)."""

    length: int
    seps: list[int]
    stated: list[tuple[int, int]]
    relative: list[tuple[int, str]]
    decades: list[tuple[int, int]]

    @classmethod
    def of(cls, text: str) -> _SentenceIndex:
        """Index the clause separators, stated and relative years and decades of ``text``."""
        return cls(
            len(text),
            [i for i, ch in enumerate(text) if ch in _CLAUSE_SEP],
            [(m.start(), int(m.group(1))) for m in _YEAR_RE.finditer(text)],
            [(m.start(), m.group()) for m in _RELATIVE_RE.finditer(text) if not text.startswith("同期", m.end())],
            [(m.start(), (int(m.group(1)) - 1) * 100 + int(m.group(2)) * 10) for m in _DECADE_RE.finditer(text)],
        )

    def clause(self, pos: int) -> tuple[int, int]:
        """Return the clause (between ，；： separators) around ``pos``."""
        i = bisect.bisect_right(self.seps, pos - 1)
        left = self.seps[i - 1] + 1 if i else 0
        right = self.seps[i] if i < len(self.seps) else self.length
        return left, right


def _resolve_year(
    idx: _SentenceIndex, pos: int, doc_year: int | None, last_year: int | None
) -> tuple[int | None, str, tuple[str, ...]]:
    """Return (year, year basis, flags) for the amount at ``pos``.

    ``doc_year`` is the document's publication year; ``last_year`` the last year stated
    in the document before this sentence (for 当年, 同年).
    """
    before = [y for p, y in idx.stated if p < pos]
    if before:
        return before[-1], "stated", ()
    decade = [y for p, y in idx.decades if p < pos]
    if decade:
        return decade[-1], "decade", ()
    relative = [w for p, w in idx.relative if p < pos]
    if relative:
        word = relative[-1]
        if word in ("当年", "同年"):
            if last_year is not None:
                return last_year, "stated", ()
            return None, "unknown", ("relative_year_unresolved",)
        if doc_year is None:
            return None, "unknown", ("relative_year_without_document_date",)
        return doc_year + _RELATIVE[word], "document_date", ()
    _, clause_end = idx.clause(pos)
    after = [y for p, y in idx.stated if pos <= p < clause_end]  # "计划2025年运行": a later year in the same clause
    if after:
        return after[0], "stated", ()
    if doc_year is None:
        return None, "unknown", ("no_year",)
    return doc_year, "document_date", ("year_assumed_from_document_date",)


def _pair_places(
    idx: _SentenceIndex,
    pos: int,
    mentions: list[Mention],
    starts: list[int],
    city_id: str,
    sites: tuple[tuple[int, int, str], ...] = (),
    areas: frozenset[str] = frozenset(),
    parks: frozenset[str] = frozenset(),
    industry: bool = False,
) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    """Return (feature ids, names, scope) for the amount at ``pos``: clause, sentence, city or unknown place.

    ``mentions`` are in text order and ``starts`` are their start offsets. ``sites`` are place-like names not
    in ``geodata/`` that name a site (:data:`SITE_ENDINGS`): an amount whose clause names one, and no place but
    the city or a district (``areas``), is about that site (scope ``unknown_place``, no feature ids, the
    site's name), and so is one with no place in its sentence but a site: never the city as if it were the site.
    With ``industry`` (the amount's clause speaks of an industry: 全市硅能源产业产值达到300亿元) a park
    (``parks``) named in another clause is not taken: the industry is not the park named after it. A district
    named again in the name of a place in the same clause (the Xinhui District ... Xinhui Port) gives way to it.
    """
    left, right = idx.clause(pos)
    in_clause = [name for a, b, name in sites if left <= a and b <= right]
    if in_clause and all(set(m.feature_ids) <= areas for m in mentions if left <= m.start and m.end <= right):
        return (), tuple(in_clause), "unknown_place"

    def within(left: int, right: int) -> list[Mention]:
        return [
            m for m in mentions[bisect.bisect_left(starts, left) : bisect.bisect_left(starts, right)] if m.end <= right
        ]

    left, right = idx.clause(pos)
    scope = "clause"
    chosen = within(left, right)
    if not chosen:
        scope = "sentence"
        i = bisect.bisect_left(starts, left)  # mentions[:i] start before the clause
        before = mentions[i - 1] if i else None
        j = bisect.bisect_left(starts, right)
        after = mentions[j] if j < len(mentions) else None
        near = before if before is not None else after  # the nearest clause that names a place, before first
        if near is not None:
            lo, hi = idx.clause(near.start)
            chosen = within(lo, hi)
            named = [name for a, b, name in sites if lo <= a and b <= hi]
            if named and all(set(m.feature_ids) <= areas for m in chosen):
                return (), tuple(named), "unknown_place"  # that clause is about a site in the area, so is this one
        if industry:
            chosen = [m for m in chosen if not parks.intersection(m.feature_ids)]
    if not chosen:
        if sites:
            return (), tuple(dict.fromkeys(name for _, _, name in sites)), "unknown_place"
        return (city_id,), (), "city"
    ids: list[str] = []
    names: list[str] = []
    for m in chosen:
        if m.feature_ids[0] not in ids:
            ids.append(m.feature_ids[0])
        if m.name not in names:
            names.append(m.name)
    if len(ids) > 1 and city_id in ids:
        ids.remove(city_id)  # "江门成功引进...中创新航江门基地": the specific place, not the city
    if len(ids) > 1:
        named_after = {
            m.feature_ids[0]
            for m in chosen
            if m.feature_ids[0] in areas
            and len(base := _AREA_WORD.sub("", m.name)) >= 2
            and any(o.name.startswith(base) and o.feature_ids[0] not in areas for o in chosen)
        }
        ids = [i for i in ids if i not in named_after]
    return tuple(ids), tuple(names), scope


# What follows a district's name as a word for its kind (新会区, XinhuiDistrict), left out to compare names.
_AREA_WORD = re.compile(r"(?:区|市|县|District|City|County)$")
# An amount's clause that speaks of an industry (硅能源产业产值, 食品行业).
_INDUSTRY_CLAUSE = re.compile("产业|行业")


def _confidence(scope: str, year_basis: str, amount: AmountMatch, ambiguous: bool) -> float:
    """Return a heuristic 0-1 score for ranking the review table (not a calibrated probability)."""
    score = _SCOPE_CONFIDENCE[scope]
    score += {"stated": 0.05, "document_date": 0.0, "decade": 0.0}.get(year_basis, -0.1)
    if amount.chinese_numeral:
        score -= 0.1
    if amount.unit == "rank":
        score -= 0.15
    if ambiguous:
        score -= 0.1
    return round(min(max(score, 0.05), 0.99), 2)


def amount_rows(
    sent: Sentence,
    simp: str,
    mentions: list[Mention],
    doc: str,
    doc_year: int | None,
    last_year: int | None,
    city_id: str,
    target_year: int | None = None,
    sites: tuple[tuple[int, int, str], ...] = (),
    areas: frozenset[str] = frozenset(),
    target_lead: bool = False,
    parks: frozenset[str] = frozenset(),
) -> list[ReviewRow]:
    """Return a review row for each amount in a sentence, paired with its year and place.

    ``simp`` is the sentence folded by :func:`~jmgeo._ingest._simplified.to_simplified`
    and ``mentions`` the gazetteer's matches in it; ``doc_year`` and ``last_year`` are as
    in :func:`_resolve_year`. An amount after a target word (力争, 计划 ...) is a target;
    ``target_year`` is the year the sentence before set a target for (``到2030年``, see
    :func:`target_year_of`), which a target with no year of its own takes; with ``target_lead`` (that sentence
    had no amount: ``到2027年，全市新能源发展迈上新台阶。新增光伏装机30万千瓦``) every amount with no year of its
    own takes it. ``sites``, ``areas`` and ``parks`` are as in :func:`_pair_places`.
    """
    amounts = find_amounts(simp, sent.text, sent.cells, sent.table, sent.skips, sent.words)
    if not amounts:
        return []
    idx = _SentenceIndex.of(simp)
    starts = [m.start for m in mentions]
    shared = {m.name for m in mentions if len(m.feature_ids) > 1}
    rows = []
    for amount in amounts:
        year, basis, year_flags = _resolve_year(idx, amount.start, doc_year, last_year)
        if (
            "year_assumed_from_document_date" in year_flags
            and target_year is not None
            and (doc_year is None or target_year > doc_year)
            and (target_lead or _TARGET_RE.search(simp, 0, amount.start))
        ):
            # 到2030年，…。集装箱吞吐量力争达到150万标箱: a target in the sentence after 到2030年 is for 2030
            year, basis, year_flags = target_year, "derived", ("year_from_previous_target",)
        left = idx.clause(amount.start)[0]
        industry = _INDUSTRY_CLAUSE.search(simp, left, amount.start) is not None
        ids, names, scope = _pair_places(idx, amount.start, mentions, starts, city_id, sites, areas, parks, industry)
        qualifier = amount.qualifier
        if qualifier not in ("range",) and _TARGET_RE.search(simp, 0, amount.start):
            qualifier = "target"
        ambiguous = bool(shared.intersection(names))
        flags = list(year_flags)
        if scope == "city":
            flags.append("city_fallback")
        elif scope == "unknown_place":
            flags.append("place_not_in_geodata")
        if ambiguous:
            flags.append("ambiguous_place")
        if amount.chinese_numeral:
            flags.append("chinese_numeral")
        rows.append(
            ReviewRow(
                doc=doc,
                line=sent.line,
                start=sent.start,
                end=sent.start + len(sent.text),
                quote=sent.text,
                number_start=sent.start + amount.start,
                number_end=sent.start + amount.end,
                number_text=amount.number_text,
                value=amount.value,
                value_max=amount.value_max,
                unit=amount.unit,
                qualifier=qualifier,
                year=year,
                year_basis=basis,
                feature_ids=ids,
                place_names=names,
                place_scope=scope,
                confidence=_confidence(scope, basis, amount, ambiguous),
                flags=tuple(flags),
            )
        )
    return rows
