"""Early warning end to end in a real browser (headless Debian chromium, Playwright), issue 8:

1. the Kabupaten Sumedang supervisor reports an incident (I42, L3) on a 390 px phone: the form,
   the indicator chosen from the datalist by its Indonesian name, the confirmation; no
   horizontal scrolling;
2. the province (Bawaslu Provinsi Jawa Barat) verifies it with a note; the verification queues
   the live refresh and the alert evaluation (huey, immediate under the test settings: they run
   in the live server's thread once the verification commits, as the worker would run them);
3. the live score AND class change: Sumedang's published index (11.06, *rendah*) sits below the
   13.47 cut-off; an earlier verified report from Sumedang (I10, L3) already raised it to about
   12.4 (still *rendah*) and the supervisor's report tips it over to *sedang*. The region
   profile's LANGSUNG panel shows the class rendah → sedang and the per-dimension table (D3
   driven by I42); the map's change view (index and dimension D3) marks Sumedang risen with its
   class changed;
4. ``/peringatan/`` lists the open class-transition alert (rendah → sedang, opened by this
   verification) beside the score-rise alert the earlier report opened; its page explains it
   (classes, indicators, incidents);
5. a partner subscribes to Jawa Barat with its kab/kota on the subscription page, sees the alert
   and acknowledges it.

Data: a published SYNTHETIC computation of the kab/kota of Jawa Barat and Banten (the live index
tests' run), a score-rise and a class-transition rule on the index, one earlier verified report
from Sumedang (seeded through the incident services). Screenshots in
test-artifacts/screenshots/test_early_warning/.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from tests.web.live.conftest import published_core_run, report

from ikp_web.apps.accounts.models import Profile
from ikp_web.apps.alerts.models import Alert, AlertRule, Subscription
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.incidents import services as incidents
from ikp_web.apps.incidents.models import Incident
from ikp_web.apps.live import services as live
from ikp_web.apps.scoring.services import do_publish, store_run

from .conftest import login, make_user, synthetic_edition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SLUG = "ikp-2024-kabkota"
PHONE = {"width": 390, "height": 844}
#: Kabupaten Sumedang: published index 11.06 (rendah), below the 13.47 cut-off to sedang
REGION = "32.11"


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
    AlertRule.objects.create(
        slug="ikp-rendah-sedang",
        name="Kelas IKP naik ke sedang",
        kind="class_transition",
        component="IKP",
        params={"from_classes": ["rendah"], "to_class": "sedang"},
    )
    make_user("jabar", Profile.Role.PROVINCE, "32")
    make_user("sumedang", Profile.Role.REGENCY, REGION)
    make_user("mitra", Profile.Role.PARTNER, None)
    # an earlier report from Sumedang, verified by the province (its refresh and alert
    # evaluation run on the commit): the live index rises, the class stays rendah
    users = get_user_model().objects
    earlier = report(
        edition,
        users.get(username="sumedang"),
        days_ago=3,
        regency_code=REGION,
        district_code="32.11.02",
        indicator_code="I10",
        description="Politik uang di sekitar TPS (uji, data sintetis).",
    )
    incidents.review(earlier, "verify", "sesuai", actor=users.get(username="jabar"))
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
        login(phone, base, "sumedang")
        phone.goto(f"{base}/laporan/baru/")
        no_horizontal_scroll(phone)
        shots(phone, "sumedang-phone-form")
        when = timezone.localtime(timezone.now() - dt.timedelta(days=1))
        phone.fill("#id_occurred_at", when.strftime("%Y-%m-%dT%H:%M"))
        phone.fill("#id_district_code", "32.11.01")
        label = phone.locator("#indikator-list option[value^='I42 ']").get_attribute("value")
        assert label and len(label) > len("I42 — "), label  # the code and its Indonesian name
        phone.fill("#id_indicator_code", label)
        phone.select_option("#id_incidence_level", "L3")
        phone.fill("#id_description", "Intimidasi terhadap pengawas TPS oleh massa (uji).")
        phone.select_option("#id_source_type", "pengawas")
        shots(phone, "sumedang-phone-filled")
        phone.click("form.incident-form button[type=submit]")
        phone.wait_for_load_state()
        incident = Incident.objects.get(status="received")
        assert phone.url.endswith(f"/laporan/{incident.pk}/"), phone.url
        assert f"Laporan #{incident.pk} diterima" in phone.content()
        assert (incident.indicator_code, incident.incidence_level) == ("I42", "L3")
        assert incident.regency.code == REGION
        no_horizontal_scroll(phone)
        shots(phone, "sumedang-phone-received")
    finally:
        phone_context.close()

    # 2. the province verifies it with a note (desktop); the live refresh and the alert
    #    evaluation run on the commit (huey immediate under the test settings). Before: the
    #    earlier report has raised Sumedang's live score, its class is still rendah
    login(page, base, "jabar")
    page.goto(f"{base}/wilayah/{REGION}/?edisi={SLUG}")
    panel = page.get_by_test_id("live-panel")
    before = float(panel.get_attribute("data-delta"))
    assert before > 0
    assert (panel.get_attribute("data-class"), panel.get_attribute("data-class-published")) == (
        "rendah",
        "rendah",
    )
    assert panel.locator(".headline .live-changed").count() == 0  # the index's class: unchanged
    shots(page, "profile-live-before", element=panel)
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
    assert run is not None and run.n_incidents == 2

    # 3. the live score AND class change on the region profile ...
    page.goto(f"{base}/wilayah/{REGION}/?edisi={SLUG}")
    panel = page.get_by_test_id("live-panel")
    assert panel.is_visible()
    assert float(panel.get_attribute("data-delta")) > before
    assert page.get_by_test_id("live-delta").inner_text().startswith("+")
    assert (panel.get_attribute("data-class"), panel.get_attribute("data-class-published")) == (
        "sedang",
        "rendah",
    )
    klass = page.get_by_test_id("live-class").inner_text()
    assert klass.startswith("sedang") and "rendah" in klass, klass
    text = panel.inner_text()
    assert "Skor langsung" in text and "Skor terbitan" in text
    assert panel.locator(".headline .live-changed").inner_text() == "kelas berubah"
    drivers = page.get_by_test_id("live-drivers").inner_text()
    assert "I42" in drivers and "I10" in drivers
    d3 = page.get_by_test_id("live-nodes").locator('tr[data-node="D3"]')
    assert float(d3.get_attribute("data-delta")) > 0 and "I42" in d3.inner_text()
    d2 = page.get_by_test_id("live-nodes").locator('tr[data-node="D2"]')
    assert float(d2.get_attribute("data-delta")) == 0
    shots(page, "profile-live-panel", element=panel)
    shots(page, "profile-live")
    # ... and on the map's change view: risen, class changed (outlined, named in the title)
    page.goto(f"{base}/peta/?edisi={SLUG}&tampilan=perubahan")
    assert page.locator("[data-live=perubahan]").count() >= 1
    region = page.locator(f'svg#map [data-region="{REGION}"][data-delta]').first
    assert float(region.get_attribute("data-delta")) > 0
    assert (region.get_attribute("data-class"), region.get_attribute("data-class-published")) == (
        "sedang",
        "rendah",
    )
    css = region.locator("path").first.get_attribute("class").split()
    assert css[0] in ("ld1", "ld2", "ld3") and "lkc" in css, css
    title = region.locator("title").first.text_content()
    assert "sedang" in title and "rendah" in title and "kelas berubah" in title, title
    legend = page.get_by_test_id("legend").inner_text()
    assert "kelas berubah (1)" in legend, legend
    shots(page, "map-change")
    # the live map of dimension D3 (the node selector's dimension keeps the switch)
    page.goto(f"{base}/peta/?edisi={SLUG}&dimensi=D3&tampilan=perubahan")
    assert page.locator("svg#map[data-live=perubahan][data-node=D3]").count() == 1
    region = page.locator(f'svg#map [data-region="{REGION}"][data-delta]').first
    assert float(region.get_attribute("data-delta")) > 0
    page.locator('.live-switch a[data-mode="langsung"]').click()
    page.wait_for_load_state()
    assert page.locator("svg#map[data-live=langsung][data-node=D3]").count() == 1
    shots(page, "map-live-d3")

    # 4. the alert list and the class-transition alert's explanation
    alert = Alert.objects.get(rule__kind="class_transition")
    assert (alert.region.code, alert.status, alert.source) == (REGION, "open", "live")
    assert Alert.objects.filter(rule__kind="score_rise", region__code=REGION).count() == 1
    page.goto(f"{base}/peringatan/")
    rows = page.locator("table.alerts tbody tr", has_text=REGION)
    assert rows.count() == 2
    row = page.locator("table.alerts tbody tr", has_text="Kelas IKP naik ke sedang")
    assert row.count() == 1 and REGION in row.inner_text()
    assert row.locator(".status-open").count() == 1
    shots(page, "jabar-alerts")
    row.locator("a").first.click()
    page.wait_for_load_state()
    explanation = page.locator("#penjelasan")
    said = explanation.inner_text()
    assert "Kelas IKP berubah dari rendah menjadi sedang" in said, said
    assert "I42" in said
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
    row = page.locator("table.alerts tbody tr", has_text="Kelas IKP naik ke sedang")
    assert row.count() == 1 and REGION in row.inner_text()
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
