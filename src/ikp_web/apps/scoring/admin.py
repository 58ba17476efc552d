"""Computations come from compute jobs and are published on /hitung/ (``do_publish``, audited):
here they are read-only, except the source note of an unpublished version. A published version
cannot be changed or deleted; an unpublished one may be deleted."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse

from ikp_web.apps.scoring.models import Computation, Result

COMPUTED = [
    "edition",
    "version",
    "status",
    "job",
    "recipe",
    "input_hash",
    "audit",
    "sensitivity",
    "uncertainty_runs",
    "synthetic",
    "created_by",
    "created",
    "published",
    "published_at",
    "published_by",
    "supersedes",
    "change_log",
]


@admin.register(Computation)
class ComputationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "edition",
        "version",
        "status",
        "published",
        "published_at",
        "synthetic",
        "uncertainty_runs",
        "created",
        "created_by",
    ]
    list_filter = ["published", "status", "synthetic", "edition"]
    search_fields = ["edition__slug", "input_hash", "change_log"]
    list_select_related = ["edition", "created_by"]
    fields = [*COMPUTED[:2], "source", *COMPUTED[2:]]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is not None and obj.published:
            return [*COMPUTED, "source"]
        return list(COMPUTED)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.published:
            return False  # view only
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.published:
            return False
        return super().has_delete_permission(request, obj)

    def view_on_site(self, obj: Computation) -> str:  # type: ignore[override]
        return reverse("scoring:computation", args=[obj.edition.slug, obj.version])


@admin.register(Result)
class ResultAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "computation",
        "region",
        "node_code",
        "level",
        "score",
        "rank",
        "klass",
        "rank_p05",
        "rank_p95",
    ]
    list_filter = ["level", "klass", "computation__edition"]
    search_fields = ["region__code", "region__name", "node_code"]
    list_select_related = ["computation", "computation__edition", "region"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
