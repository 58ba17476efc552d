from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "ikp_web.apps.live"
    verbose_name = "Indeks langsung / Live index"

    def ready(self) -> None:
        from ikp_web.apps.live import signals  # noqa: F401  (connects the incident hooks)
