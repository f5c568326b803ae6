from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "haven.network"
    label = "network"
    verbose_name = "Partner network"
