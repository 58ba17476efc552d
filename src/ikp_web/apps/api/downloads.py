"""Tables for download (CSV and XLSX): the ranking of one node and all results of an edition.

Every file says where its numbers come from: a ``synthetic`` column (and the label
*DATA SINTETIS — bukan data Bawaslu* in ``label``) on synthetic data, a ``source`` per row
(Bawaslu's published figures keep their own address), and in XLSX a first sheet *Catatan*
(cover note) with the edition, version, publication date, filters and the label.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

from ikp import SYNTHETIC_LABEL, SYNTHETIC_LABEL_EN
from ikp_web.apps.api.queries import FrameworkInfo, is_synthetic, prob_field
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.scoring.models import Computation

RANKING_COLUMNS = (
    "rank",
    "code",
    "name",
    "province_code",
    "province",
    "score",
    "class",
    "rank_p05",
    "rank_p95",
    "reliability",
    "synthetic",
    "label",
    "source",
)
RESULTS_COLUMNS = (
    "code",
    "name",
    "province_code",
    "province",
    "node",
    "node_name",
    "level",
    "score",
    "rank",
    "class",
    "rank_p05",
    "rank_median",
    "rank_p95",
    "reliability",
    "synthetic",
    "label",
    "source",
)


def with_probabilities(columns: Sequence[str], class_labels: Sequence[str]) -> tuple[str, ...]:
    """``columns`` with ``prob_<label>`` for each class label of the framework after ``class``
    (``prob_rendah, prob_sedang, prob_tinggi`` for IKP)."""
    i = list(columns).index("class") + 1
    return (*columns[:i], *(prob_field(label) for label in class_labels), *columns[i:])


COLUMN_NOTES = (
    ("rank", "peringkat, 1 = paling rawan / rank, 1 = most vulnerable"),
    ("score", "skor 0–100, makin tinggi makin rawan / score 0–100, higher = more vulnerable"),
    ("class", "kelas kerawanan: rendah, sedang, tinggi / vulnerability class"),
    (
        "prob_<kelas>",
        "peluang wilayah berada di kelas itu (bagian ulangan Monte Carlo), 0–1 / probability of "
        "the class (share of Monte Carlo runs), 0–1",
    ),
    (
        "rank_p05, rank_p95",
        "interval peringkat 90% dari analisis ketidakpastian (Monte Carlo) / 90% rank interval "
        "from the uncertainty analysis",
    ),
    ("reliability", "keandalan data: bagian data yang tersedia / share of the data present"),
    ("synthetic", "true = DATA SINTETIS, bukan data Bawaslu / synthetic data, not Bawaslu's"),
    ("source", "sumber angka / source of the figure"),
)


@dataclass
class Table:
    title: str
    sheet: str
    columns: Sequence[str]
    rows: list[list[Any]]
    synthetic: bool
    cover: list[tuple[str, Any]] = field(default_factory=list)


def _round(value: Any, digits: int = 4) -> Any:
    return round(value, digits) if isinstance(value, float) else value


def _probabilities(row: dict[str, Any], labels: Sequence[str]) -> list[Any]:
    probs = row["class_probabilities"]
    return [_round(probs.get(label)) for label in labels]


def _provenance(edition: Edition, comp: Computation) -> tuple[bool, str, str]:
    synthetic = is_synthetic(edition, comp)
    label = SYNTHETIC_LABEL if synthetic else ""
    default_source = comp.source or edition.source or (SYNTHETIC_LABEL if synthetic else "")
    return synthetic, label, default_source


def _cover(
    title: str, edition: Edition, comp: Computation, filters: dict[str, Any]
) -> list[tuple[str, Any]]:
    synthetic = is_synthetic(edition, comp)
    lines: list[tuple[str, Any]] = []
    if synthetic:
        lines.append((SYNTHETIC_LABEL, SYNTHETIC_LABEL_EN))
    lines += [
        ("Judul / Title", title),
        ("Edisi / Edition", f"{edition.slug} — {edition.name}"),
        ("Versi / Version", comp.version),
        (
            "Diterbitkan / Published",
            comp.published_at.isoformat() if comp.published else "belum / not yet (draft)",
        ),
        ("Tingkat wilayah / Region level", edition.region_level),
        ("Edisi kode wilayah / Region edition", edition.region_edition),
        ("Sumber / Source", comp.source or edition.source or "-"),
        ("Hash input / Input hash", comp.input_hash or "-"),
        ("Dibuat / Generated", timezone.now().isoformat(timespec="seconds")),
    ]
    lines += [(f"Filter: {k}", v) for k, v in filters.items() if v not in (None, "")]
    lines += [(f"Kolom / Column {k}", v) for k, v in COLUMN_NOTES]
    return lines


def ranking_table(
    edition: Edition,
    comp: Computation,
    info: FrameworkInfo,
    rows: list[dict[str, Any]],
    filters: dict[str, Any],
) -> Table:
    synthetic, label, default_source = _provenance(edition, comp)
    node = info.nodes[str(filters["node"])]
    title = f"Peringkat {node.code} — {node.name_id} / Ranking {node.name_en or node.code}"
    labels = info.class_labels
    data = [
        [
            r["rank"],
            r["region_code"],
            r["region_name"],
            r["province_code"],
            r["province_name"],
            _round(r["score"]),
            r["class"] or "",
            *_probabilities(r, labels),
            r["rank_p05"],
            r["rank_p95"],
            _round(r["reliability"]),
            "true" if synthetic else "false",
            label,
            r["source"] or default_source,
        ]
        for r in rows
    ]
    return Table(
        title,
        "Peringkat",
        with_probabilities(RANKING_COLUMNS, labels),
        data,
        synthetic,
        _cover(title, edition, comp, filters),
    )


def results_table(
    edition: Edition,
    comp: Computation,
    info: FrameworkInfo,
    rows: list[dict[str, Any]],
    filters: dict[str, Any],
) -> Table:
    synthetic, label, default_source = _provenance(edition, comp)
    title = f"Hasil {edition.name} / Results (semua simpul / all nodes)"
    ordered = sorted(
        rows,
        key=lambda r: (
            -r["level"],
            r["node_code"],
            r["rank"] is None,
            r["rank"] or 0,
            r["region_code"],
        ),
    )
    data = []
    for r in ordered:
        node = info.nodes.get(r["node_code"])
        data.append(
            [
                r["region_code"],
                r["region_name"],
                r["province_code"],
                r["province_name"],
                r["node_code"],
                node.name_id if node is not None else "",
                r["level"],
                _round(r["score"]),
                r["rank"],
                r["class"] or "",
                *_probabilities(r, info.class_labels),
                r["rank_p05"],
                r["rank_median"],
                r["rank_p95"],
                _round(r["reliability"]),
                "true" if synthetic else "false",
                label,
                r["source"] or default_source,
            ]
        )
    columns = with_probabilities(RESULTS_COLUMNS, info.class_labels)
    return Table(title, "Hasil", columns, data, synthetic, _cover(title, edition, comp, filters))


def to_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark (so spreadsheet programs read the names right), a header
    row, one row per region (× node); empty cells for missing values."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow(["" if v is None else v for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(table: Table) -> bytes:
    """A workbook: sheet *Catatan* (cover note) first, then the table."""
    wb = Workbook(write_only=True)
    cover = wb.create_sheet("Catatan")
    cover.column_dimensions["A"].width = 38
    cover.column_dimensions["B"].width = 100
    bold = Font(bold=True)
    warn_font = Font(bold=True, color="FFFFFF")
    warn_fill = PatternFill("solid", fgColor="8B0000")
    for key, value in table.cover:
        a, b = WriteOnlyCell(cover, value=key), WriteOnlyCell(cover, value=value)
        a.font = bold
        if key == SYNTHETIC_LABEL:
            a.font = b.font = warn_font
            a.fill = b.fill = warn_fill
        cover.append([a, b])
    sheet = wb.create_sheet(table.sheet)
    header = []
    for name in table.columns:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in table.rows:
        sheet.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
