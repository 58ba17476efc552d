from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "ikp_web.apps.scoring"
    label = "scoring"
