"""Coverage guard: data covering part of a region level warns in every output that the relative
steps were fitted on that subset; ``--reference`` (a national run's recipe or results JSON)
treats and normalises the subset with the national bounds, so five Jawa Barat kab/kota get
exactly their national-run values."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml
from typer.testing import CliRunner

from ikp.cli import app
from ikp.coverage import Coverage, load_reference, measure
from ikp.dataset import Dataset
from ikp.framework import load_framework
from ikp.io.readers import default_registry
from ikp.methods.treat import apply_limits
from ikp.run import compute
from ikp.sample import generate

runner = CliRunner()
BASE = "ikp-2024-regency"


def invoke(*args: str) -> tuple[int, str]:
    """Exit code and output with rich's panel borders and line wrapping taken out."""
    result = runner.invoke(app, list(args))
    return result.exit_code, re.sub(r"[\s│╭╮╰╯─]+", " ", result.output)


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``ikp compute --sample --out``: the national synthetic run, with its recipe."""
    out = tmp_path_factory.mktemp("national")
    code, text = invoke("compute", "--sample", "--out", str(out), "--formats", "csv,json")
    assert code == 0, text
    assert "CAKUPAN" not in text and "PARTIAL COVERAGE" not in text  # complete: no warning
    return out


@pytest.fixture(scope="module")
def jabar5(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Five Jawa Barat kab/kota of the same synthetic sample, as an upload file."""
    counts = generate(load_framework("ikp-2024"), "regency", seed=2024).counts
    path = tmp_path_factory.mktemp("jabar") / "jabar5.csv"
    counts[counts["region_code"].astype(str).str.startswith("32.")].head(5).to_csv(
        path, index=False
    )
    return path


def results(folder: Path) -> pd.DataFrame:
    return pd.read_csv(folder / f"{BASE}-results.csv", dtype={"region_code": str})


def test_national_run_records_complete_coverage_and_bounds(national: Path) -> None:
    recipe = yaml.safe_load((national / f"{BASE}-recipe.yaml").read_text("utf-8"))
    cov = recipe["data"]["coverage"]
    assert (cov["n_units"], cov["n_national"], cov["complete"]) == (514, 514, True)
    assert cov["warning"] is None
    assert "coverage_warning" not in results(national).columns
    norm = recipe["bounds"]["normalize"]
    treat = recipe["bounds"]["treat"]
    assert set(norm) == set(treat) == set(load_framework("ikp-2024").indicators)
    assert all(b["method"] == "minmax" and b["min"] <= b["max"] for b in norm.values())
    assert {t["method"] for t in treat.values()} <= {"none", "winsorise", "log"}


@pytest.mark.parametrize("province", [True, False])
def test_partial_data_warns_in_every_output(
    national: Path, jabar5: Path, tmp_path: Path, province: bool
) -> None:
    args = ["--province", "32"] if province else []
    code, out = invoke(
        "compute", str(jabar5), *args, "--out", str(tmp_path), "--formats", "csv,xlsx,json,parquet"
    )
    assert code == 0, out
    where = "Jawa Barat (5 dari 27)" if province else "(1.0%)."
    assert "CAKUPAN SEBAGIAN: data memuat 5 dari 514 kabupaten/kota" in out
    assert where in out and "dihitung hanya pada subset" in out
    assert "PARTIAL COVERAGE" in out and "fitted on this subset only" in out
    for name in (f"{BASE}-results.csv", f"{BASE}-index.csv"):
        warning = pd.read_csv(tmp_path / name)["coverage_warning"]
        assert warning.str.startswith("CAKUPAN SEBAGIAN").all()
        assert warning.str.contains("PARTIAL COVERAGE").all()
    meta = json.loads((tmp_path / f"{BASE}-results.json").read_text("utf-8"))["meta"]
    assert meta["coverage"]["n_units"] == 5 and meta["coverage"]["complete"] is False
    assert meta["coverage"]["province"] == ("32" if province else None)
    assert meta["coverage_warning"].startswith("CAKUPAN SEBAGIAN")
    info = pd.read_excel(tmp_path / f"{BASE}-results.xlsx", sheet_name="info")
    assert "PERINGATAN CAKUPAN / COVERAGE WARNING" in set(info["keterangan"])
    parquet = pq.read_table(tmp_path / f"{BASE}-results.parquet")
    assert json.loads(parquet.schema.metadata[b"ikp"])["coverage_warning"].startswith("CAKUPAN")
    assert "coverage_warning" in parquet.column_names
    recipe = yaml.safe_load((tmp_path / f"{BASE}-recipe.yaml").read_text("utf-8"))
    assert recipe["data"]["coverage"]["warning"].startswith("CAKUPAN SEBAGIAN")
    # fitted on five regions: the values differ from the national run's
    nat = results(national).set_index(["region_code", "node_code"])["score"]
    sub = results(tmp_path).set_index(["region_code", "node_code"])["score"]
    assert not np.allclose(sub.to_numpy(), nat.loc[sub.index].to_numpy(), equal_nan=True)


@pytest.mark.parametrize("reference", ["recipe.yaml", "results.json"])
def test_reference_gives_the_national_values(
    national: Path, jabar5: Path, tmp_path: Path, reference: str
) -> None:
    code, out = invoke(
        "compute",
        str(jabar5),
        "--province",
        "32",
        "--reference",
        str(national / f"{BASE}-{reference}"),
        "--out",
        str(tmp_path),
        "--formats",
        "csv,json",
    )
    assert code == 0, out
    assert "batas nasional" in out and "national bounds" in out
    assert "dihitung hanya pada subset" not in out
    sub = results(tmp_path)
    nat = results(national).set_index(["region_code", "node_code"])
    level1 = sub[sub["level"] == 1].set_index(["region_code", "node_code"])["score"]
    assert len(level1) == 5 * 61
    # the indicator rows hold the normalised values: equal to the national run's, exactly
    np.testing.assert_array_equal(level1.to_numpy(), nat.loc[level1.index, "score"].to_numpy())
    index = sub[sub["level"] == 4].set_index(["region_code", "node_code"])
    np.testing.assert_allclose(index["score"], nat.loc[index.index, "score"], rtol=0, atol=1e-12)
    assert list(index["class"]) == list(nat.loc[index.index, "class"])
    meta = json.loads((tmp_path / f"{BASE}-results.json").read_text("utf-8"))["meta"]
    assert meta["coverage"]["reference"]["source"] == f"{BASE}-{reference}"
    assert "skala nasional" in meta["coverage_warning"]


def test_reference_must_be_the_same_framework_level_and_national(
    jabar5: Path, tmp_path: Path
) -> None:
    prov = tmp_path / "prov"
    assert invoke("compute", "--sample", "--level", "province", "--out", str(prov))[0] == 0
    code, out = invoke(
        "compute", str(jabar5), "--reference", str(prov / "ikp-2024-province-recipe.yaml")
    )
    assert code == 1
    assert "does not fit" in out and "region level is 'province', not 'regency'" in out
    partial = tmp_path / "partial"
    assert invoke("compute", str(jabar5), "--out", str(partial), "--formats", "csv")[0] == 0
    code, out = invoke("compute", str(jabar5), "--reference", str(partial / f"{BASE}-recipe.yaml"))
    assert code == 1 and "a reference must be national" in out
    bad = tmp_path / "x.json"
    bad.write_text('{"a": 1}')
    code, out = invoke("compute", str(jabar5), "--reference", str(bad))
    assert code == 1 and "not an ikp recipe or results JSON" in out


def test_values_beyond_the_national_range_are_clipped(national: Path) -> None:
    fw = load_framework("ikp-2024")
    ref = load_reference(national / f"{BASE}-recipe.yaml")
    s = generate(fw, "regency", seed=2024)
    sub = s.values.select(list(fw.indicators))
    rows = [sub.regions.index(r) for r in ("32.01", "32.02")]
    values = sub.values[rows].copy()
    bounds = ref.bounds["normalize"]
    code = next(c for c in fw.indicators if bounds[c]["min"] < bounds[c]["max"])
    j = fw.indicators.index(code)
    values[0, j] = 1e9  # far above the national maximum (raw or treated)
    values[1, j] = -1e9  # far below the national minimum
    run = compute(
        fw,
        Dataset(("32.01", "32.02"), fw.indicators, values),
        "regency",
        steps=ref.steps(fw, "regency"),
    )
    got = run.data["normalized"].column(code)
    high, low = (100.0, 0.0) if fw.nodes[code].direction == 1 else (0.0, 100.0)
    assert (got[0], got[1]) == (high, low)


def test_apply_limits_reproduces_treatment() -> None:
    x = np.array([1.0, 5.0, np.nan, 40.0, -3.0])
    np.testing.assert_array_equal(
        apply_limits(x, {"method": "winsorise", "lower": 0.0, "upper": 10.0}),
        [1.0, 5.0, np.nan, 10.0, 0.0],
    )
    np.testing.assert_array_equal(
        apply_limits(x, {"method": "winsorise", "lower": None, "upper": 10.0}),
        [1.0, 5.0, np.nan, 10.0, -3.0],
    )
    logged = apply_limits(x, {"method": "log", "min": 0.0, "max": 100.0})
    np.testing.assert_allclose(logged, np.log(np.array([1.0, 5.0, np.nan, 40.0, 0.0]) + 1.0))
    np.testing.assert_array_equal(apply_limits(x, {"method": "none"}), x)


def test_coverage_counts_and_warning_text() -> None:
    reg = default_registry()
    whole = measure([r.code for r in reg.at_level(1)], "province", registry=reg)
    assert whole.complete and whole.warning() is None
    jabar = [r.code for r in reg.at_level(2) if reg.province_code(r.code) == "32"]
    cov = measure(jabar, "regency", registry=reg, province="32")
    assert (cov.n_units, cov.n_province, cov.province_name) == (27, 27, "Jawa Barat")
    text_id, text_en = cov.warning() or ("", "")
    assert text_id.startswith("CAKUPAN SEBAGIAN") and text_en.startswith("PARTIAL COVERAGE")
    assert Coverage.from_dict(cov.to_dict()) == cov
