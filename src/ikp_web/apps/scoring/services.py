"""Computing and publishing editions. The web layer reads observations from the database into a
frame, calls the pure core (ikp), and stores what comes back."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import yaml
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ikp import recipes
from ikp.audit import audit as run_audit
from ikp.dataset import Dataset
from ikp.framework import Framework
from ikp.io.results import results_table
from ikp.jsonsafe import plain as _json_safe
from ikp.published import published_provinces
from ikp.run import IndexRun, compute
from ikp.sample import combine_levels
from ikp.uncertainty import UncertaintySpec, run_sensitivity, run_uncertainty
from ikp_web.apps.core.services import audit, job_progress
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.regions.models import Region
from ikp_web.apps.scoring.models import Computation, Result
from ikp_web.apps.submissions.models import Observation, Submission


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
        raise ValueError("there are no verified submissions to compute from")
    wide = wide.sort_values("region_code").reset_index(drop=True)
    return combine_levels(wide, framework), names, groups


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
    uncertainty: pd.DataFrame | None = None,
    runs: int = 0,
    job_id: int | None = None,
    source: str = "",
) -> Computation:
    version = (edition.computations.aggregate(v=Max("version"))["v"] or 0) + 1
    comp = Computation.objects.create(
        edition=edition,
        version=version,
        status=Computation.Status.DONE,
        recipe=yaml.safe_dump(recipes.to_dict(run), allow_unicode=True, sort_keys=False),
        input_hash=run.input_hash,
        audit=_json_safe(run_audit(run).to_dict()),
        uncertainty_runs=runs,
        synthetic=bool(run.metadata.get("synthetic")) or edition.synthetic,
        source=source,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        job_id=job_id,
    )
    table = results_table(run, uncertainty)
    regions = {r.code: r for r in Region.objects.filter(edition=edition.region_edition)}
    labels = [c for c in table.columns if c.startswith("prob_") and c != "prob_missing"]
    results = []
    for rec in table.to_dict(orient="records"):
        region = regions.get(rec["region_code"])
        if region is None:
            continue
        results.append(
            Result(
                computation=comp,
                region=region,
                node_code=rec["node_code"],
                level=int(rec["level"]),
                score=_f(rec["score"]),
                rank=_f(rec["rank"]),
                klass=rec["class"] if isinstance(rec["class"], str) else "",
                rank_p05=_f(rec.get("rank_p05")),
                rank_p95=_f(rec.get("rank_p95")),
                rank_median=_f(rec.get("rank_median")),
                class_probabilities={
                    k[5:]: _f(rec[k]) for k in labels if _f(rec.get(k)) is not None
                },
                reliability=_f(rec.get("reliability")),
            )
        )
    Result.objects.bulk_create(results, batch_size=2000)
    return comp


def compute_edition(
    edition: Edition, *, actor: Any = None, runs: int = 1000, job_id: int | None = None
) -> Computation:
    """Compute an edition from its verified submissions, with uncertainty and sensitivity."""
    framework = edition.framework.framework()
    job_progress(job_id, 5, "membaca data / reading data", status="running")
    raw, names, groups = raw_dataset(edition, framework)
    meta = {"synthetic": edition.synthetic, "edition": edition.slug}
    run = compute(
        framework, raw, edition.region_level, region_names=names, groups=groups, metadata=meta
    )
    job_progress(job_id, 20, "indeks dihitung / index computed")
    unc = None
    if runs:

        def progress(done: int, total: int) -> None:
            job_progress(job_id, 20 + int(60 * done / max(total, 1)), f"Monte Carlo {done}/{total}")

        unc = run_uncertainty(run, UncertaintySpec(n_runs=runs, seed=1), progress=progress).table
    comp = store_run(edition, run, actor=actor, uncertainty=unc, runs=runs, job_id=job_id)
    if runs:
        sa = run_sensitivity(run, UncertaintySpec(n_runs=min(runs, 500), seed=1))
        if sa.sensitivity is not None:
            comp.sensitivity = _json_safe(sa.sensitivity.to_dict(orient="records"))
            comp.save(update_fields=["sensitivity"])
    job_progress(job_id, 100, "selesai / done", status="done")
    audit("compute", user=actor, obj=comp, edition=edition.slug, version=comp.version)
    return comp


@transaction.atomic
def do_publish(comp: Computation, actor: Any, change_log: str = "") -> Computation:
    """Publish: the computation becomes the edition's immutable public snapshot. A later
    publication of the same edition is a correction and must say what changed."""
    if comp.published:
        return comp
    previous = (
        Computation.objects.filter(edition=comp.edition, published=True)
        .exclude(pk=comp.pk)
        .order_by("-version")
        .first()
    )
    if previous is not None and not change_log.strip():
        raise ValueError(
            "a correction needs a change log (what changed since the published version)"
        )
    comp.published = True
    comp.published_at = timezone.now()
    comp.published_by = actor if getattr(actor, "is_authenticated", False) else None
    comp.supersedes = previous
    comp.change_log = change_log
    comp.save()
    audit("publish", user=actor, obj=comp, edition=comp.edition.slug, version=comp.version)
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
