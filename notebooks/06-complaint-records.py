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
named_plaintiffs = []  # intake ids of the named plaintiffs (the sample shows two examples when empty)
draws = 2000  # bootstrap draws
seed = 20231  # bootstrap seed

# %%
from ta_analysis import metrics, views
from ta_analysis import notebook as nb
from ta_analysis import coder
from ta_analysis.formatting import fmt_rate, pct, usd

ctx = nb.setup(globals(), notebook="06-complaint-records")
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
ctx.exhibit("EX-08")
ctx.show(by_quarter.pivot(index="period", columns="series", values="count").rename_axis(columns=None).reset_index(),
         "disputes-by-quarter", caption="Purchase-dispute complaints by quarter received (what Exhibit 8 plots)",
         labels={"period": "Quarter received"})

# %% [markdown]
# ## What do the narratives describe?
#
# Codes apply within a selection: the patterns were written and measured on purchase-dispute
# narratives, so the counts that matter are those of the purchase disputes (and of a `--company`
# selection). Across the whole database the same words mean other things ("late" in a
# credit-report complaint is a late payment).

# %%
unvalidated = coder.unvalidated_codes()
nb.say(f"Codes assigned by codebook {coder.CODEBOOK_VERSION}; one complaint may carry several. "
       + (f"**Not validated** on held-out real narratives (see *How reliable is the coder?*; read these counts with "
          f"care): {', '.join(coder.CODE_NAMES[c] for c in unvalidated)}." if unvalidated else
          "Every code met the validation targets on held-out real narratives."))
counts = views.code_counts(complaints, coder.CODES)
ctx.show(counts.assign(code=counts["code"].map(coder.CODE_NAMES),
                       validation=counts["validation"].where(~counts["validated"], "yes")).drop(columns="validated"),
         "code-counts", caption="Complaints and purchase disputes carrying each code",
         labels={"code": "Code", "complaints": "Complaints", "purchase_disputes": "Purchase disputes",
                 "validation": "Validated on held-out real narratives?"})

# %% [markdown]
# ## Why was each complaint coded? (the matched phrases of the first coded purchase disputes)

# %%
coded = complaints[complaints["purchase_dispute"] & (complaints["codes"] != "")]
nb.say("A code marked * did not meet the validation targets on held-out real narratives.")
ctx.show(coded.assign(codes=coder.mark_unvalidated(coded["codes"]))[
    ["complaint_id", "date_received", "company_group", "codes", "matched_phrases"]].head(12), "coded-examples",
    caption="The first 12 coded purchase disputes, with the phrases that decided each code",
    labels={"complaint_id": "Complaint", "date_received": "Received", "company_group": "Company", "codes": "Codes",
            "matched_phrases": "Matched phrases"}, code=["codes", "matched_phrases"])

# %% [markdown]
# ## How did companies respond?

# %%
ctx.show(complaints.groupby(["purchase_dispute", "company_response"]).size().rename("complaints").reset_index(),
         "company-responses", caption="How companies responded, purchase disputes and other complaints",
         labels={"purchase_dispute": "Purchase dispute", "company_response": "Company response"})

# %% [markdown]
# ## How reliable is the coder?
#
# The coder was measured against people who read each narrative against the coding manual
# (`docs/codebook.md`). The headline is the **held-out** part of 365 real CFPB purchase-dispute
# narratives (`data/labelled/`): 128 narratives split off with a fixed seed before any pattern was
# written and never read by whoever wrote the patterns, labelled by labeller A. Beside it, for
# comparison only, are the tuning part (237 real narratives, labelled by labeller C) and the
# synthetic narratives: both were read while the patterns were written, so their scores are
# flattering. Precision: of the narratives the coder flags, the share the labeller also coded.
# Recall: of the narratives the labeller coded, the share the coder flags. Cohen's kappa: agreement
# beyond chance (1 is perfect, 0 is chance). A code is **validated** when, on the held-out part, it
# has at least 10 labelled positives and precision ≥ 85%, recall ≥ 75% and kappa ≥ 0.70; a code
# with fewer positives is "too few to validate". Intervals are 95%: Wilson for the rates, the
# asymptotic interval for kappa.

# %%
validation = coder.validate()
held = validation[validation["set"] == "held_out"]
if len(held):
    good = held[held["validated"].fillna(False)]
    few = held[held["status"].str.startswith("too few")]
    nb.say(f"On {int(held['narratives'].iloc[0]):,} held-out real narratives, "
           f"{len(good)} of {len(held)} codes meet the targets"
           + (f" ({', '.join(coder.CODE_NAMES[c] for c in good['code'])})" if len(good) else "")
           + f"; {len(few)} have too few labelled positives to be validated"
           + (f" ({', '.join(coder.CODE_NAMES[c] for c in few['code'])})" if len(few) else "")
           + "; the others fall short of at least one target and are marked unvalidated wherever codes are shown.")
    ctx.show(coder.validation_for_people(held).drop(columns="Set"), "validation-held-out",
             caption="Held-out real narratives (the headline): coder against labeller A")
else:
    nb.say("**The held-out labels are not in this checkout: the coder is not validated.**")
ctx.show(coder.validation_for_people(validation[validation["set"] != "held_out"]), "validation-seen",
         caption="Seen while the patterns were written (not a validation): tuning real narratives against labeller C, "
                "and the synthetic narratives")

# %% [markdown]
# ### How well do two people agree?
#
# A second labeller (B), who had not seen the patterns, labelled all 128 held-out narratives and 32
# tuning narratives independently. The kappa between two people is the ceiling a coder can
# fairly be held to: where people disagree, no rule can be right more often than they are.

# %%
agreement = coder.labeller_agreement()
both = agreement[agreement["part"] == "both"]
nb.say(f"On {int(both['n'].iloc[0]):,} narratives labelled by both, kappa between the labellers ranges from "
       f"{both['kappa'].min():.2f} to {both['kappa'].max():.2f} over the codes that either found"
       if len(both) else "The second labeller's file is not in this checkout.")
ctx.show(coder.agreement_for_people(agreement[agreement["part"] != "both"]), "labeller-agreement",
         caption="Agreement between the two labellers, per code (kappa with its 95% interval)")

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
# - The codebook is rules, not understanding. It is measured on 128 real purchase-dispute narratives
#   held out while it was written; the intervals are wide because that set is small, and codes
#   that did not meet the targets (or had too few positives to test, such as customs fees and the
#   marketplace, which are rare in card complaints) are marked unvalidated wherever they appear.
# - Codes apply within a selection (purchase disputes, `--company`): measured there, they mean
#   little across the whole database.
