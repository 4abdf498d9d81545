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

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from ta_analysis import fx, textops
from ta_analysis.anonymise import HashKey, claimant_keys
from ta_analysis.config import EARLIEST_VALID_DATE
from ta_analysis.errors import InputError
from ta_analysis.parse import parse_date, parse_money, parse_timestamp
from ta_analysis.read import SOURCE_FILE, SOURCE_ROW, RawExport, read_export
from ta_analysis.schema import FIELDS, IDENTITY, HeaderMap, Mapping, map_headers
from ta_analysis.vocab import AMBIGUOUS, CATEGORIES, UNMAPPED, map_boolean, map_category, map_vocab

ROW = "_row"
PROBLEM_COLUMNS = [ROW, SOURCE_FILE, SOURCE_ROW, "field", "raw_value", "problem"]
ISSUE_SPLIT = r"[ \t]*[;|,/+&][ \t]*|[ \t]+and[ \t]+"


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
        """Every spelling no mapping, crosswalk or rule mapped (or rules mapped two ways), with
        its count, most frequent first. An issue cell's unmapped words are listed one by one."""
        p = self.problems
        problem = p["problem"].astype("str")
        whole = p[(problem == UNMAPPED) | problem.str.startswith(AMBIGUOUS)][["field", "raw_value", "problem"]]
        words = problem[(p["field"] == "issues") & problem.str.startswith(UNMAPPED + ": ")]
        words = words.str.removeprefix(UNMAPPED + ": ").str.split("; ").explode()
        words = pd.DataFrame({"field": "issues", "raw_value": words.astype("str"), "problem": UNMAPPED})
        counts = (pd.concat([whole, words], ignore_index=True)
                  .groupby(["field", "raw_value", "problem"]).size().reset_index(name="count"))
        counts = counts[["field", "raw_value", "count", "problem"]]
        return counts.sort_values(["field", "count", "raw_value"], ascending=[True, False, True],
                                  kind="stable").reset_index(drop=True)


class _Problems:
    def __init__(self, raw: pd.DataFrame) -> None:
        self.raw = raw
        self.parts: list[pd.DataFrame] = []

    def add(self, fld: str, problem: pd.Series, raw_field: str | None = None) -> None:
        """A problem per row where ``problem`` is not missing."""
        m = problem.notna().to_numpy()
        if m.any():
            self._append(fld, m, problem[m].to_numpy(), raw_field)

    def add_where(self, fld: str, mask, problem: str) -> None:
        """The same problem on every row where ``mask`` is true."""
        m = np.asarray(mask, dtype=bool)
        if m.any():
            self._append(fld, m, problem, None)

    def _append(self, fld: str, m: np.ndarray, problem, raw_field: str | None) -> None:
        src = self.raw[[ROW, SOURCE_FILE, SOURCE_ROW, raw_field or fld]].iloc[np.flatnonzero(m)]
        self.parts.append(pd.DataFrame({
            ROW: src[ROW].to_numpy(),
            SOURCE_FILE: src[SOURCE_FILE].to_numpy(),
            SOURCE_ROW: src[SOURCE_ROW].to_numpy(),
            "field": fld,
            "raw_value": src[raw_field or fld].to_numpy(),
            "problem": problem,
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


def _rejects(raw: RawExport, hm: HeaderMap) -> pd.DataFrame:
    """A file's unreadable records for the ledger: file, row, their text, why. The text leaves out
    the fields under identity headers (e-mail, phone, claimant key), which are never written."""
    identity = {raw.headers.index(hm.fields[f]) for f in IDENTITY if f in hm.fields}
    text = [raw.delimiter.join(v for i, v in enumerate(fields) if i not in identity) for fields in raw.rejects["fields"]]
    return pd.DataFrame({SOURCE_FILE: raw.path.name, SOURCE_ROW: raw.rejects[SOURCE_ROW].to_numpy(dtype="int64"),
                         "text": pd.Series(text, dtype="str"), "reason": raw.rejects["reason"].astype("str")},
                        columns=[SOURCE_FILE, SOURCE_ROW, "text", "reason"])


def _with_cell_problems(problems: pd.DataFrame, stacked: pd.DataFrame, raws: list[RawExport],
                        maps: list[HeaderMap]) -> pd.DataFrame:
    """``problems`` with the cells the reader could not read (:attr:`RawExport.cell_problems`)
    under their canonical field; cells of columns that are not read are left out."""
    parts = []
    for r, hm in zip(raws, maps):
        field_of = {header: f for f, header in hm.fields.items()}
        cp = r.cell_problems[r.cell_problems["header"].isin(list(field_of))]
        if cp.empty:
            continue
        rows = stacked[stacked[SOURCE_FILE] == r.path.name].set_index(SOURCE_ROW)[ROW]
        parts.append(pd.DataFrame({ROW: rows.reindex(cp[SOURCE_ROW].to_numpy()).to_numpy(),
                                   SOURCE_FILE: r.path.name, SOURCE_ROW: cp[SOURCE_ROW].to_numpy(),
                                   "field": cp["header"].map(field_of).to_numpy(),
                                   "raw_value": cp["raw_value"].to_numpy(), "problem": cp["problem"].to_numpy()}))
    if not parts:
        return problems
    out = pd.concat([problems, *parts], ignore_index=True)
    for c in ("field", "raw_value", "problem", SOURCE_FILE):
        out[c] = out[c].astype("str")
    return out.sort_values([ROW, "field"], kind="stable").reset_index(drop=True)


def normalise_exports(
    paths: list[str | Path],
    mapping: Mapping | None = None,
    as_of: date | None = None,
    *,
    hash_key: HashKey | None = None,
) -> Normalised:
    """Read, map and normalise intake exports (see :func:`normalise`)."""
    mapping = mapping or Mapping()
    stacked, raws, maps = read_exports(paths, mapping)
    norm = normalise(stacked, mapping, as_of, hash_key=hash_key)
    norm.rejects = pd.concat([_rejects(r, hm) for r, hm in zip(raws, maps)], ignore_index=True)
    norm.problems = _with_cell_problems(norm.problems, stacked, raws, maps)
    norm.headers = pd.DataFrame([row for hm in maps for row in hm.report()], columns=["file", "header", "field"])
    norm.inputs = [{"file": r.path.name, "path": str(r.path), "sha256": r.sha256, "rows": len(r.frame),
                    "rejected_records": len(r.rejects), "blank_lines": r.blank_lines, "encoding": r.encoding,
                    "delimiter": r.delimiter, "header_row": r.header_row} for r in raws]
    return norm


def normalise(raw: pd.DataFrame, mapping: Mapping | None = None, as_of: date | None = None,
              *, hash_key: HashKey | None = None) -> Normalised:
    """Type every canonical field of a stacked raw table (from :func:`read_exports`).

    Args:
        raw: text cells under canonical names, with ``_row``, ``_source_file``, ``_source_row``.
        mapping: export options (day-first slash dates, default currency).
        as_of: dates after it are invalid; default: the latest submission's date.
        hash_key: when given, ``claimant_key`` holds each claimant's keyed hash
            (:func:`anonymise.claimant_keys`) instead of the key column as read.
    """
    mapping = mapping or Mapping()
    # The field groups are independent but for the dates, which need the as-of date. They run on
    # TYPING_THREADS threads (most of the work is pyarrow's, which releases the GIL); their columns
    # and problems are put back in one fixed order, so the result never depends on the threads.
    with ThreadPoolExecutor(max_workers=TYPING_THREADS) as pool:
        amounts = pool.submit(_group, _amounts, raw, mapping)  # the longest first
        identities = pool.submit(_group, _identities, raw, hash_key)
        submitted = pool.submit(_group, _submitted, raw, mapping, as_of)
        others = [pool.submit(_group, fn, raw, mapping) for fn in (_places, _categories, _issues)]
        as_of = submitted.result()[2]
        dates = pool.submit(_group, _dates, raw, mapping, as_of)
        groups = [g.result() for g in [identities, submitted, dates, *others, amounts]]
    cols = {ROW: raw[ROW], SOURCE_FILE: raw[SOURCE_FILE], SOURCE_ROW: raw[SOURCE_ROW]}
    problems = _Problems(raw)
    for group_cols, group_problems, _ in groups:
        cols.update(group_cols)
        problems.parts += group_problems
    # Each amount in USD, at the rate of the order date.
    _usd(raw, cols, problems, {amount: fx.to_usd(cols[amount], currency, cols["order_date"])
                               for amount, currency in amounts.result()[2].items()})
    return Normalised(frame=pd.DataFrame(cols).reset_index(drop=True), problems=problems.frame(),
                      rejects=pd.DataFrame(columns=[SOURCE_FILE, SOURCE_ROW, "text", "reason"]),
                      headers=pd.DataFrame(columns=["file", "header", "field"]), inputs=[],
                      as_of=as_of, fx_source=fx.source(), mapping=mapping, raw=raw)


TYPING_THREADS = 2  # make bench: see the README's Benchmarks section for what they save


def _group(fn, raw: pd.DataFrame, *args):
    """Type one group of fields: its columns, its problems (as frames), and what it returns."""
    cols, problems = {}, _Problems(raw)
    extra = fn(raw, cols, problems, *args)
    return cols, problems.parts, extra


DATE_FIELDS = ("order_date", "promised_delivery_date", "delivered_date", "claim_date")  # days, no time
# The days the exchange rates are of (:func:`_usd`).
RATE_DATE_FIELDS = ("fx_rate_date", "fees_fx_rate_date")


# Each group below types some fields: columns into ``out``, unreadable values into ``problems``.

def _identities(raw: pd.DataFrame, out: dict, problems: _Problems, hash_key: HashKey | None) -> None:
    for fld in ["intake_id", "order_id", "supplier_key", "claimant_key", "product_category",
                "email", "phone", "denial_reason", "narrative"]:
        out[fld] = raw[fld].astype("str")
    if hash_key is not None:
        out["claimant_key"] = claimant_keys(out["email"], out["phone"], out["claimant_key"], hash_key)


def _submitted(raw: pd.DataFrame, out: dict, problems: _Problems, mapping: Mapping, as_of: date | None) -> date:
    """Submission timestamps; returns the as-of date (given, or the latest submission's)."""
    submitted = _per_file(parse_timestamp, raw, "submitted_at", day_first=mapping.day_first,
                          earliest=EARLIEST_VALID_DATE)
    if as_of is None:
        latest = submitted.values.max()
        as_of = latest.date() if pd.notna(latest) else date.today()  # pragma: no cover (no dates at all)
    else:
        late = submitted.values.notna() & (submitted.values.dt.normalize() > pd.Timestamp(as_of))
        submitted.problem[late] = f"after the as-of date {as_of}"
        submitted.values[late] = pd.NaT
    out["submitted_at"] = submitted.values
    problems.add("submitted_at", submitted.problem)
    return as_of


def _per_file(parse, raw: pd.DataFrame, fld: str, **options):
    """``parse(raw[fld], **options)`` file by file: whether slash dates are day-first is decided
    per column of each export (two exports of opposite conventions are each read right)."""
    groups = raw.groupby(SOURCE_FILE, sort=False).indices
    if len(groups) <= 1:
        return parse(raw[fld], **options)
    parts = [parse(raw[fld].iloc[rows], **options) for rows in groups.values()]
    return type(parts[0])(pd.concat([p.values for p in parts]).reindex(raw.index),
                          pd.concat([p.problem for p in parts]).reindex(raw.index).astype("str"))


def _dates(raw: pd.DataFrame, out: dict, problems: _Problems, mapping: Mapping, as_of: date) -> None:
    for fld in DATE_FIELDS:
        d = _per_file(parse_date, raw, fld, day_first=mapping.day_first, earliest=EARLIEST_VALID_DATE, latest=as_of)
        out[fld] = d.values
        problems.add(fld, d.problem)


def _places(raw: pd.DataFrame, out: dict, problems: _Problems, mapping: Mapping) -> None:
    """Where the buyer is: country, then state (a blank country with a U.S. state is the U.S.)."""
    country = map_vocab(raw["claimant_country"], "country", mapping.values.get("claimant_country"))
    state = map_vocab(raw["claimant_state"], "us_state", mapping.values.get("claimant_state"))
    country_values = country.values.where(~(raw["claimant_country"].isna() & state.values.notna()), "US")
    problems.add("claimant_country", country.problem)
    foreign = country_values.notna() & (country_values != "US")
    problems.add("claimant_state", state.problem.where(~foreign))
    out["claimant_state"] = state.values.astype("str")
    out["claimant_country"] = country_values.astype("str")


def _categories(raw: pd.DataFrame, out: dict, problems: _Problems, mapping: Mapping) -> None:
    for fld in ["buyer_type", "delivery_status", "claim_outcome"]:
        c = map_category(raw[fld], fld, mapping.values.get(fld))
        out[fld] = c.values
        problems.add(fld, c.problem)
    for fld in ["trade_assurance", "claim_filed", "evidence_kept"]:
        b = map_boolean(raw[fld], mapping.values.get(fld))
        out[fld] = b.values
        problems.add(fld, b.problem)


def _issues(raw: pd.DataFrame, out: dict, problems: _Problems, mapping: Mapping) -> None:
    """One cell of several issues ("Quality; Customs", "Never arrived|Late") -> one boolean each."""
    position, cells = textops.distinct(raw["issues"])  # a few hundred distinct cells
    flags, text, reason = _issue_cells(cells, mapping.values.get("issues"))
    answered = raw["issues"].notna().to_numpy()
    for name in CATEGORIES["issue"]:
        values = pd.array(flags[name].to_numpy()[position], dtype="boolean")
        values[~answered] = pd.NA
        out[f"issue_{name}"] = values
    out["issues"] = textops.spread(text, position, raw.index)
    problems.add("issues", textops.spread(reason, position, raw.index))


def _issue_cells(cell: pd.Series, given: dict | None = None) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """Per distinct cell: a flag per issue, the canonical ';'-list, and the unmapped words (if any)."""
    tokens = cell.str.split(ISSUE_SPLIT, regex=True).explode()
    tokens = tokens[tokens.notna()].astype("str")
    tokens = tokens[tokens.str.strip() != ""]
    mapped = map_vocab(tokens, "issue", given)
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
                      has_amount: pd.Series, problems: _Problems, mapping: Mapping) -> pd.Series:
    """The currency of an amount: named by the amount, by the currency column (its spellings, and
    the mapping file's ``[values.<field>]``), or the mapping's default."""
    default = mapping.default_currency
    if column_raw is None:
        column = pd.Series(pd.NA, index=amount_cur.index, dtype="str")
    else:
        named = map_vocab(column_raw, "currency", mapping.values.get(fld))
        column = named.values
        problems.add(fld, named.problem)
    conflict = (amount_cur.notna() & column.notna() & (amount_cur != column)).to_numpy()
    reason = pd.Series(pd.NA, index=amount_cur.index, dtype="str")
    reason[conflict] = ("the amount says " + amount_cur[conflict] + ", the currency column says " + column[conflict])
    problems.add(fld, reason)
    cur = amount_cur.fillna(column).where(~conflict)
    if default:
        cur = cur.where(cur.notna() | conflict | ~has_amount, default)
    return cur.astype("str")


def _amounts(raw: pd.DataFrame, out: dict, problems: _Problems, mapping: Mapping) -> dict[str, pd.Series]:
    """Amounts and their currencies; returns the currency of each amount (for :func:`_usd`)."""
    order = parse_money(raw["order_amount"])
    fees = parse_money(raw["customs_fees_paid"])
    reimb = parse_money(raw["customs_fees_reimbursed"])
    refund = parse_money(raw["refund_amount"])
    requested = parse_money(raw["refund_requested"])
    for fld, p in [("order_amount", order), ("customs_fees_paid", fees),
                   ("customs_fees_reimbursed", reimb), ("refund_amount", refund), ("refund_requested", requested)]:
        problems.add(fld, p.problem)
    # Money paid out cannot be negative; money paid back is often exported as a negative.
    for fld, p in [("order_amount", order), ("customs_fees_paid", fees)]:
        neg = p.values < 0
        problems.add_where(fld, neg, "negative amount")
        p.values[neg] = np.nan
    reimb.values[:] = reimb.values.abs()
    refund.values[:] = refund.values.abs()
    requested.values[:] = requested.values.abs()

    order_cur = _resolve_currency(order.currency, raw["order_currency"], "order_currency",
                                  order.values.notna(), problems, mapping)
    fees_cur = _resolve_currency(fees.currency, raw["customs_fees_currency"], "customs_fees_currency",
                                 fees.values.notna(), problems, mapping)
    fees_cur = fees_cur.fillna(reimb.currency.where(fees.values.isna()))
    reimb_cur = reimb.currency.fillna(fees_cur)
    refund_cur = refund.currency.fillna(order_cur)
    requested_cur = requested.currency.fillna(order_cur)

    out["order_amount"] = order.values
    out["order_currency"] = order_cur
    out["customs_fees_paid"] = fees.values
    out["customs_fees_currency"] = fees_cur
    out["customs_fees_reimbursed"] = reimb.values
    out["refund_amount"] = refund.values
    out["refund_requested"] = requested.values
    return {"order_amount": order_cur, "refund_amount": refund_cur, "refund_requested": requested_cur,
            "customs_fees_paid": fees_cur, "customs_fees_reimbursed": reimb_cur}


def _usd(raw: pd.DataFrame, out: dict, problems: _Problems, converted: dict[str, fx.Converted]) -> None:
    """Every amount in USD (``converted`` by :func:`fx.to_usd`); the rate and its date are kept per row."""
    rate_columns = {"order_amount": "fx", "customs_fees_paid": "fees_fx"}
    for amount, conv in converted.items():
        out[f"{amount}_usd"] = conv.usd
        if amount in rate_columns:
            out[f"{rate_columns[amount]}_rate"] = conv.rate
            out[f"{rate_columns[amount]}_rate_date"] = conv.rate_date
        problems.add(f"{amount}_usd", conv.problem, raw_field=amount)
    out["fx_source"] = pd.Categorical.from_codes(np.zeros(len(raw), dtype="int8"), categories=[fx.source()])
