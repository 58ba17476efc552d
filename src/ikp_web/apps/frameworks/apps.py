from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    name = "ikp_web.apps.frameworks"
    label = "frameworks"
