from django.apps import AppConfig


class HostingConfig(AppConfig):
    name = "haven.hosting"
    label = "hosting"

    def ready(self) -> None:
        from haven.hosting import jobs  # noqa: F401  (registers the job handlers)
        from haven.hosting.panel import register_panel

        register_panel()
