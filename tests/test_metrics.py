"""Metrics on a small hand-built frame whose answers were worked out by hand, and published intervals."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from ta_analysis import metrics as m

AS_OF = date(2023, 6, 30)


def mini() -> pd.DataFrame:
    """Eight orders of four claimants (A-D), as of 2023-06-30; r8 is outside the class.

    r1 A denied,   $100, delivered,           fees 50 back 0,  claim 2023-01-01
    r2 A partial,  $200 refund 50, late
    r3 B full,     $300 refund 300, not delivered
    r4 B no resp., $80, held at customs, promised 2023-01-01 (grace over 2023-01-31), claim 2023-03-01
    r5 C pending,  $40, status unknown,   fees 20 back 20
    r6 C no claim, $60, held at customs, promised 2023-06-15 (within grace)
    r7 D denied,   $500 refund 0, delivered, fees 30 back 10
    r8 D withdrawn, $70, delivered, NOT in class
    """
    d = pd.to_datetime
    df = pd.DataFrame({
        "claimant_key": ["A", "A", "B", "B", "C", "C", "D", "D"],
        "in_class": [True] * 7 + [False],
        "claim_outcome": pd.Categorical(["denied", "partial_refund", "full_refund", "no_response", "pending", None,
                                         "denied", "withdrawn"]),
        "claim_date": d(["2023-01-01", "2023-02-01", "2023-02-01", "2023-03-01", "2023-05-01", None, "2023-02-01", "2023-02-01"]),
        "order_amount_usd": [100.0, 200, 300, 80, 40, 60, 500, 70],
        "refund_amount_usd": [np.nan, 50, 300, np.nan, np.nan, np.nan, 0, np.nan],
        "delivery_status": pd.Categorical(["delivered", "late", "not_delivered", "held_at_customs", "unknown",
                                           "held_at_customs", "delivered", "delivered"]),
        "promised_delivery_date": d(["2023-01-01"] * 5 + ["2023-06-15", "2023-01-01", "2023-01-01"]),
        "delivered_date": d(["2022-12-20", "2023-01-20", None, None, None, None, "2022-12-20", "2022-12-20"]),
        "customs_fees_paid": [50.0, np.nan, np.nan, np.nan, 20, np.nan, 30, np.nan],
        "customs_fees_paid_usd": [50.0, np.nan, np.nan, np.nan, 20, np.nan, 30, np.nan],
        "customs_fees_reimbursed_usd": [0.0, np.nan, np.nan, np.nan, 20, np.nan, 10, np.nan],
        "subclass_refund_denial": [True, True, False, False, False, False, True, False],
        "subclass_customs_fee": [True, False, False, False, False, False, True, False],
        "subclass_non_delivery": [False, False, True, True, False, False, False, False],
        "submitted_at": d(["2023-03-05", "2023-03-06", "2023-04-01", "2023-04-02", "2023-05-10", "2023-05-11", "2023-05-20", "2023-05-21"]),
        "order_date": d(["2022-11-01"] * 8),
        "buyer_type": pd.Categorical(["small_business"] * 4 + ["individual"] * 4),
    })
    df["intake_id"] = [f"INT-{i}" for i in range(1, 9)]
    df["refund_amount"] = df["refund_amount_usd"]
    df["customs_fees_reimbursed"] = df["customs_fees_reimbursed_usd"]
    df["claim_filed"] = pd.array([True] * 5 + [False, True, True], dtype="boolean")
    df["flag_late_quality_claim"] = False
    df["flag_missing_evidence"] = False
    return df


@pytest.fixture
def cls():
    return m.population(mini())


def row(table: pd.DataFrame) -> dict:
    return table.iloc[0].to_dict()


# Newcombe (1998), Statistics in Medicine 17:857-872, Table I, method 3 (Wilson score, no correction).
@pytest.mark.parametrize("k, n, lo, hi", [
    (81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0000, 0.1611), (1, 29, 0.0061, 0.1718)])
def test_wilson_matches_newcombe_1998(k, n, lo, hi):
    got = m.wilson(k, n)
    assert got[0] == pytest.approx(lo, abs=5e-5) and got[1] == pytest.approx(hi, abs=5e-5)


def test_clopper_pearson_is_available_and_wider():
    w, c = m.interval(15, 148, "wilson"), m.interval(15, 148, "clopper-pearson")
    assert c[0] < w[0] and c[1] > w[1]
    with pytest.raises(ValueError, match="unknown interval method 'normal'"):
        m.interval(1, 2, "normal")


def test_denied_refund_rate(cls):
    """Resolved: r1 denied, r2 partial, r3 full, r7 denied = 4; denied 2: 2/4. Left out: r4 no
    response, r5 pending, r6 no claim."""
    r = row(m.denied_refund_rate(cls))
    assert (r["numerator"], r["denominator"], r["estimate"]) == (2, 4, 0.5)
    assert r["excluded"] == 3
    assert r["excluded_reasons"] == "pending: 1; no response: 1; no claim outcome: 1"
    assert (r["ci_low"], r["ci_high"]) == pytest.approx(m.wilson(2, 4))
    assert r["rule23"] == "commonality" and r["population"] == "class" and r["small_group"]


def test_denied_or_short_paid_and_no_response_sensitivity(cls):
    """(2 denied + 1 partial) / 4 = 0.75. With r4 (no response since 2023-03-01, 121 days by the
    as-of date) counted as denied: 3 denied / 5 resolved = 0.6."""
    assert row(m.denied_or_short_paid_rate(cls))["estimate"] == 0.75
    r = row(m.denied_refund_rate(cls, as_of=AS_OF, judgements=m.Judgements(no_response_as_denied=True)))
    assert (r["numerator"], r["denominator"]) == (3, 5)
    assert row(m.denied_or_short_paid_rate(cls, judgements=m.Judgements(partial_is_short_paid=False)))["estimate"] == 0.5


def test_non_delivery_rate(cls):
    """Known: r1 F, r2 F, r3 T, r4 T (customs hold past grace), r7 F = 2/5; left out r5 (unknown)
    and r6 (customs hold within grace)."""
    r = row(m.non_delivery_rate(cls, as_of=AS_OF))
    assert (r["numerator"], r["denominator"], r["estimate"]) == (2, 5, 0.4)
    assert r["excluded_reasons"] == "status unknown: 1; reported within grace: 1"
    r = row(m.non_delivery_rate(cls, as_of=AS_OF, judgements=m.Judgements(held_past_grace_never_delivered=False)))
    assert (r["numerator"], r["denominator"]) == (1, 4)


def test_late_partial_and_refunds_on_never_delivered(cls):
    assert row(m.late_delivery_rate(cls))["estimate"] == pytest.approx(1 / 3)  # r2 of r1, r2, r7
    assert row(m.partial_delivery_rate(cls, as_of=AS_OF))["estimate"] == 0.0
    r = row(m.never_delivered_fully_refunded(cls, as_of=AS_OF))  # r3 full of r3, r4
    assert (r["numerator"], r["denominator"]) == (1, 2)


def test_customs_fees(cls):
    """Fees paid on r1 (50, back 0), r5 (20, back 20), r7 (30, back 10): unreimbursed 50, 0, 20.
    Total 70, mean 23.33, median 20, p90 = 20 + 0.8 x 30 = 44 (linear), reimbursed nothing 1/3."""
    r = row(m.unreimbursed_customs_fees(cls, n_boot=200))
    assert (r["orders"], r["total"], r["median"], r["p90"]) == (3, 70.0, 20.0, 44.0)
    assert r["mean"] == pytest.approx(70 / 3)
    assert r["share_reimbursed_nothing"] == pytest.approx(1 / 3)
    assert r["total_ci_low"] <= 70 <= r["total_ci_high"]
    share = row(m.customs_reimbursed_nothing(cls))
    assert (share["numerator"], share["denominator"]) == (1, 3)


def test_customs_fee_total_has_one_interval(cls):
    """The customs-fee total's interval resamples all four class claimants (B adds 0, C adds 0),
    as the damages by theory do, so the two reports give the same interval for the same figure:
    per claimant A 50, B 0, C 0 (paid 20, got 20 back), D 20; the mean's interval resamples the fee
    payers A, C and D only, so it lies between C's 0 and A's 50."""
    from ta_analysis import damages

    r = row(m.unreimbursed_customs_fees(cls, n_boot=300, seed=7))
    dmg = damages.damages_by_theory(cls, as_of=AS_OF, n_boot=300, seed=7)["by_theory"]["customs_fees"]
    assert (r["total_ci_low"], r["total_ci_high"]) == (dmg["ci_low"], dmg["ci_high"])
    assert r["total_ci_low"] == 0.0  # a draw of B and C only: no fees at all
    assert 0.0 <= r["mean_ci_low"] <= 70 / 3 <= r["mean_ci_high"] <= 50.0  # averages of fee-paying orders (0 to 50)


def test_rates_carry_a_claimant_bootstrap_interval_beside_wilson(cls):
    """Denied 2 of 4 resolved: A (r1 denied, r2 partial), B (r3 full), D (r7 denied). Resampling
    the three claimants gives rates between 0/1 and 1/1; the draws are seeded."""
    r = row(m.denied_refund_rate(cls, n_boot=400, seed=5))
    assert 0.0 <= r["cluster_ci_low"] <= 0.5 <= r["cluster_ci_high"] <= 1.0
    assert row(m.denied_refund_rate(cls, n_boot=400, seed=5)) == r
    h = m.headline_rate(m.denied_refund_rate(cls, n_boot=400, seed=5))
    wider = (r["cluster_ci_high"] - r["cluster_ci_low"]) > (r["ci_high"] - r["ci_low"])
    assert h["interval"] == ("claimant bootstrap" if wider else "wilson")
    assert h["ci_high"] - h["ci_low"] == pytest.approx(max(r["cluster_ci_high"] - r["cluster_ci_low"], r["ci_high"] - r["ci_low"]))
    assert np.isnan(row(m.denied_refund_rate(cls))["cluster_ci_low"])  # no draws asked: none given


def test_several_groupings_at_once_equal_each_alone(cls):
    both = m.denied_refund_rate(cls, by=["buyer_type", "quarter"])
    for by in ("buyer_type", "quarter"):
        alone = m.denied_refund_rate(cls, by=by)
        pd.testing.assert_frame_equal(both[both["group_by"] == by].reset_index(drop=True), alone)


def test_rate_bootstrap_by_distinct_pairs_centres_on_the_rate():
    """2,000 claimants: 600 with 1 of 1, 1,000 with 0 of 1, 400 with 1 of 2: rate 1,000 / 2,400.
    The multinomial draws over the three distinct pairs centre on it, with the spread of picking
    claimants (checked against 2,000 draws of picking them one by one, to 10%)."""
    from ta_analysis import resample

    num = np.r_[np.ones(600), np.zeros(1000), np.ones(400)]
    den = np.r_[np.ones(1600), np.full(400, 2.0)]
    r = resample.ratios(num, den, 2000, 4)
    idx = np.random.default_rng(5).integers(0, 2000, size=(2000, 2000))
    direct = num[idx].sum(axis=1) / den[idx].sum(axis=1)
    assert r.mean() == pytest.approx(1000 / 2400, abs=0.002)
    assert r.std() == pytest.approx(direct.std(), rel=0.1)


def test_chunked_bootstrap_draws_equal_one_draw():
    """The claimant draws are made in chunks and applied as counts; they equal one draw of them all
    applied by indexing (the same totals, to rounding)."""
    from ta_analysis import resample

    v = np.arange(1.0, 151.0)
    rng = np.random.default_rng(9)
    once = v[rng.integers(0, len(v), size=(200, len(v)))].sum(axis=1)
    small = resample.CHUNK_CELLS
    try:
        resample.CHUNK_CELLS = 1000  # 6 draws of 150 claimants per chunk
        assert resample.totals(v, 200, 9)[:, 0] == pytest.approx(once, rel=1e-12)
    finally:
        resample.CHUNK_CELLS = small


def test_numerosity(cls):
    n = m.numerosity(cls).set_index("group")["members"].to_dict()
    assert n == {"class": 4, "refund_denial": 2, "customs_fee": 2, "non_delivery": 1}
    months = m.members_by_intake_month(cls)
    assert months.values.tolist() == [["2023-03", 1, 1], ["2023-04", 1, 2], ["2023-05", 2, 4]]


def test_grouping_flags_small_groups(cls):
    t = m.denied_refund_rate(cls, by="buyer_type", min_n=3)
    assert t[["group", "numerator", "denominator", "small_group"]].values.tolist() == [
        ["individual", 1, 1, True], ["small_business", 1, 3, False]]


def test_homogeneity_hand_checked():
    """15/20 vs 5/20: chi2 = 40 (15*15 - 5*5)^2 / (20^4) = 10, Cramer's V = sqrt(10/40) = 0.5."""
    table = pd.DataFrame({"metric": "x", "group": ["a", "b"], "numerator": [15, 5], "denominator": [20, 20]})
    h = m.homogeneity(None, table, by="g")
    assert h["chi2"] == pytest.approx(10.0) and h["cramers_v"] == pytest.approx(0.5) and h["dof"] == 1
    table = pd.DataFrame({"metric": "x", "group": ["a", "b", "tiny"], "numerator": [10, 10, 1], "denominator": [20, 20, 2]})
    h = m.homogeneity(None, table, by="g")
    assert h["pooled"] == ["tiny"] and "pooled" in h["note"]


def test_homogeneity_gives_cramers_v_with_an_interval():
    table = pd.DataFrame({"metric": "x", "group": ["a", "b"], "numerator": [15, 5], "denominator": [20, 20]})
    h = m.homogeneity(None, table, by="g")
    assert h["v_ci_low"] < h["cramers_v"] < h["v_ci_high"] and h["n"] == 40


def test_loss_homogeneity_pools_small_groups(cls):
    h = m.loss_homogeneity(cls, by="buyer_type", as_of=AS_OF, min_n=3)
    assert h["pooled"] == [] and h["groups"] == 2 and h["metric"] == "loss_per_order"
    assert m.loss_homogeneity(cls, by="buyer_type", as_of=AS_OF, min_n=30)["note"] == "fewer than two groups with data: no test"


def test_loss_homogeneity_names_its_statistic(cls):
    """H is given as ``statistic`` (as the chi-square tests give theirs), and epsilon-squared = H / (n - 1)."""
    h = m.loss_homogeneity(cls, by="buyer_type", as_of=AS_OF, min_n=3)
    assert h["epsilon_squared"] == pytest.approx(h["statistic"] / (h["n"] - 1))
    assert "chi2" not in h


def test_issue_groups_overlap_but_issue_combinations_partition():
    """Orders: quality+delay, quality, none, delay, non-delivery (quality missing). Per issue, the
    first order is in two groups and the third in none; per combination, each order is in one."""
    df = pd.DataFrame({"issue_quality": pd.array([True, True, False, False, None], dtype="boolean"),
                       "issue_delay": [True, False, False, True, False], "issue_customs": [False] * 5,
                       "issue_non_delivery": [False, False, False, False, True]})
    per_issue = dict(m.group_positions(df, "issue"))
    assert {g: p.tolist() for g, p in per_issue.items()} == {"quality": [0, 1], "delay": [0, 3], "customs": [],
                                                             "non_delivery": [4]}
    combos = {g: p.tolist() for g, p in m.group_positions(df, "issues")}
    assert combos == {"delay": [3], "non-delivery": [4], "none reported": [2], "quality": [1], "quality + delay": [0]}


def test_commonality_refuses_overlapping_groups(cls):
    from ta_analysis import views

    with pytest.raises(ValueError, match="'issue'.*holds? .* orders of .*'issues', not 'issue'"):
        views.commonality(cls.assign(issue_quality=True, issue_delay=True, issue_customs=False,
                                     issue_non_delivery=False), as_of=AS_OF, by=["issue"])


def test_place_claimants_by_intake_id(cls):
    """INT-7 is D's order: total 520 (refund denial 500, fees 20), the highest of 4 members (100th
    percentile, weak); C (INT-5) has 0: the 25th; INT-8 is outside the class; INT-99 unknown."""
    p = m.place_claimants(cls, ["INT-7", "INT-5", "INT-99"], as_of=AS_OF).set_index("intake_id")
    assert p.at["INT-7", "total_usd"] == 520 and p.at["INT-7", "total_percentile"] == 100.0
    assert p.at["INT-7", "under_refund_denial"] and not p.at["INT-7", "under_non_delivery"]
    assert p.at["INT-5", "total_percentile"] == 25.0 and p.at["INT-5", "status"] == "uninjured"
    assert not p.at["INT-99", "in_class"]


def test_extrapolation_is_refused():
    with pytest.raises(ValueError, match="self-selected|not a statistical sample"):
        m.extrapolate(pd.DataFrame())
