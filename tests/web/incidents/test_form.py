"""The web form for office users: phone friendly, indicator from a searchable list (a datalist
of Indonesian names, no inline script), every problem on its field, evidence checked by
content, and the jurisdiction."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.incidents.models import Incident
from ikp_web.apps.regions.models import Region

URL = "/laporan/baru/"


def post_data(edition: Edition, **changes: Any) -> dict[str, Any]:
    data = {
        "edition": edition.pk,
        "occurred_at": "2024-01-10T09:30",
        "regency": Region.objects.get(edition="current", code="32.01").pk,
        "district_code": "32.01.01",
        "indicator_code": "I01 — anything after the code is the name",
        "incidence_level": "L2",
        "description": "Pengerahan massa di depan kantor KPU (uji).",
        "source_type": "pengawas",
    }
    data.update(changes)
    return data


def test_the_form_offers_indicators_by_indonesian_name_without_inline_script(
    edition: Edition, personas: Any
) -> None:
    page = personas["bogor"].client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert '<datalist id="indikator-list">' in html
    assert 'list="indikator-list"' in html
    assert "I01 — " in html
    assert 'name="viewport"' in html
    assert "<script>" not in html and "style=" not in html
    # a kab/kota office chooses among its own kab/kota only
    regencies = page.context["form"].fields["regency"].queryset
    assert [r.code for r in regencies] == ["32.01"]


def test_a_report_is_stored_with_its_evidence(edition: Edition, personas: Any) -> None:
    photo = SimpleUploadedFile("foto.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    response = personas["bogor"].client.post(URL, {**post_data(edition), "evidence": [photo]})
    assert response.status_code == 302, response.context["form"].errors
    incident = Incident.objects.get()
    assert response["Location"] == f"/laporan/{incident.pk}/"
    assert (incident.indicator_code, incident.regency.code) == ("I01", "32.01")
    assert incident.via == Incident.Via.FORM and incident.reporter == personas["bogor"].user
    evidence = incident.evidence.get()
    assert evidence.content_type == "image/png"
    page = personas["bogor"].client.get(f"/laporan/{incident.pk}/bukti/{evidence.pk}/")
    assert page.status_code == 200 and page["Content-Type"] == "image/png"


def test_every_problem_is_shown_on_its_field_and_nothing_is_stored(
    edition: Edition, personas: Any
) -> None:
    fake = SimpleUploadedFile("foto.jpg", b"<html>not a picture</html>")
    data = post_data(
        edition,
        occurred_at="2099-01-01T10:00",
        district_code="32.73.01",
        indicator_code="penganiayaan",
        latitude="-6.5",
        evidence=[fake],
    )
    response = personas["bogor"].client.post(URL, data)
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {
        "occurred_at",
        "district_code",
        "indicator_code",
        "longitude",
        "evidence",
    }
    assert Incident.objects.count() == 0


def test_an_office_cannot_report_outside_its_jurisdiction(edition: Edition, personas: Any) -> None:
    depok = Region.objects.get(edition="current", code="32.76")
    response = personas["bogor"].client.post(
        URL, post_data(edition, regency=depok.pk, district_code="")
    )
    assert response.status_code == 400  # not among the choices
    jakarta = Region.objects.get(edition="current", code="31.71")
    response = personas["jabar"].client.post(
        URL, post_data(edition, regency=jakarta.pk, district_code="")
    )
    assert response.status_code == 400
    assert Incident.objects.count() == 0


def test_who_may_open_the_form(edition: Edition, personas: Any) -> None:
    assert personas["anonymous"].client.get(URL).status_code == 302
    assert personas["publik"].client.get(URL).status_code == 403
    for name in ("ri", "jabar", "bogor", "mitra"):
        assert personas[name].client.get(URL).status_code == 200


def test_the_pages_speak_english_on_request(edition: Any, personas: Any) -> None:
    client = personas["bogor"].client
    client.cookies["django_language"] = "en"
    html = client.get(URL).content.decode()
    assert "Level of incidence" in html and "Incident reports" in html


def test_a_partner_reports_as_a_partner(edition: Edition, personas: Any) -> None:
    response = personas["mitra"].client.post(URL, post_data(edition, source_type="media"))
    assert response.status_code == 302
    assert Incident.objects.get().source_type == "mitra"
