"""The region picker's JSON: the children of a region, by code and name.

``GET /wilayah/anak/<parent_code>/?edisi=<region edition>&q=<text>`` → the kab/kota of a province,
the kecamatan of a kab/kota or the desa/kelurahan of a kecamatan, from the core registry (all
four levels; the ``regions`` app stores levels 1-2 only)::

    {"parent": {"code": "32.01", "name": "Kabupaten Bogor", "level": 2},
     "level": 3, "level_name": "kecamatan", "count": 40,
     "items": [{"code": "32.01.01", "name": "Cibinong", "label": "Kec. Cibinong (32.01.01)"}, …]}

``q`` keeps the children whose name or code contains it (case and punctuation ignored). Public
(the public report form uses it), read-only and the same for every caller: the answer is built
once per parent and edition, and browsers and proxies may keep it for a day. 404 (JSON) for an
unknown or malformed parent code, a village (it has no children) or an unknown edition.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from ikp.regions import LEVEL_NAMES_ID, RegionRegistry, resolve_edition

#: how long browsers and proxies may keep an answer (the registry changes with a release only)
MAX_AGE = 24 * 3600


def _squash(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


#: answers kept per process: every parent of both region editions (about 2 × 7,800) fits
CACHED_ANSWERS = 16_384


@functools.lru_cache(maxsize=CACHED_ANSWERS)
def children_of(edition: str, code: str) -> dict[str, Any] | None:
    """The answer for the children of ``code`` in region edition ``edition`` (None: unknown
    parent or one without children). Cached: the registry does not change while running."""
    registry = RegionRegistry.load(edition, max_level=4)
    parent = registry.find(code)
    if parent is None or parent.level >= 4:
        return None
    items = [
        {"code": r.code, "name": r.name, "label": r.label} for r in registry.children(parent.code)
    ]
    return {
        "parent": {"code": parent.code, "name": parent.name, "level": parent.level},
        "level": parent.level + 1,
        "level_name": LEVEL_NAMES_ID[parent.level + 1],
        "count": len(items),
        "items": items,
    }


@functools.lru_cache(maxsize=CACHED_ANSWERS)
def _encoded(edition: str, code: str) -> bytes:
    """The unfiltered answer of a known parent as JSON bytes (encoding is most of its cost)."""
    return json.dumps(children_of(edition, code), ensure_ascii=False).encode()


def _not_found(message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": "NOT_FOUND", "message": message}}, status=404)


@require_GET
@cache_control(public=True, max_age=MAX_AGE)
def children(request: HttpRequest, parent_code: str) -> HttpResponse:
    edition = request.GET.get("edisi", "current")[:32]
    try:
        key = resolve_edition(edition).key
    except (KeyError, ValueError):
        return _not_found(_("Edisi wilayah “%(e)s” tidak dikenal.") % {"e": edition})
    code = parent_code[:20]
    answer = children_of(key, code)
    if answer is None:
        return _not_found(
            _("Wilayah “%(code)s” tidak dikenal atau tidak memiliki wilayah di bawahnya.")
            % {"code": code}
        )
    query = _squash(request.GET.get("q", "")[:100])
    if not query:
        return HttpResponse(_encoded(key, code), content_type="application/json")
    items = [
        i
        for i in answer["items"]
        if query in _squash(i["name"]) or i["code"].replace(".", "").startswith(query)
    ]
    return JsonResponse({**answer, "count": len(items), "items": items})
