"""What every notebook calls: validated parameters, the loaded data, and display helpers.

A notebook's ``parameters`` cell (papermill's convention) sets the names in :data:`PARAMETERS`;
the next cell calls ``ctx = setup(globals())``, which refuses any other name (a misspelt
parameter injected by papermill is an error, not silently ignored), checks each value, loads the
processed folder and shows where the data came from.
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from functools import cached_property
from datetime import date
from pathlib import Path
from typing import Callable

import matplotlib.pyplot as plt
import pandas as pd

from ta_analysis import metrics
from ta_analysis.definitions import ClassDefinition
from ta_analysis.errors import InputError
from ta_analysis.exhibits import Provenance, make_exhibit
from ta_analysis.summary import Processed, load_processed, unread, unread_warnings

# name: (what it is, check)
PARAMETERS: dict[str, tuple[str, Callable[[object], bool]]] = {
    "processed_dir": ("folder written by 'ta-analysis clean'", lambda v: isinstance(v, str) and v != ""),
    "output_dir": ("folder for exhibits", lambda v: isinstance(v, str) and v != ""),
    "complaints_dir": ("folder written by 'ta-analysis complaints'", lambda v: isinstance(v, str) and v != ""),
    "as_of": ("as-of date YYYY-MM-DD, or None for the cleaning run's", lambda v: v is None or _is_date(v)),
    "class_start": ("class period start YYYY-MM-DD, or None", lambda v: v is None or _is_date(v)),
    "class_end": ("class period end YYYY-MM-DD, or None", lambda v: v is None or _is_date(v)),
    "named_plaintiffs": ("list of intake ids", lambda v: isinstance(v, list) and all(isinstance(k, str) for k in v)),
    "draws": (f"bootstrap draws, a whole number >= {metrics.MIN_BOOT}",
              lambda v: isinstance(v, int) and v >= metrics.MIN_BOOT),
    "seed": ("bootstrap seed, a whole number", lambda v: isinstance(v, int)),
}
IGNORED = {"In", "Out", "get_ipython", "exit", "quit", "open", "ctx"}
NUM = ' style="text-align:right"'
NUMERIC_KINDS = ("count", "money", "percent", "pvalue", "number")  # aligned right; the rest (words) left
TABLE_HEAD = 15  # rows of a long table shown in a report (the rest is linked)


def _has_named_index(table: pd.DataFrame) -> bool:
    return any(n is not None for n in table.index.names)


def _is_date(v: object) -> bool:
    try:
        date.fromisoformat(str(v))
        return isinstance(v, str)
    except ValueError:
        return False


def check_parameters(namespace: dict) -> dict:
    """The parameter values in ``namespace``; an unknown, missing or bad one is an InputError."""
    user = {k: v for k, v in namespace.items()
            if not k.startswith("_") and k not in IGNORED
            and not isinstance(v, (types.ModuleType, types.FunctionType, type))}
    unknown = sorted(set(user) - set(PARAMETERS))
    if unknown:
        import difflib

        hints = [f"{u!r}" + (f" (did you mean {m[0]!r}?)" if (m := difflib.get_close_matches(u, PARAMETERS, 1)) else "")
                 for u in unknown]
        raise InputError(f"unknown notebook parameter(s): {', '.join(hints)}; known: {', '.join(PARAMETERS)}")
    missing = sorted(set(PARAMETERS) - set(user))
    if missing:
        raise InputError(f"the parameters cell does not set: {', '.join(missing)}")
    for name, (what, ok) in PARAMETERS.items():
        if not ok(user[name]):
            raise InputError(f"parameter {name} must be {what}", value=user[name])
    return {k: user[k] for k in PARAMETERS}


@dataclass
class Context:
    """The data and parameters one notebook run works from."""

    processed: Processed
    as_of: date
    definition: ClassDefinition
    intake: pd.DataFrame
    output_dir: Path
    draws: int
    seed: int
    named_plaintiffs: list[str]
    complaints_dir: Path | None = None
    notebook: str = ""
    tables_shown: int = 0

    def complaints(self) -> tuple[pd.DataFrame, dict]:
        """The cleaned complaint records and their summary (from ``ta-analysis complaints``)."""
        import json

        from ta_analysis.outputs import read_manifest

        folder = self.complaints_dir
        if folder is None or not (folder / "complaints.parquet").exists():
            raise InputError("no complaints.parquet; run 'ta-analysis complaints ... --out FOLDER' first",
                             file=str(folder))
        read_manifest(folder, "complaints")
        return (pd.read_parquet(folder / "complaints.parquet"),
                json.loads((folder / "complaints_summary.json").read_text(encoding="utf-8")))

    @cached_property
    def cls(self) -> pd.DataFrame:
        """The class rows every metric is computed over (selected once per run)."""
        return metrics.population(self.intake, "class")

    @property
    def cleaning(self) -> dict:
        return self.processed.cleaning

    def table(self, name: str) -> pd.DataFrame:
        """Another output of the cleaning run (``audit``, ``problems``, ``unmapped_spellings``...)."""
        return pd.read_csv(self.processed.path / f"{name}.csv", dtype=str, keep_default_na=False)

    @property
    def provenance(self) -> Provenance:
        return Provenance.from_cleaning(self.cleaning, {
            "as_of": self.as_of.isoformat(), "class_start": self.definition.class_start.isoformat(),
            "class_end": self.definition.class_end.isoformat(), "draws": self.draws, "seed": self.seed})

    def show(self, table: pd.DataFrame, name: str, *, caption: str, labels: dict | None = None,
             head: int = TABLE_HEAD, summary: pd.DataFrame | None = None, **kinds) -> None:
        """Show a table as people read it and keep it: labelled columns, numbers formatted by kind
        (:func:`formatting.table_spec`: ``money=``, ``percent=``, ``pvalue=``, ``count=``, ``flag=``,
        ``decimals=``), no index column, text in full. The full table, its numbers unformatted, goes
        to ``tables/<notebook>/NN-<name>.csv`` beside the exhibits folder, with its column kinds in
        a ``.json`` beside it (the workbook's sheet); a table longer than ``head`` + 5 rows shows its
        first ``head`` rows here and links the rest. A table too wide for a page gives ``summary``
        (its cells already text, in a page's width) to show instead, and is linked whole."""
        from IPython.display import HTML, display

        from ta_analysis import workbook
        from ta_analysis.formatting import people_cells, table_spec

        if not self.notebook:
            raise InputError("setup() was not told which notebook this is (setup(globals(), notebook=...))")
        t = table.reset_index(drop=not _has_named_index(table))
        spec = table_spec(t, labels=labels, **kinds)
        self.tables_shown += 1
        kept = workbook.keep(self.output_dir.parent / "tables", self.notebook, self.tables_shown, name, caption, t, spec)
        link = f"tables/{self.notebook}/{kept.name}"
        where = f'<a href="{link}">{link}</a> (and in <code>tables.xlsx</code>)'
        if summary is not None:
            text = summary.reset_index(drop=True)
            text_spec = table_spec(text, text=list(text.columns))
            page = table_html(people_cells(text, text_spec), text_spec, caption)
            page += f"<p>The full table, with every column: {where}.</p>"
        elif len(t) > head + 5:
            page = table_html(people_cells(t, spec).head(head), spec, caption)
            page += f"<p>The first {head} of {len(t):,} rows. The full table: {where}.</p>"
        else:
            page = table_html(people_cells(t, spec), spec, caption)
        display(HTML(page))

    @cached_property
    def damages(self) -> dict:
        """The damages by theory with their bootstrap intervals (computed once per run)."""
        from ta_analysis.damages import damages_by_theory

        return damages_by_theory(self.cls, as_of=self.as_of, n_boot=self.draws, seed=self.seed)

    def exhibit(self, exhibit_id: str, *, show: bool = True) -> None:
        """Draw an exhibit from its recipe (:mod:`ta_analysis.recipes`, the code its replication
        bundle runs too), write its four files, its manifest entry and its bundle, and show it as a
        numbered figure whose caption names its files. With ``show`` False (a bundle's redraw) only the four files and the manifest entry are written."""
        from IPython.display import HTML, display

        from ta_analysis.recipes import RECIPES, write_bundle

        recipe = RECIPES[exhibit_id](self)
        fig = make_exhibit(exhibit_id, recipe.data, recipe.draw, subtitle=recipe.subtitle,
                           provenance=recipe.provenance or self.provenance, out_dir=self.output_dir, note=recipe.note)
        plt.close(fig)
        if show:
            write_bundle(self, exhibit_id, recipe)
            display(HTML(exhibit_html(exhibit_id, self.output_dir)))


def setup(namespace: dict, notebook: str = "") -> Context:
    """Validate the parameters in ``namespace`` (a notebook's ``globals()``) and load the data;
    ``notebook`` (its file name without ``.ipynb``) names the folder its tables go to."""
    p = check_parameters(namespace)
    processed = load_processed(p["processed_dir"])
    as_of = date.fromisoformat(p["as_of"]) if p["as_of"] else processed.as_of
    recorded = processed.definition()
    definition = ClassDefinition(
        date.fromisoformat(p["class_start"]) if p["class_start"] else recorded.class_start,
        date.fromisoformat(p["class_end"]) if p["class_end"] else recorded.class_end,
        recorded.countries, recorded.include_unknown_trade_assurance).resolved(as_of)
    intake = processed.intake
    if definition != recorded:
        intake = metrics.reclassify(intake, definition)
    return Context(processed, as_of, definition, intake, Path(p["output_dir"]), p["draws"], p["seed"],
                   list(p["named_plaintiffs"]), Path(p["complaints_dir"]), notebook)


def exhibit_html(exhibit_id: str, folder: Path) -> str:
    """An exhibit as a figure for a page: its PNG (embedded), its number and title as the caption
    and alt text, and links to its files (relative to the report, beside ``exhibits/``)."""
    import base64
    import html

    from ta_analysis.exhibits import exhibit_title, registry

    stem = f"{exhibit_id}-{registry().loc[exhibit_id, 'slug']}"
    title = html.escape(exhibit_title(exhibit_id))
    png = base64.b64encode((folder / f"{stem}.png").read_bytes()).decode("ascii")
    files = ", ".join(f'<a href="exhibits/{stem}.{k}">{k.upper()}</a>' for k in ("png", "svg", "pdf"))
    return (f'<figure class="exhibit" id="{exhibit_id}"><img alt="{title}" width="800" '
            f'src="data:image/png;base64,{png}"><figcaption>{title}. Files: {files}; the table behind it: '
            f'<a href="exhibits/{stem}.csv">{stem}.csv</a>.</figcaption></figure>')


def table_html(cells: pd.DataFrame, spec: list[dict], caption: str) -> str:
    """A table for people as HTML: a caption, labelled headers, numbers aligned right, no index."""
    import html

    right = [c["kind"] in NUMERIC_KINDS for c in spec]
    head = "".join(f'<th{NUM if r else ""}>{html.escape(c)}</th>' for c, r in zip(cells.columns, right))
    body = "\n".join("<tr>" + "".join(f'<td{NUM if r else ""}>{html.escape(v)}</td>' for v, r in zip(row, right))
                     + "</tr>" for row in cells.itertuples(index=False))
    return (f'<table class="people"><caption>{html.escape(caption)}</caption>\n<thead><tr>{head}</tr></thead>\n'
            f"<tbody>\n{body}\n</tbody></table>")


def say(text: str) -> None:
    """Show a sentence built from computed numbers (Markdown). Dollar signs are escaped, so that two
    amounts in one line are never read as a formula (which would also leave ``**`` showing)."""
    from IPython.display import Markdown, display

    display(Markdown(text.replace("$", "\\$")))


def provenance_text(ctx: Context) -> str:
    """Where the data came from, in a few lines of Markdown."""
    c = ctx.cleaning
    lines = [f"- Input `{i['file']}`: {i['rows']:,} records, SHA-256 `{i['sha256']}`" for i in c["inputs"]]
    lines += [f"- As of **{ctx.as_of}**; class period **{ctx.definition.class_start}** to "
              f"**{ctx.definition.class_end}**",
              f"- Cleaned by ta-analysis {c['package_version']} (commit `{c['git_commit'] or 'unknown'}`); "
              f"exchange rates: {c['fx_source']}",
              f"- {metrics.CAVEAT}"]
    lines += [f"- **{w}** (figure: {figure})" for figure, w in unread_warnings(
        {figure: {"unread": u} for figure, u in unread(ctx.processed, ctx.cls).items()}).items()]
    return "\n".join(lines)
