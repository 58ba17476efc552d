"""One exception type for API and download errors, rendered as JSON ``{code, message, data}``
with the right HTTP status (HOUSE-STYLE rec. 15): ``code`` is a stable name, ``message`` is
translated, ``data`` holds structured fields (the parameter, the valid choices …)."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _


class ApiError(Exception):
    def __init__(
        self, status: int, code: str, message: str, data: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.data = data or {}

    def payload(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "data": self.data}

    # ---- the errors the API raises ---------------------------------------------------------

    @classmethod
    def not_found(cls, what: str, key: str) -> ApiError:
        return cls(
            404,
            "NOT_FOUND",
            _("%(what)s “%(key)s” tidak ditemukan.") % {"what": what, "key": key},
            {"resource": what, "key": key},
        )

    @classmethod
    def unknown(cls, param: str, value: Any, choices: list[Any]) -> ApiError:
        """A well-formed parameter value that names nothing here (a node code the edition's
        framework does not have): a 404 with the valid choices."""
        return cls(
            404,
            "NOT_FOUND",
            _("Nilai “%(value)s” untuk parameter “%(param)s” tidak ditemukan.")
            % {"value": value, "param": param},
            {"param": param, "value": value, "choices": choices},
        )

    @classmethod
    def not_authenticated(cls, *, bad_header: bool = False) -> ApiError:
        if bad_header:
            message = _("Header Authorization harus berbentuk “Bearer <token>”.")
        else:
            message = _("Perlu masuk atau token API yang sah.")
        return cls(401, "NOT_AUTHENTICATED", message, {"scheme": "Bearer"})

    @classmethod
    def server_error(cls) -> ApiError:
        return cls(500, "SERVER_ERROR", _("Terjadi galat di server; galat ini sudah dicatat."))

    @classmethod
    def invalid(cls, param: str, value: Any, choices: list[Any] | None = None) -> ApiError:
        data: dict[str, Any] = {"param": param, "value": value}
        if choices is not None:
            data["choices"] = choices
        return cls(
            422,
            "INVALID_PARAMETER",
            _("Nilai “%(value)s” tidak sah untuk parameter “%(param)s”.")
            % {"value": value, "param": param},
            data,
        )


def json_error(error: ApiError) -> HttpResponse:
    response = HttpResponse(
        json.dumps(error.payload(), ensure_ascii=False),
        status=error.status,
        content_type="application/json; charset=utf-8",
    )
    if error.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="ikp"'
    if error.status == 429:
        response["Retry-After"] = str(error.data.get("retry_after", 60))
    return response
