"""The synthetic intake export's true values: a plausible joint distribution of claimants,
orders, deliveries, customs fees and Trade Assurance claims, before any rendering."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from ta_analysis.synth.mess import FOREIGN, STATES, Rates

# Truth columns, in the order written. Canonical names (BRIEF.md) plus the raw identifiers the
# export carries (email, phone) and the generator's own bookkeeping (truth_*).
TRUTH_COLUMNS = [
    "row_number", "intake_id", "submitted_at", "email", "phone", "claimant_state",
    "claimant_country", "buyer_type", "order_id", "supplier_key", "order_date", "order_amount",
    "order_currency", "product_category", "trade_assurance", "promised_delivery_date",
    "delivered_date", "delivery_status", "issues", "customs_fees_paid", "customs_fees_currency",
    "customs_fees_reimbursed", "claim_filed", "claim_date", "claim_outcome", "refund_amount",
    "denial_reason", "narrative", "evidence_kept",
    "truth_unparseable", "truth_duplicate_of_row", "truth_duplicate_kind", "truth_quarantined",
]

ISSUE_ORDER = ["quality", "delay", "customs", "non_delivery"]

CATEGORIES = [
    "Apparel & accessories", "Consumer electronics", "Home & garden", "Packaging & printing",
    "Machinery", "Beauty & personal care", "Sports & entertainment", "Lights & lighting",
    "Furniture", "Vehicle parts & accessories", "Tools & hardware", "Toys & hobbies",
]

FIRST = ["alex", "sam", "jordan", "taylor", "morgan", "casey", "riley", "jamie", "drew", "avery",
         "quinn", "reese", "dana", "lee", "pat", "robin", "kim", "chris", "terry", "jesse"]

LAST = ["smith", "garcia", "nguyen", "johnson", "lee", "brown", "patel", "martin", "lopez", "kim",
        "walker", "young", "hall", "allen", "wright", "scott", "green", "baker", "adams", "hill"]

AREA_CODES = ["212", "213", "312", "415", "512", "602", "617", "702", "713", "718", "305", "404",
              "206", "303", "503", "614", "615", "704", "801", "919"]

DENIAL_REASONS = [
    "Buyer did not provide sufficient evidence",
    "Claim filed after the protection period",
    "Supplier provided proof of shipment",
    "Quality issue not covered by Trade Assurance",
    "Customs fees are the buyer's responsibility",
    "Goods were accepted on delivery",
]

FX_ROUGH = {"USD": 1.0, "CNY": 7.1, "EUR": 0.92}  # only to make amounts plausible; not used to clean

EPOCH = date(2019, 6, 1)

ORDER_DAYS = (date(2025, 3, 31) - EPOCH).days

def _choice(rng: np.random.Generator, options: list, n: int, p: list[float] | None = None) -> np.ndarray:
    idx = rng.choice(len(options), size=n, p=p)
    return np.asarray(options, dtype=object)[idx]

def _base_truth(n: int, rng: np.random.Generator, rates: Rates) -> pd.DataFrame:
    """Draw ``n`` distinct orders: the clean values, before any rendering."""
    n_claimants = max(1, int(n * 0.82))
    claimant = rng.integers(0, n_claimants, size=n)
    # Claimant-level attributes (a claimant keeps one e-mail, phone, state and buyer type).
    c_first = _choice(rng, FIRST, n_claimants)
    c_last = _choice(rng, LAST, n_claimants)
    c_email = np.array([f"{f}.{l}{i}@example.com" for i, (f, l) in enumerate(zip(c_first, c_last))], dtype=object)
    has_email = rng.random(n_claimants) < 0.93
    has_phone = (~has_email) | (rng.random(n_claimants) < 0.6)
    c_non_us = rng.random(n_claimants) < rates.non_us
    codes = list(STATES)
    w = np.array([STATES[c][2] for c in codes], dtype=float)
    c_state = _choice(rng, codes, n_claimants, p=list(w / w.sum()))
    c_country = np.where(c_non_us, _choice(rng, list(FOREIGN), n_claimants), "US")
    c_state = np.where(c_non_us, None, c_state)
    c_buyer = _choice(rng, ["small_business", "individual", "other"], n_claimants, p=[0.55, 0.38, 0.07])

    # 555-0100..555-0199 is reserved for fiction: 20 area codes x 100 lines = 2,000 distinct phones
    # (larger exports, for benchmarks only, run on into other 555 lines).
    phone_ids = rng.permutation(n_claimants)
    c_phone = np.array([f"{AREA_CODES[p % 20]}555{(100 + p // 20) % 10000:04d}" for p in phone_ids], dtype=object)
    c_email = np.where(has_email, c_email, None)
    c_phone = np.where(has_phone, c_phone, None)

    order_date = np.array([EPOCH + timedelta(days=int(d)) for d in rng.integers(0, ORDER_DAYS, n)], dtype=object)
    currency = _choice(rng, ["USD", "CNY", "EUR"], n, p=[0.8, 0.15, 0.05])
    usd = np.round(np.exp(rng.normal(np.log(1500), 1.0, n)).clip(40, 90000), 2)
    amount = np.array([round(u * FX_ROUGH[c], 2) for u, c in zip(usd, currency)])
    whole = rng.random(n) < 0.3
    amount = np.where(whole, np.round(amount), amount)
    ta = _choice(rng, [True, False, None], n, p=[0.85, 0.1, 0.05])
    promised = np.array([d + timedelta(days=int(k)) for d, k in zip(order_date, rng.integers(15, 61, n))], dtype=object)

    # Issues: at least one; delivery status follows from them.
    q = rng.random(n) < 0.45
    dl = rng.random(n) < 0.33
    cu = rng.random(n) < 0.22
    nd = rng.random(n) < 0.22
    none = ~(q | dl | cu | nd)
    q = q | none
    status = np.empty(n, dtype=object)
    customs_hold = cu & nd & (rng.random(n) < 0.5)
    status[:] = "delivered"
    status[q] = np.where(rng.random(int(q.sum())) < 0.2, "partial", "delivered")
    status[dl] = "late"
    status[nd] = "not_delivered"
    status[customs_hold] = "held_at_customs"
    unknown = rng.random(n) < 0.03
    status[unknown & ~nd] = "unknown"
    issues = np.array([";".join(k for k, f in zip(ISSUE_ORDER, flags) if f)
                       for flags in zip(q, dl, cu, nd)], dtype=object)

    delivered = np.empty(n, dtype=object)
    for i in range(n):
        s = status[i]
        if s in ("delivered", "partial"):
            delivered[i] = order_date[i] + timedelta(days=int(rng.integers(8, (promised[i] - order_date[i]).days + 1)))
        elif s == "late":
            delivered[i] = promised[i] + timedelta(days=int(rng.integers(3, 91)))
        else:
            delivered[i] = None

    fees_paid = np.full(n, np.nan)
    fees_reimb = np.full(n, np.nan)
    fees_cur = np.full(n, None, dtype=object)
    paid = cu & (rng.random(n) < 0.85)
    fees_paid[paid] = np.round(np.exp(rng.normal(np.log(180), 0.8, int(paid.sum()))).clip(15, 5000), 2)
    fees_cur[paid] = _choice(rng, ["USD", "CNY"], int(paid.sum()), p=[0.93, 0.07])
    cny = paid & (fees_cur == "CNY")
    fees_paid[cny] = np.round(fees_paid[cny] * FX_ROUGH["CNY"], 2)
    r = rng.random(n)
    fees_reimb[paid] = 0.0
    part = paid & (r >= 0.7) & (r < 0.85)
    fees_reimb[part] = np.round(fees_paid[part] * rng.uniform(0.2, 0.8, int(part.sum())), 2)
    full = paid & (r >= 0.85)
    fees_reimb[full] = fees_paid[full]
    blank_reimb = paid & (rng.random(n) < 0.05)
    fees_reimb[blank_reimb] = np.nan

    filed = _choice(rng, [True, False, None], n, p=[0.72, 0.2, 0.08])
    outcome = np.where(filed == True, _choice(  # noqa: E712 (object array of True/False/None)
        rng, ["denied", "partial_refund", "full_refund", "pending", "no_response", "withdrawn"], n,
        p=[0.45, 0.15, 0.12, 0.1, 0.13, 0.05]), None)
    claim_date = np.empty(n, dtype=object)
    refund = np.full(n, np.nan)
    pct = rng.integers(1, 10, n) * 10
    for i in range(n):
        if filed[i] is True:
            base = delivered[i] or promised[i]
            claim_date[i] = base + timedelta(days=int(rng.integers(1, 45)))
        else:
            claim_date[i] = None
        o = outcome[i]
        if o == "full_refund":
            refund[i] = amount[i]
        elif o == "partial_refund":
            refund[i] = round(amount[i] * pct[i] / 100, 2)
        elif o == "denied" and rng.random() < 0.5:
            refund[i] = 0.0
    denial = np.where(outcome == "denied", _choice(rng, DENIAL_REASONS, n), None)

    # Submitted after everything it reports.
    last = np.array([max(d for d in (order_date[i], delivered[i], claim_date[i]) if d is not None)
                     for i in range(n)], dtype=object)
    lag = rng.integers(3, 200, n)
    secs = rng.integers(0, 86400, n)
    submitted = np.array([datetime.combine(d + timedelta(days=int(k)), datetime.min.time()) + timedelta(seconds=int(s))
                          for d, k, s in zip(last, lag, secs)], dtype=object)
    evidence = _choice(rng, [True, False, None], n, p=[0.8, 0.12, 0.08])

    frame = pd.DataFrame({
        "claimant": claimant,
        "submitted_at": submitted,
        "email": c_email[claimant],
        "phone": c_phone[claimant],
        "claimant_state": c_state[claimant],
        "claimant_country": c_country[claimant],
        "buyer_type": c_buyer[claimant],
        "order_id": [f"TA{300000000 + 7919 * i % 99999999:09d}" for i in range(n)],
        "supplier_key": [f"SUP-{int(s):04d}" for s in (rng.zipf(1.6, n) % 900)],
        "order_date": order_date,
        "order_amount": amount,
        "order_currency": currency,
        "product_category": _choice(rng, CATEGORIES, n),
        "trade_assurance": ta,
        "promised_delivery_date": promised,
        "delivered_date": delivered,
        "delivery_status": status,
        "issues": issues,
        "customs_fees_paid": fees_paid,
        "customs_fees_currency": fees_cur,
        "customs_fees_reimbursed": fees_reimb,
        "claim_filed": filed,
        "claim_date": claim_date,
        "claim_outcome": outcome,
        "refund_amount": refund,
        "denial_reason": denial,
        "evidence_kept": evidence,
        "pct": pct,
    })
    frame["narrative"] = _narratives(frame, rng, rates)
    return frame

def _narratives(frame: pd.DataFrame, rng: np.random.Generator, rates: Rates) -> list[str | None]:
    sentences = {
        "quality": ["The goods were not what I ordered: wrong colour and poor stitching.",
                    "Half the units arrived damaged and the spec did not match the listing."],
        "delay": ["Delivery came weeks after the promised date.",
                  "The supplier kept pushing the ship date back."],
        "customs": ["The shipment was held at U.S. Customs for labelling and I paid the fees myself.",
                    "I had to pay duties and broker fees that were never reimbursed."],
        "non_delivery": ["The order never arrived.", "Tracking stopped updating and nothing was delivered."],
    }
    claim_text = {
        "denied": "My Trade Assurance claim was denied.",
        "partial_refund": "They refunded only part of what I paid.",
        "full_refund": "Eventually I got a refund.",
        "pending": "The claim is still open.",
        "no_response": "Alibaba never answered my claim.",
        "withdrawn": "I withdrew the claim after the supplier promised to reship.",
    }
    out: list[str | None] = []
    pii = rng.random(len(frame)) < rates.pii_in_narrative
    blank = rng.random(len(frame)) < 0.06
    pick = rng.integers(0, 2, len(frame))
    kind = rng.integers(0, 3, len(frame))
    for i, (issues, outcome, email, phone) in enumerate(
        zip(frame["issues"], frame["claim_outcome"], frame["email"], frame["phone"])
    ):
        if blank[i]:
            out.append(None)
            continue
        parts = [f"I ordered {frame['product_category'].iat[i].lower()} on Alibaba.com."]
        parts += [sentences[k][pick[i]] for k in issues.split(";")]
        if not pd.isna(outcome):
            parts.append(claim_text[outcome])
        if pii[i]:
            if kind[i] == 0 and not pd.isna(email):
                parts.append(f"Contact me at {email.upper() if pick[i] else email}.")
            elif kind[i] == 1 and not pd.isna(phone):
                parts.append(f"Call me on ({phone[:3]}) {phone[3:6]}-{phone[6:]}.")
            else:
                parts.append("Ship replacements to 742 Evergreen Terrace, Springfield.")
        out.append(" ".join(parts))
    return out

def _tidy_truth(truth: pd.DataFrame) -> pd.DataFrame:
    """Blank the cells the export made unparseable, and give the truth plain, typed columns."""
    t = truth.copy()
    for i in np.flatnonzero(t["truth_unparseable"].fillna("").to_numpy() != ""):
        for f in t.at[i, "truth_unparseable"].split(";"):
            t.at[i, f] = None
    for c in ["order_date", "promised_delivery_date", "delivered_date", "claim_date"]:
        t[c] = pd.to_datetime(t[c].astype(object).where(t[c].notna(), None)).dt.strftime("%Y-%m-%d")
    t["submitted_at"] = pd.to_datetime(t["submitted_at"]).dt.strftime("%Y-%m-%d %H:%M:%S")
    for c in ["order_amount", "customs_fees_paid", "customs_fees_reimbursed", "refund_amount"]:
        t[c] = pd.to_numeric(t[c], errors="coerce").round(2)
    for c in ["trade_assurance", "claim_filed", "evidence_kept"]:
        t[c] = t[c].map({True: "true", False: "false"})
    t["truth_duplicate_of_row"] = t["truth_duplicate_of_row"].astype("Int64")
    return t[TRUTH_COLUMNS]

def write_truth(truth: pd.DataFrame, path: Path) -> None:
    """Write the truth as plain UTF-8 CSV."""
    Path(path).write_text(truth.to_csv(index=False, lineterminator="\n"), encoding="utf-8")
