from django.apps import AppConfig


class TakedownConfig(AppConfig):
    name = "haven.takedown"
    label = "takedown"

    def ready(self) -> None:
        from haven.takedown import jobs  # noqa: F401  (registers the job handlers)
        from haven.takedown.panels import register_panel
        from haven.takedown.receivers import connect

        register_panel()
        connect()
