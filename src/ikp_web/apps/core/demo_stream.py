"""The demo's early-warning data (issue 8): a SYNTHETIC stream of incident reports on the
published kab/kota sample edition, the default alert rules, the live index computed once on it,
the alerts it opens, and the demo partner's subscription, so that a new user of ``ikp serve``
sees live changes and open alerts at once.

DATA SINTETIS — bukan data Bawaslu: every incident comes from :mod:`ikp.sample_incidents` (its
description starts with ``SINTETIS / SYNTHETIC`` and carries the label; the incident model has no
``synthetic`` flag, the edition has one). Written only on the first seed (an edition that has
incidents is left alone), in bulk: no signal fires per incident; ONE live run and ONE evaluation
of the rules follow, without notifications (the partner finds its alerts on the alerts page)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ikp.sample_incidents import generate_incidents
from ikp_web.apps.alerts.models import AlertRule, Subscription
from ikp_web.apps.alerts.services import class_floor, evaluate_edition
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.incidents.models import Incident, IncidentEvent
from ikp_web.apps.live.models import LiveEdition
from ikp_web.apps.live.services import compute_live
from ikp_web.apps.regions.models import Region
from ikp_web.apps.scoring.services import latest_published

#: incidents in the demo stream, and its seed
DEMO_INCIDENTS = 800
DEMO_SEED = 2024
#: the province the demo partner subscribes to (with its kab/kota): Jawa Barat
DEMO_PARTNER_PROVINCE = "32"
DEMO_PARTNER = "mitra"
REVIEWER = "ri"
#: the class-transition demo: this many kab/kota of class "sedang" closest below the "tinggi"
#: cut-off each get this many of the synthetic voting-day incidents, enough for the live index
#: to move them across it (checked by tests/web/core/test_seed_stream.py)
DEMO_PUSHED_REGIONS = 2
DEMO_PUSH_INCIDENTS = 20

#: the default rules (data: Bawaslu RI edits them on the rules page); thresholds chosen so that
#: the demo stream opens a handful of alerts; each closes its alerts by itself once the
#: condition is clear by its ``clear_margin`` (score points, incidents, probability)
DEFAULT_RULES: tuple[dict[str, Any], ...] = (
    {
        "slug": "kelas-sedang-ke-tinggi",
        "name": "Kelas IKP naik dari sedang ke tinggi / IKP class rises from medium to high",
        "kind": "class_transition",
        "component": "IKP",
        "params": {"from_classes": ["sedang"], "to_class": "tinggi", "window_days": 7},
        "level": AlertRule.Level.CRITICAL,
        "clear_margin": 1.0,
    },
    {
        "slug": "skor-ikp-naik-2",
        "name": "Skor IKP naik lebih dari 2 poin / IKP score up by more than 2 points",
        "kind": "score_rise",
        "component": "IKP",
        "params": {"points": 2.0, "window_days": 7},
        "level": AlertRule.Level.WARNING,
        "clear_margin": 0.5,
    },
    {
        "slug": "lonjakan-keamanan",
        "name": "Lonjakan kejadian Keamanan (D1.S1): ≥ 5 dalam 7 hari / "
        "Security incident spike (D1.S1): ≥ 5 in 7 days",
        "kind": "spike",
        "component": "D1.S1",
        "params": {"min_count": 5, "window_days": 7},
        "level": AlertRule.Level.WARNING,
        "clear_margin": 1,
    },
    {
        "slug": "peluang-tinggi-50",
        "name": "Peluang kelas tinggi ≥ 50% / Probability of high class ≥ 50%",
        "kind": "prob_threshold",
        "component": "IKP",
        "params": {"label": "tinggi", "threshold": 0.5, "window_days": 7},
        "level": AlertRule.Level.INFO,
        "clear_margin": 0.05,
    },
)


@dataclass
class StreamResult:
    incidents: int = 0
    verified: int = 0
    received: int = 0
    alerts: int = 0
    rules: int = 0
    subscription: bool = False


def default_rules() -> int:
    """The default alert rules, each created once (an edited or deleted rule is left alone
    once the table has any rule): how many were created."""
    if AlertRule.objects.exists():
        return 0
    for spec in DEFAULT_RULES:
        AlertRule.objects.create(
            **spec, description="Aturan bawaan demo / demo default rule (editable)"
        )
    return len(DEFAULT_RULES)


def seed_stream(
    edition: Edition,
    *,
    n: int = DEMO_INCIDENTS,
    seed: int = DEMO_SEED,
    now: dt.datetime | None = None,
) -> StreamResult | None:
    """Seed the demo stream on the published ``edition``; None (nothing written) when the
    edition has incidents already or nothing is published."""
    if Incident.objects.filter(edition=edition).exists():
        return None
    comp = latest_published(edition)
    if comp is None:
        return None
    now = now or timezone.now()
    out = StreamResult()
    root = edition.framework.framework().root
    rows = comp.results.filter(node_code=root, score__isnull=False).values_list(
        "region__code", "region__parent__code", "score"
    )
    scores = {code: float(score) for code, _parent, score in rows}
    parents = {code: parent or "" for code, parent, _score in rows}
    state, _ = LiveEdition.objects.get_or_create(edition=edition)
    frame = generate_incidents(
        edition.framework.framework(),
        scores,
        parents,
        now=now,
        n=n,
        seed=seed,
        window_days=state.window_days,
        boost=pushed_regions(edition, scores),
    )
    User = get_user_model()
    reviewer = User.objects.filter(username=REVIEWER).first()
    regions = {
        r.code: r
        for r in Region.objects.filter(
            edition=edition.region_edition,
            code__in=set(frame["regency_code"]) | set(parents.values()),
        )
    }
    verified = Incident.Status.VERIFIED
    with transaction.atomic():
        incidents = Incident.objects.bulk_create(
            [
                Incident(
                    edition=edition,
                    occurred_at=row.occurred_at.to_pydatetime(),
                    province=regions[row.province_code],
                    regency=regions[row.regency_code],
                    indicator_code=row.indicator_code,
                    incidence_level=row.incidence_level,
                    description=row.description,
                    source_type=row.source_type,
                    via=Incident.Via.UPLOAD,
                    synthetic=True,
                    status=row.status,
                    reviewed_by=reviewer if row.status == verified else None,
                    reviewed_at=_reviewed(row.occurred_at, now) if row.status == verified else None,
                )
                for row in frame.itertuples(index=False)
            ],
            batch_size=2000,
        )
        events = [
            IncidentEvent(incident=i, action="create", to_status=Incident.Status.RECEIVED)
            for i in incidents
        ]
        events += [
            IncidentEvent(
                incident=i,
                action="verify",
                from_status=Incident.Status.RECEIVED,
                to_status=verified,
                by=reviewer,
                note="SINTETIS / SYNTHETIC: diverifikasi saat seed demo / verified by the demo seed",
            )
            for i in incidents
            if i.status == verified
        ]
        IncidentEvent.objects.bulk_create(events, batch_size=2000)  # no post_save per row
        for row, original in enumerate(frame["duplicate_of"]):
            if original >= 0:
                incidents[row].possible_duplicates.add(incidents[int(original)])
        out.rules = default_rules()
    out.incidents = len(incidents)
    out.verified = sum(i.status == verified for i in incidents)
    out.received = out.incidents - out.verified
    state.refresh_from_db()
    compute_live(edition, comp, state, now=now)  # ONE live run, no refresh signal
    out.alerts = len(evaluate_edition(edition, at=now, notify=False))
    out.subscription = partner_subscription()
    return out


def pushed_regions(edition: Edition, scores: dict[str, float]) -> dict[str, int]:
    """The regions the demo stream concentrates incidents on (:data:`DEMO_PUSHED_REGIONS`
    closest below the lower cut-off of "tinggi", with fixed classes), and how many each."""
    floor = class_floor(edition, "tinggi")
    if floor is None:
        return {}
    below = sorted((c for c in scores if scores[c] < floor), key=lambda c: (-scores[c], c))
    return dict.fromkeys(below[:DEMO_PUSHED_REGIONS], DEMO_PUSH_INCIDENTS)


def _reviewed(occurred: Any, now: dt.datetime) -> dt.datetime:
    """A review a few hours after the report (never after ``now``)."""
    at: dt.datetime = occurred.to_pydatetime() + dt.timedelta(hours=6)
    return min(at, now)


def partner_subscription() -> bool:
    """The demo partner subscribed to Jawa Barat and its kab/kota, e-mail daily digest; only
    when it has no subscription yet. Whether one was created."""
    User = get_user_model()
    partner = User.objects.filter(username=DEMO_PARTNER).first()
    if partner is None or Subscription.objects.filter(user=partner).exists():
        return False
    province = Region.objects.filter(edition="current", code=DEMO_PARTNER_PROVINCE).first()
    sub = Subscription.objects.create(
        user=partner,
        include_children=True,
        channel=Subscription.Channel.EMAIL,
        email_mode=Subscription.EmailMode.DIGEST,
        digest_sent_at=timezone.now(),  # the seeded alerts are not mailed
    )
    if province is not None:
        sub.regions.add(province)
    return True
