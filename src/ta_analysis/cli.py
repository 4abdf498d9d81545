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


def _folder(text: str) -> Path:
    """An output folder: never empty (``Path("")`` would be the current folder)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("is empty; name the output folder")
    return Path(text)


def _draws(text: str) -> int:
    """Bootstrap draws: a whole number of at least ``metrics.MIN_BOOT`` (what the notebooks accept)."""
    from ta_analysis.metrics import MIN_BOOT

    n = _positive_int(text)
    if n < MIN_BOOT:
        raise argparse.ArgumentTypeError(f"{n} is too few bootstrap draws for an interval; give at least {MIN_BOOT}")
    return n


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
    p.add_argument("--out", type=_folder, required=True, help="output file, .csv or .xlsx")
    p.add_argument("--truth", type=Path, help="also write the clean values here (CSV; intake only)")
    p.add_argument("--kind", choices=["intake", "vendor-b", "cfpb"], default="intake",
                   help="an intake-form export (default), an intake export in a second, independently written "
                        "style (vendor-b), or a CFPB-format complaint export")

    p = sub.add_parser("clean", help="clean intake exports into the processed folder",
                       description="Read intake exports, normalise them to the canonical schema, "
                                   "anonymise, de-duplicate, apply the class definition and write "
                                   "the processed data with its audit ledger.")
    p.add_argument("inputs", nargs="+", type=Path, metavar="INPUT", help="intake export files")
    p.add_argument("--out", type=_folder, required=True, help="output folder (e.g. data/processed)")
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
    p.add_argument("--strict", action="store_true",
                   help="exit 2 when a figure rests on more than 1%% unread or unmapped inputs")
    p.add_argument("--as-of", type=_iso_date, help="as-of date (default: the cleaning run's)")
    p.add_argument("--class-start", type=_iso_date, help="class period start (default: the cleaning run's)")
    p.add_argument("--class-end", type=_iso_date, help="class period end (default: the cleaning run's)")
    p.add_argument("--draws", type=_draws, default=2000, help="bootstrap draws (default 2000)")
    p.add_argument("--seed", type=int, default=20231, help="bootstrap seed (default 20231)")

    p = sub.add_parser("report", help="execute the notebooks and render the reports",
                       description="Execute the numbered notebooks on a processed folder and render "
                                   "them as HTML reports (no code), with exhibits and an index page, PDFs, the declaration table, "
                                   "the methods appendix and the tables in Excel.")
    p.add_argument("--processed", type=Path, required=True, help="folder written by 'ta-analysis clean'")
    p.add_argument("--out", type=_folder, required=True, help="output folder (e.g. reports)")
    p.add_argument("--as-of", type=_iso_date, help="as-of date (default: the cleaning run's)")
    p.add_argument("--class-start", type=_iso_date, help="class period start (default: the cleaning run's)")
    p.add_argument("--class-end", type=_iso_date, help="class period end (default: the cleaning run's)")
    p.add_argument("--complaints", type=Path,
                   help="folder written by 'ta-analysis complaints' (default: PROCESSED/complaints)")
    p.add_argument("--named-plaintiffs", nargs="*", default=[], metavar="KEY",
                   help="intake ids of the named plaintiffs (typicality; the bundled sample shows two examples when none are given)")
    p.add_argument("--draws", type=_draws, default=2000, help="bootstrap draws (default 2000)")
    p.add_argument("--seed", type=int, default=20231, help="bootstrap seed (default 20231)")
    p.add_argument("--caption", help="the case caption, for the title page and the running head of report.pdf")
    p.add_argument("--quiet", action="store_true", help="no progress bars")

    p = sub.add_parser("complaints", help="clean and code complaint-database exports",
                       description="Stream complaint exports (CFPB, or any source through a mapping file), "
                                   "select, clean, redact and code them, with a ledger of every record.")
    p.add_argument("inputs", nargs="+", type=Path, metavar="INPUT", help="complaint export files (CSV)")
    p.add_argument("--format", choices=["cfpb", "mapped"], default="cfpb", help="cfpb (default) or mapped")
    p.add_argument("--mapping", type=Path, help="TOML mapping file for --format mapped")
    p.add_argument("--out", type=_folder, required=True, help="output folder")
    p.add_argument("--company", help="keep only companies matching this regular expression (e.g. 'alibaba|alipay')")
    p.add_argument("--keyword", help="keep only narratives matching this regular expression")
    p.add_argument("--intake", type=Path, help="processed intake folder to link complaints to (counts only)")
    return parser


# --- the commands (the library is imported inside each, so that --help answers at once) ---------

def clean_command(args: argparse.Namespace) -> int:
    """``ta-analysis clean``: clean intake exports into the processed folder."""
    from ta_analysis import anonymise
    from ta_analysis.clean import clean, write
    from ta_analysis.definitions import ClassDefinition
    from ta_analysis.outputs import check_out_dir

    check_out_dir(args.out, inputs=tuple(args.inputs))  # before a long clean, not after it
    definition = ClassDefinition(
        class_start=args.class_start or ClassDefinition().class_start, class_end=args.class_end)
    key = anonymise.load_key()
    if key.is_default and not _is_sample(args.inputs):
        print(f"ta-analysis: warning: no secret hash key set ({anonymise.KEY_ENV}); using the public "
              "default, fit only for the synthetic sample", file=sys.stderr)
    result = clean(args.inputs, mapping=args.mapping, as_of=args.as_of, definition=definition, key=key,
                   progress=not args.quiet and sys.stderr.isatty())
    write(result, args.out, inputs=tuple(args.inputs))
    print(closing_summary(result.summary, args.out))
    return 0


def _is_sample(paths: list[Path]) -> bool:
    from ta_analysis import config
    from ta_analysis.read import sha256_file

    sample = config.SAMPLE_EXPORT
    if not sample.exists():
        return False
    digest = sha256_file(sample)
    return all(sha256_file(p) == digest for p in paths if Path(p).exists())


def closing_summary(s: dict, out_dir: Path) -> str:
    """What a clean did, in a few lines: records by fate and rule, members, values not read."""
    from ta_analysis.clean import FATES

    lines = [f"{s['input_records']:,} records in from {len(s['inputs'])} file(s); as of {s['parameters']['as_of']}, "
             f"class period {s['parameters']['class_start']} to {s['parameters']['class_end']}"]
    for fate in FATES:
        lines.append(f"  {fate:<12}{s['fates'][fate]:>9,}")
        for r in s["by_rule"]:
            if r["fate"] == fate:
                lines.append(f"      {r['rule']:<32}{r['records']:>7,}")
    lines.append(f"  {'reconciles':<12}{'yes' if s['reconciles'] else 'NO'}")
    lines.append(f"class members (distinct claimants): {s['class_members']:,}; subclasses: "
                 + ", ".join(f"{k} {v:,}" for k, v in s["subclass_members"].items()))
    lines.append(f"{s['problems']:,} values could not be read (problems.csv); written to {out_dir}/")
    return "\n".join(lines)


def summary_command(args: argparse.Namespace) -> int:
    """``ta-analysis summary``: the headline figures of a processed folder."""
    import json

    from ta_analysis.summary import UNREAD_WARNING_SHARE, format_headline, headline_for, load_processed, unread_warnings

    processed = load_processed(args.processed)
    h = headline_for(processed, as_of=args.as_of, class_start=args.class_start, class_end=args.class_end,
                     n_boot=args.draws, seed=args.seed)
    print(json.dumps(h, indent=2) if args.json else format_headline(h))
    warned = unread_warnings(h)
    if args.strict and warned:
        print(f"ta-analysis: --strict: {len(warned)} figure(s) rest on more than {UNREAD_WARNING_SHARE:.0%} unread "
              f"inputs ({', '.join(warned)}); map them (suggested_mapping.toml) and clean again", file=sys.stderr)
        return 2
    return 0


def report_command(args: argparse.Namespace) -> int:
    """``ta-analysis report``: execute the notebooks and render the reports."""
    from ta_analysis.render import NotebookFailed, report

    try:
        index = report(args.processed, args.out, as_of=args.as_of, class_start=args.class_start,
                       class_end=args.class_end, named_plaintiffs=args.named_plaintiffs, draws=args.draws,
                       seed=args.seed, progress=not args.quiet, complaints_dir=args.complaints,
                       caption=args.caption)
    except NotebookFailed as exc:
        print(f"ta-analysis: report failed: {exc}; the previous reports in {args.out} are unchanged",
              file=sys.stderr)
        return 1
    print(f"wrote {index} and the reports beside it")
    return 0


def complaints_command(args: argparse.Namespace) -> int:
    """``ta-analysis complaints``: clean and code complaint-database exports."""
    from ta_analysis.complaints import run

    s = run(args.inputs, args.format, args.mapping, args.out, company=args.company, keyword=args.keyword,
            intake_dir=args.intake)
    for f in s["inputs"]:
        print(f"{f['file']}: {f['records']:,} records; {f['not_selected']:,} not selected; "
              f"{f['kept']:,} kept, {f['duplicate']:,} duplicates, {f['quarantined']:,} quarantined; "
              f"reconciles: {'yes' if f['reconciles'] else 'NO'}")
    unvalidated = set(s.get("codes_unvalidated", []))
    print(f"{s['kept']:,} complaints kept; {s['purchase_disputes']:,} purchase disputes; codes: "
          + ", ".join(f"{k}{'*' if k in unvalidated else ''} {v:,}" for k, v in s["codes"].items())
          + f" (codebook {s['codebook_version']}" + ("; * not validated on held-out real narratives" if unvalidated else "")
          + ")")
    if "linkage" in s:
        lk = s["linkage"]
        print(f"linked to intake: {lk['complaints_linked']:,} complaints, {lk['intake_records_linked']:,} intake records "
              f"(same claimant key, within {lk['window_days']} days); not merged")
    print(f"written to {args.out}/")
    return 0


def synth_command(args: argparse.Namespace) -> int:
    """``ta-analysis synth``: a seeded synthetic export."""
    from ta_analysis.synth import synth

    synth(args.rows, args.seed, args.out, args.truth, kind=args.kind)
    print(f"wrote {args.out}" + (f" and {args.truth}" if args.truth else ""))
    return 0


COMMANDS = {"synth": synth_command, "clean": clean_command, "summary": summary_command,
            "report": report_command, "complaints": complaints_command}


def _safe(message: str) -> str:
    """A message with any direct identifier in it redacted (messages quote headers and values)."""
    try:
        from ta_analysis.anonymise import redact_message

        return redact_message(message)
    except Exception:  # noqa: BLE001 (a message must still be printed; say less rather than leak)
        return message.split(":")[0] + ": (details withheld)"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    try:
        args = build_parser().parse_args(argv)
        return COMMANDS[args.command](args)
    except SystemExit as exc:  # --help and --version
        return int(exc.code or 0)
    except InputError as exc:
        print(f"ta-analysis: error: {_safe(str(exc))}", file=sys.stderr)
        return 2
    except OSError as exc:  # the environment: a missing file, a full or read-only disk, a folder for a file
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"ta-analysis: error: {_safe(where + (exc.strerror or type(exc).__name__))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("ta-analysis: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 (the one place internal errors become a status)
        if os.environ.get("TA_ANALYSIS_DEBUG"):
            traceback.print_exc()
        print(f"ta-analysis: internal error: {type(exc).__name__}: {_safe(str(exc))} "
              "(rerun with TA_ANALYSIS_DEBUG=1 for details)", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
