from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "haven.messaging"
    label = "messaging"

    def ready(self) -> None:
        from haven.messaging import jobs  # noqa: F401  (registers the job handler)
