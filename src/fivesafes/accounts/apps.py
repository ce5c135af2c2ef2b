"""Django app configuration for accounts."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "fivesafes.accounts"
    label = "accounts"
    verbose_name = "Accounts"
