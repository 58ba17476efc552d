"""Downloads (``/unduh/…``: tables as CSV and XLSX, maps as GeoJSON) and the docs page's local
Swagger UI files. Downloads are scoped like the API (anonymous: published editions only; a
token or session acts as its user), audit-logged, and errors are JSON ``{code, message, data}``.
"""

from __future__ import annotations

import functools
import mimetypes
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ninja
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ikp_web.apps.accounts import services as scope
from ikp_web.apps.api import exports
from ikp_web.apps.api import queries as q
from ikp_web.apps.api.api import _json, check_tolerance, geojson_payload
from ikp_web.apps.api.auth import resolve_user
from ikp_web.apps.api.downloads import Table, ranking_table, results_table, to_csv, to_xlsx
from ikp_web.apps.api.errors import ApiError, json_error
from ikp_web.apps.api.throttle import check_anonymous
from ikp_web.apps.core.models import Job
from ikp_web.apps.core.services import audit
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.scoring.models import Computation

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json; charset=utf-8",
}


def json_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except ApiError as exc:
            return json_error(exc)

    return wrapper


def _attachment(body: bytes, fmt: str, filename: str, synthetic: bool) -> HttpResponse:
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-IKP-Synthetic"] = "true" if synthetic else "false"
    return response


def _default_edition(user: Any, level: str | None = None) -> Edition:
    """Without ``edition=``: the most recently published edition (of ``level``, if given),
    collected on the platform before Bawaslu's external figures."""
    comps = Computation.objects.filter(published=True)
    if level:
        comps = comps.filter(edition__region_level=level)
    comp = (
        comps.order_by("edition__kind", "-published_at")  # "collected" < "published_external"
        .select_related("edition")
        .first()
    )
    if comp is None:
        raise ApiError.not_found(_("Edisi"), "-")
    return q.get_edition(comp.edition.slug, user)


def _param(request: HttpRequest, *names: str) -> str | None:
    """The first non-empty of several spellings of a parameter: the API's English name and the
    dashboards' Indonesian one (``edisi``, ``dimensi``, ``provinsi``, ``kelas``, ``sort``)."""
    for name in names:
        value = request.GET.get(name)
        if value not in (None, ""):
            return value
    return None


def _edition_and_version(request: HttpRequest, user: Any) -> tuple[Edition, str | None]:
    """``edition`` / ``edisi`` (``slug`` or the ranking page's ``slug@v<n>``), ``version`` /
    ``versi``; without an edition the latest publication, at ``tingkat`` (provinsi|kabkota)."""
    key = _param(request, "edition", "edisi")
    version = _param(request, "version", "versi")
    if key is None:
        level = {"provinsi": "province", "kabkota": "regency"}.get(request.GET.get("tingkat", ""))
        return _default_edition(user, level), version
    slug, _at, number = key.partition("@v")
    return q.get_edition(slug, user), version or number or None


def _int_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError as exc:
        raise ApiError.invalid(name, value) from exc


def _table_response(
    request: HttpRequest, table: Table, fmt: str, filename: str, comp: Computation, kind: str
) -> HttpResponse:
    body = to_csv(table) if fmt == "csv" else to_xlsx(table)
    audit(
        "download",
        request=request,
        obj=comp,
        edition=comp.edition.slug,
        version=comp.version,
        table=kind,
        format=fmt,
        filters=dict(request.GET.items()),
        rows=len(table.rows),
    )
    return _attachment(body, fmt, filename, table.synthetic)


@require_GET
@json_errors
def ranking_download(request: HttpRequest, fmt: str) -> HttpResponse:
    """``/unduh/peringkat.csv|.xlsx?edition=&node=&province=&class=&version=&ordering=``: the
    ranking table, with the ranking page's filters; its own parameter names work too
    (``edisi=slug[@vN]``, ``tingkat``, ``dimensi``, ``provinsi``, ``kelas``, ``sort``)."""
    user = resolve_user(request)
    check_anonymous(request, user)
    edition, version = _edition_and_version(request, user)
    comp = q.resolve_computation(edition, user, version)
    info = q.framework_info(edition.framework)
    flt = q.result_filter(
        info,
        node=_param(request, "node", "dimensi"),
        province=_param(request, "province", "provinsi"),
        klass=_param(request, "class", "kelas"),
        ordering=_param(request, "ordering", "sort"),
    )
    rows = q.filtered_rows(comp, flt)
    filters = {"node": flt.node, "province": flt.province, "class": flt.klass}
    table = ranking_table(edition, comp, info, rows, filters)
    parts = [edition.slug, str(flt.node), flt.province, flt.klass, f"v{comp.version}"]
    filename = "peringkat-" + "-".join(p for p in parts if p) + f".{fmt}"
    return _table_response(request, table, fmt, filename, comp, "peringkat")


@require_GET
@json_errors
def results_download(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """``/unduh/hasil/<edition>.csv|.xlsx?version=&level=&province=``: every node's results."""
    user = resolve_user(request)
    check_anonymous(request, user)
    edition = q.get_edition(slug, user)
    comp = q.resolve_computation(edition, user, _param(request, "version", "versi"))
    info = q.framework_info(edition.framework)
    level = _int_param(request, "level")
    if level is not None and level not in {n.level for n in info.nodes.values()}:
        raise ApiError.invalid("level", level, sorted({n.level for n in info.nodes.values()}))
    rows = q.result_rows(comp, level=level)
    province = q.result_filter(info, province=_param(request, "province", "provinsi")).province
    if province:
        rows = [r for r in rows if r["province_code"] == province]
    filters = {"level": level, "province": province}
    if fmt == "xlsx":
        return _results_xlsx(request, user, edition, comp, level, province, len(rows))
    filename = f"hasil-{edition.slug}-v{comp.version}.{fmt}"
    marker = q.cache_marker(comp)
    key = f"ikp-api:dl:{marker}:{level}:{province}:{fmt}" if marker else None
    body = cache.get(key) if key else None
    if body is None:
        table = results_table(edition, comp, info, rows, filters)
        body = to_csv(table)
        if key:
            cache.set(key, body, q.CACHE_SECONDS)
    _audit_results(request, comp, fmt, filters, len(rows))
    return _attachment(body, fmt, filename, q.is_synthetic(edition, comp))


def _audit_results(
    request: HttpRequest,
    comp: Computation,
    fmt: str,
    filters: dict[str, Any],
    rows: int | None,
    **extra: Any,
) -> None:
    audit(
        "download",
        request=request,
        obj=comp,
        edition=comp.edition.slug,
        version=comp.version,
        table="hasil",
        format=fmt,
        filters=filters,
        rows=rows,
        **extra,
    )


def _stored_attachment(path: str, filename: str, synthetic: bool) -> FileResponse:
    response = FileResponse(
        default_storage.open(path, "rb"),
        as_attachment=True,
        filename=filename,
        content_type=CONTENT_TYPES["xlsx"],
    )
    response["X-IKP-Synthetic"] = "true" if synthetic else "false"
    return response


def _results_xlsx(
    request: HttpRequest,
    user: Any,
    edition: Edition,
    comp: Computation,
    level: int | None,
    province: str | None,
    n_rows: int,
) -> HttpResponse:
    """The full results workbook: served from storage when already built for this computation;
    otherwise a signed-in user gets a background job and its progress page, and a visitor
    without a session (anonymous, API token) has it built in the request and stored."""
    filters = {"level": level, "province": province}
    path = exports.export_path(comp, level, province)
    filename = exports.export_filename(comp)
    synthetic = q.is_synthetic(edition, comp)
    if not exports.stored_export(path):
        if request.user.is_authenticated:
            job = exports.start_export(edition, comp, level, province, request.user)
            return redirect("scoring:job", job.pk)
        body, _n = exports.build_results_xlsx(edition, comp, level, province)
        path = exports.store_export(path, body)
    _audit_results(request, comp, "xlsx", filters, n_rows)
    return _stored_attachment(path, filename, synthetic)


@require_GET
@never_cache
@json_errors
def export_file(request: HttpRequest, pk: str) -> HttpResponse:
    """``/unduh/pekerjaan/<job>/berkas``: the file an export job built, for the user who may see
    the job and (still) the computation it was built from; audit-logged."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    job = Job.objects.filter(pk=int(pk), kind=exports.EXPORT_JOB).first() if len(pk) <= 9 else None
    if job is None or not scope.can_see_job(request.user, job):
        raise ApiError.not_found(_("Berkas"), str(pk))
    p = job.params
    edition = q.get_edition(p.get("edition", ""), request.user)
    comp = q.resolve_computation(edition, request.user, str(p.get("version")))
    path = job.result.get("path") if job.status == Job.Status.DONE else None
    if comp.pk != p.get("computation_id") or not path or not exports.stored_export(path):
        raise ApiError.not_found(_("Berkas"), str(pk))
    filters = {"level": p.get("level"), "province": p.get("province")}
    _audit_results(request, comp, "xlsx", filters, job.result.get("rows"), job=job.pk)
    return _stored_attachment(
        path, p.get("filename") or exports.export_filename(comp), q.is_synthetic(edition, comp)
    )


@require_GET
@json_errors
def geojson_download(request: HttpRequest, slug: str) -> HttpResponse:
    """``/unduh/peta/<edition>.geojson?node=&version=&simplify=``: the map as GeoJSON."""
    user = resolve_user(request)
    check_anonymous(request, user)
    edition = q.get_edition(slug, user)
    comp = q.resolve_computation(edition, user, _param(request, "version", "versi"))
    try:
        simplify = float(request.GET.get("simplify") or 0)
    except ValueError as exc:
        raise ApiError.invalid("simplify", request.GET.get("simplify")) from exc
    check_tolerance(simplify)
    node = _param(request, "node", "dimensi")
    marker = q.cache_marker(comp)
    key = f"ikp-api:dl-geo:{marker}:{node}:{simplify}" if marker is not None else None
    body = cache.get(key) if key else None
    if body is None:
        payload = geojson_payload(edition, comp, node, simplify)
        body = _json(payload)
        if key:
            cache.set(key, body, q.CACHE_SECONDS)
    audit(
        "download",
        request=request,
        obj=comp,
        edition=edition.slug,
        version=comp.version,
        table="peta",
        format="geojson",
        filters={"node": node, "simplify": simplify},
    )
    filename = f"peta-{edition.slug}-{node or 'IKP'}-v{comp.version}.geojson"
    return _attachment(body, "geojson", filename, q.is_synthetic(edition, comp))


# --------------------------------------------------------------------------------------------
# the docs page's files and JSON 404s under /api/

_NINJA_STATIC = Path(ninja.__file__).parent / "static" / "ninja"
DOCS_ASSETS = frozenset(
    {"swagger-ui-bundle.js", "swagger-ui-init.js", "swagger-ui.css", "favicon.svg", "favicon.png"}
)


@require_GET
def docs_asset(request: HttpRequest, name: str) -> FileResponse:
    """Swagger UI's files from the installed django-ninja package (no CDN)."""
    if name not in DOCS_ASSETS:
        raise Http404(name)
    path = _NINJA_STATIC / name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(path.open("rb"), content_type=content_type)
    response["Cache-Control"] = f"public, max-age={60 * 60 * 24}"
    return response


def api_not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    return json_error(ApiError(404, "NOT_FOUND", _("Alamat API ini tidak ada.")))


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: JSON ``{code, message, data}`` under ``/api/`` and ``/unduh/`` (a
    failure outside the API's own handlers, e.g. in a middleware), Django's page elsewhere."""
    if request.path.startswith(("/api/", "/unduh/")):
        return json_error(ApiError.server_error())
    return defaults.server_error(request)
