"""Numbers as people read them."""

from __future__ import annotations

from ta_analysis.formatting import fmt_rate, pct, usd


def test_percentages_and_dollars():
    assert pct(0.61412) == "61.4%" and pct(1.0) == "100.0%" and pct(float("nan")) == "n/a"
    assert usd(4348473.2) == "$4,348,473" and usd(0.4) == "$0" and usd(float("nan")) == "n/a"


def test_a_rate_carries_its_interval_numerator_and_denominator():
    r = {"numerator": 1553, "denominator": 2529, "estimate": 1553 / 2529, "ci_low": 0.595, "ci_high": 0.633}
    assert fmt_rate(r) == "61.4% (95% CI 59.5% to 63.3%; 1,553 of 2,529)"
