"""Forms of the computing pages: start a computation, publish one."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ikp.choices import AGGREGATE_METHODS, NORMALIZE_METHODS, WEIGHT_METHODS
from ikp.framework import CLASS_METHODS, Framework
from ikp_web.apps.core import method_labels as names
from ikp_web.apps.scoring.services import MAX_RUNS
from ikp_web.config import constants as c

AS_FRAMEWORK = ("", _("sesuai berkas kerangka"))


def _choices(keys: tuple[str, ...], labels: dict[str, Any]) -> list[tuple[str, Any]]:
    return [AS_FRAMEWORK, *((k, format_lazy("{} ({})", labels[k], k)) for k in keys)]


def method_initial(framework: Framework | None) -> dict[str, Any]:
    """The form's initial method choices: the framework file's defaults (its class method per
    region level), or "as in the framework file" when there is no single framework."""
    if framework is None:
        return {}
    initial: dict[str, Any] = {
        "weights": framework.method("weight").get("method", ""),
        "normalize": framework.method("normalize").get("method", ""),
        "aggregate": framework.method("aggregate").get("method", ""),
        "aggregate_p": framework.method("aggregate").get("p"),
    }
    for level in names.REGION_LEVEL:
        if level in framework.region_levels:
            initial[f"classes_{level}"] = framework.classification.for_level(level)["method"]
    return initial


class ComputeForm(forms.Form):
    """Compute one edition (the pressed button names it) with ``runs`` Monte Carlo runs and the
    analyst's methods: weighting, normalisation, aggregation and a class method per region
    level (an empty choice keeps what the edition's framework file says)."""

    edition = forms.SlugField(max_length=64, widget=forms.HiddenInput)
    runs = forms.IntegerField(
        label=_("Jumlah simulasi ketidakpastian (Monte Carlo)"),
        min_value=0,
        max_value=MAX_RUNS,
        initial=c.DEFAULT_UNCERTAINTY_RUNS,
        help_text=_("0 = tanpa analisis ketidakpastian dan sensitivitas; bawaan 1000."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 1}),
    )

    weights = forms.ChoiceField(
        label=_("Metode pembobotan"),
        required=False,
        choices=_choices(WEIGHT_METHODS, names.WEIGHT),
        help_text=_("AHP memakai matriks di berkas kerangka; rasio konsistensinya dicatat."),
    )
    normalize = forms.ChoiceField(
        label=_("Normalisasi"),
        required=False,
        choices=_choices(NORMALIZE_METHODS, names.NORMALIZE),
    )
    aggregate = forms.ChoiceField(
        label=_("Agregasi"),
        required=False,
        choices=_choices(AGGREGATE_METHODS, names.AGGREGATE),
    )
    aggregate_p = forms.FloatField(
        label=_("p rata-rata umum"),
        required=False,
        min_value=-10,
        max_value=10,
        help_text=_("Hanya untuk rata-rata umum: 1 = aritmetika, 0 = geometrik, −1 = harmonik."),
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    classes_province = forms.ChoiceField(
        label=_("Metode kelas — provinsi"),
        required=False,
        choices=_choices(CLASS_METHODS, names.CLASSES),
    )
    classes_regency = forms.ChoiceField(
        label=_("Metode kelas — kabupaten/kota"),
        required=False,
        choices=_choices(CLASS_METHODS, names.CLASSES),
    )

    METHOD_FIELDS = (
        "weights",
        "normalize",
        "aggregate",
        "aggregate_p",
        "classes_province",
        "classes_regency",
    )

    def __init__(self, *args: Any, editions: list[str], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)
        self.editions = editions
        for name in self.METHOD_FIELDS:
            if self.fields[name].help_text:
                self.fields[name].widget.attrs["aria-describedby"] = f"{name}-help"

    def _post_clean(self) -> None:
        super()._post_clean()
        for name in self.METHOD_FIELDS:
            if name in self._errors:
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = " ".join(
                    filter(None, (attrs.get("aria-describedby"), f"{name}-error"))
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("aggregate_p") is not None and data.get("aggregate") != "generalised":
            self.add_error(
                "aggregate_p", _("p hanya dipakai oleh rata-rata umum; pilih agregasi itu.")
            )
        elif data.get("aggregate") == "generalised" and data.get("aggregate_p") is None:
            self.add_error("aggregate_p", _("Rata-rata umum memerlukan p."))
        return data

    def methods(self) -> dict[str, Any]:
        """The chosen methods for the compute job (empty = as in the framework file)."""
        data = self.cleaned_data
        methods: dict[str, Any] = {
            key: data.get(key) or None for key in ("weights", "normalize", "aggregate")
        }
        methods["aggregate_p"] = data.get("aggregate_p")
        methods["classes"] = {
            level: data.get(f"classes_{level}")
            for level in names.REGION_LEVEL
            if data.get(f"classes_{level}")
        }
        return {k: v for k, v in methods.items() if v not in (None, {})}

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
