"""One self-contained HTML summary of an index run: inline CSS, inline SVG maps, no requests.

``write_summary(run, path)`` writes a single file that opens from disk offline: metadata
(framework, date, ikp version, input hash), class counts, a choropleth map of the run's regions
beside a map of Bawaslu's PUBLISHED IKP 2024 province results (on today's 38 provinces, via
:func:`ikp.published.published_provinces_on_current_map`), the 34 published province scores,
a sortable ranked table of all regions (with the rank interval and P(top class) when the
uncertainty table is given, and data reliability) and the dimension scores of the top 10.
Runs on synthetic data carry the label *DATA SINTETIS — bukan data Bawaslu* in the page title,
a banner and the footer. Bahasa Indonesia first, English second (``lang="en"`` swaps them).

Rendering approach
    The maps are SVG paths drawn by :mod:`ikp.report.svgmap` straight from the shipped GeoJSON
    (:func:`ikp.regions.load_boundaries`): equirectangular projection (Indonesia straddles the
    equator, so the distortion is small), Douglas–Peucker simplification in projected units
    (0.5 of a 1600-unit-wide view box, ≈ 1.5 km), coordinates rounded to 0.1 unit (≈ 0.003°)
    and written as relative path commands; every region gets a ``<title>`` tooltip (name,
    score, class, rank). Altair ``mark_geoshape`` + ``vl_convert.vegalite_to_svg`` was measured
    as the alternative: ~3.7 s for Altair to validate the 514 features, ~0.8 s for the
    conversion, a ~2 MB SVG, and no per-region ``<title>`` tooltips in Vega's SVG output; drawing
    the paths directly takes ~0.3 s (cached afterwards) for ~0.4 MB of paths.

Palette
    ColorBrewer YlOrRd (3 classes: ``#ffeda0``, ``#feb24c``, ``#f03b20``), an ordered palette
    marked colour-blind safe, with light-to-dark lightness so it also reads in grey scale. Class
    names are always written as text next to a swatch (never text on the fill), dark on white
    (contrast > 15:1, WCAG AA needs 4.5:1).
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pandas as pd

import ikp
from ikp import SYNTHETIC_LABEL, SYNTHETIC_LABEL_EN
from ikp.published import (
    PUBLISHED_SOURCE_NOTE,
    PUBLISHED_SOURCE_NOTE_EN,
    published_national,
    published_provinces,
    published_provinces_on_current_map,
    published_regencies_top10,
)
from ikp.regions import EDITIONS, RegionRegistry
from ikp.report import svgmap
from ikp.report.svgmap import MapItem, Projection, Shape, render_svg
from ikp.run import IndexRun

# ColorBrewer YlOrRd, by number of classes (colour-blind safe, ordered light → dark).
PALETTES: dict[int, tuple[str, ...]] = {
    2: ("#feb24c", "#f03b20"),
    3: ("#ffeda0", "#feb24c", "#f03b20"),
    4: ("#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"),
    5: ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"),
    6: ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"),
}
NO_DATA_COLOUR = "#d9d9d9"
TEXT_COLOUR = "#1a1a1a"
MUTED_TEXT_COLOUR = "#4d4d4d"
BACKGROUND_COLOUR = "#ffffff"
BANNER_BACKGROUND = "#8b0000"
BANNER_TEXT = "#ffffff"

_LEVEL_NAMES = {
    "regency": ("kabupaten/kota", "regencies/cities"),
    "province": ("provinsi", "provinces"),
}


def class_palette(n_classes: int) -> tuple[str, ...]:
    """Fill colours for ``n_classes`` ordered classes (lowest first)."""
    if n_classes in PALETTES:
        return PALETTES[n_classes]
    base = PALETTES[6]
    return tuple(base[round(i * (len(base) - 1) / max(n_classes - 1, 1))] for i in range(n_classes))


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours (1 … 21)."""

    def luminance(colour: str) -> float:
        c = colour.lstrip("#")
        channels = [int(c[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        lin = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    a, b = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


# --------------------------------------------------------------------------- public API


def write_summary(
    run: IndexRun,
    path: str | Path,
    *,
    uncertainty: pd.DataFrame | None = None,
    province_run: IndexRun | None = None,
    lang: str = "id",
    title: str | None = None,
) -> Path:
    """Write the self-contained HTML summary of ``run`` to ``path`` and return the path."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    text = render_summary(
        run, uncertainty=uncertainty, province_run=province_run, lang=lang, title=title
    )
    out.write_text(text, encoding="utf-8")
    return out


def render_summary(
    run: IndexRun,
    *,
    uncertainty: pd.DataFrame | None = None,
    province_run: IndexRun | None = None,
    lang: str = "id",
    title: str | None = None,
) -> str:
    """The HTML text of :func:`write_summary`."""
    if lang not in ("id", "en"):
        raise ValueError(f"lang must be 'id' or 'en'; got {lang!r}.")
    return _Page(run, uncertainty, province_run, lang, title).render()


# --------------------------------------------------------------------------- geometry
# The drawing lives in ikp.report.svgmap (shared with the web dashboards); the private names
# below are kept for existing callers.

MAP_WIDTH = svgmap.MAP_WIDTH
MAP_TOLERANCE = svgmap.MAP_TOLERANCE
_Projection = Projection
_Shape = Shape
_polygons = svgmap.polygons
_geometry_path = svgmap.geometry_path
_project = svgmap.project
_simplify = svgmap.simplify
_ring_path = svgmap.ring_path
_n = svgmap.fmt_number


def _projection() -> Projection:
    return svgmap.national_projection()


def _shapes(level: str) -> tuple[Shape, ...]:
    return svgmap.shapes(level)


# --------------------------------------------------------------------------- formatting


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _fmt(value: Any, digits: int = 2) -> str:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return "–"
    if not math.isfinite(x):
        return "–"
    return f"{x:.{digits}f}"


def _pct(value: Any) -> str:
    """A share 0…1 as a whole percentage."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return "–"
    return f"{100 * x:.0f}%" if math.isfinite(x) else "–"


def _int(value: Any) -> str:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return "–"
    return str(round(x)) if math.isfinite(x) else "–"


def _sortv(value: Any) -> str:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return ""
    return repr(round(x, 4)) if math.isfinite(x) else ""


def _host(url: str) -> str:
    host = urlparse(url).netloc
    return host.removeprefix("www.") or url


class _Lang:
    """Primary and secondary labels: Bahasa Indonesia first unless ``lang="en"``."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.other = "en" if lang == "id" else "id"

    def pick(self, id_: str, en: str) -> tuple[str, str]:
        return (en, id_) if self.lang == "en" else (id_, en)

    def __call__(self, id_: str, en: str) -> str:
        first, second = self.pick(id_, en)
        if first == second:
            return _e(first)
        return f'{_e(first)} <span class="sec" lang="{self.other}">/ {_e(second)}</span>'

    def plain(self, id_: str, en: str) -> str:
        first, second = self.pick(id_, en)
        return first if first == second else f"{first} / {second}"


# --------------------------------------------------------------------------- the page

_CSS = f"""
*{{box-sizing:border-box}}
body{{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:{TEXT_COLOUR};
background:{BACKGROUND_COLOUR};margin:0;line-height:1.4;font-size:15px}}
main,.wrap{{max-width:1400px;margin:0 auto;padding:0 1rem 2rem}}
h1{{font-size:1.5rem;margin:1rem 0 .25rem}}h2{{font-size:1.2rem;margin:1.6rem 0 .5rem;
border-bottom:2px solid #ccc;padding-bottom:.2rem}}h3{{font-size:1rem;margin:1rem 0 .4rem}}
.sec{{color:{MUTED_TEXT_COLOUR};font-weight:normal}}
.banner{{background:{BANNER_BACKGROUND};color:{BANNER_TEXT};font-weight:700;font-size:1.15rem;
text-align:center;padding:.6rem 1rem;letter-spacing:.02em}}
.banner .sec{{color:{BANNER_TEXT}}}
dl.meta{{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:.5rem 0}}
dl.meta dt{{font-weight:600}}dl.meta dd{{margin:0}}code{{font-size:.85em;word-break:break-all}}
.maps{{display:grid;grid-template-columns:3fr 2fr;gap:1.5rem;align-items:start}}
@media (max-width:900px){{.maps{{grid-template-columns:1fr}}}}
figure{{margin:0}}figcaption{{font-size:.9rem;margin:.3rem 0}}
svg.map{{width:100%;height:auto;display:block;background:#f4f8fb;border:1px solid #ccc}}
svg.map path:hover{{stroke:#000;stroke-width:1.5}}
.legend{{display:flex;flex-wrap:wrap;gap:.4rem 1.2rem;margin:.4rem 0;font-size:.9rem}}
.sw{{display:inline-block;width:1em;height:1em;border:1px solid #555;vertical-align:-.15em;
margin-right:.3em}}
{{classes}}
table{{border-collapse:collapse;font-size:.88rem;margin:.3rem 0 1rem}}
th,td{{border:1px solid #ccc;padding:.2rem .45rem;text-align:left;vertical-align:top}}
th{{background:#eee}}td.n{{text-align:right;font-variant-numeric:tabular-nums}}
table.sortable th{{cursor:pointer}}table.sortable th:after{{content:" ⇅";color:#767676}}
.scroll{{max-height:36rem;overflow:auto;border:1px solid #ccc}}
.scroll table{{margin:0}}.scroll th{{position:sticky;top:0}}
.note{{font-size:.88rem;color:{MUTED_TEXT_COLOUR}}}
footer{{border-top:1px solid #ccc;margin-top:2rem;padding-top:.5rem;font-size:.85rem}}
footer .synthetic{{color:{BANNER_BACKGROUND};font-weight:700}}
a{{color:#0645ad}}
"""

_SCRIPT = """
document.querySelectorAll("table.sortable").forEach(function(t){
t.querySelectorAll("thead th").forEach(function(th,i){
th.tabIndex=0;th.title="Klik untuk mengurutkan / Click to sort";
function go(){var b=t.tBodies[0],rows=Array.prototype.slice.call(b.rows),
d=th.getAttribute("data-dir")==="a"?-1:1,txt=th.getAttribute("data-type")==="text";
th.setAttribute("data-dir",d>0?"a":"d");
rows.sort(function(x,y){var p=x.cells[i],q=y.cells[i],
a=p.hasAttribute("data-v")?p.getAttribute("data-v"):p.textContent,
c=q.hasAttribute("data-v")?q.getAttribute("data-v"):q.textContent,
m=parseFloat(a),n=parseFloat(c);
if(txt||isNaN(m)||isNaN(n)){if(!txt&&isNaN(m)!==isNaN(n))return isNaN(m)?1:-1;
return d*a.localeCompare(c);}return d*(m-n);});
rows.forEach(function(r){b.appendChild(r);});}
th.addEventListener("click",go);
th.addEventListener("keydown",function(e){if(e.key==="Enter"||e.key===" "){e.preventDefault();go();}});
});});
"""


class _Page:
    def __init__(
        self,
        run: IndexRun,
        uncertainty: pd.DataFrame | None,
        province_run: IndexRun | None,
        lang: str,
        title: str | None,
    ) -> None:
        self.run = run
        self.fw = run.framework
        self.unc = uncertainty
        self.province_run = province_run
        self.t = _Lang(lang)
        self.lang = lang
        self.title = title
        self.synthetic = bool(run.metadata.get("synthetic")) or bool(
            province_run is not None and province_run.metadata.get("synthetic")
        )
        self.labels_id = self.fw.class_labels("id")
        self.labels_en = self.fw.class_labels("en")
        self.palette = class_palette(len(self.labels_id))
        self.national = published_national()
        registry = RegionRegistry.load("current", max_level=1)
        frame = registry.frame(1)
        self.province_names = {
            str(c): str(n) for c, n in zip(frame["region_code"], frame["region_name"], strict=True)
        }

    # ---- helpers ----------------------------------------------------------------------

    def class_label(self, index: int) -> str:
        if 0 <= index < len(self.labels_id):
            return self.t.plain(self.labels_id[index], self.labels_en[index])
        return self.t.plain("tidak ada data", "no data")

    def class_cell(self, index: int) -> str:
        cls = f"c{index}" if 0 <= index < len(self.labels_id) else "cx"
        return f'<td data-v="{index}"><i class="sw {cls}"></i>{_e(self.class_label(index))}</td>'

    def published_class_index(self, label: str) -> int:
        return self.labels_id.index(label) if label in self.labels_id else -1

    def level_label(self, level: str) -> str:
        id_, en = _LEVEL_NAMES.get(level, (level, level))
        return self.t(id_, en)

    def index_frame(self, run: IndexRun) -> pd.DataFrame:
        fw = run.framework
        res = run.results(lang="id")
        idx = res[res["node_code"] == fw.root].set_index("region_code")
        dims = res[res["level"] == fw.n_levels - 1].pivot(
            index="region_code", columns="node_code", values="score"
        )
        dims = dims.reindex(columns=list(fw.at_level(fw.n_levels - 1)))
        out = idx[["score", "rank", "class_index"]].join(dims, how="left")
        rel = run.reliability().set_index("region_code")["reliability"]
        out["reliability"] = rel.reindex(out.index)
        map_names = self.map_names()
        out["region_name"] = [
            run.region_names.get(str(c)) or map_names.get(str(c), "") for c in out.index.astype(str)
        ]
        out.index = out.index.astype(str)
        return out.sort_values(["rank", "score"], ascending=[True, False], na_position="last")

    def map_names(self) -> dict[str, str]:
        names = {s.code: s.name for s in _shapes("province")}
        if self.run.region_level != "province":
            names.update({s.code: s.name for s in _shapes("regency")})
        return names

    def uncertainty_frame(self) -> pd.DataFrame | None:
        if self.unc is None or not len(self.unc):
            return None
        unc = self.unc
        if "node_code" in unc.columns:
            unc = unc[unc["node_code"] == self.fw.root]
        unc = unc.copy()
        unc["region_code"] = unc["region_code"].astype(str)
        return unc.set_index("region_code")

    # ---- sections -----------------------------------------------------------------------

    def render(self) -> str:
        t = self.t
        fw = self.fw
        level_id, level_en = _LEVEL_NAMES.get(self.run.region_level, (self.run.region_level,) * 2)
        if self.title:
            page_title = self.title
        else:
            page_title = t.plain(
                f"{fw.name_id}: ringkasan hasil {level_id}",
                f"{fw.name_en}: summary of results by {level_en}",
            )
        heading = page_title
        synthetic_text = t.plain(SYNTHETIC_LABEL, SYNTHETIC_LABEL_EN)
        if self.synthetic and SYNTHETIC_LABEL not in page_title:
            page_title = f"{synthetic_text} — {page_title}"
        table = self.index_frame(self.run)
        body = [
            self.banner(),
            "<main>",
            f"<h1>{_e(heading)}</h1>",
            self.meta_section(),
            self.counts_section(table),
            self.maps_section(table),
            self.published_section(),
            self.ranked_section(table),
            self.top_dimensions_section(table),
        ]
        if self.province_run is not None:
            body.append(self.province_section())
        body.extend(["</main>", self.footer()])
        css = _CSS.replace("{classes}", self.class_css())
        return (
            f'<!DOCTYPE html>\n<html lang="{self.lang}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width,initial-scale=1">\n'
            f"<title>{_e(page_title)}</title>\n<style>{css}</style>\n</head>\n<body>\n"
            + "\n".join(b for b in body if b)
            + f"\n<script>{_SCRIPT}</script>\n</body>\n</html>\n"
        )

    def class_css(self) -> str:
        rules = [f".c{i}{{fill:{c};background:{c}}}" for i, c in enumerate(self.palette)]
        rules.append(f".cx{{fill:{NO_DATA_COLOUR};background:{NO_DATA_COLOUR}}}")
        return "\n".join(rules)

    def banner(self) -> str:
        if not self.synthetic:
            return ""
        return (
            f'<div class="banner" role="note">{self.t(SYNTHETIC_LABEL, SYNTHETIC_LABEL_EN)}</div>'
        )

    def meta_section(self) -> str:
        t = self.t
        run = self.run
        fw = self.fw
        meta = run.metadata
        computed = str(meta.get("date") or (run.log[-1].timestamp if run.log else "–"))
        generated = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        versions = sorted({e.version for e in run.log} | {ikp.__version__})
        steps = " → ".join(
            e.name + (f" ({e.params['method']})" if e.params.get("method") else "") for e in run.log
        )
        rows = [
            (
                t("Kerangka", "Framework"),
                f"{_e(t.plain(fw.name_id, fw.name_en))} "
                f"<code>{_e(fw.id)}</code> {_e(t.plain('versi', 'version'))} {_e(fw.version)}",
            ),
            (t("Tingkat wilayah", "Region level"), self.level_label(run.region_level)),
            (t("Edisi wilayah (peta)", "Region edition (maps)"), _e(EDITIONS["current"].label)),
            (t("Dihitung", "Computed"), _e(computed)),
            (t("Dibuat", "Generated"), _e(generated)),
            (t("Versi ikp", "ikp version"), _e(", ".join(versions))),
            (t("Hash data masukan", "Input data hash"), f"<code>{_e(run.input_hash)}</code>"),
            (t("Langkah", "Steps"), _e(steps or "–")),
        ]
        if self.province_run is not None:
            rows.append(
                (
                    t("Hash data provinsi", "Province input hash"),
                    f"<code>{_e(self.province_run.input_hash)}</code>",
                )
            )
        for key, id_, en in (
            ("label", "Label data", "Data label"),
            ("source", "Sumber data", "Data source"),
            ("data_file", "Berkas data", "Data file"),
            ("seed", "Seed", "Seed"),
        ):
            if meta.get(key) not in (None, ""):
                rows.append((t(id_, en), _e(meta[key])))
        items = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
        return f'<dl class="meta">{items}</dl>'

    def counts_section(self, table: pd.DataFrame) -> str:
        t = self.t
        columns: list[tuple[str, list[int]]] = []
        level_id, level_en = _LEVEL_NAMES.get(self.run.region_level, ("wilayah", "regions"))
        columns.append((t(f"{level_id} (data ini)", f"{level_en} (this data)"), self.counts(table)))
        if self.province_run is not None:
            ptab = self.index_frame(self.province_run)
            columns.append((t("provinsi (data ini)", "provinces (this data)"), self.counts(ptab)))
        official = {
            "regency": self.national.get("regency_class_counts", {}),
            "province": self.national.get("province_class_counts", {}),
        }
        sources: list[str] = []
        for level, counts in official.items():
            if level == self.run.region_level or (level == "province" and self.province_run):
                lid, len_ = _LEVEL_NAMES[level]
                if counts.get("source") and counts["source"] not in sources:
                    sources.append(str(counts["source"]))
                values = [int(counts.get(lab, 0)) for lab in self.labels_id] + [0]
                columns.append(
                    (t(f"{lid} — resmi Bawaslu 2024", f"{len_} — official Bawaslu 2024"), values)
                )
        head = "".join(f"<th>{h}</th>" for h, _ in columns)
        rows = []
        for i in [*range(len(self.labels_id)), -1]:
            cells = [c[i] for _, c in columns]
            if i == -1 and not any(cells):
                continue
            row = "".join(f'<td class="n">{v}</td>' for v in cells)
            rows.append(f"<tr>{self.class_cell(i)}{row}</tr>")
        totals = "".join(f'<td class="n"><b>{sum(c)}</b></td>' for _, c in columns)
        links = ", ".join(f'<a href="{_e(u)}">{_e(_host(u))}</a>' for u in sources)
        return (
            f"<h2>{t('Jumlah wilayah per kelas kerawanan', 'Regions by vulnerability class')}</h2>"
            f"<table><thead><tr><th>{t('Kelas', 'Class')}</th>{head}</tr></thead><tbody>"
            + "".join(rows)
            + f"<tr><td><b>{t('Jumlah', 'Total')}</b></td>{totals}</tr></tbody></table>"
            + f'<p class="note">{t("Angka resmi", "Official figures")}: {links}</p>'
        )

    def counts(self, table: pd.DataFrame) -> list[int]:
        idx = table["class_index"].fillna(-1).astype(int)
        return [int((idx == i).sum()) for i in range(len(self.labels_id))] + [int((idx < 0).sum())]

    def legend(self, counts: Sequence[int] | None, cutoffs: Sequence[float]) -> str:
        items = []
        bounds = [math.nan, *cutoffs, math.nan]
        for i in range(len(self.labels_id)):
            lo, hi = bounds[i], bounds[i + 1]
            if math.isnan(lo):
                rng = f"< {_fmt(hi)}"
            elif math.isnan(hi):
                rng = f"≥ {_fmt(lo)}"
            else:
                rng = f"{_fmt(lo)}–{_fmt(hi)}"
            n = f" ({counts[i]})" if counts is not None else ""
            items.append(f'<span><i class="sw c{i}"></i>{_e(self.class_label(i))} {rng}{n}</span>')
        items.append(f'<span><i class="sw cx"></i>{_e(self.class_label(-1))}</span>')
        return f'<div class="legend">{"".join(items)}</div>'

    def run_cutoffs(self, run: IndexRun) -> list[float]:
        try:
            cut = run.artefact("classify").get("cutoffs", {}).get(run.framework.root)
        except KeyError:
            cut = None
        return [float(c) for c in (cut or run.framework.cutoffs(run.region_level))]

    def maps_section(self, table: pd.DataFrame) -> str:
        t = self.t
        level = "province" if self.run.region_level == "province" else "regency"
        n = int(table["score"].notna().sum())
        unc = self.uncertainty_frame()
        top = self.labels_id[-1]
        tips: dict[str, tuple[int, str]] = {}
        for code, row in table.iterrows():
            code = str(code)
            name = str(row["region_name"])
            cls = int(row["class_index"]) if pd.notna(row["class_index"]) else -1
            tip = (
                f"{name} ({code}) — {t.plain('skor', 'score')} {_fmt(row['score'])} · "
                f"{self.class_label(cls)} · {t.plain('peringkat', 'rank')} {_int(row['rank'])}/{n}"
            )
            if unc is not None and code in unc.index and f"prob_{top}" in unc.columns:
                tip += f" · P({top}) {_pct(unc.loc[code, f'prob_{top}'])}"
            tips[code] = (cls, tip)
        shapes = _shapes(level)
        outline = _shapes("province") if level == "regency" else ()
        svg = self.svg(
            shapes, tips, outline, t.plain("Peta kelas kerawanan", "Vulnerability class map")
        )
        drawn = {s.code for s in shapes}
        missing = [c for c in table.index if c not in drawn]
        missing_note = ""
        if missing:
            missing_note = (
                f'<p class="note">{t("Tanpa batas wilayah di peta", "Not on the map (no boundary)")}'
                f": {_e(', '.join(missing))}</p>"
            )
        own = (
            "<figure>"
            f"<h3>{t('Kelas kerawanan', 'Vulnerability class')}: {self.level_label(level)}"
            + (
                f' <span class="sec">({_e(t.plain("DATA SINTETIS", "SYNTHETIC DATA"))})</span>'
                if self.synthetic
                else ""
            )
            + "</h3>"
            + svg
            + "<figcaption>"
            + self.legend(self.counts(table)[:-1], self.run_cutoffs(self.run))
            + t(
                "Arahkan kursor ke wilayah untuk nama, skor, kelas dan peringkat.",
                "Hover over a region for its name, score, class and rank.",
            )
            + "</figcaption>"
            + missing_note
            + "</figure>"
        )
        return f'<h2>{t("Peta", "Maps")}</h2><div class="maps">{own}{self.published_map()}</div>'

    def svg(
        self,
        shapes: Sequence[Shape],
        tips: Mapping[str, tuple[int, str]],
        outline: Sequence[Shape],
        label: str,
    ) -> str:
        items = {
            code: MapItem(f"c{cls}" if cls >= 0 else "cx", tip) for code, (cls, tip) in tips.items()
        }
        missing = {
            s.code: MapItem("cx", f"{s.name} ({s.code}) — {self.class_label(-1)}")
            for s in shapes
            if s.code not in items
        }
        return render_svg(shapes, {**items, **missing}, _projection(), label=label, outline=outline)

    def published_map(self) -> str:
        t = self.t
        pub = published_provinces_on_current_map()
        tips: dict[str, tuple[int, str]] = {}
        for rec in pub.to_dict(orient="records"):
            cls = self.published_class_index(str(rec["class"]))
            tip = (
                f"{rec['region_name']} ({rec['region_code']}) — "
                f"{t.plain('skor resmi', 'official score')} {_fmt(rec['score'])} · "
                f"{self.class_label(cls)} · {t.plain('peringkat', 'rank')} {rec['rank']}/34"
            )
            if rec["note"]:
                tip += f" · {rec['note']}"
            tips[str(rec["region_code"])] = (cls, tip)
        counts = [
            int((pub.drop_duplicates("source_code")["class"] == lab).sum())
            for lab in self.labels_id
        ]
        cut = self.national.get("cutoffs", {}).get("province", {})
        cutoffs = [float(cut[lab][0]) for lab in self.labels_id[1:] if lab in cut]
        sources = sorted(set(pub["source"]))
        links = ", ".join(f'<a href="{_e(u)}">{_e(_host(u))}</a>' for u in sources)
        split = pub[pub["note"] != ""]
        split_note = "; ".join(
            f"{g} → {', '.join(sorted(c))}" for g, c in split.groupby("source_name")["region_code"]
        )
        svg = self.svg(
            _shapes("province"),
            tips,
            (),
            t.plain(
                "Peta hasil resmi Bawaslu IKP 2024", "Map of official Bawaslu IKP 2024 results"
            ),
        )
        return (
            "<figure>"
            f"<h3>{t('Hasil resmi Bawaslu IKP 2024 (pendekatan 1)', 'Official Bawaslu IKP 2024 results (approach 1)')}</h3>"
            + svg
            + "<figcaption>"
            + self.legend(counts, cutoffs)
            + f"{t('Hasil resmi Bawaslu IKP 2024 (pendekatan 1), sumber', 'Official Bawaslu IKP 2024 results (approach 1), source')}: "
            f"{links}. "
            + t(
                f"34 provinsi 2022 pada peta 38 provinsi saat ini; provinsi hasil pemekaran menampilkan nilai provinsi induknya ({split_note}).",
                f"34 provinces of 2022 on today's 38-province map; provinces split since then show their parent's value ({split_note}).",
            )
            + "</figcaption></figure>"
        )

    def published_section(self) -> str:
        t = self.t
        prov = published_provinces()
        sources = sorted(set(prov["source"]))
        ref = {u: i + 1 for i, u in enumerate(sources)}
        rows = []
        for rec in prov.to_dict(orient="records"):
            cls = self.published_class_index(str(rec["class"]))
            rows.append(
                f'<tr><td class="n">{rec["rank"]}</td><td>{_e(rec["region_code"])}</td>'
                f'<td>{_e(rec["region_name"])}</td><td class="n">{_fmt(rec["score"])}</td>'
                f"{self.class_cell(cls)}"
                f'<td><a href="{_e(rec["source"])}">[{ref[rec["source"]]}]</a></td></tr>'
            )
        source_list = "".join(
            f'<li>[{i}] <a href="{_e(u)}">{_e(_host(u))}</a></li>' for u, i in ref.items()
        )
        note = PUBLISHED_SOURCE_NOTE if self.lang == "id" else PUBLISHED_SOURCE_NOTE_EN
        note2 = PUBLISHED_SOURCE_NOTE_EN if self.lang == "id" else PUBLISHED_SOURCE_NOTE
        head = (
            f'<thead><tr><th>{t("Peringkat", "Rank")}</th><th data-type="text">{t("Kode 2022", "2022 code")}</th>'
            f'<th data-type="text">{t("Provinsi", "Province")}</th><th>{t("Skor", "Score")}</th>'
            f'<th>{t("Kelas", "Class")}</th><th data-type="text">{t("Sumber", "Source")}</th></tr></thead>'
        )
        return (
            f"<h2>{t('Hasil resmi Bawaslu IKP 2024: 34 provinsi', 'Official Bawaslu IKP 2024 results: 34 provinces')}</h2>"
            f'<p class="note">{_e(note)}<br><span lang="{self.t.other}">{_e(note2)}</span></p>'
            f'<div class="scroll"><table class="sortable">{head}<tbody>{"".join(rows)}</tbody></table></div>'
            f'<ol class="note" style="list-style:none;padding:0">{source_list}</ol>'
            + self.published_extras()
        )

    def published_extras(self) -> str:
        t = self.t
        fw = self.fw
        dims = list(fw.at_level(fw.n_levels - 1))
        means = self.national.get("dimension_means", {})
        dki = self.national.get("dki_jakarta", {})
        rows = []
        for code in dims:
            node = fw.nodes[code]
            rows.append(
                f"<tr><td>{t(node.name_id, node.name_en)}</td>"
                f'<td class="n">{_fmt(means.get("province", {}).get(code))}</td>'
                f'<td class="n">{_fmt(means.get("regency", {}).get(code))}</td>'
                f'<td class="n">{_fmt(dki.get("dimensions", {}).get(code))}</td></tr>'
            )
        top = published_regencies_top10()
        trows = "".join(
            f'<tr><td class="n">{r.rank}</td><td>{_e(r.region_code)}</td><td>{_e(r.region_name)}</td>'
            f'<td class="n">{_fmt(r.score)}</td></tr>'
            for r in top.itertuples(index=False)
        )
        top_src = str(top["source"].iloc[0]) if len(top) else ""
        mean_src = str(means.get("source", ""))
        dki_src = str(dki.get("source", ""))
        return (
            f"<h3>{t('Rata-rata dimensi nasional (resmi)', 'National dimension averages (official)')}</h3>"
            f"<table><thead><tr><th>{t('Dimensi', 'Dimension')}</th>"
            f"<th>{t('Rata-rata provinsi', 'Province mean')}</th>"
            f"<th>{t('Rata-rata kab/kota', 'Regency mean')}</th>"
            f"<th>DKI Jakarta (88.95)</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
            f'<p class="note">{t("Sumber", "Source")}: <a href="{_e(dki_src)}">{_e(_host(dki_src))}</a>'
            + (
                f" ({_e(str(means.get('source_note', '')))})"
                if mean_src == dki_src and means.get("source_note")
                else ""
            )
            + "</p>"
            f"<h3>{t('10 kabupaten/kota paling rawan (resmi)', '10 most vulnerable regencies/cities (official)')}</h3>"
            f"<table><thead><tr><th>{t('Peringkat', 'Rank')}</th><th>{t('Kode', 'Code')}</th>"
            f"<th>{t('Kabupaten/kota', 'Regency/city')}</th><th>{t('Skor', 'Score')}</th></tr></thead>"
            f"<tbody>{trows}</tbody></table>"
            f'<p class="note">{t("Sumber", "Source")}: <a href="{_e(top_src)}">{_e(_host(top_src))}</a></p>'
        )

    def ranked_section(self, table: pd.DataFrame) -> str:
        t = self.t
        unc = self.uncertainty_frame()
        top_id, top_en = self.labels_id[-1], self.labels_en[-1]
        has_unc = unc is not None and {"rank_p05", "rank_p95"} <= set(unc.columns)
        prob_col = f"prob_{top_id}"
        has_prob = unc is not None and prob_col in unc.columns
        show_province = self.run.region_level != "province"
        head: list[str | tuple[str, str]] = [
            t("Peringkat", "Rank"),
            ("text", t("Kode", "Code")),
            ("text", t("Nama", "Name")),
        ]
        if show_province:
            head.append(("text", t("Provinsi", "Province")))
        head += [t("Skor", "Score"), t("Kelas", "Class")]
        if has_unc:
            head.append(t("Interval peringkat p05–p95", "Rank interval p05–p95"))
        if has_prob:
            head.append(f'P({_e(top_id)}) <span class="sec">/ P({_e(top_en)})</span>')
        head.append(t("Keandalan data", "Data reliability"))
        ths = "".join(
            f'<th data-type="text">{h[1]}</th>' if isinstance(h, tuple) else f"<th>{h}</th>"
            for h in head
        )
        rows = []
        for code, row in table.iterrows():
            code = str(code)
            prov = code.split(".")[0]
            cls = int(row["class_index"]) if pd.notna(row["class_index"]) else -1
            cells = [
                f'<td class="n" data-v="{_sortv(row["rank"])}">{_int(row["rank"])}</td>',
                f"<td>{_e(code)}</td>",
                f"<td>{_e(row['region_name'])}</td>",
            ]
            if show_province:
                cells.append(f"<td>{_e(self.province_names.get(prov, prov))}</td>")
            cells += [f'<td class="n">{_fmt(row["score"])}</td>', self.class_cell(cls)]
            if has_unc:
                assert unc is not None
                if code in unc.index:
                    lo, hi = unc.loc[code, "rank_p05"], unc.loc[code, "rank_p95"]
                    cells.append(f'<td class="n" data-v="{_sortv(lo)}">{_int(lo)}–{_int(hi)}</td>')
                else:
                    cells.append('<td class="n">–</td>')
            if has_prob:
                assert unc is not None
                p = unc.loc[code, prob_col] if code in unc.index else math.nan
                cells.append(f'<td class="n">{_pct(p)}</td>')
            cells.append(f'<td class="n">{_pct(row["reliability"])}</td>')
            rows.append(f"<tr>{''.join(cells)}</tr>")
        level_id, level_en = _LEVEL_NAMES.get(self.run.region_level, ("wilayah", "regions"))
        notes = [
            t(
                "Klik judul kolom untuk mengurutkan. Keandalan data = bagian indikator yang terisi.",
                "Click a column heading to sort. Data reliability = share of indicators observed.",
            )
        ]
        if has_unc:
            notes.append(
                t(
                    "Interval peringkat dan peluang kelas dari analisis ketidakpastian (Monte Carlo).",
                    "Rank interval and class probability from the uncertainty analysis (Monte Carlo).",
                )
            )
        return (
            f"<h2>{t(f'Peringkat semua {level_id}', f'Ranking of all {level_en}')} ({len(table)})</h2>"
            f'<p class="note">{" ".join(notes)}</p>'
            f'<div class="scroll"><table class="sortable" id="ranking"><thead><tr>{ths}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>"
        )

    def top_dimensions_section(self, table: pd.DataFrame) -> str:
        t = self.t
        fw = self.fw
        dims = list(fw.at_level(fw.n_levels - 1))
        head = "".join(
            f"<th>{t(fw.nodes[d].name_id, fw.nodes[d].name_en)} <code>{_e(d)}</code></th>"
            for d in dims
        )
        rows = []
        for code, row in table.head(10).iterrows():
            cells = "".join(f'<td class="n">{_fmt(row[d])}</td>' for d in dims)
            rows.append(
                f'<tr><td class="n">{_int(row["rank"])}</td><td>{_e(code)}</td>'
                f'<td>{_e(row["region_name"])}</td><td class="n">{_fmt(row["score"])}</td>{cells}</tr>'
            )
        return (
            f"<h2>{t('Skor dimensi: 10 teratas', 'Dimension scores: top 10')}</h2>"
            f"<table><thead><tr><th>{t('Peringkat', 'Rank')}</th><th>{t('Kode', 'Code')}</th>"
            f"<th>{t('Nama', 'Name')}</th><th>{t('Indeks', 'Index')}</th>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
        )

    def province_section(self) -> str:
        t = self.t
        assert self.province_run is not None
        table = self.index_frame(self.province_run)
        pub = published_provinces_on_current_map().set_index("region_code")
        rows = []
        for code, row in table.iterrows():
            code = str(code)
            cls = int(row["class_index"]) if pd.notna(row["class_index"]) else -1
            official = pub["score"].get(code, math.nan)
            mark = " *" if code in pub.index and pub.loc[code, "note"] else ""
            rows.append(
                f'<tr><td class="n" data-v="{_sortv(row["rank"])}">{_int(row["rank"])}</td>'
                f"<td>{_e(code)}</td><td>{_e(row['region_name'] or self.province_names.get(code, ''))}</td>"
                f'<td class="n">{_fmt(row["score"])}</td>{self.class_cell(cls)}'
                f'<td class="n">{_pct(row["reliability"])}</td>'
                f'<td class="n" data-v="{_sortv(official)}">{_fmt(official)}{mark}</td></tr>'
            )
        head = (
            f'<th>{t("Peringkat", "Rank")}</th><th data-type="text">{t("Kode", "Code")}</th>'
            f'<th data-type="text">{t("Provinsi", "Province")}</th><th>{t("Skor", "Score")}</th>'
            f"<th>{t('Kelas', 'Class')}</th><th>{t('Keandalan data', 'Data reliability')}</th>"
            f"<th>{t('Skor resmi Bawaslu 2024', 'Official Bawaslu 2024 score')}</th>"
        )
        counts = self.counts(table)
        return (
            f"<h2>{t('Peringkat provinsi', 'Province ranking')} ({len(table)})</h2>"
            + self.legend(counts[:-1], self.run_cutoffs(self.province_run))
            + f'<div class="scroll"><table class="sortable"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>"
            f'<p class="note">* {t("nilai provinsi induk sebelum pemekaran 2022", "value of the parent province before the 2022 split")}</p>'
        )

    def footer(self) -> str:
        t = self.t
        parts = []
        if self.synthetic:
            parts.append(f'<p class="synthetic">{self.t(SYNTHETIC_LABEL, SYNTHETIC_LABEL_EN)}</p>')
        parts.append(
            "<p>"
            + t(
                f"Dibuat oleh ikp {ikp.__version__}. Batas wilayah disederhanakan untuk peta "
                "(cahyadsn/wilayah_boundaries, lisensi MIT), bukan untuk urusan batas hukum. "
                "Berkas ini mandiri dan dapat dibuka tanpa internet.",
                f"Made with ikp {ikp.__version__}. Boundaries simplified for mapping "
                "(cahyadsn/wilayah_boundaries, MIT licence), not for legal boundary questions. "
                "This file is self-contained and opens offline.",
            )
            + "</p>"
        )
        return f'<footer><div class="wrap">{"".join(parts)}</div></footer>'
