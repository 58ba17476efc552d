"""Publishing: the computation becomes the edition's immutable public snapshot; a correction is
a new version that needs a change log, shown on the page; every publication is audit-logged."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ikp_web.apps.core.models import AuditLog
from ikp_web.apps.scoring.models import Computation
from ikp_web.apps.scoring.services import PublishError, do_publish

from .conftest import Persona, add_observations


def page_url(comp: Computation) -> str:
    return reverse("scoring:computation", args=[comp.edition.slug, comp.version])


def publish_url(comp: Computation) -> str:
    return reverse("scoring:publish", args=[comp.edition.slug, comp.version])


def test_first_publication(computed: Computation, personas: dict[str, Persona]) -> None:
    client = personas["ri"].client
    before = client.get(page_url(computed)).content.decode()
    assert 'id="publish"' in before and 'id="change-log"' in before
    assert "required" not in before.split('id="change-log"')[1].split(">")[0]
    response = client.post(publish_url(computed), {"change_log": ""})
    assert response.status_code == 302 and response["Location"] == page_url(computed)
    computed.refresh_from_db()
    assert computed.published and computed.published_by == personas["ri"].user
    assert computed.published_at is not None and computed.supersedes is None
    entry = AuditLog.objects.get(action="publish")
    assert entry.username == "ri" and entry.object_id == str(computed.pk)
    assert entry.detail == {"edition": computed.edition.slug, "version": 1, "supersedes": None}
    after = client.get(page_url(computed)).content.decode()
    assert 'id="publish"' not in after and 'id="immutable"' in after
    assert 'data-published="true"' in after and "terbitan pertama" in after


def test_correction_requires_a_change_log(
    computed: Computation, compute: Callable[..., Computation], personas: dict[str, Persona]
) -> None:
    client = personas["ri"].client
    do_publish(computed, personas["ri"].user)
    add_observations(computed.edition, scale={"32.01": 3.0, "32.04": 0.2})
    v2 = compute(runs=0)
    page = client.get(page_url(v2)).content.decode()
    field = page.split('id="change-log"')[1].split(">")[0]
    assert "required" in field and "koreksi" in page.lower()

    refused = client.post(publish_url(v2), {"change_log": "  "})
    assert refused.status_code == 400
    assert 'id="change-log-error"' in refused.content.decode()
    assert "Koreksi memerlukan catatan perubahan" in refused.content.decode()
    v2.refresh_from_db()
    assert not v2.published
    assert AuditLog.objects.filter(action="publish").count() == 1

    text = "Koreksi data Kab. Bogor dan Kab. Bandung setelah verifikasi ulang."
    assert client.post(publish_url(v2), {"change_log": text}).status_code == 302
    v2.refresh_from_db()
    computed.refresh_from_db()
    assert v2.published and v2.supersedes == computed and v2.change_log == text
    assert computed.published  # the earlier snapshot stays
    entry = AuditLog.objects.filter(action="publish").first()
    assert entry.detail == {"edition": v2.edition.slug, "version": 2, "supersedes": 1}

    # the visible change log of versions, on every version's page
    for comp in (computed, v2):
        html = client.get(page_url(comp)).content.decode()
        assert "INVALID_TEMPLATE_VARIABLE" not in html
        versions = html.split('id="versions"')[1]
        assert text in versions and "menggantikan v1" in versions
        assert 'data-version="1"' in versions and 'data-version="2"' in versions
    # v2's page compares with the version it replaced
    html = client.get(page_url(v2)).content.decode()
    assert 'id="comparison-table"' in html and 'data-region="32.01"' in html


def test_an_older_version_cannot_be_published(
    computed: Computation, compute: Callable[..., Computation], personas: dict[str, Persona]
) -> None:
    v2 = compute(runs=0)
    do_publish(v2, personas["ri"].user)
    client = personas["ri"].client
    html = client.get(page_url(computed)).content.decode()
    assert 'id="older"' in html and 'id="publish"' not in html
    response = client.post(publish_url(computed), {"change_log": "mundur"})
    assert response.status_code == 400 and "lebih lama" in response.content.decode()
    computed.refresh_from_db()
    assert not computed.published
    with pytest.raises(PublishError, match="older"):
        do_publish(computed, None, change_log="x")


def test_published_computation_is_immutable(
    computed: Computation, personas: dict[str, Persona]
) -> None:
    do_publish(computed, personas["ri"].user)
    client = personas["ri"].client
    again = client.post(publish_url(computed), {"change_log": "ubah"})
    assert again.status_code == 302
    computed.refresh_from_db()
    assert computed.change_log == ""  # publishing again changes nothing
    computed.recipe += "\n# diubah"
    with pytest.raises(ValidationError):
        computed.save()
    computed.refresh_from_db()
    computed.input_hash = "sha256:0"
    with pytest.raises(ValidationError):
        computed.save()
    computed.refresh_from_db()
    computed.published = False
    with pytest.raises(ValidationError):
        computed.save()
    assert Computation.objects.get(pk=computed.pk).published


def test_service_refuses_a_correction_without_change_log(
    computed: Computation, compute: Callable[..., Computation]
) -> None:
    do_publish(computed, None)
    v2 = compute(runs=0)
    with pytest.raises(PublishError, match="change log"):
        do_publish(v2, None, change_log="")
    with pytest.raises(ValueError, match="catatan perubahan"):
        do_publish(v2, None)
