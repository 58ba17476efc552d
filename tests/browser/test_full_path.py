"""The whole path in a real browser (headless Debian chromium, Playwright):

1. a kabupaten/kota operator (Bawaslu Kabupaten Bogor) logs in, fills the questionnaire and
   saves a draft, downloads the region's spreadsheet, uploads it with an error and sees it,
   fixes it, uploads again, confirms the summary and submits;
2. the province (Bawaslu Provinsi Jawa Barat) verifies the submission;
3. Bawaslu RI computes the edition in a background job and publishes it;
4. a public visitor opens the map, the ranking and the region profile.

Screenshots of each step are kept in test-artifacts/screenshots/test_full_path/.
The other Jawa Barat kab/kota are pre-filled (verified) with SYNTHETIC data so the index has
something to rank against; the edition is labelled synthetic throughout.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from ikp import SYNTHETIC_LABEL
from ikp.framework import load_framework
from ikp.sample import generate
from ikp_web.apps.accounts.models import Profile
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.submissions.models import Observation, Submission
from ikp_web.apps.submissions.services import store_counts

from .conftest import login, make_user, synthetic_edition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SLUG = "ikp-2024-kabkota"


@pytest.fixture()
def platform() -> Edition:
    edition = synthetic_edition(SLUG)
    fw = load_framework("ikp-2024")
    counts = generate(fw, "regency", seed=2024).counts
    store_counts(
        edition, counts[counts["region_code"].str.startswith("32.")], source=SYNTHETIC_LABEL
    )
    # Jawa Barat's other kab/kota are verified; Bogor starts from scratch
    bogor = Submission.objects.get(edition=edition, region__code="32.01")
    Observation.objects.filter(submission=bogor).delete()
    bogor.status = Submission.Status.NOT_STARTED
    bogor.save()
    make_user("ri", Profile.Role.RI, None)
    make_user("jabar", Profile.Role.PROVINCE, "32")
    make_user("bogor", Profile.Role.REGENCY, "32.01")
    return edition


def logout(page: Any) -> None:
    page.context.clear_cookies()


def test_full_path(
    live_server: Any, page: Any, shots: Any, platform: Edition, tmp_path: Path
) -> None:
    base = live_server.url
    form_url = f"{base}/data/{SLUG}/32.01/"

    # 1. the kabupaten/kota operator: questionnaire, draft
    login(page, base, "bogor")
    shots(page, "bogor-logged-in")
    page.goto(form_url)
    assert page.locator("#I01_L1").is_visible()
    page.fill("#I01_L1", "3")
    page.fill("#I01_L2", "1")
    page.fill("#I01_note", "Dua bentrokan antarpendukung")
    page.fill("#I01_source", "Laporan Panwascam")
    page.click("#save-draft")
    page.wait_for_load_state()
    assert page.locator("#I01_L1").input_value() == "3"
    shots(page, "bogor-draft-saved")

    # ... spreadsheet round trip: download, break a cell, upload, see the issue
    with page.expect_download() as info:
        page.click("#download-template")
    template = tmp_path / "templat.xlsx"
    info.value.save_as(template)
    book = openpyxl.load_workbook(template)
    sheet = book["data"]
    header = [c.value for c in sheet[1]]
    row = next(
        r
        for r in range(2, sheet.max_row + 1)
        if sheet.cell(r, header.index("region_code") + 1).value == "32.01"
    )
    for code in ("I02_L1", "I03_L1", "I05_L2"):
        sheet.cell(row, header.index(code) + 1).value = 2
    sheet.cell(row, header.index("I04_L1") + 1).value = "dua"  # not a number
    bad = tmp_path / "templat-salah.xlsx"
    book.save(bad)
    page.set_input_files("#upload-file", str(bad))
    page.click("#upload")
    page.wait_for_load_state()
    report = page.locator("#hasil-unggahan")
    assert report.is_visible()
    assert report.get_attribute("data-upload-status") == "rejected"
    assert "I04_L1" in report.inner_text()
    shots(page, "bogor-upload-error-shown", element=report)
    assert (
        not Observation.objects.filter(submission__region__code="32.01", indicator_code="I02")
        .exclude(value=None)
        .exists()
    )

    # ... fix it and upload again; then submit
    sheet.cell(row, header.index("I04_L1") + 1).value = 2
    good = tmp_path / "templat-benar.xlsx"
    book.save(good)
    page.set_input_files("#upload-file", str(good))
    page.click("#upload")
    page.wait_for_load_state()
    # checked, not yet saved: the summary of what would change, then the confirmation
    assert page.locator("#hasil-unggahan").get_attribute("data-upload-status") == "pending"
    assert page.locator("#ringkasan-unggahan").is_visible()
    shots(page, "bogor-upload-preview")
    page.click("#confirm-upload")
    page.wait_for_load_state()
    assert page.locator("#hasil-unggahan").get_attribute("data-upload-status") == "confirmed"
    shots(page, "bogor-upload-accepted")
    page.goto(form_url)
    assert page.locator("#I04_L1").input_value() == "2"
    page.click("#submit")
    page.wait_for_load_state()
    page.click("#confirm-submit")
    page.wait_for_load_state()
    shots(page, "bogor-submitted")
    assert (
        Submission.objects.get(edition=platform, region__code="32.01").status
        == Submission.Status.SUBMITTED
    )
    logout(page)

    # 2. the province verifies
    login(page, base, "jabar")
    page.goto(f"{base}/data/{SLUG}/32.01/tinjau/")
    shots(page, "jabar-review")
    page.fill("#comment", "Data sesuai laporan pengawas kecamatan.")
    page.click("#verify")
    page.wait_for_load_state()
    shots(page, "jabar-verified")
    assert (
        Submission.objects.get(edition=platform, region__code="32.01").status
        == Submission.Status.VERIFIED
    )
    logout(page)

    # 3. Bawaslu RI computes (background job) and publishes
    login(page, base, "ri")
    page.goto(f"{base}/hitung/")
    page.fill("#runs", "50")
    page.select_option("#weights", "equal")
    page.select_option("#classes_regency", "quantile")
    shots(page, "ri-compute-list")
    page.click(f"#compute-{SLUG}")
    page.wait_for_selector("#job-progress[data-status=done]", timeout=60_000)
    shots(page, "ri-job-done")
    comp = platform.computations.get()
    page.goto(f"{base}/hitung/{SLUG}/v{comp.version}/")
    shots(page, "ri-computation")
    page.click("#publish")
    page.wait_for_load_state()
    shots(page, "ri-published")
    comp.refresh_from_db()
    assert comp.published
    assert "method: quantile" in comp.recipe and "method: equal" in comp.recipe
    logout(page)

    # 4. a public visitor: map, ranking, profile
    page.goto(f"{base}/peta/?edisi={SLUG}")
    assert page.locator("svg#map").is_visible()
    assert page.locator('a[data-region="32.01"]').count() >= 1
    assert "DATA SINTETIS" in page.content()
    shots(page, "public-map")
    page.goto(f"{base}/peringkat/?edisi={SLUG}")
    assert page.locator("#ranking").is_visible()
    assert "Bogor" in page.locator("#ranking").inner_text()
    shots(page, "public-ranking")
    page.goto(f"{base}/wilayah/32.01/?edisi={SLUG}")
    assert page.locator("#profile-score").is_visible()
    shots(page, "public-profile")
    # the same profile on a phone: no horizontal scrolling of the page itself
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.locator("#profile-score").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"page is {width}px wide on a 390px phone"
    shots(page, "public-profile-phone")
    # keyboard: the skip link is the first stop and leads to the content
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    # only the live server was contacted
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url))
    page.reload()
    assert seen and all(u.startswith(base) for u in seen), seen
    # the methodology page names the methods the analyst chose
    page.goto(f"{base}/metodologi/{SLUG}/")
    assert "kuantil (quantile)" in page.locator("#class-methods tr.current").inner_text()
    assert "sama rata (equal)" in page.locator("#methods").inner_text()
    shots(page, "public-methodology")
