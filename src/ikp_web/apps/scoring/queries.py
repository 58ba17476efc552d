"""Read-only queries behind the computing pages: editions with their counts, a computation's
ranking summary, statistical audit, sensitivity indices, comparison with the published version
and the version history. Numbers come from stored results; comparisons call the core
(:func:`ikp.compare.compare_results`)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.db.models import Count, Max, Q, QuerySet

from ikp.compare import compare_results
from ikp.framework import Framework
from ikp_web.apps.core.models import Job
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.regions.models import Region
from ikp_web.apps.scoring.models import Computation, Result
from ikp_web.apps.scoring.services import COMPUTE_JOB, active_compute_job
from ikp_web.apps.submissions.models import Submission

NO_CLASS = ""


@dataclass
class EditionRow:
    edition: Edition
    n_regions: int
    n_submissions: int
    n_verified: int
    computations: list[Computation]
    published: Computation | None
    active_job: Job | None
    last_job: Job | None


def collected_editions() -> QuerySet[Edition]:
    return Edition.objects.filter(kind=Edition.Kind.COLLECTED).select_related("framework")


def shared_framework() -> Framework | None:
    """The framework of every collected edition if they share one (the compute form's method
    choices are prefilled from its defaults), else ``None``."""
    versions = {e.framework for e in collected_editions()}
    if len(versions) != 1:
        return None
    try:
        return versions.pop().framework()
    except Exception:  # a stored framework that no longer validates: no prefill
        return None


def edition_rows() -> list[EditionRow]:
    """Every edition collected on the platform with its submission counts, computations and
    compute jobs."""
    editions = list(
        collected_editions().annotate(
            n_submissions=Count("submissions", distinct=True),
            n_verified=Count(
                "submissions",
                filter=Q(submissions__status=Submission.Status.VERIFIED),
                distinct=True,
            ),
        )
    )
    comps: dict[int, list[Computation]] = {}
    for comp in (
        Computation.objects.filter(edition__in=editions)
        .select_related("created_by", "published_by")
        .order_by("edition_id", "-version")
    ):
        comps.setdefault(comp.edition_id, []).append(comp)
    counts = {
        (e, lv): n
        for e, lv, n in Region.objects.order_by()
        .values_list("edition", "level")
        .annotate(n=Count("pk"))
        .values_list("edition", "level", "n")
    }
    last_jobs: dict[str, Job] = {}
    for job in Job.objects.filter(kind=COMPUTE_JOB).order_by("-created")[:200]:
        last_jobs.setdefault(str(job.params.get("edition", "")), job)
    rows = []
    for e in editions:
        level = 1 if e.region_level == Edition.Level.PROVINCE else 2
        mine = comps.get(e.pk, [])
        rows.append(
            EditionRow(
                edition=e,
                n_regions=counts.get((e.region_edition, level), 0),
                n_submissions=e.n_submissions,  # type: ignore[attr-defined]
                n_verified=e.n_verified,  # type: ignore[attr-defined]
                computations=mine,
                published=next((c for c in mine if c.published), None),
                active_job=active_compute_job(e),
                last_job=last_jobs.get(e.slug),
            )
        )
    return rows


def current_published(edition: Edition) -> Computation | None:
    return (
        edition.computations.filter(published=True)
        .select_related("published_by")
        .order_by("-version")
        .first()
    )


def root_level(comp: Computation) -> int:
    return int(comp.results.aggregate(m=Max("level"))["m"] or 0)


def results_frame(comp: Computation, node: str | None = None) -> pd.DataFrame:
    """The stored results as the core's long results table (region_code, region_name,
    node_code, level, score, rank, class)."""
    qs = comp.results.all()
    if node is not None:
        qs = qs.filter(node_code=node)
    rows = qs.values_list(
        "region__code", "region__name", "node_code", "level", "score", "rank", "klass"
    )
    columns = ["region_code", "region_name", "node_code", "level", "score", "rank", "class"]
    frame = pd.DataFrame(list(rows), columns=columns)
    frame["score"] = frame["score"].astype(float)
    frame["rank"] = frame["rank"].astype(float)
    return frame


def root_results(comp: Computation) -> QuerySet[Result]:
    level = root_level(comp)
    return comp.results.filter(level=level).select_related("region")


def ranking_summary(comp: Computation, framework: Framework | None, n: int = 10) -> dict[str, Any]:
    """The index: top and bottom ``n`` regions by rank, and how many regions fall in each
    class (in the framework's class order, then regions without a class)."""
    results = root_results(comp)
    ranked = results.filter(rank__isnull=False)
    top = list(ranked.order_by("rank", "region__code")[:n])
    bottom = list(ranked.order_by("-rank", "region__code")[:n])
    bottom.reverse()
    counts = dict(
        results.order_by().values_list("klass").annotate(n=Count("pk")).values_list("klass", "n")
    )
    labels = list(framework.class_labels("id")) if framework is not None else []
    labels += sorted(k for k in counts if k and k not in labels)
    classes = [{"label": k, "n": counts.get(k, 0)} for k in labels]
    if counts.get(NO_CLASS):
        classes.append({"label": NO_CLASS, "n": counts[NO_CLASS]})
    total = sum(counts.values())
    for c in classes:
        c["share"] = 100.0 * c["n"] / total if total else 0.0
    node = top[0].node_code if top else (results.first().node_code if results.exists() else "")
    return {
        "node": node,
        "top": top,
        "bottom": bottom if len(ranked[: n + 1]) > n else [],
        "classes": classes,
        "n_regions": total,
    }


def _node_name(framework: Framework | None, code: str, lang: str) -> str:
    if framework is None or code not in framework.nodes:
        return ""
    return framework.nodes[code].name(lang)


def audit_summary(comp: Computation, framework: Framework | None, lang: str) -> dict[str, Any]:
    """The stored statistical audit: one row per group (Cronbach's alpha, share of the first
    principal component, Pearson r with its parent and every ancestor) and the flags with their
    message in the page's language."""
    audit = comp.audit or {}
    pca = {row["node"]: row for row in audit.get("pca", [])}
    upward: dict[str, list[dict[str, Any]]] = {}
    for row in audit.get("correlations", []):
        if row.get("relation") in ("parent", "ancestor"):
            upward.setdefault(row["node"], []).append(
                {"other": row["other"], "pearson": row.get("pearson")}
            )
    groups = []
    for row in audit.get("cronbach", []):
        p = pca.get(row["node"], {})
        groups.append(
            {
                "node": row["node"],
                "name": _node_name(framework, row["node"], lang),
                "level": row.get("level"),
                "level_name": (
                    framework.level_name(int(row["level"]), lang)
                    if framework is not None and row.get("level") is not None
                    else ""
                ),
                "k": row.get("k"),
                "n": row.get("n"),
                "alpha": row.get("alpha"),
                "pc1_share": p.get("pc1_share"),
                "n_above_one": p.get("n_above_one"),
                "ancestors": upward.get(row["node"], []),
                "low_alpha": row.get("alpha") is not None and row["alpha"] < 0.7,
            }
        )
    groups.sort(key=lambda g: (-(g["level"] or 0), g["node"]))
    flags = [
        {
            "node": f.get("node"),
            "other": f.get("other"),
            "kind": f.get("kind"),
            "value": f.get("value"),
            "message": (f.get("message") if lang == "en" else f.get("message_id"))
            or f.get("message")
            or "",
        }
        for f in audit.get("flags", [])
    ]
    kinds: dict[str, int] = {}
    for f in flags:
        kinds[str(f["kind"])] = kinds.get(str(f["kind"]), 0) + 1
    return {
        "n_regions": audit.get("n_regions"),
        "thresholds": audit.get("thresholds", {}),
        "groups": groups,
        "flags": flags,
        "flag_counts": sorted(kinds.items()),
        "available": bool(audit),
    }


def _finite(value: Any) -> float | None:
    """A stored (JSON) index or interval bound, None when missing or not finite."""
    ok = isinstance(value, int | float) and math.isfinite(value)
    return float(value) if ok else None


def sensitivity_rows(comp: Computation, lang: str) -> list[dict[str, Any]]:
    """The stored Sobol indices, largest total first, with their bootstrap intervals (when
    stored) and two reading aids: ``negative`` (a first-order estimate below 0: estimation
    error around a true value near 0) and ``above_total`` (first-order above total: in theory
    total ≥ first-order, so this too is estimation error)."""
    rows = []
    for r in comp.sensitivity or []:
        first, total = _finite(r.get("first_order")), _finite(r.get("total"))
        rows.append(
            {
                "input": r.get("input"),
                "label": (r.get("label") if lang == "en" else r.get("label_id"))
                or r.get("label")
                or r.get("input"),
                "first_order": first,
                "first_order_low": _finite(r.get("first_order_low")),
                "first_order_high": _finite(r.get("first_order_high")),
                "total": total,
                "total_low": _finite(r.get("total_low")),
                "total_high": _finite(r.get("total_high")),
                "negative": first is not None and first < 0,
                "above_total": first is not None and total is not None and first > total,
            }
        )
    rows.sort(key=lambda r: -(r["total"] or 0.0))
    return rows


def comparison_base(comp: Computation) -> Computation | None:
    """What to compare ``comp`` with: the edition's currently published version, or, when
    ``comp`` is that version, the one it superseded."""
    current = current_published(comp.edition)
    if current is None:
        return None
    if current.pk != comp.pk:
        return current
    return comp.supersedes


def comparison(comp: Computation, base: Computation, limit: int = 50) -> dict[str, Any]:
    """Score, rank and class changes per region of the index between ``base`` (A) and ``comp``
    (B), largest score change first, through the core's ``compare_results``."""
    level = root_level(comp)
    node = comp.results.filter(level=level).values_list("node_code", flat=True).first()
    if node is None:
        return {"rows": [], "n": 0, "available": False}
    a = results_frame(base, node)
    b = results_frame(comp, node)
    if a.empty or b.empty:
        return {"rows": [], "n": 0, "available": False}
    table = compare_results(a, b, node=node)
    table = table.astype(object).where(pd.notna(table), None)
    records = table.to_dict(orient="records")
    changed_class = sum(1 for r in records if r["class_changed"])
    score_changes = [abs(r["score_change"]) for r in records if r["score_change"] is not None]
    rank_changes = [abs(r["rank_change"]) for r in records if r["rank_change"] is not None]
    return {
        "available": True,
        "node": node,
        "rows": records[:limit],
        "n": len(records),
        "limit": limit,
        "n_class_changed": changed_class,
        "n_changed": sum(1 for s in score_changes if s > 1e-9),
        "max_score_change": max(score_changes, default=0.0),
        "max_rank_change": max(rank_changes, default=0.0),
    }


def versions(edition: Edition) -> list[Computation]:
    return list(
        edition.computations.select_related("created_by", "published_by", "supersedes").order_by(
            "-version"
        )
    )
