"""Early-warning alerts (*peringatan dini*): the rules (data, edited by Bawaslu RI), the alerts
they raise per region, every change of an alert's status, who subscribes to which alerts, and
every delivery attempt.

At most one alert is open (not closed) per rule and region: a partial unique constraint, so two
evaluations racing each other cannot both open one (``services.raise_alerts`` catches the
``IntegrityError``)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from ikp.alert_rules import KINDS

KIND_LABELS = {
    "class_transition": "perubahan kelas / class transition",
    "score_rise": "kenaikan skor / score rise",
    "spike": "lonjakan kejadian / incident spike",
    "prob_threshold": "ambang probabilitas / probability threshold",
}


class AlertRule(models.Model):
    class Level(models.TextChoices):
        INFO = "info", "informasi / information"
        WARNING = "warning", "waspada / warning"
        CRITICAL = "critical", "awas / critical"

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=24, choices=[(k, KIND_LABELS[k]) for k in KINDS])
    #: the framework node watched: ``IKP`` (the index), a dimension ``D1``, a sub-dimension
    #: ``D1.S1`` or an indicator ``I01``
    component = models.CharField(max_length=32, default="IKP")
    #: the kind's parameters (``ikp.alert_rules.PARAMS``), validated on save by the form/admin
    params = models.JSONField(default=dict, blank=True)
    level = models.CharField(max_length=16, choices=Level.choices, default=Level.WARNING)
    enabled = models.BooleanField(default=True)
    #: shown in the public feed (alerts on published editions only)
    public = models.BooleanField(default=False)
    #: close its open (or acknowledged) alerts by itself when their condition no longer holds
    auto_close = models.BooleanField(
        "tutup otomatis / close automatically",
        default=True,
        help_text="Tutup peringatan bila kondisinya tidak lagi terpenuhi / close an alert once "
        "its condition no longer holds",
    )
    #: the hysteresis of closing, in the kind's unit (score points, probability, incidents;
    #: class transitions: score points below the class's lower cut-off): an alert closes only
    #: once its value is past the threshold by this much (``ikp.alert_rules.clearances``)
    clear_margin = models.FloatField(
        "margin penutupan / clear margin",
        default=0.0,
        validators=[MinValueValidator(0.0)],
        help_text="Nilai harus melewati ambang sejauh ini sebelum ditutup otomatis (poin skor, "
        "probabilitas, jumlah kejadian) / how far past the threshold the value must fall before "
        "an automatic close (score points, probability, incidents)",
    )
    description = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return f"{self.slug} ({self.kind} {self.component})"


class Alert(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "terbuka / open"
        ACKNOWLEDGED = "acknowledged", "diketahui / acknowledged"
        CLOSED = "closed", "ditutup / closed"

    class Source(models.TextChoices):
        PUBLISHED = "published", "hasil terbit / published results"
        LIVE = "live", "indeks langsung / live index"

    rule = models.ForeignKey(AlertRule, on_delete=models.PROTECT, related_name="alerts")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    edition = models.ForeignKey(
        "frameworks.Edition", on_delete=models.CASCADE, related_name="alerts"
    )
    computation = models.ForeignKey(
        "scoring.Computation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: what the "current" state came from (the published snapshot until the live index exists)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.PUBLISHED)
    component = models.CharField(max_length=32)
    values = models.JSONField(default=dict)
    #: ``text_id``, ``text_en``, ``indicators`` (codes), ``incidents`` (ids), ``window_days``
    explanation = models.JSONField(default=dict)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    notes = models.TextField(blank=True)
    raised_at = models.DateTimeField(db_index=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "region"],
                condition=~Q(status="closed"),
                name="one_open_alert_per_rule_region",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.rule.slug} {self.region.code} ({self.status})"

    @property
    def is_public(self) -> bool:
        return bool(self.rule.public and self.source == self.Source.PUBLISHED)


class AlertEvent(models.Model):
    """One change of an alert's status (raised, acknowledged, closed), by whom, with a note."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="events")
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
        return f"{self.alert_id}: {self.from_status or '-'} → {self.to_status}"


def new_secret() -> str:
    return secrets.token_hex(32)


class Subscription(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", "surel / e-mail"
        WEBHOOK = "webhook", "webhook"

    class EmailMode(models.TextChoices):
        IMMEDIATE = "immediate", "segera / immediate"
        DIGEST = "digest", "ringkasan harian / daily digest"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_subscriptions"
    )
    #: no regions: every region the user may see
    regions = models.ManyToManyField("regions.Region", blank=True, related_name="+")
    include_children = models.BooleanField(default=True)
    #: component codes (``D1.S1``); empty: every component
    components = models.JSONField(default=list, blank=True)
    #: rule kinds; empty: every kind
    kinds = models.JSONField(default=list, blank=True)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.EMAIL)
    email_mode = models.CharField(
        max_length=16, choices=EmailMode.choices, default=EmailMode.IMMEDIATE
    )
    webhook_url = models.URLField(max_length=400, blank=True)
    webhook_secret = models.CharField(max_length=128, default=new_secret)
    active = models.BooleanField(default=True)
    #: the last daily digest sent (alerts raised after it go into the next one)
    digest_sent_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user", "pk"]

    def __str__(self) -> str:
        return f"{self.user} {self.channel} #{self.pk}"


class Delivery(models.Model):
    """One delivery attempt of one or more alerts (a digest) to one subscription."""

    class Status(models.TextChoices):
        SENT = "sent", "terkirim / sent"
        FAILED = "failed", "gagal / failed"
        RETRYING = "retrying", "dicoba lagi / retrying"

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    alerts = models.ManyToManyField(Alert, related_name="deliveries")
    channel = models.CharField(max_length=8, choices=Subscription.Channel.choices)
    status = models.CharField(max_length=16, choices=Status.choices)
    attempt = models.PositiveSmallIntegerField(default=1)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.channel} #{self.subscription_id} attempt {self.attempt}: {self.status}"
