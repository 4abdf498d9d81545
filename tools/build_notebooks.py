"""Write the numbered notebooks' sources (``make notebooks`` then executes them on the sample).

Notebook JSON is hard to review in a diff; this file is where their text and calls are edited.
Each notebook opens the same way: a title, a paragraph on what it answers and from what data,
a papermill ``parameters`` cell, and ``ctx = nb.setup(globals())``. Headings are the questions
an attorney asks; the cell under each answers it with numbers formatted from computed values.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"

PARAMETERS = '''processed_dir = "../data/processed"  # folder written by `ta-analysis clean`
output_dir = "../reports/exhibits"  # where exhibits are written
complaints_dir = "../data/processed/complaints"  # folder written by `ta-analysis complaints`
as_of = None  # YYYY-MM-DD, or None for the as-of date of the cleaning run
class_start = None  # YYYY-MM-DD, or None for the class period of the cleaning run
class_end = None
named_plaintiffs = []  # claimant keys of the named plaintiffs
draws = 2000  # bootstrap draws
seed = 20231  # bootstrap seed'''

SETUP = '''from ta_analysis import metrics, views
from ta_analysis import notebook as nb
from ta_analysis.exhibits import (binned, draw_flow, draw_grouped_rates, draw_histogram, draw_lines, draw_rates,
                                  draw_stacked_counts)
from ta_analysis import coder
from ta_analysis.summary import fmt_rate, pct, usd

ctx = nb.setup(globals())
nb.say(nb.provenance_text(ctx))'''


def md(text: str):
    return new_markdown_cell(text.strip())


def code(text: str, tags: list[str] | None = None):
    cell = new_code_cell(text.strip())
    if tags:
        cell.metadata["tags"] = tags
    return cell


def opening(title: str, paragraph: str) -> list:
    return [md(f"# {title}\n\n{paragraph}"), code(PARAMETERS, ["parameters"]), code(SETUP)]


def data_quality() -> list:
    return opening("01 · Data quality: where the data came from and what happened to every record", """
This notebook answers the first question an opposing expert asks: **which records were analysed,
and what happened to the others?** It reads the cleaning run's outputs (`intake.parquet`,
`audit.csv`, `problems.csv`, `cleaning_summary.json`): every input record has exactly one fate
(kept, excluded by the class definition, duplicate, or quarantined), and the counts reconcile.
""") + [
        md("## How many records came in, and does every one have a fate?"),
        code('''ledger = ctx.table("audit")
flow = views.record_flow(ledger)
nb.say(f"{len(ledger):,} input records; {ctx.cleaning['fates']['kept']:,} kept in the class, "
       f"{ctx.cleaning['fates']['excluded']:,} excluded by the class definition, "
       f"{ctx.cleaning['fates']['duplicate']:,} duplicates and {ctx.cleaning['fates']['quarantined']:,} quarantined. "
       f"The fates {'reconcile' if ctx.cleaning['reconciles'] else 'DO NOT reconcile'} with the input.")
flow'''),
        md("## What does the record flow look like?"),
        code('''ctx.exhibit("EX-01", flow[["step", "fate", "rule", "records", "remaining"]], draw_flow(),
            subtitle=f"All {len(ledger):,} input records, by fate and rule (removals in orange)",
            note="Each record has exactly one fate; the removals add up to the input less the records kept.")'''),
        md("## Which values could not be read, and which spellings were unknown?"),
        code('''problems = ctx.table("problems")
nb.say(f"{len(problems):,} values could not be read. Each was left missing and recorded; "
       "a record with one unreadable field is kept.")
problems.groupby(["field", "problem"]).size().rename("values").reset_index().sort_values(["values", "field"], ascending=[False, True], ignore_index=True)'''),
        code('''ctx.table("unmapped_spellings")'''),
        md("## How complete is each field in the analysed records?"),
        code('''views.missing_by_field(ctx.intake, problems)'''),
        md("## How many duplicates were there, and of what kind?"),
        code('''dups = ledger[ledger["fate"] == "duplicate"]
nb.say(f"{len(dups):,} duplicate records: "
       + "; ".join(f"{n:,} {r.replace('_', ' ')}" for r, n in dups["rule"].value_counts().sort_index().items())
       + ". Each names the record it duplicates in `audit.csv`.")
dups[["source_row", "intake_id", "rule", "duplicate_of_row"]].head(10)'''),
    ]


def refund_denials() -> list:
    return opening("02 · Refund denials: how often were Trade Assurance claims denied?", """
This notebook answers **what share of resolved Trade Assurance claims were denied, or paid
short, and is that share the same across issue types, periods, buyer types and states?** It
uses the class records of the cleaning run. *Denied-refund rate* = claims denied ÷ claims
resolved (full refund + partial refund + denied); *denied-or-short-paid rate* = (denied +
partial) ÷ resolved. Pending, unanswered and withdrawn claims are not resolved and are left out
of the denominator (counted below). Intervals are 95% Wilson score intervals.
""") + [
        md("## What share of resolved claims were denied?"),
        code('''denied = metrics.denied_refund_rate(ctx.cls).iloc[0]
short = metrics.denied_or_short_paid_rate(ctx.cls).iloc[0]
nb.say(f"**{pct(denied['estimate'])}** of resolved claims were denied (95% CI {pct(denied['ci_low'])} to "
       f"{pct(denied['ci_high'])}; {denied['numerator']:,} of {denied['denominator']:,}). "
       f"Denied or paid short: **{pct(short['estimate'])}** ({short['numerator']:,} of {short['denominator']:,}). "
       f"Left out as not resolved: {denied['excluded_reasons']}.")'''),
        md("## Is the denial rate the same whatever the buyer complained about?"),
        code('''by_issue = metrics.denied_refund_rate(ctx.cls, by="issue")
resolved = int(denied["denominator"])
ctx.exhibit("EX-02", views.plotted_rates(by_issue), draw_rates(),
            subtitle=f"Class members' resolved claims, n = {resolved:,} (a claim with several issues counts under each)",
            note="Denied-refund rate = claims denied / claims resolved. Whiskers: 95% Wilson intervals.")
views.rate_table(by_issue)'''),
        md("## Has the denied-or-short-paid rate changed over time?"),
        code('''by_quarter = metrics.denied_or_short_paid_rate(ctx.cls, by="quarter")
ctx.exhibit("EX-03", by_quarter[["group", "numerator", "denominator", "estimate", "ci_low", "ci_high", "small_group"]],
            draw_lines(), subtitle=f"Class members' resolved claims by quarter of order, n = {resolved:,}",
            note="Denied-or-short-paid rate = (denied + partial refunds) / claims resolved. Band: 95% Wilson interval.")
views.rate_table(by_quarter)'''),
        md("## Is it the same for individuals and small businesses, and across states?"),
        code('''views.rate_table(metrics.denied_refund_rate(ctx.cls, by="buyer_type"))'''),
        code('''by_state = metrics.denied_refund_rate(ctx.cls, by="claimant_state")
nb.say(f"{int(by_state['small_group'].sum())} of {len(by_state)} states have fewer than {metrics.MIN_N} resolved claims; "
       "they are flagged, not hidden.")
views.rate_table(by_state)'''),
        md("## Do the differences between groups go beyond chance?"),
        code('''views.commonality(ctx.cls, as_of=ctx.as_of, by=["issue_customs", "buyer_type", "claimant_state"])'''),
        md("## What reasons were given for the denials?"),
        code('''views.denial_reasons(ctx.cls)'''),
    ]


def customs_fees() -> list:
    return opening("03 · Customs fees: who paid, how much, and how much came back?", """
This notebook answers **how much buyers paid in customs fees that Trade Assurance did not
reimburse**. *Unreimbursed customs fees* per order = max(fees paid − fees reimbursed, 0), in
USD at the ECB rate of the order date, over the class orders where the buyer paid fees. A
missing reimbursement is taken as nothing reimbursed. Totals carry 95% percentile-bootstrap
intervals that resample claimants, not orders.
""") + [
        md("## How much did buyers pay in customs fees, and how much was never reimbursed?"),
        code('''fees = metrics.unreimbursed_customs_fees(ctx.cls, n_boot=ctx.draws, seed=ctx.seed).iloc[0]
orders = views.fee_orders(ctx.cls)
nb.say(f"{fees['orders']:,} class orders ({fees['claimants']:,} claimants) paid customs fees: {usd(orders['paid_usd'].sum())} "
       f"in all, of which {usd(fees['total'])} was never reimbursed (95% CI {usd(fees['total_ci_low'])} to "
       f"{usd(fees['total_ci_high'])}). Per order: mean {usd(fees['mean'])}, median {usd(fees['median'])}, "
       f"90th percentile {usd(fees['p90'])}. **{pct(fees['share_reimbursed_nothing'])}** of these orders were reimbursed nothing.")'''),
        md("## How are the unreimbursed amounts spread?"),
        code('''hist = binned(orders["unreimbursed_usd"])
ctx.exhibit("EX-04", hist, draw_histogram("unreimbursed_usd", xlabel="Customs fees left unreimbursed per order (USD)"),
            subtitle=f"Class orders with customs fees paid, n = {len(orders):,}",
            note="Unreimbursed = max(fees paid - fees reimbursed, 0) in USD at the ECB rate of the order date; "
                 "the last bar holds every order above the 99th percentile.")'''),
        md("## What share of fee-paying orders got nothing back?"),
        code('''views.rate_table(metrics.customs_reimbursed_nothing(ctx.cls, by="buyer_type"))'''),
        md("## Who paid the fees?"),
        code('''views.fees_by(ctx.cls, "buyer_type")'''),
        code('''views.fees_by(ctx.cls, "claimant_state").head(15)'''),
    ]


def non_delivery() -> list:
    return opening("04 · Non-delivery: how many orders never arrived, and were they refunded?", """
This notebook answers **what share of orders were never delivered, and how many of those were
refunded**. *Non-delivery rate* = orders never delivered ÷ orders whose delivery outcome is known.
Never delivered: `not_delivered`, or held at customs with no delivered date once the promised
date + 30 days has passed by the as-of date. Unknown or missing status, and customs holds still
within the grace period, leave the denominator and are counted. Late and partial deliveries
count as delivered and are reported on their own.
""") + [
        md("## What share of orders were never delivered?"),
        code('''nd = metrics.non_delivery_rate(ctx.cls, as_of=ctx.as_of).iloc[0]
late = metrics.late_delivery_rate(ctx.cls).iloc[0]
partial = metrics.partial_delivery_rate(ctx.cls, as_of=ctx.as_of).iloc[0]
nb.say(f"**{pct(nd['estimate'])}** of class orders with a known outcome were never delivered (95% CI "
       f"{pct(nd['ci_low'])} to {pct(nd['ci_high'])}; {nd['numerator']:,} of {nd['denominator']:,}). Left out: "
       f"{nd['excluded_reasons']}. Of the orders delivered, {pct(late['estimate'])} arrived late; "
       f"{pct(partial['estimate'])} of known outcomes were partial deliveries.")'''),
        md("## Were never-delivered orders refunded?"),
        code('''refunded = metrics.never_delivered_fully_refunded(ctx.cls, as_of=ctx.as_of).iloc[0]
nb.say(f"Only **{pct(refunded['estimate'])}** of never-delivered orders were fully refunded "
       f"({refunded['numerator']:,} of {refunded['denominator']:,}; 95% CI {pct(refunded['ci_low'])} to {pct(refunded['ci_high'])}).")'''),
        md("## Has the non-delivery rate changed over time?"),
        code('''by_quarter = metrics.non_delivery_rate(ctx.cls, by="quarter", as_of=ctx.as_of)
ctx.exhibit("EX-05", by_quarter[["group", "numerator", "denominator", "estimate", "ci_low", "ci_high", "small_group"]],
            draw_lines(), subtitle=f"Class orders with a known delivery outcome, by quarter of order, n = {int(nd['denominator']):,}",
            note="Non-delivery rate = never delivered / delivery outcome known. Band: 95% Wilson interval.")
views.rate_table(by_quarter)'''),
        md("## Is it the same for individuals and small businesses?"),
        code('''views.rate_table(metrics.non_delivery_rate(ctx.cls, by="buyer_type", as_of=ctx.as_of))'''),
    ]


def class_certification() -> list:
    return opening("05 · Class certification: the numbers by Rule 23 element", """
This memo gathers the figures a class certification motion needs, by element of Rule 23:
**numerosity** (how many distinct buyers), **commonality and predominance** (the same conduct
hit buyers alike), **typicality** (where the named plaintiffs sit), and a **class-wide damages
model** with its uncertainty, followed by the sensitivity of each headline figure to the
judgement calls behind it. *Out-of-pocket loss* per member = unrefunded order value on orders
never delivered or whose claim was denied or paid short, plus unreimbursed customs fees.
""") + [
        md("## Numerosity: how many distinct buyers are in the class and each subclass?"),
        code('''members = metrics.numerosity(ctx.cls)
n = members.set_index("group")["members"]
nb.say(f"**{n['class']:,}** distinct claimants are class members: {n['refund_denial']:,} in the refund-denial "
       f"subclass, {n['customs_fee']:,} in the customs-fee subclass and {n['non_delivery']:,} in the non-delivery subclass.")
members[["group", "members", "orders"]]'''),
        code('''metrics.members_by_intake_month(ctx.cls).tail(12)'''),
        md("## Commonality and predominance: are the rates alike across groups?"),
        code('''common = views.commonality(ctx.cls, as_of=ctx.as_of, by=["buyer_type", "issue_quality", "issue_customs"])
nb.say(f"Largest effect size (Cramér's V) across these groupings: {common['cramers_v'].max():.3f} "
       "(under 0.1 is a negligible difference between groups).")
common'''),
        code('''plotted = views.rates_by(ctx.cls, "buyer_type", as_of=ctx.as_of)
hidden = plotted[~plotted["shown"]]
ctx.exhibit("EX-06", plotted[plotted["shown"]], draw_grouped_rates(),
            subtitle=f"Class members by buyer type, n = {n['class']:,} claimants",
            note="Denied = claims denied / claims resolved; never delivered = orders never delivered / orders with a known "
                 "outcome. Whiskers: 95% Wilson intervals. Not shown: "
                 + (", ".join(f"{g} ({int(d)} in the denominator)" for g, d in zip(hidden["group_label"], hidden["denominator"])) or "none") + ".")
plotted'''),
        md("## Typicality: where do the named plaintiffs sit?"),
        code('''placed = metrics.place_claimants(ctx.cls, ctx.named_plaintiffs, as_of=ctx.as_of)
nb.say("No named plaintiffs were given (parameter `named_plaintiffs`)." if placed.empty else
       f"{len(placed)} named plaintiff(s) placed in the class distribution of loss.")
placed'''),
        md("## Damages: what is the class-wide out-of-pocket loss, and how sure are we?"),
        code('''loss = metrics.out_of_pocket_loss(ctx.cls, as_of=ctx.as_of, n_boot=ctx.draws, seed=ctx.seed).iloc[0]
nb.say(f"Class-wide out-of-pocket loss: **{usd(loss['total'])}** (95% CI {usd(loss['ci_low'])} to {usd(loss['ci_high'])}; "
       f"{loss['method']}) over {loss['members']:,} members; mean {usd(loss['mean_per_member'])} and median "
       f"{usd(loss['median_per_member'])} per member. **{pct(loss['share_zero'])}** of members "
       f"({loss['members_zero']:,}) show no loss. {loss['excluded_reasons']}")'''),
        code('''per_member = metrics.member_losses(ctx.cls, ctx.as_of)
ctx.exhibit("EX-07", binned(per_member["loss"]), draw_histogram("loss", xlabel="Out-of-pocket loss per class member (USD)"),
            subtitle=f"Class members, n = {len(per_member):,} ({pct(loss['share_zero'])} with no loss, in the first bar)",
            note="Loss = unrefunded order value on never-delivered orders and denied or short-paid claims, plus unreimbursed "
                 "customs fees, in USD at the ECB rate of the order date.")'''),
        md("## How much do the headline figures depend on the judgement calls?"),
        code('''metrics.sensitivity(ctx.intake, as_of=ctx.as_of, definition=ctx.definition, n_boot=ctx.draws, seed=ctx.seed)'''),
        md("""## Words of caution

- Intake records come from people who chose to contact a law firm. They are **a self-selected
  set of complainants, not a statistical sample** of Trade Assurance buyers: rates describe these
  complainants and are not estimates for all buyers; the library refuses to extrapolate without a
  sampling design.
- Amounts are what claimants reported; receipts were not checked here.
- Every record left out is listed with its reason in `audit.csv` (see notebook 01)."""),
    ]


def complaint_records() -> list:
    return opening("06 · Complaint records: the same conduct, reported independently", """
This notebook answers **whether buyers who never contacted the firm report the same conduct**.
It reads complaint-database records cleaned by `ta-analysis complaints` (the bundled sample is a
synthetic export in the CFPB Consumer Complaint Database's format; a real export is run the same
way). Each narrative is coded by a transparent, rule-based codebook: for every coded record the
matched phrases are kept. Complaints are linked to intake records only where the same claimant
key and a close date exist, and then only counted, never merged.
""") + [
        md("## How many complaint records, and what happened to each?"),
        code('''complaints, csum = ctx.complaints()
for f in csum["inputs"]:
    nb.say(f"`{f['file']}` (SHA-256 `{f['sha256'][:16]}...`): {f['records']:,} records; {f['not_selected']:,} not selected; "
           f"{f['kept']:,} kept, {f['duplicate']:,} duplicates, {f['quarantined']:,} quarantined; "
           f"{'every record accounted for' if f['reconciles'] else 'RECORDS UNACCOUNTED FOR'}.")'''),
        md("## How many complaints are card disputes over purchases, and how has that changed?"),
        code('''by_quarter = views.complaints_by_quarter(complaints)
disputes = int(complaints["purchase_dispute"].sum())
ctx.exhibit("EX-08", by_quarter, draw_stacked_counts(),
            subtitle=f"Purchase-dispute complaints, n = {disputes:,}",
            note="Purchase disputes: CFPB issues 'Problem with a purchase shown on your statement' and 'Problem with a "
                 "purchase or transfer'. Marketplace named: the narrative names Alibaba.com, AliExpress or Alipay "
                 f"(codebook {coder.CODEBOOK_VERSION}).")
by_quarter.pivot(index="period", columns="series", values="count")'''),
        md("## What do the narratives describe?"),
        code('''nb.say(f"Codes assigned by codebook {coder.CODEBOOK_VERSION}; one complaint may carry several.")
views.code_counts(complaints, coder.CODES)'''),
        md("## Why was each complaint coded? (the matched phrases of the first coded purchase disputes)"),
        code('''coded = complaints[complaints["purchase_dispute"] & (complaints["codes"] != "")]
coded[["complaint_id", "date_received", "company_group", "codes", "matched_phrases"]].head(12)'''),
        md("## How did companies respond?"),
        code('''complaints.groupby(["purchase_dispute", "company_response"]).size().rename("complaints").reset_index()'''),
        md("## How reliable is the coder?"),
        code('''validation = coder.validate()
nb.say(f"On {int(validation['narratives'].iloc[0]):,} hand-labelled synthetic narratives, precision ranges from "
       f"{validation['precision'].min():.2f} to {validation['precision'].max():.2f} and recall from "
       f"{validation['recall'].min():.2f} to {validation['recall'].max():.2f}. These narratives were seen while the "
       "codebook was written, so they measure consistency, not accuracy on new text (see the words of caution).")
validation[["code", "labelled_yes", "coded_yes", "precision", "recall", "f1", "cohens_kappa"]]'''),
        md("## Do any complaints come from our own claimants?"),
        code('''link = csum.get("linkage")
nb.say("No intake folder was given to the complaints run, so no linkage was attempted." if link is None else
       f"{link['complaints_with_claimant_key']:,} complaints carry a claimant identity; {link['complaints_linked']:,} match "
       f"an intake record of the same claimant within {link['window_days']} days ({link['intake_records_linked']:,} intake "
       "records). Linked records are counted here, never merged.")'''),
        md("""## Words of caution

- Complaint databases hold the complaints people chose to file; like intake, they are not a
  statistical sample. The CFPB publishes a narrative only with the consumer's consent.
- The codebook is rules, not understanding: it was developed and checked on synthetic narratives
  written for the purpose, and a second set that later guided its last revision. Before an expert
  relies on the codes, a fresh sample of real narratives should be labelled by people who have not
  read the codebook, and the coder measured on it."""),
    ]


def main() -> int:
    books = {"01-data-quality": data_quality(), "02-refund-denials": refund_denials(),
             "03-customs-fees": customs_fees(), "04-non-delivery": non_delivery(),
             "05-class-certification": class_certification(), "06-complaint-records": complaint_records()}
    for name, cells in books.items():
        nb = new_notebook(cells=cells, metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"}})
        for i, cell in enumerate(nb.cells):
            cell["id"] = f"{name[:2]}-{i:02d}"
        nbformat.write(nb, NOTEBOOKS / f"{name}.ipynb")
        print(f"wrote notebooks/{name}.ipynb")
    return 0


if __name__ == "__main__":
    sys.exit(main())
