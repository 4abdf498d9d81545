"""Damages by liability theory, injury, and the defence flags' share (BRIEF.md "Definitions").

A damages model measures only the damages of the theory it serves (Comcast v. Behrend), so every
class order's loss is assigned to one theory at most for its order value, and customs fees add:

- *non-delivery*: never-delivered orders, order value - refund; the total counts the claims denied,
  short-paid or unanswered; pending, withdrawn and no-claim orders are counted on their own;
- *refund denial*: every other order whose claim was denied or short-paid, refund due - refund
  paid, the refund due being the amount requested or, as a labelled upper bound, the order value;
- *customs fees*: unreimbursed customs fees on every order with fees paid.

An amount that cannot be read makes that order's loss under the theory **unknown**: it is counted
(``unknown_orders``) and left out of the total, never counted as 0. Totals carry a percentile
bootstrap interval that resamples claimants (:mod:`ta_analysis.resample`), the same draws for
every theory and for the total.

Examples:
    >>> import pandas as pd
    >>> f = pd.DataFrame({"claimant_key": ["A"], "claim_outcome": ["denied"], "claim_filed": [True],
    ...     "delivery_status": ["delivered"], "submitted_at": pd.to_datetime(["2023-03-01"]),
    ...     "order_date": pd.to_datetime(["2023-01-01"]), "promised_delivery_date": pd.to_datetime(["2023-01-20"]),
    ...     "delivered_date": pd.to_datetime(["2023-01-15"]), "order_amount_usd": [100.0],
    ...     "refund_amount": [None], "refund_amount_usd": [None], "customs_fees_paid": [None], "customs_fees_paid_usd": [None],
    ...     "customs_fees_reimbursed": [None], "customs_fees_reimbursed_usd": [None]})
    >>> o = order_damages(f)
    >>> float(o.loc[0, "refund_denial"]), o.loc[0, "refund_basis"]
    (100.0, 'order value (upper bound)')
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ta_analysis import definitions as d
from ta_analysis import resample
from ta_analysis.definitions import NO_RESPONSE_DAYS, SHORT_PAID, SUBCLASSES, Judgements

THEORIES = ("non_delivery", "refund_denial", "customs_fees")
THEORY_LABELS = {"non_delivery": "Non-delivery", "refund_denial": "Refund denial", "customs_fees": "Customs fees"}

UNINJURED_REASONS = ("full refund", "claim pending", "claim withdrawn", "claim unanswered", "claim outcome unknown",
                     "no claim filed", "refund paid what was due")
"""Why a member shows no loss, in the order a member's reason is chosen when their orders differ."""


def claim_outcome(df: pd.DataFrame, as_of=None, j: Judgements = Judgements()) -> pd.Series:
    """Claim outcomes as the judgements read them: with ``no_response_as_denied``, an unanswered
    claim older than 60 days (:data:`NO_RESPONSE_DAYS`) at the as-of date counts as denied."""
    out = df["claim_outcome"]  # categorical (compared by its codes) or text
    if not isinstance(out.dtype, pd.CategoricalDtype):
        out = out.astype("str")
    if j.no_response_as_denied:
        if as_of is None:
            raise ValueError("the no-response-as-denied variant needs an as-of date")
        old = (df["claim_date"] + pd.Timedelta(days=NO_RESPONSE_DAYS)) < pd.Timestamp(as_of)
        if isinstance(out.dtype, pd.CategoricalDtype) and "denied" not in out.cat.categories:
            out = out.cat.add_categories(["denied"])
        out = out.where(~(out.eq("no_response") & old.fillna(False)), "denied")
    return out


def delivery_outcome(df: pd.DataFrame, j: Judgements = Judgements()) -> pd.Series:
    """True = never delivered, False = delivered, missing = not known (:func:`definitions.never_delivered`
    with the judgements' grace; customs holds left unknown when ``held_past_grace_never_delivered`` is off)."""
    nd = d.never_delivered(df, j.grace_days)
    if not j.held_past_grace_never_delivered:
        held = df["delivery_status"].astype("str").eq("held_at_customs") & df["delivered_date"].isna()
        nd = nd.mask(held, pd.NA)
    return nd


def reconvert(df: pd.DataFrame, date_column: str) -> dict[str, pd.Series]:
    """The USD columns at the ECB rate of another date column (the sensitivity of the FX date);
    refunds and requested amounts are in the order's currency."""
    from ta_analysis import fx

    on = df[date_column].fillna(df["order_date"])
    currency = {"order_amount": "order_currency", "refund_amount": "order_currency", "refund_requested": "order_currency",
                "customs_fees_paid": "customs_fees_currency", "customs_fees_reimbursed": "customs_fees_currency"}
    return {f"{amount}_usd": fx.to_usd(df[amount], df[cur], on).usd
            for amount, cur in currency.items() if amount in df.columns}


def claimant_codes(df: pd.DataFrame) -> np.ndarray:
    """Each record's claimant as a number, in sorted key order: a claimant's records share it. Sorting
    the keys once, here, spares every sum per claimant a sort of text keys."""
    return pd.factorize(df["claimant_key"], sort=True)[0]


def by_claimant(o: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    """Sums of ``values`` (columns aligned with ``o``) per claimant, indexed by claimant key, sorted."""
    codes = o["claimant"].to_numpy()
    n = int(codes.max()) + 1 if len(codes) else 0
    first = np.full(n, -1)
    first[codes[::-1]] = np.arange(len(codes))[::-1]  # each claimant's first record
    return pd.DataFrame({c: np.bincount(codes, weights=values[c].to_numpy(dtype=float), minlength=n)
                         for c in values.columns}, index=pd.Index(o["claimant_key"].take(first).array, dtype="str"))


def nd_states_in_total(j: Judgements) -> list[str]:
    """The claim states (:data:`definitions.ND_CLAIM_STATES`) whose never-delivered orders enter the
    non-delivery total: denied, short-paid or unanswered (``in``), and no-claim or withdrawn ones
    when the judgements say so."""
    return sorted({"in"} | ({"no claim"} if j.no_claim_non_delivery_in else set())
                  | ({"withdrawn"} if j.withdrawn_in else set()))


def order_damages(df: pd.DataFrame, as_of=None, j: Judgements = Judgements(),
                  claimants: np.ndarray | None = None) -> pd.DataFrame:
    """Per class order: the loss under each theory (missing = unknown), and what decides it.

    Columns: ``claimant_key`` and ``claimant`` (:func:`claimant_codes`, or ``claimants`` when
    given); ``never_delivered``; ``nd_state`` (:data:`definitions.ND_CLAIM_STATES`,
    for never-delivered orders); ``non_delivery`` (every never-delivered order's loss) and
    ``nd_in_total`` (whether it enters the non-delivery total under ``j``); ``refund_denial`` (at the
    judgements' basis), ``refund_denial_upper`` and ``refund_denial_requested`` (requested amounts
    only: 0 where none was requested) and ``refund_basis``; ``customs_fees``; and per theory
    ``<theory>_unknown``: the order's loss under it counts and could not be computed.
    """
    if j.fx_date != "order_date":
        df = df.assign(**reconvert(df, j.fx_date))
    outcome = claim_outcome(df, as_of, j)
    never = delivery_outcome(df, j)
    paid = d.refund_paid(df, blank_is_zero=j.blank_refund_is_zero)
    short = SHORT_PAID if j.partial_is_short_paid else ("denied",)
    nd_state = d.nd_claim_state(df.assign(claim_outcome=outcome)).where(never.fillna(False).astype(bool))
    nd = d.non_delivery_loss(df.assign(claim_outcome=outcome), never, paid)
    rd, basis = d.refund_denial_loss(df, never, outcome, paid, short)
    rd_requested = rd.where(basis.eq("requested").fillna(False), 0.0)
    cf = d.customs_fee_loss(df, blank_is_zero=j.blank_reimbursement_is_zero)
    nd_in = nd_state.isin(nd_states_in_total(j)).fillna(False).astype(bool)
    rd_total = rd if j.refund_denial_upper_bound else rd_requested
    out = pd.DataFrame({
        "claimant_key": df["claimant_key"], "claimant": claimant_codes(df) if claimants is None else claimants,
        "never_delivered": never, "nd_state": nd_state,
        "non_delivery": nd, "nd_in_total": nd_in,
        "refund_denial": rd_total, "refund_denial_upper": rd, "refund_denial_requested": rd_requested,
        "refund_basis": basis, "customs_fees": cf, "claim_outcome": outcome,
    }, index=df.index)
    out["non_delivery_unknown"] = nd_in & nd.isna()
    out["refund_denial_unknown"] = basis.notna() & rd_total.isna()
    out["customs_fees_unknown"] = cf.isna()
    return out


def counted(o: pd.DataFrame) -> pd.DataFrame:
    """The amount each order adds to each theory's total (known amounts only; 0 where it does not count)."""
    return pd.DataFrame({
        "non_delivery": o["non_delivery"].where(o["nd_in_total"], 0.0).fillna(0.0),
        "refund_denial": o["refund_denial"].fillna(0.0),
        "customs_fees": o["customs_fees"].fillna(0.0),
    }, index=o.index)


def member_damages(o: pd.DataFrame) -> pd.DataFrame:
    """Per class member (claimant key): known loss per theory and in total, unknown orders, and
    whether the member is injured (loss above 0 under any theory), uninjured (no loss under any
    theory and no unknown amount) or of unknown injury (no known loss, an unknown amount)."""
    c = counted(o)
    c["total"] = c.sum(axis=1)
    c["unknown_orders"] = o[[f"{t}_unknown" for t in THEORIES]].any(axis=1).astype(int)
    c["orders"] = 1
    m = by_claimant(o, c)
    m[["unknown_orders", "orders"]] = m[["unknown_orders", "orders"]].astype(int)
    m[list(THEORIES) + ["total"]] = m[list(THEORIES) + ["total"]].round(2)
    status = np.where(m["total"] > 0, "injured", np.where(m["unknown_orders"] > 0, "unknown", "uninjured"))
    m["status"] = pd.Series(status, index=m.index, dtype="str")
    return m


def order_reason(o: pd.DataFrame) -> pd.Series:
    """Why an order carries no loss (:data:`UNINJURED_REASONS`), or missing where it carries one."""
    outcome = o["claim_outcome"]
    never = o["never_delivered"].fillna(False).astype(bool)
    state = o["nd_state"]
    reason = pd.Series(pd.NA, index=o.index, dtype="str")
    by_outcome = {"full_refund": "full refund", "pending": "claim pending", "withdrawn": "claim withdrawn",
                  "no_response": "claim unanswered", "denied": "refund paid what was due",
                  "partial_refund": "refund paid what was due"}
    by_state = {"fully refunded": "full refund", "pending": "claim pending", "withdrawn": "claim withdrawn",
                "no claim": "no claim filed", "outcome unknown": "claim outcome unknown", "in": "refund paid what was due"}
    reason[never] = state[never].map(by_state)
    reason[~never] = outcome[~never].map(by_outcome).fillna("no claim filed")
    c = counted(o).sum(axis=1)
    return reason.where(c.le(0) & ~o[[f"{t}_unknown" for t in THEORIES]].any(axis=1))


def member_reasons(o: pd.DataFrame, members: pd.DataFrame) -> pd.Series:
    """Per uninjured member, the first reason (in :data:`UNINJURED_REASONS` order) among their orders'."""
    rank = {r: i for i, r in enumerate(UNINJURED_REASONS)}
    r = order_reason(o).map(rank)
    best = r.groupby(o["claimant"].to_numpy()).min()
    best.index = members.index[best.index]
    reasons = best.map(dict(enumerate(UNINJURED_REASONS))).reindex(members.index)
    return reasons.where(members["status"].eq("uninjured")).astype("str")


def claimant_sums(o: pd.DataFrame, j: Judgements) -> pd.DataFrame:
    """Per claimant (sorted by key): what they add to each theory's total, the refund-denial
    upper-bound and requested-only figures, and the total (refund denial at the judgements' basis):
    what the bootstrap resamples."""
    c = counted(o)
    frame = pd.DataFrame({
        "non_delivery": c["non_delivery"], "refund_upper": o["refund_denial_upper"].fillna(0.0),
        "refund_requested": o["refund_denial_requested"].fillna(0.0), "customs_fees": c["customs_fees"],
        "total": c.sum(axis=1),
    })
    return by_claimant(o, frame)


def damages_by_theory(df: pd.DataFrame, *, as_of=None, judgements: Judgements = Judgements(),
                      n_boot: int = 2000, seed: int = 20231, orders: pd.DataFrame | None = None) -> dict:
    """The ``damages`` figures: per theory and in total, with bootstrap intervals over claimants,
    members injured and uninjured, and the orders whose loss is unknown (see the module docstring).
    ``orders`` is :func:`order_damages` of ``df`` when already computed; ``n_boot`` 0 gives no
    intervals."""
    j = judgements
    o = order_damages(df, as_of, j) if orders is None else orders
    m = member_damages(o)
    per_claimant = claimant_sums(o, j)
    draws = resample.totals(per_claimant.to_numpy(), n_boot, seed)
    ci = {name: resample.percentile_interval(draws[:, i]) for i, name in enumerate(per_claimant.columns)}

    def total(column: str) -> float:
        return round(float(per_claimant[column].sum()), 2)

    nd_all = o[o["never_delivered"].fillna(False).astype(bool)]
    nd_by_state = {s: (int(len(p)), round(float(p["non_delivery"].sum()), 2), int(p["non_delivery"].isna().sum()))
                   for s, p in nd_all.groupby("nd_state", sort=True)}

    def state(s: str) -> tuple[int, float, int]:
        return nd_by_state.get(s, (0, 0.0, 0))

    injured = {t: int((m[t] > 0).sum()) for t in THEORIES}
    uninjured = int(m["status"].eq("uninjured").sum())
    return {
        "by_theory": {
            "non_delivery": {
                "total": total("non_delivery"), "ci_low": ci["non_delivery"][0], "ci_high": ci["non_delivery"][1],
                "members": injured["non_delivery"], "orders": int(o["nd_in_total"].sum()),
                "unknown_orders": int(o["non_delivery_unknown"].sum()),
                "no_claim_total": state("no claim")[1], "no_claim_orders": state("no claim")[0],
                "pending_orders": state("pending")[0], "pending_total": state("pending")[1],
                "withdrawn_orders": state("withdrawn")[0], "withdrawn_total": state("withdrawn")[1],
                "outcome_unknown_orders": state("outcome unknown")[0],
                "fully_refunded_orders": state("fully refunded")[0],
                "counted_states": nd_states_in_total(j),
            },
            "refund_denial": {
                "total_upper_bound": total("refund_upper"), "total_requested": total("refund_requested"),
                "ci_low": ci["refund_upper"][0], "ci_high": ci["refund_upper"][1],
                "requested_ci_low": ci["refund_requested"][0], "requested_ci_high": ci["refund_requested"][1],
                "members": injured["refund_denial"], "orders": int(o["refund_basis"].notna().sum()),
                "orders_at_order_value": int(o["refund_basis"].eq("order value (upper bound)").sum()),
                "orders_at_requested": int(o["refund_basis"].eq("requested").sum()),
                "unknown_orders": int(o["refund_denial_unknown"].sum()),
                "requested_unknown_orders": int((o["refund_basis"].eq("requested")
                                                 & o["refund_denial_requested"].isna()).sum()),
                "in_total": "upper bound" if j.refund_denial_upper_bound else "requested amounts only",
            },
            "customs_fees": {
                "total": total("customs_fees"), "ci_low": ci["customs_fees"][0], "ci_high": ci["customs_fees"][1],
                "members": injured["customs_fees"], "orders": int((o["customs_fees"].fillna(1) > 0).sum()),
                "unknown_orders": int(o["customs_fees_unknown"].sum()),
            },
        },
        "total": total("total"), "ci_low": ci["total"][0], "ci_high": ci["total"][1],
        "members": int(len(m)), "members_injured": int(m["status"].eq("injured").sum()),
        "members_uninjured": uninjured, "members_unknown": int(m["status"].eq("unknown").sum()),
        "uninjured_share": float(uninjured / len(m)) if len(m) else float("nan"),
        "unknown_orders": int(o[[f"{t}_unknown" for t in THEORIES]].any(axis=1).sum()),
        "method": f"percentile bootstrap over claimants, {n_boot} draws, seed {seed}",
    }


def theory_table(dmg: dict) -> pd.DataFrame:
    """The damages by theory as a table (the new exhibit's data): one row per theory and the total."""
    t = dmg["by_theory"]
    rows = [
        ("Non-delivery", t["non_delivery"]["total"], t["non_delivery"]["ci_low"], t["non_delivery"]["ci_high"],
         t["non_delivery"]["members"], t["non_delivery"]["unknown_orders"], ""),
        ("Refund denial (upper bound)", t["refund_denial"]["total_upper_bound"], t["refund_denial"]["ci_low"],
         t["refund_denial"]["ci_high"], t["refund_denial"]["members"], t["refund_denial"]["unknown_orders"],
         "order value where no refund was requested: the buyer kept the goods"),
        ("Refund denial (requested amounts only)", t["refund_denial"]["total_requested"],
         t["refund_denial"]["requested_ci_low"], t["refund_denial"]["requested_ci_high"], None,
         t["refund_denial"]["requested_unknown_orders"], ""),
        ("Customs fees", t["customs_fees"]["total"], t["customs_fees"]["ci_low"], t["customs_fees"]["ci_high"],
         t["customs_fees"]["members"], t["customs_fees"]["unknown_orders"], ""),
        ("Total", dmg["total"], dmg["ci_low"], dmg["ci_high"], dmg["members_injured"], dmg["unknown_orders"],
         f"refund denial at its {t['refund_denial']['in_total']}"),
    ]
    return pd.DataFrame(rows, columns=["theory", "total_usd", "ci_low_usd", "ci_high_usd", "members_with_loss",
                                       "orders_unknown", "note"])


def injury(df: pd.DataFrame, *, as_of=None, judgements: Judgements = Judgements()) -> pd.DataFrame:
    """Injury overall and per subclass: members, injured, uninjured (with their share), of unknown
    injury, and the uninjured members by reason (one column per :data:`UNINJURED_REASONS`)."""
    o = order_damages(df, as_of, judgements)
    m = member_damages(o)
    m["reason"] = member_reasons(o, m)
    groups = [("Class", m.index)] + [
        (name.replace("_", "-") + " subclass", pd.Index(df.loc[df[f"subclass_{name}"].astype(bool), "claimant_key"].unique()))
        for name in SUBCLASSES]
    rows = []
    for name, keys in groups:
        part = m.loc[m.index.intersection(keys)]
        un = part["status"].eq("uninjured")
        row = {"group": name, "members": int(len(part)), "injured": int(part["status"].eq("injured").sum()),
               "uninjured": int(un.sum()), "uninjured_share": float(un.mean()) if len(part) else float("nan"),
               "unknown": int(part["status"].eq("unknown").sum())}
        counts = part.loc[un, "reason"].value_counts()
        row.update({f"reason: {r}": int(counts.get(r, 0)) for r in UNINJURED_REASONS})
        rows.append(row)
    return pd.DataFrame(rows)


def members_table(df: pd.DataFrame, *, as_of=None, judgements: Judgements = Judgements()) -> pd.DataFrame:
    """Per member: loss per theory, total, status and (uninjured) reason: the table behind the injury figures."""
    o = order_damages(df, as_of, judgements)
    m = member_damages(o)
    m["reason"] = member_reasons(o, m)
    return m


def defence_shares(df: pd.DataFrame, *, as_of=None, judgements: Judgements = Judgements()) -> pd.DataFrame:
    """Per defence flag (:func:`definitions.defence_flags`): the members and orders it touches, and
    the share of each theory's loss carried by the flagged orders. Shown, never filtered."""
    o = order_damages(df, as_of, judgements)
    c = counted(o)
    flags = {"late quality claim": df["flag_late_quality_claim"].astype(bool),
             "no evidence kept": df["flag_missing_evidence"].astype(bool)}
    rows = []
    for name, flag in flags.items():
        row = {"flag": name, "members": int(df.loc[flag, "claimant_key"].nunique()), "orders": int(flag.sum())}
        for t in THEORIES:
            whole = float(c[t].sum())
            row[f"{t}_usd"] = round(float(c.loc[flag, t].sum()), 2)
            row[f"{t}_share"] = float(c.loc[flag, t].sum() / whole) if whole else float("nan")
        rows.append(row)
    return pd.DataFrame(rows)


def theory_of_denials(df: pd.DataFrame, *, as_of=None, judgements: Judgements = Judgements()) -> pd.Series:
    """For each order, the theory its denied or short-paid claim falls under (``non_delivery`` or
    ``refund_denial``), missing for others: how the stated denial reasons are split."""
    o = order_damages(df, as_of, judgements)
    theory = pd.Series(pd.NA, index=df.index, dtype="str")
    theory[o["nd_state"].eq("in").fillna(False)] = "non_delivery"
    theory[o["refund_basis"].notna()] = "refund_denial"
    return theory
