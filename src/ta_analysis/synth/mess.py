"""How the synthetic intake export writes each true value: the mess of real form exports.

Dates and money in several formats, free-text outcomes and statuses, multi-issue cells, state
and country spellings, padded and upper-case e-mails, blank currencies, accounting negatives.
Every rate of mess is a field of :class:`Rates`, the one table of them; the generator draws one
number from 0 to 999 per cell (``pk``) and compares it with the rate per mille.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from ta_analysis.errors import InputError

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

EXCEL_EPOCH = date(1899, 12, 30)

@dataclass(frozen=True)
class Rates:
    """Every rate of mess in the synthetic export: shares of rows, or of cells per mille.

    The ``*_per_mille`` rates are compared with one number from 0 to 999 drawn per cell; the
    state spellings share theirs (a cell gets the first spelling whose running total exceeds it).
    """

    # shares of rows
    resubmission: float = 0.04  # the same claimant and order submitted again later
    exact_duplicate: float = 0.005  # an identical copy of a row (an export merged twice)
    junk: float = 0.003  # test submissions and blank rows
    unparseable_cell: float = 0.0012  # per field, a value nobody can read
    currency_conflict: float = 0.002  # the amount names one currency, the currency column another
    pii_in_narrative: float = 0.04  # an e-mail, phone or street address typed into the narrative
    non_us: float = 0.07  # claimants outside the United States
    blank_currency_when_named: float = 0.5  # the currency column left blank when the amount names it
    # per mille of cells
    email_upper_per_mille: int = 50  # JO@EXAMPLE.COM
    email_padded_per_mille: int = 30  # " jo@example.com "
    us_country_blank_per_mille: int = 300  # a U.S. buyer's country left blank
    delivered_date_unknown_per_mille: int = 100  # "unknown" written for a missing delivered date
    order_cents_shown_per_mille: int = 500  # a whole-dollar order amount written with .00
    fees_currency_blank_per_mille: int = 500  # the fee currency left blank when the amount names it
    refund_negative_per_mille: int = 40  # a refund written as an accounting negative, (50.00)
    refund_not_applicable_per_mille: int = 300  # "N/A" for the refund of an open claim
    # claimant_state spellings, in order: CA, California, ca, california, Calif., " CA "
    state_spellings_per_mille: tuple[int, ...] = (550, 250, 50, 30, 70, 50)

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

def _render(truth: pd.DataFrame, rng: np.random.Generator, rates: Rates) -> tuple[pd.DataFrame, list[list[str]]]:
    """Write each truth value as an export would; return the export and the unparseable fields per row."""
    n = len(truth)
    out: dict[str, list[str]] = {f: [""] * n for f in FIELDS}
    unparseable: list[list[str]] = [[] for _ in range(n)]
    date_style = rng.choice(len(DATE_STYLE_P), size=(n, 4), p=DATE_STYLE_P)
    ts_style = rng.choice(len(TS_STYLE_P), size=n, p=TS_STYLE_P)
    money_style = rng.integers(0, 6, size=(n, 3))
    cell_pick = rng.integers(0, 1000, size=(n, 16))
    blank_cur = rng.random(n) < rates.blank_currency_when_named
    state_thresholds = np.cumsum(rates.state_spellings_per_mille)[:-1]
    conflict = rng.random(n) < rates.currency_conflict

    date_fields = ["order_date", "promised_delivery_date", "delivered_date", "claim_date"]
    for i, t in enumerate(truth.to_dict("records")):
        pk = cell_pick[i]
        out["intake_id"][i] = t["intake_id"]
        out["submitted_at"][i] = _fmt_timestamp(t["submitted_at"], ts_style[i])
        email = t["email"]
        upper, padded = rates.email_upper_per_mille, rates.email_upper_per_mille + rates.email_padded_per_mille
        out["email"][i] = "" if pd.isna(email) else (email.upper() if pk[0] < upper else (f" {email} " if pk[0] < padded else email))
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
            spellings = [st, name, st.lower(), name.lower(), ap or name, f" {st} "]
            out["claimant_state"][i] = spellings[int(np.searchsorted(state_thresholds, pk[2], side="right"))]
        ctry = t["claimant_country"]
        if ctry == "US":
            out["claimant_country"][i] = "" if pk[3] < rates.us_country_blank_per_mille else US_COUNTRY_SPELLINGS[pk[3] % 5]
        else:
            opts = FOREIGN[ctry]
            out["claimant_country"][i] = opts[pk[3] % len(opts)]
        out["buyer_type"][i] = _pick(BUYER_SPELLINGS[t["buyer_type"]], pk[4])
        out["order_id"][i] = t["order_id"]
        out["supplier_key"][i] = t["supplier_key"]
        for j, f in enumerate(date_fields):
            d = t[f]
            if pd.isna(d):
                out[f][i] = "unknown" if (f == "delivered_date" and pk[5] < rates.delivered_date_unknown_per_mille) else ""
            else:
                out[f][i] = _fmt_date(d, date_style[i, j])
        cents = bool(round(t["order_amount"] * 100) % 100) or pk[6] < rates.order_cents_shown_per_mille
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
            out["customs_fees_currency"][i] = ("" if (named and pk[11] < rates.fees_currency_blank_per_mille)
                                               else t["customs_fees_currency"])
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
            if amt > 0 and pk[14] < rates.refund_negative_per_mille and not order_conflict:  # accounting exports write money paid back as a negative
                text, _ = _fmt_money(-amt, t["order_currency"], money_style[i, 2], True)
            elif order_conflict:  # the refund of a conflicting row names no currency either
                text = f"{amt:.2f}"
            else:
                text, _ = _fmt_money(amt, t["order_currency"], money_style[i, 2], True)
            out["refund_amount"][i] = text
        elif o in ("pending", "no_response", "withdrawn"):
            out["refund_amount"][i] = "N/A" if pk[14] < rates.refund_not_applicable_per_mille else ""
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
