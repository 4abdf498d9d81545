"""Text-column operations run by pyarrow's RE2."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ta_analysis import textops


def test_patterns_work_on_non_ascii_text_without_falling_back():
    s = pd.Series(["paid 8 000 € for it", None, "naïve  café"], dtype="str")
    assert textops.contains(s, r"[0-9] [0-9]").tolist() == [True, False, False]
    assert textops.replace(s, r"\s+", " ").tolist()[2] == "naïve café"
    assert textops.fullmatch(pd.Series(["abc", "abcd"], dtype="str"), "abc").tolist() == [True, False]


def test_squeeze_trims_and_collapses_only_runs_of_white_space():
    s = pd.Series(["  a  b ", "c\td\n e", "plain", "", None], dtype="str")
    assert textops.squeeze(s).tolist()[:4] == ["a b", "c d e", "plain", ""]
    assert pd.isna(textops.squeeze(s)[4])


def test_extract_gives_named_groups_and_missing_where_no_match():
    out = textops.extract(pd.Series(["USD 12", "??"], dtype="str"), r"^(?P<cur>[A-Z]+) (?P<n>[0-9]+)$")
    assert out.iloc[0].tolist() == ["USD", "12"] and out.iloc[1].isna().all()


def test_distinct_and_spread_are_inverse_and_missing_points_at_the_last_entry():
    s = pd.Series(["b", None, "a", "b", None], dtype="str", index=[10, 11, 12, 13, 14])
    codes, values = textops.distinct(s)
    assert values.tolist()[:2] == ["b", "a"] and pd.isna(values.iloc[-1])
    back = textops.spread(values, codes, s.index)
    pd.testing.assert_series_equal(back, s)


def test_per_distinct_computes_once_per_value_and_returns_the_input_when_unchanged():
    calls = []
    s = pd.Series(["x", "y", "x", "x", "y", "x"], dtype="str")

    def upper(v):
        calls.append(len(v))
        return v.str.upper()

    assert textops.per_distinct(upper, s).tolist() == ["X", "Y", "X", "X", "Y", "X"]
    assert calls == [3]  # two distinct values and the missing entry
    assert textops.per_distinct(lambda v: v, s) is s


def test_text_column_built_piecewise():
    c = textops.TextColumn(5, "kept")
    c[np.array([1, 3])] = "duplicate"
    c[np.array([False, False, False, False, True])] = pd.Series(["quarantined"])
    assert c.series(pd.RangeIndex(5)).tolist() == ["kept", "duplicate", "kept", "duplicate", "quarantined"]
