"""The audit log's filter form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ikp_web.apps.core.models import AuditLog

ACTION_LABELS = {
    AuditLog.Action.LOGIN: _("masuk"),
    AuditLog.Action.LOGIN_FAILED: _("gagal masuk"),
    AuditLog.Action.LOGOUT: _("keluar"),
    AuditLog.Action.SAVE_DRAFT: _("simpan draf"),
    AuditLog.Action.UPLOAD: _("unggah"),
    AuditLog.Action.SUBMIT: _("kirim"),
    AuditLog.Action.VERIFY: _("verifikasi"),
    AuditLog.Action.RETURN: _("kembalikan"),
    AuditLog.Action.COMPUTE: _("hitung"),
    AuditLog.Action.PUBLISH: _("terbitkan"),
    AuditLog.Action.DOWNLOAD: _("unduh"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))  # type: ignore[call-overload]


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Tindakan"), required=False)
    user = forms.CharField(label=_("Pengguna"), required=False, max_length=150)
    date_from = forms.DateField(
        label=_("Dari tanggal"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
    )
    date_to = forms.DateField(
        label=_("Sampai tanggal"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "f-%s")
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("Semua"))] + [  # type: ignore[attr-defined]
            (value, action_label(value)) for value in AuditLog.Action.values
        ]
        self.fields["user"].widget.attrs["list"] = "audit-users"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("Tanggal awal harus sebelum tanggal akhir."))
        return data
