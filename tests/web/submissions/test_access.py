"""Who can see and do what in data collection, per role (HOUSE-STYLE rec. 18): every view, GET
and POST, as each persona, with the status code. Anonymous visitors are sent to the login page;
the public role gets 403; the partner agency reads everything and writes nothing."""

from __future__ import annotations

import re
from typing import Any

import pytest

from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.submissions import services
from ikp_web.apps.submissions.models import Observation, Submission

from .helpers import Personas, region, url

LOGIN = 302  # anonymous: redirect to the login page

# persona → region → expected status of GET questionnaire
VIEW = {
    "ri": {"32.01": 200, "32.04": 200, "11.01": 200},
    "jabar": {"32.01": 200, "32.04": 200, "11.01": 403},
    "bogor": {"32.01": 200, "32.04": 403, "11.01": 403},
    "mitra": {"32.01": 200, "32.04": 200, "11.01": 200},
    "publik": {"32.01": 403, "32.04": 403, "11.01": 403},
    "anonymous": {"32.01": LOGIN, "32.04": LOGIN, "11.01": LOGIN},
}
# persona → region → expected status of POST save_draft (302 = saved, then redirected)
EDIT = {
    "ri": {"32.01": 302, "32.04": 302, "11.01": 302},
    "jabar": {"32.01": 302, "32.04": 302, "11.01": 403},
    "bogor": {"32.01": 302, "32.04": 403, "11.01": 403},
    "mitra": {"32.01": 403, "32.04": 403, "11.01": 403},
    "publik": {"32.01": 403, "32.04": 403, "11.01": 403},
    "anonymous": {"32.01": LOGIN, "32.04": LOGIN, "11.01": LOGIN},
}


@pytest.mark.parametrize("persona", list(VIEW))
def test_questionnaire_template_and_review_pages(
    personas: Personas, kab_edition: Edition, persona: str
) -> None:
    client = personas[persona].client
    for code, expected in VIEW[persona].items():
        response = client.get(url("questionnaire", kab_edition.slug, code))
        assert response.status_code == expected, code
        if expected == LOGIN:
            assert response["Location"].startswith("/akun/masuk/?next=")
        assert client.get(url("template", kab_edition.slug, code)).status_code == expected
        assert client.get(url("review", kab_edition.slug, code)).status_code == expected
        if expected == 200:
            html = response.content.decode()
            assert "INVALID_TEMPLATE_VARIABLE" not in html
            review = client.get(url("review", kab_edition.slug, code)).content.decode()
            assert "INVALID_TEMPLATE_VARIABLE" not in review
            can_edit = EDIT[persona][code] == 302
            assert ('id="save-draft"' in html) is can_edit
            assert ('id="upload"' in html) is can_edit
            assert 'id="download-template"' in html


@pytest.mark.parametrize("persona", list(EDIT))
def test_saving_and_uploading(personas: Personas, kab_edition: Edition, persona: str) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = personas[persona].client
    for code, expected in EDIT[persona].items():
        response = client.post(
            url("questionnaire", kab_edition.slug, code), {"action": "save_draft", "I01_L1": "1"}
        )
        assert response.status_code == expected, code
        saved = Observation.objects.filter(submission__region__code=code, value=1.0).exists()
        assert saved is (expected == 302 and persona != "anonymous")
        response = client.post(
            url("upload", kab_edition.slug, code),
            {"file": SimpleUploadedFile("x.csv", b"a,b\n1,2\n")},
        )
        if expected == 302 and persona != "anonymous":
            assert response.status_code == 302  # checked and stored (rejected)
        else:
            assert response.status_code == expected


def _submitted(edition: Edition, code: str) -> Submission:
    sub = services.get_submission(edition, region(code))
    sub.status = Submission.Status.SUBMITTED
    sub.save()
    return sub


REVIEW = {"ri": 302, "jabar": 302, "bogor": 403, "mitra": 403, "publik": 403, "anonymous": LOGIN}


@pytest.mark.parametrize("persona", list(REVIEW))
def test_reviewing(personas: Personas, kab_edition: Edition, persona: str) -> None:
    sub = _submitted(kab_edition, "32.01")
    response = personas[persona].client.post(
        url("review", kab_edition.slug, "32.01"), {"action": "verify"}
    )
    assert response.status_code == REVIEW[persona]
    sub.refresh_from_db()
    assert (sub.status == "verified") is (REVIEW[persona] == 302 and persona != "anonymous")
    # nobody reviews outside their jurisdiction
    _submitted(kab_edition, "11.01")
    outside = personas[persona].client.post(
        url("review", kab_edition.slug, "11.01"), {"action": "verify"}
    )
    assert outside.status_code == {"ri": 302, "anonymous": LOGIN}.get(persona, 403)


# persona → (status code, number of rows in the kab/kota edition)
LISTS = {
    "ri": (200, 514),
    "jabar": (200, 27),
    "bogor": (200, 1),
    "mitra": (200, 514),
    "publik": (403, 0),
    "anonymous": (LOGIN, 0),
}


@pytest.mark.parametrize("persona", list(LISTS))
def test_worklist_and_progress_board_are_scoped(
    personas: Personas, kab_edition: Edition, persona: str
) -> None:
    status, n = LISTS[persona]
    client = personas[persona].client
    work = client.get(url("worklist"), {"edisi": kab_edition.slug, "halaman": 1})
    board = client.get(url("progress"), {"edisi": kab_edition.slug})
    assert work.status_code == board.status_code == status
    if status != 200:
        return
    assert work.context["n_rows"] == n
    assert board.context["n_rows"] == n
    html = board.content.decode()
    assert "INVALID_TEMPLATE_VARIABLE" not in html + work.content.decode()
    assert html.count('class="map status-map"') == 1
    assert len(re.findall(r'<a href="[^"]+" data-region=', html)) == n  # map links
    assert html.count("data-status=") >= n
    if persona == "mitra":
        assert "Lihat" in work.content.decode()


# persona → (GET batch page, POST upload, GET batch template) for province 32
BATCH = {
    "ri": (200, 302, 200),
    "jabar": (200, 302, 200),
    "bogor": (403, 403, 403),
    "mitra": (200, 403, 200),
    "publik": (403, 403, 403),
    "anonymous": (LOGIN, LOGIN, LOGIN),
}


@pytest.mark.parametrize("persona", list(BATCH))
def test_batch_page(personas: Personas, kab_edition: Edition, persona: str) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = personas[persona].client
    get, post, template = BATCH[persona]
    page = url("batch", kab_edition.slug, "32")
    response = client.get(page)
    assert response.status_code == get
    if get == 200:
        assert ('id="upload"' in response.content.decode()) is (post == 302)
        assert "INVALID_TEMPLATE_VARIABLE" not in response.content.decode()
    response = client.post(page, {"file": SimpleUploadedFile("x.csv", b"a,b\n1,2\n")})
    assert response.status_code == post
    assert client.get(url("batch_template", kab_edition.slug, "32")).status_code == template


def test_unknown_things_are_404(
    personas: Personas, kab_edition: Edition, prov_edition: Any
) -> None:
    client = personas["ri"].client
    assert client.get("/data/tidak-ada/32.01/").status_code == 404
    assert client.get("/data/ikp-2024-kabkota/32.99/").status_code == 404
    assert client.get(url("batch", prov_edition.slug, "32")).status_code == 404
    assert client.get(url("annotated", 999)).status_code == 404
