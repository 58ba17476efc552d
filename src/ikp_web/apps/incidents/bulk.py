"""Bulk upload of incidents (CSV with ``;`` ``,`` or tab, or XLSX): the file read by the core's
file stage (:func:`ikp.validation.files.read_raw`: encoding, delimiter, sheet, merged cells),
every row checked by the one incident validation, and stored all or nothing. The report lists
every issue with its row, column and a hint (the same report shape as the observation upload)."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.http import HttpRequest
from django.utils.text import get_valid_filename

from ikp.incidents import TEMPLATE_COLUMNS, IncidentRecord, canonical_columns, check_table
from ikp.issues import ValidationReport
from ikp.validation.files import read_raw
from ikp_web.apps.accounts import services as scope
from ikp_web.apps.core.services import audit
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.incidents import services
from ikp_web.apps.incidents.models import Incident
from ikp_web.config import constants as c

#: at most this many incidents in one file
MAX_ROWS = 100_000


@dataclass
class BulkResult:
    report: dict[str, Any]
    records: list[IncidentRecord] = field(default_factory=list)
    stored: int = 0

    @property
    def ok(self) -> bool:
        return bool(self.report.get("ok"))


def check_file(
    data: bytes, original_name: str, edition: Edition, user: Any
) -> tuple[list[IncidentRecord], ValidationReport]:
    """Read and check an uploaded file of incidents; nothing is stored."""
    name = get_valid_filename(Path(original_name).name) or "laporan.csv"
    with tempfile.TemporaryDirectory(prefix="ikp-incidents-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        raw, report = read_raw(path, max_bytes=c.UPLOAD_MAX_BYTES)
    if raw is None or not report.ok:
        return [], report
    frame = raw.frame
    if len(frame) > MAX_ROWS:
        from ikp.issues import IssueCode

        report.add(
            IssueCode.OUT_OF_RANGE,
            f"the file has {len(frame)} rows; at most {MAX_ROWS} per upload",
            file=name,
            hint="split the file",
        )
        return [], report
    if scope.role_of(user) == c.ROLE_PARTNER:  # a partner's reports are mitra reports
        mapping, _unknown = canonical_columns(frame.columns)
        column = next((col for col, f in mapping.items() if f == "source_type"), "jenis_sumber")
        frame = frame.copy()
        frame[column] = "mitra"
    records, found = check_table(frame, services.rules_for(edition, user), file=name)
    report.extend(found)
    return records, report


def check_and_store(
    data: bytes,
    original_name: str,
    edition: Edition,
    user: Any,
    *,
    request: HttpRequest | None = None,
) -> BulkResult:
    """Check the file; when it has no errors, store every row (one transaction)."""
    records, report = check_file(data, original_name, edition, user)
    result = BulkResult(report=report.to_dict())
    if report.ok and not records:
        result.report["ok"] = False
        result.report["errors"] = 1
        result.report["issues"].append(
            {
                "code": "EMPTY_FILE",
                "message": "the file has no incident rows",
                "severity": "error",
                "location": {"file": original_name},
                "hint": "one row per incident under the header",
                "params": {},
            }
        )
    if result.ok:
        stored = services.store(
            edition, records, reporter=user, via=Incident.Via.UPLOAD, request=request
        )
        result.stored = len(stored)
    else:
        audit(
            "incident_upload_rejected",
            request=request,
            user=user,
            edition=edition.slug,
            errors=result.report["errors"],
        )
    return result


def template_csv() -> bytes:
    """The bulk template: the header and one SYNTHETIC example row (delete it before upload)."""
    example = (
        "2024-01-10 09:30",
        "32",
        "32.01",
        "32.01.01",
        "",
        "7",
        "-6.595",
        "106.816",
        "I01",
        "L2",
        "CONTOH SINTETIS / SYNTHETIC EXAMPLE: hapus baris ini",
        "pengawas",
    )
    lines = [";".join(TEMPLATE_COLUMNS), ";".join(example)]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")
