"""Middleware of the web platform."""

from __future__ import annotations

from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Pages: Bahasa Indonesia unless the visitor chose English with the language switch (its
    cookie); the browser's ``Accept-Language`` is not consulted, so an English-language browser
    still opens the Indonesian site first. The API (``/api/``) keeps honouring
    ``Accept-Language``, the standard way for a program to ask for English messages."""

    def process_request(self, request: HttpRequest) -> None:
        if not request.path.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        super().process_request(request)
