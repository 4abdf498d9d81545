"""Paths and defaults in one place, and the Makefile agrees with them."""

from __future__ import annotations

import re

from ta_analysis import config


def test_paths_point_into_the_checkout():
    assert (config.PROJECT_ROOT / "pyproject.toml").exists()
    assert config.SAMPLE_EXPORT.exists() and config.COMPLAINTS_SAMPLE.exists()
    assert config.SAMPLE_EXPORT.is_relative_to(config.DATA_RAW)
    assert (config.PACKAGE_DATA / "header_aliases.csv").exists()


def test_the_makefile_regenerates_the_sample_with_the_configured_seed_and_size():
    make = (config.PROJECT_ROOT / "Makefile").read_text()
    assert re.search(rf"^SAMPLE_SEED := {config.SAMPLE_SEED}$", make, re.M)
    assert re.search(rf"^SAMPLE_ROWS := {config.SAMPLE_ROWS}$", make, re.M)
    assert f"--rows {config.COMPLAINTS_SAMPLE_ROWS} --seed {config.COMPLAINTS_SAMPLE_SEED}" in make
