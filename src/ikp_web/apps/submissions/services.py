"""Changing submissions: save values (form or upload) with their full history, submit, verify,
return, reopen. Every function here acts inside ``transaction.atomic``; the views have validated the
input before calling them (HOUSE-STYLE rec. 4). Access is checked by the views through
``ikp_web.apps.accounts.services``; these functions re-check only the submission's status.

Storage of one indicator (``Observation`` rows of a submission):

* a count indicator with levels of incidence has one row per level (``incidence_level`` =
  ``L1`` …) holding the number of incidents at that level;
* every indicator may have one row with an empty ``incidence_level``: it holds the indicator's
  note and source, and its value for indicators that are not counts, or the weighted value
  (Σ count × level weight) of a count indicator uploaded as a single column (``I01``) without
  the counts per level. A count indicator has either counts per level or a weighted value,
  never both: saving one clears the other (with history).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from ikp.framework import Framework
from ikp_web.apps.core.bulk import insert_rows
from ikp_web.apps.core.services import audit
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.regions.models import Region
from ikp_web.apps.submissions.models import Observation, ObservationChange, Review, Submission

#: statuses in which the office (or its province, or RI) may still change the data
EDITABLE = (Submission.Status.NOT_STARTED, Submission.Status.DRAFT, Submission.Status.RETURNED)
#: statuses in which the data may be submitted
SUBMITTABLE = (Submission.Status.DRAFT, Submission.Status.RETURNED)

ValueKey = tuple[str, str]  # (indicator code, incidence level code or "")


class NotAllowed(Exception):
    """The submission's status does not allow this action (the view turns it into a 4xx)."""


def format_value(value: float | None) -> str:
    """A stored number as text for the history and the form: ``3``, ``2.5``, or ``""``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    number = float(value)
    return str(int(number)) if number.is_integer() and abs(number) < 2**53 else repr(number)


def is_editable(submission: Submission | None) -> bool:
    return submission is None or submission.status in EDITABLE


def _actor(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def get_submission(edition: Edition, region: Region, *, lock: bool = False) -> Submission:
    """The submission of ``region`` for ``edition``, created (not started) if there is none."""
    submission, _ = Submission.objects.get_or_create(edition=edition, region=region)
    if lock:
        submission = Submission.objects.select_for_update().get(pk=submission.pk)
    return submission


@transaction.atomic
def apply_values(
    submission: Submission,
    framework: Framework,
    values: Mapping[ValueKey, float | None],
    *,
    notes: Mapping[str, str] | None = None,
    sources: Mapping[str, str] | None = None,
    actor: Any = None,
    via: str = "form",
) -> int:
    """Store ``values`` (and notes and sources per indicator) for ``submission``; every value,
    note or source that changes gets an ``ObservationChange`` (who, when, old, new, via).

    ``values`` is authoritative for the keys it holds: ``None`` clears a value. A count
    indicator given with counts per level loses its weighted value and vice versa (see the
    module docstring). Returns the number of changes; a submission that was not started becomes
    a draft."""
    if submission.status not in EDITABLE:
        raise NotAllowed(f"submission {submission} is {submission.status}; it cannot be changed")
    user = _actor(actor)
    wanted = wanted_values(framework, values)
    texts: dict[tuple[str, str], str] = {}
    for field_name, given in (("note", notes or {}), ("source", sources or {})):
        for code, text in given.items():
            texts[(code, field_name)] = (text or "").strip()

    existing = {
        (o.indicator_code, o.incidence_level): o
        for o in Observation.objects.select_for_update().filter(submission=submission)
    }
    changes: list[ObservationChange] = []
    touched: dict[int, Observation] = {}
    created: list[Observation] = []

    def observation(key: ValueKey) -> Observation:
        obs = existing.get(key)
        if obs is None:
            obs = Observation(submission=submission, indicator_code=key[0], incidence_level=key[1])
            existing[key] = obs
            created.append(obs)
        return obs

    pending: list[tuple[Observation, str, str, str]] = []
    for key, new in wanted.items():
        obs = existing.get(key)
        old = obs.value if obs is not None else None
        if same_value(old, new):
            continue
        obs = observation(key)
        obs.value = new
        obs.updated_by = user
        pending.append((obs, "value", format_value(old), format_value(new)))
    for (code, field_name), new_text in texts.items():
        obs = existing.get((code, ""))
        old_text = getattr(obs, field_name) if obs is not None else ""
        if old_text == new_text:
            continue
        obs = observation((code, ""))
        setattr(obs, field_name, new_text)
        obs.updated_by = user
        pending.append((obs, field_name, old_text, new_text))

    if created:
        Observation.objects.bulk_create(created)
        if any(o.pk is None for o in created):  # backends without RETURNING ids
            keyed = {
                (o.indicator_code, o.incidence_level): o
                for o in Observation.objects.filter(submission=submission)
            }
            for obs in created:
                obs.pk = keyed[(obs.indicator_code, obs.incidence_level)].pk
    new_ids = {o.pk for o in created}
    for obs, field_name, old_text, new_text in pending:
        if obs.pk not in new_ids:
            touched[obs.pk] = obs
        changes.append(
            ObservationChange(
                observation=obs,
                field=field_name,
                old=old_text,
                new=new_text,
                changed_by=user,
                via=via,
            )
        )
    if touched:
        now = timezone.now()  # bulk_update does not run auto_now
        for obs in touched.values():
            obs.updated = now
        Observation.objects.bulk_update(
            list(touched.values()), ["value", "note", "source", "updated_by", "updated"]
        )
    ObservationChange.objects.bulk_create(changes)
    if submission.status == Submission.Status.NOT_STARTED:
        submission.status = Submission.Status.DRAFT
    submission.save(update_fields=["status", "updated"])
    return len(changes)


def wanted_values(
    framework: Framework, values: Mapping[ValueKey, float | None]
) -> dict[ValueKey, float | None]:
    """``values`` plus what they imply: a count indicator given counts per level loses its
    weighted value, and one given a weighted value loses its counts per level (``None``)."""
    levels = [lv.code for lv in framework.incidence_levels]
    wanted: dict[ValueKey, float | None] = {k: _clean(v) for k, v in values.items()}
    for code in {k[0] for k in values}:
        node = framework.nodes.get(code)
        if node is None or node.input_type != "count" or not levels:
            continue
        by_level = [wanted.get((code, lv)) for lv in levels]
        if any(v is not None for v in by_level):
            wanted[(code, "")] = None
        elif wanted.get((code, "")) is not None:
            for lv in levels:
                wanted[(code, lv)] = None
        # only empty level cells and no weighted value given: a weighted value uploaded
        # earlier is kept
    return wanted


def count_clears(
    submission: Submission, framework: Framework, values: Mapping[ValueKey, float | None]
) -> int:
    """How many stored values saving ``values`` would clear (read only: the save's message says
    so, since emptying an input is how the form clears a value)."""
    stored = {
        (code, level)
        for code, level in Observation.objects.filter(
            submission=submission, value__isnull=False
        ).values_list("indicator_code", "incidence_level")
    }
    wanted = wanted_values(framework, values)
    return sum(1 for key, new in wanted.items() if new is None and key in stored)


def _clean(value: float | None) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def same_value(old: float | None, new: float | None) -> bool:
    if old is None or new is None:
        return old is None and new is None
    return float(old) == float(new)


@transaction.atomic
def save_draft(
    submission: Submission,
    framework: Framework,
    values: Mapping[ValueKey, float | None],
    notes: Mapping[str, str],
    sources: Mapping[str, str],
    *,
    request: HttpRequest | None = None,
    actor: Any = None,
) -> int:
    """Save the questionnaire as a draft (audit ``save_draft``)."""
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    user = actor if actor is not None else getattr(request, "user", None)
    n = apply_values(
        submission, framework, values, notes=notes, sources=sources, actor=user, via="form"
    )
    audit(
        "save_draft",
        request=request,
        user=user,
        obj=submission,
        edition=submission.edition.slug,
        region=submission.region.code,
        changes=n,
    )
    return n


@transaction.atomic
def submit(
    submission: Submission, *, request: HttpRequest | None = None, actor: Any = None
) -> Submission:
    """Send a draft (or a returned submission) for review (audit ``submit``)."""
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.status not in SUBMITTABLE:
        raise NotAllowed(f"submission {submission} is {submission.status}; it cannot be submitted")
    user = _actor(actor if actor is not None else getattr(request, "user", None))
    submission.status = Submission.Status.SUBMITTED
    submission.submitted_at = timezone.now()
    submission.submitted_by = user
    submission.save()
    Review.objects.create(submission=submission, action=Review.Action.SUBMIT, by=user)
    audit(
        "submit",
        request=request,
        user=user,
        obj=submission,
        edition=submission.edition.slug,
        region=submission.region.code,
    )
    return submission


@transaction.atomic
def review(
    submission: Submission,
    action: str,
    comment: str = "",
    *,
    request: HttpRequest | None = None,
    actor: Any = None,
) -> Submission:
    """Verify or return a submitted submission, with a comment (a return needs one); audit
    ``verify`` or ``return``."""
    if action not in (Review.Action.VERIFY, Review.Action.RETURN):
        raise ValueError(f"action must be 'verify' or 'return'; got {action!r}")
    comment = comment.strip()
    if action == Review.Action.RETURN and not comment:
        raise ValueError("a returned submission needs a comment saying what to fix")
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.status != Submission.Status.SUBMITTED:
        raise NotAllowed(f"submission {submission} is {submission.status}, not submitted")
    user = _actor(actor if actor is not None else getattr(request, "user", None))
    if action == Review.Action.VERIFY:
        submission.status = Submission.Status.VERIFIED
        submission.verified_at = timezone.now()
        submission.verified_by = user
    else:
        submission.status = Submission.Status.RETURNED
        submission.verified_at = None
        submission.verified_by = None
    submission.save()
    Review.objects.create(submission=submission, action=action, comment=comment, by=user)
    audit(
        str(action),
        request=request,
        user=user,
        obj=submission,
        edition=submission.edition.slug,
        region=submission.region.code,
        comment=comment,
    )
    return submission


@transaction.atomic
def reopen(
    submission: Submission,
    reason: str,
    *,
    request: HttpRequest | None = None,
    actor: Any = None,
) -> Submission:
    """Open verified data again for correction: the status goes back to ``returned`` (the
    office edits and submits again, and the reason shows on its page as a returned
    submission's comment would), with a ``reopen`` review entry (who, when, reason) and an
    audit entry. Published computations are frozen copies and do not change."""
    reason = reason.strip()
    if not reason:
        raise ValueError("reopening verified data needs a reason")
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.status != Submission.Status.VERIFIED:
        raise NotAllowed(f"submission {submission} is {submission.status}, not verified")
    user = _actor(actor if actor is not None else getattr(request, "user", None))
    submission.status = Submission.Status.RETURNED
    submission.verified_at = None
    submission.verified_by = None
    submission.save()
    Review.objects.create(
        submission=submission, action=Review.Action.REOPEN, comment=reason, by=user
    )
    audit(
        "reopen",
        request=request,
        user=user,
        obj=submission,
        edition=submission.edition.slug,
        region=submission.region.code,
        comment=reason,
    )
    return submission


@transaction.atomic
def store_counts(
    edition: Edition,
    counts: Any,
    *,
    status: str = Submission.Status.VERIFIED,
    source: str = "",
) -> int:
    """Bulk-load a counts table in the template's wide layout (``region_code`` plus ``I01_L1``
    … columns, as :func:`ikp.sample.generate` writes it) as the edition's observations: one
    submission per row in ``status`` (existing observations of those submissions replaced).
    For seeding and fixtures; office data goes through the form and upload services.
    Returns the number of submissions."""
    codes = [str(c) for c in counts["region_code"]]
    regions = dict(
        Region.objects.filter(edition=edition.region_edition, code__in=codes).values_list(
            "code", "pk"
        )
    )
    columns = [c for c in counts.columns if c not in ("synthetic", "region_code", "region_name")]
    now = timezone.now()
    verified = status == Submission.Status.VERIFIED
    submitted = status in (Submission.Status.SUBMITTED, Submission.Status.VERIFIED)
    fields = {
        "status": status,
        "submitted_at": now if submitted else None,
        "verified_at": now if verified else None,
    }
    with transaction.atomic():
        existing = Submission.objects.filter(edition=edition, region_id__in=regions.values())
        Observation.objects.filter(submission__in=existing).delete()
        existing.update(**fields, updated=now)
        have = set(existing.values_list("region_id", flat=True))
        Submission.objects.bulk_create(
            [
                Submission(edition=edition, region_id=pk, **fields)
                for pk in dict.fromkeys(regions[c] for c in codes)
                if pk not in have
            ],
            batch_size=2000,
        )
        submission_of = dict(
            Submission.objects.filter(edition=edition, region_id__in=regions.values()).values_list(
                "region_id", "pk"
            )
        )
        subs = [submission_of[regions[c]] for c in codes]
        values = counts[columns].to_numpy(dtype=float, na_value=np.nan)
        keys = [col.partition("_")[::2] for col in columns]
        insert_rows(
            Observation,
            (
                "submission",
                "indicator_code",
                "incidence_level",
                "value",
                "note",
                "source",
                "updated",
            ),
            (
                (sub, indicator, level, None if v != v else float(v), "", source, now)
                for sub, row in zip(subs, values.tolist(), strict=True)
                for (indicator, level), v in zip(keys, row, strict=True)
            ),
        )
    return len(codes)
