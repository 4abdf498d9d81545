"""Header mapping: aliases, a user mapping file, and errors that say what to do."""

from __future__ import annotations

import pytest

from ta_analysis.errors import InputError
from ta_analysis.schema import FIELDS, REQUIRED, header_key, load_mapping, map_headers

BASE = ["Submission ID", "Submitted At", "Email", "Alibaba Order #", "Order Date", "Amount paid"]


def test_header_key_ignores_case_spacing_and_punctuation():
    assert header_key("Order Total (USD)") == header_key("order total usd") == "ordertotalusd"
    assert header_key("E-mail address") == "emailaddress"


def test_builtin_aliases_and_unmapped_headers():
    hm = map_headers(BASE + ["ORDER TOTAL (usd)", "Favourite colour"][1:], "x.csv")
    assert hm.fields["order_id"] == "Alibaba Order #"
    assert hm.fields["email"] == "Email"
    assert hm.unmapped == ["Favourite colour"]
    hm = map_headers([h if h != "Amount paid" else "Order Total (USD)" for h in BASE], "x.csv")
    assert hm.fields["order_amount"] == "Order Total (USD)"


def test_missing_required_field_names_field_file_and_closest_header():
    headers = [h for h in BASE if h != "Order Date"] + ["Purchase Dt"]
    with pytest.raises(InputError, match=r"export\.csv: no column for order_date; did you mean 'Purchase Dt'\?"):
        map_headers(headers, "export.csv")


def test_no_identity_column_is_an_error():
    with pytest.raises(InputError, match="no column identifies the claimant"):
        map_headers([h for h in BASE if h != "Email"], "x.csv")


def test_two_headers_for_one_field():
    with pytest.raises(InputError, match=r"columns 'Email' and 'E-mail address' both map to email"):
        map_headers(BASE + ["E-mail address"], "x.csv")


def test_user_mapping_file(tmp_path):
    p = tmp_path / "m.toml"
    p.write_text('[columns]\n"Purchase Dt" = "order_date"\n[options]\nday_first = true\ndefault_currency = "EUR"\n')
    m = load_mapping(p)
    assert m.day_first and m.default_currency == "EUR"
    headers = [h for h in BASE if h != "Order Date"] + ["Purchase Dt"]
    assert map_headers(headers, "x.csv", m).fields["order_date"] == "Purchase Dt"


@pytest.mark.parametrize("text, message", [
    ('[columns]\n"X" = "order_dat"\n', r"m\.toml: \[columns\] maps 'X' to unknown field 'order_dat'; did you mean 'order_date'\?"),
    ("[options]\nday_frist = true\n", r"m\.toml: unknown option 'day_frist'"),
    ("[options]\nday_first = 'yes'\n", r"m\.toml: option day_first must be bool"),
    ("[colums]\n", r"m\.toml: unknown section\(s\) \['colums'\]"),
    ("[columns\n", r"m\.toml: not valid TOML"),
])
def test_bad_mapping_files(tmp_path, text, message):
    p = tmp_path / "m.toml"
    p.write_text(text)
    with pytest.raises(InputError, match=message):
        load_mapping(p)


def test_required_fields_are_canonical():
    assert set(REQUIRED) <= set(FIELDS)
