"""Confirm or cancel a checked upload (its preview shows on the page it was uploaded on and on
the job page). Only the uploader, while still allowed to edit the region, may decide; nothing
is saved before the confirmation, and a preview made stale by a later change is refused."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ikp_web.apps.submissions import uploads
from ikp_web.apps.submissions.models import UploadFile
from ikp_web.apps.submissions.services import NotAllowed
from ikp_web.apps.submissions.views.common import conflict, data_view


def page_of(upload: UploadFile) -> str:
    """The page the upload was made on (a region's questionnaire or a province's batch page)."""
    assert upload.edition is not None and upload.region is not None
    name = "batch" if upload.scope == UploadFile.Scope.PROVINCE else "questionnaire"
    return reverse(f"submissions:{name}", args=[upload.edition.slug, upload.region.code])


@data_view
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    upload = get_object_or_404(UploadFile.objects.select_related("region", "edition"), pk=pk)
    if upload.region is None or upload.edition is None:
        raise PermissionDenied
    if not uploads.may_decide(upload, request.user):
        raise PermissionDenied
    back = page_of(upload)
    here = f"{back}?unggahan={upload.pk}#hasil-unggahan"
    action = request.POST.get("action", "")
    if action not in ("confirm", "cancel"):
        return conflict(request, _("Tindakan tidak dikenal."), here)
    if upload.status != UploadFile.Status.PENDING:
        return conflict(
            request, _("Unggahan ini sudah dikonfirmasi, dibatalkan atau ditolak."), here
        )
    if action == "cancel":
        uploads.cancel_upload(upload, request=request)
        messages.success(request, _("Unggahan dibatalkan; tidak ada nilai yang disimpan."))
        return redirect(here)
    try:
        saved = uploads.confirm_upload(upload, request=request)
    except uploads.StalePreview:
        return conflict(
            request,
            _(
                "Data tersimpan berubah setelah ringkasan ini dibuat, sehingga ringkasan tidak "
                "lagi sesuai. Tidak ada yang disimpan. Unduh templat terbaru bila perlu, lalu "
                "unggah file Anda lagi."
            ),
            here,
        )
    except NotAllowed:
        return conflict(
            request,
            _(
                "Data salah satu wilayah sudah dikirim atau diverifikasi setelah ringkasan ini "
                "dibuat. Tidak ada yang disimpan."
            ),
            here,
        )
    messages.success(
        request,
        _("Unggahan dikonfirmasi: %(n)d perubahan disimpan.") % {"n": sum(saved.values())},
    )
    return redirect(here)
