"""The ``ta-analysis`` command line.

Usage and input errors exit with status 2 and one line naming what is wrong; internal errors
exit 1. No traceback is shown unless ``TA_ANALYSIS_DEBUG=1`` is set.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from datetime import date
from pathlib import Path
from typing import Sequence

from ta_analysis import __version__
from ta_analysis.errors import InputError


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line and exit 2 (argparse's own status for them)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise InputError(f"{self.prog}: {message} (see '{self.prog} --help')")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD form: {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="ta-analysis",
        description="Clean and analyse Trade Assurance intake and complaint records.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    p = sub.add_parser("synth", help="write a seeded synthetic intake export (CSV or XLSX)",
                       description="Write a seeded synthetic intake export, messy as a real one, "
                                   "and optionally the clean values it was made from.")
    p.add_argument("--rows", type=_positive_int, required=True, help="number of data rows")
    p.add_argument("--seed", type=int, required=True, help="seed of every random draw")
    p.add_argument("--out", type=Path, required=True, help="output file, .csv or .xlsx")
    p.add_argument("--truth", type=Path, help="also write the clean values here (CSV; intake only)")
    p.add_argument("--kind", choices=["intake", "cfpb"], default="intake",
                   help="an intake-form export (default) or a CFPB-format complaint export")

    p = sub.add_parser("clean", help="clean intake exports into the processed folder",
                       description="Read intake exports, normalise them to the canonical schema, "
                                   "anonymise, de-duplicate, apply the class definition and write "
                                   "the processed data with its audit ledger.")
    p.add_argument("inputs", nargs="+", type=Path, metavar="INPUT", help="intake export files")
    p.add_argument("--out", type=Path, required=True, help="output folder (e.g. data/processed)")
    p.add_argument("--mapping", type=Path, help="TOML file mapping a new export's headers")
    p.add_argument("--as-of", type=_iso_date, help="as-of date (default: latest submission)")
    p.add_argument("--class-start", type=_iso_date, help="first order date in the class period")
    p.add_argument("--class-end", type=_iso_date, help="last order date in the class period")
    p.add_argument("--quiet", action="store_true", help="no progress bar")

    p = sub.add_parser("summary", help="print the headline figures of a processed folder",
                       description="Print the headline figures (rates with 95%% Wilson intervals, "
                                   "money with bootstrap intervals) of a folder written by 'clean'.")
    p.add_argument("--processed", type=Path, required=True, help="folder written by 'ta-analysis clean'")
    p.add_argument("--json", action="store_true", help="print JSON instead of sentences")
    p.add_argument("--as-of", type=_iso_date, help="as-of date (default: the cleaning run's)")
    p.add_argument("--class-start", type=_iso_date, help="class period start (default: the cleaning run's)")
    p.add_argument("--class-end", type=_iso_date, help="class period end (default: the cleaning run's)")
    p.add_argument("--draws", type=_positive_int, default=2000, help="bootstrap draws (default 2000)")
    p.add_argument("--seed", type=int, default=20231, help="bootstrap seed (default 20231)")

    p = sub.add_parser("report", help="execute the notebooks and render the reports",
                       description="Execute the numbered notebooks on a processed folder and render "
                                   "them as HTML reports (no code), with exhibits and an index page.")
    p.add_argument("--processed", type=Path, required=True, help="folder written by 'ta-analysis clean'")
    p.add_argument("--out", type=Path, required=True, help="output folder (e.g. reports)")
    p.add_argument("--as-of", type=_iso_date, help="as-of date (default: the cleaning run's)")
    p.add_argument("--class-start", type=_iso_date, help="class period start (default: the cleaning run's)")
    p.add_argument("--class-end", type=_iso_date, help="class period end (default: the cleaning run's)")
    p.add_argument("--complaints", type=Path,
                   help="folder written by 'ta-analysis complaints' (default: PROCESSED/complaints)")
    p.add_argument("--named-plaintiffs", nargs="*", default=[], metavar="KEY",
                   help="claimant keys of the named plaintiffs (typicality)")
    p.add_argument("--draws", type=_positive_int, default=2000, help="bootstrap draws (default 2000)")
    p.add_argument("--seed", type=int, default=20231, help="bootstrap seed (default 20231)")
    p.add_argument("--quiet", action="store_true", help="no progress bars")

    p = sub.add_parser("complaints", help="clean and code complaint-database exports",
                       description="Stream complaint exports (CFPB, or any source through a mapping file), "
                                   "select, clean, redact and code them, with a ledger of every record.")
    p.add_argument("inputs", nargs="+", type=Path, metavar="INPUT", help="complaint export files (CSV)")
    p.add_argument("--format", choices=["cfpb", "mapped"], default="cfpb", help="cfpb (default) or mapped")
    p.add_argument("--mapping", type=Path, help="TOML mapping file for --format mapped")
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.add_argument("--company", help="keep only companies matching this regular expression (e.g. 'alibaba|alipay')")
    p.add_argument("--keyword", help="keep only narratives matching this regular expression")
    p.add_argument("--intake", type=Path, help="processed intake folder to link complaints to (counts only)")
    return parser


def _run(args: argparse.Namespace) -> int:
    if args.command == "synth":
        from ta_analysis.synth import synth

        synth(args.rows, args.seed, args.out, args.truth, kind=args.kind)
        print(f"wrote {args.out}" + (f" and {args.truth}" if args.truth else ""))
        return 0
    if args.command == "clean":
        from ta_analysis.clean import clean_command

        return clean_command(args)
    if args.command == "summary":
        from ta_analysis.summary import summary_command

        return summary_command(args)
    if args.command == "report":
        from ta_analysis.render import report_command

        return report_command(args)
    if args.command == "complaints":
        from ta_analysis.complaints import complaints_command

        return complaints_command(args)
    raise AssertionError(args.command)  # pragma: no cover (argparse enforces the choices)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    try:
        args = build_parser().parse_args(argv)
        return _run(args)
    except SystemExit as exc:  # --help and --version
        return int(exc.code or 0)
    except InputError as exc:
        print(f"ta-analysis: error: {exc}", file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"ta-analysis: error: no such file: {exc.filename}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("ta-analysis: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 (the one place internal errors become a status)
        if os.environ.get("TA_ANALYSIS_DEBUG"):
            traceback.print_exc()
        print(f"ta-analysis: internal error: {type(exc).__name__}: {exc} "
              "(rerun with TA_ANALYSIS_DEBUG=1 for details)", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
