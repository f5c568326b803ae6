from django.apps import AppConfig


class EmergenciesConfig(AppConfig):
    name = "haven.emergencies"
    label = "emergencies"

    def ready(self) -> None:
        from haven.emergencies import jobs  # noqa: F401  (registers the job handlers)
        from haven.emergencies.panel import panel
        from haven.triage import panels

        panels.register(panel())
