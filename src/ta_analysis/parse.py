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
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ta_analysis import textops
from ta_analysis.vocab import crosswalk, key

MISSING_TOKENS = {"", "n/a", "na", "n.a.", "-", "--", "unknown", "none given", "not applicable",
                  "null", "nan", "tbd", "not yet", "unk", "not sure", "unsure", "don't know", "dont know",
                  "don't remember", "dont remember", "can't remember", "cant remember", "no idea"}
ZERO_WORDS = {"none", "nil", "nothing", "zero", "no"}
EXCEL_EPOCH = np.datetime64("1899-12-30", "s")
MONTH_NAMES = {name: number for number, names in enumerate([
    ["jan", "january"], ["feb", "february"], ["mar", "march"], ["apr", "april"], ["may"], ["jun", "june"],
    ["jul", "july"], ["aug", "august"], ["sep", "sept", "september"], ["oct", "october"], ["nov", "november"],
    ["dec", "december"]], start=1) for name in names}
# Two-digit years as strptime's %y reads them (POSIX): 69-99 are 1969-1999, 00-68 are 2000-2068.
TWO_DIGIT_YEAR_PIVOT = 69

@dataclass
class Parsed:
    """Typed values, and per cell the reason it could not be read (missing where fine)."""

    values: pd.Series
    problem: pd.Series


def on_uniques(fn):
    """Run a column parser once per distinct value, then spread the results back over the rows.

    Exports repeat values (a few thousand distinct dates over a million rows); parsing the
    distinct values only is exact and much faster. Every Series field of the result is spread.
    """

    @functools.wraps(fn)
    def wrapper(s: pd.Series, *args, **kwargs):
        codes, u = textops.distinct(s)
        r = fn(u, *args, **kwargs)
        return type(r)(**{f.name: textops.spread(getattr(r, f.name), codes, s.index) for f in dataclasses.fields(r)})

    return wrapper


def _missing_mask(s: pd.Series) -> pd.Series:
    """Missing cells and the known ways of writing "missing" (:data:`MISSING_TOKENS`, none of
    which has a digit: values with a digit are not looked up)."""
    wordy = ~textops.contains(s, "[0-9]") & s.notna()
    return s.isna() | (wordy & key(s.where(wordy, "")).isin(MISSING_TOKENS))


# --- dates and timestamps ----------------------------------------------------------------------
# Every date form is one RE2 pattern with named groups, matched against the whole value (case
# ignored, white space trimmed and collapsed). Any form may carry a time of day and a UTC offset.
# The groups a form may use: year (4 digits) or yy (2 digits); month (a number) or mon (a name:
# MONTH_NAMES); day; or a and b, the first two fields of a numeric date whose order (month or day
# first) is decided for the whole column (see parse_timestamp); hour, minute, second, ampm, offset.
_YEAR = r"(?:(?P<year>[0-9]{4})|(?P<yy>[0-9]{2}))"
_ORDINAL = r"(?:st|nd|rd|th)?"
_TIME = (r"(?:,?[T ](?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2})(?:[.,][0-9]+)?)?"
         r"(?: ?(?P<ampm>[ap])\.?m\.?)?(?: ?(?P<offset>z|utc|gmt|[+-][0-9]{2}:?[0-9]{2}))?)?")
DATE_FORMS: dict[str, str] = {
    "year_month_day": r"(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})",  # 2023-04-05
    "year_month_day_slash": r"(?P<year>[0-9]{4})/(?P<month>[0-9]{1,2})/(?P<day>[0-9]{1,2})",  # 2023/04/05
    "numeric_slash": r"(?P<a>[0-9]{1,2})/(?P<b>[0-9]{1,2})/" + _YEAR,  # 04/05/2023, 4/5/23
    "numeric_dash": r"(?P<a>[0-9]{1,2})-(?P<b>[0-9]{1,2})-" + _YEAR,  # 04-05-2023
    "numeric_dot": r"(?P<a>[0-9]{1,2})\.(?P<b>[0-9]{1,2})\." + _YEAR,  # 05.04.2023
    "day_month_name": r"(?P<day>[0-9]{1,2})" + _ORDINAL + r"[ -](?P<mon>[a-z]{3,9})\.?,?[ -]" + _YEAR,  # 5 Apr 2023, 05-Apr-23
    "month_name_day": r"(?P<mon>[a-z]{3,9})\.? (?P<day>[0-9]{1,2})" + _ORDINAL + r",? " + _YEAR,  # April 5, 2023
    "excel_serial": r"(?P<serial>[0-9]{5}(?:\.[0-9]+)?)",  # 45021 (days since 1899-12-30)
}
AMBIGUOUS_ORDER = "ambiguous: this column has dates with a first field above 12 and dates with a second field above 12"
_DAYS_IN_MONTH = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


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
    r = _timestamps(s, day_first)
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


def _timestamps(s: pd.Series, day_first: bool) -> Parsed:
    """Every form of :data:`DATE_FORMS`: each value matched against the forms in turn, then built."""
    n = len(s)
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
    problem = np.full(n, None, dtype=object)
    claimed = _missing_mask(s).to_numpy().copy()
    text = textops.arrow(textops.squeeze(s.where(~claimed)))
    matched = []  # (form, rows, fields)
    for form, pattern in DATE_FORMS.items():
        todo = np.flatnonzero(~claimed)
        if not len(todo):
            break
        whole = f"(?i)^(?:{pattern}{_TIME if form != 'excel_serial' else ''})$"
        candidates = text.take(todo)
        hit = np.asarray(pc.fill_null(pc.match_substring_regex(candidates, pattern=whole), False))
        if hit.any():  # a match alone is quick; the groups are taken only from the values that match
            claimed[todo[hit]] = True
            got = pc.extract_regex(candidates.filter(hit), pattern=whole)
            matched.append((form, todo[hit], {got.type.field(i).name: pc.struct_field(got, [i])
                                              for i in range(got.type.num_fields)}))
    problem[~claimed] = "unrecognised date format"
    order = _numeric_order([f for form, _, f in matched if "a" in f], day_first)
    for form, rows, fields in matched:
        values, why = _build(fields, order)
        out[rows] = values
        problem[rows] = why
    return Parsed(pd.Series(out, index=s.index), pd.Series(problem, index=s.index, dtype="str"))


def _number_field(col) -> np.ndarray:
    """A group of digits as int64; -1 where the group did not take part in the match ('')."""
    digits = pc.if_else(pc.equal(col, ""), pa.scalar(None, col.type), col)
    return np.asarray(pc.fill_null(pc.cast(digits, pa.int64()), -1))


def _numeric_order(fields: list[dict], day_first: bool) -> str:
    """Whether the numeric dates of a column are month first ('mdy'), day first ('dmy'), or 'ambiguous'.

    A column is day first when some value has a first field above 12 and none has a second field
    above 12; when both occur it is ambiguous (its values whose order matters are problems,
    never guessed); otherwise ``day_first`` (the mapping's option) decides.
    """
    first_high = second_high = False
    for f in fields:
        a, b = _number_field(f["a"]), _number_field(f["b"])
        first_high |= bool(((a > 12) & (b <= 12)).any())
        second_high |= bool(((b > 12) & (a <= 12)).any())
    if first_high and second_high:
        return "ambiguous"
    return "dmy" if first_high or day_first else "mdy"


def _build(f: dict, order: str) -> tuple[np.ndarray, np.ndarray]:
    """The timestamps of one form's matched groups (``f``), and per value why it is impossible."""
    if "serial" in f:
        days = pc.cast(f["serial"], pa.float64()).to_numpy(zero_copy_only=False)
        ok = (days >= 1) & (days < 2958466)
        seconds = np.round(np.where(ok, days, 0) * 86400).astype("int64")
        return np.where(ok, EXCEL_EPOCH + seconds, np.datetime64("NaT")), np.where(ok, None, "impossible date")
    number = {name: _number_field(col) for name, col in f.items() if name not in ("mon", "ampm", "offset")}
    year, yy = number["year"], number.get("yy")
    if yy is not None:
        year = np.where(yy >= 0, np.where(yy >= TWO_DIGIT_YEAR_PIVOT, 1900 + yy, 2000 + yy), year)
    ambiguous = np.zeros(len(year), dtype=bool)
    if "a" in number:
        a, b = number["a"], number["b"]
        # A value whose first (second) field is above 12 can only be day (month) first.
        day_first = np.where(a > 12, True, np.where(b > 12, False, order == "dmy"))
        month, day = np.where(day_first, b, a), np.where(day_first, a, b)
        ambiguous = (order == "ambiguous") & (a <= 12) & (b <= 12) & (a != b)
    else:
        day = number["day"]
        if "mon" in f:
            names = pc.utf8_lower(f["mon"]).to_pylist()
            month = np.array([MONTH_NAMES.get(m, -1) for m in names], dtype="int64")
        else:
            month = number["month"]
    hour, minute, second = (np.maximum(number[name], 0) for name in ("hour", "minute", "second"))
    hour_ok = hour <= 23
    if "ampm" in f:
        half = pc.utf8_lower(f["ampm"]).to_numpy(zero_copy_only=False)
        twelve = (half == "a") | (half == "p")
        hour_ok = np.where(twelve, (hour >= 1) & (hour <= 12), hour_ok)
        hour = np.where(twelve, hour % 12 + np.where(half == "p", 12, 0), hour)
    offset, offset_ok = _offset_minutes(f["offset"])
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_ok = (month >= 1) & (month <= 12)
    last_day = _DAYS_IN_MONTH[np.clip(month, 1, 12) - 1] + (leap & (month == 2))
    ok = ((year >= 1) & month_ok & (day >= 1) & (day <= last_day) & hour_ok & (minute <= 59) & (second <= 59)
          & offset_ok & ~ambiguous)
    months = np.where(ok, (year - 1970) * 12 + month - 1, 0).astype("datetime64[M]")
    seconds = (months.astype("datetime64[D]") + np.where(ok, day - 1, 0)).astype("datetime64[s]")
    seconds = seconds + np.where(ok, hour * 3600 + minute * 60 + second - offset * 60, 0)
    why = np.where(ambiguous, AMBIGUOUS_ORDER, np.where(ok, None, "impossible date"))
    return np.where(ok, seconds, np.datetime64("NaT")), why


def _offset_minutes(col) -> tuple[np.ndarray, np.ndarray]:
    """A UTC offset (``Z``, ``UTC``, ``+05:30``, ``-0500``) in minutes east of UTC (0 where none),
    and whether it is a possible offset."""
    signed = pc.match_substring_regex(col, pattern="^[+-]").to_numpy(zero_copy_only=False)
    hh = _number_field(pc.if_else(signed, pc.utf8_slice_codeunits(col, 1, 3), ""))
    mm = _number_field(pc.if_else(signed, pc.utf8_slice_codeunits(col, -2), ""))
    sign = np.where(pc.starts_with(col, "-").to_numpy(zero_copy_only=False), -1, 1)
    minutes = np.where(signed, sign * (hh * 60 + mm), 0)
    return minutes, ~signed | ((hh <= 23) & (mm <= 59))


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


# A number's digits with separators (spaces and apostrophes removed first) take one of these forms,
# which never overlap. A lone separator followed by exactly three digits (or repeated) is a
# thousands separator in either convention; where both separators appear, the later one is the
# decimal mark. Anything else is a malformed number.
_NUMBER_FORMS = {
    "plain": r"[0-9]+",  # 1234
    "thousands_dot": r"[1-9][0-9]{0,2}(?:\.[0-9]{3})+",  # 1.234, 12.345.678
    "thousands_comma": r"[1-9][0-9]{0,2}(?:,[0-9]{3})+",  # 1,234
    "decimal_dot": r"[0-9]+\.[0-9]+",  # 1234.5, 0.234 (not a thousands_dot form)
    "decimal_comma": r"[0-9]+,[0-9]+",  # 1234,5 (not a thousands_comma form)
    "us": r"[0-9]{1,3}(?:,[0-9]{3})+\.[0-9]+",  # 1,234.50
    "european": r"[0-9]{1,3}(?:\.[0-9]{3})+,[0-9]+",  # 1.234,50
}


def _number(num: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Digits with separators in either convention -> float, and a 'malformed' mask (numpy arrays)."""
    num = textops.replace(num, r"[ \t']", "")
    form = {name: textops.fullmatch(num, pattern).to_numpy() for name, pattern in _NUMBER_FORMS.items()}
    form["decimal_dot"] = form["decimal_dot"] & ~form["thousands_dot"]
    form["decimal_comma"] = form["decimal_comma"] & ~form["thousands_comma"]
    no_dots = num.str.replace(".", "", regex=False)
    canonical = num.str.replace(",", "", regex=False)  # plain, decimal_dot, thousands_comma, us
    canonical = canonical.where(~form["thousands_dot"], no_dots)
    canonical = canonical.where(~form["decimal_comma"], num.str.replace(",", ".", regex=False))
    canonical = canonical.where(~form["european"], no_dots.str.replace(",", ".", regex=False))
    valid = np.logical_or.reduce(list(form.values()))
    return _decimal(canonical.where(valid)).to_numpy(), ~valid


def _decimal(s: pd.Series) -> pd.Series:
    """Plain decimal numbers (``[0-9]+(\\.[0-9]+)?``, already checked) as float64, NaN where missing.

    pyarrow's conversion, correctly rounded like Python's ``float``, twenty times faster than
    ``pd.to_numeric`` on text.
    """
    arr = pc.cast(textops.arrow(s), pa.float64())
    return pd.Series(arr.to_numpy(zero_copy_only=False), index=s.index, dtype="float64")


@on_uniques
def parse_money(s: pd.Series) -> ParsedMoney:
    """Parse amounts; see the module docstring for the forms read."""
    n = len(s)
    k = key(s.fillna(""))
    missing = (s.isna() | k.isin(MISSING_TOKENS)).to_numpy()
    zero = ~missing & k.isin(ZERO_WORDS).to_numpy()
    text = s.where(~missing & ~zero).str.strip()
    paren = textops.fullmatch(text, r"\(.*\)").to_numpy()
    text = text.where(~paren, text.str.slice(1, -1).str.strip())
    parts = textops.extract(text, _MONEY)  # RE2 gives '' for an unmatched optional group
    given = {c: parts[c].fillna("").ne("").to_numpy() for c in ["neg1", "neg2", "num"]}
    todo = text.notna().to_numpy()
    ok = todo & given["num"]
    problem = np.full(n, None, dtype=object)
    problem[todo & ~given["num"]] = "unrecognised amount"
    values = np.full(n, np.nan)
    values[zero] = 0.0
    number, malformed = _number(parts["num"][ok])
    values[ok] = number
    problem[np.flatnonzero(ok)[malformed]] = "malformed number"
    negative = paren | given["neg1"] | given["neg2"]
    values[negative] = -values[negative]
    pre, post = (_currency_word(parts[c].fillna("")) for c in ["pre", "post"])
    unknown = ok & ((parts["pre"].fillna("").ne("").to_numpy() & pd.isna(pre))
                    | (parts["post"].fillna("").ne("").to_numpy() & pd.isna(post)))
    problem[unknown & pd.isna(problem)] = "unknown currency word"
    conflict = ok & pd.notna(pre) & pd.notna(post) & (pre != post)
    problem[conflict & pd.isna(problem)] = "two different currencies in one amount"
    currency = np.where(pd.isna(pre), post, pre)
    bad = pd.notna(problem)
    currency[~ok | conflict | unknown | bad] = None
    values[bad] = np.nan
    return ParsedMoney(pd.Series(values, index=s.index), pd.Series(problem, index=s.index, dtype="str"),
                       pd.Series(currency, index=s.index, dtype="str"))


def _currency_word(words: pd.Series) -> np.ndarray:
    """The ISO code a currency word or symbol beside an amount names (None where none or unknown)."""
    table = crosswalk("currency")
    named = textops.per_distinct(lambda u: key(u).map(table).astype("str"), words)
    return named.to_numpy(dtype=object, na_value=None)
