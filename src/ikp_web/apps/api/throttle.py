"""A small per-IP token bucket for the expensive endpoints anonymous visitors may call (GeoJSON,
downloads), kept in the cache backend. Signed-in users and API tokens are not limited: they are
known and their calls are audit-logged. ``settings.IKP_ANON_RATE_LIMIT``: ``{"burst": n,
"per_minute": m}`` (a visitor may make ``n`` calls at once, then ``m`` a minute); ``None`` or a
burst of 0 turns it off.

The bucket is read and written without a lock: two calls racing may both take the last token.
That is enough to keep a handful of parallel clients from recomputing maps all day; it is not an
exact quota."""

from __future__ import annotations

import math
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _

from ikp_web.apps.api.errors import ApiError


def client_ip(request: HttpRequest) -> str:
    """The caller's address as the server saw it (behind a proxy, set ``REMOTE_ADDR`` from
    the proxy's header in the proxy or the WSGI server, not here)."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def check_anonymous(request: HttpRequest, user: Any, scope: str = "heavy") -> None:
    """Take one token from the anonymous caller's bucket, or raise a 429 ``ApiError`` carrying
    the seconds to wait (sent as ``Retry-After``)."""
    conf = getattr(settings, "IKP_ANON_RATE_LIMIT", None) or {}
    burst = float(conf.get("burst", 0))
    rate = float(conf.get("per_minute", 0)) / 60.0
    if burst <= 0 or rate <= 0 or getattr(user, "is_authenticated", False):
        return
    key = f"ikp-rate:{scope}:{client_ip(request)}"
    now = time.time()
    tokens, stamp = cache.get(key) or (burst, now)
    tokens = min(burst, tokens + max(now - stamp, 0.0) * rate)
    if tokens < 1:
        wait = max(1, math.ceil((1 - tokens) / rate))
        raise ApiError(
            429,
            "RATE_LIMITED",
            _("Terlalu banyak permintaan; coba lagi dalam %(s)s detik.") % {"s": wait},
            {"retry_after": wait},
        )
    cache.set(key, (tokens - 1, now), timeout=math.ceil(burst / rate) + 60)
