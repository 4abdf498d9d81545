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
# # 04 · Non-delivery: how many orders never arrived, and were they refunded?
#
#
# This notebook answers **what share of orders were never delivered, and how many of those were
# refunded**. *Non-delivery rate* = orders never delivered ÷ orders whose delivery outcome is known.
# Never delivered: `not_delivered` or held at customs, with no delivered date, **reported** more
# than 30 days after the promised delivery date (the order date + 60 days where the promised date
# is missing). A status describes the day it was reported, so the grace is judged on that day,
# not on the as-of date. Unknown or missing status, and reports made within the grace period,
# leave the denominator and are counted. Late and partial deliveries count as delivered and are
# reported on their own.

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

ctx = nb.setup(globals(), notebook="04-non-delivery")
nb.say(nb.provenance_text(ctx))

# %% [markdown]
# ## What share of orders were never delivered?

# %%
nd = metrics.non_delivery_rate(ctx.cls, as_of=ctx.as_of).iloc[0]
late = metrics.late_delivery_rate(ctx.cls).iloc[0]
partial = metrics.partial_delivery_rate(ctx.cls, as_of=ctx.as_of).iloc[0]
nb.say(f"**{pct(nd['estimate'])}** of class orders with a known outcome were never delivered (95% CI "
       f"{pct(nd['ci_low'])} to {pct(nd['ci_high'])}; {nd['numerator']:,} of {nd['denominator']:,}). Left out: "
       f"{nd['excluded_reasons']}. Of the orders delivered, {pct(late['estimate'])} arrived late; "
       f"{pct(partial['estimate'])} of known outcomes were partial deliveries.")

# %% [markdown]
# ## Were never-delivered orders refunded?

# %%
refunded = metrics.never_delivered_fully_refunded(ctx.cls, as_of=ctx.as_of).iloc[0]
nb.say(f"Only **{pct(refunded['estimate'])}** of never-delivered orders were fully refunded "
       f"({refunded['numerator']:,} of {refunded['denominator']:,}; 95% CI {pct(refunded['ci_low'])} to {pct(refunded['ci_high'])}).")

# %% [markdown]
# ## Has the non-delivery rate changed over time?

# %%
by_quarter = metrics.non_delivery_rate(ctx.cls, by="quarter", as_of=ctx.as_of)
ctx.exhibit("EX-05")
ctx.show(views.rate_table(by_quarter), "never-delivered-by-quarter",
         caption="Non-delivery rate by quarter of order (what Exhibit 5 plots)", labels={"group": "Quarter of order"})

# %% [markdown]
# ## Is it the same for individuals and small businesses?

# %%
ctx.show(views.rate_table(metrics.non_delivery_rate(ctx.cls, by="buyer_type", as_of=ctx.as_of)),
         "never-delivered-by-buyer-type", caption="Non-delivery rate by buyer type", labels={"group": "Buyer type"})
