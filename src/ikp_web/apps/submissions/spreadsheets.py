"""The spreadsheet round trip: the region's template pre-filled with what is already entered, the
upload checked by the core and by the web's reference stage (what it would change is shown and
confirmed before anything is saved: :mod:`ikp_web.apps.submissions.uploads`), and a copy of the
uploaded sheet marked with its issues.

Validation stages (HOUSE-STYLE rec. 12): the file and table stages are the core's
(:func:`ikp.io.load_data`, run with ``province=`` for the office's jurisdiction); this module
adds the reference stage, which needs the database:

* ``OUTSIDE_JURISDICTION`` — a row for a region of the right province that is not the region
  this upload is for (an upload on a region's page accepts that region's row only);
* ``SUBMISSION_LOCKED`` — a row for a region whose submission was submitted or verified (it is
  read-only until a reviewer returns it);
* ``SYNTHETIC_DATA`` — a file marked as synthetic data uploaded into an edition of real data.

The marked copy of an upload is in :mod:`ikp_web.apps.submissions.annotate`.

The core reports values per indicator (Σ count × level weight); the counts per level of
incidence that the questionnaire stores are read from the same cells with the core's own
parsing helpers, and checked against the core's values before anything is saved.
"""

from __future__ import annotations

import functools
import math
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ikp import SYNTHETIC_LABEL
from ikp.framework import Framework
from ikp.io import load_data, write_template
from ikp.issues import IssueCode, Severity, ValidationFailed, ValidationReport
from ikp.regions import Region as CoreRegion
from ikp.regions import RegionRegistry, normalize_code
from ikp.validation.files import RawTable, is_blank, read_raw
from ikp.validation.tables import (
    COLUMN_ALIASES,
    cell_text,
    column_key,
    is_clear_marker,
    is_synthetic_marker,
    parse_number,
)
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.regions.models import Region
from ikp_web.apps.submissions.models import Observation, Submission, UploadFile
from ikp_web.apps.submissions.services import ValueKey

#: issue codes of the web's reference stage (strings: the core's IssueCode has no such members)
SUBMISSION_LOCKED = "SUBMISSION_LOCKED"
SYNTHETIC_DATA = "SYNTHETIC_DATA"
WEB_ISSUE_CODES = (str(IssueCode.OUTSIDE_JURISDICTION), SUBMISSION_LOCKED, SYNTHETIC_DATA)

ACCEPTED_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".tsv", ".txt", ".parquet")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --------------------------------------------------------------------------- frameworks


@functools.lru_cache(maxsize=16)
def _framework(definition: str, name: str) -> Framework:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return Framework.from_dict(yaml.load(definition, Loader=loader), file=name)  # noqa: S506


def framework_of(edition: Edition) -> Framework:
    """The edition's framework, parsed (with libyaml when available) once per definition."""
    fv = edition.framework
    return _framework(fv.definition, str(fv))


def registry_for(edition: Edition) -> RegionRegistry:
    return RegionRegistry.load(edition.region_edition, max_level=2)


class _OneRegionRegistry:
    """A view of a region registry whose province holds a single kab/kota: makes the core's
    template writer write one row (the region's) instead of the whole province."""

    def __init__(self, base: RegionRegistry, code: str) -> None:
        self._base = base
        self._region = base.get(code)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._base, name)

    def regencies(self, province: str | int | None = None) -> list[CoreRegion]:
        return [self._region]

    def at_level(self, level: int | str) -> list[CoreRegion]:
        return [r for r in self._base.at_level(level) if r.code == self._region.code]


# --------------------------------------------------------------------------- template


def prefill_frame(framework: Framework, submissions: Iterable[Submission]) -> pd.DataFrame | None:
    """What is already entered, in the template's column layout (``region_code``, ``I01_L1`` …,
    or ``I01`` for a count indicator stored only as a weighted value); None if nothing is."""
    subs = {s.pk: s.region.code for s in submissions}
    rows = Observation.objects.filter(submission_id__in=list(subs), value__isnull=False)
    levels = [lv.code for lv in framework.incidence_levels]
    by_region: dict[str, dict[str, float]] = {}
    level_indicators: set[str] = set()
    direct_indicators: set[str] = set()
    for sub_id, code, level, value in rows.values_list(
        "submission_id", "indicator_code", "incidence_level", "value"
    ):
        if code not in framework.nodes:
            continue
        column = f"{code}_{level}" if level else code
        by_region.setdefault(subs[sub_id], {})[column] = value
        (level_indicators if level else direct_indicators).add(code)
    if not by_region:
        return None
    columns: list[str] = []
    for code in framework.indicators:
        node = framework.nodes[code]
        counted = node.input_type == "count" and levels
        if counted and (code in level_indicators or code not in direct_indicators):
            columns.extend(f"{code}_{lv}" for lv in levels)
        else:
            columns.append(code)
    frame = pd.DataFrame.from_dict(by_region, orient="index").reindex(columns=columns)
    frame.index.name = "region_code"
    return frame.reset_index()


def template_bytes(
    edition: Edition, region: Region, submissions: Iterable[Submission] = ()
) -> bytes:
    """The XLSX template for ``region`` (a province edition: the province's row; a kab/kota
    edition: the kab/kota's row, or, for a province region, the rows of all its kab/kota),
    pre-filled with the values of ``submissions``."""
    framework = framework_of(edition)
    registry: Any = registry_for(edition)
    level = edition.region_level
    if level == "province" or region.level == 1:
        province = region.code
    else:
        province = registry.province_code(region.code)
        registry = _OneRegionRegistry(registry, region.code)
    prefill = prefill_frame(framework, submissions)
    with tempfile.TemporaryDirectory(prefix="ikp-template-") as tmp:
        path = write_template(
            framework,
            level,
            Path(tmp) / "template.xlsx",
            registry=registry,
            province=province,
            prefill=prefill,
            synthetic=edition.synthetic,
        )
        return path.read_bytes()


def template_filename(edition: Edition, region: Region) -> str:
    return f"templat-{edition.slug}-{region.code}.xlsx"


# --------------------------------------------------------------------------- checking


@dataclass
class CheckedUpload:
    """The outcome of checking one file: the report (JSON-ready, core issues first, then the
    reference stage's) and, only when it has no errors, the values by region code."""

    report: dict[str, Any]
    values: dict[str, dict[ValueKey, float | None]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return bool(self.report.get("ok"))

    def codes(self) -> set[str]:
        return {i["code"] for i in self.report.get("issues", [])}


def _report_dict(
    report: ValidationReport,
    web_issues: list[dict[str, Any]],
    drop: set[str],
    refused: set[str] = frozenset(),  # type: ignore[assignment]
) -> dict[str, Any]:
    """The core's issues (without the codes in ``drop``, and without missing-value warnings
    that only concern rows the reference stage ``refused``) followed by the web's."""
    issues = []
    for issue in report:
        if str(issue.code) in drop:
            continue
        regions = issue.params.get("regions") if issue.code is IssueCode.MISSING_VALUE else None
        if regions and refused and set(regions) <= refused:
            continue
        issues.append(issue.to_dict())
    issues += web_issues
    errors = sum(1 for i in issues if i["severity"] == str(Severity.ERROR))
    counts: dict[str, int] = {}
    for issue in issues:
        counts[issue["code"]] = counts.get(issue["code"], 0) + 1
    return {
        "ok": errors == 0,
        "errors": errors,
        "warnings": len(issues) - errors,
        "counts": counts,
        "issues": issues,
    }


def _web_issue(
    code: str,
    message: str,
    hint: str,
    *,
    file: str,
    sheet: str | None,
    row: int | None = None,
    column: str | None = None,
    region_code: str | None = None,
    **params: Any,
) -> dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "severity": str(Severity.ERROR),
        "location": {
            "file": file,
            "sheet": sheet,
            "row": row,
            "column": column,
            "region_code": region_code,
            "node_code": None,
        },
        "hint": hint,
        "params": params,
        "stage": "reference",
    }


def _role_column(raw: RawTable, role: str) -> int | None:
    aliases = set(COLUMN_ALIASES[role])
    for j, name in enumerate(raw.header):
        if column_key(name) in aliases:
            return j
    return None


def _row_codes(raw: RawTable, registry: RegionRegistry, level: int) -> dict[int, str]:
    """Row number → region code for rows whose code the registry knows at ``level``."""
    j = _role_column(raw, "region_code")
    if j is None:
        return {}
    out: dict[int, str] = {}
    for row, cell in zip(raw.frame.index, raw.frame.iloc[:, j].tolist(), strict=True):
        try:
            code = normalize_code(cell_text(cell))
        except ValueError:
            continue
        if code.count(".") + 1 == level and registry.find(code) is not None:
            out[int(row)] = code
    return out


def check_file(
    path: Path,
    edition: Edition,
    *,
    province: str | None,
    allowed: set[str] | None = None,
    locked: set[str] = frozenset(),  # type: ignore[assignment]
) -> CheckedUpload:
    """Validate ``path`` for ``edition``: the core with ``province=`` (regions outside it are
    OUTSIDE_JURISDICTION), then the reference stage: rows for regions not in ``allowed`` (when
    given) or in ``locked`` are errors, and so is a synthetic file in a real edition. An upload
    for one region (``allowed`` of one) does not warn about the province's other regions."""
    framework = framework_of(edition)
    registry = registry_for(edition)
    level = 1 if edition.region_level == "province" else 2
    loaded = None
    try:
        loaded = load_data(
            path,
            framework,
            edition.region_level,
            registry=registry,
            province=province,
            sheet=None,
        )
        report = loaded.report
    except ValidationFailed as exc:
        report = exc.report
    raw, _ = read_raw(path)
    web: list[dict[str, Any]] = []
    drop: set[str] = set()
    if allowed is not None and len(allowed) == 1:
        drop.add(str(IssueCode.MISSING_REGIONS))
    if raw is not None:
        col = _role_column(raw, "region_code")
        col_name = raw.header[col] if col is not None else None
        where = {"file": raw.file, "sheet": raw.sheet, "column": col_name}
        for row, code in _row_codes(raw, registry, level).items():
            if province is not None and registry.province_code(code) != province:
                continue  # the core reported it
            name = registry.get(code).name
            if allowed is not None and code not in allowed:
                only = ", ".join(sorted(allowed)) if len(allowed) <= 3 else f"{len(allowed)}"
                web.append(
                    _web_issue(
                        str(IssueCode.OUTSIDE_JURISDICTION),
                        f"{code} {name} is not the region of this upload ({only})",
                        "remove the row, or upload it on that region's own page",
                        row=row,
                        region_code=code,
                        allowed=sorted(allowed),
                        **where,
                    )
                )
            elif code in locked:
                web.append(
                    _web_issue(
                        SUBMISSION_LOCKED,
                        f"the data of {code} {name} have been submitted or verified and can no "
                        "longer be changed",
                        "remove the row; ask the reviewer to return the submission first if it "
                        "needs a correction",
                        row=row,
                        region_code=code,
                        **where,
                    )
                )
        synthetic = (
            loaded.synthetic
            if loaded is not None
            else _marked_synthetic(raw, _role_column(raw, "synthetic"))
        )
        if synthetic and not edition.synthetic:
            syn_col = _role_column(raw, "synthetic")
            web.append(
                _web_issue(
                    SYNTHETIC_DATA,
                    f"the file is marked as synthetic data ({SYNTHETIC_LABEL}), but edition "
                    f"{edition.slug} holds real data",
                    "remove the 'synthetic' column only if the data are real; never mix "
                    "synthetic and real data",
                    file=raw.file,
                    sheet=raw.sheet,
                    column=raw.header[syn_col] if syn_col is not None else "synthetic",
                )
            )
    refused = {i["location"]["region_code"] for i in web if i["location"]["region_code"]}
    result = CheckedUpload(_report_dict(report, web, drop, refused))
    result.report["source"] = {
        "file": raw.file if raw is not None else path.name,
        "format": raw.format if raw is not None else None,
        "sheet": raw.sheet if raw is not None else None,
        "sha256": raw.sha256 if raw is not None else None,
        "n_rows": len(raw.frame) if raw is not None else 0,
        "framework": framework.id,
        "edition": edition.slug,
        "region_level": edition.region_level,
        "province": province,
        "synthetic": bool(loaded.synthetic) if loaded is not None else False,
    }
    if result.ok and loaded is not None and raw is not None:
        result.values = extract_values(raw, framework, registry, level)
        _cross_check(result.values, loaded.dataset, framework)
    return result


def _marked_synthetic(raw: RawTable, j: int | None) -> bool:
    return j is not None and any(is_synthetic_marker(v) for v in raw.frame.iloc[:, j].tolist())


def extract_values(
    raw: RawTable, framework: Framework, registry: RegionRegistry, level: int
) -> dict[str, dict[ValueKey, float | None]]:
    """The values a file that passed validation would store: by region code, (indicator,
    level) → count per level of incidence, or (indicator, "") → the indicator's value. An empty
    cell is left out (it leaves the stored value as it is); the clear marker (``KOSONGKAN``) is
    None (it clears the stored value). Counts are added up over periods (as the core does).
    Every region with a row is in the result, if only with no values."""
    codes = _row_codes(raw, registry, level)
    indicators = {column_key(code): code for code in framework.indicators}
    levels = {column_key(lv.code): lv.code for lv in framework.incidence_levels}
    out: dict[str, dict[ValueKey, float | None]] = {code: {} for code in codes.values()}

    def put(region: str, key: ValueKey, cell: object) -> None:
        if is_clear_marker(cell):
            value = None
        elif is_blank(cell):
            return
        else:
            value = _number(cell)
        slot = out.setdefault(region, {})
        node = framework.nodes[key[0]]
        old = slot.get(key)
        if node.input_type == "count" and old is not None and value is not None:
            slot[key] = old + value
        elif value is not None or key not in slot:
            slot[key] = value

    header = raw.header
    ind_col = _role_column(raw, "indicator_code")
    if ind_col is None:  # wide layout
        columns: dict[int, ValueKey] = {}
        for j, name in enumerate(header):
            key = column_key(name)
            if key in indicators:
                columns.setdefault(j, (indicators[key], ""))
                continue
            stem, _, suffix = key.rpartition("_")
            if stem in indicators and suffix in levels:
                columns[j] = (indicators[stem], levels[suffix])
        for j, vkey in columns.items():
            cells = raw.frame.iloc[:, j].tolist()
            for row, cell in zip(raw.frame.index, cells, strict=True):
                region = codes.get(int(row))
                if region is not None:
                    put(region, vkey, cell)
        return out
    # long layout
    val_col = _role_column(raw, "value")
    lvl_col = _role_column(raw, "incidence_level")
    lookup: dict[str, str] = {}
    for i, lv in enumerate(framework.incidence_levels, start=1):
        for alias in (lv.code, str(i), lv.name.id, lv.name.en):
            if alias:
                lookup.setdefault(column_key(alias), lv.code)
    frame = raw.frame
    for n, row in enumerate(frame.index):
        region = codes.get(int(row))
        if region is None or val_col is None:
            continue
        code = indicators.get(column_key(cell_text(frame.iat[n, ind_col])))
        if code is None:
            continue
        lvl_text = cell_text(frame.iat[n, lvl_col]) if lvl_col is not None else ""
        lvl = lookup.get(column_key(lvl_text), "") if lvl_text else ""
        put(region, (code, lvl), frame.iat[n, val_col])
    return out


def _number(cell: object) -> float | None:
    parsed = parse_number(cell)
    return parsed if isinstance(parsed, float) else None


def _cross_check(
    values: Mapping[str, Mapping[ValueKey, float | None]], dataset: Any, framework: Framework
) -> None:
    """The counts per level must give the core's indicator values (Σ count × weight)."""
    weights = framework.incidence_weights()
    col = {c: j for j, c in enumerate(dataset.columns)}
    for i, region in enumerate(dataset.regions):
        given = values.get(region, {})
        for code in framework.indicators:
            parts = [
                (v if not lv else v * weights[lv])
                for (ind, lv), v in given.items()
                if ind == code and v is not None
            ]
            mine = math.fsum(parts) if parts else math.nan
            core = float(dataset.values[i, col[code]])
            if not (
                (math.isnan(mine) and math.isnan(core)) or math.isclose(mine, core, abs_tol=1e-9)
            ):
                raise RuntimeError(
                    f"upload reading disagrees with the core for {region} {code}: {mine} != {core}"
                )


# --------------------------------------------------------------------------- files


def read_upload_bytes(upload: UploadFile) -> bytes:
    with upload.file.open("rb") as handle:
        return bytes(handle.read())


__all__ = [
    "ACCEPTED_SUFFIXES",
    "CheckedUpload",
    "WEB_ISSUE_CODES",
    "XLSX_MIME",
    "check_file",
    "extract_values",
    "framework_of",
    "prefill_frame",
    "registry_for",
    "template_bytes",
    "template_filename",
]
