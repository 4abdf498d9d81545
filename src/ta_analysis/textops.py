"""Regular-expression operations on text columns, run by pyarrow's RE2 engine.

pandas sends a pattern to pyarrow only when Python's ``re`` and RE2 would agree on every
string; ``\\s`` or ``\\b`` on non-ASCII text (a narrative with "€" in it) sends it back to a
Python loop, fifty times slower. The patterns used here are written for RE2 and mean the same on
the text they meet (identifiers, amounts and dates are ASCII), so they are run by pyarrow
directly. RE2 has no look-around and no back-references; patterns here use neither.

Examples:
    >>> import pandas as pd
    >>> replace(pd.Series(["a  b", None]), r"\\s+", " ").tolist()
    ['a b', nan]
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def arrow(s: pd.Series) -> pa.Array | pa.ChunkedArray:
    """The text column as pyarrow large strings (missing cells null); chunked if the column is."""
    return pa.array(s.astype("str"), type=pa.large_string(), from_pandas=True)


def _series(arr: pa.Array, like: pd.Series) -> pd.Series:
    values = arr.to_pandas(types_mapper=lambda t: pd.StringDtype("pyarrow", na_value=float("nan"))).array
    return pd.Series(values, index=like.index, dtype="str")  # positional: no alignment on the index


def replace(s: pd.Series, pattern: str, repl: str) -> pd.Series:
    """Replace every match of ``pattern`` (RE2 syntax; ``\\1`` for groups in ``repl``)."""
    return _series(pc.replace_substring_regex(arrow(s), pattern=pattern, replacement=repl), s)


def check_pattern(pattern: str, option: str) -> None:
    """An InputError naming ``option`` when ``pattern`` is no regular expression RE2 can run."""
    from ta_analysis.errors import InputError

    try:
        pc.match_substring_regex(pa.array([""]), pattern=pattern)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise InputError(f"{option} {pattern!r} is not a regular expression this tool can run "
                         f"({str(exc).splitlines()[0]})") from None


def squeeze(s: pd.Series) -> pd.Series:
    """Surrounding white space trimmed and every inner run of white space made one space.

    Only the values that have such a run (two spaces, a tab, a line break) are rewritten.

        >>> squeeze(pd.Series([" a  b ", "c\\td", None])).tolist()
        ['a b', 'c d', nan]
    """
    arr = pc.utf8_trim_whitespace(arrow(s))
    runs = pc.fill_null(pc.match_substring_regex(arr, pattern=r"\s\s|[\t\n\r\f\v]"), False)
    if pc.any(runs).as_py():
        arr = pc.if_else(runs, pc.replace_substring_regex(arr, pattern=r"\s+", replacement=" "), arr)
    return _series(arr, s)


def is_ascii(s: pd.Series) -> np.ndarray:
    """True where the value is all ASCII (or missing)."""
    return np.asarray(pc.fill_null(pc.string_is_ascii(arrow(s)), True))


def contains(s: pd.Series, pattern: str, *, ignore_case: bool = False) -> pd.Series:
    """True where ``pattern`` matches anywhere; False where missing."""
    hit = pc.fill_null(pc.match_substring_regex(arrow(s), pattern=pattern, ignore_case=ignore_case), False)
    return pd.Series(hit.to_numpy(zero_copy_only=False), index=s.index, dtype=bool)


MATCH_START, MATCH_SEP = "\x1e", "\x1f"  # record and unit separators: never in text given to :func:`matches`


def matches(s: pd.Series, pattern: str) -> pa.Array:
    """Every non-overlapping match of ``pattern`` in each value, in order, as a list per value.

    The same RE2 engine as :func:`contains` (so a value it finds a match in always yields at least
    one here, non-ASCII text included): each match is first marked with two separators, then the
    text outside the marks is dropped. Values must hold neither :data:`MATCH_START` nor
    :data:`MATCH_SEP`. Missing values give missing lists.

        >>> matches(pd.Series(["Café: never arrived, never came", "nothing", None]), r"(?i)never \\w+").to_pylist()
        [['never arrived', 'never came'], [], None]
    """
    arr = pc.replace_substring_regex(arrow(s), pattern=f"({pattern})", replacement=MATCH_START + "\\1" + MATCH_SEP)
    arr = pc.replace_substring_regex(arr, pattern=f"[^{MATCH_START}{MATCH_SEP}]*{MATCH_START}([^{MATCH_SEP}]*){MATCH_SEP}",
                                     replacement="\\1" + MATCH_SEP)
    arr = pc.replace_substring_regex(arr, pattern=f"[^{MATCH_SEP}]*$", replacement="")
    lists = pc.split_pattern(pc.utf8_rtrim(arr, characters=MATCH_SEP), MATCH_SEP)
    empty = pc.equal(pc.utf8_length(arr), 0)  # "" splits into [""]: no match
    return pc.if_else(empty, pa.scalar([], type=lists.type), lists)


def fullmatch(s: pd.Series, pattern: str) -> pd.Series:
    """True where the whole value matches ``pattern``; False where missing."""
    return contains(s, f"^(?:{pattern})$")


def extract(s: pd.Series, pattern: str) -> pd.DataFrame:
    """Named groups of ``pattern`` (RE2, anchored as written) as columns; missing where no match."""
    arr = arrow(s)
    out = pc.extract_regex(arr, pattern=pattern)
    names = [out.type.field(i).name for i in range(out.type.num_fields)]
    cols = {}
    for i, name in enumerate(names):
        col = pc.struct_field(out, [i])
        cols[name] = _series(col, s)
    return pd.DataFrame(cols, index=s.index)


def distinct(s: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Each row's position among the distinct values, and those values followed by one missing entry.

    Exports repeat values (a dozen currencies, a few thousand dates over a million rows); work done
    once per distinct value and spread back with :func:`spread` is exact and much faster. A
    missing cell points at the final missing entry.

        >>> codes, values = distinct(pd.Series(["b", None, "a", "b"]))
        >>> codes.tolist(), values.tolist()
        ([0, 2, 1, 0], ['b', 'a', nan])
    """
    codes, uniques = pd.factorize(s.astype("str"), use_na_sentinel=True)
    values = pd.concat([pd.Series(uniques.array, dtype="str"), pd.Series([None], dtype="str")], ignore_index=True)
    return np.where(codes < 0, len(uniques), codes), values


def spread(values: pd.Series, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """Per-distinct-value results back over the rows (the inverse of :func:`distinct`)."""
    return pd.Series(values.array.take(codes), index=index, dtype=values.dtype)


def per_distinct(fn, s: pd.Series, *, max_share: float = 0.5) -> pd.Series:
    """``fn(s)`` computed once per distinct value (when they are under ``max_share`` of the rows).

    ``s`` itself comes back when ``fn`` returns its argument unchanged (no copy is made).
    """
    codes, values = distinct(s)
    if len(values) > max_share * len(s):
        return fn(s)
    result = fn(values)
    return s if result is values else spread(result, codes, s.index)


class TextColumn:
    """A text column built by assigning to some of its rows at a time, kept as codes into its
    distinct values until it is finished.

    Assigning into a million-row pyarrow string column rebuilds the whole column each time; here
    an assignment writes integers, and the strings are made once, by pyarrow, at the end.

        >>> c = TextColumn(4)
        >>> c[np.array([True, False, True, False])] = "a"
        >>> c[np.array([1, 3])] = pd.Series(["b", "a"])
        >>> c.series(pd.RangeIndex(4)).tolist()
        ['a', 'b', 'a', 'a']
    """

    def __init__(self, rows: int, default: str = "") -> None:
        self.values: dict[str, int] = {default: 0}
        self.codes = np.zeros(rows, dtype=np.int64)

    def _code(self, value: str) -> int:
        return self.values.setdefault(value, len(self.values))

    def __setitem__(self, rows, value) -> None:
        rows = np.asarray(rows)
        if isinstance(value, str):
            self.codes[rows] = self._code(value)
            return
        codes, distinct = pd.factorize(pd.Series(value, dtype="str").to_numpy(dtype=object), use_na_sentinel=False)
        self.codes[rows] = np.array([self._code(v) for v in distinct], dtype=np.int64)[codes]

    def series(self, index: pd.Index) -> pd.Series:
        dictionary = pa.array(list(self.values), type=pa.large_string(), from_pandas=True)  # NaN: missing
        arr = pa.DictionaryArray.from_arrays(pa.array(self.codes), dictionary).cast(pa.large_string())
        return _series(arr, pd.Series(index=index, dtype="str"))
