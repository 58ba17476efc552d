"""Writing results: every level's score, rank, class, rank interval and data reliability per
region, as CSV, XLSX, JSON and Parquet, always next to the run's recipe. Synthetic data is
labelled in every file (a ``synthetic`` column, the XLSX cover sheet, JSON ``meta``, Parquet
metadata); so is partial coverage of a region level (a ``coverage_warning`` column with the
bilingual warning, the same places; see :mod:`ikp.coverage`). The JSON file also carries the
run's normalisation bounds, so it can serve as a ``--reference``."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

import ikp
from ikp import SYNTHETIC_LABEL, SYNTHETIC_LABEL_EN
from ikp import recipes as recipes_mod
from ikp.coverage import bounds_of
from ikp.io.xlsx import write_xlsx
from ikp.jsonsafe import column_values
from ikp.jsonsafe import plain as _plain
from ikp.jsonsafe import records as _records
from ikp.run import IndexRun

FORMATS = ("csv", "xlsx", "json", "parquet")


def results_table(
    run: IndexRun, uncertainty: pd.DataFrame | None = None, lang: str = "id"
) -> pd.DataFrame:
    """Long results joined with reliability and (for the index rows) the uncertainty figures."""
    table = run.results(lang=lang)
    rel = run.reliability().drop(columns=["scored"])
    table = table.merge(rel, on="region_code", how="left")
    if uncertainty is not None and len(uncertainty):
        unc = uncertainty.copy()
        unc_cols = [c for c in unc.columns if c != "region_code"]
        if "node_code" not in unc.columns:
            unc["node_code"] = run.framework.root
        else:
            unc_cols = [c for c in unc_cols if c != "node_code"]
        table = table.merge(
            unc[["region_code", "node_code", *unc_cols]],
            on=["region_code", "node_code"],
            how="left",
        )
    warning = coverage_warning(run)
    if warning:
        table.insert(0, "coverage_warning", warning)
    if run.metadata.get("synthetic"):
        table.insert(0, "synthetic", True)
    return table


def coverage_warning(run: IndexRun) -> str | None:
    """'Indonesian / English' warning when the run covers part of its region level."""
    cov = run.metadata.get("coverage") or {}
    if not cov.get("warning"):
        return None
    return f"{cov['warning']} / {cov['warning_en']}"


def index_table(
    run: IndexRun,
    uncertainty: pd.DataFrame | None = None,
    lang: str = "id",
    *,
    full: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per region: index score, rank, class, interval, reliability, and the score of
    every dimension (level n−1) as extra columns. Sorted by rank. ``full``: the run's
    :func:`results_table`, when the caller has it already (it is not built again)."""
    if full is None:
        full = results_table(run, uncertainty, lang)
    fw = run.framework
    idx = full[full["node_code"] == fw.root].drop(columns=["node_code", "node_name", "level"])
    dims = full[full["level"] == fw.n_levels - 1].pivot(
        index="region_code", columns="node_code", values="score"
    )
    dims = dims.reindex(columns=list(fw.at_level(fw.n_levels - 1)))
    dims.columns = [f"score_{c}" for c in dims.columns]
    out = idx.merge(dims, left_on="region_code", right_index=True, how="left")
    return out.sort_values(["rank", "region_code"], na_position="last", kind="stable").reset_index(
        drop=True
    )


def _meta(run: IndexRun) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "framework": run.framework.id,
        "framework_version": run.framework.version,
        "framework_name": run.framework.name_id,
        "region_level": run.region_level,
        "ikp_version": ikp.__version__,
        "input_hash": run.input_hash,
        "synthetic": bool(run.metadata.get("synthetic")),
        "coverage": run.metadata.get("coverage"),
        "coverage_warning": coverage_warning(run),
    }
    if meta["synthetic"]:
        meta["label"] = SYNTHETIC_LABEL
        meta["label_en"] = SYNTHETIC_LABEL_EN
    return meta


def write_results(
    run: IndexRun,
    outdir: str | Path,
    *,
    formats: Sequence[str] = FORMATS,
    uncertainty: pd.DataFrame | None = None,
    basename: str | None = None,
) -> list[Path]:
    """Write the results in each format plus ``<basename>-recipe.yaml``; return the paths."""
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise ValueError(f"formats must be among {{{', '.join(FORMATS)}}}; got {bad}")
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    base = basename or f"{run.framework.id}-{run.region_level}"
    full = results_table(run, uncertainty)
    index = index_table(run, full=full)
    meta = _meta(run)
    written: list[Path] = []
    if "csv" in formats:
        p = out / f"{base}-results.csv"
        full.to_csv(p, index=False, encoding="utf-8-sig")  # the BOM tells Excel it is UTF-8
        written.append(p)
        p = out / f"{base}-index.csv"
        index.to_csv(p, index=False, encoding="utf-8-sig")
        written.append(p)
    if "xlsx" in formats:
        p = out / f"{base}-results.xlsx"
        _write_xlsx(run, p, full, index, meta)
        written.append(p)
    if "json" in formats:
        p = out / f"{base}-results.json"
        payload = {
            "meta": meta,
            "index": _records(index),
            "results": _records(full),
            "bounds": _plain(bounds_of(run)),
        }
        # compact: json.dumps uses its C encoder only without ``indent``
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        p.write_text(text, "utf-8")
        written.append(p)
    if "parquet" in formats:
        import pyarrow as pa
        import pyarrow.parquet as pq

        p = out / f"{base}-results.parquet"
        table = pa.Table.from_pandas(full, preserve_index=False)
        existing = table.schema.metadata or {}
        table = table.replace_schema_metadata(
            {**existing, b"ikp": json.dumps(meta, ensure_ascii=False).encode("utf-8")}
        )
        pq.write_table(table, p)
        written.append(p)
    recipe = out / f"{base}-recipe.yaml"
    recipes_mod.save(run, recipe)
    written.append(recipe)
    return written


def _write_xlsx(
    run: IndexRun, path: Path, full: pd.DataFrame, index: pd.DataFrame, meta: dict[str, Any]
) -> None:
    """The workbook through :func:`ikp.io.xlsx.write_xlsx` (row text joined and zipped; text
    is always written as text, never as a formula) with missing values as empty cells."""
    cover_rows: list[tuple[str, str]] = []
    if meta["synthetic"]:
        cover_rows.append(("PERINGATAN / WARNING", f"{SYNTHETIC_LABEL} / {SYNTHETIC_LABEL_EN}"))
    if meta["coverage_warning"]:
        cover_rows.append(("PERINGATAN CAKUPAN / COVERAGE WARNING", meta["coverage_warning"]))
    skip = ("label", "label_en", "coverage_warning")
    cover_rows += [(k, str(v)) for k, v in meta.items() if k not in skip]
    cover_rows.append(
        (
            "sheets",
            "indeks = index per region; skor/peringkat/kelas = every node (wide); "
            "reliabilitas = data reliability; the long table is in the CSV/Parquet/JSON files",
        )
    )
    wide = {
        "skor": full.pivot(index="region_code", columns="node_code", values="score"),
        "peringkat": full.pivot(index="region_code", columns="node_code", values="rank"),
        "kelas": full[full["level"] > 1].pivot(
            index="region_code", columns="node_code", values="class"
        ),
    }
    order = list(run.framework.nodes)
    sheets: dict[str, pd.DataFrame] = {
        "info": pd.DataFrame(cover_rows, columns=["keterangan", "nilai"]),
        "indeks": index,
    }
    for name, table in wide.items():
        cols = [c for c in order if c in table.columns]
        table = table.reindex(columns=cols).reindex(index=list(index["region_code"]))
        if meta["synthetic"]:
            table.insert(0, "synthetic", True)
        table.index.name = "region_code"
        sheets[name] = table.reset_index()
    sheets["reliabilitas"] = run.reliability()
    write_xlsx(path, {name: _sheet_rows(frame) for name, frame in sheets.items()})


def _sheet_rows(frame: pd.DataFrame) -> Iterator[tuple[Any, ...]]:
    """The header, then every row, as plain values converted a column at a time."""
    yield tuple(str(c) for c in frame.columns)
    columns = [column_values(frame.iloc[:, j]) for j in range(frame.shape[1])]
    yield from zip(*columns, strict=True)
