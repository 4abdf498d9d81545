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
    assert r["excluded_reasons"] == "status unknown: 1; customs hold within grace: 1"
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


def test_out_of_pocket_loss(cls):
    """Per order: r1 100+50, r2 200-50, r3 300-300, r4 80 (never delivered), r5 0, r6 0, r7 500+20.
    Members A 300, B 80, C 0, D 520: total 900, one member of four with zero loss."""
    mem = m.member_losses(cls, AS_OF)
    assert mem["loss"].to_dict() == {"A": 300.0, "B": 80.0, "C": 0.0, "D": 520.0}
    r = row(m.out_of_pocket_loss(cls, as_of=AS_OF, n_boot=500))
    assert (r["members"], r["total"], r["share_zero"], r["members_zero"]) == (4, 900.0, 0.25, 1)
    assert r["ci_low"] < 900 < r["ci_high"]
    r = row(m.out_of_pocket_loss(cls, as_of=AS_OF, n_boot=10, judgements=m.Judgements(partial_is_short_paid=False)))
    assert r["total"] == 750.0  # r2's partial refund no longer a loss


def test_bootstrap_is_seeded(cls):
    many = pd.concat([cls.assign(claimant_key=cls["claimant_key"] + str(i),
                                 order_amount_usd=cls["order_amount_usd"] * (1 + i / 10)) for i in range(20)])
    a = m.out_of_pocket_loss(many, as_of=AS_OF, n_boot=300, seed=1)
    b = m.out_of_pocket_loss(many, as_of=AS_OF, n_boot=300, seed=1)
    c = m.out_of_pocket_loss(many, as_of=AS_OF, n_boot=300, seed=2)
    pd.testing.assert_frame_equal(a, b)
    assert (a["ci_low"].iloc[0], a["ci_high"].iloc[0]) != (c["ci_low"].iloc[0], c["ci_high"].iloc[0])
    assert "seed 1" in a["method"].iloc[0]


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


def test_place_claimants(cls):
    p = m.place_claimants(cls, ["D", "C", "Z"], as_of=AS_OF).set_index("claimant_key")
    assert p.at["D", "loss"] == 520 and p.at["D", "loss_percentile"] == 100.0
    assert p.at["C", "loss_percentile"] == 25.0
    assert not p.at["Z", "in_class"]


def test_extrapolation_is_refused():
    with pytest.raises(ValueError, match="self-selected|not a statistical sample"):
        m.extrapolate(pd.DataFrame())
