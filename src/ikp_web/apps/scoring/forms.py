"""Forms of the computing pages: start a computation, publish one."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ikp_web.apps.scoring.services import MAX_RUNS
from ikp_web.config import constants as c


class ComputeForm(forms.Form):
    """Compute one edition (the pressed button names it) with ``runs`` Monte Carlo runs."""

    edition = forms.SlugField(max_length=64, widget=forms.HiddenInput)
    runs = forms.IntegerField(
        label=_("Jumlah simulasi ketidakpastian (Monte Carlo)"),
        min_value=0,
        max_value=MAX_RUNS,
        initial=c.DEFAULT_UNCERTAINTY_RUNS,
        help_text=_("0 = tanpa analisis ketidakpastian dan sensitivitas; bawaan 1000."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 1}),
    )

    def __init__(self, *args: Any, editions: list[str], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)
        self.editions = editions

    def clean_edition(self) -> str:
        slug = str(self.cleaned_data["edition"])
        if slug not in self.editions:
            raise forms.ValidationError(_("Edisi tidak dikenal atau tidak dapat dihitung."))
        return slug


class PublishForm(forms.Form):
    change_log = forms.CharField(
        label=_("Catatan perubahan"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"id": "change-log", "rows": 4, "cols": 60}),
    )

    def __init__(self, *args: Any, correction: bool, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)
        self.correction = correction
        field = self.fields["change_log"]
        if correction:
            field.required = True
            field.help_text = _(
                "Wajib: edisi ini sudah diterbitkan, jadi versi ini adalah koreksi. Jelaskan apa "
                "yang berubah dan mengapa; catatan ini tampil untuk publik."
            )
            field.widget.attrs["aria-required"] = "true"
            field.error_messages["required"] = _(
                "Koreksi memerlukan catatan perubahan: jelaskan apa yang berubah sejak versi "
                "terbit."
            )
        else:
            field.help_text = _("Opsional untuk terbitan pertama.")
