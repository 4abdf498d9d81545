"""What an expert files beside the reports: the declaration table, the methods appendix, provenance.

* :func:`provenance`: the run's full provenance (the code's commit with a dirty flag over the whole
  repository, the lock file's hash and every pinned version, the hashes of the processed files and
  of the notebooks, the codebook version), stored in ``exhibits.json`` and shown on the methods page.
* :func:`figures`: ``figures.csv``, one row per headline figure with its definition, numerator,
  denominator, estimate, interval and its method, the records that could not be read, what was left
  out, and the exhibits that show it: the table a declaration quotes.
* :func:`methods_html`: the methods appendix, generated from the run: the sources with their
  hashes and counts, every exclusion rule with its count, the definitions quoted from
  :mod:`ta_analysis.definitions` (never retyped), the software, the seeds, the exchange-rate
  source, the codebook version and the numbered assumptions.
"""

from __future__ import annotations

import html
import platform
import re
from pathlib import Path

import pandas as pd

from ta_analysis import damages, definitions, metrics
from ta_analysis.definitions import Judgements, in_words
from ta_analysis.outputs import git_commit, lock_sha256, locked_packages, package_version
from ta_analysis.read import sha256_file

KEY_PACKAGES = ("pandas", "numpy", "scipy", "statsmodels", "pyarrow", "matplotlib", "papermill", "nbconvert",
                "openpyxl", "weasyprint", "currencyconverter")
"""The packages the methods page names (every pinned package is in ``exhibits.json``)."""


def provenance(processed_dir: Path, complaints_dir: Path | None, notebook_paths: list[Path]) -> dict:
    """The run's provenance: code, environment, the processed files and the notebooks, by hash."""
    from ta_analysis import coder

    processed = {"intake.parquet": sha256_file(Path(processed_dir) / "intake.parquet")}
    if complaints_dir is not None and (Path(complaints_dir) / "complaints.parquet").is_file():
        processed["complaints.parquet"] = sha256_file(Path(complaints_dir) / "complaints.parquet")
    return {
        "package_version": package_version(), "git_commit": git_commit(),
        "python": platform.python_version(), "lock_sha256": lock_sha256(),
        "processed_sha256": processed,
        "notebooks_sha256": {p.name: sha256_file(p) for p in notebook_paths},
        "codebook_version": coder.CODEBOOK_VERSION,
        "packages": locked_packages(),
    }


# --- the declaration table --------------------------------------------------------------------------

RATES = [  # headline key, label, the function whose docstring defines it, what it counts over, exhibits
    ("denied_refund_rate", "Denied-refund rate", metrics.denied_refund_rate, "claims resolved", "EX-02; EX-06"),
    ("denied_or_short_paid_rate", "Denied-or-short-paid rate", metrics.denied_or_short_paid_rate,
     "claims resolved", "EX-03"),
    ("non_delivery_rate", "Non-delivery rate", metrics.non_delivery_rate,
     "orders with a known delivery outcome", "EX-05; EX-06"),
]
LEFT_OUT = {
    "denied_refund_rate": "class records with no resolved claim (no claim filed, pending, unanswered or withdrawn)",
    "denied_or_short_paid_rate": "class records with no resolved claim (no claim filed, pending, unanswered or "
                                 "withdrawn)",
    "non_delivery_rate": "class records whose delivery outcome is not known",
}
FIGURE_COLUMNS = {
    "figure": ("Figure", "text"), "name": ("Name", "text"), "definition": ("Definition", "text"),
    "unit": ("Unit", "text"), "numerator": ("Numerator", "count"), "denominator": ("Denominator", "count"),
    "counted_over": ("Counted over", "text"), "estimate": ("Estimate", "number"),
    "ci_low": ("95% CI low", "number"), "ci_high": ("95% CI high", "number"),
    "interval_method": ("Interval and method", "text"), "unread_records": ("Records unread", "count"),
    "records_considered": ("Of class records", "count"), "left_out": ("Left out", "text"),
    "exhibits": ("Exhibits", "text"),
}
"""The declaration table's columns: code name -> (label in ``figures.csv``, kind)."""


def _rate_method(r: dict, boot: dict) -> str:
    used = "the Wilson interval" if r["interval"] == "wilson" else "the bootstrap interval"
    return (f"the wider of the 95% Wilson score interval and a 95% percentile bootstrap over claimants "
            f"({boot['draws']:,} draws, seed {boot['seed']}); here {used}")


def figures(h: dict) -> pd.DataFrame:
    """The declaration table: one row per headline figure of ``h`` (:func:`summary.headline_for`)."""
    rows = []
    boot, dmg = h["bootstrap"], h["damages"]
    money_method = f"95% {dmg['method']}"
    for key, name, fn, over, exhibits in RATES:
        r = h[key]
        rows.append({"name": name, "definition": in_words(fn), "unit": "share", "numerator": r["numerator"],
                     "denominator": r["denominator"], "counted_over": over, "estimate": r["estimate"],
                     "ci_low": r["ci_low"], "ci_high": r["ci_high"], "interval_method": _rate_method(r, boot),
                     "unread_records": r["unread"]["records"], "records_considered": r["unread"]["of"],
                     "left_out": f"{r['unread']['of'] - r['denominator']:,} {LEFT_OUT[key]}; records outside the "
                                 "class (Methods, exclusion rules)", "exhibits": exhibits})
    fees = h["unreimbursed_customs_fees_usd"]
    rows.append({"name": "Unreimbursed customs fees, total", "definition": in_words(metrics.unreimbursed_customs_fees),
                 "unit": "USD", "numerator": None, "denominator": fees["orders"],
                 "counted_over": "class orders with customs fees paid", "estimate": fees["total"],
                 "ci_low": fees["total_ci_low"], "ci_high": fees["total_ci_high"], "interval_method": money_method,
                 "unread_records": fees["unread"]["records"], "records_considered": fees["unread"]["of"],
                 "left_out": f"{fees['unknown_orders']:,} orders whose fees could not be read (not counted as $0)",
                 "exhibits": "EX-04"})
    theories = [("non_delivery", "Damages: non-delivery", definitions.non_delivery_loss, "total",
                 lambda t: f"{t['unknown_orders']:,} orders of unknown loss; never-delivered orders with no claim "
                           f"known to be filed ({t['no_claim_orders']:,}), pending ({t['pending_orders']:,}) or withdrawn "
                           f"({t['withdrawn_orders']:,})"),
                ("refund_denial", "Damages: refund denial (upper bound)", definitions.refund_denial_loss,
                 "total_upper_bound", lambda t: f"{t['unknown_orders']:,} orders of unknown loss"),
                ("customs_fees", "Damages: customs fees", definitions.customs_fee_loss, "total",
                 lambda t: f"{t['unknown_orders']:,} orders of unknown loss")]
    for key, name, fn, total, left in theories:
        t = dmg["by_theory"][key]
        # Unread inputs are counted per figure of the headline: the customs-fee theory has the fee
        # total's; the other two theories' are counted together, in the damages total (F8).
        unread = fees["unread"] if key == "customs_fees" else None
        rows.append({"name": name, "definition": in_words(fn), "unit": "USD", "numerator": None,
                     "denominator": t["members"], "counted_over": "class members with a loss under this theory",
                     "estimate": t[total], "ci_low": t["ci_low"], "ci_high": t["ci_high"],
                     "interval_method": money_method, "unread_records": unread["records"] if unread else None,
                     "records_considered": unread["of"] if unread else None,
                     "left_out": left(t) + " (not counted as $0)" + ("" if unread else
                                 "; records with an unread input are counted for all theories together, in F8"),
                     "exhibits": "EX-09"})
    rows.append({"name": "Damages, total (all theories)", "definition": in_words(damages.member_damages)
                 + " The total adds the three theories (refund denial at its upper bound); an order's loss counts "
                 "under one theory only.",
                 "unit": "USD", "numerator": None, "denominator": dmg["members"], "counted_over": "class members",
                 "estimate": dmg["total"], "ci_low": dmg["ci_low"], "ci_high": dmg["ci_high"],
                 "interval_method": money_method, "unread_records": dmg["unread"]["records"],
                 "records_considered": dmg["unread"]["of"],
                 "left_out": f"{dmg['unknown_orders']:,} orders of unknown loss (not counted as $0); "
                             f"{dmg['members_unknown']:,} members of unknown injury", "exhibits": "EX-07; EX-09"})
    out = pd.DataFrame(rows)
    out.insert(0, "figure", [f"F{i}" for i in range(1, len(out) + 1)])
    for c, (_, kind) in FIGURE_COLUMNS.items():
        if kind == "count":
            out[c] = out[c].astype("Int64")
    money = out["unit"] == "USD"  # to the cent (a bootstrap percentile carries float noise beyond it)
    for c in ("estimate", "ci_low", "ci_high"):
        out[c] = out[c].astype(float).where(~money, out[c].astype(float).round(2))
    return out[list(FIGURE_COLUMNS)]


def figures_spec() -> list[dict]:
    """The declaration table's columns as :func:`formatting.table_spec` gives them (the workbook's kinds)."""
    return [{"column": c, "label": label, "kind": kind, "decimals": 4 if kind == "number" else 0}
            for c, (label, kind) in FIGURE_COLUMNS.items()]


def figure_value(row: pd.Series, column: str) -> str:
    """One cell of the declaration table as a person reads it (percent for shares, $ for money)."""
    from ta_analysis.formatting import cell

    v = row[column]
    if column in ("estimate", "ci_low", "ci_high"):
        return cell(v, "percent", 1) if row["unit"] == "share" else cell(v, "money", 0)
    kind = FIGURE_COLUMNS[column][1]
    return cell(v, kind, 0) if kind == "count" else ("" if v is None or v != v else str(v))


def figures_html(table: pd.DataFrame) -> str:
    """The declaration table for a page: one block per figure (label: value), never too wide to print."""
    blocks = []
    for _, row in table.iterrows():
        est = figure_value(row, "estimate")
        interval = f"{figure_value(row, 'ci_low')} to {figure_value(row, 'ci_high')}"
        items = [("Definition", row["definition"]),
                 ("Estimate", f"{est} (95% CI {interval})"),
                 ("Numerator / denominator", (f"{figure_value(row, 'numerator')} / " if row["unit"] == "share" else "")
                  + f"{figure_value(row, 'denominator')} {row['counted_over']}"),
                 ("Interval and method", row["interval_method"]),
                 ("Records unread", f"{figure_value(row, 'unread_records')} of {figure_value(row, 'records_considered')}"
                                    " class records had an input to this figure that could not be read"
                  if pd.notna(row["unread_records"]) else "counted for all theories together (F8)"),
                 ("Left out", row["left_out"]), ("Exhibits", row["exhibits"])]
        dl = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(str(v))}</dd>" for k, v in items)
        blocks.append(f'<section class="figure"><h3>{html.escape(row["figure"])}. {html.escape(row["name"])}</h3>'
                      f"<dl>{dl}</dl></section>")
    return "\n".join(blocks)


# --- the methods appendix ---------------------------------------------------------------------------

def assumptions(j: Judgements = Judgements()) -> list[str]:
    """The judgement calls behind every figure, in words, from the values in force (``j``)."""
    return [
        metrics.CAVEAT,
        "A class member is a distinct claimant key (a keyed hash of the e-mail address or phone number); records "
        "of the same buyer count once as a member.",
        f"Goods not delivered count as never delivered {j.grace_days} days after the promised delivery date, "
        f"judged on the day the order was reported; where no promised date was given, the order date plus "
        f"{definitions.MISSING_PROMISE_DAYS} days stands in for it.",
        "Goods held at customs past that grace count as never delivered." if j.held_past_grace_never_delivered
        else "Goods held at customs past that grace have an unknown delivery outcome.",
        "A partial refund is a short payment." if j.partial_is_short_paid else "A partial refund is not a short payment.",
        (f"An unanswered claim older than {definitions.NO_RESPONSE_DAYS} days counts as denied."
         if j.no_response_as_denied else
         f"An unanswered claim is not resolved, however old; counting those older than {definitions.NO_RESPONSE_DAYS} "
         "days as denied is shown in the sensitivity table (report 05)."),
        f"Amounts are converted to USD at the European Central Bank reference rate of the {j.fx_date.replace('_', ' ')}.",
        "Orders whose Trade Assurance coverage is unknown are in the class." if j.include_unknown_trade_assurance
        else "Orders whose Trade Assurance coverage is unknown are left out of the class (and counted).",
        ("A blank refund amount (other than on a partial refund) is no refund."
         if j.blank_refund_is_zero else "A blank refund amount is unknown."),
        ("A blank customs-fee reimbursement is nothing reimbursed." if j.blank_reimbursement_is_zero
         else "A blank customs-fee reimbursement is unknown."),
        "The non-delivery total counts never-delivered orders whose claim was denied, short-paid or unanswered"
        + "".join(f"; {what} {'enter it' if flag else 'are left out of it (and counted on their own)'}" for what, flag in
                  (("orders with no claim filed, or whose claim status is not known", j.no_claim_non_delivery_in),
                   ("orders whose claim was withdrawn", j.withdrawn_in)))
        + "; orders whose claim is pending are left out of it (and counted on their own).",
        ("The refund-denial total takes the order value where no refund was requested: an upper bound."
         if j.refund_denial_upper_bound else "The refund-denial total counts requested amounts only."),
        "An amount, date or category that could not be read is unknown, never zero: the record is kept, the value "
        "is left out of the figures it would feed, and each figure states how many such records it has.",
        "An order's loss is counted under one liability theory only: a never-delivered order under non-delivery, "
        "so nothing is counted twice in the total.",
        "Rates carry the wider of the 95% Wilson score interval and a percentile bootstrap that resamples "
        "claimants; money carries a 95% percentile bootstrap that resamples claimants.",
    ]


def _table(head: list[str], rows: list[list[object]], numeric: set[int] = frozenset()) -> str:
    th = "".join(f'<th{" class=num" if i in numeric else ""}>{html.escape(h)}</th>' for i, h in enumerate(head))
    body = "\n".join("<tr>" + "".join(f'<td{" class=num" if i in numeric else ""}>{html.escape(str(v))}</td>'
                                      for i, v in enumerate(r)) + "</tr>" for r in rows)
    return f'<table class="people"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'


def methods_body(cleaning: dict, h: dict, prov: dict, complaints: dict | None) -> str:
    """The methods appendix's sections as HTML (without the page around them)."""
    from ta_analysis.views import STEP_TEXT

    sources = [[i["file"], "intake export", f"{i['rows']:,}", i["sha256"]] for i in cleaning["inputs"]]
    sources += [["intake.parquet", "cleaned intake (ta-analysis clean)", f"{cleaning['fates']['kept'] + cleaning['fates']['excluded']:,}",
                 prov["processed_sha256"]["intake.parquet"]]]
    if complaints:
        sources += [[i["file"], f"complaint export ({i['source']})", f"{i['records']:,}", i["sha256"]]
                    for i in complaints["inputs"]]
        if "complaints.parquet" in prov["processed_sha256"]:
            sources += [["complaints.parquet", "cleaned complaints (ta-analysis complaints)", f"{complaints['kept']:,}",
                         prov["processed_sha256"]["complaints.parquet"]]]
    fates = cleaning["fates"]
    rules = [[r["fate"], r["rule"].replace("_", " "), STEP_TEXT.get(r["rule"], ""), f"{r['records']:,}"]
             for r in cleaning["by_rule"]]
    reconcile = (f"{cleaning['input_records']:,} input records = " + " + ".join(
        f"{fates.get(f, 0):,} {f}" for f in ("kept", "excluded", "duplicate", "quarantined")) + ". Each record has "
        "exactly one fate, the first that applies in the order quarantined, duplicate, excluded, kept; an excluded "
        "record is counted under the first class rule it fails. The ledger (audit.csv) lists every record's fate.")
    defined = [(re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).replace("_", " ").lower(), in_words(getattr(definitions, name)))
               for name in DEFINED]
    defined += [(name, in_words(fn)) for _, name, fn, _, _ in RATES]
    packages = [[name, prov["packages"].get(name, "not in the lock file")] for name in KEY_PACKAGES]
    boot = h["bootstrap"]
    settings = [["Bootstrap", f"{boot['draws']:,} draws, seed {boot['seed']} (every random draw is seeded)"],
                ["As of", f"{h['as_of']} (a parameter, never the clock)"],
                ["Class period", f"{h['class_start']} to {h['class_end']}"],
                ["Exchange rates", str(cleaning["fx_source"])],
                ["Narrative codebook", prov["codebook_version"]]]
    code = [["ta-analysis", prov["package_version"]],
            ["Cleaning run", f"ta-analysis {cleaning['package_version']}, commit {cleaning['git_commit'] or 'unknown'} "
                             "(the processed folder; the reports name this one)"],
            ["Report run commit", (prov["git_commit"] or "unknown (not run from a git checkout)")
             + (" (the working tree differed from this commit)" if (prov["git_commit"] or "").endswith("-dirty") else "")],
            ["Python", prov["python"]],
            ["requirements.lock SHA-256", prov["lock_sha256"] or "unknown"],
            ["Pinned packages", f"{len(prov['packages']):,} (every version in exhibits.json)"]]
    items = "".join(f"<li>{html.escape(a)}</li>" for a in assumptions())
    dl = "".join(f"<dt>{html.escape(k.capitalize())}</dt><dd>{html.escape(v)}</dd>" for k, v in defined)
    return f"""<h2 id="methods-sources">1. Data sources</h2>
{_table(["File", "What it is", "Records", "SHA-256"], sources, {2})}
<h2 id="methods-exclusions">2. Exclusion rules</h2>
<p>{html.escape(reconcile)}</p>
{_table(["Fate", "Rule", "What it means", "Records"], rules, {3})}
<h2 id="methods-definitions">3. Definitions</h2>
<p>Quoted from the code that computes them (<code>definitions.py</code>, <code>metrics.py</code>), not retyped.</p>
<dl class="definitions">{dl}</dl>
<h2 id="methods-software">4. Software</h2>
{_table(["Item", "Value"], code)}
{_table(["Package", "Version (requirements.lock)"], packages)}
<h2 id="methods-settings">5. Seeds, exchange rates and codebook</h2>
{_table(["Setting", "Value"], settings)}
<h2 id="methods-assumptions">6. Assumptions</h2>
<ol class="assumptions">{items}</ol>
"""


DEFINED = ["class_rules", "ClassDefinition", "never_delivered", "unreimbursed_fees", "refund_paid",
           "non_delivery_loss", "refund_due", "refund_denial_loss", "customs_fee_loss", "subclasses", "defence_flags"]
"""The definitions the methods page and the workbook's first sheet quote from ``definitions.py``."""
