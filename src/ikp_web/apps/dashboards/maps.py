"""Choropleth maps for the pages, drawn by the core (``ikp.report.svgmap``): the geometry is
projected and simplified once per process; a map is a join of cached paths with each region's
class, tooltip (name, score, class, rank with its interval) and link to its profile. Maps of
published computations are cached whole (per language) in Django's cache."""

from __future__ import annotations

import functools
import json
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import asdict, astuple, dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

import ikp
from ikp.report import svgmap
from ikp.report.html import NO_DATA_COLOUR, class_palette
from ikp.report.svgmap import MapItem, Projection, Shape
from ikp_web.apps.dashboards.queries import (
    Choice,
    CompData,
    Labels,
    Placed,
    Row,
    cached,
    on_current_map,
)

# --------------------------------------------------------------------------- geometry


def national_geometry(level: str) -> tuple[Projection, tuple[Shape, ...]]:
    """The national projection and shapes of ``level`` (``province`` or ``regency``): drawn by
    the core once, then kept in this process and in a file under ``VAR_DIR/cache`` so that other
    workers and later starts load them in milliseconds instead of drawing them again (~2 s)."""
    return _national_geometry(level)


@functools.lru_cache(maxsize=4)
def _national_geometry(level: str) -> tuple[Projection, tuple[Shape, ...]]:
    path = _geometry_file(level)
    try:
        data = json.loads(path.read_text("utf-8"))
        return Projection(**data["projection"]), tuple(Shape(*s) for s in data["shapes"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    proj, shapes = svgmap.national_projection(), svgmap.shapes(level)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        payload = {"projection": asdict(proj), "shapes": [astuple(s) for s in shapes]}
        tmp.write_text(json.dumps(payload), "utf-8")
        os.replace(tmp, path)
    except OSError:
        pass
    return proj, shapes


def _geometry_file(level: str) -> Path:
    """A file name that changes with the ikp version, the drawing parameters and the size of
    the shipped boundary files."""
    geo = Path(ikp.__file__).parent / "data" / "geo"
    sizes = "-".join(
        str(p.stat().st_size) if p.exists() else "0"
        for p in (geo / "provinces.geojson.gz", geo / "kabkota.geojson.gz")
    )
    name = f"svgmap-{level}-{ikp.__version__}-{svgmap.MAP_WIDTH:g}-{svgmap.MAP_TOLERANCE:g}-{sizes}.json"
    return Path(settings.VAR_DIR) / "cache" / name


def warm() -> None:
    """Draw (or load) the national geometry ahead of the first request."""
    for level in ("regency", "province"):
        national_geometry(level)


# --------------------------------------------------------------------------- formatting


def lang() -> str:
    return "en" if (get_language() or "id").startswith("en") else "id"


def fmt(value: float | None, digits: int = 2) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    return number_format(round(value, digits), digits)


def fmt_rank(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    return str(round(value))


#: the most classes a framework's palette is served for (``/peta/kelas/<n>.css``)
MAX_CLASSES = 12


def class_count(labels: Labels) -> int:
    """How many class colours a page needs (at least one)."""
    return min(max(len(labels.id), 1), MAX_CLASSES)


def class_css(labels: Labels | int) -> str:
    """CSS for the class fills: ``.k0 … .kN`` (ColorBrewer YlOrRd, colour-blind safe) and
    ``.cx`` (no data), for SVG paths (fill) and HTML swatches (background). Served as a
    stylesheet per number of classes (``views.class_css``), never inline: the
    Content-Security-Policy allows no inline styles."""
    n = labels if isinstance(labels, int) else class_count(labels)
    rules = [f".k{i}{{fill:{c};background:{c}}}" for i, c in enumerate(class_palette(max(n, 1)))]
    rules.append(f".cx{{fill:{NO_DATA_COLOUR};background:{NO_DATA_COLOUR}}}")
    return "".join(rules)


def class_key(labels: Labels, klass: str) -> str:
    i = labels.index(klass)
    return f"k{i}" if i >= 0 else "cx"


def profile_url(code: str, choice: Choice | None) -> str:
    """``/wilayah/<code>/?edisi=<key>`` (the URL pattern is reversed once)."""
    url = _region_url().replace("00.00", code)
    return f"{url}?{urlencode({'edisi': choice.key})}" if choice is not None else url


@functools.lru_cache(maxsize=1)
def _region_url() -> str:
    return reverse("dashboards:region", args=["00.00"])


def rank_text(row: Row, n: int) -> str:
    text = _("peringkat %(rank)s dari %(n)s") % {"rank": fmt_rank(row.rank), "n": n}
    if row.rank_p05 is not None and row.rank_p95 is not None:
        text += " (" + _("interval %(lo)s–%(hi)s") % {
            "lo": fmt_rank(row.rank_p05),
            "hi": fmt_rank(row.rank_p95),
        }
        text += ")"
    return text


def no_data_title(name: str, code: str) -> str:
    return _("%(name)s (%(code)s) — tidak ada data") % {"name": name, "code": code}


def tooltip(name: str, code: str, row: Row, labels: Labels, n: int) -> str:
    klass = labels.name(row.klass, lang()) if row.klass else _("tidak ada data")
    score = _("skor %(score)s") % {"score": fmt(row.score)}
    return f"{name} ({code}) — {score} · {klass} · {rank_text(row, n)}"


@dataclass
class LegendItem:
    css: str
    label: str
    range: str
    count: int


@dataclass
class MapView:
    svg: str
    legend: list[LegendItem]
    n_regions: int
    n_shapes: int
    shared: list[tuple[str, str, list[str]]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


def legend(
    labels: Labels, cutoffs: Sequence[float], rows: Mapping[str, Row], no_data: int
) -> list[LegendItem]:
    counts = [0] * len(labels.id)
    for row in rows.values():
        i = labels.index(row.klass)
        if i >= 0:
            counts[i] += 1
    bounds = [math.nan, *cutoffs, math.nan]
    items = []
    current = lang()
    for i in range(len(labels.id)):
        lo, hi = bounds[i], bounds[i + 1] if i + 1 < len(bounds) else math.nan
        if math.isnan(lo) and math.isnan(hi):
            rng = ""
        elif math.isnan(lo):
            rng = f"< {fmt(hi)}"
        elif math.isnan(hi):
            rng = f"≥ {fmt(lo)}"
        else:
            rng = f"{fmt(lo)}–{fmt(hi)}"
        items.append(
            LegendItem(f"k{i}", labels.en[i] if current == "en" else labels.id[i], rng, counts[i])
        )
    items.append(LegendItem("cx", _("tidak ada data"), "", no_data))
    return items


def national_map(choice: Choice, data: CompData, node: str, labels: Labels) -> MapView:
    """The national choropleth of ``node`` at the choice's level, on today's regions."""
    view: MapView = cached(
        choice, f"map:{node}:{lang()}", lambda: _national_map(choice, data, node, labels)
    )
    return view


def _national_map(choice: Choice, data: CompData, node: str, labels: Labels) -> MapView:
    level = "province" if choice.level == "province" else "regency"
    proj, shapes = national_geometry(level)
    rows = data.nodes.get(node, {})
    placed = on_current_map(choice, rows)
    n = data.n_scored.get(node, 0)
    items: dict[str, MapItem] = {}
    for shape in shapes:
        p: Placed | None = placed.get(shape.code)
        href = profile_url(shape.code, choice)
        if p is None:
            title = no_data_title(shape.name, shape.code)
            items[shape.code] = MapItem("cx", title, href, {"data-class": ""})
            continue
        name = shape.name
        title = tooltip(name, shape.code, p.row, labels, n)
        if p.source_code != shape.code:
            title += " · " + _("nilai %(name)s (%(code)s) sebelum pemekaran") % {
                "name": data.names.get(p.source_code, p.source_code),
                "code": p.source_code,
            }
        items[shape.code] = MapItem(
            class_key(labels, p.row.klass), title, href, {"data-class": p.row.klass}
        )
    outline = national_geometry("province")[1] if level == "regency" else ()
    svg = svgmap.render_svg(
        shapes,
        items,
        proj,
        label=_("Peta kelas kerawanan"),
        outline=outline,
        svg_attrs={"id": "map", "data-testid": "map", "data-level": level, "data-node": node},
    )
    drawn = {s.code for s in shapes}
    no_data = sum(1 for s in shapes if s.code not in placed)
    shared: dict[str, list[str]] = {}
    for code, p in placed.items():
        if p.source_code != code or p.shared_with:
            shared.setdefault(p.source_code, []).append(code)
    shared_list = [
        (src, data.names.get(src, src), sorted(codes))
        for src, codes in sorted(shared.items())
        if len(codes) > 1 or codes[0] != src
    ]
    sources = sorted({r.source for r in rows.values() if r.source})
    return MapView(
        svg=svg,
        legend=legend(labels, data.cutoffs.get(node, ()), rows, no_data),
        n_regions=len(rows),
        n_shapes=len(drawn),
        shared=shared_list,
        sources=sources,
    )


def province_regencies_map(
    province_code: str, choice: Choice | None, data: CompData | None, node: str, labels: Labels
) -> str:
    """A province's kabupaten/kota, coloured by class when a kab/kota computation is given,
    each linking to its profile."""
    if choice is None:
        return _province_regencies_map(province_code, choice, data, node, labels)
    svg: str = cached(
        choice,
        f"provmap:{province_code}:{node}:{lang()}",
        lambda: _province_regencies_map(province_code, choice, data, node, labels),
    )
    return svg


def _province_regencies_map(
    province_code: str, choice: Choice | None, data: CompData | None, node: str, labels: Labels
) -> str:
    proj, shapes = svgmap.local_shapes("regency", province_code)
    rows = data.nodes.get(node, {}) if data is not None else {}
    n = data.n_scored.get(node, 0) if data is not None else 0
    items = {}
    for shape in shapes:
        row = rows.get(shape.code)
        href = profile_url(shape.code, choice)
        if row is None:
            items[shape.code] = MapItem("cx", no_data_title(shape.name, shape.code), href)
        else:
            items[shape.code] = MapItem(
                class_key(labels, row.klass),
                tooltip(shape.name, shape.code, row, labels, n),
                href,
                {"data-class": row.klass},
            )
    return svgmap.render_svg(
        shapes,
        items,
        proj,
        label=_("Peta kabupaten/kota di provinsi ini"),
        svg_attrs={"id": "local-map", "data-testid": "local-map"},
        svg_class="map local",
    )


def district_map(regency_code: str) -> str:
    """A kabupaten/kota's kecamatan (no results at that level: outlines with names)."""
    return _district_map(regency_code, lang())


@functools.lru_cache(maxsize=128)
def _district_map(regency_code: str, language: str) -> str:
    province = regency_code.split(".")[0]
    try:
        proj, shapes = svgmap.local_shapes("district", province, within=regency_code)
    except ValueError:
        return ""
    items = {s.code: MapItem("kd", f"{s.name} ({s.code})") for s in shapes}
    return svgmap.render_svg(
        shapes,
        items,
        proj,
        label=_("Peta kecamatan"),
        svg_attrs={"id": "local-map", "data-testid": "local-map"},
        svg_class="map local",
    )
