"""The headline figures of a processed folder, for people and as JSON (``ta-analysis summary``).

"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from ta_analysis import metrics
from ta_analysis.definitions import ClassDefinition
from ta_analysis.errors import InputError
from ta_analysis.formatting import fmt_rate, pct, usd
from ta_analysis.outputs import read_manifest


@dataclass
class Processed:
    """A processed folder: the analysed records and the cleaning run's summary."""

    intake: pd.DataFrame
    cleaning: dict
    path: Path

    @property
    def as_of(self) -> date:
        return date.fromisoformat(self.cleaning["parameters"]["as_of"])

    @property
    def is_sample(self) -> bool:
        """Whether every input is the bundled synthetic sample (by hash)."""
        from ta_analysis import config
        from ta_analysis.read import sha256_file

        if not config.SAMPLE_EXPORT.exists():
            return False
        digest = sha256_file(config.SAMPLE_EXPORT)
        return all(i["sha256"] == digest for i in self.cleaning["inputs"])

    def definition(self) -> ClassDefinition:
        p = self.cleaning["parameters"]
        return ClassDefinition(date.fromisoformat(p["class_start"]), date.fromisoformat(p["class_end"]),
                               tuple(p["countries"]), p["include_unknown_trade_assurance"])


def load_processed(folder: str | Path, columns: list[str] | None = None) -> Processed:
    """Read ``intake.parquet`` and ``cleaning_summary.json`` from a folder written by ``clean``,
    after checking the folder holds one finished run's files (:func:`outputs.read_manifest`);
    ``columns`` reads only those columns of the intake (the rest stay on disk)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError("no such folder; run 'ta-analysis clean ... --out FOLDER' first", file=str(folder))
    read_manifest(folder, "clean")
    try:
        cleaning = json.loads((folder / "cleaning_summary.json").read_text(encoding="utf-8"))
        intake = pd.read_parquet(folder / "intake.parquet", columns=columns)
    except (ValueError, OSError) as exc:
        raise InputError(f"cannot read the processed data ({type(exc).__name__}); clean again", file=str(folder)) from None
    return Processed(intake, cleaning, folder)


def headline_for(processed: Processed, *, as_of: date | None = None, class_start: date | None = None,
                 class_end: date | None = None, n_boot: int = metrics.DEFAULT_BOOT,
                 seed: int = metrics.DEFAULT_SEED) -> dict:
    """Headline figures; the as-of date and class period are the cleaning run's unless overridden."""
    recorded = processed.definition()
    as_of = as_of or processed.as_of
    d = ClassDefinition(class_start or recorded.class_start, class_end or recorded.class_end,
                        recorded.countries, recorded.include_unknown_trade_assurance).resolved(as_of)
    h = metrics.headline(processed.intake, as_of=as_of, definition=d, n_boot=n_boot, seed=seed)
    h["inputs"] = [{"file": i["file"], "sha256": i["sha256"], "rows": i["rows"]} for i in processed.cleaning["inputs"]]
    for figure, u in unread(processed, metrics.population(metrics.reclassify(processed.intake, d), "class")).items():
        h[figure]["unread"] = u
    return h


# The inputs each headline figure is computed from: a class record with one of these fields
# unreadable or unmapped (its ``problem_fields``) could have fed the figure, and did not.
UNREAD_FIELDS = {
    "denied_refund_rate": ("claim_outcome", "claim_filed"),
    "denied_or_short_paid_rate": ("claim_outcome", "claim_filed", "refund_amount", "refund_amount_usd"),
    "non_delivery_rate": ("delivery_status", "delivered_date", "promised_delivery_date", "order_date", "submitted_at"),
    "unreimbursed_customs_fees_usd": ("customs_fees_paid", "customs_fees_reimbursed", "customs_fees_currency",
                                      "customs_fees_paid_usd", "customs_fees_reimbursed_usd"),
    "damages": ("order_amount", "order_currency", "order_amount_usd", "refund_amount", "refund_amount_usd",
                "refund_requested", "refund_requested_usd", "claim_outcome", "claim_filed", "delivery_status",
                "delivered_date", "promised_delivery_date", "order_date", "submitted_at", "customs_fees_paid",
                "customs_fees_reimbursed", "customs_fees_paid_usd", "customs_fees_reimbursed_usd"),
}
UNREAD_WARNING_SHARE = 0.01  # a figure with more of its records unread carries a warning


def unread(processed: Processed, cls: pd.DataFrame) -> dict[str, dict]:
    """Per headline figure: how many of the class records that could feed it had an input that
    could not be read or mapped, the share, the fields, and the commonest unread spellings
    (from ``problems.csv``, redacted as written)."""
    problems = pd.read_csv(processed.path / "problems.csv", dtype="str", keep_default_na=False)
    in_class = set(zip(cls["source_file"].astype("str"), cls["source_row"].astype("str")))
    problems = problems[np.array([k in in_class for k in zip(problems["source_file"], problems["source_row"])],
                                 dtype=bool)]
    problem_fields = cls["problem_fields"].fillna("").astype("str")  # "field;field"
    out = {}
    for figure, fields in UNREAD_FIELDS.items():
        hit = problem_fields.str.contains(f"(?:^|;)(?:{'|'.join(fields)})(?:;|$)", regex=True)
        p = problems[problems["field"].isin(fields)]
        out[figure] = {
            "records": int(hit.sum()), "of": int(len(cls)),
            "share": float(hit.sum() / len(cls)) if len(cls) else 0.0,
            "fields": {f: int(n) for f, n in p["field"].value_counts().sort_index().items()},
            "commonest": [{"field": f, "raw_value": v, "count": int(n)} for (f, v), n in
                          p.groupby(["field", "raw_value"]).size().sort_values(ascending=False, kind="stable")
                          .head(3).items()],
        }
    return out


def unread_warnings(h: dict) -> dict[str, str]:
    """A warning per headline figure whose unread share is above :data:`UNREAD_WARNING_SHARE`."""
    out = {}
    for figure in UNREAD_FIELDS:
        u = h[figure].get("unread")
        if u and u["share"] > UNREAD_WARNING_SHARE:
            common = "; ".join(f"{c['field']} {c['raw_value']!r} ({c['count']:,})" for c in u["commonest"])
            out[figure] = (f"WARNING: {u['records']:,} of the {u['of']:,} class records that feed this figure "
                           f"({pct(u['share'])}) had an input that could not be read or mapped "
                           f"({', '.join(u['fields'])}); commonest: {common}. See unmapped_spellings.csv and "
                           "suggested_mapping.toml.")
    return out


def format_damages(dmg: dict) -> list[str]:
    """The damages by theory as short lines a person reads."""
    t = dmg["by_theory"]
    nd, rd, cf = t["non_delivery"], t["refund_denial"], t["customs_fees"]
    return [
        f"Damages, total: {usd(dmg['total'])} (95% CI {usd(dmg['ci_low'])} to {usd(dmg['ci_high'])}; refund denial at its "
        f"{rd['in_total']}); {dmg['members_injured']:,} members injured, {dmg['members_uninjured']:,} uninjured "
        f"({pct(dmg['uninjured_share'])}), {dmg['members_unknown']:,} of unknown injury; {dmg['unknown_orders']:,} "
        "orders with an amount that could not be read (left out, not counted as 0).",
        f"  Non-delivery: {usd(nd['total'])} (95% CI {usd(nd['ci_low'])} to {usd(nd['ci_high'])}) over {nd['members']:,} "
        f"members; left out: no claim filed {usd(nd['no_claim_total'])} ({nd['no_claim_orders']:,} orders), pending "
        f"{nd['pending_orders']:,} orders, withdrawn {nd['withdrawn_orders']:,} orders.",
        f"  Refund denial: {usd(rd['total_upper_bound'])} upper bound (95% CI {usd(rd['ci_low'])} to {usd(rd['ci_high'])}; "
        f"order value where no refund was requested, {rd['orders_at_order_value']:,} orders); "
        f"{usd(rd['total_requested'])} at requested amounts only ({rd['orders_at_requested']:,} orders); "
        f"{rd['members']:,} members.",
        f"  Customs fees: {usd(cf['total'])} (95% CI {usd(cf['ci_low'])} to {usd(cf['ci_high'])}) over {cf['members']:,} members.",
    ]


def format_headline(h: dict) -> str:
    """The headline figures as short lines a person reads."""
    s = h["subclass_members"]
    fees = h["unreimbursed_customs_fees_usd"]
    warn = unread_warnings(h)
    lines = [
        f"As of {h['as_of']}; class period {h['class_start']} to {h['class_end']}.",
        f"Class members: {h['class_members']:,} distinct claimants (refund-denial {s['refund_denial']:,}; "
        f"customs-fee {s['customs_fee']:,}; non-delivery {s['non_delivery']:,}).",
        ("denied_refund_rate",
         f"Denied-refund rate (claims denied / claims resolved): {fmt_rate(h['denied_refund_rate'])}."),
        ("denied_or_short_paid_rate", f"Denied-or-short-paid rate ((denied + partial refunds) / claims resolved): "
         f"{fmt_rate(h['denied_or_short_paid_rate'])}."),
        ("non_delivery_rate",
         f"Non-delivery rate (never delivered / delivery outcome known): {fmt_rate(h['non_delivery_rate'])}."),
        ("unreimbursed_customs_fees_usd", f"Unreimbursed customs fees: {usd(fees['total'])} over {fees['orders']:,} orders (95% CI "
        f"{usd(fees['total_ci_low'])} to {usd(fees['total_ci_high'])}); mean {usd(fees['mean'])}, median "
        f"{usd(fees['median'])}, 90th percentile {usd(fees['p90'])}; {pct(fees['share_reimbursed_nothing'])} "
        "reimbursed nothing."),
        ("damages", "\n".join(format_damages(h["damages"]))),
    ]
    out = [line if isinstance(line, str) else line[1] + (f"\n  {warn[line[0]]}" if line[0] in warn else "")
           for line in lines]
    return "\n".join(out + ["Rate intervals: the wider of the Wilson interval and the claimant bootstrap.", h["caveat"]])
