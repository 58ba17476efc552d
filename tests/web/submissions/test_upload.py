"""The spreadsheet round trip on a region's page: the template pre-filled with what is entered
(one row: the region's), an upload with errors (every issue shown, grouped by code, nothing
saved, a marked copy to download), the fixed upload previewed, then saved all at once with
history once confirmed."""

from __future__ import annotations

import io
import re
from typing import Any

from openpyxl import load_workbook

from ikp_web.apps.core.models import AuditLog
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.submissions.models import Observation, ObservationChange, UploadFile
from ikp_web.apps.submissions.queries import ISSUE_TITLES
from ikp_web.apps.submissions.spreadsheets import WEB_ISSUE_CODES

from .helpers import Personas, edit_workbook, header_index, submission, upload_file, url


def template(client: Any, edition: Edition, code: str) -> bytes:
    response = client.get(url("template", edition.slug, code))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"templat-{edition.slug}-{code}.xlsx" in response["Content-Disposition"]
    return b"".join(response.streaming_content) if response.streaming else response.content


def post_upload(
    client: Any, edition: Edition, code: str, data: bytes, name: str = "isi.xlsx"
) -> Any:
    return client.post(url("upload", edition.slug, code), {"file": upload_file(name, data)})


def confirm(client: Any, upload: UploadFile) -> Any:
    response = client.post(url("decide", upload.pk), {"action": "confirm"})
    upload.refresh_from_db()
    return response


def test_template_is_prefilled_with_the_regions_row_only(
    personas: Personas, kab_edition: Edition
) -> None:
    client = personas["bogor"].client
    page = url("questionnaire", kab_edition.slug, "32.01")
    client.post(page, {"action": "save_draft", "I01_L1": "2", "I01_L3": "1", "I07_L2": "5"})
    wb = load_workbook(io.BytesIO(template(client, kab_edition, "32.01")))
    ws = wb["data"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1 and rows[0][0] == "32.01"
    cols = header_index(ws)
    assert "synthetic" not in cols  # a real edition
    assert ws.cell(2, cols["I01_L1"]).value == 2 and ws.cell(2, cols["I01_L3"]).value == 1
    assert ws.cell(2, cols["I01_L2"]).value is None
    assert ws.cell(2, cols["I07_L2"]).value == 5
    assert {"petunjuk", "indikator"} <= set(wb.sheetnames)
    assert AuditLog.objects.filter(action="download", username="bogor").exists()


def _with_errors(ws: Any) -> None:
    cols = header_index(ws)
    ws.cell(2, cols["I01_L1"]).value = -1  # a negative count
    ws.cell(2, cols["I02_L2"]).value = "dua"  # not a number
    ws.cell(2, cols["I03_L1"]).value = 4  # a good value: must not be saved either
    ws.cell(3, 1).value = "32.04"  # another kab/kota of Jawa Barat: not this upload's region
    ws.cell(3, 2).value = "Kabupaten Bandung"
    ws.cell(4, 1).value = "11.01"  # outside the province
    ws.cell(4, 2).value = "Kabupaten Aceh Selatan"


def test_upload_with_errors_shows_every_issue_and_saves_nothing(
    personas: Personas, kab_edition: Edition
) -> None:
    client = personas["bogor"].client
    client.post(
        url("questionnaire", kab_edition.slug, "32.01"), {"action": "save_draft", "I03_L1": "1"}
    )
    before = list(Observation.objects.values_list("indicator_code", "incidence_level", "value"))
    n_changes = ObservationChange.objects.count()
    bad = edit_workbook(template(client, kab_edition, "32.01"), _with_errors)
    response = post_upload(client, kab_edition, "32.01", bad, "bogor-salah.xlsx")
    # checked and saved by a background job; the redirect goes to its (finished) page
    assert response.status_code == 302 and "/pekerjaan/" in response["Location"]
    upload = UploadFile.objects.get()
    assert upload.status == "rejected" and upload.region.code == "32.01"
    assert upload.submission == submission(kab_edition, "32.01")
    codes = {i["code"] for i in upload.report["issues"] if i["severity"] == "error"}
    assert codes == {"NEGATIVE_COUNT", "NOT_NUMERIC", "OUTSIDE_JURISDICTION"}
    outside = {
        i["location"]["region_code"]: i["location"]["row"]
        for i in upload.report["issues"]
        if i["code"] == "OUTSIDE_JURISDICTION"
    }
    assert outside == {"32.04": 3, "11.01": 4}
    # nothing saved
    assert (
        list(Observation.objects.values_list("indicator_code", "incidence_level", "value"))
        == before
    )
    assert ObservationChange.objects.count() == n_changes
    assert AuditLog.objects.filter(action="upload", username="bogor").get().detail["ok"] is False

    html = client.get(response["Location"]).content.decode()
    assert "INVALID_TEMPLATE_VARIABLE" not in html
    assert 'data-upload-status="rejected"' in html
    for code in ("NEGATIVE_COUNT", "NOT_NUMERIC", "OUTSIDE_JURISDICTION"):
        assert f'data-code="{code}"' in html
    assert "Kabupaten Bandung" in html or "32.04" in html
    assert 'id="download-annotated"' in html

    marked = client.get(url("annotated", upload.pk))
    assert marked.status_code == 200
    wb = load_workbook(io.BytesIO(marked.content))
    ws = wb["data"]
    cols = header_index(ws)
    issues_col = cols["masalah / issues"]
    assert "NEGATIVE_COUNT" in ws.cell(2, issues_col).value
    assert "NOT_NUMERIC" in ws.cell(2, issues_col).value
    assert "OUTSIDE_JURISDICTION" in ws.cell(3, issues_col).value
    assert "OUTSIDE_JURISDICTION" in ws.cell(4, issues_col).value
    assert ws.cell(2, cols["I01_L1"]).fill.fgColor.rgb.endswith("F4CCCC")
    assert "masalah" in wb.sheetnames and wb["masalah"].max_row >= 5
    # the marked copy is for those who may see the region only
    assert personas["jabar"].client.get(url("annotated", upload.pk)).status_code == 200
    assert personas["mitra"].client.get(url("annotated", upload.pk)).status_code == 200
    assert personas["publik"].client.get(url("annotated", upload.pk)).status_code == 403
    assert personas["anonymous"].client.get(url("annotated", upload.pk)).status_code == 302


def test_fixed_upload_is_saved_all_at_once_with_history(
    personas: Personas, kab_edition: Edition
) -> None:
    client = personas["bogor"].client
    client.post(
        url("questionnaire", kab_edition.slug, "32.01"),
        {"action": "save_draft", "I03_L1": "1", "I03_note": "catatan"},
    )

    def fill(ws: Any) -> None:
        cols = header_index(ws)
        ws.cell(2, cols["I01_L1"]).value = 3
        ws.cell(2, cols["I02_L2"]).value = 2
        ws.cell(2, cols["I03_L1"]).value = 4

    data = edit_workbook(template(client, kab_edition, "32.01"), fill)
    response = post_upload(client, kab_edition, "32.01", data)
    upload = UploadFile.objects.get()
    assert upload.status == "pending", upload.report
    assert not ObservationChange.objects.filter(via="upload").exists()
    assert confirm(client, upload).status_code == 302
    assert upload.status == "confirmed"
    sub = submission(kab_edition, "32.01")
    assert sub is not None and sub.status == "draft"
    values = {
        (o.indicator_code, o.incidence_level): o.value
        for o in Observation.objects.filter(submission=sub, value__isnull=False)
    }
    assert values == {("I01", "L1"): 3.0, ("I02", "L2"): 2.0, ("I03", "L1"): 4.0}
    change = ObservationChange.objects.get(observation__indicator_code="I03", via="upload")
    assert (change.old, change.new, change.changed_by.username) == ("1", "4", "bogor")
    assert ObservationChange.objects.filter(via="upload").count() == 3
    # the note entered on the form is kept (the template has no notes)
    assert Observation.objects.get(indicator_code="I03", incidence_level="").note == "catatan"
    html = client.get(response["Location"]).content.decode()
    assert 'data-upload-status="confirmed"' in html
    # a second upload of the same file changes nothing
    post_upload(client, kab_edition, "32.01", data)
    again = UploadFile.objects.order_by("-pk").first()
    assert again is not None and again.preview["totals"]["unchanged"] == 3
    assert again.preview["totals"]["changed"] == again.preview["totals"]["new"] == 0
    confirm(client, again)
    assert ObservationChange.objects.filter(via="upload").count() == 3


def test_synthetic_file_is_refused_in_a_real_edition(
    personas: Personas, kab_edition: Edition
) -> None:
    client = personas["bogor"].client

    def mark(ws: Any) -> None:
        col = ws.max_column + 1
        ws.cell(1, col).value = "synthetic"
        ws.cell(2, col).value = "DATA SINTETIS"

    post_upload(
        client, kab_edition, "32.01", edit_workbook(template(client, kab_edition, "32.01"), mark)
    )
    upload = UploadFile.objects.get()
    assert upload.status == "rejected"
    assert "SYNTHETIC_DATA" in {i["code"] for i in upload.report["issues"]}


def test_upload_form_errors_and_locked_submissions(
    personas: Personas, kab_edition: Edition
) -> None:
    client = personas["bogor"].client
    response = post_upload(client, kab_edition, "32.01", b"not a spreadsheet", "isi.pdf")
    assert response.status_code == 400
    assert 'id="upload-file-error"' in response.content.decode()
    response = client.post(url("upload", kab_edition.slug, "32.01"), {})
    assert response.status_code == 400
    assert not UploadFile.objects.exists()
    page = url("questionnaire", kab_edition.slug, "32.01")
    client.post(page, {"action": "submit", "I01_L1": "1"})
    client.post(page, {"action": "confirm_submit"})
    data = template(client, kab_edition, "32.01")
    assert post_upload(client, kab_edition, "32.01", data).status_code == 409
    assert not UploadFile.objects.exists()


def test_a_csv_upload_gets_a_marked_xlsx_copy(personas: Personas, kab_edition: Edition) -> None:
    from ikp.framework import load_framework
    from ikp.io import template_columns

    headers = [c.header for c in template_columns(load_framework("ikp-2024"))]
    row = ["32.01", "Kabupaten Bogor"] + ["1"] * (len(headers) - 2)
    row[2] = "x"
    text = ",".join(headers) + "\n" + ",".join(row) + "\n"
    client = personas["bogor"].client
    post_upload(client, kab_edition, "32.01", text.encode(), "bogor.csv")
    upload = UploadFile.objects.get()
    assert upload.status == "rejected"
    marked = client.get(url("annotated", upload.pk))
    ws = load_workbook(io.BytesIO(marked.content))["data"]
    assert ws.cell(2, 1).value == "32.01"
    assert "NOT_NUMERIC" in ws.cell(2, header_index(ws)["masalah / issues"]).value


def test_every_issue_code_has_a_title_in_both_languages() -> None:
    from django.utils import translation

    from ikp.validation.tables import DATA_ISSUE_CODES

    codes = {str(c) for c in DATA_ISSUE_CODES} | set(WEB_ISSUE_CODES)
    assert codes <= set(ISSUE_TITLES)
    with translation.override("id"):
        indonesian = {c: str(ISSUE_TITLES[c]) for c in codes}
    with translation.override("en"):
        english = {c: str(ISSUE_TITLES[c]) for c in codes}
    assert [c for c in codes if indonesian[c] == english[c]] == []


def test_batch_upload_refuses_rows_of_submitted_regions(
    personas: Personas, kab_edition: Edition
) -> None:
    jabar = personas["jabar"].client
    bogor_page = url("questionnaire", kab_edition.slug, "32.01")
    personas["bogor"].client.post(bogor_page, {"action": "submit", "I01_L1": "1"})
    personas["bogor"].client.post(bogor_page, {"action": "confirm_submit"})
    response = jabar.get(url("batch_template", kab_edition.slug, "32"))
    wb = load_workbook(io.BytesIO(response.content))
    rows = list(wb["data"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 27 and rows[0][0] == "32.01"
    assert wb["data"].cell(2, header_index(wb["data"])["I01_L1"]).value == 1  # pre-filled

    def fill(ws: Any) -> None:
        cols = header_index(ws)
        for r in range(2, ws.max_row + 1):
            ws.cell(r, cols["I02_L1"]).value = r

    data = edit_workbook(response.content, fill)
    page = url("batch", kab_edition.slug, "32")
    jabar.post(page, {"file": upload_file("jabar.xlsx", data)})
    upload = UploadFile.objects.get()
    assert upload.status == "rejected" and upload.scope == "province"
    locked = [i for i in upload.report["issues"] if i["code"] == "SUBMISSION_LOCKED"]
    assert [(i["location"]["row"], i["location"]["region_code"]) for i in locked] == [(2, "32.01")]
    assert not Observation.objects.filter(indicator_code="I02").exists()

    # without the locked row, every other kab/kota is saved in one go
    def drop_bogor(ws: Any) -> None:
        ws.delete_rows(2)

    jabar.post(page, {"file": upload_file("jabar.xlsx", edit_workbook(data, drop_bogor))})
    upload = UploadFile.objects.order_by("-pk").first()
    assert upload is not None and upload.status == "pending", upload.report["counts"]
    assert len(upload.preview["regions"]) == 26
    confirm(jabar, upload)
    assert len(upload.report["saved"]) == 26
    assert Observation.objects.filter(indicator_code="I02", incidence_level="L1").count() == 26
    assert submission(kab_edition, "32.01").status == "submitted"
    html = jabar.get(page).content.decode()
    assert len(re.findall(r'<tr data-region="32\.\d\d" data-status="draft"', html)) == 26


def _rejected_and_nothing_stored(
    personas: Personas, kab_edition: Edition, change: Any, name: str
) -> dict[str, Any]:
    """Upload the region's template edited by ``change``; the upload is rejected, no value or
    history is stored; returns the stored report."""
    client = personas["bogor"].client
    client.post(
        url("questionnaire", kab_edition.slug, "32.01"), {"action": "save_draft", "I03_L1": "1"}
    )
    before = list(Observation.objects.values_list("indicator_code", "incidence_level", "value"))
    n_changes = ObservationChange.objects.count()
    bad = edit_workbook(template(client, kab_edition, "32.01"), change)
    post_upload(client, kab_edition, "32.01", bad, name)
    upload = UploadFile.objects.get()
    assert upload.status == "rejected"
    assert (
        list(Observation.objects.values_list("indicator_code", "incidence_level", "value"))
        == before
    )
    assert ObservationChange.objects.count() == n_changes
    report: dict[str, Any] = upload.report
    return report


def test_merged_cells_are_refused_and_nothing_is_stored(
    personas: Personas, kab_edition: Edition
) -> None:
    """Merged level cells read as empty (an empty level counts 0): the upload is refused at
    the merged range's address, and the good values in it are not stored either."""

    def merge(ws: Any) -> None:
        cols = header_index(ws)
        ws.cell(2, cols["I01_L1"]).value = 3
        ws.cell(2, cols["I02_L1"]).value = 2
        ws.merge_cells(start_row=2, start_column=cols["I01_L1"], end_row=2,
                       end_column=cols["I01_L2"])  # fmt: skip

    report = _rejected_and_nothing_stored(personas, kab_edition, merge, "bogor-merge.xlsx")
    merged = [i for i in report["issues"] if i["code"] == "MERGED_CELLS"]
    assert len(merged) == 1 and merged[0]["severity"] == "error"
    assert merged[0]["location"]["row"] == 2
    assert merged[0]["location"]["column"] == "I01_L1"
    assert ":" in merged[0]["params"]["range"]


def test_a_count_of_1e308_is_refused_and_nothing_is_stored(
    personas: Personas, kab_edition: Edition
) -> None:
    """1e308 × a level weight overflowed to infinity and was imputed: it is an error now."""

    def huge(ws: Any) -> None:
        cols = header_index(ws)
        ws.cell(2, cols["I01_L3"]).value = 1e308
        ws.cell(2, cols["I02_L1"]).value = 2

    report = _rejected_and_nothing_stored(personas, kab_edition, huge, "bogor-besar.xlsx")
    errors = [i for i in report["issues"] if i["severity"] == "error"]
    assert [(i["code"], i["location"]["column"]) for i in errors] == [("OUT_OF_RANGE", "I01_L3")]


def test_the_marked_copy_never_holds_a_formula_from_the_upload(
    personas: Personas, kab_edition: Edition
) -> None:
    """A CSV cell ``=HYPERLINK(…)`` came back as a live formula in the marked XLSX copy."""
    from ikp.framework import load_framework
    from ikp.io import template_columns

    headers = [c.header for c in template_columns(load_framework("ikp-2024"))]
    row = ["32.01", "=HYPERLINK(http://example.org)"] + ["1"] * (len(headers) - 2)
    row[2] = "@SUM(1)"
    text = ",".join(headers) + "\n" + ",".join(row) + "\n"
    client = personas["bogor"].client
    post_upload(client, kab_edition, "32.01", text.encode(), "bogor.csv")
    upload = UploadFile.objects.get()
    marked = client.get(url("annotated", upload.pk))
    wb = load_workbook(io.BytesIO(marked.content))
    formulas = [
        (ws.title, c.coordinate)
        for ws in wb.worksheets
        for r in ws.iter_rows()
        for c in r
        if c.data_type == "f"
    ]
    assert formulas == []
    ws = wb["data"]
    # the user's text, unchanged, in text cells
    assert ws.cell(2, 2).value == "=HYPERLINK(http://example.org)"
    assert ws.cell(2, 2).data_type == "s"
    assert ws.cell(2, 3).value == "@SUM(1)"
