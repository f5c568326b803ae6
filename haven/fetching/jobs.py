"""Background fetches of reported addresses."""

from haven.jobs.registry import job_handler


@job_handler("fetching.capture_url")
def capture_url(url_id: int) -> None:
    # Placeholder until the capture is built (issue 4): the name is registered so that
    # intake can enqueue it.
    return None
