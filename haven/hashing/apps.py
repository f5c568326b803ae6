from django.apps import AppConfig


class HashingConfig(AppConfig):
    name = "haven.hashing"
    label = "hashing"

    def ready(self) -> None:
        from haven.hashing import jobs  # noqa: F401  (registers the job handlers)
