"""``reports/tables.xlsx``: every table of every report on a sheet of its own.

Each table a report shows (``ctx.show``) is kept as a CSV of its numbers and a JSON of its
columns' labels and kinds (``tables/<notebook>/NN-<name>.*``); this module turns them into one
workbook: numbers stored as numbers with a format for their kind (money, percent, p-value,
count), headers frozen, and a first sheet with the definitions, the sources and their hashes.
The same tables give the same file, byte for byte: the workbook's timestamps are fixed.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pandas as pd

FORMATS = {"money": '"$"#,##0', "percent": "0.0%", "pvalue": '[<0.0001]"< 0.0001";0.0000', "count": "#,##0",
           "date": "yyyy-mm-dd"}
FIXED_TIME = "2000-01-01T00:00:00Z"  # what the workbook says it was created and modified (never the clock)


def sheet_name(meta: dict) -> str:
    """``02.05 denied-by-state``: the notebook's number, the table's number and its name, cut to
    Excel's 31 characters."""
    return f"{meta['notebook'][:2]}.{meta['number']:02d} {meta['name']}"[:31]


def keep(folder: Path, notebook: str, number: int, name: str, caption: str, table: pd.DataFrame,
         spec: list[dict]) -> Path:
    """Keep one table for the workbook: ``<folder>/<notebook>/NN-<name>.csv`` (labelled headers, the
    numbers unformatted) and a ``.json`` of its caption and columns (label, kind, decimals).
    ``spec`` is :func:`formatting.table_spec`'s, one entry per column of ``table``."""
    stem = f"{number:02d}-{name}"
    out = Path(folder) / notebook
    out.mkdir(parents=True, exist_ok=True)
    table.rename(columns={c["column"]: c["label"] for c in spec}).to_csv(out / f"{stem}.csv", index=False,
                                                                         lineterminator="\n")
    (out / f"{stem}.json").write_text(json.dumps(
        {"notebook": notebook, "number": number, "name": name, "caption": caption, "rows": int(len(table)),
         "columns": [{**c, "column": c["label"]} for c in spec]}, indent=2) + "\n", encoding="utf-8")
    return out / f"{stem}.csv"


def tables(folder: Path, order: list[str]) -> list[tuple[dict, pd.DataFrame]]:
    """The kept tables under ``folder`` (``tables/``), in notebook order, each as (meta, frame)."""
    out = []
    for notebook in order:
        for spec in sorted((folder / notebook).glob("*.json")):
            meta = json.loads(spec.read_text(encoding="utf-8"))
            out.append((meta, pd.read_csv(spec.with_suffix(".csv"), dtype=str, keep_default_na=False)))
    return out


def _value(text: str, kind: str):
    if text == "":
        return None
    if kind in ("money", "percent", "pvalue", "number"):
        return float(text)
    if kind == "count":
        return int(float(text))
    if kind == "flag":
        return {"True": "yes", "False": "no"}.get(text, text)
    if kind == "date":
        return pd.Timestamp(text).to_pydatetime()
    return text


def write(path: Path, kept: list[tuple[dict, pd.DataFrame]], about: list[tuple[str, str]]) -> Path:
    """Write the workbook: an "About" sheet of (item, value) rows, then one sheet per kept table."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from ta_analysis.formatting import words

    wb = Workbook()
    ws = wb.active
    ws.title = "About"
    ws.append(["Item", "Value"])
    for item, value in about:
        ws.append([item, value])
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 34, 120
    for row in ws.iter_rows(min_row=2):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
    for meta, frame in kept:
        ws = wb.create_sheet(sheet_name(meta))
        ws.append([meta["caption"]])
        ws["A1"].font = Font(bold=True)
        ws.append([c["label"] for c in meta["columns"]])
        for cell in ws[2]:
            cell.font = Font(bold=True)
        for values in frame.itertuples(index=False):
            ws.append([words(v) if c["kind"] == "code" and v else _value(v, c["kind"])
                       for v, c in zip(values, meta["columns"])])
        for j, c in enumerate(meta["columns"], start=1):
            fmt = FORMATS.get(c["kind"]) or (f"#,##0.{'0' * c['decimals']}" if c["kind"] == "number" else None)
            letter = ws.cell(row=2, column=j).column_letter
            longest = max([len(c["label"])] + [len(str(v)) for v in frame.iloc[:, j - 1]])
            ws.column_dimensions[letter].width = min(max(10, longest + 2), 60)
            if fmt:
                for (cell,) in ws.iter_rows(min_row=3, min_col=j, max_col=j):
                    cell.number_format = fmt
        ws.freeze_panes = "A3"
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(_fixed_times(buffer.getvalue()))
    return path


def _fixed_times(xlsx: bytes) -> bytes:
    """The same workbook with its clock times fixed (openpyxl stamps 'modified' and each zip
    entry with the time of saving), so that the same tables give the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + FIXED_TIME.encode(), data)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, data)
    return out.getvalue()
