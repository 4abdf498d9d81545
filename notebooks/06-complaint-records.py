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
# # 06 · Complaint records: the same conduct, reported independently
#
#
# This notebook answers **whether buyers who never contacted the firm report the same conduct**.
# It reads complaint-database records cleaned by `ta-analysis complaints` (the bundled sample is a
# synthetic export in the CFPB Consumer Complaint Database's format; a real export is run the same
# way). Each narrative is coded by a transparent, rule-based codebook: for every coded record the
# matched phrases are kept. Complaints are linked to intake records only where the same claimant
# key and a close date exist, and then only counted, never merged.

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
# ## How many complaint records, and what happened to each?

# %%
complaints, csum = ctx.complaints()
for f in csum["inputs"]:
    nb.say(f"`{f['file']}` (SHA-256 `{f['sha256'][:16]}...`): {f['records']:,} records; {f['not_selected']:,} not selected; "
           f"{f['kept']:,} kept, {f['duplicate']:,} duplicates, {f['quarantined']:,} quarantined; "
           f"{'every record accounted for' if f['reconciles'] else 'RECORDS UNACCOUNTED FOR'}.")

# %% [markdown]
# ## How many complaints are card disputes over purchases, and how has that changed?

# %%
by_quarter = views.complaints_by_quarter(complaints)
disputes = int(complaints["purchase_dispute"].sum())
ctx.exhibit("EX-08", by_quarter, draw_stacked_counts(),
            subtitle=f"Purchase-dispute complaints, n = {disputes:,}",
            note="Purchase disputes: CFPB issues 'Problem with a purchase shown on your statement' and 'Problem with a "
                 "purchase or transfer'. Marketplace named: the narrative names Alibaba.com, AliExpress or Alipay "
                 f"(codebook {coder.CODEBOOK_VERSION}).")
by_quarter.pivot(index="period", columns="series", values="count")

# %% [markdown]
# ## What do the narratives describe?

# %%
nb.say(f"Codes assigned by codebook {coder.CODEBOOK_VERSION}; one complaint may carry several.")
views.code_counts(complaints, coder.CODES)

# %% [markdown]
# ## Why was each complaint coded? (the matched phrases of the first coded purchase disputes)

# %%
coded = complaints[complaints["purchase_dispute"] & (complaints["codes"] != "")]
coded[["complaint_id", "date_received", "company_group", "codes", "matched_phrases"]].head(12)

# %% [markdown]
# ## How did companies respond?

# %%
complaints.groupby(["purchase_dispute", "company_response"]).size().rename("complaints").reset_index()

# %% [markdown]
# ## How reliable is the coder?

# %%
validation = coder.validate()
nb.say(f"On {int(validation['narratives'].iloc[0]):,} hand-labelled synthetic narratives, precision ranges from "
       f"{validation['precision'].min():.2f} to {validation['precision'].max():.2f} and recall from "
       f"{validation['recall'].min():.2f} to {validation['recall'].max():.2f}. These narratives were seen while the "
       "codebook was written, so they measure consistency, not accuracy on new text (see the words of caution).")
validation[["code", "labelled_yes", "coded_yes", "precision", "recall", "f1", "cohens_kappa"]]

# %% [markdown]
# ## Do any complaints come from our own claimants?

# %%
link = csum.get("linkage")
nb.say("No intake folder was given to the complaints run, so no linkage was attempted." if link is None else
       f"{link['complaints_with_claimant_key']:,} complaints carry a claimant identity; {link['complaints_linked']:,} match "
       f"an intake record of the same claimant within {link['window_days']} days ({link['intake_records_linked']:,} intake "
       "records). Linked records are counted here, never merged.")

# %% [markdown]
# ## Words of caution
#
# - Complaint databases hold the complaints people chose to file; like intake, they are not a
#   statistical sample. The CFPB publishes a narrative only with the consumer's consent.
# - The codebook is rules, not understanding: it was developed and checked on synthetic narratives
#   written for the purpose, and a second set that later guided its last revision. Before an expert
#   relies on the codes, a fresh sample of real narratives should be labelled by people who have not
#   read the codebook, and the coder measured on it.
