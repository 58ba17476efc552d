"""Middleware of the web platform."""

from __future__ import annotations

from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Bahasa Indonesia unless the visitor chose English with the language switch (its cookie);
    the browser's ``Accept-Language`` is not consulted, so an English-language browser still
    opens the Indonesian site first, as Bawaslu's users expect."""

    def process_request(self, request: HttpRequest) -> None:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        super().process_request(request)
