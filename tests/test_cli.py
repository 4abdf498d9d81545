"""The command line: --help everywhere, exit 2 with one line for user errors, never a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ta_analysis.cli import main


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ta_analysis", *args], capture_output=True, text=True)


def test_module_and_help():
    r = run("--help")
    assert r.returncode == 0 and "synth" in r.stdout and "clean" in r.stdout


@pytest.mark.parametrize("sub", ["synth", "clean", "summary", "report"])
def test_each_subcommand_has_help(sub, capsys):
    assert main([sub, "--help"]) == 0
    assert "usage: ta-analysis " + sub in capsys.readouterr().out


@pytest.mark.parametrize(
    "args, needle",
    [
        (["bogus"], "invalid choice: 'bogus'"),
        ([], "the following arguments are required: COMMAND"),
        (["synth", "--rows", "ten", "--seed", "1", "--out", "x.csv"], "not a whole number: 'ten'"),
        (["synth", "--rows", "0", "--seed", "1", "--out", "x.csv"], "must be at least 1, got 0"),
        (["synth", "--rows", "5", "--seed", "1", "--out", "x.parquet"], "must end in .csv or .xlsx"),
        (["clean", "no/such/file.csv", "--out", "o"], "no/such/file.csv"),
        (["clean", "x.csv", "--out", "o", "--as-of", "yesterday"], "not a date in YYYY-MM-DD form: 'yesterday'"),
    ],
)
def test_user_errors_exit_2_with_one_line(args, needle, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = run(*args)
    assert r.returncode == 2, r.stderr
    assert needle in r.stderr
    assert "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_nothing_of_a_killed_clean_is_left_running(tmp_path):
    """One process, threads only: after kill -9 nothing of the command remains. The one child it
    may start is ``git`` (the code version for the summary), which it waits for."""
    import psutil
    import signal
    import time

    from ta_analysis import config

    proc = subprocess.Popen([sys.executable, "-m", "ta_analysis", "clean", str(config.SAMPLE_EXPORT),
                             "--out", str(tmp_path / "out"), "--quiet"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    me = psutil.Process(proc.pid)
    seen: dict[int, str] = {}
    deadline = time.monotonic() + 1.5
    while time.monotonic() < deadline and proc.poll() is None:
        for c in me.children(recursive=True):
            try:
                seen[c.pid] = c.name()
            except psutil.NoSuchProcess:
                pass
        time.sleep(0.02)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert set(seen.values()) <= {"git"}, seen  # no worker processes, no fork of the interpreter
    time.sleep(2)
    def running(pid: int) -> bool:
        try:
            return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False

    assert [pid for pid in seen if running(pid)] == []
    assert not psutil.pid_exists(proc.pid) or psutil.Process(proc.pid).status() == psutil.STATUS_ZOMBIE
