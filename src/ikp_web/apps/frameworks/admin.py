"""Frameworks and editions are managed here. A framework version's YAML is validated by the core
(``FrameworkVersion.clean`` → ``ikp.framework.Framework.check_dict``) and every issue is shown on
the form; warnings are shown after saving. A version whose editions have a published computation
is frozen (a published snapshot must re-run to the same numbers): copy it as a new version
instead."""

from __future__ import annotations

from typing import Any

import yaml
from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ikp.framework import Framework
from ikp_web.apps.frameworks.models import Edition, FrameworkVersion
from ikp_web.apps.regions.models import Region


def _published_editions(framework: FrameworkVersion) -> QuerySet[Edition]:
    return framework.editions.filter(computations__published=True).distinct()


class FrameworkVersionForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = FrameworkVersion
        fields = ["slug", "version", "name", "definition"]
        widgets = {
            "definition": forms.Textarea(
                attrs={"rows": 32, "cols": 110, "class": "vLargeTextField", "spellcheck": "false"}
            )
        }

    def clean(self) -> dict[str, Any]:
        """The YAML's ``id`` and ``version`` name this row: recipes record them, so they must
        agree with the slug and version (the core's own checks run in the model's clean)."""
        data = super().clean() or {}
        text = data.get("definition")
        if not text:
            return data
        try:
            parsed = yaml.safe_load(text)
        except yaml.YAMLError:
            return data  # the model's clean reports the YAML error
        if not isinstance(parsed, dict):
            return data
        errors = []
        slug, version = data.get("slug"), data.get("version")
        if slug and parsed.get("id") not in (None, slug):
            errors.append(
                _("'id: %(yaml)s' di YAML harus sama dengan slug '%(slug)s'.")
                % {"yaml": parsed.get("id"), "slug": slug}
            )
        if version and parsed.get("version") is not None and str(parsed["version"]) != version:
            errors.append(
                _("'version: %(yaml)s' di YAML harus sama dengan versi '%(version)s'.")
                % {"yaml": parsed.get("version"), "version": version}
            )
        if errors:
            self.add_error("definition", errors)
        return data


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = FrameworkVersionForm
    list_display = ["slug", "version", "name", "n_editions", "frozen", "short_hash", "created"]
    list_filter = ["slug"]
    search_fields = ["slug", "version", "name"]
    readonly_fields = ["content_hash", "created", "used_by"]
    actions = ["copy_as_new_version"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[FrameworkVersion]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                _n_editions=Count("editions", distinct=True),
                _n_published=Count(
                    "editions", filter=Q(editions__computations__published=True), distinct=True
                ),
            )
        )

    @admin.display(description=_("edisi"), ordering="_n_editions")
    def n_editions(self, obj: FrameworkVersion) -> int:
        return int(getattr(obj, "_n_editions", 0))

    @admin.display(description=_("dibekukan"), boolean=True)
    def frozen(self, obj: FrameworkVersion) -> bool:
        return bool(getattr(obj, "_n_published", 0))

    @admin.display(description=_("hash isi"))
    def short_hash(self, obj: FrameworkVersion) -> str:
        return obj.content_hash[:19]

    @admin.display(description=_("dipakai oleh edisi"))
    def used_by(self, obj: FrameworkVersion) -> str:
        if obj.pk is None:
            return "—"
        published = set(_published_editions(obj).values_list("slug", flat=True))
        names = [
            f"{slug} ({_('terbit')})" if slug in published else slug
            for slug in obj.editions.values_list("slug", flat=True)
        ]
        return ", ".join(names) or "—"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and _published_editions(obj).exists():
            fields += ["slug", "version", "definition"]
        return fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.editions.exists():
            return False
        return super().has_delete_permission(request, obj)

    def save_model(
        self, request: HttpRequest, obj: FrameworkVersion, form: Any, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        _framework, report = Framework.check_dict(obj.as_dict(), file=str(obj))
        for issue in report.warnings:
            messages.warning(request, str(issue))

    @admin.action(description=_("Salin sebagai versi baru (untuk diubah)"))
    def copy_as_new_version(
        self, request: HttpRequest, queryset: QuerySet[FrameworkVersion]
    ) -> None:
        for fw in queryset:
            existing = set(
                FrameworkVersion.objects.filter(slug=fw.slug).values_list("version", flat=True)
            )
            n = 1
            while f"{fw.version}-{n}" in existing:
                n += 1
            version = f"{fw.version}-{n}"
            data = fw.as_dict()
            data["version"] = version
            copy = FrameworkVersion(
                slug=fw.slug,
                version=version,
                name=fw.name,
                definition=yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
            )
            copy.full_clean()
            copy.save()
            messages.success(
                request,
                _("%(old)s disalin sebagai %(new)s.") % {"old": str(fw), "new": str(copy)},
            )


class EditionForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Edition
        fields = "__all__"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "region_edition" in self.fields:
            known = sorted(set(Region.objects.values_list("edition", flat=True).distinct()))
            current = self.instance.region_edition if self.instance.pk else "current"
            choices = sorted(set(known) | {current})
            self.fields["region_edition"].widget = forms.Select(choices=[(e, e) for e in choices])
        if "previous" in self.fields and self.instance.pk:
            self.fields["previous"].queryset = Edition.objects.exclude(pk=self.instance.pk)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        """The framework must be defined for the edition's region level, the region edition must
        hold regions at that level, and the period must run forward."""
        data = super().clean() or {}
        framework: FrameworkVersion | None = data.get("framework") or (
            self.instance.framework if self.instance.framework_id else None
        )
        level = data.get("region_level") or self.instance.region_level
        region_edition = data.get("region_edition") or self.instance.region_edition
        if framework is not None and level:
            try:
                fw = framework.framework()
            except Exception as exc:  # a stored framework that no longer validates
                self.add_error("framework", _("Kerangka tidak valid: %(e)s") % {"e": exc})
            else:
                if level not in fw.region_levels:
                    self.add_error(
                        "region_level",
                        _("Kerangka %(fw)s tidak mendefinisikan tingkat %(level)s (hanya: %(ok)s).")
                        % {"fw": framework, "level": level, "ok": ", ".join(fw.region_levels)},
                    )
        if region_edition and level:
            lv = 1 if level == Edition.Level.PROVINCE else 2
            if not Region.objects.filter(edition=region_edition, level=lv).exists():
                self.add_error(
                    "region_edition",
                    _("Edisi wilayah '%(e)s' tidak memuat wilayah tingkat ini.")
                    % {"e": region_edition},
                )
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and start > end:
            self.add_error("period_end", _("Akhir periode harus setelah awal periode."))
        return data


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = EditionForm
    list_display = [
        "slug",
        "name",
        "framework",
        "region_level",
        "region_edition",
        "kind",
        "synthetic",
        "deadline",
        "published_version",
    ]
    list_filter = ["kind", "region_level", "synthetic", "region_edition", "framework"]
    search_fields = ["slug", "name"]
    list_select_related = ["framework"]
    fieldsets = [
        (None, {"fields": ["slug", "name", "kind", "synthetic", "source"]}),
        (
            _("Kerangka dan wilayah"),
            {"fields": ["framework", "region_level", "region_edition", "previous"]},
        ),
        (_("Periode dan batas waktu"), {"fields": ["period_start", "period_end", "deadline"]}),
    ]

    @admin.display(description=_("versi terbit"))
    def published_version(self, obj: Edition) -> str:
        comp = obj.computations.filter(published=True).order_by("-version").first()
        return f"v{comp.version}" if comp is not None else "—"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.computations.filter(published=True).exists():
            # a published snapshot names its framework, regions and level: keep them
            fields += ["slug", "framework", "region_level", "region_edition", "kind", "synthetic"]
        return fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.computations.filter(published=True).exists():
            return False
        return super().has_delete_permission(request, obj)
