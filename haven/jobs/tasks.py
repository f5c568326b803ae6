"""Celery tasks: thin wrappers that run durable jobs by id."""

from celery import shared_task

from haven.jobs import services


@shared_task(name="haven.jobs.run")
def run_job(job_id: int) -> None:
    services.run_job(job_id)


@shared_task(name="haven.jobs.sweep")
def sweep() -> None:
    services.sweep()
