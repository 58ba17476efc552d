"""Incidents: who may report and review where, the one validation every intake path runs, storing
reports (with their history and duplicate flags), evidence files, and the review lifecycle.

Every intake path (web form, API, bulk upload, public form) calls :func:`check` and then
:func:`store`; the rules are the core's (:mod:`ikp.incidents`), with the region registry of the
edition and the reporter's jurisdiction.

Scope (reuses :mod:`ikp_web.apps.accounts.services`):

* report: Bawaslu RI and partner agencies anywhere; a province office in its province; a
  kab/kota office in its kab/kota; the public form anywhere (into moderation);
* review (verify / reject / mark duplicate), by ``IKP_INCIDENT_REVIEW_LEVEL`` (ADR 0007):
  ``province`` (the default): Bawaslu RI anywhere and a province office in its province; a
  kab/kota office sees its reports but does not review them. ``regency``: also a kab/kota
  office in its kab/kota. In both, nobody reviews a report they submitted (four-eyes), and
  partners and the public never review.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from ikp.incidents import IncidentRecord, IncidentRules, check_records
from ikp.issues import ValidationReport
from ikp.regions import RegionRegistry
from ikp_web.apps.accounts import services as scope
from ikp_web.apps.core.services import audit
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.incidents.models import Incident, IncidentEvent, IncidentEvidence
from ikp_web.apps.incidents.signals import incident_reviewed
from ikp_web.apps.regions.models import Region
from ikp_web.apps.submissions.spreadsheets import framework_of
from ikp_web.config import constants as c

S = Incident.Status
#: the review actions and the status each leads to
ACTIONS = {"verify": S.VERIFIED, "reject": S.REJECTED, "duplicate": S.DUPLICATE}
#: evidence files: at most this size, and one of these types (recognised by content)
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_MAX_FILES = 5
EVIDENCE_TYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
EVIDENCE_TYPES["image/webp"] = ".webp"


class NotAllowed(Exception):
    """The incident's status or the user's scope does not allow this action."""


# --------------------------------------------------------------------------- scope


def _codes(region: Any) -> tuple[str, str]:
    return str(region.province_code), str(region.code)


def can_report_in(user: Any, province_code: str, regency_code: str) -> bool:
    """Whether ``user`` may report an incident in this kab/kota (see the module docstring)."""
    role = scope.role_of(user)
    if role in (c.ROLE_RI, c.ROLE_PARTNER):
        return True
    home = scope.home_region(user)
    if home is None:
        return False
    if role == c.ROLE_PROVINCE:
        return bool(home.province_code == province_code)
    if role == c.ROLE_REGENCY:
        return bool(home.code == regency_code)
    return False


def can_report(user: Any) -> bool:
    return scope.role_of(user) in (c.ROLE_RI, c.ROLE_PARTNER, c.ROLE_PROVINCE, c.ROLE_REGENCY)


#: the values of ``IKP_INCIDENT_REVIEW_LEVEL``: who reviews a report inside a kab/kota
REVIEW_LEVELS = ("province", "regency")


def review_level() -> str:
    """``province`` (default) or ``regency``; anything else is a configuration error."""
    level = str(getattr(settings, "IKP_INCIDENT_REVIEW_LEVEL", "province"))
    if level not in REVIEW_LEVELS:
        raise ImproperlyConfigured(
            f"IKP_INCIDENT_REVIEW_LEVEL must be one of {REVIEW_LEVELS}; got {level!r}"
        )
    return level


def _review_scope(user: Any) -> Q | None:
    """The incidents ``user`` may review, whatever their status and reporter, as a filter
    (``Q()``: all; None: none)."""
    role = scope.role_of(user)
    if role == c.ROLE_RI:
        return Q()
    home = scope.home_region(user)
    if home is None:
        return None
    if role == c.ROLE_PROVINCE:
        return Q(province__code=home.province_code, province__edition=home.edition)
    if role == c.ROLE_REGENCY and review_level() == "regency":
        return Q(regency=home)
    return None


def is_own_report(user: Any, incident: Incident) -> bool:
    return incident.reporter_id is not None and incident.reporter_id == getattr(user, "pk", None)


def in_review_scope(user: Any, incident: Incident) -> bool:
    """Whether the kab/kota of ``incident`` is in the review scope of ``user`` (whoever
    reported it)."""
    role = scope.role_of(user)
    if role == c.ROLE_RI:
        return True
    home = scope.home_region(user)
    if home is None:
        return False
    if role == c.ROLE_PROVINCE:
        return bool(home.province_code == incident.province.code)
    if role == c.ROLE_REGENCY and review_level() == "regency":
        return bool(home.pk == incident.regency_id)
    return False


def can_review(user: Any, incident: Incident) -> bool:
    """Verify, reject or mark as duplicate (see the module docstring): an office whose review
    scope holds the kab/kota, never the report's own reporter (four-eyes)."""
    return in_review_scope(user, incident) and not is_own_report(user, incident)


def to_review(user: Any) -> Any:
    """The received incidents ``user`` may review now (the review queue): in their review
    scope, not reported by themselves. Empty for partners, the public and, under the default
    policy, kab/kota offices."""
    where = _review_scope(user)
    if where is None:
        return Incident.objects.none()
    return visible_to(user).filter(where, status=S.RECEIVED).exclude(reporter_id=user.pk)


def visible_to(user: Any) -> Any:
    """The incidents ``user`` may see: RI and partners all; offices their jurisdiction; the
    public (and anonymous visitors) only verified incidents."""
    qs = Incident.objects.select_related("edition__framework", "province", "regency", "reporter")
    role = scope.role_of(user)
    if role in (c.ROLE_RI, c.ROLE_PARTNER):
        return qs
    home = scope.home_region(user)
    if role == c.ROLE_PROVINCE and home is not None:
        return qs.filter(province__code=home.province_code, province__edition=home.edition)
    if role == c.ROLE_REGENCY and home is not None:
        return qs.filter(regency=home)
    return qs.filter(status=S.VERIFIED)


# --------------------------------------------------------------------------- validation


def registry_of(edition: Edition) -> RegionRegistry:
    return RegionRegistry.load(edition.region_edition, max_level=4)


def rules_for(edition: Edition, user: Any, *, public: bool = False) -> IncidentRules:
    """The core's rules for ``edition``: its indicators (Indonesian names), levels, region
    registry, and the jurisdiction of ``user`` (none for the public form)."""
    framework = framework_of(edition)
    indicators = {code: framework.node(code).name_id for code in framework.indicators}
    tz = timezone.get_current_timezone()

    def in_scope(province: str, regency: str) -> bool:
        return can_report_in(user, province, regency)

    return IncidentRules(
        registry=registry_of(edition),
        indicators=indicators,
        levels=tuple(lv.code for lv in framework.incidence_levels),
        now=timezone.now() + dt.timedelta(minutes=5),  # a phone's clock may run a little fast
        tz=tz,
        in_scope=None if public else in_scope,
    )


def check(
    edition: Edition,
    user: Any,
    rows: Iterable[tuple[int | None, Mapping[str, Any]]],
    *,
    public: bool = False,
    file: str | None = None,
) -> tuple[list[IncidentRecord], ValidationReport]:
    """Validate incidents for ``edition`` as reported by ``user``: every issue at once. A
    partner agency's reports are ``mitra`` reports, whatever source type they give."""
    if scope.role_of(user) == c.ROLE_PARTNER and not public:
        rows = ((row, {**values, "source_type": "mitra"}) for row, values in rows)
    return check_records(rows, rules_for(edition, user, public=public), file=file)


def sniff(head: bytes) -> str | None:
    """The evidence type of a file from its first bytes (None: not an accepted type)."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def check_evidence(files: Sequence[UploadedFile]) -> list[str]:
    """Every problem with the evidence files (size, count, type by content)."""
    problems: list[str] = []
    if len(files) > EVIDENCE_MAX_FILES:
        problems.append(
            _("Paling banyak %(n)s file bukti per laporan.") % {"n": EVIDENCE_MAX_FILES}
        )
    for f in files:
        name = f.name or "?"
        if (f.size or 0) > EVIDENCE_MAX_BYTES:
            problems.append(
                _("%(name)s: %(mb).1f MB; batasnya %(max)s MB.")
                % {"name": name, "mb": (f.size or 0) / 1e6, "max": EVIDENCE_MAX_BYTES // 2**20}
            )
            continue
        f.seek(0)
        head = f.read(16)
        f.seek(0)
        if sniff(head) is None:
            problems.append(
                _("%(name)s: bukan PDF, JPEG, PNG atau WebP (diperiksa dari isinya).")
                % {"name": name}
            )
    return problems


# --------------------------------------------------------------------------- storing


@dataclass
class Contact:
    name: str = ""
    phone: str = ""
    email: str = ""


def regions_of(edition: Edition, records: Sequence[IncidentRecord]) -> dict[str, Region]:
    """The province and kab/kota rows the records name, by code."""
    codes = {r.province_code for r in records} | {r.regency_code for r in records}
    return {
        r.code: r for r in Region.objects.filter(edition=edition.region_edition, code__in=codes)
    }


@transaction.atomic
def store(
    edition: Edition,
    records: Sequence[IncidentRecord],
    *,
    reporter: Any = None,
    via: str = Incident.Via.FORM,
    contact: Contact | None = None,
    evidence: Sequence[UploadedFile] = (),
    request: HttpRequest | None = None,
) -> list[Incident]:
    """Save checked records as received incidents (one ``create`` event each), attach the
    evidence files (to a single record), and flag likely duplicates. All or nothing."""
    user = reporter if getattr(reporter, "is_authenticated", False) else None
    contact = contact or Contact()
    regions = regions_of(edition, records)
    incidents = [
        Incident(
            edition=edition,
            occurred_at=r.occurred_at,
            province=regions[r.province_code],
            regency=regions[r.regency_code],
            district_code=r.district_code,
            village_code=r.village_code,
            tps_number=r.tps_number,
            latitude=r.latitude,
            longitude=r.longitude,
            indicator_code=r.indicator_code,
            incidence_level=r.incidence_level,
            description=r.description,
            source_type=r.source_type,
            via=via,
            reporter=user,
            contact_name=contact.name,
            contact_phone=contact.phone,
            contact_email=contact.email,
        )
        for r in records
    ]
    incidents = Incident.objects.bulk_create(incidents, batch_size=2000)
    if any(i.pk is None for i in incidents):  # pragma: no cover - backends without RETURNING
        raise RuntimeError("bulk_create did not return primary keys")
    note = _("Laporan publik, menunggu moderasi") if via == Incident.Via.PUBLIC else ""
    IncidentEvent.objects.bulk_create(
        [
            IncidentEvent(incident=i, action="create", to_status=S.RECEIVED, by=user, note=note)
            for i in incidents
        ],
        batch_size=2000,
    )
    if evidence and len(incidents) == 1:
        for f in evidence:
            f.seek(0)
            kind = sniff(f.read(16)) or "application/octet-stream"
            f.seek(0)
            IncidentEvidence.objects.create(
                incident=incidents[0],
                file=f,
                original_name=(f.name or "bukti")[:255],
                content_type=kind,
                size=f.size or 0,
                uploaded_by=user,
            )
    flag_duplicates(edition, incidents)
    audit(
        "incident_report",
        request=request,
        user=user,
        obj=incidents[0] if len(incidents) == 1 else None,
        edition=edition.slug,
        via=str(via),
        count=len(incidents),
    )
    return incidents


def duplicate_window() -> dt.timedelta:
    return dt.timedelta(hours=int(getattr(settings, "IKP_INCIDENT_DUPLICATE_HOURS", 72)))


class _Candidate(NamedTuple):
    """What duplicate flagging reads of a stored incident."""

    pk: int
    indicator_code: str
    regency_id: int
    district_code: str
    occurred_at: dt.datetime


def _same_place(a: Any, b: Any) -> bool:
    if a.regency_id != b.regency_id:
        return False
    return not (a.district_code and b.district_code and a.district_code != b.district_code)


def flag_duplicates(edition: Edition, new: Sequence[Any]) -> int:
    """Link each new incident with the incidents of the same edition, indicator and place
    (kab/kota; kecamatan when both have one) within :func:`duplicate_window` of it (rejected
    ones left out). ``new``: stored incidents, or rows with their ``pk``, ``regency_id``,
    ``district_code``, ``indicator_code`` and ``occurred_at`` (the bulk upload). Returns the
    number of pairs flagged."""
    if not new:
        return 0
    window = duplicate_window()
    start = min(i.occurred_at for i in new) - window
    end = max(i.occurred_at for i in new) + window
    candidates = (
        Incident.objects.filter(
            edition=edition,
            indicator_code__in={i.indicator_code for i in new},
            regency_id__in={i.regency_id for i in new},
            occurred_at__gte=start,
            occurred_at__lte=end,
        )
        .exclude(status=S.REJECTED)
        .values_list(*_Candidate._fields)
    )
    groups: dict[tuple[str, int], list[_Candidate]] = {}
    for values in candidates.iterator(chunk_size=5000):  # tuples, not model instances
        other = _Candidate(*values)
        groups.setdefault((other.indicator_code, other.regency_id), []).append(other)
    pairs: set[tuple[int, int]] = set()
    for incident in new:
        for other in groups.get((incident.indicator_code, incident.regency_id), []):
            if other.pk == incident.pk or not _same_place(incident, other):
                continue
            if abs(other.occurred_at - incident.occurred_at) <= window:
                pairs.add((min(incident.pk, other.pk), max(incident.pk, other.pk)))
    through = Incident.possible_duplicates.through
    rows = [through(from_incident_id=a, to_incident_id=b) for a, b in pairs]
    rows += [through(from_incident_id=b, to_incident_id=a) for a, b in pairs]
    through.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    return len(pairs)


# --------------------------------------------------------------------------- lifecycle


@transaction.atomic
def review(
    incident: Incident,
    action: str,
    note: str = "",
    *,
    actor: Any,
    duplicate_of: Incident | None = None,
    request: HttpRequest | None = None,
) -> Incident:
    """Verify, reject or mark ``incident`` as a duplicate (of ``duplicate_of``), by a reviewer
    in scope; only a received incident can be reviewed. Rejecting needs a note."""
    if action not in ACTIONS:
        raise ValueError(f"action must be one of {sorted(ACTIONS)}; got {action!r}")
    incident = Incident.objects.select_for_update().select_related("province").get(pk=incident.pk)
    if is_own_report(actor, incident):
        raise NotAllowed(_("Anda tidak dapat meninjau laporan yang Anda kirim sendiri."))
    if not can_review(actor, incident):
        raise NotAllowed(_("Laporan ini di luar wilayah kewenangan peninjauan Anda."))
    if incident.status != S.RECEIVED:
        raise NotAllowed(_("Hanya laporan berstatus “diterima” yang dapat ditinjau."))
    note = note.strip()
    if action == "reject" and not note:
        raise ValueError(_("Penolakan memerlukan catatan alasannya."))
    if action == "duplicate":
        if duplicate_of is None or duplicate_of.pk == incident.pk:
            raise ValueError(_("Pilih laporan asli yang diduplikasi."))
        if duplicate_of.edition_id != incident.edition_id:
            raise ValueError(_("Laporan asli harus dari edisi yang sama."))
        incident.duplicate_of = duplicate_of
    before = incident.status
    incident.status = ACTIONS[action]
    incident.reviewed_by = actor
    incident.reviewed_at = timezone.now()
    incident.save()
    IncidentEvent.objects.create(
        incident=incident,
        action=action,
        from_status=before,
        to_status=incident.status,
        note=note,
        by=actor,
    )
    audit(
        f"incident_{action}",
        request=request,
        user=actor,
        obj=incident,
        edition=incident.edition.slug,
        region=incident.regency.code,
        note=note,
    )
    incident_reviewed.send(sender=Incident, incident=incident, action=action)
    return incident
