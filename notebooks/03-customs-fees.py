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
# # 03 · Customs fees: who paid, how much, and how much came back?
#
#
# This notebook answers **how much buyers paid in customs fees that Trade Assurance did not
# reimburse**. *Unreimbursed customs fees* per order = max(fees paid − fees reimbursed, 0), in
# USD at the ECB rate of the order date, over the class orders where the buyer paid fees. A
# missing reimbursement is taken as nothing reimbursed. Totals carry 95% percentile-bootstrap
# intervals that resample claimants, not orders.

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
from ta_analysis import metrics, views
from ta_analysis import notebook as nb
from ta_analysis import coder
from ta_analysis.formatting import fmt_rate, pct, usd

ctx = nb.setup(globals(), notebook="03-customs-fees")
nb.say(nb.provenance_text(ctx))

# %% [markdown]
# ## How much did buyers pay in customs fees, and how much was never reimbursed?

# %%
fees = metrics.unreimbursed_customs_fees(ctx.cls, n_boot=ctx.draws, seed=ctx.seed).iloc[0]
orders = views.fee_orders(ctx.cls)
nb.say(f"{fees['orders']:,} class orders ({fees['claimants']:,} claimants) paid customs fees: {usd(orders['paid_usd'].sum())} "
       f"in all, of which {usd(fees['total'])} was never reimbursed (95% CI {usd(fees['total_ci_low'])} to "
       f"{usd(fees['total_ci_high'])}). Per order: mean {usd(fees['mean'])}, median {usd(fees['median'])}, "
       f"90th percentile {usd(fees['p90'])}. **{pct(fees['share_reimbursed_nothing'])}** of these orders were reimbursed nothing.")

# %% [markdown]
# ## How are the unreimbursed amounts spread?

# %%
ctx.exhibit("EX-04")

# %% [markdown]
# ## What share of fee-paying orders got nothing back?

# %%
ctx.show(views.rate_table(metrics.customs_reimbursed_nothing(ctx.cls, by="buyer_type")), "reimbursed-nothing-by-buyer-type",
         caption="Share of fee-paying orders reimbursed nothing, by buyer type", labels={"group": "Buyer type",
                                                                                         "estimate": "Reimbursed nothing"})

# %% [markdown]
# ## Who paid the fees?

# %%
ctx.show(views.fees_by(ctx.cls, "buyer_type"), "fees-by-buyer-type",
         caption="Customs fees paid, reimbursed and unreimbursed, by buyer type (USD)")

# %%
ctx.show(views.fees_by(ctx.cls, "claimant_state"), "fees-by-state",
         caption="Customs fees paid, reimbursed and unreimbursed, by state (USD; most unreimbursed first)")
