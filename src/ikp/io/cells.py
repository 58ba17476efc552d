"""Cell values for the spreadsheets the core writes.

A text cell that begins with ``=``, ``+``, ``-`` or ``@`` can be taken for a formula (openpyxl
stores a string beginning with ``=`` as a formula; Excel and LibreOffice evaluate the others
when the cell is edited or the file passes through CSV). :func:`safe_text` turns such text into
a value openpyxl always writes as a text cell, with the characters unchanged.
"""

from __future__ import annotations

FORMULA_PREFIXES = ("=", "+", "-", "@")


def safe_text(value: object) -> object:
    """``value`` itself, unless it is text beginning with a formula prefix: then the same text
    as an openpyxl :class:`CellRichText`, which is written as an inline string (never a
    formula) and reads back as the same ``str``."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        # imported only when needed: openpyxl takes ~0.2 s to import
        from openpyxl.cell.rich_text import CellRichText

        return CellRichText(value)
    return value
