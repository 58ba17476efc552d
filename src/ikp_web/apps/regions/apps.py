from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "ikp_web.apps.regions"
    label = "regions"
