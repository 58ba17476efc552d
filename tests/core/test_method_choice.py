"""Method control for analysts: the framework file's weight block (equal, AHP with its
consistency ratio, PCA), class methods per region level, the uncertainty block, the step chain
built from an analyst's choices and the record of what a run used."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest
from tests.core.conftest import make_counts

from ikp import recipes
from ikp.choices import describe_methods, method_chain, methods_used, uncertainty_spec
from ikp.dataset import Dataset
from ikp.framework import Framework, read_framework_dict
from ikp.issues import IssueCode, MethodError, Severity
from ikp.methods.weights import SAATY_RANDOM_INDEX, ahp_node_weights, parse_judgement
from ikp.run import compute
from ikp.sample import generate

#: Saaty's classic 3-item example; principal eigenvector (0.6483, 0.2297, 0.1220),
#: lambda_max 3.0037, CI 0.00185, CR = CI / 0.58 = 0.0032
SAATY_3 = [[1, 3, 5], ["1/3", 1, 2], ["1/5", "1/2", 1]]
DIMENSIONS_4 = [[1, 3, 5, 7], ["1/3", 1, 3, 5], ["1/5", "1/3", 1, 3], ["1/7", "1/5", "1/3", 1]]
INCONSISTENT_3 = [[1, 9, "1/9"], ["1/9", 1, 9], [9, "1/9", 1]]


def ikp_dict(weight: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    data, _ = read_framework_dict("ikp-2024")
    data = copy.deepcopy(data)
    if weight is not None:
        data["defaults"]["weight"] = weight
    data.update(extra)
    return data


def ahp_block(method: str = "framework", d1: Any = None, **more: Any) -> dict[str, Any]:
    return {
        "method": method,
        "ahp": {
            "IKP": {"order": ["D1", "D2", "D3", "D4"], "matrix": DIMENSIONS_4},
            "D1": d1
            if d1 is not None
            else {"order": ["D1.S1", "D1.S2", "D1.S3"], "matrix": SAATY_3},
        },
        **more,
    }


@pytest.fixture(scope="module")
def ahp_framework() -> Framework:
    return Framework.from_dict(ikp_dict(ahp_block()), file="ahp.yaml")


def test_saaty_random_index_table_is_the_published_one() -> None:
    assert SAATY_RANDOM_INDEX == {
        1: 0.0,
        2: 0.0,
        3: 0.58,
        4: 0.90,
        5: 1.12,
        6: 1.24,
        7: 1.32,
        8: 1.41,
        9: 1.45,
        10: 1.49,
    }


def test_fractions_as_text_and_the_consistency_ratio() -> None:
    assert parse_judgement("1/3") == pytest.approx(1 / 3)
    assert parse_judgement(" 5 ") == 5.0
    for bad in ("a/3", "1/0", True, ""):
        with pytest.raises(MethodError):
            parse_judgement(bad)
    weights, result = ahp_node_weights(
        {"matrix": SAATY_3, "order": ["b", "a", "c"]}, ("a", "b", "c")
    )
    assert weights == pytest.approx({"b": 0.6483, "a": 0.2297, "c": 0.1220}, abs=1e-4)
    assert result.lambda_max == pytest.approx(3.0037, abs=1e-4)
    assert result.ci == pytest.approx((result.lambda_max - 3) / 2)
    assert result.cr == pytest.approx(result.ci / 0.58)
    assert result.cr == pytest.approx(0.0032, abs=1e-4)


def test_framework_file_weight_block_is_valid_and_inert_until_chosen(
    ahp_framework: Framework,
) -> None:
    assert ahp_framework.defaults["weight"]["method"] == "framework"
    evaluated = ahp_framework.ahp_weights()
    assert set(evaluated) == {"IKP", "D1"}
    assert evaluated["IKP"][1].cr == pytest.approx(0.0433, abs=1e-4)
    run = compute(ahp_framework, make_counts(ahp_framework), "regency")
    assert run.artefact("weight")["method"] == "framework"
    assert run.artefact("weight")["weights"]["D1"] == 1.0


def test_framework_check_reports_every_weight_problem_at_once() -> None:
    data = ikp_dict(
        {
            "method": "ahp",
            "max_cr": 2,
            "wieghts": 1,
            "ahp": {
                "IKP": {
                    "order": ["D1", "D2", "D3"],
                    "matrix": [[1, 2, 3], [0.5, 1, 2], [3, 0.5, 1]],
                },
                "D1": [[1, 2], [0.5, 1]],
                "D2.S9": [[1]],
                "I01": [[1]],
                "D3": {"matrix": [[1, -2], [-0.5, 1]]},
                "D4": {"matrix": [[1, "x"], [1, 1]]},
            },
        }
    )
    fw, report = Framework.check_dict(data, file="bad.yaml")
    assert fw is None
    messages = [i.message for i in report.errors]
    text = "\n".join(messages)
    assert "unknown key 'wieghts'" in text
    assert "max_cr must be a number in (0, 1]" in text
    assert "'order' must name each child exactly once (missing D4)" in text
    assert "the matrix is 2x2 but the node has 3 children" in text
    assert "'D2.S9', which is not an aggregate" in text
    assert "'I01', which is not an aggregate" in text
    assert "entries must be > 0" in text
    assert "'x' is not a number or a fraction" in text
    assert all(i.hint for i in report.errors)
    hints = " ".join(i.hint or "" for i in report.errors)
    assert "keys: method, ahp" in hints and "D2.S5" in hints and "aggregates: D1.S1" in hints


def test_ahp_method_without_matrices_is_an_error() -> None:
    _, report = Framework.check_dict(ikp_dict({"method": "ahp"}), file="x.yaml")
    assert [i.code for i in report.errors] == [IssueCode.BAD_AHP_MATRIX]
    assert "needs pairwise-comparison matrices" in report.errors[0].message


def test_non_reciprocal_matrix_is_refused() -> None:
    block = ahp_block(d1=[[1, 3, 5], [3, 1, 2], ["1/5", "1/2", 1]])
    _, report = Framework.check_dict(ikp_dict(block), file="x.yaml")
    assert any("not reciprocal: row 1, column 2 is 3" in i.message for i in report.errors)


def test_inconsistent_matrix_is_a_warning_or_an_error_when_asked() -> None:
    fw, report = Framework.check_dict(ikp_dict(ahp_block(d1=INCONSISTENT_3)), file="x.yaml")
    assert fw is not None and report.ok
    (warning,) = report.warnings
    assert warning.code is IssueCode.AHP_INCONSISTENT and warning.severity is Severity.WARNING
    assert "CR = 6.130 > 0.1" in warning.message and warning.location.node_code == "D1"
    strict = ahp_block(d1=INCONSISTENT_3, allow_inconsistent=False)
    fw, report = Framework.check_dict(ikp_dict(strict), file="x.yaml")
    assert fw is None and report.errors[0].code is IssueCode.AHP_INCONSISTENT


def test_ahp_weights_in_a_run_with_cr_warning_recorded() -> None:
    fw = Framework.from_dict(ikp_dict(ahp_block("ahp", d1=INCONSISTENT_3)))
    run = compute(fw, make_counts(fw), "regency")
    art = run.artefact("weight")
    assert art["method"] == "ahp"
    assert art["ahp"]["D1"]["cr"] == pytest.approx(6.1303, abs=1e-4)
    assert art["ahp"]["D1"]["consistent"] is False
    assert art["ahp"]["IKP"]["consistent"] is True
    assert art["warnings"] == [next(w for w in art["warnings"] if w.startswith("AHP D1: CR"))]
    eff = art["effective"]
    assert eff["D1"] == pytest.approx(0.565, abs=1e-3)
    assert sum(eff[c] for c in fw.indicators) == pytest.approx(1.0)
    with pytest.raises(MethodError, match="inconsistent: AHP D1: CR = 6.130"):
        run.with_params("weight", allow_inconsistent=False)


def test_method_chain_changes_the_scores_and_the_recipe_records_it(
    ahp_framework: Framework,
) -> None:
    raw = make_counts(ahp_framework, n=60, seed=3)
    base = compute(ahp_framework, raw, "regency")
    steps = method_chain(ahp_framework, "regency", weights="ahp", classes="quantile")
    run = compute(ahp_framework, raw, "regency", steps=steps)
    assert not np.allclose(
        base.data["scores"].column("IKP"), run.data["scores"].column("IKP"), equal_nan=True
    )
    recipe = recipes.to_dict(run)
    weight_step = next(s for s in recipe["steps"] if s["step"] == "weight")
    assert weight_step["params"]["method"] == "ahp"
    classify_step = next(s for s in recipe["steps"] if s["step"] == "classify")
    assert classify_step["params"]["method"] == "quantile"
    used = recipe["methods"]
    assert used["weight"]["method"] == "ahp"
    assert used["weight"]["ahp"]["D1"]["cr"] == pytest.approx(0.0032, abs=1e-4)
    assert used["weight"]["effective"]["D1"] == pytest.approx(
        run.artefact("weight")["effective"]["D1"]
    )
    assert used["classify"] == {
        "region_level": "regency",
        "method": "quantile",
        "cutoffs": run.artefact("classify")["cutoffs"]["IKP"],
    }
    assert used["normalize"] == {"method": "minmax"}
    line = describe_methods(used)
    assert "bobot / weights: ahp (CR D1 0.003, IKP 0.043)" in line
    assert "kelas / classes (regency): quantile" in line
    replayed = recipes.replay(recipe, raw)
    np.testing.assert_allclose(
        replayed.data["scores"].values, run.data["scores"].values, equal_nan=True
    )


@pytest.mark.parametrize("method", ["equal", "pca"])
def test_equal_and_pca_from_the_framework_file(method: str) -> None:
    fw = Framework.from_dict(ikp_dict({"method": method}))
    sample = generate(fw, "regency", seed=5)
    run = compute(fw, sample.values, "regency")
    art = run.artefact("weight")
    assert art["method"] == method
    kids = fw.children("D1.S1")
    values = [art["weights"][k] for k in kids]
    if method == "equal":
        assert values == [1.0] * len(kids)
    else:
        assert len(set(np.round(values, 6))) > 1
    assert methods_used(run)["weight"]["method"] == method


def test_method_chain_leaves_framework_defaults_alone_and_refuses_unknowns(
    ikp2024: Framework,
) -> None:
    steps = method_chain(
        ikp2024, "regency", weights="framework", normalize="minmax", aggregate="arithmetic"
    )
    assert all(all(v is None for v in s.get_params().values()) for s in steps)
    steps = method_chain(ikp2024, "province", classes={"province": "natural_breaks"})
    assert steps[-1].get_params()["method"] == "natural_breaks"
    with pytest.raises(MethodError, match="unknown weighting method 'ahq'.*choices"):
        method_chain(ikp2024, "regency", weights="ahq")
    with pytest.raises(
        MethodError,
        match=r"tidak memuat matriks AHP \(defaults.weight.ahp\) / framework ikp-2024 has no",
    ):
        method_chain(ikp2024, "regency", weights="ahp")
    with pytest.raises(MethodError, match="unknown normalisation method"):
        method_chain(ikp2024, "regency", normalize="min-max")
    with pytest.raises(MethodError, match="needs per-indicator parameters"):
        method_chain(ikp2024, "regency", normalize="goalposts")
    with pytest.raises(MethodError, match="needs p"):
        method_chain(ikp2024, "regency", aggregate="generalised")
    with pytest.raises(MethodError, match="only used by the 'generalised'"):
        method_chain(ikp2024, "regency", aggregate_p=0.5)
    with pytest.raises(MethodError, match="unknown class method 'jenks'"):
        method_chain(ikp2024, "regency", classes="jenks")
    quantiles = Framework.from_dict({**ikp_dict(), "classification": {"method": "quantile"}})
    with pytest.raises(MethodError, match="has no fixed cut-offs for province"):
        method_chain(quantiles, "province", classes="fixed")


def test_class_method_per_region_level(ikp2024: Framework) -> None:
    data = ikp_dict()
    data["classification"]["per_level"] = {
        "province": {"method": "quantile", "probs": [0.25, 0.75]}
    }
    fw = Framework.from_dict(data)
    assert fw.classification.for_level("province") == {"method": "quantile", "probs": [0.25, 0.75]}
    assert fw.classification.for_level("regency")["method"] == "fixed"
    raw = make_counts(fw, n=40)
    province = compute(fw, Dataset(raw.regions, raw.columns, raw.values), "province")
    art = province.artefact("classify")
    assert art["method"] == "quantile"
    scores = province.data["scores"].column("IKP")
    assert art["cutoffs"]["IKP"] == pytest.approx(np.quantile(scores, [0.25, 0.75]))
    regency = compute(fw, raw, "regency")
    assert regency.artefact("classify")["method"] == "fixed"
    assert regency.artefact("classify")["cutoffs"]["IKP"] == list(ikp2024.cutoffs("regency"))


def test_per_level_classification_problems_are_reported() -> None:
    data = ikp_dict()
    data["classification"]["per_level"] = {
        "district": {"method": "quantile"},
        "province": {"method": "quantile", "probs": [0.5]},
        "regency": {"method": "fixed", "cutoffs": [50, 10]},
    }
    _, report = Framework.check_dict(data, file="x.yaml")
    text = "\n".join(i.message for i in report.errors)
    assert "per_level names region level 'district'" in text
    assert "quantile probabilities for 'province' must be 2 increasing numbers" in text
    assert "cut-offs for 'regency' must be 2 increasing numbers; got [50.0, 10.0]" in text


def test_uncertainty_block_is_validated_and_passed_through() -> None:
    fw = Framework.from_dict(ikp_dict(uncertainty={"n_runs": 50, "weight_noise": {1: 0.1}}))
    assert dict(fw.uncertainty) == {"n_runs": 50, "weight_noise": {1: 0.1}}
    spec = uncertainty_spec(fw, seed=9)
    assert (spec.n_runs, spec.seed, spec.weight_noise) == (50, 9, {1: 0.1})
    assert uncertainty_spec(fw, n_runs=7).n_runs == 7
    assert fw.to_yaml().count("uncertainty:") == 1
    _, report = Framework.check_dict(
        ikp_dict(uncertainty={"n_run": 5, "weight_noise": {1: 1.5}}), file="x.yaml"
    )
    issues = [(i.message, i.hint) for i in report.errors]
    assert any("uncertainty.n_run" in m and "n_runs" in (h or "") for m, h in issues)
    assert any("uncertainty.weight_noise" in m for m, _ in issues)


def test_method_weights_without_data(ahp_framework: Framework) -> None:
    weights, results = ahp_framework.method_weights("regency", "ahp")
    assert weights["D1"] == pytest.approx(0.565, abs=1e-3)
    assert weights["D2.S1"] == 1.0  # D2 has no matrix: the file's weight
    assert set(results) == {"D1", "IKP"}
    extra = {"D3": [[1, 4], ["1/4", 1]]}
    weights, results = ahp_framework.method_weights("regency", "ahp", extra)
    assert weights["D3.S1"] == pytest.approx(0.8) and results["D3"].cr == 0.0
    assert ahp_framework.method_weights("province", "equal")[0]["D1"] == 1.0
    assert ahp_framework.method_weights("province")[0]["D1"] == 1.0  # the file says framework
    with pytest.raises(MethodError, match="depend on the data"):
        ahp_framework.method_weights("regency", "pca")
    with pytest.raises(MethodError, match="an indicator has no children"):
        ahp_framework.method_weights("regency", "ahp", {"I01": [[1]]})
