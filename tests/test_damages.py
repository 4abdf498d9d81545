"""Damages by liability theory, injury and the defence flags, on the hand-worked frame of test_metrics."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ta_analysis import damages
from ta_analysis import metrics as m
from ta_analysis.definitions import Judgements

from test_metrics import AS_OF, mini


@pytest.fixture
def cls():
    return m.population(mini())


def test_each_order_falls_under_one_theory_for_its_value(cls):
    """As of 2023-06-30 (see mini()):
    r1 A denied, delivered, $100, blank refund = 0 paid: refund denial 100 (upper bound); fees 50 - 0 = 50.
    r2 A partial, late, $200, refund 50: refund denial 150.
    r3 B full refund, not delivered, reported 2023-04-01 after 2023-01-01 + 30: never delivered, fully refunded: 0.
    r4 B no response, customs hold reported 2023-04-02 after 2023-01-31: never delivered, unanswered: non-delivery 80.
    r5 C pending, status unknown: nothing; fees 20 - 20 = 0.
    r6 C no claim, customs hold reported 2023-05-11, within grace (2023-07-15): delivery unknown, nothing.
    r7 D denied, delivered, $500, refund 0: refund denial 500; fees 30 - 10 = 20.
    """
    o = damages.order_damages(cls, AS_OF)
    c = damages.counted(o)
    assert c["non_delivery"].tolist() == [0, 0, 0, 80, 0, 0, 0]
    assert c["refund_denial"].tolist() == [100, 150, 0, 0, 0, 0, 500]
    assert c["customs_fees"].tolist() == [50, 0, 0, 0, 0, 0, 20]
    assert (c["non_delivery"].gt(0) & c["refund_denial"].gt(0)).sum() == 0  # no order value counted twice
    assert o["nd_state"].tolist()[2:4] == ["fully refunded", "in"]
    assert o["refund_basis"].dropna().unique().tolist() == ["order value (upper bound)"]


def test_damages_by_theory_totals_and_members(cls):
    """Non-delivery 80 (B); refund denial 750 upper bound (A 250, D 500), 0 at requested amounts
    (none requested); customs fees 70 (A 50, D 20); total 900. Injured A, B, D; C uninjured: 1/4."""
    d = damages.damages_by_theory(cls, as_of=AS_OF, n_boot=300, seed=3)
    t = d["by_theory"]
    assert (t["non_delivery"]["total"], t["non_delivery"]["members"]) == (80.0, 1)
    assert (t["refund_denial"]["total_upper_bound"], t["refund_denial"]["total_requested"]) == (750.0, 0.0)
    assert (t["customs_fees"]["total"], t["customs_fees"]["members"]) == (70.0, 2)
    assert (d["total"], d["members_injured"], d["members_uninjured"], d["uninjured_share"]) == (900.0, 3, 1, 0.25)
    assert t["non_delivery"]["fully_refunded_orders"] == 1 and d["unknown_orders"] == 0
    assert d["ci_low"] <= 900 <= d["ci_high"]
    assert t["refund_denial"]["ci_low"] <= 750 <= t["refund_denial"]["ci_high"]


def test_requested_amounts_and_the_upper_bound(cls):
    """r7 requested $300 of its $500: refund due 300, so refund denial is 100 + 150 + 300 = 550 at
    the upper bound, 300 at requested amounts only; the total follows the judgement."""
    f = cls.assign(refund_requested=[np.nan] * 6 + [300.0], refund_requested_usd=[np.nan] * 6 + [300.0])
    d = damages.damages_by_theory(f, as_of=AS_OF, n_boot=100)
    rd = d["by_theory"]["refund_denial"]
    assert (rd["total_upper_bound"], rd["total_requested"], rd["orders_at_requested"]) == (550.0, 300.0, 1)
    assert d["total"] == 80 + 550 + 70
    low = damages.damages_by_theory(f, as_of=AS_OF, n_boot=100, judgements=Judgements(refund_denial_upper_bound=False))
    assert low["total"] == 80 + 300 + 70


def test_an_unreadable_requested_amount_is_unknown_in_both_figures(cls):
    """r7 (denied, $500) asked for a refund whose amount cannot be read ("three hundred-ish"): its
    refund due is unknown, not the order value and not 0. Upper bound: 100 + 150 = 250 with r7
    unknown; requested amounts only: 0 known (r1 and r2 requested nothing) with r7 unknown too."""
    f = cls.assign(refund_requested=[np.nan] * 6 + ["three hundred-ish"], refund_requested_usd=np.nan,
                   problem_fields=[""] * 6 + ["refund_requested"])
    o = damages.order_damages(f, AS_OF)
    assert o["refund_basis"].iloc[6] == "requested"
    assert np.isnan(o["refund_denial_upper"].iloc[6]) and np.isnan(o["refund_denial_requested"].iloc[6])
    rd = damages.damages_by_theory(f, as_of=AS_OF, n_boot=100)["by_theory"]["refund_denial"]
    assert (rd["total_upper_bound"], rd["total_requested"]) == (250.0, 0.0)
    assert (rd["unknown_orders"], rd["requested_unknown_orders"], rd["orders_at_requested"]) == (1, 1, 1)


def test_unknown_is_counted_never_zero(cls):
    """r2's partial refund unreadable: its refund-denial loss is unknown (not 200, not 0): the
    total drops to 100 + 500, one unknown order is counted, and A is still injured (r1)."""
    f = cls.assign(refund_amount=cls["refund_amount_usd"], problem_fields=["", "refund_amount", "", "", "", "", ""])
    f.loc[1, "refund_amount_usd"] = np.nan
    d = damages.damages_by_theory(f, as_of=AS_OF, n_boot=100)
    assert d["by_theory"]["refund_denial"]["total_upper_bound"] == 600.0
    assert (d["unknown_orders"], d["by_theory"]["refund_denial"]["unknown_orders"]) == (1, 1)
    assert damages.members_table(f, as_of=AS_OF).loc["A", "status"] == "injured"
    # A member whose only loss is unknown is of unknown injury, not uninjured.
    only = f[f["claimant_key"].isin(["A"]) & f.index.isin([1])]
    assert damages.members_table(only, as_of=AS_OF)["status"].tolist() == ["unknown"]


def test_no_claim_withdrawn_and_grace_judgements(cls):
    """r6 (no claim, $60) reported 2023-08-01 instead: past grace, never delivered, no claim: left
    out of the total ($60 shown apart), counted with the judgement. A 95-day grace makes r4's
    report (2023-04-02, deadline 2023-04-06) within grace: non-delivery 0."""
    f = cls.copy()
    f.loc[5, "submitted_at"] = pd.Timestamp("2023-08-01")
    nd = damages.damages_by_theory(f, as_of=AS_OF, n_boot=50)["by_theory"]["non_delivery"]
    assert (nd["total"], nd["no_claim_total"], nd["no_claim_orders"]) == (80.0, 60.0, 1)
    j = Judgements(no_claim_non_delivery_in=True)
    assert damages.damages_by_theory(f, as_of=AS_OF, n_boot=50, judgements=j)["by_theory"]["non_delivery"]["total"] == 140.0
    late = damages.damages_by_theory(cls, as_of=AS_OF, n_boot=50, judgements=Judgements(grace_days=95))
    assert late["by_theory"]["non_delivery"]["total"] == 0.0


def test_blank_amount_judgements_move_the_figures(cls):
    """Blank refunds left out: r1 (denied, blank) and r4 (unanswered, blank) become unknown.
    Blank reimbursements: none is blank among fee orders here, so r5's reimbursement is dropped."""
    d = damages.damages_by_theory(cls, as_of=AS_OF, n_boot=50, judgements=Judgements(blank_refund_is_zero=False))
    assert d["by_theory"]["refund_denial"]["total_upper_bound"] == 650.0 and d["by_theory"]["non_delivery"]["total"] == 0
    assert d["unknown_orders"] == 2
    f = cls.assign(customs_fees_reimbursed=[0.0, np.nan, np.nan, np.nan, np.nan, np.nan, 10.0],
                   customs_fees_reimbursed_usd=[0.0, np.nan, np.nan, np.nan, np.nan, np.nan, 10.0])
    base = damages.damages_by_theory(f, as_of=AS_OF, n_boot=50)["by_theory"]["customs_fees"]
    out = damages.damages_by_theory(f, as_of=AS_OF, n_boot=50,
                                    judgements=Judgements(blank_reimbursement_is_zero=False))["by_theory"]["customs_fees"]
    assert (base["total"], out["total"], out["unknown_orders"]) == (90.0, 70.0, 1)  # r5's 20 paid, blank back


def test_injury_reasons_and_subclasses(cls):
    """C (r5 pending, r6 no claim) is the one uninjured member; the first reason in order is
    "claim pending". The non-delivery subclass (B) is all injured."""
    inj = damages.injury(cls, as_of=AS_OF).set_index("group")
    assert inj.loc["Class", ["members", "injured", "uninjured", "unknown"]].tolist() == [4, 3, 1, 0]
    assert inj.loc["Class", "reason: claim pending"] == 1 and inj.loc["Class", "reason: no claim filed"] == 0
    assert inj.loc["non-delivery subclass", "uninjured"] == 0


def test_defence_shares(cls):
    """r7 (D, $500 refund denial, $20 fees) flagged as no evidence kept: 500/750 of refund denial,
    20/70 of customs fees, none of non-delivery."""
    f = cls.assign(flag_late_quality_claim=False, flag_missing_evidence=[False] * 6 + [True])
    s = damages.defence_shares(f, as_of=AS_OF).set_index("flag")
    assert s.loc["no evidence kept", ["members", "orders"]].tolist() == [1, 1]
    assert s.loc["no evidence kept", "refund_denial_share"] == pytest.approx(500 / 750)
    assert s.loc["no evidence kept", "customs_fees_share"] == pytest.approx(20 / 70)
    assert s.loc["late quality claim", "refund_denial_usd"] == 0


def test_bootstrap_is_seeded_and_resamples_claimants(cls):
    many = pd.concat([cls.assign(claimant_key=cls["claimant_key"] + str(i),
                                 order_amount_usd=cls["order_amount_usd"] * (1 + i / 10)) for i in range(20)],
                     ignore_index=True)
    a = damages.damages_by_theory(many, as_of=AS_OF, n_boot=300, seed=1)
    b = damages.damages_by_theory(many, as_of=AS_OF, n_boot=300, seed=1)
    c = damages.damages_by_theory(many, as_of=AS_OF, n_boot=300, seed=2)
    assert a == b and (a["ci_low"], a["ci_high"]) != (c["ci_low"], c["ci_high"])
    assert "seed 1" in a["method"]
