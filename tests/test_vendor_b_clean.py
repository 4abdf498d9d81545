"""The cleaner on an export it was not written beside: vendor B (``synth/vendor_b.py``), written by
a second engineer from the brief alone, with other headers, spellings, date and money forms.

Its headers need a mapping file, as a new vendor's would; its values need none but two
``evidence_kept`` answers no rule can decide ("Some of them", "Deleted them"), which the mapping
file's ``[values]`` then settle. The clean values must then agree with vendor B's truth, cell by
cell. (The token rules of ``data/patterns.csv`` were written after a first run on vendor B showed
what it missed, so vendor B is development data for them now; the README says so.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ta_analysis.clean import clean
from ta_analysis.schema import FIELDS
from ta_analysis.synth.vendor_b import HEADERS, generate_vendor_b

COMPARED = ["claim_outcome", "delivery_status", "buyer_type", "issues", "order_date", "claim_date",
            "delivered_date", "submitted_at", "order_amount", "refund_amount", "customs_fees_paid",
            "order_currency", "claim_filed", "trade_assurance"]


@pytest.fixture(scope="module")
def vendor_b(tmp_path_factory):
    folder = tmp_path_factory.mktemp("vendor_b")
    export, truth = generate_vendor_b(1500, 31)
    export.to_csv(folder / "vendor_b.csv", index=False)
    columns = "\n".join(f'"{h}" = "{f}"' for h, f in HEADERS.items() if f in FIELDS)
    (folder / "columns.toml").write_text(f"[columns]\n{columns}\n", encoding="utf-8")
    (folder / "values.toml").write_text(
        f'[columns]\n{columns}\n\n[values.evidence_kept]\n"Some of them" = "true"\n"Deleted them" = "false"\n',
        encoding="utf-8")
    return folder, truth


@pytest.fixture(scope="module")
def cleaned(vendor_b):
    folder, truth = vendor_b
    return clean([folder / "vendor_b.csv"], mapping=folder / "values.toml"), truth


def _text(v) -> str:
    return "" if pd.isna(v) else str(v).lower()


def test_only_the_undecidable_answers_are_left_unmapped_and_a_values_section_maps_them(vendor_b):
    folder, _ = vendor_b
    r = clean([folder / "vendor_b.csv"], mapping=folder / "columns.toml")
    assert sorted(r.unmapped["raw_value"]) == ["Deleted them", "Some of them"]
    assert set(r.unmapped["field"]) == {"evidence_kept"}
    r = clean([folder / "vendor_b.csv"], mapping=folder / "values.toml")
    assert r.unmapped.empty
    assert r.summary["reconciles"]


@pytest.mark.parametrize("fld", COMPARED)
def test_every_clean_value_agrees_with_vendor_b_truth(cleaned, fld):
    r, truth = cleaned
    got = r.intake.set_index("intake_id")[fld]
    want = truth.set_index("intake_id").loc[got.index, fld]
    if fld.endswith("_date") or fld == "submitted_at":
        same = (pd.to_datetime(got) == pd.to_datetime(want)) | (got.isna() & want.isna())
    elif fld in ("order_amount", "refund_amount", "customs_fees_paid"):
        g, w = pd.to_numeric(got), pd.to_numeric(want)
        same = pd.Series(np.isclose(g, w), index=got.index) | (g.isna() & w.isna())
    else:
        same = got.map(_text) == want.map(_text)
    wrong = pd.DataFrame({"clean": got[~same].map(_text), "truth": want[~same].map(_text)})
    assert same.all(), wrong.value_counts().head(10).to_dict()
