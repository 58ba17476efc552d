"""Public pages, the API and the downloads show published snapshots only: a verified
observation that changes after the published computation (``CHANGED``, far outside any
computed value) must not reach any public output, and neither may the unpublished v2 computed
from changed data. Every output is read by the anonymous visitor and a logged-in public user."""

from __future__ import annotations

import json
import math
import re
from io import BytesIO
from typing import Any

import pytest
from django.core.cache import cache
from django.urls import resolve
from openpyxl import load_workbook

from ikp.framework import load_framework
from ikp.sample import combine_levels
from ikp_web.apps.api.exports import run_export_job
from ikp_web.apps.dashboards.queries import local_cache
from ikp_web.apps.dashboards.templatetags.dashboards import num
from ikp_web.apps.scoring.models import Result
from ikp_web.apps.scoring.services import observations_frame
from ikp_web.apps.submissions.models import Observation

from .conftest import PUBLIC, DashData

CHANGED = 987_654.0
CODE = "32.04"


@pytest.fixture()
def changed(d: DashData) -> dict[str, Any]:
    """I01 of 32.04 set to ``CHANGED`` in its verified submission (not computed, not
    published); returns the raw I01 value today's observations give and v1's stored one."""
    obs = Observation.objects.filter(
        submission__edition=d.kab, submission__region__code=CODE, indicator_code="I01"
    ).first()
    assert obs is not None and obs.submission.status == "verified"
    obs.value = CHANGED
    obs.save()
    cache.clear()
    local_cache.clear()
    wide = observations_frame(d.kab)
    raw = combine_levels(wide[wide["region_code"] == CODE].reset_index(drop=True), _fw())
    today = float(raw.to_frame().loc[CODE, "I01"])
    stored = Result.objects.get(computation=d.kab_v1, node_code="I01", region__code=CODE).raw
    assert stored is not None and today > CHANGED / 100 and not math.isclose(today, stored)
    return {"today": today, "stored": stored}


def _fw() -> Any:
    return load_framework("ikp-2024")


def _leaks(body: str, value: float) -> bool:
    """Whether ``value`` appears in ``body`` in any way a page, JSON or CSV writes it: its
    whole part, with or without thousands separators, as a number of its own (not the decimals
    of another number)."""
    whole = int(value)
    forms = {str(whole), f"{whole:,}", f"{whole:,}".replace(",", ".")}
    return any(re.search(rf"(?<![\d.,]){re.escape(f)}(?!\d)", body) for f in forms)


def _v2_root(d: DashData) -> float:
    score = Result.objects.get(computation=d.kab_v2, node_code="IKP", region__code=CODE).score
    assert score is not None
    return score


PAGES = [
    "/peta/?tingkat=kabkota",
    "/peringkat/?tingkat=kabkota",
    f"/wilayah/{CODE}/",
    "/metodologi/ikp-2024-kabkota/",
    "/api/v1/editions/ikp-2024-kabkota/results?limit=500",
    "/api/v1/editions/ikp-2024-kabkota/results?limit=500&level=1",
    f"/api/v1/editions/ikp-2024-kabkota/results/{CODE}",
    f"/api/v1/regions/{CODE}",
    "/api/v1/regions?limit=500",
    "/api/v1/editions/ikp-2024-kabkota/geojson",
    "/unduh/peringkat.csv?edition=ikp-2024-kabkota",
    "/unduh/hasil/ikp-2024-kabkota.csv",
    "/unduh/hasil/ikp-2024-kabkota.xlsx",
    "/unduh/peta/ikp-2024-kabkota.geojson",
]


@pytest.mark.parametrize("persona", PUBLIC)
@pytest.mark.parametrize("url", PAGES)
def test_public_output_ignores_unpublished_changes(
    d: DashData, changed: dict[str, Any], persona: str, url: str
) -> None:
    response = d.clients[persona].get(url)
    if response.status_code == 302 and url.endswith(".xlsx"):
        # a signed-in user gets the workbook built by a background job: run it, then fetch
        run_export_job(int(resolve(response["Location"]).kwargs["pk"]))
        response = d.clients[persona].get(url)
    assert response.status_code == 200, url
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if url.endswith(".xlsx"):
        book = load_workbook(BytesIO(content), read_only=True)
        body = "\n".join(
            " ".join("" if v is None else str(v) for v in row)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    else:
        body = content.decode()
    assert not _leaks(body, changed["today"]), url
    assert "diubah setelah perhitungan" not in body
    if url.endswith(f"/results/{CODE}"):
        payload = json.loads(body)
        assert _v2_root(d) not in _floats(payload)


def _floats(payload: Any) -> list[float]:
    if isinstance(payload, float):
        return [payload]
    if isinstance(payload, dict):
        return [x for v in payload.values() for x in _floats(v)]
    if isinstance(payload, list):
        return [x for v in payload for x in _floats(v)]
    return []


@pytest.mark.parametrize("persona", PUBLIC)
def test_region_profile_raw_value_is_the_published_one(
    d: DashData, changed: dict[str, Any], persona: str
) -> None:
    """The raw-indicator column shows the value v1 read, stored with it."""
    html = d.clients[persona].get(f"/wilayah/{CODE}/").content.decode()
    row = re.search(r'<tr data-indicator="I01">(.*?)</tr>', html, re.S)
    assert row is not None
    cells = re.findall(r'<td class="num">([^<]*)</td>', row[1])
    assert cells[0] == num(changed["stored"], -2)
