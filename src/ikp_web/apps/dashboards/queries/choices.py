"""Which computations a user may see (every page's edition selector goes through
:func:`visible`, which asks ``ikp_web.apps.accounts.services.can_see_unpublished``), and the
framework of an edition (parsed once per process)."""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.http import Http404

from ikp.framework import Framework
from ikp.methods import classify as cls
from ikp_web.apps.accounts.services import can_see_unpublished
from ikp_web.apps.frameworks.models import Edition, FrameworkVersion
from ikp_web.apps.scoring.models import Computation

CACHE_PREFIX = "dash4"  # bumped when cached fragments change shape
CACHE_SECONDS = 60 * 60 * 24
REGION_SECONDS = 300

# URL values of the region level (Indonesian) ↔ the edition's region_level
LEVEL_PARAMS = {"provinsi": "province", "kabkota": "regency"}
PARAM_OF_LEVEL = {v: k for k, v in LEVEL_PARAMS.items()}


# --------------------------------------------------------------------------- choices


@dataclass(frozen=True)
class Choice:
    """An edition shown through one of its computations."""

    edition: Edition
    comp: Computation
    latest_published: bool

    @property
    def published(self) -> bool:
        return bool(self.comp.published)

    @property
    def key(self) -> str:
        """The URL value: the slug for the edition's current published version, else
        ``slug@v<version>``."""
        if self.latest_published:
            return str(self.edition.slug)
        return f"{self.edition.slug}@v{self.comp.version}"

    @property
    def level(self) -> str:
        return str(self.edition.region_level)

    @property
    def level_param(self) -> str:
        return PARAM_OF_LEVEL.get(self.level, self.level)

    @property
    def synthetic(self) -> bool:
        return bool(self.comp.synthetic or self.edition.synthetic)

    @property
    def external(self) -> bool:
        return bool(self.edition.kind == Edition.Kind.PUBLISHED_EXTERNAL)

    @property
    def region_edition(self) -> str:
        return str(self.edition.region_edition)

    @property
    def cacheable(self) -> bool:
        return self.published

    @property
    def cache_key(self) -> str:
        created = self.comp.created.timestamp() if self.comp.created else 0
        return f"{CACHE_PREFIX}:{self.comp.pk}:{created:.6f}"


def _computations() -> Any:
    return (
        Computation.objects.filter(status=Computation.Status.DONE)
        .select_related("edition", "edition__framework")
        .defer("recipe", "audit", "sensitivity", "edition__framework__definition")
    )


@dataclass(frozen=True)
class Visible:
    """What one user may see: a choice per edition (and per unpublished version) and, per
    edition, every computation the user may see, newest first (for earlier versions)."""

    choices: list[Choice]
    history: dict[int, list[Computation]]


def visible(user: Any) -> Visible:
    """Every edition the user may see, through its latest published computation and (for users
    allowed to see unpublished results) its latest unpublished computation, when newer. One
    query."""
    drafts_ok = can_see_unpublished(user)
    by_edition: dict[int, list[Computation]] = {}
    for comp in _computations().order_by("edition__slug", "-version"):
        if comp.published or drafts_ok:
            by_edition.setdefault(comp.edition_id, []).append(comp)
    out: list[Choice] = []
    for comps in by_edition.values():
        pub = next((c for c in comps if c.published), None)
        if pub is not None:
            out.append(Choice(pub.edition, pub, True))
        draft = next((c for c in comps if not c.published), None)
        if draft is not None and (pub is None or draft.version > pub.version):
            out.append(Choice(draft.edition, draft, False))
    older = {c.edition.previous_id for c in out if c.edition.previous_id is not None}
    out.sort(key=lambda c: str(c.edition.slug), reverse=True)  # ikp-2024-… before ikp-2019-…
    out.sort(key=lambda c: (*_order(c)[:3], c.edition.pk in older, -_end(c)))
    return Visible(out, by_edition)


def _end(choice: Choice) -> int:
    end = choice.edition.period_end
    return end.toordinal() if end is not None else 0


def visible_choices(user: Any) -> list[Choice]:
    return visible(user).choices


def _order(choice: Choice) -> tuple[int, int, int, str, int]:
    """Collected editions before Bawaslu's published figures, kab/kota before provinces,
    published before unpublished (then, in :func:`visible`, newer editions first)."""
    return (
        1 if choice.external else 0,
        0 if choice.level == "regency" else 1,
        0 if choice.published else 1,
        str(choice.edition.slug),
        -int(choice.comp.version),
    )


def resolve_choice(
    user: Any,
    key: str | None,
    level: str | None = None,
    seen: Visible | None = None,
) -> Choice | None:
    """The choice named by ``key`` (``slug`` or ``slug@v<n>``), moved to the sibling edition
    of ``level`` if it is at another level; without ``key`` the default for ``level``. Raises
    Http404 for an edition or version the user may not see (or that does not exist); returns
    None only when the user can see nothing at all. ``seen``: the user's :func:`visible`,
    if already known."""
    if seen is None:
        seen = visible(user)
    choices = seen.choices
    if key:
        choice = _find(seen, key)
        if choice is None:
            raise Http404("edition not found")
        if level and choice.level != level:
            return sibling(choices, choice, level) or choice
        return choice
    return default_choice(choices, level)


def _find(seen: Visible, key: str) -> Choice | None:
    slug, _, version = key.partition("@v")
    if not version:
        for choice in seen.choices:  # the published version, else (if visible) the draft
            if choice.edition.slug == slug:
                return choice
        return None
    try:
        number = int(version)
    except ValueError:
        return None
    for choice in seen.choices:
        if choice.edition.slug == slug and choice.comp.version == number:
            return choice
    for comps in seen.history.values():
        for comp in comps:
            if comp.edition.slug == slug and comp.version == number:
                return Choice(comp.edition, comp, False)
    return None


def default_choice(choices: Sequence[Choice], level: str | None = None) -> Choice | None:
    pool = [c for c in choices if level is None or c.level == level] or list(choices)
    return pool[0] if pool else None


def sibling(choices: Sequence[Choice], choice: Choice, level: str) -> Choice | None:
    """The same framework's edition at ``level``: the same period first, then the same
    published state, collected editions before external ones, newer before older (the order
    of ``choices``)."""
    pool = [
        c
        for c in choices
        if c.level == level and c.edition.framework_id == choice.edition.framework_id
    ]
    pool.sort(
        key=lambda c: (
            c.edition.period_end != choice.edition.period_end,
            c.published != choice.published,
            c.external,
        )
    )
    return pool[0] if pool else None


# --------------------------------------------------------------------------- framework


@functools.lru_cache(maxsize=32)
def _framework(pk: int, content_hash: str) -> Framework:
    return FrameworkVersion.objects.get(pk=pk).framework()


def framework_of(edition: Edition) -> Framework:
    """The edition's framework, parsed once per process."""
    fv = edition.framework
    return _framework(fv.pk, fv.content_hash)


@dataclass(frozen=True)
class Labels:
    """Class labels of a framework, in both languages."""

    id: tuple[str, ...]
    en: tuple[str, ...]

    def index(self, label: str) -> int:
        return self.id.index(label) if label in self.id else -1

    def name(self, label: str, lang: str) -> str:
        i = self.index(label)
        if i < 0:
            return label
        return self.en[i] if lang == "en" else self.id[i]


def labels_of(fw: Framework) -> Labels:
    return Labels(fw.class_labels("id"), fw.class_labels("en"))


def cutoffs_for(fw: Framework, region_level: str, scores: Sequence[float]) -> tuple[float, ...]:
    """The class cut-offs the framework's classification method gives for these scores (the
    same rule as the core's classify step: fixed cut-offs per region level, or computed from
    the node's scores)."""
    spec = fw.classification
    n_classes = len(spec.labels)
    if spec.method == "fixed":
        return fw.cutoffs(region_level)
    arr = np.asarray([s for s in scores if s is not None and math.isfinite(s)], dtype=np.float64)
    if arr.size == 0:
        return tuple(math.nan for _ in range(n_classes - 1))
    if spec.method == "mean_sd":
        return tuple(float(c) for c in cls.cutoffs_mean_sd(arr, k=spec.k))
    if spec.method == "quantile":
        return tuple(float(c) for c in cls.cutoffs_quantile(arr, probs=tuple(spec.probs)))
    return tuple(float(c) for c in cls.cutoffs_natural_breaks(arr, n_classes=n_classes))
