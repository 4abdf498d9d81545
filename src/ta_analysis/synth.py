"""A seeded synthetic intake export, messy the way real form-tool exports are.

The generator draws a plausible joint distribution of orders, deliveries, customs fees and
Trade Assurance claims (the *truth*), then renders each value the way intake exports write it:
dates and money in several formats, three currencies, free-text outcomes and statuses,
multi-issue cells, state spellings, resubmissions, exact duplicate rows, a few junk rows and
a few values nobody can parse. With ``truth_path`` it also writes the clean values it started
from, row for row, so tests can measure what the cleaner recovers.

Only fake identifiers are produced: ``example.com`` e-mail addresses and 555-01xx phone numbers.

Examples:
    >>> from ta_analysis.synth import generate
    >>> export, truth = generate(rows=50, seed=1)
    >>> len(export) == len(truth) == 50
    True
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from ta_analysis.errors import InputError

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

# The export's headers: one realistic header per field (a form tool's labels, not our names).
EXPORT_HEADERS = {
    "intake_id": "Submission ID",
    "submitted_at": "Submitted At",
    "email": "Email",
    "phone": "Phone Number",
    "claimant_state": "State",
    "claimant_country": "Country",
    "buyer_type": "Are you buying as",
    "order_id": "Alibaba Order #",
    "supplier_key": "Supplier ID",
    "order_date": "Order Date",
    "order_amount": "Amount paid",
    "order_currency": "Currency",
    "product_category": "What did you order",
    "trade_assurance": "Was the order covered by Trade Assurance?",
    "promised_delivery_date": "Promised delivery",
    "delivered_date": "Date delivered",
    "delivery_status": "Did your order arrive?",
    "issues": "What went wrong",
    "customs_fees_paid": "Customs/duties paid",
    "customs_fees_currency": "Fees currency",
    "customs_fees_reimbursed": "Customs refund received",
    "claim_filed": "Did you file a claim?",
    "claim_date": "Date of claim",
    "claim_outcome": "What happened with your claim",
    "refund_amount": "Refund received",
    "denial_reason": "Reason given",
    "narrative": "Tell us about your case",
    "evidence_kept": "Do you have receipts/emails?",
}
FIELDS = list(EXPORT_HEADERS)

ISSUE_ORDER = ["quality", "delay", "customs", "non_delivery"]

STATES = {  # USPS code: (name, AP abbreviation or "", population weight in millions)
    "CA": ("California", "Calif.", 39), "TX": ("Texas", "Tex.", 30), "FL": ("Florida", "Fla.", 22),
    "NY": ("New York", "N.Y.", 20), "PA": ("Pennsylvania", "Pa.", 13), "IL": ("Illinois", "Ill.", 12.5),
    "OH": ("Ohio", "", 11.8), "GA": ("Georgia", "Ga.", 11), "NC": ("North Carolina", "N.C.", 10.7),
    "MI": ("Michigan", "Mich.", 10), "NJ": ("New Jersey", "N.J.", 9.3), "VA": ("Virginia", "Va.", 8.7),
    "WA": ("Washington", "Wash.", 7.8), "AZ": ("Arizona", "Ariz.", 7.4), "MA": ("Massachusetts", "Mass.", 7),
    "TN": ("Tennessee", "Tenn.", 7), "IN": ("Indiana", "Ind.", 6.8), "MO": ("Missouri", "Mo.", 6.2),
    "MD": ("Maryland", "Md.", 6.2), "WI": ("Wisconsin", "Wis.", 5.9), "CO": ("Colorado", "Colo.", 5.8),
    "MN": ("Minnesota", "Minn.", 5.7), "SC": ("South Carolina", "S.C.", 5.3), "AL": ("Alabama", "Ala.", 5.1),
    "LA": ("Louisiana", "La.", 4.6), "KY": ("Kentucky", "Ky.", 4.5), "OR": ("Oregon", "Ore.", 4.2),
    "OK": ("Oklahoma", "Okla.", 4), "CT": ("Connecticut", "Conn.", 3.6), "UT": ("Utah", "", 3.4),
    "NV": ("Nevada", "Nev.", 3.2), "IA": ("Iowa", "", 3.2), "AR": ("Arkansas", "Ark.", 3),
    "MS": ("Mississippi", "Miss.", 2.9), "KS": ("Kansas", "Kan.", 2.9), "NM": ("New Mexico", "N.M.", 2.1),
    "NE": ("Nebraska", "Neb.", 2), "ID": ("Idaho", "", 1.9), "HI": ("Hawaii", "", 1.4),
    "NH": ("New Hampshire", "N.H.", 1.4), "ME": ("Maine", "", 1.4), "RI": ("Rhode Island", "R.I.", 1.1),
    "MT": ("Montana", "Mont.", 1.1), "DE": ("Delaware", "Del.", 1), "SD": ("South Dakota", "S.D.", 0.9),
    "ND": ("North Dakota", "N.D.", 0.8), "AK": ("Alaska", "", 0.7), "DC": ("District of Columbia", "D.C.", 0.7),
    "VT": ("Vermont", "Vt.", 0.6), "WY": ("Wyoming", "Wyo.", 0.6), "WV": ("West Virginia", "W.Va.", 1.8),
    "PR": ("Puerto Rico", "P.R.", 3.2),
}
FOREIGN = {"CA": ["Canada"], "GB": ["United Kingdom", "UK"], "AU": ["Australia"], "DE": ["Germany"]}
US_COUNTRY_SPELLINGS = ["United States", "USA", "US", "U.S.", "united states"]

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

# How each value is written. Weights are rates per cell.
OUTCOME_SPELLINGS = {
    "full_refund": ["Full refund", "Refunded", "Full refund received", "got my money back", "FULL REFUND"],
    "partial_refund": ["Partial refund", "Partially refunded", "Partial refund ({pct}%)", "partial refund ({pct}%)"],
    "denied": ["Refund denied", "REJECTED", "Denied", "closed - seller won", "Claim rejected", "Rejected by TA team"],
    "pending": ["still waiting", "Pending", "In progress", "Under review"],
    "no_response": ["no reply from alibaba", "No response", "Never heard back", "No reply"],
    "withdrawn": ["Withdrawn", "withdrew claim", "I withdrew it"],
}
STATUS_SPELLINGS = {
    "delivered": ["Delivered", "delivered", "Yes", "Arrived", "Delivered on time"],
    "late": ["Arrived late", "Late", "Delivered late", "yes but late"],
    "not_delivered": ["Never arrived", "Not delivered", "No", "Lost in transit", "never received"],
    "partial": ["Only part of order arrived", "Partial", "Partially delivered", "some items missing"],
    "held_at_customs": ["Stuck in customs", "Held at customs", "Customs hold", "Rejected by customs"],
    "unknown": ["Don't know", "Unknown", "not sure", "no tracking"],
}
ISSUE_SPELLINGS = {
    "quality": ["Quality", "Poor quality", "Wrong item", "Damaged", "wrong colour", "Not as described"],
    "delay": ["Late", "Delay", "Shipping delay", "late delivery"],
    "customs": ["Customs", "Customs fees", "Held at customs", "duties"],
    "non_delivery": ["Never arrived", "Not delivered", "Non-delivery", "never received"],
}
ISSUE_SEPARATORS = ["; ", "|", ", ", " / ", ";"]
BUYER_SPELLINGS = {
    "individual": ["Individual", "individual", "Personal use", "Myself"],
    "small_business": ["Small business", "Small Business", "My business", "Business", "LLC"],
    "other": ["Other", "Non-profit", "School"],
}
TRUE_SPELLINGS = ["Yes", "Y", "TRUE", "1", "yes", "Yes"]
FALSE_SPELLINGS = ["No", "N", "FALSE", "0", "no", "No"]
MISSING_BOOL_SPELLINGS = ["Not sure", "", "N/A", "Not sure"]
UNPARSEABLE = {
    "date": ["see attached", "last spring", "??", "02/30/2023", "2023-13-01", "1/1/1900", "01/01/2031",
             "around christmas"],
    "money": ["see invoice", "??", "a lot", "ask my accountant", "12.34.56", "$--"],
    "claim_outcome": ["it's complicated", "see email thread", "??"],
    "delivery_status": ["see attached", "??", "ask supplier"],
    "buyer_type": ["??", "see notes"],
    "trade_assurance": ["maybe?", "I think so??"],
}
UNPARSEABLE_FIELDS = {
    "order_date": "date", "promised_delivery_date": "date", "delivered_date": "date",
    "claim_date": "date", "order_amount": "money", "customs_fees_paid": "money",
    "refund_amount": "money", "claim_outcome": "claim_outcome", "delivery_status": "delivery_status",
    "buyer_type": "buyer_type", "trade_assurance": "trade_assurance",
}

EPOCH = date(2019, 6, 1)
ORDER_DAYS = (date(2025, 3, 31) - EPOCH).days
EXCEL_EPOCH = date(1899, 12, 30)


@dataclass(frozen=True)
class Rates:
    """Rates of each kind of mess, per row or per cell."""

    resubmission: float = 0.04
    exact_duplicate: float = 0.005
    junk: float = 0.003
    unparseable_cell: float = 0.0012
    currency_conflict: float = 0.002
    pii_in_narrative: float = 0.04
    non_us: float = 0.07


def _fmt_date(d: date, style: int) -> str:
    if style == 0:
        return d.isoformat()
    if style == 1:
        return d.strftime("%m/%d/%Y")
    if style == 2:
        return f"{d.month}/{d.day}/{d.year}"
    if style == 3:
        return f"{d.day} {d.strftime('%b')} {d.year}"
    if style == 4:
        return f"{d.strftime('%B')} {d.day}, {d.year}"
    if style == 5:
        return d.isoformat() + "T00:00:00"
    return str((d - EXCEL_EPOCH).days)


DATE_STYLE_P = [0.45, 0.27, 0.08, 0.08, 0.04, 0.04, 0.04]


def _fmt_timestamp(ts: datetime, style: int) -> str:
    if style == 0:
        return ts.strftime("%Y-%m-%d %H:%M:%S")
    if style == 1:
        return ts.strftime("%m/%d/%Y %H:%M:%S")
    if style == 2:
        return ts.strftime("%Y-%m-%dT%H:%M:%SZ")
    serial = (ts - datetime(1899, 12, 30)).total_seconds() / 86400
    return f"{serial:.6f}"


TS_STYLE_P = [0.6, 0.25, 0.1, 0.05]


def _group(amount: float, sep: str) -> str:
    whole = f"{int(amount):,}"
    return whole.replace(",", sep)


def _fmt_money(amount: float, currency: str, style: int, cents: bool) -> tuple[str, bool]:
    """Render an amount; return (text, whether the text itself names the currency)."""
    neg = amount < 0
    a = abs(amount)
    frac = f"{round(a * 100) % 100:02d}"
    us = _group(a, ",") + (f".{frac}" if cents else "")
    plain = f"{int(a)}" + (f".{frac}" if cents else "")
    if currency == "USD":
        forms = [(f"${us}", True), (plain, False), (f"USD {us}", True), (f"US${us}", True),
                 (us, False), (f"${plain}", True)]
    elif currency == "CNY":
        forms = [(f"¥{us}", True), (f"RMB {plain}", True), (f"{plain} yuan", True),
                 (f"CNY {us}", True), (plain, False), (f"¥{plain}", True)]
    else:
        eu = _group(a, ".") + (f",{frac}" if cents else "")
        forms = [(f"{eu} €", True), (f"€{us}", True), (f"EUR {plain}", True), (f"{eu} EUR", True),
                 (plain, False), (f"€{plain}", True)]
    text, named = forms[style % len(forms)]
    if neg:
        text = f"({text})"
    return text, named


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


def _render(truth: pd.DataFrame, rng: np.random.Generator, rates: Rates) -> tuple[pd.DataFrame, list[list[str]]]:
    """Write each truth value as an export would; return the export and the unparseable fields per row."""
    n = len(truth)
    out: dict[str, list[str]] = {f: [""] * n for f in FIELDS}
    unparseable: list[list[str]] = [[] for _ in range(n)]
    date_style = rng.choice(len(DATE_STYLE_P), size=(n, 4), p=DATE_STYLE_P)
    ts_style = rng.choice(len(TS_STYLE_P), size=n, p=TS_STYLE_P)
    money_style = rng.integers(0, 6, size=(n, 3))
    cell_pick = rng.integers(0, 1000, size=(n, 16))
    blank_cur = rng.random(n) < 0.5
    conflict = rng.random(n) < rates.currency_conflict

    date_fields = ["order_date", "promised_delivery_date", "delivered_date", "claim_date"]
    for i, t in enumerate(truth.to_dict("records")):
        pk = cell_pick[i]
        out["intake_id"][i] = t["intake_id"]
        out["submitted_at"][i] = _fmt_timestamp(t["submitted_at"], ts_style[i])
        email = t["email"]
        out["email"][i] = "" if pd.isna(email) else (email.upper() if pk[0] < 50 else (f" {email} " if pk[0] < 80 else email))
        phone = t["phone"]
        if pd.isna(phone):
            out["phone"][i] = ""
        else:
            styles = [f"({phone[:3]}) {phone[3:6]}-{phone[6:]}", f"{phone[:3]}-{phone[3:6]}-{phone[6:]}",
                      f"+1 {phone[:3]} {phone[3:6]} {phone[6:]}", phone]
            out["phone"][i] = styles[pk[1] % 4]
        st = t["claimant_state"]
        if pd.isna(st):
            out["claimant_state"][i] = ""
        else:
            name, ap, _ = STATES[st]
            r = pk[2]
            out["claimant_state"][i] = (st if r < 550 else name if r < 800 else st.lower() if r < 850
                                        else name.lower() if r < 880 else (ap or name) if r < 950 else f" {st} ")
        ctry = t["claimant_country"]
        if ctry == "US":
            out["claimant_country"][i] = "" if pk[3] < 300 else US_COUNTRY_SPELLINGS[pk[3] % 5]
        else:
            opts = FOREIGN[ctry]
            out["claimant_country"][i] = opts[pk[3] % len(opts)]
        out["buyer_type"][i] = _pick(BUYER_SPELLINGS[t["buyer_type"]], pk[4])
        out["order_id"][i] = t["order_id"]
        out["supplier_key"][i] = t["supplier_key"]
        for j, f in enumerate(date_fields):
            d = t[f]
            if pd.isna(d):
                out[f][i] = "unknown" if (f == "delivered_date" and pk[5] < 100) else ""
            else:
                out[f][i] = _fmt_date(d, date_style[i, j])
        cents = bool(round(t["order_amount"] * 100) % 100) or pk[6] < 500
        text, named = _fmt_money(t["order_amount"], t["order_currency"], money_style[i, 0], cents)
        order_conflict = bool(conflict[i] and named)
        out["order_amount"][i] = text
        cur_spell = {"USD": ["USD", "usd", "US Dollar"], "CNY": ["CNY", "RMB", "CNY"], "EUR": ["EUR", "Euro", "EUR"]}
        out["order_currency"][i] = "" if (named and blank_cur[i]) else _pick(cur_spell[t["order_currency"]], pk[7])
        if order_conflict:
            other = "EUR" if t["order_currency"] != "EUR" else "USD"
            out["order_currency"][i] = other
        out["product_category"][i] = t["product_category"]
        out["trade_assurance"][i] = _bool_text(t["trade_assurance"], pk[8])
        out["delivery_status"][i] = _pick(STATUS_SPELLINGS[t["delivery_status"]], pk[9])
        words = [_pick(ISSUE_SPELLINGS[k], pk[10] + j) for j, k in enumerate(t["issues"].split(";"))]
        out["issues"][i] = ISSUE_SEPARATORS[pk[10] % len(ISSUE_SEPARATORS)].join(words)
        if pd.notna(t["customs_fees_paid"]):
            text, named = _fmt_money(t["customs_fees_paid"], t["customs_fees_currency"], money_style[i, 1], True)
            out["customs_fees_paid"][i] = text
            out["customs_fees_currency"][i] = "" if (named and pk[11] < 500) else t["customs_fees_currency"]
            reimb = t["customs_fees_reimbursed"]
            if pd.isna(reimb):
                out["customs_fees_reimbursed"][i] = "N/A" if pk[11] % 2 else ""
            elif reimb == 0:
                out["customs_fees_reimbursed"][i] = ["0", "$0.00", "0.00", "none"][pk[11] % 4] if t["customs_fees_currency"] == "USD" else "0"
            else:
                out["customs_fees_reimbursed"][i], _ = _fmt_money(reimb, t["customs_fees_currency"], money_style[i, 1], True)
        out["claim_filed"][i] = _bool_text(t["claim_filed"], pk[12])
        o = t["claim_outcome"]
        if not pd.isna(o):
            out["claim_outcome"][i] = _pick(OUTCOME_SPELLINGS[o], pk[13]).format(pct=t["pct"])
        if pd.notna(t["refund_amount"]):
            amt = t["refund_amount"]
            if amt > 0 and pk[14] < 40 and not order_conflict:  # accounting exports write money paid back as a negative
                text, _ = _fmt_money(-amt, t["order_currency"], money_style[i, 2], True)
            elif order_conflict:  # the refund of a conflicting row names no currency either
                text = f"{amt:.2f}"
            else:
                text, _ = _fmt_money(amt, t["order_currency"], money_style[i, 2], True)
            out["refund_amount"][i] = text
        elif o in ("pending", "no_response", "withdrawn"):
            out["refund_amount"][i] = "N/A" if pk[14] < 300 else ""
        out["denial_reason"][i] = "" if pd.isna(t["denial_reason"]) else t["denial_reason"]
        out["narrative"][i] = "" if pd.isna(t["narrative"]) else t["narrative"]
        out["evidence_kept"][i] = _bool_text(t["evidence_kept"], pk[15])
        if order_conflict:
            unparseable[i].append("order_currency")
    return pd.DataFrame(out), unparseable


def _pick(options: list[str], k: int) -> str:
    return options[int(k) % len(options)]


def _bool_text(v: object, k: int) -> str:
    if pd.isna(v):
        return _pick(MISSING_BOOL_SPELLINGS, k)
    return _pick(TRUE_SPELLINGS if bool(v) else FALSE_SPELLINGS, k)


def generate(rows: int, seed: int, rates: Rates = Rates()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Generate an export of ``rows`` rows and its truth, row for row.

    Args:
        rows: number of data rows in the export (resubmissions, duplicates and junk included).
        seed: seed of every random draw; the same seed gives the same export.
        rates: how often each kind of mess occurs.

    Returns:
        ``(export, truth)``: the export as text cells under the export's headers, and the clean
        values (canonical names, ``TRUTH_COLUMNS``).
    """
    if rows < 1:
        raise InputError(f"--rows must be at least 1, got {rows}")
    rng = np.random.default_rng(seed)
    n_junk = int(round(rows * rates.junk))
    n_exact = int(round(rows * rates.exact_duplicate))
    n_resub = int(round(rows * rates.resubmission))
    n_base = max(1, rows - n_junk - n_exact - n_resub)
    n_junk = min(n_junk, rows - n_base)
    n_exact = min(n_exact, rows - n_base - n_junk)
    n_resub = rows - n_base - n_junk - n_exact

    base = _base_truth(n_base, rng, rates)
    # Resubmissions: the same claimant and order, sent again later (often with news on the claim).
    src = rng.choice(n_base, size=n_resub, replace=False) if n_resub <= n_base else rng.integers(0, n_base, n_resub)
    resub = base.iloc[src].copy()
    later = rng.integers(1, 90, n_resub)
    resub["submitted_at"] = [s + timedelta(days=int(k), seconds=int(k) * 37) for s, k in zip(resub["submitted_at"], later)]
    upgrade = resub["claim_outcome"].isin(["pending", "no_response"]).to_numpy() & (rng.random(n_resub) < 0.5)
    resub.loc[upgrade, "claim_outcome"] = "denied"
    resub.loc[upgrade, "denial_reason"] = _choice(rng, DENIAL_REASONS, int(upgrade.sum()))
    resub.loc[upgrade, "refund_amount"] = np.nan
    base["_orig"] = np.arange(n_base)
    resub["_orig"] = src
    truth = pd.concat([base, resub], ignore_index=True)
    truth = truth.sort_values("submitted_at", kind="stable").reset_index(drop=True)
    truth["intake_id"] = [f"INT-{100000 + i}" for i in range(len(truth))]

    export, unparseable = _render(truth, rng, rates)
    truth["truth_unparseable"] = [";".join(u) for u in unparseable]
    # Values nobody can parse, a few per field.
    for field, kind in UNPARSEABLE_FIELDS.items():
        hit = (rng.random(len(truth)) < rates.unparseable_cell) & (export[field] != "")
        for i in np.flatnonzero(hit):
            export.at[i, field] = _pick(UNPARSEABLE[kind], rng.integers(0, 1000))
            lost = [field]
            # An amount that named its own currency takes the currency with it when garbled.
            cur_field = {"order_amount": "order_currency", "customs_fees_paid": "customs_fees_currency"}.get(field)
            if cur_field and export.at[i, cur_field] == "":
                lost.append(cur_field)
            truth.at[i, "truth_unparseable"] = ";".join(filter(None, [truth.at[i, "truth_unparseable"], *lost]))

    n_rows = len(truth)
    dup_of = np.full(n_rows, -1, dtype=np.int64)  # position (0-based) of the row this one duplicates
    kind = np.full(n_rows, "", dtype=object)
    # Superseded submissions: the earlier of each (claimant, order) pair points at the later one.
    orig = truth["_orig"].to_numpy()
    latest: dict[int, int] = {}
    for i in range(n_rows - 1, -1, -1):
        o = int(orig[i])
        if o in latest:
            dup_of[i] = latest[o]
            kind[i] = "superseded"
        else:
            latest[o] = i

    # Exact duplicate rows (an export merged twice) and junk rows, inserted after seeded rows.
    after_exact = rng.integers(0, n_rows, n_exact)
    after_junk = rng.integers(0, n_rows, n_junk)
    inserts: dict[int, list[int]] = {}  # original position -> rows inserted after it (>= 0 copies, < 0 junk)
    for j in after_exact:
        inserts.setdefault(int(j), []).append(int(j))
    for k, j in enumerate(after_junk):
        inserts.setdefault(int(j), []).append(-(k + 1))
    take: list[int] = []
    new_pos = np.empty(n_rows, dtype=np.int64)
    for j in range(n_rows):
        new_pos[j] = len(take)
        take.append(j)
        take.extend(inserts.get(j, []))
    take_arr = np.array(take, dtype=np.int64)
    is_copy = np.zeros(len(take_arr), dtype=bool)
    is_copy[1:] = (take_arr[1:] >= 0) & (take_arr[1:] == take_arr[:-1])
    # A copy right after another copy of the same row still points at the original.
    src = np.where(take_arr >= 0, take_arr, 0)

    junk_export = []
    junk_truth = []
    submitted_text = export["submitted_at"].to_numpy()
    for k, j in enumerate(after_junk):
        row = {f: "" for f in FIELDS}
        row["submitted_at"] = submitted_text[j]
        if k % 2 == 0:
            row["narrative"] = "TEST SUBMISSION - please ignore"
        else:
            row.update(intake_id=f"INT-J{k:04d}", order_amount="??", narrative="asdf")
        junk_export.append(row)
        junk_truth.append({"intake_id": row["intake_id"] or None, "submitted_at": truth["submitted_at"].iat[int(j)],
                           "narrative": row["narrative"], "truth_quarantined": True,
                           "truth_unparseable": "order_amount" if row["order_amount"] else ""})

    real = take_arr >= 0
    export_out = export.iloc[src].reset_index(drop=True)
    truth_out = truth.iloc[src].reset_index(drop=True)
    truth_out["truth_quarantined"] = False
    pos_dup = np.where(dup_of[src] >= 0, new_pos[np.maximum(dup_of[src], 0)] + 2, -1)
    kind_out = kind[src].copy()
    kind_out[is_copy] = "exact"
    pos_dup[is_copy] = new_pos[src[is_copy]] + 2
    junk_rows = np.flatnonzero(~real)
    if len(junk_rows):
        jx = pd.DataFrame(junk_export, columns=FIELDS)
        jt = pd.DataFrame(junk_truth).reindex(columns=truth_out.columns)
        order = [-(t + 1) for t in take_arr[~real]]
        export_out.iloc[junk_rows] = jx.iloc[order].to_numpy()
        for c in truth_out.columns:
            truth_out[c] = truth_out[c].astype(object)
        truth_out.iloc[junk_rows] = jt.iloc[order].to_numpy()
        kind_out[junk_rows] = ""
        pos_dup[junk_rows] = -1
    truth_out["truth_duplicate_kind"] = kind_out
    truth_out["truth_duplicate_of_row"] = pd.array(np.where(pos_dup > 0, pos_dup, 0), dtype="Int64")
    truth_out.loc[pos_dup <= 0, "truth_duplicate_of_row"] = pd.NA
    truth_out["row_number"] = np.arange(len(truth_out)) + 2
    truth_out["truth_quarantined"] = truth_out["truth_quarantined"].astype(bool)
    export, truth = export_out, truth_out
    export.columns = [EXPORT_HEADERS[f] for f in FIELDS]
    return export, _tidy_truth(truth)


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


def write_export(export: pd.DataFrame, path: Path) -> None:
    """Write the export as a form tool would: CSV (UTF-8 with BOM) or XLSX (with a title row)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        buf = io.StringIO()
        export.to_csv(buf, index=False, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))
    elif suffix == ".xlsx":
        _write_xlsx(export, path)
    else:
        raise InputError("the output must end in .csv or .xlsx", file=str(path))


def _write_xlsx(export: pd.DataFrame, path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Intake export"
    ws.append(["Trade Assurance intake - form responses"])
    ws.append([])
    ws.append(list(export.columns))
    for row in export.itertuples(index=False):
        ws.append(list(row))
    fixed = datetime(2000, 1, 1)
    wb.properties.creator = "ta-analysis synth"
    wb.properties.created = fixed
    wb.properties.modified = fixed
    buf = io.BytesIO()
    wb.save(buf)
    _deterministic_zip(buf.getvalue(), path)


def _deterministic_zip(data: bytes, path: Path) -> None:
    """Rewrite an OOXML zip with fixed timestamps so the same workbook gives the same bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>2000-01-01T00:00:00Z", body)
            zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(zi, body)
    path.write_bytes(out.getvalue())


def write_truth(truth: pd.DataFrame, path: Path) -> None:
    """Write the truth as plain UTF-8 CSV."""
    Path(path).write_text(truth.to_csv(index=False, lineterminator="\n"), encoding="utf-8")


def synth(rows: int, seed: int, out: Path, truth: Path | None = None, kind: str = "intake") -> None:
    """Generate and write an export (and optionally its truth): the ``ta-analysis synth`` command."""
    if kind == "cfpb":
        if truth is not None:
            raise InputError("--truth goes with --kind intake")
        if Path(out).suffix.lower() != ".csv":
            raise InputError("a CFPB-format export is written as .csv", file=str(out))
        write_cfpb(generate_cfpb(rows, seed), Path(out))
        return
    export, tr = generate(rows, seed)
    write_export(export, Path(out))
    if truth is not None:
        write_truth(tr, Path(truth))


# --- synthetic CFPB-format complaint exports --------------------------------------------------------

CFPB_HEADERS = ["Date received", "Product", "Sub-product", "Issue", "Sub-issue", "Consumer complaint narrative",
                "Company public response", "Company", "State", "ZIP code", "Tags", "Consumer consent provided?",
                "Submitted via", "Date sent to company", "Company response to consumer", "Timely response?",
                "Consumer disputed?", "Complaint ID"]
CFPB_COMPANIES = [("CITIBANK, N.A.", 18), ("JPMORGAN CHASE & CO.", 16), ("CAPITAL ONE FINANCIAL CORPORATION", 14),
                  ("BANK OF AMERICA, NATIONAL ASSOCIATION", 12), ("WELLS FARGO & COMPANY", 10),
                  ("SYNCHRONY FINANCIAL", 8), ("AMERICAN EXPRESS COMPANY", 8), ("PAYPAL HOLDINGS, INC.", 6),
                  ("Alipay (US), Inc.", 2), ("ALIBABA.COM SINGAPORE E-COMMERCE PRIVATE LIMITED", 2),
                  ("EQUIFAX, INC.", 4)]
CFPB_ISSUES = [
    ("Credit card or prepaid card", "General-purpose credit card or charge card", "Problem with a purchase shown on your statement",
     "Credit card company isn't resolving a dispute about a purchase on your statement", 45),
    ("Credit card or prepaid card", "General-purpose credit card or charge card", "Problem with a purchase shown on your statement",
     "Card was charged for something you did not purchase with the card", 15),
    ("Money transfer, virtual currency, or money service", "Mobile or digital wallet", "Problem with a purchase or transfer",
     "Card company isn't resolving a dispute about a purchase or transfer", 15),
    ("Credit card or prepaid card", "General-purpose credit card or charge card", "Fees or interest",
     "Problem with fees", 10),
    ("Credit reporting or other personal consumer reports", "Credit reporting", "Incorrect information on your report",
     "Information belongs to someone else", 15),
]
CFPB_RESPONSES = [("Closed with explanation", 45), ("Closed with monetary relief", 15),
                  ("Closed with non-monetary relief", 15), ("In progress", 20), ("Closed without relief", 5)]
NARRATIVE_OPENINGS = ["On XX/XX/XXXX I paid {amt} with my card for an order from a supplier on Alibaba.",
                      "I bought {n} units from a seller on AliExpress for {amt}.",
                      "I paid {amt} through Alipay for goods from a factory in China.",
                      "In XXXX XXXX I ordered inventory for my shop from an overseas supplier for {amt}.",
                      "I made a purchase of {amt} online on XX/XX/XXXX."]
NARRATIVE_MIDDLES = {
    "non_delivery": ["The goods never arrived.", "Tracking stopped updating and nothing was delivered.",
                     "I never received the shipment."],
    "customs_fees": ["The package was held at customs and I paid {fee} in customs fees.",
                     "UPS billed me {fee} in import duties before releasing the box."],
    "refund_denied": ["The seller refused to refund me.", "My Trade Assurance claim was rejected.",
                      "The card company closed my dispute in the merchant's favor."],
    "quality": ["The items were damaged and not as described.", "We received the wrong model."],
    "delay": ["The delivery was six weeks late.", "The supplier kept pushing the ship date back."],
}


def generate_cfpb(rows: int, seed: int) -> pd.DataFrame:
    """A synthetic export in the CFPB Consumer Complaint Database's published columns.

    Card purchase disputes over marketplace orders, with narratives written the CFPB's way
    (``XXXX`` redactions, amounts as ``{$100.00}``, a few with an e-mail or phone left in), and
    some unrelated complaints, for the complaint notebook and the streaming benchmark.
    """
    if rows < 1:
        raise InputError(f"--rows must be at least 1, got {rows}")
    rng = np.random.default_rng(seed)
    comp = _choice(rng, [c for c, _ in CFPB_COMPANIES], rows, p=_weights(CFPB_COMPANIES))
    issue_idx = rng.choice(len(CFPB_ISSUES), size=rows, p=_weights([(i, i[-1]) for i in CFPB_ISSUES]))
    received = [date(2021, 1, 1) + timedelta(days=int(d)) for d in rng.integers(0, 1460, rows)]
    states = list(STATES)
    w = np.array([STATES[c][2] for c in states], dtype=float)
    state = _choice(rng, states, rows, p=list(w / w.sum()))
    has_narr = rng.random(rows) < 0.6
    pii = rng.random(rows) < 0.03
    out = {h: [""] * rows for h in CFPB_HEADERS}
    codes = list(NARRATIVE_MIDDLES)
    for i in range(rows):
        prod, sub, iss, subiss, _ = CFPB_ISSUES[issue_idx[i]]
        out["Date received"][i] = received[i].isoformat()
        out["Date sent to company"][i] = (received[i] + timedelta(days=int(rng.integers(0, 3)))).isoformat()
        out["Product"][i], out["Sub-product"][i], out["Issue"][i], out["Sub-issue"][i] = prod, sub, iss, subiss
        out["Company"][i] = comp[i]
        out["State"][i] = state[i]
        z = int(rng.integers(10000, 99999))
        out["ZIP code"][i] = f"{str(z)[:3]}XX" if rng.random() < 0.4 else f"{z:05d}"
        out["Submitted via"][i] = "Web"
        out["Company response to consumer"][i] = CFPB_RESPONSES[rng.choice(len(CFPB_RESPONSES), p=_weights(CFPB_RESPONSES))][0]
        out["Timely response?"][i] = "Yes" if rng.random() < 0.97 else "No"
        out["Consumer disputed?"][i] = "N/A"
        out["Complaint ID"][i] = str(8000000 + 13 * i + int(seed % 7))
        if has_narr[i] and issue_idx[i] < 3:
            amt = f"{{${rng.integers(200, 20000)}.00}}"
            parts = [NARRATIVE_OPENINGS[rng.integers(0, len(NARRATIVE_OPENINGS))].format(amt=amt, n=int(rng.integers(50, 900)))]
            for c in rng.choice(codes, size=int(rng.integers(1, 3)), replace=False):
                opts = NARRATIVE_MIDDLES[c]
                parts.append(opts[rng.integers(0, len(opts))].format(fee=f"{{${rng.integers(40, 900)}.00}}"))
            if pii[i]:
                parts.append(f"You can reach me at buyer{i}@example.com or ({AREA_CODES[i % 20]}) 555-01{i % 100:02d}.")
            out["Consumer complaint narrative"][i] = "\n\n".join(parts)
            out["Consumer consent provided?"][i] = "Consent provided"
        elif has_narr[i]:
            out["Consumer complaint narrative"][i] = "There is an account on my report that XXXX XXXX is not mine."
            out["Consumer consent provided?"][i] = "Consent provided"
        else:
            out["Consumer consent provided?"][i] = "Consent not provided"
    return pd.DataFrame(out, columns=CFPB_HEADERS)


def _weights(pairs) -> list[float]:
    w = np.array([p[1] for p in pairs], dtype=float)
    return list(w / w.sum())


def write_cfpb(frame: pd.DataFrame, path: Path) -> None:
    """Write as the CFPB publishes: UTF-8, RFC 4180 quoting, \\n line ends."""
    Path(path).write_text(frame.to_csv(index=False, lineterminator="\n"), encoding="utf-8")
