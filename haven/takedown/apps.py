from django.apps import AppConfig


class TakedownConfig(AppConfig):
    name = "haven.takedown"
    label = "takedown"
