"""API tokens: create, revoke, authenticate. Access rules themselves live in
``ikp_web.apps.accounts.services``; a token only says *who* is calling."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from ikp_web.apps.api.models import TOKEN_PREFIX, ApiToken, hash_token

# last_used is written at most once per this interval, so a busy client costs no extra writes
LAST_USED_RESOLUTION = timedelta(minutes=5)


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


@transaction.atomic
def create_token(
    user: Any, *, name: str = "", expires: Any = None, token: str | None = None
) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns the row and the token text (shown once, never stored)."""
    raw = token or new_token()
    obj = ApiToken(user=user, name=name, expires=expires)
    obj.set_token(raw)
    obj.save()
    return obj, raw


@transaction.atomic
def revoke_token(token: ApiToken) -> ApiToken:
    token.revoked = True
    token.save(update_fields=["revoked"])
    return token


def user_for_token(raw: str) -> Any:
    """The active user a valid token belongs to, or None (unknown, revoked, expired token or
    inactive user)."""
    raw = raw.strip()
    if not raw or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user", "user__profile__region")
        .filter(token_hash=hash_token(raw))
        .first()
    )
    if token is None or not token.is_valid or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used is None or now - token.last_used > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    return token.user
