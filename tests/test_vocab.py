"""Crosswalks: spellings to canonical values, patterns for free text, unmapped spellings counted."""

from __future__ import annotations

import pandas as pd
import pytest

from ta_analysis.vocab import CATEGORIES, VOCABULARIES, crosswalk, map_boolean, map_vocab, unmapped_report


@pytest.mark.parametrize("vocabulary", list(VOCABULARIES))
def test_crosswalks_load_and_map_into_their_categories(vocabulary):
    table = crosswalk(vocabulary)
    assert table
    if vocabulary in CATEGORIES:
        assert {v for v in table.values() if v} <= set(CATEGORIES[vocabulary])


@pytest.mark.parametrize("raw, expected", [
    ("Refund denied", "denied"), ("REJECTED", "denied"), ("closed - seller won", "denied"),
    ("Partial refund (50%)", "partial_refund"), ("still waiting", "pending"),
    ("no reply from alibaba", "no_response"), ("  Full   Refund ", "full_refund"),
    ("Claim was declined by TA", "denied"), ("Withdrew it myself", "withdrawn"),
])
def test_claim_outcomes(raw, expected):
    assert map_vocab(pd.Series([raw]), "claim_outcome").values.iloc[0] == expected


def test_booleans_with_known_missing():
    r = map_boolean(pd.Series(["Yes", "n", "TRUE", "1", "Not sure", None, "maybe?"]))
    assert r.values.tolist() == [True, False, True, True, pd.NA, pd.NA, pd.NA]
    assert r.unmapped.tolist() == [False, False, False, False, False, False, True]


def test_states():
    r = map_vocab(pd.Series(["CA", "California", "calif.", " ca ", "Calif", "Ontario"]), "us_state")
    assert r.values.tolist()[:5] == ["CA"] * 5
    assert r.unmapped.tolist() == [False] * 5 + [True]


def test_unmapped_report_counts_each_spelling():
    s = pd.Series(["??", "Delivered", "??", "ask supplier"])
    r = map_vocab(s, "delivery_status")
    rep = unmapped_report(s, r.unmapped, "delivery_status")
    assert rep.values.tolist() == [["delivery_status", "??", 2], ["delivery_status", "ask supplier", 1]]


def test_map_category_keeps_the_vocabulary_order_and_flags_unmapped():
    from ta_analysis.vocab import map_category

    r = map_category(pd.Series(["Denied", None, "no idea at all", "Full refund"], dtype="str"), "claim_outcome")
    assert list(r.values.cat.categories) == CATEGORIES["claim_outcome"]
    assert r.values.tolist()[0] == "denied" and r.values.tolist()[3] == "full_refund"
    assert r.values.isna().tolist() == [False, True, True, False]
    assert r.unmapped.tolist() == [False, False, True, False]
