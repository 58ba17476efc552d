"""API tokens. Only a SHA-256 hash of each token is stored; the token itself is shown once, when
it is created (admin or ``ikp_create_token``). Tokens are 256-bit random strings, so a fast hash
is enough (as for GitHub or PyPI tokens): there is nothing to brute-force."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone

TOKEN_PREFIX = "ikp_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ApiToken(models.Model):
    """A bearer token (``Authorization: Bearer <token>``) acting as its user, with the user's
    role and region scope."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("nama / name", max_length=100, blank=True)
    prefix = models.CharField(max_length=12, editable=False, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField("kedaluwarsa / expires", null=True, blank=True)
    last_used = models.DateTimeField(null=True, blank=True, editable=False)
    revoked = models.BooleanField("dicabut / revoked", default=False)

    class Meta:
        ordering = ["-created"]
        verbose_name = "token API / API token"
        verbose_name_plural = "token API / API tokens"

    def __str__(self) -> str:
        label = f" ({self.name})" if self.name else ""
        return f"{self.prefix}… {self.user}{label}"

    def set_token(self, token: str) -> None:
        self.token_hash = hash_token(token)
        self.prefix = token[: len(TOKEN_PREFIX) + 4]

    @property
    def is_valid(self) -> bool:
        return not self.revoked and (self.expires is None or self.expires > timezone.now())
