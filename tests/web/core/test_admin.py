"""The admin: frameworks validated by the core (every issue shown), frozen once an edition is
published; editions checked against their framework and regions; users with their role and
region; computations, results, the audit log and regions read-only where they must be."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from django.test import Client
from django.urls import reverse

from ikp.framework import load_framework
from ikp_web.apps.accounts.models import Profile
from ikp_web.apps.core.models import AuditLog, Job
from ikp_web.apps.core.services import audit, job_create
from ikp_web.apps.frameworks.models import Edition, FrameworkVersion
from ikp_web.apps.regions.models import Region
from ikp_web.apps.scoring.models import Computation

from .conftest import make_user

MINI = {
    "id": "mini",
    "version": "1",
    "name": {"id": "Mini", "en": "Mini"},
    "region_levels": ["province"],
    "classification": {
        "method": "fixed",
        "labels": [{"id": "rendah"}, {"id": "tinggi"}],
        "cutoffs": {"province": [50]},
    },
    "nodes": [
        {"code": "IDX", "name": {"id": "Indeks"}, "level": 2},
        {"code": "I1", "name": {"id": "Satu"}, "level": 1, "parent": "IDX"},
        {"code": "I2", "name": {"id": "Dua"}, "level": 1, "parent": "IDX"},
    ],
}


@pytest.fixture()
def admin_client(regions: None) -> Client:
    user = make_user("admin-ri", Profile.Role.RI)
    user.is_staff = user.is_superuser = True
    user.save()
    client = Client()
    client.force_login(user)
    return client


def _framework_post(
    definition: str, slug: str = "ikp-2024", version: str = "2024.1"
) -> dict[str, str]:
    return {"slug": slug, "version": version, "name": "IKP uji", "definition": definition}


def test_every_admin_page_loads(admin_client: Client, edition: Edition) -> None:
    comp = Computation.objects.create(edition=edition, status="done")
    job = job_create("compute", params={"edition": edition.slug})
    entry = audit("compute", edition=edition.slug)
    region = Region.objects.get(code="32.01")
    user = make_user("bogor2", Profile.Role.REGENCY, "32.01")
    pages = [
        ("frameworks", "frameworkversion", edition.framework.pk),
        ("frameworks", "edition", edition.pk),
        ("regions", "region", region.pk),
        ("auth", "user", user.pk),
        ("accounts", "profile", user.profile.pk),
        ("scoring", "computation", comp.pk),
        ("scoring", "result", None),
        ("core", "auditlog", entry.pk),
        ("core", "job", job.pk),
    ]
    for app, model, pk in pages:
        assert admin_client.get(reverse(f"admin:{app}_{model}_changelist")).status_code == 200, (
            model
        )
        if pk is not None:
            url = reverse(f"admin:{app}_{model}_change", args=[pk])
            assert admin_client.get(url).status_code == 200, model
    for app, model in [
        ("frameworks", "frameworkversion"),
        ("frameworks", "edition"),
        ("auth", "user"),
    ]:
        assert admin_client.get(reverse(f"admin:{app}_{model}_add")).status_code == 200
    for app, model in [
        ("regions", "region"),
        ("scoring", "computation"),
        ("core", "auditlog"),
        ("core", "job"),
        ("scoring", "result"),
    ]:
        assert admin_client.get(reverse(f"admin:{app}_{model}_add")).status_code == 403, model


def test_framework_form_shows_every_issue_from_the_core(admin_client: Client, db: Any) -> None:
    data = yaml.safe_load(load_framework("ikp-2024").to_yaml())
    data["nodes"][3]["weight"] = -1
    data["nodes"][5]["parent"] = "NOPE"
    data["nodes"].append(dict(data["nodes"][7]))
    broken = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    response = admin_client.post(
        reverse("admin:frameworks_frameworkversion_add"), _framework_post(broken)
    )
    assert response.status_code == 200  # the form again, with the errors
    errors = response.context["adminform"].form.errors["definition"]
    joined = " ".join(errors)
    for code in ("DUPLICATE_CODE", "UNKNOWN_PARENT", "BAD_WEIGHT"):
        assert code in joined
    assert len(errors) >= 3
    html = response.content.decode()
    assert "UNKNOWN_PARENT" in html and "NOPE" in html
    assert not FrameworkVersion.objects.exists()

    bad_yaml = admin_client.post(
        reverse("admin:frameworks_frameworkversion_add"), _framework_post("nodes: [a, b")
    )
    assert "not valid YAML" in " ".join(bad_yaml.context["adminform"].form.errors["definition"])


def test_framework_id_and_version_must_match(admin_client: Client, db: Any) -> None:
    text = load_framework("ikp-2024").to_yaml()
    response = admin_client.post(
        reverse("admin:frameworks_frameworkversion_add"),
        _framework_post(text, slug="ikp-2028", version="2028.1"),
    )
    errors = " ".join(response.context["adminform"].form.errors["definition"])
    assert "ikp-2028" in errors and "2028.1" in errors
    ok = admin_client.post(reverse("admin:frameworks_frameworkversion_add"), _framework_post(text))
    assert ok.status_code == 302
    stored = FrameworkVersion.objects.get(slug="ikp-2024")
    assert stored.content_hash == load_framework("ikp-2024").content_hash()


def test_framework_of_a_published_edition_is_frozen(admin_client: Client, edition: Edition) -> None:
    fw = edition.framework
    change = reverse("admin:frameworks_frameworkversion_change", args=[fw.pk])
    assert 'name="definition"' in admin_client.get(change).content.decode()
    Computation.objects.create(edition=edition, status="done", published=True)
    html = admin_client.get(change).content.decode()
    assert 'name="definition"' not in html
    before = fw.definition
    admin_client.post(change, _framework_post("id: x\n", slug="x", version="9"))
    fw.refresh_from_db()
    assert fw.definition == before and fw.slug == "ikp-2024"
    # frozen: copy it as a new version to change the weights
    admin_client.post(
        reverse("admin:frameworks_frameworkversion_changelist"),
        {"action": "copy_as_new_version", "_selected_action": [fw.pk]},
    )
    copy = FrameworkVersion.objects.get(slug="ikp-2024", version="2024.1-1")
    assert copy.framework().version == "2024.1-1" and copy.content_hash
    delete = reverse("admin:frameworks_frameworkversion_delete", args=[fw.pk])
    assert admin_client.get(delete).status_code == 403


def test_edition_is_checked_against_framework_and_regions(
    admin_client: Client, framework_version: FrameworkVersion
) -> None:
    mini = FrameworkVersion(slug="mini", version="1", name="mini", definition=yaml.safe_dump(MINI))
    mini.full_clean()
    mini.save()
    add = reverse("admin:frameworks_edition_add")
    base = {"slug": "mini-2024", "name": "Mini", "kind": "collected", "region_edition": "current"}
    response = admin_client.post(add, {**base, "framework": mini.pk, "region_level": "regency"})
    errors = response.context["adminform"].form.errors
    assert "region_level" in errors and "province" in errors["region_level"][0]
    response = admin_client.post(
        add,
        {
            **base,
            "framework": framework_version.pk,
            "region_level": "regency",
            "region_edition": "2019",
            "period_start": "2024-12-31",
            "period_end": "2024-01-01",
        },
    )
    errors = response.context["adminform"].form.errors
    assert "region_edition" in errors and "period_end" in errors
    ok = admin_client.post(add, {**base, "framework": mini.pk, "region_level": "province"})
    assert ok.status_code == 302 and Edition.objects.filter(slug="mini-2024").exists()


def test_published_edition_keeps_its_definition(admin_client: Client, edition: Edition) -> None:
    Computation.objects.create(edition=edition, status="done", published=True)
    change = reverse("admin:frameworks_edition_change", args=[edition.pk])
    html = admin_client.get(change).content.decode()
    assert 'name="framework"' not in html and 'name="region_level"' not in html
    assert 'name="deadline"' in html
    assert (
        admin_client.get(reverse("admin:frameworks_edition_delete", args=[edition.pk])).status_code
        == 403
    )


def _user_post(role: str, region: Region | None) -> dict[str, Any]:
    return {
        "username": "baru",
        "password1": "kata-sandi-panjang-123",
        "password2": "kata-sandi-panjang-123",
        "usable_password": "true",
        "profile-TOTAL_FORMS": "1",
        "profile-INITIAL_FORMS": "0",
        "profile-MIN_NUM_FORMS": "1",
        "profile-MAX_NUM_FORMS": "1",
        "profile-0-role": role,
        "profile-0-region": region.pk if region else "",
        "profile-0-organisation": "",
    }


def test_user_role_needs_a_matching_region(admin_client: Client) -> None:
    add = reverse("admin:auth_user_add")
    bogor = Region.objects.get(code="32.01")
    jabar = Region.objects.get(code="32")
    for role, region in [
        ("provinsi", bogor),
        ("provinsi", None),
        ("kabkota", jabar),
        ("mitra", jabar),
    ]:
        response = admin_client.post(add, _user_post(role, region))
        assert response.status_code == 200, (role, region)
        assert response.context["inline_admin_formsets"][0].formset.errors[0]["region"]
    response = admin_client.post(add, _user_post("provinsi", jabar))
    assert response.status_code == 302
    profile = Profile.objects.get(user__username="baru")
    assert profile.role == "provinsi" and profile.region == jabar


def test_computations_and_logs_are_read_only(admin_client: Client, edition: Edition) -> None:
    published = Computation.objects.create(edition=edition, status="done", published=True)
    draft = Computation.objects.create(edition=edition, version=2, status="done")
    change = reverse("admin:scoring_computation_change", args=[published.pk])
    assert admin_client.post(change, {"source": "diubah"}).status_code == 403
    assert (
        admin_client.get(
            reverse("admin:scoring_computation_delete", args=[published.pk])
        ).status_code
        == 403
    )
    draft_change = reverse("admin:scoring_computation_change", args=[draft.pk])
    html = admin_client.get(draft_change).content.decode()
    assert (
        'name="source"' in html and 'name="recipe"' not in html and 'name="published"' not in html
    )
    assert (
        admin_client.get(reverse("admin:scoring_computation_delete", args=[draft.pk])).status_code
        == 200
    )
    entry = audit("publish", edition=edition.slug)
    url = reverse("admin:core_auditlog_change", args=[entry.pk])
    assert admin_client.post(url, {"action": "login"}).status_code == 403
    assert (
        admin_client.get(reverse("admin:core_auditlog_delete", args=[entry.pk])).status_code == 403
    )
    assert AuditLog.objects.get(pk=entry.pk).action == "publish"
    region = Region.objects.get(code="32.01")
    assert (
        admin_client.get(reverse("admin:regions_region_delete", args=[region.pk])).status_code
        == 403
    )


def test_stale_job_can_be_marked_failed(admin_client: Client, db: Any) -> None:
    stale = job_create("compute", params={"edition": "x"})
    done = job_create("compute")
    Job.objects.filter(pk=done.pk).update(status="done")
    admin_client.post(
        reverse("admin:core_job_changelist"),
        {"action": "mark_failed", "_selected_action": [stale.pk, done.pk]},
    )
    assert Job.objects.get(pk=stale.pk).status == "failed"
    assert Job.objects.get(pk=done.pk).status == "done"
