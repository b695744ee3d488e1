"""Pinyin of Chinese names, for search keys; computed ahead in a child process during a build.

No heavy imports here: a build starts :class:`PinyinPrefetch` first thing, so that
pypinyin's dictionaries load on another core while the build imports geopandas.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterable
from functools import lru_cache

__all__ = ["HAN", "PinyinPrefetch", "pinyin", "pinyin_syllables"]

#: A Chinese (Han) character.
HAN = re.compile(r"[\u3400-\u9fff]")

# Pinyin computed ahead of time by a PinyinPrefetch (same package, same interpreter), by syllable.
_PREFETCHED: dict[str, tuple[str, ...]] = {}


@lru_cache(maxsize=16384)
def pinyin_syllables(text: str) -> tuple[str, ...]:
    """The pinyin of ``text`` by syllable, without tones (``高沙港`` -> ``('gao', 'sha', 'gang')``).

    A run of other characters is one item, as pypinyin gives it (``50GWh``).
    """
    if text in _PREFETCHED:
        return _PREFETCHED[text]
    from pypinyin import lazy_pinyin  # deferred: loading its phrase dictionary takes ~0.5 s

    return tuple(lazy_pinyin(text))


def pinyin(text: str) -> str:
    """The pinyin of ``text``, without tones or spaces (``高沙港`` -> ``gaoshagang``)."""
    return "".join(pinyin_syllables(text))


# Run by PinyinPrefetch as ``python -c``: load pypinyin first (the slow part), then read
# the names from stdin and write their pinyin to stdout as JSON.
_WORKER = """
import json, sys
from pypinyin import lazy_pinyin
names = json.load(sys.stdin)
json.dump({n: lazy_pinyin(n) for n in names}, sys.stdout, ensure_ascii=True)
"""


class PinyinPrefetch:
    """Compute the pinyin of many names in a child process, overlapping pypinyin's load time.

    pypinyin loads its dictionaries (47,000 phrases, 42,000 characters) and trains its
    word segmenter when it is first used (~0.5 s, measured), more than a tenth of
    ``jmgeo build``. A build starts this first, so that the dictionaries load on another
    core while the build imports geopandas and checks the geodata; :meth:`collect` then
    sends the names and stores their pinyin for :func:`pinyin`. The results are
    those of the same pypinyin in the same interpreter. If the child cannot be started or
    fails, nothing is stored and the pinyin is computed in this process as usual.

    Examples
    --------
    >>> prefetch = PinyinPrefetch()
    >>> prefetch.collect(["高沙港", "Gaosha"])
    1
    >>> pinyin("高沙港")
    'gaoshagang'
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
        wanted = sorted({n for n in names if isinstance(n, str) and HAN.search(n)})
        if self._proc is None:
            return 0
        try:
            out, _ = self._proc.communicate(json.dumps(wanted).encode("ascii"), timeout=timeout)
            result = json.loads(out) if self._proc.returncode == 0 else {}
        except (OSError, ValueError, subprocess.TimeoutExpired):
            return 0
        finally:
            self.close()
        done = {
            n: tuple(result[n])
            for n in wanted
            if isinstance(result.get(n), list) and all(isinstance(s, str) for s in result[n])
        }
        _PREFETCHED.update(done)
        return len(done)

    def close(self) -> None:
        """Stop the child (if it is still running) and forget it; :meth:`collect` calls this."""
        if self._proc is not None:
            self._proc.kill()
            self._proc.communicate()
            self._proc = None
