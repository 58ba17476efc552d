"""Forms: the questionnaire (built from the edition's framework), the review and the upload.

Numbers are parsed with the core's :func:`ikp.validation.tables.parse_number`, so the form and
the spreadsheet upload accept the same spellings (``1.5``, an unambiguous decimal comma ``1,5``)
and the same values (counts per level of incidence: whole numbers, 0 or more; other indicators:
the type and range given in the framework).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ikp.framework import Framework, Node
from ikp.validation.tables import parse_number
from ikp_web.apps.submissions.models import Review
from ikp_web.apps.submissions.services import ValueKey, format_value
from ikp_web.apps.submissions.spreadsheets import ACCEPTED_SUFFIXES
from ikp_web.config import constants as c

NOTE_MAX = 2000
SOURCE_MAX = 300


def _g(value: float) -> str:
    return format_value(value)


class IndicatorValueField(forms.Field):
    """One number of the questionnaire: a count at one level of incidence (``level`` set) or
    an indicator's value."""

    def __init__(self, node: Node, level: str | None, **kwargs: Any) -> None:
        self.node = node
        self.level = level
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    @property
    def counts(self) -> bool:
        return self.node.input_type == "count"

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs["inputmode"] = "numeric" if self.counts and self.level else "decimal"
        attrs["autocomplete"] = "off"
        return attrs

    def to_python(self, value: Any) -> float | None:
        parsed = parse_number(value)
        if parsed is None:
            return None
        if isinstance(parsed, str):
            raise ValidationError(
                _("Bukan angka. Isikan angka, atau kosongkan bila data tidak tersedia."),
                code="not_numeric",
            )
        return parsed

    def validate(self, value: float | None) -> None:
        if value is None:
            return
        node = self.node
        if self.counts and value < 0:
            raise ValidationError(
                _("Jumlah kejadian tidak boleh negatif; isikan 0 bila tidak ada kejadian."),
                code="negative_count",
            )
        if self.counts and self.level and not float(value).is_integer():
            raise ValidationError(
                _("Isikan bilangan bulat (0, 1, 2, …): banyaknya kejadian."), code="not_integer"
            )
        if node.input_type == "binary" and value not in (0.0, 1.0):
            raise ValidationError(_("Isikan 1 (ya) atau 0 (tidak)."), code="out_of_range")
        if self.level:
            return  # the range of a count indicator applies to its weighted value
        lo, hi = node.min_value, node.max_value
        if lo is not None and hi is not None and not lo <= value <= hi:
            raise ValidationError(
                _("Isikan angka antara %(lo)s dan %(hi)s.") % {"lo": _g(lo), "hi": _g(hi)},
                code="out_of_range",
            )
        if lo is not None and hi is None and value < lo:
            raise ValidationError(
                _("Isikan angka %(lo)s atau lebih.") % {"lo": _g(lo)}, code="out_of_range"
            )
        if hi is not None and lo is None and value > hi:
            raise ValidationError(
                _("Isikan angka %(hi)s atau kurang.") % {"hi": _g(hi)}, code="out_of_range"
            )


def value_field_name(code: str, level: str = "") -> str:
    return f"{code}_{level}" if level else code


class QuestionnaireForm(forms.Form):
    """All numbers, notes and sources of one region's questionnaire. Field names:
    ``<indicator>_<level>`` (``I01_L1``) for counts per level of incidence, ``<indicator>``
    for other indicators, ``<indicator>_note`` and ``<indicator>_source``."""

    def __init__(self, framework: Framework, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.framework = framework
        self.value_keys: dict[str, ValueKey] = {}
        levels = [lv.code for lv in framework.incidence_levels]
        for code in framework.indicators:
            node = framework.nodes[code]
            keys: list[ValueKey] = (
                [(code, lv) for lv in levels]
                if node.input_type == "count" and levels
                else [(code, "")]
            )
            for key in keys:
                name = value_field_name(*key)
                self.fields[name] = IndicatorValueField(node, key[1] or None)
                self.value_keys[name] = key
            self.fields[f"{code}_note"] = forms.CharField(
                required=False,
                max_length=NOTE_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={
                    "max_length": gettext_lazy("Catatan paling banyak %(limit_value)d karakter.")
                },
            )
            self.fields[f"{code}_source"] = forms.CharField(
                required=False,
                max_length=SOURCE_MAX,
                error_messages={
                    "max_length": gettext_lazy("Sumber paling banyak %(limit_value)d karakter.")
                },
            )

    def full_clean(self) -> None:
        super().full_clean()
        for name in self._errors or {}:  # point screen readers at each field's message
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"{name}-error"}
                )

    def values(self) -> dict[ValueKey, float | None]:
        return {key: self.cleaned_data.get(name) for name, key in self.value_keys.items()}

    def notes(self) -> dict[str, str]:
        return {
            code: self.cleaned_data.get(f"{code}_note", "") for code in self.framework.indicators
        }

    def sources(self) -> dict[str, str]:
        return {
            code: self.cleaned_data.get(f"{code}_source", "") for code in self.framework.indicators
        }


class ReviewForm(forms.Form):
    action = forms.ChoiceField(
        choices=[(Review.Action.VERIFY, "verify"), (Review.Action.RETURN, "return")]
    )
    comment = forms.CharField(
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "id": "comment"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == Review.Action.RETURN and not (data.get("comment") or "").strip():
            self.add_error(
                "comment",
                ValidationError(
                    _("Tuliskan apa yang harus diperbaiki sebelum mengembalikan data."),
                    code="required",
                ),
            )
        return data


class ReopenForm(forms.Form):
    """Reopening verified data: the reason is required (it is kept in the history)."""

    reason = forms.CharField(
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "id": "reason"}),
        error_messages={
            "required": _("Tuliskan alasan membuka kembali data yang sudah diverifikasi.")
        },
    )

    def clean_reason(self) -> str:
        reason = str(self.cleaned_data.get("reason") or "").strip()
        if not reason:
            raise ValidationError(
                _("Tuliskan alasan membuka kembali data yang sudah diverifikasi."),
                code="required",
            )
        return reason


class UploadForm(forms.Form):
    file = forms.FileField(
        error_messages={
            "required": gettext_lazy("Pilih file yang akan diunggah."),
            "empty": gettext_lazy("File yang diunggah kosong."),
        },
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(ACCEPTED_SUFFIXES), "id": "upload-file"}
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name or "").suffix.lower()
        if suffix not in ACCEPTED_SUFFIXES:
            raise ValidationError(
                _("Jenis file %(suffix)s tidak diterima; unggah .xlsx atau .csv (UTF-8).")
                % {"suffix": suffix or "?"},
                code="bad_type",
            )
        if upload.size > c.UPLOAD_MAX_BYTES:
            raise ValidationError(
                _("File terlalu besar (%(mb).1f MB); batasnya %(max).0f MB.")
                % {"mb": upload.size / 1e6, "max": c.UPLOAD_MAX_BYTES / 1e6},
                code="too_large",
            )
        return upload
