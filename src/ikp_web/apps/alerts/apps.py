from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "ikp_web.apps.alerts"
    label = "alerts"

    def ready(self) -> None:
        from ikp_web.apps.alerts import receivers  # noqa: F401  (connects the signal receivers)
