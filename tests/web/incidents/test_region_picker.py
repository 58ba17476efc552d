"""The region picker: ``/wilayah/anak/<parent>/`` (the children of a region, by code and name,
with a ``q`` filter), the report forms' province → kab/kota choices (the office form limited to
the jurisdiction), and kecamatan and desa/kelurahan typed as a code, a name or the picker's
label — checked against the region registry, with a hint when they are not in the kab/kota."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from tests.web.incidents.test_form import URL, post_data

from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.incidents.models import Incident
from ikp_web.apps.regions.models import Region

CHILDREN = "/wilayah/anak/{}/"


def children(code: str, **params: str) -> Any:
    return Client().get(CHILDREN.format(code), params)


def test_the_kecamatan_of_a_kab_kota_by_name_and_code(db: Any) -> None:
    response = children("32.01")
    assert response.status_code == 200
    assert "max-age=86400" in response["Cache-Control"] and "public" in response["Cache-Control"]
    body = response.json()
    assert body["parent"] == {"code": "32.01", "name": "Kabupaten Bogor", "level": 2}
    assert (body["level"], body["level_name"], body["count"]) == (3, "kecamatan", 40)
    assert len(body["items"]) == 40
    assert body["items"][0] == {
        "code": "32.01.01",
        "name": "Cibinong",
        "label": "Kec. Cibinong (32.01.01)",
    }
    assert all(i["code"].startswith("32.01.") for i in body["items"])


def test_the_villages_of_a_kecamatan_and_the_kab_kota_of_a_province(db: Any) -> None:
    villages = children("32.01.01").json()
    assert (villages["level_name"], villages["count"]) == ("desa/kelurahan", 13)
    labels = {i["label"] for i in villages["items"]}
    assert "Kel. Pakansari (32.01.01.1007)" in labels  # 1xxx: kelurahan
    desa = children("32.01.02").json()["items"]
    assert any(i["label"].startswith("Desa ") for i in desa)  # 2xxx: desa
    regencies = children("32").json()
    assert regencies["level_name"] == "kabupaten/kota" and regencies["count"] == 27
    assert children("3201").json()["parent"]["code"] == "32.01"  # undotted codes are read


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("cibinong", ["32.01.01"]),
        ("CITEU reup", ["32.01.03"]),  # case and spaces ignored
        ("32.01.03", ["32.01.03"]),  # by code
        ("tidak-ada-nama-ini", []),
    ],
)
def test_the_q_filter(db: Any, q: str, expected: list[str]) -> None:
    body = children("32.01", q=q).json()
    assert [i["code"] for i in body["items"]] == expected
    assert body["count"] == len(expected)


@pytest.mark.parametrize("code", ["99.99", "32.01.01.1007", "bukan-kode", "32.99"])
def test_unknown_parents_and_villages_are_404(db: Any, code: str) -> None:
    response = children(code)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"
    assert children("32.01", edisi="1999").status_code == 404


def test_the_forms_carry_the_picker_without_inline_script(edition: Edition, personas: Any) -> None:
    for client, url in ((personas["bogor"].client, URL), (Client(), "/laporan/publik/")):
        html = client.get(url).content.decode()
        assert "data-region-picker" in html and 'data-children-url="/wilayah/anak/KODE/"' in html
        assert "/static/incidents/region-picker.js" in html
        assert "<script>" not in html and "style=" not in html
        assert 'data-code="32.01" data-province="32"' in html
        assert "Kabupaten Bogor (32.01)" in html


def test_the_office_form_offers_the_jurisdiction_only(edition: Edition, personas: Any) -> None:
    def choices(name: str, persona: str) -> list[str]:
        form = personas[persona].client.get(URL).context["form"]
        return [r.code for r in form.fields[name].queryset]

    assert choices("province", "bogor") == ["32"] and choices("regency", "bogor") == ["32.01"]
    assert choices("province", "jabar") == ["32"]
    assert len(choices("regency", "jabar")) == 27
    assert len(choices("province", "ri")) == 38 and len(choices("regency", "ri")) == 514
    public = Client().get("/laporan/publik/").context["form"]
    assert public.fields["province"].queryset.count() == 38


@pytest.mark.parametrize(
    ("district", "village"),
    [
        ("32.01.01", "32.01.01.1007"),  # codes
        ("320101", "3201011007"),  # undotted codes
        ("Cibinong", "Pakansari"),  # names
        ("kec. CIBINONG", "Kelurahan pakansari"),  # with their level word, any case
        ("Kec. Cibinong (32.01.01)", "Kel. Pakansari (32.01.01.1007)"),  # the picker's labels
        ("", "Pakansari"),  # a village by name in the kab/kota; its kecamatan from the registry
    ],
)
def test_the_form_takes_codes_names_and_labels(
    edition: Edition, personas: Any, district: str, village: str
) -> None:
    data = post_data(edition, district_code=district, village_code=village)
    data["province"] = Region.objects.get(edition="current", code="32").pk
    response = personas["bogor"].client.post(URL, data)
    assert response.status_code == 302, response.context["form"].errors
    incident = Incident.objects.get()
    assert (incident.district_code, incident.village_code) == ("32.01.01", "32.01.01.1007")


def test_a_kecamatan_outside_the_kab_kota_is_refused_with_a_hint(
    edition: Edition, personas: Any
) -> None:
    client = personas["bogor"].client
    response = client.post(URL, post_data(edition, district_code="32.73.01"))  # Kota Bandung
    assert response.status_code == 400
    (error,) = response.context["form"].errors["district_code"]
    assert "is not in 32.01 (Kabupaten Bogor)" in error
    assert "Kec. Cibinong (32.01.01)" in error and "40 in all" in error  # the right ones

    response = client.post(URL, post_data(edition, district_code="Cibinongg"))
    (error,) = response.context["form"].errors["district_code"]
    assert "no kecamatan named 'Cibinongg' in 32.01" in error
    assert "did you mean 'Kec. Cibinong (32.01.01)'" in error

    response = client.post(URL, post_data(edition, village_code="Pakansari (32.73.01.1001)"))
    (error,) = response.context["form"].errors["village_code"]
    assert "is not in 32.01.01 (Cibinong)" in error and "Kel. Pondok Rajeg" in error
    assert "(13 in all)" in error
    assert not Incident.objects.exists()


def test_a_province_that_does_not_hold_the_kab_kota_is_refused(edition: Edition) -> None:
    from tests.web.incidents.test_public_form import data

    banten = Region.objects.get(edition="current", code="36").pk
    response = Client().post("/laporan/publik/", data(edition, province=banten))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "regency" in errors and "is not in 36 (Banten)" in errors["regency"][0]
    assert not Incident.objects.exists()


def test_the_picker_speaks_english_when_chosen(edition: Edition) -> None:
    client = Client()
    client.cookies["django_language"] = "en"
    html = client.get("/laporan/publik/").content.decode()
    assert "— choose a province —" in html and "Village (desa/kelurahan, optional)" in html
    assert 'data-text-count="{n} {level} in {parent}: type a name to search."' in html
    body = client.get(CHILDREN.format("99.99")).json()
    assert "is unknown or has no regions below it" in body["error"]["message"]
