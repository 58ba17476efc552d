from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "ikp_web.apps.submissions"
    label = "submissions"
