"""Incident reports (*laporan kejadian*): what happened, where, when, which indicator it
evidences, who reported it, its evidence files, and every change of its status.

Places: the province and kab/kota are rows of the region registry (``regions.Region`` of the
edition's region edition); kecamatan and desa/kelurahan are not stored as rows there, so they are
kept as Kemendagri codes (checked against the core registry, :mod:`ikp.incidents`).

Lifecycle: ``received`` → ``verified`` / ``rejected`` / ``duplicate`` (a reviewer in scope,
:mod:`ikp_web.apps.incidents.services`); each change is an :class:`IncidentEvent`. Only verified
incidents are ever shown publicly or counted (the live index of issue 8 reads verified rows by
edition, indicator, level and region)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ikp.incidents import SOURCE_TYPES


class Incident(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", "diterima / received"
        VERIFIED = "verified", "terverifikasi / verified"
        REJECTED = "rejected", "ditolak / rejected"
        DUPLICATE = "duplicate", "duplikat / duplicate"

    class Via(models.TextChoices):
        FORM = "form", "formulir / form"
        API = "api", "API"
        UPLOAD = "upload", "unggahan massal / bulk upload"
        PUBLIC = "public", "laporan publik / public report"

    SOURCE_CHOICES = tuple((k, f"{v[0]} / {v[1]}") for k, v in SOURCE_TYPES.items())

    edition = models.ForeignKey(
        "frameworks.Edition", on_delete=models.PROTECT, related_name="incidents"
    )
    occurred_at = models.DateTimeField(db_index=True)
    province = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", limit_choices_to={"level": 1}
    )
    regency = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", limit_choices_to={"level": 2}
    )
    district_code = models.CharField(max_length=16, blank=True)
    village_code = models.CharField(max_length=16, blank=True)
    tps_number = models.PositiveSmallIntegerField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    indicator_code = models.CharField(max_length=32)
    incidence_level = models.CharField(max_length=16, blank=True)
    description = models.TextField()
    source_type = models.CharField(max_length=16, choices=SOURCE_CHOICES)
    via = models.CharField(max_length=8, choices=Via.choices, default=Via.FORM)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incidents_reported",
    )
    # a public report (no login): who to contact; never shown publicly
    contact_name = models.CharField(max_length=200, blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    contact_email = models.EmailField(blank=True)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    #: likely duplicates found on intake (same indicator, same place, close in time)
    possible_duplicates = models.ManyToManyField("self", blank=True, symmetrical=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    #: SYNTHETIC data (the demo stream, tests): labelled "DATA SINTETIS / SYNTHETIC" wherever
    #: the incident is shown (pages, API, the live panel)
    synthetic = models.BooleanField(default=False)
    #: the bulk upload that brought the incident in (none for the other intake paths)
    upload = models.ForeignKey(
        "IncidentUpload",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incidents",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["edition", "indicator_code", "regency", "occurred_at"]),
            models.Index(fields=["edition", "status"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.indicator_code} {self.regency_id} {self.occurred_at:%Y-%m-%d}"

    @property
    def is_public_report(self) -> bool:
        return self.via == self.Via.PUBLIC


class IncidentEvent(models.Model):
    """One change of an incident: created, or a status change, with who, when and a note."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16)  # create | verify | reject | duplicate | reopen
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    note = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.incident_id}: {self.from_status or '-'} → {self.to_status}"


class IncidentEvidence(models.Model):
    """An evidence file (checked by content: PDF, JPEG, PNG or WebP, at most 10 MB)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="incidents/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "pk"]

    def __str__(self) -> str:
        return self.original_name


class IncidentUpload(models.Model):
    """A bulk upload of incidents, checked and stored by a background job
    (:mod:`ikp_web.apps.incidents.bulk`): the file as uploaded, who uploaded it for which
    edition, the job's state (``queued`` → ``running`` → ``done`` or ``failed``, progress,
    message; ``heartbeat`` and ``worker`` as :class:`~ikp_web.apps.core.models.Job` has them,
    so a job whose worker died is marked failed the same way), and the outcome: the number of
    rows, of incidents stored (all or nothing) and the validation report with every issue."""

    class Status(models.TextChoices):  # the values of core.Job's statuses
        QUEUED = "queued", "antre / queued"
        RUNNING = "running", "berjalan / running"
        DONE = "done", "selesai / done"
        FAILED = "failed", "gagal / failed"

    edition = models.ForeignKey("frameworks.Edition", on_delete=models.CASCADE, related_name="+")
    file = models.FileField(upload_to="incidents/uploads/%Y/%m/")
    original_name = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # 0-100
    message = models.TextField(blank=True)
    rows = models.PositiveIntegerField(default=0)
    stored = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)
    #: the validation report (``ValidationReport.to_dict()``: every issue with row, column, hint)
    report = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    started = models.DateTimeField(null=True, blank=True)
    checked = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)
    heartbeat = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return f"incident upload {self.pk} {self.original_name} ({self.status})"

    @property
    def finished_state(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def ok(self) -> bool:
        return self.status == self.Status.DONE and self.errors == 0
