"""Observations entered by offices (form or spreadsheet), their review and full history."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Submission(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "belum mulai / not started"
        DRAFT = "draft", "draf / draft"
        SUBMITTED = "submitted", "dikirim / submitted"
        RETURNED = "returned", "dikembalikan / returned"
        VERIFIED = "verified", "terverifikasi / verified"

    edition = models.ForeignKey(
        "frameworks.Edition", on_delete=models.CASCADE, related_name="submissions"
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="submissions"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NOT_STARTED)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["edition", "region"], name="unique_submission")
        ]
        ordering = ["edition", "region__code"]

    def __str__(self) -> str:
        return f"{self.edition.slug} {self.region.code} {self.status}"


class Observation(models.Model):
    """One number: region × indicator × level of incidence (blank for non-count indicators)."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="observations"
    )
    indicator_code = models.CharField(max_length=32)
    incidence_level = models.CharField(max_length=16, blank=True)
    value = models.FloatField(null=True, blank=True)
    note = models.TextField(blank=True)
    source = models.CharField(max_length=300, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "indicator_code", "incidence_level"],
                name="unique_observation",
            )
        ]
        ordering = ["indicator_code", "incidence_level"]

    def __str__(self) -> str:
        return f"{self.submission_id} {self.indicator_code} {self.incidence_level} = {self.value}"


class ObservationChange(models.Model):
    """Every change keeps who, when, old and new value (``field``: value, note or source)."""

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="changes")
    field = models.CharField(max_length=16)
    old = models.TextField(blank=True)
    new = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    via = models.CharField(max_length=16, default="form")  # form | upload | seed
    changed = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed"]


class Review(models.Model):
    class Action(models.TextChoices):
        SUBMIT = "submit", "kirim / submit"
        VERIFY = "verify", "verifikasi / verify"
        RETURN = "return", "kembalikan / return"
        # verified data opened again for correction (status back to "returned"), with a reason
        REOPEN = "reopen", "buka kembali / reopen"

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="reviews")
    action = models.CharField(max_length=16, choices=Action.choices)
    comment = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]


class UploadFile(models.Model):
    """An uploaded spreadsheet, kept with the validation report (core stages 1-2 plus the web's
    reference stage). ``region`` is the scope it was uploaded for: one region (``submission``
    set) or, for a province office's batch upload, the province (``submission`` empty).

    A file without errors is not saved at once: it waits (``pending``) with its parsed
    ``values`` and the ``preview`` (per region: what would change, be cleared, stay, be new)
    until its uploader confirms (``confirmed``: saved all or nothing) or cancels it."""

    class Status(models.TextChoices):
        PENDING = "pending", "menunggu konfirmasi / awaiting confirmation"
        CONFIRMED = "confirmed", "dikonfirmasi dan disimpan / confirmed and saved"
        CANCELLED = "cancelled", "dibatalkan / cancelled"
        REJECTED = "rejected", "ditolak / rejected"

    class Scope(models.TextChoices):
        REGION = "region", "satu wilayah / one region"
        PROVINCE = "province", "kab/kota satu provinsi / a province's kab/kota"

    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.CASCADE, related_name="uploads"
    )
    edition = models.ForeignKey(
        "frameworks.Edition", null=True, on_delete=models.CASCADE, related_name="+"
    )
    region = models.ForeignKey(
        "regions.Region", null=True, on_delete=models.PROTECT, related_name="+"
    )
    scope = models.CharField(max_length=16, choices=Scope.choices, default=Scope.REGION)
    file = models.FileField(upload_to="uploads/%Y/%m/")
    original_name = models.CharField(max_length=255)
    status = models.CharField(max_length=16, choices=Status.choices)
    report = models.JSONField(default=dict)
    # region code → [[indicator code, incidence level, value or null (clear marker)], …]; cells
    # left empty are not in it (an empty cell leaves the stored value as it is)
    values = models.JSONField(default=dict, blank=True)
    # {"regions": [{region_code, region_name, counts, cells, fingerprint}, …], "totals": {…}}
    preview = models.JSONField(default=dict, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"upload {self.pk} {self.original_name} ({self.status})"
