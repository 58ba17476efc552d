"""The incident bulk upload in a real browser (Chromium, the page's CSP enforced): a kab/kota
office uploads a CSV with an error and sees every issue on the upload's page, uploads the fixed
file and sees the reports stored; an upload still waiting for the worker shows its progress and
the page reloads itself (no script) until the job is done. Synthetic reports carry the badge."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile

from ikp.incidents import TEMPLATE_COLUMNS
from ikp_web.apps.accounts.models import Profile
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.incidents import bulk
from ikp_web.apps.incidents.models import Incident, IncidentUpload
from ikp_web.apps.incidents.tasks import upload_task

from .conftest import login, make_user, synthetic_edition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
GOOD = [
    "2024-01-10 09:30;32;32.01;32.01.01;;7;-6.595;106.816;I01;L2;Massa di KPU (uji);pengawas",
    "11/01/2024 10:00;32;32.01;;;;;;I02;1;Politik uang (uji);media",
]


def csv_text(lines: list[str]) -> str:
    return "\n".join([";".join(TEMPLATE_COLUMNS), *lines]) + "\n"


@pytest.fixture()
def edition() -> Edition:
    edition = synthetic_edition("ikp-2024-kabkota")
    make_user("bogor", Profile.Role.REGENCY, "32.01")
    return edition


def upload(page: Any, base: str, path: Path) -> None:
    page.goto(f"{base}/laporan/unggah/")
    page.set_input_files("#upload-file", str(path))
    page.click("form.incident-form button[type=submit]")
    page.wait_for_selector("#hasil-unggahan[data-job-status=done]")


def test_incident_upload(
    live_server: Any, page: Any, shots: Any, edition: Edition, tmp_path: Path
) -> None:
    base = live_server.url
    login(page, base, "bogor")
    bad = tmp_path / "laporan-salah.csv"
    bad.write_text(csv_text([*GOOD, "kemarin;32;32.01;;;;;;I99;L2;x;pengawas"]))
    upload(page, base, bad)
    report = page.locator("#hasil-unggahan")
    assert report.get_attribute("data-upload-status") == "rejected"
    assert page.locator('[data-code="INVALID_DATE"]').is_visible()
    assert page.locator('[data-code="UNKNOWN_INDICATOR"]').is_visible()
    shots(page, "incident-upload-rejected")
    assert Incident.objects.count() == 0

    good = tmp_path / "laporan.csv"
    good.write_text(csv_text(GOOD))
    upload(page, base, good)
    assert page.locator("#hasil-unggahan").get_attribute("data-upload-status") == "stored"
    shots(page, "incident-upload-stored")
    page.click("#upload-stored a")
    page.wait_for_load_state()
    assert page.locator("table.incidents tbody tr").count() == 2

    # a queued upload: its page shows the progress and reloads itself until the job is done
    user = IncidentUpload.objects.first().uploaded_by  # type: ignore[union-attr]
    waiting = bulk.create_upload(ContentFile(csv_text(GOOD).encode()), "antre.csv", edition, user)
    page.goto(f"{base}/laporan/unggah/{waiting.pk}/")
    assert page.locator("#hasil-unggahan").get_attribute("data-job-status") == "queued"
    assert page.locator("#upload-progress").is_visible()
    shots(page, "incident-upload-queued")
    upload_task(waiting.pk)  # the worker runs it; the page sees it at its next reload
    page.wait_for_selector("#hasil-unggahan[data-upload-status=stored]", timeout=15_000)

    # synthetic reports are labelled in the list
    Incident.objects.filter(upload=waiting).update(synthetic=True)
    page.goto(f"{base}/laporan/?sintetis=1")
    assert page.locator(".synthetic-badge").count() == 2
    shots(page, "incident-list-synthetic")
