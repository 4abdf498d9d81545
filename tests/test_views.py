"""Notebook tables on small hand-built frames."""

from __future__ import annotations

import pandas as pd
import pytest

from ta_analysis import views


def test_record_flow_reconciles():
    ledger = pd.DataFrame({"fate": ["kept", "kept", "excluded", "excluded", "duplicate", "quarantined"],
                           "rule": ["", "", "not_us_buyer", "not_us_buyer", "exact_copy", "no_intake_id"]})
    flow = views.record_flow(ledger)
    assert flow["records"].tolist() == [6, -1, -1, -2, 2]
    assert flow["remaining"].tolist() == [6, 5, 4, 2, 2]
    assert flow["step"].tolist()[2:4] == ["Duplicate: exact copy", "Excluded: buyer outside the U.S."]


def test_record_flow_refuses_a_ledger_that_does_not_reconcile():
    with pytest.raises(AssertionError, match="does not reconcile"):
        views.record_flow(pd.DataFrame({"fate": ["kept", "lost"], "rule": ["", "x"]}))


def test_denial_reasons_most_common_first():
    df = pd.DataFrame({"claim_outcome": ["denied", "denied", "denied", "full_refund"],
                       "denial_reason": ["Late claim", None, "Late claim", None]})
    out = views.denial_reasons(df)
    assert out.values.tolist() == [["Late claim", 2, 2 / 3], ["(no reason given)", 1, 1 / 3]]


def test_rate_intervals_put_wilson_and_the_claimant_bootstrap_side_by_side():
    """On the hand-worked frame of test_metrics: denied 2 of 4, short-paid 3 of 4, never
    delivered 2 of 5; each row says which of its two intervals the headline uses (the wider)."""
    from test_metrics import AS_OF, mini
    from ta_analysis import metrics

    t = views.rate_intervals(metrics.population(mini()), as_of=AS_OF, n_boot=200, seed=3)
    assert t["Rate"].tolist() == ["Denied-refund rate", "Denied-or-short-paid rate", "Non-delivery rate"]
    assert t["Estimate"].tolist() == [0.5, 0.75, 0.4]
    wider = ((t["Claimant bootstrap high"] - t["Claimant bootstrap low"]) > (t["Wilson high"] - t["Wilson low"]))
    assert t["Headline uses"].tolist() == ["claimant bootstrap" if w else "wilson" for w in wider]


def test_commonality_does_not_test_a_rate_across_the_issue_that_defines_it():
    """Non-delivery reported on r3 and r4, the two never-delivered orders: the non-delivery rate
    across combinations of issues would be 100% in one group and 0% in the others by definition,
    so it is listed as not tested, with the reason, and left out of the Holm adjustment."""
    from test_metrics import AS_OF, mini
    from ta_analysis import metrics

    cls = metrics.population(mini()).assign(issue_quality=[True, True, False, False, True, False, True],
                                            issue_delay=False, issue_customs=False,
                                            issue_non_delivery=[False, False, True, True, False, False, False])
    t = views.commonality(cls, as_of=AS_OF, by=["issues"])
    nd = t[t["metric"] == "non-delivery rate"].iloc[0]
    assert nd["across"] == "combination of issues reported"
    assert nd["finding"].startswith("not tested: circular") and nd["Holm-adjusted p"] != nd["Holm-adjusted p"]
