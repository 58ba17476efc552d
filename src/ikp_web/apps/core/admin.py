"""The audit log is read-only. Jobs may be inspected, deleted, or marked failed when their worker
died (a stale queued/running compute job otherwise blocks the edition for a while)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ikp_web.apps.core.models import AuditLog, Job


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["created", "username", "action", "object_type", "object_id", "ip_address"]
    list_filter = ["action", "object_type"]
    search_fields = ["username", "object_id"]
    date_hierarchy = "created"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "id",
        "kind",
        "status",
        "progress",
        "message",
        "created_by",
        "created",
        "updated",
    ]
    list_filter = ["kind", "status"]
    search_fields = ["message"]
    list_select_related = ["created_by"]
    readonly_fields = [
        "kind",
        "status",
        "progress",
        "message",
        "params",
        "result",
        "created_by",
        "created",
        "updated",
    ]
    actions = ["mark_failed"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def view_on_site(self, obj: Job) -> str:  # type: ignore[override]
        return reverse("scoring:job", args=[obj.pk])

    @admin.action(description=_("Tandai gagal (pekerja berhenti)"))
    def mark_failed(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        n = queryset.filter(status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).update(
            status=Job.Status.FAILED,
            message="ditandai gagal oleh admin / marked failed by an administrator",
        )
        messages.info(request, _("%(n)d pekerjaan ditandai gagal.") % {"n": n})
