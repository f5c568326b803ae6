from django.apps import AppConfig


class ClassificationConfig(AppConfig):
    name = "haven.classification"
    label = "classification"
