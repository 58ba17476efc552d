"""Admin for staff: submissions with their observations and reviews; the change history and
uploads are read-only (the history is the record of who changed what), and so is a
submission's status (reopening verified data is the review page's "Buka kembali" action)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ikp_web.apps.submissions.models import (
    Observation,
    ObservationChange,
    Review,
    Submission,
    UploadFile,
)


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReviewInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Review
    extra = 0
    readonly_fields = ("action", "comment", "by", "created")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("edition", "region", "status", "updated", "submitted_at", "verified_at")
    list_filter = ("edition", "status", "region__province_code")
    search_fields = ("region__code", "region__name")
    # the status changes through the workflow only (submit, verify, return, reopen: each leaves
    # a review entry and an audit record), never by editing it here
    readonly_fields = (
        "status",
        "submitted_at",
        "submitted_by",
        "verified_at",
        "verified_by",
        "updated",
    )
    raw_id_fields = ("region",)
    inlines = [ReviewInline]


@admin.register(Observation)
class ObservationAdmin(ReadOnlyAdmin):
    list_display = (
        "submission",
        "indicator_code",
        "incidence_level",
        "value",
        "updated_by",
        "updated",
    )
    list_filter = ("submission__edition",)
    search_fields = ("submission__region__code", "indicator_code")


@admin.register(ObservationChange)
class ObservationChangeAdmin(ReadOnlyAdmin):
    list_display = ("observation", "field", "old", "new", "changed_by", "via", "changed")
    list_filter = ("via", "field")
    search_fields = ("observation__submission__region__code", "observation__indicator_code")


@admin.register(UploadFile)
class UploadFileAdmin(ReadOnlyAdmin):
    list_display = (
        "original_name",
        "edition",
        "region",
        "scope",
        "status",
        "uploaded_by",
        "created",
        "decided_by",
        "decided_at",
    )
    list_filter = ("status", "scope", "edition")
    search_fields = ("original_name", "region__code")
