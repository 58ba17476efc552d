"""A copy of an uploaded sheet marked with its issues, so the office fixes them in the tool it
used (HOUSE-STYLE rec. 15): a column "masalah / issues" with each row's issues, the cells with an
issue shaded, and a sheet "masalah" listing every issue. CSV and Parquet uploads come back as
XLSX with the same rows."""

from __future__ import annotations

import io
import math
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from django.utils.text import get_valid_filename

from ikp.io.cells import safe_text
from ikp.validation.files import read_raw
from ikp_web.apps.submissions.models import UploadFile
from ikp_web.apps.submissions.spreadsheets import read_upload_bytes

ISSUES_HEADER = "masalah / issues"


def _issue_text(issue: Mapping[str, Any]) -> str:
    loc = issue.get("location") or {}
    where = f" [{loc['column']}]" if loc.get("column") else ""
    hint = f" — {issue['hint']}" if issue.get("hint") else ""
    sev = "" if issue.get("severity") == "error" else " (peringatan / warning)"
    return f"{issue['code']}{sev}{where}: {issue['message']}{hint}"


def _issue_rows(issue: Mapping[str, Any]) -> list[int]:
    rows = (issue.get("params") or {}).get("rows")
    if isinstance(rows, list) and rows:
        return [int(r) for r in rows if isinstance(r, (int, float))]
    row = (issue.get("location") or {}).get("row")
    return [int(row)] if isinstance(row, (int, float)) else []


def annotated_copy(upload: UploadFile) -> tuple[bytes, str]:
    """The uploaded sheet with a column "masalah / issues" giving each row's issues (cells with
    an issue are shaded), and a sheet "masalah" listing every issue. CSV and Parquet uploads
    come back as XLSX with the same rows. Returns (bytes, file name)."""
    from openpyxl import Workbook, load_workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill

    data = read_upload_bytes(upload)
    issues: list[dict[str, Any]] = list(upload.report.get("issues", []))
    per_row: dict[int, list[dict[str, Any]]] = {}
    for issue in issues:
        for row in _issue_rows(issue):
            per_row.setdefault(row, []).append(issue)
    stem = Path(upload.original_name).stem or "unggahan"
    error_fill = PatternFill("solid", fgColor="F4CCCC")
    warn_fill = PatternFill("solid", fgColor="FFF2CC")
    wb = None
    ws = None
    if data[:4] == b"PK\x03\x04":
        try:
            wb = load_workbook(io.BytesIO(data))
        except Exception:  # noqa: BLE001 - an unreadable workbook gets the issue list only
            wb = None
        if wb is not None:
            sheet = (upload.report.get("source") or {}).get("sheet")
            ws = wb[sheet] if sheet in wb.sheetnames else wb.active
    if wb is None:
        wb = Workbook()
        ws = wb.active
        ws.title = "data"
        name = get_valid_filename(Path(upload.original_name).name) or "upload"
        with tempfile.TemporaryDirectory(prefix="ikp-annotate-") as tmp:
            path = Path(tmp) / name
            path.write_bytes(data)
            raw, _ = read_raw(path)
        if raw is not None:
            ws.append([safe_text(h) for h in raw.header])
            for row, values in zip(raw.frame.index, raw.frame.itertuples(index=False), strict=True):
                for j, value in enumerate(values, start=1):
                    ws.cell(row=int(row), column=j, value=safe_text(_plain(value)))
    assert ws is not None
    headers = {
        str(cell.value): cell.column
        for cell in ws[1]
        if cell.value is not None and str(cell.value) != ISSUES_HEADER
    }
    target = ws.max_column + 1
    for cell in ws[1]:
        if cell.value == ISSUES_HEADER:
            target = cell.column
    head = ws.cell(row=1, column=target, value=ISSUES_HEADER)
    head.font = Font(bold=True, color="9C0006")
    head.comment = Comment(
        "Masalah yang ditemukan pada baris ini; perbaiki lalu hapus kolom ini (boleh juga "
        "dibiarkan). / Issues found in this row; fix them, then delete this column (or keep it).",
        "ikp",
    )
    ws.column_dimensions[head.column_letter].width = 80
    for row, row_issues in sorted(per_row.items()):
        if row < 2:
            continue
        text = "\n".join(_issue_text(i) for i in row_issues)
        cell = ws.cell(row=row, column=target, value=safe_text(text))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        worst = any(i.get("severity") == "error" for i in row_issues)
        cell.fill = error_fill if worst else warn_fill
        for issue in row_issues:
            column = (issue.get("location") or {}).get("column")
            if column in headers:
                ws.cell(row=row, column=headers[column]).fill = (
                    error_fill if issue.get("severity") == "error" else warn_fill
                )
    listing = wb["masalah"] if "masalah" in wb.sheetnames else wb.create_sheet("masalah")
    listing.append(["kode / code", "tingkat / severity", "baris / row", "kolom / column",
                    "wilayah / region", "pesan / message", "saran / hint"])  # fmt: skip
    for cell in listing[1]:
        cell.font = Font(bold=True)
    for issue in issues:
        loc = issue.get("location") or {}
        rows = _issue_rows(issue)
        listing.append(
            [
                safe_text(v)
                for v in (
                    issue["code"],
                    issue.get("severity"),
                    ", ".join(str(r) for r in rows) if rows else "",
                    loc.get("column") or "",
                    loc.get("region_code") or "",
                    issue.get("message"),
                    issue.get("hint") or "",
                )
            ]
        )
    if not issues:
        listing.append(["", "", "", "", "", "tidak ada masalah / no issues", ""])
    for letter, width in zip("ABCDEFG", (24, 10, 14, 16, 12, 80, 60), strict=True):
        listing.column_dimensions[letter].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), f"{stem}-masalah.xlsx"


def _plain(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (np.integer, np.floating)):
        return value.item()
    if isinstance(value, (str, int, float, bool)):
        return value
    return str(value)
