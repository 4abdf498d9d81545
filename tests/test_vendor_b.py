"""The vendor-B synthetic export (ta_analysis.synth.vendor_b): deterministic, faithful to its truth,
complete in its spellings, and unchanged by a trip through CSV.

The cell readers below are deliberately tiny and written for vendor B's own forms only: they check
the generator, they are not a second cleaner.
"""

from __future__ import annotations

import io
import math
import re

import numpy as np
import pandas as pd
import pytest

from ta_analysis.synth.vendor_b import HEADERS, MISSING_DATE, MISSING_MONEY, SPELLINGS, generate_vendor_b

FIELD_HEADER = {f: h for h, f in HEADERS.items()}
MONTHS = {m: i + 1 for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                         "nov", "dec"])}
ISSUE_SPLIT = re.compile(r" / |, ?")


@pytest.fixture(scope="module")
def big():
    return generate_vendor_b(1000, 2024)


# --- the generator's own readers (vendor B's forms only) -------------------------------------


def read_date(cell: str) -> str | None:
    if cell == "" or cell in MISSING_DATE:
        return None
    if m := re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)", cell):
        y, mo, d = map(int, m.groups())
    elif m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", cell):  # U.S. month first
        mo, d, y = map(int, m.groups())
    elif m := re.fullmatch(r"([A-Z][a-z]+) (\d{1,2}), (\d{4})", cell):
        mo, d, y = MONTHS[m.group(1)[:3].lower()], int(m.group(2)), int(m.group(3))
    elif m := re.fullmatch(r"(\d{1,2}) ([A-Z][a-z]+) (\d{4})", cell):
        mo, d, y = MONTHS[m.group(2)[:3].lower()], int(m.group(1)), int(m.group(3))
    else:
        raise AssertionError(f"unexpected date cell {cell!r}")
    return f"{y:04d}-{mo:02d}-{d:02d}"


def read_timestamp(cell: str) -> str:
    m = re.fullmatch(r"(.+?) (\d{1,2}):(\d\d)(?::(\d\d))? ([AaPp][Mm])", cell)
    assert m, cell
    day, h, mi, sec, ampm = m.groups()
    h = int(h) % 12 + (12 if ampm.lower() == "pm" else 0)
    return f"{read_date(day)} {h:02d}:{int(mi):02d}:{int(sec or 0):02d}"


CURRENCY_MARKS = [("US$", "USD"), ("USD", "USD"), ("C$", "CAD"), ("CAD", "CAD"), ("A$", "AUD"), ("AUD", "AUD"),
                  ("$", "USD"), ("RMB", "CNY"), ("CNY", "CNY"), ("yuan", "CNY"), ("¥", "CNY"), ("EUR", "EUR"),
                  ("€", "EUR"), ("GBP", "GBP"), ("£", "GBP")]


def read_money(cell: str) -> tuple[float, str | None]:
    """(amount, the currency the cell itself names or None)."""
    if cell == "" or cell in MISSING_MONEY:
        return math.nan, None
    cur = None
    rest = cell
    for mark, code in CURRENCY_MARKS:
        if mark in rest:
            cur = code
            rest = rest.replace(mark, "").strip()
            break
    if re.fullmatch(r"\d{1,3}(\.\d{3})*,\d\d", rest):  # European separators
        return float(rest.replace(".", "").replace(",", ".")), cur
    assert re.fullmatch(r"\d{1,3}(,\d{3})*(\.\d\d)?|\d+(\.\d\d)?", rest), cell
    return float(rest.replace(",", "")), cur


def same(a, b) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return a == b


def canon(field: str, cell: str):
    return None if cell == "" else SPELLINGS[field][cell]


# --- tests -----------------------------------------------------------------------------------


def test_same_seed_same_frames_and_another_seed_differs():
    e1, t1 = generate_vendor_b(300, 7)
    e2, t2 = generate_vendor_b(300, 7)
    pd.testing.assert_frame_equal(e1, e2)
    pd.testing.assert_frame_equal(t1, t2)
    e3, _ = generate_vendor_b(300, 8)
    assert not e1.equals(e3)


def test_shape_headers_and_ids(big):
    export, truth = big
    assert list(export.columns) == list(HEADERS)
    assert len(export) == len(truth) == 1000
    assert export["Response #"].is_unique
    assert list(export["Response #"]) == list(truth["intake_id"])
    assert all(isinstance(v, str) for col in export for v in export[col])  # every cell text, blank = ""
    assert generate_vendor_b(0, 1)[0].shape == (0, len(HEADERS))


def test_every_spelling_occurs(big):
    export, _ = big
    for field, spellings in SPELLINGS.items():
        col = export[FIELD_HEADER[field]]
        present = ({p for c in col for p in ISSUE_SPLIT.split(c) if p} if field == "issues" else set(col))
        missing = sorted(s for s in spellings if s not in present)
        assert not missing, f"{field}: {missing}"


def test_spellings_are_canonical():
    vocab = {"claim_outcome": {"full_refund", "partial_refund", "denied", "pending", "no_response", "withdrawn"},
             "delivery_status": {"delivered", "late", "not_delivered", "partial", "held_at_customs", "unknown"},
             "buyer_type": {"individual", "small_business", "other", None},
             "issues": {"quality", "delay", "customs", "non_delivery"},
             "trade_assurance": {True, False, None}, "claim_filed": {True, False},
             "evidence_kept": {True, False, None}}
    for field, allowed in vocab.items():
        assert set(SPELLINGS[field].values()) <= allowed, field
    assert all(re.fullmatch(r"[A-Z]{2}", v) for v in SPELLINGS["claimant_country"].values())
    assert all(re.fullmatch(r"[A-Z]{3}", v) for v in SPELLINGS["order_currency"].values())


def test_every_row_agrees_with_its_truth(big):
    export, truth = big
    for (_, e), (_, t) in zip(export.iterrows(), truth.iterrows()):
        rid = t["intake_id"]
        assert read_timestamp(e["Date Submitted"]) == t["submitted_at"], rid
        for field in ("order_date", "promised_delivery_date", "delivered_date", "claim_date", "customs_paid_date"):
            assert same(read_date(e[FIELD_HEADER[field]]), t[field]), (rid, field)
        for field in ("claim_outcome", "delivery_status", "buyer_type", "trade_assurance", "evidence_kept"):
            cell = e[FIELD_HEADER[field]]
            want = None if cell in ("", "N/A") else SPELLINGS[field][cell]
            assert same(want, t[field]), (rid, field, cell)
        assert SPELLINGS["claim_filed"][e[FIELD_HEADER["claim_filed"]]] == t["claim_filed"]
        issues = e[FIELD_HEADER["issues"]]
        codes = {SPELLINGS["issues"][p] for p in ISSUE_SPLIT.split(issues)} if issues else set()
        assert same(";".join(c for c in ["quality", "delay", "customs", "non_delivery"] if c in codes) or None,
                    t["issues"]), rid
        # where: a blank country with a U.S. state is the U.S.
        country = e[FIELD_HEADER["claimant_country"]]
        assert (canon("claimant_country", country) or "US") == t["country"], rid
        state = e[FIELD_HEADER["claimant_state"]]
        assert same(SPELLINGS["claimant_state"].get(state), t["claimant_state"]), rid
        # identity
        email = e[FIELD_HEADER["email"]]
        assert same(email.strip().lower() or None, t["email"]), rid
        phone = e[FIELD_HEADER["phone"]]
        digits = re.sub(r"\D", "", phone)
        if digits.startswith("0"):
            digits = "44" + digits[1:]
        elif len(digits) == 10:
            digits = "1" + digits
        assert same(f"+{digits}" if phone else None, t["phone"]), rid
        assert email or phone, rid
        # money: amounts exact, and a blank currency box means the cell names its currency
        order_cur = canon("order_currency", e[FIELD_HEADER["order_currency"]])
        fee_cur = canon("customs_fees_currency", e[FIELD_HEADER["customs_fees_currency"]])
        for field, box, true_cur in (("order_amount", order_cur, t["order_currency"]),
                                     ("refund_amount", order_cur, t["order_currency"]),
                                     ("customs_fees_paid", fee_cur, t["customs_fees_currency"]),
                                     ("customs_fees_reimbursed", fee_cur, t["customs_fees_currency"])):
            amount, named = read_money(e[FIELD_HEADER[field]])
            assert same(amount, t[field]), (rid, field, e[FIELD_HEADER[field]])
            if not math.isnan(amount) and amount != 0:
                assert (box or named) == true_cur, (rid, field)
                assert named is None or named == true_cur or (named == "USD" and true_cur in ("USD",)), (rid, field)
        assert e[FIELD_HEADER["order_id"]] == t["order_id"]


def test_truth_is_coherent(big):
    _, truth = big
    sub = pd.to_datetime(truth["submitted_at"], format="%Y-%m-%d %H:%M:%S")
    for col in ("order_date", "delivered_date", "claim_date", "customs_paid_date"):
        d = pd.to_datetime(truth[col], format="%Y-%m-%d")
        assert (d.isna() | (d <= sub)).all(), col
    order = pd.to_datetime(truth["order_date"], format="%Y-%m-%d")
    assert (pd.to_datetime(truth["delivered_date"]).isna() | (pd.to_datetime(truth["delivered_date"]) > order)).all()
    assert truth["claim_outcome"][~truth["claim_filed"]].isna().all()
    assert truth["delivered_date"][truth["delivery_status"].isin(["not_delivered", "held_at_customs"])].isna().all()
    # several orders per claimant, and resubmissions of the same order by the same claimant, later
    per = truth.groupby(truth["email"].fillna(truth["phone"]))["order_id"].nunique()
    assert (per > 1).sum() >= 50
    resub = truth[truth["resubmission_of"].notna()]
    assert 20 <= len(resub) <= 60
    first = truth.set_index("intake_id").loc[resub["resubmission_of"]]
    assert list(first["order_id"]) == list(resub["order_id"])
    assert (pd.to_datetime(first["submitted_at"]).to_numpy() < pd.to_datetime(resub["submitted_at"]).to_numpy()).all()
    # realistic mixes, not uniform ones
    outcomes = truth["claim_outcome"].value_counts(normalize=True)
    assert outcomes["denied"] > outcomes["full_refund"] > 0.05 and outcomes["withdrawn"] < 0.12
    assert (truth["country"] == "US").mean() > 0.8


def test_hand_checked_rows():
    export, truth = generate_vendor_b(40, 11)
    e = export.set_index("Response #")
    t = truth.set_index("intake_id")
    for rid, cells, meaning in HAND_CHECKED:
        for header, value in cells.items():
            assert e.loc[rid, header] == value, (rid, header)
        for col, value in meaning.items():
            assert same(t.loc[rid, col], value), (rid, col, t.loc[rid, col])


def test_csv_round_trip_is_exact(big):
    export, _ = big
    buf = io.StringIO()
    export.to_csv(buf, index=False)
    # keep_default_na=False: "N/A" and "" are what the vendor wrote, not pandas' NaN
    back = pd.read_csv(io.StringIO(buf.getvalue()), dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(back, export)
    # with pandas' defaults only the cells that spell "missing" change
    lossy = pd.read_csv(io.StringIO(buf.getvalue()), dtype=str)
    changed = (lossy.fillna("\0") != export)
    assert set(np.unique(export.to_numpy()[changed.to_numpy()])) <= {"", "N/A"}


# generate_vendor_b(40, 11): rows read cell by cell and their meaning written down by hand.
HAND_CHECKED: list[tuple[str, dict[str, str], dict[str, object]]] = [
    ("r2n9b484s6",  # staff re-keyed time (lower-case am, no seconds); a Canadian nonprofit; CAD
     {"Date Submitted": "6/20/2022 3:54 am", "State / Province": "Quebec", "Country you live in": "Canada",
      "Who placed the order?": "Nonprofit", "When did you place the order?": "01/26/2022",
      "How much did you pay in total?": "C$1,561.00", "Currency you paid in": "Canadian Dollar",
      "Where is your order now?": "Arrived damaged",
      "Problems (choose all that apply)": "Had to pay import duties, Not as described",
      "Customs / import duties you paid": "C$410.86", "Date you paid the duties": "3 March 2022",
      "Customs costs paid back to you": "", "What happened with your claim?": "They said no",
      "Amount refunded to you": "0", "Best phone to reach you": "482-555-0121"},
     {"submitted_at": "2022-06-20 03:54:00", "claimant_state": None, "country": "CA", "buyer_type": "other",
      "order_date": "2022-01-26", "order_amount": 1561.0, "order_currency": "CAD", "delivery_status": "delivered",
      "issues": "quality;customs", "customs_fees_paid": 410.86, "customs_fees_currency": "CAD",
      "customs_paid_date": "2022-03-03", "customs_fees_reimbursed": math.nan, "claim_outcome": "denied",
      "refund_amount": 0.0, "phone": "+14825550121"}),
    ("9r7yf4mnin",  # European separators behind a dollar sign; U.K. duties in pounds; denied, blank refund
     {"Date Submitted": "01/22/2023 10:05:56 PM", "How much did you pay in total?": "$956,71",
      "Currency you paid in": "usd", "Was the order placed with Trade Assurance?": "Don't know",
      "Customs / import duties you paid": "GBP 58.62", "Customs costs paid back to you": "£40.14",
      "What happened with your claim?": "closed - no refund", "Amount refunded to you": "",
      "Did you keep receipts, chats or e-mails?": "Not sure", "Country you live in": "United Kingdom"},
     {"submitted_at": "2023-01-22 22:05:56", "order_amount": 956.71, "order_currency": "USD",
      "trade_assurance": None, "customs_fees_paid": 58.62, "customs_fees_reimbursed": 40.14,
      "customs_fees_currency": "GBP", "claim_outcome": "denied", "refund_amount": math.nan,
      "evidence_kept": None, "country": "GB"}),
    ("kh3jryyjis",  # the same claimant sending the same order again, twelve days later
     {"Date Submitted": "12/30/2023 06:08:44 AM", "Your e-mail": "carlos.kim@example.com",
      "Alibaba.com order number": "1779623964074206", "How much did you pay in total?": "$35,370.00",
      "Was the order placed with Trade Assurance?": "TRUE", "Where is your order now?": "Still hasn't arrived",
      "Problems (choose all that apply)": "Never received / Late delivery",
      "Did you open a Trade Assurance claim?": "No", "What happened with your claim?": "N/A",
      "Who placed the order?": "family business"},
     {"submitted_at": "2023-12-30 06:08:44", "resubmission_of": "h6zj2mhmie", "order_amount": 35370.0,
      "trade_assurance": True, "delivery_status": "not_delivered", "issues": "delay;non_delivery",
      "claim_filed": False, "claim_outcome": None, "buyer_type": "small_business"}),
    ("gwzecy4x36",  # form version 2, noon
     {"Date Submitted": "Jun 5, 2024 12:40 PM"}, {"submitted_at": "2024-06-05 12:40:00"}),
    ("6zq5mtv3jj",  # form version 2, just after midnight
     {"Date Submitted": "Dec 3, 2024 12:34 AM", "Where is your order now?": "Lost in transit",
      "Customs / import duties you paid": "-"},
     {"submitted_at": "2024-12-03 00:34:00", "delivery_status": "not_delivered", "customs_fees_paid": math.nan}),
    ("tpcq4irfa8",  # a 50 % refund; duties in dollars with the currency box blank; paid date "unknown"
     {"Date Submitted": "Oct 7, 2025 8:07 AM", "State / Province": "Texas", "Country you live in": "USA",
      "How much did you pay in total?": "3,353.08 USD", "Delivery promised by": "Jun 10, 2025",
      "When did it arrive?": "Jul 16, 2025", "Where is your order now?": "Only part of the order arrived",
      "Customs / import duties you paid": "$95.76", "Duties currency": "", "Date you paid the duties": "unknown",
      "What happened with your claim?": "Partial refund - 50%", "Amount refunded to you": "$1,676.54",
      "Claim opened on": "Aug 27, 2025", "Was the order placed with Trade Assurance?": "No"},
     {"submitted_at": "2025-10-07 08:07:00", "claimant_state": "TX", "country": "US", "order_amount": 3353.08,
      "promised_delivery_date": "2025-06-10", "delivered_date": "2025-07-16", "delivery_status": "partial",
      "customs_fees_paid": 95.76, "customs_fees_currency": "USD", "customs_paid_date": None,
      "claim_outcome": "partial_refund", "refund_amount": 1676.54, "claim_date": "2025-08-27",
      "trade_assurance": False}),
]
