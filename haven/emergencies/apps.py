from django.apps import AppConfig


class EmergenciesConfig(AppConfig):
    name = "haven.emergencies"
    label = "emergencies"
