"""Writing outputs: block-by-block CSV writing gives the bytes of one write, and its scan misses nothing."""

from __future__ import annotations

import pandas as pd
import pytest

from ta_analysis import anonymise, outputs


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
    found = outputs.write_csv(df, tmp_path / "a.csv", scan=anonymise.scan_buffer)
    assert found == []
    assert outputs.write_csv(df, tmp_path / "b.csv") is None  # no scan asked for
    whole = outputs.to_csv_bytes(df)
    assert (tmp_path / "a.csv").read_bytes() == whole == (tmp_path / "b.csv").read_bytes()
    assert whole.startswith(b'"text","n","x","flag","when","cat"\n"plain",1,1.5,true,2024-01-02 00:00:00,"a"\n')
    assert b"\"'=SUM(A1)\"" in whole and b"\"'@x\"" in whole and b"\"'-3\"" in whole  # formulas neutralised


def test_an_empty_frame_writes_its_header(tmp_path):
    outputs.write_csv(_frame().iloc[:0], tmp_path / "e.csv", scan=anonymise.scan_buffer)
    assert (tmp_path / "e.csv").read_bytes() == b'"text","n","x","flag","when","cat"\n'


@pytest.mark.parametrize("chunk_rows", [1, 2, 5])
def test_the_scan_finds_identifiers_inside_blocks_and_across_their_seams(tmp_path, monkeypatch, chunk_rows):
    monkeypatch.setattr(outputs, "CSV_CHUNK_ROWS", chunk_rows)
    # Inside one cell.
    df = pd.DataFrame({"t": pd.Series(["ok", "ok", "mail jo@example.com", "ok"], dtype="str")})
    assert outputs.write_csv(df, tmp_path / "a.csv", scan=anonymise.scan_buffer) == ["e-mail address"]
    # Across a line end: "415" ends one record and "555.0182" starts the next, which the bytes of
    # the file read as the phone number 415 555.0182, whichever block each record is written in.
    df = pd.DataFrame({"v": [1.0, 415.0, 555.0182, 2.0]})
    assert b"415\n555.0182" in outputs.to_csv_bytes(df)
    assert outputs.write_csv(df, tmp_path / "b.csv", scan=anonymise.scan_buffer) == ["phone number"]
    assert anonymise.scan_file(tmp_path / "b.csv") == ["phone number"]




def test_date_columns_are_written_as_days_and_a_time_of_day_there_is_an_error(tmp_path):
    df = pd.DataFrame({"day": pd.to_datetime(["2024-01-02", None]).astype("datetime64[s]"),
                       "at": pd.to_datetime(["2024-01-02 00:00:00", "2024-01-03 04:05:06"]).astype("datetime64[s]")})
    outputs.write_csv(df, tmp_path / "d.csv", dates=("day",))
    assert (tmp_path / "d.csv").read_text() == '"day","at"\n2024-01-02,2024-01-02 00:00:00\n,2024-01-03 04:05:06\n'
    with pytest.raises(ValueError, match="'at' is written as dates but holds a time of day"):
        outputs.to_csv_bytes(df, dates=("at",))
