"""Read an export file as text: any delimiter, any common encoding, CSV or Excel.

The reading layer knows nothing of the canonical schema: it turns a file into a frame of text
cells (``str`` dtype, missing where the cell was empty) under the file's own headers, plus
``_source_file`` and ``_source_row`` (the row number a person sees in a spreadsheet: the header
row's number plus one for the first record). Typing happens later, in normalisation, so no value
is lost to a reader's guess. Both intake exports and complaint-database exports go through it.

Examples:
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.csv"
    >>> _ = p.write_text("Order ID;Amount paid\\nA1;$5\\n")
    >>> read_export(p).frame[["Order ID", "Amount paid", "_source_row"]].values.tolist()
    [['A1', '$5', 2]]
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import charset_normalizer
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ta_analysis import textops
from ta_analysis.errors import InputError

DELIMITERS = [",", ";", "\t", "|"]
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
HEADER_SCAN_ROWS = 30
DETECT_BYTES = 1 << 20
BLOCK_BYTES = 4 << 20  # pyarrow parses blocks in parallel: 4 MiB read the benchmark export fastest
LARGE_BLOCK_BYTES = 1 << 30  # for a file with a record longer than BLOCK_BYTES
# Python's csv module refuses a field over 128 KiB; a narrative can be longer. (Process-wide, and
# only ever raised: nothing here relies on the lower limit.)
csv.field_size_limit(max(csv.field_size_limit(), 1 << 30))
SOURCE_FILE = "_source_file"
SOURCE_ROW = "_source_row"
REJECT_COLUMNS = [SOURCE_ROW, "fields", "reason"]
CELL_PROBLEM_COLUMNS = [SOURCE_ROW, "header", "raw_value", "problem"]
# A workbook is refused before it is inflated when its parts would inflate past either bound.
XLSX_MAX_RATIO = 50
XLSX_MAX_BYTES = 2 << 30
FORMULA_WITHOUT_VALUE = "a formula with no saved value (open the workbook in Excel and save it again)"
_BAD_BYTES = re.compile("[\udc80-\udcff]")  # bytes that did not decode, kept by surrogateescape


@dataclass
class RawExport:
    """One file read as text.

    Attributes:
        frame: the records, text cells under the file's headers, plus the source columns.
        path: the file.
        sha256: hex digest of the file's bytes.
        encoding: the detected text encoding ("xlsx" for Excel).
        delimiter: the detected delimiter ("" for Excel).
        header_row: the spreadsheet row number of the header.
        rejects: records the parser could not split into the header's columns: row number, their
            fields (a list), why.
        blank_lines: blank lines between records (not records: nothing was lost).
        cell_problems: cells read as missing because their value could not be read (a formula
            with no saved value, bytes that are not valid in the file's encoding): row, header,
            what the cell held (bad bytes shown as U+FFFD), why.
    """

    frame: pd.DataFrame
    path: Path
    sha256: str
    encoding: str
    delimiter: str
    header_row: int
    rejects: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REJECT_COLUMNS))
    blank_lines: int = 0
    cell_problems: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CELL_PROBLEM_COLUMNS))

    @property
    def headers(self) -> list[str]:
        return [c for c in self.frame.columns if c not in (SOURCE_FILE, SOURCE_ROW)]


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_export(path: str | Path) -> RawExport:
    """Read one export file (CSV/TSV/;/| text or .xlsx) as text cells.

    Raises:
        InputError: the file is missing, empty, binary, has no data rows, has duplicated or
            blank header names, or cannot be decoded; the message names the file.
    """
    path = Path(path)
    head = check_export(path)
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES or head[:4] == b"PK\x03\x04":
        return _read_excel(path, path.read_bytes(), sha256_file(path))
    return _read_text(path, head, sha256_file(path))


def check_export(path: Path) -> bytes:
    """The first megabyte of an export file, after the checks every reader makes.

    Raises:
        InputError: the file is missing, is a folder, is an old-style .xls, or is empty.
    """
    if not path.exists():
        raise InputError("no such file", file=str(path))
    if path.is_dir():
        raise InputError("is a folder, not an export file", file=str(path))
    if not path.is_file():  # /dev/zero, a named pipe, a socket: reading it might never end
        raise InputError("is not a regular file (a device or a pipe?); export the data to a file", file=str(path))
    if path.suffix.lower() == ".xls":
        raise InputError("old-style .xls workbooks are not read; save the sheet as .xlsx or .csv",
                         file=str(path))
    with path.open("rb") as fh:
        head = fh.read(DETECT_BYTES)
    if not head.strip() and path.stat().st_size <= DETECT_BYTES:
        raise InputError("the file is empty", file=str(path))
    return head


def detect_encoding(data: bytes, path: Path) -> str:
    """The text encoding of ``data``: byte-order marks first, then charset-normalizer."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    sample = data[:DETECT_BYTES]
    if b"\x00" in sample:
        # NUL bytes without a UTF-16 byte-order mark: UTF-16 without BOM, or not text at all.
        best = charset_normalizer.from_bytes(sample, cp_isolation=["utf_16_le", "utf_16_be"]).best()
        if best is None:
            at = sample.index(b"\x00")
            raise InputError(f"not a text or Excel file (binary content at byte {at})", file=str(path))
        return best.encoding
    if _mostly_utf8(sample):
        return "utf-8"
    best = charset_normalizer.from_bytes(sample).best()
    if best is None:
        raise InputError("not a text or Excel file (no text encoding fits its bytes)", file=str(path))
    enc = best.encoding
    # ASCII is a subset of UTF-8; a sample that is ASCII says nothing about the rest of the file.
    return "utf-8" if enc in ("ascii", "utf_8") else enc


def _mostly_utf8(sample: bytes) -> bool:
    """UTF-8 with a few stray bytes (a row pasted from a legacy file): more valid multi-byte UTF-8
    characters than invalid bytes. Read as UTF-8, the stray bytes' cells become cell problems;
    read as a legacy encoding, every other accented letter would silently become two."""
    text = sample.decode("utf-8", errors="surrogateescape")
    invalid = len(_BAD_BYTES.findall(text))
    return invalid > 0 and sum(1 for ch in text if ord(ch) > 127) - invalid >= invalid


def _utf8_cells(frame: pd.DataFrame, headers: list[str], encoding: str) -> list[dict]:
    """In a file read as a legacy encoding, the cells whose bytes are in fact UTF-8 ("cafÃ©"): read
    as missing, with a cell problem, instead of as mojibake."""
    problems = []
    why = f"bytes that are UTF-8, not {encoding} (the encoding of the rest of the file)"
    for c in headers:
        col = frame[c]
        non_ascii = col.notna() & ~pd.Series(textops.is_ascii(col), index=col.index)
        for i in np.flatnonzero(non_ascii.to_numpy()):
            value = col.iloc[i]
            try:
                as_utf8 = value.encode(encoding).decode("utf-8")
            except (UnicodeError, LookupError):
                continue
            if as_utf8 != value:
                problems.append({SOURCE_ROW: frame[SOURCE_ROW].iloc[i], "header": c, "raw_value": as_utf8,
                                 "problem": why})
                frame.iloc[i, frame.columns.get_loc(c)] = None
    return problems


def _decode(data: bytes, encoding: str, path: Path) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"bytes at offset {exc.start} are not valid {encoding} (detected from the first "
            f"{DETECT_BYTES:,} bytes); re-save the file as UTF-8", file=str(path)) from None


def _sniff(lines: list[str]) -> tuple[str, list[list[str]]]:
    """Pick the delimiter that splits the first lines into the most, most consistent fields."""
    best: tuple[float, str, list[list[str]]] = (-1.0, ",", [])
    text = "\n".join(lines)
    for d in DELIMITERS:
        rows = list(csv.reader(io.StringIO(text), delimiter=d))
        widths = [len(r) for r in rows if any(c.strip() for c in r)]
        if not widths:
            continue
        typical = max(set(widths), key=lambda w: (widths.count(w), w))
        consistent = widths.count(typical) / len(widths)
        score = (typical if typical > 1 else 0) * consistent
        if score > best[0]:
            best = (score, d, rows)
    return best[1], best[2]


def find_header_row(rows: list[list[object]]) -> int:
    """Index of the header among the first rows: the first row at least as full as a typical row.

    Title and note rows above a header ("Intake export - March", a blank row) have one or two
    cells filled; the header has a name in (nearly) every column.
    """
    counts = [sum(1 for c in r if c is not None and str(c).strip()) for r in rows[:HEADER_SCAN_ROWS]]
    filled = [c for c in counts if c]
    if not filled:
        return 0
    typical = max(set(filled), key=lambda c: (filled.count(c), c))
    return next(i for i, c in enumerate(counts) if c >= 0.6 * typical)


def _check_headers(headers: list[object], path: Path, header_row: int) -> list[str]:
    """Trimmed header names; a blank name becomes ``_unnamed_<column number>``; duplicates are an error."""
    clean = ["" if h is None else str(h).strip() for h in headers]
    clean = [h or f"_unnamed_{i + 1}" for i, h in enumerate(clean)]
    seen: dict[str, int] = {}
    for i, h in enumerate(clean):
        if h in seen:
            raise InputError(f"column name {h!r} appears twice in the header (columns {seen[h] + 1} "
                             f"and {i + 1}); rename one", file=str(path), row=header_row)
        seen[h] = i
    return clean


@dataclass(frozen=True)
class TextLayout:
    """How a text export is laid out, told from its first megabyte.

    Attributes:
        encoding: the text encoding (Python's name).
        delimiter: the field delimiter.
        header_row: the spreadsheet row number of the header (records start on the next row).
        headers: the header names, trimmed (a blank one is ``_unnamed_<column number>``).
    """

    encoding: str
    delimiter: str
    header_row: int
    headers: list[str]

    @property
    def utf8(self) -> bool:
        return self.encoding.replace("-", "_").lower() in ("utf_8", "utf8", "utf_8_sig")

    @property
    def arrow_encoding(self) -> str:
        """The encoding as pyarrow's CSV reader names it (it skips a UTF-8 byte-order mark itself)."""
        return "utf8" if self.utf8 else self.encoding


def detect_layout(path: Path, head: bytes) -> TextLayout:
    """The encoding, delimiter and header row of a text export whose first bytes are ``head``.

    Intake and complaint exports both go through it.

    Raises:
        InputError: no text encoding fits, or no table (one column, or no header) is found.
    """
    encoding = detect_encoding(head, path)
    utf8 = encoding.replace("-", "_").lower() in ("utf_8", "utf8", "utf_8_sig")
    head_text = head.decode(encoding if not utf8 else "utf-8", errors="replace").lstrip("\ufeff")
    lines = head_text.splitlines()
    if len(head) == DETECT_BYTES:
        lines = lines[:-1]  # the last line of the sample may be cut short
    delimiter, rows = _sniff(lines[:HEADER_SCAN_ROWS + 20])
    h = find_header_row(rows)
    headers = _check_headers(rows[h] if rows else [], path, h + 1)
    if len(headers) < 2:
        raise InputError(
            f"found a single column {headers[0][:60]!r}: the delimiter is none of comma, semicolon, "
            "tab or pipe, or this is not a table", file=str(path)) if headers else InputError(
            "no header row found", file=str(path))
    return TextLayout(encoding, delimiter, h + 1, headers)


def _read_text(path: Path, head: bytes, digest: str) -> RawExport:
    """Text exports: sniffed on the first megabyte, then read by pyarrow straight from the file."""
    layout = detect_layout(path, head)
    encoding, delimiter, headers, utf8 = layout.encoding, layout.delimiter, layout.headers, layout.utf8
    h = layout.header_row - 1
    bad_rows: list[pacsv.InvalidRow] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        bad_rows.append(row)
        return "skip"

    try:
        try:
            table = _arrow_read(path, h, headers, utf8, encoding, delimiter, on_invalid, BLOCK_BYTES)
        except pa.ArrowInvalid as exc:
            if "straddl" not in str(exc):
                raise
            bad_rows.clear()  # a record longer than a block: read again in blocks large enough
            table = _arrow_read(path, h, headers, utf8, encoding, delimiter, on_invalid, LARGE_BLOCK_BYTES)
    except UnicodeDecodeError:
        return _read_mixed(path, layout, digest)
    except pa.ArrowInvalid as exc:
        if "UTF8" in str(exc) or "utf8" in str(exc).lower():
            return _read_mixed(path, layout, digest)
        row = re.search(r"[Rr]ow #?(\d+)", str(exc))  # pyarrow's message quotes the record: not shown
        raise InputError(f"cannot be read as {DELIMITER_NAMES[delimiter]}-delimited text (an unbalanced quote "
                         "or a stray delimiter); open it in a spreadsheet and save it again as CSV",
                         file=str(path), row=int(row.group(1)) if row else None) from None
    if bad_rows:
        # Rare: records with the wrong number of fields. Re-read exactly, record by record, so
        # every record keeps its spreadsheet row number and the bad ones are kept as rejects.
        text = _decode(path.read_bytes(), "utf-8-sig" if utf8 else encoding, path)
        frame, rejects, blank = _read_text_exact(text, delimiter, h, headers)
    else:
        frame = _trimmed(table).to_pandas()
        frame.insert(0, SOURCE_ROW, pd.RangeIndex(h + 2, h + 2 + len(frame)))
        rejects, blank = [], 0
    if frame.empty and not rejects:
        raise InputError("has a header row but no data rows", file=str(path))
    frame.insert(0, SOURCE_FILE, path.name)
    if bad_rows:
        frame = _strip(frame, headers)
    cell_problems = [] if utf8 else _utf8_cells(frame, headers, encoding)
    rej = pd.DataFrame(rejects, columns=REJECT_COLUMNS)
    return RawExport(frame, path, digest, encoding, delimiter, h + 1, rej, blank,
                     pd.DataFrame(cell_problems, columns=CELL_PROBLEM_COLUMNS))


def _read_mixed(path: Path, layout: TextLayout, digest: str) -> RawExport:
    """A text export some of whose bytes are not valid in its encoding (a row pasted from a file in
    another encoding): read record by record, and each cell holding such bytes read as missing
    with a cell problem, never guessed into other letters."""
    h = layout.header_row - 1
    # each invalid byte becomes U+FFFD, which marks the cells that held one
    text = path.read_bytes().decode("utf-8-sig" if layout.utf8 else layout.encoding, errors="replace")
    frame, rejects, blank = _read_text_exact(text, layout.delimiter, h, layout.headers)
    problems = []
    why = f"bytes that are not valid {layout.encoding} (the encoding of the rest of the file), shown as \ufffd"
    for c in layout.headers:
        bad = frame[c].str.contains("\ufffd", regex=False, na=False)
        problems += [{SOURCE_ROW: row, "header": c, "raw_value": value, "problem": why}
                     for row, value in zip(frame.loc[bad, SOURCE_ROW], frame.loc[bad, c])]
        frame.loc[bad, c] = None
    if frame.empty and not rejects:
        raise InputError("has a header row but no data rows", file=str(path))
    frame.insert(0, SOURCE_FILE, path.name)
    frame = _strip(frame, layout.headers)
    return RawExport(frame, path, digest, layout.encoding, layout.delimiter, h + 1,
                     pd.DataFrame(rejects, columns=REJECT_COLUMNS), blank,
                     pd.DataFrame(problems, columns=CELL_PROBLEM_COLUMNS))


def _arrow_read(path: Path, h: int, headers: list[str], utf8: bool, encoding: str, delimiter: str,
                on_invalid, block_size: int) -> pa.Table:
    """Every cell as text (empty cells missing), parsed by pyarrow in blocks of ``block_size`` bytes."""
    return pacsv.read_csv(
        str(path),  # pyarrow skips a UTF-8 byte-order mark and transcodes other encodings itself
        read_options=pacsv.ReadOptions(skip_rows=h + 1, column_names=headers, block_size=block_size,
                                       encoding="utf8" if utf8 else encoding),  # as TextLayout.arrow_encoding
        parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False,
                                         invalid_row_handler=on_invalid),
        convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in headers},
                                             strings_can_be_null=True, null_values=[""],
                                             quoted_strings_can_be_null=True),
    )


def _read_text_exact(text: str, delimiter: str, h: int, headers: list[str]) -> tuple[pd.DataFrame, list[dict], int]:
    """Record-by-record read: good records under the headers, the rest as rejects (their fields
    kept as a list), and the number of blank lines.

    A blank line (nothing, or only white space) is no record, as in the fast read, which finds it
    too and sends the file here; a record of empty fields (``,,``) is a record in both reads.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    good, rows, rejects, blank = [], [], [], 0
    width = len(headers)
    for n, rec in enumerate(reader, start=1):
        if n <= h + 1:
            continue
        if len(rec) == 0 or (len(rec) == 1 and not rec[0].strip()):
            blank += 1
            continue
        if len(rec) == width:
            good.append([c if c != "" else None for c in rec])
            rows.append(n)
        else:
            rejects.append({SOURCE_ROW: n, "fields": rec, "reason": f"{len(rec)} fields where the header has {width}"})
    frame = pd.DataFrame(good, columns=headers, dtype="str")
    frame.insert(0, SOURCE_ROW, rows)
    return frame, rejects, blank


def _trim_column(col: pa.ChunkedArray) -> pa.ChunkedArray:
    """Surrounding white space trimmed; a cell of only white space is missing. A column with no
    such cell comes back as it is (finding them is a match, cheaper than rewriting every cell)."""
    padded = pc.match_substring_regex(col, pattern=r"^\s|\s$")
    if not pc.any(padded).as_py():
        return col
    t = pc.utf8_trim_whitespace(col)
    blank = pc.equal(t, "")
    return pc.if_else(blank, pa.scalar(None, t.type), t) if pc.any(blank).as_py() else t


def _trimmed(table: pa.Table) -> pa.Table:
    """Trim surrounding white space in every cell; a cell of only white space is missing."""
    return pa.table([_trim_column(c) for c in table.columns], names=table.column_names)


def _strip(frame: pd.DataFrame, headers: list[str]) -> pd.DataFrame:
    """:func:`_trimmed` for a frame read another way (a workbook, or record by record)."""
    trimmed = _trimmed(pa.Table.from_pandas(frame[headers], preserve_index=False)).to_pandas()
    out = frame.copy()
    for c in headers:
        out[c] = trimmed[c].astype("str").to_numpy()
    return out


def _cell_text(v: object) -> object:
    if v is None:
        return None
    if isinstance(v, datetime):
        return v.isoformat(sep="T") if (v.hour or v.minute or v.second) else v.date().isoformat()
    if isinstance(v, (date, time)):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _check_inflation(path: Path, data: bytes) -> None:
    """Refuse a workbook whose parts would inflate past :data:`XLSX_MAX_RATIO` times its size or
    :data:`XLSX_MAX_BYTES`, from the sizes its zip directory declares, before inflating anything.
    (Python's zip reader stops at the declared size, so a part cannot inflate past it unseen.)"""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            inflated = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise InputError(f"not a readable .xlsx workbook ({exc})", file=str(path)) from None
    limit = min(XLSX_MAX_RATIO * len(data), XLSX_MAX_BYTES)
    if inflated > limit:
        raise InputError(f"the workbook would inflate to {inflated:,} bytes, {inflated / max(len(data), 1):,.0f} "
                         f"times its {len(data):,} bytes (the limit is {XLSX_MAX_RATIO} times, and at most "
                         f"{XLSX_MAX_BYTES:,} bytes): refused as a possible zip bomb; save the sheet as CSV",
                         file=str(path))


def _load_rows(data: bytes, path: Path, formulas: bool) -> list[tuple]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=not formulas)
    except Exception as exc:  # noqa: BLE001 (openpyxl raises many types for a bad workbook)
        raise InputError(f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})", file=str(path)) from None
    try:
        return list(wb.worksheets[0].iter_rows(values_only=True))
    finally:
        wb.close()


def _read_excel(path: Path, data: bytes, digest: str) -> RawExport:
    """The first sheet, every cell as text, with the values Excel saved for formulas. A formula
    cell without a saved value (written by a tool that does not compute formulas) is read as
    missing and recorded as a cell problem."""
    _check_inflation(path, data)
    values = _load_rows(data, path, formulas=False)
    rows = [[_cell_text(v) for v in r] for r in values]
    if not rows:
        raise InputError("the workbook's first sheet is empty", file=str(path))
    h = find_header_row(rows)
    width = max(len(r) for r in rows)
    headers = _check_headers(list(rows[h]) + [None] * (width - len(rows[h])), path, h + 1)
    problems = []
    for i, r in enumerate(_load_rows(data, path, formulas=True)):  # the same cells, formulas as written
        for j, v in enumerate(r):
            if i > h and isinstance(v, str) and v.startswith("=") and (j >= len(values[i]) or values[i][j] is None):
                problems.append({SOURCE_ROW: i + 1, "header": headers[j], "raw_value": v,
                                 "problem": FORMULA_WITHOUT_VALUE})
    records = [(i, r + [None] * (width - len(r))) for i, r in enumerate(rows[h + 1:], start=h + 2)
               if any(c is not None and str(c).strip() for c in r)]
    if not records:
        raise InputError("has a header row but no data rows", file=str(path))
    frame = pd.DataFrame([r for _, r in records], columns=headers, dtype="str")
    frame.insert(0, SOURCE_ROW, [i for i, _ in records])
    frame.insert(0, SOURCE_FILE, path.name)
    frame = _strip(frame, headers)
    return RawExport(frame, path, digest, "xlsx", "", h + 1,
                     cell_problems=pd.DataFrame(problems, columns=CELL_PROBLEM_COLUMNS))
