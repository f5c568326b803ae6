"""Why Haven refused a file, as a short code and in words a child or parent understands.

A module of its own so that image and video hashing can both raise `MediaRejected`
without importing each other. `haven.hashing.media` re-exports everything here.
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

REJECTION_MESSAGES = {
    "empty": _("The file is empty."),
    "too_large": _("The file is too large. The limit is %(limit)s MB."),
    "unsupported": _("This type of file is not supported. Please send photos or videos."),
    "not_image": _("The file says it is a picture but it is not one we can open."),
    "not_video": _("The file says it is a video but it is not one we can open."),
    "truncated": _("The file is damaged or incomplete."),
    "too_many_pixels": _("The picture is too big to check safely."),
}


class MediaRejected(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code

    @property
    def message(self) -> str:
        return rejection_message(self.code)


def rejection_message(code: str) -> str:
    template = REJECTION_MESSAGES.get(code, REJECTION_MESSAGES["unsupported"])
    return str(template) % {"limit": settings.MAX_UPLOAD_BYTES // (1024 * 1024)}
