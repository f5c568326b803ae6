from django.apps import AppConfig


class HmaConfig(AppConfig):
    name = "haven.hma"
    label = "hma"
