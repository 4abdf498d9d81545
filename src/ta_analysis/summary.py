"""The headline figures of a processed folder, for people and as JSON (``ta-analysis summary``).

"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from ta_analysis import metrics
from ta_analysis.definitions import ClassDefinition
from ta_analysis.errors import InputError
from ta_analysis.formatting import fmt_rate, pct, usd


@dataclass
class Processed:
    """A processed folder: the analysed records and the cleaning run's summary."""

    intake: pd.DataFrame
    cleaning: dict
    path: Path

    @property
    def as_of(self) -> date:
        return date.fromisoformat(self.cleaning["parameters"]["as_of"])

    def definition(self) -> ClassDefinition:
        p = self.cleaning["parameters"]
        return ClassDefinition(date.fromisoformat(p["class_start"]), date.fromisoformat(p["class_end"]),
                               tuple(p["countries"]), p["include_unknown_trade_assurance"])


def load_processed(folder: str | Path) -> Processed:
    """Read ``intake.parquet`` and ``cleaning_summary.json`` from a folder written by ``clean``."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError("no such folder; run 'ta-analysis clean ... --out FOLDER' first", file=str(folder))
    for name in ["intake.parquet", "cleaning_summary.json"]:
        if not (folder / name).exists():
            raise InputError(f"no {name} here; run 'ta-analysis clean ... --out {folder}' first", file=str(folder))
    try:
        cleaning = json.loads((folder / "cleaning_summary.json").read_text(encoding="utf-8"))
        intake = pd.read_parquet(folder / "intake.parquet")
    except (ValueError, OSError) as exc:
        raise InputError(f"cannot read the processed data ({exc}); clean again", file=str(folder)) from None
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
    return h


def format_headline(h: dict) -> str:
    """The headline figures as short lines a person reads."""
    s = h["subclass_members"]
    fees = h["unreimbursed_customs_fees_usd"]
    loss = h["out_of_pocket_loss_usd"]
    return "\n".join([
        f"As of {h['as_of']}; class period {h['class_start']} to {h['class_end']}.",
        f"Class members: {h['class_members']:,} distinct claimants (refund-denial {s['refund_denial']:,}; "
        f"customs-fee {s['customs_fee']:,}; non-delivery {s['non_delivery']:,}).",
        f"Denied-refund rate (claims denied / claims resolved): {fmt_rate(h['denied_refund_rate'])}.",
        f"Denied-or-short-paid rate ((denied + partial refunds) / claims resolved): "
        f"{fmt_rate(h['denied_or_short_paid_rate'])}.",
        f"Non-delivery rate (never delivered / delivery outcome known): {fmt_rate(h['non_delivery_rate'])}.",
        f"Unreimbursed customs fees: {usd(fees['total'])} over {fees['orders']:,} orders (95% CI "
        f"{usd(fees['total_ci_low'])} to {usd(fees['total_ci_high'])}); mean {usd(fees['mean'])}, median "
        f"{usd(fees['median'])}, 90th percentile {usd(fees['p90'])}; {pct(fees['share_reimbursed_nothing'])} "
        "reimbursed nothing.",
        f"Out-of-pocket loss: {usd(loss['total'])} over {loss['members']:,} members (95% CI {usd(loss['ci_low'])} "
        f"to {usd(loss['ci_high'])}); {pct(loss['share_zero'])} of members show no loss.",
        h["caveat"],
    ])
