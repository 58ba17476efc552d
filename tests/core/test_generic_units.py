"""Generic composite indicators: COINr's ASEM example (51 countries, not Kemendagri regions)
computes through the CLI with ``--regions none`` and COINr's default chain (Normalise: min-max
0–100, Aggregate: weighted arithmetic mean over the children present), and the results match
COINr: the normalised values COINr publishes, and aggregates by COINr's ``a_amean`` definition
computed here from the data."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from test_coinr_golden import ASEM, COINR_NORMALISED
from typer.testing import CliRunner

from ikp.cli import app
from ikp.framework import GENERIC_LEVEL, load_framework
from ikp.io.readers import load_data
from ikp.run import compute

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def coinr_scores(meta_file: Path) -> pd.DataFrame:
    """Every node's score per unit by COINr's definitions: n_minmax onto [0, 100] after
    multiplying by the direction; a_amean = sum(w x) / sum(w) over the children present."""
    data = pd.read_csv(ASEM / "iData.csv").set_index("uCode")
    meta = pd.read_csv(meta_file)
    meta = meta[meta["Type"].isin(["Indicator", "Aggregate"])]
    ind = meta[meta["Type"] == "Indicator"]
    x = data[list(ind["iCode"])] * ind.set_index("iCode")["Direction"]
    scores = (x - x.min()) / (x.max() - x.min()) * 100
    for level in range(2, int(meta["Level"].max()) + 1):
        for _, node in meta[meta["Level"] == level].iterrows():
            kids = meta[meta["Parent"] == node["iCode"]]
            vals = scores[list(kids["iCode"])]
            w = pd.DataFrame(
                np.broadcast_to(kids["Weight"].to_numpy(float), vals.shape),
                index=vals.index,
                columns=vals.columns,
            ).where(vals.notna())
            scores[node["iCode"]] = (vals * w).sum(axis=1) / w.sum(axis=1)
    return scores


@pytest.mark.parametrize("meta_name", ["iMeta.csv", "iMeta_uneven_weights.csv"])
def test_asem_computes_through_the_cli_like_coinr(tmp_path: Path, meta_name: str) -> None:
    code, out = invoke(
        "compute",
        str(ASEM / "iData.csv"),
        "--framework",
        str(ASEM / meta_name),
        "--regions",
        "none",
        "--out",
        str(tmp_path),
        "--formats",
        "csv,xlsx,json,parquet",
    )
    assert code == 0, out
    assert "CAKUPAN" not in out  # generic units: no region level to be partial of
    stem = Path(meta_name).stem
    base = tmp_path / f"{stem}-{GENERIC_LEVEL}"
    results = pd.read_csv(f"{base}-results.csv", dtype={"region_code": str})
    assert set(results["region_code"]) == set(pd.read_csv(ASEM / "iData.csv")["uCode"])
    got = results.pivot(index="region_code", columns="node_code", values="score")
    expected = coinr_scores(ASEM / meta_name)
    pd.testing.assert_frame_equal(
        got[expected.columns].sort_index(),
        expected.sort_index(),
        check_names=False,
        rtol=1e-12,
        atol=1e-9,
    )
    if meta_name == "iMeta.csv":  # COINr's own printed normalised values (data selection vignette)
        for unit, (lpi, ship) in COINR_NORMALISED.items():
            np.testing.assert_allclose(got.loc[unit, ["LPI", "Ship"]], [lpi, ship], atol=5e-6)
    # no classes: an imported COINr table has no cut-offs and IKP's terciles are not added
    assert results["class"].isna().all() and (results["class_index"] == -1).all()
    assert results["region_name"].str.len().gt(0).all()  # uName
    payload = json.loads(Path(f"{base}-results.json").read_text("utf-8"))
    assert payload["meta"]["region_level"] == GENERIC_LEVEL
    assert payload["meta"]["coverage"] is None and payload["meta"]["coverage_warning"] is None
    assert all(r["class"] is None for r in payload["index"])
    assert {b["method"] for b in payload["bounds"]["treat"].values()} == {"none"}
    parquet = pq.read_table(f"{base}-results.parquet")
    assert json.loads(parquet.schema.metadata[b"ikp"])["region_level"] == GENERIC_LEVEL
    info = pd.read_excel(f"{base}-results.xlsx", sheet_name="info")
    assert "region_level" in set(info["keterangan"])
    assert Path(f"{base}-recipe.yaml").exists()


def test_imported_imeta_uses_coinr_defaults_not_ikp_methods() -> None:
    fw = load_framework(ASEM / "iMeta.csv")
    assert fw.method("treat")["method"] == "none"
    assert fw.method("impute")["method"] == "none"
    assert fw.method("normalize") == {
        "method": "minmax",
        "lower": 0.0,
        "upper": 100.0,
        "constant": "coinr",  # COINr: a column without spread gets NaN
    }
    assert fw.method("aggregate")["method"] == "arithmetic"
    assert fw.classification.method == "none"
    assert GENERIC_LEVEL in fw.region_levels
    loaded = load_data(ASEM / "iData.csv", fw, GENERIC_LEVEL, regions=None)
    run = compute(fw, loaded.dataset, GENERIC_LEVEL, region_names=loaded.region_names)
    assert run.artefact("treat")["treated_indicators"] == []
    assert run.artefact("classify")["method"] == "none"
    # the same data with IKP's chain would winsorise: the import does not add it silently
    ikp_like = compute(
        fw,
        loaded.dataset,
        GENERIC_LEVEL,
        steps=[s if s.key != "treat" else type(s)(method="winsorise") for s in run.steps()],
    )
    assert ikp_like.artefact("treat")["treated_indicators"]


def test_group_column_gives_the_groups() -> None:
    fw = load_framework(ASEM / "iMeta.csv")
    loaded = load_data(ASEM / "iData.csv", fw, GENERIC_LEVEL, regions=None, group="EurAsia_group")
    groups = dict(zip(loaded.dataset.regions, loaded.groups, strict=True))
    assert groups["AUT"] == "Europe" and groups["CHN"] == "Asia"
    # the COINr *_group columns are recognised, not reported as unknown indicator columns
    assert not any("_group" in (i.location.column or "") for i in loaded.report)
    plain = load_data(ASEM / "iData.csv", fw, GENERIC_LEVEL, regions=None)
    assert set(plain.groups) == {""}


def test_generic_units_still_reject_duplicate_and_empty_codes(tmp_path: Path) -> None:
    data = pd.read_csv(ASEM / "iData.csv")
    data.loc[3, "uCode"] = data.loc[1, "uCode"]
    data.loc[7, "uCode"] = None
    bad = tmp_path / "bad.csv"
    data.to_csv(bad, index=False)
    code, out = invoke(
        "validate",
        str(bad),
        "--framework",
        str(ASEM / "iMeta.csv"),
        "--regions",
        "none",
        "--group",
        "Nope_group",
        "--format",
        "json",
    )
    assert code == 1
    issues = {i["code"]: i for i in json.loads(out)["issues"]}
    dup = issues["DUPLICATE_REGION_CODE"]
    assert dup["location"]["row"] == 5 and dup["location"]["column"] == "uCode"
    assert dup["hint"]
    empty = issues["MALFORMED_REGION_CODE"]
    assert empty["location"]["row"] == 9 and "empty" in empty["message"]
    assert issues["MISSING_COLUMN"]["location"]["column"] == "Nope_group"


def test_generic_level_with_kemendagri_codes_is_refused() -> None:
    fw = load_framework(ASEM / "iMeta.csv")
    with pytest.raises(ValueError, match="'unit'"):
        load_data(ASEM / "iData.csv", fw, "regency", regions=None)
    with pytest.raises(ValueError, match="province"):
        load_data(ASEM / "iData.csv", fw, GENERIC_LEVEL, regions=None, province="32")


def test_generic_recipe_replays(tmp_path: Path) -> None:
    args = ("--framework", str(ASEM / "iMeta.csv"), "--regions", "none", "--format", "csv")
    code, first = invoke("compute", str(ASEM / "iData.csv"), *args, "--out", str(tmp_path))
    assert code == 0, first
    code, again = invoke(
        "compute",
        str(ASEM / "iData.csv"),
        "--recipe",
        str(tmp_path / f"iMeta-{GENERIC_LEVEL}-recipe.yaml"),
        "--format",
        "csv",
    )
    assert code == 0, again
    tail = first[first.index("rank,") :]
    assert again[again.index("rank,") :] == tail and "DEU,Germany" in tail


def test_builtin_framework_takes_generic_units_without_national_classes() -> None:
    fw = load_framework("ikp-2024")
    assert GENERIC_LEVEL not in fw.region_levels
    rng = np.random.default_rng(7)
    values = rng.gamma(2.0, 3.0, size=(6, len(fw.indicators)))
    from ikp.dataset import Dataset

    run = compute(fw, Dataset(tuple("ABCDEF"), fw.indicators, values), GENERIC_LEVEL)
    table = run.results()
    assert table["score"].notna().all()
    # IKP's cut-offs are for provinces and kab/kota: generic units get none
    assert run.artefact("classify")["method"] == "none" and table["class"].isna().all()
    with pytest.raises(ValueError, match="region_level must be one of"):
        compute(fw, Dataset(tuple("ABCDEF"), fw.indicators, values), "district")


@pytest.mark.parametrize("verb", [("audit",), ("uncertainty", "--runs", "20")])
def test_audit_and_uncertainty_take_generic_units(verb: tuple[str, ...]) -> None:
    code, out = invoke(
        *verb,
        str(ASEM / "iData.csv"),
        "--framework",
        str(ASEM / "iMeta.csv"),
        "--regions",
        "none",
        "--format",
        "csv",
    )
    assert code == 0, out
    assert "DEU" in out or "LPI" in out
