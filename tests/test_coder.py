"""The narrative coder: what it codes on real-style language, the phrases it keeps, and how it is validated."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from ta_analysis import coder, views
from ta_analysis.config import PROJECT_ROOT


def codes(text: str) -> set[str]:
    out = coder.code_narratives(pd.Series([text]))
    return set(filter(None, out.loc[0, "codes"].split(";")))


def phrases(text: str) -> str:
    return coder.code_narratives(pd.Series([text])).loc[0, "matched_phrases"]


@pytest.mark.parametrize("text, expected", [
    ("The order never arrived and Alibaba denied my refund.",
     {"non_delivery", "refund_sought", "refund_denied", "marketplace_named"}),
    ("The package did arrive. It was damaged.", {"quality"}),
    ("It never came. Weeks later it finally arrived.", set()),
    ("Nothing was damaged and delivery was on time.", set()),
    ("I paid customs fees and import duty; Trade Assurance did nothing.", {"customs_fees", "buyer_protection_named"}),
    ("I never recieved my package.", {"non_delivery"}),
    ("My mortgage escrow account is wrong and a late payment was reported.", set()),
    ("I served on active duty.", set()),
    ("I bought a lamp on AliExpress and paid with Alipay.", {"marketplace_named"}),
])
def test_codes(text, expected):
    assert codes(text) == expected


# -- negation: the cue must be in the match's own clause, just before it -----------------------

@pytest.mark.parametrize("text, has_quality", [
    ("There was no damage to the lamp.", False),
    ("The lamp was not damaged or broken.", False),
    ("The box had no dents, but the lamp inside was broken.", True),  # the "no" is in another clause
    ("No tracking number was given and the glass was cracked.", True),
    ("The lamp wasn't damaged.", False),
    ("The lamp wasn’t damaged.", False),  # a curly apostrophe is the same negation
    ("If the lamp is damaged I will return it.", False),  # a hypothetical is not an event
])
def test_negation_is_scoped_by_clause(text, has_quality):
    assert ("quality" in codes(text)) is has_quality


def test_a_negation_in_one_clause_does_not_cancel_the_next():
    assert "refund_denied" in codes("It never arrived and my refund was denied.")
    assert "delay" not in codes("The shipment was not late.")
    assert "delay" in codes("The shipment was two weeks late.")


# -- company language --------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "The seller stated that the item was damaged in transit.",
    'The merchant wrote: "the lamp was defective when you returned it."',
    "According to the merchant, the lamp was broken by the buyer.",
])
def test_reported_or_quoted_company_claims_are_not_the_consumers(text):
    assert "quality" not in codes(text)


def test_the_consumers_own_words_after_a_company_claim_count():
    assert codes("The seller claimed it was delivered, but it never arrived.") == {"non_delivery"}
    assert "non_delivery" not in codes("The seller claimed it never arrived at their warehouse.")


def test_a_reported_company_decision_counts_for_the_refund_codes():
    assert "refund_denied" in codes("The bank stated that my dispute was denied.")


# -- words of other products -------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "A late payment was reported on my credit report.",
    "They charged me a late fee and reported me 30 days late.",
    "There was a delay in processing my refund.",
])
def test_late_payment_and_slow_processing_are_not_delivery_delay(text):
    assert "delay" not in codes(text)


@pytest.mark.parametrize("text", [
    "I never received my refund.",
    "I never received a response, a letter or a replacement card.",
    "I have not received a credit to my account.",
    "I never received my monthly statements.",
    "I have not received a response from the seller.",
])
def test_never_receiving_a_refund_or_letter_is_not_non_delivery(text):
    assert "non_delivery" not in codes(text)


def test_charges_the_consumer_never_made_are_not_a_purchase():
    # manual G9: nothing was bought, so nothing was not delivered
    assert "non_delivery" not in codes("I did not authorize these charges and never received any merchandise.")
    assert "non_delivery" in codes("I paid for the chair and never received it.")


# -- the three refund states -------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("I requested a refund from the seller.", {"refund_sought"}),
    ("I disputed the charge. The dispute is still under investigation.", {"refund_sought", "refund_pending"}),
    ("I disputed the charge and my dispute was denied.", {"refund_sought", "refund_denied"}),
    # pending is the state at the time of writing: a later denial ends it ...
    ("My claim is still under review. Then they denied my claim.", {"refund_sought", "refund_denied"}),
    # ... and a later open appeal keeps it
    ("They denied my claim. I appealed and it is still under review.", {"refund_sought", "refund_pending", "refund_denied"}),
])
def test_refund_sought_pending_and_denied_are_distinct(text, expected):
    assert codes(text) & {"refund_sought", "refund_pending", "refund_denied"} == expected


# -- matched phrases ---------------------------------------------------------------------------

def test_matched_phrases_show_why():
    out = coder.code_narratives(pd.Series(["Alibaba rejected my claim. The goods never arrived.", None]))
    assert out.loc[0, "matched_phrases"] == ("non_delivery: never arrived | refund_sought: implied by refund_denied | "
                                             "refund_denied: rejected my claim | marketplace_named: Alibaba")
    assert out.loc[1, "codes"] == "" and out.loc[1, "matched_phrases"] == ""
    assert (out["codebook_version"] == coder.CODEBOOK_VERSION).all()


def test_phrases_of_non_ascii_text():
    text = "J’ai payé €200 on Alibaba — the café’s order never arrived, and “the seller” refused to refund."
    assert phrases(text) == ("non_delivery: never arrived | refund_sought: refund | "
                             "refund_denied: refused to refund | marketplace_named: Alibaba")


def _tuning_and_other_texts() -> pd.Series:
    # never the held-out part: its narratives are not read by the tests either
    real = coder.development_data("tuning")["narrative"]
    sample = pd.read_csv(PROJECT_ROOT / "data/raw/sample/cfpb_real/complaints.csv", dtype=str,
                         keep_default_na=False)["Consumer complaint narrative"]
    odd = pd.Series(["Das Paket kam nie an — never arrived. Zoll: customs fees €40 paid.", "Ñandú: the item was broken 😞.",
                     "¿Reembolso? My refund was denied by 支付宝 (Alipay).", "The order 🚚 never came\u00a0and it was damaged."])
    return pd.concat([real, sample, coder.labelled_set()["narrative"], odd], ignore_index=True).astype("str")


def test_every_coded_record_shows_a_phrase_for_every_code():
    text = _tuning_and_other_texts()
    out = coder.code_narratives(text)
    assert out["codes"].ne("").sum() > 300
    for code in coder.CODES:
        coded = out[out[f"code_{code}"]]
        shown = coded["matched_phrases"].str.extract(rf"(?:^| \| ){code}: ([^|]*)", expand=False)
        assert shown.notna().all() and (shown.str.strip() != "").all(), code
    assert (out.loc[out["codes"] == "", "matched_phrases"] == "").all()


def test_each_distinct_narrative_is_coded_once_and_spread_back():
    text = pd.Series(["It never arrived.", None, "It never arrived.", "fine"], index=[10, 11, 12, 13])
    out = coder.code_narratives(text)
    assert out.index.tolist() == [10, 11, 12, 13]
    assert out["code_non_delivery"].tolist() == [True, False, True, False]
    assert out["codes"].tolist() == ["non_delivery", "", "non_delivery", ""]


# -- development data --------------------------------------------------------------------------

def test_split_file_is_the_seeded_split_of_the_data_file():
    folder = PROJECT_ROOT / "data/labelled"
    data = pd.read_csv(folder / coder.DEV_FILE, dtype=str, keep_default_na=False)
    split = pd.read_csv(folder / coder.SPLIT_FILE, dtype=str, keep_default_na=False)
    assert len(data) == 365 and data["Complaint ID"].is_unique
    drawn = coder.split_parts(data["Complaint ID"])
    assert dict(zip(data["Complaint ID"], drawn)) == dict(zip(split["complaint_id"], split["part"]))
    assert split["part"].value_counts().to_dict() == {"tuning": 237, "held_out": 128}


def test_development_data_is_one_part_only():
    tuning = coder.development_data("tuning")
    split = pd.read_csv(PROJECT_ROOT / "data/labelled" / coder.SPLIT_FILE, dtype=str)
    assert set(tuning["complaint_id"]) == set(split.loc[split["part"] == "tuning", "complaint_id"])
    with pytest.raises(ValueError):
        coder.development_data("everything")


def _labels(ids, labeller, positives: dict[str, list[int]]) -> pd.DataFrame:
    frame = pd.DataFrame({"complaint_id": ids, "labeller": labeller})
    for code in coder.CODES:
        frame[f"label_{code}"] = positives.get(code, [0] * len(ids))
    frame["rationale"] = "none: test"
    return frame


def test_a_labels_file_being_written_gives_its_complete_rows(tmp_path):
    _labels(["1", "2"], "C", {}).to_csv(tmp_path / "labels.csv", index=False)
    with open(tmp_path / "labels.csv", "a") as fh:
        fh.write("3,C,1,0\n")  # a row still being written
    assert coder.read_labels(tmp_path / "labels.csv")["complaint_id"].tolist() == ["1", "2"]


# -- validation --------------------------------------------------------------------------------

def _wilson(x, n, z=1.959963984540054):
    p = x / n
    centre, half = (p + z * z / (2 * n)) / (1 + z * z / n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def test_validate_on_a_hand_made_set():
    # coder finds non-delivery in rows 0, 1 and 3; the labels say rows 0, 1 and 2
    narratives = ["It never arrived.", "The parcel never came.", "It is somewhere.", "Nothing has arrived.",
                  "All good.", "Fine."]
    labelled = pd.DataFrame({"narrative": narratives, "label_non_delivery": [1, 1, 1, 0, 0, 0]})
    for code in coder.CODES[1:]:
        labelled[f"label_{code}"] = 0
    table = coder.validate(labelled)
    assert list(table.columns) == coder.COLUMNS
    row = table.set_index("code").loc["non_delivery"]
    assert (row["set"], row["narratives"], row["support"], row["coded_yes"]) == ("given", 6, 3, 3)
    assert (row["true_pos"], row["false_pos"], row["false_neg"]) == (2, 1, 1)
    assert row["precision"] == pytest.approx(2 / 3) and row["recall"] == pytest.approx(2 / 3)
    assert row["f1"] == pytest.approx(2 / 3)
    assert (row["precision_low"], row["precision_high"]) == pytest.approx(_wilson(2, 3))
    assert (row["recall_low"], row["recall_high"]) == pytest.approx(_wilson(2, 3))
    assert (row["f1_low"], row["f1_high"]) == pytest.approx(_wilson(2, 3))
    # observed agreement 4/6, chance agreement 1/2: kappa 1/3
    assert row["kappa"] == pytest.approx(1 / 3)
    assert row["kappa_low"] < 1 / 3 < row["kappa_high"] and -1 <= row["kappa_low"] and row["kappa_high"] <= 1
    assert row["status"].startswith("too few to validate")
    other = table.set_index("code").loc["quality"]
    assert other["support"] == 0 and math.isnan(other["precision"]) and math.isnan(other["kappa"])
    assert (table["codebook_version"] == coder.CODEBOOK_VERSION).all()


def test_kappa_of_perfect_and_of_chance_agreement():
    a = np.array([1, 1, 0, 0, 1, 0, 0, 0])
    assert coder.kappa(a, a)[0] == pytest.approx(1.0)
    assert coder.kappa(a, a)[2] == 1.0  # the interval is clipped to [-1, 1]
    assert coder.kappa(np.array([1, 0, 1, 0]), np.array([1, 1, 0, 0]))[0] == pytest.approx(0.0)
    assert all(math.isnan(x) for x in coder.kappa(np.zeros(5), np.zeros(5)))


@pytest.mark.parametrize("row, ok, words", [
    ({"support": 9, "precision": 1.0, "recall": 1.0, "kappa": 1.0}, False, "too few to validate"),
    ({"support": 10, "precision": 0.85, "recall": 0.75, "kappa": 0.70}, True, "validated"),
    ({"support": 40, "precision": 0.84, "recall": 0.9, "kappa": 0.8}, False, "not validated: precision 0.84 < 0.85"),
    ({"support": 40, "precision": 0.9, "recall": 0.5, "kappa": float("nan")}, False,
     "not validated: recall 0.50 < 0.75, kappa nan < 0.70"),
])
def test_the_targets(row, ok, words):
    got_ok, got_words = coder.status(row)
    assert got_ok is ok and got_words.startswith(words)


def test_synthetic_and_tuning_sets_are_marked_as_seen():
    table = coder.validate(sets=("tuning", "synthetic"))
    assert set(table["set"]) == {"tuning", "synthetic"}
    assert table["seen_while_writing"].all() and table["validated"].isna().all()
    synthetic = table[table["set"] == "synthetic"].set_index("code")
    # the synthetic sets predate the refund_sought and refund_pending codes
    assert synthetic.loc["refund_pending", "status"] == "not labelled in this set"
    assert (synthetic.loc["non_delivery", "narratives"], synthetic.loc["non_delivery", "support"]) == (280, 67)


def test_labeller_agreement_on_hand_made_files(tmp_path):
    ids_held, ids_tune = ["h1", "h2", "h3", "h4"], ["t1", "t2"]
    _labels(ids_held, "A", {"quality": [1, 1, 0, 0]}).to_csv(tmp_path / coder.LABEL_FILES["held_out"], index=False)
    _labels(ids_tune, "C", {"quality": [1, 0]}).to_csv(tmp_path / coder.LABEL_FILES["tuning"], index=False)
    _labels(ids_held + ids_tune[:1] + ["t9"], "B", {"quality": [1, 0, 0, 0, 1, 0]}).to_csv(
        tmp_path / coder.SECOND_LABELS, index=False)
    table = coder.labeller_agreement(tmp_path).set_index(["part", "code"])
    held = table.loc[("held_out", "quality")]
    assert (held["labellers"], held["n"], held["positives_first"], held["positives_second"]) == ("A vs B", 4, 2, 1)
    assert held["agreement"] == pytest.approx(0.75) and held["kappa"] == pytest.approx(0.5)
    assert table.loc[("tuning", "quality"), "n"] == 1  # only the narratives both labelled
    assert table.loc[("both", "quality"), "n"] == 5
    assert math.isnan(table.loc[("held_out", "delay"), "kappa"])  # nobody saw a delay: kappa undefined


# -- the recorded held-out validation, and the marking of unvalidated codes --------------------

def test_recorded_validation_is_current():
    """data/coder_validation.csv is the held-out validation of this codebook version (coder.write_validation)."""
    if not (PROJECT_ROOT / "data/labelled" / coder.LABEL_FILES["held_out"]).exists():
        pytest.skip("no held-out labels in this checkout")
    recorded = coder.read_crosswalk(coder.VALIDATION_FILE)
    assert (recorded["codebook_version"] == coder.CODEBOOK_VERSION).all()
    now = coder.validate(sets=("held_out",))
    assert recorded["code"].tolist() == now["code"].tolist() == coder.CODES
    assert recorded["status"].tolist() == now["status"].tolist()
    for col in ["support", "true_pos", "false_pos", "false_neg"]:
        assert recorded[col].astype(int).tolist() == now[col].astype(int).tolist(), col


def test_code_status_names_every_code():
    status = coder.code_status()
    assert list(status) == coder.CODES
    assert set(coder.unvalidated_codes()) == {c for c, s in status.items() if s != "validated"}
    assert all(s == "validated" or s.startswith(("not validated", "too few")) for s in status.values())


def test_code_counts_mark_unvalidated_codes():
    complaints = pd.DataFrame({"purchase_dispute": [True, False]})
    for code in coder.CODES:
        complaints[f"code_{code}"] = [True, True]
    table = views.code_counts(complaints, coder.CODES)
    assert table["code"].tolist() == coder.CODES
    assert table["validated"].tolist() == [c not in coder.unvalidated_codes() for c in coder.CODES]
    assert table["validation"].tolist() == [coder.code_status()[c] for c in coder.CODES]


def test_validation_tables_for_people():
    narratives = ["It never arrived.", "The parcel never came.", "It is somewhere.", "Nothing has arrived.", "Fine."]
    labelled = pd.DataFrame({"narrative": narratives, "label_non_delivery": [1, 1, 1, 0, 0]})
    for code in coder.CODES[1:]:
        labelled[f"label_{code}"] = 0
    people = coder.validation_for_people(coder.validate(labelled))
    assert list(people.columns) == ["Set", "Code", "Labelled positives", "Coded positives",
                                    "Precision (95% CI)", "Recall (95% CI)", "F1 (95% CI)",
                                    "Kappa, coder vs labeller (95% CI)", "Validated?"]
    row = people.iloc[0]
    assert (row["Code"], row["Labelled positives"], row["Coded positives"]) == ("Non-delivery", "3", "3")
    low, high = _wilson(2, 3)
    assert row["Precision (95% CI)"] == f"66.7% ({100 * low:.1f}% to {100 * high:.1f}%)"
    assert row["Validated?"].startswith("too few to validate")
    assert people.iloc[1]["Precision (95% CI)"] == "n/a"
