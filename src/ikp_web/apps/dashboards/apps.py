from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    """No work at start-up: the national map geometry is drawn ahead of the first request by
    gunicorn's master before it forks its workers (``ikp_web.config.gunicorn``), never by a
    thread, which a fork would copy mid-import with its locks held."""

    name = "ikp_web.apps.dashboards"
    label = "dashboards"
