"""The benchmark's statistics (bench/run.py): the interval it reports for a load-by-load median."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import run as bench  # noqa: E402


def test_median_interval_brackets_the_median_and_narrows_with_more_loads():
    rng = np.random.default_rng(7)
    few = list(rng.lognormal(np.log(0.6), 0.15, size=15))
    many = list(rng.lognormal(np.log(0.6), 0.15, size=240))
    low, high = bench.median_interval(few)
    assert min(few) <= low <= float(np.median(few)) <= high <= max(few)
    low_many, high_many = bench.median_interval(many)
    assert high_many - low_many < 0.5 * (high - low)
    # seeded: the same loads give the same interval
    assert bench.median_interval(few) == [low, high]


def test_median_interval_of_identical_or_too_few_loads():
    assert bench.median_interval([0.6] * 8) == [pytest.approx(0.6), pytest.approx(0.6)]
    assert bench.median_interval([0.5, 0.6, None, 0.7]) is None
