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
    ("[options]\nday_frist = true\n", r"m\.toml: unknown option 'day_frist' in \[options\]; did you mean 'day_first'\?"),
    ("[options]\nday_first = 'yes'\n", r"m\.toml: option day_first must be true or false \(no quotes\), got 'yes'"),
    ("[options]\nday_first = \"no\"\n", r"m\.toml: option day_first must be true or false"),
    ("[options]\ndefault_currency = true\n", r"m\.toml: option default_currency must be text in quotes"),
    ("[colums]\n", r"m\.toml: unknown section \[colums\]; did you mean 'columns'\?"),
    ('[values.claim_outcome]\n"Money back (all)" = "ful_refund"\n',
     r"m\.toml: \[values.claim_outcome\] maps 'Money back \(all\)' to 'ful_refund', which is not a claim_outcome "
     r"value; did you mean 'full_refund'\?"),
    ('[values.claim_outcom]\n"x" = "denied"\n', r"\[values.claim_outcom\]: 'claim_outcom' is not a field with a "
     r"vocabulary; did you mean 'claim_outcome'\?"),
    ('[values.claim_outcome]\n"Lost" = "denied"\n"LOST " = "pending"\n', r"maps 'LOST ' twice, to different values"),
    ("[columns\n", r"m\.toml: not valid TOML"),
])
def test_bad_mapping_files(tmp_path, text, message):
    p = tmp_path / "m.toml"
    p.write_text(text)
    with pytest.raises(InputError, match=message):
        load_mapping(p)


def test_required_fields_are_canonical():
    assert set(REQUIRED) <= set(FIELDS)


def test_value_mappings_are_keyed_like_the_crosswalks_and_blank_means_missing(tmp_path):
    p = tmp_path / "m.toml"
    p.write_text('[values.claim_outcome]\n"Money back (all)" = "full_refund"\n"Not  sure" = ""\n'
                 '[values.trade_assurance]\n"Yes, it was" = "true"\n')
    m = load_mapping(p)
    assert m.values == {"claim_outcome": {"money back (all)": "full_refund", "not sure": None},
                        "trade_assurance": {"yes, it was": "true"}}


def test_a_complaints_mapping_is_checked_by_the_same_loader(tmp_path):
    p = tmp_path / "c.toml"
    p.write_text('[columns]\n"Ticket" = "complaint_id"\n[options]\nsource = "log"\nday_first = "no"\n')
    with pytest.raises(InputError, match="option day_first must be true or false"):
        load_mapping(p, "complaints", fields=("complaint_id", "date_received"))
    p.write_text('[columns]\n"Ticket" = "complaint_id"\n[options]\ndayfirst = true\n')
    with pytest.raises(InputError, match="unknown option 'dayfirst' in \\[options\\]; did you mean 'day_first'"):
        load_mapping(p, "complaints", fields=("complaint_id", "date_received"))
    p.write_text('[values.x]\n')
    with pytest.raises(InputError, match=r"unknown section \[values\]"):
        load_mapping(p, "complaints", fields=("complaint_id",))
