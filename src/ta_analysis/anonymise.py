"""Direct identifiers: keyed hashing of claimants, redaction of every text written, and a final scan.

The claimant key is ``"C"`` and the first 24 hex digits of ``HMAC-SHA-256(key, identifier)``
(the standard library's :mod:`hmac`), where the identifier is the normalised e-mail address, or
without one the phone number, or without either the claimant key the export gives (which is
never published as given). The same person gets the same key in every export cleaned with the
same secret key, and nobody without the key can recover or test an identifier. The secret
comes from the ``TA_ANALYSIS_HASH_KEY`` environment variable, or from the file named by
``TA_ANALYSIS_KEY_FILE`` (keep it outside the repository). Without either, a published default is
used that is fit only for the synthetic sample: cleaning any other export with it prints a
warning and records it in ``cleaning_summary.json``.

Redaction finds, in any text (every text column and header of every output, ledgers included):

========================  =============  ====================================================
kind                      replaced by    how it is found
========================  =============  ====================================================
e-mail address            ``[EMAIL]``    ``@``, ``%40``, `` @ ``, ``[at]``/``(at)``, ``at``/``dot``
                                         in words; non-ASCII local parts and domains
IBAN                      ``[IBAN]``     two letters, two check digits and 11-30 letters or
                                         digits in any grouping, whose mod-97 check holds
card number               ``[CARD]``     13 to 19 digits in any grouping (4-4-4-4, 4-6-5
                                         Amex, none) whose Luhn check holds
U.S. SSN                  ``[SSN]``      three, two and four digits, dashed or spaced
phone number              ``[PHONE]``    libphonenumber's PhoneNumberMatcher (``VALID``),
                                         national and international formats, with extensions,
                                         for the regions in :data:`PHONE_REGIONS`
street address            ``[ADDRESS]``  a house number, one to four name words and a street
                                         word (Street, Ave, Terrace...), any letter case
person's name             ``[NAME]``     the words after "my name is", "this is", "signed"
                                         and a closing ("Regards,", "Sincerely,")
========================  =============  ====================================================

Every value is first looked at in its NFKC form with every Unicode digit made ASCII, so
full-width and other scripts' digits are found too; a text in which something was found is
written in that form, any other text exactly as it was. Each kind is one :class:`Detector`: a
regular expression run by pyarrow's RE2 over the whole column picks the few texts that may hold
one, and an exact check (a checksum, libphonenumber, a list of words that are not names) decides
on those. Redaction and the scan of the outputs (:func:`scan_frame`) use the same detectors.

Examples:
    >>> redact_text(pd.Series(["mail jo@example.com or call (415) 555-0182"])).tolist()
    ['mail [EMAIL] or call [PHONE]']
"""

from __future__ import annotations

import hmac
import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from ta_analysis import textops
from ta_analysis.errors import InputError

KEY_ENV = "TA_ANALYSIS_HASH_KEY"
KEY_FILE_ENV = "TA_ANALYSIS_KEY_FILE"
DEFAULT_KEY = b"ta-analysis-PUBLIC-DEFAULT-KEY-for-the-synthetic-sample-only"

# The U.S. and the regions the orders' buyers and suppliers most often call from (issue 15).
PHONE_REGIONS = ("US", "CN", "GB", "IN", "DE", "FR", "JP", "CA", "AU", "MX", "BR")


# --- claimant keys ----------------------------------------------------------------------------

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
        if not p.is_file():
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


KEY_HEX_DIGITS = 24
CLAIMANT_KEY = rf"C[0-9a-f]{{{KEY_HEX_DIGITS}}}"  # every key claimant_keys makes, and nothing else


def claimant_keys(email: pd.Series, phone: pd.Series, given: pd.Series, key: HashKey) -> pd.Series:
    """One keyed hash per claimant: from the e-mail, else the phone, else the key the export gives.

    The key is ``"C"`` and the first 24 hex digits of the standard library's
    ``hmac.new(secret, identifier, "sha256")``; each distinct identifier is hashed once (from a
    copy of one keyed HMAC object) and spread back over the rows. A given key is hashed like any
    identifier: an export's own ``claimant_key`` column may hold names, so it is never published.
    """
    ident = ("email:" + normalise_email(email)).fillna("phone:" + normalise_phone(phone))
    ident = ident.fillna("key:" + given.str.strip())
    codes, identifiers = textops.distinct(ident)
    keyed = hmac.new(key.secret, digestmod="sha256")

    def digest(identifier: str) -> str:
        h = keyed.copy()
        h.update(identifier.encode("utf-8"))
        return "C" + h.hexdigest()[:KEY_HEX_DIGITS]

    hashed = pd.Series([digest(u) for u in identifiers.iloc[:-1].tolist()] + [None], dtype="str")  # last: none
    return textops.spread(hashed, codes, given.index).astype("str")


# --- the detectors ----------------------------------------------------------------------------

_LETTER = r"[^\W\d_]"  # Python re: any letter, in any script
_WORDCHAR = r"[^\W_]"  # a letter or a digit
# Every part has a bound (an address is at most 254 characters, a label 63) and no two parts can
# share a character, so a long hostile cell ("a.a.a.a...", 100,000 characters of one word) costs
# time in proportion to its length, never its square.
_LOCAL = rf"{_WORDCHAR}[\w.%+\-']{{0,63}}"  # jo.quill, o'brien
_PART = rf"{_WORDCHAR}[\w%+\-']{{0,63}}"  # one dot-free piece of a local part, where dots are spaced
_LABEL = rf"{_WORDCHAR}[\w\-]{{0,62}}"
_TLD = rf"{_LETTER}{{2,63}}"
_WRAP_OPEN, _WRAP_CLOSE = r"[\[(\{<\-_]", r"[\])\}>\-_]"
_BRACKET_AT = rf"\s*{_WRAP_OPEN}\s*(?:at|@)\s*{_WRAP_CLOSE}\s*"  # [at], (at), -at-, [@]
_BRACKET_DOT = rf"\s*{_WRAP_OPEN}\s*dot\s*{_WRAP_CLOSE}\s*"
_SPACED_DOT = r"\s{0,3}\.\s{0,3}"
_MAILCHAR = r"[^\s@<>()\[\]{},;:\"'`]"  # any script, combining marks included
_DOMAINCHAR = r"[^\s@<>()\[\]{},;:\"'`.]"
_EMAIL = re.compile("|".join([
    # jo@example.com, josé@exämple.com, अजय@उदाहरण.परीक्षा, jo%40example.com
    rf"{_MAILCHAR}{{1,64}}(?:@|%40)(?:{_DOMAINCHAR}{{1,63}}\.){{1,8}}{_DOMAINCHAR}{{2,63}}",
    # jo @ example.com, ines . farrow @ example . com
    rf"{_PART}(?:{_SPACED_DOT}{_PART}){{0,8}}\s{{0,3}}(?:@|%40)\s{{0,3}}{_LABEL}(?:{_SPACED_DOT}{_LABEL}){{0,8}}"
    rf"{_SPACED_DOT}{_TLD}",
    # jo[at]example.com, jo (at) example (dot) com, z.kesicka -at- example -dot- com
    rf"{_PART}(?:(?:{_SPACED_DOT}|{_BRACKET_DOT}){_PART}){{0,8}}{_BRACKET_AT}{_LABEL}"
    rf"(?:(?:{_SPACED_DOT}|{_BRACKET_DOT}|\s{{1,3}}dot\s{{1,3}}){_LABEL}){{1,8}}",
    # jo at example dot com, hana dot sorensen at example dot net
    rf"{_LOCAL}(?:\s{{1,3}}dot\s{{1,3}}{_LOCAL}){{0,8}}\s{{1,3}}at\s{{1,3}}{_LABEL}(?:\s{{1,3}}dot\s{{1,3}}{_LABEL}){{1,8}}",
    # thandiwe at example . org (a spaced dot is no sentence's full stop)
    rf"{_LOCAL}\s{{1,3}}at\s{{1,3}}{_LABEL}\s{{1,3}}\.\s{{1,3}}{_TLD}\b",
    # jo.quill at example.com (a bare word before "at x.com" is prose: "bought it at alibaba.com")
    rf"(?=[\w%+\-']{{0,63}}[.\d_%+\-]){_LOCAL}\s{{1,3}}at\s{{1,3}}{_LABEL}(?:\.{_LABEL}){{0,8}}\.{_TLD}",
]), re.IGNORECASE)
# Where an address can be: every match holds one of these, so the pattern runs only on the text
# around them (an address and its spaced disguises fit in the window).
_EMAIL_ANCHOR = re.compile(r"@|%40|\bat\b", re.IGNORECASE)
_EMAIL_WINDOW = (700, 700)  # characters before and after an anchor
_EMAIL_CANDIDATE = r"@|%40|(?i)[\[(\{<_-]\s*at\s*[\])\}>_-]|(?i)\bat\s+[\p{L}\p{N}-]+\s*(?:\.|\bdot\b)\s*\p{L}{2}"

_SSN = re.compile(r"(?<![\w-])\d{3}([- ])\d{2}\1\d{4}(?![\w-])")
_SSN_CANDIDATE = r"[0-9]{3}[- ][0-9]{2}[- ][0-9]{4}"

# A number with one decimal point and nothing else (0.206549, a ratio in a table) is no phone or card.
_DECIMAL = re.compile(r"\d+\.\d+")
_DIGIT_RUN = re.compile(r"(?<![\w])\d(?:[ .\-]{0,2}\d){12,18}(?![\w])")  # 4111 1111.., 5555  5555..
_DIGIT_RUN_CANDIDATE = r"[0-9](?:[ .-]{0,2}[0-9]){12}"

_IBAN = re.compile(r"(?<![\w])[A-Z]{2}\d{2}(?:[ \-]?[A-Z0-9]){11,32}", re.IGNORECASE)
_IBAN_CANDIDATE = r"(?i)\b[a-z]{2}[0-9]{2}(?:[ -]?[a-z0-9]){11}"

# A run of digits with a phone's separators, not part of a longer code (PI-20230405-01, CLM-2023-...)
# nor an amount ($540000.00).
_PHONE_SPAN = re.compile(r"(?<![\w+\-/.$€£¥])(?:\+|00)?\s?[(\[]?\d[\d\s()\[\]./\-]{5,40}\d"
                         r"(?:\s*(?:x|ext\.?|extension|#)\s*\d{1,6})?(?![\w\-/])", re.IGNORECASE)
_PHONE_CANDIDATE = r"[0-9][0-9 ()\[\]./-]{5,}[0-9]"
# A seven-digit local number (555-0182) is a phone only where the words before it say so.
_LOCAL_PHONE = re.compile(r"(?<![\w\-/.])\d{3}[-.]\d{4}(?![\w\-/.])")
_PHONE_WORDS = re.compile(r"\b(?:phone|call|calls|called|mobile|cell|tel|telephone|text|contact|ring|fax|whatsapp|"
                          r"number|reach)\b[^.!?\n]{0,40}$", re.IGNORECASE)
_PHONE_WORDS_AFTER = re.compile(r"^[^.!?\n]{0,30}\b(?:phone|mobile|cell|number|whatsapp)\b", re.IGNORECASE)
_BARE_LONG_RUN = re.compile(r"\d{13,}")  # an order number; a phone so long is written with + or 00

_STREET_WORDS = ("street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|terrace|ter|way|place|pl|"
                 "highway|hwy|parkway|pkwy|circle|cir|square|sq|close|crescent|cres|grove|gardens|mews|row|walk|"
                 "hill|alley|plaza|trail|parade|rise|green|gate|wharf|quay|yard|vale|approach|cuttings|broadway")
_STREET = re.compile(rf"(?<![\w])(\d{{1,6}}[a-z]?)\s+((?:[\w'.\-]+\s+){{0,4}})({_STREET_WORDS})\b\.?"
                     r"(?:\s+(?:nw|ne|sw|se|n|s|e|w)\b\.?)?", re.IGNORECASE)
_STREET_CANDIDATE = rf"(?i)\b[0-9]{{1,6}}[a-z]?\s+(?:[^\s]+\s+){{0,4}}(?:{_STREET_WORDS})\b"
# Words that never begin or make up a street's name: a number followed by them is prose
# ("3 items the same way", "150 road bikes").
_NOT_STREET = {"the", "a", "an", "of", "in", "on", "to", "at", "by", "for", "from", "with", "and", "or", "my",
               "your", "our", "their", "his", "her", "its", "this", "that", "same", "other", "days", "day",
               "weeks", "week", "months", "month", "years", "year", "hours", "times", "items", "units", "pcs",
               "pieces", "boxes", "orders", "was", "were", "is", "are", "it", "all", "more", "than", "per"}

_NAME_WORD = r"[^\W\d_][\w'’.\-]*"
_NAME = rf"({_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,3}})"
# (trigger, whether the name must be capitalised): lower-case names follow "my name is" only.
_NAME_TRIGGERS = [
    (re.compile(rf"\bmy name is\s+{_NAME}", re.IGNORECASE), False),
    (re.compile(rf"\b[Tt]his is\s+{_NAME}"), True),
    (re.compile(rf"\b[Ss]igned(?:\s+by)?\s*[\]):,]?\s+{_NAME}"), True),
    (re.compile(rf"\b(?:[Rr]egards|[Ss]incerely|[Tt]hanks|[Tt]hank you|[Cc]heers|[Yy]ours(?: truly| faithfully)?)"
                rf"\s*[,:]\s*{_NAME}"), True),
]
_NAME_CANDIDATE = r"(?i)my name is|this is|signed|regards|sincerely|thanks|thank you|cheers|yours"
# Words that are not (the start of) a person's name after a trigger phrase.
_NOT_NAME = {
    "a", "an", "the", "my", "our", "your", "his", "her", "their", "its", "this", "that", "these", "those", "it",
    "i", "we", "you", "he", "she", "they", "me", "us", "them", "is", "was", "not", "no", "and", "or", "but", "so",
    "to", "for", "from", "of", "on", "in", "at", "by", "with", "as", "about", "regarding", "re", "all", "also",
    "very", "really", "just", "still", "again", "unacceptable", "ridiculous", "outrageous", "fraud", "wrong",
    "misspelled", "spelled", "written", "listed", "shown", "correct", "incorrect", "on", "off", "up", "out",
    "urgent", "important", "final", "why", "what", "how", "when", "where", "who", "which", "trade", "alibaba",
    "alibaba.com", "aliexpress", "alipay", "supplier", "seller", "buyer", "customer", "team", "dept",
    "department", "desk", "service", "support", "claims", "claim", "order", "case", "contract", "agreement",
    "document", "form", "invoice", "receipt", "delivery", "package", "paperwork", "copy", "letter", "email",
    "e-mail", "please", "thanks", "thank", "kind", "best", "warm", "yours", "sincerely", "regards", "cheers",
    "hello", "hi", "dear", "sir", "madam", "mr", "mrs", "ms", "dr", "because", "after", "before", "off",
    "procurement", "accounts", "payable", "purchasing", "management", "owner", "manager", "frustrated",
    "disappointed", "angry", "unhappy", "upset", "happy", "sure", "confirmed", "received", "sent", "done",
}


_TITLES = {"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "mx"}
# A signature holding one of these is an organisation's ("Sincerely, Debit Card Dispute Resolution").
_ORGANISATION = {"bank", "card", "cards", "dispute", "disputes", "resolution", "services", "service", "center",
                 "centre", "group", "inc", "llc", "ltd", "company", "corp", "corporation", "office", "unit",
                 "chase", "citibank", "amex", "paypal", "visa", "mastercard", "bureau", "agency", "association"}


@dataclass(frozen=True)
class Detector:
    """One kind of direct identifier.

    Attributes:
        kind: what it is, as messages name it ("phone number").
        token: what replaces it (``[PHONE]``).
        candidate: an RE2 pattern that every text holding one matches (run over whole columns).
        spans: the exact ``(start, end)`` of each one in a text (run on the candidates only).
    """

    kind: str
    token: str
    candidate: str
    spans: Callable[[str], list[tuple[int, int]]]


def _email_spans(text: str) -> list[tuple[int, int]]:
    before, after = _EMAIL_WINDOW
    segments: list[list[int]] = []
    for m in _EMAIL_ANCHOR.finditer(text):
        lo, hi = max(0, m.start() - before), m.end() + after
        if segments and lo <= segments[-1][1]:
            segments[-1][1] = hi
        else:
            segments.append([lo, hi])
    return [m.span() for lo, hi in segments for m in _EMAIL.finditer(text, lo, hi)]


def _ssn_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _SSN.finditer(text)]


def _luhn(digits: str) -> bool:
    from stdnum import luhn

    return luhn.is_valid(digits)


def _card_spans(text: str) -> list[tuple[int, int]]:
    """Runs of 13-19 digits (any grouping) whose Luhn check holds; a longer run is tried group by group."""
    out = []
    for m in _DIGIT_RUN.finditer(text):
        if _DECIMAL.fullmatch(m.group(0)):  # 0.13963642959872505, a ratio written in full
            continue
        groups = [g for g in re.finditer(r"\d+", m.group(0))]
        found = False
        for i in range(len(groups)):  # the longest valid run of whole groups from each group on
            for j in range(len(groups), i, -1):
                digits = "".join(g.group(0) for g in groups[i:j])
                if 13 <= len(digits) <= 19 and _luhn(digits):
                    out.append((m.start() + groups[i].start(), m.start() + groups[j - 1].end()))
                    found = True
                    break
            if found:
                break
    return out


def _iban_check_digits(candidate: str) -> bool:
    """The IBAN's length for its country and its mod-97 check digits (not the national BBAN rules)."""
    from stdnum import iban
    from stdnum.exceptions import ValidationError

    try:
        iban.validate(candidate, check_country=False)
    except ValidationError:
        return False
    return True


def _iban_spans(text: str) -> list[tuple[int, int]]:
    """Country code, check digits and account part, in any grouping, whose mod-97 check holds."""
    out = []
    for m in _IBAN.finditer(text):
        s = m.group(0)
        for end in range(len(s), 14, -1):  # the longest valid prefix (words may follow the number)
            if s[end - 1].isalnum() and _iban_check_digits(s[:end]):
                out.append((m.start(), m.start() + end))
                break
    return out


@lru_cache(maxsize=200_000)
def _phones_in(span: str) -> tuple[tuple[int, int], ...]:
    """libphonenumber's matches in a phone-like span, over :data:`PHONE_REGIONS`.

    The digits must form a valid number of the region grouped as that region writes numbers
    (``STRICT_GROUPING``: "6109.10.0012", an HS code, is no phone). A number written with ``+``
    or ``00`` and a country code needs only to be a possible number of that country (ranges not
    yet assigned, such as the U.K.'s drama numbers, are still someone's way of writing a phone).
    """
    import phonenumbers

    found: set[tuple[int, int]] = set()
    digits = {i for i, c in enumerate(span) if c.isdigit()}
    for region in PHONE_REGIONS:  # until every digit is in a match: one span may hold two numbers
        found |= {(m.start, m.end) for m in
                  phonenumbers.PhoneNumberMatcher(span, region, leniency=phonenumbers.Leniency.STRICT_GROUPING)}
        if digits <= {i for a, b in found for i in range(a, b)}:
            break
    if not found and re.match(r"\s*(?:\+|00)", span):
        try:
            number = phonenumbers.parse("+" + span.strip().lstrip("+").removeprefix("00"), None)
        except phonenumbers.NumberParseException:
            return ()
        if phonenumbers.is_possible_number(number):
            found = {(len(span) - len(span.lstrip()), len(span.rstrip()))}
    return tuple(sorted(found))


def _phone_spans(text: str) -> list[tuple[int, int]]:
    out = []
    for m in _PHONE_SPAN.finditer(text):
        span = m.group(0)
        if sum(c.isdigit() for c in span) < 7 or _DECIMAL.fullmatch(span) or _BARE_LONG_RUN.fullmatch(span.strip()):
            continue
        out += [(m.start() + a, m.start() + b) for a, b in _phones_in(span.replace("[", "(").replace("]", ")"))]
    found = {i for a, b in out for i in range(a, b)}
    out += [m.span() for m in _LOCAL_PHONE.finditer(text)
            if m.start() not in found and (_PHONE_WORDS.search(text[max(0, m.start() - 60):m.start()])
                                           or _PHONE_WORDS_AFTER.search(text[m.end():m.end() + 40]))]
    return out


def _street_spans(text: str) -> list[tuple[int, int]]:
    out = []
    for m in _STREET.finditer(text):
        words = [w.lower().strip(".,'") for w in m.group(2).split()]
        named = bool(words) or m.group(3).lower() == "broadway"  # "501 Broadway" needs no other word
        if named and not any(w in _NOT_STREET or w.isdigit() for w in words):
            out.append(m.span())
    return out


def _name_spans(text: str) -> list[tuple[int, int]]:
    out = []
    for pattern, capitalised in _NAME_TRIGGERS:
        introduced = pattern.pattern.startswith(r"\b[Tt]his is")
        for m in pattern.finditer(text):
            keep = []
            for w in re.finditer(r"\S+", m.group(1)):  # the name ends at the first word that is not part of one
                word = w.group(0).rstrip(".,;:!?)\"'’")
                bare = re.sub(r"['’]s$", "", word.lower())  # Alibaba.com's
                if not keep and bare.rstrip(".") in _TITLES:  # Dr. Łukasz Żmuda: the title stays
                    continue
                masked = re.fullmatch(r"[Xx]{2,}", word)  # the CFPB's own redaction, left as it is
                shouting = introduced and len(word) > 1 and word.isupper()  # "This is HORRIBLE"
                if (not word or masked or shouting or bare in _NOT_NAME
                        or (capitalised and not word[0].isupper())):
                    break
                keep.append((m.start(1) + w.start(), m.start(1) + w.start() + len(word)))
                if word != w.group(0):  # punctuation after it ends the name
                    break
            if not keep or any(text[a:b].lower() in _ORGANISATION for a, b in keep):
                continue
            if introduced and not _ends_introduction(text[keep[-1][1]:]):
                continue  # "This is False Misrepresentation of ...": a phrase, not a name
            out.append((keep[0][0], keep[-1][1]))
    return out


_AFTER_INTRODUCTION = {"from", "and", "here", "speaking", "calling", "writing", "again"}


def _ends_introduction(rest: str) -> bool:
    """Whether what follows "this is <Name>" ends an introduction ("This is Aiko Tanabe, 03-...",
    "This is Jo Lee from Leeds"), not a phrase ("This is False Misrepresentation of the debt")."""
    nxt = re.match(r"\s*(\S*)", rest).group(1)
    return nxt == "" or nxt[0] in ",.;:!?)-" or nxt.lower().strip(",.") in _AFTER_INTRODUCTION


# In this order: an e-mail's digits are not a phone; a card's or an IBAN's are not a phone.
DETECTORS = (
    Detector("e-mail address", "[EMAIL]", _EMAIL_CANDIDATE, _email_spans),
    Detector("IBAN", "[IBAN]", _IBAN_CANDIDATE, _iban_spans),
    Detector("card number", "[CARD]", _DIGIT_RUN_CANDIDATE, _card_spans),
    Detector("SSN", "[SSN]", _SSN_CANDIDATE, _ssn_spans),
    Detector("phone number", "[PHONE]", _PHONE_CANDIDATE, _phone_spans),
    Detector("street address", "[ADDRESS]", _STREET_CANDIDATE, _street_spans),
    Detector("person's name", "[NAME]", _NAME_CANDIDATE, _name_spans),
)
KINDS = tuple(d.kind for d in DETECTORS)


_DASHES = {c: "-" for c in (0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0xFE58, 0xFE63)}


@lru_cache(maxsize=1)
def _ascii_digits() -> dict[int, str]:
    """Every decimal digit of every script other than ASCII's, to its ASCII digit."""
    return {c: str(unicodedata.decimal(chr(c))) for c in range(0x80, 0x110000)
            if unicodedata.category(chr(c)) == "Nd"}


def normalise_text(text: str) -> str:
    """NFKC, every decimal digit of any script made ASCII, and every dash a hyphen (what the
    detectors look at: 415–555–0109 is written with en dashes)."""
    return unicodedata.normalize("NFKC", text).translate(_ascii_digits()).translate(_DASHES)


def _replace(text: str, spans: list[tuple[int, int]], token: str) -> str:
    """``text`` with each span (overlapping spans merged) replaced by ``token``."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    for start, end in reversed(merged):
        text = text[:start] + token + text[end:]
    return text


def _redact_distinct(s: pd.Series, detectors=DETECTORS) -> pd.Series:
    """Redact text whose values are distinct: each detector's candidates, then its exact check."""
    s = s.astype("str")
    non_ascii = ~pd.Series(textops.is_ascii(s), index=s.index) & s.notna()
    work = s.copy()
    if non_ascii.any():
        work[non_ascii] = [normalise_text(t) for t in s[non_ascii].tolist()]
    changed = np.zeros(len(s), dtype=bool)
    for d in detectors:
        rows = np.flatnonzero(textops.contains(work, d.candidate).to_numpy())
        if not len(rows):
            continue
        texts = work.iloc[rows].tolist()
        new = [_replace(t, d.spans(t), d.token) for t in texts]
        hit = np.array([a != b for a, b in zip(texts, new)], dtype=bool)
        if hit.any():
            work.iloc[rows[hit]] = [n for n, h in zip(new, hit) if h]
            changed[rows[hit]] = True
    # a text nothing was found in is written exactly as it was, not in its normalised form
    return s.where(~changed, work)


def redact_text(s: pd.Series) -> pd.Series:
    """Every kind of direct identifier in text replaced by its token (each distinct text once)."""
    return textops.per_distinct(_redact_distinct, s.astype("str"))


def redact_frame(df: pd.DataFrame, generated: tuple[str, ...] = ()) -> pd.DataFrame:
    """Every text column redacted (:func:`redact_text`); a new frame.

    Columns named in ``generated`` hold only values the code writes from its own vocabularies
    (rule names, ISO codes, field names) and are left as they are; the scan of every output
    (:func:`scan_frame`) still covers them.
    """
    out = df.copy(deep=False)  # copy-on-write: replacing a column here leaves df as it was
    for c in out.columns:
        if c not in generated and (out[c].dtype == "str" or out[c].dtype == object):
            out[c] = redact_text(out[c].astype("str"))
    return out


def found_kinds(s: pd.Series) -> list[str]:
    """The kinds of direct identifier in a text column (empty when clean), in :data:`KINDS` order."""
    codes, values = textops.distinct(s.astype("str"))
    values = values.iloc[:-1]
    non_ascii = ~pd.Series(textops.is_ascii(values), index=values.index) & values.notna()
    if non_ascii.any():
        values = values.copy()
        values[non_ascii] = [normalise_text(t) for t in values[non_ascii].tolist()]
    kinds = []
    for d in DETECTORS:
        rows = np.flatnonzero(textops.contains(values, d.candidate).to_numpy())
        if any(d.spans(t) for t in values.iloc[rows].tolist()):
            kinds.append(d.kind)
    return kinds


def scan_frame(df: pd.DataFrame, name: str) -> None:
    """Refuse (an InputError naming the file, the column and the kind, never the value) when any
    text column or header of ``df``, to be written as ``name``, holds a direct identifier."""
    headers = found_kinds(pd.Series([str(c) for c in df.columns], dtype="str"))
    if headers:
        raise IdentifierFound(name, "(a column header)", headers[0])
    for c in df.columns:
        col = df[c]
        if isinstance(col.dtype, pd.CategoricalDtype):
            col = pd.Series(col.cat.categories.astype("str"), dtype="str")
        elif not (col.dtype == "str" or col.dtype == object):
            continue
        if _all_claimant_keys(col):  # keyed hashes: checked to be nothing else, so nothing to find
            continue
        kinds = found_kinds(col)
        if kinds:
            raise IdentifierFound(name, c, kinds[0])


def _all_claimant_keys(col: pd.Series) -> bool:
    present = col.dropna().astype("str")
    return len(present) > 0 and bool(textops.fullmatch(present, CLAIMANT_KEY).all())


class IdentifierFound(InputError):
    """A direct identifier survived into an output; nothing was written."""

    def __init__(self, name: str, column: str, kind: str) -> None:
        super().__init__(f"refusing to write: an identifier ({kind}) survived redaction in column {column!r}; nothing was "
                         "written (the value is not shown)", file=name)
        self.kind = kind


def scan_text(text: str) -> list[str]:
    """Kinds of direct identifier found in ``text`` (empty when clean)."""
    return found_kinds(pd.Series([text], dtype="str"))


def redact_message(text: str) -> str:
    """A message for the terminal with every identifier in it replaced (error messages quote
    headers and values)."""
    return redact_text(pd.Series([text], dtype="str")).iloc[0]
