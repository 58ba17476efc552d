"""The incident endpoints of API v1 (mounted at ``/api/v1/incidents`` by
``ikp_web.apps.api.api``):

* ``POST /incidents`` — report one incident with a bearer token (not a browser session: the web
  form is for that). Checked by the same validation as every other intake path; an office
  reports only inside its jurisdiction, a partner agency's reports are ``mitra`` reports. 201
  with the stored incident, or 422 ``INVALID_INCIDENT`` with every issue (field, message, hint).
* ``GET /incidents`` — anonymous callers (and the public role) read verified incidents of
  editions with a published computation, without the reporter; offices read their
  jurisdiction, RI and partners everything, with status and reporter; ``may_review`` says
  whether the caller may review the report now, and ``?to_review=true`` lists only those (the
  caller's review queue; ``IKP_INCIDENT_REVIEW_LEVEL``, four-eyes).
  Every incident says whether it is SYNTHETIC (``synthetic``; filter ``?synthetic=true|false``).
"""

from __future__ import annotations

from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from ikp.incidents import MAX_DESCRIPTION
from ikp_web.apps.accounts import services as scope
from ikp_web.apps.api import queries as q
from ikp_web.apps.api.errors import ApiError
from ikp_web.apps.api.params import Limit, Node, Offset
from ikp_web.apps.api.schemas import ErrorOut, PageMeta
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.incidents import services
from ikp_web.apps.incidents.models import Incident

router = Router(tags=["incidents"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}

Code = Annotated[str | None, Query(max_length=16, pattern=r"^[0-9.]{2,16}$")]
Slug = Annotated[str | None, Query(max_length=64, pattern=r"^[-a-zA-Z0-9_]+$")]
Text = str | int | float | None


class IncidentIn(Schema):
    edition: str = Field(..., max_length=64, description="edition slug, e.g. ikp-2024-kabkota")
    occurred_at: str = Field(
        ..., max_length=40, description="date and time, e.g. 2024-01-10T09:30 (WIB if no zone)"
    )
    province_code: str = Field(..., max_length=16, examples=["32"])
    regency_code: str = Field(..., max_length=16, examples=["32.01"])
    district_code: str | None = Field(None, max_length=16, examples=["32.01.01"])
    village_code: str | None = Field(None, max_length=16)
    tps_number: Text = Field(None, description="1-9999")
    latitude: Text = Field(None, description="decimal degrees, -11.5 to 6.5")
    longitude: Text = Field(None, description="decimal degrees, 94.5 to 141.5")
    indicator_code: str = Field(..., max_length=32, examples=["I01"])
    incidence_level: str | None = Field(None, max_length=16, examples=["L2"])
    description: str = Field(..., max_length=MAX_DESCRIPTION)
    source_type: str | None = Field(
        None, max_length=32, description="pengawas, masyarakat, media or mitra (partners: mitra)"
    )


class RegionRef(Schema):
    code: str
    name: str


class IncidentOut(Schema):
    id: int
    edition: str
    occurred_at: str
    province: RegionRef
    regency: RegionRef
    district_code: str
    village_code: str
    tps_number: int | None
    latitude: float | None
    longitude: float | None
    indicator_code: str
    incidence_level: str
    description: str
    source_type: str
    status: str = Field(..., description="received, verified, rejected or duplicate")
    via: str
    synthetic: bool = Field(
        False, description="SYNTHETIC data (demo or test), never real: DATA SINTETIS / SYNTHETIC"
    )
    reporter: str | None = Field(None, description="username; never shown to the public")
    possible_duplicates: list[int] = Field(
        default_factory=list, description="likely duplicates (offices only)"
    )
    may_review: bool = Field(
        False, description="the caller may verify, reject or mark it duplicate now"
    )


class IncidentPage(PageMeta):
    items: list[IncidentOut]


def _payload(incident: Incident, insider: bool, user: Any = None) -> dict[str, Any]:
    out = {
        "id": incident.pk,
        "edition": incident.edition.slug,
        "occurred_at": q.iso(incident.occurred_at),
        "province": {"code": incident.province.code, "name": incident.province.name},
        "regency": {"code": incident.regency.code, "name": incident.regency.name},
        "district_code": incident.district_code,
        "village_code": incident.village_code,
        "tps_number": incident.tps_number,
        "latitude": incident.latitude,
        "longitude": incident.longitude,
        "indicator_code": incident.indicator_code,
        "incidence_level": incident.incidence_level,
        "description": incident.description,
        "source_type": incident.source_type,
        "status": incident.status,
        "via": incident.via,
        "synthetic": incident.synthetic,
        "reporter": None,
        "possible_duplicates": [],
        "may_review": False,
    }
    if insider:
        out["may_review"] = incident.status == Incident.Status.RECEIVED and services.can_review(
            user, incident
        )
        out["reporter"] = incident.reporter.username if incident.reporter else None
        out["possible_duplicates"] = sorted(d.pk for d in incident.possible_duplicates.all())
    return out


class _Page:
    """A queryset counted and sliced in the database, each row turned into its payload."""

    def __init__(self, qs: QuerySet[Incident], insider: bool, user: Any) -> None:
        self.qs = qs
        self.insider = insider
        self.user = user

    def __len__(self) -> int:
        return self.qs.count()

    def __getitem__(self, item: slice) -> list[dict[str, Any]]:
        return [_payload(i, self.insider, self.user) for i in self.qs[item]]


@router.post("", response={201: IncidentOut, 400: ErrorOut, **ERRORS, 429: ErrorOut})
def create_incident(request: HttpRequest, payload: IncidentIn) -> Any:
    """Report one incident (bearer token only; offices inside their jurisdiction)."""
    user = request.auth  # type: ignore[attr-defined]
    if not request.headers.get("Authorization") or not user.is_authenticated:
        raise ApiError(401, "NOT_AUTHENTICATED", _("Laporan lewat API memerlukan token (Bearer)."))
    if not services.can_report(user):
        raise ApiError(403, "FORBIDDEN", _("Peran Anda tidak dapat melaporkan kejadian."))
    edition = Edition.objects.filter(slug=payload.edition, kind=Edition.Kind.COLLECTED).first()
    if edition is None:
        raise ApiError.not_found(_("Edisi"), payload.edition)
    values = payload.dict(exclude={"edition"})
    records, report = services.check(edition, user, [(None, values)])
    if not report.ok:
        raise ApiError(
            422,
            "INVALID_INCIDENT",
            _("Laporan tidak sah; lihat daftar masalah."),
            {
                "issues": [
                    {
                        "field": i.location.column,
                        "code": str(i.code),
                        "message": i.message,
                        "hint": i.hint,
                    }
                    for i in report.errors
                ]
            },
        )
    incident = services.store(edition, records, reporter=user, via=Incident.Via.API)[0]
    return Status(201, _payload(incident, insider=True, user=user))


@router.get("", response={200: IncidentPage, **ERRORS})
def list_incidents(
    request: HttpRequest,
    edition: Slug = None,
    status: Annotated[
        str | None, Query(pattern=r"^(received|verified|rejected|duplicate)$")
    ] = None,
    regency: Code = None,
    indicator: Node = None,
    to_review: bool = False,
    synthetic: Annotated[
        bool | None, Query(description="true: synthetic incidents only; false: real only")
    ] = None,
    limit: Limit = None,
    offset: Offset = None,
) -> dict[str, Any]:
    """Incidents, newest first. Anonymous callers and the public: verified incidents of
    published editions only, without the reporter; offices: their jurisdiction; RI and
    partners: all. ``to_review=true``: only the received reports the caller may review."""
    user = request.auth  # type: ignore[attr-defined]
    insider = scope.can_see_unpublished(user)
    qs = services.to_review(user) if to_review else services.visible_to(user)
    if not insider:
        qs = qs.filter(
            status=Incident.Status.VERIFIED, edition__computations__published=True
        ).distinct()
    if edition:
        qs = qs.filter(edition__slug=edition)
    if status:
        qs = qs.filter(status=status)
    if regency:
        qs = qs.filter(regency__code=regency)
    if indicator:
        qs = qs.filter(indicator_code=indicator.upper())
    if synthetic is not None:
        qs = qs.filter(synthetic=synthetic)
    qs = qs.order_by("-occurred_at", "-pk")
    if insider:
        qs = qs.prefetch_related("possible_duplicates")
    return q.paginate(request, _Page(qs, insider, user), limit, offset)
