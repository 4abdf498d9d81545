"""Accountable cleaning: fates that reconcile, the class definition, anonymisation, outputs."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from ta_analysis import anonymise, config
from ta_analysis.clean import clean, write
from ta_analysis.synth import generate, write_export

from conftest import expected_fates

OUTPUTS = ["intake.parquet", "intake.csv", "audit.csv", "problems.csv", "unmapped_spellings.csv",
           "header_mapping.csv", "cleaning_summary.json"]


@pytest.fixture(scope="module")
def sample_result():
    return clean([config.SAMPLE_EXPORT])


def run_cli(*args, env=None, cwd=None):
    return subprocess.run([sys.executable, "-m", "ta_analysis", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, cwd=cwd)


def test_fates_and_members_match_the_truth_exactly(sample_result, sample_truth):
    fates, counts = expected_fates(sample_truth)
    got = sample_result.ledger["fate"].tolist()
    mismatched = [(i + 2, g, w) for i, (g, w) in enumerate(zip(got, fates)) if g != w]
    assert not mismatched, mismatched[:10]
    s = sample_result.summary
    assert s["class_members"] == counts["class_members"]
    assert s["subclass_members"] == {k: counts[k] for k in ["refund_denial", "customs_fee", "non_delivery"]}


def test_duplicates_point_at_the_row_the_truth_says(sample_result, sample_truth):
    led = sample_result.ledger
    exact = sample_truth["truth_duplicate_kind"] == "exact"
    assert (led.loc[exact, "duplicate_of_row"].to_numpy() == sample_truth.loc[exact, "truth_duplicate_of_row"].to_numpy()).all()
    assert (led.loc[exact, "rule"] == "exact_copy").all()
    sup = led["rule"] == "superseded_submission"
    # Every superseded row points at a later submission of the same order, which was kept or excluded.
    target = led.set_index("source_row").loc[led.loc[sup, "duplicate_of_row"].astype(int)]
    assert target["fate"].isin(["kept", "excluded"]).all()
    assert (sample_truth.loc[sup.to_numpy(), "order_id"].to_numpy()
            == sample_truth.set_index("row_number").loc[led.loc[sup, "duplicate_of_row"].astype(int), "order_id"].to_numpy()).all()


def test_ledger_reconciles_and_intake_holds_kept_plus_excluded(sample_result):
    led, intake, s = sample_result.ledger, sample_result.intake, sample_result.summary
    assert len(led) == s["input_records"] == 5000
    assert sum(s["fates"].values()) == 5000 and s["reconciles"]
    assert led["source_row"].tolist() == list(range(2, 5002))
    assert len(intake) == s["fates"]["kept"] + s["fates"]["excluded"]
    assert intake["in_class"].sum() == s["fates"]["kept"]
    assert (intake.loc[~intake["in_class"], "class_rules_failed"] != "").all()
    q = led[led["fate"] == "quarantined"]
    assert (q["rule"] != "").all() and (q["reason"] != "").all()
    ex = led[led["fate"] == "excluded"]
    assert (ex["rule"] == ex["reason"].str.split(";").str[0]).all()


def test_no_raw_identifier_columns_in_intake(sample_result):
    assert not {"email", "phone"} & set(sample_result.intake.columns)
    assert sample_result.intake["claimant_key"].str.fullmatch(r"C[0-9a-f]{24}").all()


def test_outputs_are_byte_identical_on_rerun(tmp_path):
    """Also when the same export is read from another folder, by another path."""
    a, b = tmp_path / "a", tmp_path / "b"
    (tmp_path / "elsewhere").mkdir()
    copy = tmp_path / "elsewhere" / config.SAMPLE_EXPORT.name
    copy.write_bytes(config.SAMPLE_EXPORT.read_bytes())
    for out, export in ((a, str(config.SAMPLE_EXPORT)), (b, "elsewhere/" + copy.name)):
        r = run_cli("clean", export, "--out", str(out), "--quiet", cwd=tmp_path)
        assert r.returncode == 0, r.stderr
    for name in OUTPUTS:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert "reconciles  yes" in r.stdout and "kept" in r.stdout
    # intake.csv holds the parquet file's values but the run's constants (stated once in the
    # summary); fields that are days are written as days.
    text = pd.read_csv(a / "intake.csv", dtype="str", keep_default_na=False)
    typed = pd.read_parquet(a / "intake.parquet")
    assert list(text.columns) == [c for c in typed.columns if c not in ("fx_source", "codebook_version")]
    summary = json.loads((a / "cleaning_summary.json").read_text())
    assert typed["fx_source"].unique().tolist() == [summary["fx_source"]]
    assert typed["codebook_version"].unique().tolist() == [summary["codebook_version"]]
    assert len(text) == len(typed)
    for col in ["order_date", "promised_delivery_date", "delivered_date", "claim_date", "fx_rate_date",
                "fees_fx_rate_date", "submitted_at"]:
        days = col != "submitted_at"
        expected = typed[col].dt.strftime("%Y-%m-%d" if days else "%Y-%m-%d %H:%M:%S").fillna("")
        assert text[col].tolist() == expected.tolist(), col


# --- identifiers planted everywhere never reach an output ---------------------------------------

PLANTED_EMAILS = ["jane.roe@example.com", "J.Doe+TA@Example.COM"]
PLANTED_PHONES = ["(212) 555-0199", "415-555-0142", "+1 646 555 0123", "+44 20 7946 0958"]


def test_planted_identifiers_never_reach_any_output(tmp_path):
    export, _ = generate(200, 11)
    cols = list(export.columns)
    rng = np.random.default_rng(0)
    for j, col in enumerate(cols):
        if col in ("Submission ID", "Email", "Phone Number"):
            continue
        rows = rng.choice(len(export), size=3, replace=False)
        for k, i in enumerate(rows):
            ident = (PLANTED_EMAILS + PLANTED_PHONES)[(j + k) % 6]
            old = export.at[i, col]
            export.at[i, col] = f"{old} {ident}" if col in ("Tell us about your case", "Reason given") else ident
    export.loc[5, "Tell us about your case"] = "card 4111 1111 1111 1111, 10 Downing Street, call 2125550111"
    write_export(export, tmp_path / "planted.csv")
    out = tmp_path / "out"
    r = run_cli("clean", str(tmp_path / "planted.csv"), "--out", str(out), "--quiet")
    assert r.returncode == 0, r.stderr
    everything = ""
    for name in OUTPUTS:
        if name.endswith(".parquet"):
            everything += pd.read_parquet(out / name).to_csv()
        else:
            everything += (out / name).read_text()
    real_emails = set(export["Email"].dropna()) - {""}
    for ident in PLANTED_EMAILS + PLANTED_PHONES + sorted(real_emails)[:50] + ["4111 1111 1111 1111", "2125550111"]:
        assert ident.lower() not in everything.lower(), ident
    assert anonymise.scan_text(everything) == []
    assert "[EMAIL]" in everything and "[PHONE]" in everything and "[CARD]" in everything


def test_a_surviving_identifier_writes_nothing_and_keeps_old_outputs(tmp_path, sample_result, monkeypatch):
    out = tmp_path / "out"
    write(sample_result, out)
    before = {n: (out / n).read_bytes() for n in OUTPUTS}
    leaky = sample_result.intake.copy()
    leaky.loc[0, "product_category"] = "someone@example.org"
    bad = type(sample_result)(leaky, sample_result.ledger, sample_result.problems, sample_result.unmapped,
                              sample_result.headers, sample_result.summary)
    with pytest.raises(anonymise.IdentifierFound,
                       match=r"intake.parquet: refusing to write: an identifier \(e-mail address\) survived redaction "
                             r"in column 'product_category'; nothing was written \(the value is not shown\)"):
        write(bad, out)
    assert {n: (out / n).read_bytes() for n in OUTPUTS} == before
    assert not [p for p in out.iterdir() if p.name.startswith(".staging")]


def test_formula_cells_are_neutralised_in_csv(tmp_path):
    export, _ = generate(20, 3)
    export.loc[2, "Tell us about your case"] = "=HYPERLINK(\"http://x\",\"click\")"
    export.loc[3, "What did you order"] = "@SUM(A1:A9)"
    write_export(export, tmp_path / "f.csv")
    r = run_cli("clean", str(tmp_path / "f.csv"), "--out", str(tmp_path / "o"), "--quiet", "--class-start", "2000-01-01")
    assert r.returncode == 0, r.stderr
    text = (tmp_path / "o" / "intake.csv").read_text()
    assert "'=HYPERLINK" in text and "'@SUM" in text
    assert not re.search(r"(^|,)[=@]", text, flags=re.M)
    assert pd.read_parquet(tmp_path / "o" / "intake.parquet")["narrative"].str.startswith("=").any(), "parquet keeps the value"


# --- the hash key ---------------------------------------------------------------------------------









# --- the class definition on hand-built rows ------------------------------------------------------

def test_bad_class_period_is_a_user_error(tmp_path):
    r = run_cli("clean", str(config.SAMPLE_EXPORT), "--out", str(tmp_path / "o"), "--class-start", "2024-01-01",
                "--class-end", "2023-01-01")
    assert r.returncode == 2
    assert "the class period ends (2023-01-01) before it starts (2024-01-01)" in r.stderr


# --- bad inputs: exit 2 naming what is wrong, or a quarantine entry; the ledger reconciles -------

HEADER = "Submission ID,Submitted At,Email,Order ID,Order Date,Amount paid,Did you file a claim?,Outcome,Country,Trade Assurance\n"


@pytest.mark.parametrize("name, body, rule, field, raw", [
    ("noid.csv", ",2023-05-01,a@example.com,O1,2023-04-05,$5,No,,US,Yes\n", "no_intake_id", "intake_id", ""),
    ("nodate.csv", "1,2023-05-01,a@example.com,O1,someday,$5,No,,US,Yes\n", "no_order_date_and_no_claim", "order_date", "someday"),
    ("nothing.csv", "1,2023-05-01,a@example.com,O1,2023-04-05,lots,No,,US,Yes\n", "no_usable_data", "order_amount", "lots"),
    ("nobody.csv", "1,2023-05-01,,O1,2023-04-05,$5,No,,US,Yes\n", "no_claimant_identity", "email", ""),
    ("ragged.csv", "1,2023-05-01,a@example.com,O1\n", "unreadable_record", "", "1,2023-05-01,O1"),
    # a ragged record's raw value is its redacted fields, less those of the identity columns
    ("ragged2.csv", "1,2023-05-01,a@example.com,O1,call 212 555 0111\n", "unreadable_record", "",
     "1,2023-05-01,O1,call [PHONE]"),
])
def test_bad_rows_are_quarantined_with_reason_field_and_value(tmp_path, name, body, rule, field, raw):
    good = "9,2023-05-01,z@example.com,O9,2023-04-05,$5,Yes,Denied,US,Yes\n"
    p = tmp_path / name
    p.write_text(HEADER + good + body)
    r = clean([p])
    led = r.ledger
    assert len(led) == 2 and r.summary["reconciles"]
    bad = led.iloc[1]
    assert (bad["source_file"], bad["source_row"], bad["fate"], bad["rule"]) == (name, 3, "quarantined", rule)
    assert bad["field"] == field and (bad["raw_value"] if pd.notna(bad["raw_value"]) else "") == raw
    assert led.iloc[0]["fate"] == "kept"


def test_default_key_warns_on_a_real_export(tmp_path):
    export, _ = generate(30, 5)
    write_export(export, tmp_path / "real.csv")
    env = {anonymise.KEY_ENV: "", anonymise.KEY_FILE_ENV: ""}
    r = run_cli("clean", str(tmp_path / "real.csv"), "--out", str(tmp_path / "o"), "--quiet", env=env)
    assert r.returncode == 0 and "no secret hash key set" in r.stderr
    summary = json.loads((tmp_path / "o" / "cleaning_summary.json").read_text())
    assert summary["hash_key"].startswith("PUBLIC DEFAULT KEY")
    r = run_cli("clean", str(tmp_path / "real.csv"), "--out", str(tmp_path / "o2"), "--quiet",
                env={anonymise.KEY_ENV: "a-real-secret-of-some-length"})
    assert r.returncode == 0 and "warning" not in r.stderr
    assert json.loads((tmp_path / "o2" / "cleaning_summary.json").read_text())["hash_key"] == "environment variable TA_ANALYSIS_HASH_KEY"
    r = run_cli("clean", str(config.SAMPLE_EXPORT), "--out", str(tmp_path / "o3"), "--quiet", env=env)
    assert "warning" not in r.stderr, "the sample may use the default key"


@pytest.mark.parametrize("content, needle", [
    ("", "empty.csv: the file is empty"),
    ("Submission ID,Submitted At,Email,Order ID,Amount paid\n1,2023-05-01,a@example.com,O1,$5\n",
     "empty.csv: no column for order_date"),
    (HEADER, "empty.csv: has a header row but no data rows"),
])
def test_bad_files_exit_2_naming_the_file(tmp_path, content, needle):
    p = tmp_path / "empty.csv"
    p.write_text(content)
    r = run_cli("clean", str(p), "--out", str(tmp_path / "o"))
    assert r.returncode == 2 and needle in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "o" / "audit.csv").exists()
