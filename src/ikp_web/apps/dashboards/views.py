from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.scoring.services import latest_published


def home(request: HttpRequest) -> HttpResponse:
    editions = []
    for edition in Edition.objects.all():
        comp = latest_published(edition)
        if comp is not None:
            editions.append((edition, comp))
    synthetic = any(c.synthetic for _, c in editions)
    return render(request, "dashboards/home.html", {"editions": editions, "synthetic": synthetic})
