from django.apps import AppConfig


class ExchangesConfig(AppConfig):
    name = "haven.exchanges"
    label = "exchanges"

    def ready(self) -> None:
        from haven.exchanges import (
            feed,  # noqa: F401  (keeps tombstones of entries deleted from shared banks)
            jobs,  # noqa: F401  (registers the job handlers)
        )
