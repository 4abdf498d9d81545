"""The tables the notebooks show, built from the processed data (DataFrame in, DataFrame out).

Each function is what one notebook cell displays, so every number a report prints comes from
code the tests reach.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from ta_analysis import metrics
from ta_analysis.clean import QUARANTINE_RULES
from ta_analysis.definitions import CLASS_RULES, unreimbursed_fees
from ta_analysis.exhibits import label
from ta_analysis.schema import FIELDS

RULE_LABELS = {
    "unreadable_record": "unreadable record", "empty_record": "empty record", "no_intake_id": "no intake id",
    "no_claimant_identity": "no e-mail or phone", "no_order_date_and_no_claim": "no order date and no claim",
    "no_usable_data": "no usable data", "exact_copy": "exact copy", "superseded_submission": "superseded submission",
    "not_us_buyer": "buyer outside the U.S.", "country_unknown": "buyer country unknown",
    "not_trade_assurance": "not a Trade Assurance order", "trade_assurance_unknown": "Trade Assurance coverage unknown",
    "order_date_unknown": "order date unknown", "order_before_class_period": "ordered before the class period",
    "order_after_class_period": "ordered after the class period",
}
STEP_TEXT = {**QUARANTINE_RULES, **CLASS_RULES,
             "exact_copy": "an exact copy of an earlier record",
             "superseded_submission": "an earlier submission of the same claimant and order (the latest is kept)"}


def record_flow(ledger: pd.DataFrame) -> pd.DataFrame:
    """The waterfall from input records to class records: one row per fate and rule, with running totals.

    The first row is every input record; each following row removes the records of one rule;
    the last row is the records kept in the class. ``remaining`` reconciles to it exactly.
    """
    total = len(ledger)
    rows = [{"step": "Input records", "fate": "", "rule": "", "records": total, "remaining": total,
             "meaning": "every row of every input file"}]
    remaining = total
    for fate in ["quarantined", "duplicate", "excluded"]:
        part = ledger[ledger["fate"] == fate]
        for rule, n in part["rule"].value_counts().sort_index().items():
            remaining -= int(n)
            rows.append({"step": f"{fate.capitalize()}: {RULE_LABELS.get(rule, rule)}", "fate": fate, "rule": rule,
                         "records": -int(n), "remaining": remaining, "meaning": STEP_TEXT.get(rule, "")})
    kept = int((ledger["fate"] == "kept").sum())
    assert remaining == kept, "the ledger does not reconcile"
    rows.append({"step": "Kept in the class", "fate": "kept", "rule": "", "records": kept, "remaining": kept,
                 "meaning": "records every metric is computed over"})
    return pd.DataFrame(rows)


def missing_by_field(intake: pd.DataFrame, problems: pd.DataFrame) -> pd.DataFrame:
    """Per canonical field: values missing in the analysed records, and values that could not be read."""
    fields = [f for f in FIELDS if f in intake.columns]
    unreadable = problems["field"].value_counts()
    out = pd.DataFrame({
        "field": fields,
        "missing": [int(intake[f].isna().sum()) for f in fields],
        "unreadable_in_input": [int(unreadable.get(f, 0)) for f in fields],
    })
    out["missing_share"] = out["missing"] / max(len(intake), 1)
    return out.sort_values(["missing", "field"], ascending=[False, True], kind="stable").reset_index(drop=True)


def rate_table(table: pd.DataFrame) -> pd.DataFrame:
    """A metrics table for a report (``ctx.show``): the group in words, n/N, the estimate and its
    interval (proportions: the report shows them in percent), and the small-group flag."""
    out = table[["group", "numerator", "denominator", "estimate", "ci_low", "ci_high", "small_group"]].copy()
    out["group"] = out["group"].map(label)
    return out.reset_index(drop=True)


def plotted_rates(table: pd.DataFrame) -> pd.DataFrame:
    """Exactly what a rate exhibit plots (the exhibit's CSV)."""
    out = table[["group", "numerator", "denominator", "estimate", "ci_low", "ci_high", "small_group"]].copy()
    out.insert(1, "label", out["group"].map(label))
    return out.reset_index(drop=True)


def denial_reasons(df: pd.DataFrame) -> pd.DataFrame:
    """The reasons given for denied claims, most common first (free text, identifiers redacted)."""
    denied = df[df["claim_outcome"].astype("str") == "denied"]
    reasons = denied["denial_reason"].fillna("(no reason given)")
    counts = reasons.value_counts().rename_axis("reason").reset_index(name="claims")
    counts["share"] = counts["claims"] / max(len(denied), 1)
    return counts.sort_values(["claims", "reason"], ascending=[False, True], kind="stable").reset_index(drop=True)


def fee_orders(df: pd.DataFrame) -> pd.DataFrame:
    """Orders with customs fees paid: USD paid, reimbursed and left unreimbursed."""
    p = df[df["customs_fees_paid_usd"].gt(0).fillna(False).astype(bool)]
    return pd.DataFrame({
        "claimant_key": p["claimant_key"], "buyer_type": p["buyer_type"], "claimant_state": p["claimant_state"],
        "paid_usd": p["customs_fees_paid_usd"], "reimbursed_usd": p["customs_fees_reimbursed_usd"].fillna(0.0),
        "unreimbursed_usd": unreimbursed_fees(p["customs_fees_paid_usd"], p["customs_fees_reimbursed_usd"]),
    }).reset_index(drop=True)


def fees_by(df: pd.DataFrame, by: str) -> pd.DataFrame:
    """Who paid customs fees: orders, total paid, total reimbursed, total unreimbursed, per group."""
    f = fee_orders(df)
    g = f.groupby(f[by].astype("str").fillna("(missing)").map(label), sort=True)
    out = pd.DataFrame({"orders": g.size(), "paid_usd": g["paid_usd"].sum().round(2),
                        "reimbursed_usd": g["reimbursed_usd"].sum().round(2),
                        "unreimbursed_usd": g["unreimbursed_usd"].sum().round(2)})
    return out.rename_axis(by).reset_index().sort_values(["unreimbursed_usd", by], ascending=[False, True],
                                                        kind="stable").reset_index(drop=True)


COMMONALITY_GROUPINGS = {"issues": "combination of issues reported", "quarter": "quarter of order", "buyer_type": "buyer type",
                         "claimant_state": "state", "supplier_key": "supplier", "product_category": "product category"}
"""The groupings commonality is tested across (BRIEF.md), with their words. Issue types are
tested as the combination reported ("quality + delay"), so that each order is in one group: the
per-issue groups overlap and would count an order twice in one test."""

CIRCULAR = {("non_delivery_rate", "issues"): "circular: an order reports the non-delivery issue because it was not "
                                                "delivered, so the grouping holds the outcome the rate counts"}
"""Rate and grouping pairs that commonality does not test, and why."""

METRIC_WORDS = {"denied_refund_rate": "denied-refund rate", "denied_or_short_paid_rate": "denied-or-short-paid rate",
                "non_delivery_rate": "non-delivery rate", "loss_per_order": "loss per order"}


def commonality(df: pd.DataFrame, *, as_of: date, by: list[str] | None = None, alpha: float = 0.05) -> pd.DataFrame:
    """Each rate, and the loss per order, tested across each grouping: one row per (metric, grouping).

    Rates: chi-square test of homogeneity with sparse groups pooled, Cramér's V with its interval.
    Loss per order: Kruskal-Wallis test, groups under 30 orders pooled, epsilon-squared. The
    p-values are Holm-adjusted over every test in the table, and the raw ones are kept beside them.
    A test that does not reject says "no difference detected at this sample size": never that the
    groups are alike. A pair in :data:`CIRCULAR` is listed as not tested, with its reason.
    """
    from statsmodels.stats.multitest import multipletests

    from ta_analysis import damages

    groupings = by or list(COMMONALITY_GROUPINGS)
    for by_col in groupings:
        held = sum(len(pos) for _, pos in metrics.group_positions(df, by_col))
        if held != len(df):
            raise ValueError(f"commonality across {by_col!r}: its groups hold {held:,} orders of {len(df):,}; "
                             "a test needs groups that put each order in exactly one (use 'issues', not 'issue')")
    orders = damages.order_damages(df, as_of)
    tables = {fn: fn(df, by=groupings, **kwargs) for fn, kwargs in
              [(metrics.denied_refund_rate, {}), (metrics.denied_or_short_paid_rate, {}),
               (metrics.non_delivery_rate, {"as_of": as_of})]}
    rows = []
    for by_col in groupings:
        for table in tables.values():
            table = table[table["group_by"] == by_col]
            h = metrics.homogeneity(df, table, by=by_col)
            if (h["metric"], by_col) in CIRCULAR:
                h = {**h, "statistic": float("nan"), "p_value": float("nan"), "cramers_v": float("nan"),
                     "v_ci_low": float("nan"), "v_ci_high": float("nan"), "note": CIRCULAR[h["metric"], by_col]}
            spread = table[table["denominator"] >= metrics.MIN_N]["estimate"]
            rows.append({**h, "lowest": spread.min() if len(spread) else float("nan"),
                         "highest": spread.max() if len(spread) else float("nan"), "effect": "Cramér's V"})
        h = metrics.loss_homogeneity(df, by=by_col, as_of=as_of, orders=orders)
        rows.append({**h, "lowest": float("nan"), "highest": float("nan"), "effect": "epsilon-squared",
                     "cramers_v": h.get("epsilon_squared", float("nan"))})
    t = pd.DataFrame(rows)
    tested = t["p_value"].notna()
    t["p_holm"] = float("nan")
    if tested.any():
        t.loc[tested, "p_holm"] = multipletests(t.loc[tested, "p_value"], alpha=alpha, method="holm")[1]
    t["finding"] = np.where(~tested, "not tested: " + t["note"],
                            np.where(t["p_holm"] < alpha, "difference detected (Holm-adjusted p < 0.05)",
                                     "no difference detected at this sample size"))
    return pd.DataFrame({
        "metric": t["metric"].map(METRIC_WORDS), "across": t["by"].map(lambda b: COMMONALITY_GROUPINGS.get(b, b)),
        "groups tested": t["groups"], "orders": t["n"], "lowest group": t["lowest"], "highest group": t["highest"],
        "statistic": t["statistic"], "p-value": t["p_value"], "Holm-adjusted p": t["p_holm"],
        "effect size": t["cramers_v"], "effect measure": t["effect"],
        "effect CI low": t["v_ci_low"], "effect CI high": t["v_ci_high"],
        "finding": t["finding"], "pooling": t["note"].where(tested, ""),
    })


COMMONALITY_KINDS = {"percent": ["lowest group", "highest group"], "pvalue": ["p-value", "Holm-adjusted p"],
                     "count": ["groups tested", "orders"],
                     "decimals": {"statistic": 2, "effect size": 3, "effect CI low": 3, "effect CI high": 3}}
"""How a report shows the columns of :func:`commonality` (``ctx.show(t, ..., **COMMONALITY_KINDS)``)."""


def commonality_for_people(t: pd.DataFrame) -> pd.DataFrame:
    """The commonality table in a page's width: the effect size and its interval in one cell, the
    lowest and highest group rates in one cell (rates only), p-values in words; the pooling
    notes are given apart (:func:`commonality` keeps every number)."""
    from ta_analysis.formatting import p_value, pct

    def effect(r) -> str:
        if r["effect size"] != r["effect size"]:
            return ""
        name = "V" if r["effect measure"] == "Cramér's V" else "ε²"
        ci = (f" ({r['effect CI low']:.3f} to {r['effect CI high']:.3f})" if r["effect CI low"] == r["effect CI low"]
              else " (no interval)")
        return f"{name} {r['effect size']:.3f}{ci}"

    return pd.DataFrame({
        "Metric": t["metric"], "Across": t["across"], "Groups": t["groups tested"],
        "Range of group rates": [f"{pct(lo)} to {pct(hi)}" if lo == lo else "" for lo, hi in
                                 zip(t["lowest group"], t["highest group"])],
        "p": t["p-value"].map(p_value), "Holm p": t["Holm-adjusted p"].map(p_value),
        "Effect (95% CI)": [effect(r) for _, r in t.iterrows()], "Finding": t["finding"],
    })


RATE_SERIES = ("Denied (of resolved claims)", "Never delivered (of known outcomes)")
"""The two series of :func:`rates_by` (what EX-06 plots)."""


def rate_intervals(df: pd.DataFrame, *, as_of: date, n_boot: int, seed: int) -> pd.DataFrame:
    """Each headline rate with its Wilson interval and its claimant-bootstrap interval side by side,
    and which the headline uses (the wider: :func:`metrics.headline_rate`)."""
    rows = []
    for name, fn in [("Denied-refund rate", metrics.denied_refund_rate),
                     ("Denied-or-short-paid rate", metrics.denied_or_short_paid_rate),
                     ("Non-delivery rate", metrics.non_delivery_rate)]:
        r = metrics.headline_rate(fn(df, as_of=as_of, n_boot=n_boot, seed=seed))
        rows.append({"Rate": name, "Estimate": r["estimate"], "Wilson low": r["wilson_ci_low"],
                     "Wilson high": r["wilson_ci_high"], "Claimant bootstrap low": r["cluster_ci_low"],
                     "Claimant bootstrap high": r["cluster_ci_high"], "Headline uses": r["interval"]})
    return pd.DataFrame(rows)


def rates_by(df: pd.DataFrame, by: str, *, as_of: date, min_n: int = metrics.MIN_N) -> pd.DataFrame:
    """The denied-refund and non-delivery rates side by side per group (what EX-06 plots).

    Groups with a missing value, or fewer than ``min_n`` in a denominator, are flagged in
    ``shown`` = False (the exhibit's note says how many records they hold).
    """
    parts = []
    for name, table in [(RATE_SERIES[0], metrics.denied_refund_rate(df, by=by)),
                        (RATE_SERIES[1], metrics.non_delivery_rate(df, by=by, as_of=as_of))]:
        p = plotted_rates(table)
        p.insert(0, "series", name)
        p = p.rename(columns={"label": "group_label"})
        parts.append(p)
    out = pd.concat(parts, ignore_index=True)
    small = out.groupby("group")["denominator"].transform("min") < min_n
    out["shown"] = ~(small | out["group"].eq("(missing)"))
    return out


def complaints_by_quarter(complaints: pd.DataFrame) -> pd.DataFrame:
    """Purchase-dispute complaints per quarter received, split by whether the narrative names the marketplace."""
    d = complaints[complaints["purchase_dispute"]]
    period = d["date_received"].dt.to_period("Q").astype("str")
    series = d["code_marketplace_named"].map({True: "Narrative names Alibaba Group", False: "Other purchase disputes"})
    counts = pd.crosstab(period, series).stack().rename("count").reset_index()
    counts.columns = ["period", "series", "count"]
    order = {"Narrative names Alibaba Group": 0, "Other purchase disputes": 1}
    return counts.sort_values(["period", "series"], key=lambda s: s.map(order) if s.name == "series" else s,
                              kind="stable").reset_index(drop=True)


def code_counts(complaints: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """How many complaints carry each code, overall and among purchase disputes, and whether the
    code met the validation targets on held-out real narratives (``coder.code_status``)."""
    from ta_analysis import coder

    disputes = complaints["purchase_dispute"]
    status = coder.code_status()
    return pd.DataFrame({
        "code": codes,
        "complaints": [int(complaints[f"code_{c}"].sum()) for c in codes],
        "purchase_disputes": [int((complaints[f"code_{c}"] & disputes).sum()) for c in codes],
        "validated": [status.get(c) == "validated" for c in codes],
        "validation": [status.get(c, "not a code of this codebook") for c in codes],
    })
