from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "haven.routing"
    label = "routing"

    def ready(self) -> None:
        from haven.routing import jobs  # noqa: F401  (registers the job handlers)
        from haven.routing.panel import panel
        from haven.triage import panels

        panels.register(panel())
