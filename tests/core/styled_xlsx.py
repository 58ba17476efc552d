"""A workbook like an Excel export in which the user formatted whole rows: a few rows of data,
then styled empty rows (and styled empty cells) down to row 1,048,576, with a used range
(``<dimension>``) claiming A1:XFD1048576. Shared by the tests and benchmarks/bench_xlsx.py."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import PatternFill

from ikp.framework import load_framework
from ikp.sample import generate

LAST_ROW = 1_048_576
PROVINCE = "65"  # Kalimantan Utara: 5 kabupaten/kota


def styled_workbook(path: Path, last_row: int = LAST_ROW, styled_cells: int = 2000) -> Path:
    """Write the workbook: openpyxl writes the data (filled cells) and one styled empty row;
    that row's element is then repeated down to ``last_row`` (the first ``styled_cells`` rows
    also holding three styled empty cells each), as Excel writes formatted rows."""
    fw = load_framework("ikp-2024")
    counts = generate(fw, "regency", seed=3).counts
    counts = counts[counts["region_code"].str.startswith(f"{PROVINCE}.")]
    counts = counts.drop(columns=["synthetic"])
    wb = Workbook()
    ws = wb.active
    ws.title = "data"
    fill = PatternFill("solid", fgColor="FFF2CC")
    ws.append(list(counts.columns))
    for row in counts.itertuples(index=False):
        ws.append(list(row))
    for cells in ws.iter_rows(min_row=1, max_row=ws.max_row):
        for cell in cells:
            cell.fill = fill
    first = ws.max_row + 1
    ws.row_dimensions[first].fill = fill  # openpyxl writes a styled empty <row>
    buffer = io.BytesIO()
    wb.save(buffer)
    source = zipfile.ZipFile(buffer)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename != "xl/worksheets/sheet1.xml":
                out.writestr(item, body)
                continue
            text = body.decode("utf-8")
            found = re.search(rf'<row r="{first}"[^>]*?(?:/>|>.*?</row>)', text)
            assert found is not None
            style = re.search(r' s="(\d+)"', found[0])
            s = style[1] if style else "1"
            head = re.sub(
                r'<dimension ref="[^"]*"',
                f'<dimension ref="A1:XFD{last_row}"',
                text[: found.start()],
            )
            with out.open(item.filename, "w") as part:
                part.write(head.encode("utf-8"))
                for start in range(first, last_row + 1, 10_000):
                    rows = []
                    for r in range(start, min(start + 10_000, last_row + 1)):
                        if r < first + styled_cells:
                            cells = "".join(f'<c r="{c}{r}" s="{s}"/>' for c in "ABC")
                            rows.append(f'<row r="{r}" s="{s}" customFormat="1">{cells}</row>')
                        else:
                            rows.append(f'<row r="{r}" s="{s}" customFormat="1"/>')
                    part.write("".join(rows).encode("utf-8"))
                part.write(text[found.end() :].encode("utf-8"))
    return path
