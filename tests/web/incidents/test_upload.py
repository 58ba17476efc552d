"""Bulk upload (``;`` CSV and XLSX), checked and stored by the background job (huey, immediate in
tests, through the real task): all or nothing, every issue listed with row, column and hint on
the upload's page, the jurisdiction checked row by row."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from ikp.incidents import TEMPLATE_COLUMNS
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.incidents.models import Incident, IncidentUpload

URL = "/laporan/unggah/"
GOOD = [
    "2024-01-10 09:30;32;32.01;32.01.01;;7;-6.595;106.816;I01;L2;Massa di KPU (uji);pengawas",
    "11/01/2024 10:00;32;32.01;;;;;;I02;1;Politik uang (uji);media",
]


def csv_file(lines: list[str], name: str = "laporan.csv") -> SimpleUploadedFile:
    text = "\n".join([";".join(TEMPLATE_COLUMNS), *lines]) + "\n"
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def xlsx_file(rows: list[list[Any]]) -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "data"
    sheet.append(list(TEMPLATE_COLUMNS))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("laporan.xlsx", out.getvalue())


def post(client: Any, edition: Edition, file: SimpleUploadedFile) -> IncidentUpload:
    """Upload ``file``; the request redirects to the upload's page. Returns the upload."""
    response = client.post(URL, {"edition": edition.pk, "file": file})
    assert response.status_code == 302, response.content[:2000]
    upload = IncidentUpload.objects.latest("pk")
    assert response["Location"] == f"/laporan/unggah/{upload.pk}/"
    assert upload.status == "done", upload.message
    return upload


def test_a_semicolon_csv_is_stored_whole(edition: Edition, personas: Any) -> None:
    upload = post(personas["bogor"].client, edition, csv_file(GOOD))
    assert (upload.rows, upload.stored, upload.errors) == (2, 2, 0)
    stored = Incident.objects.order_by("occurred_at")
    assert [(i.indicator_code, i.incidence_level, i.via) for i in stored] == [
        ("I01", "L2", "upload"),
        ("I02", "L1", "upload"),
    ]
    assert stored[0].tps_number == 7 and stored[0].reporter == personas["bogor"].user
    assert all(i.events.count() == 1 for i in stored)


def test_an_xlsx_with_spreadsheet_dates_is_stored(edition: Edition, personas: Any) -> None:
    import datetime as dt

    rows = [
        [
            dt.datetime(2024, 1, 10, 9, 30),
            "32",
            "32.01",
            "",
            "",
            3,
            "",
            "",
            "I05",
            "L3",
            "Intimidasi pemilih (uji)",
            "mitra",
        ]
    ]
    assert post(personas["ri"].client, edition, xlsx_file(rows)).stored == 1
    assert Incident.objects.get().occurred_at.hour == 2  # 09:30 WIB = 02:30 UTC


def test_one_bad_row_stores_nothing_and_every_issue_is_listed(
    edition: Edition, personas: Any
) -> None:
    lines = [
        *GOOD,
        "kemarin;32;32.01;;;;;;I01;L2;x;pengawas",
        "2024-01-10 09:30;32;32.73;;;;;;I99;L2;x;pengawas",
        "2024-01-10 09:30;32;32.01;;;;;;I01;L2;;radio",
    ]
    upload = post(personas["bogor"].client, edition, csv_file(lines))
    assert Incident.objects.count() == 0
    assert (upload.rows, upload.stored, upload.errors) == (5, 0, 5)
    issues = upload.report["issues"]
    found = {(i["location"]["row"], i["location"]["column"], i["code"]) for i in issues}
    assert found == {
        (4, "waktu_kejadian", "INVALID_DATE"),
        (5, "kode_kabkota", "OUTSIDE_JURISDICTION"),
        (5, "kode_indikator", "UNKNOWN_INDICATOR"),
        (6, "uraian", "MISSING_VALUE"),
        (6, "jenis_sumber", "INVALID_CHOICE"),
    }
    assert all(i["hint"] for i in issues)
    html = personas["bogor"].client.get(f"{URL}{upload.pk}/").content.decode()
    assert 'data-upload-status="rejected"' in html and "INVALID_DATE" in html
    assert "waktu_kejadian" in html and 'http-equiv="refresh"' not in html


def test_missing_columns_are_named(edition: Edition, personas: Any) -> None:
    text = "waktu_kejadian;kode_provinsi\n2024-01-10;32\n"
    file = SimpleUploadedFile("laporan.csv", text.encode())
    upload = post(personas["ri"].client, edition, file)
    missing = {
        i["location"]["column"] for i in upload.report["issues"] if i["code"] == "MISSING_COLUMN"
    }
    assert missing == {"kode_kabkota", "kode_indikator", "uraian", "jenis_sumber"}


def test_the_template_and_who_may_upload(edition: Edition, personas: Any) -> None:
    template = personas["bogor"].client.get("/laporan/unggah/templat.csv")
    assert template.status_code == 200
    assert ";".join(TEMPLATE_COLUMNS) in template.content.decode("utf-8-sig")
    assert "SINTETIS" in template.content.decode("utf-8-sig")
    assert personas["publik"].client.get(URL).status_code == 403
    assert personas["anonymous"].client.get(URL).status_code == 302


def test_a_file_of_many_bad_rows_shows_the_first_issues_of_each_kind(
    edition: Edition, personas: Any
) -> None:
    lines = ["2024-01-10 09:30;32;32.01;;;;;;I99;L2;x;pengawas"] * 250
    upload = post(personas["ri"].client, edition, csv_file(lines))
    response = personas["ri"].client.get(f"{URL}{upload.pk}/")
    (group,) = response.context["groups"]
    assert group["code"] == "UNKNOWN_INDICATOR" and group["count"] == 250
    assert len(group["issues"]) == 200 and group["more"] == 50


def test_a_partner_uploads_partner_reports(edition: Edition, personas: Any) -> None:
    post(personas["mitra"].client, edition, csv_file(GOOD))
    assert set(Incident.objects.values_list("source_type", flat=True)) == {"mitra"}
