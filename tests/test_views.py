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
    assert out.values.tolist() == [["Late claim", 2, 66.7], ["(no reason given)", 1, 33.3]]
