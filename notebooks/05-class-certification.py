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
#
# This memo gathers the figures a class certification motion needs, by element of Rule 23:
# **numerosity** (how many distinct buyers), **commonality and predominance** (the same conduct
# hit buyers alike), **typicality** (where the named plaintiffs sit), and a **class-wide damages
# model** with its uncertainty, followed by the sensitivity of each headline figure to the
# judgement calls behind it. *Out-of-pocket loss* per member = unrefunded order value on orders
# never delivered or whose claim was denied or paid short, plus unreimbursed customs fees.

# %% tags=["parameters"]
processed_dir = "../data/processed"  # folder written by `ta-analysis clean`
output_dir = "../reports/exhibits"  # where exhibits are written
complaints_dir = "../data/processed/complaints"  # folder written by `ta-analysis complaints`
as_of = None  # YYYY-MM-DD, or None for the as-of date of the cleaning run
class_start = None  # YYYY-MM-DD, or None for the class period of the cleaning run
class_end = None
named_plaintiffs = []  # claimant keys of the named plaintiffs
draws = 2000  # bootstrap draws
seed = 20231  # bootstrap seed

# %%
from ta_analysis import metrics, views
from ta_analysis import notebook as nb
from ta_analysis.exhibits import (binned, draw_flow, draw_grouped_rates, draw_histogram, draw_lines, draw_rates,
                                  draw_stacked_counts)
from ta_analysis import coder
from ta_analysis.formatting import fmt_rate, pct, usd

ctx = nb.setup(globals())
nb.say(nb.provenance_text(ctx))

# %% [markdown]
# ## Numerosity: how many distinct buyers are in the class and each subclass?

# %%
members = metrics.numerosity(ctx.cls)
n = members.set_index("group")["members"]
nb.say(f"**{n['class']:,}** distinct claimants are class members: {n['refund_denial']:,} in the refund-denial "
       f"subclass, {n['customs_fee']:,} in the customs-fee subclass and {n['non_delivery']:,} in the non-delivery subclass.")
members[["group", "members", "orders"]]

# %%
metrics.members_by_intake_month(ctx.cls).tail(12)

# %% [markdown]
# ## Commonality and predominance: are the rates alike across groups?

# %%
common = views.commonality(ctx.cls, as_of=ctx.as_of, by=["buyer_type", "issue_quality", "issue_customs"])
nb.say(f"Largest effect size (Cramér's V) across these groupings: {common['cramers_v'].max():.3f} "
       "(under 0.1 is a negligible difference between groups).")
common

# %%
plotted = views.rates_by(ctx.cls, "buyer_type", as_of=ctx.as_of)
hidden = plotted[~plotted["shown"]]
ctx.exhibit("EX-06", plotted[plotted["shown"]], draw_grouped_rates(),
            subtitle=f"Class members by buyer type, n = {n['class']:,} claimants",
            note="Denied = claims denied / claims resolved; never delivered = orders never delivered / orders with a known "
                 "outcome. Whiskers: 95% Wilson intervals. Not shown: "
                 + (", ".join(f"{g} ({int(d)} in the denominator)" for g, d in zip(hidden["group_label"], hidden["denominator"])) or "none") + ".")
plotted

# %% [markdown]
# ## Typicality: where do the named plaintiffs sit?

# %%
placed = metrics.place_claimants(ctx.cls, ctx.named_plaintiffs, as_of=ctx.as_of)
nb.say("No named plaintiffs were given (parameter `named_plaintiffs`)." if placed.empty else
       f"{len(placed)} named plaintiff(s) placed in the class distribution of loss.")
placed

# %% [markdown]
# ## Damages: what is the class-wide out-of-pocket loss, and how sure are we?

# %%
loss = metrics.out_of_pocket_loss(ctx.cls, as_of=ctx.as_of, n_boot=ctx.draws, seed=ctx.seed).iloc[0]
nb.say(f"Class-wide out-of-pocket loss: **{usd(loss['total'])}** (95% CI {usd(loss['ci_low'])} to {usd(loss['ci_high'])}; "
       f"{loss['method']}) over {loss['members']:,} members; mean {usd(loss['mean_per_member'])} and median "
       f"{usd(loss['median_per_member'])} per member. **{pct(loss['share_zero'])}** of members "
       f"({loss['members_zero']:,}) show no loss. {loss['excluded_reasons']}")

# %%
per_member = metrics.member_losses(ctx.cls, ctx.as_of)
ctx.exhibit("EX-07", binned(per_member["loss"]), draw_histogram("loss", xlabel="Out-of-pocket loss per class member (USD)"),
            subtitle=f"Class members, n = {len(per_member):,} ({pct(loss['share_zero'])} with no loss, in the first bar)",
            note="Loss = unrefunded order value on never-delivered orders and denied or short-paid claims, plus unreimbursed "
                 "customs fees, in USD at the ECB rate of the order date.")

# %% [markdown]
# ## How much do the headline figures depend on the judgement calls?

# %%
metrics.sensitivity(ctx.intake, as_of=ctx.as_of, definition=ctx.definition, n_boot=ctx.draws, seed=ctx.seed)

# %% [markdown]
# ## Words of caution
#
# - Intake records come from people who chose to contact a law firm. They are **a self-selected
#   set of complainants, not a statistical sample** of Trade Assurance buyers: rates describe these
#   complainants and are not estimates for all buyers; the library refuses to extrapolate without a
#   sampling design.
# - Amounts are what claimants reported; receipts were not checked here.
# - Every record left out is listed with its reason in `audit.csv` (see notebook 01).
