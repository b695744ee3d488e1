"""Search across all layers by Chinese name, English name, pinyin and aliases.

Every feature gets a list of normalised keys: its names and aliases, and the pinyin of
every Chinese name (from the ``pypinyin`` package). A query matches when its
normalised form occurs in a key. Normalising lower-cases, drops tone marks and removes
spaces and punctuation, so ``高沙``, ``Gaosha``, ``gaosha gang``, ``gāoshāgǎng`` and
``江门国际货柜码头`` all find 高沙港. The page script (``static/atlas/14-search.js``) applies the
same normalisation to what the user types.
"""

from __future__ import annotations

import re
import unicodedata

import geopandas as gpd
import pandas as pd

from ._loading import load_layers
from ._pinyin import HAN, pinyin

__all__ = ["build_search_index", "extra_search_entries", "index_names", "normalize_key", "search"]

_DROP = re.compile(r"[\s\W_]+", re.UNICODE)


def normalize_key(text: str) -> str:
    """Normalise text for search: NFKD, no tone marks, lower case, no spaces or punctuation.

    Examples
    --------
    >>> normalize_key("Gāoshā Gǎng"), normalize_key("高沙港（江门）")
    ('gaoshagang', '高沙港江门')
    """
    decomposed = unicodedata.normalize("NFKD", str(text))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _DROP.sub("", unicodedata.normalize("NFKC", stripped).lower())


def feature_keys(names: list[str]) -> list[str]:
    """Return the distinct search keys for a feature's names and aliases (pinyin added for Chinese)."""
    keys: list[str] = []
    for name in names:
        if not isinstance(name, str) or not name.strip():
            continue
        candidates = [name]
        if HAN.search(name):
            candidates.append(pinyin(name))
        for cand in candidates:
            key = normalize_key(cand)
            if key and key not in keys:
                keys.append(key)
    return keys


def _row_names(row) -> list:
    """A feature's names and aliases (a row of ``frame.itertuples()``), as searched."""
    aliases = list(row.aliases) if isinstance(getattr(row, "aliases", None), list) else []
    return [row.name_zh, row.name_en, *aliases]


def index_names(layers: dict[str, gpd.GeoDataFrame]) -> list:
    """Every name and alias that :func:`build_search_index` turns into keys.

    A build computes the pinyin of these names ahead of time (:class:`~jmgeo._pinyin.PinyinPrefetch`).
    """
    return [n for frame in layers.values() for row in frame.itertuples() for n in _row_names(row)]


def build_search_index(layers: dict[str, gpd.GeoDataFrame]) -> list[dict]:
    """Return one search entry per feature: ``{"id", "layer", "keys"}``, in layer order."""
    index = []
    for name, frame in layers.items():
        for row in frame.itertuples():
            index.append({"id": row.id, "layer": name, "keys": feature_keys(_row_names(row))})
    return index


def extra_search_entries(extras: list) -> list[dict]:
    """Search entries for layers of your own (:class:`jmgeo.ExtraLayer`): their ``name_zh``, ``name_en``, ``aliases``.

    A layer kept as a :class:`~jmgeo._user_layers.PointTable` is read by column, without a
    row object a feature; a feature without a name has no entry.
    """
    index = []
    for extra in extras:
        if extra.points is not None:
            columns = extra.points.columns
        else:
            columns = {c: extra.frame[c].tolist() for c in ("id", "name_zh", "name_en") if c in extra.frame.columns}
        n = len(extra)
        ids = columns.get("id")
        zh, en = columns.get("name_zh") or [None] * n, columns.get("name_en") or [None] * n
        for i, (name_zh, name_en) in enumerate(zip(zh, en, strict=True)):
            keys = feature_keys([name_zh, name_en])
            if keys:  # (ids made as the page makes them for a layer without an id field)
                fid = ids[i] if ids is not None else f"{extra.id}-{i}"
                index.append({"id": str(fid), "layer": extra.id, "keys": keys})
    return index


def search(query: str, layers: dict[str, gpd.GeoDataFrame] | None = None, limit: int = 10) -> pd.DataFrame:
    """Find features whose names, aliases or pinyin contain ``query``, best matches first.

    A key equal to the query ranks first, then keys starting with it, then keys
    containing it; ties keep layer order.

    Examples
    --------
    >>> list(search("gaosha gang")["id"])[:1]
    ['gaosha_port']
    """
    if layers is None:
        layers = load_layers()
    q = normalize_key(query)
    if not q:
        return pd.DataFrame(columns=["id", "layer", "name_zh", "name_en", "rank"])
    frames = {name: frame.set_index("id") for name, frame in layers.items()}
    hits = []
    for order, entry in enumerate(build_search_index(layers)):
        ranks = [0 if k == q else 1 if k.startswith(q) else 2 for k in entry["keys"] if q in k]
        if ranks:
            row = frames[entry["layer"]].loc[entry["id"]]
            hits.append(
                {
                    "id": entry["id"],
                    "layer": entry["layer"],
                    "name_zh": row["name_zh"],
                    "name_en": row["name_en"],
                    "rank": min(ranks),
                    "_order": order,
                }
            )
    result = pd.DataFrame(hits, columns=["id", "layer", "name_zh", "name_en", "rank", "_order"])
    result = result.sort_values(["rank", "_order"], kind="stable").drop(columns="_order")
    return result.head(limit).reset_index(drop=True)
