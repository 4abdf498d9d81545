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

from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from ta_analysis import damages, resample
from ta_analysis import definitions as d
from ta_analysis.damages import claim_outcome, delivery_outcome
from ta_analysis.vocab import CATEGORIES
from ta_analysis.definitions import (DELIVERED, NO_RESPONSE_DAYS, RESOLVED, SHORT_PAID,
                                     SUBCLASSES, ClassDefinition, Judgements, mark_class)

CAVEAT = ("Intake complainants, not a statistical sample: these figures describe the people who "
          "contacted the firm, not all Trade Assurance buyers.")
MIN_N = 30
DEFAULT_BOOT = 2000
MIN_BOOT = 100  # fewer draws give no usable percentile interval (the CLI and notebooks refuse them)
DEFAULT_SEED = 20231
METHODS = {"wilson": "wilson", "clopper-pearson": "beta"}
RATE_COLUMNS = ["metric", "rule23", "population", "group_by", "group", "numerator", "denominator",
                "estimate", "ci_low", "ci_high", "method", "cluster_ci_low", "cluster_ci_high", "excluded",
                "excluded_reasons", "small_group", "caveat"]


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


def population(intake: pd.DataFrame, which: str = "class") -> pd.DataFrame:
    """The rows a metric is computed over: ``class`` (in_class, the default) or ``all`` analysed rows."""
    if which == "class":
        return intake[intake["in_class"].astype(bool)]
    if which == "all":
        return intake
    raise ValueError(f"unknown population {which!r}; use 'class' or 'all'")


def group_positions(df: pd.DataFrame, by: str | None) -> list[tuple[str, np.ndarray]]:
    """The groups of ``df`` by ``by`` (None: one group, "all"), each as the row positions it holds,
    sorted by group. ``issue`` gives one group per issue reported, and they overlap (an order with
    two issues is in both): fine for describing, never for a test. ``issues`` gives the combination
    of issues reported ("quality + delay", "none reported"), which puts each order in one group."""
    if by is None:
        return [("all", np.arange(len(df)))]
    flags = {name: df[f"issue_{name}"].fillna(False).astype(bool).to_numpy() for name in CATEGORIES["issue"]} if by in ("issue", "issues") else {}
    if by == "issue":
        return [(name, np.flatnonzero(flag)) for name, flag in flags.items()]
    if by == "issues":
        key = np.full(len(df), "", dtype=object)
        for name, flag in flags.items():
            key = np.where(flag, np.where(key == "", "", key + " + ") + name.replace("_", "-"), key)
        key = np.where(key == "", "none reported", key)
    elif by == "quarter":
        key = df["order_date"].dt.to_period("Q").astype("str").fillna("order date unknown")
    elif by == "intake_month":
        key = df["submitted_at"].dt.to_period("M").astype("str")
    else:
        key = df[by].astype("str").fillna("(missing)")
    positions = pd.Series(np.arange(len(df))).groupby(np.asarray(key), sort=True).indices
    return [(str(g), positions[g]) for g in sorted(positions)]


def _groups(df: pd.DataFrame, by: str | None) -> list[tuple[str, pd.DataFrame]]:
    return [(g, df.iloc[pos]) for g, pos in group_positions(df, by)]


def cluster_interval(num: np.ndarray, den: np.ndarray, claimants: np.ndarray, n_boot: int, seed: int) -> tuple[float, float]:
    """95% percentile interval of a rate that resamples claimants (all of a claimant's orders
    together), from per-order numerator and denominator masks."""
    if n_boot == 0 or not den.any():
        return float("nan"), float("nan")
    codes, uniques = pd.factorize(claimants[den], sort=True)
    sums_num = np.bincount(codes, weights=num[den].astype(float), minlength=len(uniques))
    sums_den = np.bincount(codes, minlength=len(uniques)).astype(float)
    return resample.percentile_interval(resample.ratios(sums_num, sums_den, n_boot, seed))


def _rate(df: pd.DataFrame, metric: str, rule23: str, pop: str, by: str | None, method: str, min_n: int,
          num: pd.Series, den: pd.Series, left_out: pd.Series, n_boot: int = 0, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """One row per group: numerator, denominator, the Wilson (or exact) interval over orders and,
    with ``n_boot`` draws, the claimant-cluster bootstrap interval beside it; the records left out
    of the denominator counted by reason (``left_out``: a categorical of reasons, missing where
    the record is in the denominator). ``by`` may be a list of groupings: their tables one after
    the other (``group_by`` says which), the masks computed once."""
    den_a = den.fillna(False).to_numpy(dtype=bool)
    num_a = num.fillna(False).to_numpy(dtype=bool) & den_a
    claimants = df["claimant_key"].to_numpy()
    reasons = list(left_out.cat.categories)
    reason_codes = left_out.cat.codes.to_numpy()
    rows = []
    for one_by in (by if isinstance(by, list) else [by]):
        for group, pos in group_positions(df, one_by):
            d, k = den_a[pos], num_a[pos]
            kk, n = int(k.sum()), int(d.sum())
            lo, hi = interval(kk, n, method)
            c_lo, c_hi = cluster_interval(k, d, claimants[pos], n_boot, seed)
            counts = np.bincount(reason_codes[pos][reason_codes[pos] >= 0], minlength=len(reasons))
            rows.append({
                "metric": metric, "rule23": rule23, "population": pop, "group_by": one_by or "", "group": group,
                "numerator": kk, "denominator": n, "estimate": (kk / n) if n else float("nan"), "ci_low": lo,
                "ci_high": hi, "method": f"{method} 95%", "cluster_ci_low": c_lo, "cluster_ci_high": c_hi,
                "excluded": int(counts.sum()),
                "excluded_reasons": "; ".join(f"{r}: {int(c)}" for r, c in zip(reasons, counts) if c),
                "small_group": n < min_n, "caveat": CAVEAT,
            })
    return pd.DataFrame(rows, columns=RATE_COLUMNS)


def _reasons(index: pd.Index, cases: list[tuple[str, pd.Series]]) -> pd.Series:
    """A categorical of why each record is left out (the first case that holds), in ``cases`` order."""
    codes = np.full(len(index), -1, dtype=np.int8)
    for i in reversed(range(len(cases))):
        codes[cases[i][1].fillna(False).to_numpy(dtype=bool)] = i
    return pd.Series(pd.Categorical.from_codes(codes, categories=[n for n, _ in cases]), index=index)


def _claim_left_out(outcome: pd.Series, den: pd.Series) -> pd.Series:
    out = ~den
    return _reasons(outcome.index, [("pending", out & outcome.eq("pending")), ("no response", out & outcome.eq("no_response")),
                                    ("withdrawn", out & outcome.eq("withdrawn")), ("no claim outcome", out & outcome.isna())])


def denied_refund_rate(df: pd.DataFrame, by: str | list[str] | None = None, *, as_of: date | None = None,
                       judgements: Judgements = Judgements(), method: str = "wilson",
                       min_n: int = MIN_N, population_name: str = "class", n_boot: int = 0,
                       seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Claims denied / claims resolved (full refund + partial refund + denied)."""
    outcome = claim_outcome(df, as_of, judgements)
    den = outcome.isin(list(RESOLVED))
    return _rate(df, "denied_refund_rate", "commonality", population_name, by, method, min_n,
                 outcome.eq("denied"), den, _claim_left_out(outcome, den), n_boot, seed)


def denied_or_short_paid_rate(df: pd.DataFrame, by: str | list[str] | None = None, *, as_of: date | None = None,
                              judgements: Judgements = Judgements(), method: str = "wilson",
                              min_n: int = MIN_N, population_name: str = "class", n_boot: int = 0,
                              seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """(Claims denied + partially refunded) / claims resolved."""
    outcome = claim_outcome(df, as_of, judgements)
    bad = list(SHORT_PAID) if judgements.partial_is_short_paid else ["denied"]
    den = outcome.isin(list(RESOLVED))
    return _rate(df, "denied_or_short_paid_rate", "commonality", population_name, by, method, min_n,
                 outcome.isin(bad), den, _claim_left_out(outcome, den), n_boot, seed)


def _delivery_left_out(df: pd.DataFrame, nd: pd.Series, j: Judgements = Judgements()) -> pd.Series:
    why = d.delivery_unknown_reason(df, nd, j.grace_days)
    return _reasons(df.index, [(n, why.eq(n)) for n in d.DELIVERY_UNKNOWN_REASONS])


def non_delivery_rate(df: pd.DataFrame, by: str | list[str] | None = None, *, as_of: date | None = None,
                      judgements: Judgements = Judgements(), method: str = "wilson",
                      min_n: int = MIN_N, population_name: str = "class", n_boot: int = 0,
                      seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Orders never delivered / orders whose delivery outcome is known (judged on the day each order
    was reported).

    Never delivered and known: :func:`definitions.never_delivered`."""
    nd = delivery_outcome(df, judgements)
    return _rate(df, "non_delivery_rate", "commonality", population_name, by, method, min_n,
                 nd.fillna(False).astype(bool), nd.notna(), _delivery_left_out(df, nd, judgements), n_boot, seed)


def late_delivery_rate(df: pd.DataFrame, by: str | list[str] | None = None, *, method: str = "wilson",
                       min_n: int = MIN_N, population_name: str = "class", n_boot: int = 0,
                       seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Orders delivered late / orders delivered (delivered, late, partial)."""
    status = df["delivery_status"]
    delivered = status.isin(list(DELIVERED))
    return _rate(df, "late_delivery_rate", "commonality", population_name, by, method, min_n,
                 status.eq("late"), delivered, _reasons(df.index, [("not delivered or unknown", ~delivered)]), n_boot, seed)


def partial_delivery_rate(df: pd.DataFrame, by: str | list[str] | None = None, *, as_of: date | None = None,
                          method: str = "wilson", min_n: int = MIN_N, population_name: str = "class",
                          n_boot: int = 0, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Orders partly delivered / orders whose delivery outcome is known (reported on its own)."""
    nd = delivery_outcome(df)
    return _rate(df, "partial_delivery_rate", "commonality", population_name, by, method, min_n,
                 df["delivery_status"].eq("partial"), nd.notna(), _delivery_left_out(df, nd), n_boot, seed)


def never_delivered_fully_refunded(df: pd.DataFrame, by: str | list[str] | None = None, *, as_of: date | None = None,
                                   method: str = "wilson", min_n: int = MIN_N, population_name: str = "class",
                                   n_boot: int = 0, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Never-delivered orders fully refunded / never-delivered orders."""
    nd = delivery_outcome(df).fillna(False).astype(bool)
    return _rate(df, "never_delivered_fully_refunded", "damages", population_name, by, method, min_n,
                 df["claim_outcome"].eq("full_refund"), nd,
                 _reasons(df.index, [("delivered or outcome unknown", ~nd)]), n_boot, seed)


def _fees_paid(df: pd.DataFrame) -> pd.Series:
    return df["customs_fees_paid_usd"].gt(0).fillna(False).astype(bool)


def customs_reimbursed_nothing(df: pd.DataFrame, by: str | list[str] | None = None, *, method: str = "wilson",
                               min_n: int = MIN_N, population_name: str = "class", n_boot: int = 0,
                               seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Orders with customs fees paid and nothing reimbursed / orders with customs fees paid.

    A missing reimbursement counts as nothing reimbursed (the buyer reported fees and no money back).
    """
    paid = _fees_paid(df)
    return _rate(df, "customs_reimbursed_nothing", "damages", population_name, by, method, min_n,
                 d.reimbursed_nothing(df["customs_fees_reimbursed_usd"]), paid,
                 _reasons(df.index, [("no customs fees paid (or amount unknown)", ~paid)]), n_boot, seed)


# --- money ----------------------------------------------------------------------------------------

def _bootstrap_totals(values_by_claimant: pd.Series, n_boot: int, seed: int) -> np.ndarray:
    """Totals of claimant-level sums, resampling claimants with replacement."""
    return resample.totals(values_by_claimant.to_numpy(dtype=float), n_boot, seed)[:, 0]


def _bootstrap_means(order_values: pd.Series, claimants: pd.Series, n_boot: int, seed: int) -> np.ndarray:
    """Means per order, resampling claimants (with all their orders) with replacement."""
    g = order_values.groupby(claimants.to_numpy())
    t = resample.totals(np.column_stack([g.sum().to_numpy(), g.size().to_numpy()]), n_boot, seed)
    with np.errstate(invalid="ignore", divide="ignore"):
        return t[:, 0] / t[:, 1]


def unreimbursed_customs_fees(df: pd.DataFrame, by: str | None = None, *, n_boot: int = DEFAULT_BOOT,
                              seed: int = DEFAULT_SEED, population_name: str = "class",
                              judgements: Judgements = Judgements()) -> pd.DataFrame:
    """Unreimbursed customs fees per order = max(paid − reimbursed, 0) in USD, over orders with fees paid.

    Returns count, total, mean, median, 90th percentile, the share reimbursed nothing, and
    bootstrap intervals (claimants resampled) for the total and the mean. The total's interval
    resamples every claimant of the group, fee payers or not (a claimant without fees adds 0), as
    the damages by theory do: for the class it is :func:`damages.damages_by_theory`'s customs-fee
    interval, to the cent. The mean's resamples the fee payers, whose orders it averages.
    """
    if judgements.fx_date != "order_date":
        df = df.assign(**damages.reconvert(df, judgements.fx_date))
    loss = d.customs_fee_loss(df, blank_is_zero=judgements.blank_reimbursement_is_zero)
    rows = []
    for group, part in _groups(df, by):
        paid = _fees_paid(part)
        unknown = loss[part.index].isna()
        p = part[paid & ~unknown]
        owed = loss[p.index]
        per_claimant = owed.groupby(p["claimant_key"].to_numpy()).sum()
        everyone = loss[part.index].fillna(0.0).groupby(part["claimant_key"].astype("str").to_numpy(), sort=True).sum()
        totals = _bootstrap_totals(everyone, n_boot, seed)
        means = _bootstrap_means(owed, p["claimant_key"], n_boot, seed) if len(p) else np.full(n_boot, np.nan)
        unknown_amount = int(unknown.sum())
        rows.append({
            "metric": "unreimbursed_customs_fees_usd", "rule23": "damages", "population": population_name,
            "group_by": by or "", "group": group, "orders": int(len(p)), "claimants": int(per_claimant.size),
            "total": round(float(owed.sum()), 2), "mean": float(owed.mean()) if len(p) else float("nan"),
            "median": float(owed.median()) if len(p) else float("nan"),
            "p90": float(owed.quantile(0.9)) if len(p) else float("nan"),
            "share_reimbursed_nothing": float(d.reimbursed_nothing(p["customs_fees_reimbursed_usd"]).mean()) if len(p) else float("nan"),
            "total_ci_low": resample.percentile_interval(totals)[0], "total_ci_high": resample.percentile_interval(totals)[1],
            "mean_ci_low": resample.percentile_interval(means)[0], "mean_ci_high": resample.percentile_interval(means)[1],
            "method": f"percentile bootstrap over claimants, {n_boot} draws, seed {seed}",
            "excluded": unknown_amount,
            "excluded_reasons": (f"fees paid but an amount unknown (left out, not counted as 0): {unknown_amount}"
                                 if unknown_amount else ""),
            "small_group": len(p) < MIN_N, "caveat": CAVEAT,
        })
    return pd.DataFrame(rows)


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
                "statistic": float("nan"), "dof": 0, "p_value": float("nan"), "cramers_v": float("nan"), "v_ci_low": float("nan"),
                "v_ci_high": float("nan"), "n": int(kept["denominator"].sum()),
                "note": "fewer than two groups with data: no test"}
    chi2, p, dof, _ = stats.chi2_contingency(kept[["numerator", "other"]].to_numpy(), correction=False)
    n = int(kept["denominator"].sum())
    v = float(np.sqrt(chi2 / n))  # a 2 x k table: min(rows, columns) - 1 = 1
    v_lo, v_hi = cramers_v_interval(chi2, dof, n)
    return {"metric": metric, "by": by, "groups": int(len(kept)), "pooled": pooled, "chi2": float(chi2),
            "statistic": float(chi2), "dof": int(dof), "p_value": float(p), "cramers_v": v, "v_ci_low": v_lo, "v_ci_high": v_hi, "n": n,
            "note": (f"{len(pooled)} sparse group(s) pooled (expected count under {min_expected:g})" if pooled else "")}


def cramers_v_interval(chi2: float, dof: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Interval for Cramér's V of a 2 x k table by inverting the noncentral chi-square distribution
    (Smithson 2003): the noncentrality bounds λ give V = sqrt((λ + dof) / n), floored at 0.

    >>> [round(x, 3) for x in cramers_v_interval(10.0, 2, 500)]
    [0.075, 0.232]
    """
    from scipy.optimize import brentq

    tail = (1 - level) / 2

    def bound(q: float) -> float:
        f = lambda lam: stats.ncx2.cdf(chi2, dof, lam) - q  # noqa: E731 (decreasing in lam)
        if f(0.0) < 0:
            return 0.0
        hi = max(10.0, 4 * chi2)
        while f(hi) > 0:
            hi *= 2
        return brentq(f, 0.0, hi, xtol=1e-10)

    lam_lo, lam_hi = bound(1 - tail), bound(tail)
    v = lambda lam: float(np.sqrt((lam + dof) / n)) if lam > 0 else 0.0  # noqa: E731
    return v(lam_lo), v(lam_hi)


def loss_homogeneity(df: pd.DataFrame, *, by: str, as_of: date | None = None,
                     judgements: Judgements = Judgements(), min_n: int = MIN_N,
                     orders: pd.DataFrame | None = None) -> dict:
    """Is the loss per order alike across groups? Kruskal-Wallis test over class orders with a known
    loss (all theories together); groups under ``min_n`` orders pooled (and the pooling stated).
    The effect size is epsilon-squared, H / (n - 1), with 0.01 small, 0.08 medium, 0.26 large; it
    has no interval here (``v_ci_low``/``v_ci_high`` stay missing). ``statistic`` is H.
    ``orders`` is :func:`damages.order_damages` of ``df`` when already computed."""
    o = damages.order_damages(df, as_of, judgements) if orders is None else orders
    known = ~o[[f"{t}_unknown" for t in damages.THEORIES]].any(axis=1).to_numpy()
    loss = damages.counted(o).sum(axis=1).to_numpy()
    parts = [(g, pd.Series(loss[pos][known[pos]])) for g, pos in group_positions(df, by)]
    small = [g for g, v in parts if len(v) < min_n]
    kept = [(g, v) for g, v in parts if len(v) >= min_n]
    if small:
        kept.append(("pooled small groups", pd.concat([v for g, v in parts if g in small])))
    kept = [(g, v) for g, v in kept if len(v)]
    base = {"metric": "loss_per_order", "by": by, "groups": len(kept), "pooled": small, "statistic": float("nan"),
            "dof": max(len(kept) - 1, 0), "p_value": float("nan"), "cramers_v": float("nan"),
            "v_ci_low": float("nan"), "v_ci_high": float("nan"), "n": int(sum(len(v) for _, v in kept))}
    if len(kept) < 2 or pd.concat([v for _, v in kept]).nunique() < 2:
        return {**base, "note": "fewer than two groups with data: no test"}
    h, p = stats.kruskal(*[v.to_numpy() for _, v in kept])
    return {**base, "statistic": float(h), "p_value": float(p), "epsilon_squared": float(h / (base["n"] - 1)),
            "note": (f"{len(small)} group(s) under {min_n} orders pooled" if small else "")}


def place_claimants(df: pd.DataFrame, intake_ids: list[str], *, as_of: date,
                    judgements: Judgements = Judgements()) -> pd.DataFrame:
    """Where the named plaintiffs, given by intake id, sit in the class: their claimant's loss under
    each theory and in total, its percentile among class members (weak: the share of members with
    at most that loss), and whether their orders fall under each of the class's theories."""
    m = damages.members_table(df, as_of=as_of, judgements=judgements)
    rows = []
    for intake_id in intake_ids:
        hit = df[df["intake_id"].astype("str") == str(intake_id)]
        if hit.empty:
            rows.append({"intake_id": intake_id, "in_class": False})
            continue
        key = hit["claimant_key"].iloc[0]
        mine = df[df["claimant_key"] == key]
        row = {"intake_id": intake_id, "in_class": True, "orders": int(len(mine)), "status": m.at[key, "status"]}
        for t in list(damages.THEORIES) + ["total"]:
            row[f"{t}_usd"] = float(m.at[key, t])
            row[f"{t}_percentile"] = float(stats.percentileofscore(m[t].to_numpy(), m.at[key, t], kind="weak"))
        for t in damages.THEORIES:
            row[f"under_{t}"] = bool(m.at[key, t] > 0)
        row["class_median_total_usd"] = float(m["total"].median())
        rows.append(row)
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


def headline_rate(table: pd.DataFrame) -> dict:
    """A rate for the headline: the Wilson interval and the claimant-cluster bootstrap interval side by
    side, and as ``ci_low``/``ci_high`` the wider of the two (``interval`` says which)."""
    r = table.iloc[0]
    wilson_width = r["ci_high"] - r["ci_low"]
    cluster_width = r["cluster_ci_high"] - r["cluster_ci_low"]
    use_cluster = bool(np.isfinite(cluster_width) and cluster_width > wilson_width)
    return {"numerator": int(r["numerator"]), "denominator": int(r["denominator"]), "estimate": float(r["estimate"]),
            "ci_low": float(r["cluster_ci_low"] if use_cluster else r["ci_low"]),
            "ci_high": float(r["cluster_ci_high"] if use_cluster else r["ci_high"]),
            "interval": "claimant bootstrap" if use_cluster else "wilson",
            "wilson_ci_low": float(r["ci_low"]), "wilson_ci_high": float(r["ci_high"]),
            "cluster_ci_low": float(r["cluster_ci_low"]), "cluster_ci_high": float(r["cluster_ci_high"])}


def _headline_figures(df: pd.DataFrame, as_of: date, j: Judgements, n_boot: int, seed: int) -> dict:
    boot = {"n_boot": n_boot, "seed": seed}
    fees = unreimbursed_customs_fees(df, n_boot=n_boot, seed=seed, judgements=j).iloc[0]
    return {
        "class_members": int(df["claimant_key"].nunique()),
        "subclass_members": {name: int(df.loc[df[f"subclass_{name}"].astype(bool), "claimant_key"].nunique())
                             for name in SUBCLASSES},
        "denied_refund_rate": headline_rate(denied_refund_rate(df, as_of=as_of, judgements=j, **boot)),
        "denied_or_short_paid_rate": headline_rate(denied_or_short_paid_rate(df, as_of=as_of, judgements=j, **boot)),
        "non_delivery_rate": headline_rate(non_delivery_rate(df, as_of=as_of, judgements=j, **boot)),
        "unreimbursed_customs_fees_usd": {
            "orders": int(fees["orders"]), "total": float(fees["total"]), "mean": float(fees["mean"]),
            "median": float(fees["median"]), "p90": float(fees["p90"]),
            "share_reimbursed_nothing": float(fees["share_reimbursed_nothing"]),
            "total_ci_low": float(fees["total_ci_low"]), "total_ci_high": float(fees["total_ci_high"]),
            "unknown_orders": int(fees["excluded"])},
        "damages": damages.damages_by_theory(df, as_of=as_of, judgements=j, n_boot=n_boot, seed=seed),
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
    "customs_holds_not_non_delivery": ("Customs holds past grace left out, not counted as never delivered",
                                       Judgements(held_past_grace_never_delivered=False)),
    "partial_not_short_paid": ("Partial refunds not counted as short-paid", Judgements(partial_is_short_paid=False)),
    "fx_on_claim_date": ("Currency converted at the claim date's rate, not the order date's",
                         Judgements(fx_date="claim_date")),
    "unknown_ta_in_class": ("Orders of unknown Trade Assurance coverage counted in the class",
                            Judgements(include_unknown_trade_assurance=True)),
    "blank_reimbursement_left_out": ("A blank customs-fee reimbursement left out (unknown), not counted as nothing",
                                     Judgements(blank_reimbursement_is_zero=False)),
    "blank_refund_left_out": ("A blank refund on a denied, unanswered or open claim left out (unknown), not counted as none",
                              Judgements(blank_refund_is_zero=False)),
    "no_claim_non_delivery_in": ("Never-delivered orders with no claim filed counted in non-delivery damages",
                                 Judgements(no_claim_non_delivery_in=True)),
    "withdrawn_in": ("Never-delivered orders whose claim was withdrawn counted in non-delivery damages",
                     Judgements(withdrawn_in=True)),
    "refund_denial_requested_only": ("Refund denial at requested amounts only (no order-value upper bound)",
                                     Judgements(refund_denial_upper_bound=False)),
    "grace_15_days": ("Grace of 15 days after the promised date (not 30)", Judgements(grace_days=15)),
    "grace_60_days": ("Grace of 60 days after the promised date (not 30)", Judgements(grace_days=60)),
}
"""Every judgement call and its alternative; each variant recomputes every headline figure."""


def sensitivity(intake: pd.DataFrame, *, as_of: date, definition: ClassDefinition,
                n_boot: int = DEFAULT_BOOT, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Every headline figure recomputed under each alternative judgement: one row per variant.

    The rates and fees are point estimates here (their intervals are in the headline); the damages
    total keeps its bootstrap interval (``n_boot`` draws, ``seed``) in every row. Variants over the
    same class members share the same draws (as each would with the same seed alone), so they are
    resampled together: one pass of draws per class, not per variant.
    """
    classes: dict[bool, tuple[pd.DataFrame, np.ndarray]] = {}
    rows, sums = [], {}
    for name, (label, j) in SENSITIVITY_VARIANTS.items():
        unknown_ta = j.include_unknown_trade_assurance
        if unknown_ta not in classes:
            df = population(reclassify(intake, replace(definition, include_unknown_trade_assurance=unknown_ta)), "class")
            classes[unknown_ta] = df, damages.claimant_codes(df)
        df, claimants = classes[unknown_ta]
        rate = {fn.__name__: fn(df, as_of=as_of, judgements=j).iloc[0]
                for fn in (denied_refund_rate, denied_or_short_paid_rate, non_delivery_rate)}
        fees = unreimbursed_customs_fees(df, n_boot=0, seed=seed, judgements=j).iloc[0]
        o = damages.order_damages(df, as_of, j, claimants=claimants)
        dmg = damages.damages_by_theory(df, as_of=as_of, judgements=j, n_boot=0, seed=seed, orders=o)
        sums.setdefault(unknown_ta, []).append((len(rows), damages.claimant_sums(o, j)["total"].to_numpy()))
        t = dmg["by_theory"]
        rows.append({
            "variant": name, "description": label, "class_members": int(df["claimant_key"].nunique()),
            "denied_refund_rate": float(rate["denied_refund_rate"]["estimate"]),
            "denied_or_short_paid_rate": float(rate["denied_or_short_paid_rate"]["estimate"]),
            "non_delivery_rate": float(rate["non_delivery_rate"]["estimate"]),
            "non_delivery_denominator": int(rate["non_delivery_rate"]["denominator"]),
            "unreimbursed_customs_fees_total": float(fees["total"]),
            "damages_non_delivery": t["non_delivery"]["total"],
            "damages_refund_denial": (t["refund_denial"]["total_upper_bound"] if j.refund_denial_upper_bound
                                      else t["refund_denial"]["total_requested"]),
            "damages_customs_fees": t["customs_fees"]["total"],
            "damages_total": dmg["total"], "damages_ci_low": float("nan"), "damages_ci_high": float("nan"),
            "uninjured_share": dmg["uninjured_share"], "unknown_orders": dmg["unknown_orders"],
        })
    for variants in sums.values():
        draws = resample.totals(np.column_stack([v for _, v in variants]), n_boot, seed)
        for column, (row, _) in enumerate(variants):
            rows[row]["damages_ci_low"], rows[row]["damages_ci_high"] = resample.percentile_interval(draws[:, column])
    return pd.DataFrame(rows)
