"""Review: the province office (for its kab/kota) and Bawaslu RI verify or return a submitted
submission with a comment, and reopen verified data with a reason; anyone who may see the region reads the history and the comments."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ikp_web.apps.accounts import services as scope
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.regions.models import Region
from ikp_web.apps.submissions import queries, services, spreadsheets
from ikp_web.apps.submissions.forms import QuestionnaireForm, ReopenForm, ReviewForm
from ikp_web.apps.submissions.models import Review, Submission
from ikp_web.apps.submissions.views.common import conflict, data_view, submission_of, viewable
from ikp_web.apps.submissions.views.questionnaire import page_url

S = Submission.Status


@data_view
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, edition_slug: str, region_code: str) -> HttpResponse:
    edition, region = viewable(request, edition_slug, region_code)
    submission = submission_of(edition, region)
    may_review = scope.can_review_region(request.user, region)
    status = submission.status if submission is not None else S.NOT_STARTED
    form = ReviewForm(auto_id="%s")
    if request.method == "POST":
        if not may_review:
            raise PermissionDenied
        here = request.path
        if submission is None or status != S.SUBMITTED:
            return conflict(request, _("Hanya data yang sudah dikirim yang dapat ditinjau."), here)
        form = ReviewForm(request.POST, auto_id="%s")
        if form.is_valid():
            action = form.cleaned_data["action"]
            services.review(submission, action, form.cleaned_data["comment"], request=request)
            if action == Review.Action.VERIFY:
                messages.success(request, _("Data diverifikasi."))
            else:
                messages.success(request, _("Data dikembalikan kepada pengisi dengan komentar."))
            target = request.POST.get("next", "")
            safe = url_has_allowed_host_and_scheme(
                target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            )
            return redirect(target if target and safe else here)
    return _render(request, edition, region, submission, form=form)


def _render(
    request: HttpRequest,
    edition: Edition,
    region: Region,
    submission: Submission | None,
    *,
    form: ReviewForm | None = None,
    reopen_form: ReopenForm | None = None,
) -> HttpResponse:
    may_review = scope.can_review_region(request.user, region)
    status = submission.status if submission is not None else S.NOT_STARTED
    form = form or ReviewForm(auto_id="%s")
    reopen_form = reopen_form or ReopenForm(auto_id="%s")
    framework = spreadsheets.framework_of(edition)
    stored = queries.stored_values(submission)
    readonly = QuestionnaireForm(
        framework, initial=queries.initial_data(framework, stored), auto_id="ro-%s"
    )
    for f in readonly.fields.values():
        f.disabled = True
    history = queries.history_by_indicator(submission)
    sections = queries.questionnaire_sections(framework, readonly, stored, history)
    context = {
        "edition": edition,
        "region": region,
        "submission": submission,
        "status": status,
        "status_label": queries.STATUS_LABELS[status],
        "sections": sections,
        "review_form": form,
        "can_review": may_review and status == S.SUBMITTED,
        "can_reopen": may_review and status == S.VERIFIED,
        "reopen_form": reopen_form,
        "reviews": queries.reviews(submission),
        "counts": queries.filled_counts(framework, stored),
        "n_changes": sum(len(v) for v in history.values()),
        "back": page_url(edition, region),
        "synthetic": edition.synthetic,
    }
    return TemplateResponse(
        request,
        "submissions/review.html",
        context,
        status=400 if form.errors or reopen_form.errors else 200,
    )


@data_view
@require_POST
def reopen(request: HttpRequest, edition_slug: str, region_code: str) -> HttpResponse:
    """Open verified data again (a reviewer of the region, with a required reason): the status
    goes back to "returned" so that the office can correct and submit it again."""
    edition, region = viewable(request, edition_slug, region_code)
    if not scope.can_review_region(request.user, region):
        raise PermissionDenied
    submission = submission_of(edition, region)
    here = reverse("submissions:review", args=[edition.slug, region.code])
    if submission is None or submission.status != S.VERIFIED:
        return conflict(
            request, _("Hanya data yang sudah diverifikasi yang dapat dibuka kembali."), here
        )
    form = ReopenForm(request.POST, auto_id="%s")
    if not form.is_valid():
        return _render(request, edition, region, submission, reopen_form=form)
    services.reopen(submission, form.cleaned_data["reason"], request=request)
    messages.success(
        request, _("Data dibuka kembali dan dikembalikan kepada pengisi untuk diperbaiki.")
    )
    return redirect(here)
