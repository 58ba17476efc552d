"""Choropleth maps as inline SVG, drawn straight from the shipped boundaries.

Shared by the self-contained HTML summary (:mod:`ikp.report.html`) and the web dashboards: the
geometry (projected, simplified path data) is computed once per level and cached in the process;
each map is then a cheap string join of cached paths with per-region classes, tooltips and
(optionally) links.

Drawing
    Equirectangular projection (Indonesia straddles the equator, so the distortion is small),
    Douglas–Peucker simplification in projected units (national maps: 0.5 of a 1600-unit-wide
    view box, ≈ 1.5 km), coordinates rounded to 0.1 unit and written as relative path commands.
    Rings smaller than the drawing resolution are dropped, except that a region whose every ring
    is that small keeps its largest ring (or a small square), so every region stays clickable.

The national maps are also kept between runs in the user's cache folder (:func:`cache_dir`),
keyed by a hash of this module and the shipped data, so ``ikp demo`` does not redraw them.

Regional maps (a province's kabupaten/kota, a kabupaten/kota's kecamatan) use a projection
fitted to the features drawn (:func:`local_shapes`).

Everything written into the SVG is escaped; nothing here fetches anything.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import html
import itertools
import json
import math
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ikp.regions import _data_file, load_boundaries

MAP_WIDTH = 1600.0
MAP_TOLERANCE = 0.5
LOCAL_MAP_WIDTH = 800.0
LOCAL_MAP_TOLERANCE = 0.4

FloatMatrix = np.ndarray[Any, Any]


@dataclass(frozen=True)
class Projection:
    """Equirectangular: ``x = (lon - lon0)·k``, ``y = (lat1 - lat)·k``."""

    lon0: float
    lat1: float
    k: float
    width: float
    height: float

    @property
    def viewbox(self) -> str:
        return f"0 0 {fmt_number(self.width)} {fmt_number(self.height)}"


@dataclass(frozen=True)
class Shape:
    """One region's outline: its code, name and SVG path data."""

    code: str
    name: str
    d: str


@dataclass(frozen=True)
class MapItem:
    """How one region is drawn: a CSS class (the fill), a tooltip, and optionally a link.

    ``attrs`` are extra attributes written on the link (or on the path without a link), e.g.
    ``{"data-class": "tinggi"}``; names must be plain attribute names."""

    css_class: str
    title: str
    href: str | None = None
    attrs: Mapping[str, str] = field(default_factory=dict)


# --------------------------------------------------------------------------- projection


def polygons(geometry: Mapping[str, Any]) -> list[Any]:
    """The polygons (lists of rings) of a Polygon or MultiPolygon geometry."""
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["coordinates"])
    raise ValueError(f"unexpected geometry type {geometry['type']!r}")


def fit_projection(
    features: Iterable[Mapping[str, Any]], width: float = MAP_WIDTH, *, margin: float = 0.0
) -> Projection:
    """A projection mapping the features' bounding box onto a view box ``width`` wide."""
    lon_min = lat_min = math.inf
    lon_max = lat_max = -math.inf
    for feature in features:
        for polygon in polygons(feature["geometry"]):
            ring = np.asarray(polygon[0], dtype=np.float64)
            lon_min = min(lon_min, float(ring[:, 0].min()))
            lon_max = max(lon_max, float(ring[:, 0].max()))
            lat_min = min(lat_min, float(ring[:, 1].min()))
            lat_max = max(lat_max, float(ring[:, 1].max()))
    if not math.isfinite(lon_min):
        raise ValueError("no features to fit a projection to")
    span = max(lon_max - lon_min, lat_max - lat_min, 1e-6)
    pad = span * margin
    lon_min, lon_max, lat_min, lat_max = lon_min - pad, lon_max + pad, lat_min - pad, lat_max + pad
    k = width / max(lon_max - lon_min, 1e-6)
    return Projection(lon_min, lat_max, k, width, math.ceil((lat_max - lat_min) * k))


def national_projection(edition: str = "current") -> Projection:
    """The projection of the national maps: Indonesia's provinces on a 1600-unit-wide box."""
    return _national("province", edition)[0]


# --------------------------------------------------------------------------- shapes


def feature_shapes(
    features: Iterable[Mapping[str, Any]], proj: Projection, tolerance: float
) -> tuple[Shape, ...]:
    """Project and simplify GeoJSON features (properties ``kode`` and ``nama``)."""
    features = list(features)
    paths = geometry_paths([f["geometry"] for f in features], proj, tolerance)
    return tuple(
        Shape(str(f["properties"]["kode"]), str(f["properties"]["nama"]), d)
        for f, d in zip(features, paths, strict=True)
    )


def shapes(level: str, edition: str = "current") -> tuple[Shape, ...]:
    """Every province (``level="province"``) or kabupaten/kota (``"regency"``) of ``edition``
    on the national projection. Cached: the geometry is static."""
    if level not in ("province", "regency"):
        raise ValueError(f"level must be 'province' or 'regency'; got {level!r}.")
    return _national(level, edition)[1]


# --------------------------------------------------------------------------- national cache


def cache_dir() -> Path | None:
    """Where the drawn national maps are kept between runs: ``IKP_CACHE_DIR`` (``off`` turns the
    cache off), else ``$XDG_CACHE_HOME/ikp``, else ``~/.cache/ikp``."""
    chosen = os.environ.get("IKP_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "0", "off", "none") else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ikp"


def _cache_file(level: str, edition: str) -> Path | None:
    """The cache file of a national map, named by a hash of everything that draws it: this
    module's code, the region code list, the boundaries, the edition, width and tolerance."""
    folder = cache_dir()
    if folder is None:
        return None
    digest = hashlib.sha256(f"{level}|{edition}|{MAP_WIDTH}|{MAP_TOLERANCE}".encode())
    digest.update(Path(__file__).read_bytes())
    for parts in (("regions", "wilayah.csv.gz"), ("geo", "provinces.geojson.gz")):
        digest.update(_data_file(*parts))
    if level == "regency":
        digest.update(_data_file("geo", "kabkota.geojson.gz"))
    return folder / f"svgmap-{level}-{digest.hexdigest()[:20]}.json"


@functools.lru_cache(maxsize=8)
def _national(level: str, edition: str) -> tuple[Projection, tuple[Shape, ...]]:
    """The national projection and the ``level`` shapes: drawn once (projecting and simplifying
    the 36,000 rings of the kab/kota takes about a second) and kept in the user's cache folder,
    so that later runs read them in milliseconds. An unwritable or damaged cache is ignored."""
    path = _cache_file(level, edition)
    if path is not None and path.is_file():
        try:
            data = json.loads(path.read_text("utf-8"))
            proj = Projection(**data["projection"])
            return proj, tuple(Shape(*item) for item in data["shapes"])
        except (OSError, ValueError, KeyError, TypeError):
            pass  # drawn again below, and the file rewritten
    proj = fit_projection(load_boundaries("province", edition=edition)["features"], MAP_WIDTH)
    features = load_boundaries(level, edition=edition)["features"]
    drawn = feature_shapes(features, proj, MAP_TOLERANCE)
    if path is not None:
        payload = {
            "projection": dataclasses.asdict(proj),
            "shapes": [[s.code, s.name, s.d] for s in drawn],
        }
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(payload, fh, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, path)
        except OSError:
            pass
    return proj, drawn


@functools.lru_cache(maxsize=256)
def local_shapes(
    level: str,
    province: str,
    within: str | None = None,
    edition: str = "current",
    width: float = LOCAL_MAP_WIDTH,
) -> tuple[Projection, tuple[Shape, ...]]:
    """A regional map: the ``level`` (``regency`` or ``district``) features of ``province``,
    limited to codes under ``within`` (e.g. a kabupaten/kota's kecamatan: ``within="32.01"``),
    on a projection fitted to them. Cached per arguments."""
    features = load_boundaries(level, province=province, edition=edition)["features"]
    if within is not None:
        prefix = within + "."
        features = [f for f in features if str(f["properties"]["kode"]).startswith(prefix)]
    if not features:
        raise ValueError(f"no {level} boundaries for {within or province}")
    proj = fit_projection(features, width, margin=0.01)
    return proj, feature_shapes(features, proj, LOCAL_MAP_TOLERANCE)


def geometry_path(geometry: Mapping[str, Any], proj: Projection, tolerance: float) -> str:
    """SVG path data of a (Multi)Polygon: projected, simplified, specks dropped."""
    return geometry_paths([geometry], proj, tolerance)[0]


def geometry_paths(
    geometries: Sequence[Mapping[str, Any]], proj: Projection, tolerance: float
) -> list[str]:
    """:func:`geometry_path` of many geometries, with every ring projected, rounded and
    measured in one pass over all their points (only the rings big enough to draw are then
    simplified one by one): the same paths as :func:`project` ring by ring, faster."""
    rings: list[Any] = []
    owner: list[int] = []
    for g, geometry in enumerate(geometries):
        for polygon in polygons(geometry):
            rings.extend(polygon)
            owner.extend([g] * len(polygon))
    if not rings:
        return [""] * len(geometries)
    counts = np.fromiter((len(r) for r in rings), dtype=np.int64, count=len(rings))
    if counts.min() < 1:
        raise ValueError("a ring without points")
    try:
        flat = np.asarray(list(itertools.chain.from_iterable(rings)), dtype=np.float64)[:, :2]
    except ValueError:  # points of different lengths (some with a third coordinate)
        flat = np.asarray([pt[:2] for ring in rings for pt in ring], dtype=np.float64)
    x = (flat[:, 0] - proj.lon0) * proj.k
    y = (proj.lat1 - flat[:, 1]) * proj.k
    pts: FloatMatrix = np.round(np.column_stack([x, y]), 1)
    # drop points that rounding made equal to the previous one of the same ring
    first = np.zeros(len(pts), dtype=bool)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    first[starts] = True
    moved = np.ones(len(pts), dtype=bool)
    moved[1:] = np.any(np.diff(pts, axis=0) != 0, axis=1)
    keep = first | moved
    pts = pts[keep]
    kept = np.add.reduceat(keep.astype(np.int64), starts)
    bounds = np.concatenate([[0], np.cumsum(kept)])
    lo = np.minimum.reduceat(pts, bounds[:-1], axis=0)
    hi = np.maximum.reduceat(pts, bounds[:-1], axis=0)
    extent = hi - lo
    sizes = (extent[:, 0] * extent[:, 1]).tolist()
    drawn = (extent.max(axis=1) >= 2 * tolerance).tolist()
    ends = bounds.tolist()
    parts: list[list[str]] = [[] for _ in geometries]
    largest: list[tuple[float, int]] = [(-1.0, -1)] * len(geometries)
    for r, g in enumerate(owner):
        if sizes[r] > largest[g][0]:
            largest[g] = (sizes[r], r)
        if drawn[r]:  # else a speck below the drawing resolution (islets, holes)
            part = ring_path(simplify(pts[ends[r] : ends[r + 1]], tolerance))
            if part:
                parts[g].append(part)
    for g, found in enumerate(parts):
        r = largest[g][1]
        if not found and r >= 0:
            # a tiny region: keep its largest ring unsimplified, or else a small square
            ring = pts[ends[r] : ends[r + 1]]
            part = ring_path(ring)
            if not part:
                x0, y0 = float(ring[0, 0]), float(ring[0, 1])
                part = f"M{fmt_number(x0 - 1)} {fmt_number(y0 - 1)}h2v2h-2z"
            found.append(part)
    return ["".join(found) for found in parts]


def project(ring: Sequence[Sequence[float]], proj: Projection) -> FloatMatrix:
    """Project a ring of ``[lon, lat]`` points, rounded to 0.1 unit, repeats dropped."""
    arr = np.asarray(ring, dtype=np.float64)[:, :2]
    x = (arr[:, 0] - proj.lon0) * proj.k
    y = (proj.lat1 - arr[:, 1]) * proj.k
    pts: FloatMatrix = np.round(np.column_stack([x, y]), 1)
    if len(pts) > 1:  # drop points that rounding made equal to the previous one
        moved = np.any(np.diff(pts, axis=0) != 0, axis=1)
        pts = np.vstack([pts[:1], pts[1:][moved]])
    return pts


def simplify(pts: FloatMatrix, tolerance: float) -> FloatMatrix:
    """Douglas–Peucker on a closed ring (first and last points kept)."""
    n = len(pts)
    if n < 4 or tolerance <= 0:
        return pts
    keep = np.zeros(n, dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        a, b = stack.pop()
        if b - a < 2:
            continue
        seg = pts[a + 1 : b]
        ax, ay = pts[a]
        dx, dy = pts[b] - pts[a]
        length = math.hypot(dx, dy)
        if length > 0:
            dist = np.abs(dy * (seg[:, 0] - ax) - dx * (seg[:, 1] - ay)) / length
        else:
            dist = np.hypot(seg[:, 0] - ax, seg[:, 1] - ay)
        i = int(np.argmax(dist))
        if dist[i] > tolerance:
            mid = a + 1 + i
            keep[mid] = True
            stack.append((a, mid))
            stack.append((mid, b))
    out: FloatMatrix = pts[keep]
    return out


def ring_path(pts: FloatMatrix) -> str:
    """``M x y l dx dy …z`` for a ring with at least three distinct points, else ``""``."""
    if len(pts) == 0:
        return ""
    if len(pts) > 1 and pts[0, 0] == pts[-1, 0] and pts[0, 1] == pts[-1, 1]:
        pts = pts[:-1]
    if len(pts) < 3:
        return ""
    deltas = np.round(np.diff(pts, axis=0), 1)
    body = _numbers(deltas.reshape(-1))
    return f"M{fmt_number(float(pts[0, 0]))} {fmt_number(float(pts[0, 1]))}l{body}z"


def fmt_number(value: float) -> str:
    """A coordinate with at most one decimal, without a leading zero (``.5``, ``-.5``)."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        return "0"
    if text.startswith("0."):
        return text[1:]
    if text.startswith("-0."):
        return "-" + text[2:]
    return text


def _numbers(values: FloatMatrix) -> str:
    out: list[str] = []
    for v in values.tolist():
        s = fmt_number(v)
        if out and not s.startswith("-"):
            out.append(" ")
        out.append(s)
    return "".join(out)


# --------------------------------------------------------------------------- rendering


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _attrs(attrs: Mapping[str, str]) -> str:
    return "".join(f' {name}="{_e(value)}"' for name, value in attrs.items())


def render_svg(
    shapes: Sequence[Shape],
    items: Mapping[str, MapItem],
    proj: Projection,
    *,
    label: str,
    missing: MapItem | None = None,
    outline: Sequence[Shape] = (),
    svg_attrs: Mapping[str, str] | None = None,
    svg_class: str = "map",
) -> str:
    """An ``<svg>`` with one path per shape, filled by its item's CSS class, with a ``<title>``
    tooltip. A shape with an ``href`` is wrapped in an ``<a>`` (focusable by keyboard, its tooltip
    as its accessible name) carrying ``data-region``. Shapes without an item use ``missing`` (by
    default class ``cx`` and the region's name); a link's ``<title>``, its first child, is both
    the tooltip and the link's accessible name. ``outline`` shapes are drawn on top as borders
    (e.g. provinces over kabupaten/kota), ignoring the pointer. A map without links is one
    image (``role="img"``); a map with links is a group, so the links stay reachable."""
    paths = []
    linked = False
    for shape in shapes:
        item = items.get(shape.code) or missing or MapItem("cx", f"{shape.name} ({shape.code})")
        title = item.title
        if item.href is None:
            paths.append(
                f'<path class="{_e(item.css_class)}" data-code="{_e(shape.code)}"'
                f'{_attrs(item.attrs)} d="{shape.d}"><title>{_e(title)}</title></path>'
            )
        else:
            linked = True
            paths.append(
                f'<a href="{_e(item.href)}" data-region="{_e(shape.code)}"'
                f"{_attrs(item.attrs)}><title>{_e(title)}</title>"
                f'<path class="{_e(item.css_class)}" d="{shape.d}"/></a>'
            )
    lines = "".join(f'<path d="{s.d}"/>' for s in outline)
    extra = _attrs(svg_attrs or {})
    role = "group" if linked else "img"
    return (
        f'<svg class="{_e(svg_class)}"{extra} viewBox="{proj.viewbox}" role="{role}" '
        f'aria-label="{_e(label)}">'
        f'<g stroke="#fff" stroke-width=".4" stroke-linejoin="round">{"".join(paths)}</g>'
        + (
            f'<g fill="none" stroke="#404040" stroke-width=".6" pointer-events="none">{lines}</g>'
            if lines
            else ""
        )
        + "</svg>"
    )
