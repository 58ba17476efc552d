"""``/peringkat/``: the ranking table, sortable on the server (``?sort=``), filtered by province,
class and component (``?provinsi=``, ``?kelas=``, ``?dimensi=``). With an uncertainty analysis
the table shows the probability of every class, P(rendah), P(sedang), P(tinggi), each sortable
(``?sort=-prob_tinggi``); the quick view *sedang tapi berisiko* is
``?kelas=sedang&sort=-prob_tinggi``. The sort keys are the API's ``ordering`` values, so the
table's downloads keep the page's order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from ikp_web.apps.api.queries import PROB_PREFIX, prob_field
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

# sort keys (and ``prob_<label>`` for each class label of the framework)
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
    probs: list[tuple[str, float | None]]  # (class label, probability) in the framework's order
    url: str | None

    def sort_value(self, key: str) -> Any:
        r = self.row
        if key.startswith(PROB_PREFIX):
            return r.probs.get(key[len(PROB_PREFIX) :])
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
                probs=[(lab, row.probs.get(lab)) for lab in labels.id],
                url=profile_url(code, choice) if code in current_codes else None,
            )
        )
    return out


def sort_entries(items: list[Entry], sort: str) -> list[Entry]:
    key = sort.lstrip("-")
    keyed = [(e.sort_value(key), e) for e in items]
    present = [(v, e) for v, e in keyed if v is not None]
    missing = [e for v, e in keyed if v is None]
    # ties by region code in both directions (as the API and the downloads order them)
    present.sort(key=lambda ve: ve[1].code)
    present.sort(key=lambda ve: ve[0], reverse=sort.startswith("-"))
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
            "has_probs": any(p is not None for e in items for _, p in e.probs),
            "has_reliability": any(e.row.reliability is not None for e in items),
            "has_sources": any(e.row.source for e in items),
        }
        n_columns = 5 + (choice.level == "regency") + sum(flags.values())
        if flags["has_probs"]:
            n_columns += len(labels.id) - 1
        html = render_to_string(
            "dashboards/_ranking_rows.html",
            {
                "items": items,
                "n_columns": n_columns,
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
    if sort.lstrip("-") not in sort_keys(labels.id):
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
        columns += [
            (prob_field(lab), f"P({labels.name(lab, lang())})", "num", True) for lab in labels.id
        ]
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
            "at_risk": at_risk(labels, found["has_probs"], params, klass, sort),
        }
    )
    return render(request, "dashboards/ranking.html", ctx)


def sort_keys(class_labels: tuple[str, ...]) -> tuple[str, ...]:
    return SORT_KEYS + tuple(prob_field(lab) for lab in class_labels)


def at_risk(
    labels: Labels, has_probs: bool, params: dict[str, str], klass: str, sort: str
) -> dict[str, Any] | None:
    """The quick view *sedang tapi berisiko*: the regions of the second-highest class, most
    likely to be in the highest class first (``?kelas=sedang&sort=-prob_tinggi``). None without
    class probabilities or with fewer than two classes."""
    if not has_probs or len(labels.id) < 2:
        return None
    middle, top = labels.id[-2], labels.id[-1]
    sort_key = f"-{prob_field(top)}"
    query = urlencode({**params, "kelas": middle, "sort": sort_key})
    names = {"middle": labels.name(middle, lang()), "top": labels.name(top, lang())}
    return {
        "href": f"?{query}",
        "active": klass == middle and sort == sort_key,
        "label": _("%(middle)s tapi berisiko") % names,
        "help": _("wilayah kelas %(middle)s, yang paling mungkin %(top)s lebih dulu") % names,
    }
