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

from ta_analysis.config import DATA_RAW, PROJECT_ROOT
from ta_analysis.errors import InputError
from ta_analysis.read import sha256_file

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def package_version() -> str:
    try:
        return version("ta-analysis")
    except PackageNotFoundError:  # pragma: no cover (running from a bare source tree)
        from ta_analysis import __version__

        return __version__


def git_commit() -> str | None:
    """The commit of the code, with ``-dirty`` when anything in the repository differs from it (a
    changed or new file anywhere but in what ``.gitignore`` leaves out: code, notebooks, vocabularies,
    the lock file); None outside git."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True,
                              text=True, timeout=10)
        if head.returncode != 0:
            return None
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=normal"],
                               cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=10)
        return head.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return None


def lock_sha256() -> str | None:
    """SHA-256 of ``requirements.lock``, the exact versions installed (None outside a checkout)."""
    import hashlib

    lock = PROJECT_ROOT / "requirements.lock"
    return hashlib.sha256(lock.read_bytes()).hexdigest() if lock.exists() else None


def locked_packages() -> dict[str, str]:
    """Every package ``requirements.lock`` pins, with its version (empty outside a checkout)."""
    import re

    lock = PROJECT_ROOT / "requirements.lock"
    if not lock.exists():
        return {}
    return dict(re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)", lock.read_text(encoding="utf-8"), re.M))


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
            if not pc.all(pc.fill_null(pc.equal(pc.floor_temporal(col, unit="day"), col), True)).as_py():
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


CSV_CHUNK_ROWS = 10_000  # rows rendered at a time (a block of a few MB, not the whole file, in memory)


def write_csv(df: pd.DataFrame, path: Path, *, dates: tuple[str, ...] = ()) -> None:
    """CSV for people, straight to a file: UTF-8, \\n line ends, ISO dates, true/false, formulas neutralised.

    Timestamps are written ``YYYY-MM-DD HH:MM:SS``; the columns named in ``dates`` (fields that
    are dates by definition) as ``YYYY-MM-DD``.

    Written by pyarrow's CSV writer (RFC 4180 quoting where needed): deterministic, and an order of
    magnitude faster and leaner than ``DataFrame.to_csv`` on a million rows. The rows are rendered
    in blocks of :data:`CSV_CHUNK_ROWS` and written in order, so the bytes are those of one single
    write.
    """
    table = _csv_table(df, dates)
    with open(path, "wb") as fh:
        for start in range(0, max(table.num_rows, 1), CSV_CHUNK_ROWS):
            fh.write(_render(table.slice(start, CSV_CHUNK_ROWS), header=start == 0))


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
MANIFEST = "manifest.json"  # written last: every file of the run with its SHA-256
LOCK = ".ta-analysis.lock"  # held while a run writes the folder
STAGING = ".staging-"  # a run's files before they are published


def check_out_dir(out: str | Path, *, inputs: tuple = (), protected: tuple = ()) -> Path:
    """The output folder a command may write, or an InputError saying why not.

    Refused: an empty path; a path that is a file (or anything but a folder); ``data/raw`` or a
    folder inside it; the folder of an input file; a folder that is or holds one of ``protected``
    (for ``report``, the processed folder it reads).
    """
    if str(out).strip() == "":
        raise InputError("--out is empty; name the output folder")
    path = Path(out)
    target = path.resolve()
    if path.exists() and not path.is_dir():
        raise InputError("--out names a file, not a folder", file=str(out))
    raw = DATA_RAW.resolve()
    if target == raw or raw in target.parents:
        raise InputError("--out is data/raw or inside it: raw exports are never written to", file=str(out))
    for i in inputs:
        if Path(i).resolve().parent == target:
            raise InputError(f"--out is the folder of the input {Path(i).name}: inputs are never written beside",
                             file=str(out))
    for p in protected:
        p = Path(p).resolve()
        if target == p or target in p.parents:
            raise InputError(f"--out is or holds {p.name}, which this command reads", file=str(out))
    return path


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold ``folder``'s lock while writing it: a second run into the same folder exits 2 at once."""
    folder.mkdir(parents=True, exist_ok=True)
    with locked_file(folder / LOCK, folder):
        yield


@contextmanager
def locked_file(lock: Path, folder: Path) -> Iterator[None]:
    """An exclusive lock on ``lock`` (released when the process ends, however it ends)."""
    import fcntl

    with open(lock, "a+b") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InputError("another ta-analysis run is writing this folder; wait for it to finish",
                             file=str(folder)) from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def write_outputs(out_dir: Path, files: dict, *, kind: str) -> dict[str, Path]:
    """Scan, write and publish one run's files as one unit.

    ``files`` maps a file name to ``(content, write)``: ``content`` is what the file holds, scanned
    for direct identifiers before anything is written (a DataFrame, column by column; text; or
    None when another entry's content covers it), and ``write(path)`` writes the file.

    If any content holds an identifier, nothing is written (:class:`anonymise.IdentifierFound`,
    naming the file, the column and the kind). Otherwise, under the folder's lock, every file is
    made in a staging folder (:data:`WRITING_THREADS` at a time; pyarrow's writers release the
    GIL), the previous run's manifest is removed, the files are renamed into ``out_dir``, and the
    manifest (:data:`MANIFEST`: every file's SHA-256) is written last. A crash at any point leaves
    either the previous run's files with its manifest, or files no manifest vouches for, which
    :func:`read_manifest` refuses. Files in ``out_dir`` that this run does not write are left alone.
    """
    from ta_analysis import anonymise

    out_dir = Path(out_dir)
    for name, (content, _) in files.items():  # before anything is written
        if isinstance(content, pd.DataFrame):
            anonymise.scan_frame(content, name)
        elif content is not None:
            kinds = anonymise.scan_text(content)
            if kinds:
                raise anonymise.IdentifierFound(name, "(text)", kinds[0])
    with locked(out_dir):
        for leftover in out_dir.glob(STAGING + "*"):  # an earlier run that crashed (the lock is ours)
            shutil.rmtree(leftover, ignore_errors=True)
        tmp = Path(tempfile.mkdtemp(prefix=STAGING, dir=out_dir))
        try:
            with ThreadPoolExecutor(max_workers=WRITING_THREADS) as pool:
                done = [pool.submit(write, tmp / name) for name, (_, write) in files.items()]
            for d in done:
                d.result()  # a writer's own error is raised here
            manifest = {"written_by": "ta-analysis", "kind": kind,
                        "files": {name: {"sha256": sha256_file(tmp / name), "bytes": (tmp / name).stat().st_size}
                                  for name in files}}
            (tmp / MANIFEST).write_bytes(to_json_bytes(manifest))
            (out_dir / MANIFEST).unlink(missing_ok=True)
            for name in files:
                os.replace(tmp / name, out_dir / name)
            os.replace(tmp / MANIFEST, out_dir / MANIFEST)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return {name: out_dir / name for name in files}


def read_manifest(folder: Path, kind: str) -> dict:
    """The manifest of a finished run of ``kind`` in ``folder``, after checking every file it lists
    is there with its recorded size and SHA-256; an InputError otherwise."""
    path = Path(folder) / MANIFEST
    again = f"run 'ta-analysis {kind} ... --out {folder}' again"
    if not path.is_file():
        raise InputError(f"no {MANIFEST}: no finished 'ta-analysis {kind}' run wrote this folder; {again}",
                         file=str(folder))
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        files = manifest["files"]
    except (ValueError, KeyError, TypeError):
        raise InputError(f"{MANIFEST} cannot be read; {again}", file=str(folder)) from None
    if manifest.get("kind") != kind:
        raise InputError(f"written by 'ta-analysis {manifest.get('kind')}', not '{kind}'", file=str(folder))
    for name, entry in files.items():
        f = Path(folder) / name
        if not f.is_file() or f.stat().st_size != entry["bytes"] or sha256_file(f) != entry["sha256"]:
            raise InputError(f"{name} is missing or is not the file its run wrote (changed since, or left by "
                             f"an unfinished run); {again}", file=str(folder))
    return manifest
