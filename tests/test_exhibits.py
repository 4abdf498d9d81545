"""Exhibits: stable numbers, four files and a manifest entry each, byte-identical on rerun."""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest

from ta_analysis.exhibits import (Provenance, binned_amounts, draw_binned, draw_damages, draw_rates, make_exhibit,
                                  registry, round_step)

FILED = {"EX-01": "record-flow", "EX-02": "denial-by-issue", "EX-03": "denial-by-quarter",
         "EX-04": "customs-fees-distribution", "EX-05": "non-delivery-by-quarter",
         "EX-06": "commonality-buyer-type", "EX-07": "loss-per-member", "EX-08": "complaints-by-quarter",
         "EX-09": "damages-by-theory"}

DATA = pd.DataFrame({"group": ["a", "b"], "label": ["A", "B"], "numerator": [3, 5], "denominator": [10, 20],
                     "estimate": [0.3, 0.25], "ci_low": [0.1, 0.11], "ci_high": [0.6, 0.47], "small_group": [True, True]})
PROV = Provenance(input_sha256="ab" * 32, as_of="2025-01-31", parameters={"seed": 1}, rows={"input_records": 30})


def test_filed_exhibits_keep_their_numbers():
    reg = registry()
    for exhibit_id, slug in FILED.items():
        assert reg.loc[exhibit_id, "slug"] == slug, "a filed exhibit was renumbered"
    assert list(reg.index) == sorted(reg.index)


def test_exhibit_files_and_manifest(tmp_path):
    make_exhibit("EX-02", DATA, draw_rates(), subtitle="Test, n = 30", provenance=PROV, out_dir=tmp_path)
    manifest = json.loads((tmp_path / "exhibits.json").read_text())
    (entry,) = manifest["exhibits"]
    assert entry["exhibit_id"] == "EX-02" and entry["notebook"] == "02-refund-denials"
    assert set(entry["files"]) == {"png", "svg", "pdf", "csv"}
    for f in entry["files"].values():
        assert hashlib.sha256((tmp_path / f["name"]).read_bytes()).hexdigest() == f["sha256"]
    assert entry["input_sha256"] == PROV.input_sha256 and entry["rows"] == {"input_records": 30}
    assert entry["plotted_rows"] == 2 and entry["package_version"]
    plotted = pd.read_csv(tmp_path / entry["files"]["csv"]["name"])
    assert plotted["numerator"].tolist() == [3, 5], "the CSV is exactly what is plotted"


def test_exhibits_are_byte_identical_on_rerun(tmp_path):
    for out in ("a", "b"):
        make_exhibit("EX-02", DATA, draw_rates(), subtitle="Test, n = 30", provenance=PROV, out_dir=tmp_path / out)
    for f in (tmp_path / "a").iterdir():
        assert f.read_bytes() == (tmp_path / "b" / f.name).read_bytes(), f.name


def test_unknown_exhibit_id(tmp_path):
    with pytest.raises(KeyError, match="EX-99 is not in the exhibit registry"):
        make_exhibit("EX-99", DATA, draw_rates(), subtitle="", provenance=PROV, out_dir=tmp_path)


def test_amounts_are_binned_with_zero_apart_round_edges_and_a_labelled_top_bin():
    """Ten zeros, 200 values 1..200 and one of 50,000: zero bar of its own; the 99th percentile of
    the 201 positive values is 199, which gives a round width of 10 (199 / 20 = 9.95 -> 10) and 20
    bins up to 200; the last bar states its range and count; every value is counted once."""
    values = pd.Series([0.0] * 10 + list(range(1, 201)) + [50_000.0, float("nan")])
    t = binned_amounts(values, zero_label="No loss")
    assert t.iloc[0][["label", "kind", "count"]].tolist() == ["No loss", "zero", 10]
    assert (t["bin_high"] - t["bin_low"])[t["kind"] == "bin"].eq(10.0).all() and len(t) == 22
    assert t.iloc[1][["label", "count"]].tolist() == ["up to $10", 10]
    top = t.iloc[-1]
    assert top["kind"] == "top" and top["count"] == 1 and top["label"] == "above $200"
    assert top["note"] == "1 value(s) from $50,000 to $50,000"
    assert t["count"].sum() == 211
    assert round_step(15_000) == 1000.0 and round_step(52_000) == 5000.0


def test_damages_and_binned_exhibits_draw(tmp_path):
    data = pd.DataFrame({"theory": ["Non-delivery", "Refund denial (upper bound)", "Total"], "total_usd": [10.0, 20.0, 30.0],
                         "ci_low_usd": [5.0, 15.0, 25.0], "ci_high_usd": [15.0, 25.0, 35.0]})
    make_exhibit("EX-09", data, draw_damages(), subtitle="Test", provenance=PROV, out_dir=tmp_path)
    make_exhibit("EX-07", binned_amounts(pd.Series([0.0, 5.0, 50.0]), zero_label="No loss"),
                 draw_binned(xlabel="USD"), subtitle="Test", provenance=PROV, out_dir=tmp_path)
    ids = [e["exhibit_id"] for e in json.loads((tmp_path / "exhibits.json").read_text())["exhibits"]]
    assert ids == ["EX-07", "EX-09"]


def test_a_complaint_exhibit_carries_its_own_input_hash(tmp_path):
    summary = {"inputs": [{"file": "cfpb.csv", "sha256": "cd" * 32}], "format": "cfpb", "selection": {},
               "codebook_version": "v", "records": 9, "kept": 8, "purchase_disputes": 3}
    prov = Provenance.from_complaints(summary, "2025-01-31")
    make_exhibit("EX-08", pd.DataFrame({"period": ["2024Q1"], "series": ["x"], "count": [3]}),
                 lambda ax, d: ax.bar([0], d["count"]), subtitle="Test", provenance=prov, out_dir=tmp_path)
    (entry,) = json.loads((tmp_path / "exhibits.json").read_text())["exhibits"]
    assert entry["input_sha256"] == "cd" * 32 and entry["source"].startswith("complaint records (cfpb.csv)")
    assert entry["rows"] == {"input_records": 9, "kept": 8, "purchase_disputes": 3}
