"""Headline figures: from cleaned data they equal those computed straight from the truth."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta

import numpy as np
import pandas as pd
import pytest

from ta_analysis import config, fx
from ta_analysis.clean import clean, write
from ta_analysis.summary import headline_for, load_processed

from conftest import expected_fates

KEYS = {"as_of", "class_start", "class_end", "class_members", "subclass_members", "denied_refund_rate",
        "denied_or_short_paid_rate", "non_delivery_rate", "unreimbursed_customs_fees_usd", "damages"}


@pytest.fixture(scope="module")
def processed(tmp_path_factory):
    out = tmp_path_factory.mktemp("processed")
    write(clean([config.SAMPLE_EXPORT]), out)
    return out


@pytest.fixture(scope="module")
def headline(processed):
    return headline_for(load_processed(processed), n_boot=500)


def truth_headline(truth: pd.DataFrame) -> dict:
    """The headline computed from the truth's clean values, row by row."""
    fates, counts = expected_fates(truth)
    t = truth[np.array(fates) == "kept"].copy()
    ident = t["email"].where(t["email"].notna(), "p:" + t["phone"].fillna(""))
    outcome = t["claim_outcome"]
    resolved = outcome.isin(["full_refund", "partial_refund", "denied"])
    status = t["delivery_status"]
    promised = pd.to_datetime(t["promised_delivery_date"]).fillna(pd.to_datetime(t["order_date"]) + timedelta(days=60))
    reported = pd.to_datetime(t["submitted_at"]).dt.normalize()
    undelivered = status.isin(["not_delivered", "held_at_customs"])
    never = undelivered & t["delivered_date"].isna() & (reported > promised + timedelta(days=30))
    known = never | status.isin(["delivered", "late", "partial"]) | (undelivered & t["delivered_date"].notna())
    on = pd.to_datetime(t["order_date"])

    def usd(amount, currency):
        return fx.to_usd(t[amount].astype("float64"), t[currency].astype("str"), on).usd

    order_usd, refund_usd = usd("order_amount", "order_currency"), usd("refund_amount", "order_currency")
    paid_usd, back_usd = usd("customs_fees_paid", "customs_fees_currency"), usd("customs_fees_reimbursed", "customs_fees_currency")
    paid = paid_usd.gt(0).fillna(False)
    owed = (paid_usd - back_usd.fillna(0)).clip(lower=0)
    refund = (order_usd - refund_usd.fillna(0)).clip(lower=0)
    nd = refund.where(never & outcome.isin(["denied", "partial_refund", "no_response"]), 0)
    rd = refund.where(~never & outcome.isin(["denied", "partial_refund"]), 0)
    per_member = (nd.fillna(0) + rd.fillna(0) + owed.fillna(0)).groupby(ident).sum()
    return {
        "class_members": counts["class_members"],
        "subclass_members": {k: counts[k] for k in ["refund_denial", "customs_fee", "non_delivery"]},
        "denied": (int(outcome.eq("denied").sum()), int(resolved.sum())),
        "short": (int(outcome.isin(["denied", "partial_refund"]).sum()), int(resolved.sum())),
        "non_delivery": (int(never.sum()), int(known.sum())),
        "fees_orders": int(paid.sum()), "fees_total": float(owed[paid].sum()),
        "fees_nothing": float(back_usd[paid].fillna(0).le(0).mean()),
        "nd_total": float(nd.sum()), "rd_total": float(rd.sum()),
        "loss_total": float(per_member.sum()), "members": int(per_member.size),
    }


def test_headline_equals_truth(headline, sample_truth):
    want = truth_headline(sample_truth)
    h = headline
    assert h["class_members"] == want["class_members"]
    assert h["subclass_members"] == want["subclass_members"]
    for key, name in [("denied_refund_rate", "denied"), ("denied_or_short_paid_rate", "short"), ("non_delivery_rate", "non_delivery")]:
        assert (h[key]["numerator"], h[key]["denominator"]) == want[name], key
    fees = h["unreimbursed_customs_fees_usd"]
    assert fees["orders"] == want["fees_orders"]
    assert abs(fees["total"] - want["fees_total"]) <= 0.01 * fees["orders"]
    assert fees["share_reimbursed_nothing"] == pytest.approx(want["fees_nothing"])
    dmg = h["damages"]
    assert dmg["members"] == want["members"] == want["class_members"]
    # The cleaned figures leave the few unreadable amounts out (unknown, counted); the truth has them.
    assert dmg["unknown_orders"] < 0.01 * dmg["members"]
    for got, truth in [(dmg["by_theory"]["non_delivery"]["total"], want["nd_total"]),
                       (dmg["by_theory"]["refund_denial"]["total_upper_bound"], want["rd_total"]),
                       (dmg["total"], want["loss_total"])]:
        assert abs(got - truth) <= 0.02 * truth


def test_summary_json_has_the_documented_keys(processed):
    r = subprocess.run([sys.executable, "-m", "ta_analysis", "summary", "--processed", str(processed), "--json",
                        "--draws", "200"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    h = json.loads(r.stdout)
    assert KEYS <= set(h)
    assert set(h["denied_refund_rate"]) >= {"numerator", "denominator", "estimate", "ci_low", "ci_high"}
    assert set(h["unreimbursed_customs_fees_usd"]) >= {"orders", "total", "mean", "median", "p90",
                                                        "share_reimbursed_nothing", "total_ci_low", "total_ci_high"}
    assert set(h["damages"]) >= {"by_theory", "total", "ci_low", "ci_high", "members_injured", "members_uninjured",
                                 "uninjured_share", "unknown_orders"}
    assert set(h["damages"]["by_theory"]["non_delivery"]) >= {"total", "ci_low", "ci_high", "members", "no_claim_total",
                                                              "pending_orders"}
    assert set(h["damages"]["by_theory"]["refund_denial"]) >= {"total_upper_bound", "total_requested", "ci_low",
                                                               "ci_high", "members"}
    assert set(h["damages"]["by_theory"]["customs_fees"]) >= {"total", "ci_low", "ci_high", "members"}
    assert "out_of_pocket_loss_usd" not in h
    cleaning = json.loads((processed / "cleaning_summary.json").read_text())
    assert h["as_of"] == cleaning["parameters"]["as_of"] and h["class_start"] == cleaning["parameters"]["class_start"]


def test_summary_for_people_and_overrides(processed):
    r = subprocess.run([sys.executable, "-m", "ta_analysis", "summary", "--processed", str(processed), "--draws", "200",
                        "--class-start", "2023-01-01"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "class period 2023-01-01 to" in r.stdout and "Denied-refund rate (claims denied / claims resolved):" in r.stdout
    assert "not a statistical sample" in r.stdout


def test_summary_of_a_missing_folder_is_a_user_error(tmp_path):
    r = subprocess.run([sys.executable, "-m", "ta_analysis", "summary", "--processed", str(tmp_path / "nope")],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "no such folder" in r.stderr and "Traceback" not in r.stderr


def test_sensitivity_has_one_row_per_variant(processed):
    from ta_analysis import metrics

    p = load_processed(processed)
    table = metrics.sensitivity(p.intake, as_of=p.as_of, definition=p.definition(), n_boot=100)
    assert table["variant"].tolist() == list(metrics.SENSITIVITY_VARIANTS)
    base = table.set_index("variant")
    assert base.at["no_response_as_denied", "denied_refund_rate"] > base.at["baseline", "denied_refund_rate"]
    assert base.at["customs_holds_not_non_delivery", "non_delivery_denominator"] < base.at["baseline", "non_delivery_denominator"]
    assert base.at["unknown_ta_in_class", "class_members"] > base.at["baseline", "class_members"]
    assert base.at["partial_not_short_paid", "denied_or_short_paid_rate"] < base.at["baseline", "denied_or_short_paid_rate"]
    assert base.at["fx_on_claim_date", "damages_total"] != base.at["baseline", "damages_total"]
    # Every call moves the figures it touches.
    assert base.at["no_response_as_denied", "damages_refund_denial"] > base.at["baseline", "damages_refund_denial"]
    assert base.at["no_claim_non_delivery_in", "damages_non_delivery"] > base.at["baseline", "damages_non_delivery"]
    assert base.at["withdrawn_in", "damages_non_delivery"] > base.at["baseline", "damages_non_delivery"]
    assert base.at["refund_denial_requested_only", "damages_refund_denial"] < base.at["baseline", "damages_refund_denial"]
    assert base.at["blank_reimbursement_left_out", "damages_customs_fees"] < base.at["baseline", "damages_customs_fees"]
    assert base.at["blank_refund_left_out", "unknown_orders"] > base.at["baseline", "unknown_orders"]
    assert (base.at["grace_15_days", "non_delivery_denominator"] > base.at["baseline", "non_delivery_denominator"]
            > base.at["grace_60_days", "non_delivery_denominator"])
    # The variants resampled together give the baseline the interval the headline gives it (same seed).
    h = headline_for(p, n_boot=100)
    assert (base.at["baseline", "damages_ci_low"], base.at["baseline", "damages_ci_high"]) == pytest.approx(
        (h["damages"]["ci_low"], h["damages"]["ci_high"]), rel=1e-9)


# --- the unread are never silent ----------------------------------------------------------------

def test_a_figure_resting_on_unread_inputs_carries_a_warning_and_strict_exits_2(tmp_path):
    from ta_analysis.synth import generate, write_export

    export, _ = generate(400, 8)
    claimed = export.index[export["What happened with your claim"].fillna("").str.strip() != ""]
    export.loc[claimed[:40], "What happened with your claim"] = "zorbled by the panel"
    write_export(export, tmp_path / "odd.csv")
    r = clean([tmp_path / "odd.csv"])
    write(r, tmp_path / "out")
    h = headline_for(load_processed(tmp_path / "out"), n_boot=50)
    u = h["denied_refund_rate"]["unread"]
    unread_in_class = r.intake[r.intake["in_class"] & r.intake["problem_fields"].str.contains("claim_outcome")]
    assert u["records"] == len(unread_in_class) > 0 and u["of"] == int(r.intake["in_class"].sum())
    assert u["commonest"][0] == {"field": "claim_outcome", "raw_value": "zorbled by the panel",
                                 "count": len(unread_in_class)}
    assert h["non_delivery_rate"]["unread"]["fields"].get("claim_outcome") is None
    run = lambda *a: subprocess.run([sys.executable, "-m", "ta_analysis", "summary", "--processed",  # noqa: E731
                                     str(tmp_path / "out"), "--draws", "100", *a], capture_output=True, text=True)
    plain = run()
    assert plain.returncode == 0
    warning = [line for line in plain.stdout.splitlines() if line.strip().startswith("WARNING")]
    assert len(warning) >= 2 and "claim_outcome 'zorbled by the panel'" in warning[0]
    strict = run("--strict")
    assert strict.returncode == 2 and "--strict" in strict.stderr and "denied_refund_rate" in strict.stderr
