"""Validate a TPS checklist table and turn it into typed columns, vectorised (polars), so the
national file of 820,161 TPS validates in a fraction of a second.

Two layouts (column names are case-insensitive; Indonesian aliases in :data:`ALIASES`):

* **wide**: ``tps_code, village_code, T01 … T22`` (optional ``tps_number``, ``voters``,
  ``synthetic``): one row per TPS;
* **long**: ``tps_code, indicator, value`` (optional ``village_code``, ``tps_number``,
  ``voters``, ``synthetic``): one row per TPS and indicator.

Values: ``1``/``ya``/``y``/``true``/``yes`` = flagged, ``0``/``tidak``/``t``/``false``/``no`` =
checked and not flagged, empty = not checked (case-insensitive, spaces trimmed).

Every problem is reported at once, each with its row, column and a hint; issues about the same
value (an unknown village code on 40 rows, say) are one issue listing its rows (``params["rows"]``,
the first :data:`MAX_ROWS`; ``params["count"]`` counts them all). At most :data:`MAX_ISSUES`
issues per code and column are listed, then one issue says how many more rows are affected.
All or nothing: :func:`load_tps` raises :class:`~ikp.issues.ValidationFailed` when any error was
found.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

import polars as pl

from ikp.issues import IssueCode, Severity, ValidationFailed, ValidationReport
from ikp.tps.indicators import MAX_TPS_NUMBER, TPS_CODE_DIGITS, VILLAGE_DIGITS, indicator_codes
from ikp.tps.reading import ROW, Source, TextTable, read_text_table
from ikp.tps.villages import villages

MAX_ISSUES = 100  # listed per issue code and column
MAX_ROWS = 20  # rows listed in one issue's params

TRUE_SPELLINGS = ("1", "ya", "y", "true", "yes")
FALSE_SPELLINGS = ("0", "tidak", "t", "false", "no")
SPELLINGS: dict[str, bool] = {
    **dict.fromkeys(TRUE_SPELLINGS, True),
    **dict.fromkeys(FALSE_SPELLINGS, False),
}
SPELLING_HINT = "use 1/0, ya/tidak, y/t, true/false or yes/no; leave empty if not checked"

ALIASES: dict[str, tuple[str, ...]] = {
    "tps_code": ("tps_code", "kode_tps"),
    "village_code": ("village_code", "kode_desa", "kode_kelurahan", "kode_wilayah"),
    "tps_number": ("tps_number", "nomor_tps", "no_tps"),
    "voters": ("voters", "jumlah_pemilih", "pemilih"),
    "synthetic": ("synthetic", "sintetis", "data_sintetis"),
    "indicator": ("indicator", "indikator", "indicator_code", "kode_indikator"),
    "value": ("value", "nilai"),
}
#: Columns read by people, not by ikp (names, notes): accepted and ignored.
IGNORED = (
    "village_name",
    "nama_desa",
    "district_code",
    "district_name",
    "regency_code",
    "regency_name",
    "province_code",
    "province_name",
    "nama",
    "region_name",
    "notes",
    "catatan",
    "latitude",
    "longitude",
    "lat",
    "lon",
    "lng",
)
_INDICATOR_HEADER = re.compile(r"^t(\d{1,3})$")


@dataclass(frozen=True)
class CheckedTps:
    """A validated checklist: ``frame`` has ``tps_code`` (13 digits), ``village_code`` (dotted),
    ``tps_number`` (Int16), ``voters`` (Int32, null if not given), ``T01`` … ``T22`` (Boolean:
    true flagged, false not, null not checked), in file order; ``None`` when the table could not
    be read or had errors. ``source``: file, format, layout, sha256, rows."""

    frame: pl.DataFrame | None
    report: ValidationReport
    layout: str | None = None
    synthetic: bool = False
    source: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- issue helpers


class _Issues:
    """Adds grouped issues from frames of bad rows."""

    def __init__(self, report: ValidationReport, file: str) -> None:
        self.report = report
        self.file = file

    def add(
        self,
        bad: pl.DataFrame,
        code: IssueCode,
        column: str,
        key: str,
        message: Callable[[str, int], str],
        hint: str,
        *,
        severity: Severity = Severity.ERROR,
        region: bool = False,
    ) -> None:
        """One issue per distinct ``key`` value of ``bad`` (columns ``key`` and ``_row``), in
        order of first row; ``message(value, n_rows)``."""
        if bad.height == 0:
            return
        groups = (
            bad.select(pl.col(key).fill_null(""), ROW)
            .group_by(key, maintain_order=True)
            .agg(pl.col(ROW).head(MAX_ROWS).alias("rows"), pl.len().alias("n"))
        )
        for value, rows, n in groups.head(MAX_ISSUES).iter_rows():
            self.report.add(
                code,
                message(value, n),
                severity=severity,
                hint=hint,
                file=self.file,
                row=rows[0],
                column=column,
                region_code=value if region and value else None,
                params={"value": value, "column": column, "rows": rows, "count": n},
            )
        if groups.height > MAX_ISSUES:
            rest = groups.slice(MAX_ISSUES)
            n_rows = int(rest["n"].sum())
            first = rest["rows"].list.first().min()
            self.report.add(
                code,
                f"… and {rest.height} more values like these in column {column!r} ({n_rows} rows)",
                severity=severity,
                hint=hint,
                file=self.file,
                row=int(cast(int, first)),
                column=column,
                params={"column": column, "count": n_rows, "n_more": rest.height},
            )


# --------------------------------------------------------------------------- columns


def _columns(
    table: TextTable, issues: _Issues
) -> tuple[dict[str, str], dict[str, str], str | None]:
    """(canonical name → header, indicator code → header, layout); reports unknown columns."""
    known: dict[str, str] = {}
    inds: dict[str, str] = {}
    codes = set(indicator_codes())
    alias_of = {a: name for name, aliases in ALIASES.items() for a in aliases}
    for header in table.frame.columns:
        if header == ROW:
            continue
        if header in alias_of and alias_of[header] not in known:
            known[alias_of[header]] = header
            continue
        match = _INDICATOR_HEADER.match(header)
        if match:
            code = f"T{int(match.group(1)):02d}"
            if code in codes:
                inds[code] = header
                continue
            issues.report.add(
                IssueCode.UNKNOWN_INDICATOR,
                f"column {header!r} is not one of the 22 indicators T01 … T22",
                file=issues.file,
                row=1,
                column=header,
                hint="the tps-2024 checklist has T01 … T22 (see docs/tps.md)",
                params={"indicator": header, "column": header},
            )
            continue
        if header in IGNORED:
            continue
        issues.report.add(
            IssueCode.UNKNOWN_COLUMN,
            f"column {header!r} is not a TPS checklist column; it is ignored",
            severity=Severity.WARNING,
            file=issues.file,
            row=1,
            column=header,
            hint="columns: tps_code, village_code, T01 … T22 (wide) or tps_code, indicator, "
            "value (long)",
            params={"column": header},
        )
    long = "indicator" in known or "value" in known
    required = ("tps_code", "indicator", "value") if long else ("tps_code", "village_code")
    missing = [c for c in required if c not in known]
    for name in missing:
        issues.report.add(
            IssueCode.MISSING_COLUMN,
            f"the {'long' if long else 'wide'} layout needs a column {name!r}",
            file=issues.file,
            row=1,
            column=name,
            hint=f"add the column {name!r} (aliases: {', '.join(ALIASES[name][1:])})",
            params={"column": name},
        )
    if long and inds:
        issues.report.add(
            IssueCode.UNKNOWN_COLUMN,
            "the file mixes the long layout (indicator, value) with indicator columns "
            f"({', '.join(list(inds.values())[:3])} …)",
            file=issues.file,
            row=1,
            column=next(iter(inds.values())),
            hint="use either one row per TPS with T01 … T22, or one row per TPS and indicator",
            params={"column": next(iter(inds.values()))},
        )
    if not long and not missing:
        for code in sorted(codes - set(inds)):
            issues.report.add(
                IssueCode.MISSING_COLUMN,
                f"no column for indicator {code}; it counts as not checked",
                severity=Severity.WARNING,
                file=issues.file,
                row=1,
                column=code,
                hint="add the column if the indicator was checked",
                params={"indicator": code, "column": code},
            )
    if missing:
        return known, inds, None
    return known, inds, ("long" if long else "wide")


# --------------------------------------------------------------------------- checks


def _flag_exprs(frame: pl.DataFrame, columns: dict[str, str]) -> tuple[list[pl.Expr], list[str]]:
    """(expressions giving a Boolean per column, columns that need the slow path). A column of
    only ``0``, ``1`` and empty cells (the usual case; integers from the CSV fast path, or text)
    is compared, not normalised."""
    zero_one = {
        code: [0, 1] if frame.schema[h].is_integer() else ["0", "1"] for code, h in columns.items()
    }
    simple = frame.select(
        (pl.col(h).is_null() | pl.col(h).is_in(zero_one[code])).all().alias(code)
        for code, h in columns.items()
    ).row(0, named=True)
    exprs, slow = [], []
    for code, header in columns.items():
        if simple[code]:
            exprs.append((pl.col(header) == zero_one[code][1]).alias(code))
        else:
            norm = pl.col(header).cast(pl.String).str.strip_chars().str.to_lowercase()
            exprs.append(
                norm.replace_strict(SPELLINGS, default=None, return_dtype=pl.Boolean).alias(code)
            )
            slow.append(code)
    return exprs, slow


def _bad_spelling(header: str) -> pl.Expr:
    norm = pl.col(header).cast(pl.String).str.strip_chars().str.to_lowercase()
    return norm.is_not_null() & (norm != "") & ~norm.is_in(list(SPELLINGS))


def _text(frame: pl.DataFrame, header: str) -> pl.Expr:
    col = pl.col(header)
    return (col if frame.schema[header] == pl.String else col.cast(pl.String)).str.strip_chars()


def _whole(frame: pl.DataFrame, known: dict[str, str], name: str) -> tuple[pl.Expr, pl.Expr]:
    """(the column as Int32, null where not a whole number; True where a cell is non-empty)
    for an optional whole-number column (``tps_number``, ``voters``)."""
    if name not in known:
        return pl.lit(None, dtype=pl.Int32), pl.lit(False)
    header = known[name]
    if frame.schema[header].is_integer():
        col = pl.col(header)
        return col.cast(pl.Int32, strict=False), col.is_not_null()
    text = _text(frame, header)
    return text.cast(pl.Int32, strict=False), text.is_not_null() & (text != "")


def _dotted(digits: pl.Expr) -> pl.Expr:
    return pl.concat_str(
        digits.str.slice(0, 2),
        digits.str.slice(2, 2),
        digits.str.slice(4, 2),
        digits.str.slice(6, 4),
        separator=".",
    )


def _tps_digits(frame: pl.DataFrame, header: str) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(``_tps`` text, ``_tps_ok``, ``_tps_int``). Fast path: a column whose every cell is 13
    characters that parse as a number needs no trimming or regular expression."""
    raw = pl.col(header) if frame.schema[header] == pl.String else pl.col(header).cast(pl.String)
    as_int = raw.cast(pl.Int64, strict=False)
    clean = frame.select(((raw.str.len_bytes() == TPS_CODE_DIGITS) & (as_int > 0)).all()).item()
    if clean:
        return raw, pl.lit(True), as_int
    text = raw.str.strip_chars().str.replace_all(".", "", literal=True).fill_null("")
    ok = text.str.contains(rf"^\d{{{TPS_CODE_DIGITS}}}$")
    return text, ok, pl.when(ok).then(text.cast(pl.Int64, strict=False))


def _village_lookup(codes: pl.Expr) -> pl.Expr:
    """Dotted village code → its 10 digits as Int64; null when not in the code list."""
    table = villages()
    return codes.replace_strict(
        table["village_code"],
        table["village_digits"].cast(pl.Int64),
        default=None,
        return_dtype=pl.Int64,
    )


def _check_tps(frame: pl.DataFrame, known: dict[str, str], issues: _Issues) -> pl.DataFrame:
    """Add ``_tps`` (13 digits), ``_tps_ok``, ``_vil`` (dotted), ``_number``, ``_voters`` and
    report the TPS-level problems. Written for the clean national file: the costly string
    work (trimming, regular expressions, dotting codes) runs only where a cheap test fails."""
    tps, tps_ok, tps_int = _tps_digits(frame, known["tps_code"])
    number_given, number_present = _whole(frame, known, "tps_number")
    voters, voters_present = _whole(frame, known, "voters")
    has_village = "village_code" in known
    given = pl.col(known["village_code"]) if has_village else pl.lit(None, dtype=pl.String)
    frame = frame.with_columns(
        tps.alias("_tps"),
        tps_ok.alias("_tps_ok"),
        tps_int.alias("_tps_int"),
        given.alias("_vil"),
        number_given.alias("_number_given"),
        number_present.alias("_number_present"),
        voters.alias("_voters"),
        voters_present.alias("_voters_present"),
    )
    frame = frame.with_columns((pl.col("_tps_int") % 1000).cast(pl.Int16).alias("_number"))
    if has_village:
        frame = frame.with_columns(_village_lookup(pl.col("_vil")).alias("_vil_int"))
        if frame["_vil_int"].null_count():  # trimmed, or undotted, codes
            text = _text(frame, known["village_code"]).fill_null("")
            dotted = pl.when(text.str.contains(rf"^\d{{{VILLAGE_DIGITS}}}$")).then(_dotted(text))
            frame = frame.with_columns(dotted.otherwise(text).alias("_vil"))
            frame = frame.with_columns(_village_lookup(pl.col("_vil")).alias("_vil_int"))
    else:  # long layout without village_code: the TPS code's first 10 digits
        frame = frame.with_columns(
            pl.when(pl.col("_tps_ok"))
            .then(_dotted(pl.col("_tps").str.slice(0, VILLAGE_DIGITS)))
            .alias("_vil")
        )
        frame = frame.with_columns(_village_lookup(pl.col("_vil")).alias("_vil_int"))
    vil_ok = pl.col("_vil").str.contains(r"^\d\d\.\d\d\.\d\d\.\d{4}$")
    unknown = pl.col("_vil_int").is_null() & pl.col("_vil").is_not_null()
    number_given = pl.col("_number_given")
    flags = frame.select(
        (~pl.col("_tps_ok")).alias("malformed_tps"),
        (pl.col("_tps_ok") & (pl.col("_number") == 0)).alias("zero_number"),
        (
            pl.col("_number_present")
            & (
                number_given.is_null()
                | (number_given < 1)
                | (number_given > MAX_TPS_NUMBER)
                | (pl.col("_tps_ok") & (number_given != pl.col("_number")))
            )
        ).alias("bad_number"),
        (unknown & ~vil_ok).alias("malformed_village"),
        (unknown & vil_ok).alias("unknown_village"),
        (
            pl.col("_tps_ok")
            & pl.col("_vil_int").is_not_null()
            & (pl.col("_tps_int") // 1000 != pl.col("_vil_int"))
        ).alias("mismatch"),
        (pl.col("_voters_present") & (pl.col("_voters").is_null() | (pl.col("_voters") < 0))).alias(
            "bad_voters"
        ),
    )
    any_bad = flags.select(pl.all().any()).row(0, named=True)
    tps_col = known["tps_code"]
    vil_col = known.get("village_code", tps_col)

    # (flag, issue code, column, the value shown, message, hint)
    specs: list[tuple[str, IssueCode, str, str | pl.Expr, Callable[[str], str], str]] = [
        (
            "malformed_tps",
            IssueCode.MALFORMED_TPS_CODE,
            tps_col,
            "_tps",
            lambda v: f"TPS code {v!r} is not {TPS_CODE_DIGITS} digits",
            "a TPS code is the 10-digit village code followed by the 3-digit TPS number, "
            "e.g. 3204172001007",
        ),
        (
            "zero_number",
            IssueCode.BAD_TPS_NUMBER,
            tps_col,
            "_tps",
            lambda v: f"TPS code {v!r} ends in TPS number 000",
            "TPS numbers run from 001 to 999",
        ),
        (
            "malformed_village",
            IssueCode.MALFORMED_REGION_CODE,
            vil_col,
            "_vil",
            lambda v: f"{v!r} is not a desa/kelurahan code",
            "a desa/kelurahan code looks like 32.04.17.2001 (or 3204172001)",
        ),
        (
            "unknown_village",
            IssueCode.UNKNOWN_REGION_CODE,
            vil_col,
            "_vil",
            lambda v: f"desa/kelurahan {v} is not in the Kemendagri code list",
            "check the code against `ikp regions` (Kepmendagri 300.2.2-2138/2025)",
        ),
        (
            "mismatch",
            IssueCode.TPS_VILLAGE_MISMATCH,
            tps_col,
            "_tps",
            lambda v: f"TPS code {v!r} does not start with the digits of its village code",
            "the first 10 digits of the TPS code are its village code without dots",
        ),
    ]
    if "tps_number" in known:
        specs.append(
            (
                "bad_number",
                IssueCode.BAD_TPS_NUMBER,
                known["tps_number"],
                _text(frame, known["tps_number"]).fill_null(""),
                lambda v: (
                    f"TPS number {v!r} is not a whole number 1 … 999 matching the last 3 "
                    "digits of the TPS code"
                ),
                "the TPS number is the last 3 digits of the TPS code (007 → 7)",
            )
        )
    if "voters" in known:
        specs.append(
            (
                "bad_voters",
                IssueCode.NOT_INTEGER,
                known["voters"],
                _text(frame, known["voters"]).fill_null(""),
                lambda v: f"voter count {v!r} is not a whole number ≥ 0",
                "write the number of voters on the DPT of the TPS, or leave it empty",
            )
        )
    for flag, code, column, shown, message, hint in specs:
        if any_bad[flag]:
            value = pl.col(shown) if isinstance(shown, str) else shown
            rows = frame.filter(flags[flag]).select(ROW, value.alias("_shown"))
            issues.add(
                rows,
                code,
                column,
                "_shown",
                functools.partial(_ignore_count, message),
                hint,
                region=code is IssueCode.UNKNOWN_REGION_CODE,
            )
    return frame


def _report_duplicates(
    frame: pl.DataFrame, keys: list[str], code: IssueCode, column: str, issues: _Issues
) -> None:
    key = pl.struct(keys) if len(keys) > 1 else pl.col(keys[0])
    ok = (
        frame.filter(pl.col("_tps_ok"))
        if frame["_tps_ok"].null_count() or not frame["_tps_ok"].all()
        else frame
    )
    if ok.select(key.n_unique()).item() == ok.height:
        return
    rows = frame.filter(pl.col("_tps_ok") & key.is_duplicated())
    if rows.height == 0:
        return
    shown = ["_tps" if k == "_tps_int" else k for k in keys]
    rows = rows.with_columns(pl.concat_str(shown, separator=" ").alias("_key"))
    issues.add(
        rows.select(ROW, "_key"),
        code,
        column,
        "_key",
        lambda v, n: f"{v} appears on {n} rows",
        "keep one row per TPS" if len(keys) == 1 else "keep one row per TPS and indicator",
    )


def _ignore_count(message: Callable[[str], str], value: str, n: int) -> str:
    return message(value)


def _spelling_message(header: str, value: str, n: int) -> str:
    return f"{value!r} in column {header!r} is not a yes/no answer"


def _report_spellings(frame: pl.DataFrame, columns: dict[str, str], issues: _Issues) -> None:
    for header in columns.values():
        rows = frame.filter(_bad_spelling(header)).select(
            ROW, pl.col(header).cast(pl.String).alias("_value")
        )
        issues.add(
            rows,
            IssueCode.BAD_CHECK_VALUE,
            header,
            "_value",
            functools.partial(_spelling_message, header),
            SPELLING_HINT,
        )


def _typed(frame: pl.DataFrame, flags: list[pl.Expr]) -> pl.DataFrame:
    return frame.select(
        pl.col("_tps").alias("tps_code"),
        pl.col("_vil").alias("village_code"),
        pl.col("_number").alias("tps_number"),
        pl.col("_voters").alias("voters"),
        *flags,
    )


def _wide(
    frame: pl.DataFrame, known: dict[str, str], inds: dict[str, str], issues: _Issues
) -> pl.DataFrame:
    frame = _check_tps(frame, known, issues)
    _report_duplicates(frame, ["_tps_int"], IssueCode.DUPLICATE_TPS_CODE, known["tps_code"], issues)
    flags, slow = _flag_exprs(frame, inds)
    if slow:
        _report_spellings(frame, {c: inds[c] for c in slow}, issues)
    missing = [pl.lit(None, dtype=pl.Boolean).alias(c) for c in indicator_codes() if c not in inds]
    typed = _typed(frame, flags + missing)
    return typed.select("tps_code", "village_code", "tps_number", "voters", *indicator_codes())


def _long(frame: pl.DataFrame, known: dict[str, str], issues: _Issues) -> pl.DataFrame:
    frame = _check_tps(frame, known, issues)
    code = _text(frame, known["indicator"]).str.to_uppercase().fill_null("")
    code = code.str.replace(r"^T(\d)$", "T0$1")
    frame = frame.with_columns(code.alias("_indicator"))
    unknown = frame.filter(~pl.col("_indicator").is_in(list(indicator_codes())))
    issues.add(
        unknown.select(ROW, _text(frame, known["indicator"]).fill_null("").alias("_value")),
        IssueCode.UNKNOWN_INDICATOR,
        known["indicator"],
        "_value",
        lambda v, n: f"indicator {v!r} is not one of T01 … T22",
        "the tps-2024 checklist has T01 … T22 (see docs/tps.md)",
    )
    _report_duplicates(
        frame, ["_tps_int", "_indicator"], IssueCode.DUPLICATE_ROW, known["tps_code"], issues
    )
    flags, slow = _flag_exprs(frame, {"_flag": known["value"]})
    if slow:
        _report_spellings(frame, {"value": known["value"]}, issues)
    frame = frame.with_columns(flags)
    tps = frame.group_by("_tps", maintain_order=True).agg(
        pl.col("_vil").first(), pl.col("_number").first(), pl.col("_voters").first()
    )
    wide = frame.filter(pl.col("_indicator").is_in(list(indicator_codes()))).pivot(
        on="_indicator", index="_tps", values="_flag", aggregate_function="first"
    )
    tps = tps.join(wide, on="_tps", how="left", maintain_order="left")
    missing = [pl.lit(None, dtype=pl.Boolean).alias(c) for c in indicator_codes() if c not in tps]
    tps = tps.with_columns(missing)
    return _typed(tps, [pl.col(c).cast(pl.Boolean) for c in indicator_codes()])


def _csv_dtype(header: str) -> Any:
    """The type a CSV column is first read as: indicators Int8, whole-number columns Int32
    (a cell that does not parse sends the whole file down the text path)."""
    name = header.strip().lower()
    if _INDICATOR_HEADER.match(name):
        return pl.Int8
    if name in ALIASES["tps_number"] + ALIASES["voters"]:
        return pl.Int32
    return pl.String


def check_tps(source: Source, *, sheet: str | None = None) -> CheckedTps:
    """Read and validate a checklist file (CSV, XLSX, Parquet) or DataFrame; every problem in
    the report, the typed frame only when there are no errors."""
    table, report = read_text_table(source, sheet=sheet, dtype_of=_csv_dtype)
    if table is None:
        return CheckedTps(None, report)
    issues = _Issues(report, table.file)
    known, inds, layout = _columns(table, issues)
    source_info: dict[str, Any] = {
        "file": table.file,
        "format": table.format,
        "sheet": table.sheet,
        "sha256": table.sha256,
        "delimiter": table.delimiter,
        "encoding": table.encoding,
        "layout": layout,
        "n_rows": table.frame.height,
    }
    synthetic = False
    if "synthetic" in known:
        cell = _text(table.frame, known["synthetic"])
        synthetic = bool(table.frame.select((cell.is_not_null() & (cell != "")).any()).item())
    if layout is None:
        return CheckedTps(None, report, layout, synthetic, source_info)
    if layout == "wide":
        frame = _wide(table.frame, known, inds, issues)
    else:
        frame = _long(table.frame, known, issues)
    source_info["n_tps"] = frame.height
    if not report.ok:
        return CheckedTps(None, report, layout, synthetic, source_info)
    return CheckedTps(frame, report, layout, synthetic, source_info)


def load_tps(source: Source, *, sheet: str | None = None) -> CheckedTps:
    """:func:`check_tps`, raising :class:`~ikp.issues.ValidationFailed` (with the whole report)
    on any error; ``result.frame`` is then never None."""
    checked = check_tps(source, sheet=sheet)
    if checked.frame is None:
        name = checked.source.get("file") or "TPS checklist"
        raise ValidationFailed(checked.report, what=f"TPS checklist {name}")
    return checked
