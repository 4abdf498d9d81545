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

CUSTOMS_GRACE_DAYS = 30
"""Days after the promised delivery date before goods held at customs count as never delivered."""

LATE_QUALITY_CLAIM_DAYS = 30
"""Days after delivery after which a quality claim is flagged as filed late (a defence flag)."""

NO_RESPONSE_DAYS = 60
"""Days after which an unanswered claim is counted as denied in the sensitivity analysis."""


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
    """Per record, the class rules (:data:`CLASS_RULES`) it fails, ';'-joined in that order
    ('' when it fails none: the record is in the class)."""
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

def never_delivered(f: pd.DataFrame, as_of: date) -> pd.Series:
    """Whether an order was never delivered: true when its status is ``not_delivered``, or it is
    held at customs with no delivered date once the promised delivery date plus 30 days
    (:data:`CUSTOMS_GRACE_DAYS`) has passed by the as-of date; false when its status is
    delivered, late or partial (:data:`DELIVERED`), or a customs hold has a delivered date;
    missing where the outcome is not known (unknown or missing status, or a customs hold still
    within grace)."""
    status = f["delivery_status"]  # categorical: compared by its codes
    grace_over = (f["promised_delivery_date"] + pd.Timedelta(days=CUSTOMS_GRACE_DAYS)) < pd.Timestamp(as_of)
    held = status.eq("held_at_customs")
    held_never = held & f["delivered_date"].isna() & grace_over.fillna(False)
    held_delivered = held & f["delivered_date"].notna()
    out = pd.Series(pd.NA, index=f.index, dtype="boolean")
    out[status.isin(list(DELIVERED)) | held_delivered] = False
    out[status.eq("not_delivered") | held_never] = True
    return out


def unreimbursed_fees(paid_usd: pd.Series, reimbursed_usd: pd.Series) -> pd.Series:
    """Unreimbursed customs fees per order: max(fees paid - fees reimbursed, 0), in USD. A missing
    reimbursement counts as nothing reimbursed; missing where the fees paid are unknown."""
    return (paid_usd - reimbursed_usd.fillna(0)).clip(lower=0)


def reimbursed_nothing(reimbursed_usd: pd.Series) -> pd.Series:
    """Orders with customs fees paid and nothing reimbursed: a reimbursement of 0, or none given."""
    return reimbursed_usd.fillna(0).le(0)


def unrefunded_value(order_usd: pd.Series, refund_usd: pd.Series) -> pd.Series:
    """Unrefunded order value: max(order value - refund, 0), in USD. A missing refund counts as no
    refund; missing where the order value is unknown."""
    return (order_usd - refund_usd.fillna(0)).clip(lower=0)


def loss_applies(never: pd.Series, outcome: pd.Series, short_paid: tuple[str, ...] = SHORT_PAID) -> pd.Series:
    """Orders whose unrefunded value is an out-of-pocket loss: never delivered, or their claim was
    denied or short-paid (:data:`SHORT_PAID`)."""
    return never.fillna(False).astype(bool) | outcome.astype("str").isin(list(short_paid))


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
        out["never_delivered"] = never_delivered(f, as_of)
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
    reports quote)."""
    return " ".join(inspect.getdoc(obj).split("\n\n")[0].split())
