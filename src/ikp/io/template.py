"""The data-entry template: an XLSX workbook (or a CSV) that :func:`ikp.io.load_data` reads back.

:func:`write_template` writes three sheets:

* ``data`` — header row of machine codes (``region_code``, ``region_name``, then
  ``I01_L1`` … ``I01_L3`` for indicators of input type ``count`` and ``I05`` for the others),
  one row per region with code and name filled in, frozen panes, a comment on each indicator
  header (Indonesian and English name, type, unit) and cell validation with an error message in
  Bahasa Indonesia;
* ``petunjuk`` — instructions, in Bahasa Indonesia then English;
* ``indikator`` — the indicator list: code, names, place in the tree, type, unit, range.

Reading an untouched template gives no errors (only one missing-value warning per indicator).
A ``.csv`` path writes the ``data`` sheet only.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ikp import SYNTHETIC_LABEL, SYNTHETIC_LABEL_EN
from ikp.dataset import Dataset
from ikp.framework import Framework, Node, load_framework
from ikp.io.cells import safe_text
from ikp.io.readers import default_registry
from ikp.regions import LEVEL_NAMES_ID, Region, RegionRegistry, normalize_code
from ikp.validation.tables import (
    CLEAR_MARKER,
    COLUMN_ALIASES,
    REGION_LEVELS,
    column_key,
    is_synthetic_marker,
)

__all__ = ["TemplateColumn", "template_columns", "write_template"]

DATA_SHEET = "data"
HELP_SHEET = "petunjuk"
#: added to every cell-validation message (the marker is text in a number column)
CLEAR_HINT = f"Untuk menghapus nilai yang tersimpan di platform, tulis {CLEAR_MARKER}."
INDICATOR_SHEET = "indikator"

TYPE_NAMES: dict[str, tuple[str, str]] = {
    "count": ("jumlah kejadian", "count of incidents"),
    "rate": ("persentase/rasio", "rate or share"),
    "binary": ("ya/tidak (1/0)", "yes/no (1/0)"),
    "score": ("skor", "score"),
}


@dataclass(frozen=True)
class TemplateColumn:
    """One column of the ``data`` sheet."""

    header: str
    indicator: str | None = None
    level: str | None = None  # incidence level code, for count columns by level


def _fw(framework: Framework | str) -> Framework:
    return framework if isinstance(framework, Framework) else load_framework(framework)


def template_columns(
    framework: Framework | str,
    *,
    direct: Sequence[str] = (),
    synthetic: bool = False,
) -> list[TemplateColumn]:
    """The columns of the ``data`` sheet. Count indicators get one column per level of
    incidence unless listed in ``direct`` (then one column holding the weighted value)."""
    fw = _fw(framework)
    cols = [TemplateColumn("region_code"), TemplateColumn("region_name")]
    if synthetic:
        cols.append(TemplateColumn("synthetic"))
    levels = [lv.code for lv in fw.incidence_levels]
    for code in fw.indicators:
        node = fw.nodes[code]
        if node.input_type == "count" and levels and code not in direct:
            cols.extend(TemplateColumn(f"{code}_{lv}", code, lv) for lv in levels)
        else:
            cols.append(TemplateColumn(code, code))
    return cols


# --------------------------------------------------------------------------- prefill


def _prefill_frame(prefill: Dataset | pd.DataFrame) -> pd.DataFrame:
    frame = prefill.to_frame() if isinstance(prefill, Dataset) else prefill.copy()
    keys = {column_key(c): c for c in frame.columns}
    code_col = next((keys[a] for a in COLUMN_ALIASES["region_code"] if a in keys), None)
    if code_col is not None:
        frame = frame.set_index(code_col)
    frame.index = pd.Index([normalize_code(str(c)) for c in frame.index], name="region_code")
    if frame.index.has_duplicates:
        dup = sorted(set(frame.index[frame.index.duplicated()]))
        raise ValueError(f"prefill has duplicate region codes: {', '.join(dup)}")
    return frame


def _prefill_plan(
    fw: Framework, frame: pd.DataFrame | None
) -> tuple[list[str], dict[str, Any], bool]:
    """Which count indicators the prefill gives as weighted values (``direct``), the prefill
    column for each template header, and whether the prefill is marked synthetic."""
    if frame is None:
        return [], {}, False
    keys = {column_key(c): c for c in frame.columns}
    levels = [lv.code for lv in fw.incidence_levels]
    direct: list[str] = []
    source: dict[str, Any] = {}
    for code in fw.indicators:
        node = fw.nodes[code]
        by_level = {lv: keys.get(column_key(f"{code}_{lv}")) for lv in levels}
        if node.input_type == "count" and levels and all(by_level.values()):
            for lv, col in by_level.items():
                source[f"{code}_{lv}"] = col
        elif column_key(code) in keys:
            source[code] = keys[column_key(code)]
            if node.input_type == "count" and levels:
                direct.append(code)
    syn_col = next((keys[a] for a in COLUMN_ALIASES["synthetic"] if a in keys), None)
    synthetic = syn_col is not None and any(is_synthetic_marker(v) for v in frame[syn_col])
    name_col = next((keys[a] for a in COLUMN_ALIASES["region_name"] if a in keys), None)
    if name_col is not None:
        source["region_name"] = name_col
    return direct, source, synthetic


def _template_regions(
    registry: RegionRegistry, region_level: str, province: str | None
) -> list[Region]:
    level = REGION_LEVELS[region_level]
    if level > 2:
        raise ValueError("templates are written for provinces and kabupaten/kota")
    if province is None:
        return registry.at_level(level)
    prov = registry.get(province)
    if prov.level != 1:
        raise ValueError(f"province must be a province code; {prov} is not a province")
    return [prov] if level == 1 else registry.regencies(prov.code)


def _number(value: Any) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _cell_value(value: float) -> int | float:
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


# --------------------------------------------------------------------------- writer


def write_template(
    framework: Framework | str,
    region_level: str,
    path: str | Path,
    *,
    registry: RegionRegistry | None = None,
    province: str | None = None,
    prefill: Dataset | pd.DataFrame | None = None,
    lang: str = "id",
    synthetic: bool = False,
) -> Path:
    """Write the data-entry template for ``framework`` at ``region_level`` to ``path``
    (``.xlsx``, or ``.csv`` for the data sheet only) and return the path.

    One row per region of the level (all of them, or the kab/kota of ``province``).
    ``prefill`` (a :class:`~ikp.dataset.Dataset` or a DataFrame indexed by, or with a column,
    ``region_code``) fills values in: columns ``I01_L1`` … give counts per level, a column
    ``I01`` gives the weighted value (the template then has the single column ``I01``).
    ``synthetic=True`` (or a prefill with a filled ``synthetic`` column) adds the ``synthetic``
    column marking the file as synthetic data (docs/data-input.md). ``lang`` ("id" or "en")
    picks the language shown first in comments and the indicator sheet."""
    fw = _fw(framework)
    if region_level not in REGION_LEVELS:
        raise ValueError(
            f"region_level must be one of {sorted(REGION_LEVELS)}; got {region_level!r}"
        )
    if region_level not in fw.region_levels:
        raise ValueError(f"framework {fw.id} has no region level {region_level!r}")
    if lang not in ("id", "en"):
        raise ValueError(f"lang must be 'id' or 'en'; got {lang!r}")
    reg = registry if registry is not None else default_registry()
    regions = _template_regions(reg, region_level, province)
    frame = _prefill_frame(prefill) if prefill is not None else None
    direct, sources, prefill_synthetic = _prefill_plan(fw, frame)
    synthetic = synthetic or prefill_synthetic
    if frame is not None:
        wanted = {r.code for r in regions}
        extra = [c for c in frame.index if c not in wanted]
        if extra:
            raise ValueError(
                f"prefill has regions that are not in the template ({LEVEL_NAMES_ID[REGION_LEVELS[region_level]]}"
                + (f" of province {province}" if province else "")
                + f"): {', '.join(extra[:8])}"
            )
    columns = template_columns(fw, direct=direct, synthetic=synthetic)
    rows = _rows(regions, columns, frame, sources, synthetic)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".csv":
        _write_csv(out, columns, rows)
    elif out.suffix.lower() in (".xlsx", ".xlsm"):
        _write_xlsx(out, fw, region_level, province, columns, rows, reg, lang, synthetic)
    else:
        raise ValueError(f"write the template as .xlsx or .csv, not {out.suffix!r}")
    return out


def _rows(
    regions: list[Region],
    columns: list[TemplateColumn],
    frame: pd.DataFrame | None,
    sources: dict[str, Any],
    synthetic: bool,
) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for region in regions:
        row: list[Any] = []
        given = frame.loc[region.code] if frame is not None and region.code in frame.index else None
        for col in columns:
            if col.header == "region_code":
                row.append(region.code)
            elif col.header == "region_name":
                row.append(region.name)
            elif col.header == "synthetic":
                row.append(SYNTHETIC_LABEL if synthetic else None)
            elif given is not None and col.header in sources:
                number = _number(given[sources[col.header]])
                row.append(None if number is None else _cell_value(number))
            else:
                row.append(None)
        rows.append(row)
    return rows


def _write_csv(path: Path, columns: list[TemplateColumn], rows: list[list[Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.header for c in columns])
        for row in rows:
            writer.writerow(
                [
                    "" if v is None else (repr(v) if isinstance(v, float) else safe_text(v))
                    for v in row
                ]
            )


def _names(node: Node, lang: str) -> tuple[str, str]:
    first, second = (node.name_id, node.name_en) if lang == "id" else (node.name_en, node.name_id)
    return first, second


def _header_comment(fw: Framework, col: TemplateColumn, lang: str) -> str | None:
    if col.header == "region_code":
        return "Kode wilayah Kemendagri (jangan diubah).\nRegion code (Kemendagri); do not change."
    if col.header == "region_name":
        return "Nama wilayah (hanya sebagai keterangan).\nRegion name (for reference only)."
    if col.header == "synthetic":
        return f"{SYNTHETIC_LABEL}\n{SYNTHETIC_LABEL_EN}"
    if col.indicator is None:
        return None
    node = fw.nodes[col.indicator]
    first, second = _names(node, lang)
    kind = node.input_type or "score"
    type_id, type_en = TYPE_NAMES.get(kind, (kind, kind))
    lines = [f"{node.code}: {first}", f"({second})"]
    if col.level is not None:
        lv = next(lv for lv in fw.incidence_levels if lv.code == col.level)
        lines.append(
            f"Jumlah kejadian tingkat {lv.name.id} ({lv.code}, bobot {lv.weight:g}) / "
            f"number of incidents at level {lv.name.en} (weight {lv.weight:g})"
        )
    elif kind == "count":
        lines.append("Nilai tertimbang: Σ jumlah × bobot / weighted value: Σ count × weight")
    lines.append(f"Tipe / type: {type_id} / {type_en}")
    if node.unit:
        lines.append(f"Satuan / unit: {node.unit}")
    if node.min_value is not None or node.max_value is not None:
        if node.max_value is None:
            lines.append(f"Rentang / range: ≥ {node.min_value:g}")
        elif node.min_value is None:
            lines.append(f"Rentang / range: ≤ {node.max_value:g}")
        else:
            lines.append(f"Rentang / range: {node.min_value:g}–{node.max_value:g}")
    return "\n".join(lines)


def _validation_rule(node: Node, level: str | None) -> tuple[str, str, str | None, str | None, str]:
    """(type, operator, formula1, formula2, message) for one indicator column."""
    kind = node.input_type
    lo, hi = node.min_value, node.max_value
    if kind == "binary":
        return "list", "", '"0,1"', None, "Isikan 1 (ya) atau 0 (tidak), atau kosongkan sel."
    if kind == "count" and level is not None:
        return (
            "whole",
            "greaterThanOrEqual",
            "0",
            None,
            "Isikan jumlah kejadian: bilangan bulat 0 atau lebih. Kosongkan sel jika data tidak "
            "tersedia.",
        )
    if kind == "count" and lo is None:
        lo = 0.0
    if lo is not None and hi is not None:
        return (
            "decimal",
            "between",
            f"{lo:g}",
            f"{hi:g}",
            f"Isikan angka antara {lo:g} dan {hi:g}. Kosongkan sel jika data tidak tersedia.",
        )
    if lo is not None:
        return (
            "decimal",
            "greaterThanOrEqual",
            f"{lo:g}",
            None,
            f"Isikan angka {lo:g} atau lebih. Kosongkan sel jika data tidak tersedia.",
        )
    if hi is not None:
        return (
            "decimal",
            "lessThanOrEqual",
            f"{hi:g}",
            None,
            f"Isikan angka {hi:g} atau kurang. Kosongkan sel jika data tidak tersedia.",
        )
    return (
        "decimal",
        "between",
        "-1E+300",
        "1E+300",
        "Isikan angka. Kosongkan sel jika data tidak tersedia.",
    )


def _write_xlsx(
    path: Path,
    fw: Framework,
    region_level: str,
    province: str | None,
    columns: list[TemplateColumn],
    rows: list[list[Any]],
    registry: RegionRegistry,
    lang: str,
    synthetic: bool,
) -> None:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    meta_fill = PatternFill("solid", fgColor="EDEDED")
    ws.append([c.header for c in columns])
    for row in rows:
        ws.append([safe_text(v) for v in row])
    n_last = len(rows) + 1
    for j, col in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=j)
        cell.font = bold
        cell.fill = head_fill if col.indicator else meta_fill
        text = _header_comment(fw, col, lang)
        if text:
            comment = Comment(text, "ikp")
            comment.width = 320
            comment.height = 150
            cell.comment = comment
        letter = get_column_letter(j)
        width = {"region_code": 12, "region_name": 38, "synthetic": 34}.get(col.header, 10)
        ws.column_dimensions[letter].width = width
    for i in range(2, n_last + 1):
        ws.cell(row=i, column=1).number_format = "@"
    n_meta = sum(1 for c in columns if c.indicator is None)
    ws.freeze_panes = ws.cell(row=2, column=n_meta + 1).coordinate

    # one DataValidation per distinct rule, covering all its columns
    rules: dict[tuple[str, str, str | None, str | None, str], list[str]] = {}
    for j, col in enumerate(columns, start=1):
        if col.indicator is None or n_last < 2:
            continue
        rule = _validation_rule(fw.nodes[col.indicator], col.level)
        letter = get_column_letter(j)
        rules.setdefault(rule, []).append(f"{letter}2:{letter}{n_last}")
    for (kind, operator, f1, f2, message), ranges in rules.items():
        dv = DataValidation(
            type=kind,
            operator=operator or None,
            formula1=f1,
            formula2=f2,
            allow_blank=True,
            showErrorMessage=True,
            # a warning, not a stop: the clear marker (text) must be enterable in a number cell
            errorStyle="warning",
            errorTitle="Nilai tidak valid",
            error=f"{message} {CLEAR_HINT}",
            showInputMessage=False,
        )
        for rng in ranges:
            dv.add(rng)
        ws.add_data_validation(dv)

    _help_sheet(
        wb.create_sheet(HELP_SHEET),
        fw,
        region_level,
        province,
        columns,
        registry,
        synthetic,
        len(rows),
    )
    _indicator_sheet(wb.create_sheet(INDICATOR_SHEET), fw, columns, lang)
    for sheet in (wb[HELP_SHEET], wb[INDICATOR_SHEET]):
        for cell in sheet[1]:
            cell.font = bold
        for row_cells in sheet.iter_rows():
            for cell in row_cells:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    wb.properties.title = f"{fw.name_id} — template data"
    wb.properties.creator = "ikp"
    wb.save(path)


def _help_lines(
    fw: Framework,
    region_level: str,
    province: str | None,
    columns: list[TemplateColumn],
    registry: RegionRegistry,
    synthetic: bool,
    n_rows: int,
) -> list[str]:
    """The instructions: Bahasa Indonesia first, then English."""
    level = REGION_LEVELS[region_level]
    level_id = LEVEL_NAMES_ID[level]
    prov = registry.get(province) if province is not None else None
    scope_id = f"semua {level_id}" if prov is None else f"{level_id} di {prov}"
    scope_en = (
        f"every {level_id} ({region_level})"
        if prov is None
        else f"the {level_id} ({region_level}) of {prov}"
    )
    edition = registry.edition_info.label
    levels = fw.incidence_levels
    count_example = next((c.header for c in columns if c.level is not None), None)
    other_example = next((c.header for c in columns if c.indicator and c.level is None), None)

    items_id = [
        f"Sheet 'data' berisi satu baris untuk setiap wilayah ({scope_id}: {n_rows} baris; kode "
        f"wilayah {edition}). Isi nilai pada sheet 'data' saja.",
        "JANGAN mengubah, menghapus atau menambah nama kolom pada baris judul (baris 1). Jangan "
        "mengubah kode wilayah (kolom region_code). Urutan baris boleh diubah.",
        "region_code: kode wilayah Kemendagri (mis. 32.04). region_name: nama wilayah, hanya "
        "sebagai keterangan (diperiksa, tidak dipakai dalam perhitungan).",
    ]
    items_en = [
        f"Sheet 'data' has one row per region ({scope_en}: {n_rows} rows; region codes of "
        f"{edition}). Enter values on sheet 'data' only.",
        "Do NOT rename, delete or add header cells (row 1). Do not change the region codes "
        "(column region_code). Rows may be re-ordered.",
        "region_code: the Kemendagri region code (e.g. 32.04). region_name: for reference only "
        "(checked, not used in the computation).",
    ]
    if count_example and levels:
        weights_id = "; ".join(f"{lv.code} = {lv.name.id} (bobot {lv.weight:g})" for lv in levels)
        weights_en = "; ".join(f"{lv.code} = {lv.name.en} (weight {lv.weight:g})" for lv in levels)
        a, b = levels[0], levels[-1]
        items_id.append(
            "Indikator bertipe jumlah kejadian punya satu kolom per tingkat kejadian, misalnya "
            f"{count_example}: isikan BANYAKNYA KEJADIAN pada tingkat itu (bilangan bulat 0 atau "
            f"lebih). Tingkat kejadian: {weights_id} (bobot dari kerangka {fw.id}). Nilai "
            "indikator = Σ (jumlah kejadian × bobot tingkat kejadian); contoh: 2 kejadian "
            f"tingkat {a.code} dan 1 kejadian tingkat {b.code} → 2×{a.weight:g} + 1×{b.weight:g} "
            f"= {2 * a.weight + b.weight:g}."
        )
        items_en.append(
            "Indicators of type count have one column per level of incidence (tingkat "
            f"kejadian), e.g. {count_example}: enter the NUMBER OF INCIDENTS at that level (a "
            f"whole number, 0 or more). Levels: {weights_en} (weights from framework {fw.id}). "
            "Indicator value = Σ (count × level weight)."
        )
    if other_example:
        items_id.append(
            f"Indikator lain (mis. {other_example}) punya satu kolom: isikan nilainya sesuai tipe "
            "dan rentang pada sheet 'indikator' (1/0 untuk ya/tidak)."
        )
        items_en.append(
            f"Other indicators (e.g. {other_example}) have one column: enter the value in the "
            "type and range given on sheet 'indikator' (1/0 for yes/no)."
        )
    items_id += [
        "Sel kosong berarti data tidak tersedia (nilai hilang); nilai hilang ditangani pada "
        "langkah imputasi sesuai metodologi. Jika tidak ada kejadian, isikan 0, jangan "
        "dikosongkan. Jika salah satu tingkat kejadian suatu indikator diisi, tingkat lain yang "
        "kosong dihitung 0.",
        f"Unggah ke platform web IKP: sel kosong TIDAK mengubah nilai yang sudah tersimpan. "
        f"Untuk menghapus nilai yang tersimpan, tulis {CLEAR_MARKER} (atau CLEAR, huruf besar "
        f"atau kecil) di sel itu. Sebelum disimpan, platform menampilkan ringkasan nilai yang "
        f"berubah, dihapus, tetap dan baru untuk dikonfirmasi. Di luar platform (mis. 'ikp "
        f"validate') {CLEAR_MARKER} dibaca sama dengan sel kosong.",
        "Angka desimal: di Excel ketik seperti biasa. Pada file CSV gunakan titik (1.5); koma "
        "desimal (1,5) diterima bila tidak rancu (1,500 ditolak).",
        f"Data sintetis (bukan data Bawaslu) ditandai dengan kolom 'synthetic' yang berisi "
        f"'{SYNTHETIC_LABEL}'. Jangan menambahkan kolom itu pada data asli.",
        "Simpan sebagai .xlsx (sheet 'data') atau sebagai 'CSV UTF-8'. Semua kesalahan "
        "dilaporkan sekaligus, lengkap dengan nomor baris dan nama kolom.",
    ]
    items_en += [
        "An empty cell means the value is not available (missing); the imputation step of the "
        "methodology decides what happens to it. If there were no incidents, enter 0. When one "
        "level of an indicator is filled in, its empty levels count as 0.",
        f"Uploading to the IKP web platform: an empty cell does NOT change a value already "
        f"stored. To clear a stored value, write {CLEAR_MARKER} (or CLEAR, any case) in the "
        f"cell. Before saving, the platform shows a summary of the values changed, cleared, "
        f"unchanged and new, to be confirmed. Outside the platform (e.g. 'ikp validate') "
        f"{CLEAR_MARKER} reads as an empty cell.",
        "Decimals: type them normally in Excel. In a CSV file use a point (1.5); a decimal comma "
        "(1,5) is accepted when unambiguous (1,500 is rejected).",
        f"Synthetic (non-Bawaslu) data is marked by a 'synthetic' column holding "
        f"'{SYNTHETIC_LABEL}'. Never add that column to real data.",
        "Save as .xlsx (sheet 'data') or as 'CSV UTF-8'. All problems are reported at once, with "
        "row numbers and column names.",
    ]
    lines = [f"PETUNJUK PENGISIAN — {fw.name_id} (kerangka {fw.id}, versi {fw.version})", ""]
    if synthetic:
        lines += [f"PERHATIAN: {SYNTHETIC_LABEL}.", ""]
    lines += [f"{i}. {text}" for i, text in enumerate(items_id, start=1)]
    lines += ["", f"INSTRUCTIONS — {fw.name_en} (framework {fw.id}, version {fw.version})", ""]
    if synthetic:
        lines += [f"NOTE: {SYNTHETIC_LABEL_EN}.", ""]
    lines += [f"{i}. {text}" for i, text in enumerate(items_en, start=1)]
    return lines


def _help_sheet(
    ws: Any,
    fw: Framework,
    region_level: str,
    province: str | None,
    columns: list[TemplateColumn],
    registry: RegionRegistry,
    synthetic: bool,
    n_rows: int,
) -> None:
    ws.column_dimensions["A"].width = 110
    ws.append(["Petunjuk / Instructions"])
    for line in _help_lines(fw, region_level, province, columns, registry, synthetic, n_rows):
        ws.append([safe_text(line)])
    if fw.incidence_levels:
        ws.append([""])
        ws.append(["Tingkat kejadian / levels of incidence", "nama", "name", "bobot / weight"])
        for lv in fw.incidence_levels:
            ws.append([safe_text(v) for v in (lv.code, lv.name.id, lv.name.en, lv.weight)])
        for letter in "BCD":
            ws.column_dimensions[letter].width = 14


def _indicator_sheet(ws: Any, fw: Framework, columns: list[TemplateColumn], lang: str) -> None:
    group_levels = list(range(2, fw.n_levels))
    name_cols = (
        ["nama_indikator", "indicator_name"]
        if lang == "id"
        else ["indicator_name", "nama_indikator"]
    )
    header = [
        "kode",
        *name_cols,
        *[f"{fw.level_name(lv, 'id')} / {fw.level_name(lv, 'en')}" for lv in group_levels],
        "tipe / type",
        "satuan / unit",
        "min",
        "maks / max",
        "arah / direction",
        "kolom di sheet data / columns",
    ]
    ws.append(header)
    by_indicator: dict[str, list[str]] = {}
    for col in columns:
        if col.indicator:
            by_indicator.setdefault(col.indicator, []).append(col.header)
    for code in fw.indicators:
        node = fw.nodes[code]
        first, second = _names(node, lang)
        ancestors = {fw.nodes[a].level: fw.nodes[a] for a in fw.ancestors(code)}
        groups = [
            f"{ancestors[lv].code} {ancestors[lv].name(lang)}" if lv in ancestors else ""
            for lv in group_levels
        ]
        kind = node.input_type or "score"
        type_id, type_en = TYPE_NAMES.get(kind, (kind, kind))
        ws.append(
            [
                safe_text(v)
                for v in (
                    code,
                    first,
                    second,
                    *groups,
                    f"{kind}: {type_id} / {type_en}",
                    node.unit or "",
                    node.min_value,
                    node.max_value,
                    node.direction,
                    ", ".join(by_indicator.get(code, [])),
                )
            ]
        )
    widths = [8, 48, 48, *([30] * len(group_levels)), 30, 18, 6, 8, 10, 28]
    from openpyxl.utils import get_column_letter

    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = "B2"
