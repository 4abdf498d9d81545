"""Complaint records: public complaint-database exports onto one schema, cleaned and coded.

Intake says what our claimants report; complaint records show the same conduct reported
independently. Adapters map a source onto the canonical complaint schema:

- ``cfpb``: the U.S. CFPB Consumer Complaint Database export, in its published column names
  ("Date received", "Product", ..., "Complaint ID") or the API's snake_case names
  (``date_received``, ``complaint_what_happened``, ...);
- ``mapped``: any other source (a firm's correspondence log, a complaint-site export) through a
  TOML mapping file: ``[columns] "Their header" = "canonical_field"`` and ``[options] source = "..."``.

A file is streamed in blocks (bounded memory, so the full 18-million-row CFPB export runs on a
24 GiB machine); ``--company`` and ``--keyword`` select records before cleaning, and the records
not selected are counted per file. Every selected record gets a fate in the ledger (kept,
duplicate of an earlier complaint id, or quarantined with the reason); narratives are redacted
(the CFPB's own ``XXXX`` redactions are left as they are) and coded by :mod:`ta_analysis.coder`.

Examples:
    >>> company_group(pd.Series(["ALIBABA.COM SINGAPORE E-COMMERCE", "Alipay (US)", "CITIBANK, N.A."])).tolist()
    ['Alibaba Group', 'Alibaba Group', 'CITIBANK, N.A.']
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from ta_analysis import anonymise, coder, textops
from ta_analysis.errors import InputError
from ta_analysis.outputs import (check_out_dir, git_commit, lock_sha256, package_version, to_json_bytes, write_csv,
                                 write_outputs)
from ta_analysis.parse import parse_date
from ta_analysis import read
from ta_analysis.schema import load_mapping
from ta_analysis.vocab import read_crosswalk

FIELDS = ["complaint_id", "date_received", "source", "company", "product", "sub_product", "issue",
          "sub_issue", "narrative", "company_response", "company_public_response", "state", "zip",
          "tags", "submitted_via", "date_sent_to_company", "timely_response", "consumer_disputed",
          "consent_provided", "email", "phone"]
# Issues of the CFPB taxonomy that a marketplace purchase never delivered produces.
PURCHASE_DISPUTE = r"(?i)problem with a purchase|dispute about a purchase|purchase or transfer"
# The marketplace and its payment channels.
COMPANY_GROUPS = [(r"(?i)\balibaba\b|\baliexpress\b|\bali express\b|\balipay\b|\b1688\.com\b|\balibaba\.com\b",
                   "Alibaba Group")]
BLOCK_BYTES = 1 << 25


def company_group(company: pd.Series) -> pd.Series:
    """The company, with the marketplace's entities and payment channels grouped under one name."""
    out = company.astype("str").str.strip()
    for pattern, name in COMPANY_GROUPS:
        out = out.where(~textops.contains(out, pattern), name)
    return out


@dataclass
class Source:
    """How a file's columns map onto the complaint schema.

    Attributes:
        columns: export header -> canonical field, for the headers the file has.
        source: what the source is called in the outputs.
        absent: canonical fields the source can carry but this file lacks (listed in the summary).
    """

    columns: dict[str, str]
    source: str
    day_first: bool = False
    mapping_sha256: str | None = None
    absent: list[str] = field(default_factory=list)


REQUIRED = ("complaint_id", "date_received")


@lru_cache(maxsize=1)
def cfpb_columns() -> pd.DataFrame:
    """The CFPB export's published and API column names (``data/cfpb_columns.csv``)."""
    return read_crosswalk("cfpb_columns.csv")


def load_source(fmt: str, mapping: Path | None) -> Source | None:
    """The adapter for ``--format`` (cfpb's is chosen per file by its header)."""
    if fmt == "cfpb":
        if mapping is not None:
            raise InputError("--mapping goes with --format mapped, not cfpb")
        return None
    if fmt != "mapped":
        raise InputError(f"unknown --format {fmt!r}; use cfpb or mapped")
    if mapping is None:
        raise InputError("--format mapped needs --mapping FILE (a TOML file with [columns] and [options])")
    m = load_mapping(mapping, "complaints", fields=tuple(FIELDS))
    for need in REQUIRED:
        if need not in m.columns.values():
            raise InputError(f"[columns] maps no header to {need}", file=str(mapping))
    return Source(columns=dict(m.columns), source=m.source or Path(mapping).stem, day_first=m.day_first,
                  mapping_sha256=m.sha256)


def _cfpb_source(headers: list[str], path: Path) -> Source:
    """The CFPB column names a file uses (published or API), told by its complaint-id header.

    Only the complaint id and the date received are indispensable; every other column may be
    missing (the 2026 layout has no consent or disputed columns; some exports no narratives).
    """
    table = cfpb_columns()
    for name_column in ("published_name", "api_name"):
        names = dict(zip(table[name_column], table["canonical_field"]))
        if any(names.get(h) == "complaint_id" for h in headers):
            break
    else:
        raise InputError("not a CFPB export: no 'Complaint ID' (or 'complaint_id') column; use --format mapped",
                         file=str(path))
    present = {h: names[h] for h in headers if h in names}
    missing = [h for h, f in names.items() if f in REQUIRED and h not in present]
    if missing:
        raise InputError(f"not a CFPB export: no {missing[0]!r} column", file=str(path))
    return Source(columns=present, source="CFPB", absent=[f for h, f in names.items() if h not in present])


@dataclass
class FileResult:
    records: int = 0
    selected: int = 0
    sha256: str = ""
    frames: list[pd.DataFrame] = field(default_factory=list)


def stream_file(path: Path, source: Source | None, *, company: str | None, keyword: str | None) -> tuple[FileResult, Source]:
    """Read one file block by block, keeping only the selected records (as canonical text)."""
    head = read.check_export(path)
    layout = read.detect_layout(path, head)
    src = source or _cfpb_source(layout.headers, path)
    absent = [hdr for hdr in src.columns if hdr not in layout.headers]
    if absent:
        raise InputError(f"no column {absent[0]!r} named in the mapping", file=str(path))
    result = FileResult()
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        raw = _HashingReader(fh, digest)
        reader = pacsv.open_csv(
            raw, read_options=pacsv.ReadOptions(skip_rows=layout.header_row, column_names=layout.headers,
                                                block_size=BLOCK_BYTES, encoding=layout.arrow_encoding),
            parse_options=pacsv.ParseOptions(delimiter=layout.delimiter, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in layout.headers},
                                                 include_columns=list(src.columns), strings_can_be_null=True,
                                                 null_values=[""]))
        for batch in reader:
            frame = batch.to_pandas()
            frame.columns = [src.columns[c] for c in frame.columns]
            frame.insert(0, "source_record", np.arange(result.records + 1, result.records + 1 + len(frame)))
            result.records += len(frame)
            keep = pd.Series(True, index=frame.index)
            if company and "company" in frame:
                keep &= textops.contains(frame["company"], f"(?i){company}")
            if keyword and "narrative" in frame:
                keep &= textops.contains(frame["narrative"], f"(?i){keyword}")
            selected = frame[keep.to_numpy()]
            result.selected += len(selected)
            if len(selected):
                result.frames.append(selected)
        raw.drain()
    result.sha256 = digest.hexdigest()
    return result, src


class _HashingReader(io.RawIOBase):
    """A file wrapper that hashes every byte as the CSV reader pulls it."""

    def __init__(self, fh, digest) -> None:
        self.fh, self.digest = fh, digest

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        n = self.fh.readinto(b)
        if n:
            self.digest.update(memoryview(b)[:n])
        return n

    def drain(self) -> None:
        for chunk in iter(lambda: self.fh.read(1 << 20), b""):
            self.digest.update(chunk)


def clean_complaints(frame: pd.DataFrame, src_name: str, day_first: bool = False,
                     key: anonymise.HashKey | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Type, redact, de-duplicate and code one stack of complaint records; (kept rows, ledger)."""
    f = frame.copy()
    for c in FIELDS:
        if c not in f:
            f[c] = pd.Series(pd.NA, index=f.index, dtype="str")
    f["source"] = f["source"].fillna(src_name) if "source" in frame else src_name
    received = parse_date(f["date_received"], day_first=day_first, latest=None)
    sent = parse_date(f["date_sent_to_company"], day_first=day_first, latest=None)
    reason = pd.Series(pd.NA, index=f.index, dtype="str")
    reason[f["complaint_id"].isna()] = "no complaint id"
    reason[reason.isna() & received.values.isna()] = ("no readable date received: " + f["date_received"].fillna("(blank)"))
    dup = f["complaint_id"].notna() & reason.isna()
    first = f[dup].drop_duplicates(["source_file", "complaint_id"])
    first_rec = first.set_index(["source_file", "complaint_id"])["source_record"]
    is_dup = dup & f.duplicated(["source_file", "complaint_id"], keep="first")
    dup_of = pd.Series(pd.NA, index=f.index, dtype="Int64")
    if is_dup.any():
        keys = list(zip(f.loc[is_dup, "source_file"], f.loc[is_dup, "complaint_id"]))
        dup_of[is_dup] = first_rec.reindex(keys).to_numpy()
    fate = pd.Series("kept", index=f.index, dtype="str")
    fate[reason.notna()] = "quarantined"
    fate[is_dup] = "duplicate"
    reason[is_dup] = "the same complaint id appeared earlier in the file"
    ledger = pd.DataFrame({"source_file": f["source_file"], "source_record": f["source_record"],
                           "complaint_id": f["complaint_id"], "fate": fate, "reason": reason.fillna(""),
                           "duplicate_of_record": dup_of})
    kept = f[fate.eq("kept").to_numpy()].copy()
    out = pd.DataFrame({
        "source_file": kept["source_file"], "source_record": kept["source_record"],
        "complaint_id": kept["complaint_id"], "source": kept["source"],
        "date_received": received.values[kept.index], "date_sent_to_company": sent.values[kept.index],
        "company": kept["company"], "company_group": company_group(kept["company"]),
        "product": kept["product"], "sub_product": kept["sub_product"], "issue": kept["issue"],
        "sub_issue": kept["sub_issue"],
        "purchase_dispute": textops.contains(kept["issue"].fillna("") + " " + kept["sub_issue"].fillna(""), PURCHASE_DISPUTE),
        "narrative": anonymise.redact_text(kept["narrative"]),
        "amounts_mentioned_usd": _amounts(kept["narrative"]),
        "company_response": kept["company_response"], "company_public_response": kept["company_public_response"],
        "state": kept["state"], "zip": kept["zip"].astype("str"), "tags": kept["tags"],
        "submitted_via": kept["submitted_via"], "timely_response": kept["timely_response"],
        "consumer_disputed": kept["consumer_disputed"],
    })
    if kept["email"].notna().any() or kept["phone"].notna().any():
        key = key or anonymise.load_key()
        out["claimant_key"] = anonymise.claimant_keys(kept["email"], kept["phone"],
                                                      pd.Series(pd.NA, index=kept.index, dtype="str"), key)
    else:
        out["claimant_key"] = pd.Series(pd.NA, index=kept.index, dtype="str")
    codes = coder.code_narratives(out["narrative"])
    if not out["narrative"].notna().any():  # no narratives: nothing was coded (not "no code found")
        for c in [c for c in codes.columns if c.startswith("code_")]:
            codes[c] = pd.array([pd.NA] * len(codes), dtype="boolean")
    out = pd.concat([out, codes], axis=1)
    # the narrative was redacted before it was coded, so the phrases kept from it are safe too
    done = ("narrative", "matched_phrases", "codebook_version")
    return (anonymise.redact_frame(out.reset_index(drop=True), generated=done),
            anonymise.redact_frame(ledger, generated=("fate",)))


def _amounts(narrative: pd.Series) -> pd.Series:
    """Dollar amounts written in a narrative (the CFPB writes them as {$100.00}), ';'-joined."""
    found = narrative.fillna("").str.findall(r"\{?\$\s?([0-9][0-9,]*(?:\.[0-9]{1,2})?)\}?")
    return found.map(lambda xs: ";".join(x.replace(",", "") for x in xs)).astype("str").replace("", pd.NA)


def link_to_intake(complaints: pd.DataFrame, intake: pd.DataFrame, window_days: int = 90) -> tuple[pd.DataFrame, dict]:
    """Complaints and intake records of the same claimant key within ``window_days``: pairs and counts.

    Reported, never merged: the pairs table names both sides by their ids only.
    """
    c = complaints[complaints["claimant_key"].notna()][["complaint_id", "claimant_key", "date_received"]]
    i = intake[["intake_id", "claimant_key", "submitted_at"]]
    pairs = c.merge(i, on="claimant_key", how="inner")
    gap = (pairs["submitted_at"].dt.normalize() - pairs["date_received"]).dt.days.abs()
    pairs = pairs[gap <= window_days].assign(days_apart=gap[gap <= window_days].astype(int))
    counts = {
        "window_days": window_days,
        "complaints_with_claimant_key": int(len(c)),
        "complaints_linked": int(pairs["complaint_id"].nunique()),
        "intake_records_linked": int(pairs["intake_id"].nunique()),
        "complaints_linked_to_several_intake_records": int((pairs.groupby("complaint_id").size() > 1).sum()),
    }
    return pairs.sort_values(["complaint_id", "intake_id"]).reset_index(drop=True)[
        ["complaint_id", "intake_id", "days_apart"]], counts


def run(inputs: list[Path], fmt: str, mapping: Path | None, out_dir: Path, *, company: str | None = None,
        keyword: str | None = None, intake_dir: Path | None = None) -> dict:
    """Stream, select, clean, code and (optionally) link complaint files; write the outputs."""
    source = load_source(fmt, mapping)
    out_dir = check_out_dir(out_dir, inputs=tuple(inputs))
    for option, pattern in (("--company", company), ("--keyword", keyword)):
        if pattern is not None:
            textops.check_pattern(pattern, option)
    frames, ledgers, files = [], [], []
    for path in inputs:
        result, src = stream_file(Path(path), source, company=company, keyword=keyword)
        stack = (pd.concat(result.frames, ignore_index=True) if result.frames
                 else pd.DataFrame(columns=["source_record"] + list(src.columns.values())))
        stack.insert(0, "source_file", Path(path).name)
        kept, ledger = clean_complaints(stack, src.source, src.day_first)
        frames.append(kept)
        ledgers.append(ledger)
        fates = ledger["fate"].value_counts()
        files.append({"file": Path(path).name, "sha256": result.sha256, "records": result.records,
                      "not_selected": result.records - result.selected, "selected": result.selected,
                      "kept": int(fates.get("kept", 0)), "duplicate": int(fates.get("duplicate", 0)),
                      "quarantined": int(fates.get("quarantined", 0)),
                      "reconciles": result.records == (result.records - result.selected) + len(ledger),
                      "source": src.source, "mapping_sha256": src.mapping_sha256,
                      "columns_absent": src.absent})
    complaints = pd.concat(frames, ignore_index=True)
    ledger = pd.concat(ledgers, ignore_index=True)
    summary = {
        "inputs": files, "format": fmt, "selection": {"company": company, "keyword": keyword},
        "records": int(sum(f["records"] for f in files)), "kept": int(len(complaints)),
        "reconciles": all(f["reconciles"] for f in files),
        "purchase_disputes": int(complaints["purchase_dispute"].sum()),
        "codes": {c: int(complaints[f"code_{c}"].sum()) for c in coder.CODES},
        "codebook_version": coder.CODEBOOK_VERSION,
        # per code, "validated" on held-out real narratives or why not: read counts of the others with care
        "codes_validation": coder.code_status(),
        "codes_unvalidated": coder.unvalidated_codes(),
        "company_groups": {k: int(v) for k, v in complaints["company_group"].value_counts().head(10).items()},
        "package_version": package_version(), "git_commit": git_commit(), "lock_sha256": lock_sha256(),
    }
    if not complaints["narrative"].notna().any():
        summary["narrative_coding"] = ("skipped: no record holds a narrative (the export has no narrative column, "
                                       "or every narrative is blank); the code_* columns are empty, not false")
    files_out = {
        "complaints.csv": (None, lambda p: write_csv(complaints, p)),  # the parquet file's frame covers it
        "complaints.parquet": (complaints, lambda p: complaints.to_parquet(p, index=False)),
        "complaints_audit.csv": (ledger, lambda p: write_csv(ledger, p)),
    }
    if intake_dir is not None:
        from ta_analysis.summary import load_processed

        pairs, counts = link_to_intake(complaints, load_processed(intake_dir).intake)
        summary["linkage"] = counts
        files_out["complaint_intake_links.csv"] = (pairs, lambda p: write_csv(pairs, p))
    text = to_json_bytes(summary)
    files_out["complaints_summary.json"] = (text.decode("utf-8"), lambda p: p.write_bytes(text))
    write_outputs(out_dir, files_out, kind="complaints")
    return summary
