"""A second, independent style of intake export ("vendor B"), with the truth behind every cell.

The project's own sample export came from one form tool. Vendor B is another one: a
Typeform/Jotform-like survey ("Tell us what happened with your Alibaba.com order") run by a
different team in a different year, so its headers are questions, its answers are the words
people type or the labels of its own drop-downs, and its dates and times are written the way that
tool writes them. :func:`generate_vendor_b` returns the export (every cell a string, exactly as the
CSV holds it; a blank cell is ``""``) and the truth (one row per export row, the canonical meaning).

Written without reading the cleaner's crosswalks, patterns or tests, on purpose: it is a test of
the cleaner against data it was not written beside.

What the export does
--------------------
* Headers: :data:`HEADERS` (vendor header -> canonical field), in export order.
* Value spellings: :data:`SPELLINGS` (canonical field -> {vendor spelling: canonical value};
  ``None`` means the spelling says "missing"). The first times a canonical value comes up it
  takes each of its spellings once, in a random order, so every spelling occurs once the value
  has occurred as often as it has spellings: with ``rows >= 1000`` nearly always (the rarest
  are non-U.S. currencies). Small exports therefore over-show rare spellings.
* ``Date Submitted``: a 12-hour clock. Submissions before 2024-01-01 (form version 1) are
  ``03/05/2023 02:07:33 PM`` (zero padded, seconds); from 2024 (version 2) ``Mar 5, 2024 2:07 PM``
  (no seconds); a few rows re-keyed by intake staff from phone calls are ``3/5/2024 2:07 pm``.
  Midnight is ``12:xx AM``, noon ``12:xx PM``.
* Date pickers (promised, delivered, claim date): version 1 ``03/05/2023``, version 2
  ``Mar 5, 2024``. Free-text dates (order date, the date customs were paid) are typed by people:
  ``Mar 5, 2024``, ``March 5, 2024``, ``5 March 2024``, ``5 Mar 2024``, ``03/05/2024``,
  ``3/5/2024``, ``2024-03-05``. Slash dates are always U.S. month-first. Missing dates are blank,
  ``unknown``, ``Don't remember``, ``N/A`` or ``-``.
* Money: ``$1,234.50``, ``USD 1,234.50``, ``1234.50``, ``1,234.50``, ``$1234``, ``1,234.50 USD``,
  ``US$1,234.50``, ``$1.234,50`` (European separators, always with two decimals so the value is
  exact; below 1000 that is ``$956,71``), ``¥8,000``, ``RMB 8000``, ``8000 yuan``, ``1.234,50 €``,
  ``€1,234.50``, ``£1,234.50``, ``C$1,234.50``, ``A$1,234.50`` ... (:data:`_MONEY_FORMS`);
  missing: blank, ``N/A``, ``-``, ``not sure``. Zero is ``0``, ``$0``, ``$0.00`` or ``GBP 0``.
  Whole amounts are written with or without ``.00``; others always with two decimals. Where the
  currency column of an amount is blank, the amount names its currency itself (a symbol or a
  code); a bare number always has a filled currency column.
  ``Amount refunded to you`` is in the order's currency, ``Customs costs paid back to you`` in the
  duties' currency (those columns have no currency column of their own).
* ``Problems (choose all that apply)``: everyday phrases joined by ``", "``, ``","`` or ``" / "``.
* Claimants are keyed by e-mail (``@example.com``, typed with varying case and stray spaces) and
  phone (U.S./Canadian ``555-0100``..``555-0199`` numbers in five layouts; U.K. numbers from
  Ofcom's drama range ``020 7946 0xxx``); at least one of the two is present on every row. About
  a quarter of claimants file more than one order, and ~4 % of rows are a claimant submitting the
  same order again later (truth ``resubmission_of`` names the earlier row). Narratives sometimes
  repeat the phone number or e-mail (an identifier leaking into free text).

The truth
---------
Columns: intake_id, submitted_at (``YYYY-MM-DD HH:MM:SS``), email (lower case, trimmed), phone
(E.164), claimant_state (USPS), country (ISO 3166 alpha-2), buyer_type, order_id, order_date,
order_amount, order_currency (ISO 4217), trade_assurance, promised_delivery_date, delivered_date,
delivery_status, issues, customs_fees_paid, customs_fees_currency, customs_paid_date,
customs_fees_reimbursed, claim_filed, claim_date, claim_outcome, refund_amount, evidence_kept,
resubmission_of. Dates are ISO ``YYYY-MM-DD`` strings or missing (the text columns are pandas
``str``, so a missing one reads NaN); amounts are floats in the currency
named beside them (NaN where the cell is blank or says it is missing); booleans are True, False
or None.

The truth is what each *cell* means, not what the class definitions later derive from it: a blank
refund cell on a denied claim is NaN here (the definitions then count it as 0), a full refund with
a blank amount is NaN (the definitions then use the order value).

Assumptions about canonical codes (the BRIEF's table is the source; where it left a choice open):
* ``issues`` codes ``quality``, ``delay``, ``customs``, ``non_delivery``, joined with ``;`` in
  that order (the BRIEF's order); a blank cell is None.
* ``buyer_type``: any answer naming a company form or a trade (``Acme Trading (GmbH)``,
  ``Corp.``, ``LLC``, ``sole proprietor``, ``self-employed``) is ``small_business``; nonprofits,
  schools and churches are ``other``; ``Prefer not to say`` and blank are None.
* ``delivery_status``: ``Arrived damaged`` is ``delivered`` (the damage is a ``quality`` issue);
  ``Not sure`` / ``Unknown`` is ``unknown``; a blank cell is None (missing, not ``unknown``).
* ``claim_outcome``: ``In mediation`` / ``Under review`` are ``pending``; ``closed - no refund``
  and ``Alibaba sided with the seller`` are ``denied``; dropping a claim because the seller
  promised to reship is ``withdrawn``. When no claim was filed the outcome is None.
* ``country``: a blank country with a U.S. state is ``US`` (the BRIEF's rule); non-U.S.
  provinces (``Ontario``, ``England``, ``NSW``, ``Bavaria``) give claimant_state None.
* ``customs_paid_date`` is not a field of the canonical schema; the export has it and so does the
  truth, under that name (:data:`EXTRA_FIELDS`).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

# ---------------------------------------------------------------------------------------------
# Headers, in export order
# ---------------------------------------------------------------------------------------------

HEADERS: dict[str, str] = {
    "Response #": "intake_id",
    "Date Submitted": "submitted_at",
    "Your e-mail": "email",
    "Best phone to reach you": "phone",
    "State / Province": "claimant_state",
    "Country you live in": "claimant_country",
    "Who placed the order?": "buyer_type",
    "Alibaba.com order number": "order_id",
    "Seller (store name)": "supplier_key",
    "When did you place the order?": "order_date",
    "How much did you pay in total?": "order_amount",
    "Currency you paid in": "order_currency",
    "What kind of product was it?": "product_category",
    "Was the order placed with Trade Assurance?": "trade_assurance",
    "Delivery promised by": "promised_delivery_date",
    "When did it arrive?": "delivered_date",
    "Where is your order now?": "delivery_status",
    "Problems (choose all that apply)": "issues",
    "Customs / import duties you paid": "customs_fees_paid",
    "Duties currency": "customs_fees_currency",
    "Date you paid the duties": "customs_paid_date",
    "Customs costs paid back to you": "customs_fees_reimbursed",
    "Did you open a Trade Assurance claim?": "claim_filed",
    "Claim opened on": "claim_date",
    "What happened with your claim?": "claim_outcome",
    "Amount refunded to you": "refund_amount",
    "Why did Alibaba say no?": "denial_reason",
    "Anything else we should know?": "narrative",
    "Did you keep receipts, chats or e-mails?": "evidence_kept",
}
EXTRA_FIELDS = {"customs_paid_date"}  # in HEADERS but not a field of the canonical schema

# ---------------------------------------------------------------------------------------------
# Value spellings: field -> canonical value -> [(spelling, relative frequency)]
# ---------------------------------------------------------------------------------------------

_VARIANTS: dict[str, dict[object, list[tuple[str, float]]]] = {
    "claim_outcome": {
        "full_refund": [("Money returned in full", 4), ("Got all my money back", 3), ("Full refund", 5),
                        ("FULL REFUND RECEIVED", 1), ("Refunded 100%", 1), ("refunded in full", 2)],
        "partial_refund": [("refund (part, 40%)", 2), ("refund (part, 25%)", 1), ("Partially refunded", 5),
                           ("Partial refund - 50%", 2), ("only got some of it back", 2),
                           ("Got about half back", 1)],
        "denied": [("Denied", 6), ("Claim rejected", 4), ("They said no", 2), ("REFUSED", 1),
                   ("Alibaba sided with the seller", 2), ("closed - no refund", 2)],
        "pending": [("Still open", 3), ("Waiting to hear back", 3), ("pending", 3), ("Under review", 2),
                    ("In mediation", 1)],
        "no_response": [("Never heard back", 4), ("No answer from Alibaba", 2), ("no response", 3),
                        ("They ignored it", 1)],
        "withdrawn": [("I withdrew it", 3), ("Withdrawn", 3), ("Cancelled the claim", 2),
                      ("Dropped it (seller promised to reship)", 1)],
    },
    "delivery_status": {
        "delivered": [("Delivered", 6), ("Arrived OK", 3), ("DELIVERED", 2), ("Arrived damaged", 3),
                      ("Got it", 1)],
        "late": [("Arrived late", 6), ("LATE", 2), ("Came weeks after the promised date", 2),
                 ("Delivered late", 3)],
        "not_delivered": [("NEVER SHOWED UP", 3), ("Never arrived", 6), ("not delivered", 3),
                          ("Lost in transit", 2), ("Still hasn't arrived", 2)],
        "partial": [("Only part of the order arrived", 4), ("PARTIAL", 1), ("Some items missing", 3)],
        "held_at_customs": [("Stuck in customs", 5), ("HELD BY CUSTOMS", 2), ("Seized / held at customs", 2),
                            ("CBP rejected it", 1)],
        "unknown": [("Not sure", 3), ("Unknown", 1)],
    },
    "buyer_type": {
        "individual": [("Myself", 5), ("Individual", 4), ("Personal use", 3), ("just me", 1),
                       ("ME (personal)", 1)],
        "small_business": [("My small business", 5), ("Small business", 5), ("sole proprietor", 2),
                           ("Sole Proprietorship", 1), ("LLC", 2), ("Acme Trading (GmbH)", 1), ("Corp.", 1),
                           ("Bright Home Goods Inc.", 1), ("family business", 1), ("Self-employed", 1)],
        "other": [("Nonprofit", 2), ("School / university", 1), ("Other", 2), ("Church group", 1)],
        None: [("Prefer not to say", 1)],
    },
    "trade_assurance": {
        True: [("Yes", 8), ("YES", 1), ("TRUE", 1), ("Yes (it said Trade Assurance)", 2)],
        False: [("No", 6), ("no", 1), ("FALSE", 1)],
        None: [("Not sure", 3), ("Don't know", 1)],
    },
    "claim_filed": {
        True: [("Yes", 8), ("yes", 2), ("Y", 1), ("Yes, I did", 2)],
        False: [("No", 8), ("no", 2), ("N", 1), ("No, didn't bother", 1)],
    },
    "evidence_kept": {
        True: [("Yes", 6), ("Yes, all of it", 2), ("Some of them", 2)],
        False: [("No", 4), ("Deleted them", 1)],
        None: [("Not sure", 1)],
    },
    "issues": {
        "quality": [("Wrong color", 2), ("Not as described", 4), ("Poor quality", 4), ("Damaged goods", 3),
                    ("Wrong size or spec", 2)],
        "delay": [("Shipped late", 3), ("Way past the delivery date", 2), ("Late delivery", 4),
                  ("Took months", 1)],
        "customs": [("Customs fees", 4), ("Held at customs", 3), ("Had to pay import duties", 2),
                    ("CBP hold", 1)],
        "non_delivery": [("Never received", 4), ("Never arrived", 3), ("Package lost", 2),
                         ("Nothing showed up", 1)],
    },
    "claimant_country": {
        "US": [("United States", 6), ("USA", 5), ("US", 2), ("U.S.", 1), ("United States of America", 2)],
        "CA": [("Canada", 1)],
        "GB": [("United Kingdom", 2), ("UK", 1)],
        "AU": [("Australia", 1)],
        "DE": [("Germany", 2), ("Deutschland", 1)],
    },
    "claimant_state": {
        "CA": [("CA", 5), ("California", 4), ("Calif.", 1)],
        "TX": [("TX", 5), ("Texas", 3), ("Tex.", 1)],
        "NY": [("NY", 5), ("New York", 3), ("N.Y.", 1)],
        "FL": [("FL", 5), ("Florida", 3), ("Fla.", 1)],
        "IL": [("IL", 4), ("Illinois", 2)],
        "WA": [("WA", 4), ("Washington", 2), ("Wash.", 1)],
        "NJ": [("NJ", 4), ("New Jersey", 2), ("N.J.", 1)],
        "GA": [("GA", 4), ("Georgia", 2)],
        "OH": [("OH", 4), ("Ohio", 2)],
        "AZ": [("AZ", 3), ("Arizona", 2), ("Ariz.", 1)],
    },
    "order_currency": {
        "USD": [("USD", 8), ("US Dollar ($)", 4), ("usd", 1), ("US$", 1), ("Dollars", 1)],
        "CNY": [("CNY", 2), ("RMB", 3), ("Chinese Yuan (¥)", 2), ("yuan", 1)],
        "EUR": [("EUR", 2), ("Euro (€)", 2), ("euro", 1)],
        "GBP": [("GBP", 2), ("British Pound (£)", 1)],
        "CAD": [("CAD", 2), ("Canadian Dollar", 1)],
        "AUD": [("AUD", 2), ("Australian Dollar", 1)],
    },
    "customs_fees_currency": {
        "USD": [("USD", 6), ("US Dollar ($)", 2), ("usd", 1)],
        "CAD": [("CAD", 1)],
        "GBP": [("GBP", 1)],
        "AUD": [("AUD", 1)],
        "EUR": [("EUR", 1)],
    },
}

SPELLINGS: dict[str, dict[str, object]] = {
    fld: {s: canon for canon, opts in table.items() for s, _ in opts} for fld, table in _VARIANTS.items()
}

# Cells that say "missing", by kind of column (in addition to the blank cell "").
MISSING_DATE = ["unknown", "Don't remember", "N/A", "-"]
MISSING_MONEY = ["N/A", "-", "not sure"]

_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"]
_ISSUE_ORDER = ["quality", "delay", "customs", "non_delivery"]

_STATE_WEIGHTS = {"CA": 18, "TX": 14, "NY": 12, "FL": 11, "IL": 7, "WA": 6, "NJ": 6, "GA": 6, "OH": 5, "AZ": 5}
_PROVINCES = {"CA": ["Ontario", "British Columbia", "Quebec"], "GB": ["England", "Scotland"],
              "AU": ["NSW", "Victoria"], "DE": ["Bavaria", "Berlin"]}
_LOCAL_CURRENCY = {"US": "USD", "CA": "CAD", "GB": "GBP", "AU": "AUD", "DE": "EUR"}
_FIRST = ["jane", "john", "maria", "david", "li", "ahmed", "sarah", "carlos", "emily", "kevin", "priya",
          "tom", "grace", "omar", "linda", "raj", "nina", "paul", "yuki", "olga"]
_LAST = ["doe", "smith", "garcia", "nguyen", "patel", "johnson", "kim", "brown", "lopez", "miller",
         "chen", "davis", "wilson", "khan", "moore"]
_SHOPS = ["purchasing", "orders", "info", "buyer", "office"]
_SUPPLIER_A = ["Shenzhen", "Guangzhou", "Yiwu", "Ningbo", "Dongguan", "Xiamen", "Hangzhou", "Foshan"]
_SUPPLIER_B = ["Brightway", "Goldstar", "Huaxin", "Everbright", "Sunrise", "Topwin", "Jinlong", "Oceanic",
               "Greenleaf", "Unity"]
_SUPPLIER_C = ["Electronics Co., Ltd.", "Trading Co., Ltd.", "Industrial Co., Ltd.", "Technology Co., Ltd.",
               "Import & Export Co.", "Garment Factory"]
_PRODUCTS = [("Electronics", 5), ("Clothing & apparel", 4), ("Machinery / parts", 2), ("Packaging", 2),
             ("Cosmetics", 2), ("Furniture", 2), ("Auto parts", 2), ("Toys", 1), ("Home & garden", 2)]
_DENIAL_REASONS = [("Seller showed a tracking number", 4), ("They said I filed too late", 3),
                   ("Paid outside Trade Assurance", 2), ("Not enough evidence", 3),
                   ("Customs fees are not covered", 2), ("No reason given", 2)]
_NARRATIVES = ["Supplier stopped replying after I paid.", "The seller keeps promising to reship.",
               "I paid the duties myself to get the goods released.",
               "Quality was nothing like the samples they sent.",
               "Alibaba closed my dispute without looking at my photos.",
               "I run a small shop and this wiped out a month of profit."]

_EPOCH = dt.date(2022, 1, 1)
_FORM_V2 = dt.date(2024, 1, 1)


# ---------------------------------------------------------------------------------------------
# Drawing helpers (every draw from the one generator)
# ---------------------------------------------------------------------------------------------


def _pick(rng: np.random.Generator, options: list[tuple[object, float]]):
    w = np.array([o[1] for o in options], dtype=float)
    return options[int(rng.choice(len(options), p=w / w.sum()))][0]


class _Speller:
    """Chooses a spelling for a canonical value: each spelling once (in a random order) the first
    times a value comes up, then by relative frequency. Rare spellings are thus always present."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.decks: dict[tuple[str, object], list[int]] = {}

    def __call__(self, fld: str, canon: object) -> str:
        opts = _VARIANTS[fld][canon]
        deck = self.decks.get((fld, canon))
        if deck is None:
            deck = [int(i) for i in self.rng.permutation(len(opts))]
            self.decks[(fld, canon)] = deck
        if deck:
            return opts[deck.pop()][0]
        return _pick(self.rng, opts)


def _day(rng: np.random.Generator, lo: int, hi: int) -> int:
    return int(rng.integers(lo, hi + 1))


def _iso(d: dt.date | None) -> str | None:
    return None if d is None else d.isoformat()


def _date_cell(d: dt.date, form: str) -> str:
    mon = _MONTHS[d.month - 1]
    return {
        "mdy0": f"{d.month:02d}/{d.day:02d}/{d.year}",
        "mdy": f"{d.month}/{d.day}/{d.year}",
        "mon_d_y": f"{mon[:3]} {d.day}, {d.year}",
        "month_d_y": f"{mon} {d.day}, {d.year}",
        "d_month_y": f"{d.day} {mon} {d.year}",
        "d_mon_y": f"{d.day} {mon[:3]} {d.year}",
        "iso": d.isoformat(),
    }[form]


_TYPED_DATE_FORMS = [("mon_d_y", 4), ("month_d_y", 3), ("d_month_y", 2), ("d_mon_y", 1), ("mdy0", 3),
                     ("mdy", 3), ("iso", 2)]


def _typed_date(rng, d: dt.date | None, p_missing: float = 0.0) -> str:
    """A date a person typed into a free-text box."""
    if d is None:
        return ""
    if rng.random() < p_missing:
        return str(rng.choice(MISSING_DATE))
    return _date_cell(d, _pick(rng, _TYPED_DATE_FORMS))


def _picker_date(rng, d: dt.date | None, v2: bool, p_missing: float = 0.0) -> str:
    """A date from the form's date picker (its format changed with form version 2)."""
    if d is None:
        return ""
    if rng.random() < p_missing:
        return str(rng.choice(MISSING_DATE))
    return _date_cell(d, "mon_d_y" if v2 else "mdy0")


def _clock(ts: dt.datetime, seconds: bool, pad: bool, ampm: str) -> str:
    h12 = ts.hour % 12 or 12
    suffix = "AM" if ts.hour < 12 else "PM"
    if ampm == "lower":
        suffix = suffix.lower()
    hh = f"{h12:02d}" if pad else f"{h12}"
    return f"{hh}:{ts.minute:02d}:{ts.second:02d} {suffix}" if seconds else f"{hh}:{ts.minute:02d} {suffix}"


def _submitted_cell(rng, ts: dt.datetime) -> tuple[str, dt.datetime]:
    """The cell, and the time it says (forms without seconds say :00)."""
    if rng.random() < 0.06:  # re-keyed by intake staff from a phone call
        ts = ts.replace(second=0)
        return f"{ts.month}/{ts.day}/{ts.year} {_clock(ts, False, False, 'lower')}", ts
    if ts.date() < _FORM_V2:
        return f"{ts.month:02d}/{ts.day:02d}/{ts.year} {_clock(ts, True, True, 'upper')}", ts
    ts = ts.replace(second=0)
    return f"{_MONTHS[ts.month - 1][:3]} {ts.day}, {ts.year} {_clock(ts, False, False, 'upper')}", ts


# Money ------------------------------------------------------------------------------------------


def _grouped(x: float, cents: bool) -> str:
    return f"{x:,.2f}" if cents else f"{x:,.0f}"


def _plain(x: float, cents: bool) -> str:
    return f"{x:.2f}" if cents else f"{x:.0f}"


def _european(x: float) -> str:
    return f"{x:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


# currency -> [((prefix, number style, suffix), weight, names its currency by itself)]
# number styles: g = grouped "1,234.50", p = plain "1234.50", eu = European "1.234,50"
_MONEY_FORMS: dict[str, list[tuple[tuple[str, str, str], float, bool]]] = {
    "USD": [(("$", "g", ""), 35, True), (("USD ", "g", ""), 15, True), (("", "p", ""), 20, False),
            (("", "g", ""), 10, False), (("$", "p", ""), 8, True), (("", "g", " USD"), 5, True),
            (("US$", "g", ""), 4, True), (("$", "eu", ""), 3, True)],
    "CNY": [(("¥", "g", ""), 4, False), (("RMB ", "p", ""), 4, True), (("", "g", " CNY"), 2, True),
            (("CNY ", "g", ""), 2, True), (("", "p", " yuan"), 2, True), (("", "p", ""), 3, False)],
    "EUR": [(("", "eu", " €"), 4, True), (("€", "eu", ""), 2, True), (("EUR ", "g", ""), 2, True),
            (("€", "g", ""), 2, True), (("", "p", ""), 2, False)],
    "GBP": [(("£", "g", ""), 5, True), (("GBP ", "g", ""), 2, True), (("", "p", ""), 2, False)],
    "CAD": [(("CAD ", "g", ""), 3, True), (("C$", "g", ""), 3, True), (("", "p", ""), 2, False)],
    "AUD": [(("AUD ", "g", ""), 3, True), (("A$", "g", ""), 3, True), (("", "p", ""), 2, False)],
}


def _render_money(rng, x: float, cur: str, need_self_identifying: bool) -> str:
    """``x`` in ``cur`` as the vendor's box holds it; with ``need_self_identifying`` (the currency
    box is blank) the cell names its currency itself."""
    if x == 0:
        if cur == "USD":
            return str(_pick(rng, [("$0", 1), ("$0.00", 1)] + ([] if need_self_identifying else [("0", 3)])))
        return f"{cur} 0" if need_self_identifying else "0"
    forms = [(f, w) for f, w, ident in _MONEY_FORMS[cur] if ident or not need_self_identifying]
    head, style, tail = _pick(rng, forms)
    cents = (not float(x).is_integer()) or style == "eu" or rng.random() < 0.5
    number = {"g": _grouped(x, cents), "p": _plain(x, cents), "eu": _european(x)}[style]
    return f"{head}{number}{tail}"


def _money_missing(rng) -> str:
    return str(rng.choice(["", *MISSING_MONEY]))


# Identity ---------------------------------------------------------------------------------------


def _email_cell(rng, email: str) -> str:
    u = rng.random()
    if u < 0.78:
        return email
    if u < 0.90:  # typed with capitals
        local, domain = email.split("@")
        return ".".join(p.capitalize() for p in local.split(".")) + "@" + domain.capitalize()
    if u < 0.96:
        return email + " "
    return email.upper()


def _phone_cell(rng, e164: str) -> str:
    if e164.startswith("+44"):
        rest = e164[3:]  # 2079460123
        return str(_pick(rng, [(f"+44 {rest[:2]} {rest[2:6]} {rest[6:]}", 2),
                               (f"0{rest[:2]} {rest[2:6]} {rest[6:]}", 3)]))
    area, pre, line = e164[2:5], e164[5:8], e164[8:]
    return str(_pick(rng, [(f"({area}) {pre}-{line}", 5), (f"{area}-{pre}-{line}", 4), (f"+1 {area} {pre} {line}", 2),
                           (f"{area}.{pre}.{line}", 1), (f"1-{area}-{pre}-{line}", 1)]))


# ---------------------------------------------------------------------------------------------
# The generator
# ---------------------------------------------------------------------------------------------

_TRUTH_COLUMNS = ["intake_id", "submitted_at", "email", "phone", "claimant_state", "country", "buyer_type",
                  "order_id", "order_date", "order_amount", "order_currency", "trade_assurance",
                  "promised_delivery_date", "delivered_date", "delivery_status", "issues", "customs_fees_paid",
                  "customs_fees_currency", "customs_paid_date", "customs_fees_reimbursed", "claim_filed",
                  "claim_date", "claim_outcome", "refund_amount", "evidence_kept", "resubmission_of"]


def _claimants(rng, n: int) -> list[dict]:
    out: list[dict] = []
    used_email: set[str] = set()
    nanp = rng.permutation(800 * 100)[:n]  # (area code, 555-01xx line) pairs, unique per claimant
    uk = rng.permutation(1000)
    for i in range(n):
        country = _pick(rng, [("US", 88), ("CA", 4), ("GB", 3), ("AU", 2), ("DE", 3)])
        btype = _pick(rng, [("individual", 35), ("small_business", 55), ("other", 6), (None, 4)])
        while True:
            if btype == "small_business" and rng.random() < 0.5:
                local = f"{rng.choice(_SHOPS)}.{rng.choice(_SUPPLIER_B).lower()}{_day(rng, 1, 999)}"
            else:
                sep = str(rng.choice([".", "_", ""]))
                local = f"{rng.choice(_FIRST)}{sep}{rng.choice(_LAST)}"
                if rng.random() < 0.4:
                    local += str(_day(rng, 1, 99))
            email = f"{local}@example.com"
            if email not in used_email:
                used_email.add(email)
                break
        if country in ("US", "CA"):
            k = int(nanp[i])
            area = 200 + k // 100
            if area % 100 == 11 or area // 10 % 10 == 9:  # N11 and N9X are not area codes
                area = 312
            phone = f"+1{area}5550{100 + k % 100}"
        elif country == "GB":
            phone = f"+44207946{int(uk[i % 1000]):04d}"
        else:
            phone = None
        state = _pick(rng, list(_STATE_WEIGHTS.items())) if country == "US" else None
        out.append({"email": email, "phone": phone, "country": country, "state": state, "buyer_type": btype,
                    "province": str(rng.choice(_PROVINCES[country])) if country != "US" else None})
    # phones are unique per claimant only among the U.S./Canadian ones; fix the rare clash
    seen: dict[str, int] = {}
    for c in out:
        if c["phone"] is not None and c["phone"] in seen:
            c["phone"] = None
        elif c["phone"] is not None:
            seen[c["phone"]] = 1
    return out


def _order(rng, claimant: dict, supplier_pool: list[str]) -> dict:
    """One order's canonical facts."""
    o: dict = {}
    o["order_date"] = _EPOCH + dt.timedelta(days=_day(rng, 0, 1276))  # to 2025-06-30
    local = _LOCAL_CURRENCY[claimant["country"]]
    if claimant["country"] == "US":
        cur = _pick(rng, [("USD", 90), ("CNY", 10)])
    else:
        cur = _pick(rng, [(local, 60), ("USD", 40)])
    amount = float(np.exp(rng.normal(7.2, 1.1)))
    amount = min(max(amount, 25.0), 150_000.0)
    if cur == "CNY":
        amount *= 7.1
    amount = float(round(amount)) if rng.random() < 0.4 else round(amount, 2)
    o["order_currency"], o["order_amount"] = cur, amount
    o["trade_assurance"] = _pick(rng, [(True, 80), (False, 8), (None, 12)])
    o["promised"] = o["order_date"] + dt.timedelta(days=_day(rng, 15, 75))
    status = _pick(rng, [("delivered", 30), ("late", 20), ("not_delivered", 22), ("partial", 7),
                         ("held_at_customs", 12), ("unknown", 5), (None, 4)])
    o["delivery_status"] = status
    p = o["promised"]
    delivered = {"delivered": lambda: p + dt.timedelta(days=_day(rng, -12, 0)),
                 "late": lambda: p + dt.timedelta(days=_day(rng, 5, 90)),
                 "partial": lambda: p + dt.timedelta(days=_day(rng, -5, 40))}.get(status)
    o["delivered"] = delivered() if delivered else None
    # customs
    paid_fees = rng.random() < (0.85 if status == "held_at_customs" else 0.12 if claimant["country"] == "US" else 0.3)
    if paid_fees:
        fee_cur = "USD" if claimant["country"] == "US" else _LOCAL_CURRENCY[claimant["country"]]
        fee = round(float(np.exp(rng.normal(5.3, 0.8))), 2)
        if rng.random() < 0.3:
            fee = float(round(fee))
        o["fees"], o["fee_currency"] = fee, fee_cur
        o["fees_date"] = o["order_date"] + dt.timedelta(days=_day(rng, 10, (p - o["order_date"]).days + 20))
        r = rng.random()
        o["reimbursed"] = (None if r < 0.45 else 0.0 if r < 0.70 else fee if r < 0.80
                           else round(fee * float(rng.uniform(0.2, 0.8)), 2))
    else:
        o["fees"] = o["fee_currency"] = o["fees_date"] = o["reimbursed"] = None
    # issues
    issues: set[str] = set()
    if status == "delivered":
        if rng.random() < 0.85 or not paid_fees:  # with fees paid, customs may be the only trouble
            issues.add("quality")
    elif status == "late":
        issues.add("delay")
        if rng.random() < 0.4:
            issues.add("quality")
    elif status == "not_delivered":
        issues.add("non_delivery")
        if rng.random() < 0.3:
            issues.add("delay")
    elif status == "partial":
        issues.add(_pick(rng, [("quality", 5), ("non_delivery", 4), ("delay", 2)]))
        if rng.random() < 0.3:
            issues.add("delay")
    elif status == "held_at_customs":
        issues.add("customs")
        if rng.random() < 0.4:
            issues.add("non_delivery")
    else:
        issues.add(_pick(rng, [("quality", 3), ("delay", 2), ("non_delivery", 2)]))
    if paid_fees:
        issues.add("customs")
    o["issues"] = [i for i in _ISSUE_ORDER if i in issues]
    # the claim
    o["claim_filed"] = rng.random() < 0.75
    start = max(d for d in (o["order_date"] + dt.timedelta(days=10), p, o["delivered"]) if d is not None)
    o["claim_date"] = start + dt.timedelta(days=_day(rng, 0, 60)) if o["claim_filed"] else None
    o["claim_outcome"] = _pick(rng, [("full_refund", 12), ("partial_refund", 13), ("denied", 42), ("pending", 13),
                                     ("no_response", 14), ("withdrawn", 6)]) if o["claim_filed"] else None
    o["supplier"] = supplier_pool[int(rng.integers(len(supplier_pool)))]
    o["order_id"] = str(int(rng.integers(1, 3))) + "".join(str(int(d)) for d in rng.integers(0, 10, 15))
    o["product"] = _pick(rng, _PRODUCTS)
    o["evidence_kept"] = _pick(rng, [(True, 70), (False, 20), (None, 10)])
    last = max(d for d in (o["claim_date"], o["delivered"], o["fees_date"], o["order_date"] + dt.timedelta(days=20))
               if d is not None)
    o["submitted"] = dt.datetime.combine(last + dt.timedelta(days=_day(rng, 1, 120)), dt.time()) + dt.timedelta(
        seconds=int(rng.integers(0, 86400)))
    return o


def _render(rng, spell: _Speller, c: dict, o: dict) -> tuple[dict, dict]:
    """One export row (vendor cells) and its truth row."""
    cell: dict[str, str] = {}
    truth: dict[str, object] = {}
    v2 = o["submitted"].date() >= _FORM_V2
    cell["submitted_at"], said = _submitted_cell(rng, o["submitted"])
    truth["submitted_at"] = said.strftime("%Y-%m-%d %H:%M:%S")
    # identity: at least one of e-mail and phone
    show_email = c["phone"] is None or rng.random() < 0.92
    show_phone = c["phone"] is not None and (not show_email or rng.random() < 0.7)
    cell["email"] = _email_cell(rng, c["email"]) if show_email else ""
    cell["phone"] = _phone_cell(rng, c["phone"]) if show_phone else ""
    truth["email"] = c["email"] if show_email else None
    truth["phone"] = c["phone"] if show_phone else None
    # where
    if c["country"] == "US":
        blank_state = rng.random() < 0.03
        cell["claimant_state"] = "" if blank_state else spell("claimant_state", c["state"])
        truth["claimant_state"] = None if blank_state else c["state"]
        blank_country = not blank_state and rng.random() < 0.25
        cell["claimant_country"] = "" if blank_country else spell("claimant_country", "US")
    else:
        cell["claimant_state"] = c["province"] if rng.random() < 0.8 else ""
        truth["claimant_state"] = None
        cell["claimant_country"] = spell("claimant_country", c["country"])
    truth["country"] = c["country"]
    if c["buyer_type"] is None:
        cell["buyer_type"] = spell("buyer_type", None) if rng.random() < 0.5 else ""
    else:
        cell["buyer_type"] = spell("buyer_type", c["buyer_type"])
    truth["buyer_type"] = c["buyer_type"]
    cell["order_id"] = truth["order_id"] = o["order_id"]
    cell["supplier_key"] = o["supplier"]
    truth["order_date"] = _iso(o["order_date"])
    cell["order_date"] = _typed_date(rng, o["order_date"])
    # what was paid
    cur_blank = rng.random() < 0.25
    if rng.random() < 0.03:
        cell["order_amount"] = _money_missing(rng)
        truth["order_amount"] = np.nan
        cur_blank = False  # a missing amount keeps its currency box filled
    else:
        cell["order_amount"] = _render_money(rng, o["order_amount"], o["order_currency"], cur_blank)
        truth["order_amount"] = o["order_amount"]
    cell["order_currency"] = "" if cur_blank else spell("order_currency", o["order_currency"])
    truth["order_currency"] = o["order_currency"]
    cell["product_category"] = o["product"] if rng.random() < 0.95 else ""
    ta = o["trade_assurance"]
    cell["trade_assurance"] = "" if (ta is None and rng.random() < 0.3) else spell("trade_assurance", ta)
    truth["trade_assurance"] = ta
    truth["promised_delivery_date"] = _iso(o["promised"])
    cell["promised_delivery_date"] = _picker_date(rng, o["promised"], v2)
    if rng.random() < 0.06:
        cell["promised_delivery_date"], truth["promised_delivery_date"] = "", None
    cell["delivered_date"] = _picker_date(rng, o["delivered"], v2, p_missing=0.08)
    truth["delivered_date"] = _iso(o["delivered"]) if cell["delivered_date"] not in ("", *MISSING_DATE) else None
    st = o["delivery_status"]
    cell["delivery_status"] = "" if st is None else spell("delivery_status", st)
    truth["delivery_status"] = st
    # issues
    if rng.random() < 0.03:
        cell["issues"], truth["issues"] = "", None
    else:
        phrases = [spell("issues", i) for i in o["issues"]]
        phrases = [phrases[int(k)] for k in rng.permutation(len(phrases))]
        sep = _pick(rng, [(", ", 6), (",", 2), (" / ", 3)])
        cell["issues"], truth["issues"] = sep.join(phrases), ";".join(o["issues"])
    # customs
    if o["fees"] is None:
        cell["customs_fees_paid"] = str(_pick(rng, [("", 8), ("0", 2), ("-", 1), ("N/A", 1)]))
        truth["customs_fees_paid"] = 0.0 if cell["customs_fees_paid"] == "0" else np.nan
        cell["customs_fees_currency"], truth["customs_fees_currency"] = "", None
        cell["customs_paid_date"], truth["customs_paid_date"] = "", None
        cell["customs_fees_reimbursed"], truth["customs_fees_reimbursed"] = "", np.nan
    else:
        fcur = o["fee_currency"]
        fcur_blank = rng.random() < (0.6 if fcur == "USD" else 0.15)  # abroad, people say which currency
        cell["customs_fees_currency"] = "" if fcur_blank else spell("customs_fees_currency", fcur)
        truth["customs_fees_currency"] = fcur
        cell["customs_fees_paid"] = _render_money(rng, o["fees"], fcur, fcur_blank)
        truth["customs_fees_paid"] = o["fees"]
        cell["customs_paid_date"] = _typed_date(rng, o["fees_date"], p_missing=0.15)
        truth["customs_paid_date"] = (_iso(o["fees_date"]) if cell["customs_paid_date"] not in MISSING_DATE
                                      else None)
        r = o["reimbursed"]
        if r is None:
            cell["customs_fees_reimbursed"] = _money_missing(rng) if rng.random() < 0.3 else ""
            truth["customs_fees_reimbursed"] = np.nan
        else:
            cell["customs_fees_reimbursed"] = _render_money(rng, r, fcur, fcur_blank)
            truth["customs_fees_reimbursed"] = r
    # the claim
    filed = o["claim_filed"]
    cell["claim_filed"] = spell("claim_filed", filed)
    truth["claim_filed"] = filed
    cell["claim_date"] = _picker_date(rng, o["claim_date"], v2, p_missing=0.08)
    truth["claim_date"] = _iso(o["claim_date"]) if cell["claim_date"] not in ("", *MISSING_DATE) else None
    outcome = o["claim_outcome"]
    truth["claim_outcome"] = outcome
    refund: float | None = None
    if outcome is None:
        cell["claim_outcome"] = "N/A" if rng.random() < 0.1 else ""
    else:
        cell["claim_outcome"] = spell("claim_outcome", outcome)
    amount = o["order_amount"]
    if outcome == "full_refund":
        refund = amount if rng.random() < 0.7 else None
    elif outcome == "partial_refund":
        text = cell["claim_outcome"]
        pct = (40 if "40%" in text else 25 if "25%" in text else 50 if ("50%" in text or "half" in text)
               else int(rng.integers(1, 10)) * 10)
        refund = round(amount * pct / 100, 2) if rng.random() < 0.9 else None
    elif outcome == "denied":
        refund = 0.0 if rng.random() < 0.3 else None
    cur_needs_marker = cell["order_currency"] == ""
    if refund is None:
        cell["refund_amount"] = ("N/A" if outcome is not None and rng.random() < 0.2 else "")
        truth["refund_amount"] = np.nan
    else:
        cell["refund_amount"] = _render_money(rng, refund, o["order_currency"], cur_needs_marker)
        truth["refund_amount"] = refund
    cell["denial_reason"] = (str(_pick(rng, _DENIAL_REASONS)) if outcome == "denied" and rng.random() < 0.7 else "")
    narrative = str(rng.choice(_NARRATIVES)) if rng.random() < 0.6 else ""
    if narrative and rng.random() < 0.15:
        leak = (f" Call me at {_phone_cell(rng, c['phone'])}." if c["phone"] is not None and rng.random() < 0.6
                else f" Best to e-mail me at {c['email']}.")
        narrative += leak
    cell["narrative"] = narrative
    ev = o["evidence_kept"]
    cell["evidence_kept"] = "" if (ev is None and rng.random() < 0.5) else spell("evidence_kept", ev)
    truth["evidence_kept"] = ev
    return cell, truth


def _resubmit(rng, o: dict) -> dict:
    """The same order sent again later, perhaps with news about the claim."""
    again = dict(o)
    again["submitted"] = o["submitted"] + dt.timedelta(days=_day(rng, 1, 45), seconds=int(rng.integers(0, 86400)))
    if o["claim_outcome"] in ("pending", "no_response") and rng.random() < 0.6:
        again["claim_outcome"] = _pick(rng, [("denied", 5), ("partial_refund", 2), ("full_refund", 1)])
    return again


def generate_vendor_b(rows: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A vendor-B intake export of ``rows`` submissions and its truth, deterministic in ``seed``.

    Returns:
        (export, truth): ``export`` has the columns of :data:`HEADERS` (all strings, ``""`` for a
        blank cell), in submission order; ``truth`` has one row per export row, in the same order,
        with the canonical meaning of each cell (see the module docstring).
    """
    if rows < 0:
        raise ValueError("rows must be >= 0")
    rng = np.random.default_rng(seed)
    spell = _Speller(rng)
    n_resub = int(round(rows * 0.04)) if rows >= 10 else 0
    n_orders = rows - n_resub
    # claimants and how many orders each filed
    per: list[int] = []
    while sum(per) < n_orders:
        per.append(int(_pick(rng, [(1, 75), (2, 15), (3, 6), (4, 2), (5, 1), (6, 1)])))
    if per:
        per[-1] -= sum(per) - n_orders
    claimants = _claimants(rng, len(per))
    suppliers = [f"{a} {b} {c}" for a in _SUPPLIER_A for b in _SUPPLIER_B for c in _SUPPLIER_C]
    suppliers = [suppliers[int(i)] for i in rng.permutation(len(suppliers))[:60]]
    orders: list[tuple[int, dict, int | None]] = []  # (claimant index, order, index of the original)
    used_ids: set[str] = set()
    for ci, k in enumerate(per):
        for _ in range(k):
            o = _order(rng, claimants[ci], suppliers)
            while o["order_id"] in used_ids:
                o["order_id"] = str(int(o["order_id"]) + 1)
            used_ids.add(o["order_id"])
            orders.append((ci, o, None))
    for j in rng.permutation(len(orders))[:n_resub] if orders else []:
        ci, o, _ = orders[int(j)]
        orders.append((ci, _resubmit(rng, o), int(j)))
    order_idx = sorted(range(len(orders)), key=lambda i: (orders[i][1]["submitted"], i))
    # response ids: short tokens, as survey tools issue them
    alphabet = np.array(list("abcdefghijkmnpqrstuvwxyz23456789"))
    ids: list[str] = []
    seen: set[str] = set()
    while len(ids) < len(orders):
        tok = "".join(alphabet[rng.integers(0, len(alphabet), 10)])
        if tok not in seen:
            seen.add(tok)
            ids.append(tok)
    id_of = {orig: ids[pos] for pos, orig in enumerate(order_idx)}
    cells, truths = [], []
    for pos, i in enumerate(order_idx):
        ci, o, original = orders[i]
        cell, truth = _render(rng, spell, claimants[ci], o)
        cell["intake_id"] = truth["intake_id"] = ids[pos]
        truth["resubmission_of"] = id_of[original] if original is not None else None
        cells.append(cell)
        truths.append(truth)
    by_field = {f: h for h, f in HEADERS.items()}
    export = pd.DataFrame({h: pd.Series([c[f] for c in cells], dtype="str") for f, h in
                           ((f, by_field[f]) for f in HEADERS.values())}, columns=list(HEADERS))
    truth_frame = pd.DataFrame({col: [t[col] for t in truths] for col in _TRUTH_COLUMNS}, columns=_TRUTH_COLUMNS)
    for col in ("order_amount", "customs_fees_paid", "customs_fees_reimbursed", "refund_amount"):
        truth_frame[col] = truth_frame[col].astype("float64")
    for col in ("trade_assurance", "evidence_kept"):
        truth_frame[col] = truth_frame[col].astype(object)
    truth_frame["claim_filed"] = truth_frame["claim_filed"].astype(bool)
    return export, truth_frame
