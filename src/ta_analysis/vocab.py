"""Vocabulary is data: crosswalk CSVs in the package map raw spellings to canonical values.

Each crosswalk (``data/<name>.csv``, columns ``raw_value,canonical_value``, ``#`` header comments
saying where it came from) is matched case- and whitespace-insensitively. An empty
``canonical_value`` is a known way of saying "missing". Values no spelling matches are tried
against that vocabulary's rows of ``data/patterns.csv`` (documented regular expressions for free
text such as "Partial refund (30%)"), and what still matches nothing is reported as unmapped.

Examples:
    >>> import pandas as pd
    >>> r = map_vocab(pd.Series(["REJECTED", "Partial refund (50%)", "it's complicated"]), "claim_outcome")
    >>> r.values.tolist()
    ['denied', 'partial_refund', nan]
    >>> r.unmapped.tolist()
    [False, False, True]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from ta_analysis import textops
from ta_analysis.config import PACKAGE_DATA

VOCABULARIES = {
    "boolean": "booleans.csv",
    "buyer_type": "buyer_types.csv",
    "delivery_status": "delivery_statuses.csv",
    "claim_outcome": "claim_outcomes.csv",
    "issue": "issues.csv",
    "us_state": "us_states.csv",
    "country": "countries.csv",
    "currency": "currencies.csv",
}

# The canonical values of each vocabulary, in their report order.
CATEGORIES = {
    "buyer_type": ["individual", "small_business", "other"],
    "delivery_status": ["delivered", "late", "not_delivered", "partial", "held_at_customs", "unknown"],
    "claim_outcome": ["full_refund", "partial_refund", "denied", "pending", "no_response", "withdrawn"],
    "issue": ["quality", "delay", "customs", "non_delivery"],
}


def read_crosswalk(filename: str) -> pd.DataFrame:
    """A package CSV with ``#`` comment lines, every cell as text ('' where empty)."""
    return pd.read_csv(PACKAGE_DATA / filename, comment="#", dtype=str, keep_default_na=False,
                       encoding="utf-8")


def key(series: pd.Series) -> pd.Series:
    """The matching key of a spelling: lower case, inner white space collapsed, trimmed."""
    return textops.squeeze(series.astype("str").str.lower())


@lru_cache(maxsize=None)
def crosswalk(vocabulary: str) -> dict[str, str | None]:
    """Spelling key -> canonical value (None for a known "missing" spelling)."""
    table = read_crosswalk(VOCABULARIES[vocabulary])
    keys = key(table["raw_value"])
    dupes = keys[keys.duplicated()]
    if len(dupes):
        raise ValueError(f"{VOCABULARIES[vocabulary]}: spelling listed twice: {dupes.tolist()}")
    out = {k: (v or None) for k, v in zip(keys, table["canonical_value"])}
    if vocabulary == "currency":  # and every ISO 4217 code the exchange rates cover, as itself
        from ta_analysis.fx import currencies

        for code in sorted(currencies()):
            out.setdefault(key(pd.Series([code], dtype="str")).iloc[0], code)
    return out


@lru_cache(maxsize=None)
def canonical_values(vocabulary: str) -> tuple[str, ...]:
    """The values a vocabulary maps onto, in report order where it has one."""
    if vocabulary in CATEGORIES:
        return tuple(CATEGORIES[vocabulary])
    if vocabulary == "boolean":
        return ("true", "false")
    values = read_crosswalk(VOCABULARIES[vocabulary])["canonical_value"]
    return tuple(sorted(set(values) - {""}))


def loose_key(k: str) -> str:
    """A spelling key with punctuation, parentheses, word order and plural -s ignored: its words
    (letters and digits), each less a trailing "s" when longer than three letters, sorted.
    "Not delivered!" and "(Delivered) not" share one; so do "Refund denied" and "refunds denied"."""
    words = re.findall(r"[^\W_]+", k.lower())
    return " ".join(sorted(w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words))


@lru_cache(maxsize=None)
def loose_crosswalk(vocabulary: str) -> dict[str, str | None]:
    """:func:`crosswalk` under :func:`loose_key`; a loose key that two rows with different values
    share is left out (it would be a guess)."""
    out: dict[str, str | None] = {}
    clash: set[str] = set()
    for k, v in crosswalk(vocabulary).items():
        lk = loose_key(k)
        if lk in out and out[lk] != v:
            clash.add(lk)
        out.setdefault(lk, v)
    return {k: v for k, v in out.items() if k not in clash and k}


UNMAPPED = "unmapped spelling"
AMBIGUOUS = "ambiguous spelling"


@lru_cache(maxsize=None)
def patterns(vocabulary: str) -> list[tuple[str, str]]:
    table = read_crosswalk("patterns.csv")
    rows = table[table["vocabulary"] == vocabulary]
    return [(pattern, value or None) for pattern, value in zip(rows["pattern"], rows["canonical_value"])]


@dataclass
class Mapped:
    """Result of mapping a column of spellings.

    Attributes:
        values: canonical values (missing where the input was missing, a known "missing"
            spelling, or unmapped).
        unmapped: True where a non-missing input matched no spelling and no pattern, or
            patterns that disagree.
        problem: why, where ``unmapped``: :data:`UNMAPPED`, or :data:`AMBIGUOUS` with the values
            the patterns give ("ambiguous spelling: denied or partial_refund"), never a guess.
    """

    values: pd.Series
    unmapped: pd.Series
    problem: pd.Series | None = None


def map_vocab(series: pd.Series, vocabulary: str, given: dict[str, str | None] | None = None) -> Mapped:
    """Map raw spellings onto a vocabulary's canonical values (once per distinct spelling).

    ``given`` (spelling key -> canonical value, None for missing: a mapping file's
    ``[values.<field>]``) is tried first, then the crosswalk, then the patterns."""
    codes, canon, problem = _map_distinct(series, vocabulary, given)
    return _mapped(textops.spread(pd.Series(canon, dtype="str"), codes, series.index), codes, problem, series.index)


def map_category(series: pd.Series, vocabulary: str, given: dict[str, str | None] | None = None) -> Mapped:
    """:func:`map_vocab` for a vocabulary in :data:`CATEGORIES`, as a categorical in that order."""
    codes, canon, problem = _map_distinct(series, vocabulary, given)
    position = {c: i for i, c in enumerate(CATEGORIES[vocabulary])}
    category = np.array([position.get(c, -1) for c in canon], dtype="int8")
    values = pd.Series(pd.Categorical.from_codes(category[codes], categories=CATEGORIES[vocabulary]), index=series.index)
    return _mapped(values, codes, problem, series.index)


def map_boolean(series: pd.Series, given: dict[str, str | None] | None = None) -> Mapped:
    """Yes/No/Y/N/TRUE/1/"Not sure"... -> nullable boolean."""
    codes, canon, problem = _map_distinct(series, "boolean", given)
    values = pd.array([{"true": True, "false": False}.get(c) for c in canon], dtype="boolean")
    return _mapped(pd.Series(values.take(codes), index=series.index), codes, problem, series.index)


def _mapped(values: pd.Series, codes: np.ndarray, problem: np.ndarray, index) -> Mapped:
    per_row = pd.Series(problem[codes], index=index, dtype="str")
    return Mapped(values, per_row.notna(), per_row)


def _map_distinct(series: pd.Series, vocabulary: str,
                  given: dict[str, str | None] | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each row's position among the distinct spellings (:func:`textops.distinct`), and per
    distinct spelling its canonical value (None if none) and its problem (None if mapped).

    Every pattern is tried on every spelling the tables do not hold: one that several patterns
    map to different values is ambiguous, and left unmapped rather than guessed."""
    codes, spellings = textops.distinct(series)
    keys = key(spellings.iloc[:-1]).to_numpy(dtype=object)  # the last entry stands for missing cells
    table = {**crosswalk(vocabulary), **(given or {})}
    known = np.array([k in table for k in keys], dtype=bool)
    canon = np.array([table.get(k) for k in keys] + [None], dtype=object)
    loose = loose_crosswalk(vocabulary)
    for i in np.flatnonzero(~known):  # then ignoring punctuation, word order and plurals
        lk = loose_key(keys[i])
        if lk in loose:
            canon[i], known[i] = loose[lk], True
    problem = np.array([None if k else UNMAPPED for k in known] + [None], dtype=object)
    todo = np.flatnonzero(~known)
    found: dict[int, set[str]] = {}
    for pattern, value in patterns(vocabulary) if len(todo) else ():
        hit = pd.Series(keys[todo], dtype="str").str.contains(pattern, case=False, regex=True).to_numpy()
        for i in todo[hit]:
            found.setdefault(int(i), set()).add(value)
    for i, values in found.items():
        if len(values) == 1:
            canon[i], problem[i] = next(iter(values)), None
        else:
            problem[i] = f"{AMBIGUOUS}: {' or '.join(sorted(values))}"
    return codes, canon, problem


def unmapped_report(series: pd.Series, unmapped: pd.Series, field: str) -> pd.DataFrame:
    """Every spelling that mapped to nothing, with how often it occurs."""
    bad = series[unmapped.to_numpy(dtype=bool)]
    counts = bad.value_counts(sort=False).rename_axis("raw_value").reset_index(name="count")
    counts.insert(0, "field", field)
    return counts.sort_values(["count", "raw_value"], ascending=[False, True], kind="stable").reset_index(drop=True)

