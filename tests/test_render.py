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


@pytest.fixture(scope="module")
def processed(tmp_path_factory):
    out = tmp_path_factory.mktemp("processed")
    write(clean([config.SAMPLE_EXPORT]), out)
    complaints.run([config.COMPLAINTS_SAMPLE], "cfpb", None, out / "complaints", intake_dir=out)
    return out


@pytest.fixture(scope="module")
def rendered(processed, tmp_path_factory):
    base = tmp_path_factory.mktemp("reports")
    report(processed, base / "a", draws=200, progress=False)
    report(processed, base / "b", draws=200, progress=False)
    return base / "a", base / "b"


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


def test_second_render_gives_identical_exhibits(rendered):
    a, b = rendered
    for f in sorted((a / "exhibits").iterdir()):
        assert f.read_bytes() == (b / "exhibits" / f.name).read_bytes(), f.name


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
    # The bundled synthetic complaints beside this (real) intake: left out too, with why.
    complaints.run([config.COMPLAINTS_SAMPLE], "cfpb", None, tmp_path / "processed" / "complaints")
    index = report(tmp_path / "processed", tmp_path / "reports", draws=100, progress=False).read_text(encoding="utf-8")
    assert not (tmp_path / "reports" / "06-complaint-records.html").exists()
    assert "come from the bundled synthetic sample, the intake from a real export" in index
