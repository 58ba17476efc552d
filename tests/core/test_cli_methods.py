"""Method control through the real ``ikp`` command: ``framework check`` on weight blocks,
``compute`` / ``uncertainty`` with ``--weights``, ``--normalize``, ``--aggregate``, ``--classes``."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml
from tests.core.test_method_choice import INCONSISTENT_3, ahp_block, ikp_dict
from typer.testing import CliRunner

from ikp.cli import app

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def write(tmp_path: Path, data: dict[str, object], name: str = "fw.yaml") -> str:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return str(path)


def test_framework_check_warns_about_an_inconsistent_ahp_matrix(tmp_path: Path) -> None:
    path = write(tmp_path, ikp_dict(ahp_block(d1=INCONSISTENT_3)))
    code, out = invoke("framework", "check", path, "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert report["counts"] == {"AHP_INCONSISTENT": 1}
    (issue,) = report["issues"]
    assert issue["severity"] == "warning" and "CR = 6.130 > 0.1" in issue["message"]
    code, out = invoke("framework", "check", path)
    assert code == 0 and "0 galat / errors, 1 peringatan / warnings" in out
    assert "61 indikator" in out


def test_framework_check_reports_every_weight_problem(tmp_path: Path) -> None:
    data = ikp_dict({"method": "ahp", "ahp": {"D1": [[1, 2], [0.5, 1]], "D9": [[1]]}})
    data["classification"]["per_level"] = {"regency": {"method": "quantile", "probs": [0.9]}}
    code, out = invoke("framework", "check", write(tmp_path, data), "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert report["counts"] == {"BAD_AHP_MATRIX": 2, "BAD_CUTOFFS": 1}


def test_compute_with_chosen_methods_records_them(tmp_path: Path) -> None:
    fw = write(tmp_path, ikp_dict(ahp_block()))
    out = tmp_path / "out"
    args = ("compute", "--sample", "-f", fw, "--format", "csv", "--formats", "csv")
    code, text = invoke(*args, "--out", str(out))
    assert code == 0, text
    base = pd.read_csv(next(out.glob("*.csv")))
    out2 = tmp_path / "out2"
    code, text = invoke(
        *args,
        "--out",
        str(out2),
        "--weights",
        "ahp",
        "--normalize",
        "prank",
        "--aggregate",
        "generalised",
        "--aggregate-p",
        "0.5",
        "--classes",
        "quantile",
    )
    assert code == 0, text
    flat = " ".join(text.split())
    assert "bobot / weights: ahp (CR D1 0.003, IKP 0.043)" in flat
    assert "normalisasi / normalisation: prank" in flat
    assert "agregasi / aggregation: generalised (p=0.5)" in flat
    assert "kelas / classes (regency): quantile" in flat
    chosen = pd.read_csv(next(out2.glob("*.csv")))
    assert not base["score"].equals(chosen["score"])
    recipe = yaml.safe_load(next(out2.glob("*-recipe.yaml")).read_text("utf-8"))
    params = {s["step"]: s["params"] for s in recipe["steps"]}
    assert params["weight"]["method"] == "ahp"
    assert params["normalize"]["method"] == "prank"
    assert (params["aggregate"]["method"], params["aggregate"]["p"]) == ("generalised", 0.5)
    assert params["classify"]["method"] == "quantile"
    assert recipe["methods"]["weight"]["ahp"]["IKP"]["cr"] == pytest.approx(0.0433, abs=1e-4)
    assert recipe["methods"]["aggregate"] == {"method": "generalised (p=0.5)"}
    # the recipe regenerates the same scores
    out3 = tmp_path / "out3"
    code, text = invoke(
        "compute",
        "--sample",
        "--recipe",
        str(next(out2.glob("*-recipe.yaml"))),
        "--formats",
        "csv",
        "--out",
        str(out3),
        "--format",
        "csv",
    )
    assert code == 0, text
    replayed = pd.read_csv(next(out3.glob("*.csv")))
    pd.testing.assert_series_equal(replayed["score"], chosen["score"])


def test_compute_warns_when_ahp_is_inconsistent(tmp_path: Path) -> None:
    fw = write(tmp_path, ikp_dict(ahp_block("ahp", d1=INCONSISTENT_3)))
    code, text = invoke("compute", "--sample", "-f", fw, "--format", "csv")
    assert code == 0
    assert "peringatan / warning: AHP D1: CR = 6.130 > 0.1" in " ".join(text.split())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--weights", "ahp"), "framework ikp-2024 has no AHP matrices"),
        (("--weights", "entropy"), "unknown weighting method 'entropy'"),
        (("--normalize", "minmax2"), "unknown normalisation method 'minmax2'"),
        (("--aggregate", "median"), "unknown aggregation method 'median'"),
        (("--classes", "jenks"), "metode kelas tidak dikenal / unknown class method 'jenks'"),
    ],
)
def test_compute_refuses_unknown_methods_bilingually(
    args: tuple[str, ...], message: str, tmp_path: Path
) -> None:
    code, text = invoke("compute", "--sample", "--out", str(tmp_path / "o"), *args)
    assert code == 1
    assert "Galat / Error" in text and message in " ".join(text.split())
    assert not (tmp_path / "o").exists()


def test_uncertainty_takes_the_same_method_choices(tmp_path: Path) -> None:
    data = ikp_dict({"method": "equal"}, uncertainty={"weight_noise": {1: 0.1}})
    code, text = invoke(
        "uncertainty",
        "--sample",
        "-f",
        write(tmp_path, data),
        "--runs",
        "20",
        "--classes",
        "natural_breaks",
        "--format",
        "csv",
    )
    assert code == 0, text
    flat = " ".join(text.split())
    assert "bobot / weights: equal" in flat
    assert "kelas / classes (regency): natural_breaks" in flat
    code, text = invoke("uncertainty", "--sample", "--runs", "5", "--weights", "magic")
    assert code == 1 and "unknown weighting method 'magic'" in " ".join(text.split())


def test_framework_show_gives_the_weights_of_the_files_method(tmp_path: Path) -> None:
    code, out = invoke("framework", "show", write(tmp_path, ikp_dict(ahp_block("ahp"))))
    assert code == 0
    assert "D1 Konteks Sosial dan Politik  w=0.565 eff=0.565" in out
    assert "D1.S1 Keamanan  w=0.6483 eff=0.366" in out
    assert "bobot / weights: ahp" in out and "AHP D1: CR = 0.003" in out
    code, out = invoke("framework", "show", write(tmp_path, ikp_dict({"method": "pca"}), "p.yaml"))
    assert code == 0 and "D1 Konteks Sosial dan Politik  w=1 eff=0.250" in out
    flat = " ".join(out.split())
    assert "bobot / weights: pca (PCA: bobot dari data / weights from the data; file" in flat
