"""Synthetic CFPB-format complaint exports (the published column names), seeded."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from ta_analysis.errors import InputError
from ta_analysis.synth.intake import AREA_CODES, _choice
from ta_analysis.synth.mess import STATES

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
