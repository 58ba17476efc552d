"""Statistical audit of a run (ikp.audit)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ikp.audit import (
    audit,
    audit_matrix,
    cronbach_alpha,
    paired_correlations,
    pairwise_covariance,
    pca_correlation,
)
from ikp.dataset import Dataset
from ikp.framework import Framework
from ikp.run import IndexRun, compute

ASEM = Path(__file__).parents[1] / "fixtures" / "asem"


def planted(fw: Framework, n: int = 80, seed: int = 3) -> Dataset:
    """A common factor plus noise (sibling r ≈ 0.5), with I02 planted against the factor,
    I03 ≈ I04 (redundant pair) and I10 constant."""
    rng = np.random.default_rng(seed)
    k = len(fw.indicators)
    latent = 50.0 + 10.0 * rng.standard_normal((n, 1))
    values = latent + 10.0 * rng.standard_normal((n, k))
    col = {c: j for j, c in enumerate(fw.indicators)}
    values[:, col["I02"]] = 100.0 - latent[:, 0] + 3.0 * rng.standard_normal(n)
    values[:, col["I03"]] = values[:, col["I04"]] + 0.5 * rng.standard_normal(n)
    values[:, col["I10"]] = 7.0
    values[rng.random((n, k)) < 0.02] = np.nan
    values[:, col["I10"]] = 7.0
    return Dataset(tuple(f"R{i:03d}" for i in range(n)), fw.indicators, np.abs(values))


@pytest.fixture(scope="module")
def run(ikp2024: Framework) -> IndexRun:
    return compute(ikp2024, planted(ikp2024), "regency")


def test_planted_problems_are_flagged(run: IndexRun) -> None:
    res = audit(run)
    negative = res.flags_of("negative")
    assert list(negative["node"]) == ["I02"]
    assert negative.loc[0, "other"] == "D1.S1"
    assert negative.loc[0, "value"] < -0.3
    assert "I02" in negative.loc[0, "message"] and "D1.S1" in negative.loc[0, "message_id"]
    assert "berkorelasi negatif" in negative.loc[0, "message_id"]
    redundant = res.flags_of("redundant")
    indicators = redundant[redundant["node"].str.startswith("I")].reset_index(drop=True)
    assert [tuple(r) for r in indicators[["node", "other"]].to_numpy()] == [("I03", "I04")]
    assert indicators.loc[0, "value"] > 0.9
    # dimensions that all follow the common factor are (correctly) flagged as well
    assert set(redundant["node"]) - {"I03"} <= {"D1", "D2", "D3"}
    constant = res.flags_of("constant")
    assert list(constant["node"]) == ["I10"]
    assert set(res.flags["kind"]) <= {"negative", "weak", "redundant", "constant"}
    # the constant indicator has no defined correlation and is not flagged negative or weak
    corr = res.correlations
    assert (
        corr.loc[(corr["node"] == "I10") & (corr["relation"] == "parent"), "pearson"].isna().all()
    )


def test_thresholds_are_configurable(run: IndexRun) -> None:
    res = audit(run, negative_below=-0.99, weak_below=0.0, redundant_above=0.99999)
    assert res.flags_of("negative").empty
    assert res.flags_of("weak").empty
    assert res.flags_of("redundant").empty
    strict = audit(run, weak_below=0.95)
    assert len(strict.flags_of("weak")) > 10


def test_correlation_table_matches_pandas(run: IndexRun) -> None:
    res = audit(run)
    frame = run.data["aggregated"].to_frame()
    corr = res.correlations
    fw = run.framework
    n_parent = len(fw.nodes) - 1
    n_sibling = sum(len(fw.children(a)) * (len(fw.children(a)) - 1) for a in fw.aggregates)
    assert (corr["relation"] == "parent").sum() == n_parent
    assert (corr["relation"] == "sibling").sum() == n_sibling
    sample = corr.dropna().sample(25, random_state=0)
    for row in sample.itertuples():
        a, b = frame[row.node], frame[row.other]
        both = a.notna() & b.notna()
        assert row.n == both.sum()
        assert row.pearson == pytest.approx(a.corr(b), abs=1e-12)
        assert row.spearman == pytest.approx(a.corr(b, method="spearman"), abs=1e-12)


def test_paired_correlations_pairwise_complete() -> None:
    a = np.array([[1.0, 1.0], [2.0, 2.0], [3.0, np.nan], [4.0, 4.0], [np.nan, 5.0]])
    b = np.array([[2.0, 5.0], [4.0, 3.0], [6.0, 1.0], [7.0, 4.0], [9.0, 0.0]])
    pearson, spearman, n = paired_correlations(a, b)
    assert list(n) == [4, 4]
    assert pearson[0] == pytest.approx(np.corrcoef([1, 2, 3, 4], [2, 4, 6, 7])[0, 1])
    assert spearman[0] == pytest.approx(1.0)
    # second pair: a = 1, 2, 4, 5 against b = 5, 3, 4, 0 (rows 1, 2, 4, 5)
    assert spearman[1] == pytest.approx(-0.8)


def test_cronbach_alpha_hand_example() -> None:
    # item variances 5/3 each (sum 5), totals 4, 8, 9, 13 with variance 41/3:
    # alpha = 3/2 * (1 - 5 / (41/3)) = 39/41
    x = np.array([[1.0, 2.0, 1.0], [2.0, 3.0, 3.0], [3.0, 4.0, 2.0], [4.0, 5.0, 4.0]])
    assert cronbach_alpha(x) == pytest.approx(39 / 41)
    # COINr's covariance form k^2 * mean off-diagonal covariance / sum of all covariances
    cov = np.cov(x, rowvar=False)
    k = 3
    coinr = k**2 * (cov.sum() - np.trace(cov)) / (k * (k - 1)) / cov.sum()
    assert cronbach_alpha(x) == pytest.approx(coinr)
    assert np.isnan(cronbach_alpha(x[:, :1]))


def test_cronbach_alpha_pairwise_complete_hand_example() -> None:
    """a = 1, 2, 3, NA and b = 1, 3, 2, 6. Pairwise-complete covariances (R ``cov(use =
    "pairwise.complete.obs")``): var(a) = 1 (rows 1-3), var(b) = 14/3 (rows 1-4: deviations
    -2, 0, -1, 3), cov(a, b) = ((-1)(-1) + 0·1 + 1·0)/2 = 1/2 (rows 1-3). Σ C = 1 + 14/3 + 1 =
    20/3, Σ diag C = 17/3, so COINr's alpha = 2 · (1 - 17/20) = 0.3. Dropping the incomplete
    row instead (the old engine) would give 2 · (1 - 2/3) = 2/3."""
    x = np.array([[1.0, 1.0], [2.0, 3.0], [3.0, 2.0], [np.nan, 6.0]])
    assert cronbach_alpha(x) == pytest.approx(0.3, abs=1e-14)
    cov, n = pairwise_covariance(x)
    np.testing.assert_allclose(cov, [[1.0, 0.5], [0.5, 14 / 3]], atol=1e-14)
    assert n.tolist() == [[3, 3], [3, 4]]


def test_cronbach_alpha_matches_pandas_pairwise_covariance_on_asem() -> None:
    """COINr's ASEM data (with its missing cells), every pillar: the engine's alpha equals the
    formula fed with pandas' covariance, which is pairwise-complete like R's."""
    data = pd.read_csv(ASEM / "iData.csv")
    meta = pd.read_csv(ASEM / "iMeta.csv")
    ind = meta[meta["Type"] == "Indicator"]
    groups_with_missing = 0
    for _, sub in ind.groupby("Parent"):
        block = data[list(sub["iCode"])]
        cov = block.cov().to_numpy()
        k = block.shape[1]
        reference = k / (k - 1) * (1 - np.trace(cov) / cov.sum())
        assert cronbach_alpha(block.to_numpy(float)) == pytest.approx(reference, abs=1e-12)
        if block.isna().any().any():
            groups_with_missing += 1
            # dropping incomplete rows gives a different number
            assert cronbach_alpha(block.dropna().to_numpy(float)) != pytest.approx(reference)
    assert groups_with_missing >= 6


def test_cronbach_and_pca_tables(run: IndexRun) -> None:
    res = audit(run)
    fw = run.framework
    assert list(res.cronbach["node"]) == list(fw.aggregates)
    frame = run.data["aggregated"].to_frame()
    kids = list(fw.children("D1.S3"))
    block = frame[kids].dropna().to_numpy()
    row = res.cronbach.set_index("node").loc["D1.S3"]
    assert row["alpha"] == pytest.approx(cronbach_alpha(frame[kids].to_numpy()))
    assert row["n"] == block.shape[0]
    assert row["n_pairs_min"] == min(
        (frame[a].notna() & frame[b].notna()).sum() for a in kids for b in kids
    )
    eig = np.sort(np.linalg.eigvalsh(np.corrcoef(block, rowvar=False)))[::-1]
    pca = res.pca.set_index("node").loc["D1.S3"]
    np.testing.assert_allclose(pca["eigenvalues"], eig, atol=1e-10)
    assert pca["pc1_share"] == pytest.approx(eig[0] / len(kids))
    assert np.linalg.norm(pca["loadings"]) == pytest.approx(1.0)
    # the constant I10 was left out of D1.S2 (normalize.constant: coinr), so of its groups too
    d1s2 = res.pca.set_index("node").loc["D1.S2"]
    assert "I10" not in d1s2["children"]
    assert res.cronbach.set_index("node").loc["D1.S2", "k"] == len(fw.children("D1.S2")) - 1


def test_pca_correlation_of_perfectly_correlated_columns() -> None:
    z = np.arange(10.0)
    eig, load = pca_correlation(np.column_stack([z, 2 * z + 1, -z]))
    np.testing.assert_allclose(eig, [3.0, 0.0, 0.0], atol=1e-12)
    assert load.sum() > 0


def test_to_dict_is_json_safe(run: IndexRun) -> None:
    payload = audit(run).to_dict()
    text = json.dumps(payload)
    assert "NaN" not in text
    assert payload["thresholds"]["redundant_above"] == 0.9
    assert {"correlations", "cronbach", "pca", "flags"} <= set(payload)


def test_audit_needs_the_aggregated_dataset(run: IndexRun) -> None:
    with pytest.raises(ValueError, match="aggregated"):
        audit(run, dataset="nope")


def test_full_size_audit(ikp2024: Framework) -> None:
    rng = np.random.default_rng(0)
    cols = list(ikp2024.indicators) + list(ikp2024.aggregates)
    x = rng.gamma(0.7, 10.0, size=(514, len(cols)))
    x[rng.random(x.shape) < 0.03] = np.nan
    res = audit_matrix(ikp2024, cols, x)
    assert isinstance(res.correlations, pd.DataFrame) and len(res.correlations) > 0


def test_correlations_with_every_ancestor(run: IndexRun) -> None:
    """COINr ``get_corr(withparent = "family")``: each node against its parent, grandparent,
    ... up to the index."""
    fw = run.framework
    corr = audit(run).correlations
    ancestors = corr[corr["relation"] == "ancestor"]
    expected = 0
    for code in fw.nodes:
        up = fw.nodes[code].parent
        up = fw.nodes[up].parent if up else None
        while up is not None:
            expected += 1
            up = fw.nodes[up].parent
    assert len(ancestors) == expected
    i01 = ancestors[ancestors["node"] == "I01"]
    assert list(i01["other"]) == ["D1", fw.root]
    assert list(i01["other_level"]) == [3, 4]
    frame = run.data["aggregated"].to_frame()
    row = i01.iloc[1]
    assert row["pearson"] == pytest.approx(frame["I01"].corr(frame[fw.root]), abs=1e-12)
    parent_only = audit(run, ancestors=False).correlations
    assert "ancestor" not in set(parent_only["relation"])
    assert len(parent_only) == len(corr) - expected


def test_pval_blanks_correlations_that_are_not_significant(
    ikp2024: Framework, counts: Dataset
) -> None:
    """COINr ``get_corr(pval = 0.05)``: a correlation whose ``cor.test`` p-value is above
    ``pval`` is returned as NA; the others are unchanged. Independent counts, so most
    correlations are not significant."""
    run = compute(ikp2024, counts, "regency")
    full = audit(run).correlations
    filtered = audit(run, pval=0.05).correlations
    above = full["pearson_p"] > 0.05
    assert above.sum() > 10 and (~above & full["pearson"].notna()).sum() > 10
    assert filtered.loc[above, "pearson"].isna().all()
    np.testing.assert_array_equal(filtered.loc[~above, "pearson"], full.loc[~above, "pearson"])
    s_above = full["spearman_p"] > 0.05
    assert filtered.loc[s_above, "spearman"].isna().all()
    np.testing.assert_array_equal(
        filtered.loc[~s_above, "spearman"], full.loc[~s_above, "spearman"]
    )
    assert audit(run, pval=0.05).to_dict()["thresholds"]["pval"] == 0.05
    # pval = 0 disables the filter, as in COINr
    pd.testing.assert_frame_equal(audit(run, pval=0).correlations, full)
