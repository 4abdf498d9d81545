"""Exhibits: stable numbers, four files and a manifest entry each, byte-identical on rerun."""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest

from ta_analysis.exhibits import Provenance, draw_rates, make_exhibit, registry

FILED = {"EX-01": "record-flow", "EX-02": "denial-by-issue", "EX-03": "denial-by-quarter",
         "EX-04": "customs-fees-distribution", "EX-05": "non-delivery-by-quarter",
         "EX-06": "commonality-buyer-type", "EX-07": "loss-per-member", "EX-08": "complaints-by-quarter"}

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
