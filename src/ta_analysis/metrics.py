"""The numbers: every definition of BRIEF.md, implemented once, with intervals.

Each function takes the cleaned intake frame (``intake.parquet``) and returns a tidy frame, one
row per group, with the metric's name, its Rule 23 element, the population it was computed over,
``numerator``, ``denominator``, ``estimate``, ``ci_low``, ``ci_high``, ``method``, how many
records were left out and why (``excluded``, ``excluded_reasons``), and ``small_group`` where the
denominator is under ``min_n`` (flagged, never hidden).

Rates use the 95% Wilson score interval (statsmodels; Clopper-Pearson on request); money uses a
seeded percentile bootstrap that resamples claimants, not rows, because one claimant's orders
are not independent.

**Caveat carried by every figure**: intake records are a self-selected set of complainants who
contacted a law firm, not a statistical sample of Trade Assurance buyers. The figures describe
these complainants; :func:`extrapolate` refuses to project them onto a population unless a
sampling design is given.

Examples:
    >>> [round(x, 4) for x in wilson(81, 263)]   # Newcombe (1998), Table I: 0.2553 to 0.3662
    [0.2553, 0.3662]
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from ta_analysis import definitions as d
from ta_analysis.definitions import (CUSTOMS_GRACE_DAYS, DELIVERED, NO_RESPONSE_DAYS, RESOLVED, SHORT_PAID,
                                     SUBCLASSES, ClassDefinition, mark_class, never_delivered)

CAVEAT = ("Intake complainants, not a statistical sample: these figures describe the people who "
          "contacted the firm, not all Trade Assurance buyers.")
MIN_N = 30
DEFAULT_BOOT = 2000
MIN_BOOT = 100  # fewer draws give no usable percentile interval (the CLI and notebooks refuse them)
DEFAULT_SEED = 20231
METHODS = {"wilson": "wilson", "clopper-pearson": "beta"}
RATE_COLUMNS = ["metric", "rule23", "population", "group_by", "group", "numerator", "denominator",
                "estimate", "ci_low", "ci_high", "method", "excluded", "excluded_reasons", "small_group", "caveat"]


def wilson(k: int, n: int, alpha: float = 0.05) -> tuple[float, float]:
    """Wilson score interval for k successes in n trials (statsmodels)."""
    lo, hi = proportion_confint(k, n, alpha=alpha, method="wilson")
    return float(lo), float(hi)


def interval(k: int, n: int, method: str = "wilson", alpha: float = 0.05) -> tuple[float, float]:
    if method not in METHODS:
        raise ValueError(f"unknown interval method {method!r}; use one of {sorted(METHODS)}")
    if n == 0:
        return float("nan"), float("nan")
    lo, hi = proportion_confint(k, n, alpha=alpha, method=METHODS[method])
    return float(lo), float(hi)


@dataclass(frozen=True)
class Judgements:
    """The judgement calls the sensitivity table varies. Defaults follow BRIEF.md."""

    no_response_as_denied: bool = False
    held_past_grace_never_delivered: bool = True
    partial_is_short_paid: bool = True
    fx_date: str = "order_date"
    include_unknown_trade_assurance: bool = False


def population(intake: pd.DataFrame, which: str = "class") -> pd.DataFrame:
    """The rows a metric is computed over: ``class`` (in_class, the default) or ``all`` analysed rows."""
    if which == "class":
        return intake[intake["in_class"].astype(bool)]
    if which == "all":
        return intake
    raise ValueError(f"unknown population {which!r}; use 'class' or 'all'")


def _groups(df: pd.DataFrame, by: str | None) -> list[tuple[str, pd.DataFrame]]:
    if by is None:
        return [("all", df)]
    if by == "quarter":
        key = df["order_date"].dt.to_period("Q").astype("str").fillna("order date unknown")
    elif by == "intake_month":
        key = df["submitted_at"].dt.to_period("M").astype("str")
    elif by == "issue":
        parts = [(name, df[df[f"issue_{name}"].fillna(False).astype(bool)])
                 for name in ["quality", "delay", "customs", "non_delivery"]]
        return parts
    else:
        key = df[by].astype("str").fillna("(missing)")
    return [(str(g), part) for g, part in df.groupby(key, sort=True, observed=True)]


def _rate_row(metric: str, rule23: str, pop: str, by: str | None, group: str, num: int, den: int,
              excluded: dict[str, int], method: str, min_n: int) -> dict:
    lo, hi = interval(num, den, method)
    return {
        "metric": metric, "rule23": rule23, "population": pop, "group_by": by or "", "group": group,
        "numerator": int(num), "denominator": int(den),
        "estimate": (num / den) if den else float("nan"), "ci_low": lo, "ci_high": hi,
        "method": f"{method} 95%", "excluded": int(sum(excluded.values())),
        "excluded_reasons": "; ".join(f"{k}: {v}" for k, v in excluded.items() if v),
        "small_group": den < min_n, "caveat": CAVEAT,
    }


def _rate(df: pd.DataFrame, metric: str, rule23: str, pop: str, by: str | None, method: str, min_n: int,
          num_mask, den_mask, excluded_reasons) -> pd.DataFrame:
    rows = []
    for group, part in _groups(df, by):
        den = den_mask(part)
        num = num_mask(part) & den
        rows.append(_rate_row(metric, rule23, pop, by, group, int(num.sum()), int(den.sum()),
                              excluded_reasons(part, den), method, min_n))
    return pd.DataFrame(rows, columns=RATE_COLUMNS)


def _outcome(df: pd.DataFrame, as_of: date | None, j: Judgements) -> pd.Series:
    """Claim outcomes, with 'no response' older than 60 days recoded as denied when asked."""
    out = df["claim_outcome"].astype("str")
    if j.no_response_as_denied:
        if as_of is None:
            raise ValueError("the no-response-as-denied variant needs an as-of date")
        old = (df["claim_date"] + pd.Timedelta(days=NO_RESPONSE_DAYS)) < pd.Timestamp(as_of)
        out = out.where(~(out.eq("no_response") & old.fillna(False)), "denied")
    return out


def _claim_exclusions(df: pd.DataFrame, outcome: pd.Series, den: pd.Series) -> dict[str, int]:
    left = outcome[~den]
    return {"pending": int(left.eq("pending").sum()), "no response": int(left.eq("no_response").sum()),
            "withdrawn": int(left.eq("withdrawn").sum()), "no claim outcome": int(left.isna().sum())}


def denied_refund_rate(df: pd.DataFrame, by: str | None = None, *, as_of: date | None = None,
                       judgements: Judgements = Judgements(), method: str = "wilson",
                       min_n: int = MIN_N, population_name: str = "class") -> pd.DataFrame:
    """Claims denied / claims resolved (full refund + partial refund + denied)."""
    outcome = _outcome(df, as_of, judgements)
    return _rate(df, "denied_refund_rate", "commonality", population_name, by, method, min_n,
                 lambda p: outcome[p.index].eq("denied"),
                 lambda p: outcome[p.index].isin(list(RESOLVED)),
                 lambda p, den: _claim_exclusions(p, outcome[p.index], den))


def denied_or_short_paid_rate(df: pd.DataFrame, by: str | None = None, *, as_of: date | None = None,
                              judgements: Judgements = Judgements(), method: str = "wilson",
                              min_n: int = MIN_N, population_name: str = "class") -> pd.DataFrame:
    """(Claims denied + partially refunded) / claims resolved."""
    outcome = _outcome(df, as_of, judgements)
    bad = list(SHORT_PAID) if judgements.partial_is_short_paid else ["denied"]
    return _rate(df, "denied_or_short_paid_rate", "commonality", population_name, by, method, min_n,
                 lambda p: outcome[p.index].isin(bad),
                 lambda p: outcome[p.index].isin(list(RESOLVED)),
                 lambda p, den: _claim_exclusions(p, outcome[p.index], den))


def delivery_outcome(df: pd.DataFrame, as_of: date, judgements: Judgements = Judgements()) -> pd.Series:
    """True = never delivered, False = delivered, missing = not known (BRIEF.md)."""
    nd = never_delivered(df, as_of)
    if not judgements.held_past_grace_never_delivered:
        held = df["delivery_status"].astype("str").eq("held_at_customs") & df["delivered_date"].isna()
        nd = nd.mask(held, pd.NA)
    return nd


def _delivery_exclusions(df: pd.DataFrame, known: pd.Series) -> dict[str, int]:
    status = df["delivery_status"].astype("str")[~known]
    return {"status unknown": int(status.eq("unknown").sum()), "status missing": int(status.isna().sum()),
            "customs hold within grace": int(status.eq("held_at_customs").sum())}


def non_delivery_rate(df: pd.DataFrame, by: str | None = None, *, as_of: date,
                      judgements: Judgements = Judgements(), method: str = "wilson",
                      min_n: int = MIN_N, population_name: str = "class") -> pd.DataFrame:
    """Orders never delivered / orders whose delivery outcome is known."""
    nd = delivery_outcome(df, as_of, judgements)
    return _rate(df, "non_delivery_rate", "commonality", population_name, by, method, min_n,
                 lambda p: nd[p.index].fillna(False).astype(bool),
                 lambda p: nd[p.index].notna(),
                 lambda p, den: _delivery_exclusions(p, den))


def late_delivery_rate(df: pd.DataFrame, by: str | None = None, *, method: str = "wilson",
                       min_n: int = MIN_N, population_name: str = "class") -> pd.DataFrame:
    """Orders delivered late / orders delivered (delivered, late, partial)."""
    status = df["delivery_status"].astype("str")
    delivered = status.isin(list(DELIVERED))
    return _rate(df, "late_delivery_rate", "commonality", population_name, by, method, min_n,
                 lambda p: status[p.index].eq("late"), lambda p: delivered[p.index],
                 lambda p, den: {"not delivered or unknown": int((~den).sum())})


def partial_delivery_rate(df: pd.DataFrame, by: str | None = None, *, as_of: date,
                          method: str = "wilson", min_n: int = MIN_N, population_name: str = "class") -> pd.DataFrame:
    """Orders partly delivered / orders whose delivery outcome is known (reported on its own)."""
    nd = delivery_outcome(df, as_of)
    status = df["delivery_status"].astype("str")
    return _rate(df, "partial_delivery_rate", "commonality", population_name, by, method, min_n,
                 lambda p: status[p.index].eq("partial"), lambda p: nd[p.index].notna(),
                 lambda p, den: _delivery_exclusions(p, den))


def never_delivered_fully_refunded(df: pd.DataFrame, by: str | None = None, *, as_of: date,
                                   method: str = "wilson", min_n: int = MIN_N,
                                   population_name: str = "class") -> pd.DataFrame:
    """Never-delivered orders fully refunded / never-delivered orders."""
    nd = delivery_outcome(df, as_of).fillna(False).astype(bool)
    outcome = df["claim_outcome"].astype("str")
    return _rate(df, "never_delivered_fully_refunded", "damages", population_name, by, method, min_n,
                 lambda p: outcome[p.index].eq("full_refund"), lambda p: nd[p.index],
                 lambda p, den: {"delivered or outcome unknown": int((~den).sum())})


def _fees_paid(df: pd.DataFrame) -> pd.Series:
    return df["customs_fees_paid_usd"].gt(0).fillna(False).astype(bool)


def customs_reimbursed_nothing(df: pd.DataFrame, by: str | None = None, *, method: str = "wilson",
                               min_n: int = MIN_N, population_name: str = "class") -> pd.DataFrame:
    """Orders with customs fees paid and nothing reimbursed / orders with customs fees paid.

    A missing reimbursement counts as nothing reimbursed (the buyer reported fees and no money back).
    """
    paid = _fees_paid(df)
    nothing = d.reimbursed_nothing(df["customs_fees_reimbursed_usd"])
    return _rate(df, "customs_reimbursed_nothing", "damages", population_name, by, method, min_n,
                 lambda p: nothing[p.index], lambda p: paid[p.index],
                 lambda p, den: {"no customs fees paid (or amount unknown)": int((~den).sum())})


# --- money ----------------------------------------------------------------------------------------

def _bootstrap_totals(values_by_claimant: pd.Series, n_boot: int, seed: int) -> np.ndarray:
    """Totals of claimant-level sums, resampling claimants with replacement."""
    v = values_by_claimant.to_numpy(dtype=float)
    if len(v) == 0:
        return np.full(n_boot, np.nan)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(v), size=(n_boot, len(v)))
    return v[idx].sum(axis=1)


def _bootstrap_means(order_values: pd.Series, claimants: pd.Series, n_boot: int, seed: int) -> np.ndarray:
    """Means per order, resampling claimants (with all their orders) with replacement."""
    sums = order_values.groupby(claimants.to_numpy()).sum()
    counts = order_values.groupby(claimants.to_numpy()).size()
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(sums), size=(n_boot, len(sums)))
    return sums.to_numpy()[idx].sum(axis=1) / counts.to_numpy()[idx].sum(axis=1)


def unreimbursed_customs_fees(df: pd.DataFrame, by: str | None = None, *, n_boot: int = DEFAULT_BOOT,
                              seed: int = DEFAULT_SEED, population_name: str = "class") -> pd.DataFrame:
    """Unreimbursed customs fees per order = max(paid − reimbursed, 0) in USD, over orders with fees paid.

    Returns count, total, mean, median, 90th percentile, the share reimbursed nothing, and
    bootstrap intervals (claimants resampled) for the total and the mean.
    """
    rows = []
    for group, part in _groups(df, by):
        paid = _fees_paid(part)
        p = part[paid]
        owed = d.unreimbursed_fees(p["customs_fees_paid_usd"], p["customs_fees_reimbursed_usd"])
        per_claimant = owed.groupby(p["claimant_key"].to_numpy()).sum()
        totals = _bootstrap_totals(per_claimant, n_boot, seed)
        means = _bootstrap_means(owed, p["claimant_key"], n_boot, seed) if len(p) else np.full(n_boot, np.nan)
        unknown_amount = int((part["customs_fees_paid"].gt(0) & part["customs_fees_paid_usd"].isna()).sum())
        rows.append({
            "metric": "unreimbursed_customs_fees_usd", "rule23": "damages", "population": population_name,
            "group_by": by or "", "group": group, "orders": int(len(p)), "claimants": int(per_claimant.size),
            "total": round(float(owed.sum()), 2), "mean": float(owed.mean()) if len(p) else float("nan"),
            "median": float(owed.median()) if len(p) else float("nan"),
            "p90": float(owed.quantile(0.9)) if len(p) else float("nan"),
            "share_reimbursed_nothing": float(d.reimbursed_nothing(p["customs_fees_reimbursed_usd"]).mean()) if len(p) else float("nan"),
            "total_ci_low": float(np.percentile(totals, 2.5)), "total_ci_high": float(np.percentile(totals, 97.5)),
            "mean_ci_low": float(np.percentile(means, 2.5)), "mean_ci_high": float(np.percentile(means, 97.5)),
            "method": f"percentile bootstrap over claimants, {n_boot} draws, seed {seed}",
            "excluded": unknown_amount,
            "excluded_reasons": f"fees paid but USD amount unknown: {unknown_amount}" if unknown_amount else "",
            "small_group": len(p) < MIN_N, "caveat": CAVEAT,
        })
    return pd.DataFrame(rows)


def order_losses(df: pd.DataFrame, as_of: date, judgements: Judgements = Judgements()) -> pd.DataFrame:
    """Out-of-pocket loss per order (BRIEF.md), in USD, with its parts.

    ``unrefunded`` = max(order value − refund, 0) on orders never delivered or whose claim was
    denied or short-paid; ``fees`` = unreimbursed customs fees; ``loss`` = their sum, counting an
    unrefunded value that cannot be computed (order value in USD unknown) as 0 and marking the
    order ``unknown`` so the gap is reported, not hidden.
    """
    short = SHORT_PAID if judgements.partial_is_short_paid else ("denied",)
    applies = d.loss_applies(delivery_outcome(df, as_of, judgements), df["claim_outcome"], short)
    order_usd, refund_usd = df["order_amount_usd"], df["refund_amount_usd"]
    fees_paid_usd, fees_back_usd = df["customs_fees_paid_usd"], df["customs_fees_reimbursed_usd"]
    if judgements.fx_date != "order_date":
        order_usd, refund_usd, fees_paid_usd, fees_back_usd = _reconvert(df, judgements.fx_date)
    unrefunded = d.unrefunded_value(order_usd, refund_usd).where(applies, 0.0)
    fees = d.unreimbursed_fees(fees_paid_usd, fees_back_usd).fillna(0.0)
    unknown = applies & unrefunded.isna()
    loss = unrefunded.fillna(0.0) + fees
    return pd.DataFrame({"claimant_key": df["claimant_key"], "applies": applies, "unrefunded": unrefunded,
                         "fees": fees, "loss": loss, "unknown": unknown}, index=df.index)


def _reconvert(df: pd.DataFrame, date_column: str) -> tuple[pd.Series, ...]:
    """USD values at the ECB rate of another date column (the sensitivity of the FX date)."""
    from ta_analysis import fx

    on = df[date_column].fillna(df["order_date"])
    refund_cur = df["order_currency"]
    return (fx.to_usd(df["order_amount"], df["order_currency"], on).usd,
            fx.to_usd(df["refund_amount"], refund_cur, on).usd,
            fx.to_usd(df["customs_fees_paid"], df["customs_fees_currency"], on).usd,
            fx.to_usd(df["customs_fees_reimbursed"], df["customs_fees_currency"], on).usd)


def member_losses(df: pd.DataFrame, as_of: date, judgements: Judgements = Judgements()) -> pd.DataFrame:
    """Loss per class member (claimant key): total, and whether any applicable order's loss is unknown."""
    o = order_losses(df, as_of, judgements)
    g = o.groupby("claimant_key", sort=True)
    return pd.DataFrame({"loss": g["loss"].sum().round(2), "orders": g.size(),
                         "unknown_orders": g["unknown"].sum().astype(int)})


def out_of_pocket_loss(df: pd.DataFrame, *, as_of: date, judgements: Judgements = Judgements(),
                       n_boot: int = DEFAULT_BOOT, seed: int = DEFAULT_SEED,
                       population_name: str = "class") -> pd.DataFrame:
    """Out-of-pocket loss per member and in total, bootstrap CI over members, and the zero-loss share."""
    m = member_losses(df, as_of, judgements)
    totals = _bootstrap_totals(m["loss"], n_boot, seed)
    unknown = int(m["unknown_orders"].sum())
    return pd.DataFrame([{
        "metric": "out_of_pocket_loss_usd", "rule23": "damages", "population": population_name,
        "members": int(len(m)), "total": round(float(m["loss"].sum()), 2),
        "mean_per_member": float(m["loss"].mean()) if len(m) else float("nan"),
        "median_per_member": float(m["loss"].median()) if len(m) else float("nan"),
        "ci_low": float(np.percentile(totals, 2.5)), "ci_high": float(np.percentile(totals, 97.5)),
        "share_zero": float(m["loss"].le(0).mean()) if len(m) else float("nan"),
        "members_zero": int(m["loss"].le(0).sum()),
        "method": f"percentile bootstrap over members, {n_boot} draws, seed {seed}",
        "excluded": unknown,
        "excluded_reasons": f"applicable orders with order value in USD unknown (counted as 0): {unknown}" if unknown else "",
        "caveat": CAVEAT,
    }])


# --- numerosity, commonality, typicality -------------------------------------------------------

def numerosity(df: pd.DataFrame) -> pd.DataFrame:
    """Distinct class members and subclass members."""
    rows = [("class", df)] + [(name, df[df[f"subclass_{name}"].astype(bool)])
                              for name in SUBCLASSES]
    return pd.DataFrame([{"metric": "members", "rule23": "numerosity", "group": name,
                          "members": int(part["claimant_key"].nunique()), "orders": int(len(part)), "caveat": CAVEAT}
                         for name, part in rows])


def members_by_intake_month(df: pd.DataFrame) -> pd.DataFrame:
    """New class members per month of their first in-class submission, and the running total."""
    first = df.groupby("claimant_key")["submitted_at"].min().dt.to_period("M").astype("str")
    counts = first.value_counts().sort_index().rename_axis("intake_month").reset_index(name="new_members")
    counts["cumulative_members"] = counts["new_members"].cumsum()
    return counts


def homogeneity(df: pd.DataFrame, rate: pd.DataFrame | None = None, *, metric_fn=None, by: str,
                min_expected: float = 5.0, **kwargs) -> dict:
    """Is a rate alike across groups? Chi-square test of independence, sparse groups pooled.

    Groups whose expected count in either cell is under ``min_expected`` are pooled into one
    "pooled small groups" row before the test (and the pooling is stated). Cramér's V is the
    effect size: under 0.1 is a negligible difference between groups.
    """
    table = rate if rate is not None else metric_fn(df, by=by, **kwargs)
    t = table[table["denominator"] > 0][["group", "numerator", "denominator"]].copy()
    t["other"] = t["denominator"] - t["numerator"]
    total_rate = t["numerator"].sum() / t["denominator"].sum() if t["denominator"].sum() else 0
    expected_min = np.minimum(t["denominator"] * total_rate, t["denominator"] * (1 - total_rate))
    sparse = expected_min < min_expected
    pooled = t[sparse]["group"].tolist()
    kept = t[~sparse]
    if sparse.any():
        kept = pd.concat([kept, pd.DataFrame([{"group": "pooled small groups",
                                                "numerator": t[sparse]["numerator"].sum(),
                                                "denominator": t[sparse]["denominator"].sum(),
                                                "other": t[sparse]["other"].sum()}])], ignore_index=True)
    metric = table["metric"].iloc[0] if len(table) else ""
    if len(kept) < 2 or kept[["numerator", "other"]].sum().min() == 0:
        return {"metric": metric, "by": by, "groups": int(len(kept)), "pooled": pooled, "chi2": float("nan"),
                "dof": 0, "p_value": float("nan"), "cramers_v": float("nan"),
                "note": "fewer than two groups with data: no test"}
    chi2, p, dof, _ = stats.chi2_contingency(kept[["numerator", "other"]].to_numpy(), correction=False)
    n = kept["denominator"].sum()
    v = float(np.sqrt(chi2 / (n * (min(len(kept), 2) - 1))))
    return {"metric": metric, "by": by, "groups": int(len(kept)), "pooled": pooled, "chi2": float(chi2),
            "dof": int(dof), "p_value": float(p), "cramers_v": v,
            "note": (f"{len(pooled)} sparse group(s) pooled (expected count under {min_expected:g})" if pooled else "")}


def place_claimants(df: pd.DataFrame, keys: list[str], *, as_of: date,
                    judgements: Judgements = Judgements()) -> pd.DataFrame:
    """Where given claimants (the named plaintiffs) sit in the class: loss percentile, subclasses."""
    m = member_losses(df, as_of, judgements)
    losses = m["loss"].to_numpy()
    rows = []
    for k in keys:
        if k not in m.index:
            rows.append({"claimant_key": k, "in_class": False, "loss": float("nan"), "loss_percentile": float("nan")})
            continue
        mine = df[df["claimant_key"] == k]
        loss = float(m.at[k, "loss"])
        rows.append({
            "claimant_key": k, "in_class": True, "orders": int(len(mine)), "loss": loss,
            "loss_percentile": float(stats.percentileofscore(losses, loss, kind="weak")),
            "class_median_loss": float(np.median(losses)),
            "refund_denial": bool(mine["subclass_refund_denial"].any()),
            "customs_fee": bool(mine["subclass_customs_fee"].any()),
            "non_delivery": bool(mine["subclass_non_delivery"].any()),
        })
    return pd.DataFrame(rows)


# --- population, sensitivity and the headline ---------------------------------------------------

def reclassify(intake: pd.DataFrame, definition: ClassDefinition) -> pd.DataFrame:
    """Class membership and subclasses of the analysed rows under another class definition."""
    return mark_class(intake, definition)


def extrapolate(*_args, sampling_design: object = None, **_kwargs):
    """Refused: intake is self-selected. A population estimate needs a sampling design."""
    if sampling_design is None:
        raise ValueError("refusing to extrapolate: " + CAVEAT + " Pass a sampling design (frame, "
                         "selection probabilities) to project onto a population.")
    raise NotImplementedError("extrapolation with a sampling design is not implemented yet")


def _headline_figures(df: pd.DataFrame, as_of: date, j: Judgements, n_boot: int, seed: int) -> dict:
    def rate(table: pd.DataFrame) -> dict:
        r = table.iloc[0]
        return {k: (int(r[k]) if k in ("numerator", "denominator") else float(r[k]))
                for k in ["numerator", "denominator", "estimate", "ci_low", "ci_high"]}

    fees = unreimbursed_customs_fees(df, n_boot=n_boot, seed=seed).iloc[0]
    loss = out_of_pocket_loss(df, as_of=as_of, judgements=j, n_boot=n_boot, seed=seed).iloc[0]
    return {
        "class_members": int(df["claimant_key"].nunique()),
        "subclass_members": {name: int(df.loc[df[f"subclass_{name}"].astype(bool), "claimant_key"].nunique())
                             for name in SUBCLASSES},
        "denied_refund_rate": rate(denied_refund_rate(df, as_of=as_of, judgements=j)),
        "denied_or_short_paid_rate": rate(denied_or_short_paid_rate(df, as_of=as_of, judgements=j)),
        "non_delivery_rate": rate(non_delivery_rate(df, as_of=as_of, judgements=j)),
        "unreimbursed_customs_fees_usd": {
            "orders": int(fees["orders"]), "total": float(fees["total"]), "mean": float(fees["mean"]),
            "median": float(fees["median"]), "p90": float(fees["p90"]),
            "share_reimbursed_nothing": float(fees["share_reimbursed_nothing"]),
            "total_ci_low": float(fees["total_ci_low"]), "total_ci_high": float(fees["total_ci_high"])},
        "out_of_pocket_loss_usd": {
            "members": int(loss["members"]), "total": float(loss["total"]), "ci_low": float(loss["ci_low"]),
            "ci_high": float(loss["ci_high"]), "share_zero": float(loss["share_zero"])},
    }


def headline(intake: pd.DataFrame, *, as_of: date, definition: ClassDefinition,
             judgements: Judgements = Judgements(), n_boot: int = DEFAULT_BOOT, seed: int = DEFAULT_SEED) -> dict:
    """The headline figures (the ``summary --json`` keys), computed over the class."""
    definition = replace(definition, include_unknown_trade_assurance=judgements.include_unknown_trade_assurance)
    df = population(reclassify(intake, definition), "class")
    return {"as_of": as_of.isoformat(), "class_start": definition.class_start.isoformat(),
            "class_end": definition.class_end.isoformat(), **_headline_figures(df, as_of, judgements, n_boot, seed),
            "bootstrap": {"draws": n_boot, "seed": seed}, "caveat": CAVEAT}


SENSITIVITY_VARIANTS: dict[str, tuple[str, Judgements]] = {
    "baseline": ("Definitions of the brief", Judgements()),
    "no_response_as_denied": (f"'No response' older than {NO_RESPONSE_DAYS} days counted as denied",
                              Judgements(no_response_as_denied=True)),
    "customs_holds_not_non_delivery": (f"Customs holds past the {CUSTOMS_GRACE_DAYS}-day grace left out, not counted as never delivered",
                                       Judgements(held_past_grace_never_delivered=False)),
    "partial_not_short_paid": ("Partial refunds not counted as short-paid", Judgements(partial_is_short_paid=False)),
    "fx_on_claim_date": ("Currency converted at the claim date's rate, not the order date's",
                         Judgements(fx_date="claim_date")),
    "unknown_ta_in_class": ("Orders of unknown Trade Assurance coverage counted in the class",
                            Judgements(include_unknown_trade_assurance=True)),
}


def sensitivity(intake: pd.DataFrame, *, as_of: date, definition: ClassDefinition,
                n_boot: int = DEFAULT_BOOT, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """The headline figures recomputed under each alternative judgement: one row per variant."""
    rows = []
    for name, (label, j) in SENSITIVITY_VARIANTS.items():
        h = headline(intake, as_of=as_of, definition=definition, judgements=j, n_boot=n_boot, seed=seed)
        rows.append({
            "variant": name, "description": label, "class_members": h["class_members"],
            "denied_refund_rate": h["denied_refund_rate"]["estimate"],
            "denied_or_short_paid_rate": h["denied_or_short_paid_rate"]["estimate"],
            "non_delivery_rate": h["non_delivery_rate"]["estimate"],
            "non_delivery_denominator": h["non_delivery_rate"]["denominator"],
            "unreimbursed_customs_fees_total": h["unreimbursed_customs_fees_usd"]["total"],
            "out_of_pocket_loss_total": h["out_of_pocket_loss_usd"]["total"],
            "out_of_pocket_loss_ci_low": h["out_of_pocket_loss_usd"]["ci_low"],
            "out_of_pocket_loss_ci_high": h["out_of_pocket_loss_usd"]["ci_high"],
            "share_zero_loss": h["out_of_pocket_loss_usd"]["share_zero"],
        })
    return pd.DataFrame(rows)
