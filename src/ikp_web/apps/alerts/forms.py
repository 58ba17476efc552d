"""Forms of alerts: a rule (parameters checked per kind by the core), a status change with a
note, and a subscription."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from pydantic import ValidationError as PydanticError

from ikp.alert_rules import KINDS, check_params
from ikp_web.apps.alerts.models import KIND_LABELS, AlertRule, Subscription
from ikp_web.apps.regions.models import Region


class AlertRuleForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = AlertRule
        fields = ["slug", "name", "kind", "component", "params", "level", "enabled", "public"]
        fields += ["auto_close", "clear_margin", "description"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["clear_margin"].required = False  # empty: no margin

    def clean_clear_margin(self) -> float:
        return float(self.cleaned_data.get("clear_margin") or 0.0)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, params = data.get("kind"), data.get("params")
        if kind and isinstance(params, dict):
            try:
                data["params"] = check_params(kind, params)
            except (PydanticError, ValueError) as exc:
                self.add_error("params", str(exc))
        elif kind and params is not None:
            self.add_error("params", _("Parameter harus berupa objek JSON."))
        return data


class StatusForm(forms.Form):
    note = forms.CharField(
        label=_("Catatan"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    to = forms.ChoiceField(choices=[("acknowledged", _("Ketahui")), ("closed", _("Tutup"))])


def _codes(text: str) -> list[str]:
    return [t.strip() for t in text.replace(";", ",").split(",") if t.strip()]


class SubscriptionForm(forms.ModelForm):  # type: ignore[type-arg]
    region_codes = forms.CharField(
        label=_("Kode wilayah (pisahkan dengan koma; kosong: semua)"),
        required=False,
        max_length=2000,
    )
    component_codes = forms.CharField(
        label=_("Komponen, mis. D1.S1 (kosong: semua)"), required=False, max_length=400
    )
    webhook_url = forms.URLField(
        label=_("URL webhook"), required=False, max_length=400, assume_scheme="https"
    )
    kind_list = forms.MultipleChoiceField(
        label=_("Jenis peringatan (kosong: semua)"),
        choices=[(k, KIND_LABELS[k]) for k in KINDS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Subscription
        fields = ["include_children", "channel", "email_mode", "webhook_url", "active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sub = self.instance
        if sub.pk:
            self.initial["region_codes"] = ", ".join(r.code for r in sub.regions.all())
            self.initial["component_codes"] = ", ".join(sub.components)
            self.initial["kind_list"] = sub.kinds

    def clean_region_codes(self) -> list[Region]:
        codes = _codes(self.cleaned_data.get("region_codes", ""))
        found = {r.code: r for r in Region.objects.filter(edition="current", code__in=codes)}
        unknown = [c for c in codes if c not in found]
        if unknown:
            raise forms.ValidationError(_("Kode wilayah tidak dikenal: %s") % ", ".join(unknown))
        return [found[c] for c in codes]

    def clean_component_codes(self) -> list[str]:
        codes = [c.upper() for c in _codes(self.cleaned_data.get("component_codes", ""))]
        bad = [c for c in codes if len(c) > 32 or not c.replace(".", "").isalnum()]
        if bad:
            raise forms.ValidationError(_("Kode komponen tidak sah: %s") % ", ".join(bad))
        return codes

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("channel") == Subscription.Channel.WEBHOOK and not data.get("webhook_url"):
            self.add_error("webhook_url", _("Webhook memerlukan URL."))
        elif data.get("webhook_url"):
            from ikp_web.apps.alerts.services import webhook_url_problem

            if webhook_url_problem(data["webhook_url"], resolve=False) is not None:
                self.add_error(
                    "webhook_url",
                    _("URL webhook harus alamat publik http(s) yang dapat dihubungi."),
                )
        return data

    def save(self, commit: bool = True) -> Subscription:
        sub: Subscription = super().save(commit=False)
        sub.components = self.cleaned_data["component_codes"]
        sub.kinds = list(self.cleaned_data["kind_list"])
        sub.save()
        sub.regions.set(self.cleaned_data["region_codes"])
        return sub


def params_text(params: dict[str, Any]) -> str:
    return json.dumps(params, ensure_ascii=False, sort_keys=True)
