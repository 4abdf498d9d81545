"""Notebook parameters: an unknown, misspelt, missing or bad parameter is an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from ta_analysis.errors import InputError
from ta_analysis.notebook import PARAMETERS, check_parameters

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
    ("named_plaintiffs", "Cabc", "parameter named_plaintiffs must be list of intake ids"),
])
def test_bad_values(name, value, message):
    with pytest.raises(InputError, match=message):
        check_parameters({**GOOD, name: value})


def test_missing_parameter():
    params = dict(GOOD)
    del params["seed"]
    with pytest.raises(InputError, match="does not set: seed"):
        check_parameters(params)


# --- the committed notebooks and their jupytext pairs ---------------------------------------------

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def test_the_notebooks_are_there():
    from ta_analysis.render import NOTEBOOK_ORDER

    assert [p.stem for p in NOTEBOOKS] == NOTEBOOK_ORDER


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_notebook_and_its_script_hold_the_same_cells(path):
    """An edit in JupyterLab or in the .py script reaches the other (jupytext pairs them on save)."""
    import jupytext

    script = path.with_suffix(".py")
    assert script.exists(), f"{script.name} is missing: run jupytext --sync {path.name}"
    a, b = jupytext.read(path), jupytext.read(script)
    cells = lambda nb: [(c.cell_type, c.source.strip()) for c in nb.cells]  # noqa: E731
    assert cells(a) == cells(b), f"{path.name} and {script.name} differ: run jupytext --sync notebooks/*.ipynb"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_parameters_cell_sets_exactly_the_accepted_parameters(path):
    import ast

    import jupytext

    cells = [c for c in jupytext.read(path).cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, f"{path.name} has {len(cells)} cells tagged 'parameters'"
    names = [t.id for node in ast.parse(cells[0].source).body if isinstance(node, ast.Assign) for t in node.targets]
    assert sorted(names) == sorted(PARAMETERS) and len(names) == len(set(names))
