"""The public report form's rate limit: a token bucket per address in the cache
(``settings.IKP_PUBLIC_REPORT_RATE``: ``{"burst": n, "per_hour": m}``; a burst of 0 turns it
off). Like ``ikp_web.apps.api.throttle`` it is read and written without a lock: a guard
against floods, not an exact quota."""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from ikp_web.apps.api.throttle import client_ip


def take_public_report_token(request: HttpRequest) -> int:
    """Take one report from the caller's bucket: 0 if allowed, else the seconds to wait."""
    conf = getattr(settings, "IKP_PUBLIC_REPORT_RATE", None) or {}
    burst = float(conf.get("burst", 0))
    rate = float(conf.get("per_hour", 0)) / 3600.0
    if burst <= 0 or rate <= 0:
        return 0
    key = f"ikp-rate:public-report:{client_ip(request)}"
    now = time.time()
    tokens, stamp = cache.get(key) or (burst, now)
    tokens = min(burst, tokens + max(now - stamp, 0.0) * rate)
    if tokens < 1:
        return max(1, math.ceil((1 - tokens) / rate))
    cache.set(key, (tokens - 1, now), timeout=math.ceil(burst / rate) + 60)
    return 0
