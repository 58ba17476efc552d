"""Reopening verified data is a workflow step: a reviewer of the region (the province office for
its kab/kota, Bawaslu RI) gives a required reason; the status goes back to "returned" with a
"reopen" entry in the history; published computations are frozen copies and do not change. The
admin cannot change a submission's status."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from ikp_web.apps.core.models import AuditLog
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.scoring.models import Computation, Result
from ikp_web.apps.submissions.models import Observation, Review, Submission

from .helpers import Personas, region, submission, url


def _verified(personas: Personas, edition: Edition) -> Submission:
    bogor = personas["bogor"].client
    page = url("questionnaire", edition.slug, "32.01")
    assert bogor.post(page, {"action": "submit", "I01_L1": "2"}).status_code == 302
    assert bogor.post(page, {"action": "confirm_submit"}).status_code == 302
    review = url("review", edition.slug, "32.01")
    assert personas["jabar"].client.post(review, {"action": "verify"}).status_code == 302
    sub = submission(edition, "32.01")
    assert sub is not None and sub.status == "verified"
    return sub


def test_reopen_needs_a_reason(personas: Personas, kab_edition: Edition) -> None:
    _verified(personas, kab_edition)
    jabar = personas["jabar"].client
    page = jabar.get(url("review", kab_edition.slug, "32.01")).content.decode()
    assert 'id="reopen"' in page and 'id="reason"' in page
    for reason in ("", "   "):
        response = jabar.post(url("reopen", kab_edition.slug, "32.01"), {"reason": reason})
        assert response.status_code == 400
        assert 'id="reason-error"' in response.content.decode()
    assert submission(kab_edition, "32.01").status == "verified"
    assert not Review.objects.filter(action="reopen").exists()


def test_reopen_is_for_reviewers_of_the_region_only(
    personas: Personas, kab_edition: Edition
) -> None:
    _verified(personas, kab_edition)
    target = url("reopen", kab_edition.slug, "32.01")
    for name in ("bogor", "mitra", "publik"):
        response = personas[name].client.post(target, {"reason": "salah"})
        assert response.status_code == 403, name
    assert personas["anonymous"].client.post(target, {"reason": "salah"}).status_code == 302
    page = personas["bogor"].client.get(url("review", kab_edition.slug, "32.01"))
    assert 'id="reopen"' not in page.content.decode()
    assert submission(kab_edition, "32.01").status == "verified"
    # RI may reopen too
    assert personas["ri"].client.post(target, {"reason": "koreksi RI"}).status_code == 302


def test_only_verified_data_can_be_reopened(personas: Personas, kab_edition: Edition) -> None:
    bogor = personas["bogor"].client
    bogor.post(url("questionnaire", kab_edition.slug, "32.01"), {"action": "save_draft"})
    response = personas["jabar"].client.post(
        url("reopen", kab_edition.slug, "32.01"), {"reason": "x"}
    )
    assert response.status_code == 409
    assert submission(kab_edition, "32.01").status == "draft"


def test_reopen_is_recorded_and_the_office_can_edit_again(
    personas: Personas, kab_edition: Edition
) -> None:
    _verified(personas, kab_edition)
    jabar = personas["jabar"].client
    questionnaire = url("questionnaire", kab_edition.slug, "32.01")
    assert 'id="reopen-link"' in jabar.get(questionnaire).content.decode()
    reason = "Angka I01 salah ketik; mohon diperbaiki."
    response = jabar.post(url("reopen", kab_edition.slug, "32.01"), {"reason": reason})
    assert response.status_code == 302
    sub = submission(kab_edition, "32.01")
    assert sub is not None
    assert sub.status == "returned" and sub.verified_at is None and sub.verified_by is None
    entry = Review.objects.get(action="reopen")
    assert (entry.comment, entry.by) == (reason, personas["jabar"].user)
    assert entry.created is not None
    audit = AuditLog.objects.get(action="reopen", username="jabar")
    assert audit.detail["comment"] == reason
    history = jabar.get(url("review", kab_edition.slug, "32.01")).content.decode()
    assert 'data-action="reopen"' in history and reason in history
    # the office sees the reason and edits again
    bogor = personas["bogor"].client
    page = bogor.get(questionnaire).content.decode()
    assert 'id="return-comment"' in page and reason in page
    assert bogor.post(questionnaire, {"action": "save_draft", "I01_L1": "3"}).status_code == 302
    assert Observation.objects.get(indicator_code="I01", incidence_level="L1").value == 3


def test_reopening_does_not_change_a_published_result(
    personas: Personas, kab_edition: Edition
) -> None:
    _verified(personas, kab_edition)
    comp = Computation.objects.create(
        edition=kab_edition,
        status=Computation.Status.DONE,
        recipe="recipe",
        input_hash="sha256:abc",
        published=True,
    )
    Result.objects.create(
        computation=comp, region=region("32.01"), node_code="I01", level=1, score=40.0, raw=2.0
    )
    before = list(Result.objects.values())
    personas["jabar"].client.post(url("reopen", kab_edition.slug, "32.01"), {"reason": "koreksi"})
    bogor = personas["bogor"].client
    bogor.post(
        url("questionnaire", kab_edition.slug, "32.01"), {"action": "save_draft", "I01_L1": "9"}
    )
    assert list(Result.objects.values()) == before
    comp.refresh_from_db()
    assert comp.published and comp.recipe == "recipe" and comp.input_hash == "sha256:abc"


def test_admin_cannot_change_the_status(
    personas: Personas, kab_edition: Edition, admin_client: Any
) -> None:
    sub = _verified(personas, kab_edition)
    change = reverse("admin:submissions_submission_change", args=[sub.pk])
    page = admin_client.get(change)
    assert page.status_code == 200
    assert 'name="status"' not in page.content.decode()
    n = sub.reviews.count()
    data = {
        "edition": kab_edition.pk,
        "region": sub.region_id,
        "status": "draft",
        "reviews-TOTAL_FORMS": n,
        "reviews-INITIAL_FORMS": n,
        "reviews-MIN_NUM_FORMS": 0,
        "reviews-MAX_NUM_FORMS": 1000,
    }
    for i, review in enumerate(sub.reviews.order_by("-created", "-pk")):
        data[f"reviews-{i}-id"] = review.pk
        data[f"reviews-{i}-submission"] = sub.pk
    response = admin_client.post(change, data)
    assert response.status_code == 302  # saved, without the status
    sub.refresh_from_db()
    assert sub.status == "verified"
