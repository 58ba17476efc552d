"""The live endpoint of API v1 (mounted at ``/api/v1/live`` by ``ikp_web.apps.api.api``):

* ``GET /live/{slug}`` — the newest live run of an edition's current published snapshot, every
  row labelled live: per region the score, class and rank now and published, the change, its
  contributions per indicator and the verified incidents behind them (ids); ``?node=D1`` (a
  dimension or sub-dimension; default the index) gives that node's rows instead, its
  contributions and incidents those of the indicators under it. Signed-in callers
  (bearer token or session) only, unless the edition's live index is public; never cached.
  Published results stay at ``/editions/{slug}/results``."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from ikp_web.apps.api import queries as q
from ikp_web.apps.api.errors import ApiError
from ikp_web.apps.api.params import Limit, Node, Offset, RegionCodeQuery, Slug
from ikp_web.apps.api.schemas import ErrorOut, PageMeta
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.live.models import LiveResult, NodeResult
from ikp_web.apps.live.services import latest_run, live_is_public

router = Router(tags=["live"])
ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut, 500: ErrorOut}
LABEL = "LANGSUNG / LIVE — bukan hasil resmi / not an official result"


class RegionRef(Schema):
    code: str
    name: str


class LiveRow(Schema):
    region: RegionRef
    score: float | None
    class_: str = Field(..., alias="class")
    rank: float | None
    published_score: float | None
    published_class: str
    published_rank: float | None
    delta: float = Field(..., description="live score minus published score")
    contributions: dict[str, float] = Field(
        ..., description="indicator → points of the change (they sum to delta)"
    )
    incidents: dict[str, list[int]] = Field(
        ..., description="indicator → ids of the verified incidents counted"
    )


class LivePage(PageMeta):
    live: bool = Field(True, description="always true: these are not published results")
    label: str
    edition: str
    node: str = Field(..., description="the node of these rows (the index unless ?node=)")
    based_on_version: int = Field(..., description="the published computation's version")
    computed_at: str
    window_start: str | None
    window_end: str | None
    n_incidents: int
    items: list[LiveRow]


def _row(code: str, name: str, r: NodeResult, incidents: dict[str, Any]) -> dict[str, Any]:
    return {
        "region": {"code": code, "name": name},
        "score": r.score,
        "class": r.klass,
        "rank": r.rank,
        "published_score": r.published_score,
        "published_class": r.published_class,
        "published_rank": r.published_rank,
        "delta": r.delta,
        "contributions": r.contributions,
        "incidents": incidents,
    }


class _Page:
    """The index rows, paged in the database, largest change first."""

    def __init__(self, qs: QuerySet[LiveResult], root: str) -> None:
        self.qs, self.root = qs, root

    def __len__(self) -> int:
        return self.qs.count()

    def __getitem__(self, item: slice) -> list[dict[str, Any]]:
        return [
            _row(r.region.code, r.region.name, r.node(self.root, self.root), r.incidents)
            for r in self.qs[item]
        ]


def node_rows(qs: QuerySet[LiveResult], node: str, under: tuple[str, ...]) -> list[dict[str, Any]]:
    """A dimension's or sub-dimension's rows, largest change first, with the incidents of the
    indicators ``under`` it (the node results are one JSON per region: sorted here, 514 rows at
    most)."""
    wanted = set(under)
    rows = [
        (NodeResult.of(node, (nodes or {}).get(node) or {}), code, name, incidents)
        for code, name, nodes, incidents in qs.values_list(
            "region__code", "region__name", "nodes", "incidents"
        )
    ]
    rows.sort(key=lambda t: (-t[0].delta, t[1]))
    return [
        _row(code, name, r, {k: v for k, v in (incidents or {}).items() if k in wanted})
        for r, code, name, incidents in rows
    ]


@router.get("/{slug}", response={200: LivePage, **ERRORS}, by_alias=True)
def live_results(
    request: HttpRequest,
    slug: Slug,
    region: RegionCodeQuery = None,
    node: Node = None,
    limit: Limit = None,
    offset: Offset = None,
) -> dict[str, Any]:
    """The live index of an edition (LIVE, not published), largest change first: the index, or
    one dimension or sub-dimension (`node`; an indicator or unknown code is a 404 naming the
    valid ones)."""
    user = request.auth  # type: ignore[attr-defined]
    edition = Edition.objects.filter(slug=slug).first()
    if edition is None:
        raise ApiError.not_found(_("Edisi"), slug)
    if not getattr(user, "is_authenticated", False) and not live_is_public(edition):
        raise ApiError.not_authenticated()
    run = latest_run(edition)
    if run is None:
        raise ApiError.not_found(_("Indeks langsung"), slug)
    fw = edition.framework.framework()
    node = node or fw.root
    if node not in fw.aggregates:
        raise ApiError.unknown("node", node, sorted(fw.aggregates))
    qs = run.results.select_related("region").order_by("-delta", "region__code")
    if region:
        qs = qs.filter(region__code=q.get_region(region, edition.region_edition).code)
    items = (
        _Page(qs, fw.root) if node == fw.root else node_rows(qs, node, fw.indicators_under(node))
    )
    page = q.paginate(request, items, limit, offset)
    return {
        "live": True,
        "label": LABEL,
        "edition": edition.slug,
        "node": node,
        "based_on_version": run.based_on.version,
        "computed_at": q.iso(run.computed_at),
        "window_start": q.iso(run.window_start) if run.window_start else None,
        "window_end": q.iso(run.window_end) if run.window_end else None,
        "n_incidents": run.n_incidents,
        **page,
    }
