"""Numbers as people read them: the one place the reports, the notebooks and the CLI format a figure.

Examples:
    >>> fmt_rate({"numerator": 3, "denominator": 12, "estimate": 0.25, "ci_low": 0.089, "ci_high": 0.532})
    '25.0% (95% CI 8.9% to 53.2%; 3 of 12)'
    >>> pct(float("nan")), usd(1234567.8)
    ('n/a', '$1,234,568')
"""

from __future__ import annotations


def pct(x: float) -> str:
    """A share as a percentage with one decimal; 'n/a' when it is not defined (0 of 0)."""
    return "n/a" if x != x else f"{100 * x:.1f}%"


def usd(x: float) -> str:
    """U.S. dollars, whole, with thousands separators; 'n/a' when unknown."""
    return "n/a" if x != x else f"${x:,.0f}"


def fmt_rate(r: dict) -> str:
    """A rate with its 95% interval, numerator and denominator."""
    return (f"{pct(r['estimate'])} (95% CI {pct(r['ci_low'])} to {pct(r['ci_high'])}; "
            f"{r['numerator']:,} of {r['denominator']:,})")


def p_value(p: float) -> str:
    """A p-value for people: 'p < 0.0001' below that, otherwise four decimals; 'not tested' when missing.

    >>> p_value(3e-9), p_value(0.01234), p_value(float("nan"))
    ('p < 0.0001', '0.0123', 'not tested')
    """
    if p != p:
        return "not tested"
    return "p < 0.0001" if p < 0.0001 else f"{p:.4f}"


COLUMNS: dict[str, tuple[str, str]] = {
    # the columns of the metrics tables (metrics.RATE_COLUMNS) and of the views
    "metric": ("Metric", "text"), "population": ("Population", "text"), "group_by": ("Grouped by", "text"),
    "group": ("Group", "text"), "group_label": ("Group", "text"), "numerator": ("Numerator", "count"),
    "denominator": ("Denominator", "count"), "estimate": ("Rate", "percent"), "ci_low": ("95% CI low", "percent"),
    "ci_high": ("95% CI high", "percent"), "cluster_ci_low": ("Claimant bootstrap low", "percent"),
    "cluster_ci_high": ("Claimant bootstrap high", "percent"), "method": ("Method", "text"),
    "excluded": ("Left out", "count"), "excluded_reasons": ("Left out, by reason", "text"),
    "small_group": ("Fewer than 30", "flag"), "series": ("Rate", "text"),
    "orders": ("Orders", "count"), "claims": ("Claims", "count"), "members": ("Members", "count"),
    "records": ("Records", "count"), "remaining": ("Remaining", "count"), "values": ("Values", "count"),
    "step": ("Step", "text"), "fate": ("Fate", "text"), "rule": ("Rule", "code"), "meaning": ("Meaning", "text"),
    "field": ("Field", "code"), "problem": ("Problem", "text"), "reason": ("Reason", "text"),
    "missing": ("Missing", "count"), "unreadable_in_input": ("Unreadable in the input", "count"),
    "missing_share": ("Missing (share)", "percent"), "share": ("Share", "percent"),
    "paid_usd": ("Fees paid", "money"), "reimbursed_usd": ("Fees reimbursed", "money"),
    "unreimbursed_usd": ("Fees unreimbursed", "money"), "buyer_type": ("Buyer type", "text"),
    "claimant_state": ("State", "text"), "quarter": ("Quarter", "text"), "spelling": ("Spelling", "text"),
}
"""Code names of the library's table columns, with their label for people and their kind. A table
shown in a report names each column either here or by the caller (``labels=``). The kinds: text,
code (text holding the library's code names, a field or a rule, shown as words), count, money,
percent, pvalue, number, flag and date (:func:`cell` shows each; the workbook stores each)."""


def table_spec(df, *, labels: dict | None = None, money=(), percent=(), pvalue=(), count=(), flag=(), text=(),
               code=(), decimals: dict | None = None) -> list[dict]:
    """Each column of ``df`` as shown to people: ``{"column", "label", "kind", "decimals"}``.

    The kind is the one the caller names (``money=`` ...), else :data:`COLUMNS`'s, else taken from
    the dtype (yes/no, whole numbers, dates, text); a column of other numbers without a kind, or a
    label that is still a code name (an underscore), is a ValueError naming the column: a report
    never shows ``denied_refund_rate`` or 0.614124.

    >>> import pandas as pd
    >>> [c["kind"] for c in table_spec(pd.DataFrame({"estimate": [0.5], "Orders": [3], "Note": ["x"]}))]
    ['percent', 'count', 'text']
    >>> table_spec(pd.DataFrame({"odd_ratio": [1.5]}))
    Traceback (most recent call last):
    ValueError: column 'odd_ratio': no label for people; name it in labels= or formatting.COLUMNS
    """
    import pandas as pd

    labels, decimals = labels or {}, decimals or {}
    named = {**{c: "money" for c in money}, **{c: "percent" for c in percent}, **{c: "pvalue" for c in pvalue},
             **{c: "count" for c in count}, **{c: "flag" for c in flag}, **{c: "text" for c in text},
             **{c: "code" for c in code},
             **{c: "number" for c in decimals}}
    spec = []
    for c in df.columns:
        label = labels.get(c) or COLUMNS.get(c, (c, ""))[0]
        if "_" in str(label):
            raise ValueError(f"column {c!r}: no label for people; name it in labels= or formatting.COLUMNS")
        kind = named.get(c) or COLUMNS.get(c, ("", ""))[1]
        if not kind:
            s = df[c]
            if pd.api.types.is_bool_dtype(s):
                kind = "flag"
            elif pd.api.types.is_integer_dtype(s):
                kind = "count"
            elif pd.api.types.is_datetime64_any_dtype(s):
                kind = "date"
            elif pd.api.types.is_numeric_dtype(s):
                raise ValueError(f"column {c!r}: say how its numbers are shown (money=, percent=, pvalue=, "
                                 "count= or decimals=)")
            else:
                kind = "text"
        spec.append({"column": str(c), "label": str(label), "kind": kind, "decimals": int(decimals.get(c, 0))})
    seen = [c["label"] for c in spec]
    twice = sorted({x for x in seen if seen.count(x) > 1})
    if twice:
        raise ValueError(f"two columns are labelled {', '.join(map(repr, twice))}; give one of them another label")
    return spec


def cell(value, kind: str, decimals: int = 0) -> str:
    """One value as people read it (missing: an empty cell; a p-value not computed: 'not tested').

    >>> [cell(v, k) for v, k in [(4032706.4, "money"), (0.614124, "percent"), (0.0, "pvalue"), (True, "flag")]]
    ['$4,032,706', '61.4%', 'p < 0.0001', 'yes']
    """
    import pandas as pd

    missing = value is None or value is pd.NA or (isinstance(value, float) and value != value) or value is pd.NaT
    if kind == "pvalue":
        return p_value(float("nan") if missing else float(value))
    if missing:
        return ""
    if kind == "money":
        return usd(float(value))
    if kind == "percent":
        return pct(float(value))
    if kind == "count":
        return f"{int(value):,}"
    if kind == "number":
        return f"{float(value):,.{decimals}f}"
    if kind == "flag":
        return "yes" if bool(value) else "no"
    if kind == "date":
        return pd.Timestamp(value).date().isoformat()
    if kind == "code":
        return words(str(value))
    return str(value)


def words(code: str) -> str:
    """A code name in words: ``order_amount_usd`` -> 'order amount (USD)'.

    >>> words("order_amount_usd"), words("superseded_submission")
    ('order amount (USD)', 'superseded submission')
    """
    unit = " (USD)" if code.endswith("_usd") else ""
    return code.removesuffix("_usd").replace("_", " ") + unit


def people_cells(df, spec: list[dict]):
    """``df`` as text, column by column per ``spec`` (:func:`table_spec`), headed by the labels."""
    import pandas as pd

    return pd.DataFrame({c["label"]: [cell(v, c["kind"], c["decimals"]) for v in df[c["column"]]] for c in spec})


def ordinal(x: float) -> str:
    """A rank in words' form: 1st, 2nd, 3rd, 11th, 63rd (rounded to a whole number).

    >>> [ordinal(v) for v in (1, 2, 3, 4, 11, 12, 13, 21, 63.4, 91, 82, 100)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '63rd', '91st', '82nd', '100th']
    """
    n = int(round(x))
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
