from django.apps import AppConfig


class FetchingConfig(AppConfig):
    name = "haven.fetching"
    label = "fetching"

    def ready(self) -> None:
        from haven.fetching import jobs  # noqa: F401  (registers job handlers)
