from django.apps import AppConfig


class ExchangesConfig(AppConfig):
    name = "haven.exchanges"
    label = "exchanges"
