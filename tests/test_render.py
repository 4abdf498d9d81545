"""Rendered reports from the bundled sample: no code, every exhibit whole, identical on rerun."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys

import pytest

from ta_analysis import anonymise, complaints, config
from ta_analysis.clean import clean, write
from ta_analysis.errors import InputError
from ta_analysis.render import NOTEBOOK_ORDER, NotebookFailed, report


CAPTION = 'Doe v. Example Corp., No. 0:00-cv-00000 ("test caption")'


@pytest.fixture(scope="module")
def processed(tmp_path_factory):
    out = tmp_path_factory.mktemp("processed")
    write(clean([config.SAMPLE_EXPORT]), out)
    complaints.run([config.COMPLAINTS_SAMPLE], "cfpb", None, out / "complaints", intake_dir=out)
    return out


@pytest.fixture(scope="module")
def rendered(processed, tmp_path_factory):
    base = tmp_path_factory.mktemp("reports")
    report(processed, base / "a", draws=200, progress=False, caption=CAPTION)
    shutil.copytree(base / "a", base / "first")
    report(processed, base / "a", draws=200, progress=False, caption=CAPTION)  # again, into the same folder
    return base / "a", base / "first"


def test_every_report_is_written_without_code(rendered):
    a, _ = rendered
    for name in NOTEBOOK_ORDER:
        page = (a / f"{name}.html").read_text(encoding="utf-8")
        assert "nb.setup(globals()" not in page and "from ta_analysis import" not in page
        assert not re.search(r'<script[^>]*src="https?://', page), "self-contained: nothing fetched"
        assert 'src="data:image/png;base64,' in page, "every report shows its exhibit, embedded"
        assert (a / "notebooks" / f"{name}.ipynb").exists()
    index = (a / "index.html").read_text()
    assert "Denied-refund rate" in index and "95% CI" in index and "not a statistical sample" in index
    for name in NOTEBOOK_ORDER:
        assert f'href="{name}.html"' in index


def test_headline_json_is_written(rendered):
    h = json.loads((rendered[0] / "headline.json").read_text())
    assert {"class_members", "denied_refund_rate", "damages"} <= set(h) and "out_of_pocket_loss_usd" not in h


def test_every_exhibit_has_four_files_with_matching_hashes(rendered):
    a, _ = rendered
    manifest = json.loads((a / "exhibits" / "exhibits.json").read_text())
    ids = [e["exhibit_id"] for e in manifest["exhibits"]]
    assert ids == [f"EX-0{i}" for i in range(1, 10)]
    for e in manifest["exhibits"]:
        assert set(e["files"]) == {"png", "svg", "pdf", "csv"}
        for f in e["files"].values():
            assert hashlib.sha256((a / "exhibits" / f["name"]).read_bytes()).hexdigest() == f["sha256"]


def test_second_render_gives_identical_files(rendered):
    a, b = rendered
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert {"report.pdf", "figures.csv", "methods.html", "tables.xlsx", "02-refund-denials.pdf"} <= {str(f) for f in files}
    for f in files:
        assert (a / f).read_bytes() == (b / f).read_bytes(), f


def test_every_table_is_for_people_and_kept_whole(rendered):
    """No raw pandas output in any report: every table has a caption and labelled columns, and no
    cell shows a code name's underscore, a proportion's long decimals, scientific notation,
    'nan', 'True'/'False' or a p-value of 0.0000. Each table is kept whole (CSV and its column
    kinds) under tables/, and a table cut short in the page links the whole."""
    a, b = rendered
    for name in NOTEBOOK_ORDER:
        page = (a / f"{name}.html").read_text(encoding="utf-8")
        assert 'class="dataframe"' not in page, f"{name}: raw pandas output"
        tables = re.findall(r'<table class="people"><caption>(.*?)</caption>(.*?)</table>', page, re.S)
        kept = sorted((a / "tables" / name).glob("*.json"))
        assert tables and len(tables) == len(kept), name
        for caption, body in tables:
            assert caption.strip(), name
            headers = re.findall(r"<th[^>]*>(.*?)</th>", body)
            assert headers and not [h for h in headers if "_" in h], (name, caption, headers)
            for value in re.findall(r"<td[^>]*>(.*?)</td>", body, re.S):
                assert not re.search(r"\d\.\d{5,}|\de[+-]\d|^(nan|NaN|True|False|0\.0000)$", value), (name, caption, value)
        for spec in kept:
            meta = json.loads(spec.read_text(encoding="utf-8"))
            with open(spec.with_suffix(".csv"), encoding="utf-8") as f:
                assert f.readline().rstrip("\n").split(",")[0].strip('"') == meta["columns"][0]["column"]
                assert sum(1 for _ in f) >= meta["rows"]  # text cells may hold line breaks
            assert spec.read_bytes() == (b / spec.relative_to(a)).read_bytes()
            assert spec.with_suffix(".csv").read_bytes() == (b / spec.relative_to(a)).with_suffix(".csv").read_bytes()
    assert "The first 15 of" in (a / "02-refund-denials.html").read_text(encoding="utf-8")  # states: linked whole
    assert 'href="tables/02-refund-denials/05-denied-by-state.csv"' in (a / "02-refund-denials.html").read_text(encoding="utf-8")


def test_the_workbook_holds_every_table_with_numbers_as_numbers(rendered):
    """tables.xlsx: an About sheet (sources with their hashes, definitions), then one sheet per
    kept table, its caption, its labels as a frozen header, numbers stored as numbers with their
    format; the same tables give the same bytes."""
    import openpyxl

    a, b = rendered
    assert (a / "tables.xlsx").read_bytes() == (b / "tables.xlsx").read_bytes()
    wb = openpyxl.load_workbook(a / "tables.xlsx")
    kept = sorted(p for p in (a / "tables").rglob("*.json"))
    assert wb.sheetnames[0] == "About" and len(wb.sheetnames) == 1 + len(kept)
    about = {r[0].value: str(r[1].value) for r in wb["About"].iter_rows(min_row=2)}
    sha = json.loads((a / "headline.json").read_text())["inputs"][0]["sha256"]
    assert any(sha in v for v in about.values()) and "Definition: refund denial loss" in about
    ws = wb["02.05 denied-by-state"]
    assert ws.freeze_panes == "A3" and [c.value for c in ws[2]][:4] == ["State", "Numerator", "Denominator", "Rate"]
    first = ws[3]
    assert isinstance(first[1].value, int) and first[1].number_format == "#,##0"
    assert isinstance(first[3].value, float) and 0 <= first[3].value <= 1 and first[3].number_format == "0.0%"


def test_reports_hold_no_identifier(rendered):
    a, _ = rendered
    for page in a.glob("*.html"):
        text = re.sub(r'src="data:[^"]+"', "", page.read_text(encoding="utf-8"))
        assert not anonymise.scan_text(text), page.name
        assert "@example.com" not in text


def test_a_failing_notebook_names_the_cell_and_keeps_the_old_reports(processed, rendered, tmp_path):
    nbdir = tmp_path / "notebooks"
    shutil.copytree(config.NOTEBOOKS_DIR, nbdir)
    path = nbdir / "03-customs-fees.ipynb"
    text = path.read_text().replace("views.fees_by(ctx.cls, \\\"buyer_type\\\")", "1 / 0")
    path.write_text(text)
    out = tmp_path / "out"
    shutil.copytree(rendered[0], out)
    before = sorted(p.name for p in out.rglob("*"))
    with pytest.raises(NotebookFailed, match=r"03-customs-fees\.ipynb: cell \d+ .*ZeroDivisionError"):
        report(processed, out, draws=200, progress=False, notebook_dir=nbdir)
    assert sorted(p.name for p in out.rglob("*")) == before


def test_unknown_parameter_is_refused(processed):
    from ta_analysis.render import check_parameters, notebooks

    with pytest.raises(InputError, match="unknown parameter\\(s\\) as_off for 01-data-quality.ipynb"):
        check_parameters(notebooks()[0], {"as_off": "2024-01-01"})


def test_report_cli_of_a_missing_folder(tmp_path):
    r = subprocess.run([sys.executable, "-m", "ta_analysis", "report", "--processed", str(tmp_path / "x"),
                        "--out", str(tmp_path / "r")], capture_output=True, text=True)
    assert r.returncode == 2 and "no such folder" in r.stderr


# --- reports without complaint data, and never sample beside real -------------------------------

def test_an_intake_only_folder_renders_every_intake_report_and_says_why_06_is_left_out(tmp_path):
    from ta_analysis.synth import generate, write_export

    export, _ = generate(300, 4)  # not the bundled sample: a "real" export, as far as the tool knows
    write_export(export, tmp_path / "intake.csv")
    write(clean([tmp_path / "intake.csv"]), tmp_path / "processed")
    index = report(tmp_path / "processed", tmp_path / "reports", draws=100, progress=False).read_text(encoding="utf-8")
    for name in NOTEBOOK_ORDER[:-1]:
        assert (tmp_path / "reports" / f"{name}.html").exists()
    assert not (tmp_path / "reports" / "06-complaint-records.html").exists()
    assert "06-complaint-records: not rendered. No complaint export was processed" in index
    # Everything a declaration needs is there for a newcomer's export too, without the complaint parts.
    out = tmp_path / "reports"
    for name in ("report.pdf", "figures.csv", "methods.html", "tables.xlsx", "exhibits/EX-07/redraw.py"):
        assert (out / name).is_file(), name
    assert not (out / "exhibits" / "EX-08").exists()
    assert "complaints.parquet" not in (out / "methods.html").read_text(encoding="utf-8")
    pages = _pdf_pages(out / "report.pdf")
    assert all(not outside for _, outside, _ in pages)
    assert sum("Exhibit 8. " in text for text, _, _ in pages) == 0
    # The bundled synthetic complaints beside this (real) intake: left out too, with why.
    complaints.run([config.COMPLAINTS_SAMPLE], "cfpb", None, tmp_path / "processed" / "complaints")
    index = report(tmp_path / "processed", tmp_path / "reports", draws=100, progress=False).read_text(encoding="utf-8")
    assert not (tmp_path / "reports" / "06-complaint-records.html").exists()
    assert "come from the bundled synthetic sample, the intake from a real export" in index


# --- the deliverables for a declaration: PDF, figures.csv, the methods page, provenance --------------

def _pdf_pages(path):
    """Each page's text, and the characters that fall outside the page (a table cut off)."""
    import pdfplumber

    with pdfplumber.open(path) as doc:
        pages = [(p.extract_text() or "", [c["text"] for c in p.chars if c["x0"] < -0.5 or c["top"] < -0.5
                                           or c["x1"] > p.width + 0.5 or c["bottom"] > p.height + 0.5],
                  [i for i in p.images if i["x1"] - i["x0"] > 0.8 * p.width]) for p in doc.pages]
    return pages


def test_the_overflow_check_sees_a_table_cut_off(tmp_path):
    from ta_analysis import pdf

    wide = pdf.document("t", "<table><tr><td style='white-space:nowrap'>" + "column " * 120 + "</td></tr></table>")
    (_, outside, _), = _pdf_pages(pdf.write_pdf(wide, tmp_path / "wide.pdf", tmp_path))
    assert outside, "a table wider than its page is caught"


def test_report_pdf_has_a_title_page_contents_page_numbers_and_every_exhibit_on_its_own_page(rendered):
    a, _ = rendered
    pages = _pdf_pages(a / "report.pdf")
    n = len(pages)
    assert CAPTION in pages[0][0].replace("\n", " ") and "Trade Assurance intake analysis" in pages[0][0]
    for i, (text, outside, _) in enumerate(pages, start=1):
        assert not outside, f"page {i}: text outside the page ({''.join(outside)[:60]}...)"
        assert f"Page {i} of {n}" in text
    contents = pages[1][0]
    assert "Contents" in contents
    entries = re.findall(r"^(.+?) ?\.{4,} ?(\d+)$", contents, re.M)
    assert [t for t, _ in entries][-2:] == ["Declaration table: the headline figures", "Methods appendix"]
    assert len(entries) == len(NOTEBOOK_ORDER) + 2
    for title, page in entries:  # each entry's page number is where its chapter starts
        assert title[:40] in pages[int(page) - 1][0].replace("\n", " "), title
    manifest = json.loads((a / "exhibits" / "exhibits.json").read_text())
    for e in manifest["exhibits"]:
        number = f"Exhibit {int(e['exhibit_id'][3:])}. "
        on = [i for i, (text, _, _) in enumerate(pages) if f"{number}{e['title']}" in text.replace("\n", " ")]
        assert len(on) == 1, (e["exhibit_id"], on)
        text, _, images = pages[on[0]]
        assert len(images) == 1, f"{e['exhibit_id']}: at full width, alone on its page"
        assert sum(f"Exhibit {k}. " in text for k in range(1, 20)) == 1
    for name in NOTEBOOK_ORDER:  # and each report on its own
        assert any(f"Page 1 of" in t for t, _, _ in _pdf_pages(a / f"{name}.pdf")[:1])


def test_figures_csv_is_the_headline_with_its_definitions_and_exhibits(rendered):
    import pandas as pd

    from ta_analysis import metrics
    from ta_analysis.definitions import in_words
    from ta_analysis.exhibits import registry

    a, _ = rendered
    h = json.loads((a / "headline.json").read_text())
    f = pd.read_csv(a / "figures.csv").set_index("Name")
    assert list(f["Figure"]) == [f"F{i}" for i in range(1, 9)]
    rate = f.loc["Denied-refund rate"]
    r = h["denied_refund_rate"]
    assert (rate["Numerator"], rate["Denominator"], rate["Estimate"]) == (r["numerator"], r["denominator"], r["estimate"])
    assert (rate["95% CI low"], rate["95% CI high"]) == (r["ci_low"], r["ci_high"])
    assert rate["Definition"] == in_words(metrics.denied_refund_rate)
    assert rate["Records unread"] == r["unread"]["records"]
    assert rate["Left out"].startswith(f"{r['unread']['of'] - r['denominator']:,} class records with no resolved claim")
    fees = f.loc["Unreimbursed customs fees, total"]
    assert fees["Estimate"] == round(h["unreimbursed_customs_fees_usd"]["total"], 2) and pd.isna(fees["Numerator"])
    total = f.loc["Damages, total (all theories)"]
    assert (total["Estimate"], total["95% CI low"]) == (round(h["damages"]["total"], 2), round(h["damages"]["ci_low"], 2))
    by_theory = f[f.index.str.startswith("Damages: ")]["Estimate"].sum()
    assert by_theory == pytest.approx(h["damages"]["total"], abs=0.01), "the theories add up to the total"
    rendered_ids = {e["exhibit_id"] for e in json.loads((a / "exhibits" / "exhibits.json").read_text())["exhibits"]}
    for cited in f["Exhibits"]:
        assert set(cited.split("; ")) <= rendered_ids & set(registry().index)
    from openpyxl import load_workbook

    assert load_workbook(a / "tables.xlsx").sheetnames[1] == "00.01 figures"


def test_methods_page_gives_sources_exclusions_definitions_software_and_assumptions(rendered, processed):
    import html as h

    from ta_analysis import appendix, definitions
    from ta_analysis.outputs import lock_sha256

    a, _ = rendered
    page = (a / "methods.html").read_text(encoding="utf-8")
    cleaning = json.loads((processed / "cleaning_summary.json").read_text())
    for i in cleaning["inputs"]:
        assert i["sha256"] in page
    for f in (processed / "intake.parquet", processed / "complaints" / "complaints.parquet"):
        assert hashlib.sha256(f.read_bytes()).hexdigest() in page, f.name
    for r in cleaning["by_rule"]:
        assert re.search(rf"<td>{r['rule'].replace('_', ' ')}</td><td>[^<]*</td><td class=num>{r['records']:,}</td>", page)
    assert f"{cleaning['input_records']:,} input records = {cleaning['fates']['kept']:,} kept" in page
    for name in appendix.DEFINED:
        assert h.escape(definitions.in_words(getattr(definitions, name))) in page, name
    assert lock_sha256() in page and "2026.12-1" in page and "seed 20231" in page and "ECB" in page
    assert len(re.findall(r"<li>", page.split("6. Assumptions")[1])) == len(appendix.assumptions()) >= 12


def test_exhibits_json_holds_the_run_provenance(rendered, processed):
    from importlib.metadata import version

    from ta_analysis import coder, config

    a, _ = rendered
    run = json.loads((a / "exhibits" / "exhibits.json").read_text())["run"]
    assert run["processed_sha256"]["intake.parquet"] == hashlib.sha256((processed / "intake.parquet").read_bytes()).hexdigest()
    assert set(run["processed_sha256"]) == {"intake.parquet", "complaints.parquet"}
    for path in config.NOTEBOOKS_DIR.glob("*.ipynb"):
        assert run["notebooks_sha256"][path.name] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert run["packages"]["pandas"] == version("pandas") and run["codebook_version"] == coder.CODEBOOK_VERSION
    assert run["git_commit"] is None or re.fullmatch(r"[0-9a-f]{40}(-dirty)?", run["git_commit"])


CHROMIUM = shutil.which("chromium")


@pytest.mark.skipif(not CHROMIUM, reason="Debian's chromium is not installed: 'make test' installs it where "
                                         "apt-get runs as root; elsewhere: apt-get install chromium")
def test_pages_open_offline_in_chromium_with_no_failed_request_and_no_console_error(rendered):
    from playwright.sync_api import sync_playwright

    a, _ = rendered
    requested, failed, errors = [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        try:
            page = browser.new_context(offline=True).new_page()
            page.on("request", lambda r: requested.append(r.url))
            page.on("requestfailed", lambda r: failed.append(f"{r.url}: {r.failure}"))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            for name in ("index.html", "05-class-certification.html", "methods.html"):
                response = page.goto((a / name).as_uri(), wait_until="load")
                assert response is None or response.ok, name
                if name == "05-class-certification.html":
                    shown = page.locator("figure.exhibit img").evaluate_all("els => els.map(e => e.naturalWidth)")
                    assert shown and all(w > 0 for w in shown), "every exhibit image decodes"
        finally:
            browser.close()
    assert requested, "the pages were loaded"
    assert not failed and not errors, (failed, errors)
    assert all(u.startswith(("file:", "data:")) for u in requested), [u for u in requested if not u.startswith("file:")]


def test_an_exhibits_replication_bundle_redraws_it_byte_identical(rendered, processed, tmp_path):
    import pandas as pd

    a, _ = rendered
    for e in json.loads((a / "exhibits" / "exhibits.json").read_text())["exhibits"]:
        bundle = a / "exhibits" / e["exhibit_id"]
        assert {p.name for p in bundle.iterdir()} == {"rows.csv", "bundle.json", "redraw.py"}, e["exhibit_id"]
        rows = pd.read_csv(bundle / "rows.csv", dtype=str)
        assert not {"intake_id", "order_id", "claimant_key", "narrative"} & set(rows.columns)
        assert json.loads((bundle / "bundle.json").read_text())["rows"]["records"] == len(rows)
    bundle = a / "exhibits" / "EX-09"  # damages: a bootstrap, the slowest to redraw and the easiest to get wrong
    r = subprocess.run([sys.executable, str(bundle / "redraw.py"), str(processed), str(tmp_path / "out")],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    assert "4 files byte-identical" in r.stdout
    for name in json.loads((bundle / "bundle.json").read_text())["files_sha256"]:
        assert (tmp_path / "out" / name).read_bytes() == (a / "exhibits" / name).read_bytes()
    # A processed folder that is not the report's is said so, and a changed figure fails the check.
    bad = json.loads((bundle / "bundle.json").read_text())
    bad["parameters"]["seed"] += 1
    copy = tmp_path / "bundle"
    shutil.copytree(bundle, copy)
    (copy / "bundle.json").write_text(json.dumps(bad))
    r = subprocess.run([sys.executable, str(copy / "redraw.py"), str(processed), str(tmp_path / "out2")],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 1 and "differs from the report's" in r.stderr
