from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ikp_web.apps.accounts"
    label = "accounts"
