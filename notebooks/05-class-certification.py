# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 05 · Class certification: the numbers by Rule 23 element
#
# This memo gathers the figures a class certification motion needs, by element of Rule 23:
# **numerosity** (how many distinct buyers), a **class-wide damages model by liability theory**
# (non-delivery, refund denial, customs fees: each theory measures only its own damages), **injury**
# (who shows no loss, and why), the **defence flags**, **commonality and predominance** (the same
# conduct across issue types, quarters, buyer types, states, suppliers and product categories, with
# every difference found reported), **typicality** (where the named plaintiffs sit), and the
# **sensitivity** of every figure to each judgement call behind it. The definitions are those of the
# brief; each is quoted from the library where it is used.

# %% tags=["parameters"]
processed_dir = "../data/processed"  # folder written by `ta-analysis clean`
output_dir = "../reports/exhibits"  # where exhibits are written
complaints_dir = "../data/processed/complaints"  # folder written by `ta-analysis complaints`
as_of = None  # YYYY-MM-DD, or None for the as-of date of the cleaning run
class_start = None  # YYYY-MM-DD, or None for the class period of the cleaning run
class_end = None
named_plaintiffs = []  # intake ids of the named plaintiffs (the sample shows two examples when empty)
draws = 2000  # bootstrap draws
seed = 20231  # bootstrap seed

# %%
from ta_analysis import config, damages, definitions, metrics, views
from ta_analysis import notebook as nb
from ta_analysis.formatting import ordinal, pct, usd

ctx = nb.setup(globals(), notebook="05-class-certification")
nb.say(nb.provenance_text(ctx))

# %% [markdown]
# ## Numerosity: how many distinct buyers are in the class and each subclass?

# %%
members = metrics.numerosity(ctx.cls)
n = members.set_index("group")["members"]
nb.say(f"**{n['class']:,}** distinct claimants are class members: {n['refund_denial']:,} in the refund-denial "
       f"subclass, {n['customs_fee']:,} in the customs-fee subclass and {n['non_delivery']:,} in the non-delivery subclass.")
ctx.show(members[["group", "members", "orders"]].replace({"group": {"class": "Class", "refund_denial": "Refund-denial subclass",
                                                                  "customs_fee": "Customs-fee subclass",
                                                                  "non_delivery": "Non-delivery subclass"}})
        .rename(columns={"group": "Class or subclass", "members": "Members", "orders": "Orders"}), "numerosity",
        caption="Class members and orders, in the class and each subclass")

# %% [markdown]
# ## Damages: what is each liability theory worth, and how sure are we?
#
# A damages model must measure only the damages of the theory it serves (*Comcast v. Behrend*), so
# the loss is given per theory, and no order value is counted under two theories.

# %%
dmg = ctx.damages
t = dmg["by_theory"]
nd, rd, cf = t["non_delivery"], t["refund_denial"], t["customs_fees"]
nb.say("\n".join([
    f"- **Non-delivery**: {usd(nd['total'])} (95% CI {usd(nd['ci_low'])} to {usd(nd['ci_high'])}) over "
    f"{nd['members']:,} members: {definitions.in_words(definitions.non_delivery_loss)} Counted: claims denied, short-paid "
    f"or unanswered ({nd['orders']:,} orders). Left out and counted: no claim filed, {usd(nd['no_claim_total'])} on "
    f"{nd['no_claim_orders']:,} orders (shown in the sensitivity table); claims pending, {usd(nd['pending_total'])} on "
    f"{nd['pending_orders']:,} orders; claims withdrawn, {usd(nd['withdrawn_total'])} on {nd['withdrawn_orders']:,} orders. "
    f"{nd['fully_refunded_orders']:,} never-delivered orders were fully refunded (no loss).",
    f"- **Refund denial**: {usd(rd['total_upper_bound'])}, an **upper bound** (95% CI {usd(rd['ci_low'])} to "
    f"{usd(rd['ci_high'])}) over {rd['members']:,} members: {definitions.in_words(definitions.refund_denial_loss)} "
    f"The refund due is the amount requested on {rd['orders_at_requested']:,} orders and the order value on "
    f"{rd['orders_at_order_value']:,} (the buyer kept the goods, so the order value bounds the loss from above). At "
    f"requested amounts only: {usd(rd['total_requested'])}.",
    f"- **Customs fees**: {usd(cf['total'])} (95% CI {usd(cf['ci_low'])} to {usd(cf['ci_high'])}) over {cf['members']:,} "
    f"members: {definitions.in_words(definitions.customs_fee_loss)}",
    f"- **Total**: {usd(dmg['total'])} (95% CI {usd(dmg['ci_low'])} to {usd(dmg['ci_high'])}; {dmg['method']}), with "
    f"refund denial at its {rd['in_total']}.",
    f"- **Unknown is not zero**: {dmg['unknown_orders']:,} class orders have an amount that could not be read; their "
    "loss is unknown, left out of the totals above, and counted here (non-delivery "
    f"{nd['unknown_orders']:,}, refund denial {rd['unknown_orders']:,}, customs fees {cf['unknown_orders']:,}).",
]))

# %%
by_theory = damages.theory_table(dmg)
ctx.exhibit("EX-09")
ctx.show(by_theory, "damages-by-theory", caption="Damages by liability theory (what Exhibit 9 plots), USD",
         labels={"theory": "Theory", "total_usd": "Total", "ci_low_usd": "95% CI low", "ci_high_usd": "95% CI high",
                 "members_with_loss": "Members with a loss", "orders_unknown": "Orders of unknown loss", "note": "Note"},
         money=["total_usd", "ci_low_usd", "ci_high_usd"], count=["members_with_loss", "orders_unknown"])

# %% [markdown]
# ## Injury: who shows no loss, and why?
#
# A member is injured under a theory when their loss under it is above 0. A member is **uninjured**
# when they show no loss under any theory and no amount of theirs is unknown; a member with no known
# loss but an unreadable amount is of **unknown** injury, never counted as uninjured.

# %%
inj = damages.injury(ctx.cls, as_of=ctx.as_of)
overall = inj.iloc[0]
reasons = [c for c in inj.columns if c.startswith("reason: ")]
top = sorted(((int(overall[c]), c[8:]) for c in reasons if overall[c]), reverse=True)
nb.say(f"**{int(overall['uninjured']):,}** of {int(overall['members']):,} class members ({pct(overall['uninjured_share'])}) "
       f"show no loss under any theory; {int(overall['unknown']):,} more are of unknown injury. Why the uninjured show "
       "none: " + "; ".join(f"{r} {k:,}" for k, r in top) + ". Each reason is the first that applies in the order of "
       "the table's columns.")
ctx.show(inj[["group", "members", "injured", "uninjured", "uninjured_share", "unknown"]], "injury",
         caption="Injured, uninjured and of unknown injury, in the class and each subclass",
         labels={"group": "Class or subclass", "injured": "Injured", "uninjured": "Uninjured",
                 "uninjured_share": "Uninjured share", "unknown": "Injury unknown"},
         percent=["uninjured_share"], count=["members", "injured", "uninjured", "unknown"])
why = inj.set_index("group")[reasons].T
why.index = [r[8:] for r in why.index]
why.columns.name = None
ctx.show(why.rename_axis("Why the uninjured show no loss").reset_index(), "uninjured-by-reason",
         caption="Uninjured members by reason", count=list(why.columns))

# %%
ctx.exhibit("EX-07")

# %% [markdown]
# ## Defence flags: which claims will the defence single out, and how much do they carry?
#
# Shown, never filtered. A **late quality claim** is a quality claim filed more than 30 days after
# delivery; **no evidence kept** is a buyer who kept no receipts or messages.

# %%
flags = damages.defence_shares(ctx.cls, as_of=ctx.as_of)
for t in damages.THEORIES:
    flags[damages.THEORY_LABELS[t]] = [f"{usd(v)} ({pct(sh)})" for v, sh in zip(flags[f"{t}_usd"], flags[f"{t}_share"])]
ctx.show(flags[["flag", "members", "orders"] + [damages.THEORY_LABELS[t] for t in damages.THEORIES]], "defence-flags",
         caption="Loss carried by the flagged orders (and its share of each theory's total)", labels={"flag": "Flag"})

# %%
theory = damages.theory_of_denials(ctx.cls, as_of=ctx.as_of)
for name, label in [("non_delivery", "Non-delivery"), ("refund_denial", "Refund denial")]:
    ctx.show(views.denial_reasons(ctx.cls[theory == name]), f"denial-reasons-{name.replace('_', '-')}",
             caption=f"{label}: the reasons stated for denied claims (most common first)", head=8,
             labels={"reason": "Stated denial reason", "claims": "Denied claims"})

# %% [markdown]
# ## Commonality and predominance: did the same conduct hit buyers alike?
#
# Each rate, and the loss per order, is tested across issue types, quarters of order, buyer types,
# states, suppliers and product categories. Issue types are tested as the combination of issues an
# order reports ("quality", "quality + delay", ...), so that each order is in exactly one group; an
# order with two issues counted in both groups would break the test. Rates: chi-square test, with groups whose expected
# count is under 5 pooled into one "pooled small groups" row (stated); Cramér's V with its 95%
# interval (noncentral chi-square). Loss per order: Kruskal-Wallis test, groups under 30 orders
# pooled; epsilon-squared (given without an interval). The p-values are **Holm-adjusted** for the number of tests, beside the raw
# ones. A test that does not reject says "no difference detected at this sample size": it is
# not proof that the groups are alike.

# %%
common = views.commonality(ctx.cls, as_of=ctx.as_of)
found = common[common["finding"].str.startswith("difference")]
run = common[~common["finding"].str.startswith("not tested")]
nb.say(f"{len(run)} tests run ({len(common) - len(run)} pair(s) not tested, with the reason below); "
       f"{len(found)} detect{'s' if len(found) == 1 else ''} a difference after Holm adjustment"
       + (": " + "; ".join(f"{m} across {a} (effect {e:.3f})" for m, a, e in
                           zip(found["metric"], found["across"], found["effect size"])) if len(found) else "")
       + ". Every test is listed below, with its pooling.")
ctx.show(common, "commonality", summary=views.commonality_for_people(common),
         caption="Each rate, and the loss per order, tested across each grouping", **views.COMMONALITY_KINDS)
pooled = common[common["pooling"] != ""]
nb.say("Pooling: " + "; ".join(f"{m} across {a}: {p}" for m, a, p in zip(pooled["metric"], pooled["across"], pooled["pooling"]))
       + ".")

# %%
plotted = views.rates_by(ctx.cls, "buyer_type", as_of=ctx.as_of)
hidden = plotted[~plotted["shown"]]
shown = plotted[plotted["shown"]]
dens = shown.groupby("series", sort=False)["denominator"].sum()
left_out = hidden.groupby("group_label", sort=True)["denominator"].sum()
ctx.exhibit("EX-06")
ctx.show(shown[["series", "group_label", "numerator", "denominator", "estimate", "ci_low", "ci_high"]], "rates-by-buyer-type",
         caption="The two rates by buyer type (what Exhibit 6 plots)", labels={"group_label": "Buyer type", "estimate": "Estimate"})

# %% [markdown]
# ## Do the rate intervals respect that one claimant may have several orders?
#
# Each headline rate with its Wilson interval (orders as independent) and a bootstrap interval that
# resamples claimants with all their orders; the headline figures use the wider of the two.

# %%
intervals = views.rate_intervals(ctx.cls, as_of=ctx.as_of, n_boot=ctx.draws, seed=ctx.seed)
ctx.show(intervals, "rate-intervals", caption="Each headline rate with its two 95% intervals",
         percent=["Estimate", "Wilson low", "Wilson high", "Claimant bootstrap low", "Claimant bootstrap high"])

# %% [markdown]
# ## Typicality: where do the named plaintiffs sit?

# %%
plaintiffs = ctx.named_plaintiffs or (list(config.SAMPLE_NAMED_PLAINTIFFS) if ctx.processed.is_sample else [])
placed = metrics.place_claimants(ctx.cls, plaintiffs, as_of=ctx.as_of)
if placed.empty:
    nb.say("No named plaintiffs were given: set the parameter `named_plaintiffs` to their intake ids.")
else:
    if not ctx.named_plaintiffs:
        nb.say("The synthetic sample names two **example** plaintiffs (by intake id), so that this section shows what "
               "it will say; on a real export, give the named plaintiffs' intake ids (parameter `named_plaintiffs`).")
    for _, r in placed.iterrows():
        if not r["in_class"]:
            nb.say(f"- Intake `{r['intake_id']}`: not a class record in this export.")
            continue
        under = [damages.THEORY_LABELS[th].lower() for th in damages.THEORIES if r[f"under_{th}"]]
        nb.say(f"- Intake `{r['intake_id']}` ({int(r['orders'])} class order(s)): total loss {usd(r['total_usd'])}, at the "
               f"{ordinal(r['total_percentile'])} percentile of class members (median {usd(r['class_median_total_usd'])}); "
               f"claims fall under the class's {', '.join(under) or 'no'} {'theory' if len(under) == 1 else 'theories'}: "
               + "; ".join(f"{damages.THEORY_LABELS[th]} {usd(r[f'{th}_usd'])} ({ordinal(r[f'{th}_percentile'])} percentile)"
                           for th in damages.THEORIES) + ".")

# %% [markdown]
# ## How much does each figure depend on the judgement calls?
#
# Every judgement call, and its alternative; each row recomputes every figure (rates, fees, and the
# damages per theory), so a call that touches a figure moves it.

# %%
sens = metrics.sensitivity(ctx.intake, as_of=ctx.as_of, definition=ctx.definition, n_boot=ctx.draws, seed=ctx.seed)
ctx.show(sens[["description", "class_members", "denied_refund_rate", "denied_or_short_paid_rate", "non_delivery_rate",
               "non_delivery_denominator", "unreimbursed_customs_fees_total"]], "sensitivity-rates",
         caption="The rates and fees under each judgement", head=len(sens),
         labels={"description": "Judgement", "class_members": "Members", "denied_refund_rate": "Denied rate",
                 "denied_or_short_paid_rate": "Denied or short-paid", "non_delivery_rate": "Non-delivery rate",
                 "non_delivery_denominator": "Known delivery outcomes", "unreimbursed_customs_fees_total": "Unreimbursed fees"},
         percent=["denied_refund_rate", "denied_or_short_paid_rate", "non_delivery_rate"],
         money=["unreimbursed_customs_fees_total"], count=["class_members", "non_delivery_denominator"])

# %%
ctx.show(sens[["description", "damages_non_delivery", "damages_refund_denial", "damages_customs_fees", "damages_total",
               "damages_ci_low", "damages_ci_high", "uninjured_share", "unknown_orders"]], "sensitivity-damages",
         caption="The damages under each judgement (USD)", head=len(sens),
         labels={"description": "Judgement", "damages_non_delivery": "Non-delivery", "damages_refund_denial": "Refund denial",
                 "damages_customs_fees": "Customs fees", "damages_total": "Total", "damages_ci_low": "Total: 95% CI low",
                 "damages_ci_high": "Total: 95% CI high", "uninjured_share": "Uninjured",
                 "unknown_orders": "Orders of unknown loss"},
         money=["damages_non_delivery", "damages_refund_denial", "damages_customs_fees", "damages_total", "damages_ci_low",
                "damages_ci_high"], percent=["uninjured_share"], count=["unknown_orders"])

# %% [markdown]
# ## Words of caution
#
# - Intake records come from people who chose to contact a law firm. They are **a self-selected
#   set of complainants, not a statistical sample** of Trade Assurance buyers: rates describe these
#   complainants and are not estimates for all buyers; the library refuses to extrapolate without a
#   sampling design.
# - Amounts are what claimants reported; receipts were not checked here.
# - Every record left out is listed with its reason in `audit.csv` (see notebook 01).
