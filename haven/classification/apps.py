from django.apps import AppConfig


class ClassificationConfig(AppConfig):
    name = "haven.classification"
    label = "classification"

    def ready(self) -> None:
        from haven.classification.panels import classification_panel, duplicates_panel
        from haven.triage import panels

        panels.register(
            panels.Panel(
                key="classification",
                title="Classification",
                template="classification/_panel.html",
                context=classification_panel,
                order=10,
            )
        )
        panels.register(
            panels.Panel(
                key="duplicates",
                title="Reported again",
                template="classification/_duplicates_panel.html",
                context=duplicates_panel,
                order=15,
            )
        )
