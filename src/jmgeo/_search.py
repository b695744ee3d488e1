"""Search that forgives: names, pinyin, initials, English words, typos, traditional characters and facts.

The page and :func:`search` rank with the same rules on the same index (``static/atlas/14-search.js``
is this module's twin; ``tests/vectors/search_ranks.json`` holds the rankings both must give):

- a feature's **index entry** has its Chinese names (``zh``), their pinyin by syllable (``py``,
  from ``pypinyin``, phrase-aware) and its other names (``en``), each normalised (:func:`normalize_key`);
- a **query** is normalised the same way, traditional characters folded to simplified (``fold``: a
  table made from OpenCC's ``t2s`` for the characters the names and facts use) and cut into tokens
  (numbers, Latin words, runs of Chinese characters);
- a Chinese token is also read as pinyin, character by character (``sounds``: the pinyin of the
  GB 2312 level-1 characters and of every character in the names, for the syllables the names use),
  so a wrong character with the same or a near sound still finds the place;
- **tiers**, best first: a name or its pinyin equal to the query (0), starting with it (1),
  containing it (2); pinyin initials (``zxwl``) equal, starting, containing (3, 4, 5); every token
  found in one name, in any order (6); tokens found with typos, by edit distance on the pinyin or
  the English, or in part (a Chinese token's character pairs; most tokens found): 7 + the edits,
  + 2 per missing token; facts (8 + twice what they miss, after names of the same score): a number
  equal to one the fact quotes, topic words in its English claim or its Chinese quote (by character
  pairs);
- ties keep layer order (facts: newest year first); when nothing matches, the nearest names (40 +
  the edits; for Chinese, the query's characters a name lacks).

Each result says why it matched (``why``): ``name``, ``traditional``, ``pinyin``, ``initials``, ``words``,
``sound``, ``spelling``, ``fact`` or ``nearest``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

import geopandas as gpd
import pandas as pd

from ._loading import load_facts, load_layers
from ._pinyin import HAN, pinyin, pinyin_syllables
from ._values import json_value

__all__ = [
    "build_search_index",
    "extra_search_entries",
    "fold_table",
    "index_names",
    "layer_entries",
    "normalize_key",
    "rank",
    "search",
    "search_tables",
    "sound_table",
    "sub_distance",
]

_DROP = re.compile(r"[\s\W_]+", re.UNICODE)
# Thousands separators inside a number (9,535 -> 9535), so figures compare as written.
_THOUSANDS = re.compile(r"(?<=[0-9])[,，](?=[0-9]{3}(?![0-9]))")
# Query and fact tokens: numbers, Latin words, runs of Chinese characters.
# A unit's square or cube (km², NFKC km2) stays with its letters.
_TOKEN = re.compile(r"[0-9]+(?:\.[0-9]+)?|[a-z]+(?:[23](?![0-9]))?|[\u3400-\u9fff]+")
_NUMBER = re.compile(r"^[0-9]")
_LATIN = re.compile(r"^[a-z]+$")
_WORD = re.compile(r"[a-z]+")
_HAN_RUN = re.compile(r"[\u3400-\u9fff]")
_SYLLABLE = re.compile(r"([a-z]+)([^a-z]+)")
# The reasons a result gives for matching (the page words them as labels.json's why_<reason>).
WHY = ("name", "traditional", "pinyin", "initials", "words", "sound", "spelling", "fact", "nearest")
LIMIT = 10
NEAREST = 3
# Characters of a query read: a pasted paragraph would cost each keystroke a long edit-distance run.
MAX_QUERY = 64


def _fold_case(text: str) -> str:
    """NFKD, no combining marks, NFKC, lower case: :func:`normalize_key` before it drops separators."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFKC", stripped).lower()


def normalize_key(text: str) -> str:
    """Normalise text for search: NFKD, no tone marks, lower case, no spaces or punctuation.

    Examples
    --------
    >>> normalize_key("Gāoshā Gǎng"), normalize_key("高沙港（江门）")
    ('gaoshagang', '高沙港江门')
    """
    return _DROP.sub("", _fold_case(text))


def feature_keys(names: list[str]) -> dict[str, list[str]]:
    """A feature's search keys: ``zh`` (Chinese names), ``py`` (their pinyin by syllable), ``en`` (the others)."""
    keys: dict[str, list[str]] = {"zh": [], "py": [], "en": []}
    for name in names:
        if not isinstance(name, str) or not name.strip():
            continue
        key = normalize_key(name)
        if not key:
            continue
        if HAN.search(name):
            if key not in keys["zh"]:  # zh and py stay parallel: py[i] is the pinyin of zh[i]
                keys["zh"].append(key)
                keys["py"].append(" ".join(s for s in (normalize_key(p) for p in pinyin_syllables(name)) if s))
        elif key not in keys["en"]:
            keys["en"].append(key)
    return keys


def _row_names(row) -> list:
    """A feature's names and aliases (a row of ``frame.itertuples()``), as searched."""
    aliases = list(row.aliases) if isinstance(getattr(row, "aliases", None), list) else []
    return [row.name_zh, row.name_en, *aliases]


def _level1_hanzi() -> list[str]:
    """The 3,755 most used Chinese characters: GB 2312 level 1 (rows 16-55), read from Python's codec."""
    out = []
    for row in range(0xB0, 0xD8):
        for cell in range(0xA1, 0xFF):
            try:
                out.append(bytes([row, cell]).decode("gb2312"))
            except UnicodeDecodeError:
                continue  # the five unused cells at the end of row 55
    return out


def index_names(layers: dict[str, gpd.GeoDataFrame]) -> list:
    """Every name and alias that :func:`build_search_index` reads as pinyin, and the characters of ``sounds``.

    A build computes their pinyin ahead of time (:class:`~jmgeo._pinyin.PinyinPrefetch`).
    """
    names = [n for frame in layers.values() for row in frame.itertuples() for n in _row_names(row)]
    # every character :func:`sound_table` reads alone: level 1 and the names' own (some are level 2)
    chars = dict.fromkeys(_level1_hanzi())
    chars.update(dict.fromkeys(ch for n in names if isinstance(n, str) for ch in n if HAN.match(ch)))
    return names + list(chars)


def sound_table(names: list[str]) -> str:
    """The pinyin of characters a query may use, as ``"syllable" + characters`` runs (``"zhu珠朱猪…"``).

    The characters are GB 2312 level 1 and every character of ``names``, read one by one (pypinyin's
    reading of the single character); only the syllables the names' pinyin uses are kept, since a
    query character of another sound cannot bring a name closer.
    """
    # (Chinese names only: an English name has no syllable a character could share)
    used_syllables = {s for n in names if isinstance(n, str) and HAN.search(n) for s in pinyin_syllables(n)}
    chars = dict.fromkeys(_level1_hanzi())
    chars.update(dict.fromkeys(ch for n in names if isinstance(n, str) for ch in n if HAN.match(ch)))
    by_sound: dict[str, list[str]] = {}
    for ch in chars:
        sound = pinyin(ch)
        if sound in used_syllables and sound.isascii() and sound.isalpha():
            by_sound.setdefault(sound, []).append(ch)
    return "".join(s + "".join(by_sound[s]) for s in sorted(by_sound))


def extra_search_entries(extras: list, chunk: int = 20_000) -> Iterator[list[dict]]:
    """Search entries for layers of your own (:class:`jmgeo.ExtraLayer`): their ``name_zh`` and ``name_en``.

    Yielded in lists of at most ``chunk`` features' entries, so a layer of a million points is
    never held as a million entries; a layer kept as a :class:`~jmgeo._user_layers.PointTable`
    is read by column from its spool. A feature without a name has no entry.
    """
    for extra in extras:
        if extra.points is not None:
            parts = (part for _, part in extra.points.chunks(["id", "name_zh", "name_en"], chunk))
        else:
            frame = extra.frame
            parts = [{c: frame[c].tolist() for c in ("id", "name_zh", "name_en") if c in frame.columns}]
        for part in parts:
            ids = part.get("id")
            n = len(ids) if ids is not None else len(extra)
            zh, en = part.get("name_zh") or [None] * n, part.get("name_en") or [None] * n
            entries = []
            for i, (name_zh, name_en) in enumerate(zip(zh, en, strict=True)):
                keys = feature_keys([name_zh, name_en])
                if any(keys.values()):  # (ids made as the page makes them for a layer without an id field)
                    fid = ids[i] if ids is not None else f"{extra.id}-{i}"
                    entries.append({"id": str(fid), "layer": extra.id, **keys})
            if entries:
                yield entries


def fold_table(texts: list[str]) -> str:
    """Traditional -> simplified pairs (``"臺台鶴鹤…"``) for the simplified characters ``texts`` use.

    Every CJK character is put through OpenCC's ``t2s``; a pair is kept when it maps one character
    to another that the names or facts contain, so the table stays small.
    """
    import opencc  # deferred: only a build or a search reads OpenCC's tables

    used = {ch for t in texts if isinstance(t, str) for ch in t if HAN.match(ch)}
    every = [chr(cp) for cp in range(0x3400, 0xA000)]
    converted = opencc.OpenCC("t2s").convert("\n".join(every)).split("\n")
    pairs = [t + s for t, s in zip(every, converted, strict=True) if s != t and len(s) == 1 and s in used]
    return "".join(pairs)


def _fact_target(feature_ids, position: dict[str, int]) -> int:
    """The entry a fact result opens: its first feature on the page, else the city's facts (entry 0)."""
    for fid in feature_ids if isinstance(feature_ids, list) else []:
        if fid in position:
            return position[fid]
    return 0


def layer_entries(layer_id: str, frame: gpd.GeoDataFrame) -> list[dict]:
    """The index entries of one layer: ``{"id", "layer", "zh", "py", "en"}`` per feature, in order."""
    return [{"id": row.id, "layer": layer_id, **feature_keys(_row_names(row))} for row in frame.itertuples()]


def search_tables(layers: dict[str, gpd.GeoDataFrame], facts: pd.DataFrame | None) -> dict[str, str]:
    """The ``fold`` and ``sounds`` tables for the names of ``layers`` and the facts' quotes and units."""
    names = [n for frame in layers.values() for row in frame.itertuples() for n in _row_names(row)]
    names = [n for n in names if isinstance(n, str)]
    fact_rows = [] if facts is None else facts.to_dict(orient="records")
    texts = names + [str(f.get("quote") or "") + str(f.get("unit") or "") for f in fact_rows]
    return {"fold": fold_table(texts), "sounds": sound_table(names)}


def build_search_index(
    layers: dict[str, gpd.GeoDataFrame],
    facts: pd.DataFrame | None = None,
    tables: dict[str, str] | None = None,
    entries: list[dict] | None = None,
) -> dict:
    """The page's search index: ``entries`` (id, layer, zh, py, en), ``facts``, ``fold``, ``sounds``.

    ``facts`` gives, for each fact in order, the index of the entry its result opens: its first
    feature on the page, else the first entry (the city, first on every page), whose facts it is among.
    A build passes the ``tables`` (:func:`search_tables`) and ``entries`` (:func:`layer_entries`) it
    made once for all its pages.
    """
    if entries is None:
        entries = [e for layer_id, frame in layers.items() for e in layer_entries(layer_id, frame)]
    position: dict[str, int] = {}
    for i, e in enumerate(entries):
        position.setdefault(e["id"], i)
    fact_rows = [] if facts is None or not entries else facts.to_dict(orient="records")
    return {
        "entries": entries,
        "facts": [_fact_target(f.get("feature_ids"), position) for f in fact_rows],
        **(tables if tables is not None else search_tables(layers, facts)),
    }


def sub_distance(pattern: str, text: str) -> int:
    """The fewest edits (insert, delete, change, swap two neighbours) that make ``pattern`` a part of ``text``.

    Examples
    --------
    >>> sub_distance("centre", "zhuxilogisticscenter"), sub_distance("gdp", "gdp")
    (1, 0)
    """
    m = len(pattern)
    if m == 0:
        return 0
    before, prev = None, list(range(m + 1))  # columns j-2 and j-1; row 0 is 0: a match starts anywhere
    best = m
    for j in range(1, len(text) + 1):
        col = [0] * (m + 1)
        tj = text[j - 1]
        for i in range(1, m + 1):
            cost = 0 if pattern[i - 1] == tj else 1
            v = min(prev[i] + 1, col[i - 1] + 1, prev[i - 1] + cost)
            if before is not None and i > 1 and pattern[i - 1] == text[j - 2] and pattern[i - 2] == tj:
                v = min(v, before[i - 2] + 1)
            col[i] = v
        best = min(best, col[m])
        before, prev = prev, col
    return best


def _allowed(token: str) -> int:
    """Edits a token may have: none below 4 letters, 1 up to 6, 2 beyond; Chinese: 1 for 2-3 characters, 2 beyond."""
    if _HAN_RUN.match(token):
        return 0 if len(token) < 2 else 1 if len(token) < 4 else 2
    return 0 if len(token) < 4 else 1 if len(token) < 7 else 2


@lru_cache(maxsize=8)
def _tables(fold: str, sounds: str) -> tuple[dict, dict]:
    """The fold table and the sounds table of an index, as character -> character and character -> syllable."""
    folds = {fold[i]: fold[i + 1] for i in range(0, len(fold) - 1, 2)}
    reads = {ch: m.group(1) for m in _SYLLABLE.finditer(sounds) for ch in m.group(2)}
    return folds, reads


def _query(text: str, index: dict) -> dict:
    """A query's parts: the folded key ``q``, its tokens, whether folding changed it, its pinyin."""
    folds, reads = _tables(index["fold"], index["sounds"])
    lowered = _fold_case(str(text)[:MAX_QUERY])
    simplified = "".join(folds.get(ch, ch) for ch in lowered)
    folded = _THOUSANDS.sub("", simplified)
    tokens = _TOKEN.findall(folded)
    return {
        "q": _DROP.sub("", folded),
        "tokens": tokens,
        "traditional": simplified != lowered,
        "sound": {t: "".join(reads.get(ch, ch) for ch in t) for t in tokens if _HAN_RUN.match(t)},
    }


def _tier(q: str, key: str) -> int | None:
    """0 when the key equals the query, 1 when it starts with it, 2 when it contains it."""
    if key == q:
        return 0
    if key.startswith(q):
        return 1
    return 2 if q in key else None


def _pairs_missing(token: str, text: str) -> int | None:
    """How many of a Chinese token's character pairs ``text`` lacks, when it has at least half of them."""
    pairs = [token[i : i + 2] for i in range(len(token) - 1)]
    hit = sum(1 for p in pairs if p in text)
    return None if not pairs or hit == 0 or hit * 2 < len(pairs) else len(pairs) - hit


def _token_cost(token: str, pq: dict, zh: str | None, py: str | None, en: str | None) -> tuple[int, int] | None:
    """How one token is found in one name (its Chinese key, pinyin or other key): (edits, kind) or None.

    Kinds: 0 as written, 1 through its sound (pinyin), 2 with spelling edits, 3 in part (character pairs).
    """
    if _HAN_RUN.match(token):
        if zh is not None and token in zh:
            return 0, 0
        if py is None:
            return None
        d = sub_distance(pq["sound"][token], py)
        if d <= _allowed(token):
            return d, 1
        missing = _pairs_missing(token, zh)
        return None if missing is None else (missing, 3)
    text = en if en is not None else py
    if text is None:
        return None
    if token in text:
        return 0, 0
    d = sub_distance(token, text)
    return (d, 2) if d <= _allowed(token) else None


def _name_variants(entry: dict) -> list[tuple]:
    """``(zh, py, en)`` per name of an entry: a Chinese name with its pinyin, or another name."""
    out = [(zh, py.replace(" ", ""), None) for zh, py in zip(entry["zh"], entry["py"], strict=True)]
    return out + [(None, None, en) for en in entry["en"]]


def _words(pq: dict, entry: dict) -> tuple[int, str] | None:
    """The tokens found in one name of the entry, in any order.

    All exactly: 6. Otherwise 7 + the edits + 2 per token not found, when most tokens were found.
    """
    best = None
    for zh, py, en in _name_variants(entry):
        total, kinds, missed = 0, set(), 0
        for token in pq["tokens"]:
            found = _token_cost(token, pq, zh, py, en)
            if found is None:
                missed += 1
            else:
                total += found[0]
                kinds.add(found[1])
        if missed * 2 >= len(pq["tokens"]):
            continue
        if kinds == {0} and not missed:
            score = (6, "traditional" if pq["traditional"] else "words") if len(pq["tokens"]) > 1 else None
        else:
            why = "sound" if 1 in kinds else "spelling" if 2 in kinds else "words"
            score = (7 + total + 2 * missed, why)
        if score is not None and (best is None or score[0] < best[0]):
            best = score
    return best


def _entry_score(pq: dict, entry: dict) -> tuple[int, str] | None:
    """The best (score, why) of a feature for a query, or None."""
    q, best = pq["q"], None
    name_why = "traditional" if pq["traditional"] else "name"
    candidates = [(k, name_why, 0) for k in entry["zh"] + entry["en"]]
    if _LATIN.match(q):
        candidates += [(p.replace(" ", ""), "pinyin", 0) for p in entry["py"]]
        if len(q) >= 2:
            candidates += [("".join(s[0] for s in p.split(" ")), "initials", 3) for p in entry["py"]]
    for key, why, base in candidates:
        tier = _tier(q, key)
        if tier is None or (base and tier == 2 and len(q) < 3):
            continue
        if best is None or base + tier < best[0]:
            best = (base + tier, why)
    if best is None and pq["tokens"]:
        best = _words(pq, entry)
    return best


def _fact_text(fact: dict) -> dict:
    """What a query is matched against in a fact: its numbers, English words and Chinese text."""
    claim = _THOUSANDS.sub("", _fold_case(fact.get("claim_en") or ""))
    quote = str(fact.get("quote") or "") + str(fact.get("unit") or "")
    numbers_from = _THOUSANDS.sub("", quote + " " + str(fact.get("number_text") or "") + " " + claim)
    return {
        "numbers": {t for t in _TOKEN.findall(numbers_from) if _NUMBER.match(t)},
        "words": _WORD.findall(claim),
        "zh": quote,
    }


def _fact_cost(pq: dict, text: dict) -> int | None:
    """What a fact misses of a query (0: all found), or None when a token is not in it.

    Every number must be one the fact gives; beside a number, another word may be missing (3 each).
    """
    numbers = [t for t in pq["tokens"] if _NUMBER.match(t)]
    if any(n not in text["numbers"] for n in numbers):
        return None
    cost = 0
    for token in pq["tokens"]:
        if _NUMBER.match(token):
            continue
        if _HAN_RUN.match(token):
            found = 0 if token in text["zh"] else _pairs_missing(token, text["zh"])
        elif len(token) < 2:
            found = None
        elif any(w == token or (len(token) >= 3 and w.startswith(token)) for w in text["words"]):
            found = 0
        else:
            d = min((sub_distance(token, w) for w in text["words"]), default=99)
            found = d if d <= _allowed(token) else None
        if found is None and not numbers:
            return None
        cost += 3 if found is None else found  # a unit or word beside a matched number may be missing
    return cost


def _nearest(pq: dict, index: dict) -> list[dict]:
    """When nothing matches: the names closest to the query (fewest edits; pinyin for Chinese)."""
    q, scored = pq["q"], []
    for order, entry in enumerate(index["entries"]):
        if pq["sound"]:  # Chinese: the fewest of the query's characters missing from a name
            d = min((sum(1 for ch in q if ch not in k) for k in entry["zh"]), default=None)
        else:
            d = min((sub_distance(q, k) for k in [p.replace(" ", "") for p in entry["py"]] + entry["en"]), default=None)
        if d is not None:
            scored.append((d, order, entry))
    scored.sort(key=lambda s: (s[0], s[1]))
    return [{"id": e["id"], "layer": e["layer"], "score": 40 + d, "why": "nearest"} for d, _, e in scored[:NEAREST]]


def rank(query: str, index: dict, facts: dict[str, dict]) -> list[dict]:
    """The ranked results of a query over a page's search index and its fact records, in the index's order.

    The page's ``rankMatches`` is the same function.

    Each result is ``{"id", "layer", "score", "why"}``, and ``"fact"`` for a fact's result.

    Examples
    --------
    >>> index = {"entries": [{"id": "a", "layer": "l", "zh": ["高沙港"], "py": ["gao sha gang"], "en": []}],
    ...          "facts": [], "fold": "", "sounds": ""}
    >>> [(r["id"], r["why"]) for r in rank("gsg", index, {})]
    [('a', 'initials')]
    """
    pq = _query(query, index)
    if not pq["q"]:
        return []
    hits = []
    for order, entry in enumerate(index["entries"]):
        found = _entry_score(pq, entry)
        if found is not None:
            hits.append(
                (
                    (found[0], 0, 0, order),
                    {"id": entry["id"], "layer": entry["layer"], "score": found[0], "why": found[1]},
                )
            )
    entries = index["entries"]
    for order, (fact_id, target) in enumerate(zip(facts, index["facts"], strict=False)):
        fact = facts[fact_id]
        cost = _fact_cost(pq, _fact_text(fact)) if 0 <= target < len(entries) else None
        if cost is not None:
            entry = entries[target]
            year = fact.get("year")
            year = year if isinstance(year, int | float) and not isinstance(year, bool) else -1
            score = 8 + 2 * cost
            result = {"id": entry["id"], "layer": entry["layer"], "score": score, "why": "fact", "fact": fact_id}
            hits.append(((score, 1, -year, order), result))
    hits.sort(key=lambda h: h[0])
    results = [h[1] for h in hits[:LIMIT]]
    return results or _nearest(pq, index)


def search(
    query: str,
    layers: dict[str, gpd.GeoDataFrame] | None = None,
    limit: int = 10,
    facts: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Find features by name, pinyin, initials, English words (with typos) and the facts about them.

    The same ranking as the page's search box (see the module's notes). Columns: ``id``, ``layer``,
    ``name_zh``, ``name_en``, ``rank`` (the score: lower is better), ``why`` and ``fact`` (the fact's id
    for a fact's result). With no match, the nearest names, ``why`` ``nearest``.

    Examples
    --------
    >>> list(search("gaosha gang")["id"])[:1]
    ['gaosha_port']
    >>> search("鶴山")[["id", "why"]].iloc[0].tolist()
    ['heshan', 'traditional']
    """
    if layers is None:
        layers = load_layers()
    if facts is None:
        facts = load_facts()
    # only facts about the features searched: one about a feature not given is not sent to another
    given = {fid for frame in layers.values() for fid in frame["id"]}
    facts = facts[facts["feature_ids"].map(lambda ids: isinstance(ids, list) and not given.isdisjoint(ids))]
    columns = ["id", "layer", "name_zh", "name_en", "rank", "why", "fact"]
    index = build_search_index(layers, facts)
    frames = {name: frame.set_index("id") for name, frame in layers.items()}
    rows = []
    records = {f["id"]: {k: json_value(v) for k, v in f.items()} for f in facts.to_dict(orient="records")}
    for r in rank(query, index, records)[:limit]:
        row = frames[r["layer"]].loc[r["id"]]
        rows.append([r["id"], r["layer"], row["name_zh"], row["name_en"], r["score"], r["why"], r.get("fact")])
    return pd.DataFrame(rows, columns=columns, dtype=object).astype({"rank": int})
