"""Comparing two runs or two results files: score, rank and class changes per region."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

REQUIRED = ("region_code", "node_code", "score", "rank", "class")


def read_results(path: str | Path) -> pd.DataFrame:
    """Read a long results file written by ``ikp compute`` (CSV, Parquet or JSON)."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".parquet":
        frame = pd.read_parquet(p)
    elif suffix == ".json":
        frame = pd.DataFrame(json.loads(p.read_text("utf-8"))["results"])
    elif suffix == ".csv":
        frame = pd.read_csv(p, dtype={"region_code": str, "node_code": str}, encoding="utf-8-sig")
    else:
        raise ValueError(
            f"cannot read results from {p.name!r}: use a -results.csv/.parquet/.json file"
        )
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{p.name} is not a long results file (missing columns {missing}); "
            "use the '<edition>-results.csv' that ikp compute writes"
        )
    return frame


def compare_results(a: pd.DataFrame, b: pd.DataFrame, node: str | None = None) -> pd.DataFrame:
    """Per region: score and rank in A and B, their changes, and whether the class changed.
    ``node`` defaults to the index (the node at the highest level). Sorted by the size of the
    score change."""
    if node is None:
        top = a["level"].to_numpy().argmax() if "level" in a.columns else 0
        node = str(a["node_code"].iloc[int(top)])
    sa = a[a["node_code"] == node].set_index("region_code")
    sb = b[b["node_code"] == node].set_index("region_code")
    if sa.empty or sb.empty:
        raise ValueError(f"node {node!r} not found in both results")
    regions = list(sa.index) + [r for r in sb.index if r not in sa.index]
    names = sa.get("region_name", pd.Series(dtype=str)).combine_first(
        sb.get("region_name", pd.Series(dtype=str))
    )
    out = pd.DataFrame(index=pd.Index(regions, name="region_code"))
    out["region_name"] = names.reindex(regions).fillna("")
    out["score_a"] = sa["score"].reindex(regions)
    out["score_b"] = sb["score"].reindex(regions)
    out["score_change"] = out["score_b"] - out["score_a"]
    out["rank_a"] = sa["rank"].reindex(regions)
    out["rank_b"] = sb["rank"].reindex(regions)
    out["rank_change"] = out["rank_a"] - out["rank_b"]
    out["class_a"] = sa["class"].reindex(regions)
    out["class_b"] = sb["class"].reindex(regions)
    out["class_changed"] = out["class_a"].astype(str) != out["class_b"].astype(str)
    out = out.reset_index()
    order = out["score_change"].abs().fillna(-1).sort_values(ascending=False, kind="stable").index
    return out.loc[order].reset_index(drop=True)
