"""Forms of the incident pages. They only collect text: every field is checked by the one
validation of all intake paths (:func:`ikp_web.apps.incidents.services.check`), whose issues are
put back on the form's fields (every problem at once, with its hint)."""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy

from ikp.incidents import MAX_DESCRIPTION, SOURCE_TYPES
from ikp.issues import ValidationReport
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.regions.models import Region
from ikp_web.apps.submissions.forms import UploadForm
from ikp_web.apps.submissions.spreadsheets import framework_of

SOURCE_CHOICES = [(k, f"{v[0]}") for k, v in SOURCE_TYPES.items()]
#: fields of the core validation that the form shows as one input each
PLACE_FIELDS = ("district_code", "village_code", "tps_number", "latitude", "longitude")


class RegionSelect(forms.Select):
    """A province or kab/kota select whose options carry the region's code and province
    (``data-code``, ``data-province``): the region picker script filters the kab/kota by the
    province chosen without asking the server."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option: dict[str, Any] = super().create_option(*args, **kwargs)
        region = getattr(option["value"], "instance", None)
        if region is not None:
            option["attrs"].update(
                {"data-code": region.code, "data-province": region.province_code}
            )
        return option


def region_label(region: Region) -> str:
    """``Kabupaten Bogor (32.01)``, ``Jawa Barat (32)``: the name first, as the picker shows."""
    return f"{region.name} ({region.code})"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe); their types and sizes are
    checked by ``services.check_evidence``."""

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return single(data, initial)


def indicator_options(edition: Edition) -> list[tuple[str, str]]:
    """``(code, "I01 — Indonesian name")`` for the searchable indicator list."""
    framework = framework_of(edition)
    return [(code, f"{code} — {framework.node(code).name_id}") for code in framework.indicators]


def level_choices(edition: Edition) -> list[tuple[str, str]]:
    framework = framework_of(edition)
    return [(lv.code, f"{lv.code} — {lv.name.id}") for lv in framework.incidence_levels]


class IncidentForm(forms.Form):
    """An incident report. ``regencies``: the kab/kota the reporter may choose."""

    edition = forms.ModelChoiceField(
        queryset=Edition.objects.none(), label=gettext_lazy("Edisi"), empty_label=None
    )
    occurred_at = forms.CharField(
        label=gettext_lazy("Waktu kejadian"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    province = forms.ModelChoiceField(
        queryset=Region.objects.none(),
        label=gettext_lazy("Provinsi"),
        required=False,
        empty_label=gettext_lazy("— pilih provinsi —"),
        widget=RegionSelect(attrs={"data-region-level": "1"}),
    )
    regency = forms.ModelChoiceField(
        queryset=Region.objects.none(),
        label=gettext_lazy("Kabupaten/kota"),
        empty_label=gettext_lazy("— pilih kabupaten/kota —"),
        widget=RegionSelect(attrs={"data-region-level": "2"}),
    )
    district_code = forms.CharField(
        label=gettext_lazy("Kecamatan (opsional)"),
        required=False,
        max_length=120,
        help_text=gettext_lazy("Ketik nama atau kode kecamatan, mis. Cibinong atau 32.01.01."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-region-level": "3"}),
    )
    village_code = forms.CharField(
        label=gettext_lazy("Desa/kelurahan (opsional)"),
        required=False,
        max_length=120,
        help_text=gettext_lazy(
            "Ketik nama atau kode desa/kelurahan, mis. Pakansari atau 32.01.01.1007."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-region-level": "4"}),
    )
    tps_number = forms.CharField(
        label=gettext_lazy("Nomor TPS (opsional)"),
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    latitude = forms.CharField(
        label=gettext_lazy("Lintang (opsional)"),
        required=False,
        max_length=24,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "-6.595"}),
    )
    longitude = forms.CharField(
        label=gettext_lazy("Bujur (opsional)"),
        required=False,
        max_length=24,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "106.816"}),
    )
    indicator_code = forms.CharField(
        label=gettext_lazy("Indikator"),
        max_length=300,
        help_text=gettext_lazy("Ketik kata dari nama indikator atau kodenya, lalu pilih."),
        widget=forms.TextInput(attrs={"list": "indikator-list", "autocomplete": "off"}),
    )
    incidence_level = forms.ChoiceField(label=gettext_lazy("Tingkat kejadian"), choices=())
    description = forms.CharField(
        label=gettext_lazy("Uraian kejadian"),
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    source_type = forms.ChoiceField(label=gettext_lazy("Jenis sumber"), choices=SOURCE_CHOICES)
    evidence = MultipleFileField(
        label=gettext_lazy("Bukti (opsional: PDF, JPG, PNG atau WebP, maks. 10 MB per file)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.webp,image/*"}),
    )

    def __init__(
        self, *args: Any, editions: Any, regencies: Any, provinces: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["edition"].queryset = editions  # type: ignore[attr-defined]
        for name, regions in (("province", provinces), ("regency", regencies)):
            field = self.fields[name]
            field.queryset = regions  # type: ignore[attr-defined]
            field.label_from_instance = region_label  # type: ignore[attr-defined]
            if regions.count() == 1:
                field.initial = regions.first()
                field.empty_label = None  # type: ignore[attr-defined]
        edition = self._edition(editions)
        #: the region edition the picker asks ``/wilayah/anak/`` about
        self.region_edition = edition.region_edition if edition is not None else "current"
        self.indicators = indicator_options(edition) if edition is not None else []
        if edition is not None:
            self.fields["incidence_level"].choices = level_choices(edition)  # type: ignore[attr-defined]

    def _edition(self, editions: Any) -> Edition | None:
        chosen = self.data.get("edition") if self.is_bound else None
        if chosen and str(chosen).isdigit():
            found = editions.filter(pk=int(chosen)).first()
            if found is not None:
                return found  # type: ignore[no-any-return]
        return editions.first()  # type: ignore[no-any-return]

    def values(self) -> dict[str, Any]:
        """The cleaned fields as the core validation's record (fields that did not clean are
        left out: their errors are already on the form)."""
        data = self.cleaned_data
        regency, province = data.get("regency"), data.get("province")
        province_code = province.code if province is not None else ""
        if not province_code and regency is not None:  # the kab/kota alone says where
            province_code = regency.province_code
        indicator = str(data.get("indicator_code") or "").strip()
        values: dict[str, Any] = {
            "occurred_at": data.get("occurred_at", ""),
            "province_code": province_code,
            "regency_code": regency.code if regency is not None else "",
            # "I01 — name" from the list, or a code typed by hand
            "indicator_code": indicator.split()[0] if indicator else "",
            "incidence_level": data.get("incidence_level", ""),
            "description": data.get("description", ""),
            "source_type": data.get("source_type", ""),
        }
        for name in PLACE_FIELDS:
            values[name] = data.get(name, "")
        return values

    def add_issues(self, report: ValidationReport) -> None:
        """Put the validation's issues on the fields they concern (or the whole form); a
        field that already has an error from the form keeps just that one."""
        failed = set(self.errors)
        for issue in report.errors:
            column = issue.location.column or ""
            name = {"regency_code": "regency", "province_code": "province"}.get(column, column)
            if name in failed:
                continue
            text = issue.message + (f" — {issue.hint}" if issue.hint else "")
            self.add_error(name if name in self.fields else None, text)


class BulkUploadForm(UploadForm):
    """A CSV or XLSX file of incidents for one edition (size and type as the observation
    upload)."""

    edition = forms.ModelChoiceField(
        queryset=Edition.objects.none(), label=gettext_lazy("Edisi"), empty_label=None
    )

    def __init__(self, *args: Any, editions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["edition"].queryset = editions  # type: ignore[attr-defined]


class ReviewForm(forms.Form):
    action = forms.ChoiceField(
        label=gettext_lazy("Keputusan"),
        choices=[
            ("verify", gettext_lazy("Verifikasi")),
            ("reject", gettext_lazy("Tolak")),
            ("duplicate", gettext_lazy("Tandai duplikat")),
        ],
        widget=forms.RadioSelect,
    )
    duplicate_of = forms.IntegerField(
        label=gettext_lazy("Nomor laporan asli (untuk duplikat)"),
        required=False,
        min_value=1,
        max_value=2**31 - 1,
    )
    note = forms.CharField(
        label=gettext_lazy("Catatan"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PublicReportForm(IncidentForm):
    """The public form (no login): contact details, a honeypot and a signed start time."""

    contact_name = forms.CharField(label=gettext_lazy("Nama Anda"), max_length=200)
    contact_phone = forms.CharField(
        label=gettext_lazy("Nomor telepon (opsional)"), max_length=40, required=False
    )
    contact_email = forms.EmailField(label=gettext_lazy("Surel (opsional)"), required=False)
    #: a field people never see (hidden by the style sheet): robots fill it in
    website = forms.CharField(label=gettext_lazy("Situs web"), required=False, max_length=200)
    started = forms.CharField(widget=forms.HiddenInput)

    SALT = "ikp-incidents-public-form"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["source_type"]
        self.fields["started"].initial = signing.dumps(time.time(), salt=self.SALT)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def spam_reason(self, min_seconds: float) -> str | None:
        """Why the submission looks automated (None: it does not)."""
        if self.data.get("website"):
            return "honeypot"
        try:
            started = float(signing.loads(str(self.data.get("started", "")), salt=self.SALT))
        except (signing.BadSignature, TypeError, ValueError):
            return "no start time"
        if time.time() - started < min_seconds:
            return "too fast"
        return None

    def values(self) -> dict[str, Any]:
        return {**super().values(), "source_type": "masyarakat"}
