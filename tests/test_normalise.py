"""Normalisation against the synthetic truth, and on small hand-checked frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ta_analysis import config
from ta_analysis.errors import InputError
from ta_analysis.normalise import normalise_exports
from ta_analysis.synth import generate, write_export

COMPARED = ["intake_id", "submitted_at", "claimant_state", "claimant_country", "buyer_type", "order_id",
            "supplier_key", "order_date", "order_amount", "order_currency", "product_category",
            "trade_assurance", "promised_delivery_date", "delivered_date", "delivery_status", "issues",
            "customs_fees_paid", "customs_fees_currency", "customs_fees_reimbursed", "claim_filed",
            "claim_date", "claim_outcome", "refund_amount", "denial_reason", "evidence_kept"]


def as_truth_text(s: pd.Series, fld: str) -> pd.Series:
    """A normalised column written the way the truth file writes it."""
    if fld == "submitted_at":
        s = s.dt.strftime("%Y-%m-%d %H:%M:%S")
    elif fld.endswith("_date"):
        s = s.dt.strftime("%Y-%m-%d")
    elif fld in ("trade_assurance", "claim_filed", "evidence_kept"):
        s = s.map({True: "true", False: "false"})
    elif s.dtype == "float64":
        s = s.round(2).map(lambda v: f"{v:.2f}", na_action="ignore")
    return s.astype(object).where(s.notna(), None)


@pytest.fixture(scope="module")
def normalised():
    return normalise_exports([config.SAMPLE_EXPORT])


def test_sample_matches_truth_field_by_field(normalised, sample_truth, capsys):
    f, truth = normalised.frame, sample_truth
    assert len(f) == len(truth)
    junk = truth["truth_quarantined"].to_numpy()
    rows = []
    for fld in COMPARED:
        got = as_truth_text(f[fld], fld)
        want = as_truth_text(truth[fld], fld) if truth[fld].dtype == "float64" else truth[fld].astype(object).where(truth[fld].notna(), None)
        equal = np.array([a == b for a, b in zip(got, want)])
        accuracy = equal[~junk].mean()
        unparseable = truth["truth_unparseable"].str.split(";").apply(lambda x, fld=fld: fld in x).to_numpy()
        reported = f["_row"].isin(normalised.problems.loc[normalised.problems["field"] == fld, "_row"]).to_numpy()
        unexplained = ~equal & ~junk & ~unparseable & ~reported
        rows.append((fld, accuracy, int((~equal & ~junk).sum()), int(unexplained.sum())))
        assert accuracy >= 0.995, f"{fld}: {accuracy:.4f}"
        assert not unexplained.any(), f"{fld}: rows {np.flatnonzero(unexplained)[:5]} differ unexplained"
    with capsys.disabled():
        print("\nfield                      accuracy  mismatches  unexplained")
        for fld, acc, mism, unexp in rows:
            print(f"{fld:<26} {acc:8.4f}  {mism:10d}  {unexp:11d}")


def test_every_unparseable_truth_cell_is_reported(normalised, sample_truth):
    p = normalised.problems
    for i, fields in sample_truth["truth_unparseable"].items():
        for fld in filter(None, fields.split(";")):
            # A currency named only by its amount is lost with the garbled amount: that is the problem reported.
            expected = {"order_currency": [fld, "order_amount"],
                        "customs_fees_currency": [fld, "customs_fees_paid"]}.get(fld, [fld])
            row = normalised.frame.at[i, "_row"]
            assert ((p["_row"] == row) & p["field"].isin(expected)).any(), (i, fld)


def test_issue_booleans(normalised, sample_truth):
    f = normalised.frame
    for name in ["quality", "delay", "customs", "non_delivery"]:
        want = sample_truth["issues"].fillna("").str.split(";").apply(lambda x, n=name: n in x)
        got = f[f"issue_{name}"].fillna(False).astype(bool)
        assert (got.to_numpy() == want.to_numpy())[~sample_truth["truth_quarantined"].to_numpy()].all()


def test_usd_amounts_keep_rate_and_rate_date(normalised):
    f = normalised.frame
    converted = f["order_amount_usd"].notna()
    assert converted.mean() > 0.99
    assert f.loc[converted, "fx_rate"].notna().all()
    dated = converted & f["order_date"].notna()
    assert (f.loc[dated, "fx_rate_date"].notna()).all()
    assert f.loc[f["order_date"].isna() & converted, "order_currency"].eq("USD").all(), "only USD needs no date"
    usd = converted & (f["order_currency"] == "USD")
    assert (f.loc[usd, "order_amount_usd"] == f.loc[usd, "order_amount"].round(2)).all()
    cny = converted & (f["order_currency"] == "CNY")
    assert f.loc[cny, "fx_rate"].between(0.12, 0.17).all(), "USD per yuan"
    assert (f.loc[dated, "fx_rate_date"] <= f.loc[dated, "order_date"]).all()


def test_unmapped_spellings_are_reported_with_counts(normalised):
    u = normalised.unmapped_spellings()
    assert list(u.columns) == ["field", "raw_value", "count", "problem"]
    assert (u["count"] >= 1).all()
    assert {"trade_assurance", "delivery_status"} <= set(u["field"])


def test_several_files_are_stacked_keeping_file_and_row(tmp_path):
    a, _ = generate(30, 1)
    b, _ = generate(20, 2)
    write_export(a, tmp_path / "a.csv")
    write_export(b.iloc[:, ::-1], tmp_path / "b.xlsx")  # other column order, other format
    n = normalise_exports([tmp_path / "a.csv", tmp_path / "b.xlsx"])
    assert len(n.frame) == 50
    assert n.frame["_source_file"].tolist() == ["a.csv"] * 30 + ["b.xlsx"] * 20
    assert n.frame["_source_row"].tolist() == list(range(2, 32)) + list(range(4, 24))
    assert [i["file"] for i in n.inputs] == ["a.csv", "b.xlsx"]
    assert n.frame["_row"].tolist() == list(range(50))


def test_two_inputs_with_one_name_are_refused(tmp_path):
    (tmp_path / "x").mkdir()
    a, _ = generate(5, 1)
    write_export(a, tmp_path / "a.csv")
    write_export(a, tmp_path / "x" / "a.csv")
    with pytest.raises(InputError, match="share the file name 'a.csv'"):
        normalise_exports([tmp_path / "a.csv", tmp_path / "x" / "a.csv"])


def test_currency_conflict_and_default_currency(tmp_path):
    from ta_analysis.schema import Mapping

    p = tmp_path / "x.csv"
    p.write_text("Submission ID,Submitted At,Email,Order ID,Order Date,Amount paid,Currency\n"
                 "1,2023-05-01,a@example.com,O1,2023-04-05,¥800,USD\n"
                 "2,2023-05-01,b@example.com,O2,2023-04-05,800,\n"
                 "3,2023-05-01,c@example.com,O3,2023-04-05,800,rmb\n", encoding="utf-8")
    n = normalise_exports([p])
    assert pd.isna(n.frame["order_currency"].iloc[0])
    conflict = n.problems[n.problems["field"] == "order_currency"]
    assert conflict["problem"].tolist() == ["the amount says CNY, the currency column says USD"]
    assert conflict["raw_value"].tolist() == ["USD"]
    usd = n.problems[n.problems["field"] == "order_amount_usd"]
    assert usd[["_source_row", "problem"]].values.tolist() == [[2, "no currency"], [3, "no currency"]]
    assert n.frame["order_currency"].iloc[2] == "CNY"
    m = normalise_exports([p], Mapping(default_currency="USD"))
    assert m.frame["order_currency"].tolist()[1:] == ["USD", "CNY"]


def test_as_of_defaults_to_latest_submission_and_bounds_dates(tmp_path):
    from datetime import date

    p = tmp_path / "x.csv"
    p.write_text("Submission ID,Submitted At,Email,Order ID,Order Date,Amount paid\n"
                 "1,2023-05-01 10:00:00,a@example.com,O1,2023-04-05,$5\n"
                 "2,2023-06-01 09:00:00,b@example.com,O2,2023-06-02,$5\n", encoding="utf-8")
    n = normalise_exports([p])
    assert n.as_of == date(2023, 6, 1)
    bad = n.problems[n.problems["field"] == "order_date"]
    assert bad[["_source_row", "raw_value", "problem"]].values.tolist() == [[3, "2023-06-02", "after the as-of date 2023-06-01"]]
    n = normalise_exports([p], as_of=date(2023, 5, 15))
    assert n.problems[n.problems["field"] == "submitted_at"]["problem"].tolist() == ["after the as-of date 2023-05-15"]


def test_typing_does_not_depend_on_the_number_of_threads(monkeypatch):
    """Field groups are typed on threads; their columns and problems go back in one fixed order."""
    from ta_analysis import normalise as normalise_module

    results = []
    for threads in (1, 2, 5):
        monkeypatch.setattr(normalise_module, "TYPING_THREADS", threads)
        results.append(normalise_exports([config.SAMPLE_EXPORT]))
    for other in results[1:]:
        pd.testing.assert_frame_equal(results[0].frame, other.frame)
        pd.testing.assert_frame_equal(results[0].problems, other.problems)
        assert list(results[0].frame.columns) == list(other.frame.columns)


def test_day_first_is_decided_per_export_file(tmp_path):
    """Two exports of opposite conventions in one clean: each column of each file is read by its
    own rule (a first field above 12 makes a file day-first), none is called ambiguous."""
    from ta_analysis.normalise import normalise_exports

    header = "Submission ID,Submitted At,Email,Order ID,Order Date,Amount paid,Country,Trade Assurance\n"
    (tmp_path / "uk.csv").write_text(header + "1,25/03/2024 10:00,a@example.com,O1,20/02/2024,$5,US,Yes\n"
                                              "2,04/03/2024 10:00,b@example.com,O2,05/02/2024,$5,US,Yes\n")
    (tmp_path / "us.csv").write_text(header + "3,03/25/2024 10:00,c@example.com,O3,02/20/2024,$5,US,Yes\n"
                                              "4,03/04/2024 10:00,d@example.com,O4,02/05/2024,$5,US,Yes\n")
    n = normalise_exports([tmp_path / "uk.csv", tmp_path / "us.csv"])
    f = n.frame
    assert f["order_date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-02-20", "2024-02-05", "2024-02-20", "2024-02-05"]
    assert f["submitted_at"].dt.strftime("%Y-%m-%d").tolist() == ["2024-03-25", "2024-03-04", "2024-03-25", "2024-03-04"]
    assert not n.problems["problem"].str.startswith("ambiguous").any()
