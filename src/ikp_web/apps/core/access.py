"""View decorators for who may open a page, shared by every app.

* :func:`signed_in_view` — any signed-in user; anonymous visitors go to the login page.
* :func:`office_view` — signed-in users who may see unpublished data (Bawaslu offices, Bawaslu
  RI and partner agencies, :func:`ikp_web.apps.accounts.services.can_see_unpublished`);
  anonymous visitors go to the login page, other signed-in users get a 403.

Which object a user may see or change is asked inside the view (scope services per app).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from ikp_web.apps.accounts import services as scope

View = Callable[..., HttpResponse]


def _guard(view: View, *, offices_only: bool) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if offices_only and not scope.can_see_unpublished(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def signed_in_view(view: View) -> View:
    """Any signed-in user (anonymous: the login page)."""
    return _guard(view, offices_only=False)


def office_view(view: View) -> View:
    """Offices, Bawaslu RI and partner agencies (anonymous: the login page; others: 403)."""
    return _guard(view, offices_only=True)
