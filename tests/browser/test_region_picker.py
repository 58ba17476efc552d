"""The region picker in a real browser (headless Debian chromium, Playwright) on a 390 px phone:

1. the Jawa Barat province office reports: its province is the only one offered, it picks
   Kabupaten Bogor, then the kecamatan and the kelurahan from lists of names fetched from
   ``/wilayah/anak/``; the report is stored with their codes;
2. the public form: choosing a province narrows the kab/kota select to that province.

No horizontal scrolling, nothing refused by the Content-Security-Policy. Screenshots in
test-artifacts/screenshots/test_region_picker/ (SYNTHETIC edition)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ikp_web.apps.accounts.models import Profile
from ikp_web.apps.incidents.models import Incident

from .conftest import login, make_user, no_horizontal_scroll, phone_page, synthetic_edition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def options(page: Any, selector: str) -> list[str]:
    """The values of a datalist's options, or the labels of a select's."""
    script = "els => els.map(e => e.parentElement.tagName === 'DATALIST' ? e.value : e.text)"
    return page.eval_on_selector_all(selector, script)  # type: ignore[no-any-return]


def test_region_picker_on_a_phone(
    live_server: Any, browser: Any, csp_violations: Any, shots: Any
) -> None:
    synthetic_edition("ikp-2024-kabkota")
    make_user("jabar", Profile.Role.PROVINCE, "32")
    base = live_server.url
    with phone_page(browser, csp_violations) as phone:
        # 1. the province office: kab/kota → kecamatan → kelurahan by name
        login(phone, base, "jabar")
        phone.goto(f"{base}/laporan/baru/")
        assert options(phone, "#id_province option") == ["Jawa Barat (32)"]
        assert len(options(phone, "#id_regency option")) == 28  # 27 kab/kota and "choose"
        phone.select_option("#id_regency", label="Kabupaten Bogor (32.01)")
        expect(phone.locator("#id_district_code-list option")).to_have_count(40)
        assert "40 kecamatan di Kabupaten Bogor" in phone.inner_text("#id_district_code-picker")
        kecamatan = options(phone, "#id_district_code-list option")
        assert kecamatan[0] == "Kec. Cibinong (32.01.01)"
        phone.fill("#id_district_code", kecamatan[0])  # as chosen from the list
        expect(phone.locator("#id_village_code-list option")).to_have_count(13)
        assert "Kel. Pakansari (32.01.01.1007)" in options(phone, "#id_village_code-list option")
        phone.fill("#id_village_code", "Kel. Pakansari (32.01.01.1007)")
        no_horizontal_scroll(phone)
        shots(phone, "jabar-phone-picker")
        when = timezone.localtime(timezone.now() - dt.timedelta(days=1))
        phone.fill("#id_occurred_at", when.strftime("%Y-%m-%dT%H:%M"))
        phone.fill("#id_indicator_code", "I05")
        phone.select_option("#id_incidence_level", "L3")
        phone.fill("#id_description", "Intimidasi terhadap pengawas TPS (uji, DATA SINTETIS).")
        phone.click("form.incident-form button[type=submit]")
        phone.wait_for_load_state()
        incident = Incident.objects.get()
        assert phone.url.endswith(f"/laporan/{incident.pk}/"), phone.url
        assert (incident.regency.code, incident.district_code, incident.village_code) == (
            "32.01",
            "32.01.01",
            "32.01.01.1007",
        )
        assert "Pakansari" in phone.inner_text("dl.incident")
        no_horizontal_scroll(phone)
        phone.context.clear_cookies()

        # 2. the public form: the province narrows the kab/kota
        phone.goto(f"{base}/laporan/publik/")
        assert len(options(phone, "#id_province option")) == 39  # 38 provinces and "choose"
        assert len(options(phone, "#id_regency option")) == 515
        phone.select_option("#id_province", label="Banten (36)")
        regencies = options(phone, "#id_regency option[data-code]")
        assert len(regencies) == 8 and all(r.endswith(")") for r in regencies)
        assert all(
            code.startswith("36.")
            for code in phone.eval_on_selector_all(
                "#id_regency option[data-code]", "els => els.map(e => e.dataset.code)"
            )
        )
        phone.select_option("#id_regency", label="Kota Serang (36.73)")
        expect(phone.locator("#id_district_code-list option").first).to_be_attached()
        assert all(o.startswith("Kec. ") for o in options(phone, "#id_district_code-list option"))
        no_horizontal_scroll(phone)
        shots(phone, "public-phone-picker")
    assert list(csp_violations) == [], csp_violations
