"""The first half of cleaning: raw exports -> one typed table with the canonical fields.

Every value that could not be read is recorded in a problems table (row, field, raw value, why)
and left missing in the typed table: nothing is silently blanked, nothing is guessed.

Examples:
    >>> from ta_analysis import config
    >>> n = normalise_exports([config.SAMPLE_EXPORT])
    >>> len(n.frame) == n.inputs[0]["rows"]
    True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from ta_analysis import fx
from ta_analysis.config import EARLIEST_VALID_DATE
from ta_analysis.errors import InputError
from ta_analysis.parse import parse_date, parse_money, parse_timestamp
from ta_analysis.read import SOURCE_FILE, SOURCE_ROW, RawExport, read_export
from ta_analysis.schema import FIELDS, HeaderMap, Mapping, map_headers
from ta_analysis.vocab import CATEGORIES, crosswalk, key, map_boolean, map_vocab

ROW = "_row"
PROBLEM_COLUMNS = [ROW, SOURCE_FILE, SOURCE_ROW, "field", "raw_value", "problem"]
ISSUE_SPLIT = r"[ \t]*[;|,/+&][ \t]*|[ \t]+and[ \t]+"
UNMAPPED = "unmapped spelling"


@dataclass
class Normalised:
    """The typed table and everything said about how it was made.

    Attributes:
        frame: one row per readable input record: ``_row`` (position), source file and row,
            the canonical fields (typed), USD amounts with their rates and rate dates, and one
            ``issue_<name>`` boolean per issue.
        problems: one row per value that could not be read: row, field, raw value, why.
        rejects: records the reader could not split into columns (they are quarantined later).
        headers: which export header went to which field, per file ('' = unmapped).
        raw: the text cells under canonical names, exactly as read (to find exact copies).
        inputs: per file: name, path, SHA-256, data rows, rejects, encoding, delimiter, header row.
        as_of: the as-of date (given, or the latest submission).
        fx_source: where the exchange rates came from.
    """

    frame: pd.DataFrame
    problems: pd.DataFrame
    rejects: pd.DataFrame
    headers: pd.DataFrame
    inputs: list[dict]
    as_of: date
    fx_source: str
    mapping: Mapping = field(default_factory=Mapping)
    raw: pd.DataFrame | None = None  # the text cells under canonical names, as read

    def unmapped_spellings(self) -> pd.DataFrame:
        """Every spelling no crosswalk or pattern mapped, with its count, most frequent first."""
        p = self.problems[self.problems["problem"] == UNMAPPED]
        counts = p.groupby(["field", "raw_value"]).size().reset_index(name="count")
        return counts.sort_values(["field", "count", "raw_value"], ascending=[True, False, True],
                                  kind="stable").reset_index(drop=True)


class _Problems:
    def __init__(self, raw: pd.DataFrame) -> None:
        self.raw = raw
        self.parts: list[pd.DataFrame] = []

    def add(self, fld: str, problem: pd.Series, raw_field: str | None = None) -> None:
        m = problem.notna().to_numpy()
        if not m.any():
            return
        src = self.raw[[ROW, SOURCE_FILE, SOURCE_ROW, raw_field or fld]].iloc[np.flatnonzero(m)]
        self.parts.append(pd.DataFrame({
            ROW: src[ROW].to_numpy(),
            SOURCE_FILE: src[SOURCE_FILE].to_numpy(),
            SOURCE_ROW: src[SOURCE_ROW].to_numpy(),
            "field": fld,
            "raw_value": src[raw_field or fld].to_numpy(),
            "problem": problem[m].to_numpy(),
        }))

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame({c: pd.Series(dtype="int64" if c in (ROW, SOURCE_ROW) else "str")
                                 for c in PROBLEM_COLUMNS})
        out = pd.concat(self.parts, ignore_index=True)
        out["field"] = out["field"].astype("str")
        out["problem"] = out["problem"].astype("str")
        return out.sort_values([ROW, "field"], kind="stable").reset_index(drop=True)


def _canonical_raw(raw: RawExport, hm: HeaderMap) -> pd.DataFrame:
    """The file's text cells under canonical names; fields the export lacks are all missing."""
    cols = {SOURCE_FILE: raw.frame[SOURCE_FILE], SOURCE_ROW: raw.frame[SOURCE_ROW]}
    for fld in FIELDS:
        header = hm.fields.get(fld)
        cols[fld] = raw.frame[header] if header else pd.Series(pd.NA, index=raw.frame.index, dtype="str")
    return pd.DataFrame(cols)


def read_exports(paths: list[str | Path], mapping: Mapping | None = None) -> tuple[pd.DataFrame, list[RawExport], list[HeaderMap]]:
    """Read and header-map each file, then stack them: text cells under canonical names."""
    if not paths:
        raise InputError("no input files given")
    mapping = mapping or Mapping()
    raws, maps, parts = [], [], []
    names = [Path(p).name for p in paths]
    if len(set(names)) < len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise InputError(f"two inputs share the file name {dup[0]!r}; rows are traced by file name, "
                         "so rename one")
    for p in paths:
        raw = read_export(p)
        hm = map_headers(raw.headers, str(p), mapping)
        raws.append(raw)
        maps.append(hm)
        parts.append(_canonical_raw(raw, hm))
    stacked = pd.concat(parts, ignore_index=True)
    stacked.insert(0, ROW, np.arange(len(stacked), dtype="int64"))
    return stacked, raws, maps


def normalise_exports(
    paths: list[str | Path],
    mapping: Mapping | None = None,
    as_of: date | None = None,
) -> Normalised:
    """Read, map and normalise intake exports (see :func:`normalise`)."""
    mapping = mapping or Mapping()
    stacked, raws, maps = read_exports(paths, mapping)
    norm = normalise(stacked, mapping, as_of)
    rejects = pd.concat([r.rejects.assign(**{SOURCE_FILE: r.path.name}) for r in raws], ignore_index=True)
    norm.rejects = rejects[[SOURCE_FILE, SOURCE_ROW, "text", "reason"]]
    norm.headers = pd.DataFrame([row for hm in maps for row in hm.report()], columns=["file", "header", "field"])
    norm.inputs = [{"file": r.path.name, "path": str(r.path), "sha256": r.sha256, "rows": len(r.frame),
                    "rejected_records": len(r.rejects), "encoding": r.encoding,
                    "delimiter": r.delimiter, "header_row": r.header_row} for r in raws]
    return norm


def _vocab_field(raw: pd.DataFrame, fld: str, vocabulary: str, problems: _Problems) -> pd.Series:
    r = map_vocab(raw[fld], vocabulary)
    problems.add(fld, pd.Series(np.where(r.unmapped, UNMAPPED, None), index=raw.index, dtype="str"))
    cats = CATEGORIES.get(vocabulary)
    return pd.Categorical(r.values, categories=cats) if cats else r.values


def normalise(raw: pd.DataFrame, mapping: Mapping | None = None, as_of: date | None = None) -> Normalised:
    """Type every canonical field of a stacked raw table (from :func:`read_exports`).

    Args:
        raw: text cells under canonical names, with ``_row``, ``_source_file``, ``_source_row``.
        mapping: export options (day-first slash dates, default currency).
        as_of: dates after it are invalid; default: the latest submission's date.
    """
    mapping = mapping or Mapping()
    problems = _Problems(raw)
    out = pd.DataFrame({ROW: raw[ROW], SOURCE_FILE: raw[SOURCE_FILE], SOURCE_ROW: raw[SOURCE_ROW]})

    for fld in ["intake_id", "order_id", "supplier_key", "claimant_key", "product_category",
                "email", "phone", "denial_reason", "narrative"]:
        out[fld] = raw[fld].astype("str")

    submitted = parse_timestamp(raw["submitted_at"], day_first=mapping.day_first, earliest=EARLIEST_VALID_DATE)
    if as_of is None:
        latest = submitted.values.max()
        as_of = latest.date() if pd.notna(latest) else date.today()  # pragma: no cover (no dates at all)
    else:
        late = submitted.values.notna() & (submitted.values.dt.normalize() > pd.Timestamp(as_of))
        submitted.problem[late] = f"after the as-of date {as_of}"
        submitted.values[late] = pd.NaT
    out["submitted_at"] = submitted.values
    problems.add("submitted_at", submitted.problem)

    for fld in ["order_date", "promised_delivery_date", "delivered_date", "claim_date"]:
        d = parse_date(raw[fld], day_first=mapping.day_first, earliest=EARLIEST_VALID_DATE, latest=as_of)
        out[fld] = d.values
        problems.add(fld, d.problem)

    # Where the buyer is: country, then state (a blank country with a U.S. state is the U.S.).
    country = map_vocab(raw["claimant_country"], "country")
    state = map_vocab(raw["claimant_state"], "us_state")
    country_values = country.values.where(~(raw["claimant_country"].isna() & state.values.notna()), "US")
    problems.add("claimant_country", pd.Series(np.where(country.unmapped, UNMAPPED, None), index=raw.index, dtype="str"))
    foreign = country_values.notna() & (country_values != "US")
    problems.add("claimant_state", pd.Series(np.where(state.unmapped & ~foreign, UNMAPPED, None), index=raw.index, dtype="str"))
    out["claimant_state"] = state.values.astype("str")
    out["claimant_country"] = country_values.astype("str")

    out["buyer_type"] = _vocab_field(raw, "buyer_type", "buyer_type", problems)
    out["delivery_status"] = _vocab_field(raw, "delivery_status", "delivery_status", problems)
    out["claim_outcome"] = _vocab_field(raw, "claim_outcome", "claim_outcome", problems)
    for fld in ["trade_assurance", "claim_filed", "evidence_kept"]:
        b = map_boolean(raw[fld])
        out[fld] = b.values
        problems.add(fld, pd.Series(np.where(b.unmapped, UNMAPPED, None), index=raw.index, dtype="str"))

    _issues(raw, out, problems)
    _money(raw, out, problems, mapping)
    return Normalised(frame=out.reset_index(drop=True), problems=problems.frame(),
                      rejects=pd.DataFrame(columns=[SOURCE_FILE, SOURCE_ROW, "text", "reason"]),
                      headers=pd.DataFrame(columns=["file", "header", "field"]), inputs=[],
                      as_of=as_of, fx_source=fx.source(), mapping=mapping, raw=raw)


def _issues(raw: pd.DataFrame, out: pd.DataFrame, problems: _Problems) -> None:
    """One cell of several issues ("Quality; Customs", "Never arrived|Late") -> one boolean each."""
    position, uniques = pd.factorize(raw["issues"], use_na_sentinel=True)  # a few hundred distinct cells
    flags, text, reason = _issue_cells(pd.Series(list(uniques) + [None], dtype="str"))
    answered = position >= 0
    for name in CATEGORIES["issue"]:
        values = pd.array(flags[name].to_numpy()[position], dtype="boolean")
        values[~answered] = pd.NA
        out[f"issue_{name}"] = values
    out["issues"] = pd.Series(text.array.take(position), index=raw.index, dtype="str")
    problems.add("issues", pd.Series(reason.array.take(position), index=raw.index, dtype="str"))


def _issue_cells(cell: pd.Series) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """Per distinct cell: a flag per issue, the canonical ';'-list, and the unmapped words (if any)."""
    tokens = cell.str.split(ISSUE_SPLIT, regex=True).explode()
    tokens = tokens[tokens.notna()].astype("str")
    tokens = tokens[tokens.str.strip() != ""]
    mapped = map_vocab(tokens, "issue")
    bad_tokens = tokens[mapped.unmapped.to_numpy()].groupby(level=0).agg("; ".join)
    reason = pd.Series(pd.NA, index=cell.index, dtype="str")
    reason[bad_tokens.index] = UNMAPPED + ": " + bad_tokens
    rows = mapped.values.index.to_numpy()
    issue = mapped.values.to_numpy()
    names = CATEGORIES["issue"]
    flags = pd.DataFrame({name: cell.index.isin(rows[issue == name]) for name in names}, index=cell.index)
    text = pd.Series("", index=cell.index, dtype="str")
    for name in names:
        text = text.where(~flags[name], text + np.where(text == "", "", ";") + name)
    return flags, text.where(text != ""), reason


def _resolve_currency(amount_cur: pd.Series, column_raw: pd.Series | None, fld: str,
                      has_amount: pd.Series, problems: _Problems, default: str | None) -> pd.Series:
    """The currency of an amount: named by the amount, by the currency column, or the default."""
    if column_raw is None:
        column = pd.Series(pd.NA, index=amount_cur.index, dtype="str")
    else:
        table = crosswalk("currency")
        k = key(column_raw.fillna(""))
        column = k.map(table).astype("str").where(column_raw.notna())
        bad = column_raw.notna() & column.isna()
        problems.add(fld, pd.Series(np.where(bad, UNMAPPED, None), index=k.index, dtype="str"))
    conflict = amount_cur.notna() & column.notna() & (amount_cur != column)
    reason = ("the amount says " + amount_cur.fillna("") + ", the currency column says " + column.fillna(""))
    problems.add(fld, reason.where(conflict))
    cur = amount_cur.fillna(column).where(~conflict)
    if default:
        cur = cur.where(cur.notna() | conflict | ~has_amount, default)
    return cur.astype("str")


def _money(raw: pd.DataFrame, out: pd.DataFrame, problems: _Problems, mapping: Mapping) -> None:
    """Amounts, their currencies, and their USD values at the ECB rate of the order date."""
    order = parse_money(raw["order_amount"])
    fees = parse_money(raw["customs_fees_paid"])
    reimb = parse_money(raw["customs_fees_reimbursed"])
    refund = parse_money(raw["refund_amount"])
    for fld, p in [("order_amount", order), ("customs_fees_paid", fees),
                   ("customs_fees_reimbursed", reimb), ("refund_amount", refund)]:
        problems.add(fld, p.problem)
    # Money paid out cannot be negative; money paid back is often exported as a negative.
    for fld, p in [("order_amount", order), ("customs_fees_paid", fees)]:
        neg = p.values < 0
        problems.add(fld, pd.Series(np.where(neg, "negative amount", None), index=raw.index, dtype="str"))
        p.values[neg] = np.nan
    reimb.values[:] = reimb.values.abs()
    refund.values[:] = refund.values.abs()

    order_cur = _resolve_currency(order.currency, raw["order_currency"], "order_currency",
                                  order.values.notna(), problems, mapping.default_currency)
    fees_cur = _resolve_currency(fees.currency, raw["customs_fees_currency"], "customs_fees_currency",
                                 fees.values.notna(), problems, mapping.default_currency)
    fees_cur = fees_cur.fillna(reimb.currency.where(fees.values.isna()))
    reimb_cur = reimb.currency.fillna(fees_cur)
    refund_cur = refund.currency.fillna(order_cur)

    out["order_amount"] = order.values
    out["order_currency"] = order_cur
    out["customs_fees_paid"] = fees.values
    out["customs_fees_currency"] = fees_cur
    out["customs_fees_reimbursed"] = reimb.values
    out["refund_amount"] = refund.values

    # Every amount at the ECB rate of the order date; the rate and its date are kept per row.
    on = out["order_date"]
    for amount, currency, rate_prefix in [("order_amount", order_cur, "fx"), ("refund_amount", refund_cur, None),
                                          ("customs_fees_paid", fees_cur, "fees_fx"),
                                          ("customs_fees_reimbursed", reimb_cur, None)]:
        conv = fx.to_usd(out[amount], currency, on)
        out[f"{amount}_usd"] = conv.usd
        if rate_prefix:
            out[f"{rate_prefix}_rate"] = conv.rate
            out[f"{rate_prefix}_rate_date"] = conv.rate_date
        problems.add(f"{amount}_usd", conv.problem, raw_field=amount)
    out["fx_source"] = pd.Categorical([fx.source()] * len(out))
