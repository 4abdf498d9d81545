"""The canonical intake schema and the mapping of an export's headers onto it.

Built-in aliases live in ``data/header_aliases.csv``; a new vendor's export can add its own in a
TOML mapping file::

    # mapping.toml
    [columns]
    "Order Dt" = "order_date"
    "Amt (local)" = "order_amount"

    [options]
    day_first = true          # slash dates in this export are day-first (05/04/2023 = 5 April)
    default_currency = "USD"  # amounts with no currency anywhere are in this currency

Headers are matched ignoring case, spaces and punctuation: "Order Total (USD)" is "ordertotalusd".
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ta_analysis.errors import InputError
from ta_analysis.vocab import read_crosswalk

# field: kind. Kinds drive normalisation (ta_analysis.normalise).
FIELDS: dict[str, str] = {
    "intake_id": "id",
    "submitted_at": "timestamp",
    "email": "identifier",
    "phone": "identifier",
    "claimant_key": "id",
    "claimant_state": "us_state",
    "claimant_country": "country",
    "buyer_type": "buyer_type",
    "order_id": "id",
    "supplier_key": "id",
    "order_date": "date",
    "order_amount": "money",
    "order_currency": "currency",
    "product_category": "text",
    "trade_assurance": "boolean",
    "promised_delivery_date": "date",
    "delivered_date": "date",
    "delivery_status": "delivery_status",
    "issues": "issues",
    "customs_fees_paid": "money",
    "customs_fees_currency": "currency",
    "customs_fees_reimbursed": "money",
    "claim_filed": "boolean",
    "claim_date": "date",
    "claim_outcome": "claim_outcome",
    "refund_amount": "money",
    "refund_requested": "money",
    "denial_reason": "free_text",
    "narrative": "free_text",
    "evidence_kept": "boolean",
}
REQUIRED = ["intake_id", "submitted_at", "order_id", "order_date", "order_amount"]
IDENTITY = ["email", "phone", "claimant_key"]  # at least one is required


def header_key(header: str) -> str:
    """Case, spacing and punctuation insensitive key: 'Order Total (USD)' -> 'ordertotalusd'."""
    return re.sub(r"[^0-9a-z]+", "", str(header).lower())


@lru_cache(maxsize=1)
def builtin_aliases() -> dict[str, str]:
    table = read_crosswalk("header_aliases.csv")
    unknown = set(table["canonical_field"]) - set(FIELDS)
    if unknown:
        raise ValueError(f"header_aliases.csv names unknown fields: {sorted(unknown)}")
    out: dict[str, str] = {}
    for fld, alias in zip(table["canonical_field"], table["alias"]):
        k = header_key(alias)
        if out.get(k, fld) != fld:
            raise ValueError(f"header_aliases.csv: alias {alias!r} maps to {out[k]} and {fld}")
        out[k] = fld
    return out


# The vocabulary each field's values map onto ([values.<field>] in a mapping file).
VALUE_VOCABULARIES = {
    "buyer_type": "buyer_type", "delivery_status": "delivery_status", "claim_outcome": "claim_outcome",
    "issues": "issue", "trade_assurance": "boolean", "claim_filed": "boolean", "evidence_kept": "boolean",
    "claimant_state": "us_state", "claimant_country": "country", "order_currency": "currency",
    "customs_fees_currency": "currency",
}


@dataclass(frozen=True)
class MappingKind:
    """What a mapping file may say for one kind of export."""

    fields: tuple[str, ...]
    options: dict[str, type]
    values: bool  # whether [values.<field>] sections are allowed


MAPPING_KINDS = {
    "intake": MappingKind(tuple(FIELDS), {"day_first": bool, "default_currency": str}, True),
    # complaint exports: the canonical complaint fields (ta_analysis.complaints.FIELDS)
    "complaints": MappingKind((), {"day_first": bool, "source": str}, False),
}


@dataclass
class Mapping:
    """A user mapping file: extra header aliases, export options and value mappings.

    Attributes:
        columns: export header -> canonical field.
        day_first: slash dates are day first when the data themselves do not tell.
        default_currency: the currency of amounts that name none anywhere.
        source: what a complaint source is called (complaint exports).
        values: canonical field -> spelling key (:func:`ta_analysis.vocab.key`) -> canonical value,
            or None for a spelling that means "missing".
        path: the file.
    """

    columns: dict[str, str] = field(default_factory=dict)
    day_first: bool = False
    default_currency: str | None = None
    source: str | None = None
    values: dict[str, dict[str, str | None]] = field(default_factory=dict)
    path: Path | None = None

    @property
    def sha256(self) -> str | None:
        import hashlib

        return None if self.path is None else hashlib.sha256(Path(self.path).read_bytes()).hexdigest()


def read_toml(path: Path) -> dict:
    """A mapping file's contents; a missing or malformed file is an InputError naming it."""
    if not path.exists():
        raise InputError("no such mapping file", file=str(path))
    if not path.is_file():
        raise InputError("is not a file", file=str(path))
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"not valid TOML: {exc}", file=str(path)) from None


def _closest(value: object, choices) -> str:
    close = difflib.get_close_matches(str(value), [str(c) for c in choices], n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def load_mapping(path: str | Path | None, kind: str = "intake", fields: tuple[str, ...] | None = None) -> Mapping:
    """Read a TOML mapping file for an intake or a complaint export: one loader, one set of checks.

    Every error names the file and the bad entry, with the closest valid name or value: an
    unknown section, a header mapped to an unknown field, an unknown option or one of the wrong
    type (``day_first = "no"`` is refused: TOML's true and false are the booleans), a value
    mapped to something outside its field's vocabulary.

    Args:
        path: the file (None: no mapping).
        kind: ``intake`` or ``complaints`` (:data:`MAPPING_KINDS`).
        fields: the canonical fields headers may map to (default: the kind's).
    """
    spec = MAPPING_KINDS[kind]
    if path is None:
        return Mapping()
    path = Path(path)
    doc = read_toml(path)
    fields = fields or spec.fields
    sections = {"columns", "options"} | ({"values"} if spec.values else set())
    unknown_sections = sorted(set(doc) - sections)
    if unknown_sections:
        raise InputError(f"unknown section [{unknown_sections[0]}]{_closest(unknown_sections[0], sections)} "
                         f"(a {kind} mapping has {', '.join(f'[{x}]' for x in sorted(sections))})", file=str(path))
    columns = doc.get("columns", {})
    if not isinstance(columns, dict):
        raise InputError("[columns] must be a table of \"export header\" = \"field\"", file=str(path))
    for header, fld in columns.items():
        if fld not in fields:
            raise InputError(f"[columns] maps {header!r} to unknown field {fld!r}{_closest(fld, fields)}",
                             file=str(path))
    options = doc.get("options", {})
    for name, value in options.items():
        if name not in spec.options:
            raise InputError(f"unknown option {name!r} in [options]{_closest(name, spec.options)} "
                             f"(known: {', '.join(sorted(spec.options))})", file=str(path))
        want = spec.options[name]
        if not isinstance(value, want) or (want is not bool and isinstance(value, bool)):
            kind_word = "true or false (no quotes)" if want is bool else "text in quotes"
            raise InputError(f"option {name} must be {kind_word}, got {value!r}", file=str(path))
    values = _load_values(doc.get("values", {}), path)
    return Mapping(columns=dict(columns), day_first=options.get("day_first", False),
                   default_currency=options.get("default_currency"), source=options.get("source"),
                   values=values, path=path)


def _load_values(section: object, path: Path) -> dict[str, dict[str, str | None]]:
    """[values.<field>] "spelling" = "canonical value" ('' for a spelling that means missing)."""
    from ta_analysis.vocab import canonical_values, key

    if not isinstance(section, dict):
        raise InputError("[values] must hold tables such as [values.claim_outcome]", file=str(path))
    out: dict[str, dict[str, str | None]] = {}
    for fld, table in section.items():
        if fld not in VALUE_VOCABULARIES:
            raise InputError(f"[values.{fld}]: {fld!r} is not a field with a vocabulary"
                             f"{_closest(fld, VALUE_VOCABULARIES)} (fields: {', '.join(VALUE_VOCABULARIES)})",
                             file=str(path))
        if not isinstance(table, dict):
            raise InputError(f"[values.{fld}] must be a table of \"spelling\" = \"value\"", file=str(path))
        valid = canonical_values(VALUE_VOCABULARIES[fld])
        spellings: dict[str, str | None] = {}
        for spelling, value in table.items():
            if not isinstance(value, str) or (value and value not in valid):
                raise InputError(f"[values.{fld}] maps {spelling!r} to {value!r}, which is not a {fld} value"
                                 f"{_closest(value, valid)} (values: {', '.join(valid)}; \"\" means missing)",
                                 file=str(path))
            k = key(pd.Series([spelling], dtype="str")).iloc[0]
            if k in spellings and spellings[k] != (value or None):
                raise InputError(f"[values.{fld}] maps {spelling!r} twice, to different values", file=str(path))
            spellings[k] = value or None
        out[fld] = spellings
    return out


@dataclass
class HeaderMap:
    """Which header went to which field, and which headers were left unmapped."""

    file: str
    fields: dict[str, str]  # canonical field -> export header
    unmapped: list[str]

    def report(self) -> list[dict[str, str]]:
        """Rows of header_mapping.csv; the file by name, as in the ledger (outputs do not depend on
        the folder the export was read from)."""
        name = Path(self.file).name
        rows = [{"file": name, "header": h, "field": f} for f, h in self.fields.items()]
        rows += [{"file": name, "header": h, "field": ""} for h in self.unmapped]
        return rows


def map_headers(headers: list[str], file: str, mapping: Mapping | None = None) -> HeaderMap:
    """Map an export's headers onto canonical fields.

    Raises:
        InputError: two headers claim one field, or a required field has no header (the message
            names the field, the file and the closest headers present).
    """
    mapping = mapping or Mapping()
    user = {header_key(h): f for h, f in mapping.columns.items()}
    aliases = {**builtin_aliases(), **user}
    fields: dict[str, str] = {}
    unmapped: list[str] = []
    for h in headers:
        fld = aliases.get(header_key(h))
        if fld is None:
            unmapped.append(h)
            continue
        if fld in fields:
            raise InputError(f"columns {fields[fld]!r} and {h!r} both map to {fld}; "
                             "name one in a mapping file's [columns]", file=file)
        fields[fld] = h
    for fld in REQUIRED:
        if fld not in fields:
            raise InputError(f"no column for {fld}{_did_you_mean(fld, unmapped)}; map it in a "
                             "--mapping file's [columns]", file=file)
    if not any(f in fields for f in IDENTITY):
        raise InputError("no column identifies the claimant (an e-mail, phone or claimant_key column)"
                         f"{_did_you_mean('email', unmapped)}", file=file)
    return HeaderMap(file, fields, unmapped)


def _did_you_mean(fld: str, candidates: list[str]) -> str:
    """The unmapped headers closest to any known alias of ``fld`` ("Purchase Dt" ~ "Purchase Date")."""
    aliases = [k for k, f in builtin_aliases().items() if f == fld] + [header_key(fld)]
    scored = []
    for c in candidates:
        ck = header_key(c)
        best = max(difflib.SequenceMatcher(None, ck, a).ratio() for a in aliases)
        if best >= 0.6:
            scored.append((-best, c))
    names = [c for _, c in sorted(scored)[:3]]
    return "; did you mean " + " or ".join(repr(n) for n in names) + "?" if names else ""


def suggested_mapping(mapping: Mapping, unmapped: pd.DataFrame) -> str:
    """``suggested_mapping.toml``: a valid mapping file that holds what ``mapping`` said, and a
    suggested canonical value for each unmapped spelling (``unmapped``: field, raw_value, count),
    with a comment giving the count and why (the closest crosswalk spelling). A spelling with no
    suggestion, or one the rules found ambiguous, is listed as a comment. Passed back with
    ``--mapping`` after review, it applies the suggestions.
    """
    import json

    from ta_analysis.vocab import canonical_values, crosswalk

    q = json.dumps  # a JSON string is a TOML basic string
    lines = ["# Suggested mapping, written by 'ta-analysis clean'. Review every suggestion (each says why it",
             "# was made), correct or delete it, and pass this file back with --mapping to apply it.",
             "# A spelling that means 'no answer' maps to \"\".", "", "[columns]"]
    lines += [f"{q(h)} = {q(f)}" for h, f in mapping.columns.items()]
    options = {"day_first": mapping.day_first, "default_currency": mapping.default_currency}
    lines += ["", "[options]"] + [f"{k} = {q(v)}" for k, v in options.items() if v not in (None, False)]
    order = list(FIELDS)
    fields = sorted(set(mapping.values) | set(unmapped["field"]) & set(VALUE_VOCABULARIES), key=order.index)
    for fld in fields:
        lines += ["", f"[values.{fld}]"]
        lines += [f"{q(k)} = {q(v or '')}  # from {mapping.path.name if mapping.path else 'the mapping'}"
                  for k, v in mapping.values.get(fld, {}).items()]
        vocabulary = VALUE_VOCABULARIES[fld]
        table = crosswalk(vocabulary)
        valid = set(canonical_values(vocabulary))
        for spelling, count, problem in zip(*(unmapped.loc[unmapped["field"] == fld, c]
                                               for c in ("raw_value", "count", "problem"))):
            rows = f"{int(count):,} row{'s' if count != 1 else ''}"
            close = difflib.get_close_matches(spelling.lower(), list(table) + sorted(valid), n=1, cutoff=0.6)
            value = table.get(close[0], close[0]) if close else None  # a spelling's value, or a value itself
            if str(problem).startswith("ambiguous"):
                lines.append(f"# {q(spelling)} = ?  # {rows}; {problem}: no suggestion")
            elif value in valid:
                lines.append(f"{q(spelling)} = {q(value)}  # {rows}; closest known spelling {q(close[0])}")
            else:
                lines.append(f"# {q(spelling)} = ?  # {rows}; no known spelling is close")
    return "\n".join(lines) + "\n"
