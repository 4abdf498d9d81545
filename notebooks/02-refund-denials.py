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
# # 02 · Refund denials: how often were Trade Assurance claims denied?
#
#
# This notebook answers **what share of resolved Trade Assurance claims were denied, or paid
# short, and is that share the same across issue types, periods, buyer types and states?** It
# uses the class records of the cleaning run. *Denied-refund rate* = claims denied ÷ claims
# resolved (full refund + partial refund + denied); *denied-or-short-paid rate* = (denied +
# partial) ÷ resolved. Pending, unanswered and withdrawn claims are not resolved and are left out
# of the denominator (counted below). Intervals are 95% Wilson score intervals.

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

ctx = nb.setup(globals(), notebook="02-refund-denials")
nb.say(nb.provenance_text(ctx))

# %% [markdown]
# ## What share of resolved claims were denied?

# %%
denied = metrics.denied_refund_rate(ctx.cls).iloc[0]
short = metrics.denied_or_short_paid_rate(ctx.cls).iloc[0]
nb.say(f"**{pct(denied['estimate'])}** of resolved claims were denied (95% CI {pct(denied['ci_low'])} to "
       f"{pct(denied['ci_high'])}; {denied['numerator']:,} of {denied['denominator']:,}). "
       f"Denied or paid short: **{pct(short['estimate'])}** ({short['numerator']:,} of {short['denominator']:,}). "
       f"Left out as not resolved: {denied['excluded_reasons']}.")

# %% [markdown]
# ## Is the denial rate the same whatever the buyer complained about?

# %%
by_issue = metrics.denied_refund_rate(ctx.cls, by="issue")
resolved = int(denied["denominator"])
ctx.exhibit("EX-02")
ctx.show(views.rate_table(by_issue), "denied-by-issue", caption="Denied-refund rate by issue reported (what Exhibit 2 plots)",
         labels={"group": "Issue reported"})

# %% [markdown]
# ## Has the denied-or-short-paid rate changed over time?

# %%
by_quarter = metrics.denied_or_short_paid_rate(ctx.cls, by="quarter")
ctx.exhibit("EX-03")
ctx.show(views.rate_table(by_quarter), "short-paid-by-quarter",
         caption="Denied-or-short-paid rate by quarter of order (what Exhibit 3 plots)", labels={"group": "Quarter of order"})

# %%
quarters = views.commonality(ctx.cls, as_of=ctx.as_of, by=["quarter"])
refund_tests = quarters[quarters["metric"].isin(["denied-refund rate", "denied-or-short-paid rate"])]
ctx.show(refund_tests, "tests-by-quarter", summary=views.commonality_for_people(refund_tests),
         caption="Across quarters of order (Holm-adjusted over the four tests across quarters; notebook 05 adjusts over every test)",
         **views.COMMONALITY_KINDS)

# %% [markdown]
# ## Is it the same for individuals and small businesses, and across states?

# %%
ctx.show(views.rate_table(metrics.denied_refund_rate(ctx.cls, by="buyer_type")), "denied-by-buyer-type",
         caption="Denied-refund rate by buyer type", labels={"group": "Buyer type"})

# %%
by_state = metrics.denied_refund_rate(ctx.cls, by="claimant_state")
nb.say(f"{int(by_state['small_group'].sum())} of {len(by_state)} states have fewer than {metrics.MIN_N} resolved claims; "
       "they are flagged, not hidden.")
ctx.show(views.rate_table(by_state), "denied-by-state", caption="Denied-refund rate by state",
         labels={"group": "State"})

# %% [markdown]
# ## Do the differences between groups go beyond chance?
#
# The full set of tests, across all six groupings and with Holm-adjusted p-values over all of them,
# is in notebook 05; here, the refund rates across the combinations of issues reported (each order in
# one group: "quality + delay" is a group of its own), buyer types and states.

# %%
tests = views.commonality(ctx.cls, as_of=ctx.as_of, by=["issues", "buyer_type", "claimant_state"])
refund_tests = tests[tests["metric"].isin(["denied-refund rate", "denied-or-short-paid rate"])]
ctx.show(refund_tests, "tests-by-group", summary=views.commonality_for_people(refund_tests),
         caption="The refund rates tested across issues, buyer types and states (Holm-adjusted over these tests)",
         **views.COMMONALITY_KINDS)

# %% [markdown]
# ## What reasons were given for the denials?

# %%
ctx.show(views.denial_reasons(ctx.cls), "denial-reasons", caption="Reasons given for denied claims, most common first",
         labels={"reason": "Stated denial reason", "claims": "Denied claims"})
