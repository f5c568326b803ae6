from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "haven.cases"
    label = "cases"

    def ready(self) -> None:
        from haven.cases import jobs  # noqa: F401  (registers the job handlers)
        from haven.cases.panel import panel
        from haven.triage import panels

        panels.register(panel())
