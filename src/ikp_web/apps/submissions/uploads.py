"""Spreadsheet uploads in two steps: check and preview, then confirm (or cancel).

1. :func:`check_and_preview_upload` runs the checks of
   :mod:`~ikp_web.apps.submissions.spreadsheets` and stores the ``UploadFile``: ``rejected``
   (every issue listed, nothing kept to save) or ``pending`` with the parsed values and a
   preview per region of what confirming would do. Nothing is written to ``Observation``.
2. :func:`confirm_upload` (by the uploader only; the view checks that) saves exactly the
   previewed values, all or nothing, with history ``via=upload``; it refuses when a stored value
   of one of the regions changed since the preview (:class:`StalePreview`: upload again) or a
   region's data was submitted or verified meanwhile. :func:`cancel_upload` discards it.

An empty cell leaves the stored value as it is; the clear marker (``KOSONGKAN`` or ``CLEAR``,
:data:`ikp.validation.tables.CLEAR_MARKER`) clears it. A count indicator given counts per level
loses its weighted value and the other way round (:func:`services.wanted_values`): the preview
lists those implied clears too.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import get_valid_filename

from ikp.framework import Framework
from ikp_web.apps.accounts import services as scope
from ikp_web.apps.core.services import audit
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.regions.models import Region
from ikp_web.apps.submissions import queries, services, spreadsheets
from ikp_web.apps.submissions.models import Observation, Submission, UploadFile
from ikp_web.apps.submissions.services import NotAllowed, ValueKey

KINDS = ("changed", "cleared", "unchanged", "new")


class StalePreview(Exception):
    """A stored value changed after the preview was made: the preview no longer says what
    confirming would do (the view asks for the file to be uploaded again)."""


def _actor(request: HttpRequest | None, actor: Any) -> Any:
    user = actor if actor is not None else getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def _stored(submission: Submission | None) -> dict[ValueKey, float | None]:
    if submission is None or submission.pk is None:
        return {}
    return {
        (code, level): value
        for code, level, value in Observation.objects.filter(submission=submission).values_list(
            "indicator_code", "incidence_level", "value"
        )
        if value is not None
    }


def fingerprint(submission: Submission | None) -> str:
    """A hash of a submission's stored values: equal hashes, same values."""
    stored = sorted((k[0], k[1], services.format_value(v)) for k, v in _stored(submission).items())
    return hashlib.sha256(json.dumps(stored).encode()).hexdigest()


def region_preview(
    region: Region,
    submission: Submission | None,
    framework: Framework,
    values: dict[ValueKey, float | None],
) -> dict[str, Any]:
    """What saving ``values`` would do to ``submission``: counts of cells changed, cleared,
    unchanged and new, and the cells that change (indicator, level, old, new, kind; ``implied``
    when the file did not hold the cell but a rule clears it)."""
    stored = _stored(submission)
    counts = dict.fromkeys(KINDS, 0)
    cells = []
    for key, new in sorted(services.wanted_values(framework, values).items()):
        old = stored.get(key)
        if services.same_value(old, new):
            if key in values:
                counts["unchanged"] += 1
            continue
        kind = "new" if old is None else "cleared" if new is None else "changed"
        counts[kind] += 1
        cells.append(
            {
                "indicator": key[0],
                "level": key[1],
                "old": services.format_value(old),
                "new": services.format_value(new),
                "kind": kind,
                "implied": key not in values,
            }
        )
    return {
        "region_code": region.code,
        "region_name": region.name,
        "counts": counts,
        "cells": cells,
        "fingerprint": fingerprint(submission),
    }


def _scope(edition: Edition, scope_region: Region) -> tuple[bool, dict[str, Region], str]:
    """Batch or not, the regions an upload may hold rows for, and the province it lies in."""
    batch = edition.region_level == "regency" and scope_region.level == 1
    if batch:
        regions = {
            r.code: r
            for r in Region.objects.filter(
                edition=edition.region_edition, level=2, province_code=scope_region.province_code
            )
        }
        return True, regions, scope_region.code
    province = (
        scope_region.code
        if edition.region_level == "province"
        else spreadsheets.registry_for(edition).province_code(scope_region.code)
    )
    return False, {scope_region.code: scope_region}, province


def check_and_preview_upload(
    data: bytes,
    original_name: str,
    edition: Edition,
    scope_region: Region,
    *,
    request: HttpRequest | None = None,
    actor: Any = None,
) -> UploadFile:
    """Check an uploaded file and store it as an ``UploadFile``: ``rejected`` with its report,
    or ``pending`` with its values and preview, waiting for confirmation. Saves no value.
    ``scope_region`` is the region of the page it was uploaded on: one region, or a province
    for a province office's upload of its kab/kota (kab/kota editions)."""
    user = _actor(request, actor)
    batch, regions, province = _scope(edition, scope_region)
    subs = {
        s.region.code: s
        for s in Submission.objects.filter(
            edition=edition, region__in=regions.values()
        ).select_related("region")
    }
    locked = {code for code, s in subs.items() if not services.is_editable(s)}
    name = get_valid_filename(Path(original_name).name) or "upload"
    with tempfile.TemporaryDirectory(prefix="ikp-upload-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        checked = spreadsheets.check_file(
            path,
            edition,
            province=province,
            allowed=None if batch else set(regions),
            locked=locked,
        )
    with transaction.atomic():
        upload = UploadFile(
            submission=None if batch else services.get_submission(edition, scope_region),
            edition=edition,
            region=scope_region,
            scope=UploadFile.Scope.PROVINCE if batch else UploadFile.Scope.REGION,
            original_name=original_name[:255],
            status=UploadFile.Status.PENDING if checked.ok else UploadFile.Status.REJECTED,
            report=checked.report,
            uploaded_by=user,
        )
        upload.file.save(name, ContentFile(data), save=False)
        if checked.ok:
            framework = spreadsheets.framework_of(edition)
            previews = [
                region_preview(regions[code], subs.get(code), framework, values)
                for code, values in sorted(checked.values.items())
            ]
            upload.values = {
                code: [[k[0], k[1], v] for k, v in sorted(values.items())]
                for code, values in sorted(checked.values.items())
            }
            upload.preview = {
                "regions": previews,
                "totals": {k: sum(p["counts"][k] for p in previews) for k in KINDS},
            }
        upload.save()
        audit(
            "upload",
            request=request,
            user=user,
            obj=upload,
            edition=edition.slug,
            region=scope_region.code,
            ok=checked.ok,
            errors=checked.report["errors"],
            warnings=checked.report["warnings"],
            pending=checked.ok,
        )
    return upload


def may_decide(upload: UploadFile, user: Any) -> bool:
    """Confirm or cancel: the uploader only, while still allowed to edit the upload's region."""
    return bool(
        getattr(user, "is_authenticated", False)
        and upload.uploaded_by_id == user.pk
        and upload.region is not None
        and scope.can_edit_region(user, upload.region)
    )


def upload_context(upload: UploadFile | None, user: Any) -> dict[str, Any]:
    """What the upload partial (``_upload_report.html``) needs."""
    if upload is None:
        return {"upload": None, "upload_groups": [], "can_decide": False}
    return {
        "upload": upload,
        "upload_groups": queries.issue_groups(upload.report),
        "can_decide": upload.status == UploadFile.Status.PENDING and may_decide(upload, user),
    }


@transaction.atomic
def confirm_upload(
    upload: UploadFile, *, request: HttpRequest | None = None, actor: Any = None
) -> dict[str, int]:
    """Save a pending upload's values exactly as previewed, all or nothing. Raises
    :class:`NotAllowed` if it is not pending or a region's data can no longer be changed, and
    :class:`StalePreview` if a stored value changed since the preview. Regions whose preview
    changes nothing are left alone (no submission is started for them). Returns the number of
    changes saved per region code."""
    user = _actor(request, actor)
    upload = UploadFile.objects.select_for_update().get(pk=upload.pk)
    if upload.status != UploadFile.Status.PENDING:
        raise NotAllowed(f"upload {upload.pk} is {upload.status}, not pending")
    edition = upload.edition
    assert edition is not None  # a pending upload always has one
    framework = spreadsheets.framework_of(edition)
    previews = {p["region_code"]: p for p in upload.preview.get("regions", [])}
    regions = {
        r.code: r
        for r in Region.objects.filter(edition=edition.region_edition, code__in=list(previews))
    }
    subs: dict[str, Submission] = {}
    for code in sorted(previews):
        sub = (
            Submission.objects.select_for_update()
            .filter(edition=edition, region=regions[code])
            .first()
        )
        if fingerprint(sub) != previews[code]["fingerprint"]:
            raise StalePreview(f"the stored values of {code} changed after the preview")
        if not previews[code]["cells"]:
            continue  # nothing to change there: the region is left as it is
        if sub is not None and not services.is_editable(sub):
            raise NotAllowed(f"the data of {code} were submitted or verified after the preview")
        subs[code] = sub or services.get_submission(edition, regions[code], lock=True)
    saved: dict[str, int] = {}
    for code, sub in subs.items():
        values: dict[ValueKey, float | None] = {
            (ind, lvl): value for ind, lvl, value in upload.values.get(code, [])
        }
        saved[code] = services.apply_values(sub, framework, values, actor=user, via="upload")
    upload.status = UploadFile.Status.CONFIRMED
    upload.report = {**upload.report, "saved": saved}
    upload.decided_by = user
    upload.decided_at = timezone.now()
    upload.save(update_fields=["status", "report", "decided_by", "decided_at"])
    audit(
        "upload_confirm",
        request=request,
        user=user,
        obj=upload,
        edition=edition.slug,
        region=upload.region.code if upload.region else "",
        regions_saved=len(saved),
        changes=sum(saved.values()),
    )
    return saved


@transaction.atomic
def cancel_upload(
    upload: UploadFile, *, request: HttpRequest | None = None, actor: Any = None
) -> UploadFile:
    """Discard a pending upload: nothing is saved; the file and its report stay on record."""
    user = _actor(request, actor)
    upload = UploadFile.objects.select_for_update().get(pk=upload.pk)
    if upload.status != UploadFile.Status.PENDING:
        raise NotAllowed(f"upload {upload.pk} is {upload.status}, not pending")
    upload.status = UploadFile.Status.CANCELLED
    upload.decided_by = user
    upload.decided_at = timezone.now()
    upload.save(update_fields=["status", "decided_by", "decided_at"])
    audit("upload_cancel", request=request, user=user, obj=upload)
    return upload
