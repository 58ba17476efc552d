"""Read-side helpers shared by the JSON API and the downloads: which editions and computations a
user may see (asking ``accounts.services``), result rows as plain dicts from ``values()``
queries, filters, ordering and pagination. Published computations are immutable, so their rows
are cached (Django's cache) under a key naming the computation and its publication time."""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from ikp import SYNTHETIC_LABEL
from ikp.regions import normalize_code, resolve_edition
from ikp_web.apps.accounts import services as scope
from ikp_web.apps.api.errors import ApiError
from ikp_web.apps.frameworks.models import Edition, FrameworkVersion
from ikp_web.apps.regions.models import Region
from ikp_web.apps.scoring.models import Computation, Result

CACHE_SECONDS = 60 * 60 * 24
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
MAX_OFFSET = 1_000_000  # far beyond any table here; bounded so no slice overflows the database

# a result's values, without the region and node it belongs to (GeoJSON properties use these)
RESULT_VALUE_FIELDS = (
    "score",
    "rank",
    "class",
    "rank_p05",
    "rank_median",
    "rank_p95",
    "class_probabilities",
    "reliability",
    "source",
)
RESULT_FIELDS = (
    "region_code",
    "region_name",
    "province_code",
    "province_name",
    "node_code",
    "level",
    *RESULT_VALUE_FIELDS,
)
ORDERINGS = tuple(
    f"{sign}{key}"
    for key in ("rank", "score", "code", "name", "province", "class", "interval", "reliability")
    for sign in ("", "-")
)
#: the flat probability field of a class label (``prob_tinggi``), also an ordering key
PROB_PREFIX = "prob_"


def prob_field(label: str) -> str:
    return f"{PROB_PREFIX}{label}"


def orderings(class_labels: Sequence[str]) -> tuple[str, ...]:
    """Valid ``ordering`` values: :data:`ORDERINGS` and ``[-]prob_<label>`` for each class label
    of the framework (``-prob_tinggi``: most likely *tinggi* first)."""
    return ORDERINGS + tuple(
        f"{sign}{prob_field(label)}" for label in class_labels for sign in ("", "-")
    )


def synthetic_fields(synthetic: bool) -> dict[str, Any]:
    """``synthetic`` and ``label`` for every payload (the label only on synthetic data)."""
    return {"synthetic": bool(synthetic), "label": SYNTHETIC_LABEL if synthetic else None}


def clean_float(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) or math.isinf(number) else number


def iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


# --------------------------------------------------------------------------------------------
# frameworks


@dataclass(frozen=True)
class NodeInfo:
    code: str
    name_id: str
    name_en: str
    level: int
    parent: str | None


@dataclass(frozen=True)
class FrameworkInfo:
    slug: str
    version: str
    name: str
    root: str
    nodes: dict[str, NodeInfo]
    class_labels: tuple[str, ...]
    level_names: dict[int, tuple[str, str]]

    def node_payload(self) -> list[dict[str, Any]]:
        return [
            {
                "code": n.code,
                "name": n.name_id,
                "name_en": n.name_en,
                "level": n.level,
                "level_name": self.level_names.get(n.level, ("", ""))[0],
                "parent": n.parent,
            }
            for n in sorted(self.nodes.values(), key=lambda n: (-n.level, n.code))
        ]


@functools.lru_cache(maxsize=32)
def _framework_info(pk: int, content_hash: str, created: str) -> FrameworkInfo:
    stored = FrameworkVersion.objects.get(pk=pk)
    fw = stored.framework()
    return FrameworkInfo(
        slug=stored.slug,
        version=stored.version,
        name=stored.name,
        root=fw.root,
        nodes={
            code: NodeInfo(code, node.name_id, node.name_en, node.level, node.parent)
            for code, node in fw.nodes.items()
        },
        class_labels=fw.class_labels(),
        level_names=dict(fw.level_names),
    )


def framework_info(stored: FrameworkVersion) -> FrameworkInfo:
    """The parsed framework's tree, cached per process (the stored YAML never changes in place
    without changing its hash or creation time)."""
    return _framework_info(stored.pk, stored.content_hash, stored.created.isoformat())


# --------------------------------------------------------------------------------------------
# editions and computations


def edition_queryset() -> QuerySet[Edition]:
    return Edition.objects.select_related("framework", "previous").defer("framework__definition")


def editions_for(user: Any) -> QuerySet[Edition]:
    """Editions the user may see: all of them for offices and partners (they read unpublished
    computations), only editions with a published computation for the public."""
    qs = edition_queryset()
    if scope.can_see_unpublished(user):
        return qs
    return qs.filter(computations__published=True).distinct()


def get_edition(slug: str, user: Any) -> Edition:
    """The edition, or a 404 — also when it exists but the user may not see it (no leak)."""
    edition = editions_for(user).filter(slug=slug).first()
    if edition is None:
        raise ApiError.not_found(_("Edisi"), slug)
    return edition


_COMPUTATION_FIELDS = (
    "id",
    "edition_id",
    "version",
    "status",
    "published",
    "published_at",
    "created",
    "change_log",
    "supersedes__version",
    "synthetic",
    "source",
    "uncertainty_runs",
    "input_hash",
)


# what a request needs of a computation (not its recipe, audit or sensitivity tables)
_COMPUTATION_COLUMNS = (
    "id",
    "edition_id",
    "version",
    "status",
    "published",
    "published_at",
    "created",
    "synthetic",
    "source",
    "uncertainty_runs",
    "input_hash",
)


def computations_for(editions: Sequence[Edition], user: Any) -> dict[int, list[dict[str, Any]]]:
    """Per edition id, the computations the user may see, newest first (one query)."""
    qs = Computation.objects.filter(edition__in=[e.pk for e in editions])
    if not scope.can_see_unpublished(user):
        qs = qs.filter(published=True)
    out: dict[int, list[dict[str, Any]]] = {e.pk: [] for e in editions}
    for row in qs.order_by("edition_id", "-version").values(*_COMPUTATION_FIELDS):
        out[row["edition_id"]].append(row)
    return out


def version_payload(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "version": row["version"],
        "status": row["status"],
        "published": row["published"],
        "published_at": iso(row["published_at"]),
        "created": iso(row["created"]),
        "change_log": row["change_log"],
        "supersedes": row["supersedes__version"],
        "synthetic": row["synthetic"],
        "uncertainty_runs": row["uncertainty_runs"],
        "input_hash": row["input_hash"],
    }


def edition_payload(
    edition: Edition, versions: list[dict[str, Any]], request: HttpRequest | None = None
) -> dict[str, Any]:
    synthetic = edition.synthetic or any(v["synthetic"] for v in versions)
    published = [v for v in versions if v["published"]]
    fw = edition.framework
    base = f"{api_prefix()}editions/{edition.slug}"
    return {
        "slug": edition.slug,
        "name": edition.name,
        "framework": {"slug": fw.slug, "version": fw.version, "name": fw.name},
        "region_level": edition.region_level,
        "region_edition": edition.region_edition,
        "kind": edition.kind,
        "period_start": iso(edition.period_start),
        "period_end": iso(edition.period_end),
        "source": edition.source,
        "previous": edition.previous.slug if edition.previous_id else None,
        **synthetic_fields(synthetic),
        "latest_published_version": published[0]["version"] if published else None,
        "versions": [version_payload(v) for v in versions],
        "change_log": [
            {
                "version": v["version"],
                "published_at": iso(v["published_at"]),
                "supersedes": v["supersedes__version"],
                "text": v["change_log"],
            }
            for v in published
            if v["change_log"] or v["supersedes__version"]
        ],
        "links": {
            "self": _absolute(request, base),
            "results": _absolute(request, f"{base}/results"),
            "geojson": _absolute(request, f"{base}/geojson"),
        },
    }


def resolve_computation(edition: Edition, user: Any, version: str | None = None) -> Computation:
    """The computation a request reads.

    Default: the latest published version; offices and partners fall back to the latest
    finished computation while nothing is published. ``version=N`` picks one version and
    ``version=latest`` the latest finished one (published or not); an unpublished version is a
    404 for the public, as if it did not exist.
    """
    insider = scope.can_see_unpublished(user)
    qs = Computation.objects.filter(edition=edition, status=Computation.Status.DONE).only(
        *_COMPUTATION_COLUMNS
    )
    if not insider:
        qs = qs.filter(published=True)
    qs = qs.order_by("-version")
    key = (version or "").strip().lower()
    comp: Computation | None
    if not key:
        comp = qs.filter(published=True).first()
        if comp is None and insider:
            comp = qs.first()
    elif key == "latest":
        comp = qs.first()
    elif key.isdigit() and len(key) <= 9:  # bounded: no number the database cannot hold
        comp = qs.filter(version=int(key)).first()
    else:
        raise ApiError.invalid("version", version, ["latest", "1", "2", "…"])
    if comp is None:
        what = _("Hasil edisi")
        raise ApiError.not_found(what, f"{edition.slug} v{version}" if key else edition.slug)
    return comp


def computation_payload(comp: Computation) -> dict[str, Any]:
    return {
        "id": comp.pk,
        "version": comp.version,
        "published": comp.published,
        "published_at": iso(comp.published_at),
        "created": iso(comp.created),
        "uncertainty_runs": comp.uncertainty_runs,
        "input_hash": comp.input_hash,
        "source": comp.source,
    }


def is_synthetic(edition: Edition, comp: Computation | None) -> bool:
    return bool(edition.synthetic or (comp is not None and comp.synthetic))


#: bumped when the shape of cached rows or payloads changes (2: ``prob_<label>`` fields), so a
#: deployment never serves a body cached by the previous code
PAYLOAD_FORMAT = 2


def cache_marker(comp: Computation) -> str | None:
    """A cache key part for a published (immutable) computation, else None (do not cache)."""
    if not comp.published or comp.published_at is None:
        return None
    return f"f{PAYLOAD_FORMAT}.{comp.pk}.{comp.published_at.timestamp():.6f}"


# --------------------------------------------------------------------------------------------
# result rows


def _rows_from_db(
    comp: Computation, node: str | None, level: int | None, region: str | None = None
) -> list[dict[str, Any]]:
    qs = Result.objects.filter(computation=comp)
    if region:
        qs = qs.filter(region__code=region)
    if node:
        qs = qs.filter(node_code=node)
    if level:
        qs = qs.filter(level=level)
    edition = Edition.objects.select_related("framework").get(pk=comp.edition_id)
    labels = framework_info(edition.framework).class_labels
    rows = []
    for r in qs.values_list(
        "region__code",
        "region__name",
        "region__province_code",
        "region__level",
        "region__parent__name",
        "node_code",
        "level",
        "score",
        "rank",
        "klass",
        "rank_p05",
        "rank_median",
        "rank_p95",
        "class_probabilities",
        "reliability",
        "source",
    ):
        probs = {k: clean_float(v) for k, v in (r[13] or {}).items()}
        rows.append(
            {
                "region_code": r[0],
                "region_name": r[1],
                "province_code": r[2],
                "province_name": r[1] if r[3] == 1 else (r[4] or ""),
                "node_code": r[5],
                "level": r[6],
                "score": clean_float(r[7]),
                "rank": _rank(r[8]),
                "class": r[9] or None,
                "rank_p05": _rank(r[10]),
                "rank_median": _rank(r[11]),
                "rank_p95": _rank(r[12]),
                "class_probabilities": probs,
                **{prob_field(label): probs.get(label) for label in labels},
                "reliability": clean_float(r[14]),
                "source": r[15] or None,
            }
        )
    rows.sort(key=_rank_key)
    return rows


def _rank(value: Any) -> float | int | None:
    number = clean_float(value)
    if number is None:
        return None
    return int(number) if number.is_integer() else number


def _rank_key(row: dict[str, Any]) -> tuple[Any, ...]:
    rank = row["rank"]
    return (row["node_code"], rank is None, rank if rank is not None else 0, row["region_code"])


def result_rows(
    comp: Computation, *, node: str | None = None, level: int | None = None
) -> list[dict[str, Any]]:
    """Result rows (plain dicts, ``RESULT_FIELDS``) of one computation, for one node or one node
    level, ordered by node then rank. Cached for published computations. Callers must not
    mutate the rows."""
    marker = cache_marker(comp)
    if marker is None:
        return _rows_from_db(comp, node, level)
    key = f"ikp-api:rows:{marker}:{node or ''}:{level or ''}"
    rows = cache.get(key)
    if rows is None:
        rows = _rows_from_db(comp, node, level)
        cache.set(key, rows, CACHE_SECONDS)
    return list(rows)


def region_rows(comp: Computation, region_code: str) -> list[dict[str, Any]]:
    """All nodes of one region, index first (level 4 down to 1), then by node code."""
    rows = _rows_from_db(comp, None, None, region=region_code)
    rows.sort(key=lambda r: (-r["level"], r["node_code"]))
    return rows


@dataclass(frozen=True)
class ResultFilter:
    node: str | None
    level: int | None
    province: str | None
    klass: str | None
    region: str | None
    ordering: str
    class_labels: tuple[str, ...] = ()


def result_filter(
    info: FrameworkInfo,
    *,
    node: str | None = None,
    level: int | None = None,
    province: str | None = None,
    klass: str | None = None,
    region: str | None = None,
    ordering: str | None = None,
) -> ResultFilter:
    """Validate the result filters shared by the API and the downloads (422 on bad values, with
    the valid choices). With neither node nor level, the index itself (the framework root)."""
    if node is not None and node != "":
        if node not in info.nodes:
            raise ApiError.invalid("node", node, sorted(info.nodes))
    else:
        node = None
    if level is not None and level not in {n.level for n in info.nodes.values()}:
        raise ApiError.invalid("level", level, sorted({n.level for n in info.nodes.values()}))
    if node is None and level is None:
        node = info.root
    if node is not None and level is not None and info.nodes[node].level != level:
        raise ApiError.invalid("level", level, [info.nodes[node].level])
    province_code = None
    if province:
        province_code = _code(province, "province")
        if "." in province_code:
            raise ApiError.invalid("province", province)
    klass = (klass or "").strip().lower() or None
    if klass is not None and klass not in info.class_labels:
        raise ApiError.invalid("class", klass, list(info.class_labels))
    region_code = _code(region, "region") if region else None
    ordering = (ordering or "rank").strip()
    valid = orderings(info.class_labels)
    if ordering not in valid:
        raise ApiError.invalid("ordering", ordering, list(valid))
    return ResultFilter(
        node, level, province_code, klass, region_code, ordering, tuple(info.class_labels)
    )


def invalid_region_code(value: str, param: str, hint: str | None = None) -> ApiError:
    if hint is None:
        try:
            normalize_code(value)
            hint = "expected NN, NN.NN, NN.NN.NN or NN.NN.NN.NNNN, optionally kemendagri:"
        except ValueError as exc:
            hint = str(exc)
    return ApiError(
        422,
        "INVALID_REGION_CODE",
        _("Kode wilayah “%(value)s” tidak sah.") % {"value": value},
        {"param": param, "value": value, "hint": hint},
    )


def _code(value: str, param: str) -> str:
    try:
        return normalize_code(value)
    except ValueError as exc:
        raise invalid_region_code(value, param, str(exc)) from exc


def filtered_rows(comp: Computation, flt: ResultFilter) -> list[dict[str, Any]]:
    rows = result_rows(comp, node=flt.node, level=flt.level)
    if flt.province:
        rows = [r for r in rows if r["province_code"] == flt.province]
    if flt.klass:
        rows = [r for r in rows if r["class"] == flt.klass]
    if flt.region:
        rows = [r for r in rows if r["region_code"] == flt.region]
    return order_rows(rows, flt.ordering, flt.class_labels)


_NUMERIC_ORDER = {
    "rank": "rank",
    "score": "score",
    "interval": "rank_p05",
    "reliability": "reliability",
}
_TEXT_ORDER = {"code": "region_code", "name": "region_name", "province": "province_name"}


def order_rows(
    rows: list[dict[str, Any]], ordering: str, class_labels: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """Order by ``rank``, ``score``, ``interval`` (rank_p05), ``reliability``, ``class`` (in
    the framework's class order), ``prob_<label>`` (the probability of that class), ``code``,
    ``name`` or ``province``; ``-`` descends; ties by region code. Missing
    values go last either way; each node's rows stay together."""
    field = ordering.lstrip("-")
    reverse = ordering.startswith("-")
    if field == "rank" and not reverse:
        return rows  # already by node, rank
    if field in _TEXT_ORDER:
        key = _TEXT_ORDER[field]
        ordered = sorted(rows, key=lambda r: (r[key].lower(), r["region_code"]), reverse=reverse)
        return sorted(ordered, key=lambda r: r["node_code"])  # stable: keeps the order per node

    def value(row: dict[str, Any]) -> float | None:
        if field == "class":
            label = row["class"]
            return float(class_labels.index(label)) if label in class_labels else None
        if field.startswith(PROB_PREFIX):
            number = row["class_probabilities"].get(field[len(PROB_PREFIX) :])
            return None if number is None else float(number)
        number = row[_NUMERIC_ORDER[field]]
        return None if number is None else float(number)

    sign = -1.0 if reverse else 1.0
    return sorted(
        rows,
        key=lambda r: (
            r["node_code"],
            value(r) is None,
            sign * (value(r) or 0.0),
            r["region_code"],
        ),
    )


# --------------------------------------------------------------------------------------------
# pagination


class Sliceable(Protocol):
    """A list, or a queryset wrapper that counts and slices in the database."""

    def __len__(self) -> int: ...

    def __getitem__(self, item: slice) -> Any: ...


def paginate(
    request: HttpRequest,
    items: Sliceable,
    limit: int | None,
    offset: int | None,
    params: Sequence[tuple[str, Any]] | None = None,
) -> dict[str, Any]:
    """``count``, ``next``, ``previous``, ``limit``, ``offset`` and this page's ``items``.
    The links repeat ``params`` (default: the request's query) with a new offset."""
    limit = DEFAULT_LIMIT if limit is None else limit
    offset = offset or 0
    if not 1 <= limit <= MAX_LIMIT:
        raise ApiError.invalid("limit", limit, [f"1–{MAX_LIMIT}"])
    if not 0 <= offset <= MAX_OFFSET:
        raise ApiError.invalid("offset", offset, [f"0–{MAX_OFFSET}"])
    count = len(items)
    if params is None:
        params = [(k, v) for k, v in request.GET.items() if k not in ("limit", "offset")]
    nxt = _page_url(request, params, limit, offset + limit) if offset + limit < count else None
    prev = _page_url(request, params, limit, max(0, offset - limit)) if offset > 0 else None
    return {
        "count": count,
        "limit": limit,
        "offset": offset,
        "next": nxt,
        "previous": prev,
        "items": list(items[offset : offset + limit]),
    }


def _page_url(
    request: HttpRequest, params: Sequence[tuple[str, Any]], limit: int, offset: int
) -> str:
    query = [(k, str(v)) for k, v in params if v not in (None, "")]
    query += [("limit", str(limit)), ("offset", str(offset))]
    return request.build_absolute_uri(f"{request.path}?{urlencode(query)}")


@functools.cache
def api_prefix() -> str:
    """``/api/v1/`` (wherever the API is mounted)."""
    return reverse("api-v1:openapi-json").removesuffix("openapi.json")


def _absolute(request: HttpRequest | None, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


# --------------------------------------------------------------------------------------------
# regions

LEVEL_ALIASES = {
    "1": 1,
    "province": 1,
    "provinsi": 1,
    "2": 2,
    "regency": 2,
    "kabkota": 2,
    "kabupaten": 2,
    "kota": 2,
}


def region_edition_key(value: str | None) -> str:
    try:
        return resolve_edition(value or "current").key
    except ValueError as exc:
        raise ApiError.invalid("edition", value, ["current", "2022"]) from exc


def region_queryset(
    *,
    edition: str | None = None,
    level: str | None = None,
    province: str | None = None,
    search: str | None = None,
) -> QuerySet[Region]:
    qs = Region.objects.filter(edition=region_edition_key(edition)).select_related("parent")
    if level:
        lv = LEVEL_ALIASES.get(level.strip().lower())
        if lv is None:
            raise ApiError.invalid("level", level, sorted(LEVEL_ALIASES))
        qs = qs.filter(level=lv)
    if province:
        code = _code(province, "province")
        if "." in code:
            raise ApiError.invalid("province", province)
        qs = qs.filter(province_code=code)
    if search and search.strip():
        qs = qs.filter(name__icontains=search.strip())
    return qs.order_by("code")


def get_region(code: str, edition: str | None = None) -> Region:
    dotted = _code(code, "code")
    region = (
        Region.objects.select_related("parent")
        .filter(edition=region_edition_key(edition), code=dotted)
        .first()
    )
    if region is None:
        raise ApiError.not_found(_("Wilayah"), dotted)
    return region


def region_payload(region: Region, *, children: Iterable[Region] | None = None) -> dict[str, Any]:
    parent = region.parent
    out: dict[str, Any] = {
        "code": region.code,
        "code_kemendagri": f"kemendagri:{region.code}",
        "name": region.name,
        "level": region.level,
        "level_name": region.level_name,
        "province_code": region.province_code,
        "edition": region.edition,
        "population": region.population,
        "area_km2": clean_float(region.area_km2),
        "parent": {"code": parent.code, "name": parent.name} if parent is not None else None,
    }
    if children is not None:
        out["children"] = [{"code": c.code, "name": c.name, "level": c.level} for c in children]
    return out
