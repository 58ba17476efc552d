"""The live index of a published edition: its window (admin-editable), a "dirty since" mark set
by incident verifications, and the live runs with one result row per region beside the published
snapshot (never replacing it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

#: the window when an edition has no settings row: the last 90 days
DEFAULT_WINDOW_DAYS = 90


class LiveEdition(models.Model):
    """The live index settings and state of one edition. The window is ``period_start`` –
    ``period_end`` when a start is set (e.g. a campaign period; an empty end: up to now), else
    the last ``window_days`` days. ``public``: anonymous visitors see the live panel too
    (labelled live); off by default. ``dirty_since``: the first incident change not yet in a
    live run (set on verification, cleared when a refresh starts)."""

    edition = models.OneToOneField(
        "frameworks.Edition", on_delete=models.CASCADE, related_name="live"
    )
    enabled = models.BooleanField(default=True)
    window_days = models.PositiveIntegerField(default=DEFAULT_WINDOW_DAYS)
    period_start = models.DateTimeField(null=True, blank=True)
    period_end = models.DateTimeField(null=True, blank=True)
    public = models.BooleanField(default=False)
    dirty_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "edisi langsung / live edition"

    def __str__(self) -> str:
        return f"live {self.edition}"

    def clean(self) -> None:
        if not 1 <= self.window_days <= 3660:
            raise ValidationError({"window_days": "1–3660 hari / days"})
        if self.period_start and self.period_end and self.period_end <= self.period_start:
            raise ValidationError(
                {"period_end": "akhir harus setelah awal / end must follow start"}
            )


class LiveRun(models.Model):
    """One refresh: the published computation it is based on, the window used, how many
    verified incidents it counted and when it was computed."""

    edition = models.ForeignKey(
        "frameworks.Edition", on_delete=models.CASCADE, related_name="live_runs"
    )
    based_on = models.ForeignKey(
        "scoring.Computation", on_delete=models.CASCADE, related_name="live_runs"
    )
    window_start = models.DateTimeField(null=True, blank=True)
    window_end = models.DateTimeField(null=True, blank=True)
    n_incidents = models.PositiveIntegerField(default=0)
    covers_until = models.DateTimeField()  # every verification before this is counted
    computed_at = models.DateTimeField(auto_now_add=True)
    seconds = models.FloatField(default=0.0)

    class Meta:
        ordering = ["edition", "-computed_at", "-pk"]
        get_latest_by = "computed_at"

    def __str__(self) -> str:
        return f"live {self.edition_id} @ {self.computed_at:%Y-%m-%d %H:%M:%S}"


class LiveResult(models.Model):
    """One region's index now (live) and in the published snapshot, the change, the points of
    the change per indicator (``contributions``: indicator → points) and the verified
    incidents behind each indicator (``incidents``: indicator → incident ids).

    ``nodes``: the same for every other aggregate node (dimensions, sub-dimensions), node code →
    ``{"score", "class", "rank", "published_score", "published_class", "published_rank",
    "delta", "contributions"}`` (contributions: indicator under the node → points of the node's
    change). One JSON per region rather than one row per region × node: a refresh writes 514
    rows, not 8,738, and the index rows the alerts read stay as they are."""

    run = models.ForeignKey(LiveRun, on_delete=models.CASCADE, related_name="results")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    score = models.FloatField(null=True)
    klass = models.CharField(max_length=16, blank=True)
    rank = models.FloatField(null=True)
    published_score = models.FloatField(null=True)
    published_class = models.CharField(max_length=16, blank=True)
    published_rank = models.FloatField(null=True)
    delta = models.FloatField(default=0.0)
    contributions = models.JSONField(default=dict, blank=True)
    incidents = models.JSONField(default=dict, blank=True)
    nodes = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "region"], name="unique_live_result")]
        ordering = ["run", "-delta"]

    def __str__(self) -> str:
        return f"{self.region_id}: {self.published_score} → {self.score}"

    def node(self, code: str, root: str) -> NodeResult:
        """The result of node ``code`` (``root``: the index, this row's own columns)."""
        if code == root:
            return NodeResult(
                code,
                self.score,
                self.klass,
                self.rank,
                self.published_score,
                self.published_class,
                self.published_rank,
                self.delta,
                self.contributions,
            )
        return NodeResult.of(code, self.nodes.get(code) or {})


@dataclass(frozen=True)
class NodeResult:
    """One node's live result in a region (see ``LiveResult.nodes``)."""

    code: str
    score: float | None
    klass: str
    rank: float | None
    published_score: float | None
    published_class: str
    published_rank: float | None
    delta: float
    contributions: dict[str, float]

    @classmethod
    def of(cls, code: str, data: dict[str, Any]) -> NodeResult:
        return cls(
            code,
            data.get("score"),
            data.get("class") or "",
            data.get("rank"),
            data.get("published_score"),
            data.get("published_class") or "",
            data.get("published_rank"),
            float(data.get("delta") or 0.0),
            dict(data.get("contributions") or {}),
        )
