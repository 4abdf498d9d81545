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
