from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "haven.routing"
    label = "routing"
