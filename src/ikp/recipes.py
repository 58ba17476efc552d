"""Recipes: the record of a run, written as YAML, from which the run can be regenerated.

A recipe holds the ikp version, the full framework (so it stands alone), the framework hash,
the region level, the hash of the raw input data, every step with its parameters, a label
for the data (including whether it is synthetic, and its coverage of the region level), and the
bounds the relative steps used (so a partial run can use it as ``--reference``). ``replay(recipe, raw)`` rebuilds the run and
refuses data whose hash differs unless told otherwise.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

import ikp
from ikp.choices import methods_used
from ikp.coverage import bounds_of
from ikp.dataset import Dataset
from ikp.framework import Framework
from ikp.issues import IssueCode, ValidationFailed, ValidationReport
from ikp.jsonsafe import plain as _plain
from ikp.run import IndexRun
from ikp.steps import STEPS

RECIPE_FORMAT = "ikp-recipe/1"


def to_dict(run: IndexRun) -> dict[str, Any]:
    raw = run.data["raw"]
    return {
        "format": RECIPE_FORMAT,
        "ikp_version": ikp.__version__,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "framework_id": run.framework.id,
        "framework_version": run.framework.version,
        "framework_hash": run.framework.content_hash(),
        "region_level": run.region_level,
        "input_hash": raw.content_hash(),
        "input_shape": list(raw.shape),
        "data": _plain(dict(run.metadata)),
        "steps": [e.to_dict() for e in run.log],
        "bounds": _plain(bounds_of(run)),
        # what the steps used in the end (the weights after equal/AHP/PCA, AHP consistency
        # ratios, the methods per step, the class method of the region level); informative,
        # replay uses the steps and the framework
        "methods": _plain(methods_used(run)),
        "framework": run.framework.to_dict(),
    }


# libyaml's safe dumper and loader when PyYAML was built with it (the same text, 3–5× faster)
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def save(run: IndexRun, path: str | Path) -> Path:
    out = Path(path)
    out.write_text(
        yaml.dump(to_dict(run), Dumper=_DUMPER, allow_unicode=True, sort_keys=False, width=100),
        "utf-8",
    )
    return out


def load(path: str | Path) -> dict[str, Any]:
    data = yaml.load(Path(path).read_text("utf-8"), Loader=_LOADER)
    report = check(data, file=str(path))
    if not report.ok:
        raise ValidationFailed(report, what=f"recipe {path}")
    return dict(data)


def check(data: Any, file: str | None = None) -> ValidationReport:
    report = ValidationReport()
    if not isinstance(data, Mapping):
        report.add(IssueCode.SCHEMA, "a recipe must be a mapping", file=file)
        return report
    if data.get("format") != RECIPE_FORMAT:
        report.add(
            IssueCode.SCHEMA,
            f"format must be {RECIPE_FORMAT!r}; got {data.get('format')!r}",
            file=file,
        )
    for key in ("framework", "region_level", "steps", "input_hash"):
        if key not in data:
            report.add(IssueCode.SCHEMA, f"recipe key {key!r} is missing", file=file)
    for i, step in enumerate(data.get("steps") or []):
        if not isinstance(step, Mapping) or step.get("step") not in STEPS:
            report.add(
                IssueCode.SCHEMA,
                f"steps[{i}]: unknown step {step.get('step') if isinstance(step, Mapping) else step!r}",
                file=file,
                hint="steps: " + ", ".join(STEPS),
            )
    return report


def framework_of(recipe: Mapping[str, Any]) -> Framework:
    return Framework.from_dict(recipe["framework"], file="recipe")


def replay(
    recipe: Mapping[str, Any],
    raw: Dataset,
    *,
    region_names: Mapping[str, str] | None = None,
    groups: Mapping[str, str] | None = None,
    allow_other_data: bool = False,
    metadata: Mapping[str, Any] | None = None,
) -> IndexRun:
    """Regenerate a run from its recipe and raw data. ``metadata`` (what is known about the
    data now, e.g. that it is synthetic) is merged over the recipe's record of its data."""
    framework = framework_of(recipe)
    run = IndexRun.start(
        framework,
        raw,
        str(recipe["region_level"]),
        region_names=region_names,
        groups=groups,
        metadata={**copy.deepcopy(recipe.get("data") or {}), **(metadata or {})},
    )
    actual = run.input_hash
    if actual != recipe["input_hash"] and not allow_other_data:
        report = ValidationReport()
        report.add(
            IssueCode.RECIPE_MISMATCH,
            f"the data's hash {actual} differs from the recipe's {recipe['input_hash']}",
            hint="pass the data the recipe was made from, or allow other data to re-run the "
            "recipe's method on new data",
        )
        raise ValidationFailed(report, what="recipe replay")
    for step in recipe["steps"]:
        run = run.apply(STEPS[step["step"]](**copy.deepcopy(step["params"])), name=step["name"])
    return run
