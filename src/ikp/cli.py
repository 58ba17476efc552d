"""The ``ikp`` command. Help in Bahasa Indonesia first, then English.

Every verb works on files only (no database). Errors print as a table of issues (or JSON with
``--format json``) and exit with status 1; nothing is written when the input has errors.
"""

from __future__ import annotations

import functools
import json
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, cast

import typer
from rich.console import Console
from rich.table import Table

import ikp
from ikp import SYNTHETIC_LABEL, SYNTHETIC_LABEL_EN
from ikp.issues import IkpError, ValidationFailed, ValidationReport
from ikp.tps_cli import tps_app

if TYPE_CHECKING:  # pandas, numpy and scipy are imported by the commands that use them,
    import pandas as pd  # so that `ikp --help` starts fast

app = typer.Typer(
    name="ikp",
    help=(
        "Indeks Kerawanan Pemilu: hitung, periksa dan jelaskan indeks kerawanan pemilu.\n\n"
        "Election Vulnerability Index: compute, check and explain the index."
    ),
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
framework_app = typer.Typer(
    help="Kerangka indeks: tampilkan, periksa, ekspor. / Index frameworks: show, check, export.",
    no_args_is_help=True,
)
app.add_typer(framework_app, name="framework")
app.add_typer(tps_app, name="tps")

console = Console()
err_console = Console(stderr=True)


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class RegionLevel(StrEnum):
    province = "province"
    regency = "regency"


class Regions(StrEnum):
    kemendagri = "kemendagri"
    none = "none"


FrameworkOpt = Annotated[
    str,
    typer.Option(
        "--framework",
        "-f",
        help="Kerangka: id bawaan (ikp-2024, tps-2024) atau berkas YAML/CSV/XLSX. / Framework id or file.",
    ),
]
LevelOpt = Annotated[
    RegionLevel,
    typer.Option("--level", "-l", help="Tingkat wilayah. / Region level (province | regency)."),
]
FormatOpt = Annotated[
    OutputFormat,
    typer.Option("--format", help="Format keluaran. / Output format (table | json | csv)."),
]
SheetOpt = Annotated[
    str | None, typer.Option("--sheet", help="Nama sheet XLSX. / XLSX sheet name (default 'data').")
]
PeriodOpt = Annotated[
    str | None,
    typer.Option("--period", help="Periode (format panjang). / Period to use (long layout)."),
]
RegionsOpt = Annotated[
    Regions,
    typer.Option(
        "--regions",
        help="Kode unit: kode wilayah Kemendagri, atau 'none' (kode bebas, mis. negara; tingkat "
        "'unit', --level diabaikan). / Unit codes: Kemendagri region codes, or 'none' (any "
        "unique code, e.g. countries; level 'unit', --level ignored).",
    ),
]
GroupOpt = Annotated[
    str | None,
    typer.Option(
        "--group",
        help="Kolom kelompok unit (--regions none), mis. EurAsia_group. / Group column of the "
        "units (--regions none).",
    ),
]
ProvinceOpt = Annotated[
    str | None,
    typer.Option("--province", help="Batasi ke provinsi. / Only this province's kab/kota."),
]
WeightsOpt = Annotated[
    str | None,
    typer.Option(
        "--weights",
        help="Metode bobot: framework (bobot berkas), equal, ahp, pca. / Weighting method: "
        "framework (the file's weights), equal, ahp (matrices in the framework file), pca.",
    ),
]
NormalizeOpt = Annotated[
    str | None,
    typer.Option(
        "--normalize",
        help="Normalisasi semua indikator. / Normalisation of every indicator: minmax, zscore, "
        "rank, prank, borda, dist2max.",
    ),
]
AggregateOpt = Annotated[
    str | None,
    typer.Option(
        "--aggregate",
        help="Agregasi. / Aggregation: arithmetic, geometric, harmonic, generalised.",
    ),
]
AggregatePOpt = Annotated[
    float | None,
    typer.Option("--aggregate-p", help="p rata-rata umum. / p of the generalised mean."),
]
ClassesOpt = Annotated[
    str | None,
    typer.Option(
        "--classes",
        help="Metode kelas tingkat ini. / Class method of this region level: fixed, quantile, "
        "mean_sd, natural_breaks.",
    ),
]


def main() -> None:
    app()


F = TypeVar("F", bound=Callable[..., Any])


def handles_errors(func: F) -> F:
    """Turn the core's deliberate errors into a clear message and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ValidationFailed as exc:
            fmt = kwargs.get("fmt", OutputFormat.table)
            _print_report(
                exc.report,
                fmt if isinstance(fmt, OutputFormat) else OutputFormat.table,
                title=str(exc).splitlines()[0],
            )
            raise typer.Exit(1) from None
        except (IkpError, FileNotFoundError, ValueError, KeyError) as exc:
            message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
            err_console.print(f"[bold red]Galat / Error:[/] {_esc(message)}")
            raise typer.Exit(1) from None

    return cast(F, wrapper)


# --------------------------------------------------------------------------- helpers


def _esc(value: object) -> str:
    """User text (cells, names, paths, messages quoting them) for Rich, with markup such as
    ``[/]`` escaped so it prints as it is instead of being read as a style."""
    from rich.markup import escape

    return escape(str(value))


def _fail(message: str, code: int = 1) -> None:
    err_console.print(f"[bold red]Galat / Error:[/] {_esc(message)}")
    raise typer.Exit(code)


def _issue_rows(issue: Any) -> list[int]:
    """The file rows an issue concerns: its ``rows`` param (issues gathered over many rows) or
    its location's row."""
    rows = issue.params.get("rows")
    if isinstance(rows, list) and rows:
        return [int(r) for r in rows if r is not None]
    return [] if issue.location.row is None else [int(issue.location.row)]


def _listing(items: list[Any], shown: int = 3) -> str:
    return ", ".join(str(v) for v in items[:shown]) + (" …" if len(items) > shown else "")


def _print_report(
    report: ValidationReport,
    fmt: OutputFormat,
    *,
    title: str,
    errors_only: bool = False,
    every_warning: bool = False,
    lang: str = "id",
) -> None:
    """The issues, errors first. The table lists every error and one line per warning code
    (count, first rows; ``every_warning`` lists them one by one) in ``lang``; csv and json carry
    the code, params and the sentence in both languages. ``errors_only`` leaves warnings out
    of every format (the counts still say how many there were)."""
    issues = report.errors if errors_only else report.errors + report.warnings
    if fmt is OutputFormat.json:
        data = report.to_dict()
        data["issues"] = [i.to_dict() for i in issues]
        data["errors_only"] = errors_only
        console.print_json(json.dumps(data, ensure_ascii=False, default=str))
        return
    if fmt is OutputFormat.csv:
        _write_issues_csv(issues)
        return
    counts = f"{len(report.errors)} galat / errors, {len(report.warnings)} peringatan / warnings"
    if not issues:
        if len(report):  # only warnings, hidden by --errors-only
            console.print(f"[green]✓ {_esc(title)}: tidak ada galat / no errors[/] ({counts})")
        else:
            console.print(f"[green]✓ {_esc(title)}: tidak ada masalah / no issues[/]")
        return
    table = Table(title=_esc(title), show_lines=False)
    for col in (
        "",
        "kode / code",
        "baris / row",
        "kolom / column",
        "wilayah / region",
        "pesan / message",
        "saran / hint",
    ):
        table.add_column(col, overflow="fold")

    def message(issue: Any) -> str:
        return str(issue.message) if lang == "en" else issue.messages()["id"]

    for i in report.errors:
        table.add_row(
            "[red]✗[/]",
            str(i.code),
            _esc(_listing(_issue_rows(i))),
            _esc(i.location.column or ""),
            _esc(i.location.region_code or i.location.node_code or ""),
            _esc(message(i)),
            _esc(i.hint or ""),
        )
    if not errors_only:
        groups: dict[str, list[Any]] = {}
        for i in report.warnings:
            groups.setdefault(str(i.code), []).append(i)
        for code, group in groups.items():
            if every_warning or len(group) == 1:
                for i in group:
                    table.add_row(
                        "[yellow]![/]",
                        code,
                        _esc(_listing(_issue_rows(i))),
                        _esc(i.location.column or ""),
                        _esc(i.location.region_code or i.location.node_code or ""),
                        _esc(message(i)),
                        _esc(i.hint or ""),
                    )
                continue
            rows = sorted({r for i in group for r in _issue_rows(i)})
            columns = list(dict.fromkeys(i.location.column for i in group if i.location.column))
            regions = list(
                dict.fromkeys(
                    code
                    for i in group
                    for code in [i.location.region_code or i.location.node_code]
                    + list(i.params.get("regions") or [])
                    if code
                )
            )
            first = group[0].messages()
            table.add_row(
                "[yellow]![/]",
                f"{code} ×{len(group)}",
                _esc(("baris pertama / first rows: " + _listing(rows)) if rows else ""),
                _esc(_listing(columns)),
                _esc(_listing(regions)),
                _esc(f"{first['id' if lang == 'id' else 'en']} …"),
                _esc(group[0].hint or ""),
            )
    console.print(table)
    console.print(counts)
    if report.warnings and not every_warning and not errors_only:
        console.print(
            "[dim]peringatan dikelompokkan per kode; --all menampilkan semuanya / warnings "
            "grouped by code; --all lists each one[/]"
        )


def _write_issues_csv(issues: list[Any]) -> None:
    """One line per issue; ``row`` a whole number or empty (never ``3.0``)."""
    import csv

    fields = [
        "severity",
        "code",
        "file",
        "sheet",
        "row",
        "column",
        "region_code",
        "node_code",
        "message",
        "hint",
        "message_key",
        "message_id",
        "message_en",
    ]
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(fields)
    for i in issues:
        loc, texts = i.location, i.messages()
        writer.writerow(
            [
                str(i.severity),
                str(i.code),
                loc.file or "",
                loc.sheet or "",
                "" if loc.row is None else int(loc.row),
                loc.column or "",
                loc.region_code or "",
                loc.node_code or "",
                i.message,
                i.hint or "",
                i.message_key,
                texts["id"],
                texts["en"],
            ]
        )


def _print_frame(
    frame: pd.DataFrame, fmt: OutputFormat, *, title: str, limit: int | None = None
) -> None:
    if fmt is OutputFormat.json:
        sys.stdout.write(frame.to_json(orient="records", force_ascii=False, indent=1) + "\n")
        return
    if fmt is OutputFormat.csv:
        sys.stdout.write(frame.to_csv(index=False))
        return
    shown = frame if limit is None else frame.head(limit)
    table = Table(title=_esc(title))
    for col in shown.columns:
        table.add_column(_esc(col), overflow="fold")
    for row in shown.itertuples(index=False):
        table.add_row(*[_esc(_fmt_cell(v)) for v in row])
    console.print(table)
    if limit is not None and len(frame) > limit:
        console.print(f"… {len(frame) - limit} baris lagi / more rows (--format csv for all)")


def _fmt_cell(value: Any) -> str:
    if isinstance(value, float):
        return "" if value != value else f"{value:.2f}"
    return "" if value is None else str(value)


def _synthetic_banner(synthetic: bool) -> None:
    if synthetic:
        from rich.panel import Panel

        err_console.print(
            Panel(f"[bold]{SYNTHETIC_LABEL}[/]\n{SYNTHETIC_LABEL_EN}", style="yellow", expand=False)
        )


def _banners(meta: Mapping[str, Any]) -> None:
    """The synthetic-data label and the partial-coverage warning, on stderr."""
    _synthetic_banner(bool(meta.get("synthetic")))
    cov = meta.get("coverage") or {}
    if cov.get("warning"):
        from rich.panel import Panel

        err_console.print(
            Panel(f"[bold]{cov['warning']}[/]\n{cov['warning_en']}", style="yellow", expand=True)
        )


def _level(level: RegionLevel, regions: Regions) -> str:
    from ikp.framework import GENERIC_LEVEL

    return GENERIC_LEVEL if regions is Regions.none else level.value


@contextmanager
def _progress(description: str, total: int) -> Iterator[Callable[[int, int], None]]:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as progress:
        task = progress.add_task(description, total=total)

        def update(done: int, of: int) -> None:
            progress.update(task, completed=done, total=of)

        yield update


def _load_input(
    data: Path | None,
    framework: Any,
    level: str,
    *,
    sample: bool,
    seed: int,
    sheet: str | None,
    period: str | None,
    regions: Regions = Regions.kemendagri,
    group: str | None = None,
    province: str | None = None,
) -> tuple[Any, dict[str, str], dict[str, str], dict[str, Any]]:
    """(raw Dataset, region names, groups, metadata with coverage) from a file or the sample."""
    from ikp.coverage import measure
    from ikp.io.readers import default_registry, load_data

    if sample or data is None:
        if not sample:
            _fail("berikan berkas data atau --sample / give a data file or --sample")
        from ikp.sample import generate

        s = generate(framework, level, seed=seed)
        cov = measure(s.values.regions, level, registry=default_registry())
        return s.values, s.region_names, s.groups, {**s.metadata, "coverage": cov.to_dict()}
    loaded = load_data(
        data,
        framework,
        level,
        sheet=sheet,
        period=period,
        regions=regions.value,
        group=group,
        province=province,
    )
    _print_warnings(loaded.report)
    values = loaded.dataset.values  # a float array: NaN = empty cell
    if values.size == 0 or not bool((values == values).any()):
        _fail(
            f"{data}: semua sel data kosong (templat belum diisi?); tidak ada yang dihitung "
            "/ every data cell is empty (an untouched template?); nothing to compute"
        )
    meta: dict[str, Any] = {"source": loaded.source, "synthetic": loaded.synthetic}
    if loaded.coverage is not None:
        meta["coverage"] = loaded.coverage.to_dict()
    if loaded.synthetic:
        meta.update(label=SYNTHETIC_LABEL, label_en=SYNTHETIC_LABEL_EN)
    groups = dict(zip(loaded.dataset.regions, loaded.groups, strict=True))
    return loaded.dataset, loaded.region_names, groups, meta


def _print_warnings(report: ValidationReport, shown: int = 3) -> None:
    """The input's warnings on stderr, one line per issue code (count and first messages), so
    that ``compute`` does not hide what ``validate`` shows."""
    by_code: dict[str, list[str]] = {}
    for issue in report.warnings:
        where = issue.location.describe()
        by_code.setdefault(str(issue.code), []).append(
            f"{issue.message}" + (f" ({where})" if where else "")
        )
    for code, messages in by_code.items():
        more = f" (+{len(messages) - shown} lagi / more)" if len(messages) > shown else ""
        err_console.print(
            f"[yellow]peringatan / warning[/] {_esc(code)} ×{len(messages)}: "
            + _esc("; ".join(messages[:shown]))
            + more
        )


def _one_region_warning(n_regions: int) -> None:
    if n_regions == 1:
        err_console.print(
            "[yellow]peringatan / warning:[/] berkas hanya berisi satu wilayah: normalisasi "
            "min-max tidak terdefinisi untuk satu wilayah, skor dan kelasnya tidak bermakna; "
            "pakai --reference dengan hasil run nasional / the file holds one region only: "
            "min-max normalisation is undefined on one region, so its score and class mean "
            "nothing; use --reference with a national run's results"
        )


def _default_run(
    data: Path | None, framework: Any, level: str, *, steps: Any = None, **load: Any
) -> Any:
    """Load the input (file or sample), show its banners, and run the chain (``steps``, or the
    framework's; ``framework`` a Framework or its source)."""
    from ikp.run import compute as run_compute

    fw = _framework(framework) if isinstance(framework, str) else framework
    raw, names, groups, meta = _load_input(data, fw, level, **load)
    _banners(meta)
    return run_compute(
        fw, raw, level, steps=steps, region_names=names, groups=groups, metadata=meta
    )


def _framework(source: str) -> Any:
    from ikp.framework import load_framework

    return load_framework(source)


def _chain(fw: Any, level: str, *choices: Any) -> Any:
    """The step chain with the analyst's method choices, in the order weights, normalize,
    aggregate, aggregate_p, classes (``None`` keeps the framework's)."""
    from ikp.choices import method_chain

    names = ("weights", "normalize", "aggregate", "aggregate_p", "classes")
    return method_chain(fw, level, **dict(zip(names, choices, strict=True)))


def _show_methods(run: Any) -> None:
    """The methods the run used, and every warning of the weighting (e.g. AHP CR > 0.1)."""
    from ikp.choices import describe_methods, methods_used

    used = methods_used(run)
    err_console.print(f"metode / methods: {_esc(describe_methods(used))}")
    for warning in used.get("weight", {}).get("warnings", []):
        err_console.print(f"[yellow]peringatan / warning:[/] {_esc(warning)}")


# --------------------------------------------------------------------------- commands


@app.command()
@handles_errors
def demo(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder keluaran. / Output folder.")
    ] = Path("ikp-output"),
    runs: Annotated[
        int, typer.Option("--runs", help="Jumlah simulasi Monte Carlo. / Monte Carlo runs.")
    ] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Benih acak. / Random seed.")] = 2024,
) -> None:
    """Hitung IKP 2024 dari data contoh SINTETIS untuk semua kab/kota dan provinsi, dengan analisis
    ketidakpastian, lalu tulis semua keluaran dan ringkasan HTML.

    Compute IKP 2024 on SYNTHETIC sample data for every kabupaten/kota and province, with an
    uncertainty analysis, and write all outputs and an HTML summary."""
    from ikp.demo import run_demo

    _synthetic_banner(True)
    started = time.perf_counter()
    with _progress("Monte Carlo", runs) as progress:
        summary = run_demo(out, runs=runs, seed=seed, progress=progress)
    summary_table = Table(title=f"IKP 2024 — {SYNTHETIC_LABEL}")
    summary_table.add_column("tingkat / level")
    summary_table.add_column("wilayah / regions", justify="right")
    for label in summary["labels"]:
        summary_table.add_column(label, justify="right")
    summary_table.add_column("waktu hitung / compute ms", justify="right")
    for level, info in summary["levels"].items():
        summary_table.add_row(
            level,
            str(info["regions"]),
            *[str(info["class_counts"].get(lab, 0)) for lab in summary["labels"]],
            f"{info['compute_ms']:.1f}",
        )
    console.print(summary_table)
    top = Table(title="10 kab/kota paling rawan / most vulnerable (SINTETIS)")
    for col in ("rank", "kode", "nama", "skor", "kelas", "rank p05–p95", "P(tinggi)"):
        top.add_column(col)
    for row in summary["top"]:
        top.add_row(
            str(row["rank"]),
            row["region_code"],
            row["region_name"],
            f"{row['score']:.2f}",
            row["class"],
            f"{row['rank_p05']:.0f}–{row['rank_p95']:.0f}",
            f"{row['prob_top']:.2f}",
        )
    console.print(top)
    console.print(f"Monte Carlo: {runs} runs in {summary['uncertainty_seconds']:.2f} s")
    console.print(
        f"Keluaran / outputs: [bold]{Path(out).resolve()}[/] ({len(summary['files'])} files)"
    )
    console.print(f"Ringkasan HTML / HTML summary: [bold]{_esc(summary['html'])}[/]")
    console.print(f"Selesai dalam / done in {time.perf_counter() - started:.1f} s")
    _synthetic_banner(True)


@app.command()
@handles_errors
def compute(
    data: Annotated[
        Path | None, typer.Argument(help="Berkas data (CSV/XLSX/Parquet). / Data file.")
    ] = None,
    framework: FrameworkOpt = "ikp-2024",
    level: LevelOpt = RegionLevel.regency,
    recipe: Annotated[
        Path | None, typer.Option("--recipe", help="Ulangi resep. / Re-run a recipe (YAML).")
    ] = None,
    allow_other_data: Annotated[
        bool,
        typer.Option(
            "--allow-other-data", help="Resep pada data lain. / Apply a recipe to other data."
        ),
    ] = False,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Folder keluaran. / Output folder.")
    ] = None,
    formats: Annotated[
        str, typer.Option("--formats", help="csv,xlsx,json,parquet")
    ] = "csv,xlsx,json,parquet",
    sample: Annotated[
        bool, typer.Option("--sample", help="Pakai data SINTETIS. / Use synthetic data.")
    ] = False,
    seed: Annotated[int, typer.Option("--seed")] = 2024,
    runs: Annotated[
        int, typer.Option("--uncertainty", help="Simulasi Monte Carlo (0 = tidak). / MC runs.")
    ] = 0,
    sheet: SheetOpt = None,
    period: PeriodOpt = None,
    regions: RegionsOpt = Regions.kemendagri,
    group: GroupOpt = None,
    province: ProvinceOpt = None,
    reference: Annotated[
        Path | None,
        typer.Option(
            "--reference",
            help="Resep atau hasil JSON run nasional: normalisasi dengan batas nasionalnya. / "
            "Recipe or results JSON of a national run: normalise with its national bounds.",
        ),
    ] = None,
    fmt: FormatOpt = OutputFormat.table,
    top: Annotated[
        int | None,
        typer.Option(
            "--top",
            "--limit",
            min=1,
            help="Tampilkan N wilayah peringkat teratas (bawaan: 20 di tabel, semua di csv/json; "
            "berkas --out selalu lengkap). / Show the N highest-ranked regions (default: 20 in "
            "the table, all in csv/json; --out files are always complete).",
        ),
    ] = None,
    weights: WeightsOpt = None,
    normalize: NormalizeOpt = None,
    aggregate: AggregateOpt = None,
    aggregate_p: AggregatePOpt = None,
    classes: ClassesOpt = None,
) -> None:
    """Hitung indeks dari berkas data (atau dari resep). / Compute the index from a data file
    (or regenerate a run from its recipe).

    Tabel terminal: peringkat bilangan bulat, skor 2 desimal, kolom provinsi untuk kab/kota;
    berkas --out menyimpan presisi penuh (CSV dengan BOM UTF-8 agar Excel membacanya benar;
    --format csv ke stdout tanpa BOM). / Terminal table: whole ranks, scores to 2 decimals, a
    province column for kab/kota; --out files keep full precision (CSV with a UTF-8 BOM so Excel
    reads it right; --format csv on stdout has no BOM)."""
    from ikp import recipes
    from ikp.coverage import load_reference
    from ikp.io.results import index_table, write_results
    from ikp.run import compute as run_compute

    if recipe is not None:
        rec = recipes.load(recipe)
        fw = recipes.framework_of(rec)
        lvl = str(rec["region_level"])
        regions = Regions.none if lvl == _level(level, Regions.none) else regions
    else:
        fw = _framework(framework)
        lvl = _level(level, regions)
    steps = _chain(fw, lvl, weights, normalize, aggregate, aggregate_p, classes)
    raw, names, groups, meta = _load_input(
        data,
        fw,
        lvl,
        sample=sample,
        seed=seed,
        sheet=sheet,
        period=period,
        regions=regions,
        group=group,
        province=province,
    )
    if reference is not None:
        if recipe is not None:
            _fail("--reference dan --recipe tidak bisa digabung / cannot be combined")
        if any(c is not None for c in (weights, normalize, aggregate, aggregate_p, classes)):
            _fail(
                "--reference memakai metode proses nasional; jangan digabung dengan --weights, "
                "--normalize, --aggregate atau --classes / --reference uses the national run's "
                "methods; do not combine it with method choices"
            )
        ref = load_reference(reference)
        steps = ref.steps(fw, lvl)
        meta = ref.annotate(meta)
    else:
        _one_region_warning(len(raw.regions))
    _banners(meta)
    started = time.perf_counter()
    if recipe is not None:
        run = recipes.replay(
            rec,
            raw,
            region_names=names,
            groups=groups,
            allow_other_data=allow_other_data,
            metadata=meta,
        )
    else:
        run = run_compute(
            fw, raw, lvl, steps=steps, region_names=names, groups=groups, metadata=meta
        )
    elapsed = (time.perf_counter() - started) * 1000
    _show_methods(run)
    unc = None
    if runs > 0:
        from ikp.choices import uncertainty_spec
        from ikp.uncertainty import run_uncertainty

        with _progress("Monte Carlo", runs) as progress:
            spec = uncertainty_spec(run.framework, n_runs=runs, seed=seed)
            unc = run_uncertainty(run, spec, progress=progress).table
    if out is not None:
        files = write_results(
            run, out, formats=[f.strip() for f in formats.split(",") if f.strip()], uncertainty=unc
        )
        err_console.print(f"{len(files)} berkas ditulis / files written to {_esc(out)}")
    table = index_table(run, unc)
    if lvl == RegionLevel.regency.value:
        table.insert(3, "province", _province_names(table["region_code"]))
    cols = [
        c
        for c in (
            "rank",
            "region_code",
            "region_name",
            "province",
            "score",
            "class",
            "rank_p05",
            "rank_p95",
            "reliability",
        )
        if c in table.columns and table[c].notna().any()  # no class column without classes
    ]
    shown = table[cols] if top is None or fmt is OutputFormat.table else table[cols].head(top)
    if fmt is OutputFormat.table:
        shown = _whole_ranks(shown)
    title = f"{fw.name_id} — {lvl} ({elapsed:.1f} ms)"
    _print_frame(shown, fmt, title=title, limit=20 if top is None else top)
    _banners(meta)


def _province_names(codes: pd.Series) -> list[str]:
    """The name of each kab/kota code's province ('' for a code outside the region list)."""
    from ikp.io.readers import default_registry

    registry = default_registry()
    names: dict[str, str] = {}
    for code in set(codes):
        province = registry.find(str(code).split(".")[0])
        names[code] = province.name if province is not None else ""
    return [names[c] for c in codes]


def _whole_ranks(frame: pd.DataFrame) -> pd.DataFrame:
    """Rank columns as whole numbers for the terminal (interval ends rounded; blank if none)."""
    frame = frame.copy()
    for col in ("rank", "rank_p05", "rank_p95"):
        if col in frame.columns:
            frame[col] = [int(round(v)) if v == v else None for v in frame[col]]
    return frame


@app.command()
@handles_errors
def validate(
    data: Annotated[Path, typer.Argument(help="Berkas data. / Data file.")],
    framework: FrameworkOpt = "ikp-2024",
    level: LevelOpt = RegionLevel.regency,
    province: ProvinceOpt = None,
    sheet: SheetOpt = None,
    period: PeriodOpt = None,
    regions: RegionsOpt = Regions.kemendagri,
    group: GroupOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    errors_only: Annotated[
        bool,
        typer.Option(
            "--errors-only",
            help="Hanya galat, tanpa peringatan (semua format). / Errors only, no warnings "
            "(every format).",
        ),
    ] = False,
    every_warning: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Tabel: setiap peringatan satu baris (bawaan: dikelompokkan per kode). / "
            "Table: every warning on its own line (default: grouped by code).",
        ),
    ] = False,
    lang: Annotated[
        str,
        typer.Option(
            "--lang",
            envvar="IKP_LANG",
            help="Bahasa pesan tabel: id (bawaan) atau en; juga dari variabel IKP_LANG. CSV dan "
            "JSON memuat keduanya (message_id, message_en). / Language of the table's messages: "
            "id (default) or en, or from IKP_LANG; csv and json carry both.",
        ),
    ] = "id",
) -> None:
    """Periksa berkas data dan laporkan SEMUA masalah sekaligus: galat dulu, lalu peringatan.
    / Check a data file and report every issue at once, errors first (exit status 1 on
    errors)."""
    from ikp.io.readers import validate_data
    from ikp.messages import choose_lang

    chosen = choose_lang(lang)
    fw = _framework(framework)
    report = validate_data(
        data,
        fw,
        _level(level, regions),
        sheet=sheet,
        period=period,
        province=province,
        regions=regions.value,
        group=group,
    )
    _print_report(
        report,
        fmt,
        title=f"{data.name}",
        errors_only=errors_only,
        every_warning=every_warning,
        lang=chosen,
    )
    if not report.ok:
        raise typer.Exit(1)


@app.command()
@handles_errors
def template(
    out: Annotated[Path, typer.Argument(help="Berkas keluaran .xlsx/.csv. / Output file.")],
    framework: FrameworkOpt = "ikp-2024",
    level: LevelOpt = RegionLevel.regency,
    province: Annotated[
        str | None,
        typer.Option("--province", help="Hanya kab/kota provinsi ini. / Only this province."),
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="id | en")] = "id",
) -> None:
    """Tulis lembar isian data untuk satu kerangka dan tingkat wilayah. / Write the data-entry
    spreadsheet for a framework and region level."""
    from ikp.io.template import write_template

    fw = _framework(framework)
    path = write_template(fw, level.value, out, province=province, lang=lang)
    console.print(f"Templat ditulis / template written: [bold]{_esc(path)}[/]")


@app.command()
@handles_errors
def audit(
    data: Annotated[Path | None, typer.Argument(help="Berkas data. / Data file.")] = None,
    framework: FrameworkOpt = "ikp-2024",
    level: LevelOpt = RegionLevel.regency,
    sample: Annotated[
        bool, typer.Option("--sample", help="Pakai data SINTETIS. / Use synthetic data.")
    ] = False,
    seed: Annotated[int, typer.Option("--seed")] = 2024,
    sheet: SheetOpt = None,
    period: PeriodOpt = None,
    pval: Annotated[
        float | None,
        typer.Option(
            "--pval",
            min=0.0,
            max=1.0,
            help=(
                "Kosongkan korelasi dengan nilai p di atas batas ini (seperti COINr get_corr, "
                "mis. 0.05). / Blank correlations whose p-value exceeds this (as COINr get_corr, "
                "e.g. 0.05)."
            ),
        ),
    ] = None,
    regions: RegionsOpt = Regions.kemendagri,
    group: GroupOpt = None,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Audit statistik: korelasi (dengan induk, semua leluhur dan saudara), alfa Cronbach, PCA,
    tanda bahaya. / Statistical audit: correlations (with parent, every ancestor and siblings),
    Cronbach's alpha, PCA, flags."""
    from ikp.audit import audit as run_audit

    run = _default_run(
        data,
        framework,
        _level(level, regions),
        sample=sample,
        seed=seed,
        sheet=sheet,
        period=period,
        regions=regions,
        group=group,
    )
    meta = run.metadata
    result = run_audit(run, pval=pval)
    if fmt is OutputFormat.json:
        sys.stdout.write(
            json.dumps(result.to_dict(), ensure_ascii=False, indent=1, default=str) + "\n"
        )
        return
    if fmt is OutputFormat.csv:
        sys.stdout.write(result.correlations.to_csv(index=False))
        return
    groups_table = result.cronbach.merge(
        result.pca[["node", "pc1_share", "n_above_one"]], on="node", how="left"
    )
    _print_frame(groups_table, fmt, title="Kelompok / groups: Cronbach α, PCA")
    corr = result.correlations
    up = corr[corr["relation"] != "sibling"].pivot_table(
        index="node", columns="other_level", values="pearson", aggfunc="first", dropna=False
    )
    fw_nodes = run.framework.nodes
    up = up.reindex(sorted(up.index, key=lambda c: (-fw_nodes[c].level, list(fw_nodes).index(c))))
    up.columns = [f"r_{run.framework.level_name(int(lv), 'id')}" for lv in up.columns]
    title = "Korelasi Pearson dengan induk dan leluhur / Pearson r with parent and ancestors"
    if pval:
        title += f" (p > {pval:g}: kosong / blank)"
    _print_frame(up.reset_index(), fmt, title=title, limit=40)
    _print_frame(
        result.flags[["node", "other", "kind", "value", "message_id"]],
        fmt,
        title="Tanda / flags",
        limit=40,
    )
    _banners(meta)


@app.command()
@handles_errors
def uncertainty(
    data: Annotated[Path | None, typer.Argument(help="Berkas data. / Data file.")] = None,
    framework: FrameworkOpt = "ikp-2024",
    level: LevelOpt = RegionLevel.regency,
    runs: Annotated[
        int, typer.Option("--runs", help="Jumlah simulasi. / Monte Carlo runs.")
    ] = 1000,
    seed: Annotated[int, typer.Option("--seed")] = 1,
    sensitivity: Annotated[
        bool,
        typer.Option("--sensitivity", help="Juga indeks sensitivitas. / Also sensitivity indices."),
    ] = False,
    noise: Annotated[
        str | None,
        typer.Option(
            "--noise",
            help="Model galat jumlah kejadian: poisson (bawaan), negbin, none. / Count noise "
            "model: poisson (default), negbin, none.",
        ),
    ] = None,
    sample: Annotated[
        bool, typer.Option("--sample", help="Pakai data SINTETIS. / Use synthetic data.")
    ] = False,
    sheet: SheetOpt = None,
    period: PeriodOpt = None,
    regions: RegionsOpt = Regions.kemendagri,
    group: GroupOpt = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Tulis CSV. / Write CSV here.")
    ] = None,
    fmt: FormatOpt = OutputFormat.table,
    limit: Annotated[int, typer.Option("--limit")] = 20,
    weights: WeightsOpt = None,
    normalize: NormalizeOpt = None,
    aggregate: AggregateOpt = None,
    aggregate_p: AggregatePOpt = None,
    classes: ClassesOpt = None,
) -> None:
    """Analisis ketidakpastian Monte Carlo dan sensitivitas. / Monte Carlo uncertainty and
    variance-based sensitivity analysis."""
    from ikp.choices import uncertainty_spec
    from ikp.uncertainty import run_sensitivity, run_uncertainty

    fw = _framework(framework)
    lvl = _level(level, regions)
    steps = _chain(fw, lvl, weights, normalize, aggregate, aggregate_p, classes)
    run = _default_run(
        data,
        fw,
        lvl,
        steps=steps,
        sample=sample,
        seed=seed,
        sheet=sheet,
        period=period,
        regions=regions,
        group=group,
    )
    _show_methods(run)
    names, meta = run.region_names, run.metadata
    overrides: dict[str, Any] = {"n_runs": runs, "seed": seed}
    if noise is not None:
        overrides["data_noise"] = {**dict(fw.uncertainty.get("data_noise") or {}), "model": noise}
    try:
        spec = uncertainty_spec(fw, **overrides)
    except ValueError:
        _fail(f"--noise: pilih / choose poisson, negbin, none (bukan / not {noise!r})")
    started = time.perf_counter()
    with _progress("Monte Carlo", runs) as progress:
        result = run_uncertainty(run, spec, progress=progress)
    err_console.print(f"{runs} runs in {time.perf_counter() - started:.2f} s")
    _print_uncertainty_sources(result)
    table = result.table.copy()
    table.insert(1, "region_name", [names.get(r, "") for r in table["region_code"]])
    table = table.sort_values("rank_nominal", kind="stable")
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        if meta.get("synthetic"):
            table.insert(0, "synthetic", True)
        table.to_csv(out, index=False)
    shown = table
    if fmt == OutputFormat.table:  # the terminal gets the key columns; csv/json get all
        keep = ["region_code", "region_name", "rank_nominal", "rank_p05", "rank_p95"]
        keep += ["score_nominal", "score_p05", "score_p95"]
        keep += [f"prob_{lab}" for lab in result.class_labels]
        shown = table[[c for c in keep if c in table.columns]]
    _print_frame(shown, fmt, title="Ketidakpastian peringkat / rank uncertainty", limit=limit)
    if sensitivity:
        sa = run_sensitivity(run, spec)
        if sa.sensitivity is not None:
            _print_frame(sa.sensitivity, fmt, title="Indeks sensitivitas / sensitivity indices")
    _banners(meta)


def _print_uncertainty_sources(result: Any) -> None:
    """What varied, how many replications were classified, and the median score interval."""
    err_console.print("Sumber ketidakpastian / sources of uncertainty varied:")
    for item in result.input_labels:
        err_console.print(f"  - {item['label_id']} / {item['label_en']}")
    t = result.table
    width = float((t["score_p95"] - t["score_p05"]).median())
    err_console.print(
        f"Replikasi terklasifikasi / replications classified: {result.classified_runs} of "
        f"{result.n_summarised}; median interval skor / score interval p05–p95: {width:.2f}"
    )


@app.command()
@handles_errors
def compare(
    a: Annotated[
        Path, typer.Argument(help="Hasil A (CSV/Parquet/JSON dari compute). / Results A.")
    ],
    b: Annotated[Path, typer.Argument(help="Hasil B. / Results B.")],
    node: Annotated[
        str | None, typer.Option("--node", help="Simpul (default indeks). / Node code.")
    ] = None,
    fmt: FormatOpt = OutputFormat.table,
    limit: Annotated[int, typer.Option("--limit")] = 20,
) -> None:
    """Bandingkan dua hasil: perubahan skor dan peringkat per wilayah. / Compare two results:
    score and rank changes per region."""
    from ikp.compare import compare_results, read_results

    table = compare_results(read_results(a), read_results(b), node=node)
    _print_frame(table, fmt, title=f"{a.name} → {b.name}", limit=limit)


@framework_app.command("show")
@handles_errors
def framework_show(
    framework: Annotated[
        str, typer.Argument(help="id bawaan atau berkas. / Built-in id or file.")
    ] = "ikp-2024",
    level: LevelOpt = RegionLevel.regency,
    fmt: FormatOpt = OutputFormat.table,
    lang: Annotated[str, typer.Option("--lang")] = "id",
) -> None:
    """Tampilkan pohon kerangka dan bobot efektif. / Show the tree and effective weights."""
    from rich.tree import Tree

    fw = _framework(framework)
    method = str(fw.method("weight").get("method", "framework"))
    # the file's weighting method (PCA weights depend on the data: the file's weights are shown)
    weights, ahp = fw.method_weights(level.value, None if method != "pca" else "framework")
    eff = fw.effective_weights(level.value, weights)
    if fmt is not OutputFormat.table:
        table = fw.to_table(level.value)
        table["EffectiveWeight"] = [eff[c] for c in table["iCode"]]
        _print_frame(table, fmt, title=fw.id)
        return

    def label(code: str) -> str:
        n = fw.nodes[code]
        return f"[bold]{_esc(code)}[/] {_esc(n.name(lang))}  [dim]w={weights[code]:.4g} eff={eff[code]:.3f}[/]"

    tree = Tree(_esc(f"{fw.root} {fw.nodes[fw.root].name(lang)} ({fw.id} v{fw.version})"))

    def add(branch: Tree, code: str) -> None:
        for kid in fw.children(code):
            add(branch.add(label(kid)), kid)

    add(tree, fw.root)
    console.print(tree)
    note = " (PCA: bobot dari data / weights from the data; file weights shown)" * (method == "pca")
    console.print(f"bobot / weights: {_esc(method)}{note}")
    for code, result in ahp.items():
        flag = "" if result.cr <= fw.method("weight").get("max_cr", 0.1) else " [yellow]![/]"
        console.print(
            f"AHP {_esc(code)}: CR = {result.cr:.3f}, lambda_max = {result.lambda_max:.3f}{flag}"
        )
    for text in fw.assumptions:
        console.print(f"[yellow]asumsi / assumption:[/] {_esc(text)}")


@framework_app.command("check")
@handles_errors
def framework_check(
    framework: Annotated[str, typer.Argument(help="Berkas kerangka. / Framework file.")],
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Periksa berkas kerangka; laporkan semua masalah. / Check a framework file; report every problem."""
    from ikp.framework import check_framework

    fw, report = check_framework(framework)
    _print_report(report, fmt, title=framework)
    if fw is None:
        raise typer.Exit(1)
    if fmt is OutputFormat.table:
        console.print(
            f"{_esc(fw.id)}: {len(fw.indicators)} indikator, "
            + ", ".join(
                f"{len(fw.at_level(lv))} {_esc(fw.level_name(lv))}"
                for lv in range(2, fw.n_levels + 1)
            )
        )


@framework_app.command("export")
@handles_errors
def framework_export(
    framework: Annotated[str, typer.Argument(help="id bawaan atau berkas. / Built-in id or file.")],
    out: Annotated[
        Path, typer.Argument(help=".yaml, .csv atau .xlsx (tabel gaya COINr). / COINr-style table.")
    ],
) -> None:
    """Ekspor kerangka sebagai YAML atau tabel metadata gaya COINr. / Export as YAML or COINr iMeta."""
    from ikp.framework import export_table

    fw = _framework(framework)
    if out.suffix.lower() in (".yaml", ".yml"):
        out.write_text(fw.to_yaml(), "utf-8")
    else:
        export_table(fw, out)
    console.print(f"ditulis / written: [bold]{_esc(out)}[/]")


@app.command()
@handles_errors
def regions(
    query: Annotated[
        str | None, typer.Argument(help="Kode atau nama. / Code or name to look up.")
    ] = None,
    level: Annotated[
        int | None, typer.Option("--level", help="1 provinsi, 2 kab/kota, 3 kecamatan, 4 desa")
    ] = None,
    children: Annotated[
        str | None, typer.Option("--children", help="Anak dari kode ini. / Children of this code.")
    ] = None,
    edition: Annotated[str, typer.Option("--edition", help="current | 2022")] = "current",
    fmt: FormatOpt = OutputFormat.table,
    limit: Annotated[int, typer.Option("--limit")] = 40,
) -> None:
    """Cari wilayah menurut kode atau nama. / Look up regions by code or name."""
    import pandas as pd

    from ikp.regions import LEVELS, RegionRegistry, normalize_code

    deep = (
        (level or 2) > 2
        or (children is not None and children.count(".") >= 1)
        or (query is not None and sum(ch.isdigit() for ch in query) > 4)
    )
    reg = RegionRegistry.load(edition, max_level=4 if deep else 2)
    if children is not None:
        found = list(reg.children(normalize_code(children)))
    elif query is None:
        found = list(reg.at_level(level or 1))
    elif any(ch.isdigit() for ch in query):
        found = [reg.get(query)]
    else:
        found = reg.search(query, level=level, limit=limit)
    frame = pd.DataFrame(
        [
            {
                "kode": r.code,
                "nama": r.name,
                "tingkat": r.level_name,
                "induk": r.parent or "",
                "penduduk": reg.population(r.code),
                "luas_km2": reg.area_km2(r.code),
            }
            for r in found
        ]
    )
    counts = ", ".join(f"{LEVELS[k]}: {v}" for k, v in reg.counts.items())
    _print_frame(frame, fmt, title=f"Wilayah / regions ({reg.edition}) {counts}", limit=limit)


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8000,
    workers: Annotated[int, typer.Option("--workers", help="Proses web. / Web workers.")] = 3,
    runs: Annotated[
        int, typer.Option("--runs", help="Monte Carlo per edisi. / MC runs per edition.")
    ] = 1000,
    reset_passwords: Annotated[
        bool,
        typer.Option(
            "--reset-passwords",
            help="Kata sandi demo baru. / New demo passwords (kept in var/demo-logins.json).",
        ),
    ] = False,
) -> None:
    """Siapkan dan jalankan platform web (SQLite bawaan). / Set up and start the web platform
    (embedded SQLite), printing the address and a demo login for each role."""
    import importlib

    web = importlib.import_module("ikp_web.serve")  # the core never imports the web layer
    raise typer.Exit(
        web.main(host=host, port=port, workers=workers, runs=runs, reset_passwords=reset_passwords)
    )


@app.command()
def version() -> None:
    """Versi. / Version."""
    console.print(f"ikp {ikp.__version__}")


def _django(*args: str) -> None:
    import importlib

    importlib.import_module("ikp_web.cli").run(*args)  # the core never imports the web layer


@app.command()
def backup(file: Annotated[Path, typer.Argument(help="Berkas cadangan. / Backup file.")]) -> None:
    """Cadangkan basis data platform. / Back up the platform's database (SQLite or PostgreSQL
    via DATABASE_URL)."""
    _django("ikp_backup", str(file))


@app.command()
def restore(file: Annotated[Path, typer.Argument(help="Berkas cadangan. / Backup file.")]) -> None:
    """Pulihkan basis data dari cadangan (hentikan server dulu). / Restore the database from a
    backup (stop the server first)."""
    _django("ikp_restore", str(file))


if __name__ == "__main__":
    main()
