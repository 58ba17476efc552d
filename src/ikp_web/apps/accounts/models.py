"""Roles and their region scope."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ikp_web.config import constants as c


class Profile(models.Model):
    """One per user: the role and, for provincial and kabupaten/kota offices, the region."""

    class Role(models.TextChoices):
        RI = c.ROLE_RI, "Bawaslu RI"
        PROVINCE = c.ROLE_PROVINCE, "Bawaslu Provinsi"
        REGENCY = c.ROLE_REGENCY, "Bawaslu Kabupaten/Kota"
        PARTNER = c.ROLE_PARTNER, "Lembaga mitra / partner agency"
        PUBLIC = c.ROLE_PUBLIC, "Publik / public"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.PUBLIC)
    region = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        where = f" {self.region.code}" if self.region_id else ""
        return f"{self.user.username}: {self.role}{where}"
