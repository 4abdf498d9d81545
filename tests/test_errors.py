"""Errors a user can act on name the file, the row, the column and the value."""

from __future__ import annotations

from ta_analysis.errors import InputError


def test_the_message_names_where_and_what():
    e = InputError("not a date", file="export.csv", column="Order Date", row=12, value="last spring")
    assert str(e) == "export.csv, row 12, column 'Order Date', value 'last spring': not a date"
    assert (e.file, e.row, e.column, e.value) == ("export.csv", 12, "Order Date", "last spring")


def test_without_a_place_the_message_is_as_given():
    assert str(InputError("no input files given")) == "no input files given"
