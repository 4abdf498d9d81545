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
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import nbformat

from ta_analysis import appendix, config, pdf
from ta_analysis.errors import InputError
from ta_analysis.outputs import MANIFEST, check_out_dir, locked_file, to_json_bytes
from ta_analysis.read import sha256_file
from ta_analysis.summary import format_headline, headline_for, load_processed

NOTEBOOK_ORDER = ["01-data-quality", "02-refund-denials", "03-customs-fees", "04-non-delivery",
                  "05-class-certification", "06-complaint-records"]
COMPLAINT_NOTEBOOKS = {"06-complaint-records"}  # rendered only beside a complaint export's outputs


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


def cell_seconds(nb: nbformat.NotebookNode) -> list[tuple[int, float, str]]:
    """Per code cell of an executed notebook: its index, the seconds it ran (papermill's record)
    and its first line: where a report's time goes (read before :func:`strip_volatile`)."""
    return [(i, float((c.metadata.get("papermill") or {}).get("duration") or 0.0),
             (c.source.splitlines() or [""])[0][:80]) for i, c in enumerate(nb.cells) if c.cell_type == "code"]


def strip_volatile(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop run timestamps and durations, and fix the random id papermill gives the cell it injects,
    so the same run gives the same file."""
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"
    return nb


def execute(path: Path, out_path: Path, parameters: dict, *, progress: bool = True,
            timings: list | None = None) -> nbformat.NotebookNode:
    """Run one notebook with ``parameters`` (its folder as working directory) and save it; with
    ``timings``, append (notebook, cell index, seconds, first line) per code cell to it."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    check_parameters(path, parameters)
    try:
        nb = papermill.execute_notebook(str(path), str(out_path), parameters=parameters, cwd=str(path.parent),
                                        kernel_name="python3", progress_bar=progress, log_output=False)
    except PapermillExecutionError as exc:
        raise NotebookFailed(f"{path.name}: cell {exc.cell_index} (execution count {exc.exec_count}) raised "
                             f"{exc.ename}: {exc.evalue}") from None
    if timings is not None:
        timings.extend((path.stem, *cell) for cell in cell_seconds(nb))
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
    body = re.sub(r'<script[^>]*\bsrc="https?://[^"]*"[^>]*>\s*</script>\s*', "", body)
    return body.replace("</head>", f"<style>{BROWSER_PRINT_CSS}</style>\n</head>", 1)


BROWSER_PRINT_CSS = """
@page { size: Letter; margin: 1.6cm 1.5cm 1.8cm;
  @bottom-center { content: "Page " counter(page) " of " counter(pages); font-size: 8pt; } }
@media print {
  .jp-OutputArea-output, .jp-RenderedHTMLCommon, .jp-Cell-outputWrapper { overflow: visible !important; }
  table.people { font-size: 8pt; width: 100%; }
  table.people td, table.people th { overflow-wrap: anywhere; }
  thead { display: table-header-group; }
  tr, figure { break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; }
  figure.exhibit { break-before: page; break-after: page; }
  a.anchor-link { display: none; }
}
table.people caption { caption-side: top; text-align: left; font-weight: bold; }
figure.exhibit img { max-width: 100%; height: auto; }
"""
"""What a report page adds to nbconvert's styles so that printing it from a browser loses nothing:
page numbers, no scroll boxes, headings kept with what follows, no exhibit split."""


def _title(nb: nbformat.NotebookNode) -> str:
    first = nb.cells[0].source.splitlines()[0] if nb.cells else ""
    return first.lstrip("# ").strip()


def index_html(reports: list[tuple[str, str]], headline: dict, left_out: dict[str, str] | None = None) -> str:
    items = "\n".join(f'<li><a href="{html.escape(f)}">{html.escape(t)}</a></li>' for f, t in reports)
    items += "".join(f"\n<li>{html.escape(name)}: not rendered. {html.escape(why)}</li>"
                     for name, why in (left_out or {}).items())
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
<p class="caveat">Rates carry the wider of the 95% Wilson score interval and a claimant bootstrap; money
carries 95% percentile-bootstrap intervals that resample claimants. Damages are given by liability
theory; an amount that could not be read is counted as unknown, never as zero. Definitions are in each report. Exhibits, with the table behind each and
their provenance, are in <code>exhibits/</code> (<code>exhibits.json</code> lists them).</p>
<h2>Reports</h2>
<ol>
{items}
</ol>
<h2>For a declaration or an expert report</h2>
<ul>
<li><a href="report.pdf">report.pdf</a>: every report in one document, with a title page, contents, page numbers,
each exhibit on a page of its own, the declaration table and the methods appendix (each report is also a PDF of
its own beside its page).</li>
<li><a href="figures.csv">figures.csv</a>: the declaration table: each headline figure with its definition,
numerator, denominator, estimate, interval and method, records unread, what was left out, and its exhibits.</li>
<li><a href="methods.html">Methods appendix</a>: sources and their hashes, every exclusion rule with its count,
the definitions, software versions, seeds, exchange rates, codebook and the numbered assumptions.</li>
<li><a href="tables.xlsx">tables.xlsx</a>: every table of every report, numbers stored as numbers.</li>
<li><a href="exhibits/exhibits.json">exhibits/exhibits.json</a>: each exhibit's files and their hashes, and the
run's provenance.</li>
</ul>
</body></html>
"""


def report(processed_dir: str | Path, out_dir: str | Path, *, as_of=None, class_start=None, class_end=None,
           named_plaintiffs: list[str] | None = None, draws: int = 2000, seed: int = 20231,
           complaints_dir: str | Path | None = None, caption: str | None = None,
           progress: bool = True, notebook_dir: Path = config.NOTEBOOKS_DIR, timings: list | None = None) -> Path:
    """Execute and render every notebook into ``out_dir``; return the index page.

    ``out_dir`` is replaced as one unit: the reports are rendered into a fresh folder beside it,
    with a manifest of every file written last, which then takes its place by renames. An
    existing ``out_dir`` must hold only what its last report wrote (its manifest says what): this
    never deletes anything it did not write. It may not be, or hold, the processed folder or
    ``data/raw``. With ``progress``, the seconds of each notebook are printed as it finishes;
    ``timings`` (a list) receives every cell's seconds (see :func:`execute`). ``caption`` (the case
    caption) heads the combined PDF's title page and every page after it.
    """
    complaints_dir = Path(complaints_dir) if complaints_dir else Path(processed_dir) / "complaints"
    out_dir = check_out_dir(out_dir, protected=(processed_dir, complaints_dir)).resolve()
    # Fails early, naming the folder; the records are read again for the headline, after the
    # notebooks, so that they are not held in memory beside every kernel.
    processed = load_processed(processed_dir, columns=["in_class"])
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with locked_sibling(out_dir):
        _check_replaceable(out_dir)
        for leftover in out_dir.parent.glob(f".{out_dir.name}-*"):  # a crashed run's staging or old folder
            if leftover.is_dir() and (leftover.name.startswith(f".{out_dir.name}-staging")
                                      or leftover.name.startswith(f".{out_dir.name}-old-")):
                shutil.rmtree(leftover, ignore_errors=True)
        # One fixed staging name (the lock is held): the executed notebooks record it as their output
        # folder, and the same run must give the same files.
        stage = out_dir.parent / f".{out_dir.name}-staging"
        stage.mkdir()
        try:
            left_out = _render_into(stage, processed, processed_dir, complaints_dir, notebook_dir, progress, timings,
                         {"as_of": as_of.isoformat() if as_of else None,
                          "class_start": class_start.isoformat() if class_start else None,
                          "class_end": class_end.isoformat() if class_end else None,
                          "named_plaintiffs": list(named_plaintiffs or []), "draws": draws, "seed": seed})
            h = headline_for(load_processed(processed_dir), as_of=as_of, class_start=class_start, class_end=class_end, n_boot=draws,
                             seed=seed)
            (stage / "headline.json").write_text(json.dumps(h, indent=2) + "\n", encoding="utf-8")
            complaints = None if "06-complaint-records" in left_out else json.loads(
                (complaints_dir / "complaints_summary.json").read_text(encoding="utf-8"))
            table, methods = write_appendix(stage, processed, h, complaints, processed_dir, complaints_dir,
                                            notebooks(notebook_dir))
            (stage / "index.html").write_text(index_html(_reports(stage), h, left_out), encoding="utf-8")
            write_workbook(stage, processed, h)
            _timed("PDF", progress, lambda: write_pdfs(stage, caption or pdf.DEFAULT_CAPTION, h, table, methods))
            _write_report_manifest(stage)
            _swap(stage, out_dir)
        finally:
            shutil.rmtree(stage, ignore_errors=True)
    return out_dir / "index.html"


def complaints_left_out(processed, complaints_dir: Path) -> str:
    """Why the complaint reports are not rendered beside ``processed`` ("" when they are): no
    complaint export was processed, or one side is a bundled synthetic sample and the other is
    not (synthetic complaints are never shown beside real claimants, nor real beside synthetic)."""
    from ta_analysis.outputs import read_manifest

    if not (Path(complaints_dir) / MANIFEST).is_file():
        return (f"No complaint export was processed ({complaints_dir} holds no complaints run); run "
                "'ta-analysis complaints EXPORT --out FOLDER' and report with --complaints FOLDER.")
    read_manifest(Path(complaints_dir), "complaints")
    summary = json.loads((Path(complaints_dir) / "complaints_summary.json").read_text(encoding="utf-8"))
    samples = {sha256_file(p) for p in (config.SAMPLE_EXPORT, config.COMPLAINTS_SAMPLE) if p.exists()}
    intake_synthetic = all(i["sha256"] in samples for i in processed.cleaning["inputs"])
    complaints_synthetic = all(i["sha256"] in samples for i in summary["inputs"])
    if intake_synthetic != complaints_synthetic:
        which = "the bundled synthetic sample" if complaints_synthetic else "a real export"
        return (f"The complaint outputs in {complaints_dir} come from {which}, the intake from "
                f"{'a real export' if complaints_synthetic else 'the bundled synthetic sample'}: the two are never "
                "reported together. Process the matching complaint export, or report without one.")
    return ""


def _render_into(stage: Path, processed, processed_dir, complaints_dir: Path, notebook_dir: Path,
                 progress: bool, timings: list | None, parameters: dict) -> dict[str, str]:
    """Execute and render each notebook into ``stage``; return those left out, with why."""
    (stage / "notebooks").mkdir()
    params = {"processed_dir": str(Path(processed_dir).resolve()), "output_dir": str(stage / "exhibits"),
              "complaints_dir": str(Path(complaints_dir).resolve()), **parameters}
    why = complaints_left_out(processed, complaints_dir)
    left_out = {p.stem: why for p in notebooks(notebook_dir) if why and p.stem in COMPLAINT_NOTEBOOKS}
    paths = [p for p in notebooks(notebook_dir) if p.stem not in left_out]
    for i, path in enumerate(paths, start=1):
        if progress:
            print(f"[{i}/{len(paths)}] {path.stem}", file=sys.stderr, flush=True)
        started = time.perf_counter()
        nb = execute(path, stage / "notebooks" / path.name, params, progress=progress, timings=timings)
        (stage / f"{path.stem}.html").write_text(to_html(nb), encoding="utf-8")
        if progress:
            print(f"[{i}/{len(paths)}] {path.stem}: {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    return left_out


DECLARATION = "00-declaration"  # the tables/ folder of the declaration table (first in the workbook)


def _timed(what: str, progress: bool, step) -> None:
    started = time.perf_counter()
    if progress:
        print(f"{what} ...", file=sys.stderr, flush=True)
    step()
    if progress:
        print(f"{what}: {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)


def write_appendix(stage: Path, processed, h: dict, complaints: dict | None, processed_dir, complaints_dir: Path,
                   notebook_paths: list[Path]) -> tuple:
    """The run's provenance in ``exhibits/exhibits.json``, the declaration table (``figures.csv``,
    and kept for the workbook) and the methods page (``methods.html``); return the table and the
    page's body (for the PDF)."""
    from ta_analysis import workbook
    from ta_analysis.outputs import write_csv

    prov = appendix.provenance(Path(processed_dir), complaints_dir if complaints else None, notebook_paths)
    manifest_path = stage / "exhibits" / "exhibits.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {"exhibits": []}
    manifest_path.parent.mkdir(exist_ok=True)
    manifest_path.write_text(json.dumps({"run": prov, **{k: v for k, v in manifest.items() if k != "run"}},
                                        indent=2, default=str) + "\n", encoding="utf-8")
    table = appendix.figures(h)
    spec = appendix.figures_spec()
    write_csv(table.rename(columns={c["column"]: c["label"] for c in spec}), stage / "figures.csv")
    workbook.keep(stage / "tables", DECLARATION, 1, "figures", "The headline figures, as a declaration cites them",
                  table, spec)
    body = appendix.methods_body(processed.cleaning, h, prov, complaints)
    (stage / "methods.html").write_text(pdf.document("Methods appendix", "<h1>Methods appendix</h1>\n" + body),
                                        encoding="utf-8")
    return table, body


def write_pdfs(stage: Path, caption: str, h: dict, table, methods: str) -> None:
    """One PDF per report (``NN-name.pdf``) and the combined ``report.pdf``: a title page with the
    caption, the contents, every report, the declaration table and the methods appendix."""
    chapters = []
    for page, title in _reports(stage):
        nb = nbformat.read(str(stage / "notebooks" / page.replace(".html", ".ipynb")), as_version=4)
        body = pdf.report_body(nb)
        pdf.write_pdf(pdf.document(title, body, caption), stage / page.replace(".html", ".pdf"), stage)
        chapters.append((page.removesuffix(".html"), title, body))
    figures = appendix.figures_html(table)
    chapters += [("declaration", "Declaration table: the headline figures",
                  "<p>Each headline figure with its definition, counts, interval and what was left out. The same "
                  "table, its numbers unrounded, is <code>figures.csv</code>.</p>" + figures),
                 ("methods", "Methods appendix", methods)]
    inputs = "; ".join(f"{html.escape(i['file'])} ({i['rows']:,} records, SHA-256 {i['sha256'][:16]}...)"
                       for i in h["inputs"])
    subtitle = (f"Expert report: figures, exhibits and methods. As of {h['as_of']}; class period "
                f"{h['class_start']} to {h['class_end']}.<br>Input: {inputs}.<br>{html.escape(h['caveat'])}")
    pdf.write_pdf(pdf.combined(caption, subtitle, chapters), stage / "report.pdf", stage)


def write_workbook(stage: Path, processed, headline: dict) -> None:
    """``tables.xlsx`` from the tables the notebooks kept, its first sheet the sources (with their
    hashes), the run's parameters and the definitions (quoted from ``definitions.py``)."""
    from ta_analysis import definitions, metrics, workbook

    c = processed.cleaning
    about = [("What this is", "Every table of the reports, one sheet each (numbers stored as numbers). "
                               + metrics.CAVEAT)]
    about += [(f"Input: {i['file']}", f"{i['rows']:,} records; SHA-256 {i['sha256']}") for i in c["inputs"]]
    about += [("Cleaned by", f"ta-analysis {c['package_version']} (commit {c['git_commit'] or 'unknown'})"),
              ("Exchange rates", str(c["fx_source"])), ("As of", str(headline.get("as_of", ""))),
              ("Bootstrap", str(headline["damages"]["method"]))]
    about += [(f"Definition: {name.replace('_', ' ')}", definitions.in_words(getattr(definitions, name)))
              for name in appendix.DEFINED]
    workbook.write(stage / "tables.xlsx", workbook.tables(stage / "tables", [DECLARATION] + NOTEBOOK_ORDER), about)


def _reports(stage: Path) -> list[tuple[str, str]]:
    """(page, title) of each rendered report, in notebook order."""
    out = []
    for name in NOTEBOOK_ORDER:
        nb_path = stage / "notebooks" / f"{name}.ipynb"
        if nb_path.exists():
            out.append((f"{name}.html", _title(nbformat.read(str(nb_path), as_version=4))))
    return out


def _report_files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST)


def _write_report_manifest(stage: Path) -> None:
    files = {name: {"sha256": sha256_file(stage / name), "bytes": (stage / name).stat().st_size}
             for name in _report_files(stage)}
    (stage / MANIFEST).write_bytes(to_json_bytes({"written_by": "ta-analysis", "kind": "report", "files": files}))


def _check_replaceable(out_dir: Path) -> None:
    """Refuse an existing ``out_dir`` that holds anything its last report did not write."""
    if not out_dir.exists() or not any(out_dir.iterdir()):
        return
    what = f"remove it or choose another --out; this command replaces {out_dir.name}/ and never deletes what it did not write"
    if not (out_dir / MANIFEST).is_file():
        raise InputError(f"holds files this tool did not write (no {MANIFEST}); {what}", file=str(out_dir))
    try:
        listed = set(json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))["files"])
    except (ValueError, KeyError, TypeError):
        raise InputError(f"{MANIFEST} cannot be read; {what}", file=str(out_dir)) from None
    foreign = sorted(set(_report_files(out_dir)) - listed)
    empty_dirs = [p for p in out_dir.rglob("*") if p.is_dir() and not any(p.iterdir())]
    if foreign or empty_dirs:
        raise InputError(f"holds {len(foreign) + len(empty_dirs)} file(s) or folder(s) its last report did not "
                         f"write; {what}", file=str(out_dir))


@contextmanager
def locked_sibling(out_dir: Path) -> Iterator[None]:
    """The lock of a folder that is replaced whole, kept beside it (``.<name>.lock``)."""
    with locked_file(out_dir.parent / f".{out_dir.name}.lock", out_dir):
        yield


def _swap(stage: Path, out_dir: Path) -> None:
    """Replace ``out_dir`` by ``stage`` with renames; the old folder (only files its report wrote,
    checked before rendering) is deleted once the new one is in place."""
    old = None
    if out_dir.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-old-", dir=out_dir.parent))
        os.replace(out_dir, old / "reports")
    os.replace(stage, out_dir)
    if old:
        shutil.rmtree(old, ignore_errors=True)


def sample_project(root: Path) -> Path:
    """A copy of the project's layout under ``root``: the committed notebooks beside
    ``data/processed/``, which holds the bundled samples cleaned. The notebooks' default parameters
    (``../data/processed``, ``../reports/exhibits``) then resolve inside ``root``, so running them
    there never touches the project's own ``data/processed/`` or ``reports/``."""
    from ta_analysis.cli import main

    root = Path(root)
    (root / "notebooks").mkdir(parents=True, exist_ok=True)
    for f in notebooks() + [config.NOTEBOOKS_DIR / "sanitize.cfg"]:
        shutil.copy2(f, root / "notebooks" / f.name)
    processed = root / "data" / "processed"
    for argv in (["clean", str(config.SAMPLE_EXPORT), "--out", str(processed), "--quiet"],
                 ["complaints", str(config.COMPLAINTS_SAMPLE), "--out", str(processed / "complaints"),
                  "--intake", str(processed)]):
        if main(argv) != 0:
            raise RuntimeError(f"ta-analysis {argv[0]} failed on the bundled sample")
    return root


def refresh_notebooks(folder: Path = config.NOTEBOOKS_DIR) -> None:
    """Execute the committed notebooks with their default parameters on the bundled sample
    (``make notebooks``), in a :func:`sample_project` copy, and store them back with their outputs,
    which ``make test`` checks with nbval. The project's ``data/processed/`` is left alone."""
    with tempfile.TemporaryDirectory(prefix="ta-analysis-notebooks-") as tmp:
        copy = sample_project(Path(tmp)) / "notebooks"
        for path in notebooks(folder):
            execute(copy / path.name, copy / path.name, {}, progress=False)
            shutil.copyfile(copy / path.name, path)
            print(f"executed {path.name}")
