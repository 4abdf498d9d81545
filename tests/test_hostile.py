"""A gallery of hostile inputs for the ``ta-analysis`` command line.

Every case builds its own files in ``tmp_path`` from rows of the bundled sample and runs the CLI
in a child process (``python -m ta_analysis``). The behaviour asserted is the spec:

* a problem with the input, the arguments or the environment exits 2 with one line on stderr
  naming the file (and row/column where there is one), never a traceback, never raw record text;
  exit 1 is only for bugs;
* nothing destroys data (inputs, the processed folder, files the tool did not write);
* an output set is one unit (the manifest vouches for every file);
* edge data cleans; identifiers never reach an output file; hostile files are refused cheaply.
"""

from __future__ import annotations

import csv
import io
import os
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
import unicodedata
import zipfile
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "raw" / "sample" / "intake_export_sample.csv"
CFPB = ROOT / "data" / "raw" / "sample" / "cfpb_complaints_sample.csv"
NOTEBOOKS = ROOT / "notebooks"

# an explicit period wide enough for every sample row, so small exports are never refused for it
PERIOD = ["--as-of", "2025-06-30", "--class-start", "2015-01-01", "--class-end", "2025-06-30"]
ENV = {**os.environ, "TA_ANALYSIS_HASH_KEY": "hostile-test-key-not-the-public-default",
       "PYTHONDONTWRITEBYTECODE": "1"}
ENV.pop("TA_ANALYSIS_DEBUG", None)
ENV.pop("TA_ANALYSIS_KEY_FILE", None)


# --- helpers ---------------------------------------------------------------------------------

def sample_rows(n: int = 20) -> tuple[list[str], list[dict]]:
    """The sample's header (BOM dropped) and its first ``n`` records."""
    with open(SAMPLE, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = [dict(r) for _, r in zip(range(n), reader)]
        return list(reader.fieldnames), rows


HEADER, _ = sample_rows(1)
NARRATIVE = "Tell us about your case"
EMAIL = "Email"
PHONE = "Phone Number"
TA = "Was the order covered by Trade Assurance?"
DELIVERED = "Date delivered"


def write_csv(path: Path, header: list[str], rows: list[dict]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=header, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    return path


def sample_export(path: Path, n: int = 20) -> Path:
    header, rows = sample_rows(n)
    return write_csv(path, header, rows)


def cli(*args, cwd: Path | str | None = None, timeout: float = 180) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "ta_analysis", *map(str, args)]
    try:
        return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, env=ENV, timeout=timeout,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{' '.join(map(str, args))}: no answer within {timeout} s (hangs)")


def cli_measured(*args, cwd, timeout: float, mem_limit: int = 8 << 30):
    """Run the CLI and return (returncode, stdout, stderr, seconds, peak RSS in bytes) of that child
    alone (os.wait4), killing it after ``timeout`` seconds and capping its address space."""
    out, err = Path(cwd) / ".child.out", Path(cwd) / ".child.err"

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (mem_limit, mem_limit))

    with open(out, "wb") as o, open(err, "wb") as e:
        t0 = time.monotonic()
        p = subprocess.Popen([sys.executable, "-m", "ta_analysis", *map(str, args)], cwd=cwd, env=ENV,
                             stdout=o, stderr=e, stdin=subprocess.DEVNULL, preexec_fn=limit,
                             start_new_session=True)
        killed = []

        def killer():
            killed.append(True)
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, killer)
        timer.start()
        try:
            _, status, usage = os.wait4(p.pid, 0)
        finally:
            timer.cancel()
        p.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - t0
    if killed:
        pytest.fail(f"{' '.join(map(str, args))}: killed after {timeout} s (hangs or reads forever)")
    rss = usage.ru_maxrss * 1024  # kilobytes on Linux
    return p.returncode, out.read_text(errors="replace"), err.read_text(errors="replace"), seconds, rss


def error_lines(stderr: str) -> list[str]:
    """stderr without warnings and progress (lines the user needs to act on)."""
    return [ln for ln in stderr.splitlines() if ln.strip() and not ln.startswith("ta-analysis: warning:")]


def assert_input_error(r, *names: str, forbidden: tuple[str, ...] = ()) -> str:
    """Exit 2, exactly one line, no traceback, mentions every ``names``, none of ``forbidden``."""
    stderr = r.stderr if hasattr(r, "stderr") else r[2]
    code = r.returncode if hasattr(r, "returncode") else r[0]
    assert "Traceback" not in stderr, f"traceback on stderr:\n{stderr}"
    lines = error_lines(stderr)
    assert code == 2, f"exit {code}, expected 2; stderr: {stderr!r}"
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}: {stderr!r}"
    line = lines[0]
    for n in names:
        assert n in line, f"message does not name {n!r}: {line!r}"
    for f in forbidden:
        assert f.lower() not in line.lower(), f"message leaks {f!r}: {line!r}"
    return line


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def output_texts(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` as text (.parquet through pandas)."""
    import pandas as pd

    texts = {}
    for p in sorted(folder.rglob("*")):
        if not p.is_file():
            continue
        if p.suffix == ".parquet":
            df = pd.read_parquet(p)
            texts[str(p.relative_to(folder))] = " | ".join(map(str, df.columns)) + "\n" + df.to_csv(index=False)
        else:
            texts[str(p.relative_to(folder))] = p.read_bytes().decode("utf-8", errors="replace")
    return texts


def squash(s: str) -> str:
    """NFKC, then without spaces and dashes of any kind, lower case."""
    s = unicodedata.normalize("NFKC", s)
    s = "".join(ch for ch in s if not (ch.isspace() or unicodedata.category(ch) == "Pd" or ch in "-\u2212"))
    return s.lower()


def leaks(folder: Path, needles: list[str]) -> list[str]:
    found = []
    for name, text in output_texts(folder).items():
        low, sq = text.lower(), squash(text)
        for n in needles:
            if n.lower() in low or unicodedata.normalize("NFKC", n).lower() in low or squash(n) in sq:
                found.append(f"{name}: {n!r}")
    return found


def clean(inp, out, *extra, cwd=None, timeout=180):
    return cli("clean", *([inp] if isinstance(inp, (str, Path)) else inp), "--out", out, *PERIOD, "--quiet",
               *extra, cwd=cwd, timeout=timeout)


@pytest.fixture
def cleaned(tmp_path) -> Path:
    """A processed folder from 20 sample rows."""
    inp = sample_export(tmp_path / "export.csv")
    out = tmp_path / "processed"
    r = clean(inp, out, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    return out


def output_files(folder: Path) -> list[str]:
    """The files a clean wrote (the lock is machinery, not output)."""
    return sorted(p.name for p in folder.iterdir() if p.is_file() and p.name != ".ta-analysis.lock")


# --- exit codes ------------------------------------------------------------------------------

def test_folder_as_input(tmp_path):
    (tmp_path / "a_folder").mkdir()
    r = clean(tmp_path / "a_folder", tmp_path / "out", cwd=tmp_path)
    assert_input_error(r, "a_folder")
    assert not (tmp_path / "out" / "manifest.json").exists()


def test_invalid_company_regex(tmp_path):
    r = cli("complaints", CFPB, "--company", "alibaba(", "--out", tmp_path / "out", cwd=tmp_path)
    assert_input_error(r, "--company")


def test_unterminated_quote(tmp_path):
    header, rows = sample_rows(4)
    p = write_csv(tmp_path / "quote.csv", header, rows)
    # line 6 (data rows on lines 2-5): a record whose quote never closes, with an identifier in it
    with open(p, "a", encoding="utf-8", newline="") as fh:
        fh.write('INT-199999,2019-07-12 09:59:48,unterminated.person@example.com,,WA,US,Individual,TA1,SUP-1,'
                 '2019-06-18,100,USD,Home & garden,TRUE,2019-07-15,,delivered,Damaged,,,,No,,,,,'
                 '"My story starts here and the quote never closes, call 415 555 0199\n')
    r = clean(p, tmp_path / "out", cwd=tmp_path)
    # Nothing is lost and nothing leaks: the broken record is quarantined with its row, and its
    # raw value in the ledger is its redacted fields (the identity columns left out).
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    audit = pd.read_csv(tmp_path / "out" / "audit.csv", dtype=str, keep_default_na=False)
    bad = audit[audit["source_row"] == "6"]
    assert bad[["fate", "rule"]].values.tolist() == [["quarantined", "unreadable_record"]]
    assert "[PHONE]" in bad["raw_value"].iloc[0]
    assert leaks(tmp_path / "out", ["unterminated.person@example.com", "415 555 0199"]) == []


def test_email_as_header_name(tmp_path):
    header, rows = sample_rows(5)
    bad = "jo.quill@example.com"
    header2 = header + [bad]
    for r_ in rows:
        r_[bad] = "x"
    p = write_csv(tmp_path / "hdr.csv", header2, rows)
    r = clean(p, tmp_path / "out", cwd=tmp_path)
    # Headers are redacted like every other text: the clean goes on, and the address is nowhere.
    assert r.returncode == 0 and "jo.quill" not in r.stderr + r.stdout, r.stderr
    assert leaks(tmp_path / "out", [bad]) == []
    assert "[EMAIL]" in (tmp_path / "out" / "header_mapping.csv").read_text(encoding="utf-8")


def test_read_only_out_folder(tmp_path):
    inp = sample_export(tmp_path / "export.csv", 5)
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o500)
    try:
        r = clean(inp, out, cwd=tmp_path)
    finally:
        out.chmod(0o700)
    assert "Traceback" not in r.stderr
    if os.geteuid() == 0:  # root writes anyway: the tool may succeed, but must never crash
        assert r.returncode in (0, 2), f"exit {r.returncode}: {r.stderr!r}"
        if r.returncode == 2:
            assert_input_error(r, "ro")
    else:
        assert_input_error(r, "ro")


def test_dev_zero_as_input(tmp_path):
    r = cli_measured("clean", "/dev/zero", "--out", tmp_path / "out", *PERIOD, "--quiet", cwd=tmp_path,
                     timeout=60, mem_limit=4 << 30)
    assert_input_error(r, "/dev/zero")


def test_fifo_as_input(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    r = clean(fifo, tmp_path / "out", cwd=tmp_path, timeout=60)
    assert_input_error(r, "pipe.csv")


def test_empty_file(tmp_path):
    p = tmp_path / "empty.csv"
    p.write_bytes(b"")
    r = clean(p, tmp_path / "out", cwd=tmp_path)
    assert_input_error(r, "empty.csv")


def test_binary_file(tmp_path):
    p = tmp_path / "binary.csv"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40 + os.urandom(4096))
    r = clean(p, tmp_path / "out", cwd=tmp_path)
    assert_input_error(r, "binary.csv")


# --- nothing destroys data -------------------------------------------------------------------

def test_report_out_is_processed(cleaned, tmp_path):
    before = snapshot(cleaned)
    r = cli("report", "--processed", cleaned, "--out", cleaned, "--quiet", "--draws", "100", cwd=tmp_path)
    assert_input_error(r)
    assert snapshot(cleaned) == before, "the processed folder changed"


def test_report_out_holds_foreign_file(cleaned, tmp_path):
    y = tmp_path / "reports"
    y.mkdir()
    (y / "my_notes.txt").write_text("attorney notes, not written by ta-analysis\n")
    r = cli("report", "--processed", cleaned, "--out", y, "--quiet", "--draws", "100", cwd=tmp_path)
    assert_input_error(r)
    assert (y / "my_notes.txt").read_text() == "attorney notes, not written by ta-analysis\n"


def test_clean_out_is_folder_of_input(tmp_path):
    d = tmp_path / "exports"
    d.mkdir()
    inp = sample_export(d / "export.csv", 10)
    before = snapshot(d)
    r = clean(inp, d, cwd=tmp_path)
    assert_input_error(r)
    assert snapshot(d) == before


def test_clean_out_empty_string(tmp_path):
    # the input lives elsewhere, so the "folder of the input" rule cannot be what refuses it
    (tmp_path / "exports").mkdir()
    inp = sample_export(tmp_path / "exports" / "export.csv", 5)
    work = tmp_path / "work"
    work.mkdir()
    r = clean(inp, "", cwd=work)
    assert_input_error(r)
    assert sorted(p.name for p in work.iterdir()) == [], "clean --out '' wrote into the working folder"


def test_clean_out_is_a_file(tmp_path):
    inp = sample_export(tmp_path / "export.csv", 5)
    f = tmp_path / "some_file"
    f.write_text("keep me\n")
    r = clean(inp, f, cwd=tmp_path)
    assert_input_error(r, "some_file")
    assert f.read_text() == "keep me\n"


def test_clean_out_inside_data_raw(tmp_path):
    target = ROOT / "data" / "raw" / "x"
    if target.exists():
        pytest.skip("data/raw/x already exists; not touching it")
    inp = sample_export(tmp_path / "export.csv", 5)
    raw_before = sorted(p.name for p in (ROOT / "data" / "raw").iterdir())
    try:
        r = clean(inp, "data/raw/x", cwd=ROOT)
        assert_input_error(r)
        assert not target.exists(), "data/raw/x was created"
        assert sorted(p.name for p in (ROOT / "data" / "raw").iterdir()) == raw_before
    finally:
        if target.exists():
            shutil.rmtree(target)


# --- an output set is one unit ---------------------------------------------------------------

def test_summary_of_clean_folder_works(cleaned):
    r = cli("summary", "--processed", cleaned, "--draws", "100")
    assert r.returncode == 0, r.stderr


def summary_refuses(folder: Path, name: str) -> list[str]:
    """[] when ``summary`` on ``folder`` exits 2 with one line naming ``name``; else what it did."""
    r = cli("summary", "--processed", folder, "--draws", "100")
    lines = error_lines(r.stderr)
    if r.returncode != 2 or "Traceback" in r.stderr or len(lines) != 1 or name not in lines[0]:
        return [f"{name}: exit {r.returncode}, stderr {r.stderr.strip()[-300:]!r}"]
    return []


def test_edit_any_output_breaks_summary(cleaned, tmp_path):
    failures = []
    for name in output_files(cleaned):
        d = tmp_path / f"edit-{name}"
        shutil.copytree(cleaned, d)
        f = d / name
        data = f.read_bytes()
        # same size, one byte changed (a size check alone would not see it)
        i = len(data) // 2
        f.write_bytes(data[:i] + bytes([data[i] ^ 0x01]) + data[i + 1:] if data else b"x")
        failures += summary_refuses(d, name)
    assert not failures, "editing an output was not caught:\n" + "\n".join(failures)


def test_delete_any_output_breaks_summary(cleaned, tmp_path):
    failures = []
    for name in output_files(cleaned):
        d = tmp_path / f"del-{name}"
        shutil.copytree(cleaned, d)
        (d / name).unlink()
        failures += summary_refuses(d, name)
    assert not failures, "deleting an output was not caught:\n" + "\n".join(failures)


def test_leftover_staging_folder_removed(cleaned, tmp_path):
    left = cleaned / ".staging-xyz"
    left.mkdir()
    (left / "intake.csv").write_text("half-written\n")
    r = clean(tmp_path / "export.csv", cleaned, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert not left.exists(), ".staging-xyz survived the next clean"


# --- edge data -------------------------------------------------------------------------------

@pytest.mark.parametrize("column", [DELIVERED, "Date of claim", "Promised delivery"])
def test_whole_date_column_empty(tmp_path, column):
    header, rows = sample_rows(20)
    for r_ in rows:
        r_[column] = ""
    p = write_csv(tmp_path / "export.csv", header, rows)
    r = clean(p, tmp_path / "out", cwd=tmp_path)
    assert r.returncode == 0, f"exit {r.returncode}: {r.stderr.strip()!r}"


def test_whole_customs_columns_empty(tmp_path):
    header, rows = sample_rows(20)
    for r_ in rows:
        for c in ("Customs/duties paid", "Fees currency", "Customs refund received"):
            r_[c] = ""
    p = write_csv(tmp_path / "export.csv", header, rows)
    r = clean(p, tmp_path / "out", cwd=tmp_path)
    assert r.returncode == 0, f"exit {r.returncode}: {r.stderr.strip()!r}"


def test_delivered_date_column_absent(tmp_path):
    header, rows = sample_rows(20)
    header = [h for h in header if h != DELIVERED]
    p = write_csv(tmp_path / "export.csv", header, rows)
    r = clean(p, tmp_path / "out", cwd=tmp_path)
    assert r.returncode == 0, f"exit {r.returncode}: {r.stderr.strip()!r}"


# --- identifiers -----------------------------------------------------------------------------

IDENTIFIERS = [
    "jo at example dot com",
    "jo[at]example.com",
    "020 7946 0018",
    "415.555.0182x23",
    "４１５－５５５－０１８２",
    "078-05-1120",
    "GB82 WEST 1234 5698 7654 32",
    "3782 822463 10005",
    "742 evergreen terrace",
    "my name is Jo Quill",
]
# what must not survive in any form (the name alone, too)
NEEDLES = IDENTIFIERS + ["Jo Quill"]
TEXT_COLUMNS = [NARRATIVE, "What did you order", "Reason given", "What went wrong"]


def test_identifiers_never_reach_outputs(tmp_path):
    header, rows = sample_rows(20)
    for i, r_ in enumerate(rows):
        ident = IDENTIFIERS[i % len(IDENTIFIERS)]
        other = IDENTIFIERS[(i + 3) % len(IDENTIFIERS)]
        r_[NARRATIVE] = (r_[NARRATIVE] + " " if r_[NARRATIVE] else "") + f"You can reach me: {ident}. Also {other}."
        col = TEXT_COLUMNS[1 + i % (len(TEXT_COLUMNS) - 1)]
        r_[col] = (r_[col] + " " if r_[col] else "") + ident
    p = write_csv(tmp_path / "export.csv", header, rows)
    out = tmp_path / "out"
    r = clean(p, out, cwd=tmp_path)
    assert r.returncode == 0, f"exit {r.returncode}: {r.stderr.strip()!r}"
    found = leaks(out, NEEDLES)
    assert not found, "identifiers in outputs:\n" + "\n".join(found)
    for n in NEEDLES:
        assert squash(n) not in squash(r.stdout + r.stderr), f"{n!r} printed"


def test_phone_number_header_not_in_header_mapping(tmp_path):
    header, rows = sample_rows(10)
    bad = "+1 415 555 0199"
    for r_ in rows:
        r_[bad] = "yes"
    p = write_csv(tmp_path / "export.csv", header + [bad], rows)
    out = tmp_path / "out"
    r = clean(p, out, cwd=tmp_path)
    assert r.returncode in (0, 2), f"exit {r.returncode}: {r.stderr.strip()!r}"
    assert "Traceback" not in r.stderr
    assert squash(bad) not in squash(r.stderr), f"header printed: {r.stderr!r}"
    if r.returncode == 0:
        hm = (out / "header_mapping.csv").read_text(encoding="utf-8")
        assert "415 555 0199" not in hm and squash(bad) not in squash(hm), hm
        assert not leaks(out, [bad])


def test_ragged_record_email_not_in_audit(tmp_path):
    header, rows = sample_rows(6)
    p = write_csv(tmp_path / "export.csv", header, rows)
    email = "ragged.rita@example.com"
    with open(p, "a", encoding="utf-8", newline="") as fh:
        fh.write(f"INT-188888,2019-07-12 09:59:48,{email},,WA,US\n")  # 6 of 28 fields
    out = tmp_path / "out"
    r = clean(p, out, cwd=tmp_path)
    assert r.returncode in (0, 2), f"exit {r.returncode}: {r.stderr.strip()!r}"
    assert "ragged.rita" not in r.stderr
    if r.returncode == 0:
        audit = (out / "audit.csv").read_text(encoding="utf-8")
        assert "ragged.rita" not in audit.lower(), "e-mail left in audit.csv"
        assert not leaks(out, [email, "ragged.rita"])


# --- hostile files ---------------------------------------------------------------------------

def _xlsx_rows(ws, header, rows):
    ws.append(header)
    for r_ in rows:
        ws.append([r_[h] for h in header])


def test_xlsx_is_read(tmp_path):
    import openpyxl

    header, rows = sample_rows(6)
    wb = openpyxl.Workbook()
    _xlsx_rows(wb.active, header, rows)
    p = tmp_path / "export.xlsx"
    wb.save(p)
    out = tmp_path / "out"
    r = clean(p, out, cwd=tmp_path)
    assert r.returncode == 0, f"exit {r.returncode}: {r.stderr.strip()!r}"
    audit = list(csv.DictReader(io.StringIO((out / "audit.csv").read_text(encoding="utf-8"))))
    assert len(audit) == 6 and all(a["source_file"] == "export.xlsx" for a in audit), audit


def _bomb(path: Path, inflated: int = 300 << 20) -> None:
    ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/xl/workbook.xml" '
          'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
          '<Override PartName="/xl/worksheets/sheet1.xml" '
          'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
          '</Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    wb = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
          '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
          'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
          '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
    wbrels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
              '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
              '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
              'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
    head = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            '<row r="1">' + "".join(f'<c t="inlineStr"><is><t>{h}</t></is></c>'
                                    for h in ["Submission ID", "Email", "Order Date"]) + '</row>')
    tail = "</sheetData></worksheet>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", ct)
        z.writestr("_rels/.rels", rels)
        z.writestr("xl/workbook.xml", wb)
        z.writestr("xl/_rels/workbook.xml.rels", wbrels)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(head.encode())
            chunk = b"<row/>" * (1 << 20)  # 6 MiB of empty rows
            written = 0
            while written < inflated:
                fh.write(chunk)
                written += len(chunk)
            fh.write(tail.encode())


def test_xlsx_zip_bomb_refused(tmp_path):
    p = tmp_path / "bomb.xlsx"
    _bomb(p)
    inflated = zipfile.ZipFile(p).getinfo("xl/worksheets/sheet1.xml").file_size
    assert inflated > 50 * p.stat().st_size and inflated > 250 << 20  # the case is what it claims to be
    code, out, err, seconds, rss = cli_measured("clean", p, "--out", tmp_path / "out", *PERIOD, "--quiet",
                                                cwd=tmp_path, timeout=120)
    assert_input_error((code, out, err), "bomb.xlsx")
    assert seconds < 20, f"took {seconds:.1f} s to refuse"
    assert rss < 1 << 30, f"peak RSS {rss / 2**20:.0f} MiB"


def test_xlsx_formula_without_cached_value(tmp_path):
    import openpyxl

    header, rows = sample_rows(6)
    wb = openpyxl.Workbook()
    ws = wb.active
    _xlsx_rows(ws, header, rows)
    col = header.index("Amount paid") + 1
    ws.cell(row=3, column=col, value="=100+25.5")  # sheet row 3 = source row 3; no cached value
    p = tmp_path / "formula.xlsx"
    wb.save(p)
    out = tmp_path / "out"
    r = clean(p, out, cwd=tmp_path)
    assert r.returncode == 0, f"exit {r.returncode}: {r.stderr.strip()!r}"
    problems = list(csv.DictReader(io.StringIO((out / "problems.csv").read_text(encoding="utf-8"))))
    assert any(pr["source_row"] == "3" for pr in problems), f"no problem for row 3: {problems}"


def test_one_cp1252_row_in_utf8(tmp_path):
    header, rows = sample_rows(10)
    rows[0][NARRATIVE] = "The naïve supplier sent a crème-coloured box; I paid €40 for résumé printing."
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=header, lineterminator="\r\n")
    w.writeheader()
    w.writerows(rows)
    data = buf.getvalue().encode("utf-8")
    lines = data.split(b"\r\n")
    # data row 5 (line 6): its narrative in cp1252
    target = 5
    lines[target] = lines[target].replace(b"I ordered", b"Nice caf\xe9 owner here. I ordered", 1)
    if b"caf\xe9" not in lines[target]:
        lines[target] = lines[target][:-1] + b" caf\xe9" + lines[target][-1:]
    p = tmp_path / "mixed.csv"
    p.write_bytes(b"\r\n".join(lines))
    out = tmp_path / "out"
    r = clean(p, out, cwd=tmp_path)
    assert r.returncode == 0, f"exit {r.returncode}: {r.stderr.strip()!r}"
    texts = output_texts(out)
    moji = [n for n, t in texts.items() if "Ã" in t or "â‚¬" in t]
    assert not moji, f"mojibake in {moji}"
    problems = list(csv.DictReader(io.StringIO(texts["problems.csv"])))
    assert any(pr["source_row"] == str(target + 1) for pr in problems), \
        f"no problem for row {target + 1}: {problems}"


# --- reports on tiny classes -----------------------------------------------------------------

def _report_for_members(tmp_path: Path, members: int) -> None:
    header, rows = sample_rows(8)
    for i, r_ in enumerate(rows):
        r_["Country"] = "US"
        r_[TA] = "TRUE" if i < members else "No"
    p = write_csv(tmp_path / "export.csv", header, rows)
    processed = tmp_path / "processed"
    r = clean(p, processed, cwd=tmp_path)
    assert r.returncode == 0, f"clean: exit {r.returncode}: {r.stderr.strip()!r}"
    import json

    summary = json.loads((processed / "cleaning_summary.json").read_text())
    assert summary["class_members"] == members, summary["class_members"]
    # a small complaint export of our own (not the bundled sample file, like the intake export)
    complaints = tmp_path / "complaints_export.csv"
    with open(CFPB, encoding="utf-8", newline="") as fh, open(complaints, "w", encoding="utf-8", newline="") as o:
        w = csv.writer(o)
        for _, rec in zip(range(301), csv.reader(fh)):
            w.writerow(rec)
    r = cli("complaints", complaints, "--out", processed / "complaints", "--intake", processed, cwd=tmp_path)
    assert r.returncode == 0, f"complaints: exit {r.returncode}: {r.stderr.strip()!r}"
    out = tmp_path / "reports"
    r = cli("report", "--processed", processed, "--out", out, "--quiet", "--draws", "100", cwd=tmp_path,
            timeout=600)
    tail = [ln for ln in r.stderr.splitlines() if ln.startswith("ta-analysis:")]
    assert r.returncode == 0, f"report: exit {r.returncode}: {tail}"
    stems = sorted(p.stem for p in NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    missing = [s for s in stems if not (out / f"{s}.html").is_file() or (out / f"{s}.html").stat().st_size == 0]
    assert not missing, f"reports not rendered: {missing}"
    assert (out / "index.html").is_file()


def test_report_draws_too_few_is_a_usage_error(cleaned, tmp_path):
    # too few draws for an interval: refused by the parser (exit 2) before any kernel starts
    r = cli("report", "--processed", cleaned, "--out", tmp_path / "reports", "--quiet", "--draws", "50",
            cwd=tmp_path, timeout=600)
    assert_input_error(r, "draws")
    assert not (tmp_path / "reports").exists()


def test_report_without_complaints_folder_never_exit_1(tmp_path):
    # the whole sample (so the notebooks have data); no complaints folder: rendered without the
    # complaint report (exit 0), or refused up front (exit 2); never a failed notebook (exit 1)
    processed = tmp_path / "processed"
    r = clean(SAMPLE, processed, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    t0 = time.monotonic()
    r = cli("report", "--processed", processed, "--out", tmp_path / "reports", "--quiet", cwd=tmp_path,
            timeout=600)
    if r.returncode != 0:
        assert_input_error(r, "complaints")
        assert time.monotonic() - t0 < 20, "refused only after running notebooks"


def test_report_zero_members(tmp_path):
    _report_for_members(tmp_path, 0)


def test_report_one_member(tmp_path):
    _report_for_members(tmp_path, 1)


def test_report_three_members(tmp_path):
    _report_for_members(tmp_path, 3)
