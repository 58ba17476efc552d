"""Computing and publishing editions. The web layer reads observations from the database into a
frame, calls the pure core (ikp), and stores what comes back."""

from __future__ import annotations

import logging
import math
from datetime import timedelta
from typing import Any

import numpy as np
import pandas as pd
import yaml
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from ikp import recipes
from ikp.audit import audit as run_audit
from ikp.choices import method_chain, uncertainty_spec
from ikp.dataset import Dataset
from ikp.framework import Framework
from ikp.io.results import results_table
from ikp.jsonsafe import plain as _json_safe
from ikp.published import published_provinces
from ikp.run import IndexRun, compute
from ikp.sample import combine_levels
from ikp.steps import Step
from ikp.uncertainty import (
    UncertaintyResult,
    run_sensitivity,
    run_uncertainty,
)
from ikp_web.apps.core.bulk import insert_rows
from ikp_web.apps.core.models import Job
from ikp_web.apps.core.services import (
    audit,
    job_create,
    job_fail,
    job_finish,
    job_progress,
    reap_stopped_jobs,
)
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.regions.models import Region
from ikp_web.apps.scoring.models import Computation, Result
from ikp_web.apps.submissions.models import Observation, Submission

log = logging.getLogger(__name__)


def observations_frame(edition: Edition, *, verified_only: bool = True) -> pd.DataFrame:
    """Wide frame in the template layout (region_code, I01_L1 …) from stored observations."""
    subs = Submission.objects.filter(edition=edition)
    if verified_only:
        subs = subs.filter(status=Submission.Status.VERIFIED)
    rows = Observation.objects.filter(submission__in=subs).values_list(
        "submission__region__code", "indicator_code", "incidence_level", "value"
    )
    frame = pd.DataFrame(list(rows), columns=["region_code", "indicator", "level", "value"])
    if frame.empty:
        return pd.DataFrame({"region_code": []})
    frame["column"] = np.where(
        frame["level"] == "", frame["indicator"], frame["indicator"] + "_" + frame["level"]
    )
    wide = frame.pivot_table(
        index="region_code", columns="column", values="value", aggfunc="first", dropna=False
    )
    return wide.reset_index()


def raw_dataset(
    edition: Edition, framework: Framework
) -> tuple[Dataset, dict[str, str], dict[str, str]]:
    wide = observations_frame(edition)
    level = 1 if edition.region_level == "province" else 2
    regions = Region.objects.filter(edition=edition.region_edition, level=level)
    names = dict(regions.values_list("code", "name"))
    groups = dict(regions.values_list("code", "province_code"))
    if wide.empty or len(wide.columns) <= 1:
        raise ValueError(
            "belum ada data terverifikasi untuk dihitung / "
            "there are no verified submissions to compute from"
        )
    wide = wide.sort_values("region_code").reset_index(drop=True)
    return combine_levels(wide, framework), names, groups


def stored_inputs(
    comp: Computation, framework: Framework
) -> tuple[Dataset, dict[str, str], dict[str, str]]:
    """The raw dataset ``comp`` was computed from, rebuilt from its indicator rows (``raw``), so
    that a later computation (the seed's uncertainty run) uses the very same inputs whatever
    happened to the submissions since; names and groups as :func:`raw_dataset`."""
    rows = comp.results.filter(level=1).values_list("region__code", "node_code", "raw")
    frame = pd.DataFrame(list(rows), columns=["region_code", "node_code", "raw"])
    wide = frame.pivot(index="region_code", columns="node_code", values="raw")
    wide = wide.reindex(columns=list(framework.indicators)).sort_index()
    raw = Dataset.from_frame(wide.astype(float))
    if comp.input_hash and raw.content_hash() != comp.input_hash:
        raise ValueError(
            f"masukan tersimpan v{comp.version} tidak cocok dengan hash-nya / the stored inputs "
            f"of v{comp.version} do not match its input hash"
        )
    edition = comp.edition
    level = 1 if edition.region_level == "province" else 2
    regions = Region.objects.filter(edition=edition.region_edition, level=level)
    return (
        raw,
        dict(regions.values_list("code", "name")),
        dict(regions.values_list("code", "province_code")),
    )


def _f(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


@transaction.atomic
def store_run(
    edition: Edition,
    run: IndexRun,
    *,
    actor: Any = None,
    uncertainty: UncertaintyResult | pd.DataFrame | None = None,
    runs: int = 0,
    job_id: int | None = None,
    source: str = "",
) -> Computation:
    """Store ``run`` as the edition's next computation version. ``uncertainty``: the Monte Carlo
    result (its table gives the rank intervals and class probabilities; its spec and the names
    of the inputs it varied are kept in ``uncertainty_setup``), or just its table."""
    Edition.objects.select_for_update().filter(pk=edition.pk).first()  # versions one at a time
    setup: dict[str, Any] = {}
    if isinstance(uncertainty, UncertaintyResult):
        setup = _json_safe(
            {
                "spec": uncertainty.spec.model_dump(mode="json"),
                "inputs": list(uncertainty.inputs),
                "class_labels": list(uncertainty.class_labels),
                "seed": uncertainty.seed,
                "n_evaluations": uncertainty.n_evaluations,
            }
        )
        uncertainty = uncertainty.table
    version = (edition.computations.aggregate(v=Max("version"))["v"] or 0) + 1
    comp = Computation.objects.create(
        edition=edition,
        version=version,
        status=Computation.Status.DONE,
        recipe=yaml.safe_dump(recipes.to_dict(run), allow_unicode=True, sort_keys=False),
        input_hash=run.input_hash,
        audit=_json_safe(run_audit(run).to_dict()),
        uncertainty_runs=runs,
        uncertainty_setup=setup,
        synthetic=bool(run.metadata.get("synthetic")) or edition.synthetic,
        source=source,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        job_id=job_id,
    )
    table = results_table(run, uncertainty)
    regions = dict(Region.objects.filter(edition=edition.region_edition).values_list("code", "pk"))
    table = table[table["region_code"].isin(regions)]
    labels = [c for c in table.columns if c.startswith("prob_") and c != "prob_missing"]
    raw_data = run.data["raw"]
    raw_row = {r: i for i, r in enumerate(raw_data.regions)}
    raw_col = {c: j for j, c in enumerate(raw_data.columns)}
    raw_values = np.asarray(raw_data.values, dtype=float)
    n = len(table)

    def floats(column: str) -> list[float | None]:
        if column not in table.columns:
            return [None] * n
        values = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=float)
        return [None if v != v else v for v in values.tolist()]

    def raw_value(code: str, node: str) -> float | None:
        i, j = raw_row.get(code), raw_col.get(node)
        return _f(raw_values[i, j]) if i is not None and j is not None else None

    probabilities = [floats(k) for k in labels]
    klass = [c if isinstance(c, str) else "" for c in table["class"].tolist()]
    insert_rows(
        Result,
        (
            "computation",
            "region",
            "node_code",
            "level",
            "score",
            "rank",
            "klass",
            "rank_p05",
            "rank_p95",
            "rank_median",
            "class_probabilities",
            "reliability",
            "source",
            "raw",
        ),
        (
            (
                comp.pk,
                regions[code],
                node,
                int(level),
                score,
                rank,
                k,
                p05,
                p95,
                median,
                {
                    lab[5:]: p[r]
                    for lab, p in zip(labels, probabilities, strict=True)
                    if p[r] is not None
                },
                reliability,
                "",
                raw_value(code, node),
            )
            for r, (code, node, level, score, rank, k, p05, p95, median, reliability) in enumerate(
                zip(
                    table["region_code"].tolist(),
                    table["node_code"].tolist(),
                    table["level"].tolist(),
                    floats("score"),
                    floats("rank"),
                    klass,
                    floats("rank_p05"),
                    floats("rank_p95"),
                    floats("rank_median"),
                    floats("reliability"),
                    strict=True,
                )
            )
        ),
    )
    return comp


#: the method choices of the compute form and job (``None`` or missing = the framework's)
METHOD_KEYS = ("weights", "normalize", "aggregate", "aggregate_p", "classes")


def method_steps(edition: Edition, methods: dict[str, Any] | None) -> list[Step]:
    """The step chain for ``edition`` with the analyst's ``methods`` (keys of
    :data:`METHOD_KEYS`; ``classes`` maps a region level to its class method). Raises
    :class:`ValueError` (the core's bilingual message) for a choice the framework cannot take,
    e.g. AHP without matrices."""
    chosen = {k: v for k, v in (methods or {}).items() if k in METHOD_KEYS and v not in ("", None)}
    return method_chain(edition.framework.framework(), edition.region_level, **chosen)


def compute_edition(
    edition: Edition,
    *,
    actor: Any = None,
    runs: int = 1000,
    job_id: int | None = None,
    methods: dict[str, Any] | None = None,
    inputs_of: Computation | None = None,
) -> Computation:
    """Compute an edition from its verified submissions (or from the inputs of the computation
    ``inputs_of``, see :func:`stored_inputs`), with the analyst's ``methods`` (see
    :func:`method_steps`), uncertainty and sensitivity. Progress goes to the job ``job_id`` (if
    any); the results, audit and sensitivity are stored in one transaction, then the job is
    marked done with a link to the computation."""
    framework = edition.framework.framework()
    steps = method_steps(edition, methods)
    job_progress(job_id, 5, "membaca data / reading data", status="running")
    if inputs_of is not None:
        raw, names, groups = stored_inputs(inputs_of, framework)
    else:
        raw, names, groups = raw_dataset(edition, framework)
    meta = {"synthetic": edition.synthetic, "edition": edition.slug}
    run = compute(
        framework,
        raw,
        edition.region_level,
        steps=steps,
        region_names=names,
        groups=groups,
        metadata=meta,
    )
    job_progress(job_id, 20, "indeks dihitung / index computed")
    unc = None
    sensitivity: list[Any] = []
    spec = None
    if runs:

        def progress(done: int, total: int) -> None:
            job_progress(job_id, 20 + int(50 * done / max(total, 1)), f"Monte Carlo {done}/{total}")

        spec = uncertainty_spec(framework, n_runs=runs, seed=1)
        unc = run_uncertainty(run, spec, progress=progress)

        def sa_progress(done: int, total: int) -> None:
            job_progress(
                job_id,
                70 + int(25 * done / max(total, 1)),
                f"analisis sensitivitas / sensitivity analysis {done}/{total}",
            )

        sa_spec = uncertainty_spec(framework, n_runs=min(runs, 500), seed=1)
        sa = run_sensitivity(run, sa_spec, progress=sa_progress)
        if sa.sensitivity is not None:
            sensitivity = _json_safe(sa.sensitivity.to_dict(orient="records"))
    job_progress(job_id, 95, "menyimpan hasil / storing results")
    with transaction.atomic():
        comp = store_run(edition, run, actor=actor, uncertainty=unc, runs=runs, job_id=job_id)
        changed = []
        if spec is not None:  # the specification used (the framework's block + runs and seed)
            comp.audit = {**comp.audit, "uncertainty_spec": _json_safe(spec.model_dump())}
            changed.append("audit")
        if sensitivity:
            comp.sensitivity = sensitivity
            changed.append("sensitivity")
        if changed:
            comp.save(update_fields=changed)
        audit("compute", user=actor, obj=comp, edition=edition.slug, version=comp.version)
    job_finish(
        job_id,
        {
            "computation": comp.pk,
            "edition": edition.slug,
            "version": comp.version,
            "url": reverse("scoring:computation", args=[edition.slug, comp.version]),
        },
        f"selesai: {edition.slug} v{comp.version} / done",
    )
    return comp


COMPUTE_JOB = "compute"
MAX_RUNS = 10000
#: a compute job queued for longer than this no longer blocks a new one (no worker took it); a
#: running one is judged by its heartbeat (``IKP_JOB_HEARTBEAT_TIMEOUT``)
STALE_AFTER = timedelta(hours=2)


class ComputeBusy(ValueError):
    """A computation of the same edition is already queued or running."""


def active_compute_job(edition: Edition) -> Job | None:
    """The edition's compute job that is queued or running (and not stale), if any. A running
    job whose worker stopped is marked failed first (:func:`reap_stopped_jobs`)."""
    reap_stopped_jobs(Job.objects.filter(kind=COMPUTE_JOB, params__edition=edition.slug))
    return (
        Job.objects.filter(
            kind=COMPUTE_JOB,
            params__edition=edition.slug,
            status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
            updated__gte=timezone.now() - STALE_AFTER,
        )
        .order_by("-created")
        .first()
    )


def start_compute(
    edition: Edition,
    actor: Any,
    runs: int = 1000,
    methods: dict[str, Any] | None = None,
    *,
    publish: str = "",
    inputs_of: Computation | None = None,
) -> Job:
    """Create a compute job for ``edition`` with the analyst's ``methods`` (checked against the
    edition's framework first; a :class:`ValueError` says what is wrong) and enqueue it on the
    task queue once the job row is committed. Raises :class:`ComputeBusy` if one is already
    queued or running. With ``publish`` (a change log), the job publishes its computation when
    it is done (the seed's background uncertainty runs); with ``inputs_of``, the job computes
    from that computation's stored inputs instead of the current verified submissions."""
    if edition.kind != Edition.Kind.COLLECTED:
        raise ValueError(f"{edition.slug} is not an edition collected on this platform")
    if not 0 <= runs <= MAX_RUNS:
        raise ValueError(f"runs must be between 0 and {MAX_RUNS}; got {runs}")
    method_steps(edition, methods)
    with transaction.atomic():
        Edition.objects.select_for_update().filter(pk=edition.pk).first()
        busy = active_compute_job(edition)
        if busy is not None:
            raise ComputeBusy(
                f"perhitungan {edition.slug} sedang berjalan (pekerjaan #{busy.pk}) / "
                f"a computation of {edition.slug} is already running (job #{busy.pk})"
            )
        job = job_create(
            COMPUTE_JOB,
            actor=actor,
            params={
                "edition": edition.slug,
                "edition_id": edition.pk,
                "runs": runs,
                "methods": dict(methods or {}),
                "synthetic": edition.synthetic,
                **({"publish": publish} if publish else {}),
                **({"inputs_of": inputs_of.pk} if inputs_of is not None else {}),
            },
            message="menunggu giliran / queued",
        )
    from ikp_web.apps.scoring.tasks import compute_task  # the task module imports this one

    transaction.on_commit(lambda: compute_task(job.pk))
    return job


def run_compute_job(job_id: int) -> Computation | None:
    """The body of the compute task: compute the job's edition and record the outcome on the
    job (done with a link to the computation, or failed with the error message)."""
    job = Job.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None:
        log.warning("compute job %s no longer exists", job_id)
        return None
    edition = Edition.objects.filter(pk=job.params.get("edition_id")).first()
    if edition is None:
        job_fail(job_id, "edisi tidak ditemukan / the edition no longer exists")
        return None
    job_progress(job_id, 1, "memulai / starting", status=Job.Status.RUNNING)
    try:
        comp = compute_edition(
            edition,
            actor=job.created_by,
            runs=int(job.params.get("runs", 0)),
            job_id=job_id,
            methods=job.params.get("methods"),
            inputs_of=(
                edition.computations.get(pk=job.params["inputs_of"])
                if job.params.get("inputs_of")
                else None
            ),
        )
        if job.params.get("publish"):
            with transaction.atomic():
                do_publish(comp, job.created_by, change_log=str(job.params["publish"]))
        return comp
    except Exception as exc:
        if not isinstance(exc, ValueError):
            log.exception("compute job %s failed", job_id)
        message = f"gagal / failed: {exc}"
        job_fail(job_id, message)
        audit(
            "compute",
            user=job.created_by,
            obj=edition,
            edition=edition.slug,
            status="failed",
            job=job_id,
            error=str(exc),
        )
        return None


class PublishError(ValueError):
    """The computation cannot be published as asked (the message says why, in Indonesian and
    English)."""


@transaction.atomic
def do_publish(comp: Computation, actor: Any, change_log: str = "") -> Computation:
    """Publish: the computation becomes the edition's immutable public snapshot. A later
    publication of the same edition is a correction and must say what changed; a version older
    than the one already published cannot be published."""
    if comp.published:
        return comp
    Edition.objects.select_for_update().filter(pk=comp.edition_id).first()  # one at a time
    if Computation.objects.filter(pk=comp.pk, published=True).exists():
        comp.refresh_from_db()  # published meanwhile by someone else
        return comp
    if comp.status != Computation.Status.DONE:
        raise PublishError(
            "hanya perhitungan yang selesai yang dapat diterbitkan / "
            "only a finished computation can be published"
        )
    previous = (
        Computation.objects.filter(edition=comp.edition, published=True)
        .exclude(pk=comp.pk)
        .order_by("-version")
        .first()
    )
    if previous is not None and previous.version > comp.version:
        raise PublishError(
            f"v{comp.version} lebih lama dari versi terbit v{previous.version} / "
            f"v{comp.version} is older than the published v{previous.version}"
        )
    if previous is not None and not change_log.strip():
        raise PublishError(
            "koreksi memerlukan catatan perubahan / "
            "a correction needs a change log (what changed since the published version)"
        )
    comp.published = True
    comp.published_at = timezone.now()
    comp.published_by = actor if getattr(actor, "is_authenticated", False) else None
    comp.supersedes = previous
    comp.change_log = change_log.strip()
    comp.save()
    audit(
        "publish",
        user=actor,
        obj=comp,
        edition=comp.edition.slug,
        version=comp.version,
        supersedes=previous.version if previous is not None else None,
    )
    return comp


def latest_published(edition: Edition) -> Computation | None:
    return edition.computations.filter(published=True).order_by("-version").first()


@transaction.atomic
def load_published_2024(edition: Edition) -> Computation:
    """Bawaslu's published IKP 2024 province scores (approach 1) as a published computation of
    an external edition on the 2022 region edition, each result carrying its source."""
    table = published_provinces()
    regions = {r.code: r for r in Region.objects.filter(edition=edition.region_edition, level=1)}
    version = (edition.computations.aggregate(v=Max("version"))["v"] or 0) + 1
    comp = Computation.objects.create(
        edition=edition,
        version=version,
        status=Computation.Status.DONE,
        source="Bawaslu RI, IKP Pemilu dan Pemilihan Serentak 2024 (16 Dec 2022), approach 1",
        published=True,
        published_at=timezone.now(),
    )
    Result.objects.bulk_create(
        [
            Result(
                computation=comp,
                region=regions[row["region_code"]],
                node_code="IKP",
                level=4,
                score=float(row["score"]),
                rank=float(row["rank"]),
                klass=str(row["class"]),
                source=str(row["source"]),
            )
            for row in table.to_dict(orient="records")
            if row["region_code"] in regions
        ]
    )
    return comp
