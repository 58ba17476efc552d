"""Shared view helpers. Access is decided by ``ikp_web.apps.accounts.services`` (through
:mod:`ikp_web.apps.submissions.queries`); these helpers only turn its answers into responses:
anonymous visitors are sent to the login page, other roles without access get 403."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from ikp_web.apps.core.access import office_view
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.regions.models import Region
from ikp_web.apps.submissions import queries
from ikp_web.apps.submissions.models import Submission

View = Callable[..., HttpResponse]

#: pages of data collection: offices, Bawaslu RI and partner agencies only
data_view = office_view


def get_edition(slug: str) -> Edition:
    return get_object_or_404(queries.collected_editions(), slug=slug)


def get_region(edition: Edition, code: str) -> Region:
    return get_object_or_404(queries.edition_regions(edition), code=code)


def viewable(request: HttpRequest, edition_slug: str, region_code: str) -> tuple[Edition, Region]:
    """The edition and region of the URL, if the user may see the region's data (403 if not)."""
    edition = get_edition(edition_slug)
    region = get_region(edition, region_code)
    if not queries.can_view_region(request.user, region):
        raise PermissionDenied
    return edition, region


def get_province(edition: Edition, code: str) -> Region:
    """A province of a kab/kota edition (its batch page)."""
    if edition.region_level != Edition.Level.REGENCY:
        raise Http404("batch pages exist for kabupaten/kota editions only")
    return get_object_or_404(Region, edition=edition.region_edition, level=1, code=code)


def submission_of(edition: Edition, region: Region) -> Submission | None:
    return (
        Submission.objects.filter(edition=edition, region=region)
        .select_related("submitted_by", "verified_by")
        .first()
    )


def conflict(request: HttpRequest, message: str, back: str) -> HttpResponse:
    """409: the action is allowed for this user but not in the submission's current status."""
    return render(
        request, "submissions/conflict.html", {"message": message, "back": back}, status=409
    )
