"""Number formatting for the dashboards (locale-aware decimals, whole ranks, percentages)."""

from __future__ import annotations

import math
from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


def _finite(value: Any) -> float | None:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


@register.filter
def num(value: Any, digits: int = 2) -> str:
    """A score with ``digits`` decimals in the active locale (``45,21`` / ``45.21``); negative
    ``digits`` drop the decimals of whole numbers (``99`` but ``2,5``)."""
    x = _finite(value)
    if x is None:
        return "–"
    n = int(digits)
    if n < 0:
        return number_format(x, 0) if x == round(x) else rounded(x, -n)
    return rounded(x, n)


def rounded(x: float, digits: int) -> str:
    """``number_format`` cuts decimals off; round first (half away from zero)."""
    return number_format(round(x, digits), digits)


@register.filter
def rank(value: Any) -> str:
    x = _finite(value)
    return "–" if x is None else str(round(x))


@register.filter
def pct(value: Any, digits: int = 0) -> str:
    """A share 0…1 as a percentage (whole by default)."""
    x = _finite(value)
    return "–" if x is None else f"{rounded(100 * x, int(digits))}%"


@register.filter
def sortv(value: Any) -> str:
    """A machine value for ``data-v`` (sorting in the browser); empty when missing."""
    x = _finite(value)
    return "" if x is None else repr(round(x, 6))


@register.filter
def step(value: Any) -> int:
    """A 0–100 score as a whole percentage, clamped: the step of a ``w<N>`` (width) or ``at<N>``
    (position) class in ``dashboards.css`` (the Content-Security-Policy allows no inline
    ``style``)."""
    x = _finite(value)
    return 0 if x is None else round(max(0.0, min(100.0, x)))


@register.filter
def share_step(value: Any) -> int:
    """A share 0…1 as a whole percentage, clamped (a ``w<N>`` class)."""
    x = _finite(value)
    return 0 if x is None else round(max(0.0, min(100.0, 100 * x)))


@register.filter
def signed(value: Any, digits: int = 2) -> str:
    x = _finite(value)
    if x is None:
        return "–"
    text = rounded(abs(x), int(digits))
    return f"+{text}" if x > 0 else (f"−{text}" if x < 0 else text)
