"""Benchmark: `ta-analysis report` on the 5,000-row sample and on a 1,000,000-row export, in one run.

Run with `make bench` (never part of `make test`: these machines are shared and noisy). Each case
is cleaned first (not timed), then reported in a fresh interpreter: the wall time of the whole
report, the seconds of each notebook and of its slowest cells (papermill's record of each cell),
and the peak resident memory of the report command and its kernels together (the sum over the
process tree, sampled every 0.1 s with psutil). The 1,000,000-row case reports beside a
100,000-row synthetic CFPB export, so that every notebook runs. Targets (issue 19): the 1,000,000
rows reported in at most 2 minutes and 3 GiB, and within 3x the sample's report time.

    python benchmarks/bench_report.py [--rows 1000000] [--seed 7] [--slow 5]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
ROOT = HERE.parent
WALL_TARGET_S = 120
MEMORY_TARGET_MIB = 3072
RATIO_TARGET = 3

MEASURE = """
import json, sys, threading, time
import psutil
from ta_analysis.render import report

peak = [0]
stop = threading.Event()
def watch():
    me = psutil.Process()
    while not stop.is_set():
        total = 0
        for p in [me] + me.children(recursive=True):
            try:
                total += p.memory_info().rss
            except psutil.Error:
                pass
        peak[0] = max(peak[0], total)
        time.sleep(0.1)
threading.Thread(target=watch, daemon=True).start()
timings = []
t0 = time.perf_counter()
report({processed!r}, {out!r}, complaints_dir={complaints!r}, progress=False, timings=timings)
seconds = time.perf_counter() - t0
stop.set()
print(json.dumps({{"seconds": seconds, "peak_mib": peak[0] / 2**20, "timings": timings}}), file=sys.stderr)
"""


def run(*args: str) -> None:
    env = {**os.environ, "TA_ANALYSIS_HASH_KEY": "benchmark-only-key-not-secret"}
    subprocess.run([sys.executable, "-m", "ta_analysis", *args], check=True, stdout=subprocess.DEVNULL, env=env)


def prepare(name: str, export: Path, complaints: Path) -> tuple[Path, Path]:
    """Clean ``export`` and ``complaints`` into benchmarks/out/<name>/ (cached by the inputs' names)."""
    folder = OUT / name
    processed = folder / "processed"
    if not (processed / "manifest.json").exists():
        t = time.perf_counter()
        run("clean", str(export), "--out", str(processed), "--quiet")
        run("complaints", str(complaints), "--out", str(processed / "complaints"), "--intake", str(processed))
        print(f"{name}: cleaned in {time.perf_counter() - t:.1f} s (not timed below)", file=sys.stderr)
    return processed, folder / "reports"


def measure(processed: Path, out: Path) -> dict:
    env = {**os.environ, "TA_ANALYSIS_HASH_KEY": "benchmark-only-key-not-secret"}
    proc = subprocess.run([sys.executable, "-c", MEASURE.format(processed=str(processed), out=str(out),
                                                                 complaints=str(processed / "complaints"))],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, proc.args, stderr=proc.stderr)
    return json.loads(proc.stderr.strip().splitlines()[-1])


def summarise(result: dict, slow: int) -> dict:
    per_notebook: dict[str, float] = {}
    for notebook, _cell, seconds, _line in result["timings"]:
        per_notebook[notebook] = per_notebook.get(notebook, 0.0) + seconds
    cells = sorted(result["timings"], key=lambda t: -t[2])[:slow]
    return {"seconds": round(result["seconds"], 1), "peak_mib": round(result["peak_mib"]),
            "notebooks": {k: round(v, 1) for k, v in per_notebook.items()},
            "slowest_cells": [{"notebook": n, "cell": c, "seconds": round(s, 1), "first_line": line}
                              for n, c, s, line in cells]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--slow", type=int, default=5, help="slowest cells to list per case")
    args = ap.parse_args()
    OUT.mkdir(exist_ok=True)
    big = OUT / f"synth_{args.rows}_{args.seed}.csv"
    if not big.exists():
        run("synth", "--rows", str(args.rows), "--seed", str(args.seed), "--out", str(big))
    cfpb = OUT / "cfpb_100000_5.csv"
    if not cfpb.exists():
        run("synth", "--kind", "cfpb", "--rows", "100000", "--seed", "5", "--out", str(cfpb))
    cases = {
        "sample": prepare("report_sample", ROOT / "data/raw/sample/intake_export_sample.csv",
                          ROOT / "data/raw/sample/cfpb_complaints_sample.csv"),
        f"{args.rows:,} rows": prepare(f"report_{args.rows}_{args.seed}", big, cfpb),
    }
    results = {name: summarise(measure(*paths), args.slow) for name, paths in cases.items()}
    small, large = results["sample"], results[f"{args.rows:,} rows"]
    ratio = large["seconds"] / small["seconds"]
    results["targets"] = {
        "large_seconds": large["seconds"], "large_within_seconds": WALL_TARGET_S,
        "large_peak_mib": large["peak_mib"], "within_mib": MEMORY_TARGET_MIB,
        "ratio_to_sample": round(ratio, 2), "ratio_within": RATIO_TARGET,
        "met": large["seconds"] <= WALL_TARGET_S and large["peak_mib"] <= MEMORY_TARGET_MIB and ratio <= RATIO_TARGET,
    }
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
