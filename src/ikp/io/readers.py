"""Read indicator data from an uploaded file (or a DataFrame) into a :class:`~ikp.dataset.Dataset`.

This is the one path from a spreadsheet into the engine, used by the CLI and the web upload
alike::

    report = validate_data("jabar.xlsx", "ikp-2024", "regency", province="32")
    data = load_data("jabar.xlsx", "ikp-2024", "regency", province="32")  # or ValidationFailed

Both run the file stage (:mod:`ikp.validation.files`) and the table stage
(:mod:`ikp.validation.tables`) and report every problem at once. The layouts, the
incidence-level columns and the synthetic-data convention are described in
``docs/data-input.md``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ikp.dataset import Dataset
from ikp.framework import Framework, load_framework
from ikp.issues import ValidationFailed, ValidationReport
from ikp.regions import RegionRegistry
from ikp.validation.files import Source, read_raw
from ikp.validation.tables import REGION_LEVELS, CheckedTable, check_table

__all__ = ["LoadedData", "default_registry", "load_data", "validate_data"]


@dataclass(frozen=True)
class LoadedData:
    """Indicator data read from one file, ready for :class:`~ikp.run.IndexRun`.

    ``dataset`` has one row per region present in the file (in code-list order) and one column
    per framework indicator (framework order), NaN where the file left the value empty.
    ``groups`` gives each row's province code (for group imputation). ``report`` holds the
    warnings. ``source`` records the file name, sheet, layout, sha256 of the file bytes, number
    of data rows, and the periods. ``synthetic`` is True when the file carries a filled
    ``synthetic`` column (see docs/data-input.md)."""

    dataset: Dataset
    region_names: dict[str, str]
    groups: tuple[str, ...]
    report: ValidationReport
    source: dict[str, Any] = field(default_factory=dict)
    synthetic: bool = False


@functools.cache
def default_registry() -> RegionRegistry:
    """The current region code list down to kabupaten/kota (loaded once)."""
    return RegionRegistry.load(edition="current", max_level=2)


def _source_name(source: Source) -> str:
    return "<DataFrame>" if isinstance(source, pd.DataFrame) else Path(source).name


def _framework(framework: Framework | str) -> Framework:
    return framework if isinstance(framework, Framework) else load_framework(framework)


def _check(
    source: Source,
    framework: Framework | str,
    region_level: str,
    *,
    sheet: str | None,
    period: str | int | None,
    registry: RegionRegistry | None,
    province: str | None,
) -> tuple[CheckedTable | None, ValidationReport, dict[str, Any]]:
    fw = _framework(framework)
    if region_level not in REGION_LEVELS:
        raise ValueError(
            f"region_level must be one of {sorted(REGION_LEVELS)}; got {region_level!r}"
        )
    reg = registry if registry is not None else default_registry()
    raw, report = read_raw(source, sheet=sheet)
    if raw is None:
        return None, report, {}
    checked, table_report = check_table(
        raw, fw, region_level, registry=reg, period=period, province=province
    )
    report.extend(table_report)
    info: dict[str, Any] = {
        "file": raw.file,
        "format": raw.format,
        "sheet": raw.sheet,
        "layout": checked.layout,
        "sha256": raw.sha256,
        "n_rows": checked.n_rows,
        "encoding": raw.encoding,
        "delimiter": raw.delimiter,
        "periods": list(checked.periods),
        "period": checked.period,
        "framework": fw.id,
        "region_level": region_level,
        "region_edition": reg.edition_info.id,
        "province": province,
    }
    return checked, report, info


def validate_data(
    source: Source,
    framework: Framework | str,
    region_level: str,
    *,
    sheet: str | None = None,
    period: str | int | None = None,
    registry: RegionRegistry | None = None,
    province: str | None = None,
) -> ValidationReport:
    """Check a data file (CSV, XLSX, Parquet) or DataFrame and report every problem found.

    ``framework`` is a :class:`~ikp.framework.Framework` or a built-in id (``"ikp-2024"``);
    ``region_level`` is ``"province"`` or ``"regency"``; ``sheet`` picks an XLSX sheet
    (default ``data``, else the only sheet); ``period`` picks one period of a file with a
    ``period`` column; ``registry`` is the region code list (default: current, to kab/kota);
    ``province`` (a province code) accepts only regions inside that province."""
    _, report, _ = _check(
        source,
        framework,
        region_level,
        sheet=sheet,
        period=period,
        registry=registry,
        province=province,
    )
    return report


def load_data(
    source: Source,
    framework: Framework | str,
    region_level: str,
    *,
    sheet: str | None = None,
    period: str | int | None = None,
    registry: RegionRegistry | None = None,
    province: str | None = None,
) -> LoadedData:
    """Read a data file into a :class:`LoadedData`; raise :class:`~ikp.issues.ValidationFailed`
    (carrying the whole report) if any error-severity issue was found. Arguments as for
    :func:`validate_data`."""
    checked, report, info = _check(
        source,
        framework,
        region_level,
        sheet=sheet,
        period=period,
        registry=registry,
        province=province,
    )
    if checked is None or not report.ok:
        name = info.get("file") or _source_name(source)
        raise ValidationFailed(report, what=f"data file {name}")
    dataset = Dataset(checked.regions, checked.indicators, checked.values)
    return LoadedData(
        dataset=dataset,
        region_names=dict(checked.region_names),
        groups=checked.groups,
        report=report,
        source=info,
        synthetic=checked.synthetic,
    )
