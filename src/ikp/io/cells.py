"""Cell values for the spreadsheets the platform writes.

A text cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) can be
taken for a formula: openpyxl stores a string beginning with ``=`` as a live formula, and Excel
and LibreOffice evaluate the others when the cell is edited or the file passes through CSV, so a
region name or a cell copied from an upload such as ``=HYPERLINK("http://…")`` would run in the
office's spreadsheet (OWASP, "CSV injection"). :func:`safe_text` turns such text into a value
openpyxl always writes as a text cell (an inline rich-text string), with the characters
unchanged. Plain numbers written as text (``-5``, ``+1.5``) are left as they are: they cannot be
formulas, and changing them would change the data.
"""

from __future__ import annotations

import re

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+[.,]?\d*|[.,]\d+)(?:[eE][+-]?\d+)?", re.ASCII)


def safe_text(value: object) -> object:
    """``value`` itself, unless it is text a spreadsheet could run as a formula: then the same
    text as an openpyxl :class:`CellRichText`, written as an inline string (never a formula)
    that reads back as the same ``str``."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_PREFIXES)
        and not _PLAIN_NUMBER.fullmatch(value.strip())
    ):
        # imported only when needed: openpyxl takes ~0.2 s to import
        from openpyxl.cell.rich_text import CellRichText

        return CellRichText(value)
    return value
