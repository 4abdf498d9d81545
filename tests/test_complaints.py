"""Complaint records: the real CFPB sample, the mapped adapter, the ledger, redaction, linkage."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from ta_analysis import complaints
from ta_analysis.errors import InputError


@pytest.fixture(scope="module")
def cfpb_out(cfpb_sample, tmp_path_factory):
    out = tmp_path_factory.mktemp("cfpb")
    summary = complaints.run([cfpb_sample], "cfpb", None, out)
    return out, summary


def test_real_cfpb_sample_every_record_accounted_for(cfpb_out):
    out, s = cfpb_out
    audit = pd.read_csv(out / "complaints_audit.csv", dtype=str)
    assert s["records"] == len(audit) == 2067 and s["reconciles"]
    assert audit["fate"].value_counts().to_dict() == {"kept": 2067}
    assert audit["source_record"].astype(int).tolist() == list(range(1, 2068))


def test_real_cfpb_sample_keeps_text_intact(cfpb_out, cfpb_sample):
    out, _ = cfpb_out
    df = pd.read_parquet(out / "complaints.parquet")
    raw = pd.read_csv(cfpb_sample, dtype=str, keep_default_na=False)
    assert df["complaint_id"].tolist() == raw["Complaint ID"].tolist()
    assert df["narrative"].dropna().str.contains("\n").any(), "embedded newlines kept"
    assert (df["company"] == raw["Company"]).all(), "commas in company names kept"
    assert "EQUIFAX, INC." in set(df["company"])
    zips = df["zip"].dropna()
    assert zips.str.fullmatch(r"\d{3}XX").any() and zips.str.fullmatch(r"\d{5}").any(), "ZIPs stay text"
    assert df["narrative"].str.contains("XXXX", regex=False).any(), "CFPB redactions left as they are"
    assert df["date_received"].notna().all()


def test_purchase_disputes_found(cfpb_out):
    out, s = cfpb_out
    df = pd.read_parquet(out / "complaints.parquet")
    disputes = df[df["purchase_dispute"]]
    assert s["purchase_disputes"] == len(disputes) >= 23
    assert disputes["issue"].str.contains("purchase", case=False).all()


def test_company_selection_counts_what_it_leaves_out(cfpb_sample, tmp_path):
    s = complaints.run([cfpb_sample], "cfpb", None, tmp_path, company="citibank|wells fargo")
    f = s["inputs"][0]
    assert f["selected"] == f["kept"] and f["selected"] + f["not_selected"] == 2067 and f["reconciles"]
    assert 0 < f["selected"] < 200


MAPPING = """[columns]
"Ticket" = "complaint_id"
"Opened" = "date_received"
"Merchant" = "company"
"What happened" = "narrative"
"Customer email" = "email"
[options]
source = "firm correspondence log"
"""


def test_mapped_source_ledger_redaction_and_linkage(tmp_path):
    (tmp_path / "map.toml").write_text(MAPPING)
    log = pd.DataFrame({
        "Ticket": ["T1", "T2", "T2", "", "T4"],
        "Opened": ["2024-03-01", "03/05/2024", "03/05/2024", "2024-03-07", "whenever"],
        "Merchant": ["Alibaba.com", "AliExpress", "AliExpress", "Alipay", "Other"],
        "What happened": ["Never arrived. Write me at jo@example.com or (212) 555-0143.", "Refund was denied.",
                          "Refund was denied.", "x", "y"],
        "Customer email": ["jo@example.com", "al@example.com", "al@example.com", "", ""],
    })
    log.to_csv(tmp_path / "log.csv", index=False)
    s = complaints.run([tmp_path / "log.csv"], "mapped", tmp_path / "map.toml", tmp_path / "out")
    audit = pd.read_csv(tmp_path / "out" / "complaints_audit.csv", dtype=str, keep_default_na=False)
    assert audit["fate"].tolist() == ["kept", "kept", "duplicate", "quarantined", "quarantined"]
    assert audit.loc[2, "duplicate_of_record"] == "2"
    assert audit.loc[4, "reason"] == "no readable date received: whenever"
    df = pd.read_parquet(tmp_path / "out" / "complaints.parquet")
    assert df["company_group"].tolist() == ["Alibaba Group", "Alibaba Group"]
    assert df["source"].tolist() == ["firm correspondence log"] * 2
    text = "".join(p.read_text() for p in (tmp_path / "out").glob("*.csv"))
    assert "jo@example.com" not in text and "555-0143" not in text and "[EMAIL]" in text
    assert "email" not in df.columns and df["claimant_key"].notna().all()
    assert s["codes"]["non_delivery"] == 1 and s["codes"]["refund_denied"] == 1


def test_linkage_counts_same_claimant_close_dates():
    c = pd.DataFrame({"complaint_id": ["A", "B", "C"], "claimant_key": ["k1", "k2", None],
                      "date_received": pd.to_datetime(["2024-01-10", "2024-06-01", "2024-01-01"])})
    i = pd.DataFrame({"intake_id": ["I1", "I2", "I3"], "claimant_key": ["k1", "k1", "k2"],
                      "submitted_at": pd.to_datetime(["2024-02-01 10:00", "2024-12-01 00:00", "2024-01-01 00:00"])})
    pairs, counts = complaints.link_to_intake(c, i, window_days=60)
    assert pairs.values.tolist() == [["A", "I1", 22]]
    assert counts["complaints_linked"] == 1 and counts["complaints_with_claimant_key"] == 2


@pytest.mark.parametrize("args, needle", [
    (["--format", "mapped"], "--format mapped needs --mapping FILE"),
])
def test_cli_errors(cfpb_sample, tmp_path, args, needle):
    r = subprocess.run([sys.executable, "-m", "ta_analysis", "complaints", str(cfpb_sample), "--out", str(tmp_path), *args],
                       capture_output=True, text=True)
    assert r.returncode == 2 and needle in r.stderr


def test_not_a_cfpb_file(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("a,b\n1,2\n")
    with pytest.raises(InputError, match="not a CFPB export"):
        complaints.run([p], "cfpb", None, tmp_path / "o")


def test_api_column_set(tmp_path):
    api = pd.DataFrame({c: ["v"] for c in complaints.cfpb_columns()["api_name"]})
    api["complaint_id"] = ["99"]
    api["date_received"] = ["2023-08-25"]
    api["complaint_what_happened"] = ["The seller on Alibaba never shipped the goods."]
    api.to_csv(tmp_path / "api.csv", index=False)
    s = complaints.run([tmp_path / "api.csv"], "cfpb", None, tmp_path / "o")
    assert s["kept"] == 1 and s["codes"]["non_delivery"] == 1 and s["codes"]["marketplace_named"] == 1


def test_a_semicolon_delimited_cfpb_export_goes_through_the_intake_reader(tmp_path):
    names = complaints.cfpb_columns()["published_name"].tolist()
    row = {n: "" for n in names} | {"Complaint ID": "7", "Date received": "2024-05-01", "Company": "Alipay",
                                    "Consumer complaint narrative": "Paid; never received the goods."}
    p = tmp_path / "semi.csv"
    pd.DataFrame([row]).to_csv(p, sep=";", index=False)
    s = complaints.run([p], "cfpb", None, tmp_path / "o")
    assert s["kept"] == 1 and s["company_groups"] == {"Alibaba Group": 1}


# --- complaint exports in any published layout ---------------------------------------------------

@pytest.mark.parametrize("dropped, fields", [
    (["Consumer consent provided?", "Consumer disputed?"], {"consent_provided", "consumer_disputed"}),  # mid-2026 on
    (["Consumer consent provided?", "Consumer disputed?", "Consumer complaint narrative"],  # and no narratives
     {"consent_provided", "consumer_disputed", "narrative"}),
])
def test_the_2026_layout_and_an_export_without_narratives_are_read(cfpb_sample, tmp_path, dropped, fields):
    real = pd.read_csv(cfpb_sample, dtype=str, keep_default_na=False)
    real.drop(columns=dropped).to_csv(tmp_path / "cfpb_2026.csv", index=False)
    s = complaints.run([tmp_path / "cfpb_2026.csv"], "cfpb", None, tmp_path / "out")
    assert s["records"] == len(real) and s["reconciles"]
    absent = s["inputs"][0]["columns_absent"]
    assert set(absent) == fields
    kept = pd.read_parquet(tmp_path / "out" / "complaints.parquet")
    assert len(kept) == s["kept"] > 0
    if "Consumer complaint narrative" in dropped:
        assert s["narrative_coding"].startswith("skipped: no record holds a narrative")
        assert kept.filter(like="code_").isna().all().all()
    else:
        assert "narrative_coding" not in s


def test_an_export_without_the_required_columns_names_them(cfpb_sample, tmp_path):
    real = pd.read_csv(cfpb_sample, dtype=str, keep_default_na=False)
    real.drop(columns=["Date received"]).to_csv(tmp_path / "x.csv", index=False)
    with pytest.raises(InputError, match="Date received"):
        complaints.run([tmp_path / "x.csv"], "cfpb", None, tmp_path / "out")
