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


def people_table(df, *, money=(), percent=(), pvalue=(), count=(), decimals: dict | None = None):
    """A copy of ``df`` with its numbers as text people read: money as whole dollars, shares as
    percentages with one decimal, p-values by :func:`p_value`, counts with thousands separators,
    booleans as yes/no; missing values as an empty cell. Columns keep their (labelled) names.

    >>> import pandas as pd
    >>> people_table(pd.DataFrame({"a": [1234.5], "b": [0.25], "c": [True]}), money=["a"], percent=["b"]).iloc[0].tolist()
    ['$1,234', '25.0%', 'yes']
    """
    import pandas as pd

    out = df.copy()
    rules = {**{c: usd for c in money}, **{c: pct for c in percent}, **{c: p_value for c in pvalue},
             **{c: (lambda x: f"{int(x):,}") for c in count},
             **{c: (lambda x, n=n: f"{x:,.{n}f}") for c, n in (decimals or {}).items()}}
    for c in out.columns:
        if c in rules:
            out[c] = [("" if (v is None or (isinstance(v, float) and v != v) and c not in pvalue) else rules[c](v))
                      for v in out[c]]
        elif pd.api.types.is_bool_dtype(out[c]):
            out[c] = out[c].map({True: "yes", False: "no"})
    return out.reset_index(drop=True)
