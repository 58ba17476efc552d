"""The versioned JSON API: ``/api/v1/`` (OpenAPI at ``/api/v1/openapi.json``, interactive docs
at ``/api/v1/docs``, served from local files only).

Access: anonymous callers read published editions; a bearer token (``Authorization: Bearer
<token>``) or a browser session acts as its user, scoped by ``accounts.services`` (offices and
partners also read unpublished computations; submissions follow ``region_filter``). What a
caller may not see is a 404, as if it did not exist. Errors are ``{code, message, data}``.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from django.core.cache import cache
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer

from ikp_web.apps.accounts import services as scope
from ikp_web.apps.api import queries as q
from ikp_web.apps.api.auth import BearerOrSession, require_login
from ikp_web.apps.api.docs import OfflineSwagger
from ikp_web.apps.api.errors import ApiError, json_error
from ikp_web.apps.api.geo import results_geojson
from ikp_web.apps.api.params import (
    CHOICES,
    REGION_PARAMS,
    REGION_PATTERNS,
    TOLERANCES,
    ClassLabel,
    EditionLevel,
    JobId,
    Kind,
    Limit,
    Node,
    Offset,
    Ordering,
    ProvinceCode,
    RegionCodePath,
    RegionCodeQuery,
    RegionEdition,
    RegionLevel,
    ResultLevel,
    Search,
    Simplify,
    Slug,
    Status,
    Version,
    choice_pattern,
)
from ikp_web.apps.api.schemas import (
    EditionDetailOut,
    EditionPage,
    ErrorOut,
    FeatureCollectionOut,
    JobOut,
    MeOut,
    RegionDetailOut,
    RegionPage,
    RegionResultsOut,
    ResultsPage,
    SubmissionDetailOut,
    SubmissionPage,
)
from ikp_web.apps.api.throttle import check_anonymous
from ikp_web.apps.core.models import Job
from ikp_web.apps.submissions.models import Observation, Review, Submission


class Utf8JSONRenderer(JSONRenderer):
    """Indonesian names and the synthetic label as UTF-8, not \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}  # noqa: RUF012


#: the endpoints anyone may read (published data without a token; more with one)
PUBLIC_VIEWS = {
    "me",
    "list_editions",
    "get_edition",
    "edition_results",
    "region_results",
    "edition_geojson",
    "list_regions",
    "get_region",
    "list_incidents",
}
#: the endpoints whose success is GeoJSON (``application/geo+json``)
GEOJSON_VIEWS = {"edition_geojson"}


class IkpAPI(NinjaAPI):
    """The OpenAPI document tells the truth about what ninja cannot say by itself: the bearer
    token is optional on public endpoints (anonymous callers read published data), and GeoJSON
    is served as ``application/geo+json``."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for item in schema["paths"].values():
            for op in item.values():
                name = str(op.get("operationId", "")).rsplit("_api_", 1)[-1]
                if name in PUBLIC_VIEWS and op.get("security"):
                    op["security"] = [{}, *(s for s in op["security"] if s)]
                if name in GEOJSON_VIEWS:
                    for status in (200, "200"):
                        content = op["responses"].get(status, {}).get("content", {})
                        if "application/json" in content:
                            content["application/geo+json"] = content.pop("application/json")
                for param in op.get("parameters", []):
                    if param["name"] == "simplify":  # a number from a fixed set
                        param["schema"]["enum"] = list(TOLERANCES)
        return schema


api = IkpAPI(
    title="IKP API",
    version="1.0.0",
    urls_namespace="api-v1",
    description=(
        "Indeks Kerawanan Pemilu: edisi, wilayah, hasil dan GeoJSON / editions, regions, results "
        "and GeoJSON.\n\n"
        "* Tanpa login: hanya edisi yang sudah diterbitkan / anonymous: published editions only.\n"
        "* Token: header `Authorization: Bearer <token>` (dibuat di admin atau dengan "
        "`ikp_create_token <username>`), cakupan sesuai peran / scoped by the user's role.\n"
        "* Data sintetis selalu membawa `synthetic: true` dan `label`; hasil resmi Bawaslu "
        "membawa `source` per baris / synthetic data carry `synthetic: true` and `label`; "
        "Bawaslu's published results carry `source` per row.\n"
        "* Galat / errors: `{code, message, data}`.\n"
        "* Unduhan / downloads: `/unduh/peringkat.csv|.xlsx`, `/unduh/hasil/<edisi>.csv|.xlsx`, "
        "`/unduh/peta/<edisi>.geojson`."
    ),
    auth=BearerOrSession(),
    docs=OfflineSwagger(),
    renderer=Utf8JSONRenderer(),
)

log = logging.getLogger("django.request")

ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut, 500: ErrorOut}

# the parameters are declared in ``params``: every number bounded, every fixed set an
# enumeration, every code a pattern; what the document declares is what the API accepts
_PATTERN_CHOICES = {choice_pattern(values): list(values) for values in CHOICES.values()}


# --------------------------------------------------------------------------------------------
# errors as {code, message, data}


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return json_error(exc)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {
            "loc": [str(p) for p in e.get("loc", ())],
            "msg": str(e.get("msg", "")),
            "type": e.get("type"),
        }
        for e in exc.errors
    ]
    data: dict[str, Any] = {"errors": errors}
    if len(errors) == 1 and len(errors[0]["loc"]) == 2:  # one parameter: name it, as elsewhere
        param = data["param"] = errors[0]["loc"][1]
        first = exc.errors[0]
        pattern = (first.get("ctx") or {}).get("pattern")
        if first.get("type") == "string_pattern_mismatch" and pattern is not None:
            value = _raw_param(request, str(first["loc"][0]), str(param))
            if param in REGION_PARAMS and pattern in REGION_PATTERNS:
                return json_error(q.invalid_region_code(str(value), param))
            if pattern in _PATTERN_CHOICES:
                return json_error(ApiError.invalid(param, value, _PATTERN_CHOICES[pattern]))
    return json_error(ApiError(422, "VALIDATION_ERROR", _("Parameter permintaan tidak sah."), data))


def _raw_param(request: HttpRequest, source: str, name: str) -> str:
    """A parameter's value as the request sent it (ninja's errors leave the input out)."""
    if source == "path":
        match = request.resolver_match
        return str(match.kwargs.get(name, "")) if match is not None else ""
    return request.GET.get(name, "")


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return json_error(ApiError.not_authenticated())


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return json_error(ApiError(exc.status_code, "HTTP_ERROR", str(exc.message)))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return json_error(ApiError(404, "NOT_FOUND", _("Tidak ditemukan.")))


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Any other failure: logged with its traceback (as Django logs a 500), answered as JSON."""
    log.error("API error at %s", request.path, exc_info=exc)
    return json_error(ApiError.server_error())


# --------------------------------------------------------------------------------------------
# helpers


def _caller(request: HttpRequest) -> Any:
    """The user ``BearerOrSession`` resolved (token, session or anonymous)."""
    return request.auth  # type: ignore[attr-defined]


def _json(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode(
        "utf-8"
    )


def _respond(body: bytes, content_type: str = "application/json") -> HttpResponse:
    return HttpResponse(body, content_type=f"{content_type}; charset=utf-8")


# GeoJSON responses are cached for these tolerances only (a few MB each; any other value is
# computed on each request)
CACHED_TOLERANCES = frozenset(TOLERANCES)


def _cached(
    kind: str, comp: Any, request: HttpRequest, *parts: Any
) -> tuple[str | None, bytes | None]:
    """The cache key and cached body of a response about a published computation, keyed by
    the computation, the validated parameters (``parts``) and the host (links are absolute)."""
    marker = q.cache_marker(comp)
    if marker is None:
        return None, None
    text = repr((request.scheme, request.get_host(), request.path, parts))
    key = f"ikp-api:{kind}:{marker}:{hashlib.sha256(text.encode('utf-8')).hexdigest()}"
    return key, cache.get(key)


# Without ``version=``, every caller reads the latest published version when there is one
# (offices and partners see an unpublished computation only while nothing is published, or when
# they ask for it), and published results are immutable. So those responses are also cached
# by URL for a few seconds and served before any database query (the token, if any, is still
# checked). A new publication shows after at most this delay.
FAST_SECONDS = 10


def _fast_path(request: HttpRequest) -> tuple[str | None, bytes | None]:
    if "version" in request.GET:
        return None, None
    query = sorted(request.GET.lists())
    text = repr((request.scheme, request.get_host(), request.path, query))
    key = f"ikp-api:fast:{hashlib.sha256(text.encode('utf-8')).hexdigest()}"
    return key, cache.get(key)


# --------------------------------------------------------------------------------------------
# meta


@api.get("/health", tags=["meta"], auth=None)
def health(request: HttpRequest) -> dict[str, str]:
    return {"status": "ok"}


@api.get("/me", tags=["meta"], response={200: MeOut, 401: ErrorOut, 500: ErrorOut})
def me(request: HttpRequest) -> dict[str, Any]:
    """Who the API sees: the token's or session's user, role and region."""
    user = _caller(request)
    region = scope.home_region(user)
    authenticated = bool(user.is_authenticated)
    via = "anonymous"
    if authenticated:
        via = "token" if request.headers.get("Authorization") else "session"
    return {
        "authenticated": authenticated,
        "username": user.username if authenticated else None,
        "role": scope.role_of(user),
        "region": {"code": region.code, "name": region.name} if region is not None else None,
        "can_see_unpublished": scope.can_see_unpublished(user),
        "via": via,
    }


# --------------------------------------------------------------------------------------------
# editions


@api.get("/editions", tags=["editions"], response={200: EditionPage, **ERRORS})
def list_editions(
    request: HttpRequest,
    level: EditionLevel = None,
    kind: Kind = None,
    synthetic: bool | None = None,
    search: Search = None,
    limit: Limit = None,
    offset: Offset = None,
) -> dict[str, Any]:
    """Editions: framework, region level and edition, kind, synthetic flag, versions (published
    ones with dates; offices and partners also see unpublished ones) and change log.

    Filters: `level` (province | regency), `kind` (collected | published_external),
    `synthetic`, `search` (in slug and name)."""
    user = _caller(request)
    qs = q.editions_for(user)
    if level:
        if level not in ("province", "regency"):
            raise ApiError.invalid("level", level, ["province", "regency"])
        qs = qs.filter(region_level=level)
    if kind:
        if kind not in ("collected", "published_external"):
            raise ApiError.invalid("kind", kind, ["collected", "published_external"])
        qs = qs.filter(kind=kind)
    if search:
        qs = qs.filter(Q(slug__icontains=search) | Q(name__icontains=search))
    editions = list(qs.order_by("slug"))
    versions = q.computations_for(editions, user)
    items = [q.edition_payload(e, versions[e.pk], request) for e in editions]
    if synthetic is not None:
        items = [i for i in items if i["synthetic"] == synthetic]
    page = q.paginate(request, items, limit, offset)
    return {**q.synthetic_fields(any(i["synthetic"] for i in page["items"])), **page}


@api.get("/editions/{slug}", tags=["editions"], response={200: EditionDetailOut, **ERRORS})
def get_edition(request: HttpRequest, slug: Slug) -> dict[str, Any]:
    """One edition, with its framework's nodes (codes for the `node` parameter)."""
    user = _caller(request)
    edition = q.get_edition(slug, user)
    versions = q.computations_for([edition], user)[edition.pk]
    payload = q.edition_payload(edition, versions, request)
    payload["nodes"] = q.framework_info(edition.framework).node_payload()
    return payload


# --------------------------------------------------------------------------------------------
# results


@api.get(
    "/editions/{slug}/results",
    tags=["results"],
    response={200: ResultsPage, **ERRORS},
    url_name="edition-results",
    by_alias=True,
)
def edition_results(
    request: HttpRequest,
    slug: Slug,
    version: Version = None,
    node: Node = None,
    level: ResultLevel = None,
    province: ProvinceCode = None,
    klass: ClassLabel = None,
    region: RegionCodeQuery = None,
    ordering: Ordering = None,
    limit: Limit = None,
    offset: Offset = None,
) -> HttpResponse:
    """Results of an edition: the latest published version unless `version` (a number, or
    `latest` for offices and partners) says otherwise.

    One node (`node=IKP`, the default, or a dimension/sub-dimension/indicator code) or all nodes
    of one `level` (4 index, 3 dimension, 2 sub-dimension, 1 indicator). Filters: `province`
    (e.g. `32`), `class` (rendah | sedang | tinggi), `region` (`32.04`, `3204` or
    `kemendagri:32.04`). `ordering`: rank, score, code, name, province, class, interval
    (rank_p05), reliability or `prob_<class>` (`prob_rendah`, `prob_sedang`, `prob_tinggi`);
    a leading `-` descends (`class=sedang&ordering=-prob_tinggi`: the *sedang* regions most
    likely to be *tinggi* first).
    Each row: score, rank, class, rank interval (`rank_p05`–`rank_p95`), the probability of
    every class (Monte Carlo; in `class_probabilities` and as `prob_<class>`), reliability and,
    for Bawaslu's published figures, `source`."""
    user = _caller(request)
    fast_key, body = _fast_path(request)
    if body is not None:
        return _respond(body)
    edition = q.get_edition(slug, user)
    comp = q.resolve_computation(edition, user, version)
    info = q.framework_info(edition.framework)
    _in_framework(info, node=node, level=level, klass=klass, ordering=ordering)
    flt = q.result_filter(
        info,
        node=node,
        level=level,
        province=province,
        klass=klass,
        region=region,
        ordering=ordering,
    )
    params = [
        ("version", version),
        ("node", node),
        ("level", level),
        ("province", flt.province),
        ("class", flt.klass),
        ("region", flt.region),
        ("ordering", ordering),
    ]
    key, body = _cached("results", comp, request, params, limit, offset)
    if body is not None:
        return _respond(body)
    rows = q.filtered_rows(comp, flt)
    page = q.paginate(request, rows, limit, offset, params)
    payload = {
        "edition": edition.slug,
        "node": flt.node,
        "level": flt.level if flt.level is not None else info.nodes[str(flt.node)].level,
        "computation": q.computation_payload(comp),
        **q.synthetic_fields(q.is_synthetic(edition, comp)),
        "source": comp.source or edition.source,
        **page,
    }
    body = _json(payload)
    if key is not None:
        cache.set(key, body, q.CACHE_SECONDS)
        if fast_key is not None:
            cache.set(fast_key, body, FAST_SECONDS)
    return _respond(body)


@api.get(
    "/editions/{slug}/results/{code}",
    tags=["results"],
    response={200: RegionResultsOut, **ERRORS},
    url_name="edition-region-results",
    by_alias=True,
)
def region_results(
    request: HttpRequest, slug: Slug, code: RegionCodePath, version: Version = None
) -> HttpResponse:
    """All nodes (index, dimensions, sub-dimensions, indicators) of one region of an edition.
    `code` accepts `32.04`, `3204` or `kemendagri:32.04`."""
    user = _caller(request)
    edition = q.get_edition(slug, user)
    comp = q.resolve_computation(edition, user, version)
    region = q.get_region(code, edition.region_edition)
    key, body = _cached("region", comp, request, region.code)
    if body is not None:
        return _respond(body)
    rows = q.region_rows(comp, region.code)
    payload = {
        "edition": edition.slug,
        "region": q.region_payload(region),
        "computation": q.computation_payload(comp),
        **q.synthetic_fields(q.is_synthetic(edition, comp)),
        "source": comp.source or edition.source,
        "items": rows,
    }
    body = _json(payload)
    if key is not None:
        cache.set(key, body, q.CACHE_SECONDS)
    return _respond(body)


@api.get(
    "/editions/{slug}/geojson",
    tags=["results"],
    response={200: FeatureCollectionOut, 429: ErrorOut, **ERRORS},
    url_name="edition-geojson",
    by_alias=True,
)
def edition_geojson(
    request: HttpRequest,
    slug: Slug,
    node: Node = None,
    version: Version = None,
    simplify: Simplify = 0.0,
) -> HttpResponse:
    """A GeoJSON FeatureCollection of every region of the edition's level (514 kabupaten/kota
    or 38 provinces; regions without a result have null values) with the results of one node
    as properties. Editions on the 2022 provinces are drawn on today's map (a split province's
    value on each successor, with a `note`). `simplify`: Douglas–Peucker tolerance in degrees,
    one of 0 (none), 0.001, 0.002, 0.005, 0.01, 0.02, 0.05 and 0.1 (served from cache; any other
    is a 422; islands smaller than the tolerance disappear). Anonymous callers are rate-limited
    per address (429 with `Retry-After`)."""
    user = _caller(request)
    check_anonymous(request, user)
    check_tolerance(simplify)
    edition = q.get_edition(slug, user)
    comp = q.resolve_computation(edition, user, version)
    _in_framework(q.framework_info(edition.framework), node=node)
    key, body = _cached("geojson", comp, request, node or "", simplify)
    if body is None:
        body = _json(geojson_payload(edition, comp, node, simplify))
        if key is not None:
            cache.set(key, body, q.CACHE_SECONDS)
    return _respond(body, "application/geo+json")


def _in_framework(
    info: q.FrameworkInfo,
    *,
    node: str | None = None,
    level: int | None = None,
    klass: str | None = None,
    ordering: str | None = None,
) -> None:
    """A well-formed value the edition's framework does not have (a node, a level, a class or
    ``prob_<class>``) is a 404 naming the valid choices: the OpenAPI document declares these
    values' syntax but cannot know each framework's codes."""
    if node and node not in info.nodes:
        raise ApiError.unknown("node", node, sorted(info.nodes))
    if level is not None:
        levels = sorted({n.level for n in info.nodes.values()})
        if level not in levels:
            raise ApiError.unknown("level", level, levels)
        if node and info.nodes[node].level != level:
            raise ApiError.unknown("level", level, [info.nodes[node].level])
    if klass and klass not in info.class_labels:
        raise ApiError.unknown("class", klass, list(info.class_labels))
    if ordering:
        valid = q.orderings(info.class_labels)
        if ordering not in valid:
            raise ApiError.unknown("ordering", ordering, list(valid))


def check_tolerance(simplify: float) -> None:
    """Only the cached tolerances: any other would recompute every geometry on each call."""
    if simplify not in CACHED_TOLERANCES:
        raise ApiError.invalid("simplify", simplify, sorted(CACHED_TOLERANCES))


def geojson_payload(edition: Any, comp: Any, node: str | None, simplify: float) -> dict[str, Any]:
    check_tolerance(simplify)
    info = q.framework_info(edition.framework)
    flt = q.result_filter(info, node=node)
    rows = q.result_rows(comp, node=flt.node)
    extra = {
        "edition": edition.slug,
        "node": flt.node,
        "computation": q.computation_payload(comp),
        **q.synthetic_fields(q.is_synthetic(edition, comp)),
        "source": comp.source or edition.source,
    }
    return results_geojson(edition, rows, simplify=simplify, extra=extra)


# --------------------------------------------------------------------------------------------
# regions


@api.get("/regions", tags=["regions"], response={200: RegionPage, **ERRORS})
def list_regions(
    request: HttpRequest,
    edition: RegionEdition = None,
    level: RegionLevel = None,
    province: ProvinceCode = None,
    search: Search = None,
    limit: Limit = None,
    offset: Offset = None,
) -> dict[str, Any]:
    """Provinces and kabupaten/kota of a region edition (`edition`: current (default) or
    2022). Filters: `level` (1 | province, 2 | regency), `province` (code), `search` (name)."""
    qs = q.region_queryset(edition=edition, level=level, province=province, search=search)
    page = q.paginate(request, _LazyRegions(qs), limit, offset)
    page["items"] = [q.region_payload(r) for r in page["items"]]
    return page


class _LazyRegions:
    """A sequence over a queryset that counts and slices in the database."""

    def __init__(self, qs: Any) -> None:
        self.qs = qs

    def __len__(self) -> int:
        return int(self.qs.count())

    def __getitem__(self, item: slice) -> list[Any]:
        return list(self.qs[item])


@api.get("/regions/{code}", tags=["regions"], response={200: RegionDetailOut, **ERRORS})
def get_region(
    request: HttpRequest, code: RegionCodePath, edition: RegionEdition = None
) -> dict[str, Any]:
    """One region with its parent and children. `code` accepts `32.04`, `3204` or
    `kemendagri:32.04`."""
    region = q.get_region(code, edition)
    children = region.children.order_by("code")
    return q.region_payload(region, children=children)


# --------------------------------------------------------------------------------------------
# submissions (offices and partners, scoped by region)


def _submission_edition(slug: str, user: Any) -> Any:
    require_login(user)
    if not scope.can_see_unpublished(user):
        raise ApiError.not_found(_("Edisi"), slug)
    return q.get_edition(slug, user)


_SUBMISSION_FIELDS = (
    "region__code",
    "region__name",
    "region__province_code",
    "status",
    "submitted_at",
    "verified_at",
    "updated",
)


def _submission_payload(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "region_code": row["region__code"],
        "region_name": row["region__name"],
        "province_code": row["region__province_code"],
        "status": row["status"],
        "submitted_at": q.iso(row["submitted_at"]),
        "verified_at": q.iso(row["verified_at"]),
        "updated": q.iso(row["updated"]),
    }


@api.get(
    "/editions/{slug}/submissions", tags=["submissions"], response={200: SubmissionPage, **ERRORS}
)
def list_submissions(
    request: HttpRequest,
    slug: Slug,
    status: Status = None,
    province: ProvinceCode = None,
    limit: Limit = None,
    offset: Offset = None,
) -> dict[str, Any]:
    """Submission status per region, limited to the caller's jurisdiction (RI and partners:
    all; a province office: its province; a kabupaten/kota office: its own region). Needs a
    login or token; the public gets 404."""
    user = _caller(request)
    edition = _submission_edition(slug, user)
    qs = Submission.objects.filter(edition=edition).filter(scope.region_filter(user, "region__"))
    if status:
        choices = [c for c, _label in Submission.Status.choices]
        if status not in choices:
            raise ApiError.invalid("status", status, choices)
        qs = qs.filter(status=status)
    if province:
        flt = q.region_queryset(province=province, edition=edition.region_edition)
        qs = qs.filter(region__in=flt)
    rows = [_submission_payload(r) for r in qs.order_by("region__code").values(*_SUBMISSION_FIELDS)]
    page = q.paginate(request, rows, limit, offset)
    return {"edition": edition.slug, **q.synthetic_fields(edition.synthetic), **page}


@api.get(
    "/editions/{slug}/submissions/{code}",
    tags=["submissions"],
    response={200: SubmissionDetailOut, **ERRORS},
)
def get_submission(request: HttpRequest, slug: Slug, code: RegionCodePath) -> dict[str, Any]:
    """One region's submission with its observations and reviews (same scope as the list)."""
    user = _caller(request)
    edition = _submission_edition(slug, user)
    region_code = q.get_region(code, edition.region_edition).code
    row = (
        Submission.objects.filter(edition=edition, region__code=region_code)
        .filter(scope.region_filter(user, "region__"))
        .values("id", *_SUBMISSION_FIELDS)
        .first()
    )
    if row is None:
        raise ApiError.not_found(_("Kiriman data"), f"{slug} {region_code}")
    observations = [
        {
            "indicator_code": o["indicator_code"],
            "incidence_level": o["incidence_level"],
            "value": q.clean_float(o["value"]),
            "note": o["note"],
            "source": o["source"],
            "updated": q.iso(o["updated"]),
            "updated_by": o["updated_by__username"],
        }
        for o in Observation.objects.filter(submission_id=row["id"])
        .order_by("indicator_code", "incidence_level")
        .values(
            "indicator_code",
            "incidence_level",
            "value",
            "note",
            "source",
            "updated",
            "updated_by__username",
        )
    ]
    reviews = [
        {
            "action": r["action"],
            "comment": r["comment"],
            "by": r["by__username"],
            "created": q.iso(r["created"]),
        }
        for r in Review.objects.filter(submission_id=row["id"]).values(
            "action", "comment", "by__username", "created"
        )
    ]
    return {
        "edition": edition.slug,
        **_submission_payload(row),
        **q.synthetic_fields(edition.synthetic),
        "observations": observations,
        "reviews": reviews,
    }


# --------------------------------------------------------------------------------------------
# background jobs


@api.get("/jobs/{job_id}", tags=["jobs"], response={200: JobOut, **ERRORS})
def get_job(request: HttpRequest, job_id: JobId) -> dict[str, Any]:
    """Progress of a background job (computation, uncertainty run, import, export): visible to
    Bawaslu RI and to the user who started it."""
    user = _caller(request)
    require_login(user)
    job = Job.objects.filter(pk=job_id).first()
    if job is None or not (scope.is_national(user) or job.created_by_id == user.pk):
        raise ApiError.not_found(_("Pekerjaan"), str(job_id))
    return {
        "id": job.pk,
        "kind": job.kind,
        "status": job.status,
        "progress": job.progress,
        "message": job.message,
        "created": q.iso(job.created),
        "updated": q.iso(job.updated),
        "result": job.result,
    }


# --------------------------------------------------------------------------------------------
# incidents (``ikp_web.apps.incidents.api``)

from ikp_web.apps.incidents.api import router as incidents_router  # noqa: E402

api.add_router("/incidents", incidents_router)

# --------------------------------------------------------------------------------------------
# alerts (``ikp_web.apps.alerts.api``)

from ikp_web.apps.alerts.api import router as alerts_router  # noqa: E402

api.add_router("/alerts", alerts_router)

# --------------------------------------------------------------------------------------------
# live index (``ikp_web.apps.live.api``): labelled live, never the published results

from ikp_web.apps.live.api import router as live_router  # noqa: E402

api.add_router("/live", live_router)
