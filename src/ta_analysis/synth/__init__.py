"""A seeded synthetic intake export, messy the way real form-tool exports are.

The generator draws a plausible joint distribution of orders, deliveries, customs fees and
Trade Assurance claims (the *truth*), then renders each value the way intake exports write it:
dates and money in several formats, three currencies, free-text outcomes and statuses,
multi-issue cells, state spellings, resubmissions, exact duplicate rows, a few junk rows and
a few values nobody can parse. With ``truth_path`` it also writes the clean values it started
from, row for row, so tests can measure what the cleaner recovers.

Only fake identifiers are produced: ``example.com`` e-mail addresses and 555-01xx phone numbers.

Examples:
    >>> from ta_analysis.synth import generate
    >>> export, truth = generate(rows=50, seed=1)
    >>> len(export) == len(truth) == 50
    True
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from ta_analysis.errors import InputError
from ta_analysis.synth.cfpb import CFPB_HEADERS, generate_cfpb, write_cfpb
from ta_analysis.synth.intake import DENIAL_REASONS, TRUTH_COLUMNS, _base_truth, _choice, _tidy_truth, write_truth
from ta_analysis.synth.mess import (EXPORT_HEADERS, FIELDS, UNPARSEABLE, UNPARSEABLE_FIELDS, Rates, _pick, _render,
                                    write_export)

__all__ = ["CFPB_HEADERS", "EXPORT_HEADERS", "TRUTH_COLUMNS", "Rates", "generate", "generate_cfpb", "synth",
           "write_cfpb", "write_export", "write_truth"]

def generate(rows: int, seed: int, rates: Rates = Rates()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Generate an export of ``rows`` rows and its truth, row for row.

    Args:
        rows: number of data rows in the export (resubmissions, duplicates and junk included).
        seed: seed of every random draw; the same seed gives the same export.
        rates: how often each kind of mess occurs.

    Returns:
        ``(export, truth)``: the export as text cells under the export's headers, and the clean
        values (canonical names, ``TRUTH_COLUMNS``).
    """
    if rows < 1:
        raise InputError(f"--rows must be at least 1, got {rows}")
    rng = np.random.default_rng(seed)
    n_junk = int(round(rows * rates.junk))
    n_exact = int(round(rows * rates.exact_duplicate))
    n_resub = int(round(rows * rates.resubmission))
    n_base = max(1, rows - n_junk - n_exact - n_resub)
    n_junk = min(n_junk, rows - n_base)
    n_exact = min(n_exact, rows - n_base - n_junk)
    n_resub = rows - n_base - n_junk - n_exact

    base = _base_truth(n_base, rng, rates)
    # Resubmissions: the same claimant and order, sent again later (often with news on the claim).
    src = rng.choice(n_base, size=n_resub, replace=False) if n_resub <= n_base else rng.integers(0, n_base, n_resub)
    resub = base.iloc[src].copy()
    later = rng.integers(1, 90, n_resub)
    resub["submitted_at"] = [s + timedelta(days=int(k), seconds=int(k) * 37) for s, k in zip(resub["submitted_at"], later)]
    upgrade = resub["claim_outcome"].isin(["pending", "no_response"]).to_numpy() & (rng.random(n_resub) < 0.5)
    resub.loc[upgrade, "claim_outcome"] = "denied"
    resub.loc[upgrade, "denial_reason"] = _choice(rng, DENIAL_REASONS, int(upgrade.sum()))
    resub.loc[upgrade, "refund_amount"] = np.nan
    base["_orig"] = np.arange(n_base)
    resub["_orig"] = src
    truth = pd.concat([base, resub], ignore_index=True)
    truth = truth.sort_values("submitted_at", kind="stable").reset_index(drop=True)
    truth["intake_id"] = [f"INT-{100000 + i}" for i in range(len(truth))]

    export, unparseable = _render(truth, rng, rates)
    truth["truth_unparseable"] = [";".join(u) for u in unparseable]
    # Values nobody can parse, a few per field.
    for field, kind in UNPARSEABLE_FIELDS.items():
        hit = (rng.random(len(truth)) < rates.unparseable_cell) & (export[field] != "")
        for i in np.flatnonzero(hit):
            export.at[i, field] = _pick(UNPARSEABLE[kind], rng.integers(0, 1000))
            lost = [field]
            # An amount that named its own currency takes the currency with it when garbled.
            cur_field = {"order_amount": "order_currency", "customs_fees_paid": "customs_fees_currency"}.get(field)
            if cur_field and export.at[i, cur_field] == "":
                lost.append(cur_field)
            truth.at[i, "truth_unparseable"] = ";".join(filter(None, [truth.at[i, "truth_unparseable"], *lost]))

    n_rows = len(truth)
    dup_of = np.full(n_rows, -1, dtype=np.int64)  # position (0-based) of the row this one duplicates
    kind = np.full(n_rows, "", dtype=object)
    # Superseded submissions: the earlier of each (claimant, order) pair points at the later one.
    orig = truth["_orig"].to_numpy()
    latest: dict[int, int] = {}
    for i in range(n_rows - 1, -1, -1):
        o = int(orig[i])
        if o in latest:
            dup_of[i] = latest[o]
            kind[i] = "superseded"
        else:
            latest[o] = i

    # Exact duplicate rows (an export merged twice) and junk rows, inserted after seeded rows.
    after_exact = rng.integers(0, n_rows, n_exact)
    after_junk = rng.integers(0, n_rows, n_junk)
    inserts: dict[int, list[int]] = {}  # original position -> rows inserted after it (>= 0 copies, < 0 junk)
    for j in after_exact:
        inserts.setdefault(int(j), []).append(int(j))
    for k, j in enumerate(after_junk):
        inserts.setdefault(int(j), []).append(-(k + 1))
    take: list[int] = []
    new_pos = np.empty(n_rows, dtype=np.int64)
    for j in range(n_rows):
        new_pos[j] = len(take)
        take.append(j)
        take.extend(inserts.get(j, []))
    take_arr = np.array(take, dtype=np.int64)
    is_copy = np.zeros(len(take_arr), dtype=bool)
    is_copy[1:] = (take_arr[1:] >= 0) & (take_arr[1:] == take_arr[:-1])
    # A copy right after another copy of the same row still points at the original.
    src = np.where(take_arr >= 0, take_arr, 0)

    junk_export = []
    junk_truth = []
    submitted_text = export["submitted_at"].to_numpy()
    for k, j in enumerate(after_junk):
        row = {f: "" for f in FIELDS}
        row["submitted_at"] = submitted_text[j]
        if k % 2 == 0:
            row["narrative"] = "TEST SUBMISSION - please ignore"
        else:
            row.update(intake_id=f"INT-J{k:04d}", order_amount="??", narrative="asdf")
        junk_export.append(row)
        junk_truth.append({"intake_id": row["intake_id"] or None, "submitted_at": truth["submitted_at"].iat[int(j)],
                           "narrative": row["narrative"], "truth_quarantined": True,
                           "truth_unparseable": "order_amount" if row["order_amount"] else ""})

    real = take_arr >= 0
    export_out = export.iloc[src].reset_index(drop=True)
    truth_out = truth.iloc[src].reset_index(drop=True)
    truth_out["truth_quarantined"] = False
    pos_dup = np.where(dup_of[src] >= 0, new_pos[np.maximum(dup_of[src], 0)] + 2, -1)
    kind_out = kind[src].copy()
    kind_out[is_copy] = "exact"
    pos_dup[is_copy] = new_pos[src[is_copy]] + 2
    junk_rows = np.flatnonzero(~real)
    if len(junk_rows):
        jx = pd.DataFrame(junk_export, columns=FIELDS)
        jt = pd.DataFrame(junk_truth).reindex(columns=truth_out.columns)
        order = [-(t + 1) for t in take_arr[~real]]
        export_out.iloc[junk_rows] = jx.iloc[order].to_numpy()
        for c in truth_out.columns:
            truth_out[c] = truth_out[c].astype(object)
        truth_out.iloc[junk_rows] = jt.iloc[order].to_numpy()
        kind_out[junk_rows] = ""
        pos_dup[junk_rows] = -1
    truth_out["truth_duplicate_kind"] = kind_out
    truth_out["truth_duplicate_of_row"] = pd.array(np.where(pos_dup > 0, pos_dup, 0), dtype="Int64")
    truth_out.loc[pos_dup <= 0, "truth_duplicate_of_row"] = pd.NA
    truth_out["row_number"] = np.arange(len(truth_out)) + 2
    truth_out["truth_quarantined"] = truth_out["truth_quarantined"].astype(bool)
    export, truth = export_out, truth_out
    export.columns = [EXPORT_HEADERS[f] for f in FIELDS]
    return export, _tidy_truth(truth)

def synth(rows: int, seed: int, out: Path, truth: Path | None = None, kind: str = "intake") -> None:
    """Generate and write an export (and optionally its truth): the ``ta-analysis synth`` command."""
    if kind == "cfpb":
        if truth is not None:
            raise InputError("--truth goes with --kind intake")
        if Path(out).suffix.lower() != ".csv":
            raise InputError("a CFPB-format export is written as .csv", file=str(out))
        write_cfpb(generate_cfpb(rows, seed), Path(out))
        return
    if kind == "vendor-b":  # a second, independently written style of intake export
        from ta_analysis.synth.vendor_b import generate_vendor_b

        export, tr = generate_vendor_b(rows, seed)
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        export.to_csv(out, index=False, lineterminator="\n")
        if truth is not None:
            tr.to_csv(truth, index=False, lineterminator="\n")
        return
    export, tr = generate(rows, seed)
    write_export(export, Path(out))
    if truth is not None:
        write_truth(tr, Path(truth))
