"""The claimant bootstrap: one claimant's orders are not independent, so claimants are resampled.

Every money interval that resamples uses :func:`totals`, with the same seeded draws: draw ``b`` picks
``n`` claimants with replacement (``numpy.random.default_rng(seed).integers``). A draw is applied
as counts (how often each claimant was picked) times the per-claimant sums, so nothing of size
draws x claimants x columns is ever built; the draws are made in chunks of at most
:data:`CHUNK_CELLS` picks, so memory stays bounded at any size, and a chunked draw is the same as
one draw of all of them at once (the generator's stream is consumed in the same order).

Examples:
    >>> import numpy as np
    >>> t = totals(np.array([[1.0], [2.0], [3.0]]), n_boot=4, seed=1)
    >>> t.shape, float(t.min()) >= 3.0, float(t.max()) <= 9.0
    ((4, 1), True, True)
"""

from __future__ import annotations

import numpy as np

CHUNK_CELLS = 1 << 22  # picks per chunk (draws x claimants): about 32 MB of indices and 32 MB of counts


def _counts(n: int, n_boot: int, seed: int):
    """Per chunk of draws, how many times each of ``n`` claimants was picked (draws x n)."""
    rng = np.random.default_rng(seed)
    chunk = max(1, min(n_boot, CHUNK_CELLS // max(n, 1)))
    for start in range(0, n_boot, chunk):
        rows = min(chunk, n_boot - start)
        idx = rng.integers(0, n, size=(rows, n))
        flat = (idx + (np.arange(rows) * n)[:, None]).ravel()
        yield np.bincount(flat, minlength=rows * n).reshape(rows, n)


def totals(per_claimant: np.ndarray, n_boot: int, seed: int) -> np.ndarray:
    """Bootstrap totals: ``per_claimant`` is claimants x columns; returns draws x columns of sums
    over resampled claimants (all missing when there are no claimants)."""
    v = np.asarray(per_claimant, dtype=float)
    if v.ndim == 1:
        v = v[:, None]
    if len(v) == 0 or n_boot == 0:
        return np.full((n_boot, v.shape[1]), np.nan)
    return np.concatenate([counts @ v for counts in _counts(len(v), n_boot, seed)])


def ratios(numerator: np.ndarray, denominator: np.ndarray, n_boot: int, seed: int) -> np.ndarray:
    """Bootstrap ratios of sums (a rate) from per-claimant counts: numerators and denominators
    resampled together. Claimants with the same (numerator, denominator) are exchangeable, so a
    draw of n claimants with replacement is, in distribution exactly, a multinomial draw of how
    many picks fall on each distinct pair (with probability its share of claimants): draws x
    distinct pairs of work, not draws x claimants. For counts only (few distinct pairs); money
    goes through :func:`totals`.

    >>> r = ratios(np.array([0, 1, 1, 2]), np.array([1, 1, 2, 2]), n_boot=3, seed=1)
    >>> r.shape, bool(((r >= 0) & (r <= 1)).all())
    ((3,), True)
    """
    pairs, claimants = np.unique(np.column_stack([numerator, denominator]).astype(float), axis=0, return_counts=True)
    if n_boot == 0 or len(pairs) == 0:
        return np.full(n_boot, np.nan)
    picks = np.random.default_rng(seed).multinomial(int(claimants.sum()), claimants / claimants.sum(), size=n_boot)
    t = picks @ pairs
    with np.errstate(invalid="ignore", divide="ignore"):
        return t[:, 0] / t[:, 1]


def percentile_interval(draws: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """The percentile interval of bootstrap draws (missing draws, e.g. 0/0, left out)."""
    d = np.asarray(draws, dtype=float)
    d = d[~np.isnan(d)]
    if len(d) == 0:
        return float("nan"), float("nan")
    tail = 100 * (1 - level) / 2
    return float(np.percentile(d, tail)), float(np.percentile(d, 100 - tail))
