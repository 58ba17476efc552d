"""A small, fast XLSX writer for plain tables (values only, no styles).

openpyxl builds an XML element per cell even in write-only mode (about 25 µs a cell: 2.6 s for
the ~100,000 cells of a kab/kota results workbook). This writer joins each row's XML as text and
zips the parts: the same workbook in a tenth of the time. It writes numbers, booleans and text;
text is always an inline string (``t="inlineStr"``), never a formula, so a region name such as
``=HYPERLINK(…)`` stays text (see :mod:`ikp.io.cells`). ``None`` and non-finite numbers are empty
cells. Spreadsheets with styles (the data-entry template) are still written with openpyxl.
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# characters XML 1.0 does not allow (openpyxl refuses them too); they are left out
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_STYLES = (
    f'{_HEAD}<styleSheet xmlns="{_NS}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/>'
    '</font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill>'
    '<patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/>'
    '<top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" '
    'fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="1"><xf numFmtId="0" '
    'fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs><cellStyles count="1"><cellStyle '
    'name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)


def column_letter(j: int) -> str:
    """``0`` → ``A``, ``26`` → ``AA``."""
    letters = ""
    j += 1
    while j:
        j, rem = divmod(j - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _cell(ref: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int):
        return f'<c r="{ref}"><v>{value}</v></c>'
    if isinstance(value, float):
        return f'<c r="{ref}"><v>{value!r}</v></c>' if math.isfinite(value) else ""
    text = _ILLEGAL.sub("", str(value))
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}" t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'


def _sheet_xml(rows: Iterable[Sequence[Any]]) -> Iterable[str]:
    yield f'{_HEAD}<worksheet xmlns="{_NS}"><sheetData>'
    letters: list[str] = []
    for i, row in enumerate(rows, start=1):
        while len(letters) < len(row):
            letters.append(column_letter(len(letters)))
        cells = "".join(_cell(f"{letters[j]}{i}", v) for j, v in enumerate(row))
        yield f'<row r="{i}">{cells}</row>'
    yield "</sheetData></worksheet>"


def write_xlsx(path: str | Path, sheets: Mapping[str, Iterable[Sequence[Any]]]) -> Path:
    """Write ``{sheet name: rows}`` (each row a sequence of values) as an XLSX workbook."""
    path = Path(path)
    names = list(sheets)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{k}.xml" ContentType="{_CT}.worksheet+xml"/>'
        for k in range(1, len(names) + 1)
    )
    content_types = (
        f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        f'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>{overrides}</Types>'
    )
    root_rels = (
        f'{_HEAD}<Relationships xmlns="{_PKG_REL_NS}"><Relationship Id="rId1" '
        f'Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    sheet_entries = "".join(
        f'<sheet name="{escape(name[:31], {chr(34): "&quot;"})}" sheetId="{k}" r:id="rId{k}"/>'
        for k, name in enumerate(names, start=1)
    )
    workbook = (
        f'{_HEAD}<workbook xmlns="{_NS}" xmlns:r="{_REL_NS}"><sheets>{sheet_entries}</sheets>'
        "</workbook>"
    )
    rels = "".join(
        f'<Relationship Id="rId{k}" Type="{_REL_NS}/worksheet" Target="worksheets/sheet{k}.xml"/>'
        for k in range(1, len(names) + 1)
    )
    rels += f'<Relationship Id="rId{len(names) + 1}" Type="{_REL_NS}/styles" Target="styles.xml"/>'
    workbook_rels = f'{_HEAD}<Relationships xmlns="{_PKG_REL_NS}">{rels}</Relationships>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", root_rels)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        archive.writestr("xl/styles.xml", _STYLES)
        for k, name in enumerate(names, start=1):
            with archive.open(f"xl/worksheets/sheet{k}.xml", "w") as part:
                buffer: list[str] = []
                for chunk in _sheet_xml(sheets[name]):
                    buffer.append(chunk)
                    if len(buffer) >= 500:
                        part.write("".join(buffer).encode("utf-8"))
                        buffer.clear()
                part.write("".join(buffer).encode("utf-8"))
    return path
