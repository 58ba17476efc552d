"""Alert pages under /peringatan/."""

from django.urls import path

from ikp_web.apps.alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.alert_list, name="list"),
    path("<int:pk>/", views.alert_detail, name="detail"),
    path("langganan/", views.subscription_list, name="subscriptions"),
    path("langganan/baru/", views.subscription_edit, name="subscription_new"),
    path("langganan/<int:pk>/", views.subscription_edit, name="subscription_edit"),
    path("langganan/<int:pk>/hapus/", views.subscription_delete, name="subscription_delete"),
    path("aturan/", views.rule_list, name="rules"),
    path("aturan/baru/", views.rule_edit, name="rule_new"),
    path("aturan/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("umpan.rss", views.PublicAlertsFeed(), name="feed_rss"),
    path("umpan.atom", views.PublicAlertsAtom(), name="feed_atom"),
    path("publik/<int:pk>/", views.public_item, name="public_item"),
]
