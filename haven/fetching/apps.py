from django.apps import AppConfig


class FetchingConfig(AppConfig):
    name = "haven.fetching"
    label = "fetching"
