"""Offline text signals: what a chat message, a post or a page says, as signals and
content descriptors the access policy can decide on.

`analyse(text)` finds grooming patterns, a child's words of self-harm intent, bullying
and threats, and the content descriptors text alone can carry (sexual content, nudity,
self-harm and eating disorders, hate, drugs, gambling, violence, gore, dangerous stunts,
horror, profanity). It is pure Python: regular expressions over a normalised text, no
model, nothing downloaded, well under a millisecond for 2 KB.

Identity words never count by themselves: "I'm gay", "my two mums", "I'm Muslim" or
"my autistic brother" find nothing.
"""

from haven.access.signals.analysis import analyse

__all__ = ["analyse"]
