"""Read-side helpers: which regions a user works on, their status, the questionnaire's layout,
the change history and the issues of an upload grouped for display. Access rules come from
``ikp_web.apps.accounts.services``; nothing here decides access on its own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ikp.framework import Framework
from ikp_web.apps.accounts import services as scope
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.regions.models import Region
from ikp_web.apps.submissions.models import Observation, ObservationChange, Review, Submission
from ikp_web.apps.submissions.services import format_value

S = Submission.Status

#: order of the statuses on the board (progress order, "returned" after "submitted")
STATUS_ORDER: tuple[str, ...] = (
    S.NOT_STARTED,
    S.DRAFT,
    S.SUBMITTED,
    S.RETURNED,
    S.VERIFIED,
)
STATUS_LABELS: dict[str, Any] = {
    S.NOT_STARTED: _("belum mulai"),
    S.DRAFT: _("draf"),
    S.SUBMITTED: _("dikirim"),
    S.RETURNED: _("dikembalikan"),
    S.VERIFIED: _("terverifikasi"),
}
#: status palette (badges, legend; the map's CSS classes use the same colours): white (nothing
#: yet), then blues for progress (light → dark, readable in grey scale), magenta with stripes
#: for "returned"; regions outside the user's scope are grey. Distinct from the class palette.
STATUS_COLOURS: dict[str, str] = {
    S.NOT_STARTED: "#ffffff",
    S.DRAFT: "#c6dbef",
    S.SUBMITTED: "#6baed6",
    S.RETURNED: "#c51b7d",
    S.VERIFIED: "#08519c",
}
REVIEW_LABELS: dict[str, Any] = {
    Review.Action.SUBMIT: _("dikirim"),
    Review.Action.VERIFY: _("diverifikasi"),
    Review.Action.RETURN: _("dikembalikan"),
    Review.Action.REOPEN: _("dibuka kembali"),
}
FIELD_LABELS: dict[str, Any] = {"value": _("nilai"), "note": _("catatan"), "source": _("sumber")}
VIA_LABELS: dict[str, Any] = {
    "form": _("formulir"),
    "upload": _("unggahan"),
    "seed": _("data awal"),
}


# --------------------------------------------------------------------------- regions


def collected_editions() -> QuerySet[Edition]:
    return Edition.objects.filter(kind=Edition.Kind.COLLECTED).select_related("framework")


def region_level(edition: Edition) -> int:
    return 1 if edition.region_level == Edition.Level.PROVINCE else 2


def edition_regions(edition: Edition) -> QuerySet[Region]:
    return Region.objects.filter(edition=edition.region_edition, level=region_level(edition))


def regions_for(user: Any, edition: Edition) -> QuerySet[Region]:
    """The regions of ``edition`` in ``user``'s jurisdiction (RI and partners: all)."""
    return edition_regions(edition).filter(scope.region_filter(user))


def can_view_region(user: Any, region: Region) -> bool:
    """May ``user`` see the data entered for ``region`` (offices: their jurisdiction; RI and
    partners: everything; the public: nothing)?"""
    if not scope.can_see_unpublished(user):
        return False
    return Region.objects.filter(scope.region_filter(user), pk=region.pk).exists()


def is_overdue(edition: Edition, status: str, today: dt.date | None = None) -> bool:
    if edition.deadline is None or status in (S.SUBMITTED, S.VERIFIED):
        return False
    return (today or timezone.localdate()) > edition.deadline


@dataclass
class StatusRow:
    edition: Edition
    region: Region
    province: Region
    status: str
    updated: dt.datetime | None
    submission: Submission | None
    overdue: bool

    @property
    def status_label(self) -> Any:
        return STATUS_LABELS[self.status]

    @property
    def colour(self) -> str:
        return STATUS_COLOURS[self.status]


def status_rows(edition: Edition, regions: QuerySet[Region]) -> list[StatusRow]:
    """One row per region: its submission's status (not started if there is none)."""
    regions = regions.select_related("parent").order_by("code")
    subs = {
        s.region_id: s
        for s in Submission.objects.filter(edition=edition, region__in=regions).only(
            "id", "region_id", "status", "updated", "edition_id"
        )
    }
    today = timezone.localdate()
    rows = []
    for region in regions:
        sub = subs.get(region.pk)
        status = sub.status if sub is not None else S.NOT_STARTED
        rows.append(
            StatusRow(
                edition=edition,
                region=region,
                province=region.parent or region,
                status=status,
                updated=sub.updated if sub is not None and status != S.NOT_STARTED else None,
                submission=sub,
                overdue=is_overdue(edition, status, today),
            )
        )
    return rows


def status_counts(rows: Iterable[StatusRow]) -> list[dict[str, Any]]:
    counts = dict.fromkeys(STATUS_ORDER, 0)
    for row in rows:
        counts[row.status] += 1
    return [
        {"status": s, "label": STATUS_LABELS[s], "count": counts[s], "colour": STATUS_COLOURS[s]}
        for s in STATUS_ORDER
    ]


SORT_KEYS = {
    "wilayah": lambda r: r.region.code,
    "nama": lambda r: r.region.name,
    "provinsi": lambda r: (r.province.name, r.region.code),
    "status": lambda r: (STATUS_ORDER.index(r.status), r.region.code),
    "diperbarui": lambda r: (r.updated is None, r.updated or timezone.now(), r.region.code),
    "terlambat": lambda r: (not r.overdue, r.region.code),
}


def sort_rows(rows: list[StatusRow], key: str) -> tuple[list[StatusRow], str]:
    """Sort by ``key`` (a SORT_KEYS name, ``-`` prefix for descending); unknown keys sort by
    region code. Returns the rows and the key used."""
    desc = key.startswith("-")
    name = key.lstrip("-")
    if name not in SORT_KEYS:
        return sorted(rows, key=SORT_KEYS["wilayah"]), "wilayah"
    return sorted(rows, key=SORT_KEYS[name], reverse=desc), key


# --------------------------------------------------------------------------- questionnaire


@dataclass
class HistoryEntry:
    level: str
    field: str
    old: str
    new: str
    who: str
    when: dt.datetime
    via: str

    @property
    def field_label(self) -> Any:
        return FIELD_LABELS.get(self.field, self.field)

    @property
    def via_label(self) -> Any:
        return VIA_LABELS.get(self.via, self.via)


def history_by_indicator(submission: Submission | None) -> dict[str, list[HistoryEntry]]:
    if submission is None:
        return {}
    out: dict[str, list[HistoryEntry]] = {}
    changes = (
        ObservationChange.objects.filter(observation__submission=submission)
        .select_related("observation", "changed_by")
        .order_by("-changed", "-pk")
    )
    for ch in changes:
        obs = ch.observation
        out.setdefault(obs.indicator_code, []).append(
            HistoryEntry(
                level=obs.incidence_level,
                field=ch.field,
                old=ch.old,
                new=ch.new,
                who=ch.changed_by.username if ch.changed_by is not None else "—",
                when=ch.changed,
                via=ch.via,
            )
        )
    return out


def stored_values(submission: Submission | None) -> dict[tuple[str, str], Observation]:
    if submission is None:
        return {}
    return {
        (o.indicator_code, o.incidence_level): o
        for o in Observation.objects.filter(submission=submission)
    }


def initial_data(
    framework: Framework, stored: Mapping[tuple[str, str], Observation]
) -> dict[str, str]:
    """The questionnaire's initial values as text (never localised: ``2.5``, not ``2,5``).
    Notes and sources come from the indicator's row without a level; data seeded with a source
    on each level row show that source."""
    initial: dict[str, str] = {}
    levels = [lv.code for lv in framework.incidence_levels]
    for code in framework.indicators:
        node = framework.nodes[code]
        keys = [(code, lv) for lv in levels] if node.input_type == "count" and levels else []
        keys = keys or [(code, "")]
        for key in keys:
            obs = stored.get(key)
            if obs is not None and obs.value is not None:
                initial[f"{code}_{key[1]}" if key[1] else code] = format_value(obs.value)
        head = stored.get((code, ""))
        note = head.note if head is not None else ""
        source = head.source if head is not None else ""
        if not source:
            source = next((stored[k].source for k in keys if k in stored and stored[k].source), "")
        if note:
            initial[f"{code}_note"] = note
        if source:
            initial[f"{code}_source"] = source
    return initial


@dataclass
class LevelInput:
    field: Any  # BoundField
    level_code: str
    label: str
    weight: float


@dataclass
class IndicatorBlock:
    code: str
    name: str
    other_name: str
    input_type: str
    unit: str
    inputs: list[LevelInput]
    note: Any
    source: Any
    history: list[HistoryEntry]
    weighted_only: str = ""  # a weighted value uploaded without counts per level

    @property
    def has_errors(self) -> bool:
        return (
            any(i.field.errors for i in self.inputs)
            or bool(self.note.errors)
            or bool(self.source.errors)
        )


@dataclass
class Section:
    code: str
    name: str
    depth: int  # 1 = dimension (below the index), 2 = sub-dimension, …
    level_name: str
    indicators: list[IndicatorBlock] = field(default_factory=list)


def questionnaire_sections(
    framework: Framework,
    form: Any,
    stored: Mapping[tuple[str, str], Observation],
    history: Mapping[str, list[HistoryEntry]],
) -> list[Section]:
    """The framework's tree below the index as a flat list of sections (dimension, its
    sub-dimensions, …), each with the indicators directly under it, in framework order."""
    lang = "en" if (get_language() or "id").startswith("en") else "id"
    other = "id" if lang == "en" else "en"
    levels = framework.incidence_levels
    sections: list[Section] = []

    def block(code: str) -> IndicatorBlock:
        kid = framework.nodes[code]
        inputs = []
        if kid.input_type == "count" and levels:
            for lv in levels:
                inputs.append(
                    LevelInput(
                        form[f"{code}_{lv.code}"],
                        lv.code,
                        lv.name.en if lang == "en" else lv.name.id,
                        lv.weight,
                    )
                )
        else:
            inputs.append(LevelInput(form[code], "", "", 1.0))
        weighted = ""
        head = stored.get((code, ""))
        if kid.input_type == "count" and levels and head is not None and head.value is not None:
            weighted = format_value(head.value)
        return IndicatorBlock(
            code=code,
            name=kid.name(lang),
            other_name=kid.name(other),
            input_type=kid.input_type or "score",
            unit=kid.unit or "",
            inputs=inputs,
            note=form[f"{code}_note"],
            source=form[f"{code}_source"],
            history=list(history.get(code, [])),
            weighted_only=weighted,
        )

    def visit(code: str, depth: int) -> None:
        node = framework.nodes[code]
        section = Section(code, node.name(lang), depth, framework.level_name(node.level, lang))
        sections.append(section)
        for child in node.children:
            if framework.nodes[child].level == 1:
                section.indicators.append(block(child))
            else:
                visit(child, depth + 1)

    root = framework.nodes[framework.root]
    loose = [c for c in root.children if framework.nodes[c].level == 1]
    if loose:  # indicators directly under the index
        holder = Section(root.code, root.name(lang), 1, framework.level_name(root.level, lang))
        holder.indicators = [block(c) for c in loose]
        sections.append(holder)
    for child in root.children:
        if framework.nodes[child].level != 1:
            visit(child, 1)
    return sections


def error_summary(form: Any, sections: Sequence[Section]) -> list[dict[str, str]]:
    """Every field error, in page order, with the field's id and a readable label."""
    out: list[dict[str, str]] = []
    for section in sections:
        for block in section.indicators:
            for item in block.inputs:
                for message in item.field.errors:
                    where = f"{block.code}" + (
                        f" · {item.label} ({item.level_code})" if item.level_code else ""
                    )
                    out.append({"id": item.field.id_for_label, "label": where, "message": message})
            for bound, what in ((block.note, _("catatan")), (block.source, _("sumber"))):
                for message in bound.errors:
                    out.append(
                        {
                            "id": bound.id_for_label,
                            "label": f"{block.code} · {what}",
                            "message": message,
                        }
                    )
    for message in form.non_field_errors():
        out.append({"id": "", "label": "", "message": message})
    return out


def filled_counts(
    framework: Framework, stored: Mapping[tuple[str, str], Observation]
) -> dict[str, int]:
    """How many indicators have at least one value, and how many have none."""
    have = {code for (code, _lv), obs in stored.items() if obs.value is not None}
    n = len(framework.indicators)
    filled = sum(1 for code in framework.indicators if code in have)
    return {"filled": filled, "empty": n - filled, "total": n}


def reviews(submission: Submission | None) -> list[dict[str, Any]]:
    """Submissions and reviews of ``submission``, newest first, with their comments."""
    if submission is None:
        return []
    return [
        {
            "action": r.action,
            "label": REVIEW_LABELS.get(r.action, r.action),
            "by": r.by.username if r.by is not None else "—",
            "created": r.created,
            "comment": r.comment,
        }
        for r in submission.reviews.select_related("by").order_by("-created", "-pk")
    ]


# --------------------------------------------------------------------------- upload issues

ISSUE_TITLES: dict[str, Any] = {
    "FILE_UNREADABLE": _("File tidak dapat dibaca"),
    "NOT_UTF8": _("File CSV bukan UTF-8"),
    "RAGGED_ROW": _("Jumlah sel per baris tidak sama"),
    "MERGED_CELLS": _("Sel digabung (merge)"),
    "WRONG_SHEET": _("Sheet 'data' tidak ditemukan"),
    "EMPTY_FILE": _("File kosong"),
    "MISSING_COLUMN": _("Kolom tidak ada"),
    "UNKNOWN_COLUMN": _("Kolom tidak dikenal"),
    "DUPLICATE_COLUMN": _("Kolom ganda"),
    "MALFORMED_REGION_CODE": _("Kode wilayah tidak valid"),
    "UNKNOWN_REGION_CODE": _("Kode wilayah tidak dikenal"),
    "WRONG_REGION_LEVEL": _("Tingkat wilayah salah"),
    "OUTSIDE_JURISDICTION": _("Wilayah di luar kewenangan unggahan ini"),
    "REGION_NAME_MISMATCH": _("Nama wilayah tidak cocok dengan kodenya"),
    "DUPLICATE_REGION_CODE": _("Kode wilayah muncul lebih dari sekali"),
    "DUPLICATE_ROW": _("Baris ganda"),
    "UNKNOWN_INDICATOR": _("Indikator tidak dikenal"),
    "UNKNOWN_INCIDENCE_LEVEL": _("Tingkat kejadian tidak dikenal"),
    "NOT_NUMERIC": _("Bukan angka"),
    "NOT_INTEGER": _("Jumlah kejadian bukan bilangan bulat"),
    "NEGATIVE_COUNT": _("Jumlah kejadian negatif"),
    "OUT_OF_RANGE": _("Nilai di luar rentang"),
    "CONFLICTING_VALUES": _("Nilai yang saling bertentangan"),
    "PERIOD_REQUIRED": _("Periode harus dipilih"),
    "UNKNOWN_PERIOD": _("Periode tidak ada di file"),
    "MISSING_VALUE": _("Nilai kosong"),
    "MISSING_REGIONS": _("Wilayah tidak ada di file"),
    "SUBMISSION_LOCKED": _("Data wilayah sudah dikirim atau diverifikasi"),
    "SYNTHETIC_DATA": _("Data sintetis pada edisi data asli"),
    # TPS checklists (ikp.tps)
    "MALFORMED_TPS_CODE": _("Kode TPS tidak valid"),
    "BAD_TPS_NUMBER": _("Nomor TPS tidak valid"),
    "TPS_VILLAGE_MISMATCH": _("Kode TPS tidak cocok dengan desanya"),
    "DUPLICATE_TPS_CODE": _("Kode TPS muncul lebih dari sekali"),
    "BAD_CHECK_VALUE": _("Isian bukan ya/tidak"),
}


def issue_groups(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The report's issues grouped by code, errors first, each group in file order."""
    groups: dict[str, dict[str, Any]] = {}
    for issue in report.get("issues", []):
        code = issue["code"]
        group = groups.setdefault(
            code,
            {
                "code": code,
                "title": ISSUE_TITLES.get(code, code),
                "severity": issue.get("severity", "error"),
                "issues": [],
            },
        )
        if issue.get("severity") == "error":
            group["severity"] = "error"
        loc = issue.get("location") or {}
        rows = (issue.get("params") or {}).get("rows") or ([loc["row"]] if loc.get("row") else [])
        group["issues"].append(
            {
                "rows": ", ".join(str(r) for r in rows[:20]) + (" …" if len(rows) > 20 else ""),
                "column": loc.get("column") or "",
                "region_code": loc.get("region_code") or "",
                "message": issue.get("message", ""),
                "hint": issue.get("hint") or "",
            }
        )
    ordered = sorted(groups.values(), key=lambda g: g["severity"] != "error")
    for group in ordered:
        group["count"] = len(group["issues"])
    return ordered
