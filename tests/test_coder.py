"""The narrative coder: transparent codes, negations, and its accuracy on the labelled narratives."""

from __future__ import annotations

import pandas as pd
import pytest

from ta_analysis import coder


def codes(text: str) -> set[str]:
    out = coder.code_narratives(pd.Series([text]))
    return set(filter(None, out.loc[0, "codes"].split(";")))


@pytest.mark.parametrize("text, expected", [
    ("The order never arrived and Alibaba denied my refund.", {"non_delivery", "refund_denied", "marketplace_named"}),
    ("The package did arrive. It was damaged.", {"quality"}),
    ("I have not received a response from the seller.", set()),
    ("It never came. Weeks later it finally arrived.", {"delay"}),
    ("Nothing was damaged and delivery was on time.", set()),
    ("I paid customs fees and import duty; Trade Assurance did nothing.", {"customs_fees", "buyer_protection_named"}),
    ("I never recieved my package.", {"non_delivery"}),
    ("My mortgage escrow account is wrong and a late payment was reported.", set()),
    ("I served on active duty.", set()),
])
def test_codes(text, expected):
    assert codes(text) == expected


def test_matched_phrases_show_why():
    out = coder.code_narratives(pd.Series(["Alibaba rejected my claim. The goods never arrived.", None]))
    assert out.loc[0, "matched_phrases"] == "non_delivery: never arrived | refund_denied: rejected my claim | marketplace_named: Alibaba"
    assert out.loc[1, "codes"] == "" and out.loc[1, "matched_phrases"] == ""
    assert (out["codebook_version"] == coder.CODEBOOK_VERSION).all()


def test_coder_meets_precision_and_recall_on_the_labelled_narratives(capsys):
    labelled = coder.labelled_set()
    assert len(labelled) >= 200
    table = coder.validate(labelled)
    with capsys.disabled():
        print("\n" + table[["code", "labelled_yes", "coded_yes", "precision", "recall", "f1", "cohens_kappa"]].to_string(index=False))
    assert (table["precision"] >= 0.9).all() and (table["recall"] >= 0.9).all(), table
    assert (table["labelled_yes"] >= 20).all(), "each code is exercised"
