from django.apps import AppConfig


class HelplineConfig(AppConfig):
    name = "haven.helpline"
    label = "helpline"
