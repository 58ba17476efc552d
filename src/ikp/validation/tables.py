"""Validation stage 2, the table: columns, region codes, values — every problem at once.

:func:`check_table` takes the raw cells read by :mod:`ikp.validation.files` and turns them into
one value per region × indicator, reporting **every** problem it meets, each with the file,
sheet, row (as the user sees it), column header and region code.

Two layouts are understood (docs/data-input.md has the full description):

* **wide** — one row per region: ``region_code`` (or ``kode``, ``kode_wilayah``,
  ``Kode Wilayah``), optional ``region_name`` (``nama``), then one column per indicator
  (``I05``) or, for indicators of input type ``count``, one column per level of incidence
  (``I01_L1``, ``I01_L2``, ``I01_L3``): the indicator value is Σ count × level weight.
* **long** — one row per region × indicator (× level × period): ``region_code``,
  ``indicator_code`` (``kode_indikator``), ``value`` (``nilai``, ``jumlah``), optional
  ``incidence_level`` (``tingkat_kejadian``), ``period`` (``periode``), ``region_name``.

The layout is long when the table has an ``indicator_code`` column. Column names are matched
without regard to case, surrounding spaces, or the choice of space/underscore/hyphen.

Numbers: a point is the decimal separator. A decimal comma (``1,5``) is accepted when it cannot
be read as a thousands separator, i.e. unless it is followed by exactly three digits after one
to three digits (``1,500`` is rejected as ambiguous). Empty cells are missing values.

Periods: with a ``period`` column holding several periods, counts (input type ``count``) are
summed over the periods; other indicators need ``period=`` to pick one.

Synthetic data: a file is marked synthetic by a column named ``synthetic`` (or ``sintetis``,
``data_sintetis``) with at least one non-empty cell that is not ``0``/``false``/``tidak``/``no``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ikp._types import FloatArray
from ikp.framework import Framework, Node
from ikp.issues import IssueCode, Severity, ValidationReport
from ikp.regions import LEVEL_NAMES_ID, LEVELS, Region, RegionRegistry, normalize_code
from ikp.validation.files import RawTable, is_blank

REGION_LEVELS: dict[str, int] = {name: level for level, name in LEVELS.items()}

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "region_code": ("region_code", "kode", "kode_wilayah"),
    "region_name": ("region_name", "nama", "nama_wilayah"),
    "indicator_code": ("indicator_code", "kode_indikator"),
    "value": ("value", "nilai", "jumlah"),
    "incidence_level": ("incidence_level", "tingkat_kejadian"),
    "period": ("period", "periode"),
    "synthetic": ("synthetic", "sintetis", "data_sintetis"),
}
WIDE_ROLES = ("region_code", "region_name", "period", "synthetic")

#: Every issue code the file and table stages can report (each is described, with an example
#: message, in docs/data-input.md).
DATA_ISSUE_CODES: tuple[IssueCode, ...] = (
    IssueCode.FILE_UNREADABLE,
    IssueCode.NOT_UTF8,
    IssueCode.RAGGED_ROW,
    IssueCode.MERGED_CELLS,
    IssueCode.WRONG_SHEET,
    IssueCode.EMPTY_FILE,
    IssueCode.MISSING_COLUMN,
    IssueCode.UNKNOWN_COLUMN,
    IssueCode.DUPLICATE_COLUMN,
    IssueCode.MALFORMED_REGION_CODE,
    IssueCode.UNKNOWN_REGION_CODE,
    IssueCode.WRONG_REGION_LEVEL,
    IssueCode.OUTSIDE_JURISDICTION,
    IssueCode.REGION_NAME_MISMATCH,
    IssueCode.DUPLICATE_REGION_CODE,
    IssueCode.DUPLICATE_ROW,
    IssueCode.UNKNOWN_INDICATOR,
    IssueCode.UNKNOWN_INCIDENCE_LEVEL,
    IssueCode.NOT_NUMERIC,
    IssueCode.NOT_INTEGER,
    IssueCode.NEGATIVE_COUNT,
    IssueCode.OUT_OF_RANGE,
    IssueCode.CONFLICTING_VALUES,
    IssueCode.PERIOD_REQUIRED,
    IssueCode.UNKNOWN_PERIOD,
    IssueCode.MISSING_VALUE,
    IssueCode.MISSING_REGIONS,
)
LONG_ROLES = tuple(COLUMN_ALIASES)
FALSE_WORDS = frozenset({"0", "0.0", "false", "no", "tidak", "bukan", "n", "f"})
#: what an office writes in a value cell to clear a value stored on the platform (any case).
#: The core reads it as an empty cell (no value); the web upload tells the two apart: an empty
#: cell leaves the stored value as it is, the marker clears it.
CLEAR_MARKER = "KOSONGKAN"
CLEAR_WORDS = frozenset({"kosongkan", "clear"})

# ASCII digits only: Python's \d also matches full-width and other Unicode digits ("１２")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_PLAIN_INTEGER = re.compile(r"[+-]?\d+", re.ASCII)
_DECIMAL_COMMA = re.compile(r"[+-]?\d*,\d+", re.ASCII)
_THOUSANDS_LIKE = re.compile(r"[+-]?\d{1,3},\d{3}", re.ASCII)
#: 2**53: above it, not every whole number can be held exactly by a float (2**53 + 1 would be
#: read as 2**53); larger values are refused rather than silently changed.
MAX_EXACT = 2**53
_CODE_PARTS = re.compile(r"([a-z]+)0*(\d+)(.*)")
_MAX_LISTED = 8


def column_key(text: object) -> str:
    """How column names and codes are compared: case, spaces, ``-``/``.``/``_`` ignored."""
    return re.sub(r"[\s\-_.]+", "_", str(text).strip().lower()).strip("_")


def _canonical(text: str) -> str:
    """A loose form for 'did you mean': leading zeros of the number dropped (I1 ~ I01)."""
    key = re.sub(r"[^a-z0-9]", "", text.lower())
    m = _CODE_PARTS.fullmatch(key)
    return f"{m.group(1)}{int(m.group(2))}{m.group(3)}" if m else key


def suggest(word: str, choices: Iterable[str], n: int = 3) -> list[str]:
    """Likely intended names for ``word``: same canonical form first, then close spellings."""
    pool = list(dict.fromkeys(choices))
    canon = _canonical(word)
    exact = [c for c in pool if _canonical(c) == canon]
    if exact:
        return exact[:n]
    lowered = {c.lower(): c for c in pool}
    hits = difflib.get_close_matches(word.lower(), list(lowered), n=n, cutoff=0.75)
    return [lowered[h] for h in hits]


def _did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    hits = suggest(word, choices)
    if not hits:
        return None
    return "did you mean " + " or ".join(repr(h) for h in hits) + "?"


def _listing(items: Sequence[object], limit: int = _MAX_LISTED) -> str:
    shown = ", ".join(str(i) for i in items[:limit])
    if len(items) > limit:
        shown += f" and {len(items) - limit} more"
    return shown


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


# --------------------------------------------------------------------------- numbers


def is_clear_marker(cell: object) -> bool:
    """True for a value cell holding the clear marker (``KOSONGKAN`` or ``CLEAR``, any case)."""
    return isinstance(cell, str) and cell.strip().replace("\u00a0", "").lower() in CLEAR_WORDS


def parse_number(cell: object) -> float | str | None:
    """A cell as a number: ``None`` if blank (or the clear marker, which means "no value"), a
    float, or a string saying why it is not one."""
    if is_blank(cell) or is_clear_marker(cell):
        return None
    if isinstance(cell, bool):
        return "TRUE/FALSE is not a number; enter 1 or 0"
    if isinstance(cell, int) and abs(cell) > MAX_EXACT:
        return (
            f"{cell} has too many digits to be stored exactly (the largest whole number is "
            f"{MAX_EXACT}); check the value"
        )
    if isinstance(cell, (int, float)):
        number = float(cell)
        if not math.isfinite(number):
            return "infinity is not an allowed value"
        return number
    if isinstance(cell, (dt.date, dt.time, dt.datetime)):
        return (
            "the spreadsheet turned this value into a date or time; format the column as "
            "Number and type the value again"
        )
    text = str(cell).strip().replace("\u00a0", "")
    if text.startswith("="):
        return (
            f"the cell holds a formula ({text[:40]}) whose result was not saved in the file; "
            "open it in Excel or LibreOffice and save it again, or paste the values"
        )
    if _PLAIN_NUMBER.fullmatch(text):
        number = float(text)
        if math.isinf(number):  # e.g. 1e309: too large for a number, read as infinity
            return f"{text!r} is too large to be a number (it would be infinity)"
        if _PLAIN_INTEGER.fullmatch(text) and abs(int(text)) > MAX_EXACT:
            return (
                f"{text!r} has too many digits to be stored exactly (the largest whole number "
                f"is {MAX_EXACT}); check the value"
            )
        return number
    if any(not c.isascii() and c.isdigit() for c in text):
        return (
            "tulis angka dengan digit 0–9 biasa (bukan angka lebar penuh/non-ASCII) / type the "
            "number with the plain digits 0–9 (not full-width or other non-ASCII digits)"
        )
    if _DECIMAL_COMMA.fullmatch(text):
        if _THOUSANDS_LIKE.fullmatch(text):
            return (
                f"{text!r} is ambiguous (decimal comma or thousands separator?); write "
                f"{_fmt(float(text.replace(',', '.')))} or {text.replace(',', '')}"
            )
        return float(text.replace(",", "."))
    if text.endswith("%"):
        return "remove the % sign; enter the number only (the unit is given by the indicator)"
    return "enter a number, or leave the cell empty if the value is missing"


def _finite_sum(values: list[float]) -> float | None:
    """The exact sum of ``values``, or None if it (or a value) is not a finite number."""
    try:
        total = math.fsum(values)
    except (OverflowError, ValueError):
        return None
    return total if math.isfinite(total) else None


def cell_text(cell: object) -> str:
    """A cell as text for codes and labels (integral floats without '.0')."""
    if is_blank(cell):
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, float):
        return repr(cell)
    return str(cell).strip()


def is_synthetic_marker(cell: object) -> bool:
    """True for a filled cell of the ``synthetic`` column that does not say no."""
    text = cell_text(cell).lower()
    return bool(text) and text not in FALSE_WORDS


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class CheckedTable:
    """What the table stage produced (meaningful only where the report has no errors)."""

    layout: str
    regions: tuple[str, ...]
    indicators: tuple[str, ...]
    values: FloatArray
    region_names: dict[str, str]
    groups: tuple[str, ...]
    synthetic: bool
    periods: tuple[str, ...]
    period: str | None
    n_rows: int


@dataclass
class _Obs:
    row: int
    column: str
    region: str
    indicator: str
    level: str | None
    period: str | None
    value: float


@dataclass
class _Pending:
    """Rows sharing one bad value, reported as one issue listing them all."""

    code: IssueCode
    message: str
    hint: str | None
    column: str | None
    region_code: str | None
    severity: Severity = Severity.ERROR
    rows: list[int] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- checker


def check_table(
    raw: RawTable,
    framework: Framework,
    region_level: str,
    *,
    registry: RegionRegistry,
    period: str | int | None = None,
    province: str | None = None,
    generic: bool = False,
    group: str | None = None,
) -> tuple[CheckedTable, ValidationReport]:
    """Check the cells of ``raw`` against ``framework`` and the region code list.

    ``province`` (a province code) restricts accepted regions to that province (for a
    regency file: its kab/kota; for a province file: the province itself). ``period`` picks one
    period when the table has a ``period`` column.

    ``generic=True`` reads units that are not Kemendagri regions (countries, say): any unique,
    non-empty code is accepted (``region_code`` or COINr's ``uCode``), names come from
    ``region_name``/``uName``, ``group`` names the column whose values are the units' groups,
    COINr's other ``*_group`` columns are recognised and left aside, and ``Time`` is the period
    column. ``registry`` and ``province`` are then unused."""
    kind = _UnitChecker if generic else _TableChecker
    checker = kind(raw, framework, region_level, registry, period, province, group)
    return checker.run(), checker.report


class _TableChecker:
    aliases: dict[str, tuple[str, ...]] = COLUMN_ALIASES

    def __init__(
        self,
        raw: RawTable,
        framework: Framework,
        region_level: str,
        registry: RegionRegistry,
        period: str | int | None,
        province: str | None,
        group: str | None = None,
    ) -> None:
        self.raw = raw
        self.frame = raw.frame
        self.framework = framework
        self.region_level = region_level
        self.period = None if period is None else cell_text(period)
        self.group = group
        self.init_regions(region_level, registry, province)
        self.report = ValidationReport()
        self.header = raw.header
        self.rows = [int(r) for r in self.frame.index]
        self.indicators = framework.indicators
        self.ind_by_key = {column_key(c): c for c in self.indicators}
        self.level_codes = [lv.code for lv in framework.incidence_levels]
        self.level_weights = framework.incidence_weights()
        self.level_by_key = {column_key(c): c for c in self.level_codes}
        self.pending: dict[tuple[Any, ...], _Pending] = {}
        # (region, indicator) pairs with a reported error, and indicators that cannot be read
        # at all: left out of the missing-value summary, which is about empty cells only
        self.bad: set[tuple[str, str]] = set()
        self.unreadable: set[str] = set()
        self.duplicate_roles: set[int] = set()  # second columns of a role, already reported
        self.aside: set[int] = set()  # columns describing the units (COINr *_group), not data

    def init_regions(
        self, region_level: str, registry: RegionRegistry, province: str | None
    ) -> None:
        if region_level not in REGION_LEVELS:
            raise ValueError(
                f"region_level must be one of {sorted(REGION_LEVELS)}; got {region_level!r}"
            )
        if region_level not in self.framework.region_levels:
            raise ValueError(
                f"framework {self.framework.id} has no region level {region_level!r}; "
                f"it has {', '.join(self.framework.region_levels)}"
            )
        if REGION_LEVELS[region_level] > registry.max_level:
            raise ValueError(
                f"the region registry goes down to level {registry.max_level}; for "
                f"{region_level!r} pass registry=RegionRegistry.load(max_level="
                f"{REGION_LEVELS[region_level]})"
            )
        self.level = REGION_LEVELS[region_level]
        self.level_label = f"{LEVEL_NAMES_ID[self.level]} ({region_level})"
        self.registry = registry
        self.province: Region | None = None
        if province is not None:
            prov = registry.get(province)
            if prov.level != 1:
                raise ValueError(f"province must be a province code; {prov} is not a province")
            self.province = prov

    # ---- issue helpers -------------------------------------------------------------------

    def add(
        self,
        code: IssueCode,
        message: str,
        *,
        severity: Severity = Severity.ERROR,
        hint: str | None = None,
        row: int | None = None,
        column: str | None = None,
        region_code: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> None:
        self.report.add(
            code,
            message,
            severity=severity,
            hint=hint,
            params=params,
            file=self.raw.file,
            sheet=self.raw.sheet,
            row=row,
            column=column,
            region_code=region_code,
        )

    def defer(self, key: tuple[Any, ...], row: int, item: _Pending) -> None:
        """Collect rows with the same problem; ``item`` is kept the first time ``key`` is seen."""
        kept = self.pending.setdefault(key, item)
        kept.rows.append(row)

    def flush_pending(self) -> None:
        for item in self.pending.values():
            rows = item.rows
            where = "" if len(rows) == 1 else f" (rows {_listing(rows)})"
            self.add(
                item.code,
                f"{item.message}{where}",
                severity=item.severity,
                hint=item.hint,
                row=rows[0],
                column=item.column,
                region_code=item.region_code,
                params={**item.params, "rows": rows},
            )
        self.pending.clear()

    # ---- main ----------------------------------------------------------------------------

    def run(self) -> CheckedTable:
        roles = self.find_roles()
        long = "indicator_code" in roles or (
            "value" in roles and not self.any_indicator_column(roles)
        )
        layout = "long" if long else "wide"
        row_regions = self.check_regions(roles, layout)
        if long:
            observations = self.read_long(roles, row_regions)
        else:
            observations = self.read_wide(roles, row_regions)
        synthetic = self.find_synthetic(roles)
        periods: list[str] = []
        if "period" in roles:
            periods = sorted(
                {
                    cell_text(v)
                    for v in self.frame.iloc[:, roles["period"]].tolist()
                    if not is_blank(v)
                }
            )
        observations = self.select_period(observations, roles, periods)
        regions = self.present_regions(row_regions)
        values = self.combine(observations, regions)
        self.flush_pending()
        self.report_missing_values(values, regions, layout)
        self.report_absent_regions(regions)
        names = {r: self.region_name(r) for r in regions}
        groups = tuple(self.group_of(r) for r in regions)
        return CheckedTable(
            layout=layout,
            regions=tuple(regions),
            indicators=self.indicators,
            values=values,
            region_names=names,
            groups=groups,
            synthetic=synthetic,
            periods=tuple(periods),
            period=self.period,
            n_rows=len(self.rows),
        )

    def group_of(self, code: str) -> str:
        return self.registry.province_code(code)

    def region_name(self, code: str) -> str:
        return self.registry.get(code).name

    # ---- columns -------------------------------------------------------------------------

    def find_roles(self) -> dict[str, int]:
        roles: dict[str, int] = {}
        alias_to_role = {a: role for role, aliases in self.aliases.items() for a in aliases}
        for j, name in enumerate(self.header):
            role = alias_to_role.get(column_key(name))
            if role is None:
                continue
            if role in roles:
                self.duplicate_roles.add(j)
                first = self.header[roles[role]]
                self.add(
                    IssueCode.DUPLICATE_COLUMN,
                    f"columns {first!r} and {name!r} both hold the {role}; the first is used",
                    column=name,
                    hint=f"keep one of them (accepted names: {', '.join(self.aliases[role])})",
                    params={"columns": [first, name], "role": role},
                )
                continue
            roles[role] = j
        if "region_code" not in roles:
            guesses = [
                h
                for h in self.header
                if any(
                    difflib.SequenceMatcher(None, column_key(h), a).ratio() >= 0.7
                    for a in self.aliases["region_code"]
                )
            ]
            self.add(
                IssueCode.MISSING_COLUMN,
                "the region code column is missing",
                column="region_code",
                hint=(
                    (f"did you mean {' or '.join(repr(g) for g in guesses)}? " if guesses else "")
                    + "name it region_code (or kode, kode_wilayah); the header must be the "
                    "first non-empty row of the sheet"
                ),
                params={"expected": list(self.aliases["region_code"])},
            )
        return roles

    def any_indicator_column(self, roles: dict[str, int]) -> bool:
        role_cols = set(roles.values())
        for j, name in enumerate(self.header):
            if j in role_cols:
                continue
            key = column_key(name)
            if key in self.ind_by_key or key.rpartition("_")[0] in self.ind_by_key:
                return True
        return False

    def find_synthetic(self, roles: dict[str, int]) -> bool:
        if "synthetic" not in roles:
            return False
        return any(is_synthetic_marker(v) for v in self.frame.iloc[:, roles["synthetic"]].tolist())

    # ---- regions -------------------------------------------------------------------------

    def check_regions(self, roles: dict[str, int], layout: str) -> dict[int, str]:
        """Map row number → valid region code; report bad, misplaced and duplicate codes."""
        out: dict[int, str] = {}
        if "region_code" not in roles:
            return out
        code_col = roles["region_code"]
        col_name = self.header[code_col]
        names = (
            self.frame.iloc[:, roles["region_name"]].tolist()
            if "region_name" in roles
            else [None] * len(self.rows)
        )
        periods = (
            self.frame.iloc[:, roles["period"]].tolist()
            if "period" in roles
            else [None] * len(self.rows)
        )
        seen: dict[tuple[str, str], int] = {}
        cache: dict[tuple[str, str], tuple[str | None, _Pending | None]] = {}
        for row, cell, name_cell, period_cell in zip(
            self.rows, self.frame.iloc[:, code_col].tolist(), names, periods, strict=True
        ):
            text = cell_text(cell)
            name = cell_text(name_cell)
            key = (text, name)
            if key not in cache:
                cache[key] = self.resolve(text, name, cell, col_name)
            code, problem = cache[key]
            if problem is not None:
                self.defer(("region", key), row, problem)
            if code is None:
                continue
            if layout == "wide":
                dup_key = (code, cell_text(period_cell))
                if dup_key in seen:
                    first = seen[dup_key]
                    self.add(
                        IssueCode.DUPLICATE_REGION_CODE,
                        f"region {code} ({self.region_name(code)}) appears in rows "
                        f"{first} and {row}" + (f" for period {dup_key[1]}" if dup_key[1] else ""),
                        row=row,
                        column=col_name,
                        region_code=code,
                        hint="keep one row per region: merge the two rows or fix the code",
                        params={"rows": [first, row]},
                    )
                    continue
                seen[dup_key] = row
            out[row] = code
        return out

    @staticmethod
    def _problem(
        code: IssueCode,
        message: str,
        hint: str | None,
        column: str,
        region_code: str | None = None,
        severity: Severity = Severity.ERROR,
        **params: Any,
    ) -> _Pending:
        return _Pending(code, message, hint, column, region_code, severity, params=dict(params))

    def _name_hint(self, name: str, code: str | None = None) -> str | None:
        """'did you mean' from the region name given in the row, looking inside the
        jurisdiction (or the province the code points to) when there is one."""
        if not name:
            return None
        found = self.registry.search(name, level=self.level, limit=10)
        province = self.province.code if self.province is not None else None
        if province is None and code is not None and self.registry.find(code[:2]) is not None:
            province = code[:2]
        if province is not None:
            found = [r for r in found if self.group_of(r.code) == province]
        if not found:
            return None
        return "by its name, did you mean " + " or ".join(str(r) for r in found[:3]) + "?"

    def resolve(
        self, text: str, name: str, cell: object, column: str
    ) -> tuple[str | None, _Pending | None]:
        """The region code of a cell (None if unusable) and the problem found, if any (an
        error when the code is None, a name-mismatch warning otherwise)."""
        if not text:
            return None, self._problem(
                IssueCode.MALFORMED_REGION_CODE,
                "the region code is empty",
                self._name_hint(name) or "fill in the region code (e.g. 32.04)",
                column,
            )
        try:
            code = normalize_code(text)
        except ValueError as exc:
            by_name = self._name_hint(name, text if text[:2].isdigit() else None)
            hint = (f"{by_name} " if by_name else "") + (
                "codes look like 32 (provinsi), 32.04 (kabupaten/kota) or 3204 without dots"
            )
            if isinstance(cell, float) or re.fullmatch(r"\d\d\.\d", text):
                hint += (
                    "; the spreadsheet stored this code as a number and may have dropped a "
                    "trailing zero (32.10 → 32.1): format the column as Text"
                )
            return None, self._problem(
                IssueCode.MALFORMED_REGION_CODE,
                f"{text!r} is not a valid region code",
                hint,
                column,
                value=text,
                reason=str(exc),
            )
        code_level = code.count(".") + 1
        if code_level != self.level:
            return None, self._wrong_level(code, code_level, name, column)
        region = self.registry.find(code)
        if region is None:
            return None, self._problem(
                IssueCode.UNKNOWN_REGION_CODE,
                f"{code} is not a {LEVEL_NAMES_ID[self.level]} code in the region code list "
                f"{self.registry.edition_info.id}",
                self._name_hint(name, code) or self._near_codes(code),
                column,
                code,
                value=text,
            )
        if self.province is not None and self.group_of(code) != self.province.code:
            prov = self.registry.get(self.group_of(code))
            where = f"{region} is" if prov.code == region.code else f"{region} lies in {prov},"
            return None, self._problem(
                IssueCode.OUTSIDE_JURISDICTION,
                f"{where} outside {self.province}",
                f"only {LEVEL_NAMES_ID[self.level]} of {self.province} are accepted here; remove "
                "the row or send it to the office responsible for it",
                column,
                code,
                province=prov.code,
            )
        if name and not self._same_name(region, name):
            by_name = self._name_hint(name)
            return code, self._problem(
                IssueCode.REGION_NAME_MISMATCH,
                f"code {region.code} is {region.name!r} in the region code list, but the file "
                f"names it {name!r}",
                "check that the code is right" + (f"; {by_name}" if by_name else ""),
                column,
                region.code,
                Severity.WARNING,
                expected=region.name,
                given=name,
            )
        return code, None

    def _near_codes(self, code: str) -> str:
        try:
            self.registry.get(code)
        except KeyError as exc:
            return str(exc)
        return ""  # pragma: no cover - only called for unknown codes

    @staticmethod
    def _same_name(region: Region, name: str) -> bool:
        """Tolerant comparison: case, punctuation, 'Kab.'/'Kabupaten', 'Adm.' ignored, small
        typos accepted; 'Kota Bandung' is not 'Kabupaten Bandung'."""

        def parts(text: str) -> tuple[str | None, str]:
            folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
            words = re.findall(r"[0-9a-z]+", folded.lower())
            kind: str | None = None
            if words and words[0] in ("kabupaten", "kab"):
                kind, words = "kab", words[1:]
            elif words and words[0] in ("kota", "kotamadya", "kodya"):
                kind, words = "kota", words[1:]
            elif words and words[0] in ("provinsi", "prov"):
                words = words[1:]
            if words and words[0] in ("administrasi", "adm"):
                words = words[1:]
            return kind, "".join(words)

        given_kind, given = parts(name)
        real_kind, real = parts(region.name)
        if given_kind is not None and real_kind is not None and given_kind != real_kind:
            return False
        return given == real or difflib.SequenceMatcher(None, given, real).ratio() >= 0.8

    def _wrong_level(self, code: str, code_level: int, name: str, column: str) -> _Pending:
        what = LEVEL_NAMES_ID.get(code_level, f"level-{code_level}")
        if code_level > self.level:
            ancestor = ".".join(code.split(".")[: self.level])
            found = self.registry.find(ancestor)
            hint = (
                f"it lies in {found}; this file takes one row per {LEVEL_NAMES_ID[self.level]}"
                if found
                else f"this file takes {LEVEL_NAMES_ID[self.level]} codes"
            )
        else:
            found = self.registry.find(code)
            children = (
                [r for r in self.registry.at_level(self.level) if r.code.startswith(code + ".")]
                if found is not None and self.level <= self.registry.max_level
                else []
            )
            hint = (
                f"{found} is a {what}; this file takes one row per {LEVEL_NAMES_ID[self.level]}"
                + (f", e.g. {_listing([str(r) for r in children], limit=3)}" if children else "")
                if found is not None
                else f"this file takes {LEVEL_NAMES_ID[self.level]} codes"
            )
        return self._problem(
            IssueCode.WRONG_REGION_LEVEL,
            f"{code} is a {what} ({LEVELS.get(code_level, '?')}) code, but this file is for "
            f"{self.level_label}",
            hint,
            column,
            code,
            level=code_level,
        )

    def present_regions(self, row_regions: dict[int, str]) -> list[str]:
        present = set(row_regions.values())
        return [r.code for r in self.registry.at_level(self.level) if r.code in present]

    def expected_regions(self) -> list[Region]:
        if self.province is None:
            return self.registry.at_level(self.level)
        if self.level == 1:
            return [self.province]
        return [
            r
            for r in self.registry.at_level(self.level)
            if self.group_of(r.code) == self.province.code
        ]

    # ---- wide layout ---------------------------------------------------------------------

    def read_wide(self, roles: dict[str, int], row_regions: dict[int, str]) -> list[_Obs]:
        direct: dict[str, list[int]] = {}
        levels: dict[str, dict[str, list[int]]] = {}
        unknown: list[int] = []
        role_cols = (
            {j for role, j in roles.items() if role in WIDE_ROLES}
            | self.duplicate_roles
            | self.aside
        )
        misplaced = {j for role, j in roles.items() if role not in WIDE_ROLES}
        for j, name in enumerate(self.header):
            if j in role_cols:
                continue
            key = column_key(name)
            if j in misplaced or not key:
                unknown.append(j)
                continue
            if key in self.ind_by_key:
                direct.setdefault(self.ind_by_key[key], []).append(j)
                continue
            stem, _, suffix = key.rpartition("_")
            if stem in self.ind_by_key:
                code = self.ind_by_key[stem]
                node = self.framework.nodes[code]
                if node.input_type == "count" and suffix in self.level_by_key:
                    levels.setdefault(code, {}).setdefault(self.level_by_key[suffix], []).append(j)
                    continue
                self._bad_level_column(name, node, suffix)
                continue
            unknown.append(j)

        unknown_names = [self.header[j] for j in unknown if self.header[j]]
        expected = self.expected_columns()
        suggested_for: dict[str, list[str]] = {}
        for u in unknown_names:
            for hit in suggest(u, expected):
                suggested_for.setdefault(hit, []).append(u)

        columns: dict[int, tuple[str, str | None]] = {}
        if not direct and not levels:
            # nothing recognisable: one issue rather than one per indicator
            self.unreadable.update(self.indicators)
            self.add(
                IssueCode.MISSING_COLUMN,
                f"no indicator column of {self.framework.id} was found (expected "
                f"{_listing(expected, limit=4)})",
                column=expected[0] if expected else None,
                hint="start from the template (ikp template): its header row has every "
                "column; a table with an indicator_code column is read as the long layout",
                params={"missing": list(self.indicators)},
            )
        for code in self.indicators if (direct or levels) else ():
            node = self.framework.nodes[code]
            d = direct.get(code, [])
            lv = levels.get(code, {})
            for j in d[1:]:
                self._duplicate_column(self.header[d[0]], self.header[j])
            for cols in lv.values():
                for j in cols[1:]:
                    self._duplicate_column(self.header[cols[0]], self.header[j])
            if d and lv:
                names = [self.header[cols[0]] for cols in lv.values()]
                self.add(
                    IssueCode.CONFLICTING_VALUES,
                    f"indicator {code} has both a value column {self.header[d[0]]!r} and "
                    f"incidence-level columns {', '.join(repr(n) for n in names)}",
                    column=self.header[d[0]],
                    hint=f"keep either {code} (the weighted value) or the columns "
                    + ", ".join(f"{code}_{c}" for c in self.level_codes)
                    + " (counts per level), not both",
                )
                self.unreadable.add(code)
                continue
            if d:
                columns[d[0]] = (code, None)
                continue
            if lv:
                for level_code, cols in lv.items():
                    columns[cols[0]] = (code, level_code)
                absent = [c for c in self.level_codes if c not in lv]
                if absent:
                    self.unreadable.add(code)
                present = [self.header[cols[0]] for cols in lv.values()]
                for level_code in absent:
                    want = f"{code}_{level_code}"
                    near = suggested_for.get(want, [])
                    self.add(
                        IssueCode.MISSING_COLUMN,
                        f"column {want!r} is missing ({', '.join(repr(p) for p in present)} "
                        "present): every level of incidence needs its column",
                        column=want,
                        hint=(
                            f"did you mean {' or '.join(repr(n) for n in near)}? " if near else ""
                        )
                        + f"add the column {want!r} (leave its cells empty or 0 if there were no "
                        "incidents at that level)",
                        params={"indicator": code, "level": level_code},
                    )
                continue
            wanted = [code]
            if node.input_type == "count" and self.level_codes:
                wanted += [f"{code}_{c}" for c in self.level_codes]
            pairs = [(u, w) for w in wanted for u in suggested_for.get(w, [])]
            self.unreadable.add(code)
            if node.input_type == "count" and self.level_codes:
                cols_text = (
                    f"{code!r} (weighted value) or "
                    + ", ".join(repr(f"{code}_{c}") for c in self.level_codes)
                    + " (counts per level of incidence)"
                )
            else:
                cols_text = repr(code)
            self.add(
                IssueCode.MISSING_COLUMN,
                f"no column for indicator {code} ({node.name('id')}); expected {cols_text}",
                column=code,
                hint=(
                    "did you mean "
                    + " or ".join(f"{u!r} (rename it to {w!r})" for u, w in pairs)
                    + "?"
                    if pairs
                    else "add the column (cells may stay empty); do not rename the header row "
                    "of the template"
                ),
                params={"indicator": code, "suggestions": [u for u, _ in pairs]},
            )

        for j in unknown:
            name = self.header[j]
            if not name:
                self.add(
                    IssueCode.UNKNOWN_COLUMN,
                    f"a column without a header (column {j + 1}) holds values; it was ignored",
                    severity=Severity.WARNING,
                    column=f"#{j + 1}",
                    hint="give it a header (an indicator code such as I01_L1) or delete it",
                )
                continue
            hits = suggest(name, expected)
            hint: str
            if j in misplaced:
                hint = "this is a long-layout column; a wide file has one column per indicator"
            elif hits:
                hint = "did you mean " + " or ".join(repr(h) for h in hits) + "?"
            else:
                hint = "known columns: region_code, region_name, " + _listing(expected, limit=6)
            self.add(
                IssueCode.UNKNOWN_COLUMN,
                f"column {name!r} is not an indicator of {self.framework.id}; it was ignored",
                severity=Severity.WARNING,
                column=name,
                hint=hint,
                params={"suggestions": hits},
            )

        observations: list[_Obs] = []
        period_col = roles.get("period")
        period_cells = self.frame.iloc[:, period_col].tolist() if period_col is not None else None
        for j, (code, obs_level) in columns.items():
            node = self.framework.nodes[code]
            name = self.header[j]
            cells = self.frame.iloc[:, j].tolist()
            for i, (row, cell) in enumerate(zip(self.rows, cells, strict=True)):
                region = row_regions.get(row)
                value = self.check_value(cell, node, obs_level, row, name, region)
                if region is None:
                    continue
                per = (cell_text(period_cells[i]) or None) if period_cells is not None else None
                observations.append(_Obs(row, name, region, code, obs_level, per, value))
        return observations

    def expected_columns(self) -> list[str]:
        out: list[str] = []
        for code in self.indicators:
            out.append(code)
            if self.framework.nodes[code].input_type == "count":
                out.extend(f"{code}_{c}" for c in self.level_codes)
        return out

    def _duplicate_column(self, first: str, again: str) -> None:
        self.add(
            IssueCode.DUPLICATE_COLUMN,
            f"columns {first!r} and {again!r} are the same column; the first is used",
            column=again,
            hint="delete or rename one of them",
            params={"columns": [first, again]},
        )

    def _bad_level_column(self, name: str, node: Node, suffix: str) -> None:
        if node.input_type == "count":
            levels = ", ".join(
                f"{lv.code} ({lv.name.id}, weight {_fmt(lv.weight)})"
                for lv in self.framework.incidence_levels
            )
            message = f"column {name!r}: {suffix.upper()!r} is not a level of incidence"
            hint = (
                f"levels of incidence: {levels}; columns {node.code}_"
                + f", {node.code}_".join(self.level_codes)
                if self.level_codes
                else f"framework {self.framework.id} has no levels of incidence; use {node.code!r}"
            )
        else:
            message = (
                f"column {name!r}: indicator {node.code} is of type {node.input_type}, "
                "which has no levels of incidence"
            )
            hint = f"give its value in one column named {node.code!r}"
        self.add(
            IssueCode.UNKNOWN_INCIDENCE_LEVEL,
            message,
            column=name,
            hint=hint,
            params={"indicator": node.code, "level": suffix},
        )

    # ---- long layout ---------------------------------------------------------------------

    def read_long(self, roles: dict[str, int], row_regions: dict[int, str]) -> list[_Obs]:
        for role in ("indicator_code", "value"):
            if role not in roles:
                guesses = [h for h in self.header if _did_you_mean(h, COLUMN_ALIASES[role])]
                self.add(
                    IssueCode.MISSING_COLUMN,
                    f"the long layout needs a column {role!r}",
                    column=role,
                    hint=(
                        f"did you mean {' or '.join(repr(g) for g in guesses)}? " if guesses else ""
                    )
                    + f"accepted names: {', '.join(COLUMN_ALIASES[role])}",
                )
        known = set(roles.values()) | self.duplicate_roles | self.aside
        for j, name in enumerate(self.header):
            if j in known:
                continue
            if not name:
                self.add(
                    IssueCode.UNKNOWN_COLUMN,
                    f"a column without a header (column {j + 1}) holds values; it was ignored",
                    severity=Severity.WARNING,
                    column=f"#{j + 1}",
                    hint="give it a header or delete it",
                )
                continue
            hint = _did_you_mean(
                column_key(name), [a for al in COLUMN_ALIASES.values() for a in al]
            )
            self.add(
                IssueCode.UNKNOWN_COLUMN,
                f"column {name!r} is not a column of the long layout; it was ignored",
                severity=Severity.WARNING,
                column=name,
                hint=hint
                or "long-layout columns: region_code, indicator_code, value, incidence_level, "
                "period, region_name",
            )
        if "indicator_code" not in roles or "value" not in roles:
            return []

        def column(role: str) -> list[object]:
            if role in roles:
                return list(self.frame.iloc[:, roles[role]].tolist())
            return [None] * len(self.rows)

        ind_name = self.header[roles["indicator_code"]]
        val_name = self.header[roles["value"]]
        lvl_name = self.header[roles["incidence_level"]] if "incidence_level" in roles else None
        level_lookup = self.level_lookup()
        seen: dict[tuple[str, str, str | None, str | None], int] = {}
        observations: list[_Obs] = []
        for row, ind_cell, val_cell, lvl_cell, per_cell in zip(
            self.rows,
            column("indicator_code"),
            column("value"),
            column("incidence_level"),
            column("period"),
            strict=True,
        ):
            region = row_regions.get(row)
            ind_text = cell_text(ind_cell)
            code = self.ind_by_key.get(column_key(ind_text)) if ind_text else None
            if code is None:
                self.defer(
                    ("indicator", ind_text),
                    row,
                    _Pending(
                        IssueCode.UNKNOWN_INDICATOR,
                        f"{ind_text!r} is not an indicator of {self.framework.id}"
                        if ind_text
                        else "the indicator code is empty",
                        (_did_you_mean(ind_text, self.indicators) if ind_text else None)
                        or f"indicator codes: {_listing(self.indicators, 6)}",
                        ind_name,
                        None,
                        params={"value": ind_text},
                    ),
                )
                self.check_value(val_cell, None, None, row, val_name, region)
                continue
            node = self.framework.nodes[code]
            level_code: str | None = None
            lvl_text = cell_text(lvl_cell)
            if lvl_text and lvl_name is not None:
                level_code = level_lookup.get(column_key(lvl_text))
                if node.input_type != "count":
                    self.defer(
                        ("level-type", code),
                        row,
                        _Pending(
                            IssueCode.UNKNOWN_INCIDENCE_LEVEL,
                            f"indicator {code} is of type {node.input_type}, which has no "
                            "levels of incidence",
                            f"leave {lvl_name!r} empty for {code}",
                            lvl_name,
                            None,
                            params={"indicator": code},
                        ),
                    )
                    if region is not None:
                        self.bad.add((region, code))
                    continue
                if level_code is None:
                    self.defer(
                        ("level", lvl_text),
                        row,
                        _Pending(
                            IssueCode.UNKNOWN_INCIDENCE_LEVEL,
                            f"{lvl_text!r} is not a level of incidence",
                            "levels of incidence: "
                            + ", ".join(
                                f"{lv.code} ({lv.name.id}/{lv.name.en}, weight {_fmt(lv.weight)})"
                                for lv in self.framework.incidence_levels
                            )
                            if self.level_codes
                            else f"framework {self.framework.id} has no levels of incidence",
                            lvl_name,
                            None,
                            params={"value": lvl_text},
                        ),
                    )
                    if region is not None:
                        self.bad.add((region, code))
                    continue
            value = self.check_value(val_cell, node, level_code, row, val_name, region)
            if region is None:
                continue
            per = cell_text(per_cell) or None
            key = (region, code, level_code, per)
            if key in seen:
                first = seen[key]
                what = (
                    f"region {region}, indicator {code}"
                    + (f", level {level_code}" if level_code else "")
                    + (f", period {per}" if per else "")
                )
                self.add(
                    IssueCode.DUPLICATE_ROW,
                    f"rows {first} and {row} are for the same {what}",
                    row=row,
                    column=ind_name,
                    region_code=region,
                    hint="keep one row per region × indicator"
                    + (" × level" if lvl_name else "")
                    + (" × period" if "period" in roles else "")
                    + "; add the values up if both are right",
                    params={"rows": [first, row]},
                )
                continue
            seen[key] = row
            observations.append(_Obs(row, val_name, region, code, level_code, per, value))
        return observations

    def level_lookup(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for i, lv in enumerate(self.framework.incidence_levels, start=1):
            for alias in (lv.code, str(i), lv.name.id, lv.name.en):
                if alias:
                    out.setdefault(column_key(alias), lv.code)
        return out

    # ---- values --------------------------------------------------------------------------

    def check_value(
        self,
        cell: object,
        node: Node | None,
        level_code: str | None,
        row: int,
        column: str,
        region: str | None,
    ) -> float:
        """The cell's number (NaN if blank or wrong), reporting what is wrong with it."""
        parsed = parse_number(cell)
        if parsed is None:
            return math.nan

        def fail(code: IssueCode, message: str, hint: str, **params: Any) -> float:
            self.add(
                code,
                message,
                row=row,
                column=column,
                region_code=region,
                hint=hint,
                params=params,
            )
            if region is not None and node is not None:
                self.bad.add((region, node.code))
            return math.nan

        if isinstance(parsed, str):
            text = cell_text(cell)
            return fail(IssueCode.NOT_NUMERIC, f"{text!r} is not a number", parsed, value=text)
        value = parsed
        if abs(value) > MAX_EXACT:
            return fail(
                IssueCode.OUT_OF_RANGE,
                f"{value:g} is implausibly large (more than {MAX_EXACT})",
                "check the value: an exponent (1e308) or digits pasted together",
                value=value,
                max=MAX_EXACT,
            )
        if node is None:
            return value
        kind = node.input_type
        if kind == "count" and value < 0:
            return fail(
                IssueCode.NEGATIVE_COUNT,
                f"{_fmt(value)} is negative; {node.code} counts incidents",
                "enter 0 or more; leave the cell empty if the count is unknown",
                value=value,
            )
        if kind == "count" and level_code is not None and not value.is_integer():
            return fail(
                IssueCode.NOT_INTEGER,
                f"{_fmt(value)} is not a whole number; {column} counts incidents",
                "enter the number of incidents (0, 1, 2, …); a point is the decimal "
                "separator, so 1.500 means one and a half",
                value=value,
            )
        if kind == "binary" and value not in (0.0, 1.0):
            return fail(
                IssueCode.OUT_OF_RANGE,
                f"{_fmt(value)} is not allowed; {node.code} is a yes/no indicator",
                "enter 1 (ya/yes) or 0 (tidak/no)",
                value=value,
                allowed=[0, 1],
            )
        lo, hi = node.min_value, node.max_value
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            lo_s = _fmt(lo) if lo is not None else "−∞"
            hi_s = _fmt(hi) if hi is not None else "∞"
            unit = f" {node.unit}" if node.unit else ""
            percent = hi == 100 and node.unit is not None and "%" in node.unit
            return fail(
                IssueCode.OUT_OF_RANGE,
                f"{_fmt(value)} is outside the allowed range {lo_s}–{hi_s}{unit} of {node.code}",
                f"enter a value from {lo_s} to {hi_s}"
                + (" (a percentage, not a fraction)" if percent else ""),
                value=value,
                min=lo,
                max=hi,
            )
        if node.plausible_max is not None and value > node.plausible_max:
            return fail(
                IssueCode.OUT_OF_RANGE,
                f"{_fmt(value)} is implausibly large for {node.code} (the framework's limit is "
                f"{_fmt(node.plausible_max)})",
                "check the value (a number pasted into the wrong column, an extra digit); if it "
                f"is right, raise plausible.max of {node.code} in the framework",
                value=value,
                max=node.plausible_max,
            )
        if node.warn_above is not None and value > node.warn_above:
            self.add(
                IssueCode.OUT_OF_RANGE,
                f"{_fmt(value)} is unusually large for {node.code} (more than "
                f"{_fmt(node.warn_above)}); it was accepted",
                severity=Severity.WARNING,
                row=row,
                column=column,
                region_code=region,
                hint="check that the value is right",
                params={"value": value, "warn_above": node.warn_above},
            )
        return value

    # ---- periods and combination ---------------------------------------------------------

    def select_period(
        self, observations: list[_Obs], roles: dict[str, int], periods: list[str]
    ) -> list[_Obs]:
        if "period" not in roles:
            return observations
        col = self.header[roles["period"]]
        if self.period is not None:
            if self.period not in periods:
                self.add(
                    IssueCode.UNKNOWN_PERIOD,
                    f"period {self.period!r} is not in the file; periods found: "
                    + (", ".join(periods) or "none"),
                    column=col,
                    hint=_did_you_mean(self.period, periods) or "choose one of the periods found",
                    params={"period": self.period, "periods": periods},
                )
            return [o for o in observations if o.period == self.period]
        # rows with an empty period cell form a period of their own, "(empty)"
        found = sorted({o.period or "" for o in observations})
        labels = [p or "(empty)" for p in found]
        if len(found) > 1:
            by_indicator: dict[str, set[str | None]] = {}
            for o in observations:
                if self.framework.nodes[o.indicator].input_type != "count":
                    by_indicator.setdefault(o.indicator, set()).add(o.period)
            several = [c for c in self.indicators if len(by_indicator.get(c, ())) > 1]
            self.unreadable.update(several)
            if several:
                self.add(
                    IssueCode.PERIOD_REQUIRED,
                    f"the file holds {len(found)} periods ({', '.join(labels)}) and "
                    + (
                        f"indicator {several[0]} is not a count, so its values"
                        if len(several) == 1
                        else f"indicators {_listing(several)} are not counts, so their values"
                    )
                    + " cannot be added up over periods",
                    column=col,
                    hint="choose one period (period=… / --period …), or upload one period per file",
                    params={"periods": labels, "indicators": several},
                )
        return observations

    def combine(self, observations: list[_Obs], regions: list[str]) -> FloatArray:
        """Indicator values: Σ count × level weight for counts by level; counts are summed
        over periods; empty level cells count 0 when another level of the same row is filled."""
        r_pos = {r: i for i, r in enumerate(regions)}
        c_pos = {c: j for j, c in enumerate(self.indicators)}
        values = np.full((len(regions), len(self.indicators)), np.nan, dtype=np.float64)
        # group: (region, indicator) → period → (direct values, weighted level values)
        cells: dict[
            tuple[str, str], dict[str | None, tuple[list[float], list[float], list[int]]]
        ] = {}
        for o in observations:
            if o.region not in r_pos:
                continue
            slot = cells.setdefault((o.region, o.indicator), {}).setdefault(o.period, ([], [], []))
            if o.level is None:
                slot[0].append(o.value)
            else:
                slot[1].append(o.value * self.level_weights[o.level])
            slot[2].append(o.row)
        for (region, code), by_period in cells.items():
            totals: list[float] = []
            for direct, weighted, rows in by_period.values():
                if direct and weighted:
                    self.bad.add((region, code))
                    self.defer(
                        ("conflict", region, code),
                        rows[0],
                        _Pending(
                            IssueCode.CONFLICTING_VALUES,
                            f"region {region}, indicator {code} has both a value without a "
                            "level of incidence and values per level",
                            "give either the weighted value (incidence_level empty) or the "
                            "counts per level, not both",
                            None,
                            region,
                        ),
                    )
                    continue
                parts = direct or weighted
                filled = [v for v in parts if not math.isnan(v)]
                total = _finite_sum(filled) if filled else math.nan
                totals.append(math.inf if total is None else total)
            filled_totals = [t for t in totals if not math.isnan(t)]
            if not filled_totals:
                continue
            node = self.framework.nodes[code]
            if node.input_type == "count" or len(filled_totals) == 1:
                total = _finite_sum(filled_totals)
                if total is None:
                    self.bad.add((region, code))
                    self.defer(
                        ("overflow", region, code),
                        min(r for *_, rows in by_period.values() for r in rows),
                        _Pending(
                            IssueCode.OUT_OF_RANGE,
                            f"region {region}, indicator {code}: the counts times the level "
                            "weights add up to more than a number can hold",
                            "check the counts of this region and indicator",
                            None,
                            region,
                        ),
                    )
                    continue
                values[r_pos[region], c_pos[code]] = total
        return values

    # ---- summaries -----------------------------------------------------------------------

    def report_missing_values(self, values: FloatArray, regions: list[str], layout: str) -> None:
        if not regions:
            return
        for j, code in enumerate(self.indicators):
            if code in self.unreadable:
                continue
            missing = [
                regions[i]
                for i in np.flatnonzero(np.isnan(values[:, j]))
                if (regions[i], code) not in self.bad
            ]
            if not missing:
                continue
            self.add(
                IssueCode.MISSING_VALUE,
                f"indicator {code} has no value for {len(missing)} of {len(regions)} regions: "
                + _listing(missing),
                severity=Severity.WARNING,
                column=code,
                hint="empty cells are missing values; the imputation step decides what happens "
                "to them (enter 0 if there were no incidents)",
                params={"indicator": code, "regions": missing, "n_missing": len(missing)},
            )

    def report_absent_regions(self, regions: list[str]) -> None:
        expected = self.expected_regions()
        present = set(regions)
        absent = [r for r in expected if r.code not in present]
        if not absent or not present:
            return
        where = f" of {self.province}" if self.province is not None else ""
        self.add(
            IssueCode.MISSING_REGIONS,
            f"{len(absent)} of {len(expected)} {LEVEL_NAMES_ID[self.level]}{where} are not in "
            f"the file, e.g. {_listing([str(r) for r in absent], limit=5)}",
            severity=Severity.WARNING,
            hint="they get no values; add a row for each (the template lists every region)",
            params={"regions": [r.code for r in absent], "n_absent": len(absent)},
        )


# --------------------------------------------------------------------------- generic units


class _UnitChecker(_TableChecker):
    """Units that are not Kemendagri regions (``regions=None``): any unique, non-empty code.

    COINr's iData names are understood: ``uCode`` (code), ``uName`` (name), ``Time`` (period);
    its ``*_group`` columns describe the units and are left aside, and the one named by
    ``group`` gives each unit's group (for group imputation). Empty and duplicate codes remain
    errors, reported with row, column and hint as for regions."""

    aliases: dict[str, tuple[str, ...]] = {
        **COLUMN_ALIASES,
        "region_code": (*COLUMN_ALIASES["region_code"], "ucode", "unit_code"),
        "region_name": (*COLUMN_ALIASES["region_name"], "uname", "unit_name"),
        "period": (*COLUMN_ALIASES["period"], "time"),
    }

    def init_regions(
        self, region_level: str, registry: RegionRegistry, province: str | None
    ) -> None:
        self.level = 0
        self.level_label = f"unit ({region_level})"
        self.province = None
        self.names: dict[str, str] = {}
        self.groups: dict[str, str] = {}
        self.order: list[str] = []

    def find_roles(self) -> dict[str, int]:
        roles = super().find_roles()
        keys = [column_key(h) for h in self.header]
        self.aside = {
            j for j, k in enumerate(keys) if k.endswith("_group") and j not in roles.values()
        }
        if self.group is not None:
            if column_key(self.group) in keys:
                self.aside.add(keys.index(column_key(self.group)))
            else:
                self.add(
                    IssueCode.MISSING_COLUMN,
                    f"the group column {self.group!r} is missing",
                    column=self.group,
                    hint=_did_you_mean(self.group, self.header)
                    or "group columns here: "
                    + (_listing([self.header[j] for j in sorted(self.aside)]) or "none"),
                )
                self.group = None
        return roles

    def check_regions(self, roles: dict[str, int], layout: str) -> dict[int, str]:
        out = super().check_regions(roles, layout)
        keys = [column_key(h) for h in self.header]
        by_row = dict(zip(self.rows, range(len(self.rows)), strict=True))
        for row, code in out.items():
            i = by_row[row]
            if "region_name" in roles and code not in self.names:
                self.names[code] = cell_text(self.frame.iloc[i, roles["region_name"]])
            if self.group is not None and code not in self.groups:
                j = keys.index(column_key(self.group))
                self.groups[code] = cell_text(self.frame.iloc[i, j])
        self.order = list(dict.fromkeys(out.values()))
        return out

    def resolve(
        self, text: str, name: str, cell: object, column: str
    ) -> tuple[str | None, _Pending | None]:
        if not text:
            return None, self._problem(
                IssueCode.MALFORMED_REGION_CODE,
                "the unit code is empty",
                "fill in the unit's code (any text, one row per unit)",
                column,
            )
        return text, None

    def present_regions(self, row_regions: dict[int, str]) -> list[str]:
        return list(self.order)

    def group_of(self, code: str) -> str:
        return self.groups.get(code, "")

    def region_name(self, code: str) -> str:
        return self.names.get(code, "")

    def report_absent_regions(self, regions: list[str]) -> None:
        return  # generic units have no code list to be complete against
