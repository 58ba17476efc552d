"""The list and a report's page: scope-filtered, the history, the likely duplicates, and the
review form for a reviewer in scope only."""

from __future__ import annotations

from typing import Any

from ikp_web.apps.incidents.models import Incident


def test_the_list_shows_each_office_its_own_jurisdiction(personas: Any, make_incident: Any) -> None:
    ri = personas["ri"].user
    bogor = make_incident(ri)
    bandung = make_incident(ri, regency_code="32.73", district_code=None)
    jakarta = make_incident(ri, province_code="31", regency_code="31.71", district_code=None)
    seen = {
        name: {r["pk"] for r in personas[name].client.get("/laporan/").context["rows"]}
        for name in ("ri", "mitra", "jabar", "bogor")
    }
    assert seen["ri"] == seen["mitra"] == {bogor.pk, bandung.pk, jakarta.pk}
    assert seen["jabar"] == {bogor.pk, bandung.pk}
    assert seen["bogor"] == {bogor.pk}
    assert personas["bogor"].client.get(f"/laporan/{jakarta.pk}/").status_code == 404
    assert personas["publik"].client.get("/laporan/").status_code == 403
    assert personas["anonymous"].client.get(f"/laporan/{bogor.pk}/").status_code == 302


def test_review_on_the_page_with_history_and_duplicates(personas: Any, make_incident: Any) -> None:
    ri = personas["ri"].user
    first = make_incident(ri, occurred_at="2024-01-10 09:00")
    second = make_incident(ri, occurred_at="2024-01-10 15:00")
    client = personas["jabar"].client
    page = client.get(f"/laporan/{second.pk}/")
    assert page.status_code == 200
    assert [r["pk"] for r in page.context["duplicates"]] == [first.pk]
    assert page.context["can_review"]
    response = client.post(
        f"/laporan/{second.pk}/",
        {"action": "duplicate", "duplicate_of": first.pk, "note": "laporan yang sama"},
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == Incident.Status.DUPLICATE and second.duplicate_of == first
    page = client.get(f"/laporan/{second.pk}/")
    assert not page.context["can_review"]
    assert [(e.action, e.to_status) for e in page.context["events"]] == [
        ("create", "received"),
        ("duplicate", "duplicate"),
    ]
    again = client.post(f"/laporan/{second.pk}/", {"action": "verify"})
    assert again.status_code == 409


def test_review_needs_scope_and_a_note_to_reject(personas: Any, make_incident: Any) -> None:
    incident = make_incident(personas["ri"].user)
    url = f"/laporan/{incident.pk}/"
    assert personas["mitra"].client.post(url, {"action": "verify"}).status_code == 403
    assert personas["bogor"].client.post(url, {"action": "verify"}).status_code == 403
    response = personas["jabar"].client.post(url, {"action": "reject", "note": ""})
    assert response.status_code == 400
    jakarta = make_incident(
        personas["ri"].user, province_code="31", regency_code="31.71", district_code=None
    )
    assert (
        personas["jabar"].client.post(f"/laporan/{jakarta.pk}/", {"action": "verify"}).status_code
        == 404
    )
    incident.refresh_from_db()
    assert incident.status == Incident.Status.RECEIVED
