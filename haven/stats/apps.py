from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "haven.stats"
    label = "stats"
