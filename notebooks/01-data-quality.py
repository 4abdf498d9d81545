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
# # 01 · Data quality: where the data came from and what happened to every record
#
#
# This notebook answers the first question an opposing expert asks: **which records were analysed,
# and what happened to the others?** It reads the cleaning run's outputs (`intake.parquet`,
# `audit.csv`, `problems.csv`, `cleaning_summary.json`): every input record has exactly one fate
# (kept, excluded by the class definition, duplicate, or quarantined), and the counts reconcile.

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

ctx = nb.setup(globals(), notebook="01-data-quality")
nb.say(nb.provenance_text(ctx))

# %% [markdown]
# ## How many records came in, and does every one have a fate?

# %%
ledger = ctx.table("audit")
flow = views.record_flow(ledger)
nb.say(f"{len(ledger):,} input records; {ctx.cleaning['fates']['kept']:,} kept in the class, "
       f"{ctx.cleaning['fates']['excluded']:,} excluded by the class definition, "
       f"{ctx.cleaning['fates']['duplicate']:,} duplicates and {ctx.cleaning['fates']['quarantined']:,} quarantined. "
       f"The fates {'reconcile' if ctx.cleaning['reconciles'] else 'DO NOT reconcile'} with the input.")
ctx.show(flow[["step", "records", "remaining", "meaning"]], "record-flow",
         caption="From input records to class records: each step removes the records of one rule",
         labels={"records": "Records added or removed"})

# %% [markdown]
# ## What does the record flow look like?

# %%
ctx.exhibit("EX-01")

# %% [markdown]
# ## Which values could not be read, and which spellings were unknown?

# %%
problems = ctx.table("problems")
nb.say(f"{len(problems):,} values could not be read. Each was left missing and recorded; "
       "a record with one unreadable field is kept.")
ctx.show(problems.groupby(["field", "problem"]).size().rename("values").reset_index()
         .sort_values(["values", "field"], ascending=[False, True], ignore_index=True), "unreadable-values",
         caption="Values that could not be read, by field and problem (each left missing and recorded)")

# %%
ctx.show(ctx.table("unmapped_spellings").astype({"count": "int64"}), "unmapped-spellings",
         caption="Spellings the vocabularies do not know (left missing; a crosswalk entry maps them)",
         labels={"raw_value": "Value as written", "count": "Records"})

# %% [markdown]
# ## How complete is each field in the analysed records?

# %%
ctx.show(views.missing_by_field(ctx.intake, problems), "missing-by-field",
         caption="Missing and unreadable values per field, in the analysed records")

# %% [markdown]
# ## How many duplicates were there, and of what kind?

# %%
dups = ledger[ledger["fate"] == "duplicate"]
nb.say(f"{len(dups):,} duplicate records: "
       + "; ".join(f"{n:,} {r.replace('_', ' ')}" for r, n in dups["rule"].value_counts().sort_index().items())
       + ". Each names the record it duplicates in `audit.csv`.")
ctx.show(dups[["source_row", "intake_id", "rule", "duplicate_of_row"]].astype(
    {"source_row": "int64", "duplicate_of_row": "int64"}), "duplicates",
    caption="Duplicate records: the input row, and the row it duplicates",
    labels={"source_row": "Input row", "intake_id": "Intake id", "duplicate_of_row": "Duplicate of row"})
