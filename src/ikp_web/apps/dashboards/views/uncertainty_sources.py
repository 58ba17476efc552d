"""The methodology page's section *Sumber ketidakpastian / Sources of uncertainty*: what the
stored computation's uncertainty analysis varied, read from ``Computation.uncertainty_setup``
(the ``UncertaintySpec`` and the names of the inputs it varied, stored by
``scoring.services.store_run``) and written out in the active language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from ikp.framework import Framework
from ikp_web.apps.dashboards.queries import Choice
from ikp_web.apps.scoring.models import Computation

CHOICE_STEPS = ("normalize", "aggregate", "impute")


def _step_label(step: str) -> str:
    return {
        "normalize": _("Metode normalisasi"),
        "aggregate": _("Metode agregasi"),
        "impute": _("Metode imputasi"),
    }[step]


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, int | float) else str(value)


def alternative_text(alt: dict[str, Any]) -> str:
    """``{"method": "prank", "times": 100}`` → ``prank ×100``; other parameters as ``key=value``."""
    parts = [str(alt.get("method", "?"))]
    for key, value in alt.items():
        if key == "method":
            continue
        parts.append(f"×{_number(value)}" if key == "times" else f"{key}={_number(value)}")
    return " ".join(parts)


def _data_noise(spec: dict[str, Any]) -> dict[str, Any] | None:
    noise = spec.get("data_noise")
    if not isinstance(noise, dict):
        return None
    model = str(noise.get("model") or "none")
    params = ", ".join(f"{k}={_number(v)}" for k, v in noise.items() if k != "model")
    detail = _("model %(model)s") % {"model": model}
    if params:
        detail += f" ({params})"
    return {
        "input": "data",  # the engine's name for the input (UncertaintyResult.inputs)
        "label": _("Derau data (jumlah kejadian yang teramati)"),
        "detail": detail,
        "varied": model != "none",
    }


def describe(setup: dict[str, Any], fw: Framework, lang: str) -> dict[str, Any]:
    """Every source of uncertainty the spec names: ``varied`` (inputs the analysis varied) and
    ``fixed`` (named by the spec but held at the run's own setting)."""
    spec: dict[str, Any] = setup.get("spec") or {}
    inputs = [str(i) for i in setup.get("inputs") or []]
    varied: list[dict[str, Any]] = []
    fixed: list[dict[str, Any]] = []
    known: set[str] = set()
    noise_by_level = {int(k): float(v) for k, v in (spec.get("weight_noise") or {}).items()}
    for level in sorted(noise_by_level):
        if level >= fw.n_levels:
            continue
        name = f"weights_L{level}"
        known.add(name)
        item = {
            "input": name,
            "label": _("Bobot tingkat %(level)s") % {"level": fw.level_name(level, lang)},
            "detail": _("setiap bobot dikalikan faktor acak antara %(low)s dan %(high)s (±%(pct)s)")
            % {
                "low": f"{1 - noise_by_level[level]:g}",
                "high": f"{1 + noise_by_level[level]:g}",
                "pct": f"{noise_by_level[level]:.0%}",
            },
        }
        (varied if name in inputs else fixed).append(item)
    for step in CHOICE_STEPS:
        alts = spec.get(f"{step}_alternatives") or []
        known.add(step)
        item = {
            "input": step,
            "label": _step_label(step),
            "detail": _("dipilih acak dari: %(alternatives)s")
            % {"alternatives": "; ".join(alternative_text(a) for a in alts)}
            if len(alts) > 1
            else _("tetap: pengaturan perhitungan"),
        }
        (varied if step in inputs else fixed).append(item)
    noise = _data_noise(spec)
    if noise is not None:
        known.add("data")
        varied_noise = noise.pop("varied") or "data" in inputs
        (varied if varied_noise else fixed).append(noise)
    for name in inputs:  # an input this page does not know yet: at least its name
        if name not in known:
            varied.append({"input": name, "label": name, "detail": ""})
    return {
        "varied": varied,
        "fixed": fixed,
        "runs": spec.get("n_runs"),
        "seed": setup.get("seed", spec.get("seed")),
        "n_evaluations": setup.get("n_evaluations"),
    }


def uncertainty_sources(choice: Choice, fw: Framework, lang: str) -> dict[str, Any]:
    """The section's context: ``available`` False when the computation has no uncertainty
    analysis, ``stored`` False when it has one but its settings were not stored (computed before
    the platform kept them)."""
    row = (
        Computation.objects.filter(pk=choice.comp.pk)
        .values("uncertainty_setup", "uncertainty_runs", "sensitivity")
        .first()
    ) or {}
    setup = row.get("uncertainty_setup") or {}
    out: dict[str, Any] = {
        "available": bool(row.get("uncertainty_runs")) or bool(setup),
        "stored": bool(setup.get("spec")),
        "has_sensitivity": bool(row.get("sensitivity")),
    }
    if out["stored"]:
        out.update(describe(setup, fw, lang))
    return out
