"""Review: draft → submit → return (with a comment the office sees) → edit and resubmit →
verify; reviewers see who changed what, when, from what to what."""

from __future__ import annotations

from ikp_web.apps.core.models import AuditLog
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.submissions.models import Review

from .helpers import Personas, submission, url


def test_submit_return_resubmit_verify(personas: Personas, kab_edition: Edition) -> None:
    bogor, jabar = personas["bogor"].client, personas["jabar"].client
    page = url("questionnaire", kab_edition.slug, "32.01")
    review = url("review", kab_edition.slug, "32.01")

    bogor.post(page, {"action": "save_draft", "I01_L1": "2"})
    # nothing to review yet
    assert jabar.post(review, {"action": "verify"}).status_code == 409
    bogor.post(page, {"action": "submit", "I01_L1": "2"})
    bogor.post(page, {"action": "confirm_submit"})
    sub = submission(kab_edition, "32.01")
    assert sub is not None and sub.status == "submitted"

    # the province sees the review buttons on the questionnaire and the review page
    html = jabar.get(page).content.decode()
    assert 'id="verify"' in html and 'id="return"' in html and 'id="comment"' in html
    html = jabar.get(review).content.decode()
    assert 'id="verify"' in html and "Riwayat perubahan" in html
    assert 'data-field="value" data-level="L1"' in html and "bogor" in html
    # the office cannot review its own data
    assert bogor.post(review, {"action": "verify"}).status_code == 403
    assert 'id="verify"' not in bogor.get(page).content.decode()

    # returning needs a comment
    response = jabar.post(review, {"action": "return", "comment": "  "})
    assert response.status_code == 400 and 'id="comment-error"' in response.content.decode()
    sub.refresh_from_db()
    assert sub.status == "submitted"
    response = jabar.post(review, {"action": "return", "comment": "I01 tingkat tinggi belum diisi"})
    assert response.status_code == 302
    sub.refresh_from_db()
    assert sub.status == "returned"
    assert AuditLog.objects.filter(action="return", username="jabar").exists()

    # the office sees the comment and can edit again
    html = bogor.get(page).content.decode()
    assert 'id="return-comment"' in html and "I01 tingkat tinggi belum diisi" in html
    assert "INVALID_TEMPLATE_VARIABLE" not in html
    assert 'id="save-draft"' in html and 'id="submit"' in html
    bogor.post(page, {"action": "save_draft", "I01_L1": "2", "I01_L3": "1"})
    sub.refresh_from_db()
    assert sub.status == "returned"  # still returned until it is sent again
    bogor.post(page, {"action": "submit", "I01_L1": "2", "I01_L3": "1"})
    bogor.post(page, {"action": "confirm_submit"})
    sub.refresh_from_db()
    assert sub.status == "submitted"

    # RI verifies (with an optional comment); the data are locked
    response = personas["ri"].client.post(review, {"action": "verify", "comment": "lengkap"})
    assert response.status_code == 302
    sub.refresh_from_db()
    assert sub.status == "verified" and sub.verified_by.username == "ri"
    actions = list(
        Review.objects.filter(submission=sub)
        .order_by("created", "pk")
        .values_list("action", flat=True)
    )
    assert actions == ["submit", "return", "submit", "verify"]
    assert jabar.post(review, {"action": "return", "comment": "x"}).status_code == 409
    assert bogor.post(page, {"action": "save_draft", "I01_L1": "5"}).status_code == 409
    html = bogor.get(page).content.decode()
    assert "terverifikasi" in html and "lengkap" in html
    assert AuditLog.objects.filter(action="verify", username="ri").exists()


def test_province_submissions_are_reviewed_by_ri_only(
    personas: Personas, prov_edition: Edition
) -> None:
    jabar = personas["jabar"].client
    page = url("questionnaire", prov_edition.slug, "32")
    jabar.post(page, {"action": "submit", "I01_L1": "1"})
    jabar.post(page, {"action": "confirm_submit"})
    review = url("review", prov_edition.slug, "32")
    assert jabar.post(review, {"action": "verify"}).status_code == 403
    assert personas["ri"].client.post(review, {"action": "verify"}).status_code == 302
    sub = submission(prov_edition, "32")
    assert sub is not None and sub.status == "verified"


def test_review_redirect_stays_on_the_site(personas: Personas, kab_edition: Edition) -> None:
    from ikp_web.apps.submissions import services

    from .helpers import region

    sub = services.get_submission(kab_edition, region("32.01"))
    sub.status = "submitted"
    sub.save()
    review = url("review", kab_edition.slug, "32.01")
    response = personas["jabar"].client.post(
        review, {"action": "verify", "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == review
