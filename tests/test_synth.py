"""The synthetic export: deterministic, messy in every way the brief lists, truth row for row."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from ta_analysis import config
from ta_analysis.errors import InputError
from ta_analysis.synth import EXPORT_HEADERS, TRUTH_COLUMNS, synth


def col(export: pd.DataFrame, field: str) -> pd.Series:
    return export[EXPORT_HEADERS[field]]


def test_bundled_sample_regenerates_byte_for_byte(tmp_path, sample_path):
    out = tmp_path / "sample.csv"
    synth(config.SAMPLE_ROWS, config.SAMPLE_SEED, out)
    assert out.read_bytes() == sample_path.read_bytes()


def test_seed_readme_matches_config(sample_path):
    readme = (sample_path.parent / "README.md").read_text()
    assert f"--rows {config.SAMPLE_ROWS} --seed {config.SAMPLE_SEED}" in readme


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    for name, seed in [("a", 7), ("b", 7), ("c", 8)]:
        synth(300, seed, tmp_path / f"{name}.csv", tmp_path / f"{name}_truth.csv")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert (tmp_path / "a_truth.csv").read_bytes() == (tmp_path / "b_truth.csv").read_bytes()
    assert (tmp_path / "a.csv").read_bytes() != (tmp_path / "c.csv").read_bytes()


def test_xlsx_is_deterministic_and_has_a_title_row(tmp_path):
    from openpyxl import load_workbook

    synth(40, 3, tmp_path / "a.xlsx")
    synth(40, 3, tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    ws = load_workbook(tmp_path / "a.xlsx").active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0].startswith("Trade Assurance intake")
    assert rows[2][0] == "Submission ID"
    assert len(rows) == 3 + 40


def test_unknown_extension_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match=r"x\.json.*\.csv or \.xlsx"):
        synth(5, 1, tmp_path / "x.json")


def test_truth_lines_up_row_for_row(sample_generated):
    export, truth = sample_generated
    assert list(truth.columns) == TRUTH_COLUMNS
    assert len(export) == len(truth) == config.SAMPLE_ROWS
    assert truth["row_number"].tolist() == list(range(2, config.SAMPLE_ROWS + 2))
    ids = col(export, "intake_id").replace("", pd.NA)
    assert (ids.fillna("?") == truth["intake_id"].fillna("?")).all()
    assert col(export, "order_id").eq(truth["order_id"].fillna("")).all()


# Each kind of mess the brief lists, as a pattern over one field of the export.
MESS = {
    "ISO date": ("order_date", r"^\d{4}-\d{2}-\d{2}$"),
    "U.S. slash date": ("order_date", r"^\d{1,2}/\d{1,2}/\d{4}$"),
    "day month-name year": ("order_date", r"^\d{1,2} [A-Z][a-z]{2} \d{4}$"),
    "month-name day, year": ("order_date", r"^[A-Z][a-z]+ \d{1,2}, \d{4}$"),
    "ISO timestamp": ("order_date", r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$"),
    "Excel serial date": ("order_date", r"^\d{5}$"),
    "unknown date": ("delivered_date", r"^unknown$"),
    "Excel serial timestamp": ("submitted_at", r"^\d{5}\.\d{6}$"),
    "$1,234.50": ("order_amount", r"^\$\d{1,3}(,\d{3})+\.\d{2}$"),
    "USD 1,234.50": ("order_amount", r"^USD \d{1,3}(,\d{3})*\.\d{2}$"),
    "¥8,000": ("order_amount", r"^¥\d{1,3}(,\d{3})+"),
    "RMB 8000": ("order_amount", r"^RMB \d+"),
    "1.234,50 €": ("order_amount", r"^\d{1,3}(\.\d{3})+,\d{2} €$"),
    "(50.00)": ("refund_amount", r"^\(.*\d\.\d{2}\)$"),
    "N/A money": ("refund_amount", r"^N/A$"),
    "Yes/No": ("trade_assurance", r"^(Yes|No)$"),
    "Y/N": ("claim_filed", r"^(Y|N)$"),
    "TRUE/1": ("trade_assurance", r"^(TRUE|1)$"),
    "Not sure": ("evidence_kept", r"^Not sure$"),
    "free-text denial": ("claim_outcome", r"^(REJECTED|Refund denied|closed - seller won)$"),
    "partial refund with percent": ("claim_outcome", r"^[Pp]artial refund \(\d+%\)$"),
    "still waiting": ("claim_outcome", r"^still waiting$"),
    "no reply": ("claim_outcome", r"^no reply from alibaba$"),
    "free-text status": ("delivery_status", r"^(Never arrived|Stuck in customs|Arrived late)$"),
    "issues split by ;": ("issues", r"; ?\w"),
    "issues split by |": ("issues", r"\|"),
    "state code": ("claimant_state", r"^[A-Z]{2}$"),
    "state name": ("claimant_state", r"^[A-Z][a-z]+( [A-Z][a-z]+)?$"),
    "state abbreviation": ("claimant_state", r"^[A-Z][a-z]+\.$"),
    "lower-case state": ("claimant_state", r"^[a-z]"),
    "non-U.S. buyer": ("claimant_country", r"^(Canada|United Kingdom|UK|Australia|Germany)$"),
    "e-mail column": ("email", r"@example\.com"),
    "e-mail in narrative": ("narrative", r"@example\.com"),
    "phone in narrative": ("narrative", r"\(\d{3}\) 555-01\d{2}"),
    "address in narrative": ("narrative", r"\d+ Evergreen Terrace"),
}


@pytest.mark.parametrize("kind", list(MESS))
def test_sample_has_every_kind_of_mess(sample_generated, kind):
    export, _ = sample_generated
    field, pattern = MESS[kind]
    hits = col(export, field).str.count(pattern) > 0
    assert hits.sum() >= 3, f"{kind}: only {hits.sum()} cells of {field} match {pattern}"


def test_sample_has_resubmissions_duplicates_junk_and_unparseable(sample_generated):
    export, truth = sample_generated
    kinds = truth["truth_duplicate_kind"].value_counts()
    assert kinds["superseded"] >= 100 and kinds["exact"] >= 10
    assert truth["truth_quarantined"].sum() >= 5
    assert (truth["truth_unparseable"] != "").sum() >= 30
    # Exact duplicates are the same cells as the row they copy.
    for _, t in truth[truth["truth_duplicate_kind"] == "exact"].iterrows():
        i, j = t["row_number"] - 2, t["truth_duplicate_of_row"] - 2
        assert export.iloc[i].tolist() == export.iloc[j].tolist()
    # A superseded submission points at a later one for the same order.
    sup = truth[truth["truth_duplicate_kind"] == "superseded"]
    later = truth.set_index("row_number").loc[sup["truth_duplicate_of_row"]]
    assert (later["order_id"].to_numpy() == sup["order_id"].to_numpy()).all()
    assert (later["submitted_at"].to_numpy() > sup["submitted_at"].to_numpy()).all()


def test_truth_is_plausible(sample_truth):
    t = sample_truth[~sample_truth["truth_quarantined"]]
    issues = t["issues"].fillna("")
    fees = t["customs_fees_paid"].notna()
    assert issues[fees].str.contains("customs").all(), "customs fees only on customs issues"
    same_cur = t["refund_amount"].notna() & t["order_amount"].notna()
    assert (t.loc[same_cur, "refund_amount"] <= t.loc[same_cur, "order_amount"] + 1e-9).all()
    both = t["delivered_date"].notna() & t["order_date"].notna()
    assert (t.loc[both, "delivered_date"] > t.loc[both, "order_date"]).all()
    assert (t["customs_fees_reimbursed"].fillna(0) <= t["customs_fees_paid"].fillna(0) + 1e-9).all()
    assert set(t["order_currency"].dropna()) == {"USD", "CNY", "EUR"}
    held = t["delivery_status"] == "held_at_customs"
    assert t.loc[held, "delivered_date"].isna().all()
    no_claim = t["claim_filed"] != "true"
    assert t.loc[no_claim, "claim_outcome"].isna().all()


def test_only_fake_identifiers(sample_path):
    text = sample_path.read_text(encoding="utf-8-sig")
    emails = set(re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", text))
    assert emails and all(e.lower().endswith("@example.com") for e in emails)
    phones = re.findall(r"\(?\b\d{3}\)?[ -]?(\d{3})-?\s?\d{4}\b", text)
    assert phones and all(exchange == "555" for exchange in phones)


def test_bundled_complaints_sample_regenerates_byte_for_byte(tmp_path):
    out = tmp_path / "c.csv"
    synth(config.COMPLAINTS_SAMPLE_ROWS, config.COMPLAINTS_SAMPLE_SEED, out, kind="cfpb")
    assert out.read_bytes() == config.COMPLAINTS_SAMPLE.read_bytes()
    readme = (config.SAMPLE_DIR / "README.md").read_text()
    assert f"--kind cfpb --rows {config.COMPLAINTS_SAMPLE_ROWS} --seed {config.COMPLAINTS_SAMPLE_SEED}" in readme


def test_cfpb_synth_has_the_published_columns_and_fake_identifiers_only():
    from ta_analysis.synth import CFPB_HEADERS, generate_cfpb

    df = generate_cfpb(400, 3)
    assert list(df.columns) == CFPB_HEADERS
    text = df.to_csv()
    assert all(e.endswith("@example.com") for e in re.findall(r"[\w.+-]+@[\w.-]+", text))
    assert df["Consumer complaint narrative"].str.contains("\n\n").any()
    assert df["Complaint ID"].is_unique
