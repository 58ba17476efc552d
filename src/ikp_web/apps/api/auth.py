"""Who is calling the API or a download: a bearer token, else the browser session, else an
anonymous visitor. A wrong or expired token is a 401, never a silent fall-back to anonymous."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.security import HttpBearer

from ikp_web.apps.api.errors import ApiError
from ikp_web.apps.api.services import user_for_token


def resolve_user(request: HttpRequest) -> Any:
    """The request's user. Sets ``request.user`` to the token's user so that the audit log and
    the access rules see who called."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError.not_authenticated(bad_header=True)
        user = user_for_token(token)
        if user is None:
            raise ApiError.not_authenticated()
        request.user = user
        return user
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    return AnonymousUser()


class BearerOrSession(HttpBearer):
    """django-ninja auth: ``Authorization: Bearer <token>`` (documented in OpenAPI), or the
    session of a logged-in browser user, or anonymous (published data only). Returns a user
    object, always truthy, so anonymous calls reach the endpoint and are scoped there."""

    def __call__(self, request: HttpRequest) -> Any:
        return resolve_user(request)

    def authenticate(self, request: HttpRequest, token: str) -> Any:  # pragma: no cover
        return user_for_token(token)


def require_login(user: Any) -> None:
    if not getattr(user, "is_authenticated", False):
        raise ApiError.not_authenticated()
