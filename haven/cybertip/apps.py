from django.apps import AppConfig


class CybertipConfig(AppConfig):
    name = "haven.cybertip"
    label = "cybertip"
