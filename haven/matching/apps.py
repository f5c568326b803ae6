from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "haven.matching"
    label = "matching"

    def ready(self) -> None:
        from haven.matching import import_jobs, jobs  # noqa: F401  (registers job handlers)
