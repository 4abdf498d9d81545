"""Writing outputs: block-by-block CSV writing gives the bytes of one write; a run's files are scanned,
published as one unit under a lock, and vouched for by a manifest written last."""

from __future__ import annotations

import os
import re

import pandas as pd
import pytest

from ta_analysis import outputs
from ta_analysis.errors import InputError
from ta_analysis.read import sha256_file


def _frame() -> pd.DataFrame:
    return pd.DataFrame({
        "text": pd.Series(["plain", None, "=SUM(A1)", 'say "hi", then go', "line\nbreak", "@x", "ünï", "-3"], dtype="str"),
        "n": pd.array([1, None, 3, 4, 5, 6, 7, 8], dtype="Int64"),
        "x": [1.5, float("nan"), 0.1, 2.0, 1e-7, 3.25, 100.0, -1.0],
        "flag": pd.array([True, False, None, True, False, True, True, False], dtype="boolean"),
        "when": pd.to_datetime(format="ISO8601", arg=["2024-01-02", None, "2024-03-04 05:06:07", "2020-01-01", "2021-12-31",
                                "2022-06-30", "2023-01-01", "2024-02-29"]).astype("datetime64[s]"),
        "cat": pd.Categorical(["a", "b", None, "a", "b", "a", "a", "b"]),
    })


@pytest.mark.parametrize("chunk_rows", [1, 3, 8, 100])
def test_blocks_give_the_bytes_of_one_write(tmp_path, monkeypatch, chunk_rows):
    df = _frame()
    monkeypatch.setattr(outputs, "CSV_CHUNK_ROWS", chunk_rows)
    outputs.write_csv(df, tmp_path / "a.csv")
    whole = outputs.to_csv_bytes(df)
    assert (tmp_path / "a.csv").read_bytes() == whole
    assert whole.startswith(b'"text","n","x","flag","when","cat"\n"plain",1,1.5,true,2024-01-02 00:00:00,"a"\n')
    assert b"\"'=SUM(A1)\"" in whole and b"\"'@x\"" in whole and b"\"'-3\"" in whole  # formulas neutralised


def test_an_empty_frame_writes_its_header(tmp_path):
    outputs.write_csv(_frame().iloc[:0], tmp_path / "e.csv")
    assert (tmp_path / "e.csv").read_bytes() == b'"text","n","x","flag","when","cat"\n'


# --- an output set is one unit ------------------------------------------------------------------

def _files(df: pd.DataFrame, note: str = "fine") -> dict:
    return {"t.csv": (df, lambda p: outputs.write_csv(df, p)),
            "note.txt": (note, lambda p: p.write_text(note, encoding="utf-8"))}


def test_a_run_publishes_its_files_with_a_manifest_and_leaves_other_files_alone(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "mine.txt").write_text("an analyst's file")
    (out / (outputs.STAGING + "old")).mkdir()  # left by a run that crashed
    df = pd.DataFrame({"t": pd.Series(["a", "b"], dtype="str")})
    outputs.write_outputs(out, _files(df), kind="clean")
    manifest = outputs.read_manifest(out, "clean")
    assert sorted(manifest["files"]) == ["note.txt", "t.csv"]
    assert manifest["files"]["t.csv"]["sha256"] == sha256_file(out / "t.csv")
    assert (out / "mine.txt").read_text() == "an analyst's file"
    assert not list(out.glob(outputs.STAGING + "*"))
    with pytest.raises(InputError, match="written by 'ta-analysis clean', not 'complaints'"):
        outputs.read_manifest(out, "complaints")


@pytest.mark.parametrize("where, content, column", [
    ("t.csv", pd.DataFrame({"t": pd.Series(["ok", "mail jo@example.com"], dtype="str")}), "'t'"),
    ("t.csv", pd.DataFrame({"call 212 555 0111": pd.Series(["ok"], dtype="str")}), "'(a column header)'"),
    ("note.txt", "ring +44 20 7946 0018", "'(text)'"),
])
def test_an_identifier_anywhere_stops_the_write_and_names_file_column_and_kind_never_the_value(
        tmp_path, where, content, column):
    out = tmp_path / "out"
    good = pd.DataFrame({"t": pd.Series(["a"], dtype="str")})
    outputs.write_outputs(out, _files(good), kind="clean")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    files = _files(content) if where == "t.csv" else _files(good, content)
    with pytest.raises(InputError) as e:
        outputs.write_outputs(out, files, kind="clean")
    message = str(e.value)
    assert message.startswith(f"{where}: refusing to write") and column in message and "nothing was written" in message
    assert "example.com" not in message and "555" not in message and "7946" not in message
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # the previous run stands


def test_files_changed_after_the_run_or_a_half_finished_run_are_refused(tmp_path, monkeypatch):
    out = tmp_path / "out"
    df = pd.DataFrame({"t": pd.Series(["a", "b"], dtype="str")})
    outputs.write_outputs(out, _files(df), kind="clean")
    (out / "note.txt").write_text("edited")
    with pytest.raises(InputError, match="note.txt is missing or is not the file its run wrote"):
        outputs.read_manifest(out, "clean")
    # A crash between the renames: the old manifest is gone, the new one never written.
    real = os.replace
    calls = []

    def crash_on_second(a, b):
        calls.append(a)
        if len(calls) == 2:
            raise OSError("power cut")
        return real(a, b)

    monkeypatch.setattr(outputs.os, "replace", crash_on_second)
    with pytest.raises(OSError, match="power cut"):
        outputs.write_outputs(out, _files(df, "second run"), kind="clean")
    monkeypatch.setattr(outputs.os, "replace", real)
    with pytest.raises(InputError, match="no manifest.json: no finished 'ta-analysis clean' run wrote this folder"):
        outputs.read_manifest(out, "clean")
    assert not list(out.glob(outputs.STAGING + "*"))


def test_a_second_run_into_a_folder_being_written_exits_at_once(tmp_path):
    out = tmp_path / "out"
    df = pd.DataFrame({"t": pd.Series(["a"], dtype="str")})
    with outputs.locked(out):
        with pytest.raises(InputError, match="another ta-analysis run is writing this folder"):
            outputs.write_outputs(out, _files(df), kind="clean")
    outputs.write_outputs(out, _files(df), kind="clean")  # free again once the first has finished


@pytest.mark.parametrize("out, inputs, message", [
    ("", (), "--out is empty"),
    ("data/raw", (), "--out is data/raw or inside it"),
    ("data/raw/sample/x", (), "--out is data/raw or inside it"),
    ("in", ("in/export.csv",), "--out is the folder of the input export.csv"),
    ("afile", (), "--out names a file, not a folder"),
])
def test_an_out_folder_that_would_overwrite_inputs_is_refused(tmp_path, monkeypatch, out, inputs, message):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(outputs, "DATA_RAW", tmp_path / "data" / "raw")
    (tmp_path / "afile").write_text("x")
    with pytest.raises(InputError, match=re.escape(message)):
        outputs.check_out_dir(out, inputs=inputs)


def test_date_columns_are_written_as_days_and_a_time_of_day_there_is_an_error(tmp_path):
    df = pd.DataFrame({"day": pd.to_datetime(["2024-01-02", None]).astype("datetime64[s]"),
                       "at": pd.to_datetime(["2024-01-02 00:00:00", "2024-01-03 04:05:06"]).astype("datetime64[s]")})
    outputs.write_csv(df, tmp_path / "d.csv", dates=("day",))
    assert (tmp_path / "d.csv").read_text() == '"day","at"\n2024-01-02,2024-01-02 00:00:00\n,2024-01-03 04:05:06\n'
    with pytest.raises(ValueError, match="'at' is written as dates but holds a time of day"):
        outputs.to_csv_bytes(df, dates=("at",))
