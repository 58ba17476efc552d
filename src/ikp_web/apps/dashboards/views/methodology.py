"""``/metodologi/`` and ``/metodologi/<edition>/``: the methodology of the edition shown,
generated from its framework and the stored recipe of its computation (every pipeline step with
its parameters, effective weights, class cut-offs, uncertainty settings, input hash, ikp
version); ``/metodologi/dokumen/<page>/`` renders the method pages of ``docs/methodology``."""

from __future__ import annotations

import copy
import functools
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.formats import number_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from ikp.choices import uncertainty_spec
from ikp.framework import Framework
from ikp.published import PUBLISHED_SOURCE_NOTE, PUBLISHED_SOURCE_NOTE_EN
from ikp.uncertainty import UncertaintySpec
from ikp_web.apps.core import method_labels as names
from ikp_web.apps.dashboards.maps import lang
from ikp_web.apps.dashboards.queries import (
    Choice,
    cached,
    comp_data,
    framework_of,
    resolve_choice,
)
from ikp_web.apps.dashboards.views import readable
from ikp_web.apps.dashboards.views.common import base_context, choose, seen
from ikp_web.apps.dashboards.views.uncertainty_sources import uncertainty_sources
from ikp_web.apps.scoring.models import Computation

STEP_INFO: dict[str, tuple[Any, str]] = {
    "screen": (gettext_lazy("Penyaringan ketersediaan data"), "screen"),
    "impute": (gettext_lazy("Imputasi data yang hilang"), "impute"),
    "treat": (gettext_lazy("Penanganan pencilan"), "treat"),
    "normalize": (gettext_lazy("Normalisasi indikator"), "normalize"),
    "weight": (gettext_lazy("Pembobotan"), "weights"),
    "aggregate": (gettext_lazy("Agregasi"), "aggregate"),
    "rescale": (gettext_lazy("Penskalaan ulang 0–100"), "rescale-rank-classify"),
    "classify": (gettext_lazy("Peringkat dan kelas kerawanan"), "rescale-rank-classify"),
}

DOCS_DIR = Path(settings.BASE_DIR).parents[1] / "docs" / "methodology"


def stored_recipe(choice: Choice) -> dict[str, Any] | None:
    """The computation's recipe, parsed (cached when published)."""

    def build() -> dict[str, Any]:
        text = (
            Computation.objects.filter(pk=choice.comp.pk).values_list("recipe", flat=True).first()
        )
        data = yaml.safe_load(text) if text else None
        return data if isinstance(data, dict) else {}

    recipe: dict[str, Any] = cached(choice, "recipe", build)
    return recipe or None


#: frameworks stored in recipes, built once per process for each framework hash
_RECIPE_FRAMEWORKS: dict[str, Framework] = {}


def recipe_framework(choice: Choice, recipe: dict[str, Any] | None) -> Framework:
    """The framework the computation ran with (stored in the recipe; built once per framework
    hash), else the edition's."""
    if recipe and isinstance(recipe.get("framework"), dict):
        key = str(recipe.get("framework_hash") or "")
        found = _RECIPE_FRAMEWORKS.get(key) if key else None
        if found is not None:
            return found
        try:
            fw = Framework.from_dict(copy.deepcopy(recipe["framework"]), file="recipe")
        except Exception:  # a recipe from another version may not validate: fall back
            return framework_of(choice.edition)
        if key:
            if len(_RECIPE_FRAMEWORKS) >= 16:
                _RECIPE_FRAMEWORKS.pop(next(iter(_RECIPE_FRAMEWORKS)))
            _RECIPE_FRAMEWORKS[key] = fw
        return fw
    return framework_of(choice.edition)


def _moment(value: Any) -> datetime | None:
    """The recipe's ``created`` timestamp as a datetime the template formats (else None)."""
    if isinstance(value, datetime):
        return value
    return parse_datetime(str(value)) if value else None


def tree(
    fw: Framework, region_level: str, used: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Depth-first rows: index, dimensions, sub-dimensions, indicators, with the weights the
    computation used (``used``: the recipe's ``methods.weight``, after equal, AHP or PCA) or,
    for a recipe without them, the framework file's."""
    weights = {c: n.weight(region_level) for c, n in fw.nodes.items()}
    if used and isinstance(used.get("weights"), dict):
        weights.update({c: float(w) for c, w in used["weights"].items() if c in weights})
    eff = fw.effective_weights(region_level, weights)
    rows: list[dict[str, Any]] = []

    def walk(code: str) -> None:
        node = fw.nodes[code]
        rows.append(
            {
                "code": code,
                "name_id": node.name_id,
                "name_en": node.name_en,
                "level": node.level,
                "level_name": fw.level_name(node.level, lang()),
                "weight": weights[code] if node.parent else None,
                "effective": eff.get(code),
                "direction": node.direction if node.level == 1 else None,
                "type": node.input_type or "",
                "unit": node.unit or "",
            }
        )
        for kid in node.children:
            walk(kid)

    walk(fw.root)
    return rows


def steps(fw: Framework, recipe: dict[str, Any] | None) -> list[dict[str, Any]]:
    out = []
    for entry in (recipe or {}).get("steps", []) or []:
        key = str(entry.get("step", entry.get("name", "")))
        params = {k: v for k, v in (entry.get("params") or {}).items() if v is not None}
        info = STEP_INFO.get(key)
        if key == "classify":
            effective: Any = fw.classification.model_dump(exclude_none=True)
        elif key == "weight":
            effective = fw.method("weight")
        else:
            effective = fw.method(key)
        overrides = {
            code: dict(node.methods[key])
            for code, node in fw.nodes.items()
            if node.methods.get(key)
        }
        out.append(
            {
                "name": entry.get("name", key),
                "step": key,
                "title": str(info[0]) if info else key,
                "doc": info[1] if info else "",
                "input": entry.get("input", ""),
                "output": entry.get("output", ""),
                "params": readable.rows(params, key),
                "effective": readable.rows(effective, key),
                "overrides": readable.rows(overrides, key),
                "input_hash": entry.get("input_hash", ""),
                "version": entry.get("version", ""),
                "timestamp": entry.get("timestamp", ""),
            }
        )
    return out


def methods(fw: Framework, recipe: dict[str, Any] | None, region_level: str) -> dict[str, Any]:
    """The methods the computation used (the recipe's ``methods``; for an older recipe, the
    framework file's defaults): weighting with each AHP matrix's consistency ratio,
    normalisation, aggregation, and the class method of every region level."""
    used = (recipe or {}).get("methods") or {}
    weight = used.get("weight") or {}
    max_cr = float(weight.get("max_cr", fw.method("weight").get("max_cr", 0.1)))
    ahp = [
        {
            "code": code,
            "name": fw.nodes[code].name(lang()) if code in fw.nodes else code,
            "n": info.get("n"),
            "cr": info.get("cr"),
            "ci": info.get("ci"),
            "lambda_max": info.get("lambda_max"),
            "ri": info.get("ri"),
            "consistent": info.get("cr", 0.0) <= max_cr,
        }
        for code, info in (weight.get("ahp") or {}).items()
    ]

    def summary(step: str, table: dict[str, Any]) -> dict[str, Any]:
        entry = used.get(step) or {}
        method = str(entry.get("method") or fw.method(step).get("method", ""))
        return {
            "method": names.label(table, method),
            "per_node": len(entry.get("per_node") or {}),
        }

    classes = []
    run_class = used.get("classify") or {}
    for level in fw.region_levels:
        spec = fw.classification.for_level(level)
        if level == region_level and run_class:
            spec = {"method": run_class.get("method"), **run_class}
        params = {k: v for k, v in spec.items() if k in ("cutoffs", "k", "probs")}
        classes.append(
            {
                "level": level,
                "level_name": names.REGION_LEVEL.get(level, level),
                "method": names.label(names.CLASSES, str(spec.get("method", ""))),
                "params": "; ".join(
                    f"{readable.key_name(k)}: {readable.value_text(v, k)}"
                    for k, v in params.items()
                ),
                "current": level == region_level,
            }
        )
    return {
        "recorded": bool(used),
        "weight": names.label(
            names.WEIGHT, str(weight.get("method") or fw.method("weight").get("method"))
        ),
        "ahp": ahp,
        "max_cr": max_cr,
        "inconsistent": [a["code"] for a in ahp if not a["consistent"]],
        "normalize": summary("normalize", names.NORMALIZE),
        "aggregate": summary("aggregate", names.AGGREGATE),
        "classes": classes,
    }


def uncertainty(choice: Choice, fw: Framework) -> dict[str, Any] | None:
    comp = (
        Computation.objects.filter(pk=choice.comp.pk)
        .values("audit", "sensitivity", "uncertainty_setup")
        .first()
    )
    runs = int(choice.comp.uncertainty_runs or 0)
    if not runs or comp is None:
        return None
    # the specification the analysis used: stored with its result, else by the compute job
    stored = (comp["uncertainty_setup"] or {}).get("spec") or (comp["audit"] or {}).get(
        "uncertainty_spec"
    )
    spec = (
        UncertaintySpec(**stored)
        if isinstance(stored, dict)
        else uncertainty_spec(fw, n_runs=runs, seed=1)
    )
    spec_dump = spec.model_dump(exclude={"chunk_size"})
    sens = []
    for rec in comp["sensitivity"] or []:
        label = rec.get("label_id") if lang() == "id" else rec.get("label")
        sens.append(
            {
                "label": label or rec.get("input", ""),
                "first_order": rec.get("first_order"),
                "total": rec.get("total"),
            }
        )
    return {
        "runs": runs,
        "spec": readable.rows(spec_dump),
        "stored_spec": isinstance(stored, dict),
        "sensitivity": sens,
    }


def methodology(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    if slug:
        version = request.GET.get("versi", "")
        key = f"{slug}@v{version}" if version.isdigit() else slug
        choice = resolve_choice(request.user, key, seen=seen(request))
    else:
        choice = choose(request)
    ctx = base_context(request, choice)
    ctx["form_action"] = reverse("dashboards:methodology")
    ctx["docs_available"] = (DOCS_DIR / "README.md").is_file()
    if choice is None:
        return render(request, "dashboards/methodology.html", ctx)
    recipe = stored_recipe(choice)
    fw = recipe_framework(choice, recipe)
    data = comp_data(choice)
    classification = fw.classification
    labels = [(t.id, t.en or t.id) for t in classification.labels]
    cutoffs = [
        (lvl, "; ".join(readable.number(c) for c in values))
        for lvl, values in classification.cutoffs.items()
    ]
    applied = data.cutoffs.get(fw.root, ())
    meta = {
        "framework": f"{fw.id} v{fw.version}",
        "framework_hash": (recipe or {}).get("framework_hash") or fw.content_hash(),
        "ikp_version": (recipe or {}).get("ikp_version", ""),
        "recipe_format": (recipe or {}).get("format", ""),
        "created": _moment((recipe or {}).get("created")),
        "input_hash": choice.comp.input_hash or (recipe or {}).get("input_hash", ""),
        "input_shape": " × ".join(str(x) for x in (recipe or {}).get("input_shape", [])),
        "region_level": choice.level,
    }
    ctx.update(
        {
            "recipe": recipe,
            "mfw": fw,
            "fw_name": fw.name_en if lang() == "en" else fw.name_id,
            "tree": tree(fw, choice.level, ((recipe or {}).get("methods") or {}).get("weight")),
            "methods": methods(fw, recipe, choice.level),
            "steps": steps(fw, recipe),
            "meta": meta,
            "class_method": names.label(names.CLASSES, classification.method),
            "class_labels": labels,
            "class_cutoffs": cutoffs,
            "class_k": readable.number(classification.k)
            if classification.method == "mean_sd"
            else None,
            "class_probs": "; ".join(readable.number(p) for p in classification.probs)
            if classification.method == "quantile"
            else None,
            "class_source": classification.source or "",
            "applied_cutoffs": "; ".join(number_format(round(c, 2), 2) for c in applied),
            "incidence_levels": [
                (lv.code, lv.name.id, lv.name.en or lv.name.id, lv.weight)
                for lv in fw.incidence_levels
            ],
            "assumptions": list(fw.assumptions),
            "sources": list(fw.sources),
            "uncertainty": uncertainty(choice, fw),
            "unc_sources": uncertainty_sources(choice, fw, lang()),
            "published_note": (
                PUBLISHED_SOURCE_NOTE_EN if lang() == "en" else PUBLISHED_SOURCE_NOTE
            )
            if choice.external
            else "",
            "computation_source": choice.comp.source or choice.edition.source,
        }
    )
    return render(request, "dashboards/methodology.html", ctx)


# --------------------------------------------------------------------------- docs pages

_LINK = re.compile(r'href="([a-z0-9-]+)\.md(#[^"]*)?"')
#: passages for developers (tests, benchmarks), kept in the repository's Markdown but not shown
#: on the public site: ``<!-- dev -->`` … ``<!-- /dev -->``
_DEV = re.compile(r"<!-- dev -->.*?<!-- /dev -->\n?", re.S)
_OUTSIDE = re.compile(r'<a href="\.\./[^"]*">(.*?)</a>', re.S)


@functools.lru_cache(maxsize=32)
def _render_doc(path: str, mtime: float) -> str:
    from markdown_it import MarkdownIt

    text = _DEV.sub("", Path(path).read_text("utf-8"))
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    out = md.render(text)
    base = reverse("dashboards:methodology_docs")
    out = _LINK.sub(
        lambda m: (
            f'href="{base}{"" if m.group(1) == "README" else m.group(1) + "/"}{m.group(2) or ""}"'
        ),
        out,
    )
    return _OUTSIDE.sub(r"\1", out)


def methodology_doc(request: HttpRequest, name: str = "README") -> HttpResponse:
    """A page of ``docs/methodology`` (Markdown, rendered without raw HTML)."""
    if not re.fullmatch(r"[A-Za-z0-9-]+", name):
        raise Http404("no such page")
    path = DOCS_DIR / f"{name}.md"
    if not path.is_file():
        raise Http404("no such page")
    body = _render_doc(str(path), path.stat().st_mtime)
    pages = sorted(p.stem for p in DOCS_DIR.glob("*.md") if p.stem != "README")
    return render(
        request,
        "dashboards/methodology_doc.html",
        {"body": mark_safe(body), "name": name, "pages": pages},  # noqa: S308 - rendered with html disabled
    )
