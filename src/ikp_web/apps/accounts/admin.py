"""Users with their role and region (the ``Profile`` inline). The role decides the region: a
Bawaslu provinsi account needs a province, a kabupaten/kota account a kabupaten/kota, the others
none. What each role may see and do is decided in ``accounts.services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from ikp_web.apps.accounts.models import Profile
from ikp_web.apps.regions.models import Region

User = get_user_model()
REGION_LEVEL = {Profile.Role.PROVINCE: 1, Profile.Role.REGENCY: 2}


class ProfileForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Profile
        fields = ["role", "region", "organisation"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(  # type: ignore[attr-defined]
            edition="current", level__in=[1, 2]
        ).order_by("code")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role, region = data.get("role"), data.get("region")
        level = REGION_LEVEL.get(role)  # type: ignore[call-overload]
        if level is None and region is not None:
            self.add_error("region", _("Peran ini tidak terikat pada wilayah; kosongkan wilayah."))
        elif level == 1 and (region is None or region.level != 1):
            self.add_error("region", _("Akun Bawaslu provinsi memerlukan sebuah provinsi."))
        elif level == 2 and (region is None or region.level != 2):
            self.add_error(
                "region", _("Akun Bawaslu kabupaten/kota memerlukan sebuah kabupaten/kota.")
            )
        return data


class ProfileInline(admin.StackedInline):  # type: ignore[type-arg]
    model = Profile
    form = ProfileForm
    can_delete = False
    min_num = 1
    max_num = 1
    extra = 0
    verbose_name = _("peran dan wilayah")
    verbose_name_plural = _("peran dan wilayah")


admin.site.unregister(User)


@admin.register(User)
class IkpUserAdmin(UserAdmin):  # type: ignore[type-arg]
    inlines = [ProfileInline]
    list_display = ["username", "email", "role", "region", "is_active", "is_staff", "last_login"]
    list_filter = ["profile__role", "is_active", "is_staff", "is_superuser"]
    list_select_related = ["profile", "profile__region"]
    search_fields = ["username", "email", "first_name", "last_name", "profile__organisation"]

    @admin.display(description=_("peran"), ordering="profile__role")
    def role(self, obj: Any) -> str:
        profile = getattr(obj, "profile", None)
        return profile.get_role_display() if profile is not None else "—"

    @admin.display(description=_("wilayah"), ordering="profile__region__code")
    def region(self, obj: Any) -> str:
        profile = getattr(obj, "profile", None)
        return str(profile.region) if profile is not None and profile.region_id else "—"


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = ProfileForm
    list_display = ["user", "role", "region", "organisation"]
    list_filter = ["role"]
    search_fields = ["user__username", "organisation", "region__code", "region__name"]
    list_select_related = ["user", "region"]

    def has_add_permission(self, request: Any) -> bool:
        return False  # profiles are created with their user
