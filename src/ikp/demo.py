"""The main job for now: IKP 2024 on SYNTHETIC sample data, end to end.

For every kabupaten/kota and province: generate the synthetic counts (labelled *DATA SINTETIS —
bukan data Bawaslu*), write them as a data-entry file, read that file back through the same
validation as any upload, compute the index with the framework's recipe, run the Monte Carlo
uncertainty analysis and the statistical audit, and write every output (CSV, XLSX, JSON,
Parquet, recipes, audit, self-contained HTML summary) to one folder.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ikp import SYNTHETIC_LABEL, SYNTHETIC_LABEL_EN
from ikp.audit import audit
from ikp.framework import load_framework
from ikp.io.readers import load_data
from ikp.io.results import index_table, write_results
from ikp.run import IndexRun, compute
from ikp.sample import generate
from ikp.uncertainty import UncertaintySpec, run_uncertainty


def run_demo(
    out: str | Path,
    *,
    runs: int = 1000,
    seed: int = 2024,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    outdir = Path(out)
    (outdir / "data").mkdir(parents=True, exist_ok=True)
    framework = load_framework("ikp-2024")
    files: list[Path] = []
    levels: dict[str, Any] = {}
    runs_by_level: dict[str, IndexRun] = {}
    tables: dict[str, Any] = {}
    unc_seconds = 0.0
    for level in ("regency", "province"):
        sample = generate(framework, level, seed=seed)
        data_file = outdir / "data" / f"ikp-2024-{level}-data-SINTETIS.csv"
        sample.counts.to_csv(data_file, index=False)
        files.append(data_file)
        loaded = load_data(data_file, framework, level)
        metadata = {
            **sample.metadata,
            "synthetic": True,
            "source": loaded.source,
            "data_file": data_file.name,
        }
        started = time.perf_counter()
        run = compute(
            framework,
            loaded.dataset,
            level,
            region_names=loaded.region_names,
            groups=dict(zip(loaded.dataset.regions, loaded.groups, strict=True)),
            metadata=metadata,
        )
        compute_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        unc = run_uncertainty(
            run,
            UncertaintySpec(n_runs=runs, seed=seed),
            progress=progress if level == "regency" else None,
        )
        if level == "regency":
            unc_seconds = time.perf_counter() - started
        files += write_results(run, outdir, uncertainty=unc.table)
        audit_result = audit(run)
        audit_file = outdir / f"ikp-2024-{level}-audit.json"
        payload = {
            "meta": {"synthetic": True, "label": SYNTHETIC_LABEL, "label_en": SYNTHETIC_LABEL_EN},
            **audit_result.to_dict(),
        }
        audit_file.write_text(
            json.dumps(payload, ensure_ascii=False, indent=1, default=str), "utf-8"
        )
        files.append(audit_file)
        unc_file = outdir / f"ikp-2024-{level}-uncertainty.csv"
        unc_table = unc.table.copy()
        unc_table.insert(0, "synthetic", True)
        unc_table.to_csv(unc_file, index=False)
        files.append(unc_file)
        table = index_table(run, unc.table)
        tables[level] = table
        runs_by_level[level] = run
        labels = list(framework.class_labels("id"))
        counts = table["class"].value_counts().to_dict()
        levels[level] = {
            "regions": int(table["score"].notna().sum()),
            "class_counts": {lab: int(counts.get(lab, 0)) for lab in labels},
            "compute_ms": compute_ms,
        }
        uncertainties = tables.setdefault("_unc", {})
        uncertainties[level] = unc.table

    from ikp.report.html import write_summary

    html = write_summary(
        runs_by_level["regency"],
        outdir / "ikp-2024-ringkasan-SINTETIS.html",
        uncertainty=tables["_unc"]["regency"],
        province_run=runs_by_level["province"],
    )
    files.append(html)
    top_label = framework.class_labels("id")[-1]
    top_rows = []
    for row in tables["regency"].head(10).to_dict(orient="records"):
        top_rows.append(
            {
                "rank": int(row["rank"]),
                "region_code": row["region_code"],
                "region_name": row["region_name"],
                "score": float(row["score"]),
                "class": row["class"],
                "rank_p05": float(row.get("rank_p05", float("nan"))),
                "rank_p95": float(row.get("rank_p95", float("nan"))),
                "prob_top": float(row.get(f"prob_{top_label}", float("nan"))),
            }
        )
    return {
        "labels": list(framework.class_labels("id")),
        "levels": levels,
        "top": top_rows,
        "files": [str(f) for f in files],
        "html": str(html),
        "uncertainty_seconds": unc_seconds,
        "synthetic": True,
    }
