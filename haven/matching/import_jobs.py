"""Import a file of hashes into a bank in the background, for the bank pages.

The page stages the upload under settings.STAGING_DIR and enqueues "matching.import_file".
The job runs `haven.matching.imports.import_file`, which is resumable: when a worker dies,
the retried job carries on after the last committed batch. The staged file is deleted
once the import has finished; its errors file (malformed lines) stays beside it.
"""

import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.utils.text import get_valid_filename

from haven.accounts.models import User
from haven.audit.services import Actor
from haven.jobs.registry import job_handler
from haven.matching.models import HashBank

MAX_NAME_LENGTH = 100


def staging_root() -> Path:
    return Path(settings.STAGING_DIR) / "imports"


def stage_upload(upload) -> Path:
    """Save an uploaded file of hashes in a new random folder, under its own (cleaned) name.

    The name is kept because the import records it as the entries' source ("import:<name>").
    """
    folder = staging_root() / secrets.token_hex(16)
    folder.mkdir(parents=True)
    path = folder / _safe_name(upload.name or "")
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return path


def _safe_name(name: str) -> str:
    try:
        cleaned = get_valid_filename(Path(name).name)
    except SuspiciousFileOperation:
        cleaned = ""
    return cleaned[-MAX_NAME_LENGTH:] or "hashes.txt"


def _is_staged(path: Path) -> bool:
    return path.resolve().is_relative_to(staging_root().resolve())


@job_handler("matching.import_file")
def import_staged_file(
    bank_id: int, path: str, fmt: str = "auto", user_id: int | None = None, restart: bool = False
) -> None:
    from haven.audit.services import record
    from haven.matching.formats import FormatError
    from haven.matching.imports import ImportRefused, import_file

    staged = Path(path)
    # The payload comes from our own page, but a job never reads outside the staging area.
    if not _is_staged(staged):
        raise ValueError(f"not a staged import: {path}")
    user = User.objects.filter(pk=user_id).first() if user_id else None
    bank = HashBank.objects.filter(pk=bank_id).first()
    if bank is None or (user is not None and user.organisation_id != bank.organisation_id):
        staged.unlink(missing_ok=True)  # the bank was deleted meanwhile
        return
    actor = Actor.for_user(user) if user is not None else Actor.system("bank import")
    try:
        import_file(actor, bank, str(staged), fmt=fmt, restart=restart)
    except (FormatError, ImportRefused) as exc:
        # Trying again cannot help: say so in the log and on the bank page's audit trail.
        record(
            actor,
            "bank.import_refused",
            bank,
            organisation_id=bank.organisation_id,
            file=staged.name,
            reason=str(exc),
        )
        staged.unlink(missing_ok=True)
        return
    staged.unlink(missing_ok=True)
