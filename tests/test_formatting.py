"""Numbers as people read them."""

from __future__ import annotations

from ta_analysis.formatting import fmt_rate, pct, usd


def test_percentages_and_dollars():
    assert pct(0.61412) == "61.4%" and pct(1.0) == "100.0%" and pct(float("nan")) == "n/a"
    assert usd(4348473.2) == "$4,348,473" and usd(0.4) == "$0" and usd(float("nan")) == "n/a"


def test_a_rate_carries_its_interval_numerator_and_denominator():
    r = {"numerator": 1553, "denominator": 2529, "estimate": 1553 / 2529, "ci_low": 0.595, "ci_high": 0.633}
    assert fmt_rate(r) == "61.4% (95% CI 59.5% to 63.3%; 1,553 of 2,529)"


def test_a_table_for_people_has_labels_and_formats_by_kind():
    """Each complaint of issue 18 on one frame: code names, proportions, scientific notation,
    "0.0000" p-values, True/False, an index and missing values."""
    import pandas as pd

    from ta_analysis.formatting import people_cells, table_spec

    df = pd.DataFrame({"group": ["individual", "small business"], "estimate": [0.614124, 1e-7],
                       "total": [4.032706e6, float("nan")], "p": [0.0, 0.0312], "small_group": [True, False],
                       "field": ["order_amount_usd", "claim_date"]}, index=[7, 9])
    spec = table_spec(df, labels={"total": "Total", "p": "p-value"}, money=["total"], pvalue=["p"])
    cells = people_cells(df, spec)
    assert cells.columns.tolist() == ["Group", "Rate", "Total", "p-value", "Fewer than 30", "Field"]
    assert cells.values.tolist() == [["individual", "61.4%", "$4,032,706", "p < 0.0001", "yes", "order amount (USD)"],
                                     ["small business", "0.0%", "", "0.0312", "no", "claim date"]]


def test_a_table_refuses_code_names_and_numbers_without_a_kind():
    import pandas as pd
    import pytest

    from ta_analysis.formatting import table_spec

    with pytest.raises(ValueError, match="'denied_refund_rate': no label"):
        table_spec(pd.DataFrame({"denied_refund_rate": [0.5]}), percent=["denied_refund_rate"])
    with pytest.raises(ValueError, match="'Odds': say how its numbers are shown"):
        table_spec(pd.DataFrame({"Odds": [1.5]}))


def test_cells_never_show_scientific_notation_or_nan():
    from hypothesis import given, strategies as st

    from ta_analysis.formatting import cell

    @given(st.floats(allow_infinity=False) | st.none(), st.sampled_from(["money", "percent", "number", "pvalue"]))
    def check(x, kind):
        text = cell(x, kind, 2)
        assert "e+" not in text and "e-" not in text and "nan" not in text.lower()

    check()
