"""Benchmark: clean a 1,000,000-row synthetic export; compare with a bare pyarrow read.

Run with `make bench` (never part of `make test`: these machines are shared and noisy).
Each round runs, in fresh interpreters one after the other, a bare ``pyarrow.csv.read_csv`` of
the file, a bare ``pandas.read_csv`` (for comparison), and the whole clean (what ``ta-analysis
clean`` does: clean, then write and scan the outputs), with the seconds of each stage. Noise on a
shared machine only ever slows a run down, so the ratio reported is the fastest clean over the
fastest bare read. One more clean runs with one thread for typing and one for writing
(``normalise.TYPING_THREADS``, ``outputs.WRITING_THREADS``): what the two thread pools save.
Targets (issue 14): the clean within 20x the bare read, peak memory within 3 GiB.

    python benchmarks/bench_clean.py [--rows 1000000] [--seed 7] [--repeat 3]
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
TYPING = "reading, normalising and hashing identifiers"
WRITING = "writing and scanning the outputs"
RATIO_TARGET = 20  # issue 14: the clean within 20x the bare read
MEMORY_TARGET_MIB = 3072


MEASURE = """
import json, resource, sys, time
def _cpu():
    return sum(r.ru_utime + r.ru_stime for r in map(resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)))
stages = {{}}
{setup}
_cpu0 = _cpu()
_t0 = time.perf_counter()
{body}
seconds = time.perf_counter() - _t0
print(json.dumps({{"seconds": seconds, "cpu_seconds": _cpu() - _cpu0,
                  "mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "stages": stages}}), file=sys.stderr)
"""


def measure(setup: str, body: str) -> dict:
    """Run ``body`` in a fresh interpreter; return its seconds, its CPU seconds (user and system),
    its peak RSS in MiB, and the seconds per stage it put in ``stages``.

    Interpreter start-up and imports happen before the clock starts in every measurement.
    """
    env = {**os.environ, "TA_ANALYSIS_HASH_KEY": "benchmark-only-key-not-secret"}
    proc = subprocess.run([sys.executable, "-c", MEASURE.format(setup=setup, body=body)],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, proc.args, stderr=proc.stderr)
    return json.loads(proc.stderr.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    OUT.mkdir(exist_ok=True)
    export = OUT / f"synth_{args.rows}_{args.seed}.csv"
    if not export.exists():  # generating is slow; the file is cached between runs
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "ta_analysis", "synth", "--rows", str(args.rows), "--seed",
                        str(args.seed), "--out", str(export)], check=True, stdout=subprocess.DEVNULL)
        print(f"generated {export.name} ({export.stat().st_size / 2**20:.0f} MiB) in {time.perf_counter() - t:.1f} s")

    bare = ("import pyarrow.csv as c", f"c.read_csv({str(export)!r})")
    bare_pandas = ("import pandas as pd", f"pd.read_csv({str(export)!r})")
    # What `ta-analysis clean` does, through the library so each stage's seconds can be shown.
    setup = "from ta_analysis import clean as c, fx, normalise, outputs\nfx._rates()"
    body = (f"r = c.clean([{str(export)!r}])\nw = time.perf_counter()\nc.write(r, {str(OUT / 'processed')!r})\n"
            f"stages = {{**r.seconds, {WRITING!r}: round(time.perf_counter() - w, 3)}}")
    one_thread = setup + "\nnormalise.TYPING_THREADS = 1\noutputs.WRITING_THREADS = 1"
    results = []
    for _ in range(args.repeat):
        read = measure(*bare)
        pandas_read = measure(*bare_pandas)
        cleaned = measure(setup, body)
        results.append({"bare_read_s": round(read["seconds"], 2), "bare_pandas_read_s": round(pandas_read["seconds"], 2),
                        "clean_s": round(cleaned["seconds"], 2), "clean_peak_rss_mib": round(cleaned["mib"]),
                        "ratio": round(cleaned["seconds"] / read["seconds"], 1),
                        "clean_cpu_s": round(cleaned["cpu_seconds"], 1), "clean_stages_s": cleaned["stages"]})
    single = measure(one_thread, body)
    fastest = min(results, key=lambda r: r["clean_s"])
    fastest_read = min(r["bare_read_s"] for r in results)
    report = {
        "rows": args.rows, "file_mib": round(export.stat().st_size / 2**20), "runs": results,
        "fastest_clean_s": fastest["clean_s"], "fastest_bare_read_s": fastest_read,
        "fastest_bare_pandas_read_s": min(r["bare_pandas_read_s"] for r in results),
        "ratio_fastest": round(fastest["clean_s"] / fastest_read, 1),
        "one_thread_clean_s": round(single["seconds"], 2), "one_thread_stages_s": single["stages"],
        # What the thread pools save: the one-threaded clean's stages less the fastest clean's.
        "threads_save_s": {name: round(single["stages"][stage] - fastest["clean_stages_s"][stage], 2)
                           for name, stage in [("typing", TYPING), ("writing", WRITING)]},
        "peak_mib_max": max(r["clean_peak_rss_mib"] for r in results),
        "targets": {"ratio_max": RATIO_TARGET, "clean_peak_mib_max": MEMORY_TARGET_MIB},
    }
    report["meets_ratio"] = report["ratio_fastest"] <= RATIO_TARGET
    report["meets_memory"] = report["peak_mib_max"] <= MEMORY_TARGET_MIB
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
