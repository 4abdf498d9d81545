"""Date and money parsers: exact values on hand-checked cases, and never an exception (hypothesis)."""

from __future__ import annotations

from contextlib import contextmanager
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
    ("13/01/2023", "impossible date"),
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


# The fast paths (the commonest forms, parsed in one call) must agree with the general parsers on
# every value they take. In real runs they start at FAST_PATH_MIN rows; here at one.
@contextmanager
def fast_path_from(rows):
    saved = parse.FAST_PATH_MIN
    parse.FAST_PATH_MIN = rows
    try:
        yield
    finally:
        parse.FAST_PATH_MIN = saved


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(
    st.sampled_from(list("0123456789$.,US D")).map(str),
    st.lists(st.sampled_from(list("0123456789$.,USD ")), max_size=14).map("".join),
    st.integers(min_value=0, max_value=10**9).map(lambda c: f"${c / 100:,.2f}"),
    st.integers(min_value=0, max_value=10**9).map(lambda c: f"USD {c / 100:,.1f}"),
), min_size=1, max_size=12))
def test_money_fast_path_agrees_with_general_parser(texts):
    s = pd.Series(texts, dtype="str")
    assume(parse.textops.fullmatch(s, parse._PLAIN_USD).any())
    with fast_path_from(1):
        got = parse.parse_money.__wrapped__(s)
    want = parse._parse_money(s)
    for name in ["values", "problem", "currency"]:
        pd.testing.assert_series_equal(getattr(got, name), getattr(want, name), check_names=False)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2035, 12, 31)).map(
        lambda t: t.strftime("%Y-%m-%d %H:%M:%S")),
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2035, 12, 31)).map(
        lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")),
    st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}Z?\Z"),  # impossible ones too
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2035, 12, 31)).map(
        lambda t: t.strftime("%m/%d/%Y %H:%M:%S")),
    st.from_regex(r"\A[0-9]{2}/[0-9]{2}/[0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2}\Z"),
    st.sampled_from(["04/05/2023 10:00:00", "4/5/2023 10:00:00", "29/02/2024 23:59:59", "02/29/2023 00:00:00",
                     "45021.5", "N/A", "", "5 April 2023", "0000-01-01 00:00:00", "2024-02-29T24:00:00Z"]),
), min_size=1, max_size=12), st.booleans())
def test_timestamp_fast_path_agrees_with_general_parser(texts, day_first):
    s = pd.Series(texts, dtype="str")
    with fast_path_from(1):
        got = parse.parse_timestamp.__wrapped__(s, latest="2030-01-01", day_first=day_first)
    with fast_path_from(10**9):  # the general parser alone
        want = parse.parse_timestamp.__wrapped__(s, latest="2030-01-01", day_first=day_first)
    pd.testing.assert_series_equal(got.values, want.values, check_names=False)
    pd.testing.assert_series_equal(got.problem, want.problem, check_names=False)


def test_timestamp_fast_path_reads_a_column_held_in_several_chunks():
    """Large columns come from the CSV reader in chunks; the fast path reads each value's own bytes."""
    import pyarrow as pa

    chunks = pa.chunked_array([["2023-04-05 14:03:22", "12/31/2023 23:59:59"],
                               ["2024-02-29T00:00:01Z", "02/30/2024 10:00:00", "2023-13-01 00:00:00"]])
    s = pd.Series(pd.arrays.ArrowStringArray(chunks)).astype("str")
    assert parse.textops.arrow(s).num_chunks == 2
    with fast_path_from(1):
        got = parse.parse_timestamp.__wrapped__(s)
    assert got.values.astype("str").fillna("NaT").tolist() == ["2023-04-05 14:03:22", "2023-12-31 23:59:59", "2024-02-29 00:00:01",
                                                 "NaT", "NaT"]
    assert got.problem.tolist()[3:] == ["impossible date", "impossible date"]


def test_a_column_of_nearly_all_distinct_values_is_parsed_whole_with_the_same_result(monkeypatch):
    texts = [f"2023-01-{d:02d} {h:02d}:00:00" for d in range(1, 29) for h in range(3)] + ["N/A", "", "2023-02-30"]
    s = pd.Series(texts, dtype="str")
    monkeypatch.setattr(parse, "DISTINCT_PROBE", 10**9)  # never probed: parsed once per distinct value
    by_distinct = parse.parse_timestamp(s)
    calls = []
    real = parse.textops.distinct
    monkeypatch.setattr(parse, "DISTINCT_PROBE", 5)  # the first 5 rows all differ: parsed whole
    monkeypatch.setattr(parse.textops, "distinct", lambda col: calls.append(len(col)) or real(col))
    whole = parse.parse_timestamp(s)
    assert calls == []  # the distinct values were never looked for
    pd.testing.assert_series_equal(whole.values, by_distinct.values)
    pd.testing.assert_series_equal(whole.problem, by_distinct.problem)
