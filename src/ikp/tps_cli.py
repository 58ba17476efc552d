"""``ikp tps``: TPS rawan from the command line (sample, validate, aggregate).

Kept apart from :mod:`ikp.cli` and imported by it; polars and numpy are imported inside the
commands so that ``ikp --help`` stays fast. Formats and rules: docs/tps.md.
"""

from __future__ import annotations

import time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    import polars as pl

tps_app = typer.Typer(
    help="TPS rawan: daftar TPS sintetis, periksa dan agregasi daftar periksa 22 indikator. / "
    "Vulnerable polling stations: synthetic TPS list, check and aggregate the 22-indicator "
    "checklist.",
    no_args_is_help=True,
)


class TpsLevel(StrEnum):
    village = "village"
    district = "district"
    regency = "regency"
    province = "province"


class ReportFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class TableFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"
    parquet = "parquet"


SheetOpt = Annotated[
    str | None, typer.Option("--sheet", help="Nama sheet XLSX. / XLSX sheet name (default 'data').")
]


def _validation_failed(report: Any, title: str, fmt: Any) -> None:
    from ikp.cli import _print_report

    _print_report(report, fmt, title=title)
    raise typer.Exit(1)


@tps_app.command("sample")
def sample(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Berkas keluaran (.csv, .xlsx, .parquet).")
    ],
    seed: Annotated[int, typer.Option("--seed", help="Benih acak. / Random seed.")] = 2024,
    n_tps: Annotated[
        int, typer.Option("--tps", help="Jumlah TPS. / Number of TPS (default 820,161).")
    ] = 820_161,
    province: Annotated[
        str | None,
        typer.Option("--province", help="Hanya satu provinsi (kode). / One province only (code)."),
    ] = None,
) -> None:
    """Tulis daftar TPS SINTETIS dengan daftar periksa 22 indikator. / Write a SYNTHETIC TPS
    list with its 22-indicator checklist (villages real, TPS and answers made up)."""
    from ikp.cli import _fail, _progress, _synthetic_banner, console
    from ikp.tps.files import table_format, write_table
    from ikp.tps.sample import sample_tps

    try:
        table_format(out)
        with _progress("TPS SINTETIS / SYNTHETIC", 2) as step:
            start = time.perf_counter()
            frame = sample_tps(n_tps, seed=seed, province=province)
            made = time.perf_counter() - start
            step(1, 2)
            write_table(frame, out)
            step(2, 2)
    except ValueError as exc:
        _fail(str(exc))
    _synthetic_banner(True)
    villages = frame["village_code"].n_unique()
    console.print(
        f"[bold]{frame.height:,}[/] TPS SINTETIS / SYNTHETIC di {villages:,} desa/kelurahan "
        f"(seed {seed}, {made:.2f} s) → {out}"
    )


@tps_app.command("validate")
def validate(
    data: Annotated[Path, typer.Argument(help="Daftar periksa TPS. / TPS checklist file.")],
    sheet: SheetOpt = None,
    fmt: Annotated[
        ReportFormat,
        typer.Option("--format", help="Format keluaran. / Output format (table | json | csv)."),
    ] = ReportFormat.table,
    errors_only: Annotated[
        bool, typer.Option("--errors-only", help="Hanya galat. / Errors only, no warnings.")
    ] = False,
    every_warning: Annotated[
        bool, typer.Option("--all", help="Setiap peringatan satu baris. / Every warning listed.")
    ] = False,
    lang: Annotated[
        str, typer.Option("--lang", envvar="IKP_LANG", help="Bahasa pesan: id | en.")
    ] = "id",
) -> None:
    """Periksa daftar periksa TPS dan laporkan SEMUA masalah sekaligus (galat dulu). / Check a
    TPS checklist and report every issue at once, errors first (exit status 1 on errors)."""
    from ikp.cli import OutputFormat, _print_report, _synthetic_banner
    from ikp.messages import choose_lang
    from ikp.tps.checks import check_tps

    output = OutputFormat(fmt.value)
    checked = check_tps(data, sheet=sheet)
    if output is OutputFormat.table:
        _synthetic_banner(checked.synthetic)
    title = data.name
    if checked.frame is not None and output is OutputFormat.table:
        title += f": {checked.frame.height:,} TPS ({checked.layout})"
    _print_report(
        checked.report,
        output,
        title=title,
        errors_only=errors_only,
        every_warning=every_warning,
        lang=choose_lang(lang),
    )
    if not checked.report.ok:
        raise typer.Exit(1)


@tps_app.command("aggregate")
def aggregate(
    data: Annotated[Path, typer.Argument(help="Daftar periksa TPS. / TPS checklist file.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder keluaran. / Output folder.")],
    level: Annotated[
        TpsLevel,
        typer.Option("--level", "-l", help="Tingkat: village | district | regency | province."),
    ] = TpsLevel.district,
    fmt: Annotated[
        TableFormat, typer.Option("--format", help="Format tabel. / Table format.")
    ] = TableFormat.csv,
    sheet: SheetOpt = None,
) -> None:
    """Hitung TPS rawan per wilayah dan nasional; tulis tabelnya. / Count vulnerable polling
    stations per area and nationally, write the tables (tps-LEVEL.* and tps-national.*) and print
    the national counts beside Bawaslu's published ones."""
    from ikp.cli import OutputFormat, _progress, _synthetic_banner, console
    from ikp.tps.aggregate import aggregate_levels
    from ikp.tps.checks import check_tps
    from ikp.tps.files import write_table

    timings: dict[str, float] = {}
    with _progress("TPS rawan", 3) as step:
        start = time.perf_counter()
        checked = check_tps(data, sheet=sheet)
        timings["baca + periksa / read + check"] = time.perf_counter() - start
        step(1, 3)
        if checked.frame is None:
            frame = None
        else:
            frame = checked.frame
            start = time.perf_counter()
            tables = aggregate_levels(frame, (level.value, "nation"))
            timings["agregasi / aggregate"] = time.perf_counter() - start
            step(2, 3)
            start = time.perf_counter()
            written = []
            for name, table in tables.items():
                if checked.synthetic:
                    table = table.insert_column(0, _true_column(table.height))
                file = out / f"tps-{'national' if name == 'nation' else name}.{fmt.value}"
                written.append(write_table(table, file))
            timings["tulis / write"] = time.perf_counter() - start
            step(3, 3)
    if frame is None:
        _validation_failed(checked.report, data.name, OutputFormat.table)
    _synthetic_banner(checked.synthetic)
    _print_national(tables["nation"], tables[level.value], level.value, checked.synthetic)
    for file in written:
        console.print(f"→ {file}")
    console.print(
        "[dim]" + ", ".join(f"{what} {seconds:.2f} s" for what, seconds in timings.items()) + "[/]"
    )


def _true_column(height: int) -> pl.Series:
    import polars as pl

    return pl.Series("synthetic", [True] * height, dtype=pl.Boolean)


def _print_national(nation: pl.DataFrame, table: pl.DataFrame, level: str, synthetic: bool) -> None:
    from rich.table import Table

    from ikp.cli import _esc, console
    from ikp.tps.indicators import NATIONAL_SOURCE, indicators, variable_names
    from ikp.tps.villages import LEVEL_NAMES_ID

    row = nation.row(0, named=True)
    label = "berkas ini (SINTETIS) / this file (SYNTHETIC)" if synthetic else "berkas ini / file"
    console.print(
        f"[bold]Nasional / national:[/] {row['n_tps']:,} TPS, {row['n_checked']:,} diperiksa / "
        f"checked, [bold]{row['n_rawan']:,}[/] rawan ({row['rawan_pct'] or 0:.1f} %); "
        f"{table.height:,} {LEVEL_NAMES_ID[level]} / {level}"
    )
    out = Table(
        title="TPS rawan per indikator / per indicator", caption=f"Bawaslu: {NATIONAL_SOURCE}"
    )
    out.add_column("kode")
    out.add_column("indikator / indicator", overflow="ellipsis", no_wrap=True, max_width=36)
    for col in ("var", label, "%", "Bawaslu 2024", "rasio / ratio"):
        out.add_column(col, justify="right")
    for ind in indicators():
        flagged = row[f"{ind.code}_n"]
        pct = row[f"{ind.code}_pct"]
        out.add_row(
            ind.code,
            _esc(ind.name_id),
            ind.variable,
            f"{flagged:,}",
            "" if pct is None else f"{pct:.2f}",
            f"{ind.national_flagged:,}",
            f"{flagged / ind.national_flagged:.2f}",
        )
    console.print(out)
    names = variable_names()
    console.print(
        "Variabel / variables: "
        + "; ".join(
            f"{v} {_esc(names[v])} {row[f'{v}_n']:,} ({row[f'{v}_pct'] or 0:.1f} %)" for v in names
        )
    )
