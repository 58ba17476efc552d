"""``GET /api/v1/alerts`` (mounted by ``ikp_web.apps.api.api``): the alerts the caller may see
(``services.visible_to``: RI all, offices their jurisdiction, partners their subscriptions and
the public alerts, the public role the public alerts), newest first. A bearer token or a browser
session; anonymous callers get 401 (the public alerts are in the feeds,
``/peringatan/umpan.rss`` and ``.atom``)."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from ikp.alert_rules import KINDS
from ikp.regions import normalize_code
from ikp_web.apps.alerts import services
from ikp_web.apps.alerts.models import Alert
from ikp_web.apps.api import queries as q
from ikp_web.apps.api.auth import require_login
from ikp_web.apps.api.params import Limit, Node, Offset, RegionCodeQuery, choice_pattern
from ikp_web.apps.api.schemas import ErrorOut, PageMeta

router = Router(tags=["alerts"])

AlertStatus = Annotated[str | None, Query(pattern=choice_pattern(Alert.Status.values))]
AlertKind = Annotated[str | None, Query(pattern=choice_pattern(KINDS))]
EditionSlug = Annotated[str | None, Query(pattern=r"^([-a-zA-Z0-9_]{1,64})?$")]


class RegionRef(Schema):
    code: str
    name: str


class AlertOut(Schema):
    id: int
    rule: str = Field(..., description="the rule's slug")
    kind: str = Field(..., description="class_transition, score_rise, spike or prob_threshold")
    level: str = Field(..., description="info, warning or critical")
    region: RegionRef
    edition: str
    component: str = Field(..., description="framework node watched, e.g. IKP or D1.S1")
    source: str = Field(..., description="published (snapshot) or live (live index)")
    status: str = Field(..., description="open, acknowledged or closed")
    raised_at: str
    values: dict[str, Any]
    explanation: dict[str, Any] = Field(
        ..., description="text_id, text_en, indicators (codes), incidents (ids), window_days"
    )
    url: str = Field(..., description="the alert's page, absolute (setting IKP_SITE_URL)")


class AlertPage(PageMeta):
    items: list[AlertOut]


class _Page:
    def __init__(self, qs: Any) -> None:
        self.qs = qs

    def __len__(self) -> int:
        return int(self.qs.count())

    def __getitem__(self, item: slice) -> list[dict[str, Any]]:
        return [services.alert_json(a) for a in self.qs[item]]


@router.get("", response={200: AlertPage, 401: ErrorOut, 422: ErrorOut})
def list_alerts(
    request: HttpRequest,
    status: AlertStatus = None,
    kind: AlertKind = None,
    edition: EditionSlug = None,
    region: RegionCodeQuery = None,
    component: Node = None,
    limit: Limit = None,
    offset: Offset = None,
) -> dict[str, Any]:
    """Alerts in the caller's scope, newest first; filters: `status`, `kind`, `edition` (slug),
    `region` (`32.04`, `3204` or `kemendagri:32.04`), `component` (`D1.S1`)."""
    user = request.auth  # type: ignore[attr-defined]
    require_login(user)
    qs = services.visible_to(user)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(rule__kind=kind)
    if edition:
        qs = qs.filter(edition__slug=edition)
    if region:
        try:
            qs = qs.filter(region__code=normalize_code(region))
        except ValueError as exc:
            raise q.invalid_region_code(region, "region", str(exc)) from exc
    if component:
        qs = qs.filter(component=component.upper())
    return q.paginate(request, _Page(qs), limit, offset)
