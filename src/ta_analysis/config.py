"""Paths and defaults in one place (cookiecutter-data-science's ``config.py``)."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PACKAGE_DATA = PACKAGE_DIR / "data"

# The project tree (only meaningful in a source checkout, which is how analysts run it).
PROJECT_ROOT = PACKAGE_DIR.parent.parent
DATA_RAW = PROJECT_ROOT / "data" / "raw"
SAMPLE_DIR = DATA_RAW / "sample"
SAMPLE_EXPORT = SAMPLE_DIR / "intake_export_sample.csv"
DATA_PROCESSED = PROJECT_ROOT / "data" / "processed"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORTS_DIR = PROJECT_ROOT / "reports"

# The bundled sample is regenerated from these (see data/raw/sample/README.md).
SAMPLE_ROWS = 5000
SAMPLE_SEED = 20231
# Two example plaintiffs (intake ids) of the synthetic sample, so that its typicality section is
# never empty: one never-delivered order with customs fees, one denied claim on delivered goods.
SAMPLE_NAMED_PLAINTIFFS = ("INT-100648", "INT-100260")
COMPLAINTS_SAMPLE = SAMPLE_DIR / "cfpb_complaints_sample.csv"
COMPLAINTS_SAMPLE_ROWS = 1500
COMPLAINTS_SAMPLE_SEED = 20232

# Class definition defaults (BRIEF.md: U.S. buyer, Trade Assurance order, order date within the
# class period). The period's end defaults to the as-of date.
DEFAULT_CLASS_START = "2020-01-01"

# Dates before this are invalid values, not guesses.
EARLIEST_VALID_DATE = "2000-01-01"
