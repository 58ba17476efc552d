"""Read indicator data from an uploaded file (or a DataFrame) into a :class:`~ikp.dataset.Dataset`.

This is the one path from a spreadsheet into the engine, used by the CLI and the web upload
alike::

    report = validate_data("jabar.xlsx", "ikp-2024", "regency", province="32")
    data = load_data("jabar.xlsx", "ikp-2024", "regency", province="32")  # or ValidationFailed

Units that are not Kemendagri regions (COINr's ASEM countries, say) are read with
``regions=None``: any unique, non-empty code, at the level ``"unit"``::

    data = load_data("iData.csv", load_framework("iMeta.csv"), "unit", regions=None)

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

from ikp.coverage import Coverage, measure
from ikp.dataset import Dataset
from ikp.framework import GENERIC_LEVEL, Framework, load_framework
from ikp.issues import ValidationFailed, ValidationReport
from ikp.regions import RegionRegistry
from ikp.validation.files import Source, read_raw
from ikp.validation.tables import REGION_LEVELS, CheckedTable, check_table

__all__ = ["REGIONS", "LoadedData", "default_registry", "load_data", "validate_data"]

#: What unit codes are: ``kemendagri`` region codes (checked against the code list) or
#: ``none`` (generic units, any unique code; also ``regions=None``).
REGIONS = ("kemendagri", "none")


@dataclass(frozen=True)
class LoadedData:
    """Indicator data read from one file, ready for :class:`~ikp.run.IndexRun`.

    ``dataset`` has one row per region present in the file (in code-list order) and one column
    per framework indicator (framework order), NaN where the file left the value empty.
    ``groups`` gives each row's province code (for group imputation; for generic units the
    value of the ``group`` column, or empty). ``report`` holds the warnings. ``source`` records
    the file name, sheet, layout, sha256 of the file bytes, number of data rows, and the periods.
    ``synthetic`` is True when the file carries a filled ``synthetic`` column (see
    docs/data-input.md). ``coverage`` says how much of the region level the file covers
    (:class:`ikp.coverage.Coverage`; None for generic units)."""

    dataset: Dataset
    region_names: dict[str, str]
    groups: tuple[str, ...]
    report: ValidationReport
    source: dict[str, Any] = field(default_factory=dict)
    synthetic: bool = False
    coverage: Coverage | None = None


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
    regions: str | None = "kemendagri",
    group: str | None = None,
) -> tuple[CheckedTable | None, ValidationReport, dict[str, Any]]:
    fw = _framework(framework)
    generic = regions is None or regions == "none"
    if not generic and regions != "kemendagri":
        raise ValueError(f"regions must be one of {REGIONS} or None; got {regions!r}")
    if generic and region_level != GENERIC_LEVEL:
        raise ValueError(
            f"generic units (regions=None) are at the level {GENERIC_LEVEL!r}; got {region_level!r}"
        )
    if generic and province is not None:
        raise ValueError("province applies to Kemendagri region codes, not to generic units")
    if not generic and region_level not in REGION_LEVELS:
        raise ValueError(
            f"region_level must be one of {sorted(REGION_LEVELS)}; got {region_level!r}"
        )
    reg = registry if registry is not None else default_registry()
    raw, report = read_raw(source, sheet=sheet)
    if raw is None:
        return None, report, {}
    checked, table_report = check_table(
        raw,
        fw,
        region_level,
        registry=reg,
        period=period,
        province=province,
        generic=generic,
        group=group,
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
        "region_edition": None if generic else reg.edition_info.id,
        "regions": "none" if generic else "kemendagri",
        "group": group,
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
    regions: str | None = "kemendagri",
    group: str | None = None,
) -> ValidationReport:
    """Check a data file (CSV, XLSX, Parquet) or DataFrame and report every problem found.

    ``framework`` is a :class:`~ikp.framework.Framework` or a built-in id (``"ikp-2024"``);
    ``region_level`` is ``"province"`` or ``"regency"``; ``sheet`` picks an XLSX sheet
    (default ``data``, else the only sheet); ``period`` picks one period of a file with a
    ``period`` column; ``registry`` is the region code list (default: current, to kab/kota);
    ``province`` (a province code) accepts only regions inside that province.

    ``regions``: ``"kemendagri"`` (default; codes from the region code list) or ``None`` /
    ``"none"`` for generic units (any unique, non-empty code; ``region_level`` must then be
    ``"unit"``); ``group`` names the column holding each unit's group (COINr ``*_group``)."""
    _, report, _ = _check(
        source,
        framework,
        region_level,
        sheet=sheet,
        period=period,
        registry=registry,
        province=province,
        regions=regions,
        group=group,
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
    regions: str | None = "kemendagri",
    group: str | None = None,
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
        regions=regions,
        group=group,
    )
    if checked is None or not report.ok:
        name = info.get("file") or _source_name(source)
        raise ValidationFailed(report, what=f"data file {name}")
    dataset = Dataset(checked.regions, checked.indicators, checked.values)
    coverage = None
    if info["regions"] == "kemendagri":
        reg = registry if registry is not None else default_registry()
        coverage = measure(checked.regions, region_level, registry=reg, province=province)
    return LoadedData(
        dataset=dataset,
        region_names=dict(checked.region_names),
        groups=checked.groups,
        report=report,
        source=info,
        synthetic=checked.synthetic,
        coverage=coverage,
    )
