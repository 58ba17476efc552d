"""What every dashboard page shares: the edition, level and component selectors, labels in the
active language, and the context flags the base template reads (``synthetic``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from ikp.framework import Framework
from ikp_web.apps.dashboards.maps import class_count, lang
from ikp_web.apps.dashboards.queries import (
    LEVEL_PARAMS,
    Choice,
    CompData,
    Visible,
    framework_of,
    labels_of,
    resolve_choice,
    visible,
)


@dataclass
class Option:
    value: str
    label: str
    selected: bool
    indent: int = 0
    unpublished: bool = False


def requested_level(request: HttpRequest) -> str | None:
    return LEVEL_PARAMS.get(request.GET.get("tingkat", ""))


def seen(request: HttpRequest) -> Visible:
    """What the user may see, read once per request (one query)."""
    found: Visible | None = getattr(request, "_dashboard_visible", None)
    if found is None:
        found = visible(request.user)
        request._dashboard_visible = found  # type: ignore[attr-defined]
    return found


def choices(request: HttpRequest) -> list[Choice]:
    return seen(request).choices


def choose(request: HttpRequest, level: str | None = None) -> Choice | None:
    """The choice the request names (``?edisi=`` and ``?tingkat=``), scoped to the user."""
    return resolve_choice(
        request.user,
        request.GET.get("edisi") or None,
        level or requested_level(request),
        seen(request),
    )


def edition_label(choice: Choice) -> str:
    label = f"{choice.edition.name} — v{choice.comp.version}"
    if not choice.published:
        label += " — belum diterbitkan / not published"
    return label


def edition_options(request: HttpRequest, current: Choice | None) -> list[Option]:
    return [
        Option(
            c.key,
            edition_label(c),
            current is not None and c.key == current.key,
            0,
            not c.published,
        )
        for c in choices(request)
    ]


def level_options(current: Choice | None) -> list[Option]:
    return [
        Option(
            param,
            _("Provinsi") if level == "province" else _("Kabupaten/kota"),
            current is not None and current.level == level,
        )
        for param, level in LEVEL_PARAMS.items()
    ]


def node_name(fw: Framework, code: str) -> str:
    node = fw.nodes.get(code)
    if node is None:
        return code
    return node.name(lang())


def node_options(fw: Framework, data: CompData, selected: str) -> list[Option]:
    """The index, then each dimension followed by its sub-dimensions (those with results)."""
    out = []
    for code in data.node_order:
        node = fw.nodes.get(code)
        depth = fw.n_levels - node.level if node is not None else 0
        level_name = fw.level_name(node.level, lang()) if node is not None else ""
        label = f"{node_name(fw, code)} ({code})"
        if depth:
            label = f"{level_name}: {label}"
        out.append(Option(code, label, code == selected, depth))
    return out


def pick_node(fw: Framework, data: CompData, requested: str | None, notes: list[str]) -> str:
    """The component to show: the one requested if this computation has it, else the index."""
    root = fw.root if fw.root in data.nodes else (data.node_order[0] if data.node_order else "")
    if not requested:
        return root
    if requested not in data.nodes:
        notes.append(
            _("Komponen %(code)s tidak ada pada edisi ini; yang ditampilkan adalah indeksnya.")
            % {"code": requested}
        )
        return root
    return requested


def base_context(request: HttpRequest, choice: Choice | None) -> dict[str, Any]:
    """Selectors, flags and labels for a page showing ``choice``."""
    ctx: dict[str, Any] = {
        "choice": choice,
        "edition_options": edition_options(request, choice),
        "level_options": level_options(choice),
        "synthetic": bool(choice is not None and choice.synthetic),
        "unpublished": bool(choice is not None and not choice.published),
        "lang": lang(),
    }
    if choice is not None:
        fw = framework_of(choice.edition)
        labels = labels_of(fw)
        ctx.update(
            {
                "fw": fw,
                "labels": labels,
                "class_count": class_count(labels),
                "edition_label": edition_label(choice),
            }
        )
    return ctx


def level_note(choice: Choice, level: str | None) -> str | None:
    if level and choice.level != level:
        return _("Tidak ada edisi pada tingkat yang diminta; yang ditampilkan: %(edition)s.") % {
            "edition": choice.edition.name
        }
    return None
