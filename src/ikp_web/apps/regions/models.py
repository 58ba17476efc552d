"""Regions of a region edition (provinces and kabupaten/kota), loaded from the core registry."""

from __future__ import annotations

from django.db import models


class Region(models.Model):
    """A province (level 1) or kabupaten/kota (level 2) in a region edition. Codes are the
    Kemendagri dotted codes; ``kemendagri:32.04`` is the stored form's meaning."""

    edition = models.CharField(max_length=32, default="current", db_index=True)
    code = models.CharField(max_length=16)
    name = models.CharField(max_length=200)
    level = models.PositiveSmallIntegerField()
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    province_code = models.CharField(max_length=4, db_index=True)
    population = models.BigIntegerField(null=True, blank=True)
    area_km2 = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="unique_region_code")
        ]
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def level_name(self) -> str:
        return "provinsi" if self.level == 1 else "kabupaten/kota"
