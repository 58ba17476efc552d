"""Refreshing the live index of a published edition (issue 8).

A verification (or a verified incident changing status) marks the edition dirty
(:func:`mark_dirty`) and schedules one refresh a short delay later (``IKP_LIVE_DELAY`` seconds,
default 1): every verification in that delay is covered by the same refresh. :func:`refresh`
claims the mark (clears ``dirty_since`` in one transaction), so a refresh covers every change
committed before it starts; a change during the refresh marks the edition again and schedules
the next one. The computation itself is the pure core's (:mod:`ikp.live`): verified incidents in
the window, counted and weighted, added to the published snapshot's stored inputs, computed with
the published run's methods, limits, bounds and weights."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections import OrderedDict
from typing import Any

import numpy as np
import pandas as pd
import yaml
from django.conf import settings
from django.db import connections, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from ikp import recipes
from ikp.issues import IkpError
from ikp.live import Window, compare_live_nodes, incident_counts, live_inputs, live_run
from ikp.run import IndexRun
from ikp_web.apps.core.bulk import insert_rows
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.incidents.models import Incident
from ikp_web.apps.live.models import DEFAULT_WINDOW_DAYS, LiveEdition, LiveResult, LiveRun
from ikp_web.apps.regions.models import Region
from ikp_web.apps.scoring.models import Computation
from ikp_web.apps.scoring.services import latest_published, stored_inputs

log = logging.getLogger(__name__)

#: live runs kept per edition (older ones are deleted after a refresh)
KEEP_RUNS = 5
#: decimals of the stored contributions (points of a 0–100 score)
DECIMALS = 6
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def delay_seconds() -> float:
    return float(getattr(settings, "IKP_LIVE_DELAY", 1.0))


def live_is_public(edition: Edition) -> bool:
    """Whether anonymous and public visitors see the live panel (``LiveEdition.public``, or
    ``IKP_LIVE_PUBLIC`` for every edition)."""
    if getattr(settings, "IKP_LIVE_PUBLIC", False):
        return True
    return LiveEdition.objects.filter(edition=edition, public=True, enabled=True).exists()


def window_of(state: LiveEdition | None, now: dt.datetime) -> Window:
    """The edition's window: its period when a start is set, else the last N days."""
    if state is not None and state.period_start is not None:
        return Window(start=state.period_start, end=state.period_end)
    days = state.window_days if state is not None else DEFAULT_WINDOW_DAYS
    return Window.last(days, now)


# --------------------------------------------------------------------------- dirty → refresh


def mark_dirty(edition_id: int) -> None:
    """Note that the edition's verified incidents changed and schedule a refresh once the
    current transaction commits."""
    LiveEdition.objects.get_or_create(edition_id=edition_id)
    LiveEdition.objects.filter(edition_id=edition_id).update(
        dirty_since=Coalesce("dirty_since", timezone.now())
    )
    transaction.on_commit(lambda: schedule_refresh(edition_id))


def schedule_refresh(edition_id: int) -> None:
    from huey.contrib.djhuey import HUEY

    from ikp_web.apps.live.tasks import refresh_task  # the task module imports this one

    delay = delay_seconds()
    if delay > 0 and not HUEY.immediate:
        refresh_task.schedule(args=(edition_id,), delay=delay)
    else:
        refresh_task(edition_id)


def refresh(edition: Edition, *, force: bool = False) -> LiveRun | None:
    """Recompute the edition's live index if it is marked dirty (or ``force``); None when there
    is nothing to do (not dirty, disabled, or no published snapshot)."""
    started = timezone.now()
    with transaction.atomic():
        state = LiveEdition.objects.select_for_update().filter(edition=edition).first()
        if state is not None and not state.enabled:
            return None
        if not force and (state is None or state.dirty_since is None):
            return None  # an earlier refresh covered it
        if state is not None:
            state.dirty_since = None
            state.save(update_fields=["dirty_since"])
    comp = latest_published(edition)
    if comp is None or not comp.recipe:
        return None
    try:
        run = compute_live(edition, comp, state, now=started)
    except (IkpError, ValueError) as exc:  # e.g. a published run that imputed values
        log.warning("live %s v%s not computed: %s", edition.slug, comp.version, exc)
        return None
    from ikp_web.apps.live.signals import live_refreshed

    live_refreshed.send(sender=LiveRun, edition=edition, run=run)
    return run


def compute_live(
    edition: Edition, comp: Computation, state: LiveEdition | None, *, now: dt.datetime
) -> LiveRun:
    """Compute and store a live run of ``edition`` on the published ``comp``."""
    clock = time.perf_counter()
    published = published_run(comp)
    window = window_of(state, now)
    regions = published.data["raw"].regions
    frame = verified_incidents(edition, window)  # the window applied in the query
    counts = incident_counts(frame, published.framework, regions, Window())
    live = live_run(published, live_inputs(published.data["raw"], counts.weighted))
    root = published.framework.root
    tables = compare_live_nodes(published, live, decimals=DECIMALS)
    table = tables.pop(root)
    nodes = node_json(tables)
    ids = incident_ids(frame)
    with transaction.atomic():
        run = LiveRun.objects.create(
            edition=edition,
            based_on=comp,
            window_start=window.start,
            window_end=window.end,
            n_incidents=counts.n_in_window,
            covers_until=now,
        )
        pks = dict(
            Region.objects.filter(
                edition=edition.region_edition, code__in=list(regions)
            ).values_list("code", "pk")
        )
        insert_rows(
            LiveResult,
            (
                "run",
                "region",
                "score",
                "klass",
                "rank",
                "published_score",
                "published_class",
                "published_rank",
                "delta",
                "contributions",
                "incidents",
                "nodes",
            ),
            (
                (
                    run.pk,
                    pks[row.region_code],
                    _f(row.score_live),
                    row.class_live or "",
                    _f(row.rank_live),
                    _f(row.score_published),
                    row.class_published or "",
                    _f(row.rank_published),
                    _f(row.delta) or 0.0,
                    row.contributions,
                    ids.get(row.region_code, {}),
                    nodes[k],
                )
                for k, row in enumerate(table.itertuples(index=False))
                if row.region_code in pks
            ),
        )
        old = LiveRun.objects.filter(edition=edition).order_by("-computed_at", "-pk")[KEEP_RUNS:]
        LiveRun.objects.filter(pk__in=list(old.values_list("pk", flat=True))).delete()
        run.seconds = time.perf_counter() - clock
        run.save(update_fields=["seconds"])
    log.info("live %s: %d incidents, %.2f s", edition.slug, counts.n_in_window, run.seconds)
    return run


def node_json(tables: dict[str, pd.DataFrame]) -> list[dict[str, dict[str, Any]]]:
    """Per region (in the tables' order): node code → its live result (``LiveResult.nodes``),
    numbers rounded to ``DECIMALS`` (shorter JSON: 514 regions × 16 nodes per refresh)."""
    if not tables:
        return []
    n = len(next(iter(tables.values())))
    out: list[dict[str, dict[str, Any]]] = [{} for _ in range(n)]
    for code, t in tables.items():
        columns = zip(
            _numbers(t["score_live"]),
            t["class_live"].tolist(),
            _numbers(t["rank_live"]),
            _numbers(t["score_published"]),
            t["class_published"].tolist(),
            _numbers(t["rank_published"]),
            _numbers(t["delta"]),
            t["contributions"].tolist(),
            strict=True,
        )
        for k, (score, klass, rank, p_score, p_class, p_rank, delta, parts) in enumerate(columns):
            out[k][code] = {
                "score": score,
                "class": klass or "",
                "rank": rank,
                "published_score": p_score,
                "published_class": p_class or "",
                "published_rank": p_rank,
                "delta": delta or 0.0,
                "contributions": parts,
            }
    return out


def _numbers(column: pd.Series) -> list[float | None]:
    """``column`` rounded to ``DECIMALS``, NaN as None (JSON has no NaN)."""
    values = np.round(column.to_numpy(dtype=float), DECIMALS)
    return [None if v != v else v for v in values.tolist()]


def _f(value: Any) -> float | None:
    number = float(value)
    return None if number != number else number


def verified_incidents(edition: Edition, window: Window) -> pd.DataFrame:
    """The edition's verified incidents in ``window``, newest first: pk, region_code (kab/kota,
    or the province for a province edition), indicator_code, incidence_level. Read with one
    query straight from the cursor (200,000 rows in a fraction of a second)."""
    rows = Incident.objects.filter(edition=edition, status=Incident.Status.VERIFIED)
    if window.start is not None:
        rows = rows.filter(occurred_at__gte=window.start)
    if window.end is not None:
        rows = rows.filter(occurred_at__lt=window.end)
    place = "province_id" if edition.region_level == "province" else "regency_id"
    query = rows.order_by("-occurred_at", "-pk").values_list(
        "pk", place, "indicator_code", "incidence_level"
    )
    sql, params = query.query.sql_with_params()
    with connections[query.db].cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    columns = ["pk", "region_code", "indicator_code", "incidence_level"]
    if not fetched:
        return pd.DataFrame({c: [] for c in columns})
    pk, place_id, indicator, level = zip(*fetched, strict=True)
    codes = dict(Region.objects.filter(pk__in=set(place_id)).values_list("pk", "code"))
    return pd.DataFrame(
        {
            "pk": np.asarray(pk, dtype=np.int64),
            "region_code": pd.Series(place_id).map(codes).to_numpy(dtype=object),
            "indicator_code": np.asarray(indicator, dtype=object),
            "incidence_level": np.asarray(level, dtype=object),
        },
        columns=columns,
    )


def incident_ids(frame: pd.DataFrame) -> dict[str, dict[str, list[int]]]:
    """region code → indicator → the ids of its incidents (in the frame's order)."""
    if frame.empty:
        return {}
    pks = frame["pk"].to_numpy()
    out: dict[str, dict[str, list[int]]] = {}
    groups = frame.groupby(["region_code", "indicator_code"], sort=False).indices
    for (region, indicator), positions in groups.items():
        out.setdefault(str(region), {})[str(indicator)] = pks[np.sort(positions)].tolist()
    return out


# --------------------------------------------------------------------------- published run

_RUNS: OrderedDict[tuple[int, str], IndexRun] = OrderedDict()
_RUNS_LOCK = threading.Lock()


def published_run(comp: Computation) -> IndexRun:
    """The published computation's run, replayed from its recipe on its stored inputs (kept in
    memory per process, a few editions at most: a published snapshot never changes)."""
    key = (comp.pk, comp.input_hash)
    with _RUNS_LOCK:
        if key in _RUNS:
            _RUNS.move_to_end(key)
            return _RUNS[key]
    recipe = yaml.load(comp.recipe, Loader=_LOADER)
    framework = recipes.framework_of(recipe)
    raw, names, groups = stored_inputs(comp, framework)
    run = recipes.replay(recipe, raw, region_names=names, groups=groups)
    with _RUNS_LOCK:
        _RUNS[key] = run
        while len(_RUNS) > 4:
            _RUNS.popitem(last=False)
    return run


def latest_run(edition: Edition) -> LiveRun | None:
    """The edition's newest live run on its current published snapshot."""
    comp = latest_published(edition)
    if comp is None:
        return None
    return (
        LiveRun.objects.filter(edition=edition, based_on=comp)
        .order_by("-computed_at", "-pk")
        .first()
    )
