"""Conventions as tests: every registered step obeys the same contract (scikit-learn's
common checks): built with defaults, parameters unchanged through construction and
get/set, invalid values rejected with the standard message, input never mutated,
deterministic, and its log entry regenerates the same output."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from ikp.dataset import Dataset
from ikp.framework import Framework
from ikp.run import IndexRun
from ikp.steps import STEPS, Step, default_chain

INVALID: dict[str, tuple[str, Any]] = {
    "screen": ("min_region_coverage", "half"),
    "impute": ("method", "avg"),
    "treat": ("method", "winsorize-ish"),
    "normalize": ("method", "min-max"),
    "weight": ("method", "magic"),
    "aggregate": ("method", "mean-ish"),
    "rescale": ("method", "maximum"),
    "classify": ("method", "jenks"),
}

EXAMPLE: dict[str, dict[str, Any]] = {
    "screen": {"min_region_coverage": 0.2},
    "impute": {"method": "median"},
    "treat": {"method": "none"},
    "normalize": {"method": "zscore"},
    "weight": {"method": "equal"},
    "aggregate": {"method": "generalised", "p": 0.5},
    "rescale": {"method": "max"},
    "classify": {"method": "quantile"},
}


def run_until(
    step_key: str, framework: Framework, raw: Dataset, groups: dict[str, str]
) -> IndexRun:
    run = IndexRun.start(framework, raw, "regency", groups=groups)
    for step in default_chain():
        if step.key == step_key:
            return run
        run = run.apply(step)
    raise AssertionError(step_key)


def test_every_step_is_in_the_default_chain() -> None:
    assert [s.key for s in default_chain()] == list(STEPS)


@pytest.mark.parametrize("key", list(STEPS))
def test_constructs_with_defaults_and_keeps_params(key: str) -> None:
    cls = STEPS[key]
    step = cls()
    assert all(v is None for v in step.get_params().values())
    given = EXAMPLE[key]
    step = cls(**given)
    assert {k: v for k, v in step.get_params().items() if v is not None} == given
    again = step.set_params()
    assert again.get_params() == step.get_params()
    assert type(again) is cls


@pytest.mark.parametrize("key", list(STEPS))
def test_unknown_parameter_is_a_type_error(key: str) -> None:
    with pytest.raises(TypeError, match="unexpected parameter"):
        STEPS[key](bogus=1)


@pytest.mark.parametrize("key", list(STEPS))
def test_invalid_value_gets_the_standard_message(
    key: str, ikp2024: Framework, counts: Dataset, groups: dict[str, str]
) -> None:
    name, bad = INVALID[key]
    run = run_until(key, ikp2024, counts, groups)
    step: Step = STEPS[key](**{name: bad})
    with pytest.raises(ValueError, match=rf"{STEPS[key].__name__}\.{name} must be"):
        run.apply(step)


@pytest.mark.parametrize("key", list(STEPS))
def test_does_not_mutate_input_and_is_deterministic(
    key: str, ikp2024: Framework, counts: Dataset, groups: dict[str, str]
) -> None:
    run = run_until(key, ikp2024, counts, groups)
    step = STEPS[key](**EXAMPLE[key])
    before = {k: np.array(v.values, copy=True) for k, v in run.data.items()}
    first = run.apply(step)
    second = run.apply(step)
    for k, v in run.data.items():
        np.testing.assert_array_equal(v.values, before[k])
    out = step.output
    np.testing.assert_array_equal(first.data[out].values, second.data[out].values)


@pytest.mark.parametrize("key", list(STEPS))
def test_log_entry_regenerates_the_same_output(
    key: str, ikp2024: Framework, counts: Dataset, groups: dict[str, str]
) -> None:
    run = run_until(key, ikp2024, counts, groups).apply(STEPS[key](**EXAMPLE[key]))
    entry = run.log[-1]
    assert entry.step == key
    assert entry.params == STEPS[key](**EXAMPLE[key]).get_params()
    assert entry.input_hash.startswith("sha256:")
    again = run.regenerate()
    np.testing.assert_array_equal(again.data[entry.output].values, run.data[entry.output].values)
