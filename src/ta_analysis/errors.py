"""Errors a user can act on.

`InputError` is raised for anything wrong with what the user gave us (a file, a column, a value,
an option). The CLI prints its message on one line and exits with status 2; anything else is an
internal error (exit 1).
"""

from __future__ import annotations


class InputError(Exception):
    """Bad input: the message names the file, and where known the column, row and value."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        column: str | None = None,
        row: int | None = None,
        value: object = None,
    ) -> None:
        self.file = file
        self.column = column
        self.row = row
        self.value = value
        parts = []
        if file is not None:
            parts.append(str(file))
        if row is not None:
            parts.append(f"row {row}")
        if column is not None:
            parts.append(f"column {column!r}")
        if value is not None:
            parts.append(f"value {value!r}")
        where = ", ".join(parts)
        super().__init__(f"{where}: {message}" if where else message)
