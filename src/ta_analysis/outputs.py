"""Writing outputs: atomically, deterministically, safe to open in a spreadsheet, with provenance.

Examples:
    >>> import pandas as pd
    >>> print(to_csv_bytes(pd.DataFrame({"a": ["=HYPERLINK(1)", "ok"]})).decode())
    "a"
    "'=HYPERLINK(1)"
    "ok"
    <BLANKLINE>
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Iterator

import pandas as pd

from ta_analysis.config import PROJECT_ROOT

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def package_version() -> str:
    try:
        return version("ta-analysis")
    except PackageNotFoundError:  # pragma: no cover (running from a bare source tree)
        from ta_analysis import __version__

        return __version__


def git_commit() -> str | None:
    """The commit of the code, with ``-dirty`` when the work tree has changes; None outside git."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True,
                              text=True, timeout=10)
        if head.returncode != 0:
            return None
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", "src"],
                               cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=10)
        return head.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return None


def lock_sha256() -> str | None:
    """SHA-256 of ``requirements.lock``, the exact versions installed (None outside a checkout)."""
    import hashlib

    lock = PROJECT_ROOT / "requirements.lock"
    return hashlib.sha256(lock.read_bytes()).hexdigest() if lock.exists() else None


def _csv_table(df: pd.DataFrame, dates: tuple[str, ...] = ()):
    """The frame as an Arrow table for CSV: categories as text, the columns named in ``dates`` as
    dates (YYYY-MM-DD; they must hold no time of day). Formula cells: :func:`_neutralised`."""
    import pyarrow as pa
    import pyarrow.compute as pc

    table = pa.Table.from_pandas(df, preserve_index=False)
    cols = []
    for name, col in zip(table.column_names, table.columns):
        if pa.types.is_dictionary(col.type):
            col = col.cast(pa.string())
        if name in dates:
            if not pc.all(pc.equal(pc.floor_temporal(col, unit="day"), col)).as_py():
                raise ValueError(f"column {name!r} is written as dates but holds a time of day")
            col = col.cast(pa.date32())
        cols.append(col)
    return pa.table(cols, names=table.column_names)


def _neutralised(table):
    """Text cells a spreadsheet would run as a formula (:data:`FORMULA_START`) prefixed with ``'``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    cols = []
    for col in table.columns:
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            first = pc.utf8_slice_codeunits(col, 0, 1)
            risky = pc.fill_null(pc.is_in(first, value_set=pa.array(FORMULA_START, col.type)), False)
            if pc.any(risky).as_py():  # rare: rebuild the column only when it has such a cell
                quote, empty = pa.scalar("'", col.type), pa.scalar("", col.type)
                col = pc.if_else(risky, pc.binary_join_element_wise(quote, col, empty), col)
        cols.append(col)
    return pa.table(cols, names=table.column_names)


CSV_CHUNK_ROWS = 10_000  # rows rendered at a time (a block of a few MB is scanned while still in cache)
_SEAM = 64  # bytes either side of a seam between blocks scanned again (longer than any phone number)


def write_csv(df: pd.DataFrame, path: Path, *, scan=None, dates: tuple[str, ...] = ()) -> list[str] | None:
    """CSV for people, straight to a file: UTF-8, \\n line ends, ISO dates, true/false, formulas neutralised.

    Timestamps are written ``YYYY-MM-DD HH:MM:SS``; the columns named in ``dates`` (fields that
    are dates by definition) as ``YYYY-MM-DD``.

    Written by pyarrow's CSV writer (RFC 4180 quoting where needed): deterministic, and an order of
    magnitude faster and leaner than ``DataFrame.to_csv`` on a million rows. The rows are rendered
    in blocks of :data:`CSV_CHUNK_ROWS` and written in order, so the bytes are those of one single
    write. With ``scan`` (a function from bytes to the kinds of identifier found,
    :func:`ta_analysis.anonymise.scan_buffer`), every block is scanned as it is rendered, and so
    is each seam between blocks; the kinds found are returned (None without ``scan``).
    """
    table = _csv_table(df, dates)
    found: list[str] = []
    tail = b""
    with open(path, "wb") as fh:
        for start in range(0, max(table.num_rows, 1), CSV_CHUNK_ROWS):
            block = _render(table.slice(start, CSV_CHUNK_ROWS), header=start == 0)
            if scan:
                found.extend(scan(block))
                if tail:
                    found.extend(scan(tail + block.slice(0, min(_SEAM, block.size)).to_pybytes()))
            fh.write(block)
            if block.size:
                tail = block.slice(max(0, block.size - _SEAM)).to_pybytes()
    return list(dict.fromkeys(found)) if scan else None


def _render(table, header: bool = True):
    """The table (from :func:`_csv_table`) as CSV bytes in a pyarrow buffer, formulas neutralised."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    out = pa.BufferOutputStream()
    pacsv.write_csv(_neutralised(table), out,
                    write_options=pacsv.WriteOptions(include_header=header, quoting_style="needed"))
    return out.getvalue()


def to_csv_bytes(df: pd.DataFrame, dates: tuple[str, ...] = ()) -> bytes:
    """The bytes :func:`write_csv` would write (for small outputs)."""
    return _render(_csv_table(df, dates)).to_pybytes()


def to_json_bytes(obj: object) -> bytes:
    return (json.dumps(obj, indent=2, sort_keys=False, ensure_ascii=False, default=str) + "\n").encode("utf-8")


WRITING_THREADS = 2  # make bench: see the README's Benchmarks section for what they save


def write_outputs(out_dir: Path, makers: dict, scan) -> dict[str, Path]:
    """Make each output in a staging folder, scan it, and move them all into ``out_dir`` together.

    ``makers`` maps a file name to a function that writes that file at the path it is given and
    returns either the list of kinds of identifier it found while writing (:func:`write_csv` with
    ``scan``) or anything else; ``scan`` takes a path and returns the kinds found in the file, for
    the files of the second sort. If any file holds an identifier, nothing is written and the
    previous outputs stay. The files are made :data:`WRITING_THREADS` at a time, largest first as
    listed (pyarrow's writers and the RE2 scan release the GIL); each file is written by one thread.
    """
    out_dir = Path(out_dir)

    def make(name: str) -> list[str]:
        kinds = makers[name](tmp / name)
        if isinstance(kinds, list):  # scanned as it was written
            return kinds
        return [] if name.endswith(".parquet") else scan(tmp / name)

    with staging(out_dir) as tmp:
        with ThreadPoolExecutor(max_workers=WRITING_THREADS) as pool:
            found = {name: pool.submit(make, name) for name in makers}
        for name, result in found.items():  # in the order given, so the message is deterministic
            kinds = result.result()  # a writer's own error is raised here
            if kinds:
                raise RuntimeError(f"refusing to write: a {kinds[0]} survived redaction in {name}; "
                                   "nothing was written")
    return {name: out_dir / name for name in makers}


@contextmanager
def staging(out_dir: Path) -> Iterator[Path]:
    """A temporary folder beside ``out_dir``; files left in it are moved into ``out_dir`` on success.

    Each file replaces its old version with one atomic rename, so a crash (or an error raised
    inside the block) leaves the previous outputs intact.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".staging-", dir=out_dir))
    try:
        yield tmp
        for f in sorted(tmp.iterdir()):
            os.replace(f, out_dir / f.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
