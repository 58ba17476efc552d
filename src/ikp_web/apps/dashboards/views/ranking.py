"""``/peringkat/``: the ranking table, sortable on the server (``?sort=``), filtered by province,
class and component (``?provinsi=``, ``?kelas=``, ``?dimensi=``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from ikp_web.apps.dashboards.maps import lang, national_geometry, profile_url
from ikp_web.apps.dashboards.queries import Choice, CompData, Labels, Row, cached, comp_data
from ikp_web.apps.dashboards.views.common import (
    Option,
    base_context,
    choose,
    level_note,
    node_name,
    node_options,
    pick_node,
    requested_level,
)

# sort key → (value of an entry, text column?)
SORT_KEYS = ("rank", "score", "name", "code", "province", "class", "interval", "reliability")
TEXT_KEYS = {"name", "code", "province"}
DOWNLOAD_CSV = "/unduh/peringkat.csv"
DOWNLOAD_XLSX = "/unduh/peringkat.xlsx"


@dataclass
class Entry:
    code: str
    name: str
    province_code: str
    province_name: str
    row: Row
    class_index: int
    class_name: str
    class_probability: float | None
    url: str | None

    def sort_value(self, key: str) -> Any:
        r = self.row
        return {
            "rank": r.rank,
            "score": r.score,
            "name": self.name.lower(),
            "code": self.code,
            "province": self.province_name.lower(),
            "class": self.class_index if self.class_index >= 0 else None,
            "interval": r.rank_p05,
            "reliability": r.reliability,
        }[key]


def entries(
    choice: Choice, data: CompData, node: str, labels: Labels, current_codes: set[str]
) -> list[Entry]:
    out = []
    language = lang()
    for code, row in data.nodes.get(node, {}).items():
        prov = data.province_of.get(code, "")
        i = labels.index(row.klass)
        out.append(
            Entry(
                code=code,
                name=data.names.get(code, code),
                province_code=prov,
                province_name=data.province_names.get(prov, prov),
                row=row,
                class_index=i,
                class_name=labels.name(row.klass, language) if row.klass else "",
                class_probability=row.probs.get(row.klass) if row.klass else None,
                url=profile_url(code, choice) if code in current_codes else None,
            )
        )
    return out


def sort_entries(items: list[Entry], sort: str) -> list[Entry]:
    key = sort.lstrip("-")
    keyed = [(e.sort_value(key), e) for e in items]
    present = [(v, e) for v, e in keyed if v is not None]
    missing = [e for v, e in keyed if v is None]
    present.sort(key=lambda ve: (ve[0], ve[1].code), reverse=sort.startswith("-"))
    missing.sort(key=lambda e: e.code)
    return [e for _, e in present] + missing


def table(
    choice: Choice,
    data: CompData,
    node: str,
    labels: Labels,
    province: str,
    klass: str,
    sort: str,
) -> dict[str, Any]:
    """The filtered, sorted rows (rendered) and which optional columns they have; cached per
    published computation and query."""

    def build() -> dict[str, Any]:
        level = "province" if choice.level == "province" else "regency"
        current = {s.code for s in national_geometry(level)[1]}
        items = entries(choice, data, node, labels, current)
        if province:
            items = [e for e in items if e.province_code == province]
        if klass:
            items = [e for e in items if e.row.klass == klass]
        items = sort_entries(items, sort)
        flags = {
            "has_interval": any(e.row.rank_p05 is not None for e in items),
            "has_probs": any(e.class_probability is not None for e in items),
            "has_reliability": any(e.row.reliability is not None for e in items),
            "has_sources": any(e.row.source for e in items),
        }
        html = render_to_string(
            "dashboards/_ranking_rows.html",
            {
                "items": items,
                "n_columns": 5 + (choice.level == "regency") + sum(flags.values()),
                "show_province": choice.level == "regency",
                **flags,
            },
        )
        return {"rows_html": html, "shown": len(items), **flags}

    out: dict[str, Any] = cached(choice, f"table:{node}:{province}:{klass}:{sort}:{lang()}", build)
    return out


def ranking(request: HttpRequest) -> HttpResponse:
    level = requested_level(request)
    choice = choose(request, level)
    ctx = base_context(request, choice)
    ctx["form_action"] = reverse("dashboards:ranking")
    if choice is None:
        return render(request, "dashboards/ranking.html", ctx)
    fw, labels = ctx["fw"], ctx["labels"]
    data = comp_data(choice)
    notes: list[str] = []
    note = level_note(choice, level)
    if note:
        notes.append(note)
    node = pick_node(fw, data, request.GET.get("dimensi"), notes)
    province = request.GET.get("provinsi", "")
    if province and (choice.level != "regency" or province not in data.province_names):
        notes.append(_("Filter provinsi %(code)s tidak dikenal; diabaikan.") % {"code": province})
        province = ""
    klass = request.GET.get("kelas", "")
    if klass and klass not in labels.id:
        notes.append(_("Kelas %(name)s tidak dikenal; diabaikan.") % {"name": klass})
        klass = ""
    sort = request.GET.get("sort", "") or "rank"
    if sort.lstrip("-") not in SORT_KEYS:
        notes.append(
            _("Urutan %(sort)s tidak dikenal; diurutkan menurut peringkat.") % {"sort": sort}
        )
        sort = "rank"
    found = table(choice, data, node, labels, province, klass, sort)

    params = {"edisi": choice.key, "tingkat": choice.level_param, "dimensi": node}
    if province:
        params["provinsi"] = province
    if klass:
        params["kelas"] = klass
    base_query = urlencode(params)
    query = urlencode({**params, "sort": sort})
    columns = [
        ("rank", _("Peringkat"), "num", True),
        ("code", _("Kode"), "text", True),
        ("name", _("Wilayah"), "text", True),
    ]
    if choice.level == "regency":
        columns.append(("province", _("Provinsi"), "text", True))
    columns += [("score", _("Skor"), "num", True), ("class", _("Kelas"), "num", True)]
    if found["has_interval"]:
        columns.append(("interval", _("Interval peringkat (p05–p95)"), "num", True))
    if found["has_probs"]:
        columns.append(("prob", _("P(kelas)"), "num", False))
    if found["has_reliability"]:
        columns.append(("reliability", _("Keandalan data"), "num", True))
    if found["has_sources"]:
        columns.append(("source", _("Sumber"), "text", False))
    headers = []
    current_key, descending = sort.lstrip("-"), sort.startswith("-")
    for key, label, kind, sortable in columns:
        aria = ""
        next_sort = key
        if key == current_key:
            aria = "descending" if descending else "ascending"
            next_sort = key if descending else f"-{key}"
        headers.append(
            {
                "key": key,
                "label": label,
                "type": kind,
                "sortable": sortable,
                "aria": aria,
                "align": "num" if kind == "num" and key != "class" else "",
                "href": f"?{base_query}&sort={next_sort}",
            }
        )
    rows_html = found["rows_html"]
    total = len(data.nodes.get(node, {}))
    ctx.update(
        {
            "rows_html": rows_html,
            "node": node,
            "node_label": node_name(fw, node),
            "node_options": node_options(fw, data, node),
            "province_options": [
                Option(code, f"{name} ({code})", code == province)
                for code, name in sorted(data.province_names.items())
            ]
            if choice.level == "regency"
            else [],
            "class_options": [
                Option(lab, labels.name(lab, lang()), lab == klass) for lab in labels.id
            ],
            "shown": found["shown"],
            "total": total,
            "headers": headers,
            "sort": sort,
            "notes": notes,
            "query": query,
            "map_query": urlencode(
                {"edisi": choice.key, "tingkat": choice.level_param, "dimensi": node}
            ),
            "download_csv": f"{DOWNLOAD_CSV}?{query}",
            "download_xlsx": f"{DOWNLOAD_XLSX}?{query}",
            "n_scored": data.n_scored.get(node, 0),
            "is_index": node == fw.root,
        }
    )
    return render(request, "dashboards/ranking.html", ctx)
