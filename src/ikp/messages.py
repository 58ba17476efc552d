"""Issue messages in Bahasa Indonesia and English, written once, keyed by the issue code.

Every :class:`~ikp.issues.IssueCode` has a message key (``issue.<CODE>``), a short title in
both languages and, where the validators pass the needed ``params``, a sentence template in both
languages filled from the issue's params and location (``{value}``, ``{min}``, ``{max}``,
``{indicator}``, ``{n_missing}``, ``{n_rows}``, ``{column}``, ``{region_code}`` …). An issue
whose params do not fill its template (or whose code has none) gets the title followed by the
validator's own English message, so no detail is lost. The validators' own ``message`` (English,
with every detail such as the list of regions) is kept as it was; ``ikp validate`` shows the
sentence in the chosen language and ``--format json`` carries both (``message_id``,
``message_en``) next to ``message_key`` and ``params``.

The web platform translates the same titles through gettext
(``ikp_web.apps.submissions.queries.ISSUE_TITLES``); a web test keeps the two in step.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

LANGS = ("id", "en")


class IssueText(NamedTuple):
    title_id: str
    title_en: str
    detail_id: str | None = None
    detail_en: str | None = None


TEXTS: dict[str, IssueText] = {
    # framework files
    "SCHEMA": IssueText("Berkas kerangka tidak sesuai skema", "Framework file breaks the schema"),
    "DUPLICATE_CODE": IssueText(
        "Kode ganda di kerangka",
        "Duplicate code in the framework",
        "kode {node_code} muncul lebih dari sekali",
        "code {node_code} appears more than once",
    ),
    "UNKNOWN_PARENT": IssueText(
        "Induk tidak dikenal",
        "Unknown parent",
        "induk dari {node_code} tidak ada di kerangka",
        "the parent of {node_code} is not in the framework",
    ),
    "AGGREGATE_WITHOUT_CHILDREN": IssueText(
        "Agregat tanpa anak",
        "Aggregate without children",
        "{node_code} tidak punya anak",
        "{node_code} has no children",
    ),
    "BAD_WEIGHT": IssueText("Bobot tidak valid", "Invalid weight"),
    "BAD_DIRECTION": IssueText("Arah tidak valid (harus +1 atau −1)", "Direction not +1 or −1"),
    "SKIPPED_LEVEL": IssueText("Tingkat terlewati", "Skipped level"),
    "MULTIPLE_ROOTS": IssueText("Lebih dari satu akar", "More than one root"),
    "CYCLE": IssueText("Siklus di pohon kerangka", "Cycle in the framework tree"),
    "BAD_METHOD": IssueText("Metode tidak dikenal", "Unknown method"),
    "BAD_CUTOFFS": IssueText("Batas kelas tidak valid", "Invalid class cut-offs"),
    "BAD_AHP_MATRIX": IssueText("Matriks AHP tidak valid", "Invalid AHP matrix"),
    "AHP_INCONSISTENT": IssueText("Matriks AHP tidak konsisten", "Inconsistent AHP matrix"),
    # data files
    "FILE_UNREADABLE": IssueText("File tidak dapat dibaca", "File cannot be read"),
    "NOT_UTF8": IssueText("File CSV bukan UTF-8", "CSV file is not UTF-8"),
    "RAGGED_ROW": IssueText(
        "Jumlah sel per baris tidak sama", "Rows have different numbers of cells"
    ),
    "MERGED_CELLS": IssueText("Sel digabung (merge)", "Merged cells"),
    "WRONG_SHEET": IssueText("Sheet 'data' tidak ditemukan", "Sheet 'data' not found"),
    "EMPTY_FILE": IssueText("File kosong", "Empty file"),
    "MISSING_COLUMN": IssueText(
        "Kolom tidak ada",
        "Missing column",
        "kolom untuk indikator {indicator} tidak ada",
        "no column for indicator {indicator}",
    ),
    "UNKNOWN_COLUMN": IssueText(
        "Kolom tidak dikenal",
        "Unknown column",
        "kolom {column!r} tidak dikenal",
        "column {column!r} is not known",
    ),
    "DUPLICATE_COLUMN": IssueText(
        "Kolom ganda",
        "Duplicate column",
        "kolom {columns} mengisi peran yang sama",
        "columns {columns} play the same part",
    ),
    "MALFORMED_REGION_CODE": IssueText(
        "Kode wilayah tidak valid",
        "Malformed region code",
        "{value!r} bukan kode wilayah yang valid",
        "{value!r} is not a valid region code",
    ),
    "UNKNOWN_REGION_CODE": IssueText(
        "Kode wilayah tidak dikenal",
        "Unknown region code",
        "{region_code} tidak ada di daftar kode wilayah",
        "{region_code} is not in the region code list",
    ),
    "WRONG_REGION_LEVEL": IssueText(
        "Tingkat wilayah salah",
        "Wrong region level",
        "{region_code} bukan kode tingkat wilayah berkas ini",
        "{region_code} is not a code of this file's region level",
    ),
    "OUTSIDE_JURISDICTION": IssueText(
        "Wilayah di luar kewenangan unggahan ini",
        "Region outside this upload's jurisdiction",
        "{region_code} di luar provinsi {province}",
        "{region_code} lies outside province {province}",
    ),
    "REGION_NAME_MISMATCH": IssueText(
        "Nama wilayah tidak cocok dengan kodenya",
        "Region name does not match its code",
        "kode {region_code} adalah {expected!r}, tetapi berkas menamainya {given!r}",
        "code {region_code} is {expected!r}, but the file names it {given!r}",
    ),
    "DUPLICATE_REGION_CODE": IssueText(
        "Kode wilayah muncul lebih dari sekali",
        "Region code appears more than once",
        "kode wilayah {region_code} muncul di {n_rows} baris",
        "region code {region_code} appears on {n_rows} rows",
    ),
    "DUPLICATE_ROW": IssueText(
        "Baris ganda",
        "Duplicate row",
        "baris ganda untuk {region_code} ({n_rows} baris)",
        "duplicate row for {region_code} ({n_rows} rows)",
    ),
    "UNKNOWN_INDICATOR": IssueText(
        "Indikator tidak dikenal",
        "Unknown indicator",
        "{value!r} bukan indikator kerangka ini",
        "{value!r} is not an indicator of this framework",
    ),
    "UNKNOWN_INCIDENCE_LEVEL": IssueText(
        "Tingkat kejadian tidak dikenal",
        "Unknown incidence level",
        "tingkat kejadian {level!r} tidak dikenal untuk {indicator}",
        "incidence level {level!r} is not known for {indicator}",
    ),
    "NOT_NUMERIC": IssueText(
        "Bukan angka", "Not a number", "{value!r} bukan angka", "{value!r} is not a number"
    ),
    "NOT_INTEGER": IssueText(
        "Jumlah kejadian bukan bilangan bulat",
        "Incident count is not a whole number",
        "{value} bukan bilangan bulat",
        "{value} is not a whole number",
    ),
    "NEGATIVE_COUNT": IssueText(
        "Jumlah kejadian negatif",
        "Negative incident count",
        "{value} negatif; jumlah kejadian tidak boleh negatif",
        "{value} is negative; incident counts cannot be",
    ),
    "OUT_OF_RANGE": IssueText(
        "Nilai di luar rentang",
        "Value out of range",
        "{value} di luar rentang {min}–{max}",
        "{value} is outside the range {min}–{max}",
    ),
    "CONFLICTING_VALUES": IssueText("Nilai yang saling bertentangan", "Conflicting values"),
    "PERIOD_REQUIRED": IssueText(
        "Periode harus dipilih",
        "A period must be chosen",
        "berkas memuat beberapa periode ({periods}); pilih satu dengan --period",
        "the file holds several periods ({periods}); choose one with --period",
    ),
    "UNKNOWN_PERIOD": IssueText(
        "Periode tidak ada di file",
        "Period not in the file",
        "periode {period!r} tidak ada di berkas (ada: {periods})",
        "period {period!r} is not in the file (it has: {periods})",
    ),
    "MISSING_VALUE": IssueText(
        "Nilai kosong",
        "Missing value",
        "indikator {indicator} tidak bernilai untuk {n_missing} wilayah",
        "indicator {indicator} has no value for {n_missing} regions",
    ),
    "MISSING_REGIONS": IssueText(
        "Wilayah tidak ada di file",
        "Regions missing from the file",
        "{n_absent} wilayah tidak ada di berkas",
        "{n_absent} regions are not in the file",
    ),
    "RECIPE_MISMATCH": IssueText("Resep tidak cocok dengan data", "Recipe does not match the data"),
    # TPS checklists (ikp.tps)
    "MALFORMED_TPS_CODE": IssueText(
        "Kode TPS tidak valid",
        "Malformed TPS code",
        "kode TPS {value!r} bukan 13 digit",
        "TPS code {value!r} is not 13 digits",
    ),
    "BAD_TPS_NUMBER": IssueText(
        "Nomor TPS tidak valid",
        "Invalid TPS number",
        "nomor TPS {value!r} tidak valid (001–999, sama dengan 3 digit terakhir kode TPS)",
        "TPS number {value!r} is not valid (001–999, the last 3 digits of the TPS code)",
    ),
    "TPS_VILLAGE_MISMATCH": IssueText(
        "Kode TPS tidak cocok dengan desanya",
        "TPS code does not match its village",
        "kode TPS {value} tidak diawali kode desanya",
        "TPS code {value} does not start with its village code",
    ),
    "DUPLICATE_TPS_CODE": IssueText(
        "Kode TPS muncul lebih dari sekali",
        "Duplicate TPS code",
        "kode TPS {value} muncul di {count} baris",
        "TPS code {value} appears on {count} rows",
    ),
    "BAD_CHECK_VALUE": IssueText(
        "Isian bukan ya/tidak",
        "Not a yes/no answer",
        "{value!r} di kolom {column} bukan ya/tidak",
        "{value!r} in column {column} is not a yes/no answer",
    ),
    # incident reports (ikp.incidents)
    "INVALID_DATE": IssueText("Waktu tidak dapat dibaca", "Date or time cannot be read"),
    "REGION_NOT_IN_PARENT": IssueText(
        "Wilayah tidak berada di wilayah induknya", "Region is not inside its parent region"
    ),
    "UNKNOWN_REGION_NAME": IssueText(
        "Nama wilayah tidak dikenal di wilayah induknya", "Region name not found in its parent"
    ),
    "INVALID_CHOICE": IssueText("Pilihan tidak dikenal", "Unknown choice"),
    "TOO_LONG": IssueText("Teks terlalu panjang", "Text too long"),
}


def message_key(code: str) -> str:
    return f"issue.{code}"


def _plain(value: Any) -> Any:
    """A param as it reads in a sentence: whole floats without '.0', lists joined."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list | tuple):
        shown = ", ".join(str(_plain(v)) for v in value[:5])
        return shown + (" …" if len(value) > 5 else "")
    return value


def render(
    code: str, params: Mapping[str, Any], location: Mapping[str, Any], message: str = ""
) -> dict[str, str]:
    """The issue's sentence in each language (``{"id": …, "en": …}``): the code's template filled
    from params and location. Where the code has no template, or its template needs a field the
    issue lacks, the title followed by the validator's own (English) ``message``, so that no
    detail (a file name, a reason) is lost."""
    text = TEXTS.get(code)
    if text is None:
        return {"id": message or code, "en": message or code}
    ctx: dict[str, Any] = {k: v for k, v in location.items() if v is not None}
    ctx.update({k: _plain(v) for k, v in params.items() if v is not None})
    rows = params.get("rows")
    if isinstance(rows, list):
        ctx["n_rows"] = len(rows)
    if "min" in ctx or "max" in ctx:
        ctx.setdefault("min", "−∞")
        ctx.setdefault("max", "∞")
    out = {}
    for lang, title, detail in (
        ("id", text.title_id, text.detail_id),
        ("en", text.title_en, text.detail_en),
    ):
        try:
            if detail is None:
                raise KeyError(code)
            out[lang] = detail.format_map(ctx)
        except (KeyError, IndexError, ValueError):
            out[lang] = f"{title}: {message}" if message else title
    return out


def choose_lang(lang: str | None) -> str:
    """``lang`` (``id`` or ``en``; ``None`` or empty: Bahasa Indonesia). ``LANG`` is not read on
    purpose: most computers in Indonesia run an English locale."""
    short = (lang or "id").strip().lower()
    if short not in LANGS:
        raise ValueError(f"--lang must be one of {', '.join(LANGS)}; got {lang!r}")
    return short
