"""Vectorised parsers for dates, timestamps and money as intake exports write them.

Every parser takes a Series of text and returns a :class:`Parsed`: the typed values and, per
cell, why it could not be read (missing where it was read, or was a known way of saying
"missing" such as ``N/A`` or ``unknown``). They never raise on a value.

Dates: ``2023-04-05``, ``04/05/2023`` and ``4/5/23`` (month first unless ``day_first``),
``5 Apr 2023``, ``April 5, 2023``, ISO timestamps, Excel serial numbers (days since 1899-12-30).
Each value's format is detected by pattern and each format parsed in one call, which is both
fast and exact: impossible dates (2023-02-30) are problems, never guesses.

Money: ``$1,234.50``, ``USD 1,234.50``, ``US$1,234.50``, ``¥8,000``, ``RMB 8000``, ``8000 yuan``,
``1.234,50 €``, ``(50.00)`` (a negative), ``N/A``. A lone separator followed by exactly three
digits is a thousands separator in either convention (``1,234`` and ``1.234`` are 1234);
otherwise the last separator is the decimal point.

Examples:
    >>> import pandas as pd
    >>> parse_money(pd.Series(["$1,234.50", "1.234,50 €", "(50.00)", "N/A"])).values.tolist()
    [1234.5, 1234.5, -50.0, nan]
    >>> parse_date(pd.Series(["04/05/2023", "5 Apr 2023", "45021"])).values.dt.strftime("%Y-%m-%d").tolist()
    ['2023-04-05', '2023-04-05', '2023-04-05']
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ta_analysis import textops
from ta_analysis.vocab import crosswalk, key

MISSING_TOKENS = {"", "n/a", "na", "n.a.", "-", "--", "unknown", "none given", "not applicable",
                  "null", "nan", "tbd", "not yet", "unk"}
ZERO_WORDS = {"none", "nil", "nothing", "zero", "no"}
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
MONTHS = {m.lower(): m[:3] for m in ["January", "February", "March", "April", "May", "June", "July",
                                      "August", "September", "October", "November", "December"]}
MONTHS.update({"sept": "Sep"})


@dataclass
class Parsed:
    """Typed values, and per cell the reason it could not be read (missing where fine)."""

    values: pd.Series
    problem: pd.Series


DISTINCT_PROBE = 10_000  # a large column whose first rows are this many nearly distinct values is parsed whole


def on_uniques(fn):
    """Run a column parser once per distinct value, then spread the results back over the rows.

    Exports repeat values (a few thousand distinct dates over a million rows); parsing the
    distinct values only is exact and much faster. Every Series field of the result is spread.
    """

    @functools.wraps(fn)
    def wrapper(s: pd.Series, *args, **kwargs):
        if len(s) >= 4 * DISTINCT_PROBE and s.iloc[:DISTINCT_PROBE].nunique() > 0.9 * DISTINCT_PROBE:
            return fn(s, *args, **kwargs)  # nearly every value differs (timestamps): finding them costs more than it saves
        codes, u = textops.distinct(s)
        if len(u) > 0.7 * len(s):
            return fn(s, *args, **kwargs)
        r = fn(u, *args, **kwargs)
        return type(r)(**{f.name: textops.spread(getattr(r, f.name), codes, s.index) for f in dataclasses.fields(r)})

    return wrapper


def _missing_mask(s: pd.Series) -> pd.Series:
    return s.isna() | key(s.fillna("")).isin(MISSING_TOKENS)


def _months_to_abbr(s: pd.Series) -> pd.Series:
    pattern = r"\b(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b\.?"
    return s.str.replace(pattern, lambda m: MONTHS[m.group(1).lower()], regex=True, case=False)


# (name, full-match pattern on the trimmed value, pandas format or a special parser)
_DATE_FORMATS_MDY = [
    ("iso", r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}", "%Y-%m-%d"),
    ("iso_time", r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?", "ISO8601"),
    ("slash", r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}", "%m/%d/%Y"),
    ("slash_yy", r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{2}", "%m/%d/%y"),
    ("slash_time", r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4} [0-9]{1,2}:[0-9]{2}:[0-9]{2}", "%m/%d/%Y %H:%M:%S"),
    ("slash_hm", r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4} [0-9]{1,2}:[0-9]{2}", "%m/%d/%Y %H:%M"),
    ("dmy_name", r"[0-9]{1,2} [A-Za-z]{3} [0-9]{4}", "%d %b %Y"),
    ("mdy_name", r"[A-Za-z]{3} [0-9]{1,2},? [0-9]{4}", "%b %d %Y"),
    ("excel", r"[0-9]{5}(\.[0-9]+)?", "excel"),
]


def _formats(day_first: bool) -> list[tuple[str, str, str]]:
    if not day_first:
        return _DATE_FORMATS_MDY
    swap = {"%m/%d/%Y": "%d/%m/%Y", "%m/%d/%y": "%d/%m/%y", "%m/%d/%Y %H:%M:%S": "%d/%m/%Y %H:%M:%S",
            "%m/%d/%Y %H:%M": "%d/%m/%Y %H:%M"}
    return [(n, p, swap.get(f, f)) for n, p, f in _DATE_FORMATS_MDY]


# The commonest timestamp form by far, "2023-04-05 14:03:22" (or with T and Z), read in one call.
_ISO_SECONDS = r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}Z?"
# The commonest other form, "04/05/2023 14:03:22" (two-digit month and day), also read in one call.
_SLASH_SECONDS = r"[0-9]{2}/[0-9]{2}/[0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2}"
FAST_PATH_MIN = 1000  # fewer rows of the commonest form than this: one general pass is quicker


def _split_parse(s: pd.Series, fast: np.ndarray, fast_parser, general_parser):
    """Parse the rows of the commonest form (mask ``fast``) with ``fast_parser``, the rest with
    ``general_parser``, and put the results back in row order (both return the same kind of result).

    The fast parser must give exactly what the general one gives on those rows (a test checks it).
    """
    n_fast = int(fast.sum())
    if n_fast < FAST_PATH_MIN:
        return general_parser(s)
    a, b = fast_parser(s[fast]), general_parser(s[~fast])
    position = np.empty(len(s), dtype=np.intp)
    position[fast] = np.arange(n_fast)
    position[~fast] = n_fast + np.arange(len(s) - n_fast)
    return type(a)(**{f.name: textops.spread(pd.concat([getattr(a, f.name), getattr(b, f.name)], ignore_index=True),
                                             position, s.index) for f in dataclasses.fields(a)})


@on_uniques
def parse_timestamp(
    s: pd.Series,
    *,
    day_first: bool = False,
    earliest: str | pd.Timestamp = "2000-01-01",
    latest: str | pd.Timestamp | None = None,
) -> Parsed:
    """Parse dates and timestamps; values keep their time of day (seconds precision).

    Timestamps with a UTC offset are converted to UTC; those without are taken as written.
    Values before ``earliest`` or after ``latest`` are problems, not guesses.
    """
    s = s.astype("str") if s.dtype != "str" else s
    slash_fields = "DMY" if day_first else "MDY"
    r = _split_parse(s, textops.fullmatch(s, _ISO_SECONDS).to_numpy(), lambda part: _fixed_width(part, "YMD"),
                     lambda rest: _split_parse(rest, textops.fullmatch(rest, _SLASH_SECONDS).to_numpy(),
                                               lambda part: _fixed_width(part, slash_fields),
                                               lambda other: _timestamps(other, day_first)))
    out, problem = r.values, r.problem
    lo = pd.Timestamp(earliest)
    early = out.notna() & (out < lo)
    problem[early] = f"before {lo.date()}"
    if latest is not None:
        hi = pd.Timestamp(latest).normalize() + pd.Timedelta(days=1)
        late = out.notna() & (out >= hi)
        problem[late] = f"after the as-of date {pd.Timestamp(latest).date()}"
        out[late] = pd.NaT
    out[early] = pd.NaT
    return Parsed(out, problem)


def _iso(part: pd.Series) -> pd.Series:
    return pd.to_datetime(part, format="ISO8601", errors="coerce", utc=True).dt.tz_localize(None).astype("datetime64[s]")


# Where each field of a fixed-width form starts: "2023-04-05 14:03:22" and "04/05/2023 14:03:22".
_FIXED = {"YMD": {"Y": 0, "M": 5, "D": 8}, "MDY": {"M": 0, "D": 3, "Y": 6}, "DMY": {"D": 0, "M": 3, "Y": 6}}
_DAYS_IN_MONTH = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def _fixed_width(s: pd.Series, order: str) -> Parsed:
    """The commonest forms only, :data:`_ISO_SECONDS` (``order`` "YMD") and :data:`_SLASH_SECONDS`
    ("MDY", or "DMY" for day-first exports): what :func:`_timestamps` gives for them.

    Every value has its digits at fixed places, so they are read as numbers straight from the
    text's bytes and checked field by field (month 1-12, the day within that month of that year,
    hours to 23, minutes and seconds to 59): no per-value parsing.
    """
    arr = textops.arrow(s)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    data = np.frombuffer(arr.buffers()[2], dtype=np.uint8) if len(arr) else np.zeros(0, np.uint8)
    start = np.frombuffer(arr.buffers()[1], dtype=np.int64)[arr.offset:arr.offset + len(arr)]
    digits = data[start[:, None] + np.arange(19)].astype(np.int64) - ord("0")

    def number(at: int, width: int) -> np.ndarray:
        out = np.zeros(len(s), dtype=np.int64)
        for i in range(at, at + width):
            out = out * 10 + digits[:, i]
        return out

    place = _FIXED[order]
    y, m, d = number(place["Y"], 4), number(place["M"], 2), number(place["D"], 2)
    hh, mm, ss = number(11, 2), number(14, 2), number(17, 2)
    leap = (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))
    month_ok = (m >= 1) & (m <= 12)
    last_day = _DAYS_IN_MONTH[np.clip(m, 1, 12) - 1] + (leap & (m == 2))
    # pandas reads year 0 in ISO form (proleptic) but not through strptime's %Y: nor does this.
    ok = ((y >= (0 if order == "YMD" else 1)) & month_ok & (d >= 1) & (d <= last_day)
          & (hh <= 23) & (mm <= 59) & (ss <= 59))
    months = np.where(ok, (y - 1970) * 12 + m - 1, 0).astype("datetime64[M]")
    seconds = (months.astype("datetime64[D]") + np.where(ok, d - 1, 0)).astype("datetime64[s]") + (hh * 3600 + mm * 60 + ss)
    values = pd.Series(np.where(ok, seconds, np.datetime64("NaT")), index=s.index, dtype="datetime64[s]")
    return Parsed(values, pd.Series(np.where(ok, None, "impossible date"), index=s.index, dtype="str"))


def _timestamps(s: pd.Series, day_first: bool) -> Parsed:
    """Every form (the module docstring): each value's format detected by pattern, then parsed."""
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[s]")
    problem = pd.Series(pd.NA, index=s.index, dtype="str")
    missing = _missing_mask(s)
    text = s.where(~missing).str.strip()
    wordy = text.str.contains(r"[A-Za-z]{4,}", regex=True, na=False)
    if wordy.any():
        text = text.copy()
        text[wordy] = _months_to_abbr(text[wordy])
    text = text.where(~missing)
    text = textops.replace(text, r"\s+", " ").where(text.notna())
    claimed = missing.copy()
    for name, pattern, fmt in _formats(day_first):
        todo = ~claimed
        if not todo.any():
            break
        m = pd.Series(False, index=s.index)
        m[todo] = text[todo].str.fullmatch(pattern, na=False)
        if not m.any():
            continue
        claimed |= m
        part = text[m]
        if fmt == "excel":
            days = pd.to_numeric(part, errors="coerce")
            ok = (days >= 1) & (days < 2958466)
            vals = EXCEL_EPOCH + pd.to_timedelta(days.where(ok).mul(86400).round(), unit="s")
        elif fmt == "ISO8601":
            vals = _iso(part)
        else:
            if name == "mdy_name":
                part = part.str.replace(",", "", regex=False)
            vals = pd.to_datetime(part, format=fmt, errors="coerce")
        vals = vals.astype("datetime64[s]")
        out[m] = vals
        bad = m & out.isna()
        problem[bad] = "impossible date"
    problem[~claimed] = "unrecognised date format"
    return Parsed(out, problem)


def parse_date(s: pd.Series, **kwargs) -> Parsed:
    """Parse dates (a timestamp's time of day is dropped); see :func:`parse_timestamp`."""
    r = parse_timestamp(s, **kwargs)
    return Parsed(r.values.dt.normalize(), r.problem)


_CURRENCY_TOKEN = r"[A-Za-z$€£¥￥.]*\$?"
_MONEY = (
    r"^(?P<neg1>-)?[ \t]*(?P<pre>" + _CURRENCY_TOKEN + r")[ \t]*(?P<neg2>-)?[ \t]*"
    r"(?P<num>[0-9][0-9., \t']*)?[ \t]*(?P<post>[A-Za-z€£¥￥$.]*)$"
)


@dataclass
class ParsedMoney(Parsed):
    """Money: ``values`` (float), ``currency`` named by the amount itself (ISO 4217, or missing)."""

    currency: pd.Series


def _number(num: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Digits with separators in either convention -> float, and a 'malformed' mask."""
    num = num.str.replace(r"[ \t']", "", regex=True)
    has_dot = num.str.contains(".", regex=False)
    has_comma = num.str.contains(",", regex=False)
    dot_last = textops.contains(num, r"\.[0-9]*$")
    comma_last = textops.contains(num, r",[0-9]*$")
    # Decimal mark: the later of the two when both appear; a lone separator followed by exactly
    # three digits (or appearing more than once) is a thousands separator.
    lone_thousands_dot = num.str.fullmatch(r"[1-9][0-9]{0,2}(\.[0-9]{3})+")
    lone_thousands_comma = num.str.fullmatch(r"[1-9][0-9]{0,2}(,[0-9]{3})+")
    decimal = pd.Series("", index=num.index, dtype="str")
    decimal[has_dot & ~has_comma & ~lone_thousands_dot] = "."
    decimal[has_comma & ~has_dot & ~lone_thousands_comma] = ","
    both = has_dot & has_comma
    decimal[both & dot_last] = "."
    decimal[both & comma_last] = ","
    thousands = pd.Series("", index=num.index, dtype="str")
    thousands[(decimal == ".") & has_comma] = ","
    thousands[(decimal == ",") & has_dot] = "."
    thousands[lone_thousands_dot] = "."
    thousands[lone_thousands_comma] = ","
    canonical = num.copy()
    valid = pd.Series(True, index=num.index)
    for t in [",", "."]:
        for d in ["", ".", ","]:
            if t == d:
                continue
            m = (thousands == t) & (decimal == d)
            if not m.any():
                continue
            et, ed = re.escape(t), re.escape(d)
            frac = rf"(?:{ed}[0-9]+)?" if d else ""
            valid[m] = num[m].str.fullmatch(rf"[0-9]{{1,3}}(?:{et}[0-9]{{3}})*{frac}").to_numpy()
            canonical[m] = num[m].str.replace(t, "", regex=False)
            if d == ",":
                canonical[m] = canonical[m].str.replace(",", ".", regex=False)
    plain_comma = (thousands == "") & (decimal == ",")
    canonical[plain_comma] = num[plain_comma].str.replace(",", ".", regex=False)
    valid &= canonical.str.fullmatch(r"[0-9]+(\.[0-9]+)?").fillna(False)
    values = _decimal(canonical.where(valid))
    return values, ~valid


def _decimal(s: pd.Series) -> pd.Series:
    """Plain decimal numbers (``[0-9]+(\\.[0-9]+)?``, already checked) as float64, NaN where missing.

    pyarrow's conversion, correctly rounded like Python's ``float``, twenty times faster than
    ``pd.to_numeric`` on text.
    """
    arr = pc.cast(textops.arrow(s), pa.float64())
    return pd.Series(arr.to_numpy(zero_copy_only=False), index=s.index, dtype="float64")


# The commonest forms by far, "$1,234.50", "US$1,234.50", "USD 1,234.50" or "1234.50".
_PLAIN_USD = r"(?:\$|US\$|USD ?)?(?:[1-9][0-9]{0,2}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]{1,2})?"


@on_uniques
def parse_money(s: pd.Series) -> ParsedMoney:
    """Parse amounts; see the module docstring for the forms read."""
    s = s.astype("str") if s.dtype != "str" else s
    return _split_parse(s, textops.fullmatch(s, _PLAIN_USD).to_numpy(), _plain_usd, _parse_money)


def _plain_usd(s: pd.Series) -> ParsedMoney:
    """The commonest forms only (:data:`_PLAIN_USD`): what :func:`_parse_money` gives for them."""
    values = _decimal(textops.replace(s, r"^(?:US\$|USD ?|\$)|,", ""))
    named = textops.contains(s, r"^[$U]").to_numpy()
    return ParsedMoney(values, pd.Series(pd.NA, index=s.index, dtype="str"),
                       pd.Series(np.where(named, "USD", None), index=s.index, dtype="str"))


def _parse_money(s: pd.Series) -> ParsedMoney:
    values = pd.Series(np.nan, index=s.index, dtype="float64")
    currency = pd.Series(pd.NA, index=s.index, dtype="str")
    problem = pd.Series(pd.NA, index=s.index, dtype="str")
    missing = _missing_mask(s)
    lowered = key(s.fillna(""))
    zero = ~missing & lowered.isin(ZERO_WORDS)
    values[zero] = 0.0
    text = s.where(~missing & ~zero).str.strip()
    paren = text.str.fullmatch(r"\(.*\)", na=False)
    text = text.where(~paren, text.str.slice(1, -1).str.strip())
    parts = textops.extract(text, _MONEY)
    for c in ["neg1", "neg2", "pre", "post", "num"]:  # RE2 gives '' for an unmatched optional group
        parts[c] = parts[c].where(parts[c] != "")
    todo = text.notna()
    no_match = todo & parts["num"].isna()
    problem[no_match] = "unrecognised amount"
    ok = todo & ~no_match
    nums, malformed = _number(parts.loc[ok, "num"].astype("str"))
    values[ok] = nums
    problem[ok & malformed.reindex(s.index, fill_value=False)] = "malformed number"
    negative = paren | parts["neg1"].notna() | parts["neg2"].notna()
    values[negative & values.notna()] = -values[negative & values.notna()]
    table = crosswalk("currency")
    pre = key(parts["pre"].fillna(""))
    post = key(parts["post"].fillna(""))
    pre_cur = pre.map(table)
    post_cur = post.map(table)
    unknown = ok & (((pre != "") & pre_cur.isna()) | ((post != "") & post_cur.isna()))
    problem[unknown & problem.isna()] = "unknown currency word"
    conflict = ok & pre_cur.notna() & post_cur.notna() & (pre_cur != post_cur)
    problem[conflict & problem.isna()] = "two different currencies in one amount"
    cur = pre_cur.fillna(post_cur)
    currency[ok & ~conflict & ~unknown] = cur[ok & ~conflict & ~unknown]
    values[problem.notna()] = np.nan
    currency[problem.notna()] = pd.NA
    return ParsedMoney(values, problem, currency.astype("str"))
