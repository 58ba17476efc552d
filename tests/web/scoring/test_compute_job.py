"""Computing runs as a background job (huey; MemoryHuey in immediate mode in tests): the page
starts a job and follows its progress; the job stores the computation with its results, audit
and sensitivity, or fails with a clear message."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from ikp_web.apps.core.models import AuditLog, Job
from ikp_web.apps.core.services import job_create, job_progress
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.scoring.models import Computation
from ikp_web.apps.submissions.models import Submission

from .conftest import RUNS, Persona, add_observations

STATIC = Path(__file__).parents[3] / "src" / "ikp_web" / "apps" / "core" / "static"


def start(client: Any, edition: Edition, runs: Any, capture: Any) -> Any:
    with capture(execute=True):
        return client.post(reverse("scoring:start"), {"edition": edition.slug, "runs": runs})


def test_index_lists_editions_with_counts_and_stable_ids(
    data_edition: Edition, personas: dict[str, Persona]
) -> None:
    Submission.objects.filter(region__code="32.01").update(status="submitted")
    page = personas["ri"].client.get(reverse("scoring:index"))
    html = page.content.decode()
    assert 'id="runs"' in html and 'value="1000"' in html
    assert f'id="compute-{data_edition.slug}"' in html
    row = html.split(f'id="edition-{data_edition.slug}"')[1].split("</tr>")[0]
    assert 'data-verified="26"' in row and "26</span> / 514" in row
    assert "27 pengisian tercatat" in row
    assert "Belum pernah dihitung" in row
    assert page.context["synthetic"] is True  # the edition is SYNTHETIC: the banner shows


def test_compute_job_end_to_end(
    data_edition: Edition, personas: dict[str, Persona], django_capture_on_commit_callbacks: Any
) -> None:
    ri = personas["ri"]
    response = start(ri.client, data_edition, RUNS, django_capture_on_commit_callbacks)
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("scoring:job", args=[job.pk])
    assert job.kind == "compute" and job.created_by == ri.user
    assert job.status == Job.Status.DONE and job.progress == 100
    comp = Computation.objects.get(edition=data_edition)
    assert comp.version == 1 and comp.job == job and comp.created_by == ri.user
    assert comp.uncertainty_runs == RUNS and comp.synthetic and not comp.published
    assert comp.results.filter(node_code="IKP").count() == 27
    assert comp.results.filter(node_code="IKP", rank_p05__isnull=False).count() == 27
    assert comp.audit["n_regions"] == 27 and comp.audit["cronbach"]
    assert comp.sensitivity and comp.recipe.startswith("format: ikp-recipe/1")
    assert comp.input_hash.startswith("sha256:")
    # what the uncertainty analysis varied is stored with the computation
    setup = comp.uncertainty_setup
    assert setup["spec"]["n_runs"] == RUNS and setup["seed"] == 1
    assert setup["inputs"] and set(setup["inputs"]) == {s["input"] for s in comp.sensitivity}
    assert setup["class_labels"] == ["rendah", "sedang", "tinggi"]
    url = reverse("scoring:computation", args=[data_edition.slug, 1])
    assert job.result == {
        "computation": comp.pk,
        "edition": data_edition.slug,
        "version": 1,
        "url": url,
    }
    entry = AuditLog.objects.get(action="compute")
    assert entry.username == "ri" and entry.object_id == str(comp.pk)
    assert entry.detail == {"edition": data_edition.slug, "version": 1}

    # the job page and its JSON status
    page = ri.client.get(response["Location"])
    html = page.content.decode()
    assert 'id="job-progress"' in html and 'data-status="done"' in html
    assert f'href="{url}"' in html and 'http-equiv="refresh"' not in html
    assert "INVALID_TEMPLATE_VARIABLE" not in html
    status = ri.client.get(reverse("scoring:job_status", args=[job.pk]))
    payload = json.loads(status.content)
    assert payload["status"] == "done" and payload["progress"] == 100
    assert payload["finished"] is True and payload["url"] == url
    assert payload["synthetic"] is True and payload["label"].startswith("DATA SINTETIS")
    assert status["Cache-Control"].startswith("max-age=0")


def test_a_second_computation_is_the_next_version(
    computed: Computation, personas: dict[str, Persona], django_capture_on_commit_callbacks: Any
) -> None:
    start(personas["ri"].client, computed.edition, 0, django_capture_on_commit_callbacks)
    new = Computation.objects.get(edition=computed.edition, version=2)
    assert new.uncertainty_runs == 0 and new.sensitivity == [] and new.uncertainty_setup == {}
    assert new.results.filter(node_code="IKP", rank_p05__isnull=False).count() == 0


def test_failure_without_verified_data(
    data_edition: Edition, personas: dict[str, Persona], django_capture_on_commit_callbacks: Any
) -> None:
    Submission.objects.update(status="submitted")
    ri = personas["ri"]
    response = start(ri.client, data_edition, RUNS, django_capture_on_commit_callbacks)
    job = Job.objects.get()
    assert response.status_code == 302
    assert job.status == Job.Status.FAILED
    assert "belum ada data terverifikasi" in job.message
    assert "no verified submissions" in job.message
    assert not Computation.objects.filter(edition=data_edition).exists()
    entry = AuditLog.objects.get(action="compute")
    assert entry.detail["status"] == "failed" and entry.username == "ri"
    page = ri.client.get(response["Location"]).content.decode()
    assert 'data-status="failed"' in page and "belum ada data terverifikasi" in page
    payload = json.loads(ri.client.get(reverse("scoring:job_status", args=[job.pk])).content)
    assert payload["status"] == "failed" and payload["finished"] and payload["url"] is None
    index = ri.client.get(reverse("scoring:index")).content.decode()
    assert "Pekerjaan terakhir gagal" in index
    assert "INVALID_TEMPLATE_VARIABLE" not in index + page


@pytest.mark.parametrize("runs", ["-1", "10001", "banyak", ""])
def test_runs_are_validated(
    runs: str,
    data_edition: Edition,
    personas: dict[str, Persona],
    django_capture_on_commit_callbacks: Any,
) -> None:
    response = start(personas["ri"].client, data_edition, runs, django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert 'id="runs-error"' in response.content.decode()
    assert not Job.objects.exists()


def test_unknown_or_external_edition_is_refused(
    data_edition: Edition, personas: dict[str, Persona], django_capture_on_commit_callbacks: Any
) -> None:
    external = Edition.objects.create(
        slug="ikp-2024-bawaslu-provinsi",
        name="hasil resmi",
        framework=data_edition.framework,
        region_level="province",
        kind=Edition.Kind.PUBLISHED_EXTERNAL,
    )
    for slug in ("tidak-ada", external.slug):
        with django_capture_on_commit_callbacks(execute=True):
            response = personas["ri"].client.post(
                reverse("scoring:start"), {"edition": slug, "runs": 0}
            )
        assert response.status_code == 400
    assert not Job.objects.exists()
    index = personas["ri"].client.get(reverse("scoring:index")).content.decode()
    assert f'id="compute-{external.slug}"' not in index


def test_a_running_computation_blocks_a_second_one(
    data_edition: Edition, personas: dict[str, Persona], django_capture_on_commit_callbacks: Any
) -> None:
    busy = job_create("compute", params={"edition": data_edition.slug, "runs": 5})
    response = start(personas["ri"].client, data_edition, RUNS, django_capture_on_commit_callbacks)
    assert response["Location"] == reverse("scoring:job", args=[busy.pk])
    assert Job.objects.count() == 1
    assert not Computation.objects.filter(edition=data_edition).exists()
    index = personas["ri"].client.get(reverse("scoring:index")).content.decode()
    assert f'id="compute-{data_edition.slug}"' not in index
    assert f'id="job-{data_edition.slug}"' in index


@override_settings(IKP_JOB_HEARTBEAT_TIMEOUT=60)
def test_a_stuck_computation_blocks_nothing(
    data_edition: Edition, personas: dict[str, Persona], django_capture_on_commit_callbacks: Any
) -> None:
    """A running job whose worker was killed (its heartbeat stopped) is marked failed, with the
    reason, and a new computation of the same edition starts."""
    stuck = job_create("compute", params={"edition": data_edition.slug, "runs": 5})
    job_progress(stuck.pk, 40, "Monte Carlo 2/5", status=Job.Status.RUNNING)
    Job.objects.filter(pk=stuck.pk).update(
        worker="another-host:4242", heartbeat=timezone.now() - timedelta(minutes=5)
    )
    response = start(personas["ri"].client, data_edition, 0, django_capture_on_commit_callbacks)
    stuck.refresh_from_db()
    assert stuck.status == Job.Status.FAILED and "the worker stopped" in stuck.message
    new = Job.objects.exclude(pk=stuck.pk).get()
    assert response["Location"] == reverse("scoring:job", args=[new.pk])
    assert new.status == Job.Status.DONE
    assert Computation.objects.get(edition=data_edition).job == new


def test_queued_job_page_polls_and_falls_back_without_js(
    data_edition: Edition, personas: dict[str, Persona]
) -> None:
    job = job_create("compute", params={"edition": data_edition.slug, "runs": 5})
    html = personas["ri"].client.get(reverse("scoring:job", args=[job.pk])).content.decode()
    assert 'data-status="queued"' in html
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in html
    assert f'data-url="{reverse("scoring:job_status", args=[job.pk])}"' in html
    assert "core/job.js" in html and "run_huey" in html  # the poller, a static file (CSP)
    assert "setTimeout(tick, 1000)" in (STATIC / "core" / "job.js").read_text()
    assert f'href="{reverse("scoring:job", args=[job.pk])}"' in html  # reload link


def test_corrected_data_give_a_new_version_with_changes(
    computed: Computation, personas: dict[str, Persona], django_capture_on_commit_callbacks: Any
) -> None:
    add_observations(computed.edition, scale={"32.01": 3.0})
    start(personas["ri"].client, computed.edition, 0, django_capture_on_commit_callbacks)
    new = Computation.objects.get(edition=computed.edition, version=2)
    assert new.input_hash != computed.input_hash
    old = computed.results.get(node_code="IKP", region__code="32.01").score
    assert new.results.get(node_code="IKP", region__code="32.01").score > old


def test_a_job_asked_to_publish_publishes_its_version(
    computed: Computation, django_capture_on_commit_callbacks: Any
) -> None:
    """The seed's background uncertainty runs: v1 is published without uncertainty; the job
    computes v2 with its Monte Carlo runs and publishes it as a correction with its change log."""
    from ikp_web.apps.scoring.services import do_publish, start_compute

    do_publish(computed, actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        job = start_compute(computed.edition, None, runs=RUNS, publish="ketidakpastian / MC")
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.params["publish"] == "ketidakpastian / MC"
    v2 = Computation.objects.get(edition=computed.edition, version=2)
    assert v2.published and v2.supersedes == computed and v2.change_log == "ketidakpastian / MC"
    assert v2.uncertainty_runs == RUNS and v2.job == job


def test_seed_queues_the_uncertainty_runs_once(
    data_edition: Edition, django_capture_on_commit_callbacks: Any
) -> None:
    """``ikp serve``'s seed publishes the index at once and leaves the Monte Carlo runs to a
    background job; a second start queues nothing more."""
    from io import StringIO

    from ikp_web.apps.core.management.commands.ikp_seed import Command
    from ikp_web.apps.scoring.services import compute_edition, do_publish

    v1 = do_publish(compute_edition(data_edition, runs=0), actor=None)
    assert v1.uncertainty_runs == 0
    out = StringIO()
    seed = Command(stdout=out)
    with django_capture_on_commit_callbacks(execute=True):
        seed._queue_uncertainty(data_edition, RUNS)
    job = Job.objects.get()
    assert f"job #{job.pk} {reverse('scoring:job', args=[job.pk])}" in out.getvalue()
    assert job.status == Job.Status.DONE
    assert job.params["inputs_of"] == v1.pk  # the published inputs, whatever changed since
    v2 = Computation.objects.get(edition=data_edition, published=True, version=2)
    assert v2.input_hash == v1.input_hash and v2.uncertainty_runs == RUNS
    with django_capture_on_commit_callbacks(execute=True):
        seed._queue_uncertainty(data_edition, RUNS)
    assert Job.objects.count() == 1
