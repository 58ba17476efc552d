from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ikp import SYNTHETIC_LABEL, SYNTHETIC_LABEL_EN, __version__


def site(request: HttpRequest) -> dict[str, Any]:
    from ikp_web.apps.accounts.services import role_of

    return {
        "ikp_version": __version__,
        "synthetic_label": SYNTHETIC_LABEL,
        "synthetic_label_en": SYNTHETIC_LABEL_EN,
        "user_role": role_of(request.user),
    }
