"""Who may see and do what. Every view, API call and download asks these functions; nothing is
decided in templates.

- Bawaslu RI: everything.
- Bawaslu provinsi: its province and the kabupaten/kota in it (enter, review its kab/kota).
- Bawaslu kabupaten/kota: its own region (enter and submit its own data).
- Partner agency: read everything that is not public, no writes.
- Public (and anonymous visitors): published results only.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from ikp_web.config import constants as c


def role_of(user: Any) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return c.ROLE_PUBLIC
    if getattr(user, "is_superuser", False):
        return c.ROLE_RI
    profile = getattr(user, "profile", None)
    return profile.role if profile is not None else c.ROLE_PUBLIC


def home_region(user: Any) -> Any:
    profile = getattr(user, "profile", None) if getattr(user, "is_authenticated", False) else None
    return profile.region if profile is not None else None


def can_see_unpublished(user: Any) -> bool:
    return role_of(user) in (c.ROLE_RI, c.ROLE_PROVINCE, c.ROLE_REGENCY, c.ROLE_PARTNER)


def is_national(user: Any) -> bool:
    return role_of(user) == c.ROLE_RI


def region_filter(user: Any, prefix: str = "") -> Q:
    """A Q object limiting a queryset's regions to the user's jurisdiction (for data entry and
    review). RI and partners: everything; others: nothing outside their region."""
    role = role_of(user)
    if role in (c.ROLE_RI, c.ROLE_PARTNER):
        return Q()
    region = home_region(user)
    if region is None or role == c.ROLE_PUBLIC:
        return Q(pk__in=[])
    if role == c.ROLE_PROVINCE:
        return Q(**{f"{prefix}province_code": region.province_code})
    return Q(**{f"{prefix}pk": region.pk})


def regions_in_scope(user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
    return queryset.filter(region_filter(user))


def can_edit_region(user: Any, region: Any) -> bool:
    """Enter data for ``region``: its own office, its province office, or RI."""
    role = role_of(user)
    if role == c.ROLE_RI:
        return True
    home = home_region(user)
    if home is None:
        return False
    if role == c.ROLE_REGENCY:
        return bool(home.pk == region.pk)
    if role == c.ROLE_PROVINCE:
        return bool(home.province_code == region.province_code)
    return False


def can_review_region(user: Any, region: Any) -> bool:
    """Verify or return a submission: the province for its kab/kota, RI for everything."""
    role = role_of(user)
    if role == c.ROLE_RI:
        return True
    home = home_region(user)
    return bool(
        role == c.ROLE_PROVINCE
        and home is not None
        and region.level == 2
        and home.province_code == region.province_code
    )


def can_compute(user: Any) -> bool:
    return role_of(user) == c.ROLE_RI


def can_see_job(user: Any, job: Any) -> bool:
    """A background job's page and status: Bawaslu RI, or the user who started it."""
    if not getattr(user, "is_authenticated", False):
        return False
    return is_national(user) or (job.created_by_id is not None and job.created_by_id == user.pk)
