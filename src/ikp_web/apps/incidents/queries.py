"""Read-side helpers of the incident pages and the API: editions open for reports, the kab/kota a
reporter may choose, and rows for lists and a report's page (indicator names from the edition's
framework)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from ikp.incidents import SOURCE_TYPES
from ikp_web.apps.accounts import services as scope
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.incidents import services
from ikp_web.apps.incidents.models import Incident, IncidentEvent
from ikp_web.apps.regions.models import Region
from ikp_web.apps.submissions.spreadsheets import framework_of
from ikp_web.config import constants as c


def editions() -> QuerySet[Edition]:
    """Editions that take incident reports: those collected on this platform, newest first."""
    return Edition.objects.filter(kind=Edition.Kind.COLLECTED).order_by("-pk")


def all_regions(edition: Edition | None, level: int) -> QuerySet[Region]:
    """The provinces (level 1) or kab/kota (level 2) of ``edition``'s region edition."""
    region_edition = edition.region_edition if edition is not None else "current"
    return Region.objects.filter(edition=region_edition, level=level).order_by("code")


def regions_for(user: Any, edition: Edition | None, level: int) -> QuerySet[Region]:
    """The provinces (level 1) or kab/kota (level 2) ``user`` may report in: RI and partners
    all; a province office its province and its kab/kota; a kab/kota office its own."""
    qs = all_regions(edition, level)
    role = scope.role_of(user)
    if role in (c.ROLE_RI, c.ROLE_PARTNER):
        return qs
    home = scope.home_region(user)
    if home is None or role not in (c.ROLE_PROVINCE, c.ROLE_REGENCY):
        return qs.none()
    if level == 1:
        return qs.filter(code=home.province_code)
    if role == c.ROLE_PROVINCE:
        return qs.filter(province_code=home.province_code)
    return qs.filter(pk=home.pk)


def indicator_name(edition: Edition, code: str) -> str:
    framework = framework_of(edition)
    node = framework.nodes.get(code)
    return node.name_id if node is not None else code


def rows(incidents: Iterable[Incident]) -> list[dict[str, Any]]:
    out = []
    for i in incidents:
        out.append(
            {
                "pk": i.pk,
                "occurred_at": i.occurred_at,
                "regency": i.regency,
                "indicator_code": i.indicator_code,
                "indicator_name": indicator_name(i.edition, i.indicator_code),
                "incidence_level": i.incidence_level,
                "status": i.status,
                "status_label": i.get_status_display(),
                "via": i.get_via_display(),
                "source": SOURCE_TYPES.get(i.source_type, (i.source_type,))[0],
                "synthetic": i.synthetic,
            }
        )
    return out


def detail(incident: Incident) -> dict[str, Any]:
    registry = services.registry_of(incident.edition)
    district = registry.find(incident.district_code) if incident.district_code else None
    village = registry.find(incident.village_code) if incident.village_code else None
    return {
        "indicator_name": indicator_name(incident.edition, incident.indicator_code),
        "district": district,
        "village": village,
        "source": SOURCE_TYPES.get(incident.source_type, (incident.source_type,))[0],
    }


def events(incident: Incident) -> list[IncidentEvent]:
    return list(incident.events.select_related("by"))


def possible_duplicates(incident: Incident, user: Any) -> QuerySet[Incident]:
    """The likely duplicates flagged on intake that ``user`` may see."""
    ids = incident.possible_duplicates.values_list("pk", flat=True)
    return services.visible_to(user).filter(pk__in=list(ids)).order_by("occurred_at")
