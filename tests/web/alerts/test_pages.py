"""Alert pages: the list and an alert's page by scope, acknowledge/close forms, subscriptions for
any logged-in user, rules for Bawaslu RI only, the public feeds; no inline styles (CSP)."""

from __future__ import annotations

from typing import Any

from django.utils.html import escape
from tests.web.conftest import inline_styles

from ikp_web.apps.alerts import services
from ikp_web.apps.alerts.models import Alert, AlertRule, Subscription


def test_list_by_scope(edition: Any, computation: Any, rules: Any, personas: Any) -> None:
    services.evaluate_edition(edition)
    bogor = personas["bogor"].client.get("/peringatan/")
    assert bogor.status_code == 200
    html = bogor.content.decode()
    assert "32.01" in html and "32.03" not in html
    assert inline_styles(html) == []
    assert personas["anonymous"].client.get("/peringatan/").status_code == 302


def test_detail_shows_the_explanation_and_acts(
    edition: Any, computation: Any, rules: Any, personas: Any
) -> None:
    services.evaluate_edition(edition)
    alert = Alert.objects.get(region__code="32.01")
    client = personas["bogor"].client
    page = client.get(f"/peringatan/{alert.pk}/")
    html = page.content.decode()
    assert escape(alert.explanation["text_id"]) in html
    assert escape(alert.explanation["text_en"]) in html
    assert inline_styles(html) == []
    # the opening event has no user: the history names the system, not a missing variable
    history = html.split('<ol class="history">')[1]
    assert "sistem" in history and "INVALID_TEMPLATE_VARIABLE" not in html
    assert (
        client.get(f"/peringatan/{Alert.objects.get(region__code='32.03').pk}/").status_code == 404
    )
    response = client.post(f"/peringatan/{alert.pk}/", {"to": "closed", "note": ""})
    assert response.status_code == 200  # closing needs a note
    response = client.post(f"/peringatan/{alert.pk}/", {"to": "acknowledged", "note": "dicek"})
    assert response.status_code == 302
    client.post(f"/peringatan/{alert.pk}/", {"to": "closed", "note": "ditangani"})
    alert.refresh_from_db()
    assert alert.status == "closed" and "ditangani" in alert.notes
    assert "ditangani" in client.get(f"/peringatan/{alert.pk}/").content.decode()


def test_partner_who_subscribed_acknowledges(
    edition: Any, computation: Any, rules: Any, personas: Any
) -> None:
    rules["prob"].public = False
    rules["prob"].save()
    services.evaluate_edition(edition)
    alert = Alert.objects.get(region__code="32.01")
    mitra = personas["mitra"].client
    assert mitra.get(f"/peringatan/{alert.pk}/").status_code == 404
    response = mitra.post(
        "/peringatan/langganan/baru/",
        {
            "region_codes": "32",
            "include_children": "on",
            "component_codes": "",
            "channel": "email",
            "email_mode": "immediate",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    sub = Subscription.objects.get(user=personas["mitra"].user)
    assert [r.code for r in sub.regions.all()] == ["32"]
    assert mitra.post(f"/peringatan/{alert.pk}/", {"to": "closed", "note": "x"}).status_code == 403
    mitra.post(f"/peringatan/{alert.pk}/", {"to": "acknowledged", "note": "diterima mitra"})
    alert.refresh_from_db()
    assert alert.status == "acknowledged"
    assert alert.events.last().by == personas["mitra"].user


def test_subscription_form_checks_its_input(personas: Any) -> None:
    client = personas["publik"].client
    page = client.get("/peringatan/langganan/baru/")
    assert page.status_code == 200 and inline_styles(page.content.decode()) == []
    bad = client.post(
        "/peringatan/langganan/baru/",
        {"region_codes": "99.99", "channel": "webhook", "email_mode": "immediate"},
    )
    assert bad.status_code == 200
    assert "99.99" in bad.content.decode()
    assert not Subscription.objects.exists()
    ok = client.post(
        "/peringatan/langganan/baru/",
        {
            "region_codes": "32.01, 32.02",
            "component_codes": "d1.s1",
            "kind_list": ["spike"],
            "channel": "webhook",
            "webhook_url": "https://mitra.example/hook",
            "email_mode": "immediate",
            "active": "on",
        },
    )
    assert ok.status_code == 302
    sub = Subscription.objects.get()
    assert sub.components == ["D1.S1"] and sub.kinds == ["spike"]
    listing = client.get("/peringatan/langganan/").content.decode()
    assert "https://mitra.example/hook" in listing
    other = personas["mitra"].client
    assert other.get(f"/peringatan/langganan/{sub.pk}/").status_code == 404
    client.post(f"/peringatan/langganan/{sub.pk}/hapus/")
    assert not Subscription.objects.exists()


def test_rules_are_for_ri_only(personas: Any, rules: Any) -> None:
    for name in ("jabar", "bogor", "mitra", "publik"):
        assert personas[name].client.get("/peringatan/aturan/").status_code == 403
    ri = personas["ri"].client
    assert ri.get("/peringatan/aturan/").status_code == 200
    bad = ri.post(
        "/peringatan/aturan/baru/",
        {"slug": "x", "name": "x", "kind": "score_rise", "component": "IKP", "params": "{}"},
    )
    assert bad.status_code == 200 and not AlertRule.objects.filter(slug="x").exists()
    ok = ri.post(
        "/peringatan/aturan/baru/",
        {
            "slug": "naik-5",
            "name": "Naik 5 poin",
            "kind": "score_rise",
            "component": "D1",
            "params": '{"points": 5}',
            "level": "warning",
            "enabled": "on",
        },
    )
    assert ok.status_code == 302
    rule = AlertRule.objects.get(slug="naik-5")
    assert rule.params == {"points": 5.0, "window_days": 7}
    assert (rule.auto_close, rule.clear_margin) == (False, 0.0)  # the box was not ticked
    form = {"slug": "naik-5", "name": "Naik 5 poin", "kind": "score_rise", "component": "D1"}
    form |= {"params": '{"points": 5}', "level": "warning", "auto_close": "on"}
    edit = f"/peringatan/aturan/{rule.pk}/"
    assert ri.post(edit, {**form, "clear_margin": "-1"}).status_code == 200  # refused
    edited = ri.post(edit, {**form, "clear_margin": "0.5"})
    assert edited.status_code == 302
    rule.refresh_from_db()
    assert (rule.auto_close, rule.clear_margin) == (True, 0.5)
    assert "(margin 0,5)" in ri.get("/peringatan/aturan/").content.decode()


def test_public_feeds(edition: Any, computation: Any, rules: Any, personas: Any) -> None:
    services.evaluate_edition(edition)
    anonymous = personas["anonymous"].client
    rss = anonymous.get("/peringatan/umpan.rss")
    assert rss.status_code == 200 and rss["Content-Type"].startswith("application/rss+xml")
    text = rss.content.decode()
    assert text.count("<item>") == 2 and "32.03" in text
    atom = anonymous.get("/peringatan/umpan.atom")
    assert atom.content.decode().count("<entry>") == 2
    alert = Alert.objects.get(region__code="32.03")
    assert anonymous.get(f"/peringatan/publik/{alert.pk}/").status_code == 200
    # not public once the rule is not, nor when the edition has no published computation
    rules["prob"].public = False
    rules["prob"].save()
    assert "<item>" not in anonymous.get("/peringatan/umpan.rss").content.decode()
    assert anonymous.get(f"/peringatan/publik/{alert.pk}/").status_code == 404
