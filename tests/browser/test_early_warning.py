"""Early warning end to end in a real browser (headless Debian chromium, Playwright), issue 8:

1. the Kabupaten Bogor supervisor reports an incident on a 390 px phone: the form, the indicator
   chosen from the datalist by its Indonesian name, the confirmation; no horizontal scrolling;
2. the province (Bawaslu Provinsi Jawa Barat) verifies it with a note; the verification queues
   the live refresh and the alert evaluation (huey, immediate under the test settings: they run
   in the live server's thread once the verification commits, as the worker would run them);
3. the region profile's LANGSUNG panel shows the live score and class against the published
   ones with a positive change, and the map's ``?tampilan=perubahan`` colours Bogor as risen;
4. ``/peringatan/`` lists the open score-rise alert for Bogor; its page explains it (indicator,
   incident);
5. a partner subscribes to Jawa Barat with its kab/kota on the subscription page, sees the alert
   and acknowledges it.

Data: a published SYNTHETIC computation of the kab/kota of Jawa Barat and Banten (the live index
tests' run), one score-rise rule on the index. Screenshots in
test-artifacts/screenshots/test_early_warning/.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from tests.web.live.conftest import published_core_run

from ikp_web.apps.accounts.models import Profile
from ikp_web.apps.alerts.models import Alert, AlertRule, Subscription
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.incidents.models import Incident
from ikp_web.apps.live import services as live
from ikp_web.apps.scoring.services import do_publish, store_run

from .conftest import login, make_user, synthetic_edition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SLUG = "ikp-2024-kabkota"
PHONE = {"width": 390, "height": 844}


@pytest.fixture()
def platform() -> Edition:
    edition = synthetic_edition(SLUG)
    do_publish(store_run(edition, published_core_run()), actor=None)
    AlertRule.objects.create(
        slug="ikp-naik",
        name="Skor IKP naik",
        kind="score_rise",
        component="IKP",
        params={"points": 0.01},
    )
    make_user("jabar", Profile.Role.PROVINCE, "32")
    make_user("bogor", Profile.Role.REGENCY, "32.01")
    make_user("mitra", Profile.Role.PARTNER, None)
    return edition


def no_horizontal_scroll(page: Any) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"], f"page is {width}px wide on a {PHONE['width']}px phone"


def test_early_warning(
    live_server: Any, browser: Any, page: Any, csp_violations: Any, shots: Any, platform: Edition
) -> None:
    base = live_server.url

    # 1. the kab/kota supervisor reports from a phone
    phone_context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="id-ID"
    )
    try:
        phone = phone_context.new_page()
        csp_violations.watch(phone)
        phone.set_default_timeout(20_000)
        login(phone, base, "bogor")
        phone.goto(f"{base}/laporan/baru/")
        no_horizontal_scroll(phone)
        shots(phone, "bogor-phone-form")
        when = timezone.localtime(timezone.now() - dt.timedelta(days=1))
        phone.fill("#id_occurred_at", when.strftime("%Y-%m-%dT%H:%M"))
        phone.fill("#id_district_code", "32.01.01")
        label = phone.locator("#indikator-list option[value^='I05 ']").get_attribute("value")
        assert label and len(label) > len("I05 — "), label  # the code and its Indonesian name
        phone.fill("#id_indicator_code", label)
        phone.select_option("#id_incidence_level", "L3")
        phone.fill("#id_description", "Intimidasi terhadap pengawas TPS oleh massa (uji).")
        phone.select_option("#id_source_type", "pengawas")
        shots(phone, "bogor-phone-filled")
        phone.click("form.incident-form button[type=submit]")
        phone.wait_for_load_state()
        incident = Incident.objects.get()
        assert phone.url.endswith(f"/laporan/{incident.pk}/"), phone.url
        assert f"Laporan #{incident.pk} diterima" in phone.content()
        assert (incident.indicator_code, incident.incidence_level) == ("I05", "L3")
        assert (incident.regency.code, incident.status) == ("32.01", "received")
        no_horizontal_scroll(phone)
        shots(phone, "bogor-phone-received")
    finally:
        phone_context.close()

    # 2. the province verifies it with a note (desktop); the live refresh and the alert
    #    evaluation run on the commit (huey immediate under the test settings)
    login(page, base, "jabar")
    page.goto(f"{base}/laporan/{incident.pk}/")
    assert page.locator("#tinjau").is_visible()
    page.check("#tinjau input[name=action][value=verify]")
    page.fill("#id_note", "Dicek langsung oleh Panwascam; sesuai.")
    shots(page, "jabar-review")
    page.click("#tinjau button[type=submit]")
    page.wait_for_load_state()
    incident.refresh_from_db()
    assert incident.status == "verified"
    assert "Dicek langsung oleh Panwascam" in page.locator("ol.history").inner_text()
    shots(page, "jabar-verified")
    run = live.latest_run(platform)
    assert run is not None and run.n_incidents == 1

    # 3. the region profile's live panel and the map of the change
    page.goto(f"{base}/wilayah/32.01/?edisi={SLUG}")
    panel = page.get_by_test_id("live-panel")
    assert panel.is_visible()
    assert float(panel.get_attribute("data-delta")) > 0
    assert page.get_by_test_id("live-delta").inner_text().startswith("+")
    text = panel.inner_text()
    assert "Skor langsung" in text and "Skor terbitan" in text and "Kelas langsung" in text
    assert "I05" in page.get_by_test_id("live-drivers").inner_text()
    shots(page, "profile-live-panel", element=panel)
    shots(page, "profile-live")
    page.goto(f"{base}/peta/?edisi={SLUG}&tampilan=perubahan")
    assert page.locator("[data-live=perubahan]").count() >= 1
    bogor = page.locator('svg#map [data-region="32.01"][data-delta]').first
    assert float(bogor.get_attribute("data-delta")) > 0
    assert bogor.locator("path").first.get_attribute("class") in ("ld1", "ld2", "ld3")
    shots(page, "map-change")

    # 4. the alert list and the alert's explanation
    alert = Alert.objects.get()
    assert (alert.region.code, alert.status, alert.source) == ("32.01", "open", "live")
    page.goto(f"{base}/peringatan/")
    row = page.locator("table.alerts tbody tr", has_text="32.01")
    assert row.count() == 1 and "Skor IKP naik" in row.inner_text()
    assert row.locator(".status-open").count() == 1
    shots(page, "jabar-alerts")
    row.locator("a").first.click()
    page.wait_for_load_state()
    explanation = page.locator("#penjelasan")
    assert "I05" in explanation.inner_text()
    assert "indeks langsung" in page.locator("dl.alert-facts").inner_text()
    assert explanation.locator(f'a[href="/laporan/{incident.pk}/"]').count() == 1
    assert "INVALID_TEMPLATE_VARIABLE" not in page.content()
    assert "sistem" in page.locator("ol.history").inner_text()  # opened by the evaluation
    shots(page, "alert-explained")
    page.context.clear_cookies()

    # 5. a partner subscribes to Jawa Barat and its kab/kota, sees the alert, acknowledges it
    login(page, base, "mitra")
    page.goto(f"{base}/peringatan/")
    assert page.locator("table.alerts tbody tr").count() == 0  # nothing subscribed yet
    page.goto(f"{base}/peringatan/langganan/baru/")
    page.fill("#id_region_codes", "32")
    page.check("#id_include_children")
    page.select_option("#id_channel", "email")
    shots(page, "mitra-subscription")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    sub = Subscription.objects.get()
    assert [r.code for r in sub.regions.all()] == ["32"] and sub.include_children
    page.goto(f"{base}/peringatan/")
    row = page.locator("table.alerts tbody tr", has_text="32.01")
    assert row.count() == 1
    shots(page, "mitra-alerts")
    row.locator("a").first.click()
    page.wait_for_load_state()
    page.select_option("#tindak select[name=to]", "acknowledged")
    page.fill("#tindak textarea[name=note]", "Diterima mitra; diteruskan ke tim lapangan.")
    page.click("#tindak button[type=submit]")
    page.wait_for_load_state()
    alert.refresh_from_db()
    assert alert.status == "acknowledged"
    assert page.locator("h1 .status-acknowledged").is_visible()
    shots(page, "mitra-acknowledged")
