"""Search across all layers by Chinese name, English name, pinyin and aliases.

Every feature gets a list of normalised keys: its names and aliases, and the pinyin of
every Chinese name (from the ``pypinyin`` package). A query matches when its
normalised form occurs in a key. Normalising lower-cases, drops tone marks and removes
spaces and punctuation, so ``高沙``, ``Gaosha``, ``gaosha gang``, ``gāoshāgǎng`` and
``江门国际货柜码头`` all find 高沙港. The page's script (``static/atlas.js``) applies the
same normalisation to what the user types.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import geopandas as gpd
import pandas as pd

__all__ = ["build_search_index", "normalize_key", "search"]

_DROP = re.compile(r"[\s\W_]+", re.UNICODE)
_HAN = re.compile(r"[\u3400-\u9fff]")


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


@lru_cache(maxsize=4096)
def _pinyin(text: str) -> str:
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(text))


def feature_keys(names: list[str]) -> list[str]:
    """Return the distinct search keys for a feature's names and aliases (pinyin added for Chinese)."""
    keys: list[str] = []
    for name in names:
        if not isinstance(name, str) or not name.strip():
            continue
        candidates = [name]
        if _HAN.search(name):
            candidates.append(_pinyin(name))
        for cand in candidates:
            key = normalize_key(cand)
            if key and key not in keys:
                keys.append(key)
    return keys


def build_search_index(layers: dict[str, gpd.GeoDataFrame]) -> list[dict]:
    """Return one search entry per feature: ``{"id", "layer", "keys"}``, in layer order."""
    index = []
    for name, frame in layers.items():
        for row in frame.itertuples():
            aliases = list(row.aliases) if isinstance(getattr(row, "aliases", None), list) else []
            index.append({"id": row.id, "layer": name, "keys": feature_keys([row.name_zh, row.name_en, *aliases])})
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
        from .layers import load_layers

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
            hits.append({"id": entry["id"], "layer": entry["layer"], "name_zh": row["name_zh"], "name_en": row["name_en"], "rank": min(ranks), "_order": order})
    result = pd.DataFrame(hits, columns=["id", "layer", "name_zh", "name_en", "rank", "_order"])
    result = result.sort_values(["rank", "_order"], kind="stable").drop(columns="_order")
    return result.head(limit).reset_index(drop=True)
