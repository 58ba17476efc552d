from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ikp_web.apps.core"
    label = "core"
    verbose_name = "Inti / Core"
