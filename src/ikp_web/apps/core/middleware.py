"""Middleware of the web platform: the language rule (Bahasa Indonesia first) and the response
headers every page gets — a Content-Security-Policy (scripts and styles only from this site;
the pages carry no inline script, see ``static/ikp/site.js``, and no inline style), and
``private, no-store`` added to the ``Cache-Control`` of every response to a signed-in user, so
that no shared cache or browser history keeps a page that may show unpublished data."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils.cache import patch_cache_control

#: the policy unless ``settings.IKP_CONTENT_SECURITY_POLICY`` says otherwise. Neither scripts
#: nor styles may be inline: bar widths are stepped classes (``.w0 … .w100``), the class colours
#: a stylesheet per number of classes (``/peta/kelas/<n>.css``), the status colours classes;
#: SVG presentation attributes (``fill=``, ``width=``) are not CSS and stay.
DEFAULT_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "IKP_CONTENT_SECURITY_POLICY", DEFAULT_POLICY)
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Pages: Bahasa Indonesia unless the visitor chose English with the language switch (its
    cookie); the browser's ``Accept-Language`` is not consulted, so an English-language browser
    still opens the Indonesian site first. The API (``/api/``) keeps honouring
    ``Accept-Language``, the standard way for a program to ask for English messages."""

    def process_request(self, request: HttpRequest) -> None:
        if not request.path.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        super().process_request(request)
