"""Crosswalks: spellings to canonical values, patterns for free text, unmapped spellings counted."""

from __future__ import annotations

import pandas as pd
import pytest

from ta_analysis import vocab
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


# --- every crosswalk row still maps when it is written another way ------------------------------

def _variants(spelling: str) -> list[str]:
    words = spelling.split()
    return [spelling.upper(), spelling.title(), f"  {spelling}  ", spelling.replace(" ", "  "),
            f"{spelling}!", f"({spelling})", f"{spelling}.", " ".join(reversed(words))]


@pytest.mark.parametrize("vocabulary", sorted(vocab.VOCABULARIES))
def test_every_crosswalk_row_maps_under_case_space_punctuation_and_order_variants(vocabulary):
    loose = vocab.loose_crosswalk(vocabulary)
    rows = vocab.read_crosswalk(vocab.VOCABULARIES[vocabulary])
    failures = []
    for raw, value in zip(rows["raw_value"], rows["canonical_value"]):
        k = vocab.key(pd.Series([raw], dtype="str")).iloc[0]
        if vocab.loose_key(k) not in loose or not any(c.isalnum() for c in raw):
            continue  # a row whose loose form another row with another value shares: exact match only
        variants = pd.Series(_variants(raw), dtype="str")
        got = vocab.map_vocab(variants, vocabulary)
        want = value or None
        for v, g, u in zip(variants, got.values, got.unmapped):
            if u or (None if pd.isna(g) else g) != want:
                failures.append((raw, v, g))
    assert failures == [], failures[:10]
