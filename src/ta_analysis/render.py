"""Execute the numbered notebooks and render them as reports (``ta-analysis report``).

Each notebook runs with its parameters (papermill; unknown parameters are refused before
anything runs), is saved executed, and is rendered to HTML with no code showing. ``index.html``
lists the reports with the headline figures and their intervals; ``headline.json`` holds the same
figures. Everything is built in a staging folder and swapped in only when every notebook ran,
so a failure names the notebook and the cell and leaves the previous reports in place.
"""

from __future__ import annotations

import html
import json
import re
import os
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat

from ta_analysis import config
from ta_analysis.errors import InputError
from ta_analysis.summary import format_headline, headline_for, load_processed

NOTEBOOK_ORDER = ["01-data-quality", "02-refund-denials", "03-customs-fees", "04-non-delivery",
                  "05-class-certification", "06-complaint-records"]


class NotebookFailed(Exception):
    """A notebook raised: names the notebook, the cell and the error."""


def notebooks(folder: Path = config.NOTEBOOKS_DIR) -> list[Path]:
    paths = [folder / f"{name}.ipynb" for name in NOTEBOOK_ORDER]
    missing = [p.name for p in paths if not p.exists()]
    if missing:
        raise InputError(f"notebooks missing from {folder}: {', '.join(missing)}")
    return paths


def check_parameters(path: Path, parameters: dict) -> None:
    """Refuse parameters the notebook's ``parameters`` cell does not declare."""
    import papermill

    declared = papermill.inspect_notebook(str(path))
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise InputError(f"unknown parameter(s) {', '.join(unknown)} for {path.name}; "
                         f"it declares: {', '.join(declared)}")


def strip_volatile(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop run timestamps and durations so the same run gives the same file."""
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    return nb


def execute(path: Path, out_path: Path, parameters: dict, *, progress: bool = True) -> nbformat.NotebookNode:
    """Run one notebook with ``parameters`` (its folder as working directory) and save it."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    check_parameters(path, parameters)
    try:
        nb = papermill.execute_notebook(str(path), str(out_path), parameters=parameters, cwd=str(path.parent),
                                        kernel_name="python3", progress_bar=progress, log_output=False)
    except PapermillExecutionError as exc:
        raise NotebookFailed(f"{path.name}: cell {exc.cell_index} (execution count {exc.exec_count}) raised "
                             f"{exc.ename}: {exc.evalue}") from None
    nb = strip_volatile(nb)
    nbformat.write(nb, str(out_path))
    return nb


def to_html(nb: nbformat.NotebookNode) -> str:
    """The notebook as a self-contained HTML page with no code showing."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                            embed_images=True)
    body, _ = exporter.from_notebook_node(nb)
    # The template loads require.js and MathJax from a CDN; the reports use neither, and a page
    # for a court file must open offline and print the same anywhere.
    return re.sub(r'<script[^>]*\bsrc="https?://[^"]*"[^>]*>\s*</script>\s*', "", body)


def _title(nb: nbformat.NotebookNode) -> str:
    first = nb.cells[0].source.splitlines()[0] if nb.cells else ""
    return first.lstrip("# ").strip()


def index_html(reports: list[tuple[str, str]], headline: dict) -> str:
    items = "\n".join(f'<li><a href="{html.escape(f)}">{html.escape(t)}</a></li>' for f, t in reports)
    lines = "\n".join(f"<li>{html.escape(line)}</li>" for line in format_headline(headline).splitlines())
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Trade Assurance intake analysis</title>
<style>body{{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;line-height:1.5;color:#222}}
h1{{font-size:1.6rem}} li{{margin:.3rem 0}} .caveat{{border-left:4px solid #D55E00;padding-left:.8rem}}
@media print{{a{{color:inherit;text-decoration:none}}}}</style></head>
<body>
<h1>Trade Assurance intake analysis</h1>
<h2>Headline figures</h2>
<ul>
{lines}
</ul>
<p class="caveat">Rates carry 95% Wilson score intervals; money carries 95% percentile-bootstrap intervals
that resample claimants. Definitions are in each report. Exhibits, with the table behind each and
their provenance, are in <code>exhibits/</code> (<code>exhibits.json</code> lists them).</p>
<h2>Reports</h2>
<ol>
{items}
</ol>
</body></html>
"""


def report(processed_dir: str | Path, out_dir: str | Path, *, as_of=None, class_start=None, class_end=None,
           named_plaintiffs: list[str] | None = None, draws: int = 2000, seed: int = 20231,
           complaints_dir: str | Path | None = None,
           progress: bool = True, notebook_dir: Path = config.NOTEBOOKS_DIR) -> Path:
    """Execute and render every notebook into ``out_dir``; return the index page."""
    processed = load_processed(processed_dir)  # fails early, naming the folder
    out_dir = Path(out_dir).resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-staging-", dir=out_dir.parent))
    try:
        (stage / "notebooks").mkdir()
        params = {"processed_dir": str(Path(processed_dir).resolve()), "output_dir": str(stage / "exhibits"),
                  "complaints_dir": str((Path(complaints_dir) if complaints_dir else Path(processed_dir) / "complaints").resolve()),
                  "as_of": as_of.isoformat() if as_of else None,
                  "class_start": class_start.isoformat() if class_start else None,
                  "class_end": class_end.isoformat() if class_end else None,
                  "named_plaintiffs": list(named_plaintiffs or []), "draws": draws, "seed": seed}
        reports = []
        paths = notebooks(notebook_dir)
        for i, path in enumerate(paths, start=1):
            if progress:
                print(f"[{i}/{len(paths)}] {path.stem}", file=sys.stderr, flush=True)
            nb = execute(path, stage / "notebooks" / path.name, params, progress=progress)
            page = f"{path.stem}.html"
            (stage / page).write_text(to_html(nb), encoding="utf-8")
            reports.append((page, _title(nb)))
        h = headline_for(processed, as_of=as_of, class_start=class_start, class_end=class_end, n_boot=draws, seed=seed)
        (stage / "headline.json").write_text(json.dumps(h, indent=2) + "\n", encoding="utf-8")
        (stage / "index.html").write_text(index_html(reports, h), encoding="utf-8")
        _swap(stage, out_dir)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return out_dir / "index.html"


def _swap(stage: Path, out_dir: Path) -> None:
    """Replace ``out_dir`` by ``stage`` with renames (the old reports survive any earlier failure)."""
    old = None
    if out_dir.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-old-", dir=out_dir.parent))
        os.replace(out_dir, old / "reports")
    os.replace(stage, out_dir)
    if old:
        shutil.rmtree(old, ignore_errors=True)


def refresh_notebooks(folder: Path = config.NOTEBOOKS_DIR) -> None:
    """Execute the committed notebooks in place with their default parameters (``make notebooks``).

    They then carry the outputs of the bundled sample, which ``make test`` checks with nbval.
    """
    for path in notebooks(folder):
        execute(path, path, {}, progress=False)
        print(f"executed {path.name}")
