from django.apps import AppConfig


class CybertipConfig(AppConfig):
    name = "haven.cybertip"
    label = "cybertip"

    def ready(self) -> None:
        from haven.cybertip import panel
        from haven.triage import panels

        panels.register(
            panels.Panel(
                key="cybertip",
                title="NCMEC CyberTipline",
                template="cybertip/_panel.html",
                context=panel.context,
                order=50,
            )
        )
