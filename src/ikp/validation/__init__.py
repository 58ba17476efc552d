"""Validation of uploaded data: stage 1 the file (:mod:`.files`), stage 2 the table
(:mod:`.tables`). Both report every problem at once as a :class:`~ikp.issues.ValidationReport`."""

from __future__ import annotations

from ikp.validation.files import RawTable, read_raw, read_table
from ikp.validation.tables import DATA_ISSUE_CODES, CheckedTable, check_table, parse_number

__all__ = [
    "DATA_ISSUE_CODES",
    "CheckedTable",
    "RawTable",
    "check_table",
    "parse_number",
    "read_raw",
    "read_table",
]
