"""Staff views of incidents: read-mostly (reports change through the review service so that
each change has its history row)."""

from typing import Any

from django.contrib import admin

from ikp_web.apps.incidents.models import (
    Incident,
    IncidentEvent,
    IncidentEvidence,
    IncidentUpload,
)


class EventInline(admin.TabularInline):
    model = IncidentEvent
    extra = 0
    can_delete = False
    readonly_fields = ("action", "from_status", "to_status", "note", "by", "at")


class EvidenceInline(admin.TabularInline):
    model = IncidentEvidence
    extra = 0
    readonly_fields = ("original_name", "content_type", "size", "uploaded_by", "created")
    exclude = ("file",)


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "edition",
        "occurred_at",
        "regency",
        "indicator_code",
        "status",
        "via",
        "synthetic",
    )
    list_filter = ("status", "via", "source_type", "synthetic", "edition")
    search_fields = ("description", "indicator_code", "regency__code", "regency__name")
    raw_id_fields = ("province", "regency", "reporter", "duplicate_of", "reviewed_by")
    readonly_fields = ("status", "reviewed_by", "reviewed_at", "created", "updated")
    filter_horizontal = ()
    exclude = ("possible_duplicates",)
    inlines = (EvidenceInline, EventInline)


@admin.register(IncidentUpload)
class IncidentUploadAdmin(admin.ModelAdmin):
    """Bulk uploads and their jobs: read-only (a job whose worker died is marked failed when its
    page is viewed or a worker starts)."""

    list_display = ("id", "original_name", "edition", "uploaded_by", "status", "stored", "errors")
    list_filter = ("status", "edition")
    readonly_fields = tuple(
        f.name for f in IncidentUpload._meta.get_fields() if f.concrete and f.name != "id"
    )

    def has_add_permission(self, request: Any) -> bool:
        return False
