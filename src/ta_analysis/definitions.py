"""Every definition of BRIEF.md that more than one module uses, written once.

Cleaning (:mod:`ta_analysis.clean`) applies them to mark class membership, subclasses and flags;
the figures (:mod:`ta_analysis.metrics`), the tables (:mod:`ta_analysis.views`) and the summary
use the same functions, never a copy. Each docstring states its definition in words; the reports
and the methods appendix quote those docstrings (:func:`in_words`) rather than retyping them.

Examples:
    >>> import pandas as pd
    >>> unreimbursed_fees(pd.Series([100.0, 50.0, None]), pd.Series([30.0, None, 5.0])).tolist()
    [70.0, 50.0, nan]
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from ta_analysis import config
from ta_analysis.errors import InputError

# --- the vocabulary sets ------------------------------------------------------------------------

RESOLVED = ("full_refund", "partial_refund", "denied")
"""Claim outcomes that settle a claim: a full refund, a partial refund, or a denial. Pending,
unanswered and withdrawn claims are not resolved."""

SHORT_PAID = ("denied", "partial_refund")
"""Claim outcomes that left the buyer short: the claim was denied, or only partly refunded."""

DELIVERED = ("delivered", "late", "partial")
"""Delivery statuses of goods that arrived: on time, late, or in part."""

NON_DELIVERY_GRACE_DAYS = 30
"""Days after the promised delivery date before goods not delivered count as never delivered,
judged on the day the order was reported."""

MISSING_PROMISE_DAYS = 60
"""Where the promised delivery date is missing, the order date plus this many days stands in for it."""

UNDELIVERED = ("not_delivered", "held_at_customs")
"""Delivery statuses of goods that had not arrived when the order was reported."""

LATE_QUALITY_CLAIM_DAYS = 30
"""Days after delivery after which a quality claim is flagged as filed late (a defence flag)."""

NO_RESPONSE_DAYS = 60
"""Days after which an unanswered claim is counted as denied in the sensitivity analysis."""


@dataclass(frozen=True)
class Judgements:
    """The judgement calls the sensitivity table varies; the defaults follow BRIEF.md.

    Attributes:
        no_response_as_denied: an unanswered claim older than 60 days (:data:`NO_RESPONSE_DAYS`)
            counts as denied.
        held_past_grace_never_delivered: goods held at customs past grace count as never delivered
            (False: their outcome is unknown).
        partial_is_short_paid: a partial refund is a short payment.
        fx_date: the date whose ECB rate converts amounts to USD.
        include_unknown_trade_assurance: orders of unknown coverage are in the class.
        grace_days: days after the promised date before goods not delivered are never delivered.
        blank_refund_is_zero: a blank refund (other than a partial one) is no refund; False: unknown.
        blank_reimbursement_is_zero: a blank fee reimbursement is nothing reimbursed; False: unknown.
        no_claim_non_delivery_in: never-delivered orders with no claim filed enter the non-delivery total.
        withdrawn_in: never-delivered orders whose claim was withdrawn enter the non-delivery total.
        refund_denial_upper_bound: the refund-denial total takes the order value where no refund
            was requested (an upper bound); False: requested amounts only.
    """

    no_response_as_denied: bool = False
    held_past_grace_never_delivered: bool = True
    partial_is_short_paid: bool = True
    fx_date: str = "order_date"
    include_unknown_trade_assurance: bool = False
    grace_days: int = NON_DELIVERY_GRACE_DAYS
    blank_refund_is_zero: bool = True
    blank_reimbursement_is_zero: bool = True
    no_claim_non_delivery_in: bool = False
    withdrawn_in: bool = False
    refund_denial_upper_bound: bool = True


# --- the class -----------------------------------------------------------------------------------

CLASS_RULES = {
    "not_us_buyer": "the buyer is outside the United States",
    "country_unknown": "the buyer's country is not known",
    "not_trade_assurance": "the order was not covered by Trade Assurance",
    "trade_assurance_unknown": "Trade Assurance coverage is not known",
    "order_date_unknown": "the order date is missing or unreadable",
    "order_before_class_period": "the order was placed before the class period",
    "order_after_class_period": "the order was placed after the class period",
}
"""The rules of the class definition, each named by what a record that fails it lacks."""


@dataclass(frozen=True)
class ClassDefinition:
    """Who is in the class: U.S. buyers, Trade Assurance orders, ordered within the class period.

    A record is in the class when the buyer's country is one of ``countries`` (a blank country
    with a U.S. state is the U.S.), the order was covered by Trade Assurance (unknown coverage is
    left out unless ``include_unknown_trade_assurance``), and the order date lies between
    ``class_start`` and ``class_end`` inclusive (by default the as-of date). A class member is a
    distinct claimant key with at least one record in the class.

    Attributes:
        class_start: first order date in the class period.
        class_end: last order date in the class period (default: the as-of date).
        countries: buyer countries in the class (ISO 3166 alpha-2).
        include_unknown_trade_assurance: count orders of unknown coverage in the class.
    """

    class_start: date = date.fromisoformat(config.DEFAULT_CLASS_START)
    class_end: date | None = None
    countries: tuple[str, ...] = ("US",)
    include_unknown_trade_assurance: bool = False

    def resolved(self, as_of: date) -> "ClassDefinition":
        """The definition with its period's end filled in (the as-of date unless given)."""
        end = self.class_end or as_of
        if end < self.class_start:
            raise InputError(f"the class period ends ({end}) before it starts ({self.class_start})")
        return ClassDefinition(self.class_start, end, self.countries, self.include_unknown_trade_assurance)


def class_rules(f: pd.DataFrame, definition: ClassDefinition) -> pd.Series:
    """Per record, the class rules (:data:`CLASS_RULES`) it fails, in that order; a record that
    fails none is in the class.

    Written ';'-joined ('' for none)."""
    country = f["claimant_country"]
    ta = f["trade_assurance"]
    od = f["order_date"]
    start = pd.Timestamp(definition.class_start)
    end = pd.Timestamp(definition.class_end)
    fails = {
        "not_us_buyer": country.notna() & ~country.isin(list(definition.countries)),
        "country_unknown": country.isna(),
        "not_trade_assurance": ta.eq(False).fillna(False),
        "trade_assurance_unknown": ta.isna() & (not definition.include_unknown_trade_assurance),
        "order_date_unknown": od.isna(),
        "order_before_class_period": od.notna() & (od < start),
        "order_after_class_period": od.notna() & (od > end),
    }
    # One bit per rule; the text is written once per combination that occurs.
    bits = np.zeros(len(f), dtype=np.int16)
    for i, mask in enumerate(fails.values()):
        bits |= mask.to_numpy(dtype=bool).astype(np.int16) << i
    combinations, position = np.unique(bits, return_inverse=True)
    text = pd.Series([";".join(rule for i, rule in enumerate(fails) if c >> i & 1) for c in combinations],
                     dtype="str")
    return pd.Series(text.array.take(position), index=f.index, dtype="str")


# --- delivery, fees, loss ------------------------------------------------------------------------

def promised_date(f: pd.DataFrame) -> pd.Series:
    """The date delivery was promised: the promised delivery date, or where it is missing the order
    date plus 60 days.

    The 60 days are :data:`MISSING_PROMISE_DAYS`."""
    return f["promised_delivery_date"].fillna(f["order_date"] + pd.Timedelta(days=MISSING_PROMISE_DAYS))


def never_delivered(f: pd.DataFrame, grace_days: int = NON_DELIVERY_GRACE_DAYS) -> pd.Series:
    """Whether an order was never delivered, judged on the day it was reported (a status describes
    that day): true when its status is not delivered or held at customs, it has no delivered date,
    and it was reported more than 30 days after the promised delivery date (the order date plus 60
    days where the promised date is missing); false when its status is delivered, late or partial,
    or it has a delivered date; not known for an unknown or missing status, a report made within
    the grace period, or no date to judge it by.

    The report's day is ``submitted_at``; the grace is :data:`NON_DELIVERY_GRACE_DAYS` (``grace_days``
    varies it), the promised date :func:`promised_date`, the delivered statuses :data:`DELIVERED`."""
    status = f["delivery_status"]  # categorical: compared by its codes
    reported = f["submitted_at"].dt.normalize()
    deadline = promised_date(f) + pd.Timedelta(days=grace_days)
    undelivered = status.isin(list(UNDELIVERED)) & f["delivered_date"].isna()
    out = pd.Series(pd.NA, index=f.index, dtype="boolean")
    out[status.isin(list(DELIVERED)) | (status.isin(list(UNDELIVERED)) & f["delivered_date"].notna())] = False
    out[undelivered & (reported > deadline).fillna(False)] = True
    return out


DELIVERY_UNKNOWN_REASONS = ("status unknown", "status missing", "reported within grace", "no date to judge by")
"""Why an order's delivery outcome can be unknown, in the order the reports list them."""


def delivery_unknown_reason(f: pd.DataFrame, never: pd.Series, grace_days: int = NON_DELIVERY_GRACE_DAYS) -> pd.Series:
    """Why an order's delivery outcome is not known (missing where it is known): one of
    :data:`DELIVERY_UNKNOWN_REASONS`."""
    status = f["delivery_status"]
    deadline = promised_date(f) + pd.Timedelta(days=grace_days)
    judged = f["submitted_at"].notna() & deadline.notna()
    reason = pd.Series(pd.NA, index=f.index, dtype="str")
    unknown = never.isna()
    reason[unknown & status.isin(list(UNDELIVERED)) & ~judged] = "no date to judge by"
    reason[unknown & status.isin(list(UNDELIVERED)) & judged] = "reported within grace"
    reason[unknown & status.isna()] = "status missing"
    reason[unknown & reason.isna()] = "status unknown"
    return reason


def unreimbursed_fees(paid_usd: pd.Series, reimbursed_usd: pd.Series) -> pd.Series:
    """Unreimbursed customs fees per order: max(fees paid - fees reimbursed, 0), in USD. A missing
    reimbursement counts as nothing reimbursed; missing where the fees paid are unknown."""
    return (paid_usd - reimbursed_usd.fillna(0)).clip(lower=0)


def reimbursed_nothing(reimbursed_usd: pd.Series) -> pd.Series:
    """Orders with customs fees paid and nothing reimbursed: a reimbursement of 0, or none given."""
    return reimbursed_usd.fillna(0).le(0)


def unreadable(f: pd.DataFrame, field: str) -> pd.Series:
    """Records whose ``field`` was given but could not be read or converted to USD (listed in
    ``problem_fields``, or an amount without its USD value)."""
    listed = pd.Series(False, index=f.index)
    if "problem_fields" in f.columns:
        listed = f["problem_fields"].fillna("").astype("str").str.contains(
            f"(?:^|;){field}(?:_usd)?(?:;|$)", regex=True)
    no_usd = f[field].notna() & f[f"{field}_usd"].isna() if f"{field}_usd" in f.columns else False
    return (listed | no_usd).astype(bool)


def refund_paid(f: pd.DataFrame, *, blank_is_zero: bool = True) -> pd.Series:
    """The refund paid on an order, in USD; missing where it is unknown. A full refund whose
    amount is blank or unreadable refunded the order value; a blank or unreadable partial refund
    is unknown; on any other claim (denied, unanswered, pending, withdrawn, none) a blank refund is
    no refund (0) and an unreadable one is unknown. The sensitivity table also counts a blank refund
    as unknown.

    ``blank_is_zero`` False counts a blank refund as unknown."""
    outcome = f["claim_outcome"]  # categorical or text: compared, never rewritten
    paid = f["refund_amount_usd"].astype("float64")
    blank = f["refund_amount"].isna() & ~unreadable(f, "refund_amount")
    paid = paid.mask(blank & outcome.ne("partial_refund").fillna(True), 0.0 if blank_is_zero else np.nan)
    paid = paid.mask(unreadable(f, "refund_amount"), np.nan)
    return paid.mask(outcome.eq("full_refund").fillna(False), f["order_amount_usd"])


ND_CLAIM_STATES = {
    "denied": "in", "partial_refund": "in", "no_response": "in",
    "pending": "pending", "withdrawn": "withdrawn", "full_refund": "fully refunded",
}
"""Never-delivered orders by the state of their claim: denied, short-paid or unanswered claims are
in the non-delivery total; pending and withdrawn claims are left out and counted; fully refunded
orders carry no loss; orders with no claim filed (``no claim``) are left out of the total and
shown on their own; a claim filed whose outcome is not known is ``outcome unknown``."""


def nd_claim_state(f: pd.DataFrame) -> pd.Series:
    """The claim state of each order for the non-delivery theory (:data:`ND_CLAIM_STATES`)."""
    state = f["claim_outcome"].map(ND_CLAIM_STATES).astype("str")
    filed = f["claim_filed"].fillna(False).astype(bool) if "claim_filed" in f.columns else False
    state = state.mask(state.isna() & filed, "outcome unknown")
    return state.fillna("no claim")


def non_delivery_loss(f: pd.DataFrame, never: pd.Series, paid: pd.Series) -> pd.Series:
    """Non-delivery damages per order, in USD: on orders never delivered, order value minus refund
    paid (at least 0); 0 on other orders; unknown (never 0) where the order value or the refund
    cannot be read.

    Which claim states enter the total is :data:`ND_CLAIM_STATES`."""
    never = never.fillna(False).astype(bool)
    loss = (f["order_amount_usd"] - paid).clip(lower=0).mask(f["claim_outcome"].eq("full_refund").fillna(False), 0.0)
    return loss.where(never, 0.0)


def refund_due(f: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """The refund due on a claim, in USD, and its basis: ``requested`` (the buyer's
    ``refund_requested``) when given, otherwise ``order value (upper bound)``: the buyer may have
    kept goods worth something, so the order value bounds the loss from above. Missing where the
    requested amount was given but cannot be read (its basis stays ``requested``: the buyer asked
    for an amount, and the order value does not stand in for it), or the order value is needed and
    unknown."""
    requested = f["refund_requested_usd"] if "refund_requested_usd" in f.columns else pd.Series(np.nan, index=f.index)
    unread = unreadable(f, "refund_requested") if "refund_requested" in f.columns else pd.Series(False, index=f.index)
    has_requested = requested.notna() | unread
    basis = pd.Series(np.where(has_requested, "requested", "order value (upper bound)"), index=f.index, dtype="str")
    due = requested.where(has_requested, f["order_amount_usd"]).astype("float64").mask(unread, np.nan)
    return due, basis


def refund_denial_loss(f: pd.DataFrame, never: pd.Series, outcome: pd.Series, paid: pd.Series,
                       short_paid: tuple[str, ...] = SHORT_PAID) -> tuple[pd.Series, pd.Series]:
    """Refund-denial damages per order, in USD: on every order not counted as never delivered
    (delivered, or delivery not known) whose claim was denied or short-paid, refund due minus
    refund paid (at least 0), the refund due being the amount the buyer requested or, where none
    was requested, the order value (an upper bound); 0 on other orders; unknown where an amount
    cannot be read.

    Returns the loss and the basis of the refund due (:func:`refund_due`); short-paid outcomes are
    :data:`SHORT_PAID`."""
    applies = ~never.fillna(False).astype(bool) & outcome.isin(list(short_paid))
    due, basis = refund_due(f)
    return (due - paid).clip(lower=0).where(applies, 0.0), basis.where(applies)


def customs_fee_loss(f: pd.DataFrame, *, blank_is_zero: bool = True) -> pd.Series:
    """Customs-fee damages per order, in USD: unreimbursed customs fees (fees paid minus fees
    reimbursed, at least 0) on every order with fees paid; 0 on other orders; unknown where the
    fees paid or the reimbursement were given but cannot be read. A blank reimbursement counts as
    nothing reimbursed.

    With ``blank_is_zero`` False (a sensitivity) a blank reimbursement is unknown instead."""
    paid, back = f["customs_fees_paid_usd"], f["customs_fees_reimbursed_usd"]
    paid_unread = unreadable(f, "customs_fees_paid")
    has_fees = paid.gt(0).fillna(False) | paid_unread
    blank_back = f["customs_fees_reimbursed"].isna() & ~unreadable(f, "customs_fees_reimbursed")
    loss = (paid - back.fillna(0.0)).clip(lower=0)
    if not blank_is_zero:
        loss = loss.mask(blank_back, np.nan)
    loss = loss.mask(paid_unread | unreadable(f, "customs_fees_reimbursed"), np.nan)
    return loss.where(has_fees, 0.0)


def subclasses(f: pd.DataFrame, in_class: pd.Series) -> dict[str, pd.Series]:
    """Subclass membership of class records. *Refund denial*: the claim was denied or only partly
    refunded (:data:`SHORT_PAID`). *Customs fee*: customs fees were paid and not fully reimbursed
    (:func:`unreimbursed_fees` above 0). *Non-delivery*: the order was never delivered
    (:func:`never_delivered`, the ``never_delivered`` column)."""
    fees = unreimbursed_fees(f["customs_fees_paid_usd"], f["customs_fees_reimbursed_usd"])
    return {
        "refund_denial": in_class & f["claim_outcome"].isin(list(SHORT_PAID)),
        "customs_fee": in_class & fees.gt(0).fillna(False),
        "non_delivery": in_class & f["never_delivered"].fillna(False).astype(bool),
    }


SUBCLASSES = ("refund_denial", "customs_fee", "non_delivery")


def defence_flags(f: pd.DataFrame) -> dict[str, pd.Series]:
    """Individual issues the defence will raise, shown and never filtered. *Late quality claim*: a
    quality claim filed more than 30 days (:data:`LATE_QUALITY_CLAIM_DAYS`) after delivery. *Missing
    evidence*: the buyer kept no receipts or messages."""
    days_after = (f["claim_date"] - f["delivered_date"]).dt.days
    return {
        "late_quality_claim": (f["issue_quality"].fillna(False).astype(bool)
                               & days_after.gt(LATE_QUALITY_CLAIM_DAYS).fillna(False)),
        "missing_evidence": f["evidence_kept"].eq(False).fillna(False).astype(bool),
    }


def mark_class(f: pd.DataFrame, definition: ClassDefinition, as_of: date | None = None) -> pd.DataFrame:
    """``f`` with the class definition applied: ``class_rules_failed``, ``in_class``,
    ``never_delivered``, ``customs_fees_unreimbursed_usd``, one ``subclass_<name>`` and one
    ``flag_<name>`` column each (a new frame; ``f`` is not changed).

    With ``as_of`` None, the ``never_delivered`` column ``f`` already has is kept (another class
    definition applied to cleaned records, which were marked at the cleaning run's as-of date).
    """
    out = f.copy(deep=False)  # copy-on-write: columns added here never reach f
    rules = class_rules(f, definition)
    out["class_rules_failed"] = rules
    out["in_class"] = rules.eq("")
    if as_of is not None:
        out["never_delivered"] = never_delivered(f)
        out["customs_fees_unreimbursed_usd"] = unreimbursed_fees(f["customs_fees_paid_usd"],
                                                                 f["customs_fees_reimbursed_usd"]).round(2)
    for name, member in subclasses(out, out["in_class"]).items():
        out[f"subclass_{name}"] = member
    if as_of is not None:
        for name, flag in defence_flags(f).items():
            out[f"flag_{name}"] = flag
    return out


def in_words(obj: object) -> str:
    """A definition function's or class's docstring, its first paragraph as plain text (what the
    reports quote): pointers to the code dropped or in words, no code names.

    >>> in_words(subclasses).split(". ")[1]
    'Refund denial: the claim was denied or only partly refunded'
    """
    import re

    text = " ".join(inspect.getdoc(obj).split("\n\n")[0].split())
    # A bracketed pointer to the code, "(:data:`SHORT_PAID`)", says nothing the sentence does not: dropped.
    text = re.sub(r"\s*\(:(?:data|func|class|meth|mod):`[^`]+`(?:, the ``[^`]+`` column)?\)", "", text)
    text = re.sub(r":(?:data|func|class|meth|mod):`~?([^`]+)`", lambda m: m.group(1).split(".")[-1].replace("_", " "), text)
    return re.sub(r"``([^`]+)``|\*([^*]+)\*", lambda m: (m.group(1) or "").replace("_", " ") or m.group(2), text)
