from django.apps import AppConfig


class HostingConfig(AppConfig):
    name = "haven.hosting"
    label = "hosting"
