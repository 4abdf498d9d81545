"""How each exhibit is made from the data, once: the notebooks and the replication bundles call the same code.

A recipe takes a notebook's :class:`~ta_analysis.notebook.Context` and returns what is plotted,
how, and its subtitle and note (:class:`Recipe`). ``ctx.exhibit("EX-07")`` draws it in a report
and writes its **replication bundle** beside the exhibit files (``exhibits/EX-07/``):

- ``rows.csv``: the anonymised records behind the exhibit (the population it is drawn from, the
  columns its recipe reads; the claimant key replaced by a claimant number, no ids or free text);
- ``bundle.json``: the parameters of the run, the SHA-256 of ``intake.parquet`` and of the lock
  file, and the SHA-256 each exhibit file must have;
- ``redraw.py``: a short script that redraws the exhibit from a processed folder
  (``intake.parquet``) with the library, into a folder of its own, and checks the files are
  byte-identical to the report's (:func:`redraw`).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd

from ta_analysis import damages, exhibits, metrics, views
from ta_analysis.exhibits import Provenance, binned_amounts

DELIVERY = ["claimant_key", "delivery_status", "delivered_date", "promised_delivery_date", "order_date", "submitted_at"]
CLAIMS = ["claimant_key", "claim_outcome", "claim_filed"]
ISSUES = ["issue_quality", "issue_delay", "issue_customs", "issue_non_delivery"]
LOSS = sorted({"claimant_key", "order_amount_usd", "refund_amount", "refund_amount_usd", "refund_requested",
               "refund_requested_usd", "claim_outcome", "claim_filed", "claim_date", "delivery_status", "delivered_date",
               "promised_delivery_date", "order_date", "submitted_at", "customs_fees_paid", "customs_fees_paid_usd",
               "customs_fees_reimbursed", "customs_fees_reimbursed_usd"})
NOT_WRITTEN = ("intake_id", "order_id", "complaint_id", "narrative", "narrative_matched_phrases", "raw_value")
"""Columns never written to a bundle's rows: ids and free text (``claimant_key`` becomes a number)."""


@dataclass
class Recipe:
    """What an exhibit plots (``data``), how (``draw``), its subtitle and note, and the records behind it."""

    data: pd.DataFrame
    draw: Callable
    subtitle: str
    note: str
    rows: pd.DataFrame
    provenance: Provenance | None = None


def _rows(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    keep = [c for c in ["source_file", "source_row"] + columns if c in frame.columns and c not in NOT_WRITTEN]
    out = frame[list(dict.fromkeys(keep))].reset_index(drop=True)
    if "claimant_key" in out.columns:  # a number per claimant, in order of first appearance: groupable, not a key
        codes, _ = pd.factorize(out["claimant_key"], use_na_sentinel=True)
        out["claimant_key"] = pd.Series(codes + 1, dtype="Int64").mask(codes < 0)
        out = out.rename(columns={"claimant_key": "claimant"})
    return out


def ex01(ctx) -> Recipe:
    ledger = ctx.table("audit")
    flow = views.record_flow(ledger)
    return Recipe(flow[["step", "fate", "rule", "records", "remaining"]], exhibits.draw_flow(),
                  f"All {len(ledger):,} input records, by fate and rule (removals in orange)",
                  "Each record has exactly one fate; the removals add up to the input less the records kept.",
                  _rows(ledger, ["fate", "rule", "duplicate_of_file", "duplicate_of_row"]))


def ex02(ctx) -> Recipe:
    rate = metrics.denied_refund_rate(ctx.cls).iloc[0]
    return Recipe(views.plotted_rates(metrics.denied_refund_rate(ctx.cls, by="issue")), exhibits.draw_rates(),
                  f"Class members' resolved claims, n = {int(rate['denominator']):,} (a claim with several issues counts "
                  "under each)", "Denied-refund rate = claims denied / claims resolved. Whiskers: 95% Wilson intervals.",
                  _rows(ctx.cls, CLAIMS + ISSUES))


def ex03(ctx) -> Recipe:
    resolved = int(metrics.denied_refund_rate(ctx.cls).iloc[0]["denominator"])
    by_quarter = metrics.denied_or_short_paid_rate(ctx.cls, by="quarter")
    return Recipe(by_quarter[["group", "numerator", "denominator", "estimate", "ci_low", "ci_high", "small_group"]],
                  exhibits.draw_lines(), f"Class members' resolved claims by quarter of order, n = {resolved:,}",
                  "Denied-or-short-paid rate = (denied + partial refunds) / claims resolved. Band: 95% Wilson interval.",
                  _rows(ctx.cls, CLAIMS + ["order_date"]))


def ex04(ctx) -> Recipe:
    orders = views.fee_orders(ctx.cls)
    return Recipe(binned_amounts(orders["unreimbursed_usd"], zero_label="Fully reimbursed"),
                  exhibits.draw_binned(xlabel="Customs fees left unreimbursed per order (USD)", ylabel="Orders"),
                  f"Class orders with customs fees paid, n = {len(orders):,}",
                  "Unreimbursed = max(fees paid - fees reimbursed, 0) in USD at the ECB rate of the order date. First bar "
                  "(hatched): orders fully reimbursed. The last bar holds every order above the 99th percentile (its "
                  "range is in the table).",
                  _rows(ctx.cls, ["claimant_key", "customs_fees_paid_usd", "customs_fees_reimbursed_usd"]))


def ex05(ctx) -> Recipe:
    nd = metrics.non_delivery_rate(ctx.cls, as_of=ctx.as_of).iloc[0]
    by_quarter = metrics.non_delivery_rate(ctx.cls, by="quarter", as_of=ctx.as_of)
    return Recipe(by_quarter[["group", "numerator", "denominator", "estimate", "ci_low", "ci_high", "small_group"]],
                  exhibits.draw_lines(), f"Class orders with a known delivery outcome, by quarter of order, "
                                         f"n = {int(nd['denominator']):,}",
                  "Non-delivery rate = never delivered / delivery outcome known. Band: 95% Wilson interval.",
                  _rows(ctx.cls, DELIVERY))


def ex06(ctx) -> Recipe:
    plotted = views.rates_by(ctx.cls, "buyer_type", as_of=ctx.as_of)
    hidden, shown = plotted[~plotted["shown"]], plotted[plotted["shown"]]
    dens = shown.groupby("series", sort=False)["denominator"].sum()
    left_out = hidden.groupby("group_label", sort=True)["denominator"].sum()
    return Recipe(shown, exhibits.draw_grouped_rates(),
                  f"Resolved claims, n = {int(dens.get(views.RATE_SERIES[0], 0)):,}; orders with a known delivery "
                  f"outcome, n = {int(dens.get(views.RATE_SERIES[1], 0)):,}",
                  "Denied = claims denied / claims resolved; never delivered = orders never delivered / orders with a "
                  "known outcome; each bar is labelled numerator/denominator. Whiskers: 95% Wilson intervals. Not shown "
                  "(missing or under 30): " + (", ".join(f"{g} ({int(v)} records in the denominators)"
                                                         for g, v in left_out.items()) or "none") + ".",
                  _rows(ctx.cls, sorted(set(CLAIMS + DELIVERY)) + ["buyer_type"]))


def ex07(ctx) -> Recipe:
    per_member = damages.members_table(ctx.cls, as_of=ctx.as_of)
    known = per_member["total"].where(per_member["status"] != "unknown")
    return Recipe(binned_amounts(known, zero_label="No loss"),
                  exhibits.draw_binned(xlabel="Damages per class member, all theories (USD)", ylabel="Members"),
                  f"Class members with a known loss or none, n = {int(known.notna().sum()):,} "
                  f"({int(per_member['status'].eq('unknown').sum()):,} of unknown injury not shown)",
                  "First bar (hatched): members with no loss. Bins of a round width up to the 99th percentile; the last "
                  "bar holds every member above it (its range is in the table). Refund denial at its upper bound.",
                  _rows(ctx.cls, LOSS))


def ex08(ctx) -> Recipe:
    complaints, csum = ctx.complaints()
    from ta_analysis import coder

    return Recipe(views.complaints_by_quarter(complaints), exhibits.draw_stacked_counts(),
                  f"Purchase-dispute complaints, n = {int(complaints['purchase_dispute'].sum()):,}",
                  "Purchase disputes: CFPB issues 'Problem with a purchase shown on your statement' and 'Problem with "
                  "a purchase or transfer'. Marketplace named: the narrative names Alibaba.com, AliExpress or Alipay "
                  f"(codebook {coder.CODEBOOK_VERSION}; {coder.code_status()['marketplace_named']}).",
                  _rows(complaints, ["date_received", "purchase_dispute", "code_marketplace_named"]),
                  Provenance.from_complaints(csum, ctx.as_of.isoformat()))


def ex09(ctx) -> Recipe:
    dmg = ctx.damages
    by_theory = damages.theory_table(dmg)
    return Recipe(by_theory[by_theory["theory"] != "Refund denial (requested amounts only)"], exhibits.draw_damages(),
                  f"Class members, n = {dmg['members']:,}; 95% intervals resample claimants ({ctx.draws:,} draws)",
                  "Non-delivery: claims denied, short-paid or unanswered (no-claim, pending and withdrawn orders left "
                  "out). Refund denial: hatched, an upper bound (order value where no refund was requested). Orders "
                  f"whose amount could not be read ({dmg['unknown_orders']:,}) are left out, not counted as 0.",
                  _rows(ctx.cls, LOSS))


RECIPES: dict[str, Callable] = {"EX-01": ex01, "EX-02": ex02, "EX-03": ex03, "EX-04": ex04, "EX-05": ex05,
                                "EX-06": ex06, "EX-07": ex07, "EX-08": ex08, "EX-09": ex09}

REDRAW = '''"""Redraw {title} from a processed folder with ta-analysis, and check it.

    python redraw.py PROCESSED_FOLDER [OUT_FOLDER]

PROCESSED_FOLDER holds intake.parquet (written by 'ta-analysis clean'); the files are drawn into
OUT_FOLDER (default: redrawn/ beside this script) with the parameters in bundle.json, and compared
byte for byte with the report's (their SHA-256 are in bundle.json). Exit 0: identical.
"""
import sys
from pathlib import Path

from ta_analysis.recipes import redraw

sys.exit(redraw(Path(__file__).parent, *sys.argv[1:]))
'''


def write_bundle(ctx, exhibit_id: str, recipe: Recipe) -> Path:
    """The exhibit's replication bundle, ``<exhibits>/<id>/`` (after its files were written)."""
    from ta_analysis import anonymise
    from ta_analysis.outputs import git_commit, lock_sha256, package_version, write_csv
    from ta_analysis.read import sha256_file

    folder = ctx.output_dir / exhibit_id
    folder.mkdir(parents=True, exist_ok=True)
    anonymise.scan_frame(recipe.rows, f"{exhibit_id}/rows.csv")  # never written with an identifier in it
    write_csv(recipe.rows, folder / "rows.csv")
    stem = f"{exhibit_id}-{exhibits.registry().loc[exhibit_id, 'slug']}"
    bundle = {
        "exhibit_id": exhibit_id, "title": exhibits.exhibit_title(exhibit_id),
        "parameters": {"as_of": ctx.as_of.isoformat(), "class_start": ctx.definition.class_start.isoformat(),
                       "class_end": ctx.definition.class_end.isoformat(), "draws": ctx.draws, "seed": ctx.seed,
                       "named_plaintiffs": ctx.named_plaintiffs},
        "inputs": [{"file": i["file"], "sha256": i["sha256"]} for i in ctx.cleaning["inputs"]],
        "intake_parquet_sha256": sha256_file(ctx.processed.path / "intake.parquet"),
        "package_version": package_version(), "git_commit": git_commit(),
        "requirements_lock_sha256": lock_sha256(),
        "rows": {"file": "rows.csv", "records": int(len(recipe.rows)), "columns": list(recipe.rows.columns)},
        "files_sha256": {f"{stem}.{k}": sha256_file(ctx.output_dir / f"{stem}.{k}") for k in ("png", "svg", "pdf", "csv")},
    }
    (folder / "bundle.json").write_text(json.dumps(bundle, indent=2) + "\n", encoding="utf-8")
    (folder / "redraw.py").write_text(REDRAW.format(title=bundle["title"]), encoding="utf-8")
    return folder


def redraw(bundle_dir: Path, processed_dir: str | None = None, out_dir: str | None = None) -> int:
    """Redraw a bundle's exhibit from ``processed_dir`` into ``out_dir`` and compare; 0 when identical."""
    from ta_analysis.errors import InputError
    from ta_analysis.notebook import setup
    from ta_analysis.outputs import lock_sha256
    from ta_analysis.read import sha256_file

    bundle_dir = Path(bundle_dir)
    bundle = json.loads((bundle_dir / "bundle.json").read_text(encoding="utf-8"))
    if processed_dir is None:
        print("usage: python redraw.py PROCESSED_FOLDER [OUT_FOLDER]", file=sys.stderr)
        return 2
    out = Path(out_dir) if out_dir else bundle_dir / "redrawn"
    try:
        ctx = setup({"processed_dir": str(processed_dir), "output_dir": str(out),
                     "complaints_dir": str(Path(processed_dir) / "complaints"), **bundle["parameters"]},
                    notebook="redraw")
    except InputError as exc:
        print(f"redraw: {exc}", file=sys.stderr)
        return 2
    notes = []
    if sha256_file(Path(processed_dir) / "intake.parquet") != bundle["intake_parquet_sha256"]:
        notes.append("intake.parquet is not the one the report was drawn from")
    if lock_sha256() != bundle["requirements_lock_sha256"]:
        notes.append("the installed lock file differs from the report's (other package versions)")
    ctx.exhibit(bundle["exhibit_id"], show=False)  # the same recipe the report ran
    differ = [name for name, digest in bundle["files_sha256"].items() if sha256_file(out / name) != digest]
    for n in notes:
        print(f"redraw: note: {n}", file=sys.stderr)
    if differ:
        print(f"redraw: {bundle['exhibit_id']}: differs from the report's: {', '.join(differ)} (in {out})", file=sys.stderr)
        return 1
    print(f"redraw: {bundle['exhibit_id']}: {len(bundle['files_sha256'])} files byte-identical to the report's (in {out})")
    return 0
