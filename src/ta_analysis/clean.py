"""The second half of cleaning: anonymise, de-duplicate, apply the class definition, account for every record.

Every input record ends with exactly one fate, in this order of precedence:

1. ``quarantined``: unusable for every metric (rules in :data:`QUARANTINE_RULES`), with the
   reason, the field and the offending raw value;
2. ``duplicate``: an exact copy of an earlier record, or an earlier submission of the same
   claimant and order superseded by a later one (the latest submission is kept), with the row it
   duplicates;
3. ``excluded``: fails the class definition (:mod:`ta_analysis.definitions`), with every rule failed;
4. ``kept``: in the class.

``intake.parquet`` holds the excluded and kept records (so excluded rows stay countable), with
``in_class``, the subclass flags and the class rules each fails. ``audit.csv`` is the ledger: one
row per input record; its fates add up to the input's records, exactly.

Examples:
    >>> from ta_analysis import config
    >>> result = clean([config.SAMPLE_EXPORT])
    >>> int(result.ledger["fate"].value_counts().sum()) == result.summary["input_records"]
    True
"""

from __future__ import annotations

import hashlib
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from ta_analysis import anonymise, coder, textops
from ta_analysis.definitions import CLASS_RULES, NON_DELIVERY_GRACE_DAYS, SUBCLASSES, ClassDefinition, mark_class
from ta_analysis.normalise import DATE_FIELDS, RATE_DATE_FIELDS, ROW, Normalised, normalise_exports
from ta_analysis.outputs import (check_out_dir, git_commit, lock_sha256, package_version, to_json_bytes, write_csv,
                                 write_outputs)
from ta_analysis.read import SOURCE_FILE, SOURCE_ROW
from ta_analysis.schema import FIELDS, load_mapping, suggested_mapping

FATES = ["kept", "excluded", "duplicate", "quarantined"]
QUARANTINE_RULES = {
    "unreadable_record": "the record could not be split into the header's columns",
    "empty_record": "every field is blank",
    "no_intake_id": "no intake id: the submission cannot be identified",
    "no_claimant_identity": "no e-mail, phone or claimant key: the buyer cannot be counted",
    "no_order_date_and_no_claim": "no readable order date and no claim data",
    "no_usable_data": "no claim outcome, delivery status, customs fees or order amount",
}
LEDGER_COLUMNS = [SOURCE_FILE.lstrip("_"), SOURCE_ROW.lstrip("_"), "intake_id", "fate", "reason", "rule",
                  "field", "raw_value", "duplicate_of_file", "duplicate_of_row"]
RAW_IDENTIFIERS = ("email", "phone")  # hashed into claimant_key; never written
# Intake columns whose values all come from the code's vocabularies, never from input text as
# typed: not redacted (nothing to find), though the scan of the written files covers them too.
GENERATED_TEXT = ("class_rules_failed", "claimant_state", "claimant_country", "issues", "order_currency",
                  "customs_fees_currency", "problem_fields", "claimant_key")  # claimant_key: keyed hashes
# Columns of intake.parquet that hold one value for the whole run; intake.csv leaves them out (they
# would be 10% of its bytes) and cleaning_summary.json states them once.
RUN_CONSTANTS = ("fx_source", "codebook_version")


@dataclass
class CleanResult:
    """Everything a clean produces, in memory (``write`` puts it on disk)."""

    intake: pd.DataFrame
    ledger: pd.DataFrame
    problems: pd.DataFrame
    unmapped: pd.DataFrame
    headers: pd.DataFrame
    summary: dict
    key: anonymise.HashKey = field(repr=False, default=None)  # type: ignore[assignment]
    seconds: dict[str, float] = field(default_factory=dict)  # per stage (benchmarks only)
    suggested_mapping: str = ""  # suggested_mapping.toml (schema.suggested_mapping)


# --- quarantine ---------------------------------------------------------------------------------

def quarantine_reasons(n: Normalised) -> pd.DataFrame:
    """Per row, the first quarantine rule it meets (or missing), with the field and raw value."""
    f = n.frame
    raw_missing = f[[c for c in FIELDS if c in f.columns]].isna().all(axis=1)
    identity = f["email"].notna() | f["phone"].notna() | f["claimant_key"].notna()
    claim = (f["claim_filed"].fillna(False).astype(bool) | f["claim_outcome"].notna() | f["claim_date"].notna())
    usable = (f["claim_outcome"].notna() | f["delivery_status"].notna() |
              f["customs_fees_paid"].notna() | f["order_amount"].notna())
    checks = [
        ("empty_record", raw_missing, None),
        ("no_intake_id", f["intake_id"].isna(), "intake_id"),
        ("no_claimant_identity", ~identity, "email"),
        ("no_order_date_and_no_claim", f["order_date"].isna() & ~claim, "order_date"),
        ("no_usable_data", ~usable, "order_amount"),
    ]
    reason = pd.Series(pd.NA, index=f.index, dtype="str")
    fld = pd.Series(pd.NA, index=f.index, dtype="str")
    for rule, mask, column in checks:
        new = mask & reason.isna()
        reason[new] = rule
        if column:
            fld[new] = column
    return pd.DataFrame({"rule": reason, "field": fld})


# --- duplicates ---------------------------------------------------------------------------------

def find_duplicates(f: pd.DataFrame, raw_text: pd.DataFrame, eligible: pd.Series) -> pd.DataFrame:
    """Exact copies and superseded submissions among ``eligible`` rows.

    Returns per row: ``dup_kind`` ('exact', 'superseded' or missing) and ``dup_of`` (the ``_row``
    of the record it duplicates: the first copy, or the latest submission kept). Exact copies are
    records whose every mapped cell is identical as read; copies share their intake id, so only
    records whose intake id repeats are compared cell by cell.
    """
    kind = pd.Series(pd.NA, index=f.index, dtype="str")
    of = pd.Series(pd.NA, index=f.index, dtype="Int64")
    el = eligible.to_numpy()
    cand = el & raw_text["intake_id"].where(el).duplicated(keep=False).to_numpy() & raw_text["intake_id"].notna().to_numpy()
    if cand.any():
        cells = raw_text.take(np.flatnonzero(cand))
        group = cells.groupby(list(cells.columns), dropna=False, sort=False).ngroup()
        rows = f.loc[cand, ROW].to_numpy()
        first = pd.Series(rows).groupby(group.to_numpy()).transform("min").to_numpy()
        exact = rows != first
        idx = cells.index[exact]
        kind[idx] = "exact"
        of[idx] = first[exact]

    # Same claimant, same order, submitted again: keep the latest submission. Only records whose
    # order id repeats among the candidates can be in such a pair, so only they are grouped.
    cand = (eligible & kind.isna() & f["claimant_key"].notna() & f["order_id"].notna()).to_numpy(copy=True)
    cand[cand] = f["order_id"][cand].duplicated(keep=False).to_numpy()
    c = f[[ROW, "claimant_key", "order_id", "submitted_at"]].take(np.flatnonzero(cand))
    c = c.assign(_t=c["submitted_at"].fillna(pd.Timestamp.min)).sort_values(["_t", ROW], kind="stable")
    latest = c.groupby(["claimant_key", "order_id"], sort=False)[ROW].transform("last")
    sup = c[ROW] != latest
    kind[c.index[sup.to_numpy()]] = "superseded"
    of[c.index[sup.to_numpy()]] = latest[sup].to_numpy()
    return pd.DataFrame({"dup_kind": kind, "dup_of": of})


# --- the whole clean ----------------------------------------------------------------------------

def clean(
    inputs: list[str | Path],
    *,
    mapping: str | Path | None = None,
    as_of: date | None = None,
    definition: ClassDefinition = ClassDefinition(),
    key: anonymise.HashKey | None = None,
    progress: bool = False,
) -> CleanResult:
    """Read, normalise, anonymise, de-duplicate and classify intake exports (nothing is written)."""
    stage = _Stages(progress)
    mapping_obj = load_mapping(mapping)
    key = key or anonymise.load_key()
    stage("reading, normalising and hashing identifiers")
    n = normalise_exports(list(inputs), mapping_obj, as_of, hash_key=key)
    as_of_date = n.as_of
    definition = definition.resolved(as_of_date)
    f = n.frame

    stage("quarantine and duplicates")
    q = quarantine_reasons(n)
    dups = find_duplicates(f, n.raw[[c for c in FIELDS]], q["rule"].isna())

    stage("class definition")
    rows = np.flatnonzero((q["rule"].isna() & dups["dup_kind"].isna()).to_numpy())
    # Raw identifiers never reach the intake table: not copied either. (take: 4x faster than a mask)
    order = [c for c in f.columns if c not in RAW_IDENTIFIERS]
    classified = mark_class(f.drop(columns=list(RAW_IDENTIFIERS)).take(rows), definition, as_of_date)

    stage("ledger")
    ledger = _ledger(n, f, q, dups, classified)
    n.raw, n.frame, f = None, None, None  # the raw cells and the unclassified frame are no longer needed (peak memory)
    stage("intake table and narrative codes")
    intake = _intake_table(classified, n, order)
    del classified
    stage("summary")
    summary = _summary(n, ledger, intake, definition, key, mapping_obj)
    problems = anonymise.redact_frame(
        n.problems.rename(columns={SOURCE_FILE: "source_file", SOURCE_ROW: "source_row"}).drop(columns=[ROW]),
        generated=("field",))
    unmapped = anonymise.redact_frame(n.unmapped_spellings(), generated=("field",))
    headers = anonymise.redact_frame(n.headers, generated=("field",))
    return CleanResult(intake, ledger, problems, unmapped, headers, summary, key, stage.done(),
                       suggested_mapping(mapping_obj, unmapped))


class _Stages:
    """The progress bar over a clean's stages, and the seconds each took (for ``make bench``; never
    written to an output, which must not depend on the clock)."""

    STAGES = 6  # the stage(...) calls in clean()

    def __init__(self, progress: bool) -> None:
        from tqdm import tqdm

        self.bar = tqdm(total=self.STAGES, desc="clean", unit="stage", disable=not progress, file=sys.stderr)
        self.seconds: dict[str, float] = {}
        self.current: str | None = None
        self.started = time.perf_counter()

    def __call__(self, name: str | None) -> None:
        now = time.perf_counter()
        if self.current is not None:
            self.seconds[self.current] = round(now - self.started, 3)
            self.bar.update()
        self.current, self.started = name, now
        if name:
            self.bar.set_postfix_str(name)

    def done(self) -> dict[str, float]:
        self(None)
        self.bar.close()
        return self.seconds


def _ledger(n: Normalised, f: pd.DataFrame, q: pd.DataFrame, dups: pd.DataFrame,
            classified: pd.DataFrame) -> pd.DataFrame:
    rows = f[[ROW, SOURCE_FILE, SOURCE_ROW, "intake_id"]]
    size = len(f)
    fate = textops.TextColumn(size, "kept")
    reason, rule, fld, raw_value, dup_file = (textops.TextColumn(size) for _ in range(5))
    dup_row = np.zeros(size, dtype=np.int64)

    # Quarantined: the rule, the field, and the raw value(s) that made the row unusable, and why
    # that field was unusable when the normaliser recorded a problem with it.
    qm = q["rule"].notna().to_numpy()
    q_rule = q["rule"][qm].to_numpy(dtype=object)
    q_field = q["field"][qm].fillna("").to_numpy(dtype=object)
    fate[qm] = "quarantined"
    rule[qm] = q_rule
    fld[qm] = q_field
    for column in pd.unique(q_field[q_field != ""]):
        m = qm.copy()
        m[qm] = q_field == column
        raw_value[m] = n.raw.loc[m, column].fillna("")
    why = n.problems.drop_duplicates([ROW, "field"]).set_index([ROW, "field"])["problem"]
    found = why.reindex(pd.MultiIndex.from_arrays([f.loc[qm, ROW], q_field])).to_numpy(dtype=object)
    reason[qm] = [QUARANTINE_RULES[r] + (f" ({c}: {w})" if isinstance(w, str) else "")
                  for r, c, w in zip(q_rule, q_field, found)]

    # Duplicates: which row each one duplicates.
    dm = dups["dup_kind"].notna().to_numpy()
    kind = dups["dup_kind"][dm]
    fate[dm] = "duplicate"
    rule[dm] = kind.map({"exact": "exact_copy", "superseded": "superseded_submission"})
    reason[dm] = kind.map({"exact": "identical to an earlier record",
                           "superseded": "the same claimant and order was submitted again later; the latest submission is kept"})
    by_row = f.set_index(ROW)
    target = dups.loc[dm, "dup_of"].astype("int64").to_numpy()
    dup_file[dm] = by_row.loc[target, SOURCE_FILE]
    dup_row[dm] = by_row.loc[target, SOURCE_ROW].to_numpy()

    # Excluded by the class definition: every rule failed (the first in `rule`).
    failed = classified["class_rules_failed"]
    excluded = failed.ne("").to_numpy()
    ex_rows = failed.index.to_numpy()[excluded]  # classified keeps f's row labels, 0..n-1
    fate[ex_rows] = "excluded"
    reason[ex_rows] = failed[excluded]
    rule[ex_rows] = textops.replace(failed[excluded], ";.*", "")  # the first rule failed
    index = f.index
    fate, reason, rule, fld, raw_value, dup_file = (c.series(index) for c in (fate, reason, rule, fld, raw_value, dup_file))
    dup_row = pd.Series(pd.array(dup_row, dtype="Int64"), index=index).where(dm)
    ledger = pd.DataFrame({
        "source_file": rows[SOURCE_FILE], "source_row": rows[SOURCE_ROW], "intake_id": rows["intake_id"],
        "fate": fate, "reason": reason, "rule": rule, "field": fld, "raw_value": raw_value,
        "duplicate_of_file": dup_file, "duplicate_of_row": dup_row,
    })
    rejects = n.rejects
    if len(rejects):
        ledger = pd.concat([ledger, pd.DataFrame({
            "source_file": rejects[SOURCE_FILE], "source_row": rejects[SOURCE_ROW].astype("Int64"),
            "intake_id": pd.NA, "fate": "quarantined",
            "reason": QUARANTINE_RULES["unreadable_record"] + " (" + rejects["reason"] + ")",
            "rule": "unreadable_record", "field": "", "raw_value": rejects["text"],
            "duplicate_of_file": "", "duplicate_of_row": pd.NA,
        })], ignore_index=True)
        order = {name: i for i, name in enumerate(dict.fromkeys(n.frame[SOURCE_FILE].tolist() + rejects[SOURCE_FILE].tolist()))}
        ledger = ledger.sort_values(["source_file", "source_row"], key=lambda s: s.map(order) if s.name == "source_file" else s,
                                    kind="stable").reset_index(drop=True)
    ledger["source_row"] = ledger["source_row"].astype("Int64")
    return anonymise.redact_frame(ledger, generated=("fate", "rule", "field"))


def _intake_table(classified: pd.DataFrame, n: Normalised, order: list[str]) -> pd.DataFrame:
    """The analysed rows (kept + excluded; ``classified``, whose columns were in ``order`` in the
    normalised frame): no raw identifiers, free text redacted, narratives coded.

    The complaint coder is applied to the narratives after redaction, so the phrases it keeps are
    safe to write.
    """
    fields: dict[int, dict[str, None]] = {}  # per row, the fields with a problem, in order, each once
    for row, fld in zip(n.problems[ROW].tolist(), n.problems["field"].tolist()):
        fields.setdefault(row, {})[fld] = None
    problem_fields = pd.Series({row: ";".join(names) for row, names in fields.items()}, dtype="str")
    out = classified[[c for c in order if c in classified.columns] + [c for c in classified.columns if c not in order]]
    out = anonymise.redact_frame(out, generated=GENERATED_TEXT)
    codes = coder.code_narratives(out["narrative"]).reset_index(drop=True)
    out["problem_fields"] = out[ROW].map(problem_fields).astype("str").fillna("")
    out = out.rename(columns={SOURCE_FILE: "source_file", SOURCE_ROW: "source_row"}).drop(columns=[ROW])
    front = ["source_file", "source_row", "intake_id", "claimant_key", "in_class", "class_rules_failed",
             "subclass_refund_denial", "subclass_customs_fee", "subclass_non_delivery"]
    out = out[front + [c for c in out.columns if c not in front]].reset_index(drop=True)
    codes = codes.add_prefix("narrative_").rename(columns={"narrative_codebook_version": "codebook_version"})
    return pd.concat([out, codes], axis=1)


def _summary(n: Normalised, ledger: pd.DataFrame, intake: pd.DataFrame, definition: ClassDefinition,
             key: anonymise.HashKey, mapping) -> dict:
    fates = ledger["fate"].value_counts()
    by_reason = (ledger[ledger["fate"] != "kept"].groupby(["fate", "rule"]).size()
                 .reset_index(name="records").to_dict("records"))
    rules_failed = intake["class_rules_failed"].value_counts()  # a few dozen distinct combinations
    excluded_any = {r: int(rules_failed[[r in combo.split(";") for combo in rules_failed.index]].sum())
                    for r in CLASS_RULES}
    in_class = intake["in_class"].to_numpy()
    claimant, keys = pd.factorize(intake["claimant_key"], use_na_sentinel=True)  # -1: no key

    def claimants(mask: np.ndarray) -> int:
        seen = np.zeros(len(keys), dtype=bool)
        seen[claimant[in_class & mask & (claimant >= 0)]] = True
        return int(seen.sum())

    input_records = int(sum(i["rows"] + i["rejected_records"] for i in n.inputs))
    summary = {
        "inputs": [{k: v for k, v in i.items() if k != "path"} for i in n.inputs],
        "input_records": input_records,
        "fates": {f: int(fates.get(f, 0)) for f in FATES},
        "reconciles": bool(int(fates.sum()) == input_records == len(ledger)),
        "by_rule": by_reason,
        "class_rule_failures_any": excluded_any,
        "class_members": claimants(in_class),
        "subclass_members": {
            name: claimants(intake[f"subclass_{name}"].to_numpy()) for name in SUBCLASSES
        },
        "flags": {
            "late_quality_claim": int((intake["flag_late_quality_claim"].to_numpy() & in_class).sum()),
            "missing_evidence": int((intake["flag_missing_evidence"].to_numpy() & in_class).sum()),
        },
        "problems": int(len(n.problems)),
        "parameters": {
            "as_of": n.as_of.isoformat(),
            "class_start": definition.class_start.isoformat(),
            "class_end": definition.class_end.isoformat(),
            "countries": list(definition.countries),
            "include_unknown_trade_assurance": definition.include_unknown_trade_assurance,
            "non_delivery_grace_days": NON_DELIVERY_GRACE_DAYS,
            "mapping": None if mapping.path is None else {
                "file": Path(mapping.path).name,
                "sha256": hashlib.sha256(Path(mapping.path).read_bytes()).hexdigest()},
            "day_first": mapping.day_first,
            "default_currency": mapping.default_currency,
        },
        "hash_key": key.label,
        "fx_source": n.fx_source,
        "codebook_version": coder.CODEBOOK_VERSION,
        "codebook_unvalidated_codes": coder.unvalidated_codes(),  # narrative_code_* columns to read with care
        "package_version": package_version(),
        "git_commit": git_commit(),
        "lock_sha256": lock_sha256(),
    }
    return summary


def write(result: CleanResult, out_dir: str | Path, inputs: tuple = ()) -> dict[str, Path]:
    """Write the outputs as one unit (:func:`outputs.write_outputs`): nothing is written if a
    direct identifier survived anywhere, and the folder's manifest is written last.

    ``intake.csv`` is ``intake.parquet`` less the :data:`RUN_CONSTANTS` (stated in the summary):
    scanning the parquet file's frame covers both.
    """
    out_dir = check_out_dir(out_dir, inputs=inputs)
    intake_csv = result.intake.drop(columns=list(RUN_CONSTANTS))
    summary = to_json_bytes(result.summary)

    def csv(df: pd.DataFrame, dates: tuple[str, ...] = ()):
        return lambda p: write_csv(df, p, dates=dates)

    return write_outputs(Path(out_dir), {
        "intake.csv": (None, csv(intake_csv, DATE_FIELDS + RATE_DATE_FIELDS)),
        "intake.parquet": (result.intake, lambda p: result.intake.to_parquet(p, index=False, engine="pyarrow")),
        "audit.csv": (result.ledger, csv(result.ledger)),
        "problems.csv": (result.problems, csv(result.problems)),
        "unmapped_spellings.csv": (result.unmapped, csv(result.unmapped)),
        "header_mapping.csv": (result.headers, csv(result.headers)),
        "suggested_mapping.toml": (result.suggested_mapping,
                                   lambda p: p.write_text(result.suggested_mapping, encoding="utf-8")),
        "cleaning_summary.json": (summary.decode("utf-8"), lambda p: p.write_bytes(summary)),
    }, kind="clean")
