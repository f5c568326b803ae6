from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "haven.triage"
    label = "triage"

    def ready(self) -> None:
        from haven.triage import jobs  # noqa: F401  (registers the job handlers)
