"""Haven: an open platform for child online protection."""

from haven.celery import app as celery_app

__all__ = ["celery_app"]
