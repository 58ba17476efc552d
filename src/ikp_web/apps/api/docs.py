"""The interactive API docs page, offline: Swagger UI from the files django-ninja ships in its
package (``ninja/static/ninja/``), served by ``views.docs_asset`` so nothing is fetched from a
CDN and "ninja" need not be an installed app. The online validator badge is switched off."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase


class OfflineSwagger(DocsBase):
    template = "api/docs.html"
    settings: dict[str, Any] = {  # noqa: RUF012
        "layout": "BaseLayout",
        "deepLinking": True,
        "validatorUrl": None,
        "persistAuthorization": False,
    }

    def render_page(self, request: HttpRequest, api: Any, **kwargs: Any) -> HttpResponse:
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        context = {"swagger_settings": json.dumps(settings), "api": api}
        return render(request, self.template, context)
