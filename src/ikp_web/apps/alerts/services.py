"""Alerts: build the tables the core rules read (:mod:`ikp.alert_rules`), store what fires, move
alerts through their lifecycle, and deliver them to subscribers (e-mail now or in a daily digest,
signed webhooks retried with backoff).

Who sees an alert (the list, the API, deliveries):

* Bawaslu RI: every alert.
* Bawaslu provinsi: alerts of its province and its kab/kota; Bawaslu kab/kota: its own region.
* Partner agencies: the alerts their subscriptions match, and the public alerts.
* The public role (logged in): the public alerts only.

Public alerts: those of a rule marked ``public`` raised from a *published* snapshot (never from
the live index); the feed lists them.

Who may act: RI and offices in scope acknowledge and close; a partner acknowledges the alerts its
subscriptions match (its receipt), and closes none.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import logging
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from ikp import alert_rules
from ikp_web.apps.accounts import services as scope
from ikp_web.apps.alerts.models import Alert, AlertEvent, AlertRule, Delivery, Subscription
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.incidents.models import Incident
from ikp_web.apps.regions.models import Region
from ikp_web.apps.scoring.queries import current_published
from ikp_web.config import constants as c

log = logging.getLogger(__name__)

S = Alert.Status
#: webhook attempts before a delivery is given up, and the first retry's delay (doubling)
WEBHOOK_ATTEMPTS = 5
WEBHOOK_BACKOFF_SECONDS = 30
WEBHOOK_TIMEOUT_SECONDS = 10


class NotAllowed(PermissionError):
    pass


# --------------------------------------------------------------------------- tables


def current_states(edition: Edition, components: Iterable[str] | None = None) -> pd.DataFrame:
    """The region-state table of ``edition`` for :func:`ikp.alert_rules.evaluate`: one row per
    region × component (``components``: all when None) of the latest published computation.

    "Current" is the live index where it has a run on this published snapshot
    (:mod:`ikp_web.apps.live`: the index's live score and class per region); elsewhere — the
    components below the index, which the live index does not compute, or an edition without
    a live run — it is the published value itself, so class-transition and score-rise rules
    fire on the index as incidents are verified. ``prob_*`` are the published probabilities.
    The table is empty when nothing is published."""
    comp = current_published(edition)
    columns = [*alert_rules.STATE_COLUMNS, "computation_id"]
    if comp is None:
        return pd.DataFrame({k: [] for k in columns})
    qs = comp.results.all()
    if components is not None:
        qs = qs.filter(node_code__in=list(components))
    rows = list(
        qs.values_list(
            "region__code", "region__parent__code", "node_code", "score", "klass",
            "class_probabilities",
        )
    )  # fmt: skip
    frame = pd.DataFrame(
        [r[:5] for r in rows],
        columns=["region_code", "parent_code", "component", "published_score", "published_class"],
    )
    frame["parent_code"] = frame["parent_code"].fillna("")
    frame["published_score"] = frame["published_score"].astype(float)
    frame["current_score"] = frame["published_score"]
    frame["current_class"] = frame["published_class"]
    frame["live"] = False
    _apply_live(frame, edition, comp)
    labels = sorted({k for r in rows for k in (r[5] or {})})
    for label in labels:
        frame[f"prob_{label}"] = [(r[5] or {}).get(label) for r in rows]
    frame["computation_id"] = comp.pk
    return frame


def _apply_live(frame: pd.DataFrame, edition: Edition, comp: Any) -> None:
    """Put the live index's score and class of each region in the index rows' ``current_*``
    columns (and mark those rows ``live``), when the edition's newest live run is on ``comp``."""
    from ikp_web.apps.live.models import LiveRun

    run = LiveRun.objects.filter(edition=edition, based_on=comp).order_by("-computed_at").first()
    if run is None or frame.empty:
        return
    live = {
        code: (score, klass)
        for code, score, klass in run.results.values_list("region__code", "score", "klass")
        if score is not None
    }
    root = edition.framework.framework().root
    rows = (frame["component"] == root) & frame["region_code"].isin(list(live))
    codes = frame.loc[rows, "region_code"]
    frame.loc[rows, "current_score"] = [float(live[c][0]) for c in codes]
    frame.loc[rows, "current_class"] = [live[c][1] for c in codes]
    frame.loc[rows, "live"] = True


def incident_table(edition: Edition) -> pd.DataFrame:
    """The verified incidents of ``edition`` as the core's incident table."""
    rows = Incident.objects.filter(edition=edition, status=Incident.Status.VERIFIED).values_list(
        "pk", "regency__code", "province__code", "indicator_code", "occurred_at"
    )
    return pd.DataFrame(list(rows), columns=list(alert_rules.INCIDENT_COLUMNS))


def component_indicators(edition: Edition) -> dict[str, tuple[str, ...]]:
    framework = edition.framework.framework()
    return {code: framework.indicators_under(code) for code in framework.nodes}


def component_children(edition: Edition) -> dict[str, tuple[str, ...]]:
    framework = edition.framework.framework()
    return {code: framework.children(code) for code in framework.nodes}


def core_rules(rules: Iterable[AlertRule]) -> list[alert_rules.Rule]:
    return [
        alert_rules.Rule(slug=r.slug, kind=r.kind, component=r.component, params=r.params)  # type: ignore[arg-type]
        for r in rules
    ]


# --------------------------------------------------------------------------- evaluation


#: rule kinds that read the current (live where there is one) score or class
CURRENT_KINDS = frozenset({"class_transition", "score_rise"})


def evaluate_edition(
    edition: Edition, *, at: dt.datetime | None = None, notify: bool = True
) -> list[Alert]:
    """Evaluate every enabled rule for every region of ``edition``: close the alerts whose
    condition cleared (:func:`close_cleared`), then raise the alerts that fire (none while one
    is open for the same rule and region; a closed one does not block a new one); deliver the
    new ones if ``notify``.
    The state table holds the watched components and their children (the explanation's
    drivers)."""
    at = at or timezone.now()
    rules = list(AlertRule.objects.filter(enabled=True))
    if not rules:
        return []
    children = component_children(edition)
    watched = {r.component for r in rules}
    watched |= {c for w in watched for c in children.get(w, ())}
    states = current_states(edition, watched)
    if states.empty:
        return []
    incidents = incident_table(edition)
    triggers = alert_rules.evaluate(
        core_rules(rules),
        states,
        incidents,
        at=at,
        component_indicators=component_indicators(edition),
        component_children=children,
    )
    computation_id = int(states["computation_id"].iloc[0])
    # a rule reading the current score or class of a row the live index set is a live alert
    # (not a published result: labelled so, and never public)
    marked = states[states["live"].astype(bool)] if "live" in states.columns else states[:0]
    live_rows = set(zip(marked["region_code"], marked["component"], strict=True))

    def from_live(t: alert_rules.Trigger) -> bool:
        return t.kind in CURRENT_KINDS and (t.region_code, t.component) in live_rows

    close_cleared(edition, rules, states, incidents, at=at, live_rows=live_rows)
    alerts = raise_alerts(
        edition, [t for t in triggers if not from_live(t)], at=at, computation_id=computation_id
    )
    alerts += raise_alerts(
        edition,
        [t for t in triggers if from_live(t)],
        at=at,
        computation_id=computation_id,
        source=Alert.Source.LIVE,
    )
    if notify and alerts:
        dispatch(alerts)
    return alerts


def class_floor(edition: Edition, label: str) -> float | None:
    """The lower cut-off of class ``label`` of the index of ``edition``, when its classes are
    fixed cut-offs (None for the lowest class or other class methods)."""
    framework = edition.framework.framework()
    spec = framework.classification.for_level(edition.region_level)
    labels = [lab.id for lab in framework.classification.labels]
    cuts = spec.get("cutoffs", []) if spec.get("method") == "fixed" else []
    i = labels.index(label) if label in labels else 0
    return float(cuts[i - 1]) if 0 < i <= len(cuts) else None


def class_floors(edition: Edition, rules: Iterable[AlertRule]) -> dict[str, float]:
    """The lower cut-off of each class-transition rule's ``to_class``, for the rules on the
    index root (the hysteresis of closing is measured from it); other rules have none."""
    root = edition.framework.framework().root
    out = {}
    for rule in rules:
        if rule.kind == "class_transition" and rule.component == root:
            floor = class_floor(edition, (rule.params or {}).get("to_class", "tinggi"))
            if floor is not None:
                out[rule.slug] = floor
    return out


def close_cleared(
    edition: Edition,
    rules: Sequence[AlertRule],
    states: pd.DataFrame,
    incidents: pd.DataFrame,
    *,
    at: dt.datetime,
    live_rows: set[tuple[str, str]],
) -> list[Alert]:
    """Close the open and acknowledged alerts of ``edition`` whose rule closes by itself
    (``auto_close``) and whose condition no longer holds, loosened by the rule's
    ``clear_margin`` (:func:`ikp.alert_rules.clearances`), with the note in Indonesian and
    English and a history event by the system (no actor). An alert raised from the live index
    is judged only against the live index: while its region's row is not live (a new
    publication whose live run is not computed yet) it stays as it is. Closing is recorded,
    not delivered (subscribers see it on the alert page, in the list and the API)."""
    closing = [r for r in rules if r.auto_close]
    if not closing:
        return []
    candidates = list(
        Alert.objects.filter(
            edition=edition, rule__in=closing, status__in=[S.OPEN, S.ACKNOWLEDGED]
        ).select_related("rule", "region")
    )

    def judged(a: Alert) -> bool:
        if a.source != Alert.Source.LIVE or a.rule.kind not in CURRENT_KINDS:
            return True
        return (a.region.code, a.component) in live_rows

    candidates = [a for a in candidates if judged(a)]
    if not candidates:
        return []
    found = alert_rules.clearances(
        core_rules(closing),
        states,
        incidents,
        {(a.rule.slug, a.region.code) for a in candidates},
        at=at,
        margins={r.slug: r.clear_margin for r in closing},
        class_floors=class_floors(edition, closing),
        component_indicators=component_indicators(edition),
    )
    cleared = {(c.rule, c.region_code): c for c in found}
    out = []
    for alert in candidates:
        c = cleared.get((alert.rule.slug, alert.region.code))
        if c is None:
            continue
        note = f"{c.text_id}\n{c.text_en}"
        with transaction.atomic():
            locked = Alert.objects.select_for_update().filter(pk=alert.pk).first()
            if locked is None or locked.status == S.CLOSED:
                continue
            before = locked.status
            locked.status = S.CLOSED
            locked.notes = f"{locked.notes}\n{note}".strip()
            locked.save(update_fields=["status", "notes", "updated"])
            AlertEvent.objects.create(
                alert=locked, from_status=before, to_status=S.CLOSED, note=note, by=None
            )
        out.append(locked)
    return out


def raise_alerts(
    edition: Edition,
    triggers: Sequence[alert_rules.Trigger],
    *,
    at: dt.datetime,
    computation_id: int | None = None,
    source: str = Alert.Source.PUBLISHED,
) -> list[Alert]:
    """Store one alert per trigger, skipping each rule × region that already has an open one
    (checked first, and enforced by the partial unique constraint for racing evaluations)."""
    rules = {r.slug: r for r in AlertRule.objects.filter(slug__in={t.rule for t in triggers})}
    regions = dict(
        Region.objects.filter(
            edition=edition.region_edition, code__in={t.region_code for t in triggers}
        ).values_list("code", "pk")
    )
    still_open = set(
        Alert.objects.exclude(status=S.CLOSED)
        .filter(rule__in=rules.values())
        .values_list("rule_id", "region_id")
    )
    out: list[Alert] = []
    for t in triggers:
        rule, region_id = rules.get(t.rule), regions.get(t.region_code)
        if rule is None or region_id is None or (rule.pk, region_id) in still_open:
            continue
        try:
            with transaction.atomic():
                alert = Alert.objects.create(
                    rule=rule,
                    region_id=region_id,
                    edition=edition,
                    computation_id=computation_id,
                    source=source,
                    component=t.component,
                    values=t.values,
                    explanation=t.explanation,
                    raised_at=at,
                )
                AlertEvent.objects.create(
                    alert=alert, to_status=S.OPEN, note=t.explanation["text_id"]
                )
        except IntegrityError:
            continue  # another evaluation opened it meanwhile
        still_open.add((rule.pk, region_id))
        out.append(alert)
    return out


# --------------------------------------------------------------------------- scope and lifecycle


def _public_q() -> Q:
    return Q(rule__public=True, source=Alert.Source.PUBLISHED)


def _subscription_q(sub: Subscription) -> Q:
    q = Q()
    regions = [r.pk for r in sub.regions.all()]
    if regions:
        where = Q(region__in=regions)
        if sub.include_children:
            where |= Q(region__parent__in=regions)
        q &= where
    if sub.components:
        q &= Q(component__in=sub.components)
    if sub.kinds:
        q &= Q(rule__kind__in=sub.kinds)
    return q


def _subscribed_q(user: Any) -> Q:
    q = Q(pk__in=[])
    for sub in Subscription.objects.filter(user=user).prefetch_related("regions"):
        q |= _subscription_q(sub)
    return q


def scope_q(user: Any) -> Q:
    """The alerts ``user`` may see (see the module docstring)."""
    role = scope.role_of(user)
    if role == c.ROLE_RI:
        return Q()
    if role in (c.ROLE_PROVINCE, c.ROLE_REGENCY):
        return scope.region_filter(user, prefix="region__")
    if role == c.ROLE_PARTNER:
        return _subscribed_q(user) | _public_q()
    if getattr(user, "is_authenticated", False):
        return _public_q()
    return Q(pk__in=[])


def visible_to(user: Any) -> QuerySet[Alert]:
    return (
        Alert.objects.filter(scope_q(user))
        .select_related("rule", "region", "edition")
        .order_by("-raised_at", "-pk")
    )


def public_alerts() -> QuerySet[Alert]:
    """Alerts of public rules, from published snapshots, on editions with a published
    computation (the feed)."""
    return (
        Alert.objects.filter(_public_q(), edition__computations__published=True)
        .distinct()
        .select_related("rule", "region", "edition")
        .order_by("-raised_at", "-pk")
    )


def can_see(user: Any, alert: Alert) -> bool:
    return visible_to(user).filter(pk=alert.pk).exists()


def can_acknowledge(user: Any, alert: Alert) -> bool:
    role = scope.role_of(user)
    if role == c.ROLE_PARTNER:
        return Alert.objects.filter(_subscribed_q(user), pk=alert.pk).exists()
    return can_close(user, alert)


def can_close(user: Any, alert: Alert) -> bool:
    role = scope.role_of(user)
    return role in (c.ROLE_RI, c.ROLE_PROVINCE, c.ROLE_REGENCY) and can_see(user, alert)


def change_status(alert: Alert, to: str, note: str = "", *, actor: Any) -> Alert:
    """open → acknowledged → closed (or open → closed), with a note and the actor recorded.
    Closing needs a note."""
    allowed = {S.OPEN: {S.ACKNOWLEDGED, S.CLOSED}, S.ACKNOWLEDGED: {S.CLOSED}}
    note = note.strip()
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
        if to not in allowed.get(alert.status, set()):
            raise ValueError(f"an alert cannot go from {alert.status} to {to}")
        may = can_close if to == S.CLOSED else can_acknowledge
        if not may(actor, alert):
            raise NotAllowed("not allowed")
        if to == S.CLOSED and not note:
            raise ValueError("closing an alert needs a note")
        before = alert.status
        alert.status = to
        if note:
            alert.notes = f"{alert.notes}\n{note}".strip()
        alert.save(update_fields=["status", "notes", "updated"])
        AlertEvent.objects.create(
            alert=alert, from_status=before, to_status=to, note=note, by=actor
        )
    return alert


# --------------------------------------------------------------------------- delivery


def matches(sub: Subscription, alert: Alert) -> bool:
    """Does ``sub`` ask for ``alert`` (regions with or without children, components, kinds)?"""
    regions = {r.pk for r in sub.regions.all()}
    if regions and not (
        alert.region_id in regions or (sub.include_children and alert.region.parent_id in regions)
    ):
        return False
    if sub.components and alert.component not in sub.components:
        return False
    return not (sub.kinds and alert.rule.kind not in sub.kinds)


def may_receive(sub: Subscription, alert: Alert) -> bool:
    """The subscriber's role allows them to see ``alert`` (a partner: everything it subscribes
    to; the public role: public alerts)."""
    role = scope.role_of(sub.user)
    if role in (c.ROLE_RI, c.ROLE_PARTNER):
        return True
    if role in (c.ROLE_PROVINCE, c.ROLE_REGENCY):
        return scope.can_edit_region(sub.user, alert.region)
    return alert.is_public


def recipients(alert: Alert) -> list[Subscription]:
    subs = Subscription.objects.filter(active=True, user__is_active=True)
    subs = subs.select_related("user", "user__profile", "user__profile__region")
    return [
        s for s in subs.prefetch_related("regions") if matches(s, alert) and may_receive(s, alert)
    ]


def dispatch(alerts: Sequence[Alert]) -> None:
    """Deliver new alerts: immediate e-mails now, webhooks through the task queue; digest
    subscriptions wait for :func:`send_digests`."""
    from ikp_web.apps.alerts.tasks import webhook_task

    for alert in alerts:
        for sub in recipients(alert):
            if sub.channel == Subscription.Channel.WEBHOOK:
                webhook_task(sub.pk, [alert.pk], 1)
            elif sub.email_mode == Subscription.EmailMode.IMMEDIATE:
                send_email(sub, [alert])


def absolute(path: str) -> str:
    """``path`` on the site's public address (setting ``IKP_SITE_URL``): the links of e-mails
    and webhook payloads, which have no request to take the host from."""
    return f"{settings.IKP_SITE_URL.rstrip('/')}{path}"


def alert_url(alert: Alert) -> str:
    return absolute(reverse("alerts:detail", args=[alert.pk]))


#: the bar beside an alert in the HTML e-mail, per level
LEVEL_COLOURS = {"critical": "#b3261e", "warning": "#b06000", "info": "#0b5394"}


def _mail_item(alert: Alert) -> dict[str, Any]:
    """What an e-mail says about one alert (both languages)."""
    e = alert.explanation
    return {
        "alert": alert,
        "where": f"{alert.region.code} {alert.region.name}",
        "text_id": e.get("text_id", ""),
        "text_en": e.get("text_en", ""),
        "indicators": ", ".join(e.get("indicators", [])) or "-",
        "incidents": ", ".join(f"#{i}" for i in e.get("incidents", [])) or "-",
        "url": alert_url(alert),
        "colour": LEVEL_COLOURS.get(alert.rule.level, "#0b5394"),
    }


def send_email(sub: Subscription, alerts: Sequence[Alert], *, digest: bool = False) -> Delivery:
    """One e-mail with ``alerts``, logged as a delivery: a plain-text part and an HTML
    alternative (``alerts/email/alerts.txt`` and ``.html``), each Bahasa Indonesia first, then
    English, with absolute links (``IKP_SITE_URL``) to every alert and to the subscription
    page (change or stop the subscription)."""
    if digest:
        subject = f"[IKP] Ringkasan peringatan harian / Daily alert digest ({len(alerts)})"
    else:
        a = alerts[0]
        subject = f"[IKP] Peringatan / Alert: {a.rule.name}, {a.region.name}"
    context = {
        "subject": subject,
        "digest": digest,
        "items": [_mail_item(a) for a in alerts],
        "manage_url": absolute(reverse("alerts:subscriptions")),
        "site_url": absolute("/"),
    }
    delivery = Delivery(subscription=sub, channel=Subscription.Channel.EMAIL, attempt=1)
    try:
        message = EmailMultiAlternatives(
            subject,
            render_to_string("alerts/email/alerts.txt", context),
            None,
            [sub.user.email],
        )
        message.attach_alternative(
            render_to_string("alerts/email/alerts.html", context), "text/html"
        )
        message.send(fail_silently=False)
        delivery.status = Delivery.Status.SENT
    except Exception as exc:  # an SMTP or socket error: logged on the delivery
        log.warning("alert e-mail to subscription %s failed: %s", sub.pk, exc)
        delivery.status = Delivery.Status.FAILED
        delivery.error = str(exc)[:2000]
    delivery.save()
    delivery.alerts.set(alerts)
    return delivery


def send_digests(now: dt.datetime | None = None) -> list[Delivery]:
    """The daily digest: per digest subscription, one e-mail with the alerts it matches that
    were raised since its last digest (or since it was created)."""
    now = now or timezone.now()
    out: list[Delivery] = []
    subs = Subscription.objects.filter(
        active=True,
        channel=Subscription.Channel.EMAIL,
        email_mode=Subscription.EmailMode.DIGEST,
    ).select_related("user")
    for sub in subs.prefetch_related("regions"):
        since = sub.digest_sent_at or sub.created
        new = Alert.objects.filter(raised_at__gt=since, raised_at__lte=now)
        alerts = [
            a
            for a in new.select_related("rule", "region", "edition").order_by("raised_at", "pk")
            if matches(sub, a) and may_receive(sub, a)
        ]
        if alerts:
            out.append(send_email(sub, alerts, digest=True))
        sub.digest_sent_at = now
        sub.save(update_fields=["digest_sent_at"])
    return out


def payload(alerts: Sequence[Alert]) -> dict[str, Any]:
    return {"alerts": [alert_json(a) for a in alerts]}


def alert_json(alert: Alert) -> dict[str, Any]:
    return {
        "id": alert.pk,
        "rule": alert.rule.slug,
        "kind": alert.rule.kind,
        "level": alert.rule.level,
        "region": {"code": alert.region.code, "name": alert.region.name},
        "edition": alert.edition.slug,
        "component": alert.component,
        "source": alert.source,
        "status": alert.status,
        "raised_at": alert.raised_at.isoformat(),
        "values": alert.values,
        "explanation": alert.explanation,
        "url": alert_url(alert),
    }


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 of ``<timestamp>.<body>`` with the subscription's
    secret."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def webhook_url_problem(url: str, *, resolve: bool = True) -> str | None:
    """Why ``url`` may not receive webhooks, or None. Only http(s), and — unless the setting
    ``IKP_WEBHOOK_ALLOW_PRIVATE`` is on (tests, a closed network) — only hosts whose every
    address is public: a subscriber cannot make the platform post to the loopback, a private
    network or link-local cloud metadata (server-side request forgery). The host is resolved
    again when the request is made; a name that re-resolves to a private address between the
    two lookups is not caught here (a proxy that enforces the rule would be). ``resolve=False``
    (the subscription form) checks only what the URL itself says: an address written as
    digits, or ``localhost``; a name is resolved when a delivery is made."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return f"not an http(s) URL: {url!r}"
    if getattr(settings, "IKP_WEBHOOK_ALLOW_PRIVATE", False):
        return None
    host = parts.hostname.rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return f"host {parts.hostname!r} is the loopback"
    if not resolve:
        try:
            literal = ipaddress.ip_address(host)
        except ValueError:
            return None
        return None if literal.is_global else f"{literal} is not a public address"
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        return f"host {parts.hostname!r} cannot be resolved ({exc})"
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if not address.is_global:
            return f"host {parts.hostname!r} resolves to a non-public address ({address})"
    return None


def post_webhook(sub: Subscription, alert_ids: Sequence[int], attempt: int) -> Delivery:
    """One attempt to POST the alerts to the subscription's URL, logged as a delivery: sent on
    a 2xx answer; otherwise retrying (attempts left) or failed."""
    alerts = list(
        Alert.objects.filter(pk__in=alert_ids).select_related("rule", "region", "edition")
    )
    body = json.dumps(payload(alerts), ensure_ascii=False, sort_keys=True).encode()
    timestamp = str(int(timezone.now().timestamp()))
    request = urllib.request.Request(
        sub.webhook_url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "ikp-alerts/1",
            "X-IKP-Timestamp": timestamp,
            "X-IKP-Signature": signature(sub.webhook_secret, timestamp, body),
            "X-IKP-Delivery-Attempt": str(attempt),
        },
    )
    delivery = Delivery(subscription=sub, channel=Subscription.Channel.WEBHOOK, attempt=attempt)
    try:
        problem = webhook_url_problem(sub.webhook_url)
        if problem is not None:
            raise ValueError(problem)
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310  (the URL is an http(s) URLField)
            delivery.response_code = response.status
    except urllib.error.HTTPError as exc:
        delivery.response_code = exc.code
        delivery.error = f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        delivery.error = str(exc)[:2000]
    ok = delivery.response_code is not None and 200 <= delivery.response_code < 300
    if ok:
        delivery.status = Delivery.Status.SENT
    elif attempt < WEBHOOK_ATTEMPTS:
        delivery.status = Delivery.Status.RETRYING
    else:
        delivery.status = Delivery.Status.FAILED
    delivery.save()
    delivery.alerts.set(alerts)
    return delivery


def backoff(attempt: int) -> int:
    """Seconds before attempt ``attempt + 1``: 30, 60, 120, 240 …"""
    return int(WEBHOOK_BACKOFF_SECONDS * 2 ** (attempt - 1))
