"""Server-side cache of the public pages (map, ranking, region profile, methodology) as anonymous
visitors see them.

What an anonymous visitor sees is a read-only view of the *published* computations, and a
published computation is an immutable snapshot. A page is therefore stored under a key made of
the published snapshots (their ids: a new publication, a correction or an unpublication gives a
new key, so nothing needs to be invalidated), the language and the path with its query string;
it is kept ``IKP_PAGE_CACHE_SECONDS`` at most (default 10 minutes: edition names and other
metadata changed in the admin show after that; 0 turns the cache off). Finding the key costs one small query.

Not cached, always rendered: requests from signed-in users (their pages carry their name, may
list unpublished computations, and get ``Cache-Control: private, no-store``), requests with a
flash message waiting, anything but GET/HEAD, and responses other than 200. The per-visitor
CSRF token of the page's forms (language switch) is cut out before storing and put back, fresh,
on every hit. Pages are stored compressed (zlib: a national map page of ~370 kB takes ~120 kB).
The backend is Django's ``pages`` cache (local memory per process unless
``IKP_CACHE_URL`` names a shared one, see the settings).
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from ikp_web.apps.scoring.models import Computation

View = Callable[..., HttpResponse]
#: the value of every CSRF field in a stored page (never a valid token)
HOLE = "__ikp_csrf_token__"
HOLE_BYTES = HOLE.encode()
_CSRF_FIELD = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
#: response headers stored with a page (the middleware adds the rest on every response)
KEPT_HEADERS = ("Content-Type", "Content-Language")


def published_state() -> str:
    """A digest of the published computations (ids and editions): changes with every
    publication, correction or unpublication."""
    rows = Computation.objects.filter(published=True).order_by("pk").values_list("pk", "edition_id")
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()[:16]


def page_key(request: HttpRequest) -> str:
    path = hashlib.sha256(request.get_full_path().encode("utf-8")).hexdigest()[:24]
    return f"ikp:page:{published_state()}:{get_language() or 'id'}:{path}"


def cacheable(request: HttpRequest) -> bool:
    if getattr(settings, "IKP_PAGE_CACHE_SECONDS", 600) <= 0:  # turned off
        return False
    if request.method not in ("GET", "HEAD"):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    return len(get_messages(request)) == 0  # counting does not consume them


def published_page(view: View) -> View:
    """Serve the anonymous rendering of ``view`` from the cache (see the module docstring)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not cacheable(request):
            return view(request, *args, **kwargs)
        key = page_key(request)
        cache = caches["pages"]
        stored = cache.get(key)
        if stored is not None:
            packed, headers = stored
            body = zlib.decompress(packed)  # UTF-8 bytes, as sent
            response = HttpResponse(body.replace(HOLE_BYTES, get_token(request).encode()))
            for name, value in headers.items():
                response[name] = value
            response["X-IKP-Page-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        # a page with live content (X-IKP-Live, see apps/live/panels.py) is never stored
        if response.status_code == 200 and not response.streaming and "X-IKP-Live" not in response:
            if not getattr(response, "is_rendered", True):
                response.render()  # a TemplateResponse
            body = _CSRF_FIELD.sub(rf"\g<1>{HOLE}\g<2>", response.content.decode(response.charset))
            headers = {h: response[h] for h in KEPT_HEADERS if h in response}
            timeout = getattr(settings, "IKP_PAGE_CACHE_SECONDS", 600)
            cache.set(key, (zlib.compress(body.encode("utf-8"), 3), headers), timeout)
            response["X-IKP-Page-Cache"] = "miss"
        return response

    return wrapper
