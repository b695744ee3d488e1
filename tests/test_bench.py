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


def test_per_load_ratios_pair_the_loads_of_one_round_and_skip_failed_ones():
    a = bench.Variant("a", "<html></html>", 0.0, 0, False, 6)
    b = bench.Variant("b", "<html></html>", 0.0, 0, False, 6)
    a.samples = [{"drawn_ms": ms} for ms in (100, 120, None, 90, 300, 110)]
    b.samples = [{"drawn_ms": ms} for ms in (200, 200, 180, 150, 400, None)]
    result = bench.per_load_ratios(a, b)
    assert result["values"] == [0.5, 0.6, 0.6, 0.75]
    assert result["loads"] == 4 and result["median"] == pytest.approx(0.6)
    assert result["range"] == [0.5, 0.75] and result["interval95"] is None  # under 5 loads


PAGE = """<!doctype html><html><body>
<svg width="200" height="100"><path class="leaflet-interactive" d="M10 10 L190 90"/></svg>
<script>%s</script></body></html>"""


def test_measure_page_waits_for_the_probe_without_touching_the_page(browser, tmp_path):
    """The harness learns that a page is ready from the probe's console message (it evaluates
    nothing in the page before that): a page with its one feature is measured, with ready at
    or after drawn."""
    page = tmp_path / "page.html"
    page.write_text(PAGE % "document.title = 'one line';")
    out = bench.measure_page(browser, page, expected=1, atlas=False, pan=False, timeout_s=20)
    assert out["error"] is None
    assert out["ready_ms"] >= out["drawn_ms"] > 0
    assert bench.READY_SIGNAL in bench.PROBE


def test_measure_page_reports_a_page_that_never_draws(browser, tmp_path):
    """A page whose features never appear times out with its error recorded, not a number."""
    page = tmp_path / "blank.html"
    page.write_text(PAGE.replace('class="leaflet-interactive" ', "") % "undefinedThing();")
    out = bench.measure_page(browser, page, expected=1, atlas=False, pan=False, timeout_s=2)
    assert out["drawn_ms"] is None and out["ready_ms"] is None
    assert "undefinedThing" in out["error"]
