"""Computed editions. A published computation is an immutable snapshot (recipe, input hash,
results); a correction is a new version with a visible change log."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


class Computation(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "antre / queued"
        RUNNING = "running", "berjalan / running"
        DONE = "done", "selesai / done"
        FAILED = "failed", "gagal / failed"

    edition = models.ForeignKey(
        "frameworks.Edition", on_delete=models.CASCADE, related_name="computations"
    )
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    job = models.ForeignKey(
        "core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recipe = models.TextField(blank=True)
    input_hash = models.CharField(max_length=80, blank=True)
    audit = models.JSONField(default=dict, blank=True)
    sensitivity = models.JSONField(default=list, blank=True)
    uncertainty_runs = models.PositiveIntegerField(default=0)
    # what the uncertainty analysis varied: the spec (``UncertaintySpec.model_dump``), the
    # names of the varied inputs, the class labels and the number of evaluations
    uncertainty_setup = models.JSONField(default=dict, blank=True)
    synthetic = models.BooleanField(default=False)
    source = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    change_log = models.TextField(blank=True)

    class Meta:
        ordering = ["edition", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "version"], name="unique_computation_version"
            )
        ]

    def __str__(self) -> str:
        state = "published" if self.published else self.status
        return f"{self.edition.slug} v{self.version} ({state})"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk:
            before = (
                type(self)
                .objects.filter(pk=self.pk)
                .values("published", "recipe", "input_hash")
                .first()
            )
            if (
                before
                and before["published"]
                and (
                    before["recipe"] != self.recipe
                    or before["input_hash"] != self.input_hash
                    or not self.published
                )
            ):
                raise ValidationError("a published computation is immutable; publish a new version")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Result(models.Model):
    """One region × node of a computation."""

    computation = models.ForeignKey(Computation, on_delete=models.CASCADE, related_name="results")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    node_code = models.CharField(max_length=32)
    level = models.PositiveSmallIntegerField()
    score = models.FloatField(null=True)
    rank = models.FloatField(null=True)
    klass = models.CharField(max_length=16, blank=True)
    rank_p05 = models.FloatField(null=True, blank=True)
    rank_p95 = models.FloatField(null=True, blank=True)
    rank_median = models.FloatField(null=True, blank=True)
    class_probabilities = models.JSONField(default=dict, blank=True)
    reliability = models.FloatField(null=True, blank=True)
    source = models.CharField(max_length=400, blank=True)
    # indicator rows (level 1): the raw value the computation read (Σ count × incidence-level
    # weight), kept with the snapshot so public pages never read the current observations
    raw = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["computation", "region", "node_code"], name="unique_result"
            )
        ]
        indexes = [models.Index(fields=["computation", "node_code", "rank"])]
        ordering = ["computation", "node_code", "rank"]
