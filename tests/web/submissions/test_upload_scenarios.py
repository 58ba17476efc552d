"""The shared upload scenarios (tests/scenarios/upload_scenarios.py, HOUSE-STYLE rec. 20) run
through the web's upload view: a province's kab/kota on one sheet, uploaded by Bawaslu RI on the
province's batch page. The issue codes the page reports must equal the scenario's, and a file
the core accepts is saved (one submission per kab/kota), a file it rejects saves nothing."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ikp_web.apps.frameworks.models import Edition, FrameworkVersion
from ikp_web.apps.submissions.models import Observation, Submission, UploadFile

from .helpers import Personas, url

SCENARIO_FILE = Path(__file__).parents[2] / "scenarios" / "upload_scenarios.py"


def _load_scenarios() -> ModuleType:
    spec = importlib.util.spec_from_file_location("upload_scenarios", SCENARIO_FILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("upload_scenarios", module)
    spec.loader.exec_module(module)
    return module


scenarios = _load_scenarios()


@pytest.mark.parametrize(
    ("name", "expected", "should_load"),
    scenarios.SCENARIOS,
    ids=[s[0] for s in scenarios.SCENARIOS],
)
def test_scenario_through_the_upload_view(
    personas: Personas,
    framework_version: FrameworkVersion,
    tps_framework: FrameworkVersion,
    name: str,
    expected: set[Any],
    should_load: bool,
) -> None:
    options = scenarios.scenario_options(name)
    fv = framework_version if options["framework"] == "ikp-2024" else tps_framework
    edition = Edition.objects.create(
        slug=f"uji-{fv.slug}",
        name=f"uji {fv.slug} (DATA SINTETIS)",
        framework=fv,
        region_level=options["region_level"],
        synthetic=True,  # the fixtures are marked synthetic
    )
    data = (scenarios.FIXTURES / name).read_bytes()
    client = personas["ri"].client
    page = url("batch", edition.slug, options["province"])
    response = client.post(page, {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302
    upload = UploadFile.objects.get()
    html = client.get(response["Location"]).content.decode()
    shown = set(re.findall(r'class="issues-group" data-code="([A-Z0-9_]+)"', html))
    assert shown == {str(c) for c in expected}
    assert {i["code"] for i in upload.report["issues"]} == shown
    assert (upload.status == "pending") is should_load
    n_regions = Submission.objects.filter(edition=edition).count()
    if should_load:
        # nothing stored before the confirmation
        assert n_regions == 0 and not Observation.objects.exists()
        assert 'id="confirm-upload"' in html
        confirmed = client.post(url("decide", upload.pk), {"action": "confirm"})
        assert confirmed.status_code == 302
        upload.refresh_from_db()
        assert upload.status == "confirmed"
        n_regions = Submission.objects.filter(edition=edition).count()
        assert n_regions == len(upload.report["saved"]) > 0
        assert Observation.objects.filter(submission__edition=edition).exists()
        assert set(Submission.objects.filter(edition=edition).values_list("status", flat=True)) == {
            "draft"
        }
    else:
        assert n_regions == 0 and not Observation.objects.exists()
