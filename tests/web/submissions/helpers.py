"""Helpers shared by the data-collection tests."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.regions.models import Region
from ikp_web.apps.submissions.models import Submission

Personas = dict[str, Any]  # persona name → tests/web/conftest.py's Persona


def region(code: str) -> Region:
    return Region.objects.get(edition="current", code=code)


def submission(edition: Edition, code: str) -> Submission | None:
    return Submission.objects.filter(edition=edition, region__code=code).first()


def url(name: str, *args: Any) -> str:
    from django.urls import reverse

    return reverse(f"submissions:{name}", args=args)


def edit_workbook(data: bytes, change: Callable[[Any], None]) -> bytes:
    """Open an XLSX (bytes), let ``change(sheet 'data')`` edit it, return the new bytes."""
    wb = load_workbook(io.BytesIO(data))
    change(wb["data"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def header_index(ws: Any) -> dict[str, int]:
    return {str(c.value): c.column for c in ws[1] if c.value is not None}


def upload_file(name: str, data: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "uploads"
