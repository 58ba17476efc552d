"""Computing and publishing (Bawaslu RI only): /hitung/ (editions, start a computation),
/hitung/<edition>/v<version>/ (inspect a computation) and its publish action. Access is asked of
``ikp_web.apps.accounts.services``; anonymous visitors go to the login page, other roles get 403.
Views validate, services act (``scoring.services``), queries read (``scoring.queries``)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ikp_web.apps.accounts import services as scope
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.scoring import queries, services
from ikp_web.apps.scoring.forms import ComputeForm, PublishForm, method_initial
from ikp_web.apps.scoring.models import Computation
from ikp_web.config import constants as c

View = Callable[..., HttpResponse]


def compute_view(view: View) -> View:
    """Pages of computing and publishing: Bawaslu RI only."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not scope.can_compute(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _lang() -> str:
    return "en" if (get_language() or "id").startswith("en") else "id"


def _index_page(request: HttpRequest, form: ComputeForm, status: int = 200) -> HttpResponse:
    rows = queries.edition_rows()
    context = {
        "rows": rows,
        "form": form,
        "method_fields": [form[name] for name in ComputeForm.METHOD_FIELDS],
        "synthetic": any(r.edition.synthetic for r in rows),
        "max_runs": services.MAX_RUNS,
    }
    return TemplateResponse(request, "scoring/index.html", context, status=status)


@compute_view
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    editions = queries.collected_editions()
    slugs = list(editions.values_list("slug", flat=True))
    initial = {"runs": c.DEFAULT_UNCERTAINTY_RUNS, **method_initial(queries.shared_framework())}
    form = ComputeForm(editions=slugs, initial=initial)
    return _index_page(request, form)


@compute_view
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    """Start computing an edition: a job on the task queue; the browser follows its progress."""
    slugs = list(queries.collected_editions().values_list("slug", flat=True))
    form = ComputeForm(request.POST, editions=slugs)
    if not form.is_valid():
        return _index_page(request, form, status=400)
    edition = get_object_or_404(queries.collected_editions(), slug=form.cleaned_data["edition"])
    try:
        job = services.start_compute(
            edition, request.user, runs=form.cleaned_data["runs"], methods=form.methods()
        )
    except services.ComputeBusy:
        busy = services.active_compute_job(edition)
        messages.warning(
            request,
            _("Perhitungan edisi %(edition)s sedang berjalan; tunggu sampai selesai.")
            % {"edition": edition.slug},
        )
        if busy is not None:
            return redirect("scoring:job", busy.pk)
        return redirect("scoring:index")
    except ValueError as exc:  # a method the edition's framework cannot take, e.g. AHP
        form.add_error(
            None,
            _("Metode tidak dapat dipakai untuk edisi %(edition)s: %(error)s")
            % {"edition": edition.slug, "error": exc},
        )
        return _index_page(request, form, status=400)
    return redirect("scoring:job", job.pk)


def _computation(edition_slug: str, version: int) -> Computation:
    return get_object_or_404(
        Computation.objects.select_related(
            "edition", "edition__framework", "created_by", "published_by", "supersedes", "job"
        ),
        edition__slug=edition_slug,
        version=version,
    )


def _computation_page(
    request: HttpRequest, comp: Computation, form: PublishForm | None, status: int = 200
) -> HttpResponse:
    lang = _lang()
    edition = comp.edition
    try:
        framework = edition.framework.framework()
    except Exception:  # a stored framework that no longer validates: show what is stored
        framework = None
    published = queries.current_published(edition)
    base = queries.comparison_base(comp)
    can_publish = (
        not comp.published
        and comp.status == Computation.Status.DONE
        and edition.kind == Edition.Kind.COLLECTED
        and (published is None or published.version < comp.version)
    )
    if form is None and can_publish:
        form = PublishForm(correction=published is not None)
    context = {
        "comp": comp,
        "edition": edition,
        "framework": framework,
        "published": published,
        "summary": queries.ranking_summary(comp, framework),
        "audit": queries.audit_summary(comp, framework, lang),
        "sensitivity": queries.sensitivity_rows(comp, lang),
        "base": base,
        "comparison": queries.comparison(comp, base) if base is not None else None,
        "versions": queries.versions(edition),
        "can_publish": can_publish,
        "older_than_published": (
            not comp.published and published is not None and published.version > comp.version
        ),
        "form": form,
        "synthetic": comp.synthetic or edition.synthetic,
    }
    return TemplateResponse(request, "scoring/computation.html", context, status=status)


@compute_view
@require_GET
def computation(request: HttpRequest, edition_slug: str, version: int) -> HttpResponse:
    return _computation_page(request, _computation(edition_slug, version), None)


@compute_view
@require_POST
def publish(request: HttpRequest, edition_slug: str, version: int) -> HttpResponse:
    """Publish a computation: the edition's immutable public snapshot. A correction (the edition
    is already published) must carry a change log."""
    comp = _computation(edition_slug, version)
    here = reverse("scoring:computation", args=[edition_slug, version])
    if comp.published:
        messages.info(request, _("Versi ini sudah diterbitkan dan tidak dapat diubah."))
        return redirect(here)
    if comp.edition.kind != Edition.Kind.COLLECTED:
        raise PermissionDenied
    published = queries.current_published(comp.edition)
    form = PublishForm(request.POST, correction=published is not None)
    if not form.is_valid():
        return _computation_page(request, comp, form, status=400)
    try:
        services.do_publish(comp, request.user, change_log=form.cleaned_data["change_log"])
    except services.PublishError as exc:
        form.add_error(None, str(exc))
        return _computation_page(request, comp, form, status=400)
    messages.success(
        request,
        _("%(edition)s v%(version)s diterbitkan. Versi ini sekarang tidak dapat diubah.")
        % {"edition": comp.edition.slug, "version": comp.version},
    )
    return redirect(here)
