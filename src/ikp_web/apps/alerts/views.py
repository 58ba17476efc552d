"""Alert pages under /peringatan/: the list (scope-filtered, ``services.visible_to``), an alert
with its explanation, history and the acknowledge/close form, the subscriptions of the logged-in
user, the rules (Bawaslu RI only) and the public feeds (RSS and Atom)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ikp_web.apps.accounts import services as scope
from ikp_web.apps.alerts import services
from ikp_web.apps.alerts.forms import AlertRuleForm, StatusForm, SubscriptionForm
from ikp_web.apps.alerts.models import Alert, AlertRule, Delivery, Subscription
from ikp_web.apps.core.access import signed_in_view as login_view
from ikp_web.apps.core.views import national_view
from ikp_web.apps.incidents.models import Incident

View = Callable[..., HttpResponse]


@login_view
def alert_list(request: HttpRequest) -> HttpResponse:
    qs = services.visible_to(request.user)
    status = request.GET.get("status", "")
    if status in Alert.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("halaman"))
    context = {
        "page": page,
        "status": status,
        "statuses": Alert.Status.choices,
        "is_ri": scope.is_national(request.user),
    }
    return TemplateResponse(request, "alerts/list.html", context)


@login_view
@require_http_methods(["GET", "POST"])
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alert = get_object_or_404(services.visible_to(request.user), pk=pk)
    can_ack = alert.status == Alert.Status.OPEN and services.can_acknowledge(request.user, alert)
    can_close = alert.status != Alert.Status.CLOSED and services.can_close(request.user, alert)
    form = StatusForm(request.POST or None)
    if request.method == "POST":
        if not (can_ack or can_close):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.change_status(
                    alert, form.cleaned_data["to"], form.cleaned_data["note"], actor=request.user
                )
            except services.NotAllowed as exc:
                raise PermissionDenied from exc
            except ValueError:
                form.add_error(
                    "note",
                    _("Perubahan status ini tidak dapat dilakukan; menutup memerlukan catatan."),
                )
            else:
                messages.success(request, _("Status peringatan disimpan."))
                return redirect("alerts:detail", pk=alert.pk)
    context = {
        "alert": alert,
        "form": form,
        "can_ack": can_ack,
        "can_close": can_close,
        "events": alert.events.select_related("by"),
        "incident_ids": alert.explanation.get("incidents", []),
    }
    return TemplateResponse(request, "alerts/detail.html", context)


@login_view
def subscription_list(request: HttpRequest) -> HttpResponse:
    subs = Subscription.objects.filter(user=request.user).prefetch_related("regions")
    context = {"subscriptions": subs, "deliveries": _deliveries(subs)}
    return TemplateResponse(request, "alerts/subscriptions.html", context)


def _deliveries(subs: QuerySet[Subscription]) -> Any:
    return Delivery.objects.filter(subscription__in=subs).order_by("-at", "-pk")[:30]


@login_view
@require_http_methods(["GET", "POST"])
def subscription_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    sub = None
    if pk is not None:
        sub = get_object_or_404(Subscription, pk=pk, user=request.user)
    form = SubscriptionForm(request.POST or None, instance=sub)
    if request.method == "POST" and form.is_valid():
        form.instance.user = request.user
        form.save()
        messages.success(request, _("Langganan disimpan."))
        return redirect("alerts:subscriptions")
    return TemplateResponse(
        request, "alerts/subscription_form.html", {"form": form, "subscription": sub}
    )


@login_view
@require_POST
def subscription_delete(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(Subscription, pk=pk, user=request.user).delete()
    messages.success(request, _("Langganan dihapus."))
    return redirect("alerts:subscriptions")


@national_view
def rule_list(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(request, "alerts/rules.html", {"rules": AlertRule.objects.all()})


@national_view
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    rule = get_object_or_404(AlertRule, pk=pk) if pk is not None else None
    form = AlertRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Aturan disimpan."))
        return redirect("alerts:rules")
    return TemplateResponse(request, "alerts/rule_form.html", {"form": form, "rule": rule})


SYNTHETIC_BADGE = "DATA SINTETIS / SYNTHETIC"


def rests_on_synthetic(alert: Alert) -> bool:
    """Whether the alert rests on SYNTHETIC data: a synthetic edition, or synthetic incidents
    among those it names (labelled so in the public feeds and page)."""
    if alert.edition.synthetic:
        return True
    ids = alert.explanation.get("incidents", [])
    return bool(ids) and Incident.objects.filter(pk__in=ids, synthetic=True).exists()


class PublicAlertsFeed(Feed):  # type: ignore[type-arg]
    """Public alerts (public rules, published snapshots) as RSS 2.0."""

    link = "/peringatan/umpan.rss"

    def title(self) -> str:
        return "IKP: peringatan publik / public alerts"

    def description(self) -> str:
        return "Peringatan dari hasil IKP yang diterbitkan / alerts on published IKP results"

    def items(self) -> list[Alert]:
        return list(services.public_alerts()[:50])

    def item_title(self, item: Alert) -> str:
        label = f"{SYNTHETIC_BADGE}: " if rests_on_synthetic(item) else ""
        return f"{label}{item.rule.name}: {item.region.name} ({item.region.code})"

    def item_description(self, item: Alert) -> str:
        return f"{item.explanation.get('text_id', '')} / {item.explanation.get('text_en', '')}"

    def item_link(self, item: Alert) -> str:
        return reverse("alerts:public_item", args=[item.pk])

    def item_pubdate(self, item: Alert) -> Any:
        return item.raised_at


class PublicAlertsAtom(PublicAlertsFeed):
    feed_type = Atom1Feed
    link = "/peringatan/umpan.atom"

    def subtitle(self) -> str:
        return self.description()


def public_item(request: HttpRequest, pk: int) -> HttpResponse:
    """A public alert, for the feeds' links (no login)."""
    alert = services.public_alerts().filter(pk=pk).first()
    if alert is None:
        raise Http404
    context = {"alert": alert, "synthetic_alert": rests_on_synthetic(alert)}
    return TemplateResponse(request, "alerts/public_item.html", context)
