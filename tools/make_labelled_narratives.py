"""Write ``src/ta_analysis/data/labelled_narratives.csv``: synthetic narratives with known codes.

The sentences below were written by hand, the way buyers write complaints (typos included), and
each is labelled with the codes it expresses; a narrative's labels are the union of its
sentences' labels. Distractor sentences say the opposite ("the package did arrive", "the
quality was fine") and carry no label, so the coder's negations are tested. Sentences are
combined with a seeded generator, so the file is reproducible: ``python tools/make_labelled_narratives.py``.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src" / "ta_analysis" / "data" / "labelled_narratives.csv"
CODES = ["non_delivery", "customs_fees", "refund_denied", "quality", "delay", "marketplace_named",
         "buyer_protection_named"]

# (sentence, codes it expresses)
POSITIVE = {
    "non_delivery": [
        "The order never arrived.", "I never received the goods I paid for.", "Nothing was ever delivered to my warehouse.",
        "The shipment never showed up.", "We still have not received the items.", "Tracking stopped updating in March and the parcel was lost.",
        "I never recieved my package.", "The goods were not delivered at all.", "My order has not arrived after four months.",
        "The package was marked delivered but it did not arrive at my address.", "They never shipped the order.",
        "The supplier claimed it shipped but the goods never came.", "It has been 90 days and I have not received anything.",
        "The entire shipment went missing.", "Never got the product.",
    ],
    "customs_fees": [
        "I had to pay customs fees of $450 to get the goods released.", "The shipment was held at customs for labelling.",
        "U.S. Customs rejected the goods because of the labels.", "I paid import duties that the seller promised to cover.",
        "The broker charged me customs clearance fees.", "Customs seized the container.", "I was charged tariffs I never agreed to pay.",
        "The goods were stuck in customs for six weeks.", "I paid the duty and brokerage out of my own pocket.",
        "DHL billed me for import taxes.", "The customs charges were never reimbursed.", "My parcel was detained by customs.",
    ],
    "refund_denied": [
        "My refund request was denied.", "Alibaba rejected my claim.", "The claim was closed in the seller's favor.",
        "They refused to refund me.", "The dispute was declined without explanation.", "The seller will not refund the money.",
        "My Trade Assurance claim was rejected twice.", "They denied my refund even with photos.",
        "Customer service said there would be no refund.", "The platform refused to reimburse the fees.",
        "My chargeback was denied by the card company.", "They won't refund me.",
    ],
    "quality": [
        "The items were the wrong colour.", "Half of the units were damaged.", "The product was not as described.",
        "The quality was terrible and the stitching came apart.", "We received the wrong model.", "Several pieces arrived broken.",
        "The fabric was a different material from the sample.", "The machines were defective and do not work.",
        "The goods were counterfeit.", "It was not what I ordered.", "The size was wrong on every item.",
        "The screens arrived cracked.", "The LEDs were faulty.", "Poor quality, nothing like the pictures.",
    ],
    "delay": [
        "Delivery was six weeks late.", "The supplier kept pushing the ship date back.", "The order was delayed for months.",
        "It arrived long past the promised date.", "There were repeated delays in production.", "Shipping took over 10 weeks.",
        "The shipment was overdue by a month.", "I am still waiting for the rest of the order.", "Their delays cost me the holiday season.",
    ],
    "marketplace_named": [
        "I bought from a supplier on Alibaba.", "I placed the order through Alibaba.com.", "The seller is listed on AliExpress.",
        "I paid through Alipay.", "I used alibaba to find the factory.", "The supplier's store on Ali Express disappeared.",
    ],
    "buyer_protection_named": [
        "The order was covered by Trade Assurance.", "I relied on their buyer protection.", "They advertise a money-back guarantee.",
        "The payment was held in escrow.", "I opened a trade assurance dispute.", "Buyer protection was supposed to cover this.",
    ],
}
# Sentences that also express another code than the one they are listed under.
ALSO = {
    "Alibaba rejected my claim.": {"marketplace_named"},
    "My Trade Assurance claim was rejected twice.": {"buyer_protection_named"},
    "I opened a trade assurance dispute.": set(),
}
# Sentences that look like a code but say the opposite, or say nothing codable.
DISTRACTORS = [
    "The package did arrive, just not what I expected.", "The goods finally arrived after I complained.",
    "The quality was fine.", "Nothing was damaged.", "My claim was not denied; it is still pending.",
    "Delivery was on time.", "The shipment was not late.", "I have not received a response from the seller.",
    "I did not get a refund yet because the claim is still open.", "I contacted the supplier many times.",
    "The supplier stopped answering my messages.", "I have kept every receipt and e-mail.",
    "I run a small business selling home goods.", "I paid by wire transfer.", "The invoice was for 300 units.",
    "This has hurt my business.", "I want my money back.", "I filed a complaint with my bank.",
    "The seller asked me to leave a good review.", "The order was for custom printed packaging.",
]
# Narratives that resolved the issue (negations across sentences).
RECOVERED = [
    ("Tracking showed nothing for weeks. It eventually arrived in May.", set()),
    ("I thought the order was lost. The goods finally arrived last week, two months late.", {"delay"}),
]


def main() -> int:
    rng = random.Random(20231)
    rows = []
    for i in range(240):
        k = rng.choice([0, 1, 1, 2, 2, 2, 3, 3])
        chosen = rng.sample(CODES, k)
        picked = [(rng.choice(POSITIVE[c]), c) for c in chosen]
        sentences: list[tuple[str, set[str]]] = [(t, {c} | ALSO.get(t, set())) for t, c in picked]
        for _ in range(rng.choice([1, 1, 2])):
            d = rng.choice(DISTRACTORS)
            if "arrive" in d and "non_delivery" in chosen:
                continue  # "it did arrive" beside "it never arrived" would be a contradiction
            if ("not late" in d or "on time" in d) and "delay" in chosen:
                continue
            if "quality was fine" in d and "quality" in chosen:
                continue
            if "damaged" in d and "quality" in chosen:
                continue
            if "not denied" in d and "refund_denied" in chosen:
                continue
            sentences.append((d, set()))
        if i % 20 == 7:
            text, labels = rng.choice(RECOVERED)
            sentences = [s for s in sentences if "non_delivery" not in s[1]]
            sentences.append((text, labels))
        rng.shuffle(sentences)
        labels = set().union(*(s[1] for s in sentences)) if sentences else set()
        narrative = " ".join(s for s, _ in sentences) or "I have a problem with my order."
        rows.append({"id": f"L{i + 1:03d}", "narrative": narrative, **{f"label_{c}": int(c in labels) for c in CODES}})
    with open(OUT, "w", newline="", encoding="utf-8") as fh:
        fh.write("# Hand-written, hand-labelled synthetic narratives for validating the narrative coder.\n")
        fh.write("# Made by tools/make_labelled_narratives.py (seeded); labels are the codes each sentence expresses.\n")
        w = csv.DictWriter(fh, fieldnames=["id", "narrative"] + [f"label_{c}" for c in CODES], lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {OUT} ({len(rows)} narratives)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
