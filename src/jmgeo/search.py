"""Search across all layers by Chinese name, English name, pinyin and aliases.

Every feature gets a list of normalised keys: its names and aliases, and the pinyin of
every Chinese name (from the ``pypinyin`` package). A query matches when its
normalised form occurs in a key. Normalising lower-cases, drops tone marks and removes
spaces and punctuation, so ``高沙``, ``Gaosha``, ``gaosha gang``, ``gāoshāgǎng`` and
``江门国际货柜码头`` all find 高沙港. The page's script (``static/atlas.js``) applies the
same normalisation to what the user types.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import geopandas as gpd
import pandas as pd

__all__ = ["PinyinPrefetch", "build_search_index", "index_names", "normalize_key", "search"]

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


# Pinyin computed ahead of time by a PinyinPrefetch (same package, same interpreter).
_PREFETCHED: dict[str, str] = {}


@lru_cache(maxsize=4096)
def _pinyin(text: str) -> str:
    if text in _PREFETCHED:
        return _PREFETCHED[text]
    from pypinyin import lazy_pinyin  # deferred: loading its phrase dictionary takes ~0.5 s

    return "".join(lazy_pinyin(text))


# Run by PinyinPrefetch as ``python -c``: load pypinyin first (the slow part), then read
# the names from stdin and write their pinyin to stdout as JSON.
_WORKER = """
import json, sys
from pypinyin import lazy_pinyin
names = json.load(sys.stdin)
json.dump({n: "".join(lazy_pinyin(n)) for n in names}, sys.stdout, ensure_ascii=True)
"""


class PinyinPrefetch:
    """Compute the pinyin of many names in a child process, overlapping pypinyin's load time.

    pypinyin loads its dictionaries (47,000 phrases, 42,000 characters) and trains its
    word segmenter when it is first used (~0.5 s, measured), more than a tenth of
    ``jmgeo build``. A build starts this first, so that the dictionaries load on another
    core while the build imports geopandas and checks the geodata; :meth:`collect` then
    sends the names and stores their pinyin for :func:`feature_keys`. The results are
    those of the same pypinyin in the same interpreter. If the child cannot be started or
    fails, nothing is stored and the pinyin is computed in this process as usual.

    Examples
    --------
    >>> prefetch = PinyinPrefetch()
    >>> prefetch.collect(["高沙港", "Gaosha"])
    1
    >>> feature_keys(["高沙港"])
    ['高沙港', 'gaoshagang']
    """

    def __init__(self) -> None:
        try:
            self._proc: subprocess.Popen | None = subprocess.Popen(
                [sys.executable, "-c", _WORKER],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except OSError:
            self._proc = None

    def collect(self, names: Iterable[str], timeout: float = 60.0) -> int:
        """Send the names (those with Chinese characters) and store their pinyin; return how many."""
        wanted = sorted({n for n in names if isinstance(n, str) and _HAN.search(n)})
        if self._proc is None:
            return 0
        try:
            out, _ = self._proc.communicate(json.dumps(wanted).encode("ascii"), timeout=timeout)
            result = json.loads(out) if self._proc.returncode == 0 else {}
        except (OSError, ValueError, subprocess.TimeoutExpired):
            return 0
        finally:
            self.close()
        done = {n: result[n] for n in wanted if isinstance(result.get(n), str)}
        _PREFETCHED.update(done)
        return len(done)

    def close(self) -> None:
        """Stop the child (if it is still running) and forget it; :meth:`collect` calls this."""
        if self._proc is not None:
            self._proc.kill()
            self._proc.communicate()
            self._proc = None


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


def _row_names(row) -> list:
    """A feature's names and aliases (a row of ``frame.itertuples()``), as searched."""
    aliases = list(row.aliases) if isinstance(getattr(row, "aliases", None), list) else []
    return [row.name_zh, row.name_en, *aliases]


def index_names(layers: dict[str, gpd.GeoDataFrame]) -> list:
    """Every name and alias that :func:`build_search_index` turns into keys (for :class:`PinyinPrefetch`)."""
    return [n for frame in layers.values() for row in frame.itertuples() for n in _row_names(row)]


def build_search_index(layers: dict[str, gpd.GeoDataFrame]) -> list[dict]:
    """Return one search entry per feature: ``{"id", "layer", "keys"}``, in layer order."""
    index = []
    for name, frame in layers.items():
        for row in frame.itertuples():
            index.append({"id": row.id, "layer": name, "keys": feature_keys(_row_names(row))})
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
        from ._loading import load_layers

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
