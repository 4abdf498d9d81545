"""The committed notebooks still reproduce their stored outputs (nbval), run on the bundled sample in
a temporary copy of the project's layout: ``make test`` never reads or writes ``data/processed/`` or
``reports/``, where an analyst's real outputs live."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ta_analysis.render import sample_project

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return sample_project(tmp_path_factory.mktemp("project"))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_committed_notebook_reproduces_its_outputs(project, notebook):
    nbdir = project / "notebooks"
    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval",
                        "--nbval-current-env", "--nbval-sanitize-with", "sanitize.cfg", notebook.name],
                       cwd=nbdir, capture_output=True, text=True)
    assert r.returncode == 0, (f"{notebook.name} no longer reproduces its stored outputs; "
                               f"run 'make notebooks' if the change is intended:\n{r.stdout[-6000:]}")
    assert (project / "reports" / "exhibits").is_dir()  # the exhibits went to the copy's reports/
