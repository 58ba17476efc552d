"""An upload is previewed before anything is saved: per region the cells changed, cleared,
unchanged and new; the uploader confirms (saved exactly as previewed, all or nothing) or cancels.
An empty cell leaves the stored value; KOSONGKAN (or CLEAR, any case) clears it. A preview made
stale by a later change is refused, and only the uploader may decide."""

from __future__ import annotations

from typing import Any

from ikp_web.apps.core.models import AuditLog
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.submissions.models import Observation, ObservationChange, UploadFile

from .helpers import Personas, edit_workbook, header_index, submission, upload_file, url

STORED = {"I01_L1": "2", "I02_L2": "3", "I03_L1": "1", "I07_L2": "5"}


def stored_values(edition: Edition, code: str = "32.01") -> dict[str, float]:
    sub = submission(edition, code)
    return {
        f"{o.indicator_code}_{o.incidence_level}" if o.incidence_level else o.indicator_code: (
            o.value
        )
        for o in Observation.objects.filter(submission=sub, value__isnull=False)
    }


def _prepare(personas: Personas, edition: Edition) -> Any:
    client = personas["bogor"].client
    page = url("questionnaire", edition.slug, "32.01")
    assert client.post(page, {"action": "save_draft", **STORED}).status_code == 302
    return client


def _template(client: Any, edition: Edition) -> bytes:
    response = client.get(url("template", edition.slug, "32.01"))
    assert response.status_code == 200
    return bytes(response.content)


def _edited(ws: Any) -> None:
    cols = header_index(ws)
    ws.cell(2, cols["I01_L1"]).value = 5  # 2 → 5: changed
    ws.cell(2, cols["I02_L2"]).value = "kosongkan"  # 3 → cleared (marker, any case)
    # I03_L1 stays 1 (pre-filled): unchanged
    ws.cell(2, cols["I07_L2"]).value = None  # emptied: leaves the stored 5 as it is
    ws.cell(2, cols["I05_L1"]).value = 4  # nothing stored: new


def _csv(cells: dict[str, str], drop_prefix: str = "", extra: tuple[str, ...] = ()) -> bytes:
    """The template's columns (without those starting ``drop_prefix``, plus ``extra``) and one
    row for Kabupaten Bogor: ``cells`` filled, every other value cell empty."""
    from ikp.framework import load_framework
    from ikp.io import template_columns

    headers = [c.header for c in template_columns(load_framework("ikp-2024"))]
    headers = [h for h in headers if not (drop_prefix and h.startswith(drop_prefix))]
    headers += list(extra)
    row = dict.fromkeys(headers, "")
    row.update({headers[0]: "32.01", headers[1]: "Kabupaten Bogor", **cells})
    return (",".join(headers) + "\n" + ",".join(row[h] for h in headers) + "\n").encode()


def _upload(client: Any, edition: Edition, data: bytes, name: str = "isi.xlsx") -> UploadFile:
    response = client.post(url("upload", edition.slug, "32.01"), {"file": upload_file(name, data)})
    assert response.status_code == 302
    upload = UploadFile.objects.order_by("-pk").first()
    assert upload is not None
    return upload


def _preview_of(client: Any, edition: Edition) -> UploadFile:
    upload = _upload(client, edition, edit_workbook(_template(client, edition), _edited))
    assert upload.status == "pending", upload.report
    return upload


def test_preview_counts_and_nothing_is_stored_before_confirming(
    personas: Personas, kab_edition: Edition
) -> None:
    client = _prepare(personas, kab_edition)
    before = stored_values(kab_edition)
    n_changes = ObservationChange.objects.count()
    upload = _preview_of(client, kab_edition)
    (region,) = upload.preview["regions"]
    assert region["region_code"] == "32.01"
    assert region["counts"] == {"changed": 1, "cleared": 1, "unchanged": 1, "new": 1}
    cells = {(c["indicator"], c["level"]): (c["old"], c["new"], c["kind"]) for c in region["cells"]}
    assert cells == {
        ("I01", "L1"): ("2", "5", "changed"),
        ("I02", "L2"): ("3", "", "cleared"),
        ("I05", "L1"): ("", "4", "new"),
    }
    # nothing written before the confirmation
    assert stored_values(kab_edition) == before
    assert ObservationChange.objects.count() == n_changes

    html = client.get(url("questionnaire", kab_edition.slug, "32.01") + f"?unggahan={upload.pk}")
    page = html.content.decode()
    assert 'data-upload-status="pending"' in page
    assert 'data-changed="1" data-cleared="1" data-unchanged="1" data-new="1"' in page
    assert 'data-kind="cleared" data-cell="32.01:I02_L2"' in page
    assert 'id="confirm-upload"' in page and 'id="cancel-upload"' in page
    assert "KOSONGKAN" in page  # the help text names the marker


def test_confirm_stores_exactly_the_preview(personas: Personas, kab_edition: Edition) -> None:
    client = _prepare(personas, kab_edition)
    upload = _preview_of(client, kab_edition)
    response = client.post(url("decide", upload.pk), {"action": "confirm"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"?unggahan={upload.pk}#hasil-unggahan")
    upload.refresh_from_db()
    assert upload.status == "confirmed" and upload.decided_by == personas["bogor"].user
    # the empty cell left I07_L2; the marker cleared I02_L2
    assert stored_values(kab_edition) == {"I01_L1": 5, "I03_L1": 1, "I05_L1": 4, "I07_L2": 5}
    changes = {
        (c.observation.indicator_code, c.observation.incidence_level): (c.old, c.new)
        for c in ObservationChange.objects.filter(via="upload").select_related("observation")
    }
    assert changes == {
        ("I01", "L1"): ("2", "5"),
        ("I02", "L2"): ("3", ""),
        ("I05", "L1"): ("", "4"),
    }
    assert upload.report["saved"] == {"32.01": 3}
    assert AuditLog.objects.filter(action="upload_confirm", username="bogor").exists()
    page = client.get(response["Location"]).content.decode()
    assert 'data-upload-status="confirmed"' in page and 'id="confirm-upload"' not in page
    assert 'data-cleared="1"' in page  # the history marks the cleared value
    # a second confirmation is refused
    assert client.post(url("decide", upload.pk), {"action": "confirm"}).status_code == 409


def test_csv_upload_empty_cells_keep_and_clear_marker_clears(
    personas: Personas, kab_edition: Edition
) -> None:
    client = _prepare(personas, kab_edition)
    data = _csv({"I01_L1": "CLEAR", "I03_L1": "7"})
    upload = _upload(client, kab_edition, data, "bogor.csv")
    assert upload.status == "pending", upload.report
    (region,) = upload.preview["regions"]
    assert region["counts"] == {"changed": 1, "cleared": 1, "unchanged": 0, "new": 0}
    client.post(url("decide", upload.pk), {"action": "confirm"})
    assert stored_values(kab_edition) == {"I02_L2": 3, "I03_L1": 7, "I07_L2": 5}


def test_stale_preview_is_refused(personas: Personas, kab_edition: Edition) -> None:
    client = _prepare(personas, kab_edition)
    upload = _preview_of(client, kab_edition)
    # the stored data change after the preview (here on the form)
    page = url("questionnaire", kab_edition.slug, "32.01")
    client.post(page, {"action": "save_draft", **STORED, "I03_L1": "9"})
    before = stored_values(kab_edition)
    n_changes = ObservationChange.objects.count()
    response = client.post(url("decide", upload.pk), {"action": "confirm"})
    assert response.status_code == 409
    assert "unggah file Anda lagi" in response.content.decode()
    assert stored_values(kab_edition) == before
    assert ObservationChange.objects.count() == n_changes
    upload.refresh_from_db()
    assert upload.status == "pending"


def test_data_submitted_after_the_preview_is_not_changed(
    personas: Personas, kab_edition: Edition
) -> None:
    client = _prepare(personas, kab_edition)
    upload = _preview_of(client, kab_edition)
    client.post(url("questionnaire", kab_edition.slug, "32.01"), {"action": "confirm_submit"})
    assert submission(kab_edition, "32.01").status == "submitted"
    before = stored_values(kab_edition)
    assert client.post(url("decide", upload.pk), {"action": "confirm"}).status_code == 409
    assert stored_values(kab_edition) == before


def test_only_the_uploader_may_confirm(personas: Personas, kab_edition: Edition) -> None:
    client = _prepare(personas, kab_edition)
    upload = _preview_of(client, kab_edition)
    before = stored_values(kab_edition)
    for name in ("jabar", "ri", "mitra", "publik"):
        other = personas[name].client
        for action in ("confirm", "cancel"):
            response = other.post(url("decide", upload.pk), {"action": action})
            assert response.status_code == 403, name
    anonymous = personas["anonymous"].client.post(url("decide", upload.pk), {"action": "confirm"})
    assert anonymous.status_code == 302
    # the province office sees the preview, without the buttons
    page = personas["jabar"].client.get(
        url("questionnaire", kab_edition.slug, "32.01") + f"?unggahan={upload.pk}"
    )
    html = page.content.decode()
    assert 'data-upload-status="pending"' in html and 'id="confirm-upload"' not in html
    assert client.get(url("decide", upload.pk)).status_code == 405
    upload.refresh_from_db()
    assert upload.status == "pending" and stored_values(kab_edition) == before


def test_cancel_discards_the_upload(personas: Personas, kab_edition: Edition) -> None:
    client = _prepare(personas, kab_edition)
    upload = _preview_of(client, kab_edition)
    before = stored_values(kab_edition)
    response = client.post(url("decide", upload.pk), {"action": "cancel"})
    assert response.status_code == 302
    upload.refresh_from_db()
    assert upload.status == "cancelled" and upload.decided_by == personas["bogor"].user
    assert stored_values(kab_edition) == before
    assert not ObservationChange.objects.filter(via="upload").exists()
    assert client.post(url("decide", upload.pk), {"action": "confirm"}).status_code == 409
    assert stored_values(kab_edition) == before
    assert AuditLog.objects.filter(action="upload_cancel", username="bogor").exists()


def test_weighted_value_replacing_counts_shows_the_implied_clears(
    personas: Personas, kab_edition: Edition
) -> None:
    """A count indicator uploaded as one weighted column clears its counts per level: the
    preview lists those clears, marked as implied."""
    client = _prepare(personas, kab_edition)
    data = _csv({"I01": "6"}, drop_prefix="I01_", extra=("I01",))
    upload = _upload(client, kab_edition, data, "bogor.csv")
    assert upload.status == "pending", upload.report
    (region,) = upload.preview["regions"]
    implied = [(c["indicator"], c["level"], c["kind"]) for c in region["cells"] if c["implied"]]
    assert implied == [("I01", "L1", "cleared")]
    assert region["counts"] == {"changed": 0, "cleared": 1, "unchanged": 0, "new": 1}


def test_batch_confirm_touches_only_the_regions_that_change(
    personas: Personas, kab_edition: Edition
) -> None:
    """A province's sheet with values in three rows: the preview covers every row, the
    confirmation starts no submission for the rows that change nothing."""
    from ikp_web.apps.submissions.models import Submission

    jabar = personas["jabar"].client
    data = jabar.get(url("batch_template", kab_edition.slug, "32")).content

    def fill(ws: Any) -> None:
        cols = header_index(ws)
        for r in (2, 3, 4):
            ws.cell(r, cols["I02_L1"]).value = r

    page = url("batch", kab_edition.slug, "32")
    jabar.post(page, {"file": upload_file("jabar.xlsx", edit_workbook(data, fill))})
    upload = UploadFile.objects.get()
    assert upload.status == "pending" and len(upload.preview["regions"]) == 27
    assert upload.preview["totals"] == {"changed": 0, "cleared": 0, "unchanged": 0, "new": 3}
    assert not Submission.objects.filter(edition=kab_edition).exists()
    jabar.post(url("decide", upload.pk), {"action": "confirm"})
    upload.refresh_from_db()
    assert upload.status == "confirmed" and len(upload.report["saved"]) == 3
    assert Submission.objects.filter(edition=kab_edition, status="draft").count() == 3
    assert Submission.objects.filter(edition=kab_edition).count() == 3
