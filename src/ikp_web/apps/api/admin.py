"""API tokens in the admin: adding one generates the token and shows it once; only its hash is
stored. Tokens can be revoked (action) but not edited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from ikp_web.apps.api.models import ApiToken
from ikp_web.apps.api.services import new_token, revoke_token


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("prefix", "user", "name", "created", "expires", "last_used", "revoked")
    list_filter = ("revoked",)
    search_fields = ("user__username", "name", "prefix")
    readonly_fields = ("prefix", "created", "last_used")
    raw_id_fields = ("user",)
    actions = ["revoke"]

    def get_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> list[str]:
        if obj is None:
            return ["user", "name", "expires"]
        return ["user", "name", "prefix", "created", "expires", "last_used", "revoked"]

    def get_readonly_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> Any:
        if obj is None:
            return ()
        return ("user", "prefix", "created", "last_used")

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        if not change:
            raw = new_token()
            obj.set_token(raw)
            super().save_model(request, obj, form, change)
            messages.warning(
                request,
                f"Token API (disalin sekarang, tidak ditampilkan lagi / copy it now, it is not "
                f"shown again): {raw}",
            )
            return
        super().save_model(request, obj, form, change)

    @admin.action(description="Cabut token terpilih / Revoke selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            revoke_token(token)
        self.message_user(request, f"{queryset.count()} token dicabut / revoked")
