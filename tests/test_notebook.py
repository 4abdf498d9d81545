"""Notebook parameters: an unknown, misspelt, missing or bad parameter is an error."""

from __future__ import annotations

import pytest

from ta_analysis.errors import InputError
from ta_analysis.notebook import check_parameters

GOOD = {"processed_dir": "../data/processed", "output_dir": "../reports/exhibits",
        "complaints_dir": "../data/processed/complaints", "as_of": None,
        "class_start": "2020-01-01", "class_end": None, "named_plaintiffs": [], "draws": 2000, "seed": 1}


def test_good_parameters_pass_and_modules_are_ignored():
    import math

    assert check_parameters({**GOOD, "math": math, "In": [], "_": 1}) == GOOD


def test_misspelt_parameter_is_named_with_a_hint():
    with pytest.raises(InputError, match=r"unknown notebook parameter\(s\): 'as_off' \(did you mean 'as_of'\?\)"):
        check_parameters({**GOOD, "as_off": "2024-01-01"})


@pytest.mark.parametrize("name, value, message", [
    ("as_of", "31/01/2024", "parameter as_of must be as-of date YYYY-MM-DD"),
    ("draws", 10, "parameter draws must be bootstrap draws"),
    ("named_plaintiffs", "Cabc", "parameter named_plaintiffs must be list of claimant keys"),
])
def test_bad_values(name, value, message):
    with pytest.raises(InputError, match=message):
        check_parameters({**GOOD, name: value})


def test_missing_parameter():
    params = dict(GOOD)
    del params["seed"]
    with pytest.raises(InputError, match="does not set: seed"):
        check_parameters(params)
