from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "ikp_web.apps.dashboards"
    label = "dashboards"
