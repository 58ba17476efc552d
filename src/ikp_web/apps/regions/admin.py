"""Regions are loaded from the core's registry (``ikp_web.apps.regions.services.load_regions``):
read-mostly here. Codes, levels and parents never change in the admin; population and area may
be corrected."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ikp_web.apps.regions.models import Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "level", "province_code", "edition", "population", "area_km2"]
    list_filter = ["edition", "level"]
    search_fields = ["code", "name"]
    ordering = ["edition", "code"]
    list_select_related = ["parent"]
    readonly_fields = ["edition", "code", "name", "level", "parent", "province_code"]
    fields = [
        "edition",
        "code",
        "name",
        "level",
        "parent",
        "province_code",
        "population",
        "area_km2",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
