"""Shared fixtures: the bundled sample, its truth (regenerated, never committed), shared data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ta_analysis import config
from ta_analysis.synth import generate

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CFPB_SAMPLE = SHARED / "data" / "cfpb_sample" / "complaints.csv"


@pytest.fixture(scope="session")
def sample_path() -> Path:
    return config.SAMPLE_EXPORT


@pytest.fixture(scope="session")
def sample_generated() -> tuple[pd.DataFrame, pd.DataFrame]:
    """(export, truth) of the bundled sample, regenerated from its seed."""
    return generate(config.SAMPLE_ROWS, config.SAMPLE_SEED)


@pytest.fixture(scope="session")
def sample_truth(sample_generated) -> pd.DataFrame:
    return sample_generated[1]


@pytest.fixture(scope="session")
def cfpb_sample() -> Path:
    if not CFPB_SAMPLE.exists():
        pytest.skip(f"shared CFPB sample not found at {CFPB_SAMPLE}")
    return CFPB_SAMPLE
