"""Date and money parsers: exact values on hand-checked cases, and never an exception (hypothesis)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ta_analysis import parse
from ta_analysis.parse import parse_date, parse_money, parse_timestamp


def one_date(text, **kw):
    r = parse_date(pd.Series([text], dtype="str"), **kw)
    v = r.values.iloc[0]
    return (None if pd.isna(v) else v.date()), (None if pd.isna(r.problem.iloc[0]) else r.problem.iloc[0])


@pytest.mark.parametrize("text, expected", [
    ("2023-04-05", date(2023, 4, 5)),
    ("04/05/2023", date(2023, 4, 5)),
    ("4/5/2023", date(2023, 4, 5)),
    ("4/5/23", date(2023, 4, 5)),
    ("5 Apr 2023", date(2023, 4, 5)),
    ("5 April 2023", date(2023, 4, 5)),
    ("April 5, 2023", date(2023, 4, 5)),
    ("Sept 3, 2022", date(2022, 9, 3)),
    ("2023-04-05T14:03:22", date(2023, 4, 5)),
    ("2023-04-05T23:30:00Z", date(2023, 4, 5)),
    ("45021", date(2023, 4, 5)),
    ("45021.75", date(2023, 4, 5)),
    ("  2023-04-05 ", date(2023, 4, 5)),
])
def test_date_formats(text, expected):
    assert one_date(text) == (expected, None)


def test_day_first_when_the_mapping_says_so():
    assert one_date("04/05/2023", day_first=True) == (date(2023, 5, 4), None)


@pytest.mark.parametrize("text", ["unknown", "N/A", "", "n/a", "TBD", None])
def test_known_missing_is_not_a_problem(text):
    assert one_date(text) == (None, None)


@pytest.mark.parametrize("text, problem", [
    ("2023-02-30", "impossible date"),
    ("02/30/2023", "impossible date"),
    ("13/13/2023", "impossible date"),
    ("1/1/1900", "before 2000-01-01"),
    ("01/01/2031", "after the as-of date 2025-06-30"),
    ("last spring", "unrecognised date format"),
    ("2023/04/05/06", "unrecognised date format"),
])
def test_invalid_dates_are_problems_not_guesses(text, problem):
    assert one_date(text, latest="2025-06-30") == (None, problem)


def test_timestamps_keep_the_time():
    r = parse_timestamp(pd.Series(["2023-04-05 14:03:22", "04/05/2023 14:03", "45021.585671", "2023-04-05T14:03:22+02:00"]))
    assert r.values.dt.strftime("%Y-%m-%d %H:%M:%S").tolist() == [
        "2023-04-05 14:03:22", "2023-04-05 14:03:00", "2023-04-05 14:03:22", "2023-04-05 12:03:22"]


@pytest.mark.parametrize("text, value, currency", [
    ("$1,234.50", 1234.5, "USD"),
    ("USD 1,234.50", 1234.5, "USD"),
    ("US$1,234.50", 1234.5, "USD"),
    ("1234.5", 1234.5, None),
    ("¥8,000", 8000.0, "CNY"),
    ("RMB 8000", 8000.0, "CNY"),
    ("8000 yuan", 8000.0, "CNY"),
    ("1.234,50 €", 1234.5, "EUR"),
    ("€1,234.50", 1234.5, "EUR"),
    ("1 234,50 EUR", 1234.5, "EUR"),
    ("1,5", 1.5, None),
    ("1,234", 1234.0, None),
    ("1.234", 1234.0, None),
    ("0.125", 0.125, None),
    ("1,234,567.89", 1234567.89, None),
    ("1.234.567,89", 1234567.89, None),
    ("(50.00)", -50.0, None),
    ("($50.00)", -50.0, "USD"),
    ("-$5", -5.0, "USD"),
    ("none", 0.0, None),
])
def test_money_forms(text, value, currency):
    r = parse_money(pd.Series([text], dtype="str"))
    assert r.values.iloc[0] == pytest.approx(value)
    assert (None if pd.isna(r.currency.iloc[0]) else r.currency.iloc[0]) == currency
    assert pd.isna(r.problem.iloc[0])


@pytest.mark.parametrize("text, problem", [
    ("a lot", "unrecognised amount"),
    ("$--", "unrecognised amount"),
    ("12.34.56", "malformed number"),
    ("1,23,4.5", "malformed number"),
    ("XYZ 100", "unknown currency word"),
    ("$100 EUR", "two different currencies in one amount"),
])
def test_money_problems(text, problem):
    r = parse_money(pd.Series([text], dtype="str"))
    assert np.isnan(r.values.iloc[0])
    assert r.problem.iloc[0] == problem


@pytest.mark.parametrize("text", ["N/A", "", "n/a", None, "-"])
def test_money_missing(text):
    r = parse_money(pd.Series([text], dtype="str"))
    assert np.isnan(r.values.iloc[0]) and pd.isna(r.problem.iloc[0])


# Property-based: any string in -> a value or a recorded problem out, never an exception.
@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=25), min_size=1, max_size=20))
def test_date_parser_total(texts):
    r = parse_date(pd.Series(texts, dtype="str"), latest="2030-01-01")
    assert len(r.values) == len(texts)
    # Every cell is a date, a problem, or a known "missing": never two of those at once.
    assert not (r.values.notna() & r.problem.notna()).any()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=25), min_size=1, max_size=20))
def test_money_parser_total(texts):
    r = parse_money(pd.Series(texts, dtype="str"))
    assert len(r.values) == len(texts)
    assert not (r.values.notna() & r.problem.notna()).any()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(list("0123456789$€¥.,() -USDRMBeur")).map("".join), min_size=1, max_size=20))
def test_money_parser_total_on_money_like_text(texts):
    r = parse_money(pd.Series(texts, dtype="str"))
    assert not (r.values.notna() & r.problem.notna()).any()


DATE_FORMATS = ["%Y-%m-%d", "%m/%d/%Y", "%d %b %Y", "%B %d, %Y", "%Y-%m-%dT%H:%M:%S", "excel"]


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)), st.sampled_from(DATE_FORMATS))
def test_formatted_dates_round_trip(d, fmt):
    text = str((d - date(1899, 12, 30)).days) if fmt == "excel" else d.strftime(fmt)
    assert one_date(text) == (d, None)


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 12, 31)).map(lambda t: t.replace(microsecond=0)))
def test_formatted_timestamps_round_trip(ts):
    texts = [ts.strftime("%Y-%m-%d %H:%M:%S"), ts.strftime("%m/%d/%Y %H:%M:%S"), ts.strftime("%Y-%m-%dT%H:%M:%SZ"),
             f"{(ts - datetime(1899, 12, 30)) / timedelta(days=1):.6f}"]
    r = parse_timestamp(pd.Series(texts))
    assert r.problem.isna().all()
    assert (r.values == pd.Timestamp(ts)).all()


MONEY_FORMS = [
    lambda v: f"${v:,.2f}", lambda v: f"USD {v:,.2f}", lambda v: f"{v:.2f}", lambda v: f"¥{v:,.2f}",
    lambda v: f"RMB {v:.2f}", lambda v: f"{v:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".") + " €",
    lambda v: f"({v:,.2f})",
]


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(range(len(MONEY_FORMS))))
def test_formatted_money_round_trips(cents, form):
    v = cents / 100
    r = parse_money(pd.Series([MONEY_FORMS[form](v)]))
    expected = -v if form == 6 else v
    assert pd.isna(r.problem.iloc[0])
    assert r.values.iloc[0] == pytest.approx(expected, abs=1e-9)


def test_parsing_the_distinct_values_gives_what_parsing_every_row_gives():
    texts = ["2023-04-05 14:03:22", "N/A", "2023-04-05 14:03:22", "", None, "2023-02-30", "4/5/23"] * 3
    s = pd.Series(texts, dtype="str")
    once = parse.parse_timestamp(s)
    each = parse.parse_timestamp.__wrapped__(s)  # every row parsed, no distinct values
    pd.testing.assert_series_equal(once.values, each.values)
    pd.testing.assert_series_equal(once.problem, each.problem)


def test_a_column_held_in_several_chunks():
    """Large columns come from the CSV reader in chunks."""
    import pyarrow as pa

    chunks = pa.chunked_array([["2023-04-05 14:03:22", "12/31/2023 23:59:59"],
                               ["2024-02-29T00:00:01Z", "02/30/2024 10:00:00", "2023-13-01 00:00:00"]])
    s = pd.Series(pd.arrays.ArrowStringArray(chunks)).astype("str")
    got = parse.parse_timestamp(s)
    assert got.values.astype("str").fillna("NaT").tolist() == ["2023-04-05 14:03:22", "2023-12-31 23:59:59",
                                                               "2024-02-29 00:00:01", "NaT", "NaT"]
    assert got.problem.tolist()[3:] == ["impossible date", "impossible date"]


# --- every date and time form an export writes (issue: fresh exports) ------------------------------

def _hour12(t: datetime) -> str:
    return f"{(t.hour - 1) % 12 + 1}:{t.minute:02d}"


TIMESTAMP_FORMS = {
    "iso seconds": lambda t: t.strftime("%Y-%m-%d %H:%M:%S"),
    "iso T Z": lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ"),
    "iso fraction": lambda t: t.strftime("%Y-%m-%dT%H:%M:%S.123456"),
    "slash 24h": lambda t: t.strftime("%m/%d/%Y %H:%M:%S"),
    "slash 12h seconds": lambda t: f"{t.month}/{t.day}/{t.year} {_hour12(t)}:{t.second:02d} {t.strftime('%p')}",
    "slash 12h no seconds": lambda t: f"{t.month}/{t.day}/{t.year} {_hour12(t)} {t.strftime('%p').lower()}",
    "two-digit year 12h": lambda t: f"{t.month}/{t.day}/{t.strftime('%y')} {_hour12(t)} {t.strftime('%p')}",
    "month name 12h": lambda t: f"{t.strftime('%b')} {t.day}, {t.year} {_hour12(t)} {t.strftime('%p')}",
    "full month name comma 12h": lambda t: f"{t.strftime('%B')} {t.day}, {t.year}, {_hour12(t)} {t.strftime('%p')}",
    "day month name 24h": lambda t: f"{t.day} {t.strftime('%B')} {t.year} {t.strftime('%H:%M')}",
    "a.m./p.m.": lambda t: f"{t.month}/{t.day}/{t.year} {_hour12(t)} {'a.m.' if t.hour < 12 else 'p.m.'}",
}
SECONDS_SHOWN = {"iso seconds", "iso T Z", "iso fraction", "slash 24h", "slash 12h seconds"}


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2068, 12, 31)),
       st.sampled_from(sorted(TIMESTAMP_FORMS)))
def test_every_timestamp_form_round_trips(t, form):
    t = t.replace(microsecond=0)
    if form not in SECONDS_SHOWN:
        t = t.replace(second=0)
    r = parse_timestamp(pd.Series([TIMESTAMP_FORMS[form](t)]))
    assert pd.isna(r.problem.iloc[0]), (TIMESTAMP_FORMS[form](t), r.problem.iloc[0])
    assert r.values.iloc[0] == pd.Timestamp(t)


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 12, 31)),
       st.integers(min_value=-12 * 60, max_value=14 * 60).map(lambda m: m - m % 15))
def test_an_iso_offset_is_converted_to_utc(t, minutes):
    t = t.replace(microsecond=0)
    sign = "+" if minutes >= 0 else "-"
    text = t.strftime("%Y-%m-%dT%H:%M:%S") + f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    r = parse_timestamp(pd.Series([text]), earliest="1999-12-30")
    assert r.values.iloc[0] == pd.Timestamp(t) - pd.Timedelta(minutes=minutes)


DATE_FORMS = {
    "iso": lambda d: d.isoformat(),
    "iso slash": lambda d: d.strftime("%Y/%m/%d"),
    "slash": lambda d: f"{d.month}/{d.day}/{d.year}",
    "slash padded two-digit year": lambda d: d.strftime("%m/%d/%y"),
    "dash": lambda d: d.strftime("%m-%d-%Y"),
    "day-month-abbr": lambda d: d.strftime("%d-%b-%Y"),
    "day-month-abbr two-digit": lambda d: d.strftime("%d-%b-%y"),
    "day month full": lambda d: f"{d.day} {d.strftime('%B')} {d.year}",
    "day ordinal month": lambda d: f"{d.day}th {d.strftime('%B')} {d.year}",
    "month day no comma": lambda d: f"{d.strftime('%B')} {d.day} {d.year}",
    "month abbr dot": lambda d: f"{d.strftime('%b')}. {d.day}, {d.year}",
    "upper case": lambda d: d.strftime("%d %b %Y").upper(),
    "excel serial": lambda d: str((d - date(1899, 12, 30)).days),
}


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2068, 12, 31)), st.sampled_from(sorted(DATE_FORMS)))
def test_every_date_form_round_trips(d, form):
    r = parse_date(pd.Series([DATE_FORMS[form](d)]))
    assert pd.isna(r.problem.iloc[0]), (DATE_FORMS[form](d), r.problem.iloc[0])
    assert r.values.iloc[0] == pd.Timestamp(d)


def test_two_digit_years_pivot_at_69():
    r = parse_timestamp(pd.Series(["1/2/68", "1/2/69", "1/2/00"]), earliest="1900-01-01")
    assert r.values.dt.year.tolist() == [2068, 1969, 2000]
    assert parse.TWO_DIGIT_YEAR_PIVOT == 69


@settings(max_examples=100, deadline=None)
@given(st.lists(st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)), min_size=1, max_size=30))
def test_a_column_with_a_first_field_above_12_and_none_second_is_day_first(days):
    assume(any(d.day > 12 for d in days))
    r = parse_date(pd.Series([d.strftime("%d/%m/%Y") for d in days]))
    assert r.problem.isna().all()
    assert r.values.tolist() == [pd.Timestamp(d) for d in days]


def test_day_first_evidence_overrides_the_default_and_the_option_decides_otherwise():
    assert parse_date(pd.Series(["25/12/2023", "03/04/2023"])).values.dt.month.tolist() == [12, 4]
    assert parse_date(pd.Series(["03/04/2023"])).values.dt.month.tolist() == [3]
    assert parse_date(pd.Series(["03/04/2023"]), day_first=True).values.dt.month.tolist() == [4]


def test_a_column_with_both_orders_is_ambiguous_never_guessed():
    r = parse_date(pd.Series(["25/12/2023", "12/25/2023", "03/04/2023", "05/05/2023"]))
    # the first two can only be read one way; 03/04 could be either; 05/05 is the same either way
    assert r.values.dt.strftime("%Y-%m-%d").fillna("").tolist() == ["2023-12-25", "2023-12-25", "", "2023-05-05"]
    assert r.problem.iloc[2] == parse.AMBIGUOUS_ORDER
    assert r.problem[[0, 1, 3]].isna().all()


@pytest.mark.parametrize("text", ["13:00 PM", "2023-04-05 13:05 PM", "2023-04-05 00:30 AM", "4/5/2023 25:00",
                                  "2023-04-05T10:00:00+25:00", "Foo 5, 2023"])
def test_impossible_times_and_unknown_month_words_are_problems(text):
    r = parse_timestamp(pd.Series([text]))
    assert pd.isna(r.values.iloc[0]) and pd.notna(r.problem.iloc[0])
