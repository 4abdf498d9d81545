"""The definitions of BRIEF.md, each on a small frame worked out by hand."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from ta_analysis import definitions
from ta_analysis.errors import InputError
from ta_analysis.definitions import ClassDefinition, class_rules, never_delivered


def frame(**cols):
    n = len(next(iter(cols.values())))
    base = {
        "claimant_country": pd.Series(["US"] * n, dtype="str"),
        "trade_assurance": pd.array([True] * n, dtype="boolean"),
        "order_date": pd.to_datetime(["2022-01-01"] * n),
    }
    base.update(cols)
    return pd.DataFrame(base)


def test_class_rules_lists_every_rule_failed():
    f = frame(
        claimant_country=pd.Series(["US", "CA", None, "US", "US", "US"], dtype="str"),
        trade_assurance=pd.array([True, False, None, True, True, True], dtype="boolean"),
        order_date=pd.to_datetime(["2022-01-01", "2019-05-01", "2022-01-01", None, "2024-02-01", "2020-01-01"]),
    )
    rules = class_rules(f, ClassDefinition(date(2020, 1, 1), date(2023, 12, 31)))
    assert rules.tolist() == ["", "not_us_buyer;not_trade_assurance;order_before_class_period",
                              "country_unknown;trade_assurance_unknown", "order_date_unknown",
                              "order_after_class_period", ""]
    lenient = ClassDefinition(date(2020, 1, 1), date(2023, 12, 31), include_unknown_trade_assurance=True)
    assert class_rules(f, lenient)[2] == "country_unknown"


def test_never_delivered_is_judged_on_the_day_it_was_reported():
    """Grace 30 days after the promised date (2023-01-15 + 30 = 2023-02-14), judged on the report's
    day, not the as-of date. Rows: delivered, late, partial: delivered. Not delivered reported
    2023-03-01 (after the deadline): never delivered; reported 2023-02-01 (before it): unknown (the
    attack: "not delivered" reported before the promised date was counted as never delivered).
    Customs hold reported 2023-03-01: never; reported 2023-02-14 (on the deadline day): unknown;
    with a delivered date: delivered. No promised date: order date 2022-12-01 + 60 = 2023-01-30,
    + 30 = 2023-03-01, so reported 2023-03-02: never; reported 2023-02-20: unknown. Unknown and
    missing status: unknown. No report date: unknown."""
    f = pd.DataFrame({
        "delivery_status": pd.Categorical(["delivered", "late", "partial", "not_delivered", "not_delivered",
                                           "held_at_customs", "held_at_customs", "held_at_customs",
                                           "not_delivered", "not_delivered", "unknown", None, "not_delivered"]),
        "promised_delivery_date": pd.to_datetime(["2023-01-15"] * 8 + [None, None] + ["2023-01-15"] * 3),
        "order_date": pd.to_datetime(["2022-12-01"] * 13),
        "delivered_date": pd.to_datetime([None] * 7 + ["2023-02-20"] + [None] * 5),
        "submitted_at": pd.to_datetime(["2023-03-01"] * 4 + ["2023-02-01", "2023-03-01 09:30", "2023-02-14 23:00",
                                        "2023-03-01", "2023-03-02", "2023-02-20", "2023-03-01", "2023-03-01", None], format="mixed"),
    })
    got = never_delivered(f)
    assert got.tolist() == [False, False, False, True, pd.NA, True, pd.NA, False, True, pd.NA, pd.NA, pd.NA, pd.NA]
    why = definitions.delivery_unknown_reason(f, got)
    assert why.tolist()[4] == "reported within grace" and why.tolist()[10:] == ["status unknown", "status missing",
                                                                                "no date to judge by"]
    assert never_delivered(f, grace_days=15).tolist()[4]  # deadline 2023-01-30, reported 2023-02-01: never
    assert never_delivered(f, grace_days=60).tolist()[3] is pd.NA  # deadline 2023-03-16, reported 2023-03-01


def test_the_class_period_ends_at_the_as_of_date_unless_given_and_never_before_it_starts():
    assert ClassDefinition().resolved(date(2025, 6, 30)).class_end == date(2025, 6, 30)
    assert ClassDefinition(class_end=date(2024, 1, 1)).resolved(date(2025, 6, 30)).class_end == date(2024, 1, 1)
    with pytest.raises(InputError, match=r"the class period ends \(2019-01-01\) before it starts \(2020-01-01\)"):
        ClassDefinition(class_end=date(2019, 1, 1)).resolved(date(2025, 6, 30))


def test_unreimbursed_fees_and_nothing_reimbursed():
    paid = pd.Series([100.0, 50.0, np.nan, 40.0, 30.0])
    back = pd.Series([30.0, np.nan, 5.0, 60.0, 0.0])
    assert definitions.unreimbursed_fees(paid, back).tolist()[:2] == [70.0, 50.0]
    assert np.isnan(definitions.unreimbursed_fees(paid, back)[2])  # fees paid unknown: unknown
    assert definitions.unreimbursed_fees(paid, back).tolist()[3:] == [0.0, 30.0]  # over-reimbursed: 0
    assert definitions.reimbursed_nothing(back).tolist() == [False, True, False, False, True]


def test_refund_paid_follows_the_brief():
    """Denied, blank: 0. Full refund, blank: the order value (no loss). Partial, blank: unknown.
    Denied, unreadable ("see invoice" in problem_fields): unknown. No response, 20 given: 20.
    With blank refunds left out, the denied blank is unknown too; the full refund is still paid."""
    f = pd.DataFrame({
        "claim_outcome": pd.Categorical(["denied", "full_refund", "partial_refund", "denied", "no_response"]),
        "order_amount_usd": [100.0, 200.0, 300.0, 400.0, 500.0],
        "refund_amount": [np.nan, np.nan, np.nan, np.nan, 20.0],
        "refund_amount_usd": [np.nan, np.nan, np.nan, np.nan, 20.0],
        "problem_fields": ["", "", "", "refund_amount", ""],
    })
    got = definitions.refund_paid(f)
    assert got.tolist()[:2] == [0.0, 200.0] and np.isnan(got[2]) and np.isnan(got[3]) and got[4] == 20.0
    strict = definitions.refund_paid(f, blank_is_zero=False)
    assert np.isnan(strict[0]) and strict[1] == 200.0


def test_subclasses_flags_and_the_marked_frame():
    f = pd.DataFrame({
        "claimant_country": pd.Series(["US", "US", "US", "CA"], dtype="str"),
        "trade_assurance": pd.array([True, True, True, True], dtype="boolean"),
        "order_date": pd.to_datetime(["2022-01-01"] * 4),
        "delivery_status": pd.Categorical(["delivered", "not_delivered", "late", "not_delivered"]),
        "promised_delivery_date": pd.to_datetime(["2022-02-01"] * 4),
        "delivered_date": pd.to_datetime(["2022-01-20", None, "2022-03-15", None]),
        "claim_outcome": pd.Categorical(["partial_refund", "full_refund", "denied", "denied"]),
        "customs_fees_paid_usd": [120.0, np.nan, 80.0, 50.0],
        "customs_fees_reimbursed_usd": [120.0, np.nan, np.nan, 0.0],
        "claim_date": pd.to_datetime(["2022-01-25", "2022-03-01", "2022-05-01", "2022-03-01"]),
        "submitted_at": pd.to_datetime(["2022-06-01"] * 4),
        "issue_quality": pd.array([True, False, True, False], dtype="boolean"),
        "evidence_kept": pd.array([True, False, None, True], dtype="boolean"),
    })
    out = definitions.mark_class(f, ClassDefinition(date(2020, 1, 1)), date(2023, 1, 1))
    assert list(out.columns[len(f.columns):]) == [
        "class_rules_failed", "in_class", "never_delivered", "customs_fees_unreimbursed_usd",
        "subclass_refund_denial", "subclass_customs_fee", "subclass_non_delivery",
        "flag_late_quality_claim", "flag_missing_evidence"]
    assert out["in_class"].tolist() == [True, True, True, False]
    assert out["subclass_refund_denial"].tolist() == [True, False, True, False]  # the Canadian is not in the class
    assert out["subclass_customs_fee"].tolist() == [False, False, True, False]  # fully reimbursed: not
    assert out["subclass_non_delivery"].tolist() == [False, True, False, False]
    # quality claim 2022-05-01, delivered 2022-03-15: 47 days after delivery
    assert out["flag_late_quality_claim"].tolist() == [False, False, True, False]
    assert out["flag_missing_evidence"].tolist() == [False, True, False, False]
    assert list(f.columns) == list(out.columns[:len(f.columns)])  # f itself is not changed
    # Another class definition on marked records keeps their never_delivered and flags.
    again = definitions.mark_class(out, ClassDefinition(date(2020, 1, 1), countries=("US", "CA")))
    assert again["in_class"].all() and again["subclass_non_delivery"].tolist() == [False, True, False, True]


def test_definitions_are_stated_in_words():
    assert definitions.in_words(definitions.unreimbursed_fees).startswith(
        "Unreimbursed customs fees per order: max(fees paid - fees reimbursed, 0), in USD.")
    for fn in (definitions.ClassDefinition, definitions.never_delivered, definitions.subclasses,
               definitions.defence_flags, definitions.non_delivery_loss, definitions.refund_denial_loss,
               definitions.customs_fee_loss, definitions.refund_paid, definitions.promised_date):
        words = definitions.in_words(fn)
        assert len(words) > 60 and ":data:" not in words and ":func:" not in words
