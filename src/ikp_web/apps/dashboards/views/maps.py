"""``/`` and ``/peta/``: the national choropleth."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from ikp.published import PUBLISHED_SOURCE_NOTE, PUBLISHED_SOURCE_NOTE_EN
from ikp_web.apps.dashboards import maps
from ikp_web.apps.dashboards.maps import lang, national_map
from ikp_web.apps.dashboards.queries import comp_data
from ikp_web.apps.dashboards.views.common import (
    base_context,
    choices,
    choose,
    level_note,
    node_name,
    node_options,
    pick_node,
    requested_level,
)
from ikp_web.apps.live.maps import live_map, switch_for
from ikp_web.apps.live.panels import LIVE_HEADER


def home(request: HttpRequest) -> HttpResponse:
    return _map(request, home=True)


def map_page(request: HttpRequest) -> HttpResponse:
    return _map(request, home=False)


def _map(request: HttpRequest, *, home: bool) -> HttpResponse:
    level = requested_level(request)
    choice = choose(request, level)
    ctx = base_context(request, choice)
    ctx["home"] = home
    ctx["form_action"] = reverse("dashboards:home" if home else "dashboards:map")
    if choice is None:
        return render(request, "dashboards/map.html", ctx)
    fw = ctx["fw"]
    data = comp_data(choice)
    notes: list[str] = []
    note = level_note(choice, level)
    if note:
        notes.append(note)
    node = pick_node(fw, data, request.GET.get("dimensi"), notes)
    view = national_map(choice, data, node, ctx["labels"])
    query = urlencode({"edisi": choice.key, "tingkat": choice.level_param, "dimensi": node})
    switch = switch_for(request, choice, node, fw.root, query)  # live / published / change
    if switch.run is not None and switch.mode != "terbitan":
        view = live_map(switch, choice, ctx["labels"])
    external = [c for c in choices(request) if c.external]
    ctx.update(
        {
            "view": view,
            "node": node,
            "node_label": node_name(fw, node),
            "node_options": node_options(fw, data, node),
            "notes": notes,
            "query": query,
            "published_note": (
                PUBLISHED_SOURCE_NOTE_EN if lang() == "en" else PUBLISHED_SOURCE_NOTE
            )
            if choice.external
            else "",
            "external_choice": external[0] if external and not choice.external else None,
            "live_switch": switch,
        }
    )
    response = render(request, "dashboards/map.html", ctx)
    if switch.links:
        response[LIVE_HEADER] = "1"  # live content: never stored in the public page cache
    return response


#: the class colours never change for a number of classes: browsers and caches keep them a day
CLASS_CSS_SECONDS = 60 * 60 * 24


def class_css(request: HttpRequest, n: int) -> HttpResponse:
    """The class colours of a page (``.k0 … .kN``, ``.cx``) for ``n`` classes, as a stylesheet:
    the Content-Security-Policy allows no inline ``<style>``."""
    if not 1 <= n <= maps.MAX_CLASSES:
        raise Http404
    response = HttpResponse(maps.class_css(n), content_type="text/css; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={CLASS_CSS_SECONDS}"
    return response
