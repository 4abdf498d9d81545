"""Benchmark: stream a multi-million-row CFPB-format export, selecting the marketplace's records.

Run with `make bench`. Generates (once, cached in benchmarks/out/) a CFPB-format file of
--rows records with `ta-analysis synth --kind cfpb`, then runs `ta-analysis complaints` with
`--company` selection in a fresh interpreter and reports rows per second and peak memory
(the full CFPB export is about 18 million rows; memory must stay bounded by the block size and
the selected records, not the file size).

    python benchmarks/bench_complaints.py [--rows 3000000] [--seed 5]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))
from bench_clean import measure  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=3_000_000)
    ap.add_argument("--seed", type=int, default=5)
    args = ap.parse_args()
    OUT.mkdir(exist_ok=True)
    export = OUT / f"cfpb_{args.rows}_{args.seed}.csv"
    if not export.exists():
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "ta_analysis", "synth", "--kind", "cfpb", "--rows", str(args.rows),
                        "--seed", str(args.seed), "--out", str(export)], check=True, stdout=subprocess.DEVNULL)
        print(f"generated {export.name} ({export.stat().st_size / 2**20:.0f} MiB) in {time.perf_counter() - t:.1f} s")
    setup = "from ta_analysis.cli import main"
    body = (f"assert main(['complaints', {str(export)!r}, '--out', {str(OUT / 'complaints')!r}, "
            f"'--company', 'alibaba|alipay|aliexpress']) == 0")
    measured = measure(setup, body)
    seconds, mib = measured["seconds"], measured["mib"]
    summary = json.loads((OUT / "complaints" / "complaints_summary.json").read_text())
    print(json.dumps({"rows": args.rows, "file_mib": round(export.stat().st_size / 2**20), "seconds": round(seconds, 1),
                      "rows_per_second": round(args.rows / seconds), "peak_mib": round(mib),
                      "selected": summary["inputs"][0]["selected"], "reconciles": summary["reconciles"]}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
