"""``/wilayah/<region_code>/``: a region's profile — score, class, rank with its uncertainty
interval, data reliability, dimension and sub-dimension bars, indicator detail, comparisons
(national and provincial averages, its province, the previous version and edition), its map,
and Bawaslu's published IKP 2024 figure."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from ikp.framework import Framework
from ikp.published import (
    PUBLISHED_REGION_EDITION,
    published_provinces_on_current_map,
    published_regencies_top10,
)
from ikp.regions import RegionRegistry
from ikp.report import svgmap
from ikp_web.apps.dashboards.maps import (
    district_map,
    lang,
    legend,
    profile_url,
    province_regencies_map,
)
from ikp_web.apps.dashboards.queries import (
    Choice,
    CompData,
    Labels,
    Row,
    cached,
    comp_data,
    framework_of,
    indicator_results,
    labels_of,
    previous_edition,
    previous_version,
    region_or_404,
    sibling,
    source_code,
)
from ikp_web.apps.dashboards.views.common import base_context, choices, choose, node_name, seen
from ikp_web.apps.live.panels import LIVE_HEADER, region_panel, with_incident_points


@dataclass
class NodeLine:
    code: str
    name: str
    level: int
    level_name: str
    row: Row | None
    class_index: int
    class_name: str
    national: float | None
    provincial: float | None
    n: int


@dataclass
class Comparison:
    label: str
    score: float | None
    klass: str
    class_index: int
    rank: float | None
    n: int | None
    difference: float | None
    url: str | None = None
    note: str = ""


def _finite(x: float | None) -> float | None:
    return x if x is not None and math.isfinite(x) else None


def _diff(a: float | None, b: float | None) -> float | None:
    return a - b if a is not None and b is not None else None


def node_lines(
    fw: Framework, data: CompData, labels: Labels, code: str, province: str | None
) -> list[NodeLine]:
    """Dimensions, each followed by its sub-dimensions, as far as the computation has them."""
    out = []
    language = lang()
    top = fw.n_levels - 1
    for dim in fw.at_level(top):
        for node in (dim, *fw.children(dim)):
            n = fw.nodes[node]
            if n.level < 2 or node not in data.nodes:
                continue
            row = data.nodes[node].get(code)
            klass = row.klass if row is not None else ""
            provincial = data.province_mean.get(node, {}).get(province) if province else None
            out.append(
                NodeLine(
                    code=node,
                    name=n.name(language),
                    level=n.level,
                    level_name=fw.level_name(n.level, language),
                    row=row,
                    class_index=labels.index(klass),
                    class_name=labels.name(klass, language) if klass else "",
                    national=_finite(data.national_mean.get(node)),
                    provincial=_finite(provincial),
                    n=data.n_scored.get(node, 0),
                )
            )
    return out


@dataclass
class ProbLine:
    """The class probabilities of one node for one region (Monte Carlo)."""

    code: str
    name: str
    cells: list[tuple[str, str, float | None, bool]]  # (css, class name, P, own class?)


def probability_lines(fw: Framework, data: CompData, labels: Labels, code: str) -> list[ProbLine]:
    """P(every class) of the index and of every dimension and sub-dimension that has stored
    probabilities (the uncertainty analysis stores them for the index; ``targets="all"`` also
    for the aggregates), in the framework's order."""
    out = []
    language = lang()
    for node in data.node_order:
        row = data.nodes[node].get(code)
        n = fw.nodes.get(node)
        if row is None or n is None or not row.probs:
            continue
        cells = [
            (f"k{i}", labels.name(lab, language), row.probs.get(lab), lab == row.klass)
            for i, lab in enumerate(labels.id)
        ]
        out.append(ProbLine(node, n.name(language), cells))
    return out


def region(request: HttpRequest, code: str) -> HttpResponse:
    reg = region_or_404(code)
    level = "province" if reg.level == 1 else "regency"
    choice = choose(request, level)
    ctx = base_context(request, choice)
    ctx.update({"region": reg, "level": level, "form_action": request.path})
    bawaslu = bawaslu_figure(reg.code, level)
    ctx["bawaslu"] = bawaslu
    ctx["bawaslu_class"] = ""
    if bawaslu is not None:
        labels_b = ctx.get("labels")
        ctx["bawaslu_class"] = (
            labels_b.name(bawaslu["class"], lang()) if labels_b else bawaslu["class"]
        )
    ctx["local_map_title"] = (
        _("Kecamatan di %(name)s") if level == "regency" else _("Kabupaten/kota di %(name)s")
    ) % {"name": reg.name}
    ctx["legend_regency"] = None
    ctx["live_html"] = ""
    if choice is None:
        ctx["local_map"] = district_map(reg.code) if level == "regency" else ""
        return render(request, "dashboards/region.html", ctx)
    fw: Framework = ctx["fw"]
    labels: Labels = ctx["labels"]
    data = comp_data(choice)
    src = source_code(choice, reg.code)
    root_row = data.nodes.get(fw.root, {}).get(src)
    province = reg.province_code if level == "regency" else None
    n_root = data.n_scored.get(fw.root, 0)
    notes: list[str] = []
    if choice.level != level:
        notes.append(
            _("Edisi yang diminta tidak berada pada tingkat wilayah ini; yang ditampilkan: %(e)s.")
            % {"e": choice.edition.name}
        )
    if src != reg.code:
        notes.append(
            _(
                "Edisi ini memakai kode wilayah %(edition)s: nilai %(src)s (sebelum pemekaran) "
                "ditampilkan untuk wilayah ini; wilayah ini tidak dinilai tersendiri."
            )
            % {"edition": choice.region_edition, "src": f"{data.names.get(src, src)} ({src})"}
        )
    probs = probability_lines(fw, data, labels, src)
    ctx.update(
        {
            "notes": notes,
            "root": fw.root,
            "root_name": node_name(fw, fw.root),
            "row": root_row,
            "n": n_root,
            "class_index": labels.index(root_row.klass) if root_row else -1,
            "class_name": labels.name(root_row.klass, lang())
            if root_row and root_row.klass
            else "",
            "probs": probs,
            "prob_headers": [
                (f"k{i}", labels.name(lab, lang())) for i, lab in enumerate(labels.id)
            ],
            "comparisons": comparisons(request, choice, data, fw, reg, src, level),
            "dimensions_html": cached(
                choice,
                f"frag:dims:{reg.code}:{lang()}",
                lambda: render_to_string(
                    "dashboards/_region_dimensions.html",
                    {
                        "lines": node_lines(fw, data, labels, src, province),
                        "level": level,
                        "top_level": fw.n_levels - 1,
                    },
                ),
            ),
            "indicators_html": indicators_html(choice, fw, src),
            "live_html": region_panel(request, choice.edition, choice.comp, src, fw, labels),
        }
    )
    if level == "regency":
        ctx["local_map"] = with_incident_points(
            request, choice.edition, choice.comp, src, district_map(reg.code)
        )
    else:
        regency_choice = sibling(choices(request), choice, "regency")
        regency_data = comp_data(regency_choice) if regency_choice is not None else None
        regency_labels = (
            labels_of(framework_of(regency_choice.edition)) if regency_choice else labels
        )
        regency_root = framework_of(regency_choice.edition).root if regency_choice else fw.root
        ctx["local_map"] = province_regencies_map(
            reg.code, regency_choice, regency_data, regency_root, regency_labels
        )
        if regency_data is not None:
            rows = {
                c: r
                for c, r in regency_data.nodes.get(regency_root, {}).items()
                if regency_data.province_of.get(c) == reg.code
            }
            n_regencies = len(svgmap.local_shapes("regency", reg.code)[1])
            ctx["legend_regency"] = legend(
                regency_labels,
                regency_data.cutoffs.get(regency_root, ()),
                rows,
                max(n_regencies - len(rows), 0),
            )
    response = render(request, "dashboards/region.html", ctx)
    if ctx["live_html"]:
        response[LIVE_HEADER] = "1"  # live content: never stored in the public page cache
    return response


def comparisons(
    request: HttpRequest,
    choice: Choice,
    data: CompData,
    fw: Framework,
    reg: Any,
    src: str,
    level: str,
) -> list[Comparison]:
    """The region's index against the national and provincial averages, its province, and
    the previous version and edition."""
    root = fw.root
    row = data.nodes.get(root, {}).get(src)
    own = row.score if row is not None else None
    out = [
        Comparison(
            _("Rata-rata nasional (%(n)s wilayah)") % {"n": data.n_scored.get(root, 0)},
            _finite(data.national_mean.get(root)),
            "",
            -1,
            None,
            None,
            _diff(own, _finite(data.national_mean.get(root))),
        )
    ]
    if level == "regency":
        prov_mean = _finite(data.province_mean.get(root, {}).get(reg.province_code))
        n_prov = sum(
            1
            for c, r in data.nodes.get(root, {}).items()
            if r.score is not None and data.province_of.get(c) == reg.province_code
        )
        out.append(
            Comparison(
                _("Rata-rata kabupaten/kota di provinsinya (%(n)s)") % {"n": n_prov},
                prov_mean,
                "",
                -1,
                None,
                None,
                _diff(own, prov_mean),
            )
        )
        province_choice = sibling(choices(request), choice, "province")
        if province_choice is not None:
            pdata = comp_data(province_choice)
            pfw = framework_of(province_choice.edition)
            pcode = source_code(province_choice, reg.province_code)
            prow = pdata.nodes.get(pfw.root, {}).get(pcode)
            if prow is not None:
                plabels = labels_of(pfw)
                out.append(
                    Comparison(
                        _("Skor provinsinya: %(name)s")
                        % {"name": pdata.names.get(pcode, reg.province_code)},
                        prow.score,
                        plabels.name(prow.klass, lang()) if prow.klass else "",
                        plabels.index(prow.klass),
                        prow.rank,
                        pdata.n_scored.get(pfw.root),
                        _diff(own, prow.score),
                        profile_url(reg.province_code, province_choice),
                        _("edisi provinsi %(e)s") % {"e": province_choice.edition.name},
                    )
                )
    else:
        regency_choice = sibling(choices(request), choice, "regency")
        if regency_choice is not None:
            rdata = comp_data(regency_choice)
            rroot = framework_of(regency_choice.edition).root
            scores = [
                r.score
                for c, r in rdata.nodes.get(rroot, {}).items()
                if r.score is not None and rdata.province_of.get(c) == reg.code
            ]
            if scores:
                mean = sum(scores) / len(scores)
                out.append(
                    Comparison(
                        _("Rata-rata kabupaten/kota di provinsi ini (%(n)s)") % {"n": len(scores)},
                        mean,
                        "",
                        -1,
                        None,
                        None,
                        _diff(own, mean),
                        note=_("edisi kabupaten/kota %(e)s") % {"e": regency_choice.edition.name},
                    )
                )
    for label, other in (
        (_("Versi sebelumnya"), previous_version(seen(request), choice)),
        (_("Edisi sebelumnya"), previous_edition(choices(request), choice)),
    ):
        if other is None:
            continue
        odata = comp_data(other)
        ofw = framework_of(other.edition)
        ocode = source_code(other, reg.code)
        orow = odata.nodes.get(ofw.root, {}).get(ocode)
        olabels = labels_of(ofw)
        out.append(
            Comparison(
                f"{label}: {other.edition.name} v{other.comp.version}"
                + ("" if other.published else " — belum diterbitkan / not published"),
                orow.score if orow else None,
                olabels.name(orow.klass, lang()) if orow and orow.klass else "",
                olabels.index(orow.klass) if orow else -1,
                orow.rank if orow else None,
                odata.n_scored.get(ofw.root),
                _diff(own, orow.score if orow else None),
                profile_url(reg.code, other),
            )
        )
    return out


def indicators_html(choice: Choice, fw: Framework, code: str) -> str:
    """The indicator detail table, rendered once per computation, region and language."""
    html: str = cached(
        choice,
        f"frag:ind:{code}:{lang()}",
        lambda: render_to_string(
            "dashboards/_region_indicators.html", indicator_context(choice, fw, code)
        ),
    )
    return html


def indicator_context(choice: Choice, fw: Framework, code: str) -> dict[str, Any]:
    """Indicator detail as stored with the computation (level-1 results): the raw value it
    read, the normalised value and its rank."""
    results = indicator_results(choice, code)
    if not results:
        return {"indicators": []}
    language = lang()
    rows = []
    for top in fw.at_level(fw.n_levels - 1):
        for sub in fw.children(top):
            for ind in fw.indicators_under(sub):
                node = fw.nodes[ind]
                res = results.get(ind)
                rows.append(
                    {
                        "code": ind,
                        "name": node.name(language),
                        "parent": sub,
                        "raw": res.raw if res else None,
                        "normalised": res.score if res else None,
                        "rank": res.rank if res else None,
                        "unit": node.unit or "",
                    }
                )
    return {"indicators": rows}


def bawaslu_figure(code: str, level: str) -> dict[str, Any] | None:
    """Bawaslu's published IKP 2024 figure for this region (core ``ikp.published``): the
    province totals on today's map, or the published top 10 of kabupaten/kota."""
    figure = _bawaslu_figures().get((level, code))
    return dict(figure) if figure is not None else None


@functools.lru_cache(maxsize=1)
def _bawaslu_figures() -> dict[tuple[str, str], dict[str, Any]]:
    """The published figures by (level, code); ``of``: how many regions the ranking covered,
    counted in the region edition Bawaslu ranked (2022: 34 provinces, 514 kab/kota)."""
    counts = RegionRegistry.load(PUBLISHED_REGION_EDITION, max_level=2).counts
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for rec in published_provinces_on_current_map().to_dict(orient="records"):
        out[("province", str(rec["region_code"]))] = {
            "score": float(rec["score"]),
            "class": str(rec["class"]),
            "rank": int(rec["rank"]),
            "of": counts[1],
            "source": str(rec["source"]),
            "note": str(rec["note"]),
        }
    for rec in published_regencies_top10().to_dict(orient="records"):
        out[("regency", str(rec["region_code"]))] = {
            "score": float(rec["score"]),
            "class": str(rec["class"]),
            "rank": int(rec["rank"]),
            "of": counts[2],
            "source": str(rec["source"]),
            "note": "",
        }
    return out
