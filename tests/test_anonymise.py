"""Direct identifiers: keyed claimant hashes, redaction of text, the scan of written files."""

from __future__ import annotations

import hmac

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ta_analysis import anonymise


def test_keyed_hash_depends_on_the_secret_and_normalises_identifiers():
    key1 = anonymise.HashKey(b"k" * 32, "test")
    key2 = anonymise.HashKey(b"j" * 32, "test")
    email = pd.Series([" Jo@Example.com", "jo@example.com", None, None], dtype="str")
    phone = pd.Series([None, None, "(415) 555-0182", "+1 415 555 0182"], dtype="str")
    given = pd.Series([None] * 4, dtype="str")
    k1 = anonymise.claimant_keys(email, phone, given, key1)
    assert k1[0] == k1[1] and k1[2] == k1[3] and k1[0] != k1[2]
    assert (anonymise.claimant_keys(email, phone, given, key2) != k1).all()
    # The documented construction, computed independently: HMAC-SHA-256 of the normalised identifier.
    import hmac
    assert k1[0] == "C" + hmac.new(b"k" * 32, b"email:jo@example.com", "sha256").hexdigest()[:24]
    assert k1[2] == "C" + hmac.new(b"k" * 32, b"phone:4155550182", "sha256").hexdigest()[:24]


@settings(max_examples=200, deadline=None)
@given(secret=st.binary(min_size=1, max_size=150),
       local=st.text(alphabet="abcXYZ019._%+-", min_size=1, max_size=40))
def test_keyed_hash_is_hmac_sha256_for_any_key_length(secret, local):
    """Keys shorter than, as long as and longer than SHA-256's 64-byte block (hashed first)."""
    import hmac

    email = pd.Series([f"{local}@example.com"], dtype="str")
    got = anonymise.claimant_keys(email, pd.Series([None], dtype="str"), pd.Series([None], dtype="str"),
                                  anonymise.HashKey(secret, "test"))
    identifier = f"email:{local.lower()}@example.com"
    assert got[0] == "C" + hmac.new(secret, identifier.encode("utf-8"), "sha256").hexdigest()[:24]


def test_no_identifier_gives_no_key_and_a_given_key_is_hashed_never_published():
    secret = b"k" * 32
    key = anonymise.HashKey(secret, "test")
    email = pd.Series([None, None, "a@example.com", None], dtype="str")
    phone = pd.Series([None, "12", None, None], dtype="str")
    given = pd.Series([None, None, None, "Jo Quill"], dtype="str")  # a "key" column that holds a name
    out = anonymise.claimant_keys(email, phone, given, key)
    assert out.isna().tolist() == [True, True, False, False]
    assert out[3] == "C" + hmac.new(secret, b"key:Jo Quill", "sha256").hexdigest()[:24]
    assert "Jo Quill" not in out.tolist()


def test_generated_columns_are_left_as_they_are_and_the_rest_redacted():
    df = pd.DataFrame({"rule": pd.Series(["a@b.com"], dtype="str"), "other": pd.Series(["a@b.com"], dtype="str"),
                       "story": pd.Series(["call 2125550111"], dtype="str")})
    out = anonymise.redact_frame(df, generated=("rule",))
    assert out.iloc[0].tolist() == ["a@b.com", "[EMAIL]", "call [PHONE]"]
    assert df.iloc[0].tolist() == ["a@b.com", "a@b.com", "call 2125550111"]  # the input is untouched


def test_the_secret_key_comes_from_the_environment_or_a_key_file(tmp_path, monkeypatch):
    monkeypatch.delenv(anonymise.KEY_ENV, raising=False)
    monkeypatch.delenv(anonymise.KEY_FILE_ENV, raising=False)
    assert anonymise.load_key().is_default
    monkeypatch.setenv(anonymise.KEY_ENV, "a long secret from the environment")
    assert anonymise.load_key().secret == b"a long secret from the environment"
    monkeypatch.delenv(anonymise.KEY_ENV)
    (tmp_path / "key").write_bytes(b"short")
    monkeypatch.setenv(anonymise.KEY_FILE_ENV, str(tmp_path / "key"))
    with pytest.raises(anonymise.InputError, match="fewer than 16 bytes"):
        anonymise.load_key()
    monkeypatch.setenv(anonymise.KEY_FILE_ENV, str(tmp_path / "nope"))
    with pytest.raises(anonymise.InputError, match="names a key file that does not exist"):
        anonymise.load_key()


def test_free_text_is_redacted_by_kind():
    s = pd.Series(["mail jo@example.com, call (415) 555-0182 or +44 20 7946 0958",
                   "card 4111 1111 1111 1111; ship to 742 Evergreen Terrace", None], dtype="str")
    out = anonymise.redact_text(s)
    assert out[0] == "mail [EMAIL], call [PHONE] or [PHONE]"
    assert out[1] == "card [CARD]; ship to [ADDRESS]"
    assert pd.isna(out[2])


def test_the_scan_names_the_kinds_it_finds():
    assert anonymise.scan_text("nothing to see, order TA300012345, $1,234.50") == []
    assert anonymise.scan_text("write to jo@example.com") == ["e-mail address"]
    assert anonymise.scan_text("call 415-555-0182") == ["phone number"]


def test_the_scan_skips_a_column_only_when_every_value_is_a_claimant_key():
    keys = anonymise.claimant_keys(pd.Series(["a@example.com", "b@example.com"], dtype="str"),
                                   pd.Series([None, None], dtype="str"), pd.Series([None, None], dtype="str"),
                                   anonymise.HashKey(b"k" * 32, "test"))
    anonymise.scan_frame(pd.DataFrame({"claimant_key": keys}), "intake.csv")  # hashes: nothing to find
    mixed = pd.DataFrame({"claimant_key": pd.Series([keys[0], "call 212 555 0111"], dtype="str")})
    with pytest.raises(anonymise.IdentifierFound, match="'claimant_key'"):
        anonymise.scan_frame(mixed, "intake.csv")
