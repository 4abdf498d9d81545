"""Direct identifiers: keyed hashing of claimants, redaction of free text, and a final scan.

The claimant key is ``HMAC-SHA-256(key, normalised e-mail or phone)``: the same person gets the
same key in every export cleaned with the same secret key, and nobody without the key can
recover or test an identifier. The secret comes from the ``TA_ANALYSIS_HASH_KEY`` environment
variable, or from the file named by ``TA_ANALYSIS_KEY_FILE`` (keep it outside the repository).
Without either, a published default is used that is fit only for the synthetic sample: cleaning
any other export with it prints a warning and records it in ``cleaning_summary.json``.

Examples:
    >>> redact_text(pd.Series(["mail jo@example.com or call (415) 555-0182"])).tolist()
    ['mail [EMAIL] or call [PHONE]']
"""

from __future__ import annotations

import hmac
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ta_analysis import textops
from ta_analysis.errors import InputError

KEY_ENV = "TA_ANALYSIS_HASH_KEY"
KEY_FILE_ENV = "TA_ANALYSIS_KEY_FILE"
DEFAULT_KEY = b"ta-analysis-PUBLIC-DEFAULT-KEY-for-the-synthetic-sample-only"

EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
# A North American number written with separators: (415) 555-0182, 415-555-0182, +1 415 555 0182.
PHONE = r"(?:\+?1[\s.-]?)?\(?\b\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}\b"
# International numbers: +44 20 7946 0958, +86 138 0013 8000.
PHONE_INTL = r"\+\d{1,3}(?:[\s.-]?\d{2,4}){2,5}\b"
# In free text also bare runs of 10-11 digits (a phone typed without separators).
PHONE_BARE = r"\b1?\d{10}\b"
# Card-like numbers: 13 to 19 digits, optionally grouped by spaces or dashes.
CARD = r"\b\d{4}(?:[ -]?\d{4}){2}[ -]?\d{1,7}\b"
STREET = (r"\b\d{1,6}\s+(?:[A-Z][A-Za-z]+\.?\s+){1,4}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|"
          r"Lane|Ln|Drive|Dr|Court|Ct|Terrace|Way|Place|Pl|Highway|Hwy|Parkway|Pkwy)\b\.?")

# Applied to every text column written anywhere (identifiers planted in odd columns included).
EVERYWHERE = [("[EMAIL]", EMAIL), ("[PHONE]", PHONE), ("[PHONE]", PHONE_INTL)]
# Applied to free text only (narratives, denial reasons), where numbers are not identifiers we keep.
FREE_TEXT = [("[CARD]", CARD), ("[PHONE]", PHONE_BARE), ("[ADDRESS]", STREET)] + EVERYWHERE
SCAN = [("e-mail address", EMAIL), ("phone number", PHONE)]


@dataclass(frozen=True)
class HashKey:
    secret: bytes
    label: str

    @property
    def is_default(self) -> bool:
        return self.secret == DEFAULT_KEY


def load_key() -> HashKey:
    """The secret key for claimant hashing, from the environment (see the module docstring)."""
    if os.environ.get(KEY_ENV):
        return HashKey(os.environ[KEY_ENV].encode("utf-8"), f"environment variable {KEY_ENV}")
    path = os.environ.get(KEY_FILE_ENV)
    if path:
        p = Path(path)
        if not p.exists():
            raise InputError(f"{KEY_FILE_ENV} names a key file that does not exist", file=path)
        secret = p.read_bytes().strip()
        if len(secret) < 16:
            raise InputError("the key file holds fewer than 16 bytes; use a long random key", file=path)
        return HashKey(secret, f"key file named by {KEY_FILE_ENV}")
    return HashKey(DEFAULT_KEY, "PUBLIC DEFAULT KEY (synthetic sample only)")


def normalise_email(s: pd.Series) -> pd.Series:
    return s.str.strip().str.lower().where(s.str.contains("@", regex=False, na=False))


def normalise_phone(s: pd.Series) -> pd.Series:
    """Digits only; a leading U.S. country code 1 on an 11-digit number is dropped."""
    digits = s.str.replace(r"[^0-9]", "", regex=True)
    digits = digits.where(~((digits.str.len() == 11) & digits.str.startswith("1")), digits.str.slice(1))
    return digits.where(digits.str.len() >= 7)


def claimant_keys(email: pd.Series, phone: pd.Series, given: pd.Series, key: HashKey) -> pd.Series:
    """One keyed hash per claimant: from the e-mail, else the phone; a given key is kept as is.

    The key is ``"C"`` and the first 24 hex digits of the standard library's
    ``hmac.new(secret, identifier, "sha256")``; each distinct identifier is hashed once (from a
    copy of one keyed HMAC object) and spread back over the rows.
    """
    ident = ("email:" + normalise_email(email)).fillna("phone:" + normalise_phone(phone))
    codes, identifiers = textops.distinct(ident)
    keyed = hmac.new(key.secret, digestmod="sha256")

    def digest(identifier: str) -> str:
        h = keyed.copy()
        h.update(identifier.encode("utf-8"))
        return "C" + h.hexdigest()[:24]

    hashed = pd.Series([digest(u) for u in identifiers.iloc[:-1].tolist()] + [None], dtype="str")  # last: none
    return given.where(given.notna(), textops.spread(hashed, codes, given.index)).astype("str")


def _apply(s: pd.Series, rules: list[tuple[str, str]]) -> pd.Series:
    """Apply the rules to the few values one combined pattern finds anything in (one scan); ``s``
    itself when there are none."""
    hit = textops.contains(s, "|".join(f"(?:{p})" for _, p in rules))
    if not hit.any():
        return s
    part = s[hit]
    for token, pattern in rules:
        part = textops.replace(part, pattern, token)
    out = s.copy()
    out[hit] = part
    return out


def redact_text(s: pd.Series) -> pd.Series:
    """Redact e-mail, phone, card-like numbers and street addresses in free text (long text that
    repeats: each distinct text is scanned once)."""
    return textops.per_distinct(redact_distinct_text, s.astype("str"))


def redact_distinct_text(s: pd.Series) -> pd.Series:
    """:func:`redact_text` of text whose values are already distinct (no search for repeats)."""
    return _apply(s.astype("str"), FREE_TEXT)


def redact_identifiers(s: pd.Series) -> pd.Series:
    """Redact e-mail addresses and formatted phone numbers in any text column."""
    return _apply(s.astype("str"), EVERYWHERE)


def redact_frame(df: pd.DataFrame, free_text: tuple[str, ...] = (), generated: tuple[str, ...] = ()) -> pd.DataFrame:
    """Every text column redacted (free-text columns with the fuller rules); a new frame.

    Columns named in ``generated`` hold only values the code writes from its own vocabularies
    (rule names, ISO codes, field names) and are left as they are; the scan of every output file
    (:func:`scan_buffer`) still covers them.
    """
    out = df.copy(deep=False)  # copy-on-write: replacing a column here leaves df as it was
    todo = [c for c in out.columns if c not in generated and (out[c].dtype == "str" or out[c].dtype == object)]

    for c in todo:
        s = out[c].astype("str")
        out[c] = redact_text(s) if c in free_text else redact_identifiers(s)
    return out


def scan_file(path) -> list[str]:
    """Kinds of direct identifier in a file's bytes (memory-mapped; see :func:`scan_buffer`)."""
    import pyarrow as pa

    with pa.memory_map(str(path)) as mm:
        return scan_buffer(mm.read_buffer())


def scan_buffer(data) -> list[str]:
    """Kinds of direct identifier in a buffer of bytes (anything with the buffer protocol), scanned
    by RE2 in one pass; each kind is named only when that pass finds something."""
    import pyarrow as pa
    import pyarrow.compute as pc

    data = pa.py_buffer(data)
    offsets = pa.py_buffer(pa.array([0, data.size], pa.int64()).buffers()[1])
    whole = pa.LargeBinaryArray.from_buffers(pa.large_binary(), 1, [None, offsets, data])
    anything = "|".join(f"(?:{pattern})" for _, pattern in SCAN)
    if not pc.match_substring_regex(whole, pattern=anything)[0].as_py():
        return []
    return [name for name, pattern in SCAN if pc.match_substring_regex(whole, pattern=pattern)[0].as_py()]


def scan_text(text: str) -> list[str]:
    """Kinds of direct identifier found in ``text`` (empty when clean)."""
    return scan_buffer(text.encode("utf-8"))
