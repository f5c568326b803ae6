from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "haven.matching"
    label = "matching"

    def ready(self) -> None:
        from haven.matching import jobs  # noqa: F401  (registers the job handlers)
