"""Admin: rules are edited here or on /peringatan/aturan/ (parameters checked per kind); alerts,
subscriptions and the delivery log are read here."""

from __future__ import annotations

from django.contrib import admin

from ikp_web.apps.alerts.forms import AlertRuleForm
from ikp_web.apps.alerts.models import Alert, AlertEvent, AlertRule, Delivery, Subscription


@admin.register(AlertRule)
class AlertRuleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = AlertRuleForm
    list_display = ("slug", "name", "kind", "component", "level", "enabled", "public", "auto_close")
    list_filter = ("kind", "level", "enabled", "public", "auto_close")


class AlertEventInline(admin.TabularInline):  # type: ignore[type-arg]
    model = AlertEvent
    extra = 0
    readonly_fields = ("from_status", "to_status", "note", "by", "at")
    can_delete = False


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("pk", "rule", "region", "component", "status", "raised_at")
    list_filter = ("status", "rule", "source")
    raw_id_fields = ("region", "computation")
    readonly_fields = ("values", "explanation", "raised_at")
    inlines = [AlertEventInline]


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("pk", "user", "channel", "email_mode", "active")
    list_filter = ("channel", "email_mode", "active")
    raw_id_fields = ("user",)
    filter_horizontal = ("regions",)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("pk", "subscription", "channel", "attempt", "status", "response_code", "at")
    list_filter = ("channel", "status")
    readonly_fields = ("subscription", "alerts", "channel", "attempt", "status", "response_code")
