"""Stored frameworks and editions. The framework text is validated by the core on save."""

from __future__ import annotations

import hashlib
import threading
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import models

from ikp.framework import Framework

#: parsed frameworks kept per process (a handful of versions exist; the oldest goes first)
FRAMEWORK_CACHE_SIZE = 32
_FRAMEWORKS: dict[tuple[int | None, str, str, str], Framework] = {}
_FRAMEWORKS_LOCK = threading.Lock()
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when installed


def parse_definition(text: str) -> Any:
    """A framework's YAML text parsed (safe loader; the C one when libyaml is there)."""
    return yaml.load(text, Loader=_Loader)  # noqa: S506  (a safe loader)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class FrameworkVersion(models.Model):
    slug = models.SlugField(max_length=64)
    version = models.CharField(max_length=32)
    name = models.CharField(max_length=200)
    definition = models.TextField(help_text="YAML framework file (docs/framework-format.md)")
    content_hash = models.CharField(max_length=80, editable=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="unique_framework_version")
        ]
        ordering = ["slug", "-version"]

    def __str__(self) -> str:
        return f"{self.slug} v{self.version}"

    def as_dict(self) -> dict[str, Any]:
        """The definition parsed (a new dict on every call: callers may change it)."""
        data = parse_definition(self.definition)
        return dict(data) if isinstance(data, dict) else {}

    def framework(self) -> Framework:
        """The validated core framework, parsed once per process for each (row, version,
        definition text): the text is hashed, so a changed definition is parsed again. The
        result is shared between callers; treat it as read-only (it is a frozen dataclass)."""
        key = (self.pk, self.slug, self.version, _digest(self.definition))
        framework = _FRAMEWORKS.get(key)
        if framework is None:
            framework = Framework.from_dict(self.as_dict(), file=str(self))
            with _FRAMEWORKS_LOCK:
                while len(_FRAMEWORKS) >= FRAMEWORK_CACHE_SIZE:
                    _FRAMEWORKS.pop(next(iter(_FRAMEWORKS)))
                _FRAMEWORKS[key] = framework
        return framework

    def clean(self) -> None:
        try:
            data = parse_definition(self.definition)
        except yaml.YAMLError as exc:
            raise ValidationError({"definition": f"not valid YAML: {exc}"}) from exc
        framework, report = Framework.check_dict(data or {}, file=self.slug)
        if framework is None:
            raise ValidationError({"definition": [str(i) for i in report.errors]})
        self.content_hash = framework.content_hash()


class Edition(models.Model):
    """An edition ties a framework version, a region edition, a region level and a period."""

    class Level(models.TextChoices):
        PROVINCE = "province", "provinsi"
        REGENCY = "regency", "kabupaten/kota"

    class Kind(models.TextChoices):
        COLLECTED = "collected", "dikumpulkan / collected on this platform"
        PUBLISHED_EXTERNAL = (
            "published_external",
            "hasil resmi Bawaslu / Bawaslu's published results",
        )

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    framework = models.ForeignKey(
        FrameworkVersion, on_delete=models.PROTECT, related_name="editions"
    )
    region_edition = models.CharField(max_length=32, default="current")
    region_level = models.CharField(max_length=16, choices=Level.choices)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    deadline = models.DateField(null=True, blank=True)
    kind = models.CharField(max_length=24, choices=Kind.choices, default=Kind.COLLECTED)
    synthetic = models.BooleanField(default=False, help_text="data are SYNTHETIC (DATA SINTETIS)")
    source = models.TextField(blank=True)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug
