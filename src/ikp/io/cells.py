"""Cell values for the spreadsheets and CSV files the platform writes.

A text cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) is read
as a formula by Excel and LibreOffice when the file is opened (CSV) or written (openpyxl turns
a string starting with ``=`` into a live formula): a region name or a cell copied from an upload
such as ``=HYPERLINK("http://…")`` would run in the office's spreadsheet. :func:`safe_text`
neutralises such text with a leading apostrophe, the convention spreadsheets use for "this is
text" (OWASP, "CSV injection"). Plain numbers written as text (``-5``, ``+1.5``) are left as
they are: they cannot be formulas, and changing them would change the data.
"""

from __future__ import annotations

import re

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+[.,]?\d*|[.,]\d+)(?:[eE][+-]?\d+)?", re.ASCII)


def safe_text(value: object) -> object:
    """``value`` unchanged, unless it is text a spreadsheet would run as a formula: then the
    same text after an apostrophe (``'=HYPERLINK(…)``)."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_PREFIXES)
        and not _PLAIN_NUMBER.fullmatch(value.strip())
    ):
        return "'" + value
    return value
