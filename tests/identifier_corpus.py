"""Independent test corpus for the intake-record redaction step.

Written without looking at the redaction code or its tests. Every planted
identifier is fictional or a published test value (see README.md).

API
---
planted(seed)   -> DataFrame[case_id, kind, region, column, text, identifier]
negatives(seed) -> DataFrame[case_id, kind, column, text, keep]
KINDS           -> {kind: one-line description}   (planted kinds)
NEGATIVE_KINDS  -> {kind: one-line description}   (negative kinds)
leaked(output, identifier) -> bool   True if the identifier survived
kept(output, keep)         -> bool   True if a must-keep substring survived

Rows that share a cell share the case_id prefix before the last '-'
(e.g. P0007-1, P0007-2 are two identifiers in the same text).
Column '__header__' means the text is used as a column header.

stdlib + numpy + pandas only; deterministic (numpy Generator seeded by `seed`).
"""
from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

DEFAULT_SEED = 20261202

# --------------------------------------------------------------------------
# kinds
# --------------------------------------------------------------------------
KINDS: dict[str, str] = {
    "email": "plain e-mail address (example.com/.org/.net), any letter case, plus-tags, dots, digits",
    "email_disguised": "e-mail with at/dot written as words or in brackets: 'jo at example dot com', 'jo[at]example.com', 'jo (at) example (dot) com'",
    "email_spaced": "e-mail with whitespace around '@' (and sometimes around '.'): 'jo @ example.com'",
    "email_encoded": "e-mail with '@' percent-encoded (%40, incl. inside a URL query) or as full-width U+FF20 (NFKC -> '@')",
    "email_non_ascii": "internationalised e-mail: non-ASCII local part and/or IDN domain (IANA IDN test TLDs, exämple.com)",
    "phone_us": "U.S. number, national formats, 555-0100..555-0199 fiction range",
    "phone_us_extension": "U.S. number with an extension (x23, ext. 7, extension 12, Ext. 3)",
    "phone_intl": "international format (+CC or 00CC) for US, CA, GB, CN, IN, DE, FR, JP, AU, MX, BR (region column)",
    "phone_national": "national (trunk-prefix) format for CA, GB, CN, IN, DE, FR, JP, AU, MX, BR (region column)",
    "phone_fullwidth": "phone number written with full-width digits/punctuation (U+FF10.., U+FF0D, U+3000); NFKC gives ASCII",
    "phone_other_digits": "phone number in non-ASCII decimal digits: Arabic-Indic, Persian, Devanagari, Bengali (NOT changed by NFKC) and math-bold/monospace (changed by NFKC)",
    "number_fullwidth": "SSN / card / IBAN written with full-width digits (NFKC gives a checksum-valid ASCII value)",
    "ssn": "U.S. SSN-formatted published sample (078-05-1120, 219-09-9999, 123-45-6789), dashes or spaces",
    "ssn_9xx": "SSA advertising-reserved 987-65-4320..4329 (area 9xx: never issued as SSN; a validity-checking detector may skip these)",
    "iban": "checksum-valid IBAN (published examples + computed check digits), grouped, compact, lower-case or dashed",
    "card": "Luhn-valid 13-16 digit card test number (Visa/MC/Discover/JCB/Diners/UnionPay), 4-4-4-4, compact, dashes, dots",
    "card_amex": "Luhn-valid American Express test number (15 digits), 4-6-5, compact, dashes",
    "street_us": "U.S. street line (house number + street + suffix [+ direction]) in lower/UPPER/Title case; identifier is the street line only",
    "street_uk": "U.K. street line (221B Baker Street, 10 High St after 'Flat 2, '); identifier is the street line only, not flat/town/postcode",
    "name_after_phrase": "person's name after 'my name is', 'this is', 'signed' ('signed by', 'Signed:'), 'regards,' / 'sincerely,' closings; identifier is the name only",
}

NEGATIVE_KINDS: dict[str, str] = {
    "order_number": "Alibaba-style order numbers (TA-prefixed, or long all-digit, Luhn-INVALID)",
    "amount": "money amounts in several currencies/separator styles",
    "date": "dates in several formats",
    "time": "clock times",
    "tracking_number": "carrier tracking numbers (UPS 1Z sample, S10 EMS/RR, SF, DHL 10-digit waybill)",
    "zip_code": "U.S. ZIP / ZIP+4 and Chinese postal codes on their own",
    "percentage": "percentages",
    "quantity": "quantities, MOQ, container counts",
    "supplier_code": "supplier keys/codes (some IBAN-shaped but mod-97 INVALID)",
    "product_model": "product model / part numbers",
    "year_range": "year ranges",
    "hs_code": "HS / HTS tariff codes",
    "invoice_number": "invoice / proforma numbers",
    "container_number": "ISO 6346 container and bill-of-lading numbers",
    "measurement": "weights, dimensions, voltages, ratings, versions",
    "reference_number": "dispute / case / lot / batch numbers, incl. 16-digit Luhn-INVALID ones",
    "url_domain": "platform domains and product URLs without any local part",
    "price_at_sign": "'@' used as 'at a price of' (1200 pcs @ USD 2.35/pc)",
    "phrase_not_name": "trigger phrase (this is / my name is / signed / regards / sincerely) NOT followed by a person's name",
    "word_not_street": "number + street-suffix word that is a product (150 road bikes, 60 terrace heaters)",
    "pseudonymous_key": "intake/claimant keys, UUIDs, hashes (pseudonymous, must be kept for joins)",
    "category_text": "category / status words that mention phone, email, card, street, name, address",
}

FREE_COLUMNS = ["narrative", "denial_reason", "issues", "claim_outcome"]
SHORT_COLUMNS = ["order_id", "supplier_key", "product_category", "delivery_status",
                 "buyer_type", "intake_id", "claimant_key", "__header__"]
ALL_COLUMNS = FREE_COLUMNS + SHORT_COLUMNS


# --------------------------------------------------------------------------
# checksum helpers (stdlib only) + asserted on published examples below
# --------------------------------------------------------------------------
def _nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def _ascii_digits(s: str) -> str:
    """All decimal digits of s (any script) as ASCII 0-9."""
    return "".join(str(unicodedata.digit(c)) for c in _nfkc(s) if c.isdecimal())


def luhn_ok(s: str) -> bool:
    d = _ascii_digits(s)
    if len(d) < 12:
        return False
    total = 0
    for i, ch in enumerate(reversed(d)):
        n = int(ch)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def _iban_compact(s: str) -> str:
    s = _nfkc(s).upper()
    return "".join(c for c in s if c.isalnum())


def _iban_int(s: str) -> int:
    return int("".join(str(int(c, 36)) for c in s))


IBAN_LENGTHS = {"GB": 22, "DE": 22, "FR": 27, "NL": 18, "BE": 16, "ES": 24, "IT": 27,
                "CH": 21, "AT": 20, "IE": 22, "PL": 28, "SE": 24, "DK": 18, "NO": 15,
                "FI": 18, "PT": 25, "SA": 24, "AE": 23, "BR": 29}


def iban_ok(s: str) -> bool:
    c = _iban_compact(s)
    if len(c) < 15 or not c[:2].isalpha() or not c[2:4].isdigit():
        return False
    if c[:2] in IBAN_LENGTHS and len(c) != IBAN_LENGTHS[c[:2]]:
        return False
    return _iban_int(c[4:] + c[:4]) % 97 == 1


def iban_with_check(country: str, bban: str) -> str:
    """Compute the two mod-97 check digits; returns compact IBAN."""
    bban = bban.upper()
    chk = 98 - _iban_int(bban + country + "00") % 97
    return f"{country}{chk:02d}{bban}"


def group4(s: str, sep: str = " ") -> str:
    return sep.join(s[i:i + 4] for i in range(0, len(s), 4))


_FW = {ord(str(i)): chr(0xFF10 + i) for i in range(10)}
_FW.update({ord("-"): "\uFF0D", ord("("): "\uFF08", ord(")"): "\uFF09",
            ord("+"): "\uFF0B", ord("@"): "\uFF20"})


def fullwidth(s: str, space: str = " ") -> str:
    return s.translate(_FW).replace(" ", space)


def script_digits(s: str, zero: int) -> str:
    """Re-write ASCII digits with another script's digits (zero = code point of 0)."""
    return "".join(chr(zero + int(c)) if c.isdigit() else c for c in s)


# published examples the helpers must accept / reject
_PUBLISHED_IBANS = [
    "GB82 WEST 1234 5698 7654 32", "GB29 NWBK 6016 1331 9268 19",
    "DE89 3704 0044 0532 0130 00", "FR14 2004 1010 0505 0001 3M02 606",
    "NL91 ABNA 0417 1643 00", "BE68 5390 0754 7034", "ES91 2100 0418 4502 0005 1332",
    "IT60 X054 2811 1010 0000 0123 456", "CH93 0076 2011 6238 5295 7",
    "AT61 1904 3002 3457 3201", "IE29 AIBK 9311 5212 3456 78",
    "PL61 1090 1014 0000 0712 1981 2874", "SE45 5000 0000 0583 9825 7466",
    "DK50 0040 0440 1162 43", "NO93 8601 1117 947", "FI21 1234 5600 0007 85",
    "PT50 0002 0123 1234 5678 9015 4", "SA03 8000 0000 6080 1016 7519",
    "AE07 0331 2345 6789 0123 456",
]
_PUBLISHED_CARDS = [
    "4111 1111 1111 1111", "4012 8888 8888 1881", "4222 2222 2222 2", "4242 4242 4242 4242",
    "4000 0566 5566 5556", "5555 5555 5555 4444", "5105 1051 0510 5100",
    "2223 0031 2200 3222", "5200 8282 8282 8210", "6011 1111 1111 1117",
    "6011 0009 9013 9424", "3530 1113 3330 0000", "3566 0020 2036 0505",
    "3056 9309 0259 04", "3852 0000 0232 37", "6200 0000 0000 0005",
]
_PUBLISHED_AMEX = ["3782 822463 10005", "3714 496353 98431", "3787 344936 71000",
                   "3400 000000 00009", "3700 000000 00002"]


def _check_helpers() -> None:
    for v in _PUBLISHED_IBANS:
        assert iban_ok(v), v
        c = _iban_compact(v)
        assert iban_with_check(c[:2], c[4:]) == c, v
    for v in _PUBLISHED_CARDS + _PUBLISHED_AMEX:
        assert luhn_ok(v), v
    assert not luhn_ok("4111 1111 1111 1112")
    assert not iban_ok("GB82 WEST 1234 5698 7654 33")
    assert luhn_ok(fullwidth("4111 1111 1111 1111"))


_check_helpers()

# computed (check digits from iban_with_check) on obviously-test BBANs
_COMPUTED_IBANS = [
    iban_with_check("GB", "TEST" + "000000" + "12345678"),
    iban_with_check("DE", "12345678" + "0000000001"),
    iban_with_check("FR", "12345" + "67890" + "00000000001" + "97"),
    iban_with_check("NL", "TEST" + "0123456789"),
    iban_with_check("ES", "1234" + "5678" + "90" + "0000000001"),
]
for _v in _COMPUTED_IBANS:
    assert iban_ok(_v), _v


# --------------------------------------------------------------------------
# check helpers for consumers
# --------------------------------------------------------------------------
def leaked(output: str, identifier: str) -> bool:
    """True if `identifier` survived in `output` (raw form or NFKC form).

    The redactor NFKC-normalises first, so a full-width identifier may come
    back as ASCII; raw, NFKC and any-script-digits->ASCII forms all count. Case-sensitive on purpose
    (names are short words that may occur elsewhere in a different case)."""
    forms = {identifier, _nfkc(identifier), _to_ascii_digits(_nfkc(identifier))}
    out = {output, _nfkc(output), _to_ascii_digits(_nfkc(output))}
    return any(f in o for f in forms for o in out)


def _to_ascii_digits(s: str) -> str:
    return "".join(str(unicodedata.digit(c)) if c.isdecimal() else c for c in s)


def kept(output: str, keep: str) -> bool:
    """True if the must-keep substring is still present (raw or NFKC)."""
    return keep in output or _nfkc(keep) in _nfkc(output)


# --------------------------------------------------------------------------
# identifier values
# --------------------------------------------------------------------------
EMAILS = [
    "jo@example.com", "jo.quill@example.org", "Hana.Sorensen@example.net",
    "tomasz.wren+alibaba@example.com", "m_brandvold@example.org", "priya.v1987@example.net",
    "MARTA.OYELARAN@EXAMPLE.COM", "h.brandtner@mail.example.com", "anouk-verbeek@example.org",
    "kemi.abara@buyers.example.net", "ines.farrow@example.com", "dee.o'hara@example.org",
    "Bram.Oosterhuis@Example.Com", "claims.team.7@example.net", "r.kwabena-hall@example.com",
    "aiko.tanabe@example.net", "z.kesicka@example.org", "callum_mctavish@example.com",
    "thandiwe.m@example.net", "petra.volkov@sub.example.org",
]
EMAILS_DISGUISED = [
    "jo at example dot com", "jo.quill at example dot org", "hana dot sorensen at example dot net",
    "jo[at]example.com", "tomasz.wren[at]example[dot]com", "jo (at) example (dot) com",
    "marta(at)example(dot)net", "kemi AT example DOT com", "ines {at} example {dot} org",
    "bram <at> example <dot> com", "priya_v [at] example [dot] net", "HUGO AT EXAMPLE DOT COM",
    "anouk (at) example.com", "jo.quill at example.com", "callum[@]example.org",
    "r dot kwabena at example dot com", "aiko (AT) example (DOT) net", "petra[at]example.org",
    "z.kesicka -at- example -dot- com", "thandiwe at example . org",
]
EMAILS_SPACED = [
    "jo @ example.com", "jo.quill @example.org", "hana@ example.net", "kemi  @  example.com",
    "ines . farrow @ example . com", "BRAM @ EXAMPLE.COM", "tomasz.wren @ example.org",
    "marta_o @ mail.example.net",
]
EMAILS_ENCODED = [
    "jo%40example.com", "jo.quill%40example.org", "hana.sorensen%40example.net",
    "KEMI%40EXAMPLE.COM", "ines.farrow%40example.com", "jo＠example.com",
    "tomasz.wren＠example.org", "claims%40example.org",
]
EMAILS_NON_ASCII = [
    "josé@exämple.com", "zoë.ådahl@example.org", "müller@bücher.example", "用户@例子.测试",
    "θέμις@παράδειγμα.δοκιμή", "иван@пример.испытание", "たなか@例え.テスト",
    "renée.çelik@example.net", "अजय@उदाहरण.परीक्षा", "łukasz.żmuda@example.com",
    "søren@exämple.net", "maría.josé@example.com",
]

US_AREAS = ["415", "212", "312", "646", "202", "617", "305", "206", "512", "702"]


def _us_numbers() -> list[str]:
    fmts = ["({a}) 555-{l}", "{a}-555-{l}", "{a}.555.{l}", "{a} 555 {l}", "{a}5550{m}",
            "1-{a}-555-{l}", "({a})555-{l}", "{a}/555-{l}", "1 ({a}) 555-{l}", "{a} - 555 - {l}"]
    out = []
    for i in range(20):
        a = US_AREAS[i % len(US_AREAS)]
        last = 100 + (i * 7 + 3) % 100
        l = f"0{last}"
        out.append(fmts[i % len(fmts)].format(a=a, l=l, m=f"{last}"))
    return out


PHONES_US = _us_numbers()
PHONES_US_EXT = [
    "415.555.0182x23", "(415) 555-0182 ext. 7", "212-555-0143 ext 204", "312 555 0177 extension 12",
    "(646) 555-0109 Ext. 3", "617.555.0155 x 88", "202-555-0191, ext. 4410", "206-555-0124 EXT 5",
    "(512) 555-0138 x.19", "702.555.0160 extn 2", "1-305-555-0173 ext. 310", "(212) 555-0199 X 12",
]
PHONES_INTL = {
    "US": ["+1 415 555 0182", "+1 (212) 555-0147", "+1-312-555-0123", "+14155550199", "001 415 555 0111"],
    "CA": ["+1 416 555 0133", "+1 (604) 555-0178", "+1-514-555-0102"],
    "GB": ["+44 20 7946 0958", "+44 (0)20 7946 0112", "+44 7700 900456", "0044 113 496 0542",
           "+447700900789", "+44 161 496 0777"],
    "CN": ["+86 138 0013 8000", "+86 10 1234 5678", "+8613123456789", "0086 131 2345 6789"],
    "IN": ["+91 98765 43210", "+91-81234-56789", "+91 11 2345 6789", "+919876543210"],
    "DE": ["+49 30 123456789", "+49 1512 3456789", "+49 (0)30 12345678", "0049 30 123456"],
    "FR": ["+33 1 23 45 67 89", "+33 (0)6 12 34 56 78", "+33612345678", "0033 1 23 45 67 89"],
    "JP": ["+81 3-1234-5678", "+81 90 1234 5678", "+81-90-1234-5678"],
    "AU": ["+61 491 570 157", "+61 2 5550 1234", "+61 (0)491 570 158", "+61491570159"],
    "MX": ["+52 55 1234 5678", "+52 1 55 1234 5678", "+52 222 123 4567"],
    "BR": ["+55 11 96123-4567", "+55 (11) 2345-6789", "+5511961234567"],
}
PHONES_NATIONAL = {
    "CA": ["(416) 555-0133", "604-555-0178", "514.555.0102"],
    "GB": ["020 7946 0958", "0113 496 0213", "07700 900123", "(020) 7946 0321", "0161 496 0777",
           "07700900461"],
    "CN": ["138 0013 8000", "13800138000", "131-2345-6789", "010-1234-5678", "(010) 1234 5678"],
    "IN": ["098765 43210", "081234 56789", "98765 43210", "011 2345 6789"],
    "DE": ["030 123456789", "030 123456", "01512 3456789", "(030) 12345678", "030/12345678"],
    "FR": ["01 23 45 67 89", "06 12 34 56 78", "01.23.45.67.89", "0612345678"],
    "JP": ["03-1234-5678", "090-1234-5678", "(03) 1234-5678", "0312345678"],
    "AU": ["0491 570 156", "(02) 5550 1234", "03 7010 4321", "0491570006"],
    "MX": ["55 1234 5678", "(33) 1234 5678", "222 123 4567"],
    "BR": ["(11) 2345-6789", "(11) 96123-4567", "11 96123-4567"],
}
PHONES_FULLWIDTH = [
    ("US", fullwidth("415-555-0182")),
    ("US", fullwidth("(212)555-0147")),
    ("US", fullwidth("+1 415 555 0166")),
    ("JP", fullwidth("090-1234-5678")),
    ("JP", fullwidth("03 1234 5678", space="\u3000")),
    ("CN", fullwidth("+86 138 0013 8000")),
    ("CN", fullwidth("13800138000")),
    ("GB", fullwidth("+44 20 7946 0958")),
]
PHONES_OTHER_DIGITS = [
    ("US", script_digits("415-555-0173", 0x0660)),   # Arabic-Indic
    ("US", script_digits("212 555 0174", 0x06F0)),   # Extended Arabic-Indic (Persian)
    ("IN", script_digits("+91 98765 43210", 0x0966)),  # Devanagari
    ("IN", script_digits("098765 43210", 0x09E6)),   # Bengali
    ("US", script_digits("415-555-0163", 0x1D7CE)),  # mathematical bold (NFKC -> ASCII)
    ("JP", script_digits("03-1234-5678", 0x1D7F6)),  # mathematical monospace (NFKC -> ASCII)
]
SSNS = ["078-05-1120", "219-09-9999", "123-45-6789", "078 05 1120", "219-09-9999",
        "123-45-6789", "078-05-1120", "219 09 9999", "123-45-6789", "078-05-1120",
        "219-09-9999", "123 45 6789", "078-05-1120", "219-09-9999"]
SSNS_9XX = [f"987-65-432{i}" for i in range(10)][::2] + ["987 65 4325"]


def _ibans() -> list[tuple[str, str]]:
    out = []
    pub = [_iban_compact(v) for v in _PUBLISHED_IBANS[:12]] + _COMPUTED_IBANS
    styles = ["group", "compact", "group", "lower", "dash", "group", "compact"]
    for i, c in enumerate(pub):
        st = styles[i % len(styles)]
        if st == "group":
            v = group4(c)
        elif st == "compact":
            v = c
        elif st == "lower":
            v = group4(c).lower() if i % 2 else c.lower()
        else:
            v = group4(c, "-")
        out.append((c[:2], v))
    out.append(("GB", "GB82 WEST 123456 98765432"))   # UK sort-code/account style grouping
    out.append(("DE", "DE89 370400440532013000"))
    for _, v in out:
        assert iban_ok(v), v
    return out


IBANS = _ibans()


def _cards() -> list[str]:
    out = []
    styles = ["space", "compact", "dash", "space", "compact", "dot", "space", "dash"]
    for i, v in enumerate(_PUBLISHED_CARDS):
        d = _ascii_digits(v)
        st = styles[i % len(styles)]
        if st == "space":
            out.append(v)
        elif st == "compact":
            out.append(d)
        elif st == "dash":
            out.append(v.replace(" ", "-"))
        else:
            out.append(v.replace(" ", "."))
    out += ["4111111111111111", "4111-1111-1111-1111", "5555 5555 5555 4444", "4242424242424242"]
    for v in out:
        assert luhn_ok(v), v
    return out


CARDS = _cards()
CARDS_AMEX = ["3782 822463 10005", "378282246310005", "3782-822463-10005", "3714 496353 98431",
              "371449635398431", "3787 344936 71000", "3400 000000 00009", "370000000000002"]
for _v in CARDS_AMEX:
    assert luhn_ok(_v), _v
NUMBERS_FULLWIDTH = [fullwidth("078-05-1120"), fullwidth("4111 1111 1111 1111"),
                     fullwidth("5555555555554444"), fullwidth("219-09-9999"),
                     fullwidth("3782 822463 10005")]
for _v in NUMBERS_FULLWIDTH[1:3] + NUMBERS_FULLWIDTH[4:]:
    assert luhn_ok(_v), _v

# (before, street line = identifier, after)
STREETS_US = [
    ("", "742 Evergreen Terrace", ", Springfield"),
    ("", "1600 PENNSYLVANIA AVE NW", ", WASHINGTON DC"),
    ("", "1313 Mockingbird Lane", ""),
    ("", "31 spooner street", ", quahog ri"),
    ("", "124 Conch Street", ", Bikini Bottom"),
    ("", "4821 Maple Avenue", ", Apt 3B, Dayton OH 45402"),
    ("", "12 oak lane", ""),
    ("", "88 W 3rd St", ""),
    ("", "350 Elm Street", " Suite 200"),
    ("", "9 N. Chestnut Blvd", ""),
    ("", "55 West 42nd Street", ", New York, NY"),
    ("", "700 1st Ave", ""),
    ("", "1428 ELM STREET", ""),
    ("", "3 Willow Ct", ", Boise ID 83702"),
    ("", "250 lakeview dr", ""),
    ("", "6 Birch Way", ""),
    ("", "221 Pine Road", ", Unit 4"),
    ("", "40 Harbor Pkwy", ""),
    ("", "2000 Sunset Blvd", "."),
    ("", "8 Cedar Place", ", Portland OR 97201"),
    ("", "501 Broadway", ", Apt 4"),
]
STREETS_UK = [
    ("", "221B Baker Street", ", London NW1 6XE"),
    ("Flat 2, ", "10 High St", ""),
    ("", "4 Privet Drive", ", Little Whinging, Surrey"),
    ("", "12 Grimmauld Place", ", London"),
    ("", "62 West Wallaby Street", ", Wigan"),
    ("", "17 Cherry Tree Lane", ""),
    ("", "32 Windsor Gardens", ", London W9"),
    ("Flat 4, ", "27 Acacia Avenue", ""),
    ("", "14 victoria road", ", leeds"),
    ("", "3 CHURCH LANE", ", OXFORD"),
    ("Apartment 5, ", "9 Mill Lane", ""),
    ("The Old Forge, ", "2 Station Road", ", Ambridge"),
    ("", "45 Queen's Road", ""),
    ("", "8 St Mary's Close", ""),
    ("", "23 Railway Cuttings", ", East Cheam"),
    ("Unit 7, ", "15 Riverside Way", ", Bristol BS1 4DJ"),
    ("", "2a Park Terrace", ""),
]
NAMES = [
    "Jane Quill", "Tomasz Wren", "Hana Sorensen", "Olek Brandvold", "Priya Vantongeren",
    "Marta Oyelaran", "Hugo Brandtner", "Anouk Verbeek", "Kemi Abara", "Ines Farrow",
    "Bram Oosterhuis", "Zofia Kęsicka", "Łukasz Żmuda", "Siobhán O'Marra", "Ruth Kwabena-Hall",
    "Amara Lindqvist", "Chen Jingyi", "José Ñúñez Batalla", "Petra Volkov", "Rafael Quintanilha",
    "Aiko Tanabe", "Mireille Dufresnoy", "Callum McTavish-Reid", "Yusuf Demiroğlu",
    "Thandiwe Mokoena", "Björn Ekdahl", "Fenella Hartigan", "J. R. Quill", "Oluwaseun Adebayo-Crane",
    "Lars-Erik Holmqvist",
]

# --------------------------------------------------------------------------
# templates ({x} = the identifier as written)
# --------------------------------------------------------------------------
FREE = {
    "email": [
        "{x} is the only address I used for the Alibaba.com account.",
        "Please send all updates to {x} as the supplier ignored my messages.",
        "I ordered 500 LED panels in March and paid via Trade Assurance. Contact me at {x}",
        "The goods never arrived and nobody answered; you can reach me at {x}.",
        "My email ({x}) was copied into the dispute thread by the supplier.",
        "The seller asked me to write to \"{x}\", which I did twice.",
        "Email: {x}, order placed on 2023-03-14, goods never arrived.",
        "Reply-to: <{x}>",
        "contact me on {x}; I check it daily",
        "Supplier asked for my e-mail, I gave them '{x}' and they spammed me.",
    ],
    "phone": [
        "{x} is my mobile, call after 6 pm.",
        "Please call me on {x} about the missing container.",
        "The agent told me to ring back on {x}",
        "You can reach me at {x}.",
        "My phone ({x}) is on the Trade Assurance form.",
        "I wrote \"{x}\" as the contact number on the order.",
        "Tel: {x}, best time mornings.",
        "Call {x}; ask for accounts payable.",
        "[{x}] is my WhatsApp too.",
        "Contact number: {x}\nOrder TA300012345 was short by 200 units.",
    ],
    "ssn": [
        "The supplier's KYC form asked for my SSN and I gave {x}.",
        "SSN: {x}",
        "{x} is my social security number, they used it to open a credit line.",
        "My social (SSN {x}) was printed on the customs form.",
        "They printed my SSN \"{x}\" on the invoice.",
        "ssn {x}, dob withheld.",
        "Tax ID given to the freight forwarder: {x}.",
    ],
    "iban": [
        "Please refund to my IBAN {x} rather than the card.",
        "IBAN: {x}",
        "{x} is the account the supplier asked me to pay into, which turned out to be wrong.",
        "Refund should go to ({x}).",
        "The supplier's 'new bank details' were \"{x}\", so I paid twice.",
        "Account {x}, holder same as claimant.",
        "iban {x}, please confirm receipt",
    ],
    "card": [
        "I paid with my card {x} and the charge was never reversed.",
        "Card number: {x}",
        "{x} was charged twice on 2023-05-02.",
        "They charged my card ({x}) an extra USD 350.00.",
        "The supplier asked me to email \"{x}\" and the CVV, which I refused.",
        "Charged to card {x}, expiry 12/26.",
        "paid USD 1,234.50 with {x}.",
    ],
    "street": [
        "{x} is where the goods should have been delivered.",
        "Ship to {x}.",
        "The courier left the boxes at {x} instead of our warehouse",
        "I live at {x}.",
        "Delivery address ({x}) was correct on the order.",
        "The label said \"{x}\" but the parcel came back.",
        "Address: {x}",
        "RETURNED TO {x} WITHOUT NOTICE",
    ],
}
FREE_PREFIX = {
    "narrative": ["", "", "Hello. ", "Order TA300012345. "],
    "denial_reason": ["Claim denied. Buyer note: ", "Rejected - ", ""],
    "issues": ["late delivery; ", "wrong quantity | ", "quality; "],
    "claim_outcome": ["Partial refund. ", "Refund pending - ", ""],
}
SHORT = {
    "order_id": ["{x}", "{x} ", "TA300012345 {x}", "{x} (no order no.)"],
    "supplier_key": ["{x}", "supplier contact {x}", "{x} / SUP-000451"],
    "product_category": ["{x}", "Consumer Electronics - {x}", "Apparel; {x}", "Home & Garden ({x})"],
    "delivery_status": ["{x}", "Delivered - contact {x}", "Not delivered; {x}", "In transit ({x})"],
    "buyer_type": ["{x}", "Individual, {x}", "Small business - {x}"],
    "intake_id": ["{x}", " {x}", "{x}\t"],
    "claimant_key": ["{x}", "{x} ", "claimant {x}"],
    "__header__": ["{x}", "Contact {x}", "{x} (copy)", "Unnamed: 3 {x}"],
}
NAME_TEMPLATES = [
    ("narrative", "Hello, my name is {n} and I run a small shop in Leeds."),
    ("narrative", "My name is {n}. I ordered 300 units of ceramic tiles and half were broken."),
    ("narrative", "my name is {low}, buyer for a small bakery, the oven never came"),
    ("narrative", "MY NAME IS {up} AND I WANT MY MONEY BACK"),
    ("narrative", "This is {n} from Lakeside Tiles; our order arrived damaged."),
    ("narrative", "Hi, this is {n}. The supplier stopped replying after the deposit."),
    ("narrative", "The supplier kept the 30% deposit. Please advise.\n\nRegards,\n{n}"),
    ("narrative", "Nothing has been shipped since May. Thank you. Regards, {n}"),
    ("narrative", "I attach the photos of the damaged cartons.\nKind regards,\n{n}"),
    ("narrative", "Please escalate this claim. Best regards, {n}."),
    ("narrative", "I expect a full refund.\n\nSincerely,\n{n}"),
    ("narrative", "Thank you for your time. Yours sincerely, {n}"),
    ("narrative", "We have waited four months.\nSincerely, Dr. {n}"),
    ("narrative", "All of the above is true to my knowledge. Signed, {n}"),
    ("narrative", "Statement of claim attached.\nsigned: {n}"),
    ("narrative", "Signed {n} on 2023-04-05 at the warehouse."),
    ("narrative", "warm regards,\n{n}\n"),
    ("narrative", "Cheers for looking into it. regards, {n}"),
    ("denial_reason", "Buyer statement: \"My name is {n} and I never received the goods.\""),
    ("denial_reason", "Evidence insufficient. Buyer wrote: this is {n}, please call me."),
    ("denial_reason", "Appeal text: ...I want this reviewed again. Sincerely, {n}"),
    ("claim_outcome", "This is {n}, I accept the partial refund."),
    ("claim_outcome", "Accepted. Regards, {n}"),
    ("issues", "damaged goods; signed: {n}"),
    ("delivery_status", "Delivered 2023-04-05, signed by {n}"),
    ("delivery_status", "POD signed {n}"),
    ("__header__", "Signed: {n}"),
    ("buyer_type", "Individual - my name is {n}"),
    ("claimant_key", "this is {n}"),
    ("narrative", "[Signed] {n}"),
]


class _Builder:
    def __init__(self, prefix: str):
        self.prefix = prefix
        self.n = 0
        self.rows: list[dict] = []

    def add(self, column: str, text: str, items: list[tuple]) -> None:
        assert column in ALL_COLUMNS, column
        self.n += 1
        cid = f"{self.prefix}{self.n:04d}"
        for k, item in enumerate(items, 1):
            ident = item[-1]
            assert ident and ident in text, (ident, text)
            self.rows.append(dict(zip(self._fields, (f"{cid}-{k}", *item[:-1], column, text, ident))))

    _fields = ("case_id", "kind", "region", "column", "text", "identifier")


_FREE_WEIGHTS = {"narrative": 0.42, "denial_reason": 0.13, "issues": 0.10, "claim_outcome": 0.08}
_SHORT_WEIGHT = 1.0 - sum(_FREE_WEIGHTS.values())


def _pick_column(rng: np.random.Generator) -> str:
    cols = list(_FREE_WEIGHTS) + SHORT_COLUMNS
    w = list(_FREE_WEIGHTS.values()) + [_SHORT_WEIGHT / len(SHORT_COLUMNS)] * len(SHORT_COLUMNS)
    return str(rng.choice(cols, p=np.array(w) / sum(w)))


def _embed(rng: np.random.Generator, family: str, shown: str, column: str) -> str:
    if column in FREE_COLUMNS:
        frame = FREE[family][int(rng.integers(len(FREE[family])))]
        pre = FREE_PREFIX[column][int(rng.integers(len(FREE_PREFIX[column])))]
        if frame.startswith("{x}") and pre:
            pre = ""  # keep the start-of-cell position
        return pre + frame.replace("{x}", shown)
    tpls = SHORT[column]
    return tpls[int(rng.integers(len(tpls)))].replace("{x}", shown)


def _add_multi(b: _Builder) -> None:
    """Cells with several identifiers (one row per identifier)."""
    M = [
        ("narrative", "Hello, my name is Hana Sorensen. Email hana.sorensen@example.com or call (415) 555-0147 if you need the invoice.",
         [("name_after_phrase", "", "Hana Sorensen"), ("email", "", "hana.sorensen@example.com"), ("phone_us", "US", "(415) 555-0147")]),
        ("narrative", "Ship to 742 Evergreen Terrace, Springfield; phone 217-555-0123.",
         [("street_us", "", "742 Evergreen Terrace"), ("phone_us", "US", "217-555-0123")]),
        ("narrative", "Refund to IBAN DE89 3704 0044 0532 0130 00, not to card 4111 1111 1111 1111.\nRegards,\nBram Oosterhuis",
         [("iban", "DE", "DE89 3704 0044 0532 0130 00"), ("card", "", "4111 1111 1111 1111"), ("name_after_phrase", "", "Bram Oosterhuis")]),
        ("narrative", "Contact: jo[at]example.com / +44 20 7946 0958",
         [("email_disguised", "", "jo[at]example.com"), ("phone_intl", "GB", "+44 20 7946 0958")]),
        ("issues", "no refund; card 5555-5555-5555-4444 charged twice; ssn 078-05-1120 demanded by supplier",
         [("card", "", "5555-5555-5555-4444"), ("ssn", "", "078-05-1120")]),
        ("narrative", "This is Aiko Tanabe, 03-1234-5678, aiko.tanabe@example.net",
         [("name_after_phrase", "", "Aiko Tanabe"), ("phone_national", "JP", "03-1234-5678"), ("email", "", "aiko.tanabe@example.net")]),
        ("narrative", "Flat 2, 10 High St, Bristol BS1 4DJ. Mobile 07700 900461.",
         [("street_uk", "", "10 High St"), ("phone_national", "GB", "07700 900461")]),
        ("narrative", "my name is chen jingyi, 138 0013 8000 (wechat same), chen.jy@example.com",
         [("name_after_phrase", "", "chen jingyi"), ("phone_national", "CN", "138 0013 8000"), ("email", "", "chen.jy@example.com")]),
        ("claim_outcome", "Partial refund USD 420.00 to 3782 822463 10005; questions to claims%40example.org",
         [("card_amex", "", "3782 822463 10005"), ("email_encoded", "", "claims%40example.org")]),
        ("narrative", "+91 98765 43210 / 098765 43210 (same number, office)",
         [("phone_intl", "IN", "+91 98765 43210"), ("phone_national", "IN", "098765 43210")]),
        ("narrative", "I want the refund processed.\n\nSincerely,\nSiobhán O'Marra\n221B Baker Street, London NW1 6XE\n+44 7700 900123",
         [("name_after_phrase", "", "Siobhán O'Marra"), ("street_uk", "", "221B Baker Street"), ("phone_intl", "GB", "+44 7700 900123")]),
        ("delivery_status", "Returned to sender: 1313 Mockingbird Lane (tel 312-555-0166)",
         [("street_us", "", "1313 Mockingbird Lane"), ("phone_us", "US", "312-555-0166")]),
        ("__header__", "jo.quill@example.com | 415-555-0111",
         [("email", "", "jo.quill@example.com"), ("phone_us", "US", "415-555-0111")]),
        ("narrative", "電話：" + fullwidth("090-1234-5678") + "、メール：たなか@例え.テスト",
         [("phone_fullwidth", "JP", fullwidth("090-1234-5678")), ("email_non_ascii", "", "たなか@例え.テスト")]),
        ("narrative", "SSN 219-09-9999, card 4012888888881881, IBAN GB82WEST12345698765432 - all leaked by the supplier's agent.",
         [("ssn", "", "219-09-9999"), ("card", "", "4012888888881881"), ("iban", "GB", "GB82WEST12345698765432")]),
        ("denial_reason", "Buyer (jo at example dot com, 020 7946 0321) did not respond within 15 days.",
         [("email_disguised", "", "jo at example dot com"), ("phone_national", "GB", "020 7946 0321")]),
        ("narrative", "Tracking page https://track.example.com/?email=hana%40example.net&order=TA300012345 shows nothing.",
         [("email_encoded", "", "hana%40example.net")]),
        ("narrative", "Supplier emailed mailto:jo.quill%40example.org asking me to pay outside Trade Assurance.",
         [("email_encoded", "", "jo.quill%40example.org")]),
        ("narrative", "my details: jose\u0301@example.com (sic)",  # decomposed e + combining acute
         [("email_non_ascii", "", "jose\u0301@example.com")]),
    ]
    for col, text, items in M:
        b.add(col, text, items)


def planted(seed: int = DEFAULT_SEED) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    b = _Builder("P")
    _add_multi(b)

    def emit(kind: str, family: str, values, region_of=lambda v: "") -> None:
        for v in values:
            region, shown = (v if isinstance(v, tuple) else (region_of(v), v))
            col = _pick_column(rng)
            b.add(col, _embed(rng, family, shown, col), [(kind, region, shown)])

    emit("email", "email", EMAILS)
    emit("email_disguised", "email", EMAILS_DISGUISED)
    emit("email_spaced", "email", EMAILS_SPACED)
    emit("email_encoded", "email", EMAILS_ENCODED)
    emit("email_non_ascii", "email", EMAILS_NON_ASCII)
    emit("phone_us", "phone", [("US", v) for v in PHONES_US])
    emit("phone_us_extension", "phone", [("US", v) for v in PHONES_US_EXT])
    emit("phone_intl", "phone", [(r, v) for r, vs in PHONES_INTL.items() for v in vs])
    emit("phone_national", "phone", [(r, v) for r, vs in PHONES_NATIONAL.items() for v in vs])
    emit("phone_fullwidth", "phone", PHONES_FULLWIDTH)
    emit("phone_other_digits", "phone", PHONES_OTHER_DIGITS)
    for v in NUMBERS_FULLWIDTH:
        fam = "ssn" if len(_ascii_digits(v)) == 9 else "card"
        col = _pick_column(rng)
        b.add(col, _embed(rng, fam, v, col), [("number_fullwidth", "", v)])
    emit("ssn", "ssn", SSNS)
    emit("ssn_9xx", "ssn", SSNS_9XX)
    emit("iban", "iban", IBANS)
    emit("card", "card", CARDS)
    emit("card_amex", "card", CARDS_AMEX)
    for kind, streets in (("street_us", STREETS_US), ("street_uk", STREETS_UK)):
        for before, core, after in streets:
            col = _pick_column(rng)
            if col in ("order_id", "intake_id", "claimant_key", "buyer_type", "product_category"):
                col = "delivery_status"  # addresses in odd id columns are covered by multi/headers
            b.add(col, _embed(rng, "street", before + core + after, col), [(kind, "", core)])
    for i, (col, tpl) in enumerate(NAME_TEMPLATES):
        n = NAMES[i % len(NAMES)]
        text = tpl.replace("{n}", n).replace("{low}", n.lower()).replace("{up}", n.upper())
        ident = n.lower() if "{low}" in tpl else n.upper() if "{up}" in tpl else n
        b.add(col, text, [("name_after_phrase", "", ident)])

    # deliberate odd-column / header placements (beyond the random ones)
    odd = [
        ("order_id", "email", "ines.farrow@example.com", ""),
        ("order_id", "phone_us", "(206) 555-0150", "US"),
        ("product_category", "phone_us", "415-555-0188", "US"),
        ("product_category", "phone_national", "138 0013 8000", "CN"),
        ("supplier_key", "iban", "GB82WEST12345698765432", "GB"),
        ("supplier_key", "email", "kemi.abara@buyers.example.net", ""),
        ("intake_id", "email", "Jo.Quill@Example.org", ""),
        ("claimant_key", "card", "4111111111111111", ""),
        ("claimant_key", "ssn", "123-45-6789", ""),
        ("buyer_type", "email_disguised", "jo at example dot com", ""),
        ("delivery_status", "phone_intl", "+86 138 0013 8000", "CN"),
        ("__header__", "email", "ines.farrow@example.com", ""),
        ("__header__", "phone_us", "(415) 555-0199", "US"),
        ("__header__", "phone_intl", "+44 20 7946 0000", "GB"),
        ("__header__", "card", "4111 1111 1111 1111", ""),
        ("__header__", "iban", "DE89 3704 0044 0532 0130 00", "DE"),
        ("__header__", "street_us", "742 Evergreen Terrace", ""),
        ("__header__", "email_disguised", "jo (at) example (dot) com", ""),
        ("__header__", "ssn", "078-05-1120", ""),
    ]
    for col, kind, v, region in odd:
        b.add(col, v, [(kind, region, v)])

    df = pd.DataFrame(b.rows, columns=list(_Builder._fields))
    _validate_planted(df)
    return df


def _validate_planted(df: pd.DataFrame) -> None:
    assert df["case_id"].is_unique
    assert set(df["kind"]) <= set(KINDS), set(df["kind"]) - set(KINDS)
    assert set(df["column"]) <= set(ALL_COLUMNS)
    for r in df.itertuples():
        assert r.identifier in r.text
        if r.kind in ("iban",) or (r.kind == "number_fullwidth" and any(c.isalpha() for c in _nfkc(r.identifier))):
            assert iban_ok(r.identifier), r
        if r.kind in ("card", "card_amex") or (r.kind == "number_fullwidth" and len(_ascii_digits(r.identifier)) > 12):
            assert luhn_ok(r.identifier), r
        if r.kind.startswith("phone"):
            assert r.region, r
    assert len(df) >= 300 and df["kind"].nunique() >= 14 and df["column"].nunique() >= 6


# --------------------------------------------------------------------------
# negatives
# --------------------------------------------------------------------------
def _fail_luhn(digits: str) -> str:
    if luhn_ok(digits):
        digits = digits[:-1] + str((int(digits[-1]) + 1) % 10)
    assert not luhn_ok(digits)
    return digits


NEG_VALUES: dict[str, list[str]] = {
    "order_number": ["TA300012345", "TA300012346", "TA-2023-0415-889", "TA300098761",
                     _fail_luhn("280113562401027391"), _fail_luhn("1602345123498765"),
                     _fail_luhn("3012004455667788"), "TA300012399"],
    "amount": ["$1,234.50", "USD 12,500.00", "US$ 3,450.00", "¥8,800", "RMB 45,000.00",
               "€2.350,00", "£1,020.75", "1 234 567.00 CNY", "USD 0.85/pc", "$ 99"],
    "date": ["04/05/2023", "2023-04-05", "5 April 2023", "12.03.2023", "2023/04/05",
             "Apr 5, 2023", "15-06-2023", "20230415"],
    "time": ["10:30 am", "14:45", "9 pm", "08:05:30", "10:30 AM CST"],
    "tracking_number": ["1Z999AA10123456784", "EE123456789CN", "RR123456785CN", "SF1400123456789",
                        "LX987654321CN"],
    "zip_code": ["94103", "94103-1234", "518000", "10001", "60614"],
    "percentage": ["15%", "30%", "70%", "12.5 %", "100%"],
    "quantity": ["1200 pcs", "5,000 units", "2 x 40HQ containers", "MOQ 500", "qty 1200 pcs", "36 cartons"],
    "supplier_code": ["SUP-CN-000451", "CN2023ABCD12345", "SUP-88213", "GS-2019-77120", "CN40SZXY00001234"],
    "product_model": ["XR-5000", "SM-A546B", "LED-P10-RGB", "Model 2023-X7", "P/N 2201-0045", "HX-900/12V"],
    "year_range": ["2019-2023", "2019–2023", "2021/22", "2015 - 2020"],
    "hs_code": ["8517.62", "8517.62.00", "6109.10.0012", "6404.19.90", "9403.20"],
    "invoice_number": ["INV-2023-00045", "PI-20230405-01", "No. 20230405001", "CI/2023/118"],
    "container_number": ["CSQU3054383", "MSCU 123456 5", "B/L COSU6123456780"],
    "measurement": ["1,250.5 kg", "120 x 80 x 150 cm", "110-240 V", "4.8/5", "v2.10.3", "12.5 mm"],
    "reference_number": ["CLM-2023-000451", "Lot 2023-0415-07", "batch 20230415",
                         _fail_luhn("2023051512345678"), _fail_luhn("4000123412341234")],
    "pseudonymous_key": [],  # filled below (deterministic pseudo-UUIDs from the rng)
}
NEG_FRAMES: dict[str, list[tuple[str, str]]] = {
    "order_number": [("order_id", "{k}"), ("narrative", "Order #{k} arrived damaged."),
                     ("denial_reason", "order no. {k} was outside the protection period"),
                     ("narrative", "{k} was placed through Trade Assurance."),
                     ("__header__", "order {k}")],
    "amount": [("narrative", "I paid {k} by bank transfer and got nothing back."),
               ("claim_outcome", "Refunded {k}"), ("denial_reason", "Claim value ({k}) below threshold."),
               ("issues", "overcharged {k}")],
    "date": [("narrative", "The goods were due on {k} but never shipped."),
             ("delivery_status", "Delivered {k}"), ("denial_reason", "Claim filed after deadline ({k})."),
             ("__header__", "snapshot {k}")],
    "time": [("narrative", "The driver came at {k} and left without ringing."),
             ("delivery_status", "Out for delivery, {k}")],
    "tracking_number": [("delivery_status", "In transit, tracking {k}"),
                        ("narrative", "The tracking number {k} shows no movement since June."),
                        ("issues", "lost parcel ({k})")],
    "zip_code": [("narrative", "Our warehouse is in ZIP {k} and the courier said it was undeliverable."),
                 ("delivery_status", "Held at depot {k}")],
    "percentage": [("narrative", "We paid a {k} deposit and the balance on shipment."),
                   ("claim_outcome", "Partial refund ({k})"), ("issues", "defect rate {k}")],
    "quantity": [("narrative", "We ordered {k} and received less than half."),
                 ("issues", "short shipment: {k}"), ("product_category", "Textiles, {k}")],
    "supplier_code": [("supplier_key", "{k}"), ("narrative", "Supplier {k} stopped answering."),
                      ("__header__", "{k}")],
    "product_model": [("product_category", "Consumer Electronics - {k}"),
                      ("narrative", "The {k} units failed after one week."), ("issues", "wrong model ({k})")],
    "year_range": [("narrative", "We have bought from this supplier {k} without problems."),
                   ("denial_reason", "Policy {k} does not cover this product.")],
    "hs_code": [("narrative", "Customs classified it under HS {k} and charged extra duty."),
                ("product_category", "HS {k}"), ("issues", "customs hold (HS {k})")],
    "invoice_number": [("narrative", "See {k} attached."), ("denial_reason", "Invoice {k} does not match the order."),
                       ("claim_outcome", "Credited against {k}")],
    "container_number": [("delivery_status", "Container {k} at port"),
                         ("narrative", "Container {k} was opened by customs.")],
    "measurement": [("narrative", "The spec sheet said {k} but the product did not match."),
                    ("issues", "out of spec ({k})"), ("product_category", "Hardware {k}")],
    "reference_number": [("narrative", "Dispute reference {k} was closed without explanation."),
                         ("claim_outcome", "Closed ({k})"), ("denial_reason", "Duplicate of {k}.")],
}

NEG_EXPLICIT: list[tuple[str, str, list[tuple[str, str]]]] = [
    # (column, text, [(kind, keep), ...])
    ("narrative", "Order #TA300012345: paid $1,234.50 on 04/05/2023 at 10:30 am.",
     [("order_number", "TA300012345"), ("amount", "$1,234.50"), ("date", "04/05/2023"), ("time", "10:30 am")]),
    ("narrative", "tracking 1Z999AA10123456784, HS code 8517.62, model XR-5000",
     [("tracking_number", "1Z999AA10123456784"), ("hs_code", "8517.62"), ("product_model", "XR-5000")]),
    ("issues", "qty 1200 pcs vs 1500 pcs; invoice INV-2023-00045",
     [("quantity", "qty 1200 pcs"), ("invoice_number", "INV-2023-00045")]),
    ("narrative", "We have imported from China 2019-2023, warehouse ZIP 94103.",
     [("year_range", "2019-2023"), ("zip_code", "ZIP 94103")]),
    # trigger phrases without a name
    ("narrative", "I am a small business owner and this is unacceptable.",
     [("phrase_not_name", "I am a small business owner"), ("phrase_not_name", "this is unacceptable")]),
    ("narrative", "This is the third time the supplier has missed the date.",
     [("phrase_not_name", "This is the third time the supplier")]),
    ("denial_reason", "this is a duplicate of claim CLM-00042",
     [("phrase_not_name", "this is a duplicate of claim"), ("pseudonymous_key", "CLM-00042")]),
    ("narrative", "This is not what we ordered.", [("phrase_not_name", "This is not what we ordered")]),
    ("narrative", "This is urgent!", [("phrase_not_name", "This is urgent")]),
    ("narrative", "Honestly this is my second claim this year.", [("phrase_not_name", "this is my second claim")]),
    ("narrative", "This is Trade Assurance order TA300012345 and it should be covered.",
     [("phrase_not_name", "This is Trade Assurance order"), ("order_number", "TA300012345")]),
    ("narrative", "This is Alibaba.com's responsibility, not mine.",
     [("phrase_not_name", "This is Alibaba.com's responsibility")]),
    ("narrative", "My name is on the waybill but I never signed for it.",
     [("phrase_not_name", "My name is on the waybill"), ("phrase_not_name", "never signed for it")]),
    ("narrative", "My name is misspelled on the invoice.", [("phrase_not_name", "My name is misspelled on the invoice")]),
    ("narrative", "Regards to the supplier team for finally answering.",
     [("phrase_not_name", "Regards to the supplier team")]),
    ("narrative", "With regards to the refund, nothing has happened.",
     [("phrase_not_name", "With regards to the refund")]),
    ("narrative", "Please help me get my money back.\n\nSincerely, a frustrated customer",
     [("phrase_not_name", "a frustrated customer")]),
    ("narrative", "Kind regards to your team and thanks.", [("phrase_not_name", "Kind regards to your team")]),
    ("narrative", "We signed the contract on 2023-01-12.",
     [("phrase_not_name", "signed the contract"), ("date", "2023-01-12")]),
    ("narrative", "The supplier signed off the inspection report anyway.",
     [("phrase_not_name", "signed off the inspection report")]),
    ("narrative", "A signed copy of the proforma invoice is attached.",
     [("phrase_not_name", "A signed copy of the proforma invoice")]),
    ("narrative", "I sincerely hope you can help.", [("phrase_not_name", "sincerely hope you can help")]),
    ("claim_outcome", "Regards, the claims desk", [("phrase_not_name", "the claims desk")]),
    ("denial_reason", "This is outside the 30-day window.",
     [("phrase_not_name", "This is outside the 30-day window")]),
    # '@' / 'at' / 'dot' that are not e-mail
    ("narrative", "We ordered 1200 pcs @ USD 2.35/pc.", [("price_at_sign", "1200 pcs @ USD 2.35/pc")]),
    ("issues", "10 units @ $5.50 each, invoiced @ $6.50", [("price_at_sign", "10 units @ $5.50"), ("price_at_sign", "@ $6.50")]),
    ("product_category", "Polka dot dresses", [("category_text", "Polka dot dresses")]),
    ("narrative", "The container arrived at Shenzhen port at 14:45.",
     [("category_text", "arrived at Shenzhen port"), ("time", "14:45")]),
    ("narrative", "I placed the order on Alibaba.com through Trade Assurance.", [("url_domain", "Alibaba.com")]),
    ("narrative", "Listing: https://www.alibaba.com/product-detail/XR-5000_1600123456789.html",
     [("url_domain", "https://www.alibaba.com/product-detail/XR-5000_1600123456789.html")]),
    ("narrative", "Their shop page www.alibaba.com/shop/sunrise-textiles is gone.",
     [("url_domain", "www.alibaba.com/shop/sunrise-textiles")]),
    # number + street-suffix word that is a product
    ("narrative", "Ordered 150 road bikes and 40 mountain bikes.", [("word_not_street", "150 road bikes")]),
    ("issues", "500 drive belts missing", [("word_not_street", "500 drive belts")]),
    ("narrative", "We ordered 60 terrace heaters and 20 garden lanterns.", [("word_not_street", "60 terrace heaters")]),
    ("product_category", "Footwear - 300 court shoes", [("word_not_street", "300 court shoes")]),
    ("issues", "40 place mats damaged", [("word_not_street", "40 place mats")]),
    ("product_category", "High Street fashion", [("category_text", "High Street fashion")]),
    # category / status text mentioning identifier words
    ("product_category", "Mobile Phones & Accessories", [("category_text", "Mobile Phones & Accessories")]),
    ("product_category", "Email Marketing Software", [("category_text", "Email Marketing Software")]),
    ("product_category", "Credit Card Readers", [("category_text", "Credit Card Readers")]),
    ("product_category", "Address Labels", [("category_text", "Address Labels")]),
    ("product_category", "Name Badges", [("category_text", "Name Badges")]),
    ("product_category", "Street Lights", [("category_text", "Street Lights")]),
    ("buyer_type", "Small business (1-10 employees)", [("category_text", "Small business (1-10 employees)")]),
    ("buyer_type", "Company (50-249 staff)", [("category_text", "Company (50-249 staff)")]),
    ("buyer_type", "Sole proprietor", [("category_text", "Sole proprietor")]),
    ("delivery_status", "Returned to sender", [("category_text", "Returned to sender")]),
    ("delivery_status", "Delivered to warehouse 3, dock 12", [("category_text", "Delivered to warehouse 3, dock 12")]),
    ("claim_outcome", "Refunded USD 1,234.50 (85%)", [("amount", "USD 1,234.50"), ("percentage", "85%")]),
    ("denial_reason", "Claim filed after 30 days (filed on 2023-05-10)", [("date", "2023-05-10")]),
    ("denial_reason", "Buyer did not provide a phone number or email address.",
     [("category_text", "phone number or email address")]),
    ("issues", "supplier asked for my card details; did not give them",
     [("category_text", "asked for my card details")]),
    ("__header__", "Order Date (MM/DD/YYYY)", [("category_text", "Order Date (MM/DD/YYYY)")]),
    ("__header__", "Amount (USD)", [("category_text", "Amount (USD)")]),
    ("__header__", "Qty (pcs)", [("category_text", "Qty (pcs)")]),
    ("__header__", "Tracking #", [("category_text", "Tracking #")]),
    ("__header__", "Unnamed: 12", [("category_text", "Unnamed: 12")]),
    ("__header__", "buyer_email_present", [("category_text", "buyer_email_present")]),
    ("__header__", "phone_country", [("category_text", "phone_country")]),
    ("__header__", "2023-04-05", [("date", "2023-04-05")]),
    ("narrative", "Total 1 234 567.00 CNY across 3 POs.", [("amount", "1 234 567.00 CNY")]),
    ("narrative", "DHL waybill 1234567890 was never scanned.", [("tracking_number", "1234567890")]),
    ("narrative", "Voltage 110-240 V, 50/60 Hz, 2 x 12.5 mm cables.",
     [("measurement", "110-240 V"), ("measurement", "50/60 Hz")]),
    ("narrative", "SWIFT DEUTDEFF was given for the supplier's bank.", [("supplier_code", "SWIFT DEUTDEFF")]),
    ("narrative", "Shipped 12.03.2023 from Shenzhen 518000, ETA 2023/04/05.",
     [("date", "12.03.2023"), ("zip_code", "518000"), ("date", "2023/04/05")]),
    ("narrative", "The 3rd shipment on the 21st of May was also short.",
     [("category_text", "3rd shipment on the 21st of May")]),
    ("narrative", "Supplier code CN2023ABCD12345 is listed on the contract.", [("supplier_code", "CN2023ABCD12345")]),
]


def negatives(seed: int = DEFAULT_SEED) -> pd.DataFrame:
    rng = np.random.default_rng(seed + 1)
    rows: list[dict] = []
    n = 0

    def add(column: str, text: str, items: list[tuple[str, str]]) -> None:
        nonlocal n
        assert column in ALL_COLUMNS, column
        n += 1
        for k, (kind, keep) in enumerate(items, 1):
            assert kind in NEGATIVE_KINDS, kind
            assert keep in text, (keep, text)
            rows.append(dict(case_id=f"N{n:04d}-{k}", kind=kind, column=column, text=text, keep=keep))

    for col, text, items in NEG_EXPLICIT:
        add(col, text, items)
    for kind, values in NEG_VALUES.items():
        frames = NEG_FRAMES.get(kind, [])
        for v in values:
            # each value in two different frames
            idx = rng.permutation(len(frames))[:2]
            for i in idx:
                col, fr = frames[int(i)]
                add(col, fr.replace("{k}", v), [(kind, v)])
    # pseudonymous keys: deterministic pseudo-UUIDs / hashes from the rng
    for i in range(8):
        h = "".join(f"{x:02x}" for x in rng.integers(0, 256, 16))
        uid = f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"
        add("intake_id" if i % 2 else "claimant_key", uid, [("pseudonymous_key", uid)])
    for v, col in [("INT-2023-000123", "intake_id"), ("CLM-00042", "claimant_key"),
                   ("ck_7f3a9b2c1d", "claimant_key"), ("INT-2024-004410", "intake_id"),
                   ("sha256:9f86d081884c7d65", "claimant_key")]:
        add(col, v, [("pseudonymous_key", v)])

    df = pd.DataFrame(rows, columns=["case_id", "kind", "column", "text", "keep"])
    _validate_negatives(df)
    return df


def _validate_negatives(df: pd.DataFrame) -> None:
    assert df["case_id"].is_unique
    assert df["text"].nunique() >= 200, df["text"].nunique()
    for r in df.itertuples():
        assert r.keep in r.text
        if r.kind in ("supplier_code", "order_number", "reference_number"):
            assert not iban_ok(r.keep), r
        for run in re.findall(r"\d[\d \-.]*\d", _nfkc(r.text)):
            d = _ascii_digits(run)
            if 13 <= len(d) <= 19:  # nothing card-like may be checksum-valid
                assert not luhn_ok(d), (run, r)
        assert "@" not in r.text or r.kind == "price_at_sign", r
    planted_ids = set(planted()["identifier"])
    for t in df["text"]:
        assert not any(p in t for p in planted_ids if len(p) > 6), t


if __name__ == "__main__":
    p = planted()
    ng = negatives()
    pd.set_option("display.width", 120)
    print(f"planted: {len(p)} rows, {p['case_id'].str.rsplit('-', n=1).str[0].nunique()} cells, "
          f"{p['kind'].nunique()} kinds, {p['column'].nunique()} columns")
    print(p["kind"].value_counts().sort_index().to_string())
    print()
    print(p["column"].value_counts().to_string())
    print()
    print(p[p["region"] != ""]["region"].value_counts().sort_index().to_string())
    print()
    print(f"negatives: {len(ng)} rows, {ng['text'].nunique()} cells, {ng['kind'].nunique()} kinds")
    print(ng["kind"].value_counts().sort_index().to_string())
    print()
    print(ng["column"].value_counts().to_string())
