"""Bawaslu RI staff set each edition's live window (the last N days, or a period such as the
campaign) and whether the live panel is public; live runs are read-only."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ikp_web.apps.live.models import LiveEdition, LiveRun


@admin.register(LiveEdition)
class LiveEditionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("edition", "enabled", "window_days", "period_start", "period_end", "public")
    readonly_fields = ("dirty_since",)


@admin.register(LiveRun)
class LiveRunAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("edition", "based_on", "computed_at", "n_incidents", "seconds")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
