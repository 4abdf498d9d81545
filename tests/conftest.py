"""Shared fixtures: the bundled sample, its truth (regenerated, never committed), the real CFPB extract."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np

import pandas as pd
import pytest

from ta_analysis import config
from ta_analysis.synth import generate

ROOT = Path(__file__).resolve().parent.parent
CFPB_SAMPLE = ROOT / "data" / "raw" / "sample" / "cfpb_real" / "complaints.csv"  # real, public (its README)


@pytest.fixture(scope="session")
def sample_path() -> Path:
    return config.SAMPLE_EXPORT


@pytest.fixture(scope="session")
def sample_generated() -> tuple[pd.DataFrame, pd.DataFrame]:
    """(export, truth) of the bundled sample, regenerated from its seed."""
    return generate(config.SAMPLE_ROWS, config.SAMPLE_SEED)


@pytest.fixture(scope="session")
def sample_truth(sample_generated) -> pd.DataFrame:
    return sample_generated[1]


@pytest.fixture(scope="session")
def cfpb_sample() -> Path:
    """The real CFPB export extract bundled under data/raw/sample/cfpb_real/."""
    return CFPB_SAMPLE


# --- the truth oracle: what the truth file implies, row by row, in plain Python -----------------

def expected_fates(truth: pd.DataFrame) -> tuple[list[str], dict]:
    """Fates and class/subclass member counts the truth implies, by the rules in the README."""
    rows = truth.to_dict("records")
    as_of = max(pd.Timestamp(r["submitted_at"]) for r in rows if isinstance(r["submitted_at"], str)).date()
    missing = lambda v: v is None or (isinstance(v, float) and np.isnan(v))  # noqa: E731
    fate = [""] * len(rows)
    for i, r in enumerate(rows):
        claim = r["claim_filed"] == "true" or not missing(r["claim_outcome"]) or not missing(r["claim_date"])
        usable = any(not missing(r[c]) for c in ["claim_outcome", "delivery_status", "customs_fees_paid", "order_amount"])
        if r["truth_quarantined"] or (missing(r["email"]) and missing(r["phone"])):
            fate[i] = "quarantined"
        elif missing(r["order_date"]) and not claim:
            fate[i] = "quarantined"
        elif not usable:
            fate[i] = "quarantined"
        elif r["truth_duplicate_kind"] == "exact":
            fate[i] = "duplicate"
    ident = lambda r: ("e:" + r["email"]) if not missing(r["email"]) else ("p:" + r["phone"])  # noqa: E731
    latest: dict = {}
    for i, r in enumerate(rows):
        if fate[i]:
            continue
        k = (ident(r), r["order_id"])
        if k not in latest or r["submitted_at"] >= rows[latest[k]]["submitted_at"]:
            if k in latest:
                fate[latest[k]] = "duplicate"
            latest[k] = i
        else:
            fate[i] = "duplicate"
    members, sub = set(), {"refund_denial": set(), "customs_fee": set(), "non_delivery": set()}
    for i, r in enumerate(rows):
        if fate[i]:
            continue
        in_class = (r["claimant_country"] == "US" and r["trade_assurance"] == "true" and not missing(r["order_date"])
                    and date(2020, 1, 1) <= date.fromisoformat(r["order_date"]) <= as_of)
        fate[i] = "kept" if in_class else "excluded"
        if not in_class:
            continue
        who = ident(r)
        members.add(who)
        if r["claim_outcome"] in ("denied", "partial_refund"):
            sub["refund_denial"].add(who)
        if (not missing(r["customs_fees_paid"]) and not missing(r["customs_fees_currency"])
                and r["customs_fees_paid"] - (0 if missing(r["customs_fees_reimbursed"]) else r["customs_fees_reimbursed"]) > 0):
            sub["customs_fee"].add(who)
        # BRIEF: not delivered or held, no delivered date, reported after the promised date (or the
        # order date + 60 days) + 30 days.
        promised = (date.fromisoformat(r["promised_delivery_date"]) if not missing(r["promised_delivery_date"])
                    else date.fromisoformat(r["order_date"]) + timedelta(days=60))
        if (r["delivery_status"] in ("not_delivered", "held_at_customs") and missing(r["delivered_date"])
                and pd.Timestamp(r["submitted_at"]).date() > promised + timedelta(days=30)):
            sub["non_delivery"].add(who)
    return fate, {"class_members": len(members), **{k: len(v) for k, v in sub.items()}}




@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A skipped test is a failure here: every test must run on a fresh clone."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped, and a skip is a failure in this project: {report.longrepr}"
